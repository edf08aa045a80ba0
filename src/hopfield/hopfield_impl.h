/*
 * Private: the Hopfield handle and the functions its files share.
 * See include/assocmem/hopfield.h for the models and their equations.
 */
#ifndef AMEM_HOPFIELD_IMPL_H
#define AMEM_HOPFIELD_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "assocmem/hopfield.h"

/* The number of settings (the public enum has no count member). */
#define AMEM__HOPFIELD_NPARAM (AMEM_HOPFIELD_PRECISION + 1)
#include "core/rng.h"
#include "core/jobs.h"
#include "idmap.h"

struct amem_hopfield {
    int kind;              /* enum amem_hopfield_kind */
    size_t dim;            /* d: pattern / key dimension */
    size_t value_dim;      /* m: 0 = autoassociative */
    double param[AMEM__HOPFIELD_NPARAM];
    amem__rng rng;
    size_t count;          /* items stored (Hebbian writes for CLASSICAL) */
    float *weights;        /* CLASSICAL: d x d, BAM: m x d (value x key) */
    float *keys;           /* dense/MODERN F32: count x d, capacity rows
                            * (NULL for BF16/INT8) */
    void *qkeys;           /* MODERN BF16/INT8: count x d codes */
    float *qscale;         /* MODERN INT8: one scale per row */
    float *values;         /* hetero MODERN: count x m, capacity rows */
    float *key_norm_sq;    /* MODERN: |xi|^2, count, capacity entries */
    uint64_t *ids;         /* dense/MODERN: count ids, capacity entries */
    size_t capacity;       /* rows allocated in the row arrays */
    uint64_t next_id;      /* the next id to assign */
    amem__idmap idmap;     /* id -> row (built lazily when mapped) */
    int idmap_ready;       /* 1 when idmap holds every row */
    void *map;             /* read-only mapping of the file, or NULL */
    size_t map_len;
    struct amem__ivf *ivf; /* MODERN: pruned-recall index, or NULL */
};

/* The store's key encoding (AMEM_HOPFIELD_DTYPE; F32 for other kinds). */
int amem__hopfield_dtype(const amem_hopfield *h);
/* Rows j0 .. j0+rows-1 of the keys as float32: the stored rows themselves
 * (F32) or dequantised into scratch (rows x d floats). */
const float *amem__hopfield_key_rows(const amem_hopfield *h, size_t j0,
                                     size_t rows, float *scratch);
/* AMEM_E_STATE (recorded against fn) when h is a read-only mapped store. */
int amem__hopfield_check_writable(const char *fn, const amem_hopfield *h);
/* Free the (empty) store's row arrays; capacity becomes 0. */
void amem__hopfield_drop_rows(amem_hopfield *h);
/* Build the id index of a store whose rows hold ids (idempotent). */
int amem__hopfield_index_ids(amem_hopfield *h);
/* Store n rows (validated keys/values, ids given or NULL) at the end. */
int amem__hopfield_append_rows(const char *fn, amem_hopfield *h,
                               const float *keys, const float *values,
                               const uint64_t *ids, size_t n,
                               uint64_t *ids_out);

/* Free the IVF index (ivf_build.c); every change of the rows calls it. */
void amem__ivf_drop(amem_hopfield *h);

/* Shorthands for settings. */
#define AMEM__HP(h, p) ((h)->param[AMEM_HOPFIELD_##p])

/* 1 for the kinds that keep patterns (dense, MODERN). */
int amem__hopfield_keeps_patterns(int kind);
/* Length of one recall output row: m for hetero handles, else d. */
size_t amem__hopfield_out_dim(const amem_hopfield *h);

/* Settings table. */
int amem__hopfield_check_param(const char *fn, int param, double value);
/* AMEM_E_UNSUPPORTED for a non-default SIMILARITY/SEPARATION on a kind
 * other than MODERN (recorded against fn), else AMEM_OK. */
int amem__hopfield_check_kind_param(const char *fn, int kind, int param,
                                    double value);
void amem__hopfield_default_params(int kind, double *param);

/* Allocate an empty handle with default settings (no validation). */
int amem__hopfield_alloc(const char *fn, int kind, size_t dim,
                         size_t value_dim, amem_hopfield **out);
/* Make room for `more` extra pattern rows (keys/values), keeping contents. */
int amem__hopfield_reserve(const char *fn, amem_hopfield *h, size_t more);
/* MODERN: fill key_norm_sq of rows [from, count). */
void amem__hopfield_square_keys(amem_hopfield *h, size_t from);
/* Name of a kind, for messages. */
const char *amem__hopfield_kind_name(int kind);

/*
 * Recall kernels. Inputs are validated by the caller; x holds the n x d
 * cues on entry and the final key-layer states on exit. out receives the
 * n x out_dim result for hetero kinds (unused otherwise). steps may be NULL.
 * Return AMEM_OK or AMEM_E_NOMEM.
 */
int amem__classical_recall(amem_hopfield *h, float *x, size_t n,
                           const float *clamp, int *steps);
/*
 * BAM recall (bam.c): `cue` (n x d keys when from_keys, else n x m values)
 * holds the cues on entry and the settled cue layer on exit; `other`
 * receives the settled other layer. clamp (n x cue length) or NULL.
 */
