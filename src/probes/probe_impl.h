/*
 * Private: the probe handle (include/assocmem/probes.h) and the functions
 * its files share.
 */
#ifndef AMEM_PROBE_IMPL_H
#define AMEM_PROBE_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "assocmem/probes.h"

/* The number of settings (the public enum has no count member). */
#define AMEM__PROBE_NPARAM (AMEM_PROBE_ADAM_EPS + 1)
#include "core/rng.h"
#include "core/settings.h"

/* One binary RBF machine: f(x) = sum_t coef_t k(sv_t, x) - rho. */
typedef struct amem__svm {
    int pos, neg;     /* class of f > 0; class of f <= 0 (-1: the rest) */
    size_t n_sv;
    float *coef;      /* alpha_t y_t, n_sv */
    float *sv;        /* n_sv x dim standardised support vectors */
    double rho;
} amem__svm;

struct amem_probe {
    int kind;
    double param[AMEM__PROBE_NPARAM];
    amem__rng rng;
    /* The fit (classes == 0 when unfitted): */
    size_t dim, classes;
    float *mean, *scale;      /* standardisation x' = (x - mean) / scale */
    double gamma;             /* SVC kernel width used */
    size_t n_svm;
    amem__svm *svm;
    float *weights, *bias;    /* SOFTMAX: classes x dim, classes */
};

#define AMEM__PP(p, name) ((p)->param[AMEM_PROBE_##name])

/* A fitted model, built apart from the handle then swapped in. */
typedef struct amem__probe_fit {
    size_t dim, classes;
    float *mean, *scale;
    double gamma;
    size_t n_svm;
    amem__svm *svm;
    float *weights, *bias;
} amem__probe_fit;

void amem__probe_fit_free(amem__probe_fit *f);
/* The handle's fit as a separate value, and back (ownership moves). */
amem__probe_fit amem__probe_take_fit(amem_probe *p);
void amem__probe_put_fit(amem_probe *p, const amem__probe_fit *f);
/* Settings table (probe.c). */
extern const amem__settings amem__probe_settings;

/* Standardisation statistics of n x dim data (scale 1 where the standard
 * deviation is 0; mean 0 and scale 1 everywhere when disabled) and the
 * standardised copy. Return AMEM_OK or AMEM_E_NOMEM. */
int amem__probe_standardize(const char *fn, const float *x, size_t n,
                            size_t dim, int enabled, amem__probe_fit *f,
                            float **xs);
void amem__probe_apply_scale(const amem__probe_fit *f, const float *x,
                             size_t n, float *out);

/*
 * A binary RBF C-SVM by LIBSVM on rows idx[0..m) of the standardised data
 * xs with labels y in {-1, +1}: fills *out (coef, sv, rho; f > 0 for +1).
 * C, gamma, tol as the settings. Returns AMEM_OK, AMEM_E_DIM (sizes beyond
 * LIBSVM's int), AMEM_E_NOMEM.
 */
int amem__svm_train(const char *fn, const float *xs, size_t dim,
                    const size_t *idx, const signed char *y, size_t m,
                    double c, double gamma, double tol, amem__svm *out);
double amem__svm_decision(const amem__svm *s, size_t dim, double gamma,
                          const float *x);

/* Progress of a fit: the caller's callback (may be NULL). */
typedef struct amem__probe_progress {
    amem_progress_fn fn;
    void *user;
} amem__probe_progress;

/* Report done / total; AMEM_E_CANCELLED (with the message) when the
 * callback asks to stop, else AMEM_OK. */
int amem__probe_report(const char *fn, const amem__probe_progress *pr,
                       const char *stage, long done, long total,
                       double metric);

/* One binary machine per pair of classes (OVO) or per class (OVR); the
 * progress counts machines. */
int amem__svc_fit(const char *fn, const amem_probe *p, const float *xs,
                  const int32_t *labels, size_t n,
                  const amem__probe_progress *pr, amem__probe_fit *f);
/* Scores (n x classes) of standardised rows; see amem_probe_scores. With
 * votes_only, OVO scores are the bare vote counts (prediction). */
int amem__svc_scores(const amem_probe *p, const float *xs, size_t n,
                     int votes_only, float *scores);

/* Minibatch Adam; the progress counts epochs, metric = the epoch's mean
 * cross-entropy. */
int amem__softmax_fit(const char *fn, amem_probe *p, const float *xs,
                      const int32_t *labels, size_t n,
                      const amem__probe_progress *pr, amem__probe_fit *f);
void amem__softmax_scores(const amem_probe *p, const float *xs, size_t n,
                          float *scores);

#endif
