/*
 * Recall over the sharded store: the queries are broadcast from rank 0,
 * every step runs the library's partial softmax step on each shard
 * (amem_hopfield_recall_partial) and merges the parts (merge.c); the
 * update, the clamp and the stopping rule are those of the single-process
 * recall (hopfield/modern.c), applied to identical merged states on every
 * rank, so every rank takes the same steps.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mpi_impl.h"

typedef struct recall_ws {
    void *block;
    size_t *active;      /* queries still moving */
    float *x;            /* n x d states */
    float *mask;         /* n x d clamp, or NULL */
    float *A;            /* b x d active states */
    float *row_max, *row_sum;
    float *wk, *wv;      /* b x d, b x m partial weighted sums */
    float *acc;          /* b x (d + m) merged [keys | values] */
} recall_ws;

static int ws_alloc(recall_ws *w, size_t n, size_t d, size_t m, int masked)
{
    size_t floats = n * d * (masked ? 3 : 2) + 2 * n + 2 * n * (d + m);
    w->block = malloc(n * sizeof(size_t) + floats * sizeof(float));
    if (w->block == NULL)
        return AMEM_E_NOMEM;
    w->active = w->block;
    w->x = (float *)(w->active + n);
    w->A = w->x + n * d;
    w->mask = masked ? w->A + n * d : NULL;
    w->row_max = w->A + n * d * (masked ? 2 : 1);
    w->row_sum = w->row_max + n;
    w->wk = w->row_sum + n;
    w->wv = w->wk + n * d;
    w->acc = w->wv + n * m;
    return AMEM_OK;
}

/* Every entry 0 or 1, every row with a known entry (hopfield.h). */
static int check_mask(const char *fn, const float *mask, size_t n, size_t d)
{
    for (size_t q = 0; q < n; q++) {
        int known = 0;
        for (size_t i = 0; i < d; i++) {
            float v = mask[q * d + i];
            if (v != 0.0f && v != 1.0f)
                return amem_mpi__fail(AMEM_E_ARG, fn,
                                      "clamp[%zu] = %g, expected 0 or 1",
                                      q * d + i, (double)v);
            known |= v == 1.0f;
        }
        if (!known)
            return amem_mpi__fail(AMEM_E_ARG, fn,
                                  "clamp row %zu has no known entry", q);
    }
    return AMEM_OK;
}

/*
 * One merged step of the b rows in A: acc = [Y^T p | V^T p] per row. Each
 * rank's partial step, then the merge, then the division by the sum.
 */
int amem_mpi__step(const amem_mpi_hopfield *h, const float *A, size_t b,
                   const float *mask, float *row_max, float *row_sum,
                   float *wk, float *wv, float *acc, size_t d, size_t m)
{
    int rc = amem_hopfield_recall_partial(h->local, A, b, mask, row_max,
                                          row_sum, wk, m ? wv : NULL);
    if (rc != AMEM_OK)
        rc = amem_mpi__core_fail(rc, "amem_mpi_hopfield_recall");
    rc = amem_mpi__agree(h->comm, rc);
    if (rc != AMEM_OK)
        return rc;
    for (size_t r = 0; r < b; r++) {
        memcpy(acc + r * (d + m), wk + r * d, d * sizeof(float));
        memcpy(acc + r * (d + m) + d, wv + r * m, m * sizeof(float));
    }
    rc = amem_mpi__merge(h, b, row_max, row_sum, acc, d + m);
    if (rc != AMEM_OK)
        return rc;
    for (size_t r = 0; r < b; r++) {
        float inv = 1.0f / row_sum[r];
        for (size_t j = 0; j < d + m; j++)
            acc[r * (d + m) + j] *= inv;
    }
    return AMEM_OK;
}

/* New state of one query (clamped entries keep the cue): max |dx|. */
static float update_row(float *x, const float *xnew, const float *mask,
                        size_t d)
{
    float moved = 0.0f;
    for (size_t i = 0; i < d; i++) {
        if (mask != NULL && mask[i] != 0.0f)
            continue;
        float delta = fabsf(xnew[i] - x[i]);
        moved = delta > moved ? delta : moved;
        x[i] = xnew[i];
    }
    return moved;
}

