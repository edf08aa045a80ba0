/*
 * One binary C-SVM with the RBF kernel k(x, y) = exp(-gamma |x - y|^2),
 * trained by LIBSVM (Chang & Lin 2011), the solver scikit-learn's SVC wraps:
 * the dual  min 1/2 a^T Q a - e^T a,  0 <= a <= C,  y^T a = 0,
 * Q_ij = y_i y_j k(x_i, x_j), by SMO with second-order working-set selection,
 * shrinking and a kernel cache, until the maximal KKT violation is <= eps.
 * The machine keeps its support vectors (copied from the float rows, so
 * that saving and loading reproduce the decisions bit for bit), the
 * coefficients a_t y_t and rho: f(x) = sum_t coef_t k(sv_t, x) - rho.
 */
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libsvm/svm.h>

#include "core/check.h"
#include "core/error.h"
#include "probe_impl.h"

/* LIBSVM's kernel cache in MB (scikit-learn's default cache_size). */
#define CACHE_MB 200.0

static double rbf(const float *a, const float *b, size_t dim, double gamma)
{
    double d = 0.0;
    for (size_t k = 0; k < dim; k++) {
        double t = (double)a[k] - b[k];
        d += t * t;
    }
    return exp(-gamma * d);
}

double amem__svm_decision(const amem__svm *s, size_t dim, double gamma,
                          const float *x)
{
    double f = -s->rho;
    for (size_t t = 0; t < s->n_sv; t++)
        f += s->coef[t] * rbf(s->sv + t * dim, x, dim, gamma);
    return f;
}

/* The library never prints: LIBSVM's progress dots go nowhere. */
static void quiet(const char *text) { (void)text; }
static void silence_libsvm(void) { svm_set_print_string_function(quiet); }

/* LIBSVM's sparse rows: every feature (index 1..dim) then index -1. */
static struct svm_node *make_nodes(const float *xs, size_t dim,
                                   const size_t *idx, size_t m,
                                   struct svm_node **rows)
{
    struct svm_node *nodes = amem__alloc(m, dim + 1, sizeof *nodes);
    if (nodes == NULL)
        return NULL;
    for (size_t t = 0; t < m; t++) {
        struct svm_node *row = nodes + t * (dim + 1);
        for (size_t k = 0; k < dim; k++) {
            row[k].index = (int)k + 1;
            row[k].value = xs[idx[t] * dim + k];
        }
        row[dim].index = -1;
        rows[t] = row;
    }
    return nodes;
}

/* Support vectors and coefficients of a trained model; LIBSVM's decision
 * is positive for model->label[0], the class of the first row. */
static int keep_support(const char *fn, const struct svm_model *model,
                        const float *xs, size_t dim, const size_t *idx,
                        amem__svm *out)
{
    size_t n_sv = (size_t)model->l;
    double sign = model->label[0] > 0 ? 1.0 : -1.0;
    out->coef = amem__alloc(n_sv ? n_sv : 1, 1, sizeof(float));
    out->sv = amem__alloc(n_sv ? n_sv : 1, dim, sizeof(float));
    if (out->coef == NULL || out->sv == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot keep %zu vectors", n_sv);
    for (size_t t = 0; t < n_sv; t++) {
        size_t row = idx[model->sv_indices[t] - 1];
        out->coef[t] = (float)(sign * model->sv_coef[0][t]);
        memcpy(out->sv + t * dim, xs + row * dim, dim * sizeof(float));
    }
    out->n_sv = n_sv;
    out->rho = sign * model->rho[0];
    return AMEM_OK;
}

static struct svm_parameter rbf_params(double c, double gamma, double tol)
{
    struct svm_parameter prm;
    memset(&prm, 0, sizeof prm);
    prm.svm_type = C_SVC;
    prm.kernel_type = RBF;
    prm.degree = 3;
    prm.gamma = gamma;
    prm.cache_size = CACHE_MB;
    prm.eps = tol;
    prm.C = c;
    prm.nu = 0.5;
    prm.p = 0.1;
    prm.shrinking = 1;
    return prm;
}

int amem__svm_train(const char *fn, const float *xs, size_t dim,
                    const size_t *idx, const signed char *y, size_t m,
                    double c, double gamma, double tol, amem__svm *out)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    if (m > INT_MAX || dim >= INT_MAX)
        return amem__fail(AMEM_E_DIM, fn, "%zu items x %zu features exceed "
                          "LIBSVM's int sizes", m, dim);
    pthread_once(&once, silence_libsvm);
    struct svm_node **rows = amem__alloc(m, 1, sizeof *rows);
    double *labels = amem__alloc(m, 1, sizeof *labels);
    struct svm_node *nodes = rows ? make_nodes(xs, dim, idx, m, rows) : NULL;
    int rc = AMEM_OK;
    if (rows == NULL || labels == NULL || nodes == NULL) {
        rc = amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu rows", m);
    } else {
        for (size_t t = 0; t < m; t++)
            labels[t] = y[t];
        struct svm_problem prob = {(int)m, labels, rows};
        struct svm_parameter prm = rbf_params(c, gamma, tol);
        const char *bad = svm_check_parameter(&prob, &prm);
        struct svm_model *model = bad ? NULL : svm_train(&prob, &prm);
        if (model == NULL)
            rc = amem__fail(AMEM_E_INTERNAL, fn, "LIBSVM refused the problem: "
                            "%s", bad ? bad : "no model");
        else
            rc = keep_support(fn, model, xs, dim, idx, out);
        if (model != NULL)
            svm_free_and_destroy_model(&model);
    }
    free(nodes);
    free(rows);
    free(labels);
    return rc;
}
