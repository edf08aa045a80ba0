/*
 * Reproduction of Tyulmankov, Stachenfeld, Krotov & Abbott (2023),
 * "Memorization and consolidation in associative memory networks":
 * a dense associative memory trained by BPTT on MNIST zeros (regular items)
 * and three ones (exceptions), with loss reweighting or importance sampling
 * driven by exception signals the network computes itself.
 *
 *   build/examples/tyulmankov2023 [--quick] [--out DIR] [--data DIR]
 *       [--regulars N] [--epochs N] [--sweep-epochs N] [--gammas LIST]
 *       [--signals LIST] [--seeds N] [--max-steps N] [--curve-every N]
 *       [--threads N] [--workers N] [--resume]
 *
 * Writes into out/tyulmankov2023/: fig1_curves.csv, fig2_runs.csv,
 * fig2_best.csv, fig2_baseline.csv, figA1_signals.csv, sweep/<run>.csv (one
 * per finished sweep run, for --resume), weights_*.png, fig1_curves.png,
 * fig2_eval_loss.png, figA1_signals.png and report.md.
 *
 * Over MPI (`make mpi-examples`; ranks.h): the same options, every rank
 * running every training data-parallel with the others, rank 0 writing:
 *
 *   mpirun -np 2 build/mpi/examples/tyulmankov2023 --quick
 *   mpirun --hostfile hosts -np 16 build/mpi/examples/tyulmankov2023 \
 *       --epochs 150 --sweep-epochs 150 --gammas 0,1,3,5,7.58,10,12,15 \
 *       --seeds 3 --resume
 *
 * (docs/distributed.md, "The Tyulmankov et al. 2023 example").
 */
#include <stdio.h>
#include <stdlib.h>

#include <assocmem/assocmem.h>

#include "common/provenance.h"
#include "config.h"
#include "dataset.h"
#include "common/plot.h"
#include "ranks.h"
#include "report.h"
#include "sweep.h"
#include "track.h"

static void usage_extra(void)
{
    printf("  --regulars N      at most N zeros (0 = all)\n"
           "  --epochs N        epochs of Figures 1, A1, A2 (150)\n"
           "  --sweep-epochs N  epochs per Figure 2 run (150)\n"
           "  --gammas LIST     gamma sweep, starting at 0 "
           "(0,1,3,5,7.58,10,12,15)\n"
           "  --signals LIST    signals of the sweep (all: ground_truth,loss,\n"
           "                    neg_time,neg_entropy,max_hidden,norm_hidden)\n"
           "  --seeds N         seeds per sweep cell, at most %d (3)\n"
           "  --max-steps N     step cap of the dynamics (1000)\n"
           "  --curve-every N   evaluation interval of Figure 1 (1)\n"
           "  --threads N       BLAS threads (default 1 with workers > 1)\n"
           "  --workers N       training runs at once (2; the MPI build\n"
           "                    runs one at a time, split over the ranks,\n"
           "                    with --threads 1 per rank by default)\n"
           "  --resume          read back sweep runs already finished at this\n"
           "                    scale (OUT/sweep/*.csv) instead of training\n"
           "                    them again\n"
           "Over MPI (make mpi-examples): mpirun -np P "
           "build/mpi/examples/tyulmankov2023 [options]\n"
           "trains every run data-parallel over the P ranks; rank 0 writes "
           "(docs/distributed.md).\n", TY_MAX_SEEDS);
}

static int prepare(ty_config *cfg, ty_dataset *ds, int argc, char **argv)
{
    int rc = ty_config_parse(cfg, argc, argv);
    if (rc == 1 && ty_ranks_is_writer())
        usage_extra();
    if (rc != 0)
        return rc;
    if (cfg->n_seeds > TY_MAX_SEEDS) {
        fprintf(stderr, "tyulmankov2023: at most %d seeds\n", TY_MAX_SEEDS);
        return -1;
    }
    if (ty_ranks_settings(cfg) != 0)
        return -1;
    if (ty_ranks_is_writer() && ex_mkdir_p(cfg->args.out_dir) != 0)
        return -1;
    int threads = cfg->threads > 0 ? cfg->threads : cfg->workers > 1 ? 1 : 0;
    if (threads > 0 && amem_set_num_threads(threads) != AMEM_OK)
        return -1;
    if (ty_dataset_load(ds, cfg->args.data_dir, cfg->max_regular,
                        cfg->n_exception) != 0)
        return -1;
    if (ty_ranks_is_writer())
        fprintf(stderr, "tyulmankov2023: %zu zeros (regular), %zu ones "
                "(exceptions); %ld sweep runs; %d process%s (%s build)\n",
                ds->n_regular, ds->n_exception, ty_sweep_run_count(cfg),
                ty_ranks_count(), ty_ranks_count() > 1 ? "es" : "",
                ty_ranks_build());
    return 0;
}

/* Plots and report.md (rank 0 only). 0 or -1. */
static int write_report(ty_report *rep, const char *argv0)
{
    const char *out = rep->cfg->args.out_dir;
    rep->plotted = ex_run_plots("tyulmankov2023", argv0, out) == 0;
    rep->seconds = ex_provenance_seconds();
    if (ty_report_write(rep) != 0)
        return -1;
    printf("tyulmankov2023: wrote %s/report.md\n", out);
    return 0;
}

int main(int argc, char **argv)
{
    ex_provenance_start(argc, argv);
    if (ty_ranks_start(&argc, &argv) != 0)
        return ty_ranks_stop(EXIT_FAILURE);
    static ty_config cfg;
    static ty_dataset ds;
    static ty_track_result track;
    static ty_sweep_result sweep;
    int rc = prepare(&cfg, &ds, argc, argv);
    if (rc == 1) /* --help */
        return ty_ranks_stop(EXIT_SUCCESS);
    if (rc == 0)
        rc = ty_track_run(&cfg, &ds, &track);
    if (rc == 0)
        rc = ty_sweep_run(&cfg, &ds, &sweep);
    ty_report rep = {&cfg, &ds, &track, &sweep, 0.0, 0};
    if (rc == 0 && ty_ranks_is_writer())
        rc = write_report(&rep, argv[0]);
    ty_dataset_free(&ds);
    return ty_ranks_stop(rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
