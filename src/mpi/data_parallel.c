/*
 * The gradient reduction of data-parallel training over MPI: the one
 * allreduce wrapper that every trained piece gets through the trainer's
 * reduce hook (common.h amem_data_parallel, core/trainer.h).
 */
#include <stdlib.h>

#include "mpi_impl.h"

typedef struct dp_box {
    amem_data_parallel dp; /* first: the box is freed through it */
    MPI_Comm comm;
} dp_box;

/* grad and *loss <- their sums over the ranks (identical everywhere). */
static int allreduce_sum(void *ctx, float *grad, size_t n, double *loss)
{
    MPI_Comm comm = ((dp_box *)ctx)->comm;
    const size_t chunk = (size_t)1 << 28;
    for (size_t at = 0; at < n; at += chunk) {
        size_t part = n - at < chunk ? n - at : chunk;
        if (MPI_Allreduce(MPI_IN_PLACE, grad + at, (int)part, MPI_FLOAT,
                          MPI_SUM, comm) != MPI_SUCCESS)
            return 1;
    }
    if (loss != NULL &&
        MPI_Allreduce(MPI_IN_PLACE, loss, 1, MPI_DOUBLE, MPI_SUM, comm) !=
            MPI_SUCCESS)
        return 1;
    return 0;
}

int amem_mpi_data_parallel_create(MPI_Fint comm, amem_data_parallel **out)
{
    static const char fn[] = "amem_mpi_data_parallel_create";
    MPI_Comm c = MPI_Comm_f2c(comm);
    if (c == MPI_COMM_NULL)
        return amem_mpi__fail(AMEM_E_ARG, fn, "comm is MPI_COMM_NULL");
    dp_box *box = out != NULL ? calloc(1, sizeof *box) : NULL;
    int rc = out == NULL   ? amem_mpi__fail(AMEM_E_NULL, fn, "out is NULL")
             : box == NULL ? amem_mpi__fail(AMEM_E_NOMEM, fn, "no memory")
                           : AMEM_OK;
    rc = amem_mpi__agree(c, rc);
    if (rc != AMEM_OK) {
        free(box);
        if (out != NULL)
            *out = NULL;
        return rc;
    }
    MPI_Comm_dup(c, &box->comm);
    MPI_Comm_rank(box->comm, &box->dp.rank);
    MPI_Comm_size(box->comm, &box->dp.size);
    box->dp.reduce = allreduce_sum;
    box->dp.ctx = box;
    *out = &box->dp;
    return AMEM_OK;
}

void amem_mpi_data_parallel_free(amem_data_parallel *dp)
{
    if (dp == NULL)
        return;
    dp_box *box = (dp_box *)(void *)dp;
    MPI_Comm_free(&box->comm);
    free(box);
}
