/*
 * Value write (Eq. 10, 11, 13, 16, 17) with the intermediate hidden state
 * h'_t = softmax(beta K_{t+1} x_t).
 *
 * RAPID: only the gated columns change (O(m) each) and each needs only its
 * own h'_i = exp(s_i - M) / sum_j exp(s_j - M); the normaliser is one sgemv
 * over K (O(N d)), skipped when no gated slot is plastic or when the
 * pre-synaptic slope a^{f_v} is 0 (then h' is not used at all).
 * PASSIVE: every value synapse decays and changes, O(N (d + m)).
 */
#include <math.h>

#include "kvmem_impl.h"

static float clamp01(float e)
{
    return e < 0 ? 0 : (e > 1 ? 1 : e);
}

/* post[k] = g_v(y)_k = a^{g_v} y_k + b^{g_v}. */
static void post_factor(const amem__kv_rule *r, const float *y, size_t m,
                        float *post)
{
    for (size_t k = 0; k < m; k++)
        post[k] = r->a_gv * y[k] + r->b_gv;
}

/* Scores beta K x into h->scores, shifted by their max; returns 1 / Z. */
static float shifted_scores(amem_kvmem *h, const amem__kv_rule *r,
                            const float *x)
{
    amem__kv_scores(h->K, h->N, h->d, x, r->beta, h->scores);
    float mx = amem__vec_max(h->scores, h->N), z = 0;
    for (size_t i = 0; i < h->N; i++) {
        h->scores[i] -= mx;
        z += amem__exp_flush(h->scores[i]);
    }
    return 1.0f / z;
}

/* Row i of V <- keep * row + w (a_fv h_i + b_fv) post (unless frozen),
 * h_i the row's softmax share; freezes it when e passes the threshold. */
static void update_row(amem_kvmem *h, const amem__kv_rule *r, size_t i,
                       float keep, float w, float e, float inv_z)
{
    if (r->meta && h->value_frozen[i])
        return;
    float hp = r->a_fv != 0 ? amem__exp_flush(h->scores[i]) * inv_z : 0.0f;
    float coef = w * (r->a_fv * hp + r->b_fv);
    float *row = h->V + i * h->m;
    for (size_t c = 0; c < h->m; c++)
        row[c] = keep * row[c] + coef * h->post[c];
    if (r->meta && e > r->threshold)
        h->value_frozen[i] = 1;
}

static void write_rapid(amem_kvmem *h, const amem__kv_rule *r,
                        const float *x, const float *y, float q)
{
    float e = q * r->eta_v;
    int any = 0;
    for (size_t k = 0; k < h->n_gated && e != 0; k++)
        any |= !(r->meta && h->value_frozen[h->gated[k]]);
    if (!any)
        return;
    float inv_z = r->a_fv != 0 ? shifted_scores(h, r, x) : 0.0f;
    post_factor(r, y, h->m, h->post);
    float keep = 1.0f - clamp01(e), w = amem__kv_write_gain(r, e);
    for (size_t k = 0; k < h->n_gated; k++)
        update_row(h, r, h->gated[k], keep, w, e, inv_z);
}

static void write_passive(amem_kvmem *h, const amem__kv_rule *r,
                          const float *x, const float *y, float q)
{
    if (q == 0)
        return; /* Eq. 13: lambda_t = 1 and no update */
    float lam = (1.0f - q) + q * r->lambda, e = q * r->eta_v;
    float w = amem__kv_write_gain(r, e);
    float inv_z = r->a_fv != 0 ? shifted_scores(h, r, x) : 0.0f;
    post_factor(r, y, h->m, h->post);
    for (size_t i = 0; i < h->N; i++)
        update_row(h, r, i, lam, w, e, inv_z);
}

void amem__kv_write_values(amem_kvmem *h, const amem__kv_rule *r,
                           const float *x, const float *y, float q)
{
    if (r->passive)
        write_passive(h, r, x, y, q);
    else
        write_rapid(h, r, x, y, q);
}
