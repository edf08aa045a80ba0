/*
 * Appending to the sharded store: every rank passes its own rows; rows
 * without ids take the next free ones (rank 0's rows first); each row goes
 * to its owner, id mod P, in one all-to-all exchange of ids, keys and
 * values.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mpi_impl.h"

/* The rows bound for each rank, grouped by owner. */
typedef struct routed {
    int *count, *displ;   /* rows per rank and their first row (P each) */
    int *next;            /* P: rows placed so far per rank */
    int *scratch;         /* 4 P: counts and displacements in entries */
    uint64_t *ids;        /* n ids grouped */
    float *keys, *values; /* n x d, n x m grouped */
} routed;

static int check_rows(const char *fn, const amem_mpi_hopfield *h,
                      const float *keys, const float *values, size_t n,
                      const uint64_t *ids)
{
    size_t d, m;
    amem_hopfield_dim(h->local, &d);
    amem_hopfield_value_dim(h->local, &m);
    if (m == 0 && values != NULL)
        return amem_mpi__fail(AMEM_E_UNSUPPORTED, fn,
                              "values for an autoassociative store");
    if (n == 0)
        return AMEM_OK;
    if (n > (size_t)INT32_MAX / (d + m + 2))
        return amem_mpi__fail(AMEM_E_DIM, fn, "%zu rows in one call", n);
    if (keys == NULL || (m > 0 && values == NULL))
        return amem_mpi__fail(AMEM_E_NULL, fn, "%s is NULL",
                              keys == NULL ? "keys" : "values");
    for (size_t i = 0; i < n * d; i++)
        if (!isfinite(keys[i]))
            return amem_mpi__fail(AMEM_E_NONFINITE, fn,
                                  "keys[%zu] is not finite", i);
    for (size_t i = 0; i < n * m; i++)
        if (!isfinite(values[i]))
            return amem_mpi__fail(AMEM_E_NONFINITE, fn,
                                  "values[%zu] is not finite", i);
    for (size_t i = 0; ids != NULL && i < n; i++)
        if (ids[i] == AMEM_MPI_NO_ID)
            return amem_mpi__fail(AMEM_E_ARG, fn, "ids[%zu] is NO_ID", i);
    return AMEM_OK;
}

/* ids[i] = the next free ids, rank 0's rows first. */
static void assign_ids(const amem_mpi_hopfield *h, size_t n, uint64_t *ids)
{
    uint64_t mine = n, before = 0;
    MPI_Exscan(&mine, &before, 1, MPI_UINT64_T, MPI_SUM, h->comm);
    if (h->rank == 0)
        before = 0; /* MPI_Exscan leaves rank 0's result undefined */
    for (size_t i = 0; i < n; i++)
        ids[i] = h->next_id + before + i;
}

static void group_rows(const amem_mpi_hopfield *h, const float *keys,
                       const float *values, size_t n, const uint64_t *ids,
                       routed *s)
{
    size_t d, m, P = (size_t)h->size;
    amem_hopfield_dim(h->local, &d);
    amem_hopfield_value_dim(h->local, &m);
    memset(s->count, 0, P * sizeof(int));
    for (size_t i = 0; i < n; i++)
        s->count[ids[i] % P]++;
    int *at = s->displ;
    at[0] = 0;
    for (size_t p = 1; p < P; p++)
        at[p] = at[p - 1] + s->count[p - 1];
    int *next = s->next;
    memset(next, 0, P * sizeof(int));
    for (size_t i = 0; i < n; i++) {
        size_t p = ids[i] % P, row = (size_t)(at[p] + next[p]++);
        s->ids[row] = ids[i];
        memcpy(s->keys + row * d, keys + i * d, d * sizeof(float));
        if (m > 0)
            memcpy(s->values + row * m, values + i * m, m * sizeof(float));
    }
}

