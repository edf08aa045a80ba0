/*
 * Tyulmankov, Fang, Vadaparty & Yang (NeurIPS 2021), "Biological learning
 * in key-value memory networks": every figure of the paper, reproduced with
 * libassocmem's key-value memory (amem_kvmem), TVT (amem_tvt) and Hopfield
 * baselines (amem_hopfield).
 *
 *   build/examples/tyulmankov2021 [--quick] [--out DIR]
 *
 * Writes CSV files, PNG figures (plot.py, matplotlib) and report.md into
 * out/tyulmankov2021/. Progress goes to stderr. --quick runs every part at
 * a small size in seconds.
 */
#include <stdio.h>
#include <string.h>

#include "common/args.h"
#include "common/provenance.h"
#include "config.h"
#include "figures.h"
#include "log.h"
#include "common/plot.h"
#include "report.h"

int main(int argc, char **argv)
{
    ex_provenance_start(argc, argv);
    ex_args args;
    int parsed = ex_args_parse(&args, "tyulmankov2021", argc, argv);
    if (parsed != 0)
        return parsed > 0 ? 0 : 2;
    tf_config cfg;
    tf_config_init(&cfg, args.quick);
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
