/*
 * Millidge, Salvatori, Song, Lukasiewicz & Bogacz 2022, "Universal Hopfield
 * Networks": how many images a single-shot associative memory retrieves
 * for every similarity (dot, cosine, Euclidean, Manhattan) and separation
 * (softmax, max, polynomials, identity), from half-masked and from
 * Gaussian-noise cues, on MNIST and Fashion-MNIST.
 *
 *   build/examples/millidge2022 [--quick] [--out DIR] [--data DIR]
 *       [--runs N] [--sigma S] [--beta B]
 *
 * Writes into out/millidge2022/: capacity.csv (one row per data set, cue,
 * similarity, separation, N and run), capacity_<data>.png (plot.py),
 * examples_<data>.png and report.md.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/provenance.h"
#include "common/plot.h"
#include "uhn.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The command line as given, for the report. */
static int run_datasets(const ex_args *args, const uhn_config *cfg,
                        FILE *csv, uhn_results *res)
{
    static const char *const name[UHN_DATASETS] = {"mnist", "fashion"};
    static const char *const file[UHN_DATASETS] = {
        "mnist/images-idx3-ubyte", "fashion-mnist/train-images-idx3-ubyte.gz"};
    int status = 0;
    for (int di = 0; status == 0 && di < UHN_DATASETS; di++) {
        uhn_data d;
        if (uhn_load(args, name[di], file[di], &d) != 0)
            return -1;
        double t0 = now_seconds();
        status = uhn_sweep(cfg, &d, di, csv, res);
        if (status == 0)
            status = uhn_examples_png(args, cfg, &d);
        printf("%s: %.1f s\n", d.name, now_seconds() - t0);
        amem_free(d.images);
    }
    return status;
}

int main(int argc, char **argv)
{
    ex_provenance_start(argc, argv);
    uhn_config cfg, opts; /* opts: only what --runs/--sigma/--beta set */
    memset(&opts, 0, sizeof opts);
    argc = uhn_take_options(&opts, argc, argv);
    if (argc < 0) {
        fprintf(stderr, "millidge2022: bad --runs, --sigma or --beta value\n");
        return EXIT_FAILURE;
    }
    ex_args args;
    int parsed = ex_args_parse(&args, "millidge2022", argc, argv);
    if (parsed != 0)
        return parsed > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
    uhn_config_init(&cfg, args.quick);
    if (opts.runs) cfg.runs = opts.runs;
    if (opts.sigma > 0) cfg.sigma = opts.sigma;
    if (opts.beta > 0) cfg.beta = opts.beta;
    uhn_results *res = calloc(1, sizeof *res);
    FILE *csv = ex_csv_create(args.out_dir, "capacity.csv",
                              "dataset,cue,similarity,separation,stored,run,"
                              "correct,queries,accuracy");
    if (res == NULL || csv == NULL) {
        fprintf(stderr, "millidge2022: cannot start\n");
        free(res);
        if (csv) fclose(csv);
        return EXIT_FAILURE;
    }
    double t0 = now_seconds();
    int status = run_datasets(&args, &cfg, csv, res);
    ex_csv_finish(csv);
    res->total_seconds = now_seconds() - t0;
    if (status == 0) {
        ex_run_plots("millidge2022", argv[0], args.out_dir);
        status = uhn_report(&args, &cfg, res, ex_provenance_command());
    }
    if (status == 0)
        printf("wrote capacity.csv, the figures and report.md in %s\n",
               args.out_dir);
    free(res);
    return status == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
