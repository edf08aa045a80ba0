/* Report: the setup beside the paper's, the scale and the commands. */
#include <stdio.h>
#include <string.h>

#include "ranks.h"
#include "report_parts.h"

static void gamma_list(FILE *f, const ty_config *cfg)
{
    for (size_t g = 0; g < cfg->n_gammas; g++)
        fprintf(f, "%s%g", g ? ", " : "{", cfg->gammas[g]);
    fprintf(f, "}");
}

static void setup_table(FILE *f, const ty_report *rep)
{
    const ty_config *c = rep->cfg;
    const ty_dataset *d = rep->ds;
    fprintf(f, "| setting | paper | here |\n|---|---|---|\n");
    fprintf(f, "| regular items R (MNIST zeros) | 6,000 | %zu |\n", d->n_regular);
    fprintf(f, "| exceptions E (MNIST ones) | 3 | %zu |\n", d->n_exception);
    fprintf(f, "| ln(R/E) | 7.60 (quoted as 7.58) | %.2f |\n",
            ty_report_log_ratio(rep));
    fprintf(f, "| visible N / hidden M / β | 784 / 100 / 5 | %zu / %zu / %g |\n",
            d->dim, c->hidden, c->beta);
    fprintf(f, "| dynamics | τ_v = 1, dt = 0.05, τ_h = 0, to a fixed point | "
               "same; residual ≤ %g or %d steps |\n", c->tolerance, c->max_steps);
    fprintf(f, "| perturbation | 50%% of pixels zeroed, rest clamped | same, "
               "redrawn at every use |\n");
    fprintf(f, "| training | BPTT, Adam (lr 1e-3 in the authors' code), batch "
               "100 (authors' code) | BPTT, Adam lr 1e-3, batch 100 |\n");
    fprintf(f, "| epochs (Fig. 1, A1, A2 / Fig. 2) | 150 / 150 | %d / %d |\n",
            c->track_epochs, c->sweep_epochs);
    fprintf(f, "| γ sweep | {0, 1, 3, 5, 7.58, 10, 12, 15} | ");
    gamma_list(f, c);
    fprintf(f, " |\n| seeds per cell | 3 | %d |\n\n", c->n_seeds);
}

static void scale_note(FILE *f, const ty_report *rep)
{
    const ty_config *c = rep->cfg;
    if (c->args.quick) {
        fprintf(f, "This is the `--quick` smoke test: a handful of items and "
                   "epochs so that `make check` exercises every stage. Its "
                   "numbers say nothing about the paper.\n\n");
        return;
    }
    if (ty_config_is_paper_scale(c))
        fprintf(f, "Everything above is at the paper's scale except R, "
                   "which is all the zeros the project's MNIST subset has.\n\n");
    else
        fprintf(f, "**Scaled down.** Settings in the right column that "
                   "differ from the paper's were reduced to fit the compute "
                   "budget (two shared CPU cores); see *Differences* below.\n\n");
}

/* How many processes shared the work (ranks.h). */
static void processes(FILE *f, const ty_config *cfg)
{
    int p = ty_ranks_count();
    if (strcmp(ty_ranks_build(), "MPI") == 0)
        fprintf(f, "Processes: **%d MPI rank%s** (`build/mpi/examples/"
                   "tyulmankov2023`); every training ran data-parallel over "
                   "all of them, one run at a time, %d BLAS thread%s per "
                   "rank.\n\n", p, p > 1 ? "s" : "", cfg->threads,
                cfg->threads == 1 ? "" : "s");
    else
        fprintf(f, "Processes: 1 (plain build, %d training run%s at a "
                   "time).\n\n", cfg->workers, cfg->workers == 1 ? "" : "s");
}

static void commands(FILE *f, const ty_report *rep)
{
    fprintf(f, "This report was made by:\n\n    %s\n\n", rep->cfg->command);
    processes(f, rep->cfg);
    const double *per_epoch = rep->track->epoch_seconds;
    fprintf(f, "Sweep: %ld training runs in %.0f s; tracked runs: %.0f s "
               "(one training epoch: %.2f, %.2f, %.2f and %.2f s).\n\n",
            rep->sweep->runs, rep->sweep->seconds, rep->track->seconds,
            per_epoch[0], per_epoch[1], per_epoch[2], per_epoch[3]);
    if (rep->sweep->resumed > 0)
        fprintf(f, "Of the sweep's runs, %ld were read back (`--resume`) from "
                   "the per-run files in `sweep/` of earlier processes "
                   "(commits %s); each file records its own command, commit, "
                   "date, machine and training time.\n\n",
                rep->sweep->resumed, rep->sweep->resumed_commits[0]
                                         ? rep->sweep->resumed_commits
                                         : "not recorded");
    fprintf(f, "Full paper-scale command (all defaults: 258 runs of 150 "
               "epochs plus 4 tracked runs, roughly 16 hours on two cores "
               "at about 3 s per epoch per core):\n\n"
               "    make data examples && build/examples/tyulmankov2023\n\n"
               "The same over MPI ranks (a cluster: docs/distributed.md; "
               "`--resume` goes on where a stopped job left off):\n\n"
               "    make data mpi-examples && mpirun --hostfile hosts -np 16 "
               "build/mpi/examples/tyulmankov2023 --epochs 150 "
               "--sweep-epochs 150 --gammas 0,1,3,5,7.58,10,12,15 --seeds 3 "
               "--resume\n\n"
               "Options that scale it down: `--regulars N --epochs N "
               "--sweep-epochs N --gammas a,b,... --seeds N --max-steps N "
               "--curve-every N --threads N`; `--resume` goes on with a stopped "
               "sweep; `--quick` is the smoke test.\n\n");
}

void ty_report_setup(FILE *f, const ty_report *rep)
{
    fprintf(f, "## Setup\n\n");
    setup_table(f, rep);
    scale_note(f, rep);
    commands(f, rep);
}
