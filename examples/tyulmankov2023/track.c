#define _POSIX_C_SOURCE 200809L /* open_memstream */
/* Tracked runs: Figure 1 curves, Figure A1 signals, Figure A2 memories. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <assocmem/assocmem.h>

#include "csv.h"
#include "pool.h"
#include "ranks.h"
#include "signals.h"
#include "timer.h"
#include "track.h"

/* Output of one run, kept in memory until all runs are done. */
typedef struct track_io {
    FILE *curves, *signals;
    char *curves_text, *signals_text;
    size_t curves_len, signals_len;
    float *buf; /* one float per item, for the records */
} track_io;

typedef struct track_ctx {
    const ty_config *cfg;
    const ty_dataset *ds;
    const int32_t *labels;
    ty_track_result *res;
    track_io io[TY_TRACKED];
} track_ctx;

/* The four runs. gamma < 0 stands for ln(R/E) of the data set. */
static void define_runs(ty_track_result *res, double gamma)
{
    static const char *names[TY_TRACKED] = {"uniform", "reweight", "sample",
                                            "neg_entropy_reweight"};
    const ty_run_spec specs[TY_TRACKED] = {
        {AMEM_DAM_SIGNAL_GROUND_TRUTH, AMEM_DAM_BALANCE_NONE, 0.0, 0},
        {AMEM_DAM_SIGNAL_GROUND_TRUTH, AMEM_DAM_BALANCE_REWEIGHT, gamma, 0},
        {AMEM_DAM_SIGNAL_GROUND_TRUTH, AMEM_DAM_BALANCE_SAMPLE, gamma, 0},
        {AMEM_DAM_SIGNAL_NEG_ENTROPY, AMEM_DAM_BALANCE_REWEIGHT, gamma, 0},
    };
    for (int r = 0; r < TY_TRACKED; r++) {
        res->name[r] = names[r];
        res->spec[r] = specs[r];
    }
    for (int k = 0; k < TY_A1_SIGNALS; k++)
        res->a1_signal[k] = ty_signals_name(k);
}

static int log_curve(const track_io *io, const ty_config *cfg,
                     const ty_dataset *ds, const int32_t *labels,
                     amem_dam *net, const char *name, int epoch, ty_eval *ev)
{
    if (ty_run_evaluate(net, cfg, ds, labels, ev) != 0)
        return -1;
    fprintf(io->curves, "%s,%d,%.8g,%.8g,%.8g\n", name, epoch, ev->regular,
            ev->exception, ev->eval);
    return 0;
}

/* Keep the last epoch's A1 summary of signal-logging run a. */
static void keep_a1(ty_track_result *res, int a, const ty_signal_stats *st)
{
    for (int k = 0; k < TY_A1_SIGNALS; k++) {
        res->a1_regular[a][k] = st[k].regular_mean;
        res->a1_exception[a][k] = st[k].exception_mean;
        res->a1_separation[a][k] =
            st[k].regular_std > 0.0
                ? (st[k].exception_mean - st[k].regular_mean) / st[k].regular_std
                : NAN;
    }
}

/* Signals after one epoch of run r (only the two reweighted runs log). */
static int log_signals(const track_io *io, ty_track_result *res, int r,
                       amem_dam *net, const ty_dataset *ds, int epoch)
{
    int a = r == 1 ? 0 : r == 3 ? 1 : -1;
    if (a < 0)
        return 0;
    ty_signal_stats st[TY_A1_SIGNALS];
    if (ty_signals_measure(net, ds, io->buf, st) != 0)
        return -1;
    ty_signals_write(io->signals, ty_signal_name(res->spec[r].signal), epoch,
                     st);
    keep_a1(res, a, st);
    return 0;
}

static int is_curve_epoch(const ty_config *cfg, int epoch)
{
    return epoch % cfg->curve_every == 0 || epoch == cfg->track_epochs;
}

