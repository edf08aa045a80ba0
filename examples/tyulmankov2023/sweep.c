/* The gamma sweep of Figure 2 and the choice of the best gamma. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <assocmem/assocmem.h>

#include "csv.h"
#include "pool.h"
#include "ranks.h"
#include "sweep.h"
#include "sweep_files.h"
#include "timer.h"

/* What --resume found for one run (rank 0 reads, every rank is told). */
typedef struct resumed_run {
    int found;      /* 1: read back, not trained */
    ty_eval eval;
    char commit[64];
} resumed_run;

typedef struct sweep_ctx {
    const ty_config *cfg;
    const ty_dataset *ds;
    const int32_t *labels;
    FILE *runs;
    ty_run_spec *specs; /* every run, seeds outermost */
    ty_eval *evals;     /* its result */
    resumed_run *resumed; /* what --resume found for it */
    long done, total;
    double t0;
    ty_sweep_result *res;
} sweep_ctx;

long ty_sweep_run_count(const ty_config *cfg)
{
    long per_seed = 1 + (long)ty_config_signal_count(cfg) *
                            (long)(cfg->n_gammas - 1);
    return TY_METHODS * per_seed * cfg->n_seeds;
}

/* One line per finished run on stderr, with a time estimate. */
static void log_run(sweep_ctx *c, const ty_run_spec *s, const ty_eval *ev)
{
    double spent = ty_now() - c->t0;
    double left = spent / (double)c->done * (double)(c->total - c->done);
    fprintf(stderr, "sweep %ld/%ld %-12s %-8s gamma %-5g seed %d: eval %.4f"
            " (regular %.4f, exception %.4f)  %.0fs, ~%.0fs left\n", c->done,
            c->total, ty_signal_name(s->signal), ty_balance_name(s->balance),
            s->gamma, s->seed, ev->eval, ev->regular, ev->exception, spent,
            left);
}

/* Note a run read back by --resume and the commit that trained it. */
static void note_resumed(ty_sweep_result *res, const char *commit)
{
    res->resumed++;
    if (commit[0] && !strstr(res->resumed_commits, commit)) {
        size_t k = strlen(res->resumed_commits);
        snprintf(res->resumed_commits + k, sizeof res->resumed_commits - k,
                 "%s%s", k ? ", " : "", commit);
    }
}

/* Record a finished run (under the pool lock: shared file and counter;
 * only the writing rank has the file). */
static void finish_run(sweep_ctx *c, const ty_run_spec *s, const ty_eval *ev)
{
    ty_pool_lock();
    c->done++;
    const char *sig = s->gamma == 0.0 ? "none" : ty_signal_name(s->signal);
    if (c->runs) {
        fprintf(c->runs, "%s,%s,%g,%d,%.8g,%.8g,%.8g\n", sig,
                ty_balance_name(s->balance), s->gamma, s->seed, ev->regular,
                ev->exception, ev->eval);
        fflush(c->runs);
        log_run(c, s, ev);
    }
    ty_pool_unlock();
}

/*
 * --resume: rank 0 reads the finished runs' files and every rank goes by
 * its answer, so that ranks without a shared file system train the same
 * runs (and so call the same collectives). 0 or -1.
 */
static int find_resumed(sweep_ctx *c, size_t n)
{
    if (!c->cfg->resume)
        return 0;
    for (size_t i = 0; i < n && ty_ranks_is_writer(); i++) {
        resumed_run *r = &c->resumed[i];
        r->found = ty_sweep_file_read(c->cfg, &c->specs[i], &r->eval,
                                      r->commit, sizeof r->commit);
    }
    return ty_ranks_share(c->resumed, n * sizeof *c->resumed);
}

/* Pool job i: train and score run i (or take it from --resume). */
static int train_job(size_t i, void *user)
{
    sweep_ctx *c = user;
    const ty_run_spec *s = &c->specs[i];
    if (c->resumed[i].found) {
        c->evals[i] = c->resumed[i].eval;
        ty_pool_lock();
        note_resumed(c->res, c->resumed[i].commit);
        ty_pool_unlock();
        finish_run(c, s, &c->evals[i]);
        return 0;
    }
    double t0 = ty_now();
    amem_dam *net = ty_run_create(c->cfg, c->ds, c->labels, s);
    if (!net)
        return -1;
    int rc = ty_run_train(net, c->cfg->sweep_epochs, "fig2 sweep");
    if (rc == 0)
        rc = ty_run_evaluate(net, c->cfg, c->ds, c->labels, &c->evals[i]);
    amem_dam_free(net);
    if (rc == 0 && ty_ranks_is_writer())
        rc = ty_sweep_file_write(c->cfg, s, &c->evals[i], ty_now() - t0);
    if (rc == 0)
        finish_run(c, s, &c->evals[i]);
    return rc;
}

/* The run list: per seed and method, the gamma = 0 baseline, then every
 * signal of --signals x gamma > 0. Seeds outermost, so early runs cover
 * whole seeds. */
