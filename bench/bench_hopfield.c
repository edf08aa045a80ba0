/*
 * Modern Hopfield recall throughput, beside NumPy and PyTorch.
 *
 * Dot-product cases (d, N stored patterns, B queries, 3 iterations of
 * x <- Y^T softmax(b Y x), b = 1/sqrt(d)): amem_hopfield_recall (best of
 * the repeats after one warm-up run; every query must run all 3 steps,
 * which is checked) beside bench/peer_hopfield.py run with /usr/bin/python3
 * for the same computation in NumPy and PyTorch, each at 1 and 2 threads.
 * Then the similarities of Millidge et al. (2022):
 *   masked Euclidean: half of each cue's entries known (the rest hidden),
 *     softmax over -|m o (x - xi)|^2, one step (a masked recall is one
 *     step: the known entries are clamped, so later steps repeat it); the
 *     peers do the same with three matrix products (2 (m o x) Y^T,
 *     m (Y o Y)^T and the weights times Y), the squared patterns computed
 *     beforehand as ours are at store time;
 *   Manhattan: softmax over -|x - xi|_1, one step; the peers use
 *     torch.cdist(p = 1) and, for NumPy, |Y - x| summed row by row.
 * One figure per line, with the ratio ours / peer as a speed-up (peer time
 * over our time; > 1 means faster than the peer). The peers run with
 * OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from their environment
 * (their best setting). The masked Euclidean case also prints its cost
 * relative to our dot-product recall of the same d, N, B.
 *
 * With --rounds R the whole set (ours, then the peers, case by case) is
 * run R times and each figure is its best over the rounds.
 *
 * --only TEXT keeps the cases whose label contains TEXT (e.g. "N=10000").
 *
 * Small recalls (one query, and a few) are timed call by call, median of
 * many calls, once on the machine as it is and once with one busy
 * background process (bench/load.h): the loaded-machine figure.
 *
 * Compressed keys (AMEM_HOPFIELD_DTYPE): one store of N = 10^6 patterns,
 * d = 256 (N = 10^5 with --quick), standard normal entries, kept as
 * float32, bfloat16 and int8; queries are stored patterns plus standard
 * normal noise; b = 1/sqrt(d), one softmax step. For each encoding: the
 * single-query recall time (median of the calls; every call reads every
 * row), its speed-up over float32, the share of queries whose top-1
 * pattern (amem_hopfield_recall_topk, k = 1) is float32's, and the
 * largest L1 distance between its softmax weights and float32's over the
 * queries checked (amem_hopfield_weights). --only dtype runs these alone.
 *
 * usage: build/bench/bench_hopfield [--no-peer] [--quick] [--repeats N]
 *                                   [--rounds R] [--only TEXT]
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assocmem/hopfield.h"
#include "load.h"

enum { ITERS = 3, MAX_PEERS = 8 };
static int repeats = 5;

enum { MODE_DOT, MODE_EUCLID_MASKED, MODE_MANHATTAN };
static const char *const mode_names[] = {"dot", "euclid_masked",
                                         "manhattan"};

typedef struct bench_case {
    size_t d, n, b;
    int mode;
} bench_case;

/* Steps a query runs: masked recall is one step, Manhattan is timed for
 * one step. */
static int case_iters(const bench_case *c)
{
    return c->mode == MODE_DOT ? ITERS : 1;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Standard normals from a small LCG + Box-Muller (data only). */
static void fill_normal(float *x, size_t n, unsigned long long *state)
{
    for (size_t i = 0; i < n; i++) {
        *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
        double u1 = ((*state >> 11) + 1.0) / 9007199254740993.0;
        *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
        double u2 = (*state >> 11) / 9007199254740992.0;
        x[i] = (float)(sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2));
    }
}

static int check(int rc, const char *what)
{
    if (rc != AMEM_OK) {
        fprintf(stderr, "bench_hopfield: %s: %s\n", what, amem_last_error());
        exit(1);
    }
    return rc;
}

/* Half of each row known (1), the rest hidden (0), from the LCG. */
static float *half_mask(size_t b, size_t d, unsigned long long *state)
{
    float *m = malloc(b * d * sizeof(float));
    if (m == NULL)
        exit(1);
    for (size_t i = 0; i < b * d; i++) {
        *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
        m[i] = (*state >> 63) ? 1.0f : 0.0f;
    }
    for (size_t q = 0; q < b; q++)
        m[q * d] = 1.0f; /* every row knows an entry */
    return m;
}

