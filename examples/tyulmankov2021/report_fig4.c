/* Report section: Figure 4 and C5. */
#include <math.h>
#include <stdlib.h>

#include "report.h"

/* Index of the delay closest to target. */
static size_t nearest_delay(const tf_fig4_result *r, size_t target)
{
    size_t best = 0;
    for (size_t i = 1; i < r->n_delays; i++)
        if (labs((long)r->delays[i] - (long)target) <
            labs((long)r->delays[best] - (long)target))
            best = i;
    return best;
}

static void continual_table(FILE *f, const tf_config *cfg,
                            const tf_fig4_result *r)
{
    size_t cols[3] = {nearest_delay(r, cfg->n / 2), nearest_delay(r, cfg->n),
                      r->n_delays ? r->n_delays - 1 : 0};
    fprintf(f, "| model | R = %zu | R = %zu | R = %zu |\n|---|---|---|---|\n",
            r->delays[cols[0]], r->delays[cols[1]], r->delays[cols[2]]);
    for (int k = 0; k < TF_FIG4A_MODELS; k++)
        fprintf(f, "| %s | %s | %s | %s |\n",
                r->cont_labels[k] ? r->cont_labels[k] : "?",
                TF_NUM(r->cont[k][cols[0]], 3), TF_NUM(r->cont[k][cols[1]], 3),
                TF_NUM(r->cont[k][cols[2]], 3));
}

static void flashbulb_table(FILE *f, const tf_config *cfg,
                            const tf_fig4_result *r)
{
    size_t a = nearest_delay(r, cfg->n / 2);
    size_t b = r->n_delays ? r->n_delays - 1 : 0;
    fprintf(f, "\n| model | regular R = %zu | salient R = %zu | regular "
               "R = %zu | salient R = %zu |\n|---|---|---|---|---|\n",
            r->delays[a], r->delays[a], r->delays[b], r->delays[b]);
    for (int k = 0; k < TF_FIG4B_MODELS; k++)
        fprintf(f, "| %s | %s | %s | %s | %s |\n",
                r->flash_labels[k] ? r->flash_labels[k] : "?",
                TF_NUM(r->regular[k][a], 3), TF_NUM(r->salient[k][a], 3),
                TF_NUM(r->regular[k][b], 3), TF_NUM(r->salient[k][b], 3));
}

static void correlated_table(FILE *f, const tf_fig4_result *r)
{
    static const double c[3] = {0.3, 0.6, 0.9};
    fprintf(f, "\n| model | c | template only | acc. T = N/2 | acc. T = N "
               "| acc. T = 2N |\n|---|---|---|---|---|---|\n");
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < TF_FIG4A_MODELS; k++)
            fprintf(f, "| %s | %.1f | %.2f | %s | %s | %s |\n",
                    r->corr_labels[k] ? r->corr_labels[k] : "?", c[i],
                    (1.0 + c[i]) / 2.0, TF_NUM(r->corr[i][k].at_half, 3),
                    TF_NUM(r->corr[i][k].at_n, 3),
                    TF_NUM(r->corr[i][k].at_2n, 3));
    fprintf(f, "\n\"Template only\" is the accuracy of answering every "
               "query with the template the patterns were drawn around, "
               "(1 + c)/2: a network that has lost the individual items "
               "scores about that much.\n");
}

void tf_report_fig4(FILE *f, const tf_config *cfg, const tf_fig4_result *r)
{
    fprintf(f,
        "## Figure 4 — continual, flashbulb and correlated memories\n\n"
        "![Figure 4](fig4.png)\n\n"
        "**Paper (a).** In continual recall the sequential network's "
        "accuracy falls in steps of width N; with random third factors it "
        "decays smoothly; both stay above the Hopfield network (decay "
        "λ = 0.95, footnote 4).\n\n**Ours (a)**, mean accuracy of the "
        "recall steps at delay R (%zu streams of max(%zu, 20R) steps per "
        "delay):\n\n", cfg->stream_reps, cfg->continual_min_len);
    continual_table(f, cfg, r);
    fprintf(f,
        "\n**Paper (b).** With meta-plasticity the network keeps five "
        "flashbulb items (q = 10) with little effect on regular items; the "
        "Hopfield network, storing them as large updates, trades regular "
        "recall for flashbulb recall as the write strength grows (10, 50, "
        "10³, 10⁶).\n\n**Ours (b)**, %zu streams of %zu steps per delay, "
        "five salient items, simplified rules (η̃ = 1) with "
        "meta-plasticity. *Paper*: q = 10, a synapse whose rate exceeds 1 "
        "is frozen, and the write saturates (`AMEM_KVMEM_WRITE_SATURATING`:"
        " the slot is overwritten with the item at unit strength). "
        "*Reference*: the authors' code, store signal ×15, freezing at a "
        "rate of 10, saturating write. *Linear*: the write is not clamped, "
        "so q = 10 writes the key row as 10·x (the earlier version of this "
        "example); *q = 1.001* is a labelled variant that freezes while "
        "writing at unit strength with the linear write.\n",
        cfg->stream_reps, cfg->flashbulb_len);
    flashbulb_table(f, cfg, r);
    fprintf(f,
        "\n**Paper (c, C5).** With correlated patterns (c = 0.6) the "
        "key-value network performs much as on uncorrelated data, with a "
        "minor loss from spurious recall of similar items; Figure C5 "
        "shows the same for other correlations.\n\n![Figure C5](figC5.png)"
        "\n\n**Ours (c, C5):**\n");
    correlated_table(f, r);
    fputc('\n', f);
}
