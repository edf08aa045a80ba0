/*
 * Large-store recall: the exact modern Hopfield step against the pruned
 * (IVF) one, beside Faiss, NumPy and PyTorch in the same run.
 *
 * One softmax step out = softmax(b s(x, Y)) Y (MAX_STEPS = 1) for Q
 * queries at once over N stored patterns:
 *   exact    amem_hopfield_recall
 *   pruned   amem_hopfield_recall_pruned after amem_hopfield_build_index
 *            (nlist lists, k-means of KMEANS_STEPS = 10 iterations on
 *            KMEANS_SAMPLE = 256 patterns per list), at each NPROBE
 * Each pruned figure gives its speed over the exact one, the fraction of
 * queries whose top-1 memory (largest score among those scored) is the
 * exact top-1 (from a full scan, NPROBE = nlist), the patterns scored and
 * the mean bound on the softmax weight left out.
 *
 * Data:
 *   gauss    a Gaussian mixture, d = 128: K centres mu_k ~ N(0, I_d);
 *            pattern i takes centre k uniform in 0..K-1 and is
 *            mu_k + 0.5 N(0, I_d); query j is a uniformly drawn stored
 *            pattern plus 0.3 N(0, I_d). Normals from a 64-bit LCG
 *            (Knuth's MMIX constants) through Box-Muller, seed 1.
 *            N = 10^6, K = 1000, nlist = 1000 (--quick: N = 5 10^4,
 *            K = 100, nlist = 100); Q = 200 queries; similarity
 *            Euclidean (b = 1) and dot (b = 1 / sqrt(d)).
 *   fashion  Fashion-MNIST pixel vectors (d = 784, v / 255, no learned
 *            embedding): the 60000 training images stored, the first
 *            Q test images as queries, nlist = 256, Euclidean, b = 1
 *            (--quick: 10000 stored, 100 queries, nlist = 64). Read from
 *            $AMEM_DATA_DIR/fashion-mnist or data/fashion-mnist; skipped
 *            (and said so) when absent.
 *
 * Peers (bench/peer_store.py, /usr/bin/python3, the same data through a
 * temporary file): Faiss IndexFlatIP/L2 and IndexIVFFlat (same nlist,
 * each NPROBE) with the softmax over their top 64 in NumPy; NumPy and
 * PyTorch exact at their best of 1 and 2 threads. Each peer line gives
 * its time, its top-1 agreement with our exact top-1, its version and
 * settings, and ours/peer speed (peer time over ours; > 1: we are faster).
 * Times are the best of R repeats (default 1, --quick 3) after a warm-up
 * run; --queries sets Q.
 *
 * usage: build/bench/bench_store [--quick] [--no-peer] [--only TEXT]
 *                                [--repeats R] [--queries Q]
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "assocmem/data.h"
#include "assocmem/hopfield.h"

enum { MAX_PROBES = 8, MAX_PEERS = 16 };
static const size_t probes[MAX_PROBES] = {1, 2, 4, 8, 16, 32, 64, 0};
static int repeats = -1, quick = 0, peers = 1;

typedef struct bench_case {
    const char *name;
    int similarity; /* AMEM_HOPFIELD_SIM_EUCLIDEAN or _DOT */
    double beta;
    float *keys, *queries;
    size_t n, d, q, nlist;
} bench_case;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double normal(unsigned long long *state)
{
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    double u1 = ((*state >> 11) + 1.0) / 9007199254740993.0;
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    double u2 = (*state >> 11) / 9007199254740992.0;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

static unsigned long long below(unsigned long long *state, size_t n)
{
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (*state >> 33) % n;
}

/* The Gaussian mixture of the file comment. */
static void gauss_data(bench_case *c, size_t clusters)
{
    unsigned long long st = 1;
    size_t d = c->d;
    float *mu = malloc(clusters * d * sizeof(float));
    c->keys = malloc(c->n * d * sizeof(float));
    c->queries = malloc(c->q * d * sizeof(float));
    for (size_t i = 0; i < clusters * d; i++)
        mu[i] = (float)normal(&st);
    for (size_t i = 0; i < c->n; i++) {
        size_t k = below(&st, clusters);
        for (size_t j = 0; j < d; j++)
            c->keys[i * d + j] = mu[k * d + j] + 0.5f * (float)normal(&st);
    }
    for (size_t r = 0; r < c->q; r++) {
        size_t i = below(&st, c->n);
        for (size_t j = 0; j < d; j++)
            c->queries[r * d + j] = c->keys[i * d + j] +
                                    0.3f * (float)normal(&st);
    }
    free(mu);
}

/* Fashion-MNIST pixels; 0 when the files are absent. */
static int fashion_data(bench_case *c)
{
    const char *dir = getenv("AMEM_DATA_DIR");
    char train[512], test[512];
    snprintf(train, sizeof train, "%s/fashion-mnist/train-images-idx3-ubyte.gz",
             dir ? dir : "data");
    snprintf(test, sizeof test, "%s/fashion-mnist/t10k-images-idx3-ubyte.gz",
             dir ? dir : "data");
    size_t n, t, hgt, wid;
    float *a = NULL, *b = NULL;
    if (amem_idx_read_images(train, &a, &n, &hgt, &wid) != AMEM_OK ||
        amem_idx_read_images(test, &b, &t, &hgt, &wid) != AMEM_OK) {
        amem_free(a);
        return 0;
    }
    c->d = hgt * wid;
    c->n = n < c->n ? n : c->n;
    c->q = t < c->q ? t : c->q;
    c->keys = malloc(c->n * c->d * sizeof(float));
    c->queries = malloc(c->q * c->d * sizeof(float));
    memcpy(c->keys, a, c->n * c->d * sizeof(float));
    memcpy(c->queries, b, c->q * c->d * sizeof(float));
    amem_free(a);
    amem_free(b);
    return 1;
}

static void fail(const char *what, int rc)
{
    fprintf(stderr, "bench_store: %s: %s (%s)\n", what, amem_strerror(rc),
            amem_last_error());
    exit(1);
}

static void set(amem_hopfield *h, int p, double v)
{
    int rc = amem_hopfield_set(h, p, v);
    if (rc != AMEM_OK)
        fail("set", rc);
}

/* Best time of `repeats` exact recalls after a warm-up. */
static double time_exact(amem_hopfield *h, const bench_case *c, float *out)
{
    double best = INFINITY;
    for (int r = 0; r <= repeats; r++) {
        double t0 = now();
        int rc = amem_hopfield_recall(h, c->queries, c->q, NULL, out, NULL,
                                      NULL);
        if (rc != AMEM_OK)
            fail("recall", rc);
        if (r > 0 || repeats == 0)
            best = fmin(best, now() - t0);
    }
    return best;
}

typedef struct pruned_result {
    double seconds, agree, scored, bound;
} pruned_result;

static pruned_result time_pruned(amem_hopfield *h, const bench_case *c,
                                 size_t nprobe, const size_t *truth,
                                 float *out, size_t *top, size_t *scored,
                                 double *bound)
{
    pruned_result res = {INFINITY, 0, 0, 0};
    set(h, AMEM_HOPFIELD_NPROBE, (double)nprobe);
    for (int r = 0; r <= repeats; r++) {
        double t0 = now();
        int rc = amem_hopfield_recall_pruned(h, c->queries, c->q, out, NULL,
                                             top, scored, bound);
        if (rc != AMEM_OK)
            fail("recall_pruned", rc);
        if (r > 0 || repeats == 0)
            res.seconds = fmin(res.seconds, now() - t0);
    }
    for (size_t i = 0; i < c->q; i++) {
        res.agree += top[i] == truth[i];
        res.scored += (double)scored[i];
        res.bound += bound[i];
    }
    res.agree /= (double)c->q;
    res.scored /= (double)c->q;
    res.bound /= (double)c->q;
    return res;
}

/* Patterns, queries and the exact top-1 for the peer script. */
static int write_peer_file(const char *path, const bench_case *c,
                           const size_t *truth)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return 0;
    int ok = fwrite(c->keys, sizeof(float), c->n * c->d, f) == c->n * c->d &&
             fwrite(c->queries, sizeof(float), c->q * c->d, f) ==
                 c->q * c->d;
    for (size_t i = 0; ok && i < c->q; i++) {
        int64_t t = (int64_t)truth[i];
        ok = fwrite(&t, sizeof t, 1, f) == 1;
    }
    return fclose(f) == 0 && ok;
}