static amem_hopfield *bench_handle(const bench_case *c, const float *y)
{
    static const int sims[] = {AMEM_HOPFIELD_SIM_DOT,
                               AMEM_HOPFIELD_SIM_EUCLIDEAN,
                               AMEM_HOPFIELD_SIM_MANHATTAN};
    amem_hopfield *h = NULL;
    check(amem_hopfield_create(AMEM_HOPFIELD_MODERN, c->d, 0, &h), "create");
    check(amem_hopfield_store(h, y, c->n), "store");
    check(amem_hopfield_set(h, AMEM_HOPFIELD_SCALE_SQRT_D, 1), "set");
    check(amem_hopfield_set(h, AMEM_HOPFIELD_MAX_STEPS, case_iters(c)),
          "set");
    check(amem_hopfield_set(h, AMEM_HOPFIELD_TOLERANCE, 0), "set");
    check(amem_hopfield_set(h, AMEM_HOPFIELD_SIMILARITY, sims[c->mode]),
          "set");
    return h;
}

/* Best wall time of the batched recall in seconds. */
static double time_ours(const bench_case *c)
{
    unsigned long long state = 42;
    float *y = malloc(c->n * c->d * sizeof(float));
    float *x = malloc(c->b * c->d * sizeof(float));
    float *out = malloc(c->b * c->d * sizeof(float));
    int *steps = malloc(c->b * sizeof(int));
    if (!y || !x || !out || !steps)
        exit(1);
    fill_normal(y, c->n * c->d, &state);
    fill_normal(x, c->b * c->d, &state);
    float *mask = c->mode == MODE_EUCLID_MASKED ? half_mask(c->b, c->d, &state)
                                                : NULL;
    amem_hopfield *h = bench_handle(c, y);
    double best = INFINITY;
    for (int r = 0; r <= repeats; r++) { /* first run warms up */
        double t0 = now();
        check(amem_hopfield_recall(h, x, c->b, mask, out, steps, NULL),
              "recall");
        double t = now() - t0;
        if (r > 0 && t < best)
            best = t;
    }
    for (size_t q = 0; q < c->b; q++)
        if (steps[q] != case_iters(c)) {
            fprintf(stderr, "bench_hopfield: query %zu stopped after %d "
                            "steps; the figures would not be comparable\n",
                    q, steps[q]);
            exit(1);
        }
    free(steps);
    amem_hopfield_free(h);
    free(mask);
    free(y);
    free(x);
    free(out);
    return best;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median seconds of `calls` recalls of a small case (one step each). */
static double time_small(const bench_case *c, int calls)
{
    unsigned long long state = 43;
    float *y = malloc(c->n * c->d * sizeof(float));
    float *x = malloc(c->b * c->d * sizeof(float));
    float *out = malloc(c->b * c->d * sizeof(float));
    double *t = malloc((size_t)calls * sizeof(double));
    if (!y || !x || !out || !t)
        exit(1);
    fill_normal(y, c->n * c->d, &state);
    fill_normal(x, c->b * c->d, &state);
    amem_hopfield *h = NULL;
    check(amem_hopfield_create(AMEM_HOPFIELD_MODERN, c->d, 0, &h), "create");
    check(amem_hopfield_store(h, y, c->n), "store");
    check(amem_hopfield_set(h, AMEM_HOPFIELD_SCALE_SQRT_D, 1), "set");
    check(amem_hopfield_set(h, AMEM_HOPFIELD_MAX_STEPS, 1), "set");
    for (int r = -3; r < calls; r++) { /* three warm-up calls */
        double t0 = now();
        check(amem_hopfield_recall(h, x, c->b, NULL, out, NULL, NULL),
              "recall");
        if (r >= 0)
            t[r] = now() - t0;
    }
    qsort(t, (size_t)calls, sizeof(double), cmp_double);
    double median = t[calls / 2];
    amem_hopfield_free(h);
    free(y), free(x), free(out), free(t);
    return median;
}

/* Small recalls, quiet and with a busy background process. */
static void small_cases(int quick)
{
    static const bench_case small[] = {{64, 1000, 1, MODE_DOT},
                                       {784, 1000, 4, MODE_DOT},
                                       {784, 1000, 16, MODE_DOT}};
    int calls = quick ? 50 : 400;
    double quiet[3];
    for (int i = 0; i < 3; i++)
        quiet[i] = time_small(&small[i], calls);
    pid_t spinner = load_start();
    for (int i = 0; i < 3; i++) {
        double loaded = time_small(&small[i], calls);
        printf("hopfield_small_recall d=%zu N=%zu B=%zu one step ours: "
               "%.1f us, with one busy process added %.1f us, "
               "ratio %.2f\n",
               small[i].d, small[i].n, small[i].b, quiet[i] * 1e6,
               loaded * 1e6, loaded / quiet[i]);
    }
    load_stop(spinner);
    fflush(stdout);
}

/* Run the peer script; fills names/times, returns how many peers ran.
 * Lines starting with '#' (what the peers run on) are echoed. */
static int time_peers(const bench_case *c, int echo, char names[][16],
                      double *times)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 "
             "bench/peer_hopfield.py %zu %zu %zu %d %d %s 2>/dev/null",
             c->d, c->n, c->b, case_iters(c),
             c->mode == MODE_MANHATTAN && repeats > 2 ? 2 : repeats,
             mode_names[c->mode]);
    FILE *p = popen(cmd, "r");
    if (p == NULL)
        return 0;
    int k = 0;
    char line[256];
    while (fgets(line, sizeof line, p) != NULL) {
        if (line[0] == '#') {
            if (echo)
                fputs(line, stdout);
        }
        else if (k < MAX_PEERS &&
                 sscanf(line, "%15s %lf", names[k], &times[k]) == 2)
            k++;
    }
    pclose(p);
    return k;
}