static int train_tracked(const ty_config *cfg, const ty_dataset *ds,
                         const int32_t *labels, const track_io *io,
                         ty_track_result *res, int r, amem_dam *net)
{
    ty_eval ev;
    char stage[64];
    snprintf(stage, sizeof stage, "fig1 %s", res->name[r]);
    if (log_curve(io, cfg, ds, labels, net, res->name[r], 0, &res->start[r]))
        return -1;
    double training = 0.0;
    for (int epoch = 1; epoch <= cfg->track_epochs; epoch++) {
        double t0 = ty_now();
        if (ty_run_train(net, 1, stage) != 0)
            return -1;
        training += ty_now() - t0;
        if (log_signals(io, res, r, net, ds, epoch) != 0)
            return -1;
        if (is_curve_epoch(cfg, epoch) &&
            log_curve(io, cfg, ds, labels, net, res->name[r], epoch, &ev))
            return -1;
    }
    res->final[r] = ev;
    res->epoch_seconds[r] = training / cfg->track_epochs;
    return 0;
}

static int one_run(const ty_config *cfg, const ty_dataset *ds,
                   const int32_t *labels, const track_io *io,
                   ty_track_result *res, int r)
{
    amem_dam *net = ty_run_create(cfg, ds, labels, &res->spec[r]);
    if (!net)
        return -1;
    char file[128], path[1200];
    snprintf(file, sizeof file, "weights_%s.png", res->name[r]);
    int rc = train_tracked(cfg, ds, labels, io, res, r, net);
    if (rc == 0 && ty_ranks_is_writer()) {
        if (ex_out_path(&cfg->args, file, path, sizeof path))
            rc = ty_weights_write(net, ds, path, &res->weights[r]);
        fprintf(stderr, "tracked run %-21s eval %.4f (regular %.4f, "
                "exception %.4f); %.3f s per epoch of training\n",
                res->name[r], res->final[r].eval, res->final[r].regular,
                res->final[r].exception, res->epoch_seconds[r]);
    }
    amem_dam_free(net);
    return rc;
}

/* Pool job r: tracked run r. */
static int track_job(size_t r, void *user)
{
    track_ctx *c = user;
    return one_run(c->cfg, c->ds, c->labels, &c->io[r], c->res, (int)r);
}

static int open_io(track_io *io, size_t n_items)
{
    io->buf = malloc(n_items * sizeof *io->buf);
    io->curves = open_memstream(&io->curves_text, &io->curves_len);
    io->signals = open_memstream(&io->signals_text, &io->signals_len);
    return io->buf && io->curves && io->signals ? 0 : -1;
}

static void close_io(track_io *io)
{
    if (io->curves)
        fclose(io->curves);
    if (io->signals)
        fclose(io->signals);
    free(io->curves_text);
    free(io->signals_text);
    free(io->buf);
}

/* Concatenate the runs' rows, in run order, under one header. */
static int write_csv(const ty_config *cfg, const track_ctx *c, int signals)
{
    const char *name = signals ? "figA1_signals.csv" : "fig1_curves.csv";
    FILE *f = ty_csv_open(&cfg->args, name, signals
        ? "trained_with,epoch,signal,regular_mean,regular_std,"
          "exception_mean,exception_std"
        : "run,epoch,regular_loss,exception_loss,eval_loss");
    if (!f)
        return -1;
    for (int r = 0; r < TY_TRACKED; r++) {
        FILE *src = signals ? c->io[r].signals : c->io[r].curves;
        fflush(src);
        fputs(signals ? c->io[r].signals_text : c->io[r].curves_text, f);
    }
    return ty_csv_close(f, name);
}

int ty_track_run(const ty_config *cfg, const ty_dataset *ds,
                 ty_track_result *res)
{
    double gamma = cfg->track_gamma >= 0.0
                       ? cfg->track_gamma
                       : log((double)ds->n_regular / (double)ds->n_exception);
    define_runs(res, gamma);
    double t0 = ty_now();
    track_ctx c = {cfg, ds, NULL, res, {{0}}};
    int32_t *labels = ty_labels_create(ds);
    c.labels = labels;
    int rc = labels ? 0 : -1;
    for (int r = 0; r < TY_TRACKED && rc == 0; r++)
        rc = open_io(&c.io[r], ty_dataset_count(ds));
    if (rc == 0)
        rc = ty_pool_run(TY_TRACKED, cfg->workers, track_job, &c);
    if (rc == 0 && ty_ranks_is_writer())
        rc = write_csv(cfg, &c, 0) | write_csv(cfg, &c, 1);
    for (int r = 0; r < TY_TRACKED; r++)
        close_io(&c.io[r]);
    free(labels);
    res->seconds = ty_now() - t0;
    return rc ? -1 : 0;
}
