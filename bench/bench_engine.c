/*
 * Autodiff engine throughput beside PyTorch.
 *
 * (a) The eight convolutions of the VAE of Spens & Burgess (2022) at batch
 *     32: encoder k4 s2 'valid' 3→32→64→128→256 on 64×64 RGB, decoder k3 s1
 *     'same' 256→128→64→32→3 on the upsampled 8, 16, 32, 64 maps. Each layer
 *     runs on its own input (conv2d with bias), so the figures are the
 *     convolutions alone; the first layer, like the data it sees in
 *     training, needs no input gradient.
 * (b) One step of the diffusion score MLP of Ambrogioni (2024): input
 *     d = 10 plus a concatenated time feature, 3 ReLU layers of 80·d units,
 *     a linear output of d, MSE loss; batch 100.
 *
 * For each it times forward and forward+backward (best of REPEATS after a
 * warm-up) at 1 and 2 BLAS threads, reports ms per step, GFLOP/s and the
 * arena peak, runs bench/peer_engine.py with /usr/bin/python3 for the same
 * computation in PyTorch (1 and 2 threads, best kept) and prints one figure
 * per line with the ratio ours/PyTorch of times (< 1: we are faster).
 *
 * usage: build/bench/bench_engine [--no-peer] [--quick] [--repeats N]
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assocmem/common.h"
#include "engine/engine.h"
#include "engine/ops.h"
#include "engine/ops_image.h"

enum { REPEATS = 15, QUICK_REPEATS = 3, MAX_FIG = 64, BATCH = 32 };

/* ---- figures ---------------------------------------------------------------- */

typedef struct figure {
    char key[40];
    double flop;        /* per step */
    double ours[3];     /* best ms at 1 and 2 threads (index = threads) */
    double peer;        /* best PyTorch ms, or 0 */
    int peer_threads;
    size_t peak;        /* arena peak bytes, or 0 */
} figure;

static figure figs[MAX_FIG];
static int n_figs;

static figure *fig(const char *key)
{
    for (int i = 0; i < n_figs; i++)
        if (strcmp(figs[i].key, key) == 0)
            return &figs[i];
    if (n_figs == MAX_FIG) {
        fprintf(stderr, "bench_engine: too many figures\n");
        exit(1);
    }
    figure *f = &figs[n_figs++];
    memset(f, 0, sizeof *f);
    snprintf(f->key, sizeof f->key, "%s", key);
    return f;
}

static void record(const char *key, int threads, double ms, double flop,
                   size_t peak)
{
    figure *f = fig(key);
    f->ours[threads] = ms;
    f->flop = flop;
    if (peak > f->peak)
        f->peak = peak;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return 1e3 * (double)ts.tv_sec + 1e-6 * (double)ts.tv_nsec;
}

