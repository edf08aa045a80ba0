/*
 * Private: the dense associative memory handle and the functions its files
 * share. See include/assocmem/dam.h for the model and its equations.
 */
#ifndef AMEM_DAM_IMPL_H
#define AMEM_DAM_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "assocmem/dam.h"

/* The number of settings (the public enum has no count member). */
#define AMEM__DAM_NPARAM (AMEM_DAM_ADAM_EPS + 1)
/* The numbers of signals and per-item records, likewise. */
#define AMEM__DAM_NSIGNAL (AMEM_DAM_SIGNAL_NORM + 1)
#define AMEM__DAM_NRECORD (AMEM_DAM_RECORD_USES + 1)
#include "core/numerics.h"
#include "core/rng.h"
#include "core/settings.h"
#include "engine/engine.h"
#include "core/optim.h"
#include "core/trainer.h"

/* Raw per-item values kept for every training item (amem_dam_get_item_record). */
enum amem__dam_raw {
    AMEM__RAW_LOSS = 0,
    AMEM__RAW_TIME = 1,
    AMEM__RAW_ENTROPY = 2,
    AMEM__RAW_MAX = 3,
    AMEM__RAW_NORM = 4,
    AMEM__RAW_USES = 5,
    AMEM__RAW_COUNT = 6
};

struct amem_dam {
    size_t n_vis, n_hid;                /* N, M */
    double param[AMEM__DAM_NPARAM];
    amem__rng rng;
    float *w;                           /* raw weights, M x N */
    amem__adam *adam;                   /* over the M*N weights */
    long epochs;                        /* epochs completed (saved) */
    /* Cumulative min/max of each signal over all of training (Eq. 7),
     * indexed by enum amem_dam_signal; min > max means none seen yet. */
    double smin[AMEM__DAM_NSIGNAL], smax[AMEM__DAM_NSIGNAL];
    /* Training set. */
    size_t count;                       /* items (0 = none) */
    float *items;                       /* count x N */
    int32_t *labels;                    /* count, or NULL */
    float *raw;                         /* count x AMEM__RAW_COUNT */
    /* Epoch position (saved): the current epoch's order of the training
     * rows and how many of its items the finished steps used (0: the next
     * step starts a new epoch, with a fresh order). */
    size_t *order;                      /* count */
    size_t epoch_pos;
    amem__data_parallel dp;             /* size 1: local training */
    amem__arena *arena;                 /* training workspace (lazy) */
};

#define AMEM__DP(h, p) ((h)->param[AMEM_DAM_##p])
/* Norm floor of g(x) = x / max(||x||, eps), as the engine's l2_normalize. */
#define AMEM__DAM_EPS 1e-12f

/* Settings table (settings.c). */
extern const amem__settings amem__dam_settings;

/* Allocate a handle with default settings, zero weights (no validation). */
int amem__dam_alloc(const char *fn, size_t n_vis, size_t n_hid,
                    amem_dam **out);
/* Draw the weights uniform(+-1/sqrt(N)) and clear the trainer state. */
void amem__dam_init_weights(amem_dam *h);
/* Clear Adam, counters, min/max and per-item records. */
void amem__dam_clear_trainer(amem_dam *h);
/* Per-item raw records to "never used" (NaN, uses 0). */
void amem__dam_clear_records(amem_dam *h);

/* The dynamics configuration read from the settings. */
typedef struct amem__dam_cfg {
    size_t n_vis, n_hid;
    float beta, eta, tol;
    int max_steps;
    int reference; /* 1: AMEM_DAM_DYNAMICS_REFERENCE */
} amem__dam_cfg;
void amem__dam_cfg_from(const amem_dam *h, amem__dam_cfg *c);

/* W_hat (M x N, unit rows) and the row norms (M) of w. */
void amem__dam_normalize_rows(const float *w, size_t m, size_t n,
                              float *what, float *norms);
/*
 * dW from dW_hat through the row normalisation, in place on grad:
 * (d - w_hat (w_hat.d)) / |w| (the rule of core/numerics.h below eps).
 */
void amem__dam_normalize_rows_backward(const float *what, const float *norms,
                                       size_t m, size_t n, float *grad);

/* One recorded step of the unrolled dynamics (for the backward). */
typedef struct amem__dam_step {
    size_t active;       /* rows updated in this step (slots [0, active)) */
    float *a;            /* active x N: g(v_{t-1}) (PAPER) or v_{t-1} */
    float *nv;           /* active: ||v_{t-1}|| (PAPER) */
    float *f;            /* active x M: f_{t-1} */
    float *z;            /* active x N: g(u) (REFERENCE) */
    float *nu;           /* active: ||u|| (REFERENCE) */
    size_t swap_begin, swap_end; /* swaps made after the step */
} amem__dam_step;

/*
 * A batched run of the dynamics. Rows live in "slots"; active rows are the
 * prefix [0, active). When a row converges it is swapped to the end of the
 * active prefix, so every step works on one contiguous block through sgemm.
 * The caller fills cue (b x N) and clamp (b x N or NULL); v, slot and the
 * scratch are set up by amem__dam_run_init. With a tape arena the run keeps
 * what the backward needs.
 */
