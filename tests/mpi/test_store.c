/*
 * The sharded store against the single-process library (tests/mpi/run.sh
 * runs it with P = 1, 2, 3, 4): recall (iterated, heteroassociative,
 * masked), energy and top-k equal amem_hopfield's to float rounding; the
 * rank-order merge gives the same bits on every rank and every call; an
 * empty shard (N < P) changes nothing; a bad argument on one rank gives
 * every rank the same status and message.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpitest.h"

#define TOL 2e-5

/* The store of rows 0 .. N-1 of keys/values, id i = row i, each rank
 * passing the rows with i * 7 mod P = rank (so rows arrive away from their
 * owners), and the single-process reference with the same rows. */
static void build(size_t N, size_t d, size_t m, const float *keys,
                  const float *values, amem_mpi_hopfield **h,
                  amem_hopfield **ref)
{
    MT_STATUS(amem_mpi_hopfield_create(MPI_Comm_c2f(MPI_COMM_WORLD), d, m, h),
              AMEM_OK);
    MT_STATUS(amem_hopfield_create(AMEM_HOPFIELD_MODERN, d, m, ref), AMEM_OK);
    float *k = malloc(N * d * sizeof(float) + 1);
    float *v = malloc(N * m * sizeof(float) + 1);
    uint64_t *ids = malloc(N * sizeof(uint64_t) + 1);
    size_t n = 0;
    for (size_t i = 0; i < N; i++) {
        if ((i * 7) % (size_t)mt_size != (size_t)mt_rank)
            continue;
        memcpy(k + n * d, keys + i * d, d * sizeof(float));
        memcpy(v + n * m, values + i * m, m * sizeof(float));
        ids[n++] = i;
    }
    MT_STATUS(amem_mpi_hopfield_store(*h, k, m ? v : NULL, n, ids), AMEM_OK);
    if (m > 0)
        MT_STATUS(amem_hopfield_store_pairs(*ref, keys, values, N), AMEM_OK);
    else
        MT_STATUS(amem_hopfield_store(*ref, keys, N), AMEM_OK);
    size_t global = 0;
    amem_mpi_hopfield_count(*h, &global, NULL);
    MT_CHECK(global == N);
    free(k);
    free(v);
    free(ids);
}

static void set_both(amem_mpi_hopfield *h, amem_hopfield *ref, int p,
                     double v)
{
    MT_STATUS(amem_mpi_hopfield_set(h, p, v), AMEM_OK);
    MT_STATUS(amem_hopfield_set(ref, p, v), AMEM_OK);
}

/* Queries near stored patterns: pattern q * 3 plus noise. */
static void noisy(const float *keys, size_t N, size_t d, size_t n, float *q)
{
    mt_fill(q, n * d, 99);
    for (size_t r = 0; r < n; r++)
        for (size_t j = 0; j < d; j++)
            q[r * d + j] = keys[((r * 3) % N) * d + j] + 0.4f * q[r * d + j];
}

static void compare_recall(amem_mpi_hopfield *h, amem_hopfield *ref,
                           const float *q, size_t n, const float *clamp,
                           size_t out_dim)
{
    float *out = malloc(n * out_dim * sizeof(float));
    float *want = malloc(n * out_dim * sizeof(float));
    int steps[64], want_steps[64];
    MT_STATUS(amem_mpi_hopfield_recall(h, mt_rank == 0 ? q : NULL, n,
                                       clamp, out, steps), AMEM_OK);
    MT_STATUS(amem_hopfield_recall(ref, q, n, clamp, want, want_steps, NULL),
              AMEM_OK);
    double e = mt_rel_diff(out, want, n * out_dim);
    if (e > TOL)
        fprintf(stderr, "rank %d: recall differs by %g\n", mt_rank, e);
    MT_CHECK(e <= TOL);
    MT_CHECK(memcmp(steps, want_steps, n * sizeof(int)) == 0);
    MT_CHECK(mt_same_everywhere(out, n * out_dim * sizeof(float)));
    free(out);
    free(want);
}

