/*
 * Figure 3: meta-learned plasticity rules. (a) accuracy of the simplified
 * (dashed) and meta-learned (solid) rules at d = N = 40, sequential and
 * random with p = 1/N, 2/N, 4/N, 8/N; (b) capacity of trained networks
 * against N for sequential, p = 0.1 and p = 4/N (with the simplified
 * rules at p = 4/N and p = 0.1 beside them, and every model's accuracy at
 * the load T = N/4, fig3b_load.csv); (c) training curves and (d) the slopes
 * and offsets over training (fig3_history.csv).
 */
#include <math.h>
#include <stdlib.h>

#include "capacity.h"
#include "csv.h"
#include "figures.h"
#include "log.h"
#include "recall.h"
#include "specs.h"
#include "train.h"

static const double run_p_times_n[TF_FIG3_RUNS] = {0, 1, 2, 4, 8};
static const char *run_labels[TF_FIG3_RUNS] = {
    "sequential", "random p=1/N", "random p=2/N", "random p=4/N",
    "random p=8/N"};
static const char *simple_labels[TF_FIG3_RUNS] = {
    "sequential (simple)", "random p=1/N (simple)", "random p=2/N (simple)",
    "random p=4/N (simple)", "random p=8/N (simple)"};
static const char *trained_labels[TF_FIG3_RUNS] = {
    "sequential (trained)", "random p=1/N (trained)",
    "random p=2/N (trained)", "random p=4/N (trained)",
    "random p=8/N (trained)"};

/* One CSV row per block of `stride` steps: the step and rule parameters
 * at the block's end, loss and accuracy averaged over the block (batch-1
 * training curves are too noisy to read step by step). */
static void write_history(FILE *f, const char *run, const float *hist,
                          size_t steps)
{
    size_t stride = steps > 500 ? steps / 500 : 1;
    for (size_t start = 0; start < steps; start += stride) {
        size_t end = start + stride < steps ? start + stride : steps;
        double loss = 0, acc = 0;
        for (size_t i = start; i < end; i++) {
            loss += hist[i * AMEM_KVMEM_HISTORY_COLS + 1];
            acc += hist[i * AMEM_KVMEM_HISTORY_COLS + 2];
        }
        const float *r = hist + (end - 1) * AMEM_KVMEM_HISTORY_COLS;
        fprintf(f, "%s,%.0f,%.6g,%.6g", run, r[0],
                loss / (double)(end - start), acc / (double)(end - start));
        for (int c = 3; c < AMEM_KVMEM_HISTORY_COLS; c++)
            fprintf(f, ",%.6g", r[c]);
        fputc('\n', f);
    }
}

/* Train run k at N = 40; history rows go to hist_csv. */
static int train_run(const tf_config *cfg, FILE *hist_csv, int k,
                     tf_fig3_result *res)
{
    size_t steps = cfg->train_steps;
    float *hist = malloc(steps * AMEM_KVMEM_HISTORY_COLS * sizeof *hist);
    if (!hist)
        return -1;
    tf_train_spec ts = {.n = cfg->n, .random = k > 0,
                        .p_times_n = run_p_times_n[k],
                        .label = run_labels[k]};
    int bad = tf_meta_train(cfg, &ts, cfg->seed + 300 + k, &res->rules[k],
                            hist);
    if (!bad) {
        write_history(hist_csv, run_labels[k], hist, steps);
        const float *last = hist + (steps - 1) * AMEM_KVMEM_HISTORY_COLS;
        res->final_loss[k] = last[1];
        res->final_acc[k] = last[2];
    }
    free(hist);
    return bad;
}

static int panel_a_run(const tf_config *cfg, FILE *csv, int k,
                       tf_fig3_result *res)
{
    tf_episode_spec es = {.d = cfg->n, .zeroed = cfg->zeroed};
    tf_model_spec simple = k == 0
        ? tf_spec_sequential(cfg->n)
        : tf_spec_random(cfg->n, run_p_times_n[k] / (double)cfg->n, NULL);
    simple.label = simple_labels[k];
    tf_model_spec trained = tf_spec_trained(cfg->n, &res->rules[k],
                                            trained_labels[k]);
    res->labels[k] = run_labels[k];
    uint64_t seed = cfg->seed + 400 + 10 * k;
    if (tf_curve(csv, "fig3a", &simple, &es, cfg, seed, &res->simple[k]))
        return -1;
    return tf_curve(csv, "fig3a", &trained, &es, cfg, seed, &res->trained[k]);
}

