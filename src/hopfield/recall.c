/* Public recall, replay, energy and weights: validation and dispatch. */
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "hopfield_impl.h"

int amem__hopfield_check_clamp(const char *fn, const float *clamp,
                               size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (clamp[i] != 0.0f && clamp[i] != 1.0f)
            return amem__fail(AMEM_E_ARG, fn,
                              "clamp[%zu] = %g, expected 0 or 1", i,
                              (double)clamp[i]);
    return AMEM_OK;
}

int amem__hopfield_check_known_rows(const char *fn, const float *clamp,
                                    size_t n, size_t d)
{
    for (size_t q = 0; q < n; q++) {
        size_t i = 0;
        while (i < d && clamp[q * d + i] == 0.0f)
            i++;
        if (i == d)
            return amem__fail(AMEM_E_ARG, fn,
                              "clamp row %zu has no known entry: the "
                              "similarity would compare nothing", q);
    }
    return AMEM_OK;
}

static int check_nonempty(const char *fn, const amem_hopfield *h)
{
    if (h->count == 0 && amem__hopfield_keeps_patterns(h->kind))
        return amem__fail(AMEM_E_STATE, fn, "no patterns stored");
    return AMEM_OK;
}

/* Recall also refuses an empty BAM (no pair to recall). */
static int check_recallable(const char *fn, const amem_hopfield *h)
{
    if (h->count == 0 && h->value_dim > 0)
        return amem__fail(AMEM_E_STATE, fn, "no pairs stored");
    int rc = check_nonempty(fn, h);
    return rc == AMEM_OK ? amem__modern_f64_check(fn, h) : rc;
}

static int check_recall_args(const char *fn, const amem_hopfield *h,
                             const float *queries, size_t n,
                             const float *clamp, const float *out,
                             const float *weights)
{
    AMEM__CHECK_NULL(h, fn);
    AMEM__CHECK_NULL(out, fn);
    int rc = amem__check_array(fn, "queries", queries, n, h->dim);
    if (rc != AMEM_OK)
        return rc;
    if (clamp != NULL &&
        (rc = amem__hopfield_check_clamp(fn, clamp, n * h->dim)) != AMEM_OK)
        return rc;
    if (clamp != NULL && h->kind == AMEM_HOPFIELD_MODERN &&
        (rc = amem__hopfield_check_known_rows(fn, clamp, n, h->dim)) != AMEM_OK)
        return rc;
    if (weights != NULL && h->kind != AMEM_HOPFIELD_MODERN)
        return amem__fail(AMEM_E_UNSUPPORTED, fn,
                          "separation weights exist for the MODERN kind "
                          "only");
    size_t len;
    if (amem__mul_size(n, amem__hopfield_out_dim(h), &len) != 0 ||
        (weights != NULL && amem__mul_size(n, h->count, &len) != 0) ||
        n > (size_t)INT32_MAX)
        return amem__fail(AMEM_E_DIM, fn, "%zu queries are too many", n);
    return check_recallable(fn, h);
}

/* Run the kind's dynamics on x (n x d, cues in, states out). */
static int run_dynamics(amem_hopfield *h, float *x, size_t n,
                        const float *clamp, float *out, int *steps,
                        float *weights)
{
    switch (h->kind) {
    case AMEM_HOPFIELD_CLASSICAL:
        if (h->value_dim > 0)
            return amem__bam_recall(h, x, out, n, 1, clamp, steps);
        return amem__classical_recall(h, x, n, clamp, steps);
    case AMEM_HOPFIELD_MODERN:
        return amem__modern_recall(h, x, n, clamp, out, steps, weights);
    default:
        return amem__dense_recall(h, x, n, clamp, steps);
    }
}

/*
 * Autoassociative kinds work in place in out; heteroassociative ones need
 * a key-layer scratch copy.
 */
static int recall_into(const char *fn, amem_hopfield *h, const float *cues,
                       size_t n, const float *clamp, float *out, int *steps,
                       float *weights)
{
    float *x = out;
    if (h->value_dim > 0) {
        x = amem__alloc(n, h->dim, sizeof(float));
        if (x == NULL)
            return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu states",
                              n);
    }
    memmove(x, cues, n * h->dim * sizeof(float));
    int rc = run_dynamics(h, x, n, clamp, out, steps, weights);
    if (x != out)
        free(x);
    if (rc != AMEM_OK)
        return amem__fail(rc, fn, "out of memory during recall");
    return AMEM_OK;
}

