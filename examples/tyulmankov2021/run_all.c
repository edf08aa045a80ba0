/* Running every figure in turn. */
#include <string.h>

#include "figures.h"
#include "log.h"

void tf_results_init(tf_results *res)
{
    memset(res, 0, sizeof *res);
}

/* --only fig5c: the copy-paste task alone. */
static int run_fig5c(const tf_config *cfg, const ex_args *args,
                     tf_results *res)
{
    double t0 = tf_elapsed();
    tf_log("figure 5c: copy-paste with a trained controller");
    if (tf_fig5_copy(cfg, args, &res->fig5) != 0)
        return -1;
    res->seconds[3] = res->seconds[4] = tf_elapsed() - t0;
    return 0;
}

/* --only fig3b: the capacity of trained networks alone. */
static int run_fig3b(const tf_config *cfg, const ex_args *args,
                     tf_results *res)
{
    double t0 = tf_elapsed();
    tf_log("figure 3b: capacity of trained networks, every size in full");
    if (tf_fig3b(cfg, args, &res->fig3) != 0)
        return -1;
    res->seconds[1] = res->seconds[4] = tf_elapsed() - t0;
    return 0;
}

int tf_run_all(const tf_config *cfg, const ex_args *args, tf_results *res)
{
    if (cfg->only == TF_ONLY_FIG5C)
        return run_fig5c(cfg, args, res);
    if (cfg->only == TF_ONLY_FIG3B)
        return run_fig3b(cfg, args, res);
    double t0 = tf_elapsed();
    tf_log("figure 2: simplified rules, Hopfield, TVT");
    if (tf_fig2(cfg, args, &res->fig2) != 0)
        return -1;
    double t1 = tf_elapsed();
    tf_log("figure 3: meta-learned rules");
    if (tf_fig3(cfg, args, &res->fig3) != 0)
        return -1;
    double ts = tf_elapsed();
    tf_log("figure 3d: rules over seeds");
    if (tf_fig3d_seeds(cfg, args, &res->fig3_seeds) != 0)
        return -1;
    double t2 = tf_elapsed();
    res->seconds[5] = t2 - ts;
    const tf_rule *trained = &res->fig3.rules[3]; /* random p = 4/N */
    tf_log("figure 4: continual, flashbulb, correlated");
    if (tf_fig4_continual(cfg, args, trained, &res->fig4) != 0 ||
        tf_fig4_correlated(cfg, args, trained, &res->fig4) != 0)
        return -1;
    double t3 = tf_elapsed();
    tf_log("figure 5: heteroassociative and sequence recall");
    if (tf_fig5(cfg, args, &res->fig5) != 0)
        return -1;
    tf_log("figure 5c: copy-paste with a trained controller");
    if (tf_fig5_copy(cfg, args, &res->fig5) != 0)
        return -1;
    double t4 = tf_elapsed();
    res->seconds[0] = t1 - t0;
    res->seconds[1] = t2 - t1;
    res->seconds[2] = t3 - t2;
    res->seconds[3] = t4 - t3;
    res->seconds[4] = t4 - t0;
    return 0;
}