typedef struct peer_line {
    char name[32];
    double seconds, agree;
    char info[200];
} peer_line;

static int run_peers(const bench_case *c, const size_t *truth,
                     peer_line *out)
{
    char path[64], cmd[512], nprobes[64] = "";
    snprintf(path, sizeof path, "/tmp/amem-bench-store-%ld.f32",
             (long)getpid());
    if (!write_peer_file(path, c, truth))
        return 0;
    for (int i = 0; probes[i] && probes[i] <= c->nlist; i++)
        snprintf(nprobes + strlen(nprobes), sizeof nprobes - strlen(nprobes),
                 "%s%zu", i ? "," : "", probes[i]);
    snprintf(cmd, sizeof cmd,
             "env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 "
             "bench/peer_store.py %s %zu %zu %zu %s %.9g %zu %s %d",
             path, c->n, c->d, c->q,
             c->similarity == AMEM_HOPFIELD_SIM_DOT ? "ip" : "l2", c->beta,
             c->nlist, nprobes, repeats);
    FILE *p = popen(cmd, "r");
    int k = 0;
    char line[512], agree[32];
    while (p != NULL && fgets(line, sizeof line, p) != NULL) {
        if (line[0] == '#') {
            printf("store %s peers %s", c->name, line);
            continue;
        }
        int used = 0;
        if (k < MAX_PEERS &&
            sscanf(line, "%31s %lf %31s %n", out[k].name, &out[k].seconds,
                   agree, &used) == 3) {
            out[k].agree = agree[0] == '-' ? NAN : atof(agree);
            snprintf(out[k].info, sizeof out[k].info, "%s", line + used);
            out[k].info[strcspn(out[k].info, "\n")] = '\0';
            k++;
        }
    }
    if (p != NULL)
        pclose(p);
    unlink(path);
    return k;
}

