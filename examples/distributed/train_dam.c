/*
 * The dense associative memory of Tyulmankov et al. (2023) trained
 * data-parallel over MPI ranks: every rank holds the same items and
 * settings, computes the gradient of its slice of each global minibatch,
 * and one MPI_Allreduce per step sums the gradients (docs/distributed.md).
 * The weights stay equal on every rank, and equal a one-process run to
 * float rounding (tests/mpi/test_train_dp.c checks that).
 *
 *   mpirun -np 2 ./train_dam [--items N] [--visible D] [--hidden H]
 *                            [--steps S] [--batch B] [--quick]
 *   one machine:  mpirun --oversubscribe -np 4 build/mpi/examples/train_dam
 *   a cluster:    mpirun --hostfile hosts -np 64 build/mpi/examples/train_dam
 *                 --items 60000 --visible 784 --hidden 1000 --batch 6400
 *
 * The items are random ±1/√D patterns (unit norm) from a shared seed (every rank makes
 * the same ones; a real run reads its data set on every rank). Rank 0
 * prints the loss and the time per step every tenth of the run, then the
 * evaluation loss of Eq. 2 and whether all ranks hold the same weights.
 */
#define _POSIX_C_SOURCE 200809L
#define AMEM_EXPERIMENTAL_API
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <assocmem/dam.h>
#include <assocmem/data.h>

#include "assocmem/mpi.h"

typedef struct opts {
    size_t items, visible, hidden, steps, batch;
} opts;

static opts parse(int argc, char **argv)
{
    opts o = {4000, 256, 128, 200, 200};
    for (int i = 1; i < argc; i++) {
        size_t *field = NULL;
        if (strcmp(argv[i], "--quick") == 0)
            o = (opts){400, 64, 32, 20, 40};
        else if (strcmp(argv[i], "--items") == 0)
            field = &o.items;
        else if (strcmp(argv[i], "--visible") == 0)
            field = &o.visible;
        else if (strcmp(argv[i], "--hidden") == 0)
            field = &o.hidden;
        else if (strcmp(argv[i], "--steps") == 0)
            field = &o.steps;
        else if (strcmp(argv[i], "--batch") == 0)
            field = &o.batch;
        if (field != NULL && i + 1 < argc)
            *field = strtoul(argv[++i], NULL, 10);
    }
    return o;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int fail(const char *what, int status)
{
    fprintf(stderr, "train_dam: %s: %s (%s)\n", what, amem_strerror(status),
            amem_last_error());
    return 1;
}

/* Train in ten chunks, rank 0 reporting each. */
static int train(amem_dam *h, const opts *o, int rank)
{
    size_t chunk = o->steps / 10 ? o->steps / 10 : 1;
    for (size_t done = 0; done < o->steps; done += chunk) {
        size_t k = o->steps - done < chunk ? o->steps - done : chunk;
        double loss, t0 = now();
        int st = amem_dam_train(h, k, NULL, NULL, &loss);
        if (st != AMEM_OK)
            return fail("train", st);
        if (rank == 0)
            printf("steps %5zu  loss %.5f  %.2f ms/step\n", done + k, loss,
                   1e3 * (now() - t0) / (double)k);
    }
    return 0;
}

/* 1 when every rank holds the bits rank 0 holds. */
static int same_weights(const amem_dam *h, const opts *o)
{
    size_t len = o->visible * o->hidden;
    float *w = malloc(len * sizeof *w), *w0 = malloc(len * sizeof *w0);
    int same = w && w0 && amem_dam_get_weights(h, w, 0) == AMEM_OK;
    if (same) {
        memcpy(w0, w, len * sizeof *w);
        MPI_Bcast(w0, (int)len, MPI_FLOAT, 0, MPI_COMM_WORLD);
        same = memcmp(w, w0, len * sizeof *w) == 0;
    }
    MPI_Allreduce(MPI_IN_PLACE, &same, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    free(w);
    free(w0);
    return same;
}

static int run(const opts *o, int rank, float *items)
{
    amem_dam *h = NULL;
    amem_data_parallel *dp = NULL;
    int st = amem_patterns_random(items, o->items, o->visible, 2023);
    for (size_t i = 0; st == AMEM_OK && i < o->items * o->visible; i++)
        items[i] /= sqrtf((float)o->visible); /* unit-norm items (Eq. 2) */
    if (st == AMEM_OK)
        st = amem_dam_create(o->visible, o->hidden, &h);
    if (st == AMEM_OK)
        st = amem_dam_set(h, AMEM_DAM_BATCH_SIZE, (double)o->batch);
    if (st == AMEM_OK)
        st = amem_dam_set_data(h, items, NULL, o->items);
    if (st == AMEM_OK)
        st = amem_mpi_data_parallel_create(MPI_Comm_c2f(MPI_COMM_WORLD), &dp);
    if (st == AMEM_OK)
        st = amem_dam_set_data_parallel(h, dp);
    int rc = st == AMEM_OK ? train(h, o, rank) : fail("setup", st);
    double eval = 0;
    if (rc == 0 && (st = amem_dam_evaluate(h, items, NULL, o->items, 7, NULL,
                                           NULL, NULL, &eval)) != AMEM_OK)
        rc = fail("evaluate", st);
    int same = rc == 0 && same_weights(h, o);
    if (rc == 0 && rank == 0)
        printf("evaluation loss %.5f; weights the same on every rank: %s\n",
               eval, same ? "yes" : "NO");
    amem_dam_free(h);
    amem_mpi_data_parallel_free(dp);
    return rc != 0 || !same;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    opts o = parse(argc, argv);
    if (rank == 0)
        printf("train_dam: %d ranks, %zu items of %zu, %zu hidden, batch "
               "%zu, %zu steps\n", size, o.items, o.visible, o.hidden,
               o.batch, o.steps);
    float *items = malloc(o.items * o.visible * sizeof *items);
    int rc = items ? run(&o, rank, items) : 1;
    free(items);
    MPI_Finalize();
    return rc;
}
