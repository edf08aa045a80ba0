/*
 * The multi-class RBF support vector classifier over binary LIBSVM machines
 * (svm_binary.c):
 * one-vs-one (as LIBSVM and sklearn's SVC: a machine per pair of classes,
 * majority vote) or one-vs-rest (a machine per class, largest decision).
 * gamma = 0 means sklearn's 'scale': 1 / (dim * var(all training entries)).
 */
#include <math.h>
#include <stdlib.h>

#include "core/check.h"
#include "core/error.h"
#include "probe_impl.h"

static double scale_gamma(const float *xs, size_t n, size_t dim)
{
    double s = 0.0, ss = 0.0, count = (double)n * (double)dim;
    for (size_t i = 0; i < n * dim; i++)
        s += xs[i];
    double m = s / count;
    for (size_t i = 0; i < n * dim; i++)
        ss += (xs[i] - m) * (xs[i] - m);
    double var = ss / count;
    return var > 0.0 ? 1.0 / ((double)dim * var) : 1.0;
}

/* Rows of class pos (y = +1) and neg (y = -1; neg < 0: every other). */
static size_t gather(const int32_t *labels, size_t n, int pos, int neg,
                     size_t *idx, signed char *y)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (labels[i] == pos || (neg < 0 ? 1 : labels[i] == neg)) {
            idx[m] = i;
            y[m++] = labels[i] == pos ? 1 : -1;
        }
    }
    return m;
}

static int present(const int32_t *labels, size_t n, int c)
{
    for (size_t i = 0; i < n; i++)
        if (labels[i] == c)
            return 1;
    return 0;
}

static int train_machine(const char *fn, const amem_probe *p, const float *xs,
                         const int32_t *labels, size_t n, amem__probe_fit *f,
                         int pos, int neg, size_t *idx, signed char *y)
{
    amem__svm *s = &f->svm[f->n_svm];
    s->pos = pos;
    s->neg = neg;
    size_t m = gather(labels, n, pos, neg, idx, y);
    f->n_svm++;
    return amem__svm_train(fn, xs, f->dim, idx, y, m, AMEM__PP(p, C),
                           f->gamma, AMEM__PP(p, TOLERANCE), s);
}

/* Machines the fit trains: one per present class (OVR) or pair (OVO). */
static size_t machine_count(const int32_t *labels, size_t n, size_t k,
                            int ovr)
{
    size_t present_k = 0;
    for (size_t c = 0; c < k; c++)
        present_k += present(labels, n, (int)c);
    return ovr ? present_k : present_k * (present_k - 1) / 2;
}

int amem__svc_fit(const char *fn, const amem_probe *p, const float *xs,
                  const int32_t *labels, size_t n,
                  const amem__probe_progress *pr, amem__probe_fit *f)
{
    size_t k = f->classes;
    int ovr = AMEM__PP(p, MULTICLASS) == AMEM_PROBE_OVR;
    size_t most = ovr ? k : k * (k - 1) / 2;
    f->gamma = AMEM__PP(p, GAMMA) > 0 ? AMEM__PP(p, GAMMA)
                                      : scale_gamma(xs, n, f->dim);
    f->svm = amem__zalloc(most, 1, sizeof *f->svm);
    size_t *idx = amem__alloc(n, 1, sizeof *idx);
    signed char *y = amem__alloc(n, 1, 1);
    long total = (long)machine_count(labels, n, k, ovr);
    int rc = AMEM_OK;
    if (f->svm == NULL || idx == NULL || y == NULL)
        rc = amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu machines", most);
    for (int a = 0; rc == AMEM_OK && a < (int)k; a++) {
        if (!present(labels, n, a))
            continue; /* an absent class never wins */
        for (int b = ovr ? -1 : a + 1; rc == AMEM_OK && b < (int)k; b++) {
            if (b >= 0 && !present(labels, n, b))
                continue;
            rc = train_machine(fn, p, xs, labels, n, f, a, b, idx, y);
            if (rc == AMEM_OK)
                rc = amem__probe_report(fn, pr, "svc", (long)f->n_svm, total,
                                        (double)f->svm[f->n_svm - 1].n_sv);
            if (ovr)
                break;
        }
    }
    free(idx);
    free(y);
    return rc;
}

/* OVO: votes plus sklearn's confidence term conf / (3 (|conf| + 1)). */
static void ovo_scores(const amem_probe *p, const float *x, int votes_only,
                       float *row, double *conf)
{
    for (size_t c = 0; c < p->classes; c++) {
        row[c] = 0.0f;
        conf[c] = 0.0;
    }
    for (size_t m = 0; m < p->n_svm; m++) {
        const amem__svm *s = &p->svm[m];
        double d = amem__svm_decision(s, p->dim, p->gamma, x);
        row[d > 0 ? s->pos : s->neg] += 1.0f;
        conf[s->pos] += d;
        conf[s->neg] -= d;
    }
    if (!votes_only)
        for (size_t c = 0; c < p->classes; c++)
            row[c] += (float)(conf[c] / (3.0 * (fabs(conf[c]) + 1.0)));
}

int amem__svc_scores(const amem_probe *p, const float *xs, size_t n,
                     int votes_only, float *scores)
{
    int ovr = p->n_svm > 0 && p->svm[0].neg < 0;
    double *conf = amem__alloc(p->classes, 1, sizeof *conf);
    if (conf == NULL)
        return AMEM_E_NOMEM;
    for (size_t i = 0; i < n; i++) {
        float *row = scores + i * p->classes;
        const float *x = xs + i * p->dim;
        if (ovr) {
            for (size_t c = 0; c < p->classes; c++)
                row[c] = -INFINITY;
            for (size_t m = 0; m < p->n_svm; m++)
                row[p->svm[m].pos] =
                    (float)amem__svm_decision(&p->svm[m], p->dim, p->gamma, x);
        } else {
            ovo_scores(p, x, votes_only, row, conf);
        }
    }
    free(conf);
    return AMEM_OK;
}
