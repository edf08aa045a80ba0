/* One process: the plain build's ranks.h (the MPI one is mpi/ranks_mpi.c). */
#include "ranks.h"

int ty_ranks_start(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int ty_ranks_stop(int status) { return status; }

int ty_ranks_count(void) { return 1; }

const char *ty_ranks_build(void) { return "plain"; }

int ty_ranks_is_writer(void) { return 1; }

int ty_ranks_settings(ty_config *cfg)
{
    (void)cfg;
    return 0;
}

int ty_ranks_attach(amem_dam *net)
{
    (void)net;
    return 0;
}

int ty_ranks_share(void *buf, size_t bytes)
{
    (void)buf;
    (void)bytes;
    return 0;
}
