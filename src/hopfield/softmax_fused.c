/*
 * The fused modern-Hopfield step
 *     out (b x m) = softmax_rows(scale * X Y^T) V
 * (and optionally out2 = softmax(...) V2 from the same weights)
 * computed over the N stored patterns in blocks, with a streaming softmax:
 * for each block the scores S = scale X Y_blk^T (one sgemm), each row's
 * running maximum M and sum L are updated as
 *     M' = max(M, max S),  L' = L e^(M - M') + sum e^(S - M'),
 *     acc <- acc e^(M - M') + e^(S - M') V_blk     (second sgemm),
 * and out = acc / L at the end. Queries are tiled so the score block stays
 * in cache; the b x N score matrix is never formed or re-read.
 */
#include <math.h>
#include <stddef.h>

#include "core/blas.h"
#include "hopfield_impl.h"

/* Tile sizes (overridable at build time for tuning). */
#ifndef AMEM_HOPFIELD_QUERY_TILE
#define AMEM_HOPFIELD_QUERY_TILE 256
#endif
/* Patterns per score block: 256 for wide patterns; for narrow ones
 * (d < 256) the two sgemms per block are cheap, so larger blocks amortise
 * the per-call overhead (measured on bench_hopfield, d = 64). */
#ifndef AMEM_HOPFIELD_PATTERN_BLOCK
#define AMEM_HOPFIELD_PATTERN_BLOCK 256
#endif
#define NARROW_BLOCK (4 * AMEM_HOPFIELD_PATTERN_BLOCK)
enum { QUERY_TILE = AMEM_HOPFIELD_QUERY_TILE /* rows of X per tile */ };

static size_t pattern_block(size_t d)
{
    return d < 256 ? NARROW_BLOCK : AMEM_HOPFIELD_PATTERN_BLOCK;
}

size_t amem__fused_ws_len(size_t b, size_t d)
{
    size_t rows = b < QUERY_TILE ? b : QUERY_TILE;
    return rows * pattern_block(d) + 2 * rows;
}

static void scale_rows(float *a, size_t rows, size_t m, const float *c)
{
    for (size_t r = 0; r < rows; r++)
        if (c[r] != 1.0f)
            for (size_t j = 0; j < m; j++)
                a[r * m + j] *= c[r];
}

/*
 * Online softmax update of one score block: S <- exp(S - M'), sums and
 * maxima updated, and rescale[r] = e^(M - M') for the accumulators.
 */
static void online_block(float *S, size_t rows, size_t cols, float *row_max,
                         float *row_sum, float *rescale)
{
    for (size_t r = 0; r < rows; r++) {
        float *s = S + r * cols;
        float top = amem__vec_max(s, cols);
        rescale[r] = 1.0f;
        if (top > row_max[r]) {
            /* exp(-inf) = 0 on the first block: sums start at 0. */
            rescale[r] = expf(row_max[r] - top);
            row_sum[r] *= rescale[r];
            row_max[r] = top;
        }
        row_sum[r] += amem__vec_exp_shift_sum(s, cols, row_max[r]);
    }
}

/* acc (rows x m) = acc * rescale + P V_blk; first block overwrites. */
static void accumulate(const float *P, size_t rows, size_t cols,
                       const float *V, size_t m, float *acc,
                       const float *rescale, int first)
{
    if (V == NULL)
        return;
    if (!first)
        scale_rows(acc, rows, m, rescale);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)m,
                (int)cols, 1.0f, P, (int)cols, V, (int)m, first ? 0.0f : 1.0f,
                acc, (int)m);
}

static void normalise(float *acc, size_t rows, size_t m, const float *sum)
{
    for (size_t r = 0; r < rows && acc != NULL; r++) {
        float inv = 1.0f / sum[r];
        for (size_t j = 0; j < m; j++)
            acc[r * m + j] *= inv;
    }
}

static void fused_tile(const amem__fused_args *a, size_t r0, size_t rows,
                       float *ws)
{
    size_t block = pattern_block(a->d);
    float *S = ws;
    float *row_max = S + rows * block;
    float *row_sum = row_max + rows;
    float rescale[QUERY_TILE];
    float *out1 = a->out1 + r0 * a->m1;
    float *out2 = a->out2 ? a->out2 + r0 * a->m2 : NULL;
    for (size_t r = 0; r < rows; r++) {
        row_max[r] = -INFINITY;
        row_sum[r] = 0.0f;
    }
    for (size_t j0 = 0; j0 < a->N; j0 += block) {
        size_t cols = a->N - j0 < block ? a->N - j0 : block;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows,
                    (int)cols, (int)a->d, a->scale, a->X + r0 * a->d,
                    (int)a->d, a->Y + j0 * a->d, (int)a->d, 0.0f, S,
                    (int)cols);
        online_block(S, rows, cols, row_max, row_sum, rescale);
        accumulate(S, rows, cols, a->V1 + j0 * a->m1, a->m1, out1, rescale,
                   j0 == 0);
        if (a->V2 != NULL)
            accumulate(S, rows, cols, a->V2 + j0 * a->m2, a->m2, out2,
                       rescale, j0 == 0);
    }
    normalise(out1, rows, a->m1, row_sum);
    normalise(out2, rows, a->m2, row_sum);
}

void amem__fused_softmax_step(const amem__fused_args *a, float *ws)
{
    for (size_t r0 = 0; r0 < a->b; r0 += QUERY_TILE) {
        size_t rows = a->b - r0 < QUERY_TILE ? a->b - r0 : QUERY_TILE;
        fused_tile(a, r0, rows, ws);
    }
}