/* Best times of one case over the rounds so far. */
typedef struct case_result {
    double ours;
    int peers;
    char names[MAX_PEERS][16];
    double times[MAX_PEERS];
} case_result;

static void measure_case(const bench_case *c, int peers, int first,
                         case_result *res)
{
    double t = time_ours(c);
    res->ours = t < res->ours ? t : res->ours;
    if (!peers)
        return;
    char names[MAX_PEERS][16];
    double times[MAX_PEERS];
    int k = time_peers(c, first, names, times);
    for (int i = 0; i < k; i++) {
        int j = 0;
        while (j < res->peers && strcmp(res->names[j], names[i]) != 0)
            j++;
        if (j == res->peers && res->peers < MAX_PEERS) {
            memcpy(res->names[j], names[i], sizeof names[i]);
            res->times[j] = INFINITY;
            res->peers++;
        }
        if (j < res->peers && times[i] < res->times[j])
            res->times[j] = times[i];
    }
}

/* Multiply-adds x 2 of the case's matrix products (Manhattan: the
 * |x - y| terms, counted as 3 operations each, and the weights x Y). */
static double case_flop(const bench_case *c)
{
    double bnd = (double)c->b * (double)c->n * (double)c->d;
    double per_step = c->mode == MODE_DOT             ? 4.0 * bnd
                      : c->mode == MODE_EUCLID_MASKED ? 6.0 * bnd
                                                      : 5.0 * bnd;
    return per_step * case_iters(c);
}

static void case_tag(const bench_case *c, char *tag, size_t size)
{
    snprintf(tag, size, "%s%sd=%zu N=%zu B=%zu iters=%d",
             c->mode == MODE_DOT ? "" : mode_names[c->mode],
             c->mode == MODE_DOT ? "" : " ", c->d, c->n, c->b,
             case_iters(c));
}

static void print_case(const bench_case *c, int peers, const case_result *r)
{
    double flop = case_flop(c);
    double t = r->ours;
    char tag[96];
    case_tag(c, tag, sizeof tag);
    printf("hopfield_recall %s ours: %.4f s, %.0f queries/s, %.1f GFLOP/s\n",
           tag, t, (double)c->b / t, flop / t * 1e-9);
    if (!peers)
        return;
    if (r->peers == 0) {
        printf("hopfield_recall %s peers: not available\n", tag);
        return;
    }
    double fastest = INFINITY;
    for (int i = 0; i < r->peers; i++) {
        double p = r->times[i];
        int bound = strncmp(r->names[i], "matmul", 6) == 0;
        printf("hopfield_recall %s %s%s: %.4f s, %.0f queries/s, "
               "%.1f GFLOP/s, ours/peer speed %.2fx\n",
               tag, bound ? "numpy two products alone, no softmax, " : "",
               r->names[i], p, (double)c->b / p, flop / p * 1e-9, p / t);
        if (!bound)
            fastest = p < fastest ? p : fastest;
    }
    printf("hopfield_recall %s ours vs fastest peer: %.2fx\n", tag,
           fastest / t);
}

