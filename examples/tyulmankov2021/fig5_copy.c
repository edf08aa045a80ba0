/*
 * Figure 5c: the copy-paste task. A controller (copy.h) is trained with
 * each memory of copy_mem.h in turn (sequential, random p = 4/N, BAM, the
 * trained rule), on sequences of 1..cfg->copy_train_max patterns, and
 * tested on lengths up to cfg->copy_test_max (beyond those seen in
 * training). Before training, the gradient through each memory is checked
 * against finite differences (copy_check.c).
 */
#include <math.h>
#include <string.h>

#include "copy_train.h"
#include "csv.h"
#include "figures.h"
#include "log.h"

/* Indexed by enum tf_copy_kind (copy_mem.h). */
static const char *copy_labels[TF_COPY_MODELS] = {
    "sequential", "random p=4/N", "BAM", "trained (random p=4/N)"};
static const char *copy_names[TF_COPY_MODELS] = {"sequential", "random",
                                                 "bam", "trained"};

int tf_copy_model_index(const char *name)
{
    for (int k = 0; k < TF_COPY_MODELS; k++)
        if (strcmp(name, copy_names[k]) == 0)
            return k;
    return -1;
}

/* The gradient through this memory against finite differences. */
static int check_gradient(const tf_config *cfg, int k, tf_fig5_result *res)
{
    double worst = NAN;
    if (tf_copy_gradient_check(cfg, k, cfg->seed + 5900 + k, &worst) != 0)
        return -1;
    res->copy_check[k] = worst;
    tf_log("fig5c %s: gradient against finite differences, worst "
           "relative error %.2e", copy_labels[k], worst);
    if (worst <= TF_COPY_CHECK_TOL)
        return 0;
    fprintf(stderr, "tyulmankov2021: the copy task's gradient through the "
                    "%s memory disagrees with finite differences\n",
            copy_labels[k]);
    return -1;
}

static int run_model(const tf_config *cfg, FILE *train_csv, FILE *test_csv,
                     int k, tf_fig5_result *res)
{
    tf_copy_net net;
    uint64_t seed = cfg->seed + 5000 + 10 * k;
    if (check_gradient(cfg, k, res) != 0 ||
        tf_copy_net_create(&net, cfg, k, copy_labels[k], seed) != 0)
        return -1;
    int bad = tf_copy_train(&net, cfg, train_csv, seed + 1);
    for (size_t n = 1; !bad && n <= cfg->copy_test_max; n++) {
        double acc = 0;
        bad = tf_copy_eval(&net, n, cfg->copy_tests, seed + 100 * n, &acc);
        res->copy_acc[k][n] = acc;
        fprintf(test_csv, "%s,%zu,%.6f\n", copy_labels[k], n, acc);
    }
    tf_log("fig5c %s: accuracy %.3f at length %zu, %.3f at length %zu",
           copy_labels[k], res->copy_acc[k][cfg->copy_train_max],
           cfg->copy_train_max, res->copy_acc[k][cfg->copy_test_max],
           cfg->copy_test_max);
    for (size_t i = 0; i < net.ctrl.rule_count; i++)
        res->copy_rule[i] = net.ctrl.rule[i];
    tf_copy_net_free(&net);
    /* each finished controller is on disk before the next one starts */
    fflush(train_csv);
    fflush(test_csv);
    return bad;
}

int tf_fig5_copy(const tf_config *cfg, const ex_args *args,
                 tf_fig5_result *res)
{
    res->copy_train_max = cfg->copy_train_max;
    res->copy_test_max = cfg->copy_test_max < TF_COPY_MAX_LEN
                             ? cfg->copy_test_max : TF_COPY_MAX_LEN;
    FILE *tr = tf_csv_open(args, "fig5c_copy_training.csv",
                           "model,step,loss,accuracy");
    FILE *te = tf_csv_open(args, "fig5c_copy.csv", "model,length,accuracy");
    int bad = !tr || !te;
    for (int k = 0; k < TF_COPY_MODELS && !bad; k++) {
        res->copy_labels[k] = copy_labels[k];
        for (size_t n = 0; n <= TF_COPY_MAX_LEN; n++)
            res->copy_acc[k][n] = NAN;
        res->copy_check[k] = NAN;
        if (cfg->copy_models & (1u << k))
            bad = run_model(cfg, tr, te, k, res);
    }
    bad |= tf_csv_close(tr, "fig5c_copy_training.csv");
    bad |= tf_csv_close(te, "fig5c_copy.csv");
    return bad ? -1 : 0;
}