/* Step t over the active queries; returns how many keep moving. */
static size_t settle(const amem_mpi_hopfield *h, recall_ws *w, size_t b,
                     float *out, int *steps, int t, int last)
{
    size_t d, m, kept = 0;
    double tol;
    amem_hopfield_dim(h->local, &d);
    amem_hopfield_value_dim(h->local, &m);
    amem_hopfield_get(h->local, AMEM_HOPFIELD_TOLERANCE, &tol);
    for (size_t r = 0; r < b; r++) {
        size_t q = w->active[r];
        const float *row = w->acc + r * (d + m);
        float moved = update_row(w->x + q * d, row,
                                 w->mask ? w->mask + q * d : NULL, d);
        if (m > 0)
            memcpy(out + q * m, row + d, m * sizeof(float));
        if (moved <= (float)tol || last || w->mask != NULL) {
            if (steps != NULL)
                steps[q] = t;
        } else {
            w->active[kept++] = q;
        }
    }
    return kept;
}

static int iterate(const amem_mpi_hopfield *h, recall_ws *w, size_t n,
                   float *out, int *steps)
{
    size_t d, m, b = n;
    double max_steps;
    amem_hopfield_dim(h->local, &d);
    amem_hopfield_value_dim(h->local, &m);
    amem_hopfield_get(h->local, AMEM_HOPFIELD_MAX_STEPS, &max_steps);
    for (size_t q = 0; q < n; q++)
        w->active[q] = q;
    for (int t = 1; t <= (int)max_steps && b > 0; t++) {
        for (size_t r = 0; r < b; r++)
            memcpy(w->A + r * d, w->x + w->active[r] * d, d * sizeof(float));
        int rc = amem_mpi__step(h, w->A, b, w->mask, w->row_max, w->row_sum,
                                w->wk, w->wv, w->acc, d, m);
        if (rc != AMEM_OK)
            return rc;
        b = settle(h, w, b, out, steps, t, t == (int)max_steps);
    }
    if (m == 0)
        memcpy(out, w->x, n * d * sizeof(float));
    return AMEM_OK;
}

int amem_mpi_hopfield_recall(amem_mpi_hopfield *h, const float *queries,
                             size_t n, const float *clamp, float *out,
                             int *steps)
{
    static const char fn[] = "amem_mpi_hopfield_recall";
    if (h == NULL)
        return amem_mpi__fail(AMEM_E_NULL, fn, "h is NULL");
    size_t d, m;
    amem_hopfield_dim(h->local, &d);
    amem_hopfield_value_dim(h->local, &m);
    int rc = amem_mpi__check_batch(fn, h, n, 3 * d + 2 * m + 4, out);
    if (rc == AMEM_OK)
        rc = amem_mpi__same(h->comm, fn, "whether clamp is given",
                            clamp != NULL);
    if (rc != AMEM_OK)
        return rc;
    recall_ws w = {0};
    rc = ws_alloc(&w, n, d, m, clamp != NULL);
    if (rc != AMEM_OK)
        rc = amem_mpi__fail(rc, fn, "cannot allocate %zu states", n);
    rc = amem_mpi__agree(h->comm, rc);
    if (rc == AMEM_OK)
        rc = amem_mpi__bcast_rows(h, fn, "queries", queries, n, d, 1, w.x);
    if (rc == AMEM_OK && clamp != NULL) {
        rc = amem_mpi__bcast_rows(h, fn, "clamp", clamp, n, d, 0, w.mask);
        if (rc == AMEM_OK) /* the same mask on every rank: same status */
            rc = check_mask(fn, w.mask, n, d);
    }
    if (rc == AMEM_OK)
        rc = iterate(h, &w, n, out, steps);
    free(w.block);
    return rc;
}
