/* Report section: Figure 3. */
#include "report.h"

static const char *param_names[TF_RULE_PARAMS] = {
    "η̃ᵏ", "η̃ᵛ", "λ̃", "a^{fk} (key pre slope)", "b^{fk} (key pre offset)",
    "a^{gk} (key post slope)", "b^{gk} (key post offset)",
    "a^{fv} (value pre slope, on h′)", "b^{fv} (value pre offset)",
    "a^{gv} (value post slope, on y)", "b^{gv} (value post offset)"};

/* The paper's Section 3.2 values for the sequential network ("–": not
 * stated). */
static const char *paper_values[TF_RULE_PARAMS] = {
    "–", "–", "–", "≈ 0.5", "≈ 0", "≈ 0", "≈ 0.5", "≈ 1", "≈ 0", "≈ 1",
    "≈ 0"};

static void accuracy_table(FILE *f, const tf_fig3_result *r)
{
    fprintf(f, "| local factor | simple T = N | trained T = N | simple "
               "T = 2N | trained T = 2N | final training loss | final "
               "training acc. |\n|---|---|---|---|---|---|---|\n");
    for (int k = 0; k < TF_FIG3_RUNS; k++)
        fprintf(f, "| %s | %s | %s | %s | %s | %s | %s |\n",
                r->labels[k] ? r->labels[k] : "?",
                TF_NUM(r->simple[k].at_n, 3), TF_NUM(r->trained[k].at_n, 3),
                TF_NUM(r->simple[k].at_2n, 3),
                TF_NUM(r->trained[k].at_2n, 3),
                TF_NUM(r->final_loss[k], 2), TF_NUM(r->final_acc[k], 3));
}

static void rule_table(FILE *f, const tf_fig3_result *r)
{
    fprintf(f, "\n| parameter | paper (sequential) | ours, sequential | "
               "ours, random p = 4/N |\n|---|---|---|---|\n");
    for (int k = 0; k < TF_RULE_PARAMS; k++)
        fprintf(f, "| %s | %s | %s | %s |\n", param_names[k],
                paper_values[k], TF_NUM(r->rules[0].params[k], 3),
                TF_NUM(r->rules[3].params[k], 3));
}

/* Panel b by network size: capacity, and accuracy at T = N/4. */
static void size_table(FILE *f, const tf_config *cfg, const tf_fig3_result *r)
{
    fprintf(f, "\nBy size: capacity, and in brackets the accuracy at the "
               "load T = N/4:\n\n| N |");
    for (int k = 0; k < TF_FIG3B_MODELS; k++)
        fprintf(f, " %s |", r->cap_labels[k] ? r->cap_labels[k] : "?");
    fprintf(f, "\n|---|");
    for (int k = 0; k < TF_FIG3B_MODELS; k++)
        fprintf(f, "---|");
    fputc('\n', f);
    for (size_t s = 0; s < cfg->n_trained_sizes; s++) {
        fprintf(f, "| %zu |", cfg->trained_sizes[s]);
        for (int k = 0; k < TF_FIG3B_MODELS; k++)
            fprintf(f, " %s (%s) |", TF_NUM(r->cap[k][s], 1),
                    TF_NUM(r->load[k][s], 3));
        fputc('\n', f);
    }
}

