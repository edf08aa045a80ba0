/*
 * Top-k recall (amem_hopfield_recall_topk): one step's separation weights
 * p = sep(sim(Y, x)) of the k largest, with the ids of their patterns.
 * The scores are streamed block by block as in the fused step
 * (block_scores.c, separation.c keeps each query's running maximum, sum
 * and arg-max); each query keeps a min-heap of its k best (score, row),
 * and the weights are computed from the final maximum and sum. Every
 * separation is monotone in the score, so the k best scores are the k
 * largest weights. Memory: n k entries and one tile's blocks, not N.
 */
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "hopfield_impl.h"

enum { TOPK_TILE = 64 };

/* One query's heap: worst entry at the root (lower score, or equal score
 * and later row). */
typedef struct heap {
    float *score;
    size_t *row;
    size_t len, k;
} heap;

static int worse(const heap *h, size_t i, size_t j)
{
    return h->score[i] < h->score[j] ||
           (h->score[i] == h->score[j] && h->row[i] > h->row[j]);
}

static void swap_at(heap *h, size_t i, size_t j)
{
    float s = h->score[i];
    size_t r = h->row[i];
    h->score[i] = h->score[j], h->row[i] = h->row[j];
    h->score[j] = s, h->row[j] = r;
}

static void sift_down(heap *h, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, best = i;
        if (l < h->len && worse(h, l, best))
            best = l;
        if (l + 1 < h->len && worse(h, l + 1, best))
            best = l + 1;
        if (best == i)
            return;
        swap_at(h, i, best);
        i = best;
    }
}

/* Offer (s, row); rows arrive in increasing order, so a tie loses. */
static void offer(heap *h, float s, size_t row)
{
    if (h->len < h->k) {
        size_t i = h->len++;
        h->score[i] = s, h->row[i] = row;
        while (i > 0 && worse(h, i, (i - 1) / 2)) {
            swap_at(h, i, (i - 1) / 2);
            i = (i - 1) / 2;
        }
    } else if (s > h->score[0]) {
        h->score[0] = s, h->row[0] = row;
        sift_down(h, 0);
    }
}

typedef struct topk_ws {
    float *S, *tmp, *deq, *row_max, *row_sum, *score;
    int32_t *row_arg;
    size_t *row;
    void *block;
} topk_ws;

static int ws_alloc(size_t tile, size_t block, size_t d, size_t k,
                    topk_ws *w)
{
    size_t floats, heap_len;
    if (amem__mul_size(tile, k, &heap_len) != 0 ||
        amem__add_size(2 * tile * block + block * d + 3 * tile, heap_len,
                       &floats) != 0)
        return AMEM_E_NOMEM;
    w->block = amem__alloc(floats + heap_len * (sizeof(size_t) /
                                                sizeof(float)), 1,
                           sizeof(float));
    if (w->block == NULL)
        return AMEM_E_NOMEM;
    w->row = w->block;
    w->S = (float *)(w->row + heap_len);
    w->tmp = w->S + tile * block;
    w->deq = w->tmp + tile * block;
    w->row_max = w->deq + block * d;
    w->row_sum = w->row_max + tile;
    w->row_arg = (int32_t *)(void *)(w->row_sum + tile);
    w->score = w->row_sum + 2 * tile;
    return AMEM_OK;
}

/* Stream every block for rows r0 .. r0+rows-1 of a. */
static void scan(const amem__fused_args *a, size_t r0, size_t rows, size_t k,
                 topk_ws *w)
{
    size_t block = amem__pattern_block(a->d);
    float rescale[TOPK_TILE];
    amem__sep_init(rows, w->row_max, w->row_sum, w->row_arg);
    for (size_t r = 0; r < rows; r++)
        w->row_arg[r] = 0;
    heap hp[TOPK_TILE];
    for (size_t r = 0; r < rows; r++)
        hp[r] = (heap){w->score + r * k, w->row + r * k, 0, k};
    for (size_t j0 = 0; j0 < a->N; j0 += block) {
        size_t cols = a->N - j0 < block ? a->N - j0 : block;
        amem__block_scores(a, w->deq, NULL, r0, rows, j0, cols, w->S,
                           w->tmp);
        for (size_t r = 0; r < rows; r++)
            for (size_t c = 0; c < cols; c++)
                offer(&hp[r], w->S[r * cols + c], j0 + c);
        amem__sep_block(a, w->S, rows, cols, j0, w->row_max, w->row_sum,
                        w->row_arg, rescale);
    }
}

/* Sorted best first into the caller's rows of ids and weights. */
static void emit(const amem_hopfield *h, const amem__fused_args *a,
                 size_t rows, size_t k, topk_ws *w, uint64_t *ids,
                 float *weights)
{
    for (size_t r = 0; r < rows; r++) {
        heap hp = {w->score + r * k, w->row + r * k, k, k};
        for (size_t i = k; i-- > 0;) { /* pop the worst into slot i */
            swap_at(&hp, 0, i);
            hp.len = i;
            sift_down(&hp, 0);
        }
        for (size_t i = 0; i < k; i++) {
            ids[r * k + i] = h->ids[hp.row[i]];
            if (weights != NULL)
                weights[r * k + i] = amem__sep_weight(
                    a, hp.score[i], hp.row[i], w->row_max[r], w->row_sum[r],
                    w->row_arg[r]);
        }
    }
}

static int check_args(const char *fn, const amem_hopfield *h,
                      const float *queries, size_t n, size_t k,
                      const uint64_t *ids_out)
{
    AMEM__CHECK_NULL(h, fn);
    AMEM__CHECK_NULL(ids_out, fn);
    int rc = amem__hopfield_check_modern(fn, h, "top-k recall");
    if (rc == AMEM_OK)
        rc = amem__check_array(fn, "queries", queries, n, h->dim);
    if (rc != AMEM_OK)
        return rc;
    if (h->count == 0)
        return amem__fail(AMEM_E_STATE, fn, "nothing is stored");
    size_t len;
    if (k == 0 || k > h->count || amem__mul_size(n, k, &len) != 0)
        return amem__fail(AMEM_E_DIM, fn, "k = %zu with %zu stored", k,
                          h->count);
    return AMEM_OK;
}

int amem_hopfield_recall_topk(amem_hopfield *h, const float *queries,
                              size_t n, size_t k, uint64_t *ids_out,
                              float *weights_out)
{
    static const char fn[] = "amem_hopfield_recall_topk";
    int rc = check_args(fn, h, queries, n, k, ids_out);
    if (rc != AMEM_OK)
        return rc;
    size_t tile = n < TOPK_TILE ? n : TOPK_TILE;
    topk_ws w;
    if (ws_alloc(tile, amem__pattern_block(h->dim), h->dim, k, &w) != 0)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate the top-k "
                          "buffers");
    amem__fused_args a = amem__modern_args(h);
    float row_sq[TOPK_TILE];
    for (size_t q0 = 0; q0 < n; q0 += tile) {
        size_t rows = n - q0 < tile ? n - q0 : tile;
        a.X = queries + q0 * h->dim;
        a.row_sq = row_sq;
        amem__row_sq(&a, a.X, rows, row_sq);
        scan(&a, 0, rows, k, &w);
        emit(h, &a, rows, k, &w, ids_out + q0 * k,
             weights_out ? weights_out + q0 * k : NULL);
    }
    free(w.block);
    return AMEM_OK;
}
