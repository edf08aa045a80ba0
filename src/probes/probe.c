/* The probe handle: life cycle, settings, fit, predict, scores. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "core/settings.h"
#include "probe_impl.h"

/* Indexed by enum amem_probe_param; see the table in probes.h. */
static const amem__setting table[AMEM__PROBE_NPARAM] = {
    {"C", 1e-6, 1e6, 1.0, 0},
    {"GAMMA", 0, 1e6, 0.0, 0},
    {"TOLERANCE", 1e-9, 1, 1e-3, 0},
    {"MAX_STEPS", 1, 1e9, 1e6, 1},
    {"MULTICLASS", 0, 1, AMEM_PROBE_OVO, 1},
    {"STANDARDIZE", 0, 1, 1, 1},
    {"EPOCHS", 1, 1e6, 200, 1},
    {"LEARNING_RATE", 1e-8, 10, 1e-2, 0},
    {"L2", 0, 1e6, 0, 0},
    {"BATCH_SIZE", 1, 65536, 32, 1},
    AMEM__SETTING_SEED,
    AMEM__SETTINGS_ADAM,
};

const amem__settings amem__probe_settings = {table, AMEM__PROBE_NPARAM};

#define MAX_LABEL 65535

int amem_probe_create(int kind, amem_probe **out)
{
    static const char fn[] = "amem_probe_create";
    AMEM__CHECK_NULL(out, fn);
    *out = NULL;
    if (kind != AMEM_PROBE_SVC && kind != AMEM_PROBE_SOFTMAX)
        return amem__fail(AMEM_E_ARG, fn, "unknown probe kind %d", kind);
    amem_probe *p = calloc(1, sizeof *p);
    if (p == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate the handle");
    p->kind = kind;
    amem__settings_defaults(&amem__probe_settings, p->param);
    amem__rng_seed(&p->rng, 0);
    *out = p;
    return AMEM_OK;
}

void amem__probe_fit_free(amem__probe_fit *f)
{
    free(f->mean);
    free(f->scale);
    for (size_t i = 0; i < f->n_svm && f->svm; i++) {
        free(f->svm[i].coef);
        free(f->svm[i].sv);
    }
    free(f->svm);
    free(f->weights);
    free(f->bias);
    memset(f, 0, sizeof *f);
}

amem__probe_fit amem__probe_take_fit(amem_probe *p)
{
    amem__probe_fit f = {p->dim, p->classes, p->mean, p->scale, p->gamma,
                         p->n_svm, p->svm, p->weights, p->bias};
    return f;
}

void amem__probe_put_fit(amem_probe *p, const amem__probe_fit *f)
{
    p->dim = f->dim;
    p->classes = f->classes;
    p->mean = f->mean;
    p->scale = f->scale;
    p->gamma = f->gamma;
    p->n_svm = f->n_svm;
    p->svm = f->svm;
    p->weights = f->weights;
    p->bias = f->bias;
}

void amem_probe_free(amem_probe *p)
{
    if (p == NULL)
        return;
    amem__probe_fit f = amem__probe_take_fit(p);
    amem__probe_fit_free(&f);
    free(p);
}

AMEM__PIECE_SETTINGS(amem_probe, amem__probe_settings, AMEM_PROBE_SEED, amem__settings_admit_any)

/* Labels in range and at least two distinct ones; the class count. */
static int check_labels(const char *fn, const int32_t *labels, size_t n,
                        size_t *classes)
{
    AMEM__CHECK_NULL(labels, fn);
    int32_t lo = MAX_LABEL, hi = 0;
    for (size_t i = 0; i < n; i++) {
        if (labels[i] < 0 || labels[i] > MAX_LABEL)
            return amem__fail(AMEM_E_ARG, fn, "labels[%zu] = %d outside "
                              "[0, %d]", i, (int)labels[i], MAX_LABEL);
        lo = labels[i] < lo ? labels[i] : lo;
        hi = labels[i] > hi ? labels[i] : hi;
    }
    if (lo == hi)
        return amem__fail(AMEM_E_ARG, fn,
                          "all %zu labels are %d; need two classes", n,
                          (int)lo);
    *classes = (size_t)hi + 1;
    return AMEM_OK;
}

int amem__probe_report(const char *fn, const amem__probe_progress *pr,
                       const char *stage, long done, long total,
                       double metric)
{
    if (pr->fn == NULL || pr->fn(pr->user, stage, done, total, metric) == 0)
        return AMEM_OK;
    return amem__fail(AMEM_E_CANCELLED, fn, "cancelled at %s step %ld of %ld",
                      stage, done, total);
}

int amem_probe_fit(amem_probe *p, const float *x, const int32_t *labels,
                   size_t n, size_t dim, amem_progress_fn progress,
                   void *user)
{
    static const char fn[] = "amem_probe_fit";
    AMEM__CHECK_NULL(p, fn);
    int rc = amem__check_array(fn, "x", x, n, dim);
    if (rc != AMEM_OK)
        return rc;
    if (n < 2)
        return amem__fail(AMEM_E_DIM, fn, "need at least 2 items, got %zu", n);
    amem__probe_fit f;
    memset(&f, 0, sizeof f);
    rc = check_labels(fn, labels, n, &f.classes);
    if (rc != AMEM_OK)
        return rc;
    float *xs = NULL;
    amem__probe_progress pr = {progress, user};
    amem__rng rng_before = p->rng; /* a failed fit leaves the handle as is */
    rc = amem__probe_standardize(fn, x, n, dim,
                                 AMEM__PP(p, STANDARDIZE) != 0, &f, &xs);
    if (rc == AMEM_OK)
        rc = p->kind == AMEM_PROBE_SVC
                 ? amem__svc_fit(fn, p, xs, labels, n, &pr, &f)
                 : amem__softmax_fit(fn, p, xs, labels, n, &pr, &f);
    free(xs);
    if (rc != AMEM_OK) {
        p->rng = rng_before;
        amem__probe_fit_free(&f);
        return rc;
    }
    amem__probe_fit old = amem__probe_take_fit(p);
    amem__probe_fit_free(&old);
    amem__probe_put_fit(p, &f);
    return AMEM_OK;
}

AMEM__GETTER(amem_probe, kind, int, p, p->kind)

AMEM__GETTER(amem_probe, dim, size_t, p, p->dim)

AMEM__GETTER(amem_probe, classes, size_t, p, p->classes)

int amem_probe_support_count(const amem_probe *p, size_t *out)
{
    AMEM__CHECK_NULL(p, "amem_probe_support_count");
    AMEM__CHECK_NULL(out, "amem_probe_support_count");
    *out = 0;
    for (size_t i = 0; i < p->n_svm; i++)
        *out += p->svm[i].n_sv;
    return AMEM_OK;
}

/* Validated, standardised copy of the rows to score, or NULL. */
static float *prepare(const char *fn, const amem_probe *p, const float *x,
                      size_t n, size_t dim, const void *out, int *rc)
{
    *rc = AMEM_OK;
    if (p == NULL || out == NULL)
        *rc = amem__fail(AMEM_E_NULL, fn, "%s is NULL", p ? "output" : "p");
    else if (p->classes == 0)
        *rc = amem__fail(AMEM_E_STATE, fn, "the probe is not fitted");
    else if (dim != p->dim)
        *rc = amem__fail(AMEM_E_DIM, fn, "items have %zu features, the fit "
                         "had %zu", dim, p->dim);
    else
        *rc = amem__check_array(fn, "x", x, n, dim);
    if (*rc != AMEM_OK)
        return NULL;
    float *xs = amem__alloc(n, dim, sizeof(float));
    if (xs == NULL) {
        *rc = amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu items", n);
        return NULL;
    }
    amem__probe_fit f = {p->dim, p->classes, p->mean, p->scale, 0, 0, NULL,
                         NULL, NULL};
    amem__probe_apply_scale(&f, x, n, xs);
    return xs;
}

int amem_probe_scores(const amem_probe *p, const float *x, size_t n,
                      size_t dim, float *scores)
{
    int rc;
    float *xs = prepare("amem_probe_scores", p, x, n, dim, scores, &rc);
    if (xs == NULL)
        return rc;
    rc = AMEM_OK;
    if (p->kind == AMEM_PROBE_SVC)
        rc = amem__svc_scores(p, xs, n, 0, scores);
    else
        amem__softmax_scores(p, xs, n, scores);
    free(xs);
    if (rc != AMEM_OK)
        return amem__fail(rc, "amem_probe_scores", "out of memory");
    return AMEM_OK;
}

/* Scores then argmax per row (first maximum). */
static int predict(const char *fn, const amem_probe *p, const float *x,
                   size_t n, size_t dim, int32_t *labels)
{
    int rc;
    float *xs = prepare(fn, p, x, n, dim, labels, &rc);
    if (xs == NULL)
        return rc;
    float *s = amem__alloc(n, p->classes, sizeof(float));
    if (s == NULL) {
        free(xs);
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate scores");
    }
    rc = AMEM_OK;
    if (p->kind == AMEM_PROBE_SVC)
        rc = amem__svc_scores(p, xs, n, 1, s);
    else
        amem__softmax_scores(p, xs, n, s);
    for (size_t i = 0; rc == AMEM_OK && i < n; i++) {
        const float *row = s + i * p->classes;
        size_t best = 0;
        for (size_t c = 1; c < p->classes; c++)
            if (row[c] > row[best])
                best = c;
        labels[i] = (int32_t)best;
    }
    free(s);
    free(xs);
    if (rc != AMEM_OK)
        return amem__fail(rc, fn, "out of memory");
    return AMEM_OK;
}

int amem_probe_predict(const amem_probe *p, const float *x, size_t n,
                       size_t dim, int32_t *labels)
{
    return predict("amem_probe_predict", p, x, n, dim, labels);
}

int amem_probe_accuracy(const amem_probe *p, const float *x,
                        const int32_t *labels, size_t n, size_t dim,
                        double *accuracy)
{
    static const char fn[] = "amem_probe_accuracy";
    AMEM__CHECK_NULL(labels, fn);
    AMEM__CHECK_NULL(accuracy, fn);
    int32_t *pred = amem__alloc(n ? n : 1, 1, sizeof *pred);
    if (pred == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate predictions");
    int rc = predict(fn, p, x, n, dim, pred);
    if (rc == AMEM_OK) {
        size_t right = 0;
        for (size_t i = 0; i < n; i++)
            right += pred[i] == labels[i];
        *accuracy = (double)right / (double)n;
    }
    free(pred);
    return rc;
}
