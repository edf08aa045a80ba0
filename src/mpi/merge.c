/*
 * The merge of the ranks' parts of a softmax step (mpi.h): per query row
 * the maximum M_k, the sum L_k and the weighted sum acc_k of every rank,
 * merged by the library's one log-sum-exp weight (hopfield/lse_merge.h):
 *     M = max_k M_k,  w_k = e^(M_k - M),
 *     L = sum_k w_k L_k,  acc = sum_k w_k acc_k.
 * ALLREDUCE: a MAX allreduce of M, each rank rescales its L and acc by
 * w_k, one SUM allreduce of [L ; acc]. RANK_ORDER: one allgather of
 * [M ; L ; acc] and the sums taken in rank order, the same bits on every
 * run (MPI's sum order is its own).
 */
#include <stdlib.h>
#include <string.h>

#include "hopfield/lse_merge.h"
#include "mpi_impl.h"

/* MPI counts are int: large buffers go in pieces. */
static void allreduce_floats(float *buf, size_t len, MPI_Op op, MPI_Comm c)
{
    const size_t chunk = (size_t)1 << 28;
    for (size_t at = 0; at < len; at += chunk) {
        size_t part = len - at < chunk ? len - at : chunk;
        MPI_Allreduce(MPI_IN_PLACE, buf + at, (int)part, MPI_FLOAT, op, c);
    }
}

/* [L ; acc] of b rows in one buffer: b + b cols floats. */
static void pack(size_t b, const float *row_sum, const float *acc,
                 size_t cols, float *buf)
{
    memcpy(buf, row_sum, b * sizeof(float));
    if (cols > 0)
        memcpy(buf + b, acc, b * cols * sizeof(float));
}

static void unpack(size_t b, const float *buf, float *row_sum, float *acc,
                   size_t cols)
{
    memcpy(row_sum, buf, b * sizeof(float));
    if (cols > 0)
        memcpy(acc, buf + b, b * cols * sizeof(float));
}

static int merge_allreduce(const amem_mpi_hopfield *h, size_t b,
                           float *row_max, float *row_sum, float *acc,
                           size_t cols)
{
    float *mine = malloc(b * sizeof(float));
    float *buf = malloc((b + b * cols) * sizeof(float));
    int rc = amem_mpi__agree(h->comm, mine && buf ? AMEM_OK : AMEM_E_NOMEM);
    if (rc == AMEM_OK) {
        memcpy(mine, row_max, b * sizeof(float));
        allreduce_floats(row_max, b, MPI_MAX, h->comm);
        for (size_t r = 0; r < b; r++) {
            float w = amem__lse_weight(mine[r], row_max[r]);
            row_sum[r] *= w;
            for (size_t j = 0; j < cols; j++)
                acc[r * cols + j] *= w;
        }
        pack(b, row_sum, acc, cols, buf);
        allreduce_floats(buf, b + b * cols, MPI_SUM, h->comm);
        unpack(b, buf, row_sum, acc, cols);
    }
    free(mine);
    free(buf);
    return rc;
}

/* Rank k's gathered parts: [M (b) ; L (b) ; acc (b cols)]. */
static void fold_ranks(const float *all, int P, size_t b, size_t cols,
                       float *row_max, float *row_sum, float *acc)
{
    size_t stride = 2 * b + b * cols;
    for (size_t r = 0; r < b; r++) {
        float top = -INFINITY, sum = 0.0f;
        for (int k = 0; k < P; k++)
            top = fmaxf(top, all[k * stride + r]);
        for (size_t j = 0; j < cols; j++)
            acc[r * cols + j] = 0.0f;
        for (int k = 0; k < P; k++) {
            const float *part = all + k * stride;
            float w = amem__lse_weight(part[r], top);
            sum += w * part[b + r];
            for (size_t j = 0; j < cols; j++)
                acc[r * cols + j] += w * part[2 * b + r * cols + j];
        }
        row_max[r] = top;
        row_sum[r] = sum;
    }
}

static int merge_rank_order(const amem_mpi_hopfield *h, size_t b,
                            float *row_max, float *row_sum, float *acc,
                            size_t cols)
{
    size_t stride = 2 * b + b * cols;
    int rc = AMEM_OK;
    if (stride > (size_t)INT32_MAX)
        rc = amem_mpi__fail(AMEM_E_DIM, "amem_mpi_hopfield",
                            "%zu floats per rank are too many to gather "
                            "in rank order", stride);
    float *mine = malloc(stride * sizeof(float));
    float *all = malloc(stride * (size_t)h->size * sizeof(float));
    if (rc == AMEM_OK && (mine == NULL || all == NULL))
        rc = amem_mpi__fail(AMEM_E_NOMEM, "amem_mpi_hopfield",
                            "cannot allocate the gathered parts");
    rc = amem_mpi__agree(h->comm, rc);
    if (rc == AMEM_OK) {
        memcpy(mine, row_max, b * sizeof(float));
        pack(b, row_sum, acc, cols, mine + b);
        MPI_Allgather(mine, (int)stride, MPI_FLOAT, all, (int)stride,
                      MPI_FLOAT, h->comm);
        fold_ranks(all, h->size, b, cols, row_max, row_sum, acc);
    }
    free(mine);
    free(all);
    return rc;
}

int amem_mpi__merge(const amem_mpi_hopfield *h, size_t b, float *row_max,
                    float *row_sum, float *acc, size_t cols)
{
    if (h->merge == AMEM_MPI_MERGE_RANK_ORDER)
        return merge_rank_order(h, b, row_max, row_sum, acc, cols);
    return merge_allreduce(h, b, row_max, row_sum, acc, cols);
}
