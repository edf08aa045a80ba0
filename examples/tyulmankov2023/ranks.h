/*
 * The processes that run this example together. The plain build links
 * ranks_one.c: one process. The MPI build (`make mpi-examples`, linked
 * against libassocmem-mpi) links mpi/ranks_mpi.c instead: the same program
 * on every rank of MPI_COMM_WORLD. There every rank holds the same data,
 * makes the same runs in the same order, one at a time, and trains each
 * network data-parallel over all ranks (one MPI_Allreduce of the gradient
 * per step, docs/distributed.md); rank 0 alone reads and writes files and
 * prints progress.
 *
 * Collective calls (every rank makes them, in the same order):
 * ty_ranks_start, every training step of an attached network,
 * ty_ranks_share and ty_ranks_stop. A rank that fails does not go on to
 * the next collective: it returns to main, whose ty_ranks_stop(failure)
 * ends every rank (MPI_Abort), so the others never wait for it.
 */
#ifndef TY_RANKS_H
#define TY_RANKS_H

#include <stddef.h>

#include <assocmem/dam.h>

#include "config.h"

/* First thing in main: join the other ranks. 0, or -1 (printed). */
int ty_ranks_start(int *argc, char ***argv);

/*
 * Last thing in main: status is the program's exit status. EXIT_SUCCESS
 * leaves MPI on every rank together; anything else ends every rank at once
 * (MPI_Abort), wherever the others are. Returns status (plain build).
 */
int ty_ranks_stop(int status);

/* Number of ranks (1 in the plain build). */
int ty_ranks_count(void);

/* "plain" or "MPI", for the report. */
const char *ty_ranks_build(void);

/* 1 on the rank that writes files and prints progress (rank 0). */
int ty_ranks_is_writer(void);

/*
 * Settings that change under MPI: one training run at a time (--workers
 * above 1 is refused) and one BLAS thread per rank unless --threads says
 * otherwise. 0, or -1 (printed). Nothing changes in the plain build.
 */
int ty_ranks_settings(ty_config *cfg);

/* Train net over all ranks (before its first training step). 0 or -1. */
int ty_ranks_attach(amem_dam *net);

/* Every rank's buf[bytes] <- rank 0's (a decision rank 0 made). 0 or -1. */
int ty_ranks_share(void *buf, size_t bytes);

#endif
