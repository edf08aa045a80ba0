/*
 * Figure 4c and Figure C5: the benchmark task with correlated patterns,
 * each entry redrawn around one template with probability 1 - c, for
 * c = 0.3, 0.6 (Fig. 4c) and 0.9. Hopfield here has no decay, as in
 * Fig. 2.
 */
#include "csv.h"
#include "curve.h"
#include "figures.h"
#include "specs.h"

static const double correlations[3] = {0.3, 0.6, 0.9};
static const char *panels[3] = {"c=0.3", "c=0.6", "c=0.9"};

int tf_fig4_correlated(const tf_config *cfg, const ex_args *args,
                       const tf_rule *trained, tf_fig4_result *res)
{
    tf_model_spec specs[TF_FIG4A_MODELS] = {
        tf_spec_sequential(cfg->n),
        tf_spec_random(cfg->n, 0.1, "random p=0.1"),
        tf_spec_trained(cfg->n, trained, "trained random p=4/N"),
        tf_spec_hopfield(1.0, 100, "Hopfield")};
    FILE *csv = tf_csv_open(args, "fig4c_correlated.csv",
                            "panel,model,items,accuracy,sd");
    int bad = !csv;
    for (int c = 0; c < 3 && !bad; c++) {
        tf_episode_spec es = {.d = cfg->n, .zeroed = cfg->zeroed,
                              .correlation = correlations[c]};
        for (int k = 0; k < TF_FIG4A_MODELS && !bad; k++) {
            res->corr_labels[k] = specs[k].label;
            bad = tf_curve(csv, panels[c], &specs[k], &es, cfg,
                           cfg->seed + 3000 + 10 * c + k, &res->corr[c][k]);
        }
    }
    bad |= tf_csv_close(csv, "fig4c_correlated.csv");
    return bad ? -1 : 0;
}
