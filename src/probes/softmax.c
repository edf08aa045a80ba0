/*
 * Softmax regression (a single-layer perceptron with a softmax output):
 * p = softmax(W x + b), trained by minibatch Adam on the mean cross-entropy
 * plus (L2 / 2)|W|^2. The gradient of the batch loss is
 *   dW = (P - Y)^T X / B + L2 W,   db = sum_rows (P - Y) / B
 * with Y the one-hot labels (both through cblas_sgemm).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/blas.h"
#include "core/check.h"
#include "core/error.h"
#include "core/numerics.h"
#include "core/optim.h"
#include "probe_impl.h"

/* logits = X W^T + b, then the shared row softmax. */
static void forward(const float *w, const float *b, const float *x, size_t n,
                    size_t dim, size_t k, float *p)
{
    for (size_t i = 0; i < n; i++)
        memcpy(p + i * k, b, k * sizeof(float));
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)k,
                (int)dim, 1.0f, x, (int)dim, w, (int)dim, 1.0f, p, (int)k);
    amem__softmax_rows(p, n, k, 1.0f);
}

typedef struct sm_work {
    float *theta, *grad; /* [W (k x dim) ; b (k)] */
    float *xb, *pb;      /* batch rows and probabilities */
    int32_t *yb;
    size_t *order;
} sm_work;

/* Fills the gradient of one batch; returns its summed cross-entropy. */
static double batch_grad(const amem_probe *p, sm_work *w, size_t m,
                         size_t dim, size_t k)
{
    float *W = w->theta, *b = w->theta + k * dim;
    float *gW = w->grad, *gb = w->grad + k * dim;
    double loss = 0.0;
    forward(W, b, w->xb, m, dim, k, w->pb);
    for (size_t i = 0; i < m; i++) {
        float *py = &w->pb[i * k + (size_t)w->yb[i]];
        loss -= log(fmax((double)*py, 1e-30));
        *py -= 1.0f;
        for (size_t c = 0; c < k; c++)
            w->pb[i * k + c] /= (float)m;
    }
    float l2 = (float)AMEM__PP(p, L2);
    for (size_t i = 0; i < k * dim; i++)
        gW[i] = l2 * W[i];
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)k, (int)dim,
                (int)m, 1.0f, w->pb, (int)k, w->xb, (int)dim, 1.0f, gW,
                (int)dim);
    for (size_t c = 0; c < k; c++) {
        gb[c] = 0.0f;
        for (size_t i = 0; i < m; i++)
            gb[c] += w->pb[i * k + c];
    }
    return loss;
}

static int train(amem_probe *p, const float *xs, const int32_t *labels,
                 size_t n, size_t dim, size_t k, sm_work *w, amem__adam *opt,
                 const amem__probe_progress *pr)
{
    size_t bs = (size_t)AMEM__PP(p, BATCH_SIZE);
    long epochs = (long)AMEM__PP(p, EPOCHS);
    amem__adam_set(opt, AMEM__PP(p, LEARNING_RATE), AMEM__PP(p, ADAM_BETA1),
                   AMEM__PP(p, ADAM_BETA2), AMEM__PP(p, ADAM_EPS));
    for (size_t i = 0; i < n; i++)
        w->order[i] = i;
    for (long e = 0; e < epochs; e++) {
        double loss = 0.0;
        amem__rng_shuffle(&p->rng, w->order, n);
        for (size_t s = 0; s < n; s += bs) {
            size_t m = n - s < bs ? n - s : bs;
            for (size_t r = 0; r < m; r++) {
                memcpy(w->xb + r * dim, xs + w->order[s + r] * dim,
                       dim * sizeof(float));
                w->yb[r] = labels[w->order[s + r]];
            }
            loss += batch_grad(p, w, m, dim, k);
            if (amem__adam_step(opt, w->theta, w->grad) != AMEM_OK)
                return amem__fail(AMEM_E_NONFINITE, "amem_probe_fit",
                                  "training diverged (non-finite gradient)");
        }
        int rc = amem__probe_report("amem_probe_fit", pr, "softmax", e + 1,
                                    epochs, loss / (double)n);
        if (rc != AMEM_OK)
            return rc;
    }
    return AMEM_OK;
}

int amem__softmax_fit(const char *fn, amem_probe *p, const float *xs,
                      const int32_t *labels, size_t n,
                      const amem__probe_progress *pr, amem__probe_fit *f)
{
    size_t k = f->classes, dim = f->dim, np = k * dim + k;
    size_t bs = (size_t)AMEM__PP(p, BATCH_SIZE);
    bs = bs < n ? bs : n;
    sm_work w = {amem__zalloc(np, 1, sizeof(float)),
                 amem__alloc(np, 1, sizeof(float)),
                 amem__alloc(bs, dim, sizeof(float)),
                 amem__alloc(bs, k, sizeof(float)),
                 amem__alloc(bs, 1, sizeof(int32_t)),
                 amem__alloc(n, 1, sizeof(size_t))};
    amem__adam *opt = NULL;
    int rc = amem__adam_create(np, 0, &opt);
    if (rc != AMEM_OK || !w.theta || !w.grad || !w.xb || !w.pb || !w.yb ||
        !w.order)
        rc = amem__fail(AMEM_E_NOMEM, fn, "cannot allocate the regression");
    else
        rc = train(p, xs, labels, n, dim, k, &w, opt, pr);
    if (rc == AMEM_OK) {
        f->weights = w.theta;
        f->bias = amem__alloc(k, 1, sizeof(float));
        if (f->bias == NULL)
            rc = amem__fail(AMEM_E_NOMEM, fn, "cannot allocate the bias");
        else
            memcpy(f->bias, w.theta + k * dim, k * sizeof(float));
    } else {
        free(w.theta);
    }
    free(w.grad);
    free(w.xb);
    free(w.pb);
    free(w.yb);
    free(w.order);
    amem__adam_free(opt);
    return rc;
}

void amem__softmax_scores(const amem_probe *p, const float *xs, size_t n,
                          float *scores)
{
    forward(p->weights, p->bias, xs, n, p->dim, p->classes, scores);
}