static int routed_alloc(routed *r, size_t P, size_t n, size_t d, size_t m)
{
    r->count = malloc(7 * P * sizeof(int));
    r->displ = r->count ? r->count + P : NULL;
    r->next = r->count ? r->count + 2 * P : NULL;
    r->scratch = r->count ? r->count + 3 * P : NULL;
    r->ids = malloc((n ? n : 1) * sizeof(uint64_t));
    r->keys = malloc((n * d + n * m + 1) * sizeof(float));
    r->values = r->keys ? r->keys + n * d : NULL;
    return r->count && r->ids && r->keys ? AMEM_OK : AMEM_E_NOMEM;
}

static void routed_free(routed *r)
{
    free(r->count);
    free(r->ids);
    free(r->keys);
}

/* counts and displacements scaled by w (entries per row). */
static void scaled(const routed *r, int P, int w, int *count, int *displ)
{
    for (int p = 0; p < P; p++) {
        count[p] = r->count[p] * w;
        displ[p] = r->displ[p] * w;
    }
}

static void exchange(const amem_mpi_hopfield *h, const routed *s, routed *r)
{
    size_t d, m;
    int P = h->size;
    amem_hopfield_dim(h->local, &d);
    amem_hopfield_value_dim(h->local, &m);
    int *sc = s->scratch, *sd = sc + P;
    int *rc = sd + P, *rd = rc + P;
    MPI_Alltoallv(s->ids, s->count, s->displ, MPI_UINT64_T, r->ids, r->count,
                  r->displ, MPI_UINT64_T, h->comm);
    scaled(s, P, (int)d, sc, sd);
    scaled(r, P, (int)d, rc, rd);
    MPI_Alltoallv(s->keys, sc, sd, MPI_FLOAT, r->keys, rc, rd, MPI_FLOAT,
                  h->comm);
    if (m > 0) {
        scaled(s, P, (int)m, sc, sd);
        scaled(r, P, (int)m, rc, rd);
        MPI_Alltoallv(s->values, sc, sd, MPI_FLOAT, r->values, rc, rd,
                      MPI_FLOAT, h->comm);
    }
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* AMEM_E_ARG when an incoming id is stored already or comes twice. */
static int check_unique(const char *fn, const amem_mpi_hopfield *h,
                        const uint64_t *in, size_t n)
{
    size_t have;
    amem_hopfield_count(h->local, &have);
    uint64_t *all = malloc((have + n + 1) * sizeof(uint64_t));
    if (all == NULL)
        return amem_mpi__fail(AMEM_E_NOMEM, fn, "cannot check %zu ids", n);
    memcpy(all, h->ids, have * sizeof(uint64_t));
    memcpy(all + have, in, n * sizeof(uint64_t));
    qsort(all, have + n, sizeof(uint64_t), cmp_u64);
    int rc = AMEM_OK;
    for (size_t i = 1; i < have + n && rc == AMEM_OK; i++)
        if (all[i] == all[i - 1])
            rc = amem_mpi__fail(AMEM_E_ARG, fn, "id %llu is stored already "
                                "or given twice",
                                (unsigned long long)all[i]);
    free(all);
    return rc;
}

/* The rows this rank receives: counts first, then the exchange. */
static int receive(const char *fn, amem_mpi_hopfield *h, const routed *s,
                   routed *r, size_t *n_in)
{
    size_t d, m, P = (size_t)h->size;
    amem_hopfield_dim(h->local, &d);
    amem_hopfield_value_dim(h->local, &m);
    int *count = malloc(P * sizeof(int));
    int rc = amem_mpi__agree(h->comm, count ? AMEM_OK : AMEM_E_NOMEM);
    if (rc != AMEM_OK) {
        free(count);
        return rc;
    }
    MPI_Alltoall(s->count, 1, MPI_INT, count, 1, MPI_INT, h->comm);
    uint64_t total = 0;
    for (size_t p = 0; p < P; p++)
        total += (uint64_t)count[p];
    rc = total > (uint64_t)INT32_MAX / (d + m + 2)
             ? amem_mpi__fail(AMEM_E_DIM, fn, "%llu rows for one rank",
                              (unsigned long long)total)
             : routed_alloc(r, P, (size_t)total, d, m);
    if (rc == AMEM_E_NOMEM)
        amem_mpi__fail(rc, fn, "cannot allocate %llu rows",
                       (unsigned long long)total);
    if (r->count != NULL) {
        memcpy(r->count, count, P * sizeof(int));
        r->displ[0] = 0;
        for (size_t p = 1; p < P; p++)
            r->displ[p] = r->displ[p - 1] + r->count[p - 1];
    }
    free(count);
    rc = amem_mpi__agree(h->comm, rc);
    if (rc == AMEM_OK)
        exchange(h, s, r);
    *n_in = (size_t)total;
    return rc;
}

/* Route, check and append; the caller agreed on the arguments. */
static int route_and_append(const char *fn, amem_mpi_hopfield *h,
                            const float *keys, const float *values, size_t n,
                            const uint64_t *ids)
{
    size_t d, m, n_in = 0;
    amem_hopfield_dim(h->local, &d);
    amem_hopfield_value_dim(h->local, &m);
    routed s = {0}, r = {0};
    uint64_t *own = NULL; /* the assigned ids when none are given */
    int rc = routed_alloc(&s, (size_t)h->size, n, d, m);
    if (rc == AMEM_OK && ids == NULL &&
        (own = malloc((n ? n : 1) * sizeof(uint64_t))) == NULL)
        rc = AMEM_E_NOMEM;
    if (rc != AMEM_OK)
        rc = amem_mpi__fail(rc, fn, "cannot allocate %zu rows", n);
    rc = amem_mpi__agree(h->comm, rc);
    if (rc == AMEM_OK) {
        if (own != NULL) {
            assign_ids(h, n, own);
            ids = own;
        }
        group_rows(h, keys, values, n, ids, &s);
        rc = receive(fn, h, &s, &r, &n_in);
    }
    free(own);
    if (rc == AMEM_OK)
        rc = amem_mpi__agree(h->comm, check_unique(fn, h, r.ids, n_in));
    if (rc == AMEM_OK)
        rc = amem_mpi__agree(h->comm, amem_mpi__append(fn, h, r.keys,
                                                       r.values, r.ids, n_in));
    routed_free(&s);
    routed_free(&r);
    return rc;
}

int amem_mpi_hopfield_store(amem_mpi_hopfield *h, const float *keys,
                            const float *values, size_t n,
                            const uint64_t *ids)
{
    static const char fn[] = "amem_mpi_hopfield_store";
    if (h == NULL)
        return amem_mpi__fail(AMEM_E_NULL, fn, "h is NULL");
    int rc = amem_mpi__same(h->comm, fn, "whether ids are given",
                            ids != NULL);
    if (rc != AMEM_OK)
        return rc;
    rc = amem_mpi__agree(h->comm, check_rows(fn, h, keys, values, n, ids));
    if (rc == AMEM_OK)
        rc = route_and_append(fn, h, keys, values, n, ids);
    if (rc != AMEM_OK)
        return rc;
    uint64_t rows = n, top = 0;
    size_t have;
    amem_hopfield_count(h->local, &have);
    for (size_t i = 0; i < have; i++)
        top = h->ids[i] + 1 > top ? h->ids[i] + 1 : top;
    MPI_Allreduce(MPI_IN_PLACE, &rows, 1, MPI_UINT64_T, MPI_SUM, h->comm);
    MPI_Allreduce(MPI_IN_PLACE, &top, 1, MPI_UINT64_T, MPI_MAX, h->comm);
    h->global_count += (size_t)rows;
    h->next_id = top > h->next_id ? top : h->next_id;
    return AMEM_OK;
}
