/*
 * A modern Hopfield store of synthetic patterns sharded over MPI ranks,
 * and its recall throughput (docs/distributed.md).
 *
 *   mpirun -np 4 ./sharded_store [--patterns N] [--dim D] [--queries B]
 *                                [--repeats R] [--quick]
 *
 * Rank 0 generates nothing the others need: every rank makes its own rows
 * (ids r, r + P, r + 2P, ...: already on their owner) from the shared seed.
 * Recall is one softmax step (MAX_STEPS = 1) of B noisy queries. For each
 * repeat the example times the whole sharded recall, and, separately, the
 * same partial step on this rank's rows alone (amem_hopfield_recall_partial
 * on a private copy of the shard): the work. Communication and merge are
 * the rest: total - the slowest rank's work. It prints queries per second,
 * the per-rank work and the communication time, and checks that each query
 * recalls the pattern it was made from.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assocmem/mpi.h"

typedef struct opts {
    size_t N, d, B;
    int repeats;
} opts;

static opts parse(int argc, char **argv)
{
    opts o = {200000, 256, 256, 3};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            o = (opts){4096, 64, 64, 2};
        } else if (i + 1 < argc && strcmp(argv[i], "--patterns") == 0) {
            o.N = strtoul(argv[++i], NULL, 10);
        } else if (i + 1 < argc && strcmp(argv[i], "--dim") == 0) {
            o.d = strtoul(argv[++i], NULL, 10);
        } else if (i + 1 < argc && strcmp(argv[i], "--queries") == 0) {
            o.B = strtoul(argv[++i], NULL, 10);
        } else if (i + 1 < argc && strcmp(argv[i], "--repeats") == 0) {
            o.repeats = atoi(argv[++i]);
        }
    }
    return o;
}

/* Pattern `id`: entries +-1/sqrt(d) from a hash of (id, j), so any rank
 * can make any row. */
static void pattern(uint64_t id, size_t d, float *row)
{
    for (size_t j = 0; j < d; j++) {
        uint64_t z = (id * 0x9E3779B97F4A7C15ull) ^ (j * 0xBF58476D1CE4E5B9ull);
        z ^= z >> 31;
        z *= 0x94D049BB133111EBull;
        z ^= z >> 29;
        row[j] = (z & 1 ? 1.0f : -1.0f) / sqrtf((float)d);
    }
}

static int fail(const char *what, int rc)
{
    fprintf(stderr, "sharded_store: %s: %s\n", what, amem_mpi_last_error());
    return rc;
}

/* This rank's rows (ids rank, rank + P, ...) into the store and copy. */
static int fill(amem_mpi_hopfield *h, amem_hopfield *copy, const opts *o,
                int rank, int P)
{
    size_t n = o->N / (size_t)P + ((size_t)rank < o->N % (size_t)P);
    float *rows = malloc(n * o->d * sizeof(float) + 1);
    uint64_t *ids = malloc(n * sizeof(uint64_t) + 1);
    if (rows == NULL || ids == NULL)
        return AMEM_E_NOMEM;
    for (size_t i = 0; i < n; i++) {
        ids[i] = (uint64_t)rank + i * (uint64_t)P;
        pattern(ids[i], o->d, rows + i * o->d);
    }
    int rc = amem_mpi_hopfield_store(h, rows, NULL, n, ids);
    if (rc == AMEM_OK && n > 0)
        rc = amem_hopfield_store(copy, rows, n);
    free(rows);
    free(ids);
    return rc;
}

/* Queries: pattern q * 7919 mod N with every tenth sign flipped. */
static void make_queries(const opts *o, float *q)
{
    for (size_t r = 0; r < o->B; r++) {
        pattern((r * 7919) % o->N, o->d, q + r * o->d);
        for (size_t j = 0; j < o->d; j += 10)
            q[r * o->d + j] = -q[r * o->d + j];
    }
}

