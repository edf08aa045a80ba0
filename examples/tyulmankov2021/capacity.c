/* Capacity by doubling and bisection, and the line fit of capacity vs N. */
#include <math.h>

#include <assocmem/capacity.h>

#include "capacity.h"
#include "fail.h"
#include "recall.h"

typedef struct probe_ctx {
    const tf_model_spec *spec;
    const tf_episode_spec *es;
    uint64_t seed;
    long probes;
    size_t episodes;
} probe_ctx;

/* Error of one fresh episode with n items; NaN on failure. */
static double episode_error(probe_ctx *ctx, long n)
{
    tf_episode ep;
    double acc = 0.0;
    uint64_t seed = ctx->seed + 104729u * (uint64_t)ctx->probes++;
    if (tf_episode_make(&ep, ctx->es, (size_t)n, seed) != 0)
        return NAN;
    int bad = tf_episode_accuracy(ctx->spec, &ep, ctx->es->m > 0, seed ^ 1u,
                                  &acc);
    tf_episode_free(&ep);
    return bad ? NAN : 1.0 - acc;
}

/* Mean error of ctx->episodes fresh episodes with n items; NaN cancels the
 * search. */
static double probe_error(void *user, long n)
{
    probe_ctx *ctx = user;
    double sum = 0.0;
    for (size_t e = 0; e < ctx->episodes; e++)
        sum += episode_error(ctx, n);
    return sum / (double)ctx->episodes;
}

int tf_capacity_once(const tf_model_spec *spec, const tf_episode_spec *es,
                     long max_items, size_t episodes, uint64_t seed,
                     long *capacity)
{
    probe_ctx ctx = {spec, es, seed, 0, episodes ? episodes : 1};
    int st = amem_capacity_search(probe_error, &ctx, 1, max_items,
                                  1.0 - TF_CAPACITY_THRESHOLD,
                                  AMEM_CAPACITY_BISECT, capacity, NULL, NULL,
                                  NULL);
    return st == 0 ? 0 : tf_fail("amem_capacity_search", st);
}

int tf_capacity_mean(const tf_model_spec *spec, const tf_episode_spec *es,
                     long max_items, size_t episodes, size_t reps,
                     uint64_t seed, double *mean, double *sd)
{
    double sum = 0.0, sum2 = 0.0;
    for (size_t r = 0; r < reps; r++) {
        long c = 0;
        if (tf_capacity_once(spec, es, max_items, episodes,
                             seed + 31337u * r, &c))
            return -1;
        sum += (double)c;
        sum2 += (double)c * (double)c;
    }
    *mean = sum / (double)reps;
    double var = sum2 / (double)reps - *mean * *mean;
    *sd = var > 0 ? sqrt(var) : 0.0;
    return 0;
}

void tf_fit_line(const double *x, const double *y, size_t n, double *slope,
                 double *offset)
{
    double mx = 0, my = 0, sxy = 0, sxx = 0;
    for (size_t i = 0; i < n; i++) {
        mx += x[i] / (double)n;
        my += y[i] / (double)n;
    }
    for (size_t i = 0; i < n; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
    }
    *slope = sxx > 0 ? sxy / sxx : 0.0;
    *offset = my - *slope * mx;
}
