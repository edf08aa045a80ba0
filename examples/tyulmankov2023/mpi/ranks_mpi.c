/*
 * Every rank of MPI_COMM_WORLD: the MPI build's ranks.h (the plain one is
 * ranks_one.c). Each network trains data-parallel through one description
 * made at the start (libassocmem-mpi, docs/distributed.md).
 */
#define AMEM_EXPERIMENTAL_API /* amem_dam_set_data_parallel */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include <assocmem/assocmem.h>
#include <assocmem/mpi.h>

#include "ranks.h"
#include "run.h"

static struct {
    int rank, size;
    amem_data_parallel *dp; /* shared by every network of the process */
} world = {0, 1, NULL};

int ty_ranks_start(int *argc, char ***argv)
{
    int provided = 0;
    /* Only the main thread calls MPI (one training run at a time). */
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) !=
        MPI_SUCCESS)
        return -1;
    MPI_Comm_rank(MPI_COMM_WORLD, &world.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &world.size);
    int st = amem_mpi_data_parallel_create(MPI_Comm_c2f(MPI_COMM_WORLD),
                                           &world.dp);
    return st == AMEM_OK ? 0 : ty_fail("amem_mpi_data_parallel_create", st);
}

int ty_ranks_stop(int status)
{
    int started = 0;
    if (MPI_Initialized(&started) != MPI_SUCCESS || !started)
        return status;
    if (status != EXIT_SUCCESS) {
        fprintf(stderr, "tyulmankov2023: rank %d failed; stopping all %d "
                        "ranks\n", world.rank, world.size);
        MPI_Abort(MPI_COMM_WORLD, status);
    }
    amem_mpi_data_parallel_free(world.dp);
    world.dp = NULL;
    MPI_Finalize();
    return status;
}

int ty_ranks_count(void) { return world.size; }

const char *ty_ranks_build(void) { return "MPI"; }

int ty_ranks_is_writer(void) { return world.rank == 0; }

int ty_ranks_settings(ty_config *cfg)
{
    if (cfg->workers_given && cfg->workers > 1) {
        if (world.rank == 0)
            fprintf(stderr, "tyulmankov2023: --workers %d does not apply "
                    "under MPI: the training runs go one at a time, each "
                    "split over all %d ranks; start more ranks instead "
                    "(mpirun -np N)\n", cfg->workers, world.size);
        return -1;
    }
    cfg->workers = 1;
    if (cfg->threads == 0)
        cfg->threads = 1; /* one core per rank; --threads N for more */
    return 0;
}

int ty_ranks_attach(amem_dam *net)
{
    int st = amem_dam_set_data_parallel(net, world.dp);
    return st == AMEM_OK ? 0 : ty_fail("amem_dam_set_data_parallel", st);
}

int ty_ranks_share(void *buf, size_t bytes)
{
    if (bytes > INT_MAX) {
        fprintf(stderr, "tyulmankov2023: %zu bytes to share\n", bytes);
        return -1;
    }
    return MPI_Bcast(buf, (int)bytes, MPI_BYTE, 0, MPI_COMM_WORLD) ==
                   MPI_SUCCESS ? 0 : -1;
}
