/*
 * Exception signals (paper Eq. 6), their cumulative min/max normalisation
 * (Eq. 7), the softmax weights with inverse temperature gamma (Eq. 8) and
 * sampling with replacement from them (Eq. 4).
 */
#include <math.h>

#include "dam_impl.h"

void amem__dam_item_values(const float *x, const float *v, const float *f,
                           size_t n_vis, size_t n_hid, int time,
                           float raw[AMEM__RAW_COUNT])
{
    double loss = 0.0, ent = 0.0, sq = 0.0;
    float mx = 0.0f;
    for (size_t j = 0; j < n_vis; j++) {
        double d = (double)x[j] - v[j];
        loss += d * d;
    }
    for (size_t m = 0; m < n_hid; m++) {
        if (f[m] > 0.0f)
            ent -= (double)f[m] * log((double)f[m]);
        sq += (double)f[m] * f[m];
        mx = f[m] > mx ? f[m] : mx;
    }
    raw[AMEM__RAW_LOSS] = (float)loss;
    raw[AMEM__RAW_TIME] = (float)time;
    raw[AMEM__RAW_ENTROPY] = (float)ent;
    raw[AMEM__RAW_MAX] = mx;
    raw[AMEM__RAW_NORM] = (float)sqrt(sq);
}

double amem__dam_signal_of(int signal, const float *raw, int label)
{
    switch (signal) {
    case AMEM_DAM_SIGNAL_GROUND_TRUTH:
        return label ? 1.0 : 0.0;
    case AMEM_DAM_SIGNAL_LOSS:
        return raw[AMEM__RAW_LOSS];
    case AMEM_DAM_SIGNAL_NEG_TIME:
        return -(double)raw[AMEM__RAW_TIME];
    case AMEM_DAM_SIGNAL_NEG_ENTROPY:
        return -(double)raw[AMEM__RAW_ENTROPY];
    case AMEM_DAM_SIGNAL_MAX:
        return raw[AMEM__RAW_MAX];
    default:
        return raw[AMEM__RAW_NORM];
    }
}

void amem__dam_track_minmax(amem_dam *h, const float *raw)
{
    for (int s = AMEM_DAM_SIGNAL_LOSS; s < AMEM__DAM_NSIGNAL; s++) {
        double v = amem__dam_signal_of(s, raw, 0);
        if (isnan(v))
            continue;
        h->smin[s] = v < h->smin[s] ? v : h->smin[s];
        h->smax[s] = v > h->smax[s] ? v : h->smax[s];
    }
}

double amem__dam_alpha(const amem_dam *h, int signal, double s)
{
    if (isnan(s))
        return NAN;
    if (signal == AMEM_DAM_SIGNAL_GROUND_TRUTH)
        return s; /* labels are already 0/1: min 0, max 1 */
    double lo = h->smin[signal], hi = h->smax[signal];
    if (!(hi > lo))
        return 1.0;
    double a = (s - lo) / (hi - lo);
    return a < 0.0 ? 0.0 : (a > 1.0 ? 1.0 : a);
}

size_t amem__dam_softmax_weights(const double *alpha, size_t n, double gamma,
                                 double *out)
{
    double top = -INFINITY;
    size_t defined = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(alpha[i]) && alpha[i] > top)
            top = alpha[i];
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(alpha[i])) {
            out[i] = NAN;
            continue;
        }
        /* gamma = 0 gives exp(0) = 1 exactly for every item. */
        out[i] = exp(gamma * (alpha[i] - top));
        sum += out[i];
        defined++;
    }
    for (size_t i = 0; i < n; i++)
        out[i] /= sum;
    return defined;
}

void amem__dam_sample(amem__rng *rng, const double *p, size_t n, size_t k,
                      size_t *out, double *cdf)
{
    double acc = 0.0;
    for (size_t i = 0; i < n; i++) {
        acc += isnan(p[i]) ? 0.0 : p[i];
        cdf[i] = acc;
    }
    for (size_t j = 0; j < k; j++) {
        double u = amem__rng_uniform(rng) * acc;
        size_t lo = 0, hi = n - 1;
        while (lo < hi) { /* first i with cdf[i] > u */
            size_t mid = lo + (hi - lo) / 2;
            if (cdf[mid] > u)
                hi = mid;
            else
                lo = mid + 1;
        }
        out[j] = lo;
    }
}

void amem__dam_alphas(const amem_dam *h, double *alpha)
{
    int sig = (int)AMEM__DP(h, SIGNAL);
    for (size_t i = 0; i < h->count; i++) {
        const float *raw = h->raw + i * AMEM__RAW_COUNT;
        int label = h->labels ? h->labels[i] : 0;
        double s = (sig != AMEM_DAM_SIGNAL_GROUND_TRUTH &&
                    raw[AMEM__RAW_USES] == 0.0f)
                       ? NAN
                       : amem__dam_signal_of(sig, raw, label);
        alpha[i] = amem__dam_alpha(h, sig, s);
    }
}

void amem__dam_batch_weights(const double *alpha, size_t n, const size_t *idx,
                             size_t b, double gamma, int dataset, float *wt,
                             double *e)
{
    double top = -INFINITY, sum = 0.0;
    size_t defined = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(alpha[i]) && alpha[i] > top)
            top = alpha[i];
    if (dataset) {
        for (size_t i = 0; i < n; i++)
            if (!isnan(alpha[i])) {
                sum += exp(gamma * (alpha[i] - top));
                defined++;
            }
    } else {
        for (size_t k = 0; k < b; k++)
            sum += exp(gamma * (alpha[idx[k]] - top));
        defined = b;
    }
    double mean = sum / (double)defined; /* exactly 1 when gamma = 0 */
    for (size_t k = 0; k < b; k++) {
        e[k] = exp(gamma * (alpha[idx[k]] - top));
        wt[k] = (float)(e[k] / ((double)b * mean));
    }
}