/* Iterated autoassociative recall, uneven shards (37 rows). */
static void test_recall_auto(void)
{
    enum { N = 37, D = 16, NQ = 9 };
    float keys[N * D], q[NQ * D];
    mt_fill(keys, N * D, 1);
    noisy(keys, N, D, NQ, q);
    amem_mpi_hopfield *h = NULL;
    amem_hopfield *ref = NULL;
    build(N, D, 0, keys, NULL, &h, &ref);
    set_both(h, ref, AMEM_HOPFIELD_BETA, 3.0);
    set_both(h, ref, AMEM_HOPFIELD_MAX_STEPS, 20);
    compare_recall(h, ref, q, NQ, NULL, D);
    set_both(h, ref, AMEM_HOPFIELD_SIMILARITY, AMEM_HOPFIELD_SIM_EUCLIDEAN);
    compare_recall(h, ref, q, NQ, NULL, D);
    amem_mpi_hopfield_free(h);
    amem_hopfield_free(ref);
}

/* Heteroassociative and masked recall. */
static void test_recall_hetero_masked(void)
{
    enum { N = 23, D = 12, M = 5, NQ = 7 };
    float keys[N * D], values[N * M], q[NQ * D], clamp[NQ * D];
    mt_fill(keys, N * D, 2);
    mt_fill(values, N * M, 3);
    noisy(keys, N, D, NQ, q);
    for (size_t i = 0; i < NQ * D; i++)
        clamp[i] = (i % D) < 7 ? 1.0f : 0.0f;
    amem_mpi_hopfield *h = NULL;
    amem_hopfield *ref = NULL;
    build(N, D, M, keys, values, &h, &ref);
    set_both(h, ref, AMEM_HOPFIELD_BETA, 4.0);
    compare_recall(h, ref, q, NQ, NULL, M);
    compare_recall(h, ref, q, NQ, mt_rank == 0 ? clamp : clamp, M);
    amem_mpi_hopfield_free(h);
    amem_hopfield_free(ref);
    /* masked autoassociative */
    build(N, D, 0, keys, NULL, &h, &ref);
    compare_recall(h, ref, q, NQ, clamp, D);
    amem_mpi_hopfield_free(h);
    amem_hopfield_free(ref);
}

static void compare_energy_topk(amem_mpi_hopfield *h, amem_hopfield *ref,
                                const float *q, size_t n, size_t N)
{
    double e[16], want[16];
    MT_STATUS(amem_mpi_hopfield_energy(h, q, n, e), AMEM_OK);
    MT_STATUS(amem_hopfield_energy(ref, q, n, want), AMEM_OK);
    for (size_t i = 0; i < n; i++)
        MT_CHECK(fabs(e[i] - want[i]) <= 1e-4 * (1 + fabs(want[i])));
    enum { K = 3 };
    uint64_t ids[16 * K] = {0};
    float w[16 * K], *all = malloc(n * N * sizeof(float));
    MT_STATUS(amem_mpi_hopfield_topk(h, q, n, K, ids, w), AMEM_OK);
    MT_STATUS(amem_hopfield_weights(ref, q, n, all), AMEM_OK);
    for (size_t r = 0; r < n; r++)
        for (size_t i = 0; i < K; i++) {
            uint64_t want_id = AMEM_MPI_NO_ID;
            float best = -1.0f;
            for (size_t mu = 0; mu < N; mu++) { /* i-th largest, low id */
                int taken = 0;
                for (size_t j = 0; j < i; j++)
                    taken |= ids[r * K + j] == mu;
                if (!taken && all[r * N + mu] > best) {
                    best = all[r * N + mu];
                    want_id = mu;
                }
            }
            if (i >= N) {
                MT_CHECK(ids[r * K + i] == AMEM_MPI_NO_ID);
                MT_CHECK(w[r * K + i] == 0.0f);
                continue;
            }
            MT_CHECK(ids[r * K + i] == want_id);
            MT_CHECK(fabsf(w[r * K + i] - best) <= 1e-5f * (1 + best));
        }
    MT_CHECK(mt_same_everywhere(ids, sizeof ids));
    free(all);
}