static size_t correct(const opts *o, const float *q, const float *out)
{
    size_t good = 0;
    float *want = malloc(o->d * sizeof(float));
    for (size_t r = 0; want != NULL && r < o->B; r++) {
        pattern((r * 7919) % o->N, o->d, want);
        float dot = 0;
        for (size_t j = 0; j < o->d; j++)
            dot += want[j] * out[r * o->d + j];
        good += dot > 0.9f;
    }
    (void)q;
    free(want);
    return good;
}

/* One timed repeat: total recall, and this rank's work alone. */
static int timed(amem_mpi_hopfield *h, amem_hopfield *copy, const opts *o,
                 const float *q, float *out, float *scratch, double *total,
                 double *work)
{
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    int rc = amem_mpi_hopfield_recall(h, q, o->B, NULL, out, NULL);
    *total = MPI_Wtime() - t0;
    if (rc != AMEM_OK)
        return fail("recall", rc);
    MPI_Barrier(MPI_COMM_WORLD);
    t0 = MPI_Wtime();
    rc = amem_hopfield_recall_partial(copy, q, o->B, NULL, scratch,
                                      scratch + o->B, scratch + 2 * o->B,
                                      NULL);
    *work = MPI_Wtime() - t0;
    return rc;
}

static int run(const opts *o, int rank, int P)
{
    amem_mpi_hopfield *h = NULL;
    amem_hopfield *copy = NULL;
    int rc = amem_mpi_hopfield_create(MPI_Comm_c2f(MPI_COMM_WORLD), o->d, 0,
                                      &h);
    if (rc != AMEM_OK)
        return fail("create", rc);
    amem_hopfield_create(AMEM_HOPFIELD_MODERN, o->d, 0, &copy);
    amem_mpi_hopfield_set(h, AMEM_HOPFIELD_BETA, 64.0);
    amem_mpi_hopfield_set(h, AMEM_HOPFIELD_MAX_STEPS, 1);
    amem_hopfield_set(copy, AMEM_HOPFIELD_BETA, 64.0);
    if ((rc = fill(h, copy, o, rank, P)) != AMEM_OK)
        return fail("store", rc);
    float *q = malloc(o->B * o->d * sizeof(float));
    float *out = malloc(o->B * o->d * sizeof(float));
    float *scratch = malloc((2 + o->d) * o->B * sizeof(float));
    if (q == NULL || out == NULL || scratch == NULL)
        return AMEM_E_NOMEM;
    make_queries(o, q);
    double best_total = INFINITY, best_work = INFINITY;
    for (int i = 0; i < o->repeats && rc == AMEM_OK; i++) {
        double total = 0, work = 0;
        rc = timed(h, copy, o, q, out, scratch, &total, &work);
        best_total = fmin(best_total, total);
        best_work = fmin(best_work, work);
    }
    double slowest = best_work, total = best_total;
    MPI_Allreduce(MPI_IN_PLACE, &slowest, 1, MPI_DOUBLE, MPI_MAX,
                  MPI_COMM_WORLD);
    MPI_Allreduce(MPI_IN_PLACE, &total, 1, MPI_DOUBLE, MPI_MAX,
                  MPI_COMM_WORLD);
    size_t good = correct(o, q, out);
    if (rank == 0)
        printf("P=%d N=%zu d=%zu queries=%zu: %.1f queries/s, recall %.1f ms,"
               " slowest rank's work %.1f ms, communication and merge %.1f ms,"
               " %zu/%zu recalled\n", P, o->N, o->d, o->B,
               (double)o->B / total, 1e3 * total, 1e3 * slowest,
               1e3 * (total - slowest), good, o->B);
    free(q);
    free(out);
    free(scratch);
    amem_hopfield_free(copy);
    amem_mpi_hopfield_free(h);
    return rc == AMEM_OK && good == o->B ? AMEM_OK : AMEM_E_INTERNAL;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, P;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &P);
    amem_set_num_threads(1); /* one core per rank */
    opts o = parse(argc, argv);
    int rc = run(&o, rank, P);
    MPI_Finalize();
    return rc == AMEM_OK ? 0 : 1;
}
