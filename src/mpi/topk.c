/*
 * Top-k over the sharded store: each rank ranks its shard's softmax
 * weights (amem_hopfield_weights, which are normalised over the shard),
 * rescales them to the whole store with the merged parts,
 *     p_mu = p_mu^(k) L_k e^(M_k - M) / L   (lse_merge.h),
 * keeps its best k, and the P k candidates gathered on every rank are
 * ranked once more (weight descending, then id ascending).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hopfield/lse_merge.h"
#include "mpi_impl.h"

enum { MAX_K = 1024 };

typedef struct cand {
    uint64_t id;
    float w;
} cand;

/* a ranks before b: larger weight, then lower id. */
static int before(cand a, cand b)
{
    return a.w > b.w || (a.w == b.w && a.id < b.id);
}

/* Insert c into the sorted best-k list top (k entries). */
static void offer(cand *top, size_t k, cand c)
{
    if (!before(c, top[k - 1]))
        return;
    size_t i = k - 1;
    while (i > 0 && before(c, top[i - 1])) {
        top[i] = top[i - 1];
        i--;
    }
    top[i] = c;
}

static void clear_list(cand *top, size_t k)
{
    for (size_t i = 0; i < k; i++)
        top[i] = (cand){AMEM_MPI_NO_ID, -INFINITY};
}

/* The shard's best k of the rows in x (tile rows at a time). */
static int local_topk(const amem_mpi_hopfield *h, const float *x, size_t n,
                      size_t k, const float *M, const float *L,
                      const float *Mk, const float *Lk, cand *top)
{
    size_t N, d;
    amem_hopfield_count(h->local, &N);
    amem_hopfield_dim(h->local, &d);
    for (size_t q = 0; q < n; q++)
        clear_list(top + q * k, k);
    if (N == 0)
        return AMEM_OK;
    size_t tile = ((size_t)1 << 22) / N;
    tile = tile < 1 ? 1 : tile > n ? n : tile;
    float *W = malloc(tile * N * sizeof(float));
    if (W == NULL)
        return amem_mpi__fail(AMEM_E_NOMEM, "amem_mpi_hopfield_topk",
                              "cannot allocate %zu weights", tile * N);
    for (size_t q0 = 0; q0 < n; q0 += tile) {
        size_t rows = n - q0 < tile ? n - q0 : tile;
        int rc = amem_hopfield_weights(h->local, x + q0 * d, rows, W);
        if (rc != AMEM_OK) {
            free(W);
            return amem_mpi__core_fail(rc, "amem_mpi_hopfield_topk");
        }
        for (size_t r = 0; r < rows; r++) {
            size_t q = q0 + r;
            float f = Lk[q] * amem__lse_weight(Mk[q], M[q]) / L[q];
            for (size_t mu = 0; mu < N; mu++)
                offer(top + q * k, k,
                      (cand){h->ids[mu], W[r * N + mu] * f});
        }
    }
    free(W);
    return AMEM_OK;
}

/* Rank the gathered P k candidates of every row into ids / weights. */
static void final_topk(const cand *all, int P, size_t n, size_t k,
                       uint64_t *ids, float *weights, cand *top)
{
    for (size_t q = 0; q < n; q++) {
        clear_list(top, k);
        for (int p = 0; p < P; p++)
            for (size_t i = 0; i < k; i++)
                offer(top, k, all[((size_t)p * n + q) * k + i]);
        for (size_t i = 0; i < k; i++) {
            ids[q * k + i] = top[i].id;
            weights[q * k + i] = top[i].id == AMEM_MPI_NO_ID ? 0.0f : top[i].w;
        }
    }
}

/* Everything after the states are on every rank. */
static int topk_of(const amem_mpi_hopfield *h, const float *x, size_t n,
                   size_t k, float *parts, cand *mine, cand *all,
                   uint64_t *ids, float *weights)
{
    float *M = parts, *L = M + n, *Mk = L + n, *Lk = Mk + n;
    int rc = amem_hopfield_recall_partial(h->local, x, n, NULL, Mk, Lk, NULL,
                                          NULL);
    if (rc != AMEM_OK)
        rc = amem_mpi__core_fail(rc, "amem_mpi_hopfield_topk");
    rc = amem_mpi__agree(h->comm, rc);
    if (rc != AMEM_OK)
        return rc;
    memcpy(M, Mk, 2 * n * sizeof(float)); /* M, L <- Mk, Lk */
    rc = amem_mpi__merge(h, n, M, L, NULL, 0);
    if (rc == AMEM_OK)
        rc = amem_mpi__agree(h->comm,
                             local_topk(h, x, n, k, M, L, Mk, Lk, mine));
    if (rc != AMEM_OK)
        return rc;
    MPI_Datatype pair;
    MPI_Type_contiguous((int)sizeof(cand), MPI_BYTE, &pair);
    MPI_Type_commit(&pair);
    MPI_Allgather(mine, (int)(n * k), pair, all, (int)(n * k), pair, h->comm);
    MPI_Type_free(&pair);
    final_topk(all, h->size, n, k, ids, weights, mine);
    return AMEM_OK;
}

int amem_mpi_hopfield_topk(amem_mpi_hopfield *h, const float *states,
                           size_t n, size_t k, uint64_t *ids, float *weights)
{
    static const char fn[] = "amem_mpi_hopfield_topk";
    if (h == NULL)
        return amem_mpi__fail(AMEM_E_NULL, fn, "h is NULL");
    size_t d;
    amem_hopfield_dim(h->local, &d);
    int rc = amem_mpi__same(h->comm, fn, "k", k);
    if (rc == AMEM_OK)
        rc = amem_mpi__check_batch(fn, h, n, d + 4 + 2 * MAX_K * h->size,
                                   ids != NULL ? (void *)weights : NULL);
    if (rc != AMEM_OK)
        return rc;
    if (k < 1 || k > MAX_K || n * k > (size_t)INT32_MAX)
        return amem_mpi__fail(AMEM_E_RANGE, fn, "k = %zu (1 to %d)", k,
                              MAX_K);
    float *x = malloc((n * d + 4 * n) * sizeof(float));
    cand *mine = malloc(n * k * sizeof(cand));
    cand *all = malloc((size_t)h->size * n * k * sizeof(cand));
    rc = x && mine && all ? AMEM_OK
                          : amem_mpi__fail(AMEM_E_NOMEM, fn,
                                           "cannot allocate candidates");
    rc = amem_mpi__agree(h->comm, rc);
    if (rc == AMEM_OK)
        rc = amem_mpi__bcast_rows(h, fn, "states", states, n, d, 1, x);
    if (rc == AMEM_OK)
        rc = topk_of(h, x, n, k, x + n * d, mine, all, ids, weights);
    free(x);
    free(mine);
    free(all);
    return rc;
}