/* Panel b with each probe's accuracy averaged over several episodes. */
static void avg_table(FILE *f, const tf_config *cfg, const tf_fig3_result *r)
{
    fprintf(f, "\nThe same capacity search with each probe's accuracy "
               "averaged over %zu fresh episodes (instead of the reference "
               "code's single episode), %zu searches per size:\n\n"
               "| model | slope | offset |",
            cfg->probe_episodes, cfg->capacity_reps);
    for (size_t s = 0; s < cfg->n_trained_sizes; s++)
        fprintf(f, " N = %zu |", cfg->trained_sizes[s]);
    fprintf(f, "\n|---|---|---|");
    for (size_t s = 0; s < cfg->n_trained_sizes; s++)
        fprintf(f, "---|");
    fputc('\n', f);
    for (int k = 0; k < TF_FIG3B_MODELS; k++) {
        fprintf(f, "| %s | %s | %s |",
                r->cap_labels[k] ? r->cap_labels[k] : "?",
                TF_NUM(r->slope_avg[k], 3), TF_NUM(r->offset_avg[k], 2));
        for (size_t s = 0; s < cfg->n_trained_sizes; s++)
            fprintf(f, " %s |", TF_NUM(r->cap_avg[k][s], 1));
        fputc('\n', f);
    }
}

void tf_report_fig3b(FILE *f, const tf_config *cfg, const tf_fig3_result *r)
{
    fprintf(f, "Capacity of trained networks (panel b), fitted C = "
               "slope·N + offset over N =");
    for (size_t s = 0; s < cfg->n_trained_sizes; s++)
        fprintf(f, "%s%zu", s ? ", " : " ", cfg->trained_sizes[s]);
    fprintf(f, ":\n\n| model | slope | offset |\n|---|---|---|\n");
    for (int k = 0; k < TF_FIG3B_MODELS; k++)
        fprintf(f, "| %s | %s | %s |\n",
                r->cap_labels[k] ? r->cap_labels[k] : "?",
                TF_NUM(r->slope[k], 3), TF_NUM(r->offset[k], 2));
    size_table(f, cfg, r);
    avg_table(f, cfg, r);
    fprintf(f, "\nThe paper gives no numbers for panel b; it states the "
               "ordering (p = 4/N above fixed p = 0.1). Capacity here is "
               "the paper's measure: the largest T whose single fresh "
               "episode has accuracy >= 0.98, searched from T = 1 upwards. "
               "With p = 4/N a stored item gets no slot at all with "
               "probability (1 - 4/N)^N, about e^-4 = 1.8%%; one such item "
               "among the few of an early probe already costs more than 2%% "
               "of the entries, so the search often stops early, while a "
               "fixed p = 0.1 gives each item 0.1 N copies. The accuracy at "
               "the load T = N/4 (mean of %zu episodes) weighs the other "
               "side of the trade-off: a smaller p overwrites each slot less "
               "often. Only the products "
               "of a slope or offset with the rates set what is stored "
               "(the key row written is η̃ᵏ·(a^{gk}h + b^{gk})·(a^{fk}x + "
               "b^{fk}) for a gated slot), so compare the shape of the "
               "rule — which terms vanish — rather than single "
               "values.\n\n",
            cfg->curve_reps);
}

void tf_report_fig3(FILE *f, const tf_config *cfg, const tf_fig3_result *r)
{
    fprintf(f,
        "## Figure 3 — meta-learned plasticity rules\n\n"
        "![Figure 3](fig3.png)\n\n![Figure C4](figC4.png)\n\n"
        "**Paper.** Replacing the rapid value decay by a learned passive "
        "decay does not significantly hurt, and slightly helps for long "
        "sequences; p ≈ 4/N works well, and capacity is better with "
        "p = 4/N than with a fixed p = 0.1. Trained on T ∈ [N/2, 2N], "
        "accuracy stays below 1 during training but generalises to other "
        "lengths. The key rule becomes pre-only (a^{fk} ≈ 0.5, "
        "b^{fk} ≈ 0, a^{gk} ≈ 0, b^{gk} ≈ 0.5) and the value rule "
        "Hebbian (a^{gv} ≈ a^{fv} ≈ 1, offsets ≈ 0).\n\n"
        "**Ours** (d = N = %zu, %zu Adam steps per rule).\n\n",
        cfg->n, cfg->train_steps);
    accuracy_table(f, r);
    rule_table(f, r);
    fputc('\n', f);
    tf_report_fig3b(f, cfg, r);
}