static const peer_line *find_peer(const peer_line *pl, int k,
                                  const char *name)
{
    for (int i = 0; i < k; i++)
        if (strcmp(pl[i].name, name) == 0)
            return &pl[i];
    return NULL;
}

static void print_peer(const bench_case *c, const char *ours_label,
                       double ours, double ours_agree, const peer_line *p)
{
    printf("store %s %s vs %s: ours %.4f s (top-1 %.2f%%), peer %.4f s "
           "(top-1 %.2f%%) [%s], ours/peer speed %.2fx\n",
           c->name, ours_label, p->name, ours, 100 * ours_agree, p->seconds,
           100 * p->agree, p->info, p->seconds / ours);
}

/* Our smallest NPROBE with >= 99% top-1, and how it compares. */
static void print_goals(const bench_case *c, const pruned_result *pr,
                        double exact, const peer_line *pl, int k)
{
    int best = -1;
    for (int i = 0; probes[i] && probes[i] <= c->nlist; i++)
        if (pr[i].agree >= 0.99) {
            best = i;
            break;
        }
    if (best < 0) {
        printf("store %s goal pruned >= 20x exact at >= 99%% top-1: not met "
               "(no NPROBE tried reaches 99%%)\n", c->name);
        return;
    }
    double speed = exact / pr[best].seconds;
    printf("store %s goal pruned >= 20x exact at >= 99%% top-1: %s "
           "(NPROBE %zu: %.1fx, top-1 %.2f%%)\n", c->name,
           speed >= 20 ? "met" : "not met", probes[best], speed,
           100 * pr[best].agree);
    for (int i = 0; probes[i] && probes[i] <= c->nlist && k > 0; i++) {
        char name[32];
        snprintf(name, sizeof name, "faiss_ivf_%zu", probes[i]);
        const peer_line *p = find_peer(pl, k, name);
        if (p != NULL && p->agree >= 0.99) {
            printf("store %s goal ahead of Faiss IVF-Flat at >= 99%% top-1: "
                   "%s (ours NPROBE %zu %.4f s, Faiss nprobe %zu %.4f s, "
                   "ours/peer speed %.2fx)\n", c->name,
                   p->seconds >= pr[best].seconds ? "met" : "not met",
                   probes[best], pr[best].seconds, probes[i], p->seconds,
                   p->seconds / pr[best].seconds);
            break;
        }
    }
    const peer_line *flat = find_peer(pl, k, "faiss_flat");
    if (flat != NULL)
        printf("store %s goal exact >= Faiss flat + softmax: %s (%.2fx)\n",
               c->name, flat->seconds >= exact ? "met" : "not met",
               flat->seconds / exact);
}

