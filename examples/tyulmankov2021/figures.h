/* One function per figure of the paper: run it, write its CSVs into the
 * output folder and fill the numbers the report quotes. 0 or -1. */
#ifndef TF_FIGURES_H
#define TF_FIGURES_H

#include "common/args.h"
#include "config.h"
#include "results.h"

int tf_fig2(const tf_config *cfg, const ex_args *args, tf_fig2_result *res);
int tf_fig3(const tf_config *cfg, const ex_args *args, tf_fig3_result *res);
/* Fig. 3b alone; every size must be trained in full (cfg->train_full_max_n
 * at least the largest trained size). */
int tf_fig3b(const tf_config *cfg, const ex_args *args, tf_fig3_result *res);
/* Fig. 3d over cfg->rule_seeds seeds and cfg->rule_segments segments. */
int tf_fig3d_seeds(const tf_config *cfg, const ex_args *args,
                   tf_seed_result *res);

/* Fig. 4a-b; trained: the meta-learned random rule (p = 4/N) of Fig. 3. */
int tf_fig4_continual(const tf_config *cfg, const ex_args *args,
                      const tf_rule *trained, tf_fig4_result *res);
/* Fig. 4c and C5. */
int tf_fig4_correlated(const tf_config *cfg, const ex_args *args,
                       const tf_rule *trained, tf_fig4_result *res);
int tf_fig5(const tf_config *cfg, const ex_args *args, tf_fig5_result *res);
/* Fig. 5c: the copy-paste task with a trained controller, for each
 * memory in cfg->copy_models. */
int tf_fig5_copy(const tf_config *cfg, const ex_args *args,
                 tf_fig5_result *res);
/* The index of a copy controller's short name ("sequential", "random",
 * "bam", "trained"), or -1. */
int tf_copy_model_index(const char *name);

/* Every figure in turn, timing each into res->seconds. */
int tf_run_all(const tf_config *cfg, const ex_args *args, tf_results *res);

#endif
