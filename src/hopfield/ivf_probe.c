/*
 * One pruned step for a tile of queries (hopfield.h, "Pruned recall"):
 * score the centroids (amem__score_block against the centroid rows), keep
 * each query's NPROBE best non-empty lists, then walk the lists once in
 * order: the queries that probe list l are gathered into a block, scored
 * against the list's rows with one sgemm per block of rows, and the
 * library's streamed separation (separation.c) updates their running
 * maximum, sum and accumulators, exactly as the fused step does over the
 * whole store (softmax_fused.c). Lists are visited in index order and
 * rows in list order, so a query's result does not depend on the other
 * queries of its tile, up to the rounding of sgemm on different row counts.
 */
#include <math.h>
#include <string.h>

#include "core/blas.h"
#include "ivf_probe.h"

/* Heap of the nprobe best (score, list): a min-heap on score, lower list
 * index first on ties when it was seen first. */
static void sift_down(float *hs, int32_t *hl, size_t n, size_t i)
{
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            return;
        if (c + 1 < n && hs[c + 1] < hs[c])
            c++;
        if (!(hs[c] < hs[i]))
            return;
        float ts = hs[i];
        int32_t tl = hl[i];
        hs[i] = hs[c];
        hl[i] = hl[c];
        hs[c] = ts;
        hl[c] = tl;
        i = c;
    }
}

/* The best non-empty lists of one query into probe (at most nprobe, in
 * any order); returns how many. hs: nprobe floats scratch. */
static size_t select_lists(const amem__ivf *ivf, const float *cs,
                           size_t nprobe, float *hs, int32_t *probe)
{
    size_t n = 0;
    for (size_t l = 0; l < ivf->nlist; l++) {
        if (ivf->offset[l + 1] == ivf->offset[l])
            continue;
        if (n < nprobe) {
            hs[n] = cs[l];
            probe[n++] = (int32_t)l;
            if (n == nprobe)
                for (size_t i = n / 2; i-- > 0;)
                    sift_down(hs, probe, n, i);
        } else if (cs[l] > hs[0]) {
            hs[0] = cs[l];
            probe[0] = (int32_t)l;
            sift_down(hs, probe, n, 0);
        }
    }
    return n;
}

/* Queries of the tile per list (CSR in start / member). */
static void invert(const amem__ivf *ivf, const amem__probe_tile *t,
                   amem__probe_ws *w)
{
    memset(w->start, 0, (ivf->nlist + 1) * sizeof(size_t));
    for (size_t r = 0; r < t->rows; r++)
        for (size_t k = 0; k < w->nprobed[r]; k++)
            w->start[w->probe[r * t->nprobe + k] + 1]++;
    for (size_t l = 1; l <= ivf->nlist; l++)
        w->start[l] += w->start[l - 1];
    memcpy(w->fill, w->start, ivf->nlist * sizeof(size_t));
    for (size_t r = 0; r < t->rows; r++)
        for (size_t k = 0; k < w->nprobed[r]; k++)
            w->member[w->fill[w->probe[r * t->nprobe + k]]++] = (int32_t)r;
}

/* Copy count floats per row between the tile rows and the gathered ones. */
static void move_rows(float *tile, float *g, const int32_t *member,
                      size_t q, size_t count, int to_g)
{
    for (size_t i = 0; i < q; i++) {
        float *row = tile + (size_t)member[i] * count;
        if (to_g)
            memcpy(g + i * count, row, count * sizeof(float));
        else
            memcpy(row, g + i * count, count * sizeof(float));
    }
}

/* Gather (to_g) or scatter the per-query state of the list's members. */
static void move_state(const amem__probe_tile *t, amem__probe_ws *w, size_t q,
                       const int32_t *member, int to_g)
{
    const amem__ivf *ivf = t->ivf;
    move_rows(w->row_max, w->g_max, member, q, 1, to_g);
    move_rows(w->row_sum, w->g_sum, member, q, 1, to_g);
    move_rows(w->best, w->g_best, member, q, 1, to_g);
    move_rows((float *)(void *)w->row_arg, (float *)(void *)w->g_arg, member,
              q, 1, to_g);
    move_rows((float *)(void *)w->best_at, (float *)(void *)w->g_best_at,
              member, q, 1, to_g);
    move_rows(w->acc1, w->g_acc1, member, q, ivf->d, to_g);
    if (ivf->m)
        move_rows(w->acc2, w->g_acc2, member, q, ivf->m, to_g);
}

/* The first largest score of each row, as the running top-1. */
static void track_best(const float *S, size_t q, size_t cols, size_t j0,
                       float *best, int32_t *best_at)
{
    for (size_t i = 0; i < q; i++)
        for (size_t c = 0; c < cols; c++)
            if (S[i * cols + c] > best[i]) {
                best[i] = S[i * cols + c];
                best_at[i] = (int32_t)(j0 + c);
            }
}

/* acc (q x m) = acc * rescale + P V (P: q x cols weights). */
static void accumulate(const float *P, size_t q, size_t cols, const float *V,
                       size_t m, float *acc, const float *rescale)
{
    for (size_t i = 0; i < q; i++)
        if (rescale[i] != 1.0f)
            for (size_t j = 0; j < m; j++)
                acc[i * m + j] *= rescale[i];
    if (q == 1) /* as in similarity.c: no packing copy for one row */
        cblas_sgemv(CblasRowMajor, CblasTrans, (int)cols, (int)m, 1.0f, V,
                    (int)m, P, 1, 1.0f, acc, 1);
    else
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)q,
                    (int)m, (int)cols, 1.0f, P, (int)cols, V, (int)m, 1.0f,
                    acc, (int)m);
}

