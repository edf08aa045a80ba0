/*
 * amem bench: a short recall benchmark on this machine. Random +-1 patterns
 * are stored, cues are copies with a fraction of the signs flipped, and
 * recall of the whole batch is timed (best of a few repeats after one
 * warm-up). One figure per line, "name value unit".
 */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <assocmem/assocmem.h>
#include <assocmem/data.h>
#include <assocmem/hopfield.h>

#include "cli.h"
#include "model.h"

static const char bench_usage[] =
    "Usage: amem bench [options]\n\n"
    "Time the recall of a batch of cues by a Hopfield network of random +-1\n"
    "patterns and report the recall error. Cue i is stored pattern i mod N with\n"
    "a fraction of its signs flipped. Keep it short on shared machines.\n\n"
    "  -k, --kind KIND       classical, poly, rect, exp or modern (default)\n"
    "  -d, --dim D           pattern dimension (default 256)\n"
    "  -p, --patterns N      stored patterns (default 4096; classical: 0.1 D)\n"
    "  -q, --queries Q       cues per batch (default 1024)\n"
    "  -b, --beta B          inverse temperature (modern; default the library's, 1)\n"
    "  -f, --flip F          fraction of each cue's signs flipped (default 0.1)\n"
    "  -r, --repeats R       timed repeats, best reported (default 3)\n"
    "  -t, --threads T       threads (default: the library's)\n"
    "  -h, --help            this text\n";

typedef struct bench_config {
    int kind;
    size_t dim, patterns, queries, repeats, threads;
    double beta, flip;
    int beta_given;
} bench_config;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int parse_size_option(const char *name, const char *text, size_t *out)
{
    if (cli_parse_size(text, out) != 0 || *out == 0 || *out > ((size_t)1 << 24))
        return cli_usage("--%s: '%s' is not a count in [1, 16777216]", name, text);
    return 0;
}

static int parse_bench(int argc, char **argv, bench_config *cfg)
{
    static const struct option options[] = {
        {"kind", required_argument, NULL, 'k'}, {"dim", required_argument, NULL, 'd'},
        {"patterns", required_argument, NULL, 'p'}, {"queries", required_argument, NULL, 'q'},
        {"beta", required_argument, NULL, 'b'}, {"flip", required_argument, NULL, 'f'},
        {"repeats", required_argument, NULL, 'r'}, {"threads", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int c, rc = 0, patterns_given = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, "k:d:p:q:b:f:r:t:h", options, NULL)) != -1) {
        switch (c) {
        case 'k':
            if ((cfg->kind = model_hopfield_kind_from_name(optarg)) < 0)
                rc = cli_usage("unknown kind '%s'", optarg);
            break;
        case 'd': rc = parse_size_option("dim", optarg, &cfg->dim); break;
        case 'p': rc = parse_size_option("patterns", optarg, &cfg->patterns); patterns_given = 1; break;
        case 'q': rc = parse_size_option("queries", optarg, &cfg->queries); break;
        case 'r': rc = parse_size_option("repeats", optarg, &cfg->repeats); break;
        case 't': rc = parse_size_option("threads", optarg, &cfg->threads); break;
        case 'b':
            cfg->beta_given = 1;
            if (cli_parse_double(optarg, &cfg->beta) != 0)
                rc = cli_usage("--beta: '%s' is not a number", optarg);
            break;
        case 'f':
            if (cli_parse_double(optarg, &cfg->flip) != 0 || cfg->flip < 0 || cfg->flip > 1)
                rc = cli_usage("--flip: '%s' is not a fraction in [0, 1]", optarg);
            break;
        case 'h': fputs(bench_usage, stdout); return -1;
        default: return cli_try_help();
        }
    }
    if (rc == 0 && optind != argc)
        rc = cli_usage("unexpected argument '%s'", argv[optind]);
    if (!patterns_given && cfg->kind == AMEM_HOPFIELD_CLASSICAL)
        cfg->patterns = cfg->dim / 10 ? cfg->dim / 10 : 1;
    if (rc == 0 && (cfg->dim * cfg->patterns > ((size_t)1 << 28) ||
                    cfg->dim * cfg->queries > ((size_t)1 << 28)))
        rc = cli_usage("sizes too large for a short benchmark (dim x patterns and "
                       "dim x queries at most 2^28)");
    return rc;
}