static size_t list_runs(const ty_config *cfg, const ty_sweep_result *res,
                        ty_run_spec *specs)
{
    size_t k = 0;
    for (int seed = 0; seed < res->n_seeds; seed++)
        for (int m = 0; m < TY_METHODS; m++) {
            specs[k++] = (ty_run_spec){AMEM_DAM_SIGNAL_GROUND_TRUTH,
                                       res->balance[m], 0.0, seed};
            for (int sig = 0; sig < TY_SIGNALS; sig++)
                for (size_t g = 1; g < cfg->n_gammas &&
                                   ty_config_has_signal(cfg, sig); g++)
                    specs[k++] = (ty_run_spec){sig, res->balance[m],
                                               cfg->gammas[g], seed};
        }
    return k;
}

/* Best gamma per signal, method and seed (gamma = 0 = the baseline). */
static void choose_best(const sweep_ctx *c, size_t n, ty_sweep_result *res)
{
    for (size_t i = 0; i < n; i++) {
        const ty_run_spec *s = &c->specs[i];
        int m = s->balance == res->balance[0] ? 0 : 1;
        if (s->gamma == 0.0) {
            res->baseline[m][s->seed] = c->evals[i];
            for (int sig = 0; sig < TY_SIGNALS; sig++) {
                res->cell[sig][m].best[s->seed] = c->evals[i];
                res->cell[sig][m].best_gamma[s->seed] = 0.0;
            }
            continue;
        }
        ty_cell *cell = &res->cell[s->signal][m];
        if (c->evals[i].eval < cell->best[s->seed].eval) {
            cell->best[s->seed] = c->evals[i];
            cell->best_gamma[s->seed] = s->gamma;
        }
    }
}

static int write_best(const ty_config *cfg, const ty_sweep_result *res)
{
    FILE *f = ty_csv_open(&cfg->args, "fig2_best.csv",
                          "signal,method,seed,best_gamma,regular_loss,"
                          "exception_loss,eval_loss");
    if (!f)
        return -1;
    for (int sig = 0; sig < TY_SIGNALS; sig++)
        for (int m = 0; m < TY_METHODS && ty_config_has_signal(cfg, sig); m++)
            for (int s = 0; s < res->n_seeds; s++) {
                const ty_cell *c = &res->cell[sig][m];
                fprintf(f, "%s,%s,%d,%g,%.8g,%.8g,%.8g\n", ty_signal_name(sig),
                        ty_balance_name(res->balance[m]), s, c->best_gamma[s],
                        c->best[s].regular, c->best[s].exception,
                        c->best[s].eval);
            }
    return ty_csv_close(f, "fig2_best.csv");
}

static int write_baseline(const ty_config *cfg, const ty_sweep_result *res)
{
    FILE *f = ty_csv_open(&cfg->args, "fig2_baseline.csv",
                          "method,seed,regular_loss,exception_loss,eval_loss");
    if (!f)
        return -1;
    for (int m = 0; m < TY_METHODS; m++)
        for (int s = 0; s < res->n_seeds; s++) {
            const ty_eval *e = &res->baseline[m][s];
            fprintf(f, "%s,%d,%.8g,%.8g,%.8g\n",
                    ty_balance_name(res->balance[m]), s, e->regular,
                    e->exception, e->eval);
        }
    return ty_csv_close(f, "fig2_baseline.csv");
}

int ty_sweep_run(const ty_config *cfg, const ty_dataset *ds,
                 ty_sweep_result *res)
{
    sweep_ctx c = {cfg, ds, NULL, NULL, NULL, NULL, NULL, 0,
                   ty_sweep_run_count(cfg), ty_now(), res};
    int writer = ty_ranks_is_writer();
    res->resumed = 0;
    res->resumed_commits[0] = '\0';
    res->n_seeds = cfg->n_seeds;
    res->balance[0] = AMEM_DAM_BALANCE_REWEIGHT;
    res->balance[1] = AMEM_DAM_BALANCE_SAMPLE;
    int32_t *labels = ty_labels_create(ds);
    c.labels = labels;
    c.specs = malloc((size_t)c.total * sizeof *c.specs);
    c.evals = calloc((size_t)c.total, sizeof *c.evals);
    c.resumed = calloc((size_t)c.total, sizeof *c.resumed);
    c.runs = writer ? ty_csv_open(&cfg->args, "fig2_runs.csv",
                                  "signal,method,gamma,seed,regular_loss,"
                                  "exception_loss,eval_loss")
                    : NULL;
    int rc = -1;
    if (labels && c.specs && c.evals && c.resumed && (c.runs || !writer)) {
        size_t n = list_runs(cfg, res, c.specs);
        rc = find_resumed(&c, n);
        if (rc == 0)
            rc = ty_pool_run(n, cfg->workers, train_job, &c);
        if (rc == 0)
            choose_best(&c, n, res);
    }
    rc |= ty_csv_close(c.runs, "fig2_runs.csv");
    if (rc == 0 && writer)
        rc = write_best(cfg, res) | write_baseline(cfg, res);
    free(labels);
    free(c.specs);
    free(c.evals);
    free(c.resumed);
    res->runs = c.done;
    res->seconds = ty_now() - c.t0;
    return rc ? -1 : 0;
}