static int panel_a(const tf_config *cfg, const ex_args *args,
                   tf_fig3_result *res)
{
    FILE *h = tf_csv_open(args, "fig3_history.csv",
                          "run,step,loss,accuracy,eta_k,eta_v,lambda,"
                          "key_pre_slope,key_pre_offset,key_post_slope,"
                          "key_post_offset,value_pre_slope,value_pre_offset,"
                          "value_post_slope,value_post_offset,p");
    FILE *a = tf_csv_open(args, "fig3a_accuracy.csv",
                          "panel,model,items,accuracy,sd");
    int bad = !h || !a;
    for (int k = 0; k < TF_FIG3_RUNS && !bad; k++)
        bad = train_run(cfg, h, k, res) || panel_a_run(cfg, a, k, res);
    res->have_rules = !bad;
    bad |= tf_csv_close(h, "fig3_history.csv");
    bad |= tf_csv_close(a, "fig3a_accuracy.csv");
    return bad ? -1 : 0;
}

static const char *cap_labels[TF_FIG3B_MODELS] = {
    "sequential (trained)", "random p=0.1 (trained)",
    "random p=4/N (trained)", "random p=4/N (simple)",
    "random p=0.1 (simple)"};

static void write_rule(FILE *f, const char *run, size_t n, const tf_rule *r)
{
    fprintf(f, "%s,%zu,%d,%.4g", run, n, r->random, r->p_times_n);
    for (int k = 0; k < TF_RULE_PARAMS; k++)
        fprintf(f, ",%.6g", r->params[k]);
    fputc('\n', f);
}

/* Train the three rules of panel b at size n into rules[3]. Sizes above
 * cfg->train_full_max_n start from the N = 40 rule of the same kind
 * (trained in panel a) and are fine-tuned for cfg->train_large_steps. */
static int train_size(const tf_config *cfg, FILE *rules_csv, size_t n,
                      const tf_fig3_result *res, tf_rule *rules)
{
    const double p_times_n[3] = {0, 0.1 * (double)n, 4};
    const tf_rule *warm[3] = {&res->rules[0], &res->rules[3], &res->rules[3]};
    int large = n > cfg->train_full_max_n;
    for (int k = 0; k < 3; k++) {
        tf_train_spec ts = {.n = n, .random = k > 0,
                            .p_times_n = p_times_n[k],
                            .label = cap_labels[k],
                            .steps = large ? cfg->train_large_steps : 0,
                            .init = large ? warm[k] : NULL};
        if (tf_meta_train(cfg, &ts, cfg->seed + 500 + 7 * n + k, &rules[k],
                          NULL) != 0)
            return -1;
        write_rule(rules_csv, cap_labels[k], n, &rules[k]);
    }
    return 0;
}

/* The CSV files of panel b. */
typedef struct fig3b_files {
    FILE *cap, *cap_avg, *load, *fit, *rules;
} fig3b_files;

/* Capacity with one and with cfg->probe_episodes episodes per probe, and
 * the accuracy at T = N/4, of model k at size n (out: cap, cap_avg, load). */
static int measure(const tf_config *cfg, const fig3b_files *fs,
                   const tf_model_spec *spec, size_t n, int k, double out[3])
{
    tf_episode_spec es = {.d = n, .zeroed = cfg->zeroed};
    size_t T = n / 4 > 0 ? n / 4 : 1;
    uint64_t seed = cfg->seed + 600 + 11 * n + k;
    double sd = 0, sd_avg = 0, lsd = 0;
    if (tf_capacity_mean(spec, &es, 4 * (long)n, 1, cfg->capacity_reps,
                         seed, &out[0], &sd) ||
        tf_capacity_mean(spec, &es, 4 * (long)n, cfg->probe_episodes,
                         cfg->capacity_reps, seed, &out[1], &sd_avg) ||
        tf_recall_accuracy(spec, &es, T, cfg->curve_reps,
                           cfg->seed + 650 + 11 * n + k, &out[2], &lsd))
        return -1;
    fprintf(fs->cap, "%s,%zu,%.4f,%.4f\n", cap_labels[k], n, out[0], sd);
    fprintf(fs->cap_avg, "%s,%zu,%zu,%.4f,%.4f\n", cap_labels[k], n,
            cfg->probe_episodes, out[1], sd_avg);
    fprintf(fs->load, "%s,%zu,%zu,%.4f,%.4f\n", cap_labels[k], n, T,
            out[2], lsd);
    return 0;
}