int amem__bam_recall(amem_hopfield *h, float *cue, float *other, size_t n,
                     int from_keys, const float *clamp, int *steps);
int amem__dense_recall(amem_hopfield *h, float *x, size_t n,
                       const float *clamp, int *steps);
int amem__modern_recall(amem_hopfield *h, float *x, size_t n,
                        const float *clamp, float *out, int *steps,
                        float *weights);
/* PRECISION = FLOAT64 (modern_f64.c): 1 for a MODERN handle computing in
 * double; amem__modern_f64_check: AMEM_E_UNSUPPORTED (recorded against
 * fn) for a similarity/separation pair the double path lacks; the recall
 * itself, with the arguments of amem__modern_recall. */
int amem__hopfield_f64(const amem_hopfield *h);
int amem__modern_f64_check(const char *fn, const amem_hopfield *h);
int amem__modern_recall_f64(amem_hopfield *h, float *x, size_t n,
                            const float *clamp, float *out, int *steps,
                            float *weights);

/*
 * The sign update of CLASSICAL and BAM units: sign(field); on a tie
 * (field exactly 0) the unit keeps its current sign, and a current value
 * that is not negative (0 = unknown or not yet set) counts as +1. So an
 * updated unit is always -1 or +1.
 */
static inline float amem__hopfield_sign(double field, float current)
{
    if (field != 0)
        return field > 0 ? 1.0f : -1.0f;
    return current < 0 ? -1.0f : 1.0f;
}

/*
 * New sign states of X (rows x len) from the fields H (minus diag[i] * x_i
 * when diag is not NULL); clamped entries and rows in done[] are left
 * alone; changed[q] says whether row q moved. Returns the rows that moved.
 */
size_t amem__hopfield_apply_signs(float *X, const float *H, size_t rows,
                                  size_t len, const float *clamp,
                                  const float *diag, const unsigned char *done,
                                  unsigned char *changed);
/* steps[q] = t for a query first settling at step t (done[q] marks it). */
void amem__hopfield_mark_settled(int *steps, unsigned char *done, size_t q,
                                 int t);
/*
 * After synchronous step t in which `moved` rows changed: every row not yet
 * done whose changed[q] is 0 settles at t. Returns 1 when no row moved (the
 * iteration stops), else 0.
 */
int amem__hopfield_settle_step(int *steps, unsigned char *done,
                               const unsigned char *changed, size_t n, int t,
                               size_t moved);
/* Queries still not settled report max_steps. */
void amem__hopfield_finish_steps(int *steps, const unsigned char *done,
                                 size_t n, int max_steps);
/* Validate a 0/1 clamp mask of len entries (recall.c). */
int amem__hopfield_check_clamp(const char *fn, const float *clamp,
                               size_t len);
/* MODERN compares the known entries only: each of the n rows of the d-wide
 * mask needs one (AMEM_E_ARG otherwise). */
int amem__hopfield_check_known_rows(const char *fn, const float *clamp,
                                    size_t n, size_t d);

/* Energies of n states (validated) into e[n]. */
int amem__classical_energy(const amem_hopfield *h, const float *s, size_t n,
                           double *e);
int amem__dense_energy(const amem_hopfield *h, const float *s, size_t n,
                       double *e);
int amem__modern_energy(const amem_hopfield *h, const float *s, size_t n,
                        double *e);

/* The modern network's score scale b (beta, or beta / sqrt(d)). */
float amem__modern_scale(const amem_hopfield *h);
/* 1 when the (similarity, separation) pair has an energy. */
int amem__modern_has_energy(const amem_hopfield *h);
/* Separation weights (n x N) of n states, unfused path; mask as in
 * recall (NULL: every entry known). */
int amem__modern_weights(const amem_hopfield *h, const float *x, size_t n,
                         const float *mask, float *weights);

/*
 * The fused modern step (softmax_fused.c):
 *   out1 (b x m1) = sep(sim(X, Y)) V1, and when V2 is not NULL
 *   out2 (b x m2) = the same weights times V2,
 * over N patterns in blocks, the separation streamed (for softmax a
 * max-shifted online softmax), so no b x N matrix is formed. With
 * threads > 1 (inside a threads_begin/end window) the step runs as that
 * many jobs, each on its own thread; the result depends only on the inputs
 * and the thread count. ws must hold amem__fused_ws_len(n, d, m1 + m2,
 * threads) floats for some n >= b.
 */
