/*
 * Tyulmankov, Fang, Vadaparty & Yang (NeurIPS 2021), "Biological learning
 * in key-value memory networks": every figure of the paper, reproduced with
 * libassocmem's key-value memory (amem_kvmem), TVT (amem_tvt) and Hopfield
 * baselines (amem_hopfield).
 *
 *   build/examples/tyulmankov2021 [--quick] [--out DIR]
 *                                 [--copy-steps N] [--copy-lr X]
 *
 * Writes CSV files, PNG figures (plot.py, matplotlib) and report.md into
 * out/tyulmankov2021/. Progress goes to stderr. --quick runs every part at
 * a small size in seconds.
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

/* Fig. 5c options (the reference trains 600000 steps at lr 1e-3):
 * --copy-steps N and --copy-lr X, removed from argv; 0 (or < 0 on a bad
 * value) and *argc updated. steps / lr stay 0 when not given. */
static int take_copy_options(int *argc, char **argv, size_t *steps,
                             double *lr)
{
    int out = 1;
    for (int i = 1; i < *argc; i++) {
        int is_steps = strcmp(argv[i], "--copy-steps") == 0;
        int is_lr = strcmp(argv[i], "--copy-lr") == 0;
        if (!is_steps && !is_lr) {
            argv[out++] = argv[i];
            continue;
        }
        if (i + 1 >= *argc)
            return -1;
        char *end;
        double v = strtod(argv[++i], &end);
        if (*end || !(v > 0) || (is_steps && (v > 1e8 || v != (size_t)v)) ||
            (is_lr && v > 1))
            return -1;
        if (is_steps)
            *steps = (size_t)v;
        else
            *lr = v;
    }
    *argc = out;
    return 0;
}

int main(int argc, char **argv)
{
    ex_provenance_start(argc, argv);
    size_t copy_steps = 0;
    double copy_lr = 0;
    if (take_copy_options(&argc, argv, &copy_steps, &copy_lr) != 0) {
        fprintf(stderr, "tyulmankov2021: --copy-steps takes a whole number "
                        "of steps, --copy-lr a rate in (0, 1]\n");
        return 2;
    }
    ex_args args;
    int parsed = ex_args_parse(&args, "tyulmankov2021", argc, argv);
    if (parsed != 0)
        return parsed > 0 ? 0 : 2;
    tf_config cfg;
    tf_config_init(&cfg, args.quick);
    if (copy_steps)
        cfg.copy_steps = copy_steps;
    if (copy_lr > 0)
        cfg.copy_lr = copy_lr;
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
