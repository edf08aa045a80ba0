/*
 * Spens & Burgess 2022, "Constructing memory: consolidation as
 * teacher-student training of a generative model": Figures 3-6 on MNIST,
 * Fashion-MNIST and procedural stand-ins for Shapes3D and Symmetric Solids.
 *
 *   build/examples/spens2022 [--quick] [--out DIR] [options, see --help]
 *
 * For each data set: a modern Hopfield teacher stores the items one-shot
 * and replays them from noise (Figure 3); a VAE student is trained only on
 * the replays and, for comparison, another on the original items; recall
 * from partial input (Figure 4); reconstruction error and SVC decoding
 * accuracy per epoch and a t-SNE of the latents (Figure 5); interpolation
 * and, on the Shapes3D-like set, accuracy against training-set size from
 * latents vs a CNN on pixels (Figure 6). Writes CSV files, PNG figures and
 * report.md into out/spens2022/.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <assocmem/assocmem.h>

#include "common/provenance.h"
#include "common/args.h"
#include "common/plot.h"
#include "parts.h"

double sb_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int sb_fail(const char *what, int status)
{
    fprintf(stderr, "spens2022: %s: %s (%s)\n", what, amem_strerror(status),
            amem_last_error());
    return -1;
}

/* The SVC protocol on raw pixels of the held-out items (a reference). */
static double pixel_accuracy(const sb_config *cfg, const sb_data *d)
{
    return sb_decoding_accuracy(d->test, d->test_labels, d->n_test, d->dim,
                                cfg->probe_fit);
}

/* Replays, replay statistics and the student trained on them. */
static int consolidate(const sb_config *cfg, const sb_data *d,
                       amem_hopfield *teacher, amem_vae *student,
                       sb_result *res)
{
    size_t n = cfg->replays[d->which];
    float *replays = malloc(n * d->dim * sizeof(float));
    if (!replays)
        return sb_fail("allocating replays", AMEM_E_NOMEM);
    double t0 = sb_now();
    /* One fixed replay set, as the authors cache theirs (mhn_memories/). */
    int rc = amem_vae_replays(student, teacher, n, replays);
    res->teacher_seconds += sb_now() - t0;
    int status = rc == AMEM_OK ? 0 : sb_fail("replays", rc);
    if (status == 0)
        status = sb_replay_stats(teacher, d, replays, n, res);
    fprintf(stderr, "spens2022: %s: %zu replays, %.0f%% within 0.02 of a "
                    "memory, %zu distinct; training the student\n",
            sb_dataset_name[d->which], n, 100.0 * res->replay_hit,
            res->replay_distinct);
    res->replays = n;
    if (status == 0)
        status = sb_train_tracked(cfg, student, d, replays, n, &res->student);
    free(replays);
    return status;
}

static int run_models(const sb_config *cfg, const char *out_dir,
                      const sb_data *d, amem_hopfield *teacher,
                      sb_result *res)
{
    amem_vae *student = NULL, *baseline = NULL;
    int status = sb_student_create(cfg, d, cfg->seed, &student);
    if (status == 0)
        status = consolidate(cfg, d, teacher, student, res);
    if (status == 0 && cfg->baseline) {
        fprintf(stderr, "spens2022: %s: training the baseline on the "
                        "original items\n", sb_dataset_name[d->which]);
        status = sb_student_create(cfg, d, cfg->seed, &baseline);
        if (status == 0)
            status = sb_train_tracked(cfg, baseline, d, d->items, d->n_items,
                                      &res->baseline);
    }
    if (status == 0)
        status = sb_recall_figure(cfg, out_dir, d, teacher, student, baseline,
                                  res);
    if (status == 0)
        status = sb_latent_figures(cfg, out_dir, d, student);
    if (status == 0 && d->which == SB_SHAPES) {
        fprintf(stderr, "spens2022: shapes: accuracy against training-set "
                        "size\n");
        status = sb_size_curve(cfg, out_dir, d, student, res);
    }
    amem_vae_free(student);
    amem_vae_free(baseline);
    return status;
}

static int run_dataset(const sb_config *cfg, const ex_args *args, int which,
                       sb_result *res)
{
    double t0 = sb_now();
    sb_data d;
    fprintf(stderr, "spens2022: %s ...\n", sb_dataset_name[which]);
    if (sb_data_load(cfg, args, which, &d) != 0)
        return -1;
    res->c = d.channels, res->h = d.height, res->w = d.width;
    res->items = d.n_items, res->test = d.n_test;
    res->chance = 1.0 / d.classes;
    amem_hopfield *teacher = NULL;
    int status = sb_teacher(cfg, args->out_dir, &d, res, &teacher);
    if (status == 0)
        status = run_models(cfg, args->out_dir, &d, teacher, res);
    if (status == 0)
        res->acc_pixels = pixel_accuracy(cfg, &d);
    if (status == 0)
        status = sb_write_curves(args->out_dir, &d, res);
    amem_hopfield_free(teacher);
    sb_data_free(&d);
    res->seconds = sb_now() - t0;
    res->done = status == 0;
    fprintf(stderr, "spens2022: %s done in %.0f s\n", sb_dataset_name[which],
            res->seconds);
    return status;
}

static int quick_flag(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--quick") == 0)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    static sb_config cfg;
    static sb_results res;
    ex_args args;
    ex_provenance_start(argc, argv);
    sb_config_init(&cfg, quick_flag(argc, argv));
    sb_config_command(&cfg, argc, argv);
    int n = sb_config_options(&cfg, argc, argv);
    if (n < 0)
        return 2;
    int rc = ex_args_parse(&args, "spens2022", n, argv);
    if (rc > 0)
        sb_config_usage();
    if (rc != 0)
        return rc > 0 ? 0 : 2;
    if (cfg.threads > 0)
        amem_set_num_threads(cfg.threads);
    double t0 = sb_now();
    int status = 0;
    for (int d = 0; d < SB_DATASETS && status == 0; d++)
        if (cfg.run[d])
            status = run_dataset(&cfg, &args, d, &res.set[d]);
    res.seconds = sb_now() - t0;
    if (status == 0)
        status = sb_report(&cfg, args.out_dir, &res);
    for (int d = 0; d < SB_DATASETS; d++) {
        sb_curve_free(&res.set[d].student);
        sb_curve_free(&res.set[d].baseline);
    }
    if (status != 0)
        return 1;
    ex_run_plots("spens2022", argv[0], args.out_dir);
    printf("spens2022: wrote %s/report.md (%.0f s)\n", args.out_dir,
           res.seconds);
    return 0;
}