int amem_hopfield_recall(amem_hopfield *h, const float *queries, size_t n,
                         const float *clamp, float *out, int *steps,
                         float *weights)
{
    static const char fn[] = "amem_hopfield_recall";
    int rc = check_recall_args(fn, h, queries, n, clamp, out, weights);
    if (rc != AMEM_OK)
        return rc;
    return recall_into(fn, h, queries, n, clamp, out, steps, weights);
}

static void draw_noise(amem_hopfield *h, float *cues, size_t len)
{
    if (AMEM__HP(h, NOISE) == AMEM_HOPFIELD_NOISE_SIGNS) {
        amem__rng_signs(&h->rng, cues, len);
        return;
    }
    for (size_t i = 0; i < len; i++)
        cues[i] = (float)(2.0 * amem__rng_uniform(&h->rng) - 1.0);
}

int amem_hopfield_replay(amem_hopfield *h, size_t n, float *out, float *cues,
                         int *steps)
{
    static const char fn[] = "amem_hopfield_replay";
    AMEM__CHECK_NULL(h, fn);
    AMEM__CHECK_NULL(out, fn);
    size_t len;
    if (n == 0 || amem__mul_size(n, h->dim + h->value_dim, &len) != 0 ||
        n > (size_t)INT32_MAX)
        return amem__fail(AMEM_E_DIM, fn, "%zu samples", n);
    int rc = check_recallable(fn, h);
    if (rc != AMEM_OK)
        return rc;
    float *noise = cues;
    if (noise == NULL)
        noise = amem__alloc(n, h->dim, sizeof(float));
    if (noise == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu cues", n);
    amem__rng saved = h->rng;
    draw_noise(h, noise, n * h->dim);
    rc = recall_into(fn, h, noise, n, NULL, out, steps, NULL);
    if (rc != AMEM_OK)
        h->rng = saved; /* a failed call leaves the handle unchanged */
    if (noise != cues)
        free(noise);
    return rc;
}

/* Length of one state row for amem_hopfield_energy. */
static size_t energy_state_len(const amem_hopfield *h)
{
    int bam = h->kind == AMEM_HOPFIELD_CLASSICAL && h->value_dim > 0;
    return bam ? h->dim + h->value_dim : h->dim;
}

int amem_hopfield_energy(amem_hopfield *h, const float *states, size_t n,
                         double *energies)
{
    static const char fn[] = "amem_hopfield_energy";
    AMEM__CHECK_NULL(h, fn);
    AMEM__CHECK_NULL(energies, fn);
    int rc = amem__check_array(fn, "states", states, n, energy_state_len(h));
    if (rc == AMEM_OK)
        rc = check_nonempty(fn, h);
    if (rc != AMEM_OK)
        return rc;
    if (h->kind == AMEM_HOPFIELD_MODERN && !amem__modern_has_energy(h))
        return amem__fail(AMEM_E_UNSUPPORTED, fn,
                          "similarity %d with separation %d has no energy",
                          (int)AMEM__HP(h, SIMILARITY),
                          (int)AMEM__HP(h, SEPARATION));
    if (h->kind == AMEM_HOPFIELD_CLASSICAL)
        rc = amem__classical_energy(h, states, n, energies);
    else if (h->kind == AMEM_HOPFIELD_MODERN)
        rc = amem__modern_energy(h, states, n, energies);
    else
        rc = amem__dense_energy(h, states, n, energies);
    return rc == AMEM_OK ? rc : amem__fail(rc, fn, "out of memory");
}

int amem_hopfield_weights(amem_hopfield *h, const float *states, size_t n,
                          float *weights)
{
    static const char fn[] = "amem_hopfield_weights";
    AMEM__CHECK_NULL(h, fn);
    AMEM__CHECK_NULL(weights, fn);
    if (h->kind != AMEM_HOPFIELD_MODERN)
        return amem__fail(AMEM_E_UNSUPPORTED, fn,
                          "separation weights exist for the MODERN kind "
                          "only");
    int rc = amem__check_array(fn, "states", states, n, h->dim);
    if (rc == AMEM_OK)
        rc = check_nonempty(fn, h);
    if (rc != AMEM_OK)
        return rc;
    size_t len;
    if (amem__mul_size(n, h->count, &len) != 0 || n > (size_t)INT32_MAX)
        return amem__fail(AMEM_E_DIM, fn, "%zu states are too many", n);
    rc = amem__modern_weights(h, states, n, NULL, weights);
    return rc == AMEM_OK ? rc : amem__fail(rc, fn, "out of memory");
}
