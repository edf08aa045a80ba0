/*
 * Tyulmankov, Fang, Vadaparty & Yang (NeurIPS 2021), "Biological learning
 * in key-value memory networks": every figure of the paper, reproduced with
 * libassocmem's key-value memory (amem_kvmem), TVT (amem_tvt) and Hopfield
 * baselines (amem_hopfield).
 *
 *   build/examples/tyulmankov2021 [--quick] [--out DIR]
 *                                 [--only fig3b|fig5c]
 *                                 [--copy-steps N] [--copy-lr X]
 *                                 [--copy-clip X]
 *                                 [--copy-models sequential,random,bam,trained]
 *
 * Writes CSV files, PNG figures (plot.py, matplotlib) and report.md into
 * out/tyulmankov2021/. Progress goes to stderr. --quick runs every part at
 * a small size in seconds. --only fig5c runs the copy-paste task alone
 * (its CSVs, figure and report section); --copy-models picks which of its
 * controllers are trained (default all four). --only fig3b runs the
 * capacity of trained networks alone, every size's rules trained from the
 * reference start for the full number of steps (the whole run fine-tunes
 * the largest size from the N = 40 rule instead).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/args.h"
#include "common/provenance.h"
#include "config.h"
#include "figures.h"
#include "log.h"
#include "common/plot.h"
#include "report.h"

/* Options of this example, removed from argv before the shared ones. */
typedef struct tf_options {
    size_t copy_steps; /* 0: not given */
    double copy_lr;    /* 0: not given */
    double copy_clip;  /* < 0: not given */
    unsigned copy_models;
    int only; /* TF_ONLY_* */
} tf_options;

/* A number in (0, max] ([0, max] with zero_ok); whole when whole is set.
 * 0 or -1. */
static int parse_number(const char *text, double max, int whole,
                        int zero_ok, double *v)
{
    char *end;
    *v = strtod(text, &end);
    if (*end || !(*v > 0 || (zero_ok && *v == 0)) || *v > max ||
        (whole && *v != (size_t)*v))
        return -1;
    return 0;
}

/* Comma-separated copy controller names into a bit set. 0 or -1. */
static int parse_models(const char *text, unsigned *mask)
{
    char buf[128];
    if (strlen(text) >= sizeof buf)
        return -1;
    strcpy(buf, text);
    *mask = 0;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        int k = tf_copy_model_index(tok);
        if (k < 0)
            return -1;
        *mask |= 1u << k;
    }
    return *mask ? 0 : -1;
}

/* One option with its value; 0 or -1 on a bad value. */
static int take_one(const char *name, const char *value, tf_options *o)
{
    double v;
    if (strcmp(name, "--only") == 0) {
        o->only = strcmp(value, "fig5c") == 0   ? TF_ONLY_FIG5C
                  : strcmp(value, "fig3b") == 0 ? TF_ONLY_FIG3B
                                                : -1;
        return o->only < 0 ? -1 : 0;
    }
    if (strcmp(name, "--copy-models") == 0)
        return parse_models(value, &o->copy_models);
    if (strcmp(name, "--copy-steps") == 0) {
        if (parse_number(value, 1e8, 1, 0, &v) != 0)
            return -1;
        o->copy_steps = (size_t)v;
        return 0;
    }
    if (strcmp(name, "--copy-clip") == 0)
        return parse_number(value, 1e6, 0, 1, &o->copy_clip);
    if (parse_number(value, 1.0, 0, 0, &v) != 0) /* --copy-lr */
        return -1;
    o->copy_lr = v;
    return 0;
}

/* --copy-steps N, --copy-lr X (the reference trains 600000 steps at lr
 * 1e-3), --copy-clip X (0: no clipping, as the reference), --copy-models
 * LIST and --only fig3b|fig5c, removed from argv; 0 (or -1 on a bad
 * value) and *argc updated. */
static int take_options(int *argc, char **argv, tf_options *o)
{
    static const char *names[] = {"--copy-steps", "--copy-lr", "--copy-clip",
                                  "--copy-models", "--only"};
    int out = 1;
    for (int i = 1; i < *argc; i++) {
        int known = 0;
        for (size_t j = 0; j < sizeof names / sizeof names[0]; j++)
            known |= strcmp(argv[i], names[j]) == 0;
        if (!known) {
            argv[out++] = argv[i];
            continue;
        }
        if (i + 1 >= *argc || take_one(argv[i], argv[i + 1], o) != 0)
            return -1;
        i++;
    }
    *argc = out;
    return 0;
}

static void apply_options(const tf_options *o, tf_config *cfg)
{
    if (o->copy_steps)
        cfg->copy_steps = o->copy_steps;
    if (o->copy_lr > 0)
        cfg->copy_lr = o->copy_lr;
    if (o->copy_clip >= 0)
        cfg->copy_clip = o->copy_clip;
    if (o->copy_models)
        cfg->copy_models = o->copy_models;
    cfg->only = o->only;
    if (o->only == TF_ONLY_FIG3B) /* no panel a to warm-start from */
        cfg->train_full_max_n = (size_t)-1;
}

int main(int argc, char **argv)
{
    ex_provenance_start(argc, argv);
    tf_options opt = {.copy_clip = -1};
    if (take_options(&argc, argv, &opt) != 0) {
        fprintf(stderr, "tyulmankov2021: --copy-steps takes a whole number "
                        "of steps, --copy-lr a rate in (0, 1], "
                        "--copy-clip a norm >= 0 (0: none), --copy-models a list of sequential, random, bam, "
                        "trained, --only the part fig3b or fig5c\n");
        return 2;
    }
    ex_args args;
    int parsed = ex_args_parse(&args, "tyulmankov2021", argc, argv);
    if (parsed != 0)
        return parsed > 0 ? 0 : 2;
    tf_config cfg;
    tf_config_init(&cfg, args.quick);
    apply_options(&opt, &cfg);
    tf_results res;
    tf_results_init(&res);
    tf_log("%s run into %s", cfg.quick ? "quick" : "full", args.out_dir);
    if (tf_run_all(&cfg, &args, &res) != 0)
        return 1;
    if (tf_report_write(&cfg, &args, &res) != 0)
        return 1;
    ex_run_plots("tyulmankov2021", argv[0], args.out_dir);
    tf_log("done");
    return 0;
}