typedef struct amem__fused_args {
    const float *X;      /* b x d states; masked rows already times mask */
    const float *mask;   /* b x d known-entry mask (0/1), or NULL */
    const float *row_sq; /* b: |m o x|^2 (EUCLIDEAN, COSINE), else NULL */
    size_t b, d;
    const float *Y;      /* N x d float32 keys, or NULL: */
    const void *Yq;      /* N x d BF16/INT8 key codes (dtype) */
    const float *Yscale; /* INT8: N row scales */
    int dtype;           /* enum amem_hopfield_dtype */
    const float *Ynorm;  /* N squared key norms */
    size_t N;
    int similarity;      /* enum amem_hopfield_similarity */
    int separation;      /* enum amem_hopfield_separation */
    int degree;          /* n of POLY */
    float scale;         /* b for SOFTMAX (applied to the scores), else 1 */
    const float *V1; /* N x m1, or NULL: the keys (m1 = d) */
    size_t m1;
    float *out1;
    const float *V2; /* N x m2, or NULL */
    size_t m2;
    float *out2;
    /* b each, or NULL. When set (SOFTMAX only), the step stops before the
     * normalisation: out1/out2 keep the accumulators and each row's
     * maximum and sum go here (lse_merge.h). V1 may then be NULL (m1 0:
     * no accumulator). */
    float *part_max, *part_sum;
} amem__fused_args;

/* The step's arguments for h's settings over its stored patterns, without
 * the states and outputs. */
amem__fused_args amem__modern_args(const amem_hopfield *h);
/* row_sq[r] = |x_r|^2 (x already masked) when the similarity needs it. */
void amem__row_sq(const amem__fused_args *a, const float *X, size_t b,
                  float *row_sq);

size_t amem__fused_ws_len(size_t n, size_t d, size_t m, int threads);
/* Jobs a step of at most n queries over N patterns uses (1: serial). */
int amem__fused_jobs(size_t n, size_t N, size_t d, int threads);
void amem__fused_step(const amem__fused_args *a, float *ws, int threads);

/*
 * Scores of query rows r0 .. r0+rows-1 against patterns j0 .. j0+cols-1
 * (similarity.c): S (rows x cols, leading dimension cols) = scale * sim.
 * Y holds those patterns' keys (cols x d float32), Ysq their squares
 * (masked EUCLIDEAN and COSINE only). tmp holds rows x cols floats (masked
 * COSINE only).
 */
void amem__score_block(const amem__fused_args *a, const float *Y,
                       const float *Ysq, size_t r0, size_t rows, size_t j0,
                       size_t cols, float *S, float *tmp);
/*
 * The scores of a block whatever the key encoding (block_scores.c): as
 * amem__score_block, the keys dequantised into deq (cols x d) when
 * compressed, squared into sq (cols x d) when a mask needs them. Returns
 * the float32 key rows used, or NULL when the codes were read directly
 * (few unmasked queries on compressed keys).
 */
const float *amem__block_scores(const amem__fused_args *a, float *deq,
                                float *sq, size_t r0, size_t rows, size_t j0,
                                size_t cols, float *S, float *tmp);
/* Patterns per score block for dimension d (softmax_fused.c). */
size_t amem__pattern_block(size_t d);
/* The same scores from S = the plain dot products x . xi (unmasked,
 * not MANHATTAN), in place. */
void amem__scores_from_dots(const amem__fused_args *a, size_t r0,
                            size_t rows, size_t j0, size_t cols, float *S);

/* S (rows x cols) = -scale * sum_k m_k |x_k - y_k| (manhattan.c), x rows
 * already masked; mask NULL = every entry. */
void amem__l1_block(const float *X, const float *mask, size_t rows,
                    const float *Y, size_t cols, size_t d, float scale,
                    float *S);

/*
 * Separation (separation.c). The streamed form keeps per query row a running
 * maximum, sum and arg-max index: sep_init starts them; sep_block turns a
 * score block S (rows x cols, patterns j0 ..) into weights in place,
 * updates them and sets rescale[r] for the row's accumulators, returning 0
 * when the block needs no accumulation (ARGMAX); sep_finish normalises the
 * accumulated rows or copies the arg-max rows of V (m columns).
 * sep_takes_arg: 1 when a row's output is the arg-max row of V.
 * sep_rows applies the separation to whole rows (the unfused path).
 * sep_job_weight: the factor of a job's accumulator when jobs that split
 * the patterns are merged (job maximum job_max, overall maximum top).
 */
void amem__sep_init(size_t rows, float *row_max, float *row_sum,
                    int32_t *row_arg);
int amem__sep_block(const amem__fused_args *a, float *S, size_t rows,
                    size_t cols, size_t j0, float *row_max, float *row_sum,
                    int32_t *row_arg, float *rescale);
int amem__sep_takes_arg(int separation, float row_max);
void amem__sep_finish(int separation, size_t rows, const float *row_max,
                      const float *row_sum, const int32_t *row_arg,
                      float *acc, const float *V, size_t m);
void amem__sep_rows(const amem__fused_args *a, float *S, size_t rows,
                    size_t cols);
/* The final weight of the pattern at row with score s, from a row's
 * streamed maximum, sum and arg-max (after every block). */
float amem__sep_weight(const amem__fused_args *a, float s, size_t row,
                       float row_max, float row_sum, int32_t row_arg);
float amem__sep_job_weight(const amem__fused_args *a, float job_max,
                           float top);

/* Threads of the fused step: core/jobs.h (serial-BLAS window, jobs). */
#define AMEM__HOPFIELD_MAX_JOBS AMEM__MAX_JOBS

/* amem__vec_max, amem__vec_exp_shift_sum: the shared vector kernels. */
#include "core/numerics.h"

#endif
