/*
 * Private: the Hopfield handle and the functions its files share.
 * See include/assocmem/hopfield.h for the models and their equations.
 */
#ifndef AMEM_HOPFIELD_IMPL_H
#define AMEM_HOPFIELD_IMPL_H

#include <stddef.h>

#include "assocmem/hopfield.h"
#include "core/rng.h"
#include "core/jobs.h"

struct amem_hopfield {
    int kind;              /* enum amem_hopfield_kind */
    size_t dim;            /* d: pattern / key dimension */
    size_t value_dim;      /* m: 0 = autoassociative */
    double param[AMEM_HOPFIELD_PARAM_COUNT];
    amem__rng rng;
    size_t count;          /* items stored (Hebbian writes for CLASSICAL) */
    float *weights;        /* CLASSICAL: d x d, BAM: m x d (value x key) */
    float *keys;           /* dense/MODERN: count x d, capacity rows */
    float *values;         /* hetero MODERN: count x m, capacity rows */
    size_t capacity;       /* rows allocated in keys/values */
};

/* Shorthands for settings. */
#define AMEM__HP(h, p) ((h)->param[AMEM_HOPFIELD_##p])

/* 1 for the kinds that keep patterns (dense, MODERN). */
int amem__hopfield_keeps_patterns(int kind);
/* Length of one recall output row: m for hetero handles, else d. */
size_t amem__hopfield_out_dim(const amem_hopfield *h);

/* Settings table. */
int amem__hopfield_check_param(const char *fn, int param, double value);
void amem__hopfield_default_params(int kind, double *param);

/* Allocate an empty handle with default settings (no validation). */
int amem__hopfield_alloc(const char *fn, int kind, size_t dim,
                         size_t value_dim, amem_hopfield **out);
/* Make room for `more` extra pattern rows (keys/values), keeping contents. */
int amem__hopfield_reserve(const char *fn, amem_hopfield *h, size_t more);

/*
 * Recall kernels. Inputs are validated by the caller; x holds the n x d
 * cues on entry and the final key-layer states on exit. out receives the
 * n x out_dim result for hetero kinds (unused otherwise). steps may be NULL.
 * Return AMEM_OK or AMEM_E_NOMEM.
 */
int amem__classical_recall(amem_hopfield *h, float *x, size_t n,
                           const float *clamp, int *steps);
int amem__bam_recall(amem_hopfield *h, float *x, size_t n,
                     const float *clamp, float *out, int *steps);
int amem__dense_recall(amem_hopfield *h, float *x, size_t n,
                       const float *clamp, int *steps);
int amem__modern_recall(amem_hopfield *h, float *x, size_t n,
                        const float *clamp, float *out, int *steps,
                        float *weights);

/* Energies of n states (validated) into e[n]. */
int amem__classical_energy(const amem_hopfield *h, const float *s, size_t n,
                           double *e);
int amem__dense_energy(const amem_hopfield *h, const float *s, size_t n,
                       double *e);
int amem__modern_energy(const amem_hopfield *h, const float *s, size_t n,
                        double *e);

/* The modern network's score scale b (beta, or beta / sqrt(d)). */
float amem__modern_scale(const amem_hopfield *h);
/* Softmax weights (n x N) of n states, unfused reference path. */
int amem__modern_weights(const amem_hopfield *h, const float *x, size_t n,
                         float *weights);

/*
 * The fused modern step (softmax_fused.c):
 *   out1 (b x m1) = softmax_rows(scale * X Y^T) V1, and when V2 is not NULL
 *   out2 (b x m2) = the same weights times V2,
 * over N patterns in blocks, with a streaming max-shifted softmax, so no
 * b x N matrix is formed. With threads > 1 (inside a threads_begin/end
 * window) the step runs as that many jobs, each on its own thread; the
 * result depends only on the inputs and the thread count. ws must hold
 * amem__fused_ws_len(n, d, m1 + m2, threads) floats for some n >= b.
 */
typedef struct amem__fused_args {
    const float *X; /* b x d states */
    size_t b, d;
    const float *Y; /* N x d keys */
    size_t N;
    float scale;
    const float *V1; /* N x m1 */
    size_t m1;
    float *out1;
    const float *V2; /* N x m2, or NULL */
    size_t m2;
    float *out2;
} amem__fused_args;

size_t amem__fused_ws_len(size_t n, size_t d, size_t m, int threads);
/* Jobs a step of at most n queries over N patterns uses (1: serial). */
int amem__fused_jobs(size_t n, size_t N, size_t d, int threads);
void amem__fused_softmax_step(const amem__fused_args *a, float *ws,
                              int threads);

/* Threads of the fused step: core/jobs.h (serial-BLAS window, jobs). */
#define AMEM__HOPFIELD_MAX_JOBS AMEM__MAX_JOBS

/* amem__vec_max, amem__vec_exp_shift_sum: the shared vector kernels. */
#include "core/numerics.h"

#endif
