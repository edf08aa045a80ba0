/*
 * Figure 4a-b: continual recall (accuracy against the delay R between
 * storage and recall) and flashbulb memories (five salient items stored
 * with a larger global factor under meta-plasticity, Eq. 17). Key-value
 * variants of panel b:
 *   paper      q = 10, threshold 1, saturating write (the slot is
 *              overwritten with the item at unit strength, then frozen);
 *   reference  the authors' code: store signal x15, threshold 10,
 *              saturating write (their clamp(rate) * prepost);
 *   linear     q = 10, threshold 1, linear write (the row becomes 10 x);
 *   q=1.001    linear write at q = 1.001: freezes at unit strength; a
 *              variant, not the paper's setting;
 *   no-meta    q = 10, linear write, no freezing.
 * Hopfield with flashbulb write strengths 10, 50, 1e3, 1e6 has decay 0.95
 * at every step (footnote 4) and runs 3 synchronous steps, as in the
 * reference code.
 */
#include <math.h>

#include "continual.h"
#include "csv.h"
#include "figures.h"
#include "log.h"
#include "specs.h"

#define TF_SALIENT_ITEMS 5
#define TF_KV_FLASH 9

static const double hop_strengths[4] = {10, 50, 1e3, 1e6};
static const char *flash_labels[TF_FIG4B_MODELS] = {
    "sequential paper saturating q=10",
    "sequential reference saturating q=15 thr=10",
    "sequential linear q=10", "sequential linear q=1.001 (variant)",
    "sequential no-meta q=10",
    "random paper saturating q=10",
    "random reference saturating q=15 thr=10",
    "random linear q=10", "random linear q=1.001 (variant)",
    "Hopfield q=10", "Hopfield q=50", "Hopfield q=1e3", "Hopfield q=1e6"};
/* Key-value models of panel b: local factor, freezing threshold (0: no
 * meta-plasticity), saturating write, salient q. */
static const struct {
    int random;
    double threshold;
    int saturating;
    double q;
} kv_flash[TF_KV_FLASH] = {
    {0, 1, 1, 10.0}, {0, 10, 1, 15.0}, {0, 1, 0, 10.0}, {0, 1, 0, 1.001},
    {0, 0, 0, 10.0}, {1, 1, 1, 10.0}, {1, 10, 1, 15.0}, {1, 1, 0, 10.0},
    {1, 1, 0, 1.001}};

/* Mean regular and salient accuracy of one model at delay R. */
static int run_delay(const tf_config *cfg, const tf_model_spec *spec,
                     const tf_stream_spec *ss, uint64_t seed, double *regular,
                     double *salient)
{
    tf_recall_tally tally = {0};
    for (size_t r = 0; r < cfg->stream_reps; r++) {
        tf_stream s;
        if (tf_stream_make(&s, ss, seed + 7777u * r) != 0)
            return -1;
        int bad = tf_stream_run(spec, &s, seed + r, &tally);
        tf_stream_free(&s);
        if (bad)
            return -1;
    }
    *regular = tf_tally_regular(&tally);
    *salient = tf_tally_salient(&tally);
    return 0;
}

static int panel_a(const tf_config *cfg, FILE *csv, const tf_rule *trained,
                   tf_fig4_result *res)
{
    tf_model_spec specs[TF_FIG4A_MODELS] = {
        tf_spec_sequential(cfg->n),
        tf_spec_random(cfg->n, 0.1, "random p=0.1"),
        tf_spec_trained(cfg->n, trained, "trained random p=4/N"),
        tf_spec_hopfield(0.95, 100, "Hopfield")};
    for (size_t i = 0; i < res->n_delays; i++) {
        size_t R = res->delays[i];
        tf_stream_spec ss = {.d = cfg->n, .delay = R, .zeroed = cfg->zeroed,
                             .T = 20 * R > cfg->continual_min_len
                                      ? 20 * R : cfg->continual_min_len};
        for (int k = 0; k < TF_FIG4A_MODELS; k++) {
            double salient = 0;
            res->cont_labels[k] = specs[k].label;
            if (run_delay(cfg, &specs[k], &ss, cfg->seed + 1000 * R + k,
                          &res->cont[k][i], &salient) != 0)
                return -1;
            fprintf(csv, "%s,%zu,%.6f\n", specs[k].label, R,
                    res->cont[k][i]);
        }
        tf_log("fig4a: R=%zu accuracies %.3f %.3f %.3f %.3f", R,
               res->cont[0][i], res->cont[1][i], res->cont[2][i],
               res->cont[3][i]);
    }
    return 0;
}

/* Model k of panel b and the global factor of its salient items. */
static tf_model_spec flash_model(const tf_config *cfg, int k, double *q)
{
    tf_model_spec spec;
    if (k < TF_KV_FLASH) {
        spec = kv_flash[k].random ? tf_spec_random(cfg->n, 0.1, NULL)
                                  : tf_spec_sequential(cfg->n);
        spec.meta_threshold = kv_flash[k].threshold;
        spec.saturating = kv_flash[k].saturating;
        *q = kv_flash[k].q;
    } else {
        spec = tf_spec_hopfield(0.95, 3, NULL);
        *q = hop_strengths[k - TF_KV_FLASH];
    }
    spec.label = flash_labels[k];
    return spec;
}

static int panel_b(const tf_config *cfg, FILE *csv, tf_fig4_result *res)
{
    for (size_t i = 0; i < res->n_delays; i++) {
        size_t R = res->delays[i];
        for (int k = 0; k < TF_FIG4B_MODELS; k++) {
            tf_stream_spec ss = {.d = cfg->n, .delay = R,
                                 .zeroed = cfg->zeroed,
                                 .T = cfg->flashbulb_len,
                                 .n_salient = TF_SALIENT_ITEMS};
            tf_model_spec spec = flash_model(cfg, k, &ss.salient_q);
            res->flash_labels[k] = flash_labels[k];
            if (run_delay(cfg, &spec, &ss, cfg->seed + 2000 * R + k,
                          &res->regular[k][i], &res->salient[k][i]) != 0)
                return -1;
            fprintf(csv, "%s,%zu,%.6f,%.6f\n", flash_labels[k], R,
                    res->regular[k][i], res->salient[k][i]);
        }
        tf_log("fig4b: R=%zu done", R);
    }
    return 0;
}

int tf_fig4_continual(const tf_config *cfg, const ex_args *args,
                      const tf_rule *trained, tf_fig4_result *res)
{
    res->n_delays = cfg->n_delays;
    for (size_t i = 0; i < cfg->n_delays; i++)
        res->delays[i] = cfg->delays[i];
    FILE *a = tf_csv_open(args, "fig4a_continual.csv",
                          "model,delay,accuracy");
    FILE *b = tf_csv_open(args, "fig4b_flashbulb.csv",
                          "model,delay,regular_accuracy,salient_accuracy");
    int bad = !a || !b;
    if (!bad)
        bad = panel_a(cfg, a, trained, res) || panel_b(cfg, b, res);
    bad |= tf_csv_close(a, "fig4a_continual.csv");
    bad |= tf_csv_close(b, "fig4b_flashbulb.csv");
    return bad ? -1 : 0;
}
