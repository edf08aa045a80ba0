/*
 * Fused forward and backward pass of the noise predictor for training,
 * with one theta per row (the denoising loss, Ambrogioni 2024 Eq. 27):
 *   loss = mean over rows and entries of (eps(x_i, theta_i) - delta_i)^2.
 * Each layer's input is kept as [a_l ; theta] (stride n_l + 1, theta in the
 * last column, written by the previous layer's bias/ReLU pass), so a layer
 * is one sgemm against the whole W_l and its weight gradient one more.
 * Backward, layer by layer from the output (G = dloss/dz_l, B x m_l):
 *   dW_l = [a_l ; theta]^T G,  db_l = 1^T G,
 *   dz_{l-1} = (G W_l[0:n]^T) * [a_l > 0]      (ReLU derivative).
 * Checked against the engine path (mlp_graph.c) and finite differences.
 */
#include <string.h>

#include "core/blas.h"
#include "core/jobs.h"
#include "diffusion_impl.h"
#include "mlp_kernels.h"

/* Inputs [x ; theta] (B x (d+1)), activations [a_l ; theta]
 * (B x (hidden+1) each), output (B x d), two gradient buffers
 * (B x max(hidden, d)). */
size_t amem__dmlp_train_ws_len(const amem__dmlp *m, size_t batch)
{
    size_t wide = m->hidden > m->dim ? m->hidden : m->dim;
    return batch * ((m->dim + 1) + m->layers * (m->hidden + 1) + m->dim +
                    2 * wide);
}

/* z = [a ; theta] W + b for all rows; ReLU and theta column unless last. */
static void forward_layer(const amem__dmlp *m, size_t l, const float *a,
                          const float *theta, size_t B, float *z)
{
    size_t w, b, n, o;
    amem__dmlp_layer(m, l, &w, &b, &n, &o);
    const int last = l == m->layers;
    const size_t ldz = last ? o : o + 1;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)B, (int)o,
                (int)n + 1, 1.0f, a, (int)n + 1, m->params + w, (int)o, 0.0f,
                z, (int)ldz);
    amem__dk_bias_act(z, B, o, ldz, m->params + b, !last,
                      last ? NULL : theta, 1);
}

/* Gradients of layer l's weights from G (B x o) and its input [a ; theta]. */
static void weight_grads(const amem__dmlp *m, size_t l, const float *a,
                         const float *G, size_t B, float *grad)
{
    size_t w, b, n, o;
    amem__dmlp_layer(m, l, &w, &b, &n, &o);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)n + 1, (int)o,
                (int)B, 1.0f, a, (int)n + 1, G, (int)o, 0.0f, grad + w,
                (int)o);
    amem__dk_col_sums(G, B, o, grad + b);
}

/* dz_{l-1} = (G W_l[0:n]^T) * [a_l > 0], into out (B x n). */
static void input_grad(const amem__dmlp *m, size_t l, const float *a,
                       const float *G, size_t B, float *out)
{
    size_t w, b, n, o;
    amem__dmlp_layer(m, l, &w, &b, &n, &o);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)B, (int)n,
                (int)o, 1.0f, G, (int)o, m->params + w, (int)o, 0.0f, out,
                (int)n);
    amem__dk_relu_mask(out, a, B, n, n + 1);
}

/* Residual G = scale (out - target); returns the sum of squares. */
static double residual(const float *out, const float *target, size_t len,
                       float scale, float *G)
{
    double loss = 0.0;
    for (size_t i = 0; i < len; i++) {
        float r = out[i] - target[i];
        loss += (double)r * r;
        G[i] = scale * r;
    }
    return loss;
}

/* Forward and backward over `batch` rows with the residual scaled by
 * `scale`; returns the sum of squared residuals. */
static double loss_grad_rows(const amem__dmlp *m, const float *x,
                             const float *theta, const float *target,
                             size_t batch, float scale, float *grad,
                             float *ws)
{
    const size_t L = m->layers, H = m->hidden, d = m->dim;
    const size_t wide = H > d ? H : d;
    float *in = ws, *act = in + batch * (d + 1);
    float *out = act + batch * L * (H + 1);
    float *G[2] = {out + batch * d, out + batch * d + batch * wide};
    for (size_t i = 0; i < batch; i++) {
        memcpy(in + i * (d + 1), x + i * d, d * sizeof(float));
        in[i * (d + 1) + d] = theta[i];
    }
    const float *a = in;
    for (size_t l = 0; l <= L; l++) {
        float *z = l == L ? out : act + l * batch * (H + 1);
        forward_layer(m, l, a, theta, batch, z);
        a = z;
    }
    double sum = residual(out, target, batch * d, scale, G[0]);
    for (size_t l = L + 1; l-- > 0;) {
        const float *a_l = l == 0 ? in : act + (l - 1) * batch * (H + 1);
        const float *g = G[(L - l) & 1];
        weight_grads(m, l, a_l, g, batch, grad);
        if (l > 0)
            input_grad(m, l, a_l, g, batch, G[(L - l + 1) & 1]);
    }
    return sum;
}

double amem__dmlp_loss_grad(const amem__dmlp *m, const float *x,
                            const float *theta, const float *target,
                            size_t batch, float *grad, float *ws)
{
    const size_t len = batch * m->dim;
    return loss_grad_rows(m, x, theta, target, batch, 2.0f / (float)len,
                          grad, ws) /
           (double)len;
}

typedef struct split {
    const amem__dmlp *m;
    const float *x, *theta, *target;
    float *const *grads;
    float *ws;
    size_t batch, total, ws_len;
    int jobs;
    double sum[AMEM__DJOBS_MAX];
} split;

static void split_job(void *ctx, int k)
{
    split *s = ctx;
    const size_t d = s->m->dim;
    size_t r0, r1;
    amem__job_share(s->batch, s->jobs, k, &r0, &r1);
    s->sum[k] = loss_grad_rows(s->m, s->x + r0 * d, s->theta + r0,
                               s->target + r0 * d, r1 - r0,
                               2.0f / (float)(s->total * d), s->grads[k],
                               s->ws + (size_t)k * s->ws_len);
}

size_t amem__dmlp_split_ws_len(const amem__dmlp *m, size_t batch, int jobs)
{
    size_t rows = (batch + (size_t)jobs - 1) / (size_t)jobs;
    return (size_t)jobs * amem__dmlp_train_ws_len(m, rows);
}

double amem__dmlp_loss_grad_split(const amem__dmlp *m, const float *x,
                                  const float *theta, const float *target,
                                  size_t batch, size_t total,
                                  float *const *grads, float *ws, int jobs)
{
    size_t rows = (batch + (size_t)jobs - 1) / (size_t)jobs;
    split s = {m, x, theta, target, grads, ws, batch, total,
               amem__dmlp_train_ws_len(m, rows), jobs, {0}};
    if (jobs == 1)
        split_job(&s, 0);
    else
        amem__run_jobs(jobs, split_job, &s);
    double sum = 0.0;
    for (int k = 0; k < jobs; k++)
        sum += s.sum[k];
    return sum / (double)(total * m->dim);
}
