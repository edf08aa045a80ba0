/*
 * VAE throughput (images per second), beside PyTorch.
 *
 * For the DIGITS28 preset (batch 128, 1024 images) and the COLOR64 preset
 * (batch 32, 256 images) it times one training epoch (after a warm-up
 * epoch), encoding and decoding all images, at 1 and 2 threads, keeps the
 * best of REPEATS, runs bench/peer_vae.py with /usr/bin/python3 for the same
 * models in PyTorch, and prints one figure per line with the ratio
 * ours / torch of images per second (> 1: we are faster).
 *
 * usage: build/bench/bench_vae [--no-peer] [--quick] [--repeats N]
 * (--quick is --repeats 1; the default is 5). The thread count of our best
 * figure is printed beside it. On a shared machine run it more than once
 * and keep the best of each side: the two sides run one after the other.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assocmem/vae.h"

typedef struct model {
    const char *name;
    int preset;
    size_t n;
} model;

static const model models[] = {{"digits28", AMEM_VAE_PRESET_DIGITS28, 1024},
                               {"color64", AMEM_VAE_PRESET_COLOR64, 256}};
static const char *ops[] = {"train", "encode", "decode"};

/* ours[model][op], peer[model][op]: best images/s over thread counts. */
static double ours[2][3], peer[2][3];
static int ours_threads[2][3], peer_threads[2][3];

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void check(int rc, const char *what)
{
    if (rc != AMEM_OK) {
        fprintf(stderr, "bench_vae: %s: %s\n", what, amem_last_error());
        exit(1);
    }
}

/* op 0 trains one epoch on the attached n images (x). */
static void run_op(amem_vae *v, int op, const float *x, const float *z,
                   float *buf, size_t n)
{
    size_t steps = 0;
    if (op == 0) {
        check(amem_vae_steps_per_epoch(v, &steps), "steps per epoch");
        check(amem_vae_train(v, steps, NULL, NULL, NULL), "train");
    }
    else if (op == 1)
        check(amem_vae_encode(v, x, n, buf, NULL), "encode");
    else
        check(amem_vae_decode(v, z, n, buf), "decode");
}

static void bench_model(int m, int repeats)
{
    amem_vae *v = NULL;
    check(amem_vae_create_preset(models[m].preset, 0, &v), "preset");
    size_t dim, k, n = models[m].n;
    check(amem_vae_input_dim(v, &dim), "dim");
    check(amem_vae_latent_dim(v, &k), "latent");
    float *x = malloc(n * dim * sizeof(float)), *buf = malloc(n * dim * sizeof(float));
    float *z = malloc(n * k * sizeof(float));
    unsigned long long s = 7;
    for (size_t i = 0; i < n * dim; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        x[i] = (float)((s >> 40) / 16777216.0);
    }
    for (size_t i = 0; i < n * k; i++)
        z[i] = x[i] * 2.0f - 1.0f;
    check(amem_vae_set_data(v, x, n), "set_data");
    for (int threads = 1; threads <= 2; threads++) {
        amem_set_num_threads(threads);
        for (int op = 0; op < 3; op++) {
            run_op(v, op, x, z, buf, n); /* warm-up */
            double best = 1e30;
            for (int r = 0; r < repeats; r++) {
                double t0 = now();
                run_op(v, op, x, z, buf, n);
                double t = now() - t0;
                best = t < best ? t : best;
            }
            double rate = (double)n / best;
            if (rate > ours[m][op]) {
                ours[m][op] = rate;
                ours_threads[m][op] = threads;
            }
        }
    }
    free(x);
    free(buf);
    free(z);
    amem_vae_free(v);
}

static void run_peer(int repeats)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 bench/peer_vae.py %d 2>/dev/null",
             repeats);
    FILE *p = popen(cmd, "r");
    if (p == NULL)
        return;
    char key[64];
    int threads;
    double rate;
    while (fscanf(p, "%63s %d %lf", key, &threads, &rate) == 3)
        for (int m = 0; m < 2; m++)
            for (int op = 0; op < 3; op++) {
                char want[64];
                snprintf(want, sizeof want, "%s.%s", models[m].name, ops[op]);
                if (strcmp(key, want) == 0 && rate > peer[m][op]) {
                    peer[m][op] = rate;
                    peer_threads[m][op] = threads;
                }
            }
    pclose(p);
}

int main(int argc, char **argv)
{
    int use_peer = 1, repeats = 5;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--no-peer") == 0)
            use_peer = 0;
        else if (strcmp(argv[i], "--quick") == 0)
            repeats = 1;
        else if (strcmp(argv[i], "--repeats") == 0 && i + 1 < argc)
            repeats = atoi(argv[++i]) > 0 ? atoi(argv[i]) : 1;
    }
    for (int m = 0; m < 2; m++)
        bench_model(m, repeats);
    if (use_peer)
        run_peer(repeats);
    printf("%-18s %14s %14s %10s  %s\n", "figure", "ours img/s", "torch img/s",
           "ours/torch", "threads (ours, torch)");
    for (int m = 0; m < 2; m++)
        for (int op = 0; op < 3; op++) {
            char key[64];
            snprintf(key, sizeof key, "%s.%s", models[m].name, ops[op]);
            if (peer[m][op] > 0)
                printf("%-18s %14.1f %14.1f %10.2f  %d, %d\n", key, ours[m][op],
                       peer[m][op], ours[m][op] / peer[m][op],
                       ours_threads[m][op], peer_threads[m][op]);
            else
                printf("%-18s %14.1f %14s %10s  %d\n", key, ours[m][op], "-", "-",
                       ours_threads[m][op]);
        }
    return 0;
}
