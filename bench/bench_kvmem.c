/*
 * Key-value memory speed, beside NumPy and PyTorch in the same run.
 *
 * For d = m = 512 and N = 1,000 and 100,000 slots (sequential local factor,
 * rapid decay: the paper's simplified rule) it times
 *   - one write (Eq. 6-11) into a full memory, averaged over many writes;
 *   - one single-query read (Eq. 4-5) of a stored key with 60% of its
 *     entries zeroed (the paper's cue);
 *   - a batched read of 256 such cues (queries per second);
 * and for d = N = m = 40 one meta-learning step (a whole episode with
 * T ~ U{20..80} writes and T reads, backward, Adam) of the general rule
 * with passive value decay.
 * bench/peer_kvmem.py computes the same in NumPy (writes as the equations
 * are written, over the whole matrices, and a row-only variant that also
 * skips the untouched slots) and the episode in PyTorch autograd with 1
 * and 2 threads. Lines: "<case> <who>: <figure>", then speed ratios
 * (peer time / our time; > 1 means we are faster). For N = 1,000 the
 * write and the single-query read are timed once more with one busy
 * background process (bench/load.h): the loaded-machine figure.
 *
 * usage: build/bench/bench_kvmem [--no-peer] [--quick]
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assocmem/kvmem.h"
#include "load.h"

enum { D = 512, BATCH = 256, META_N = 40, META_STEPS = 300 };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void check(int rc, const char *what)
{
    if (rc != AMEM_OK) {
        fprintf(stderr, "bench_kvmem: %s: %s\n", what, amem_last_error());
        exit(1);
    }
}

static void fill_signs(float *x, size_t n, unsigned long long *s)
{
    for (size_t i = 0; i < n; i++) {
        *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
        x[i] = (*s >> 63) ? 1.0f : -1.0f;
    }
}

typedef struct figures {
    double write_s, read_s, batch_qps;
} figures;

/* Cues: copies of stored keys with 60% of the entries zeroed. */
static void make_cues(const float *keys, size_t n, float *cues,
                      unsigned long long *s)
{
    for (size_t k = 0; k < n * D; k++) {
        *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
        cues[k] = (double)(*s >> 11) / 9007199254740992.0 < 0.6 ? 0.0f
                                                                 : keys[k];
    }
}

/*
 * Fill all N slots first (with a^{f_v} = 0, b^{f_v} = 1 the value write
 * needs no h' normaliser, so filling costs O(d + m) per item), then time
 * `writes` writes of the default rule per round and reads of cues of
 * items the timed writes did not overwrite (best of 3 rounds).
 */
static figures time_ours(size_t N, size_t writes)
{
    unsigned long long s = 7;
    size_t total = N + 3 * writes;
    float *x = malloc(total * D * sizeof(float));
    float *cues = malloc(BATCH * D * sizeof(float));
    float *out = malloc(BATCH * D * sizeof(float));
    if (!x || !cues || !out)
        exit(1);
    fill_signs(x, total * D, &s);
    make_cues(x + 3 * writes * D, BATCH, cues, &s);
    amem_kvmem *h = NULL;
    check(amem_kvmem_create(D, N, D, &h), "create");
    check(amem_kvmem_set(h, AMEM_KVMEM_VALUE_PRE_SLOPE, 0), "set");
    check(amem_kvmem_set(h, AMEM_KVMEM_VALUE_PRE_OFFSET, 1), "set");
    check(amem_kvmem_write_many(h, x, NULL, NULL, N), "fill");
    check(amem_kvmem_set(h, AMEM_KVMEM_VALUE_PRE_SLOPE, 1), "set");
    check(amem_kvmem_set(h, AMEM_KVMEM_VALUE_PRE_OFFSET, 0), "set");
    figures f = {INFINITY, INFINITY, 0};
    for (int r = 0; r < 3; r++) {
        const float *w = x + (N + (size_t)r * writes) * D;
        double t0 = now();
        for (size_t t = 0; t < writes; t++)
            check(amem_kvmem_write(h, w + t * D, NULL, 1.0), "write");
        double wt = (now() - t0) / (double)writes;
        f.write_s = wt < f.write_s ? wt : f.write_s;
        t0 = now();
        for (size_t t = 0; t < 20; t++)
            check(amem_kvmem_read(h, cues + t * D, 1, out, NULL), "read");
        double rd = (now() - t0) / 20;
        f.read_s = rd < f.read_s ? rd : f.read_s;
        t0 = now();
        check(amem_kvmem_read(h, cues, BATCH, out, NULL), "read");
        double q = BATCH / (now() - t0);
        f.batch_qps = q > f.batch_qps ? q : f.batch_qps;
    }
    amem_kvmem_free(h);
    free(x);
    free(cues);
    free(out);
    return f;
}

