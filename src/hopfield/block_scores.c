/*
 * Scores of a tile of queries against a block of stored patterns whatever
 * the keys' encoding: float32 keys are scored in place (similarity.c);
 * compressed keys are either dequantised into a scratch block and scored
 * the same way (many queries: sgemm), or, for a few unmasked queries, read
 * directly by the dot kernel (quant.c), which touches each code once and
 * writes no block: single-query recall is bound by the bytes read.
 */
#include "hopfield_impl.h"
#include "quant.h"

enum {
    /* Query rows up to which compressed keys are read by the dot and
     * axpy kernels instead of being dequantised for sgemm. */
    DIRECT_ROWS = 4
};

/* Keys of patterns j0 .. j0+cols-1 as float32 rows, and their squares
 * in job->sq when a masked similarity needs them. */
static const float *block_keys(const amem__fused_args *a, float *deq,
                               float *sq, size_t j0, size_t cols)
{
    const float *Y = a->Y ? a->Y + j0 * a->d : deq;
    if (a->Y == NULL) {
        amem__qrows q = {a->Yq, a->Yscale, a->dtype, a->d};
        amem__quant_decode(&q, j0, cols, deq);
    }
    if (a->mask != NULL && (a->similarity == AMEM_HOPFIELD_SIM_EUCLIDEAN ||
                            a->similarity == AMEM_HOPFIELD_SIM_COSINE))
        for (size_t i = 0; i < cols * a->d; i++)
            sq[i] = Y[i] * Y[i];
    return Y;
}

/* Few unmasked queries on compressed keys: dot and axpy kernels read the
 * codes directly (memory-bound; no dequantised block is written). */
static int reads_codes(const amem__fused_args *a, size_t rows)
{
    return a->Y == NULL && a->mask == NULL && rows <= DIRECT_ROWS &&
           a->similarity != AMEM_HOPFIELD_SIM_MANHATTAN;
}

static void direct_scores(const amem__fused_args *a, size_t r0, size_t rows,
                          size_t j0, size_t cols, float *S)
{
    amem__qrows q = {a->Yq, a->Yscale, a->dtype, a->d};
    for (size_t r = 0; r < rows; r++)
        amem__quant_dots(&q, j0, cols, a->X + (r0 + r) * a->d, S + r * cols);
    amem__scores_from_dots(a, r0, rows, j0, cols, S);
}

const float *amem__block_scores(const amem__fused_args *a, float *deq,
                                float *sq, size_t r0, size_t rows, size_t j0,
                                size_t cols, float *S, float *tmp)
{
    if (reads_codes(a, rows)) {
        direct_scores(a, r0, rows, j0, cols, S);
        return NULL;
    }
    const float *Y = block_keys(a, deq, sq, j0, cols);
    amem__score_block(a, Y, sq, r0, rows, j0, cols, S, tmp);
    return Y;
}