static void test_energy_topk(void)
{
    enum { N = 29, D = 10, NQ = 6 };
    float keys[N * D], q[NQ * D];
    mt_fill(keys, N * D, 4);
    noisy(keys, N, D, NQ, q);
    amem_mpi_hopfield *h = NULL;
    amem_hopfield *ref = NULL;
    build(N, D, 0, keys, NULL, &h, &ref);
    set_both(h, ref, AMEM_HOPFIELD_BETA, 2.0);
    compare_energy_topk(h, ref, q, NQ, N);
    set_both(h, ref, AMEM_HOPFIELD_SIMILARITY, AMEM_HOPFIELD_SIM_EUCLIDEAN);
    set_both(h, ref, AMEM_HOPFIELD_SCALE_SQRT_D, 1);
    compare_energy_topk(h, ref, q, NQ, N);
    amem_mpi_hopfield_free(h);
    amem_hopfield_free(ref);
}

/* Two patterns: with P = 3, 4 some shards are empty. */
static void test_empty_shard(void)
{
    enum { N = 2, D = 8, NQ = 3 };
    float keys[N * D], q[NQ * D];
    mt_fill(keys, N * D, 5);
    noisy(keys, N, D, NQ, q);
    amem_mpi_hopfield *h = NULL;
    amem_hopfield *ref = NULL;
    build(N, D, 0, keys, NULL, &h, &ref);
    compare_recall(h, ref, q, NQ, NULL, D);
    compare_energy_topk(h, ref, q, NQ, N);
    amem_mpi_hopfield_free(h);
    amem_hopfield_free(ref);
}

/* Rank-order merge: the same bits on every rank and on every call; rows
 * given without ids get 0, 1, ... in rank order. */
static void test_rank_order(void)
{
    enum { N = 31, D = 12, NQ = 5 };
    float keys[N * D], q[NQ * D], a[NQ * D], b[NQ * D];
    mt_fill(keys, N * D, 6);
    noisy(keys, N, D, NQ, q);
    amem_mpi_hopfield *h = NULL;
    MT_STATUS(amem_mpi_hopfield_create(MPI_Comm_c2f(MPI_COMM_WORLD), D, 0,
                                       &h), AMEM_OK);
    MT_STATUS(amem_mpi_hopfield_store(h, keys, NULL, mt_rank == 0 ? N : 0,
                                      NULL), AMEM_OK);
    MT_STATUS(amem_mpi_hopfield_set_merge(h, AMEM_MPI_MERGE_RANK_ORDER),
              AMEM_OK);
    MT_STATUS(amem_mpi_hopfield_recall(h, q, NQ, NULL, a, NULL), AMEM_OK);
    MT_STATUS(amem_mpi_hopfield_recall(h, q, NQ, NULL, b, NULL), AMEM_OK);
    MT_CHECK(memcmp(a, b, sizeof a) == 0);
    MT_CHECK(mt_same_everywhere(a, sizeof a));
    uint64_t ids[NQ];
    float w[NQ];
    MT_STATUS(amem_mpi_hopfield_topk(h, keys + 4 * D, 1, 1, ids, w), AMEM_OK);
    MT_CHECK(ids[0] == 4); /* a stored pattern is its own arg-max */
    /* a hash of the bits, compared across runs by run.sh */
    uint32_t hash = 2166136261u;
    const unsigned char *p = (const unsigned char *)a;
    for (size_t i = 0; i < sizeof a; i++)
        hash = (hash ^ p[i]) * 16777619u;
    if (mt_rank == 0)
        printf("rank-order bits P=%d: %08x\n", mt_size, (unsigned)hash);
    amem_mpi_hopfield_free(h);
}

/* The same status on every rank and the same message. */
static void expect_everywhere(int rc, int want)
{
    MT_CHECK(rc == want);
    const char *msg = amem_mpi_last_error();
    char buf[512] = {0};
    strncpy(buf, msg, sizeof buf - 1);
    MT_CHECK(mt_same_everywhere(buf, sizeof buf));
}

