/* One CSV per finished sweep run, read back by --resume. */
#include <stdio.h>
#include <string.h>

#include "common/args.h"
#include "common/provenance.h"
#include "sweep_files.h"

#define SCALE_LINE_MAX 256

static void scale_line(const ty_config *cfg, char *out, size_t size)
{
    snprintf(out, size,
             "# scale: epochs=%d regulars=%zu exceptions=%zu hidden=%zu "
             "beta=%g tolerance=%g max_steps=%d eval_seed=%llu\n",
             cfg->sweep_epochs, cfg->max_regular, cfg->n_exception,
             cfg->hidden, cfg->beta, cfg->tolerance, cfg->max_steps,
             cfg->eval_seed);
}

static int run_path(const ty_config *cfg, const ty_run_spec *s, char *path,
                    size_t size, int with_dir)
{
    const char *sig = s->gamma == 0.0 ? "none" : ty_signal_name(s->signal);
    int n = snprintf(path, size, "%s%ssweep/%s-%s-g%g-s%d.csv",
                     with_dir ? cfg->args.out_dir : "", with_dir ? "/" : "",
                     sig, ty_balance_name(s->balance), s->gamma, s->seed);
    return n > 0 && (size_t)n < size ? 0 : -1;
}

int ty_sweep_dir_create(const ty_config *cfg)
{
    char dir[2048];
    int n = snprintf(dir, sizeof dir, "%s/sweep", cfg->args.out_dir);
    return n > 0 && (size_t)n < sizeof dir ? ex_mkdir_p(dir) : -1;
}

int ty_sweep_file_write(const ty_config *cfg, const ty_run_spec *s,
                        const ty_eval *ev, double seconds)
{
    char name[1024], scale[SCALE_LINE_MAX];
    if (run_path(cfg, s, name, sizeof name, 0) != 0)
        return -1;
    FILE *f = ex_csv_create(cfg->args.out_dir, name,
                            "signal,method,gamma,seed,regular_loss,"
                            "exception_loss,eval_loss,seconds");
    if (!f)
        return -1;
    scale_line(cfg, scale, sizeof scale);
    fputs(scale, f);
    fprintf(f, "%s,%s,%g,%d,%.8g,%.8g,%.8g,%.1f\n",
            s->gamma == 0.0 ? "none" : ty_signal_name(s->signal),
            ty_balance_name(s->balance), s->gamma, s->seed, ev->regular,
            ev->exception, ev->eval, seconds);
    return ex_csv_finish(f);
}

/* Parse one line of a run's file into what resuming needs. */
static void read_line(const char *line, const char *scale, int *scale_ok,
                      int *finished, int *have, ty_eval *ev, char *commit,
                      size_t size)
{
    if (strcmp(line, scale) == 0)
        *scale_ok = 1;
    else if (strncmp(line, "# finished", 10) == 0)
        *finished = 1;
    else if (strncmp(line, "# commit: ", 10) == 0)
        snprintf(commit, size, "%.*s", (int)strcspn(line + 10, " \n"),
                 line + 10);
    else if (line[0] != '#' && strncmp(line, "signal,", 7) != 0)
        *have = sscanf(line, "%*[^,],%*[^,],%*[^,],%*[^,],%lf,%lf,%lf",
                       &ev->regular, &ev->exception, &ev->eval) == 3;
}

int ty_sweep_file_read(const ty_config *cfg, const ty_run_spec *s,
                       ty_eval *ev, char *commit, size_t size)
{
    char path[2048], line[1024], scale[SCALE_LINE_MAX];
    if (run_path(cfg, s, path, sizeof path, 1) != 0)
        return 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    scale_line(cfg, scale, sizeof scale);
    int scale_ok = 0, finished = 0, have = 0;
    ty_eval read = {0, 0, 0};
    while (fgets(line, sizeof line, f))
        read_line(line, scale, &scale_ok, &finished, &have, &read, commit,
                  size);
    fclose(f);
    if (!(scale_ok && finished && have))
        return 0;
    *ev = read;
    return 1;
}
