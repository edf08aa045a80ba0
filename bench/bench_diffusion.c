/*
 * Diffusion associative memory throughput, beside PyTorch.
 *
 *   exact   exact-score probability-flow ODE recall (Euler, STEPS steps):
 *           queries/s for d = 64, N = 10,000 stored patterns
 *   train   one training iteration of the learned noise predictor (full
 *           batch of N patterns, forward + backward + Adam), milliseconds,
 *           for d = 10 (N = 30) and d = 16 (N = 50); ours fused, ours
 *           through the generic autodiff engine, PyTorch
 *   sample  learned-score ODE recall of 1,000 queries over 300 steps
 *   floor   the dense products alone of one training / sampling step
 *           (cblas_sgemm on the same shapes, best of many): the time no
 *           implementation on top of this BLAS can beat
 *
 * Each figure is the best of REPEATS runs; the PyTorch figures come from
 * bench/peer_diffusion.py (1 and 2 threads, the faster is compared) run in
 * the same process tree. Ratios are peer time / our time (> 1: faster).
 *
 * usage: build/bench/bench_diffusion [--no-peer] [--quick] [--only exact|d10|d16]
 *                                    [--train-only] (no sampling figures)
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assocmem/diffusion.h"
#include "core/blas.h"
#include "diffusion/diffusion_impl.h" /* engine-path comparison only */

enum { REPEATS = 3, STEPS = 300 };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void check(int rc, const char *what)
{
    if (rc != AMEM_OK) {
        fprintf(stderr, "bench_diffusion: %s: %s\n", what, amem_last_error());
        exit(1);
    }
}

/* Data: +-1 patterns and Gaussian queries from a small LCG (data only). */
static unsigned long long lcg(unsigned long long *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 11;
}

static float *signs(size_t n, unsigned long long *s)
{
    float *x = malloc(n * sizeof(float));
    for (size_t i = 0; i < n; i++)
        x[i] = (lcg(s) & 1) ? 1.0f : -1.0f;
    return x;
}

static float *normals(size_t n, unsigned long long *s)
{
    float *x = malloc(n * sizeof(float));
    for (size_t i = 0; i < n; i++) {
        double u1 = (lcg(s) + 1.0) / 9007199254740993.0;
        double u2 = lcg(s) / 9007199254740992.0;
        x[i] = (float)(sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2));
    }
    return x;
}

static amem_diffusion *make(size_t d, size_t n, int steps)
{
    unsigned long long s = 7;
    float *y = signs(n * d, &s);
    amem_diffusion *h = NULL;
    check(amem_diffusion_create(d, &h), "create");
    check(amem_diffusion_store(h, y, n), "store");
    check(amem_diffusion_set(h, AMEM_DIFFUSION_STEPS, steps), "set");
    free(y);
    return h;
}

static double best_recall(amem_diffusion *h, size_t d, size_t b)
{
    unsigned long long s = 9;
    float *q = normals(b * d, &s), *out = malloc(b * d * sizeof(float));
    double best = INFINITY;
    for (int r = 0; r <= REPEATS; r++) {
        double t0 = now();
        check(amem_diffusion_recall(h, q, b, NULL, out, NULL), "recall");
        double t = now() - t0;
        if (r > 0 && t < best)
            best = t;
    }
    free(q);
    free(out);
    return best;
}

/* Seconds per training iteration through the public call. */
static double best_train(amem_diffusion *h, long iters)
{
    check(amem_diffusion_train(h, 5, NULL, NULL, NULL), "train warm-up");
    double best = INFINITY;
    for (int r = 0; r < REPEATS; r++) {
        double t0 = now();
        check(amem_diffusion_train(h, iters, NULL, NULL, NULL), "train");
        double t = (now() - t0) / (double)iters;
        best = t < best ? t : best;
    }
    return best;
}

