/* Private: one pruned step over a tile of queries (ivf_probe.c). */
#ifndef AMEM_HOPFIELD_IVF_PROBE_H
#define AMEM_HOPFIELD_IVF_PROBE_H

#include "ivf_impl.h"

/* Rows of a list scored per sgemm. */
#define AMEM__PROBE_BLOCK 512

/* A tile's inputs and outputs (rows entries each, row r at index r). */
typedef struct amem__probe_tile {
    const amem__ivf *ivf;
    const amem__fused_args *la; /* settings over the listed rows */
    const amem__fused_args *ca; /* the same over the centroids, scale 1 */
    size_t nprobe;
    const float *X; /* rows x d states */
    size_t rows;
    float *out1;    /* rows x d next states */
    float *out2;    /* rows x m outputs (hetero) */
    size_t *top, *scored;
    double *bound;
} amem__probe_tile;

/* One job's buffers for tiles of at most `rows` queries. */
typedef struct amem__probe_ws {
    void *floats, *sizes, *bytes; /* the three allocations */
    float *cs;                    /* rows x nlist centroid scores */
    float *heap;                  /* nprobe */
    int32_t *probe;               /* rows x nprobe lists */
    size_t *nprobed;              /* rows */
    size_t *start, *fill;         /* nlist + 1, nlist: queries per list */
    int32_t *member;              /* rows x nprobe */
    unsigned char *mark;          /* nlist */
    float *xx, *row_max, *row_sum, *best;
    int32_t *row_arg, *best_at;
    float *acc1, *acc2;           /* rows x d, rows x m */
    float *g_x, *g_xx, *g_max, *g_sum, *g_best, *g_acc1, *g_acc2;
    int32_t *g_arg, *g_best_at;
    float *rescale;
    float *S;                     /* rows x AMEM__PROBE_BLOCK scores */
} amem__probe_ws;

int amem__probe_ws_alloc(amem__probe_ws *w, const amem__ivf *ivf,
                         size_t rows, size_t nprobe);
void amem__probe_ws_free(amem__probe_ws *w);
void amem__probe_tile_run(const amem__probe_tile *t, amem__probe_ws *w);

#endif
