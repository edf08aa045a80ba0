/*
 * Per-shard save and load (run.sh: `save DIR` with P = 4, then `load DIR`
 * with P = 2 and 3, then `corrupt DIR`). The store is rebuilt from the
 * same seed in every run, so each load is checked against the
 * single-process library: count, settings, recall, energy, top-k.
 *   save     saves twice (the second save replaces the first generation),
 *            reloads on the same P (the same bits), then leaves a torn
 *            third generation without a manifest, as a crash would
 *   load     loads on this P (re-sharded by id) and compares
 *   corrupt  alters one byte of a shard file: every rank gets
 *            AMEM_E_FORMAT
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpitest.h"

enum { N = 41, D = 10, M = 3, NQ = 5 };
static const char *dir;
static float keys[N * D], values[N * M], q[NQ * D];

static amem_hopfield *reference(void)
{
    amem_hopfield *ref = NULL;
    MT_STATUS(amem_hopfield_create(AMEM_HOPFIELD_MODERN, D, M, &ref), AMEM_OK);
    MT_STATUS(amem_hopfield_set(ref, AMEM_HOPFIELD_BETA, 5.0), AMEM_OK);
    MT_STATUS(amem_hopfield_set(ref, AMEM_HOPFIELD_MAX_STEPS, 7), AMEM_OK);
    MT_STATUS(amem_hopfield_store_pairs(ref, keys, values, N), AMEM_OK);
    return ref;
}

/* Rank 0 passes every row (ids 0 .. N-1 in order). */
static amem_mpi_hopfield *build(void)
{
    amem_mpi_hopfield *h = NULL;
    MT_STATUS(amem_mpi_hopfield_create(MPI_Comm_c2f(MPI_COMM_WORLD), D, M,
                                       &h), AMEM_OK);
    MT_STATUS(amem_mpi_hopfield_set(h, AMEM_HOPFIELD_BETA, 5.0), AMEM_OK);
    MT_STATUS(amem_mpi_hopfield_set(h, AMEM_HOPFIELD_MAX_STEPS, 7), AMEM_OK);
    MT_STATUS(amem_mpi_hopfield_store(h, keys, values, mt_rank ? 0 : N, NULL),
              AMEM_OK);
    return h;
}

static void compare(amem_mpi_hopfield *h)
{
    amem_hopfield *ref = reference();
    size_t count = 0;
    double beta = 0, steps = 0;
    amem_mpi_hopfield_count(h, &count, NULL);
    amem_mpi_hopfield_get(h, AMEM_HOPFIELD_BETA, &beta);
    amem_mpi_hopfield_get(h, AMEM_HOPFIELD_MAX_STEPS, &steps);
    MT_CHECK(count == N && beta == 5.0 && steps == 7);
    float out[NQ * M], want[NQ * M];
    MT_STATUS(amem_mpi_hopfield_recall(h, q, NQ, NULL, out, NULL), AMEM_OK);
    MT_STATUS(amem_hopfield_recall(ref, q, NQ, NULL, want, NULL, NULL),
              AMEM_OK);
    MT_CHECK(mt_rel_diff(out, want, NQ * M) <= 2e-5);
    double e[NQ], we[NQ];
    MT_STATUS(amem_mpi_hopfield_energy(h, q, NQ, e), AMEM_OK);
    MT_STATUS(amem_hopfield_energy(ref, q, NQ, we), AMEM_OK);
    for (int i = 0; i < NQ; i++)
        MT_CHECK(fabs(e[i] - we[i]) <= 1e-4 * (1 + fabs(we[i])));
    uint64_t ids[NQ];
    float w[NQ];
    MT_STATUS(amem_mpi_hopfield_topk(h, keys + 17 * D, 1, 1, ids, w),
              AMEM_OK);
    MT_CHECK(ids[0] == 17);
    amem_hopfield_free(ref);
}

static void test_save(void)
{
    amem_mpi_hopfield *h = build(), *again = NULL;
    MT_STATUS(amem_mpi_hopfield_save(h, dir), AMEM_OK);
    MT_STATUS(amem_mpi_hopfield_save(h, dir), AMEM_OK);
    char path[512];
    snprintf(path, sizeof path, "%s/shard-1-0-of-%d.amem", dir, mt_size);
    FILE *old = fopen(path, "rb");
    MT_CHECK(old == NULL); /* the first generation is gone */
    if (old)
        fclose(old);
    MT_STATUS(amem_mpi_hopfield_load(MPI_Comm_c2f(MPI_COMM_WORLD), dir,
                                     &again), AMEM_OK);
    float a[NQ * M], b[NQ * M];
    MT_STATUS(amem_mpi_hopfield_recall(h, q, NQ, NULL, a, NULL), AMEM_OK);
    MT_STATUS(amem_mpi_hopfield_recall(again, q, NQ, NULL, b, NULL), AMEM_OK);
    MT_CHECK(memcmp(a, b, sizeof a) == 0);
    compare(again);
    if (mt_rank == 0) { /* a torn third save: files but no manifest */
        snprintf(path, sizeof path, "%s/shard-3-0-of-%d.amem", dir, mt_size);
        FILE *f = fopen(path, "wb");
        if (f) {
            fputs("torn", f);
            fclose(f);
        }
    }
    MPI_Barrier(MPI_COMM_WORLD);
    amem_mpi_hopfield_free(h);
    amem_mpi_hopfield_free(again);
}

static void test_load(void)
{
    amem_mpi_hopfield *h = NULL;
    MT_STATUS(amem_mpi_hopfield_load(MPI_Comm_c2f(MPI_COMM_WORLD), dir, &h),
              AMEM_OK);
    if (h == NULL)
        return;
    compare(h);
    amem_mpi_hopfield_free(h);
}

static void test_corrupt(void)
{
    if (mt_rank == 0) {
        char path[512];
        snprintf(path, sizeof path, "%s/shard-2-1-of-4.ids", dir);
        FILE *f = fopen(path, "r+b");
        MT_CHECK(f != NULL);
        if (f) {
            fseek(f, 17, SEEK_SET);
            int c = fgetc(f);
            fseek(f, 17, SEEK_SET);
            fputc(c ^ 1, f);
            fclose(f);
        }
    }
    MPI_Barrier(MPI_COMM_WORLD);
    amem_mpi_hopfield *h = NULL;
    int rc = amem_mpi_hopfield_load(MPI_Comm_c2f(MPI_COMM_WORLD), dir, &h);
    MT_CHECK(rc == AMEM_E_FORMAT && h == NULL);
    MPI_Fint world = MPI_Comm_c2f(MPI_COMM_WORLD);
    MT_CHECK(amem_mpi_hopfield_load(world, "/nonexistent/amem-mpi", &h) ==
             AMEM_E_IO);
}

int main(int argc, char **argv)
{
    mt_init(&argc, &argv);
    if (argc != 3) {
        if (mt_rank == 0)
            fprintf(stderr, "usage: test_persist save|load|corrupt DIR\n");
        MPI_Finalize();
        return 2;
    }
    dir = argv[2];
    mt_fill(keys, N * D, 11);
    mt_fill(values, N * M, 12);
    mt_fill(q, NQ * D, 13);
    for (int i = 0; i < NQ * D; i++)
        q[i] = keys[(i / D) * 5 * D + i % D] + 0.3f * q[i];
    if (strcmp(argv[1], "save") == 0)
        mt_run("save", test_save);
    else if (strcmp(argv[1], "load") == 0)
        mt_run("load", test_load);
    else
        mt_run("corrupt", test_corrupt);
    return mt_finish();
}