/* Seconds per iteration through the autodiff engine (loss, grad, Adam). */
static double best_engine(const amem_diffusion *h, size_t n, long iters)
{
    amem__dmlp *m = h->net;
    unsigned long long s = 3;
    float *x = normals(n * m->dim, &s), *tg = normals(n * m->dim, &s);
    float *th = malloc(n * sizeof(float));
    float *g = malloc(m->n_params * sizeof(float));
    for (size_t i = 0; i < n; i++)
        th[i] = 0.8f;
    double best = INFINITY;
    for (int r = 0; r < REPEATS; r++) {
        double t0 = now();
        for (long i = 0; i < iters; i++) {
            int st;
            amem__dmlp_loss_grad_engine(m, x, th, tg, n, g, &st);
            check(st, "engine");
            check(amem__adam_step(m->adam, m->params, g), "adam");
        }
        double t = (now() - t0) / (double)iters;
        best = t < best ? t : best;
    }
    free(x);
    free(tg);
    free(th);
    free(g);
    return best;
}

/* Best PyTorch time for a peer mode, or NAN. */
static double peer(const char *args, char *which, size_t which_len)
{
    char cmd[512], line[256], name[32];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 bench/peer_diffusion.py %s 2>/dev/null", args);
    FILE *p = popen(cmd, "r");
    double best = NAN, t;
    if (p == NULL)
        return best;
    while (fgets(line, sizeof line, p) != NULL)
        if (sscanf(line, "%31s %lf", name, &t) == 2 && !(t >= best)) {
            best = t;
            snprintf(which, which_len, "%s", name);
        }
    pclose(p);
    return best;
}

static void report(const char *tag, const char *unit, double ours,
                   double scale, const char *args, int peers)
{
    printf("%s ours: %.4g %s\n", tag, ours * scale, unit);
    if (!peers)
        return;
    char which[32] = "";
    double t = peer(args, which, sizeof which);
    if (isnan(t)) {
        printf("%s torch: not available\n", tag);
        return;
    }
    printf("%s %s: %.4g %s, ours/peer speed %.2fx\n", tag, which, t * scale,
           unit, t / ours);
    fflush(stdout);
}

static void bench_exact(int quick, int peers)
{
    size_t d = 64, n = quick ? 1000 : 10000, b = quick ? 50 : 200;
    int steps = quick ? 20 : STEPS;
    amem_diffusion *h = make(d, n, steps);
    double t = best_recall(h, d, b);
    char tag[96], args[96];
    snprintf(tag, sizeof tag, "exact_ode d=%zu N=%zu B=%zu steps=%d", d, n, b,
             steps);
    snprintf(args, sizeof args, "exact %zu %zu %zu %d %d", d, n, b, steps,
             REPEATS);
    printf("%s ours: %.0f queries/s\n", tag, (double)b / t);
    report(tag, "s", t, 1.0, args, peers);
    amem_diffusion_free(h);
}

/* Seconds for C (M x N) = A (M x K) op B, best of `reps` after a warm-up;
 * op: 'N' (B is K x N), 'T' (A^T: A is K x M), 'B' (B^T: B is N x K). */
static double time_sgemm(char op, int M, int N, int K, int reps)
{
    float *a = calloc((size_t)M * K, sizeof(float));
    float *b = calloc((size_t)K * N, sizeof(float));
    float *c = calloc((size_t)M * N, sizeof(float));
    double best = INFINITY;
    for (int r = 0; r <= reps; r++) {
        double t0 = now();
        cblas_sgemm(CblasRowMajor, op == 'T' ? CblasTrans : CblasNoTrans,
                    op == 'B' ? CblasTrans : CblasNoTrans, M, N, K, 1.0f, a,
                    op == 'T' ? M : K, b, op == 'B' ? K : N, 0.0f, c, N);
        double t = now() - t0;
        if (r > 0 && t < best)
            best = t;
    }
    free(a);
    free(b);
    free(c);
    return best;
}

/* The sgemm floor of one training step (forward, weight and input
 * gradients of every layer) and one B-row sampling step (forward). */
