/* The last error of libassocmem-mpi and the agreement of statuses. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mpi_impl.h"

enum { MSG_LEN = 512 };

static _Thread_local char last_error[MSG_LEN];

const char *amem_mpi_last_error(void) { return last_error; }

int amem_mpi__fail(int rc, const char *fn, const char *fmt, ...)
{
    char msg[MSG_LEN - 64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(last_error, sizeof last_error, "%s: %s", fn, msg);
    return rc;
}

int amem_mpi__core_fail(int rc, const char *fn)
{
    return amem_mpi__fail(rc, fn, "%s", amem_last_error());
}

int amem_mpi__agree(MPI_Comm comm, int rc)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    struct {
        int status, rank;
    } mine = {rc, rank}, low;
    MPI_Allreduce(&mine, &low, 1, MPI_2INT, MPI_MINLOC, comm);
    if (low.status == AMEM_OK)
        return AMEM_OK;
    char msg[MSG_LEN];
    if (rank == low.rank)
        memcpy(msg, last_error, sizeof msg);
    MPI_Bcast(msg, MSG_LEN, MPI_CHAR, low.rank, comm);
    msg[MSG_LEN - 1] = '\0';
    snprintf(last_error, sizeof last_error, "rank %d: %s", low.rank, msg);
    return low.status;
}

int amem_mpi__same(MPI_Comm comm, const char *fn, const char *what,
                   uint64_t v)
{
    uint64_t lo, hi;
    MPI_Allreduce(&v, &lo, 1, MPI_UINT64_T, MPI_MIN, comm);
    MPI_Allreduce(&v, &hi, 1, MPI_UINT64_T, MPI_MAX, comm);
    if (lo == hi)
        return AMEM_OK;
    return amem_mpi__fail(AMEM_E_ARG, fn,
                          "%s differs between ranks (%llu to %llu)", what,
                          (unsigned long long)lo, (unsigned long long)hi);
}
