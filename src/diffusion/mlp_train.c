/*
 * Fused forward and backward pass of the noise predictor for training,
 * with one theta per row (the denoising loss, Ambrogioni 2024 Eq. 27):
 *   loss = mean over rows and entries of (eps(x_i, theta_i) - delta_i)^2.
 * Backward, layer by layer from the output (G = dloss/dz_l, B x m_l):
 *   dW_l[0:n] = a_l^T G,  dW_l[n] = theta^T G,  db_l = 1^T G,
 *   dz_{l-1} = (G W_l[0:n]^T) * [a_l > 0]      (ReLU derivative).
 * Checked against the engine path (mlp_graph.c) and finite differences.
 */
#include <string.h>

#include "core/blas.h"
#include "diffusion_impl.h"

/* Activations a_1..a_L (B x hidden each), output (B x d), two gradient
 * buffers (B x max(hidden, d)). */
size_t amem__dmlp_train_ws_len(const amem__dmlp *m, size_t batch)
{
    size_t wide = m->hidden > m->dim ? m->hidden : m->dim;
    return batch * (m->layers * m->hidden + m->dim + 2 * wide);
}

/* z = a W[0:n] + theta_i W[n] + b for each row i; ReLU unless linear. */
static void forward_layer(const amem__dmlp *m, size_t l, const float *a,
                          const float *theta, size_t B, float *z, int linear)
{
    size_t w, b, n, o;
    amem__dmlp_layer(m, l, &w, &b, &n, &o);
    const float *W = m->params + w, *tw = W + n * o, *bb = m->params + b;
    for (size_t i = 0; i < B; i++)
        for (size_t j = 0; j < o; j++)
            z[i * o + j] = bb[j] + theta[i] * tw[j];
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)B, (int)o,
                (int)n, 1.0f, a, (int)n, W, (int)o, 1.0f, z, (int)o);
    if (!linear)
        for (size_t i = 0; i < B * o; i++)
            z[i] = z[i] > 0.0f ? z[i] : 0.0f;
}

/* Gradients of layer l's weights from G (B x o) and its input a. */
static void weight_grads(const amem__dmlp *m, size_t l, const float *a,
                         const float *theta, const float *G, size_t B,
                         float *grad)
{
    size_t w, b, n, o;
    amem__dmlp_layer(m, l, &w, &b, &n, &o);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)n, (int)o,
                (int)B, 1.0f, a, (int)n, G, (int)o, 0.0f, grad + w, (int)o);
    cblas_sgemv(CblasRowMajor, CblasTrans, (int)B, (int)o, 1.0f, G, (int)o,
                theta, 1, 0.0f, grad + w + n * o, 1);
    float *db = grad + b;
    memset(db, 0, o * sizeof(float));
    for (size_t i = 0; i < B; i++)
        for (size_t j = 0; j < o; j++)
            db[j] += G[i * o + j];
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
    for (size_t i = 0; i < B * n; i++)
        if (!(a[i] > 0.0f))
            out[i] = 0.0f;
}

double amem__dmlp_loss_grad(const amem__dmlp *m, const float *x,
                            const float *theta, const float *target,
                            size_t batch, float *grad, float *ws)
{
    const size_t L = m->layers, H = m->hidden, d = m->dim;
    const size_t wide = H > d ? H : d;
    float *act = ws, *out = ws + batch * L * H;
    float *G[2] = {out + batch * d, out + batch * d + batch * wide};
    const float *a = x;
    for (size_t l = 0; l <= L; l++) {
        float *z = l == L ? out : act + l * batch * H;
        forward_layer(m, l, a, theta, batch, z, l == L);
        a = z;
    }
    double loss = 0.0;
    const float scale = 2.0f / (float)(batch * d);
    for (size_t i = 0; i < batch * d; i++) {
        float r = out[i] - target[i];
        loss += (double)r * r;
        G[0][i] = scale * r;
    }
    for (size_t l = L + 1; l-- > 0;) {
        const float *in = l == 0 ? x : act + (l - 1) * batch * H;
        const float *g = G[(L - l) & 1];
        weight_grads(m, l, in, theta, g, batch, grad);
        if (l > 0)
            input_grad(m, l, in, g, batch, G[(L - l + 1) & 1]);
    }
    return loss / (double)(batch * d);
}
