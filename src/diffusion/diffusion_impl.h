/*
 * Private: the diffusion handle, its learned network and the functions its
 * files share. See include/assocmem/diffusion.h for the model and equations.
 */
#ifndef AMEM_DIFFUSION_IMPL_H
#define AMEM_DIFFUSION_IMPL_H

#include <stddef.h>

#include "assocmem/diffusion.h"

/* The number of settings (the public enum has no count member). */
#define AMEM__DIFFUSION_NPARAM (AMEM_DIFFUSION_PRECISION + 1)
#include "core/optim.h"
#include "core/trainer.h"
#include "core/jobs.h"
#include "core/rng.h"
#include "core/settings.h"

/*
 * The learned noise predictor eps(x, theta): L = layers hidden ReLU layers
 * of `hidden` units, then a linear output layer of d units; L + 1 weight
 * layers. Weight layer l maps [a_l ; theta] (n_l + 1 features) to m_l
 * outputs: W_l is (n_l + 1) x m_l row-major with the theta row last,
 * followed by the bias b_l (m_l). All layers lie in one parameter vector.
 */
typedef struct amem__dmlp {
    size_t dim, hidden, layers;
    size_t n_params;
    float *params;     /* n_params */
    amem__adam *adam;  /* moments and step count t */
} amem__dmlp;

/*
 * The semantic manifold of the exact score (semantic.c; Eqs. 24-25):
 * phi = N(m, c I + sum_k sigma_k^2 q_k q_k^T). One block: basis holds
 * (rank + 1) x d doubles, m then the orthonormal q_1 .. q_rank; spread
 * holds sigma_k, qm holds q_k . m (rank each); m2 = |m|^2. basis_f is
 * the basis rounded to float (the float32 path's sgemm). A handle without
 * one (rank 0, m = 0) holds NULL: the isotropic N(0, c I).
 */
typedef struct amem__semantic {
    size_t rank;
    double *basis, *spread, *qm;
    double m2;
    float *basis_f;
} amem__semantic;

struct amem_diffusion {
    size_t dim;
    double param[AMEM__DIFFUSION_NPARAM];
    amem__rng rng;
    size_t count;       /* stored patterns */
    size_t capacity;    /* rows allocated in patterns */
    float *patterns;    /* count x dim */
    amem__dmlp *net;    /* NULL until trained */
    amem__data_parallel dp; /* size 1 = local training */
    amem__semantic *sem;    /* NULL = isotropic N(0, c I) */
};

#define AMEM__DP(h, p) ((h)->param[AMEM_DIFFUSION_##p])

/* ---- settings (settings.c) ---- */
extern const amem__settings amem__diffusion_settings;
void amem__diffusion_default_params(size_t dim, double *param);

/* ---- schedule (schedule.c) ---- */
/* Drift a and squared noise b^2 of dx = -a x dt + b dW. */
void amem__diffusion_ab(const amem_diffusion *h, double *a, double *b2);
/* theta_t and s_t at time t >= 0. */
void amem__diffusion_marginal(const amem_diffusion *h, double t,
                              double *theta, double *s);
/* s for a given theta (used by training, which samples theta). */
double amem__diffusion_std_of_theta(const amem_diffusion *h, double theta);
/* The time at which a cue corrupted to level theta starts recall: -log(theta)
 * / a, or for VE (a = 0) the time of the same signal-to-noise ratio. */
double amem__diffusion_time_of_theta(const amem_diffusion *h, double theta);
/* AMEM_E_UNSUPPORTED when the handle's process has no learned score (VE). */
int amem__diffusion_check_learned(const char *fn, const amem_diffusion *h);

/* ---- semantic manifold (semantic.c) ---- */
/* A manifold of `rank` directions in d dimensions, contents unset; NULL
 * when the sizes overflow or memory runs out. */
amem__semantic *amem__semantic_new(size_t d, size_t rank);
void amem__semantic_free(amem__semantic *s);
/* Fill qm, m2 and basis_f from the basis. */
void amem__semantic_finish(amem__semantic *s, size_t d);
/* 1 when the directions are orthonormal within tol, the spreads >= 0 and
 * everything finite (for files). */