static float *uniform(size_t n, unsigned long long seed, float scale)
{
    float *x = malloc(n * sizeof *x);
    if (x == NULL) {
        fprintf(stderr, "bench_engine: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < n; i++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        x[i] = scale * (float)((double)(seed >> 11) / 9007199254740992.0 * 2.0 - 1.0);
    }
    return x;
}

static void fail(amem__graph *g, const char *what)
{
    fprintf(stderr, "bench_engine: %s: %s\n", what, g->error);
    exit(1);
}

/* ---- (a) the VAE convolutions ------------------------------------------------ */

typedef struct conv_layer {
    const char *name;
    int c, h, w, f, k, s, p;
} conv_layer;

static const conv_layer vae64[] = {
    {"enc1", 3, 64, 64, 32, 4, 2, 0},   {"enc2", 32, 31, 31, 64, 4, 2, 0},
    {"enc3", 64, 14, 14, 128, 4, 2, 0}, {"enc4", 128, 6, 6, 256, 4, 2, 0},
    {"dec1", 256, 8, 8, 128, 3, 1, 1},  {"dec2", 128, 16, 16, 64, 3, 1, 1},
    {"dec3", 64, 32, 32, 32, 3, 1, 1},  {"dec4", 32, 64, 64, 3, 3, 1, 1},
};
enum { N_LAYERS = sizeof vae64 / sizeof vae64[0] };

typedef struct layer_buf {
    int xs[4], ws[4], bs[1], oh, ow;
    float *x, *dx, *w, *dw, *b, *db, *dy;
    amem__graph *g;
} layer_buf;

static double conv_flop(const conv_layer *L, const layer_buf *B)
{
    return 2.0 * BATCH * L->f * B->oh * B->ow * (double)L->c * L->k * L->k;
}

static void layer_init(const conv_layer *L, layer_buf *B, int id)
{
    int xs[4] = {BATCH, L->c, L->h, L->w}, ws[4] = {L->f, L->c, L->k, L->k};
    memcpy(B->xs, xs, sizeof xs);
    memcpy(B->ws, ws, sizeof ws);
    B->bs[0] = L->f;
    B->oh = amem__conv2d_out_extent(L->h, L->k, L->s, L->p);
    B->ow = amem__conv2d_out_extent(L->w, L->k, L->s, L->p);
    size_t nx = (size_t)BATCH * L->c * L->h * L->w;
    size_t nw = (size_t)L->f * L->c * L->k * L->k;
    size_t ny = (size_t)BATCH * L->f * B->oh * B->ow;
    float fan = 1.0f / sqrtf((float)(L->c * L->k * L->k));
    B->x = uniform(nx, 100 + (unsigned)id, 1.0f);
    B->w = uniform(nw, 200 + (unsigned)id, fan);
    B->b = uniform((size_t)L->f, 300 + (unsigned)id, 0.1f);
    B->dy = uniform(ny, 400 + (unsigned)id, 1.0f);
    B->dx = id > 0 ? calloc(nx, sizeof(float)) : NULL;
    B->dw = calloc(nw, sizeof(float));
    B->db = calloc((size_t)L->f, sizeof(float));
    B->g = amem__graph_create((size_t)1 << 20);
    if ((id > 0 && B->dx == NULL) || B->dw == NULL || B->db == NULL ||
        B->g == NULL) {
        fprintf(stderr, "bench_engine: out of memory\n");
        exit(1);
    }
}

static void layer_free(layer_buf *B)
{
    free(B->x), free(B->dx), free(B->w), free(B->dw), free(B->b), free(B->db);
    free(B->dy);
    amem__graph_free(B->g);
}

/* One forward (and backward) of one layer; returns ms. */
static double layer_step(const conv_layer *L, layer_buf *B, int backward)
{
    amem__graph *g = B->g;
    if (backward) { /* zeroing the gradients is not timed */
        if (B->dx)
            memset(B->dx, 0, (size_t)BATCH * L->c * L->h * L->w * sizeof(float));
        memset(B->dw, 0, (size_t)L->f * L->c * L->k * L->k * sizeof(float));
        memset(B->db, 0, (size_t)L->f * sizeof(float));
    }
    double t0 = now_ms();
    amem__graph_reset(g);
    amem__node *x = B->dx ? amem__param(g, B->x, B->dx, 4, B->xs)
                          : amem__constant_view(g, B->x, 4, B->xs);
    amem__node *w = amem__param(g, B->w, B->dw, 4, B->ws);
    amem__node *b = amem__param(g, B->b, B->db, 1, B->bs);
    amem__node *y = amem__conv2d(g, x, w, b, L->s, L->p);
    if (y == NULL)
        fail(g, L->name);
    if (backward && amem__backward(g, y, B->dy) != AMEM_OK)
        fail(g, L->name);
    return now_ms() - t0;
}

static void bench_vae(int threads, int repeats)
{
    layer_buf bufs[N_LAYERS];
    for (int l = 0; l < N_LAYERS; l++)
        layer_init(&vae64[l], &bufs[l], l);
    for (int backward = 0; backward <= 1; backward++) {
        double best_layer[N_LAYERS], best_stack = INFINITY, flop_stack = 0.0;
        for (int l = 0; l < N_LAYERS; l++)
            best_layer[l] = INFINITY;
        for (int r = 0; r <= repeats; r++) { /* r = 0 warms up */
            double stack = 0.0;
            for (int l = 0; l < N_LAYERS; l++) {
                double t = layer_step(&vae64[l], &bufs[l], backward);
                stack += t;
                if (r > 0 && t < best_layer[l])
                    best_layer[l] = t;
            }
            if (r > 0 && stack < best_stack)
                best_stack = stack;
        }
        size_t peak = 0;
        char key[40];
        for (int l = 0; l < N_LAYERS; l++) {
            /* backward: dW and dX are one forward's work each (no dX first) */
            double fl = conv_flop(&vae64[l], &bufs[l]);
            fl *= backward ? (l > 0 ? 3.0 : 2.0) : 1.0;
            flop_stack += fl;
            size_t pk = amem__arena_peak(bufs[l].g->arena);
            peak = pk > peak ? pk : peak;
            snprintf(key, sizeof key, "vae64.%s.%s", vae64[l].name,
                     backward ? "fwdbwd" : "fwd");
            record(key, threads, best_layer[l], fl, pk);
        }
        record(backward ? "vae64.fwdbwd" : "vae64.fwd", threads, best_stack,
               flop_stack, peak);
    }
    for (int l = 0; l < N_LAYERS; l++)
        layer_free(&bufs[l]);
}

/* ---- (b) the diffusion score MLP ------------------------------------------- */

enum { MLP_D = 10, MLP_H = 80 * MLP_D, MLP_B = 100, MLP_IN = MLP_D + 1 };

typedef struct mlp {
    int in[4], out[4]; /* fan-in and fan-out of the four layers */
    float *w[4], *dw[4], *b[4], *db[4];
    float *x, *t, *target;
    amem__graph *g;
} mlp;

static void mlp_init(mlp *m)
{
    int in[4] = {MLP_IN, MLP_H, MLP_H, MLP_H}, out[4] = {MLP_H, MLP_H, MLP_H, MLP_D};
    memcpy(m->in, in, sizeof in);
    memcpy(m->out, out, sizeof out);
    for (int l = 0; l < 4; l++) {
        size_t nw = (size_t)in[l] * out[l];
        m->w[l] = uniform(nw, 500 + (unsigned)l, 1.0f / sqrtf((float)in[l]));
        m->dw[l] = calloc(nw, sizeof(float));
        m->b[l] = uniform((size_t)out[l], 600 + (unsigned)l, 0.1f);
        m->db[l] = calloc((size_t)out[l], sizeof(float));
        if (m->dw[l] == NULL || m->db[l] == NULL)
            exit(1);
    }
    m->x = uniform((size_t)MLP_B * MLP_D, 700, 1.0f);
    m->t = uniform(MLP_B, 701, 1.0f);
    m->target = uniform((size_t)MLP_B * MLP_D, 702, 1.0f);
    m->g = amem__graph_create((size_t)1 << 20);
    if (m->g == NULL)
        exit(1);
}

static void mlp_free(mlp *m)
{
    for (int l = 0; l < 4; l++)
        free(m->w[l]), free(m->dw[l]), free(m->b[l]), free(m->db[l]);
    free(m->x), free(m->t), free(m->target);
    amem__graph_free(m->g);
}

static double mlp_flop(const mlp *m, int backward)
{
    double f = 0.0;
    for (int l = 0; l < 4; l++)
        f += 2.0 * MLP_B * m->in[l] * m->out[l] * (backward ? (l > 0 ? 3 : 2) : 1);
    return f;
}

/* loss = mse(W4·relu(W3·relu(W2·relu(W1·[x, t] + b1) + b2) + b3) + b4, y) */
static double mlp_step(mlp *m, int backward)
{
    amem__graph *g = m->g;
    for (int l = 0; l < 4 && backward; l++) {
        memset(m->dw[l], 0, (size_t)m->in[l] * m->out[l] * sizeof(float));
        memset(m->db[l], 0, (size_t)m->out[l] * sizeof(float));
    }
    double t0 = now_ms();
    amem__graph_reset(g);
    int xs[2] = {MLP_B, MLP_D}, ts[2] = {MLP_B, 1};
    amem__node *h = amem__concat(g, amem__constant_view(g, m->x, 2, xs),
                                 amem__constant_view(g, m->t, 2, ts), 1);
    for (int l = 0; l < 4; l++) {
        int ws[2] = {m->in[l], m->out[l]}, bs[1] = {m->out[l]};
        amem__node *w = amem__param(g, m->w[l], m->dw[l], 2, ws);
        amem__node *b = amem__param(g, m->b[l], m->db[l], 1, bs);
        h = amem__add(g, amem__matmul(g, h, w, 0, 0), b);
        if (l < 3)
            h = amem__relu(g, h);
    }
    amem__node *loss = amem__mse(g, h, amem__constant_view(g, m->target, 2, xs),
                                 AMEM__REDUCE_MEAN);
    if (loss == NULL)
        fail(g, "mlp");
    if (backward && amem__backward(g, loss, NULL) != AMEM_OK)
        fail(g, "mlp");
    return now_ms() - t0;
}

static void bench_mlp(int threads, int repeats)
{
    mlp m;
    mlp_init(&m);
    for (int backward = 0; backward <= 1; backward++) {
        double best = INFINITY;
        for (int r = 0; r <= repeats * 10; r++) { /* a short step: more runs */
            double t = mlp_step(&m, backward);
            if (r > 0 && t < best)
                best = t;
        }
        record(backward ? "mlp.fwdbwd" : "mlp.fwd", threads, best,
               mlp_flop(&m, backward), amem__arena_peak(m.g->arena));
    }
    mlp_free(&m);
}

/* ---- the PyTorch peer ---------------------------------------------------- */

/* Reads "<key> <threads> <ms>" lines; keeps the best per key. */
static int run_peer(int repeats)
{
    if (system("/usr/bin/python3 -c 'import torch' >/dev/null 2>&1") != 0)
        return 0;
    char cmd[256];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 bench/peer_engine.py %d 2>/dev/null", repeats);
    FILE *p = popen(cmd, "r");
    if (p == NULL)
        return 0;
    char line[256], key[40];
    int threads, got = 0;
    double ms;
    while (fgets(line, sizeof line, p) != NULL) {
        if (sscanf(line, "%39s %d %lf", key, &threads, &ms) != 3)
            continue;
        figure *f = fig(key);
        if (f->peer == 0.0 || ms < f->peer) {
            f->peer = ms;
            f->peer_threads = threads;
        }
        got++;
    }
    pclose(p);
    return got;
}

static void print_figure(const figure *f)
{
    int th = f->ours[2] > 0.0 && f->ours[2] < f->ours[1] ? 2 : 1;
    double ms = f->ours[th];
    printf("%-20s ours %8.2f ms (1t %7.2f, 2t %7.2f) %6.1f GFLOP/s", f->key, ms,
           f->ours[1], f->ours[2], f->flop / ms * 1e-6);
    if (f->peak > 0)
        printf(", arena %6.1f MB", (double)f->peak / 1e6);
    if (f->peer > 0.0)
        printf(" | torch %8.2f ms (%dt) | ours/torch %.2f", f->peer,
               f->peer_threads, ms / f->peer);
    printf("\n");
}

int main(int argc, char **argv)
{
    int peer = 1, repeats = REPEATS;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--no-peer") == 0)
            peer = 0;
        else if (strcmp(argv[i], "--quick") == 0)
            repeats = QUICK_REPEATS;
        else if (strcmp(argv[i], "--repeats") == 0 && i + 1 < argc &&
                 atoi(argv[i + 1]) > 0)
            repeats = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: %s [--no-peer] [--quick] [--repeats N]\n",
                    argv[0]);
            return 2;
        }
    }
    for (int threads = 1; threads <= 2; threads++) {
        if (amem_set_num_threads(threads) != AMEM_OK)
            return 1;
        bench_vae(threads, repeats);
        bench_mlp(threads, repeats);
    }
    int peers = peer ? run_peer(repeats) : 0;
    printf("# libassocmem %s; best of %d; ms per step; GFLOP/s at our best "
           "thread count;%s\n",
           amem_version_string(), repeats,
           peers ? " PyTorch best of 1 and 2 threads" : " no PyTorch peer");
    for (int i = 0; i < n_figs; i++)
        if (figs[i].ours[1] > 0.0)
            print_figure(&figs[i]);
    return 0;
}