static void bench_floor(size_t d, size_t n, size_t b, int quick)
{
    const int H = (int)(80 * d), D = (int)d, reps = quick ? 3 : 30;
    const int in[3] = {D + 1, H + 1, H + 1}, out[3] = {H, H, D};
    double train = 0.0, sample = 0.0, flops_t = 0.0, flops_s = 0.0;
    for (int l = 0; l < 3; l++) {
        double mac = (double)in[l] * out[l];
        train += time_sgemm('N', (int)n, out[l], in[l], reps) +
                 time_sgemm('T', in[l], out[l], (int)n, reps);
        if (l > 0)
            train += time_sgemm('B', (int)n, in[l] - 1, out[l], reps);
        flops_t += 2.0 * mac * (double)n * (l > 0 ? 3.0 : 2.0);
        sample += time_sgemm('N', (int)b, out[l], in[l], reps / 3 + 1);
        flops_s += 2.0 * mac * (double)b;
    }
    printf("floor d=%zu train_step sgemm: %.4g ms (%.1f MFLOP, %.0f GFLOP/s)\n",
           d, train * 1e3, flops_t * 1e-6, flops_t / train * 1e-9);
    printf("floor d=%zu sample_step B=%zu sgemm: %.4g ms (%.2f GFLOP, %.0f "
           "GFLOP/s; x %d steps = %.3g s)\n",
           d, b, sample * 1e3, flops_s * 1e-9, flops_s / sample * 1e-9,
           quick ? 20 : STEPS, sample * (quick ? 20 : STEPS));
}

static int train_only;

static void bench_learned(size_t d, size_t n, int quick, int peers)
{
    amem_diffusion *h = make(d, n, quick ? 20 : STEPS);
    long iters = quick ? 20 : 200;
    char tag[96], args[96];
    double t = best_train(h, iters);
    snprintf(tag, sizeof tag, "train_step d=%zu N=%zu hidden=%zu", d, n,
             80 * d);
    snprintf(args, sizeof args, "train %zu %zu %ld %d", d, n, iters, REPEATS);
    report(tag, "ms", t, 1e3, args, peers);
    double te = best_engine(h, n, iters / 4);
    printf("%s ours-engine: %.4g ms (fused is %.2fx faster)\n", tag,
           te * 1e3, te / t);
    check(amem_diffusion_set(h, AMEM_DIFFUSION_SCORE, 1), "set");
    size_t b = quick ? 100 : 1000;
    if (train_only) {
        bench_floor(d, n, b, quick);
        amem_diffusion_free(h);
        return;
    }
    t = best_recall(h, d, b);
    snprintf(tag, sizeof tag, "sample_ode d=%zu B=%zu steps=%d", d, b,
             quick ? 20 : STEPS);
    snprintf(args, sizeof args, "sample %zu %zu %zu %d %d", d, n, b,
             quick ? 20 : STEPS, REPEATS);
    printf("%s ours: %.0f queries/s\n", tag, (double)b / t);
    report(tag, "s", t, 1.0, args, peers);
    bench_floor(d, n, b, quick);
    amem_diffusion_free(h);
}

int main(int argc, char **argv)
{
    int peers = 1, quick = 0;
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--no-peer") == 0)
            peers = 0;
        else if (strcmp(argv[i], "--quick") == 0)
            quick = 1;
        else if (strcmp(argv[i], "--train-only") == 0)
            train_only = 1;
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            only = argv[++i];
    }
    printf("# libassocmem %s, %d BLAS threads\n", amem_version_string(),
           amem_get_num_threads());
    if (only == NULL || strcmp(only, "exact") == 0)
        bench_exact(quick, peers);
    if (only == NULL || strcmp(only, "d10") == 0)
        bench_learned(10, 30, quick, peers);
    if (only == NULL || strcmp(only, "d16") == 0)
        bench_learned(16, 50, quick, peers);
    return 0;
}
