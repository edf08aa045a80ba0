/*
 * Figure 2: the simplified rules against Hopfield and TVT on the benchmark
 * task. (a) accuracy against stored items at d = N = 40; (b) capacity
 * (accuracy >= 0.98) against network size N (d = N) with fitted slopes.
 */
#include <math.h>
#include <stdlib.h>

#include <assocmem/tvt.h>

#include "capacity.h"
#include "csv.h"
#include "figures.h"
#include "log.h"
#include "specs.h"

/* The four models of the figure at size n; tvt holds trained TVT reads. */
static void fig2_models(tf_model_spec *specs, size_t n,
                        const tf_tvt_read *tvt)
{
    specs[0] = tf_spec_sequential(n);
    specs[1] = tf_spec_random(n, 0.1, "random p=0.1");
    specs[2] = tf_spec_hopfield(1.0, 100, "Hopfield");
    specs[3] = tf_spec_tvt(n, tvt);
}

static int panel_a(const tf_config *cfg, FILE *csv, const tf_tvt_read *tvt,
                   tf_fig2_result *res)
{
    tf_model_spec specs[TF_FIG2_MODELS];
    tf_episode_spec es = {.d = cfg->n, .zeroed = cfg->zeroed};
    fig2_models(specs, cfg->n, tvt);
    for (int k = 0; k < TF_FIG2_MODELS; k++) {
        res->labels[k] = specs[k].label;
        if (tf_curve(csv, "fig2a", &specs[k], &es, cfg, cfg->seed + 10 * k,
                     &res->marks[k]) != 0)
            return -1;
    }
    return 0;
}

/* Capacity of the four models at one size; TVT is trained at that size. */
static int panel_b_size(const tf_config *cfg, FILE *csv, size_t n,
                        double *caps)
{
    tf_tvt_read tvt;
    if (tf_tvt_train(n, cfg->tvt_steps, cfg->seed + n, &tvt, NULL) != 0)
        return -1;
    tf_model_spec specs[TF_FIG2_MODELS];
    tf_episode_spec es = {.d = n, .zeroed = cfg->zeroed};
    fig2_models(specs, n, &tvt);
    int bad = 0;
    for (int k = 0; k < TF_FIG2_MODELS && !bad; k++) {
        double sd = 0;
        bad = tf_capacity_mean(&specs[k], &es, 4 * (long)n, 1,
                               cfg->capacity_reps, cfg->seed + 100 * n + k,
                               &caps[k], &sd);
        if (!bad)
            fprintf(csv, "%s,%zu,%.4f,%.4f\n", specs[k].label, n, caps[k],
                    sd);
    }
    tf_tvt_read_free(&tvt);
    tf_log("fig2b: N=%zu capacities %.1f %.1f %.1f %.1f", n, caps[0],
           caps[1], caps[2], caps[3]);
    return bad ? -1 : 0;
}

static int panel_b(const tf_config *cfg, FILE *csv, FILE *fit,
                   tf_fig2_result *res)
{
    double x[TF_MAX_SIZES], y[TF_FIG2_MODELS][TF_MAX_SIZES];
    for (size_t s = 0; s < cfg->n_sizes; s++) {
        double caps[TF_FIG2_MODELS];
        if (panel_b_size(cfg, csv, cfg->sizes[s], caps) != 0)
            return -1;
        x[s] = (double)cfg->sizes[s];
        for (int k = 0; k < TF_FIG2_MODELS; k++)
            y[k][s] = caps[k];
    }
    for (int k = 0; k < TF_FIG2_MODELS; k++) {
        tf_fit_line(x, y[k], cfg->n_sizes, &res->slope[k], &res->offset[k]);
        fprintf(fit, "%s,%.4f,%.4f\n", res->labels[k], res->slope[k],
                res->offset[k]);
    }
    return 0;
}

static int train_tvt(const tf_config *cfg, const ex_args *args,
                     tf_tvt_read *tvt, tf_fig2_result *res)
{
    size_t steps = cfg->tvt_steps;
    float *hist = malloc(steps * AMEM_TVT_HISTORY_COLS * sizeof *hist);
    if (!hist || tf_tvt_train(cfg->n, steps, cfg->seed, tvt, hist) != 0) {
        free(hist);
        return -1;
    }
    FILE *f = tf_csv_open(args, "fig2_tvt_training.csv",
                          "step,loss,accuracy,strength");
    for (size_t i = 0; f && i < steps; i++) {
        const float *r = hist + i * AMEM_TVT_HISTORY_COLS;
        fprintf(f, "%.0f,%.6f,%.6f,%.4f\n", r[0], r[1], r[2], r[3]);
    }
    res->tvt_strength = hist[(steps - 1) * AMEM_TVT_HISTORY_COLS + 3];
    free(hist);
    return !f || tf_csv_close(f, "fig2_tvt_training.csv") ? -1 : 0;
}

int tf_fig2(const tf_config *cfg, const ex_args *args, tf_fig2_result *res)
{
    tf_tvt_read tvt;
    tf_log("fig2: training TVT (%zu steps)", cfg->tvt_steps);
    if (train_tvt(cfg, args, &tvt, res) != 0)
        return -1;
    FILE *a = tf_csv_open(args, "fig2a_accuracy.csv",
                          "panel,model,items,accuracy,sd");
    int bad = !a || panel_a(cfg, a, &tvt, res);
    bad |= tf_csv_close(a, "fig2a_accuracy.csv");
    tf_tvt_read_free(&tvt);
    if (bad)
        return -1;
    FILE *b = tf_csv_open(args, "fig2b_capacity.csv", "model,size,capacity,sd");
    FILE *fit = tf_csv_open(args, "fig2b_fit.csv", "model,slope,offset");
    bad = !b || !fit || panel_b(cfg, b, fit, res);
    bad |= tf_csv_close(b, "fig2b_capacity.csv");
    bad |= tf_csv_close(fit, "fig2b_fit.csv");
    return bad ? -1 : 0;
}
