/*
 * Reproduction of Tyulmankov, Stachenfeld, Krotov & Abbott (2023),
 * "Memorization and consolidation in associative memory networks":
 * a dense associative memory trained by BPTT on MNIST zeros (regular items)
 * and three ones (exceptions), with loss reweighting or importance sampling
 * driven by exception signals the network computes itself.
 *
 *   build/examples/tyulmankov2023 [--quick] [--out DIR] [--data DIR]
 *       [--regulars N] [--epochs N] [--sweep-epochs N] [--gammas LIST]
 *       [--seeds N] [--max-steps N] [--curve-every N] [--threads N]
 *       [--workers N]
 *
 * Writes into out/tyulmankov2023/: fig1_curves.csv, fig2_runs.csv,
 * fig2_best.csv, fig2_baseline.csv, figA1_signals.csv, weights_*.png,
 * fig1_curves.png, fig2_eval_loss.png, figA1_signals.png and report.md.
 */
#include <stdio.h>
#include <stdlib.h>

#include <assocmem/assocmem.h>

#include "common/provenance.h"
#include "config.h"
#include "dataset.h"
#include "common/plot.h"
#include "report.h"
#include "sweep.h"
#include "timer.h"
#include "track.h"

static void usage_extra(void)
{
    printf("  --regulars N      at most N zeros (0 = all)\n"
           "  --epochs N        epochs of Figures 1, A1, A2 (150)\n"
           "  --sweep-epochs N  epochs per Figure 2 run (150)\n"
           "  --gammas LIST     gamma sweep, starting at 0 "
           "(0,1,3,5,7.58,10,12,15)\n"
           "  --seeds N         seeds per sweep cell, at most %d (3)\n"
           "  --max-steps N     step cap of the dynamics (1000)\n"
           "  --curve-every N   evaluation interval of Figure 1 (1)\n"
           "  --threads N       BLAS threads (default 1 with workers > 1)\n"
           "  --workers N       training runs at once (2)\n"
           "  --resume          read back sweep runs already finished at this\n"
           "                    scale (OUT/sweep/*.csv) instead of training\n"
           "                    them again\n", TY_MAX_SEEDS);
}

static int prepare(ty_config *cfg, ty_dataset *ds, int argc, char **argv)
{
    int rc = ty_config_parse(cfg, argc, argv);
    if (rc == 1)
        usage_extra();
    if (rc != 0)
        return rc;
    if (cfg->n_seeds > TY_MAX_SEEDS) {
        fprintf(stderr, "tyulmankov2023: at most %d seeds\n", TY_MAX_SEEDS);
        return -1;
    }
    int threads = cfg->threads > 0 ? cfg->threads : cfg->workers > 1 ? 1 : 0;
    if (threads > 0 && amem_set_num_threads(threads) != AMEM_OK)
        return -1;
    if (ty_dataset_load(ds, cfg->args.data_dir, cfg->max_regular,
                        cfg->n_exception) != 0)
        return -1;
    fprintf(stderr, "tyulmankov2023: %zu zeros (regular), %zu ones "
            "(exceptions); %ld sweep runs\n", ds->n_regular, ds->n_exception,
            ty_sweep_run_count(cfg));
    return 0;
}

int main(int argc, char **argv)
{
    double t0 = ty_now();
    ex_provenance_start(argc, argv);
    static ty_config cfg;
    static ty_dataset ds;
    static ty_track_result track;
    static ty_sweep_result sweep;
    int rc = prepare(&cfg, &ds, argc, argv);
    if (rc != 0)
        return rc == 1 ? EXIT_SUCCESS : EXIT_FAILURE;
    rc = ty_track_run(&cfg, &ds, &track);
    if (rc == 0)
        rc = ty_sweep_run(&cfg, &ds, &sweep);
    if (rc == 0) {
        ty_report rep = {&cfg, &ds, &track, &sweep, 0.0, 0};
        rep.plotted = ex_run_plots("tyulmankov2023", argv[0], cfg.args.out_dir) == 0;
        rep.seconds = ty_now() - t0;
        rc = ty_report_write(&rep);
    }
    ty_dataset_free(&ds);
    if (rc == 0)
        printf("tyulmankov2023: wrote %s/report.md\n", cfg.args.out_dir);
    return rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