int amem__semantic_valid(const amem__semantic *s, size_t d, double tol);
/* Doubles per query row the manifold terms need: rank + 1, or 0 without
 * a manifold. */
size_t amem__semantic_width(const amem_diffusion *h);

/* ---- exact score (exact.c) ---- */
/* Rows of queries processed at once for count floats a row (a 4 MiB
 * block, at most 1024 rows, at least 1). */
size_t amem__exact_chunk(size_t n, size_t count);
/* Workspace floats of amem__exact_eval for n rows (a double-aligned
 * block: the manifold's per-row doubles first, then its floats). */
size_t amem__exact_ws_len(const amem_diffusion *h, size_t n);
/*
 * For n states x (validated) at (theta, s): weights (n x N) when `weights`
 * is not NULL, score (n x d) when `score` is not NULL, log p_t when `logp`
 * is not NULL. ws: amem__exact_ws_len floats.
 */
void amem__exact_eval(const amem_diffusion *h, const float *x, size_t n,
                      double theta, double s, float *weights, float *score,
                      double *logp, float *ws);

/* The Gaussian terms of the exact score at (theta, s) (exact.c): component
 * variances v_p (memories) and v_s (semantic, across the manifold), weight
 * lambda, the number of softmax columns (N, or N + 1 with the semantic
 * component), and the manifold when the semantic component has one:
 * its directions, and logdet = sum_k log(1 + theta^2 sigma_k^2 / v_s). */
typedef struct amem__exact_terms {
    double theta, vp, vs, lam;
    size_t cols;
    const amem__semantic *sem; /* NULL: isotropic, or lambda = 0 */
    double logdet;
} amem__exact_terms;
amem__exact_terms amem__exact_make_terms(const amem_diffusion *h,
                                         double theta, double s);
/* The logit offset of pattern mu: -theta^2 |y_mu|^2 / (2 v_p)
 * + log((1 - lambda) / N). */
double amem__exact_bias(const amem_diffusion *h, const amem__exact_terms *e,
                        size_t mu);
/* The semantic component's logit for a state with |x|^2 = x2 and, with a
 * manifold, projections proj = (m.x, q_1.x, ..., q_r.x) (exact_semantic.c;
 * proj unused without one). */
double amem__exact_semantic_logit(const amem__exact_terms *e, size_t d,
                                  double x2, const double *proj);
/* Overwrite proj (as above) with the coefficients of the manifold's pull
 * h_sem (theta m + sum_k w_k p_k q_k) / v_s on the basis (m, q_k). */
void amem__exact_semantic_coef(const amem__exact_terms *e, double h_sem,
                               double *proj);
/* (d/2) log(2 pi v_p). */
double amem__exact_log_norm(const amem__exact_terms *e, size_t d);

/* ---- exact score in double (exact_f64.c; PRECISION = FLOAT64) ---- */
/* 1 when the handle computes its exact score in double. */
int amem__diffusion_f64(const amem_diffusion *h);
/* Workspace doubles: the patterns as doubles (N x d), then a logit chunk,
 * the biases and the manifold's per-row terms; 0 when the sizes overflow. */
size_t amem__exact64_ws_len(const amem_diffusion *h, size_t n);
/* Copy the stored patterns into the workspace as doubles (once per call). */
void amem__exact64_prepare(const amem_diffusion *h, double *ws);
/* amem__exact_eval in double on a prepared workspace. */
void amem__exact64_eval(const amem_diffusion *h, const double *x, size_t n,
                        double theta, double s, double *weights,
                        double *score, double *logp, double *ws);
/* The public evaluations in double at time t > 0 (validated; something
 * stored): weights (n x N) or score (n x d) rounded to float, or logp.
 * Returns AMEM_OK, AMEM_E_DIM, AMEM_E_NOMEM (recorded against fn). */
int amem__exact64_at(const char *fn, const amem_diffusion *h,
                     const float *states, size_t n, double t, float *weights,
                     float *score, double *logp);
/* Recall with a double iterate (sampler_f64.c) from x = scale * cue (n x
 * d, validated) at t0 down to t1 into out; clamp and trajectory as in
 * recall. Returns AMEM_OK or AMEM_E_NOMEM (recorded against fn). */
