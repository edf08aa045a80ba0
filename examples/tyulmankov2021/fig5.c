/*
 * Figure 5a-b: heteroassociative recall (d = N = 40, values of m = 20
 * entries) against BAM, and sequence recall through x_{t+1} = y~_t
 * (d = N = m = 40) against BAM. BAM: W <- W + y x^T / d, one step
 * y = sign(W x) (reference code).
 */
#include <math.h>

#include "csv.h"
#include "curve.h"
#include "figures.h"
#include "log.h"
#include "sequence.h"
#include "specs.h"
#include "train.h"

#define TF_HETERO_M 20

static int panel_a(const tf_config *cfg, FILE *csv, tf_fig5_result *res)
{
    tf_train_spec ts = {.n = cfg->n, .value_dim = TF_HETERO_M, .random = 1,
                        .p_times_n = 4, .label = "heteroassociative"};
    if (tf_meta_train(cfg, &ts, cfg->seed + 4000, &res->hetero_rule, NULL))
        return -1;
    tf_model_spec specs[TF_FIG5_MODELS] = {
        tf_spec_sequential(cfg->n),
        tf_spec_random(cfg->n, 0.1, "random p=0.1"),
        tf_spec_trained(cfg->n, &res->hetero_rule, "trained random p=4/N"),
        tf_spec_hopfield(1.0, 1, "BAM")};
    tf_episode_spec es = {.d = cfg->n, .m = TF_HETERO_M,
                          .zeroed = cfg->zeroed};
    for (int k = 0; k < TF_FIG5_MODELS; k++) {
        res->hetero_labels[k] = specs[k].label;
        if (tf_curve(csv, "fig5a", &specs[k], &es, cfg, cfg->seed + 4100 + k,
                     &res->hetero[k]) != 0)
            return -1;
    }
    return 0;
}

static void seq_marks(const tf_config *cfg, size_t n, double acc, int k,
                      int *broken, tf_fig5_result *res)
{
    if (acc >= 0.98 && !*broken)
        res->seq_perfect[k] = n;
    else
        *broken = 1;
    if (n == cfg->n)
        res->seq_at_n[k] = acc;
    if (n == 2 * cfg->n)
        res->seq_at_2n[k] = acc;
}

static int panel_b(const tf_config *cfg, FILE *csv, tf_fig5_result *res)
{
    tf_model_spec specs[TF_FIG5B_MODELS] = {
        tf_spec_sequential(cfg->n),
        tf_spec_random(cfg->n, 0.1, "random p=0.1"),
        tf_spec_hopfield(1.0, 1, "BAM")};
    for (int k = 0; k < TF_FIG5B_MODELS; k++) {
        int broken = 0;
        res->seq_labels[k] = specs[k].label;
        res->seq_at_n[k] = res->seq_at_2n[k] = NAN;
        /* lengths 2, then the multiples of the step */
        for (size_t n = 2; n <= cfg->seq_max_len;
             n = (n / cfg->seq_step + 1) * cfg->seq_step) {
            double acc = 0;
            if (tf_sequence_accuracy(&specs[k], n, cfg->n, cfg->seq_reps,
                                     cfg->seed + 4200 + 100 * n + k, &acc))
                return -1;
            fprintf(csv, "%s,%zu,%.6f\n", specs[k].label, n, acc);
            seq_marks(cfg, n, acc, k, &broken, res);
        }
        tf_log("fig5b: %s perfect up to length %zu", specs[k].label,
               res->seq_perfect[k]);
    }
    return 0;
}

int tf_fig5(const tf_config *cfg, const ex_args *args, tf_fig5_result *res)
{
    FILE *a = tf_csv_open(args, "fig5a_hetero.csv",
                          "panel,model,items,accuracy,sd");
    FILE *b = tf_csv_open(args, "fig5b_sequence.csv", "model,length,accuracy");
    int bad = !a || !b;
    if (!bad)
        bad = panel_a(cfg, a, res) || panel_b(cfg, b, res);
    bad |= tf_csv_close(a, "fig5a_hetero.csv");
    bad |= tf_csv_close(b, "fig5b_sequence.csv");
    return bad ? -1 : 0;
}