/* Store the patterns and time the recall; writes the figures to stdout. */
static int time_recall(const bench_config *cfg, amem_hopfield *h, const float *patterns,
                       const float *targets, const float *cues, float *out)
{
    double t0 = now_seconds();
    int status = amem_hopfield_store(h, patterns, cfg->patterns);
    double store_s = now_seconds() - t0;
    if (status != AMEM_OK)
        return cli_lib_fail("store", status);
    double best = 0;
    for (size_t r = 0; r <= cfg->repeats; r++) { /* r = 0 warms up */
        t0 = now_seconds();
        status = amem_hopfield_recall(h, cues, cfg->queries, NULL, out, NULL, NULL);
        double took = now_seconds() - t0;
        if (status != AMEM_OK)
            return cli_lib_fail("recall", status);
        if (r == 1 || (r > 1 && took < best))
            best = took;
    }
    double error = 0;
    amem_metric_hamming(out, targets, cfg->queries, cfg->dim, NULL, &error);
    printf("store_ms %.3f\n", 1e3 * store_s);
    printf("recall_batch_ms %.3f\n", 1e3 * best);
    printf("recall_queries_per_s %.0f\n", (double)cfg->queries / best);
    printf("recall_hamming_error %.6f\n", error);
    return 0;
}

/* targets[i] = patterns[i mod N], one row per query. */
static void cycle_rows(const bench_config *cfg, const float *patterns, float *targets)
{
    for (size_t i = 0; i < cfg->queries; i++)
        memcpy(targets + i * cfg->dim, patterns + (i % cfg->patterns) * cfg->dim,
               cfg->dim * sizeof(float));
}

static int run_bench(const bench_config *cfg)
{
    size_t batch = cfg->queries * cfg->dim;
    float *patterns = malloc(cfg->patterns * cfg->dim * sizeof(float));
    float *targets = malloc(batch * sizeof(float));
    float *cues = malloc(batch * sizeof(float));
    float *out = malloc(batch * sizeof(float));
    amem_hopfield *h = NULL;
    int rc = patterns && targets && cues && out ? 0 : cli_fail("out of memory");
    int status = AMEM_OK;
    if (rc == 0)
        status = amem_patterns_random(patterns, cfg->patterns, cfg->dim, 1);
    if (rc == 0 && status == AMEM_OK)
        cycle_rows(cfg, patterns, targets);
    if (rc == 0 && status == AMEM_OK &&
        (status = amem_corrupt_flip(targets, cues, cfg->queries, cfg->dim, cfg->flip,
                                    2, NULL)) == AMEM_OK &&
        (status = amem_hopfield_create(cfg->kind, cfg->dim, 0, &h)) == AMEM_OK &&
        cfg->beta_given)
        status = amem_hopfield_set(h, AMEM_HOPFIELD_BETA, cfg->beta);
    if (rc == 0 && status != AMEM_OK)
        rc = cli_lib_fail("setting up", status);
    if (rc == 0) {
        printf("kind %s\ndim %zu\npatterns %zu\nqueries %zu\nthreads %d\n",
               model_hopfield_kind_name(cfg->kind), cfg->dim, cfg->patterns,
               cfg->queries, amem_get_num_threads());
        rc = time_recall(cfg, h, patterns, targets, cues, out);
    }
    amem_hopfield_free(h);
    free(patterns);
    free(targets);
    free(cues);
    free(out);
    return rc;
}

int cmd_bench(int argc, char **argv)
{
    bench_config cfg = {AMEM_HOPFIELD_MODERN, 256, 4096, 1024, 3, 0, 1.0, 0.1, 0};
    int rc = parse_bench(argc, argv, &cfg);
    if (rc != 0)
        return rc < 0 ? AMEM_EXIT_OK : rc;
    if (cfg.threads > 0 && amem_set_num_threads((int)cfg.threads) != AMEM_OK)
        return cli_lib_fail("--threads", AMEM_E_RANGE);
    return run_bench(&cfg);
}
