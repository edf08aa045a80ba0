/* Buffers of one pruned-recall job (ivf_probe.h), three allocations. */
#include <stdlib.h>

#include "core/check.h"
#include "ivf_probe.h"

/* Carve n floats (int32 entries use float-sized slots) off *at. */
static float *take(float **at, size_t n)
{
    float *p = *at;
    *at += n;
    return p;
}

static int32_t *take_i32(float **at, size_t n)
{
    return (int32_t *)(void *)take(at, n);
}

/* Floats of the float block for tiles of `rows` queries. */
static int float_len(const amem__ivf *ivf, size_t rows, size_t nprobe,
                     size_t *len)
{
    size_t wide = 3 * ivf->d + 2 * ivf->m + 1, a, b, c;
    /* cs, probe + member, S, per-row vectors, accumulators */
    if (amem__mul_size(rows, ivf->nlist, &a) != 0 ||
        amem__mul_size(rows, 2 * nprobe, &b) != 0 ||
        amem__mul_size(rows, AMEM__PROBE_BLOCK + 13, &c) != 0 ||
        amem__add_size(a, b, &a) != 0 || amem__add_size(a, c, &a) != 0 ||
        amem__mul_size(rows, wide, &b) != 0 || amem__add_size(a, b, &a) != 0)
        return -1;
    return amem__add_size(a, nprobe, len);
}

static void carve(amem__probe_ws *w, const amem__ivf *ivf, size_t rows,
                  size_t nprobe)
{
    float *at = w->floats;
    w->cs = take(&at, rows * ivf->nlist);
    w->heap = take(&at, nprobe);
    w->probe = take_i32(&at, rows * nprobe);
    w->member = take_i32(&at, rows * nprobe);
    w->S = take(&at, rows * AMEM__PROBE_BLOCK);
    w->xx = take(&at, rows);
    w->row_max = take(&at, rows);
    w->row_sum = take(&at, rows);
    w->best = take(&at, rows);
    w->row_arg = take_i32(&at, rows);
    w->best_at = take_i32(&at, rows);
    w->g_xx = take(&at, rows);
    w->g_max = take(&at, rows);
    w->g_sum = take(&at, rows);
    w->g_best = take(&at, rows);
    w->g_arg = take_i32(&at, rows);
    w->g_best_at = take_i32(&at, rows);
    w->rescale = take(&at, rows);
    w->acc1 = take(&at, rows * ivf->d);
    w->g_acc1 = take(&at, rows * ivf->d);
    w->g_x = take(&at, rows * ivf->d + rows);
    w->acc2 = take(&at, rows * ivf->m);
    w->g_acc2 = take(&at, rows * ivf->m);
}

int amem__probe_ws_alloc(amem__probe_ws *w, const amem__ivf *ivf,
                         size_t rows, size_t nprobe)
{
    size_t floats;
    w->floats = w->sizes = w->bytes = NULL;
    if (float_len(ivf, rows, nprobe, &floats) != 0)
        return -1;
    w->floats = amem__alloc(floats, 1, sizeof(float));
    w->sizes = amem__alloc(2 * ivf->nlist + 1 + rows, 1, sizeof(size_t));
    w->bytes = amem__zalloc(ivf->nlist, 1, 1);
    if (!w->floats || !w->sizes || !w->bytes) {
        amem__probe_ws_free(w);
        return -1;
    }
    carve(w, ivf, rows, nprobe);
    w->start = w->sizes;
    w->fill = w->start + ivf->nlist + 1;
    w->nprobed = w->fill + ivf->nlist;
    w->mark = w->bytes;
    return 0;
}

void amem__probe_ws_free(amem__probe_ws *w)
{
    free(w->floats);
    free(w->sizes);
    free(w->bytes);
    w->floats = w->sizes = w->bytes = NULL;
}