/* Stream list l's rows through the separation for its q members. */
static void search_list(const amem__probe_tile *t, amem__probe_ws *w,
                        size_t l, const int32_t *member, size_t q)
{
    const amem__ivf *ivf = t->ivf;
    size_t d = ivf->d, end = ivf->offset[l + 1];
    amem__fused_args a = *t->la;
    a.X = w->g_x;
    a.row_sq = w->g_xx;
    move_rows((float *)(void *)t->X, w->g_x, member, q, d, 1);
    move_rows(w->xx, w->g_xx, member, q, 1, 1);
    move_state(t, w, q, member, 1);
    for (size_t j0 = ivf->offset[l]; j0 < end; j0 += AMEM__PROBE_BLOCK) {
        size_t cols = end - j0 < AMEM__PROBE_BLOCK ? end - j0
                                                   : AMEM__PROBE_BLOCK;
        amem__score_block(&a, ivf->keys + j0 * d, NULL, 0, q, j0, cols, w->S,
                          w->S);
        track_best(w->S, q, cols, j0, w->g_best, w->g_best_at);
        if (!amem__sep_block(&a, w->S, q, cols, j0, w->g_max, w->g_sum,
                             w->g_arg, w->rescale))
            continue;
        accumulate(w->S, q, cols, ivf->keys + j0 * d, d, w->g_acc1,
                   w->rescale);
        if (ivf->m)
            accumulate(w->S, q, cols, ivf->values + j0 * ivf->m, ivf->m,
                       w->g_acc2, w->rescale);
    }
    move_state(t, w, q, member, 0);
}

static void start_rows(const amem__probe_tile *t, amem__probe_ws *w)
{
    const amem__ivf *ivf = t->ivf;
    amem__sep_init(t->rows, w->row_max, w->row_sum, w->row_arg);
    for (size_t r = 0; r < t->rows; r++) {
        double s = 0.0;
        for (size_t j = 0; j < ivf->d; j++)
            s += (double)t->X[r * ivf->d + j] * t->X[r * ivf->d + j];
        w->xx[r] = (float)s;
        w->best[r] = -INFINITY;
        w->best_at[r] = 0;
    }
    memset(w->acc1, 0, t->rows * ivf->d * sizeof(float));
    if (ivf->m)
        memset(w->acc2, 0, t->rows * ivf->m * sizeof(float));
}

/* Outputs of row r: normalised accumulators, top-1, count, bound. */
static void finish_row(const amem__probe_tile *t, amem__probe_ws *w, size_t r)
{
    const amem__ivf *ivf = t->ivf;
    int sep = t->la->separation;
    amem__sep_finish(sep, 1, w->row_max + r, w->row_sum + r, w->row_arg + r,
                     w->acc1 + r * ivf->d, ivf->keys, ivf->d);
    memcpy(t->out1 + r * ivf->d, w->acc1 + r * ivf->d, ivf->d * sizeof(float));
    if (ivf->m) {
        amem__sep_finish(sep, 1, w->row_max + r, w->row_sum + r,
                         w->row_arg + r, w->acc2 + r * ivf->m, ivf->values,
                         ivf->m);
        memcpy(t->out2 + r * ivf->m, w->acc2 + r * ivf->m,
               ivf->m * sizeof(float));
    }
    size_t scored = 0;
    const int32_t *probe = w->probe + r * t->nprobe;
    for (size_t k = 0; k < w->nprobed[r]; k++) {
        scored += ivf->offset[probe[k] + 1] - ivf->offset[probe[k]];
        w->mark[probe[k]] = 1;
    }
    amem__ivf_query q = {w->cs + r * ivf->nlist, w->mark, w->xx[r],
                         w->row_max[r], w->row_sum[r]};
    t->bound[r] = amem__ivf_bound(ivf, t->la, &q);
    for (size_t k = 0; k < w->nprobed[r]; k++)
        w->mark[probe[k]] = 0;
    t->scored[r] = scored;
    t->top[r] = (size_t)ivf->position[w->best_at[r]];
}

void amem__probe_tile_run(const amem__probe_tile *t, amem__probe_ws *w)
{
    const amem__ivf *ivf = t->ivf;
    start_rows(t, w);
    amem__fused_args ca = *t->ca;
    ca.X = t->X;
    ca.row_sq = w->xx;
    amem__score_block(&ca, ivf->centroids, NULL, 0, t->rows, 0, ivf->nlist,
                      w->cs, w->cs);
    for (size_t r = 0; r < t->rows; r++)
        w->nprobed[r] = select_lists(ivf, w->cs + r * ivf->nlist, t->nprobe,
                                     w->heap, w->probe + r * t->nprobe);
    invert(ivf, t, w);
    for (size_t l = 0; l < ivf->nlist; l++)
        if (w->start[l + 1] > w->start[l])
            search_list(t, w, l, w->member + w->start[l],
                        w->start[l + 1] - w->start[l]);
    for (size_t r = 0; r < t->rows; r++)
        finish_row(t, w, r);
}
