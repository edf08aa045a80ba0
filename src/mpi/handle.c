/* The sharded store's handle: create, free, settings, counts, appends. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mpi_impl.h"

int amem_mpi__alloc(const char *fn, MPI_Comm comm, size_t dim,
                    size_t value_dim, amem_mpi_hopfield **out)
{
    amem_mpi_hopfield *h = calloc(1, sizeof *h);
    if (h == NULL)
        return amem_mpi__fail(AMEM_E_NOMEM, fn, "cannot allocate a handle");
    int rc = amem_hopfield_create(AMEM_HOPFIELD_MODERN, dim, value_dim,
                                  &h->local);
    if (rc != AMEM_OK) {
        free(h);
        return amem_mpi__core_fail(rc, fn);
    }
    MPI_Comm_dup(comm, &h->comm);
    MPI_Comm_rank(h->comm, &h->rank);
    MPI_Comm_size(h->comm, &h->size);
    *out = h;
    return AMEM_OK;
}

int amem_mpi_hopfield_create(MPI_Fint comm, size_t dim, size_t value_dim,
                             amem_mpi_hopfield **out)
{
    static const char fn[] = "amem_mpi_hopfield_create";
    MPI_Comm c = MPI_Comm_f2c(comm);
    if (c == MPI_COMM_NULL) /* nothing to agree over */
        return amem_mpi__fail(AMEM_E_ARG, fn, "comm is MPI_COMM_NULL");
    int rc = amem_mpi__same(c, fn, "dim", dim);
    if (rc == AMEM_OK)
        rc = amem_mpi__same(c, fn, "value_dim", value_dim);
    if (rc != AMEM_OK)
        return rc;
    amem_mpi_hopfield *h = NULL;
    if (out == NULL)
        rc = amem_mpi__fail(AMEM_E_NULL, fn, "out is NULL");
    else
        rc = amem_mpi__alloc(fn, c, dim, value_dim, &h);
    rc = amem_mpi__agree(c, rc);
    if (rc != AMEM_OK) {
        amem_mpi_hopfield_free(h);
        if (out != NULL)
            *out = NULL;
        return rc;
    }
    *out = h;
    return AMEM_OK;
}

void amem_mpi_hopfield_free(amem_mpi_hopfield *h)
{
    if (h == NULL)
        return;
    MPI_Comm_free(&h->comm);
    amem_hopfield_free(h->local);
    free(h->ids);
    free(h);
}

int amem_mpi_hopfield_set(amem_mpi_hopfield *h, int param, double value)
{
    static const char fn[] = "amem_mpi_hopfield_set";
    if (h == NULL)
        return amem_mpi__fail(AMEM_E_NULL, fn, "h is NULL");
    uint64_t bits;
    memcpy(&bits, &value, sizeof bits);
    int rc = amem_mpi__same(h->comm, fn, "param", (uint64_t)(int64_t)param);
    if (rc == AMEM_OK)
        rc = amem_mpi__same(h->comm, fn, "value", bits);
    if (rc != AMEM_OK)
        return rc;
    if (param == AMEM_HOPFIELD_SEPARATION &&
        value != AMEM_HOPFIELD_SEP_SOFTMAX)
        return amem_mpi__fail(AMEM_E_UNSUPPORTED, fn,
                              "only the SOFTMAX separation merges across "
                              "ranks");
    rc = amem_hopfield_set(h->local, param, value);
    return rc == AMEM_OK ? AMEM_OK : amem_mpi__core_fail(rc, fn);
}

int amem_mpi_hopfield_get(const amem_mpi_hopfield *h, int param,
                          double *value)
{
    static const char fn[] = "amem_mpi_hopfield_get";
    if (h == NULL || value == NULL)
        return amem_mpi__fail(AMEM_E_NULL, fn, "%s is NULL",
                              h == NULL ? "h" : "value");
    int rc = amem_hopfield_get(h->local, param, value);
    return rc == AMEM_OK ? AMEM_OK : amem_mpi__core_fail(rc, fn);
}

int amem_mpi_hopfield_set_merge(amem_mpi_hopfield *h, int merge)
{
    static const char fn[] = "amem_mpi_hopfield_set_merge";
    if (h == NULL)
        return amem_mpi__fail(AMEM_E_NULL, fn, "h is NULL");
    int rc = amem_mpi__same(h->comm, fn, "merge", (uint64_t)(int64_t)merge);
    if (rc != AMEM_OK)
        return rc;
    if (merge != AMEM_MPI_MERGE_ALLREDUCE && merge != AMEM_MPI_MERGE_RANK_ORDER)
        return amem_mpi__fail(AMEM_E_ARG, fn, "unknown merge %d", merge);
    h->merge = merge;
    return AMEM_OK;
}