static double time_meta(size_t steps)
{
    amem_kvmem *h = NULL;
    check(amem_kvmem_create(META_N, META_N, META_N, &h), "create");
    check(amem_kvmem_set(h, AMEM_KVMEM_VALUE_DECAY, AMEM_KVMEM_DECAY_PASSIVE),
          "set");
    check(amem_kvmem_train(h, 10, NULL, NULL, NULL), "warm-up");
    double t0 = now();
    check(amem_kvmem_train(h, steps, NULL, NULL, NULL), "meta_train");
    double t = (now() - t0) / (double)steps;
    amem_kvmem_free(h);
    return t;
}

/* Run the peer script; lines "<name> <seconds or rate>". */
static int peers(const char *args, char names[][24], double *vals, int max)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 bench/peer_kvmem.py %s 2>/dev/null", args);
    FILE *p = popen(cmd, "r");
    if (p == NULL)
        return 0;
    int k = 0;
    char line[256];
    while (k < max && fgets(line, sizeof line, p) != NULL)
        if (sscanf(line, "%23s %lf", names[k], &vals[k]) == 2)
            k++;
    pclose(p);
    return k;
}

static void memory_case(size_t N, size_t writes, int with_peers)
{
    figures f = time_ours(N, writes);
    printf("kvmem d=m=%d N=%zu write ours: %.2f us/item\n", D, N,
           f.write_s * 1e6);
    printf("kvmem d=m=%d N=%zu read1 ours: %.2f us/query\n", D, N,
           f.read_s * 1e6);
    printf("kvmem d=m=%d N=%zu read%d ours: %.0f queries/s\n", D, N, BATCH,
           f.batch_qps);
    fflush(stdout);
    if (!with_peers)
        return;
    char args[64], names[8][24];
    double v[8];
    snprintf(args, sizeof args, "memory %d %zu %zu %d", D, N, writes, BATCH);
    int k = peers(args, names, v, 8);
    for (int i = 0; i < k; i++) {
        const char *n = names[i];
        if (strncmp(n, "write", 5) == 0)
            printf("kvmem d=m=%d N=%zu %s: %.2f us/item, ours %.1fx faster\n",
                   D, N, n, v[i] * 1e6, v[i] / f.write_s);
        else if (strncmp(n, "read1", 5) == 0)
            printf("kvmem d=m=%d N=%zu %s: %.2f us/query, ours %.2fx faster\n",
                   D, N, n, v[i] * 1e6, v[i] / f.read_s);
        else
            printf("kvmem d=m=%d N=%zu %s: %.0f queries/s, ours %.2fx "
                   "faster\n",
                   D, N, n, v[i], f.batch_qps / v[i]);
    }
    fflush(stdout);
}

/* The N = 1,000 write and read again, with one busy background process. */
static void loaded_case(size_t N, size_t writes)
{
    pid_t spinner = load_start();
    figures f = time_ours(N, writes);
    load_stop(spinner);
    printf("kvmem d=m=%d N=%zu write ours, one busy process added: "
           "%.2f us/item\n",
           D, N, f.write_s * 1e6);
    printf("kvmem d=m=%d N=%zu read1 ours, one busy process added: "
           "%.2f us/query\n",
           D, N, f.read_s * 1e6);
    fflush(stdout);
}

static void meta_case(size_t steps, int with_peers)
{
    double t = time_meta(steps);
    printf("kvmem meta-step d=N=m=%d ours: %.3f ms/step\n", META_N, t * 1e3);
    fflush(stdout);
    if (!with_peers)
        return;
    char args[64], names[4][24];
    double v[4];
    snprintf(args, sizeof args, "meta %d %zu", META_N, steps / 3 + 1);
    int k = peers(args, names, v, 4);
    for (int i = 0; i < k; i++)
        printf("kvmem meta-step d=N=m=%d %s: %.3f ms/step, ours %.1fx "
               "faster\n",
               META_N, names[i], v[i] * 1e3, v[i] / t);
}

int main(int argc, char **argv)
{
    int with_peers = 1, quick = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--no-peer") == 0)
            with_peers = 0;
        else if (strcmp(argv[i], "--quick") == 0)
            quick = 1;
    }
    printf("# libassocmem %s, %d BLAS threads\n", amem_version_string(),
           amem_get_num_threads());
    memory_case(1000, 200, with_peers);
    loaded_case(1000, 200);
    if (!quick)
        memory_case(100000, 40, with_peers);
    meta_case(quick ? 30 : META_STEPS, with_peers);
    return 0;
}
