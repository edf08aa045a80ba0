/*
 * Figure 3d over several seeds: the sequential and the random (p = 4/N)
 * rules meta-learned at d = N = 40 from the reference start with
 * cfg->rule_seeds seeds, each for cfg->rule_segments segments of
 * cfg->train_steps steps. The rule is read after every segment, so the
 * table shows both the spread over seeds and the drift between segments
 * (Adam restarts at each segment: a new trainer handle warm-started from
 * the rule). Each rule is scored by its recall accuracy at T = N and 2N.
 */
#include <math.h>

#include "csv.h"
#include "figures.h"
#include "log.h"
#include "recall.h"
#include "specs.h"
#include "train.h"

static const char *seed_runs[TF_SEED_RUNS] = {"sequential", "random p=4/N"};

static void write_row(FILE *f, int run, size_t seed, size_t steps,
                      const tf_rule *rule, double acc_n, double acc_2n)
{
    fprintf(f, "%s,%zu,%zu,%.4f,%.4f", seed_runs[run], seed, steps, acc_n,
            acc_2n);
    for (int k = 0; k < TF_RULE_PARAMS; k++)
        fprintf(f, ",%.6g", rule->params[k]);
    fputc('\n', f);
    fflush(f);
}

/* Accuracy of rule at T = N and T = 2N (cfg->curve_reps episodes). */
static int score(const tf_config *cfg, const tf_rule *rule, uint64_t seed,
                 double acc[2])
{
    tf_model_spec spec = tf_spec_trained(cfg->n, rule, NULL);
    tf_episode_spec es = {.d = cfg->n, .zeroed = cfg->zeroed};
    double sd;
    return tf_recall_accuracy(&spec, &es, cfg->n, cfg->curve_reps, seed,
                              &acc[0], &sd) ||
           tf_recall_accuracy(&spec, &es, 2 * cfg->n, cfg->curve_reps, seed,
                              &acc[1], &sd);
}

static int one_seed(const tf_config *cfg, FILE *csv, int run, size_t s,
                    tf_seed_result *res)
{
    tf_rule rule;
    for (size_t seg = 0; seg < cfg->rule_segments; seg++) {
        tf_train_spec ts = {.n = cfg->n, .random = run > 0,
                            .p_times_n = run > 0 ? 4 : 0,
                            .label = seed_runs[run],
                            .init = seg ? &rule : NULL};
        tf_rule next;
        uint64_t seed = cfg->seed + 9000 + 100 * s + 10 * (uint64_t)run + seg;
        double acc[2];
        if (tf_meta_train(cfg, &ts, seed, &next, NULL) != 0 ||
            score(cfg, &next, cfg->seed + 9500, acc) != 0)
            return -1;
        rule = next;
        write_row(csv, run, s, (seg + 1) * cfg->train_steps, &rule, acc[0],
                  acc[1]);
        res->rules[run][s][seg] = rule;
        res->acc_n[run][s][seg] = acc[0];
    }
    tf_log("fig3d seeds: %s seed %zu: a_gk %.3f", seed_runs[run], s,
           rule.params[5]);
    return 0;
}

int tf_fig3d_seeds(const tf_config *cfg, const ex_args *args,
                   tf_seed_result *res)
{
    res->seeds = cfg->rule_seeds;
    res->segments = cfg->rule_segments;
    res->steps = cfg->train_steps;
    for (int r = 0; r < TF_SEED_RUNS; r++)
        res->labels[r] = seed_runs[r];
    FILE *csv = tf_csv_open(args, "fig3d_seeds.csv",
                            "run,seed,steps,acc_T_N,acc_T_2N,eta_k,eta_v,"
                            "lambda,key_pre_slope,key_pre_offset,"
                            "key_post_slope,key_post_offset,value_pre_slope,"
                            "value_pre_offset,value_post_slope,"
                            "value_post_offset");
    int bad = !csv;
    for (size_t s = 0; s < cfg->rule_seeds && !bad; s++)
        for (int run = 0; run < TF_SEED_RUNS && !bad; run++)
            bad = one_seed(cfg, csv, run, s, res);
    bad |= tf_csv_close(csv, "fig3d_seeds.csv");
    return bad ? -1 : 0;
}