static int capacity_size(const tf_config *cfg, const fig3b_files *fs,
                         size_t n, size_t s, tf_fig3_result *res)
{
    tf_rule rules[3];
    if (train_size(cfg, fs->rules, n, res, rules) != 0)
        return -1;
    tf_model_spec specs[TF_FIG3B_MODELS];
    for (int k = 0; k < 3; k++)
        specs[k] = tf_spec_trained(n, &rules[k], cap_labels[k]);
    specs[3] = tf_spec_random(n, 4.0 / (double)n, cap_labels[3]);
    specs[4] = tf_spec_random(n, 0.1, cap_labels[4]);
    for (int k = 0; k < TF_FIG3B_MODELS; k++) {
        double out[3];
        if (measure(cfg, fs, &specs[k], n, k, out) != 0)
            return -1;
        res->cap[k][s] = out[0];
        res->cap_avg[k][s] = out[1];
        res->load[k][s] = out[2];
    }
    tf_log("fig3b: N=%zu capacities %.1f %.1f %.1f %.1f %.1f", n,
           res->cap[0][s], res->cap[1][s], res->cap[2][s], res->cap[3][s],
           res->cap[4][s]);
    fflush(fs->cap);
    fflush(fs->cap_avg);
    return 0;
}

static int panel_b(const tf_config *cfg, const fig3b_files *fs,
                   tf_fig3_result *res)
{
    double x[TF_MAX_SIZES];
    for (size_t s = 0; s < cfg->n_trained_sizes; s++) {
        size_t n = cfg->trained_sizes[s];
        if (capacity_size(cfg, fs, n, s, res) != 0)
            return -1;
        x[s] = (double)n;
    }
    for (int k = 0; k < TF_FIG3B_MODELS; k++) {
        res->cap_labels[k] = cap_labels[k];
        tf_fit_line(x, res->cap[k], cfg->n_trained_sizes, &res->slope[k],
                    &res->offset[k]);
        tf_fit_line(x, res->cap_avg[k], cfg->n_trained_sizes,
                    &res->slope_avg[k], &res->offset_avg[k]);
        fprintf(fs->fit, "%s,1,%.4f,%.4f\n", cap_labels[k], res->slope[k],
                res->offset[k]);
        fprintf(fs->fit, "%s,%zu,%.4f,%.4f\n", cap_labels[k],
                cfg->probe_episodes, res->slope_avg[k], res->offset_avg[k]);
    }
    return 0;
}

/* Panel b into its CSVs; with_a: panel a ran and its rules join
 * fig3_rules.csv. */
static int fig3b(const tf_config *cfg, const ex_args *args,
                 tf_fig3_result *res, int with_a)
{
    fig3b_files fs = {
        tf_csv_open(args, "fig3b_capacity.csv", "model,size,capacity,sd"),
        tf_csv_open(args, "fig3b_capacity_avg.csv",
                    "model,size,episodes_per_probe,capacity,sd"),
        tf_csv_open(args, "fig3b_load.csv", "model,size,items,accuracy,sd"),
        tf_csv_open(args, "fig3b_fit.csv",
                    "model,episodes_per_probe,slope,offset"),
        tf_csv_open(args, "fig3_rules.csv",
                    "run,size,random,p_times_n,eta_k,eta_v,lambda,"
                    "key_pre_slope,key_pre_offset,key_post_slope,"
                    "key_post_offset,value_pre_slope,value_pre_offset,"
                    "value_post_slope,value_post_offset")};
    int bad = !fs.cap || !fs.cap_avg || !fs.load || !fs.fit || !fs.rules;
    for (int k = 0; with_a && k < TF_FIG3_RUNS && fs.rules; k++)
        write_rule(fs.rules, run_labels[k], cfg->n, &res->rules[k]);
    if (!bad)
        bad = panel_b(cfg, &fs, res);
    bad |= tf_csv_close(fs.cap, "fig3b_capacity.csv");
    bad |= tf_csv_close(fs.cap_avg, "fig3b_capacity_avg.csv");
    bad |= tf_csv_close(fs.load, "fig3b_load.csv");
    bad |= tf_csv_close(fs.fit, "fig3b_fit.csv");
    bad |= tf_csv_close(fs.rules, "fig3_rules.csv");
    return bad ? -1 : 0;
}

int tf_fig3(const tf_config *cfg, const ex_args *args, tf_fig3_result *res)
{
    if (panel_a(cfg, args, res) != 0)
        return -1;
    return fig3b(cfg, args, res, 1);
}

int tf_fig3b(const tf_config *cfg, const ex_args *args, tf_fig3_result *res)
{
    for (size_t s = 0; s < cfg->n_trained_sizes; s++)
        if (cfg->trained_sizes[s] > cfg->train_full_max_n)
            return -1; /* would warm-start from panel a's rules */
    return fig3b(cfg, args, res, 0);
}