static void run_case(bench_case *c)
{
    amem_hopfield *h = NULL;
    int rc = amem_hopfield_create(AMEM_HOPFIELD_MODERN, c->d, 0, &h);
    if (rc != AMEM_OK || (rc = amem_hopfield_store(h, c->keys, c->n)))
        fail("store", rc);
    set(h, AMEM_HOPFIELD_SIMILARITY, c->similarity);
    set(h, AMEM_HOPFIELD_BETA, c->beta);
    set(h, AMEM_HOPFIELD_MAX_STEPS, 1);
    float *out = malloc(c->q * c->d * sizeof(float));
    size_t *truth = malloc(c->q * sizeof(size_t));
    size_t *top = malloc(c->q * sizeof(size_t));
    size_t *scored = malloc(c->q * sizeof(size_t));
    double *bound = malloc(c->q * sizeof(double));
    printf("store %s N=%zu d=%zu Q=%zu nlist=%zu threads=%d\n", c->name, c->n,
           c->d, c->q, c->nlist, amem_get_num_threads());
    double exact = time_exact(h, c, out);
    printf("store %s exact: %.4f s, %.1f queries/s\n", c->name, exact,
           (double)c->q / exact);
    double t0 = now();
    if ((rc = amem_hopfield_build_index(h, c->nlist, NULL, NULL)) != AMEM_OK)
        fail("build_index", rc);
    printf("store %s build index: %.2f s\n", c->name, now() - t0);
    set(h, AMEM_HOPFIELD_NPROBE, (double)c->nlist);
    if ((rc = amem_hopfield_recall_pruned(h, c->queries, c->q, out, NULL,
                                          truth, NULL, NULL)) != AMEM_OK)
        fail("full scan", rc);
    pruned_result pr[MAX_PROBES];
    for (int i = 0; probes[i] && probes[i] <= c->nlist; i++) {
        pr[i] = time_pruned(h, c, probes[i], truth, out, top, scored, bound);
        printf("store %s pruned NPROBE=%zu: %.4f s, %.1f queries/s, speed vs "
               "exact %.1fx, top-1 %.2f%%, scored %.0f (%.2f%% of N), mean "
               "bound %.3g\n", c->name, probes[i], pr[i].seconds,
               (double)c->q / pr[i].seconds, exact / pr[i].seconds,
               100 * pr[i].agree, pr[i].scored,
               100 * pr[i].scored / (double)c->n, pr[i].bound);
    }
    amem_hopfield_free(h);
    peer_line pl[MAX_PEERS];
    int k = peers ? run_peers(c, truth, pl) : 0;
    if (peers && k == 0)
        printf("store %s peers: not available\n", c->name);
    for (int i = 0; i < k; i++) {
        const char *n = pl[i].name;
        if (strcmp(n, "faiss_ivf_build") == 0) {
            printf("store %s peer %s: %.2f s [%s]\n", c->name, n,
                   pl[i].seconds, pl[i].info);
        } else if (strncmp(n, "faiss_ivf_", 10) == 0) {
            size_t p = (size_t)atol(n + 10);
            int j = 0;
            while (probes[j] && probes[j] != p)
                j++;
            char label[40];
            snprintf(label, sizeof label, "pruned NPROBE=%zu", p);
            print_peer(c, label, pr[j].seconds, pr[j].agree, &pl[i]);
        } else {
            print_peer(c, "exact", exact, 1.0, &pl[i]);
        }
    }
    print_goals(c, pr, exact, pl, k);
    free(out);
    free(truth);
    free(top);
    free(scored);
    free(bound);
}

int main(int argc, char **argv)
{
    const char *only = NULL;
    size_t queries = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0)
            quick = 1;
        else if (strcmp(argv[i], "--no-peer") == 0)
            peers = 0;
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            only = argv[++i];
        else if (strcmp(argv[i], "--repeats") == 0 && i + 1 < argc)
            repeats = atoi(argv[++i]);
        else if (strcmp(argv[i], "--queries") == 0 && i + 1 < argc)
            queries = (size_t)atol(argv[++i]);
        else {
            fprintf(stderr, "usage: %s [--quick] [--no-peer] [--only TEXT] "
                            "[--repeats R] [--queries Q]\n", argv[0]);
            return 2;
        }
    }
    size_t n = quick ? 50000 : 1000000, clusters = quick ? 100 : 1000;
    size_t q = queries ? queries : 200, nlist = quick ? 100 : 1000;
    if (repeats < 0)
        repeats = quick ? 3 : 1;
    bench_case l2 = {"gauss-l2", AMEM_HOPFIELD_SIM_EUCLIDEAN, 1.0, NULL,
                     NULL, n, 128, q, nlist};
    bench_case ip = l2;
    ip.name = "gauss-dot";
    ip.similarity = AMEM_HOPFIELD_SIM_DOT;
    ip.beta = 1.0 / sqrt(128.0);
    if (!only || strstr("gauss-l2 gauss-dot", only)) {
        gauss_data(&l2, clusters);
        ip.keys = l2.keys;
        ip.queries = l2.queries;
        if (!only || strstr("gauss-l2", only))
            run_case(&l2);
        if (!only || strstr("gauss-dot", only))
            run_case(&ip);
        free(l2.keys);
        free(l2.queries);
    }
    bench_case fm = {"fashion-l2", AMEM_HOPFIELD_SIM_EUCLIDEAN, 1.0, NULL,
                     NULL, quick ? 10000 : 60000, 0, quick ? 100 : q,
                     quick ? 64 : 256};
    if (only && !strstr("fashion-l2", only))
        return 0;
    if (!fashion_data(&fm)) {
        printf("store fashion-l2: skipped, Fashion-MNIST not found under "
               "$AMEM_DATA_DIR or data/ (scripts/fetch-data)\n");
        return 0;
    }
    run_case(&fm);
    free(fm.keys);
    free(fm.queries);
    return 0;
}
