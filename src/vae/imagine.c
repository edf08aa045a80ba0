/*
 * Generation in latent space: sampling from the prior ("imagination"),
 * interpolation between two items and latent vector arithmetic (Spens &
 * Burgess 2022, "Imagination").
 */
#include <stdlib.h>

#include "core/check.h"
#include "core/error.h"
#include "vae_impl.h"

/* A built model and an output of rows images within the size rule. */
static int check_model(const char *fn, const amem_vae *v, const void *out,
                       size_t rows)
{
    AMEM__CHECK_NULL(v, fn);
    int rc = amem__vae_check_built(fn, v);
    if (rc == AMEM_OK)
        rc = amem__check_size(fn, "out", out, rows, amem__vae_dim(v),
                              sizeof(float));
    return rc;
}

/* rows x cols floats; the caller has checked the size. */
static float *new_floats(const char *fn, size_t rows, size_t cols)
{
    float *p = amem__alloc(rows, cols, sizeof(float));
    if (p == NULL)
        amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu x %zu floats",
                   rows, cols);
    return p;
}

int amem_vae_sample(amem_vae *v, size_t n, float *out, float *z)
{
    static const char fn[] = "amem_vae_sample";
    int rc = check_model(fn, v, out, n);
    if (rc == AMEM_OK)
        rc = amem__array_bytes(fn, "z", n, v->latent, sizeof(float), NULL);
    if (rc != AMEM_OK)
        return rc;
    if (n == 0)
        return amem__fail(AMEM_E_DIM, fn, "n is 0");
    float *zz = z ? z : new_floats(fn, n, v->latent);
    if (zz == NULL)
        return AMEM_E_NOMEM;
    amem__rng_normals(&v->rng, zz, n * v->latent);
    rc = amem__vae_decode_rows(fn, v, zz, n, out);
    if (zz != z)
        free(zz);
    return rc;
}

int amem_vae_interpolate(amem_vae *v, const float *a, const float *b,
                         size_t steps, float *out)
{
    static const char fn[] = "amem_vae_interpolate";
    AMEM__CHECK_NULL(v, fn);
    if (steps < 2)
        return amem__fail(AMEM_E_DIM, fn, "steps %zu, need at least 2", steps);
    if (steps > (size_t)AMEM_MAX_STEPS_PER_CALL)
        return amem__fail(AMEM_E_RANGE, fn,
                          "steps %zu above AMEM_MAX_STEPS_PER_CALL = %ld",
                          steps, AMEM_MAX_STEPS_PER_CALL);
    int rc = check_model(fn, v, out, steps);
    if (rc == AMEM_OK) /* steps + 2 latent rows: the line, then a and b */
        rc = amem__array_bytes(fn, "steps", steps + 2, v->latent,
                               sizeof(float), NULL);
    if (rc != AMEM_OK)
        return rc;
    size_t dim = amem__vae_dim(v), k = v->latent;
    rc = amem__check_array(fn, "a", a, 1, dim);
    if (rc == AMEM_OK)
        rc = amem__check_array(fn, "b", b, 1, dim);
    if (rc != AMEM_OK)
        return rc;
    float *z = new_floats(fn, steps + 2, k);
    if (z == NULL)
        return AMEM_E_NOMEM;
    float *za = z + steps * k, *zb = za + k;
    rc = amem__vae_encode_rows(fn, v, a, 1, za, NULL);
    if (rc == AMEM_OK)
        rc = amem__vae_encode_rows(fn, v, b, 1, zb, NULL);
    if (rc == AMEM_OK) {
        for (size_t i = 0; i < steps; i++) {
            float t = (float)i / (float)(steps - 1);
            for (size_t j = 0; j < k; j++)
                z[i * k + j] = (1.0f - t) * za[j] + t * zb[j];
        }
        rc = amem__vae_decode_rows(fn, v, z, steps, out);
    }
    free(z);
    return rc;
}

int amem_vae_arithmetic(amem_vae *v, const float *a, const float *b,
                        const float *c, size_t n, float *out)
{
    static const char fn[] = "amem_vae_arithmetic";
    int rc = check_model(fn, v, out, n);
    if (rc == AMEM_OK) /* the latent means of a, b and c side by side */
        rc = amem__array_bytes(fn, "n", n, 3 * v->latent, sizeof(float),
                               NULL);
    if (rc != AMEM_OK)
        return rc;
    size_t dim = amem__vae_dim(v), k = v->latent;
    rc = amem__check_array(fn, "a", a, n, dim);
    if (rc == AMEM_OK)
        rc = amem__check_array(fn, "b", b, n, dim);
    if (rc == AMEM_OK)
        rc = amem__check_array(fn, "c", c, n, dim);
    if (rc != AMEM_OK)
        return rc;
    float *z = new_floats(fn, n, 3 * k);
    if (z == NULL)
        return AMEM_E_NOMEM;
    float *zb = z + n * k, *zc = zb + n * k;
    rc = amem__vae_encode_rows(fn, v, a, n, z, NULL);
    if (rc == AMEM_OK)
        rc = amem__vae_encode_rows(fn, v, b, n, zb, NULL);
    if (rc == AMEM_OK)
        rc = amem__vae_encode_rows(fn, v, c, n, zc, NULL);
    if (rc == AMEM_OK) {
        for (size_t i = 0; i < n * k; i++)
            z[i] = z[i] - zb[i] + zc[i];
        rc = amem__vae_decode_rows(fn, v, z, n, out);
    }
    free(z);
    return rc;
}
