/*
 * Key write (Eq. 8, 9, 12, 15, 17): only the gated rows change, so the cost
 * is O(d) per gated slot, plus one O(N d) pass for h_t = softmax(beta K_t x)
 * when the post-synaptic slope a^{g_k} is not 0.
 */
#include "kvmem_impl.h"

static float clamp01(float e)
{
    return e < 0 ? 0 : (e > 1 ? 1 : e);
}

/* K[i] <- (1 - clamp(e)) K[i] + w(e) g f_k(x), f_k(x)_j = a x_j + b, with
 * w(e) = e (LINEAR) or clamp(e) (SATURATING). */
static void update_row(float *row, const float *x, size_t d, float e,
                       float w, float g, float a, float b)
{
    float keep = 1.0f - clamp01(e), coef = w * g;
    for (size_t j = 0; j < d; j++)
        row[j] = keep * row[j] + coef * (a * x[j] + b);
}

void amem__kv_write_keys(amem_kvmem *h, const amem__kv_rule *r,
                         const float *x, float q)
{
    int need_post = r->a_gk != 0;
    if (need_post) { /* h_t from K_t, before any row changes */
        amem__kv_scores(h->K, h->N, h->d, x, r->beta, h->scores);
        amem__softmax_row(h->scores, h->N, 1.0f, NULL);
    }
    for (size_t k = 0; k < h->n_gated; k++) {
        size_t i = h->gated[k];
        if (r->meta && h->key_frozen[i])
            continue; /* Eq. 17: (1 - S) = 0 */
        float e = q * r->eta_k; /* Eq. 12: q gamma etak~, gamma_i = 1 */
        if (e == 0)
            continue;
        float g = r->b_gk + (need_post ? r->a_gk * h->scores[i] : 0.0f);
        update_row(h->K + i * h->d, x, h->d, e, amem__kv_write_gain(r, e), g,
                   r->a_fk, r->b_fk);
        if (r->meta && e > r->threshold)
            h->key_frozen[i] = 1;
    }
}