/* Masked Euclidean recall against our dot-product recall of the same
 * d, N, B (3 steps), per call and per step. */
static void print_relative(const bench_case *list, size_t count,
                           const case_result *res)
{
    for (size_t i = 0; i < count; i++) {
        if (list[i].mode != MODE_EUCLID_MASKED)
            continue;
        for (size_t j = 0; j < count; j++) {
            const bench_case *c = &list[j];
            if (c->mode != MODE_DOT || c->d != list[i].d ||
                c->n != list[i].n || c->b != list[i].b)
                continue;
            double call = res[i].ours / res[j].ours;
            printf("hopfield_recall euclid_masked d=%zu N=%zu B=%zu cost "
                   "relative to dot recall (iters=%d): %.2fx per call, "
                   "%.2fx per step\n",
                   c->d, c->n, c->b, ITERS, call, call * ITERS);
        }
    }
}

/* ---- compressed keys ------------------------------------------------ */
enum { DTYPES = 3 };
static const char *const dtype_names[DTYPES] = {"float32", "bfloat16",
                                                "int8"};

static amem_hopfield *dtype_store(const float *y, size_t n, size_t d,
                                  int dtype)
{
    amem_hopfield *h = NULL;
    check(amem_hopfield_create(AMEM_HOPFIELD_MODERN, d, 0, &h), "create");
    check(amem_hopfield_set(h, AMEM_HOPFIELD_DTYPE, dtype), "set dtype");
    check(amem_hopfield_set(h, AMEM_HOPFIELD_SCALE_SQRT_D, 1), "set");
    check(amem_hopfield_set(h, AMEM_HOPFIELD_MAX_STEPS, 1), "set");
    check(amem_hopfield_store(h, y, n), "store");
    return h;
}

/* Median seconds of one single-query recall of each store, the stores
 * taking turns call by call (a busy spell hits all of them alike). */
static void time_single(amem_hopfield *const *h, const float *q, size_t d,
                        int calls, double *median)
{
    double t[DTYPES][64];
    float *out = malloc(d * sizeof(float));
    for (int k = 0; k < DTYPES; k++) /* warm-up */
        check(amem_hopfield_recall(h[k], q, 1, NULL, out, NULL, NULL),
              "recall");
    for (int i = 0; i < calls; i++)
        for (int k = 0; k < DTYPES; k++) {
            double t0 = now();
            check(amem_hopfield_recall(h[k], q + (size_t)i * d, 1, NULL, out,
                                       NULL, NULL),
                  "recall");
            t[k][i] = now() - t0;
        }
    free(out);
    for (int k = 0; k < DTYPES; k++) {
        qsort(t[k], (size_t)calls, sizeof t[k][0], cmp_double);
        median[k] = t[k][calls / 2];
    }
}

/* Largest L1 distance of h's softmax weights from ref's over nq queries. */
static double weights_l1(amem_hopfield *h, amem_hopfield *ref,
                         const float *q, size_t nq, size_t n, size_t d)
{
    float *a = malloc(n * sizeof(float)), *b = malloc(n * sizeof(float));
    double worst = 0;
    for (size_t i = 0; i < nq; i++) {
        check(amem_hopfield_weights(h, q + i * d, 1, a), "weights");
        check(amem_hopfield_weights(ref, q + i * d, 1, b), "weights");
        double l1 = 0;
        for (size_t j = 0; j < n; j++)
            l1 += fabs((double)a[j] - b[j]);
        worst = l1 > worst ? l1 : worst;
    }
    free(a), free(b);
    return worst;
}

