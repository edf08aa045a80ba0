/* One CSV per finished sweep run (examples/common/resume.h). */
#include <stdio.h>

#include "common/resume.h"
#include "ranks.h"
#include "sweep_files.h"

#define HEADER "signal,method,gamma,seed,regular_loss,exception_loss," \
               "eval_loss,seconds,ranks"

/* Every setting besides the run's own that changes its result. */
static void scale_of(const ty_config *cfg, char *out, size_t size)
{
    snprintf(out, size,
             "epochs=%d regulars=%zu exceptions=%zu hidden=%zu beta=%g "
             "tolerance=%g max_steps=%d eval_seed=%llu",
             cfg->sweep_epochs, cfg->max_regular, cfg->n_exception,
             cfg->hidden, cfg->beta, cfg->tolerance, cfg->max_steps,
             cfg->eval_seed);
}

static const char *signal_of(const ty_run_spec *s)
{
    return s->gamma == 0.0 ? "none" : ty_signal_name(s->signal);
}

/* <out>/sweep and <signal>-<method>-g<gamma>-s<seed>.csv; 0 or -1. */
static int where(const ty_config *cfg, const ty_run_spec *s, char *dir,
                 size_t dsize, char *name, size_t nsize)
{
    int a = snprintf(dir, dsize, "%s/sweep", cfg->args.out_dir);
    int b = snprintf(name, nsize, "%s-%s-g%g-s%d.csv", signal_of(s),
                     ty_balance_name(s->balance), s->gamma, s->seed);
    return a > 0 && (size_t)a < dsize && b > 0 && (size_t)b < nsize ? 0 : -1;
}

int ty_sweep_file_write(const ty_config *cfg, const ty_run_spec *s,
                        const ty_eval *ev, double seconds)
{
    char dir[2048], name[256], scale[256], row[512];
    if (where(cfg, s, dir, sizeof dir, name, sizeof name) != 0)
        return -1;
    scale_of(cfg, scale, sizeof scale);
    snprintf(row, sizeof row, "%s,%s,%g,%d,%.8g,%.8g,%.8g,%.1f,%d",
             signal_of(s), ty_balance_name(s->balance), s->gamma, s->seed,
             ev->regular, ev->exception, ev->eval, seconds, ty_ranks_count());
    return ex_unit_write(dir, name, scale, HEADER, row);
}

int ty_sweep_file_read(const ty_config *cfg, const ty_run_spec *s,
                       ty_eval *ev, char *commit, size_t size)
{
    char dir[2048], name[256], scale[256], row[512];
    if (where(cfg, s, dir, sizeof dir, name, sizeof name) != 0)
        return 0;
    scale_of(cfg, scale, sizeof scale);
    if (!ex_unit_read(dir, name, scale, row, sizeof row, commit, size))
        return 0;
    ty_eval e;
    if (sscanf(row, "%*[^,],%*[^,],%*[^,],%*[^,],%lf,%lf,%lf", &e.regular,
               &e.exception, &e.eval) != 3)
        return 0;
    *ev = e;
    return 1;
}