int amem_mpi_hopfield_count(const amem_mpi_hopfield *h, size_t *global,
                            size_t *local)
{
    if (h == NULL)
        return amem_mpi__fail(AMEM_E_NULL, "amem_mpi_hopfield_count",
                              "h is NULL");
    if (global != NULL)
        *global = h->global_count;
    if (local != NULL)
        amem_hopfield_count(h->local, local);
    return AMEM_OK;
}

int amem_mpi_hopfield_dim(const amem_mpi_hopfield *h, size_t *out)
{
    if (h == NULL || out == NULL)
        return amem_mpi__fail(AMEM_E_NULL, "amem_mpi_hopfield_dim",
                              "%s is NULL", h == NULL ? "h" : "out");
    return amem_hopfield_dim(h->local, out);
}

int amem_mpi_hopfield_value_dim(const amem_mpi_hopfield *h, size_t *out)
{
    if (h == NULL || out == NULL)
        return amem_mpi__fail(AMEM_E_NULL, "amem_mpi_hopfield_value_dim",
                              "%s is NULL", h == NULL ? "h" : "out");
    return amem_hopfield_value_dim(h->local, out);
}

/* Room for `more` ids after the shard's current rows. */
static int reserve_ids(amem_mpi_hopfield *h, size_t have, size_t more)
{
    if (have + more <= h->id_cap)
        return AMEM_OK;
    size_t cap = h->id_cap ? h->id_cap : 64;
    while (cap < have + more)
        cap *= 2;
    uint64_t *ids = realloc(h->ids, cap * sizeof *ids);
    if (ids == NULL)
        return AMEM_E_NOMEM;
    h->ids = ids;
    h->id_cap = cap;
    return AMEM_OK;
}

static double rows_max_norm_sq(const float *keys, size_t n, size_t d)
{
    double best = 0;
    for (size_t r = 0; r < n; r++) {
        double s = 0;
        for (size_t j = 0; j < d; j++)
            s += (double)keys[r * d + j] * keys[r * d + j];
        best = s > best ? s : best;
    }
    return best;
}

int amem_mpi__append(const char *fn, amem_mpi_hopfield *h, const float *keys,
                     const float *values, const uint64_t *ids, size_t n)
{
    size_t have, d, m;
    amem_hopfield_count(h->local, &have);
    amem_hopfield_dim(h->local, &d);
    amem_hopfield_value_dim(h->local, &m);
    if (n == 0)
        return AMEM_OK;
    if (reserve_ids(h, have, n) != AMEM_OK)
        return amem_mpi__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu ids", n);
    int rc = m > 0 ? amem_hopfield_store_pairs(h->local, keys, values, n)
                   : amem_hopfield_store(h->local, keys, n);
    if (rc != AMEM_OK)
        return amem_mpi__core_fail(rc, fn);
    memcpy(h->ids + have, ids, n * sizeof *ids);
    h->max_norm_sq = fmax(h->max_norm_sq, rows_max_norm_sq(keys, n, d));
    return AMEM_OK;
}

int amem_mpi__bcast_rows(const amem_mpi_hopfield *h, const char *fn,
                         const char *name, const float *src, size_t n,
                         size_t cols, int check_finite, float *dst)
{
    int rc = AMEM_OK;
    if (h->rank == 0 && src == NULL)
        rc = amem_mpi__fail(AMEM_E_NULL, fn, "%s is NULL on rank 0", name);
    for (size_t i = 0; rc == AMEM_OK && h->rank == 0 && check_finite &&
                       i < n * cols; i++)
        if (!isfinite(src[i]))
            rc = amem_mpi__fail(AMEM_E_NONFINITE, fn, "%s[%zu] is not finite",
                                name, i);
    rc = amem_mpi__agree(h->comm, rc);
    if (rc != AMEM_OK)
        return rc;
    if (h->rank == 0)
        memcpy(dst, src, n * cols * sizeof(float));
    /* in chunks: MPI counts are int */
    const size_t chunk = (size_t)1 << 28;
    for (size_t at = 0; at < n * cols; at += chunk) {
        size_t len = n * cols - at < chunk ? n * cols - at : chunk;
        MPI_Bcast(dst + at, (int)len, MPI_FLOAT, 0, h->comm);
    }
    return AMEM_OK;
}

int amem_mpi__check_batch(const char *fn, const amem_mpi_hopfield *h,
                          size_t n, size_t cols, const void *out)
{
    int rc = amem_mpi__same(h->comm, fn, "n", n);
    if (rc != AMEM_OK)
        return rc;
    if (out == NULL)
        rc = amem_mpi__fail(AMEM_E_NULL, fn, "an output is NULL");
    else if (n == 0 || n > (size_t)INT32_MAX || cols > SIZE_MAX / 8 / n)
        rc = amem_mpi__fail(AMEM_E_DIM, fn, "%zu rows", n);
    else if (h->global_count == 0)
        rc = amem_mpi__fail(AMEM_E_STATE, fn, "no patterns stored");
    return amem_mpi__agree(h->comm, rc);
}