typedef struct amem__dam_run {
    amem__dam_cfg cfg;
    const float *what;   /* M x N normalised weights */
    size_t b;
    float *v;            /* b x N states (slot order) */
    float *cue;          /* b x N (slot order; permuted with the rows) */
    float *clamp;        /* b x N or NULL (slot order) */
    size_t *slot;        /* b: the batch row held by each slot */
    int *time;           /* b: convergence time per batch row */
    float *scratch_a;    /* b x N */
    float *scratch_u;    /* b x N */
    float *scratch_f;    /* b x M */
    float *scratch_n;    /* b */
    /* Tape (NULL arena: none). */
    amem__arena *tape;
    amem__dam_step *steps;
    size_t n_steps;
    size_t *swaps;       /* pairs (i, j), at most b pairs */
    size_t n_swaps;
} amem__dam_run;

/* Bytes of floats/ints the run needs besides the tape (for allocation). */
size_t amem__dam_run_floats(const amem__dam_cfg *c, size_t b);
/*
 * Point the run's arrays into buf (amem__dam_run_floats(c, b) floats plus
 * b size_t and b int, laid out by this function) and copy cues into v.
 * buf must be 64-byte aligned or malloc'd.
 */
void amem__dam_run_setup(amem__dam_run *r, const amem__dam_cfg *c,
                         const float *what, size_t b, void *buf);
size_t amem__dam_run_bytes(const amem__dam_cfg *c, size_t b);
/* Run to convergence. Returns AMEM_OK or AMEM_E_NOMEM (tape exhausted). */
int amem__dam_forward(amem__dam_run *r);
/*
 * After amem__dam_forward: the final states in batch-row order (out, b x N)
 * and, when hidden is not NULL, f* = softmax(beta W_hat phi(v*)) (b x M).
 */
void amem__dam_collect(const amem__dam_run *r, float *out, float *hidden);
/* f = softmax(beta W_hat phi(v)) for rows v (rows x N) into f (rows x M). */
void amem__dam_hidden_of(const amem__dam_cfg *c, const float *what,
                         const float *v, size_t rows, float *f, float *tmp);
/*
 * Backward of a taped run. dv holds dL/dv* in batch-row order (b x N) and
 * is destroyed; dwhat (M x N) receives dL/dW_hat (overwritten). work must
 * hold amem__dam_backward_floats(b, N, M) floats.
 */
#define AMEM__DAM_STAGE_ROWS 1024u
size_t amem__dam_backward_floats(size_t b, size_t n, size_t m);
void amem__dam_backward(amem__dam_run *r, float *dv, float *dwhat,
                        float *work);

/* Perturbation: zero round(frac*N) entries of x into cue; clamp 1 on kept. */
void amem__dam_perturb_one(amem__rng *rng, const float *x, size_t n,
                           double frac, float *cue, float *clamp,
                           size_t *idx);

/* ---- exception signals and weights (signals.c) -------------------------- */

/* Raw values of one item from its final state and hidden activation. */
void amem__dam_item_values(const float *x, const float *v, const float *f,
                           size_t n_vis, size_t n_hid, int time,
                           float raw[AMEM__RAW_COUNT]);
/* s_i (Eq. 6) of raw values; label used by GROUND_TRUTH. NaN if unused. */
double amem__dam_signal_of(int signal, const float *raw, int label);
/* Widen the cumulative min/max of every learned signal with raw values. */
void amem__dam_track_minmax(amem_dam *h, const float *raw);
/* alpha (Eq. 7) of a signal value, with the handle's min/max for signal. */
double amem__dam_alpha(const amem_dam *h, int signal, double s);
/*
 * a_i (Eq. 8) over a set of alphas: out[i] = exp(g a_i) / sum exp(g a_j),
 * entries with NaN alpha are left out (NaN). With gamma = 0 every defined
 * weight is exactly 1 / (number defined). Returns the number defined.
 */
size_t amem__dam_softmax_weights(const double *alpha, size_t n, double gamma,
                                 double *out);
/* Draw k indices with replacement from probabilities p[0..n) (sum 1). */
void amem__dam_sample(amem__rng *rng, const double *p, size_t n, size_t k,
                      size_t *out, double *cdf);
/* alpha_i (Eq. 7) of every training item for the current SIGNAL setting
 * (NaN for items without a record). */
void amem__dam_alphas(const amem_dam *h, double *alpha);
/*
 * Loss weights of a batch (rows idx[0..b) of the training set) for
 * BALANCE_REWEIGHT: exp(gamma alpha_b) / (b * mean_i exp(gamma alpha_i))
 * over the data set (dataset = 1, Eq. 8 times n / b) or
 * exp(gamma alpha_b) / sum_batch (dataset = 0). gamma = 0 gives exactly
 * 1 / b. e is n doubles of scratch.
 */
void amem__dam_batch_weights(const double *alpha, size_t n, const size_t *idx,
                             size_t b, double gamma, int dataset, float *wt,
                             double *e);

/* ---- training (train.c, fb.c) --------------------------------------------- */
/* Gradient dL/dW (raw, M x N) of L = sum_b wt_b ||x_b - v*_b||^2 (wt NULL:
 * 1/b) for given cues and clamps, without changing the handle. */
int amem__dam_loss_grad(const amem_dam *h, const float *cues,
                        const float *clamp, const float *targets,
                        const float *wt, size_t b, double *loss, float *grad);

#endif
