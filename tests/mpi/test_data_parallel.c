/*
 * The data-parallel reduce hook (amem_mpi_data_parallel_create), on its own
 * and inside a small trainer written the way
 * core/trainer.h runs one: linear least squares, every rank the slice of
 * each global minibatch that amem__dp_slice gives it (contiguous, sizes
 * differing by at most one), its gradient divided by the global batch
 * size, one reduce per step, the same SGD step everywhere. The parameters
 * after k steps equal the one-process run to float rounding and are the
 * same bits on every rank.
 */
#define AMEM_EXPERIMENTAL_API
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mpitest.h"

enum { D = 8, ITEMS = 96, BATCH = 13, STEPS = 40 };
static float X[ITEMS * D], Y[ITEMS];

/* core/trainer.c's slice rule. */
static void slice(int rank, int size, size_t batch, size_t *lo, size_t *hi)
{
    size_t p = (size_t)size, r = (size_t)rank;
    size_t base = batch / p, extra = batch % p;
    *lo = r * base + (r < extra ? r : extra);
    *hi = *lo + base + (r < extra ? 1 : 0);
}

/* Gradient of the mean squared error of items [lo, hi) of minibatch
 * `step` (items step * BATCH + i mod ITEMS), divided by BATCH. */
static double gradient(const float *w, int step, size_t lo, size_t hi,
                       float *g)
{
    double loss = 0;
    memset(g, 0, D * sizeof(float));
    for (size_t i = lo; i < hi; i++) {
        size_t item = ((size_t)step * BATCH + i) % ITEMS;
        float err = -Y[item];
        for (int j = 0; j < D; j++)
            err += w[j] * X[item * D + j];
        loss += 0.5 * (double)err * err / BATCH;
        for (int j = 0; j < D; j++)
            g[j] += err * X[item * D + j] / BATCH;
    }
    return loss;
}

static void train(const amem_data_parallel *dp, float *w, double *loss)
{
    float g[D];
    memset(w, 0, D * sizeof(float));
    for (int t = 0; t < STEPS; t++) {
        size_t lo, hi;
        slice(dp ? dp->rank : 0, dp ? dp->size : 1, BATCH, &lo, &hi);
        *loss = gradient(w, t, lo, hi, g);
        if (dp != NULL)
            MT_CHECK(dp->reduce(dp->ctx, g, D, loss) == 0);
        for (int j = 0; j < D; j++)
            w[j] -= 0.5f * g[j];
    }
}

static void test_reduce_sums(void)
{
    amem_data_parallel *dp = NULL;
    MT_STATUS(amem_mpi_data_parallel_create(MPI_Comm_c2f(MPI_COMM_WORLD),
                                            &dp), AMEM_OK);
    if (dp == NULL)
        return;
    MT_CHECK(dp->rank == mt_rank && dp->size == mt_size);
    float g[5];
    double loss = mt_rank + 1;
    for (int j = 0; j < 5; j++)
        g[j] = (float)(mt_rank * 10 + j);
    MT_CHECK(dp->reduce(dp->ctx, g, 5, &loss) == 0);
    double P = mt_size;
    MT_CHECK(loss == P * (P + 1) / 2);
    for (int j = 0; j < 5; j++)
        MT_CHECK(g[j] == (float)(10 * P * (P - 1) / 2 + P * j));
    amem_mpi_data_parallel_free(dp);
}

static void test_same_parameters(void)
{
    mt_fill(X, ITEMS * D, 21);
    for (int i = 0; i < ITEMS; i++) {
        Y[i] = 0;
        for (int j = 0; j < D; j++)
            Y[i] += (float)(j - 3) * X[i * D + j];
    }
    amem_data_parallel *dp = NULL;
    MT_STATUS(amem_mpi_data_parallel_create(MPI_Comm_c2f(MPI_COMM_WORLD),
                                            &dp), AMEM_OK);
    float w[D], want[D];
    double loss, want_loss;
    train(dp, w, &loss);
    train(NULL, want, &want_loss);
    MT_CHECK(mt_rel_diff(w, want, D) <= 1e-5);
    MT_CHECK(fabs(loss - want_loss) <= 1e-6 * (1 + want_loss));
    MT_CHECK(mt_same_everywhere(w, sizeof w));
    MT_CHECK(want_loss < 0.5); /* it learned something */
    amem_mpi_data_parallel_free(dp);
}

static void test_bad_arguments(void)
{
    amem_data_parallel *dp = NULL;
    MPI_Fint world = MPI_Comm_c2f(MPI_COMM_WORLD);
    int last = mt_rank == mt_size - 1;
    int rc = amem_mpi_data_parallel_create(world, last ? NULL : &dp);
    MT_CHECK(rc == AMEM_E_NULL && dp == NULL);
    MT_CHECK(amem_mpi_data_parallel_create(MPI_Comm_c2f(MPI_COMM_NULL),
                                           &dp) == AMEM_E_ARG);
    amem_mpi_data_parallel_free(NULL);
}

int main(int argc, char **argv)
{
    mt_init(&argc, &argv);
    mt_run("dp_reduce_sums", test_reduce_sums);
    mt_run("dp_same_parameters", test_same_parameters);
    mt_run("dp_bad_arguments", test_bad_arguments);
    return mt_finish();
}
