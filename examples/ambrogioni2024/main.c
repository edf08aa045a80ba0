/*
 * Ambrogioni 2024, "In Search of Dispersed Memories: Generative Diffusion
 * Models Are Associative Memory Networks": every experiment of Section 7
 * and Appendix A, with the paper's numbers beside ours.
 *
 *   build/examples/ambrogioni2024 [--quick] [--out DIR]
 *       [--only table1,fig3a,fig3b,trained,fig2,fig1]
 *       [--trained-repeats N] [--trained-iterations N]
 *       [--trained-dims d1,d2,...] [--resume]
 *
 * Writes into out/ambrogioni2024/: table1.csv, fig3a_error.csv,
 * fig3b_capacity.csv, fig3b_trained.csv, fig2_trajectories.csv,
 * fig2_patterns.csv, the PNG figures (plot.py, matplotlib) and report.md.
 * Progress goes to stderr.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/provenance.h"
#include "common/args.h"
#include "config.h"
#include "common/plot.h"
#include "results.h"

#define PARTS 6
static const char *const part_name[PARTS] = {"table1", "fig3a", "fig3b",
                                             "trained", "fig2", "fig1"};

typedef int (*part_fn)(const amb_config *, const char *, amb_results *);
static const part_fn part_run[PARTS] = {amb_table1, amb_error_curve,
                                        amb_capacity, amb_trained_capacity,
                                        amb_trajectories, amb_landscape};

typedef struct extra_opts {
    int run[PARTS];
    int trained_repeats, trained_iterations, resume;
    size_t trained_dims[AMB_MAX_LIST], n_trained_dims;
} extra_opts;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* --only a,b,c: run only the named parts. */
static int parse_only(extra_opts *o, const char *list)
{
    for (int p = 0; p < PARTS; p++)
        o->run[p] = strstr(list, part_name[p]) != NULL;
    for (int p = 0; p < PARTS; p++)
        if (o->run[p])
            return 0;
    fprintf(stderr, "--only: no known part in '%s'\n", list);
    return -1;
}

/* --trained-dims 10,12: the dimensions of the trained-capacity part. */
static int parse_dims(extra_opts *o, const char *list)
{
    o->n_trained_dims = 0;
    for (const char *p = list; *p && o->n_trained_dims < AMB_MAX_LIST;) {
        char *end;
        long d = strtol(p, &end, 10);
        if (end == p || d < 2 || d > 64 || (*end && *end != ','))
            break;
        o->trained_dims[o->n_trained_dims++] = (size_t)d;
        p = *end ? end + 1 : end;
    }
    if (o->n_trained_dims > 0)
        return 0;
    fprintf(stderr, "--trained-dims: expected a list like 10,12\n");
    return -1;
}

/* Take this example's own options out of argv (the rest goes to
 * ex_args_parse). Returns the new argc, or -1 on a bad option. */
static int take_extra_options(int argc, char **argv, extra_opts *o)
{
    int kept = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--resume") == 0) {
            o->resume = 1;
            continue;
        }
        int is_only = strcmp(a, "--only") == 0;
        int is_rep = strcmp(a, "--trained-repeats") == 0;
        int is_it = strcmp(a, "--trained-iterations") == 0;
        int is_dims = strcmp(a, "--trained-dims") == 0;
        if (!is_only && !is_rep && !is_it && !is_dims) {
            argv[kept++] = argv[i];
            continue;
        }
        if (!v || (is_only && parse_only(o, v) != 0) ||
            (is_dims && parse_dims(o, v) != 0))
            return -1;
        if (is_rep)
            o->trained_repeats = atoi(v);
        if (is_it)
            o->trained_iterations = atoi(v);
        i++;
    }
    return kept;
}

static void apply_extra(amb_config *cfg, const extra_opts *o)
{
    if (o->trained_repeats > 0)
        cfg->tr_repeats = o->trained_repeats < AMB_MAX_REPEATS
                              ? o->trained_repeats : AMB_MAX_REPEATS;
    if (o->trained_iterations > 0)
        cfg->tr_iterations = o->trained_iterations;
    cfg->tr_resume = o->resume;
    if (o->n_trained_dims > 0) {
        for (size_t k = 0; k < o->n_trained_dims; k++)
            cfg->tr_dims[k] = o->trained_dims[k];
        cfg->n_tr_dims = o->n_trained_dims;
    }
}

/* "build/examples/ambrogioni2024 --quick ..." for the report. */
static void record_command(int argc, char **argv, amb_results *res)
{
    size_t len = 0, size = sizeof res->command;
    for (int i = 0; i < argc && len < size; i++) {
        int n = snprintf(res->command + len, size - len, "%s%s",
                         i ? " " : "", argv[i]);
        len += n > 0 ? (size_t)n : 0;
    }
}

static int run_parts(const amb_config *cfg, const extra_opts *o,
                     const char *out_dir, amb_results *res)
{
    for (int p = 0; p < PARTS; p++) {
        if (!o->run[p])
            continue;
        fprintf(stderr, "ambrogioni2024: %s ...\n", part_name[p]);
        double t0 = now_seconds();
        if (part_run[p](cfg, out_dir, res) != 0) {
            fprintf(stderr, "ambrogioni2024: %s failed\n", part_name[p]);
            return -1;
        }
        res->seconds[p] = now_seconds() - t0;
        fprintf(stderr, "ambrogioni2024: %s done in %.1f s\n", part_name[p],
                res->seconds[p]);
    }
    return 0;
}

int main(int argc, char **argv)
{
    extra_opts opts = {{1, 1, 1, 1, 1, 1}, 0, 0, 0, {0}, 0};
    ex_args args;
    static amb_config cfg;
    static amb_results res;
    ex_provenance_start(argc, argv);
    record_command(argc, argv, &res);
    int n = take_extra_options(argc, argv, &opts);
    if (n < 0) {
        fprintf(stderr, "ambrogioni2024: bad --only/--trained-* option\n");
        return 2;
    }
    int rc = ex_args_parse(&args, "ambrogioni2024", n, argv);
    if (rc > 0)
        printf("  --only LIST  parts to run: table1,fig3a,fig3b,trained,fig2,"
               "fig1\n"
               "  --trained-repeats N, --trained-iterations N\n"
               "              scale the trained-model capacity search\n"
               "  --resume    read back trained-model repeats already\n"
               "              finished at this scale (OUT/trained/)\n");
    if (rc != 0)
        return rc > 0 ? 0 : 2;
    amb_config_init(&cfg, args.quick);
    apply_extra(&cfg, &opts);
    if (run_parts(&cfg, &opts, args.out_dir, &res) != 0 ||
        amb_report(&cfg, args.out_dir, &res) != 0)
        return 1;
    ex_run_plots("ambrogioni2024", argv[0], args.out_dir);
    printf("ambrogioni2024: wrote %s/report.md\n", args.out_dir);
    return 0;
}
