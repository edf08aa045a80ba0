/*
 * Dense associative memory: one BPTT training step and recall throughput,
 * beside the same computation in PyTorch autograd (bench/peer_dam.py, run
 * with /usr/bin/python3 at 1 and 2 threads; the best is the peer figure).
 *
 * Cases (784 visible, 100 hidden, beta 5, dt 0.05, half the entries
 * clamped): batches of 32, 100 and 256 with exactly T = 100 unrolled steps
 * (tolerance 0, so both sides do the same work), and batch 100 run to
 * convergence (tolerance 1e-6, step cap 1000) from random weights, whose
 * peer runs as many steps as our slowest item took (the reference code
 * stops when the whole batch has converged). For each: best wall time of
 * one training step (forward, BPTT, Adam) and of a recall of the batch, the
 * peak bytes of the training workspace (the arena holding the unrolled
 * states) and the process's peak resident set. Ours runs at 1 and 2
 * threads too; each side's best is compared. Besides wall time, each side
 * reports the CPU time of its process (all threads) for the same work: on
 * a shared machine wall time also counts the time other jobs held the
 * cores, CPU time does not (a spinning BLAS thread still counts).
 *
 * usage: build/bench/bench_dam [--no-peer] [--quick] [--case K]
 *                              [--peer-threads LIST]
 * (--case K: only case K, 0-3, in the order above; --quick: case 0;
 * --peer-threads: PyTorch thread counts to try, default 1,2)
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "assocmem/dam.h"
#include "dam/dam_impl.h" /* arena peak of the training workspace */

enum { N = 784, M = 100, REPEATS = 3 };

typedef struct bench_case {
    size_t b;
    int steps; /* fixed unroll; 0 = to convergence (tol 1e-6, cap 1000) */
} bench_case;

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double now(void) { return clock_s(CLOCK_MONOTONIC); }
static double cpu_now(void) { return clock_s(CLOCK_PROCESS_CPUTIME_ID); }

static void check(int rc, const char *what)
{
    if (rc != AMEM_OK) {
        fprintf(stderr, "bench_dam: %s: %s\n", what, amem_last_error());
        exit(1);
    }
}

/* b unit-norm items with entries uniform in [0, 1). */
static float *items(size_t b)
{
    unsigned long long s = 7;
    float *x = malloc(b * N * sizeof(float));
    for (size_t i = 0; i < b; i++) {
        double nrm = 0.0;
        for (size_t j = 0; j < N; j++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            x[i * N + j] = (float)((s >> 11) / 9007199254740992.0);
            nrm += (double)x[i * N + j] * x[i * N + j];
        }
        for (size_t j = 0; j < N; j++)
            x[i * N + j] = (float)(x[i * N + j] / sqrt(nrm));
    }
    return x;
}

typedef struct ours {
    double train, recall, train_cpu, recall_cpu;
    size_t arena_peak;
    int max_time;
} ours;

static void time_ours(const bench_case *c, ours *o)
{
    amem_dam *h;
    float *x = items(c->b), *cue = malloc(c->b * N * 4),
          *clamp = malloc(c->b * N * 4), *out = malloc(c->b * N * 4);
    int *steps = malloc(c->b * sizeof(int));
    check(amem_dam_create(N, M, &h), "create");
    check(amem_dam_set(h, AMEM_DAM_BATCH_SIZE, (double)c->b), "batch");
    if (c->steps > 0) {
        check(amem_dam_set(h, AMEM_DAM_TOLERANCE, 0), "tol");
        check(amem_dam_set(h, AMEM_DAM_MAX_STEPS, c->steps), "steps");
    }
    check(amem_dam_set_data(h, x, NULL, c->b), "data");
    check(amem_dam_perturb(h, x, c->b, cue, clamp), "perturb");
    o->train = o->recall = o->train_cpu = o->recall_cpu = INFINITY;
    for (int r = 0; r <= REPEATS; r++) { /* first round warms up */
        double t0 = now(), c0 = cpu_now();
        check(amem_dam_train(h, 1, NULL, NULL, NULL), "train"); /* 1 epoch */
        double t1 = now(), c1 = cpu_now();
        check(amem_dam_recall(h, cue, c->b, clamp, out, steps, NULL), "recall");
        double t2 = now(), c2 = cpu_now();
        if (r > 0) {
            o->train = fmin(o->train, t1 - t0);
            o->recall = fmin(o->recall, t2 - t1);
            o->train_cpu = fmin(o->train_cpu, c1 - c0);
            o->recall_cpu = fmin(o->recall_cpu, c2 - c1);
        }
    }
    o->arena_peak = amem__arena_peak(h->arena);
    o->max_time = 0;
    for (size_t i = 0; i < c->b; i++)
        o->max_time = steps[i] > o->max_time ? steps[i] : o->max_time;
    amem_dam_free(h);
    free(x);
    free(cue);
    free(clamp);
    free(out);
    free(steps);
}