int amem__diffusion_recall_f64(const char *fn, amem_diffusion *h,
                               const float *cue, size_t n,
                               const float *clamp, double scale,
                               float *out, float *trajectory, double t0,
                               double t1);

/* ---- network (mlp.c, mlp_train.c) ---- */
size_t amem__dmlp_param_count(size_t dim, size_t hidden, size_t layers);
/* Offsets of W_l and b_l in the parameter vector; input/output widths. */
void amem__dmlp_layer(const amem__dmlp *m, size_t l, size_t *w_off,
                      size_t *b_off, size_t *n_in, size_t *n_out);
int amem__dmlp_create(const char *fn, size_t dim, size_t hidden,
                      size_t layers, amem__dmlp **out);
void amem__dmlp_free(amem__dmlp *m);
/* Uniform(+-1/sqrt(fan_in)) initialisation, fan_in = n_l + 1. */
void amem__dmlp_init(amem__dmlp *m, amem__rng *rng);

/* ---- inference (mlp_predict.c; threads: core/jobs.h) ---- */
#define AMEM__DJOBS_MAX 16
/* Jobs (threads) worth using for n rows with `threads` available. */
int amem__dmlp_jobs(size_t n, int threads);
/* Workspace floats of amem__dmlp_predict for n rows in `jobs` jobs. */
size_t amem__dmlp_ws_len(const amem__dmlp *m, size_t n, int jobs);
/* out (n x d) = scale * eps(x, theta) with one theta for all rows, the rows
 * split over `jobs` threads (jobs > 1 only inside amem__blas_window_begin/end). */
void amem__dmlp_predict(const amem__dmlp *m, const float *x, size_t n,
                        float theta, float scale, float *out, float *ws,
                        int jobs);

/*
 * Training forward + backward for a batch of B rows with per-row theta:
 * returns the loss mean((eps(x, theta) - target)^2) and writes the gradient
 * of that loss into grad (n_params, overwritten). ws holds
 * amem__dmlp_train_ws_len floats.
 */
size_t amem__dmlp_train_ws_len(const amem__dmlp *m, size_t batch);
double amem__dmlp_loss_grad(const amem__dmlp *m, const float *x,
                            const float *theta, const float *target,
                            size_t batch, float *grad, float *ws);

/*
 * The same loss for `batch` rows that are part of a minibatch of `total`
 * rows (data-parallel training computes a slice; both divide by total),
 * with the rows cut into `jobs` (<= batch) blocks, one per thread (jobs > 1
 * only inside amem__blas_window_begin/end): block k writes its part of the
 * gradient into grads[k]; the gradient is the sum of the grads[k]. Returns
 * the rows' squared error divided by total x d. ws holds
 * amem__dmlp_split_ws_len floats.
 */
size_t amem__dmlp_split_ws_len(const amem__dmlp *m, size_t batch, int jobs);
double amem__dmlp_loss_grad_split(const amem__dmlp *m, const float *x,
                                  const float *theta, const float *target,
                                  size_t batch, size_t total,
                                  float *const *grads, float *ws, int jobs);

/* ---- the engine path (mlp_graph.c), for checks and comparison ---- */
double amem__dmlp_loss_grad_engine(const amem__dmlp *m, const float *x,
                                   const float *theta, const float *target,
                                   size_t batch, float *grad, int *status);

/* ---- recall (sampler.c) ---- */
/* Score (n x d) of states x at time t with the handle's SCORE kind. */
typedef struct amem__score_ctx {
    const amem_diffusion *h;
    int learned;
    int window;  /* serial-BLAS window held (1) or not */
    int jobs;    /* inference jobs of the learned score */
    float *ws;
} amem__score_ctx;

/* AMEM_E_STATE (recorded against fn) without what the SCORE kind needs
 * (patterns, a network), AMEM_E_UNSUPPORTED for LEARNED on VE. */
int amem__score_ready(const char *fn, const amem_diffusion *h);
int amem__score_ctx_init(const char *fn, const amem_diffusion *h, size_t n,
                         amem__score_ctx *c);
void amem__score_ctx_free(amem__score_ctx *c);
void amem__score_eval(amem__score_ctx *c, const float *x, size_t n, double t,
                      float *out);

#endif