static void test_bad_input_one_rank(void)
{
    enum { N = 12, D = 6, NQ = 2 };
    float keys[N * D], q[NQ * D], out[NQ * D];
    mt_fill(keys, N * D, 7);
    mt_fill(q, NQ * D, 8);
    int last = mt_rank == mt_size - 1;
    amem_mpi_hopfield *h = NULL;
    MPI_Fint world = MPI_Comm_c2f(MPI_COMM_WORLD);
    expect_everywhere(amem_mpi_hopfield_create(world, last ? D + 1 : D, 0,
                                               &h), mt_size > 1
                                                        ? AMEM_E_ARG
                                                        : AMEM_OK);
    amem_mpi_hopfield_free(h);
    MT_STATUS(amem_mpi_hopfield_create(world, D, 0, &h), AMEM_OK);
    MT_STATUS(amem_mpi_hopfield_store(h, keys, NULL, N / 2, NULL), AMEM_OK);
    size_t before = 0, after = 0;
    amem_mpi_hopfield_count(h, &before, NULL);
    float bad[D];
    memcpy(bad, keys, sizeof bad);
    bad[2] = last ? NAN : bad[2];
    expect_everywhere(amem_mpi_hopfield_store(h, bad, NULL, 1, NULL),
                      AMEM_E_NONFINITE);
    uint64_t dup = 0; /* id 0 is stored already */
    expect_everywhere(amem_mpi_hopfield_store(h, keys, NULL, last ? 1 : 0,
                                              (uint64_t[]){last ? dup : 5}),
                      AMEM_E_ARG);
    amem_mpi_hopfield_count(h, &after, NULL);
    MT_CHECK(before == after);
    expect_everywhere(amem_mpi_hopfield_recall(h, q, last ? NQ + 1 : NQ,
                                               NULL, out, NULL),
                      mt_size > 1 ? AMEM_E_ARG : AMEM_OK);
    expect_everywhere(amem_mpi_hopfield_recall(h, q, NQ, NULL,
                                               last ? NULL : out, NULL),
                      AMEM_E_NULL);
    expect_everywhere(amem_mpi_hopfield_recall(h, mt_rank == 0 ? NULL : q,
                                               NQ, NULL, out, NULL),
                      AMEM_E_NULL);
    uint64_t ids[NQ];
    float w[NQ];
    expect_everywhere(amem_mpi_hopfield_topk(h, q, NQ, 0, ids, w),
                      AMEM_E_RANGE);
    expect_everywhere(amem_mpi_hopfield_set(h, AMEM_HOPFIELD_BETA,
                                            last ? 2.0 : 3.0),
                      mt_size > 1 ? AMEM_E_ARG : AMEM_OK);
    expect_everywhere(amem_mpi_hopfield_set(h, AMEM_HOPFIELD_SEPARATION,
                                            AMEM_HOPFIELD_SEP_ARGMAX),
                      AMEM_E_UNSUPPORTED);
    expect_everywhere(amem_mpi_hopfield_set(h, AMEM_HOPFIELD_BETA, -1.0),
                      AMEM_E_RANGE);
    /* still usable */
    MT_STATUS(amem_mpi_hopfield_recall(h, q, NQ, NULL, out, NULL), AMEM_OK);
    amem_mpi_hopfield_free(h);
    /* an empty store refuses recall everywhere */
    MT_STATUS(amem_mpi_hopfield_create(world, D, 0, &h), AMEM_OK);
    expect_everywhere(amem_mpi_hopfield_recall(h, q, NQ, NULL, out, NULL),
                      AMEM_E_STATE);
    amem_mpi_hopfield_free(h);
}

int main(int argc, char **argv)
{
    mt_init(&argc, &argv);
    mt_run("recall_auto", test_recall_auto);
    mt_run("recall_hetero_masked", test_recall_hetero_masked);
    mt_run("energy_topk", test_energy_topk);
    mt_run("empty_shard", test_empty_shard);
    mt_run("rank_order", test_rank_order);
    mt_run("bad_input_one_rank", test_bad_input_one_rank);
    return mt_finish();
}
