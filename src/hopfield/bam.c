/*
 * Bidirectional associative memory (Kosko 1988) recall in either direction
 * on one handle. W is m x d (value x key); a round trip from keys is
 *   y <- sign(W x),  x <- sign(W^T y)
 * and from values
 *   x <- sign(W^T y),  y <- sign(W x),
 * each half step lowering (or keeping) E(x, y) = -y^T W x. Both layers go
 * through amem__hopfield_sign, so every unclamped unit ends at -1 or +1.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/blas.h"
#include "core/check.h"
#include "core/error.h"
#include "hopfield_impl.h"

/* Fields H (n rows) of the layer fed by `from`: from keys H = X W^T
 * (n x m), from values H = Y W (n x d). */
static void bam_fields(const amem_hopfield *h, const float *from, size_t n,
                       int from_keys, float *H)
{
    int d = (int)h->dim, m = (int)h->value_dim;
    if (from_keys)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, m, d,
                    1.0f, from, d, h->weights, d, 0.0f, H, m);
    else
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, d, m,
                    1.0f, from, m, h->weights, d, 0.0f, H, d);
}

/*
 * The other layer starts at 0 (so ties on the first pass give +1). A query
 * has settled when a round trip leaves its cue layer unchanged (the other
 * layer, a function of it, is then fixed too).
 */
int amem__bam_recall(amem_hopfield *h, float *cue, float *other, size_t n,
                     int from_keys, const float *clamp, int *steps)
{
    size_t cue_len = from_keys ? h->dim : h->value_dim;
    size_t other_len = from_keys ? h->value_dim : h->dim;
    int max_steps = (int)AMEM__HP(h, MAX_STEPS);
    size_t big = h->dim > h->value_dim ? h->dim : h->value_dim;
    float *H = amem__alloc(n, big + 1, sizeof(float)); /* + 2n bytes */
    if (H == NULL)
        return AMEM_E_NOMEM;
    unsigned char *done = (unsigned char *)(H + n * big);
    unsigned char *changed = done + n;
    memset(done, 0, 2 * n);
    memset(other, 0, n * other_len * sizeof(float));
    for (int t = 1; t <= max_steps; t++) {
        bam_fields(h, cue, n, from_keys, H);
        amem__hopfield_apply_signs(other, H, n, other_len, NULL, NULL, done,
                                   changed);
        bam_fields(h, other, n, !from_keys, H);
        size_t moved = amem__hopfield_apply_signs(cue, H, n, cue_len, clamp,
                                                  NULL, done, changed);
        if (amem__hopfield_settle_step(steps, done, changed, n, t, moved))
            break;
    }
    amem__hopfield_finish_steps(steps, done, n, max_steps);
    free(H);
    return AMEM_OK;
}

static int check_bam_handle(const char *fn, const amem_hopfield *h)
{
    AMEM__CHECK_NULL(h, fn);
    if (h->kind != AMEM_HOPFIELD_CLASSICAL || h->value_dim == 0)
        return amem__fail(AMEM_E_UNSUPPORTED, fn,
                          "not a BAM (CLASSICAL with value_dim > 0)");
    if (h->count == 0)
        return amem__fail(AMEM_E_STATE, fn, "no pairs stored");
    return AMEM_OK;
}

static int check_bam_args(const char *fn, const amem_hopfield *h,
                          const float *cues, size_t n, int direction,
                          const float *clamp, const float *keys_out,
                          const float *values_out)
{
    int rc = check_bam_handle(fn, h);
    if (rc != AMEM_OK)
        return rc;
    AMEM__CHECK_NULL(keys_out, fn);
    AMEM__CHECK_NULL(values_out, fn);
    if (direction != AMEM_HOPFIELD_KEY_TO_VALUE &&
        direction != AMEM_HOPFIELD_VALUE_TO_KEY)
        return amem__fail(AMEM_E_ARG, fn, "unknown direction %d", direction);
    size_t cue_len = direction == AMEM_HOPFIELD_KEY_TO_VALUE ? h->dim
                                                             : h->value_dim;
    if ((rc = amem__check_array(fn, "cues", cues, n, cue_len)) != AMEM_OK)
        return rc;
    size_t len;
    if (amem__mul_size(n, h->dim + h->value_dim, &len) != 0 ||
        len > SIZE_MAX / sizeof(float) || n > (size_t)INT32_MAX)
        return amem__fail(AMEM_E_DIM, fn, "%zu cues are too many", n);
    if (clamp != NULL)
        return amem__check_mask(fn, "clamp", clamp, n * cue_len);
    return AMEM_OK;
}

int amem_hopfield_recall_bam(amem_hopfield *h, const float *cues, size_t n,
                             int direction, const float *clamp,
                             float *keys_out, float *values_out, int *steps)
{
    static const char fn[] = "amem_hopfield_recall_bam";
    int rc = check_bam_args(fn, h, cues, n, direction, clamp, keys_out,
                            values_out);
    if (rc != AMEM_OK)
        return rc;
    int from_keys = direction == AMEM_HOPFIELD_KEY_TO_VALUE;
    float *cue = from_keys ? keys_out : values_out;
    float *other = from_keys ? values_out : keys_out;
    memmove(cue, cues,
            n * (from_keys ? h->dim : h->value_dim) * sizeof(float));
    rc = amem__bam_recall(h, cue, other, n, from_keys, clamp, steps);
    if (rc != AMEM_OK)
        return amem__fail(rc, fn, "out of memory during recall");
    return AMEM_OK;
}