/* Best peer times over torch1/torch2, wall (t[0] train, t[1] recall) and
 * CPU (t[2], t[3]); INFINITY when unavailable. */
static const char *peer_threads = "1,2";

static void time_peer(size_t b, int steps, double t[4])
{
    char cmd[256], line[256];
    t[0] = t[1] = t[2] = t[3] = INFINITY;
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 bench/peer_dam.py %d %d %zu %d %d %s", N, M, b,
             steps, REPEATS, peer_threads);
    FILE *p = popen(cmd, "r");
    if (p == NULL)
        return;
    while (fgets(line, sizeof line, p)) {
        char name[64];
        double v;
        if (sscanf(line, "%63s %lf", name, &v) != 2 || v <= 0)
            continue;
        printf("  peer %-18s %.4f s\n", name, v);
        int cpu = strstr(name, "-cpu") != NULL;
        if (strstr(name, "-train"))
            t[cpu ? 2 : 0] = fmin(t[cpu ? 2 : 0], v);
        if (strstr(name, "-recall"))
            t[cpu ? 3 : 1] = fmin(t[cpu ? 3 : 1], v);
    }
    pclose(p);
}

static void run_case(const bench_case *c, int peer)
{
    ours o, o1;
    check(amem_set_num_threads(1), "threads");
    time_ours(c, &o1);
    check(amem_set_num_threads(2), "threads");
    time_ours(c, &o);
    double t1 = o1.train, r1 = o1.recall, t2 = o.train, r2 = o.recall;
    o.train = fmin(o.train, o1.train);
    o.recall = fmin(o.recall, o1.recall);
    o.train_cpu = fmin(o.train_cpu, o1.train_cpu);
    o.recall_cpu = fmin(o.recall_cpu, o1.recall_cpu);
    int t = c->steps > 0 ? c->steps : o.max_time;
    printf("batch %zu, %s%d steps (best of 1 and 2 threads):\n", c->b,
           c->steps > 0 ? "" : "to convergence, slowest item ", t);
    printf("  ours 1 thread  train %.4f s, recall %.4f s\n", t1, r1);
    printf("  ours 2 threads train %.4f s, recall %.4f s\n", t2, r2);
    printf("  ours train step        %.4f s  (%.1f items/s)\n", o.train,
           (double)c->b / o.train);
    printf("  ours recall            %.4f s  (%.1f items/s)\n", o.recall,
           (double)c->b / o.recall);
    printf("  ours CPU time          train %.4f s, recall %.4f s\n",
           o.train_cpu, o.recall_cpu);
    printf("  ours train workspace   %.1f MiB peak\n",
           (double)o.arena_peak / (1024.0 * 1024.0));
    if (!peer)
        return;
    double pt[4];
    time_peer(c->b, t > 1000 ? 1000 : t, pt);
    if (isfinite(pt[0]))
        printf("  speed-up train  %.2fx   recall %.2fx (torch best / ours)\n",
               pt[0] / o.train, pt[1] / o.recall);
    if (isfinite(pt[2]))
        printf("  CPU-time ratio  train %.2fx   recall %.2fx (torch best / ours)\n",
               pt[2] / o.train_cpu, pt[3] / o.recall_cpu);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    static const bench_case cases[] = {{32, 100}, {100, 100}, {256, 100},
                                       {100, 0}};
    int peer = 1, first = 0, n = (int)(sizeof cases / sizeof cases[0]);
    for (int i = 1; i < argc; i++) {
        peer &= strcmp(argv[i], "--no-peer") != 0;
        if (strcmp(argv[i], "--quick") == 0)
            n = 1;
        if (strcmp(argv[i], "--peer-threads") == 0 && i + 1 < argc &&
            strspn(argv[i + 1], "0123456789,") == strlen(argv[i + 1]))
            peer_threads = argv[++i];
        if (strcmp(argv[i], "--case") == 0 && i + 1 < argc) {
            first = atoi(argv[++i]);
            if (first < 0 || first > 3) {
                fprintf(stderr, "bench_dam: --case takes 0 to 3\n");
                return 2;
            }
            n = first + 1;
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0); /* each figure out as soon as known */
    printf("bench_dam: N = %d, M = %d\n", N, M);
    for (int i = first; i < n; i++)
        run_case(&cases[i], peer);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak resident set %.1f MiB\n", ru.ru_maxrss / 1024.0);
    return 0;
}