static void dtype_cases(int quick)
{
    size_t n = quick ? 100000 : 1000000, d = 256;
    size_t nq = quick ? 200 : 1000, nl1 = quick ? 5 : 20;
    int calls = quick ? 9 : 21;
    unsigned long long state = 7;
    float *y = malloc(n * d * sizeof(float));
    float *q = malloc(nq * d * sizeof(float));
    uint64_t *top[DTYPES];
    if (y == NULL || q == NULL)
        exit(1);
    fill_normal(y, n * d, &state);
    fill_normal(q, nq * d, &state);
    for (size_t i = 0; i < nq; i++) /* pattern (7919 i mod n) + noise */
        for (size_t k = 0; k < d; k++)
            q[i * d + k] += y[(i * 7919 % n) * d + k];
    amem_hopfield *h[DTYPES];
    double t[DTYPES];
    for (int k = 0; k < DTYPES; k++) {
        h[k] = dtype_store(y, n, d, k);
        top[k] = malloc(nq * sizeof(uint64_t));
        check(amem_hopfield_recall_topk(h[k], q, nq, 1, top[k], NULL),
              "topk");
    }
    free(y);
    time_single(h, q, d, calls, t);
    for (int k = 0; k < DTYPES; k++) {
        size_t same = 0, truth = 0;
        for (size_t i = 0; i < nq; i++) {
            same += top[k][i] == top[0][i];
            truth += top[k][i] == i * 7919 % n;
        }
        double l1 = k ? weights_l1(h[k], h[0], q, nl1, n, d) : 0.0;
        printf("recall dtype=%s N=%zu d=%zu B=1 threads=%d: %.2f ms "
               "(median of %d), %.2fx float32 speed, top-1 = float32's "
               "%zu/%zu (the cued pattern %zu/%zu), max L1(weights) %.2e over "
               "%zu queries\n",
               dtype_names[k], n, d, amem_get_num_threads(), 1e3 * t[k],
               calls, t[0] / t[k], same, nq, truth, nq, l1, nl1);
    }
    for (int k = 0; k < DTYPES; k++) {
        amem_hopfield_free(h[k]);
        free(top[k]);
    }
    free(q);
}

int main(int argc, char **argv)
{
    int peers = 1, quick = 0, rounds = 1;
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--no-peer") == 0)
            peers = 0;
        else if (strcmp(argv[i], "--quick") == 0)
            quick = 1;
        else if (strcmp(argv[i], "--repeats") == 0 && i + 1 < argc) {
            int r = atoi(argv[++i]);
            repeats = r > 0 ? r : repeats;
        } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            only = argv[++i];
        } else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
            int r = atoi(argv[++i]);
            rounds = r > 0 ? r : rounds;
        }
    }
    const bench_case cases[] = {{784, 1000, 1000, MODE_DOT},
                                {784, 10000, 1000, MODE_DOT},
                                {64, 100000, 256, MODE_DOT},
                                {784, 10000, 1000, MODE_EUCLID_MASKED},
                                {784, 10000, 40, MODE_MANHATTAN}};
    const bench_case small[] = {{784, 1000, 100, MODE_DOT},
                                {784, 1000, 100, MODE_EUCLID_MASKED},
                                {784, 1000, 20, MODE_MANHATTAN}};
    size_t count = quick ? sizeof small / sizeof small[0]
                         : sizeof cases / sizeof cases[0];
    if (only != NULL && strcmp(only, "dtype") == 0) {
        dtype_cases(quick);
        return 0;
    }
    const char *core = getenv("OPENBLAS_CORETYPE");
    const char *l2 = getenv("OPENBLAS_L2_SIZE");
    printf("# libassocmem %s, %d threads, OPENBLAS_CORETYPE %s, "
           "OPENBLAS_L2_SIZE %s\n",
           amem_version_string(), amem_get_num_threads(),
           core ? core : "unset", l2 ? l2 : "unset");
    bench_case list[sizeof cases / sizeof cases[0]];
    size_t kept = 0;
    for (size_t i = 0; i < count; i++) {
        char tag[96];
        const bench_case *c = quick ? &small[i] : &cases[i];
        case_tag(c, tag, sizeof tag);
        if (only == NULL || strstr(tag, only) != NULL)
            list[kept++] = *c;
    }
    count = kept;
    case_result res[sizeof cases / sizeof cases[0]];
    for (size_t i = 0; i < count; i++)
        res[i] = (case_result){.ours = INFINITY};
    /* Rounds interleave ours and the peers, so that a busy spell on a
     * shared machine does not land on one side only; each figure is its
     * best over all rounds. */
    for (int r = 0; r < rounds; r++)
        for (size_t i = 0; i < count; i++)
            measure_case(&list[i], peers, r == 0, &res[i]);
    for (size_t i = 0; i < count; i++)
        print_case(&list[i], peers, &res[i]);
    print_relative(list, count, res);
    small_cases(quick);
    if (only == NULL)
        dtype_cases(quick);
    return 0;
}
