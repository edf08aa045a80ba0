/*
 * The semantic manifold of the exact score (Ambrogioni 2024, Section 6.1,
 * Eqs. 24-25, Fig. 1c): the semantic density becomes
 *     phi = N(m, c I + sum_k sigma_k^2 q_k q_k^T),
 * a sheet through m along r orthonormal directions q_k. This file keeps
 * the setting: validation, orthonormalisation (modified Gram-Schmidt in
 * double), storage and the getter; exact_semantic.c has the math.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "diffusion_impl.h"

/* A direction keeping less than this fraction of its length after the
 * earlier ones are removed counts as dependent on them. */
#define DEPENDENT_TOL 1e-6

amem__semantic *amem__semantic_new(size_t d, size_t rank)
{
    size_t rows, len;
    if (amem__add_size(rank, 1, &rows) != 0 ||
        amem__mul_size(rows, d, &len) != 0 ||
        amem__add_size(len, 2 * rank, &len) != 0)
        return NULL;
    amem__semantic *s = calloc(1, sizeof *s);
    double *block = s ? amem__zalloc(len, 1, sizeof(double)) : NULL;
    float *block_f = block ? amem__zalloc(rows, d, sizeof(float)) : NULL;
    if (block_f == NULL) {
        free(block);
        free(s);
        return NULL;
    }
    s->basis_f = block_f;
    s->rank = rank;
    s->basis = block;
    s->spread = block + rows * d;
    s->qm = s->spread + rank;
    return s;
}

void amem__semantic_free(amem__semantic *s)
{
    if (s != NULL) {
        free(s->basis);
        free(s->basis_f);
    }
    free(s);
}

static double dot(const double *a, const double *b, size_t d)
{
    double acc = 0.0;
    for (size_t j = 0; j < d; j++)
        acc += a[j] * b[j];
    return acc;
}

void amem__semantic_finish(amem__semantic *s, size_t d)
{
    s->m2 = dot(s->basis, s->basis, d);
    for (size_t k = 0; k < s->rank; k++)
        s->qm[k] = dot(s->basis + (k + 1) * d, s->basis, d);
    for (size_t i = 0; i < (s->rank + 1) * d; i++)
        s->basis_f[i] = (float)s->basis[i];
}

int amem__semantic_valid(const amem__semantic *s, size_t d, double tol)
{
    for (size_t i = 0; i < (s->rank + 1) * d; i++)
        if (!isfinite(s->basis[i]))
            return 0;
    for (size_t k = 0; k < s->rank; k++) {
        if (!(s->spread[k] >= 0.0) || !isfinite(s->spread[k]))
            return 0;
        for (size_t l = 0; l <= k; l++) {
            double g = dot(s->basis + (k + 1) * d, s->basis + (l + 1) * d, d);
            if (!(fabs(g - (k == l)) <= tol))
                return 0;
        }
    }
    return 1;
}

size_t amem__semantic_width(const amem_diffusion *h)
{
    return h->sem ? h->sem->rank + 1 : 0;
}

/* Row k of q (k x d, the rows before it orthonormal) made orthogonal to
 * them and of unit length: two passes of modified Gram-Schmidt. Returns 0
 * when it keeps less than DEPENDENT_TOL of its length. */
static int orthonormalise_row(double *q, size_t k, size_t d)
{
    double *v = q + k * d, len0 = sqrt(dot(v, v, d));
    for (int pass = 0; pass < 2; pass++)
        for (size_t l = 0; l < k; l++) {
            double c = dot(q + l * d, v, d);
            for (size_t j = 0; j < d; j++)
                v[j] -= c * q[l * d + j];
        }
    double len = sqrt(dot(v, v, d));
    if (!(len > DEPENDENT_TOL * len0) || !(len > 0.0))
        return 0;
    for (size_t j = 0; j < d; j++)
        v[j] /= len;
    return 1;
}

/* Every argument's status before anything is allocated. */
static int check_args(const char *fn, const amem_diffusion *h,
                      const float *mean, const float *directions,
                      const float *spreads, size_t r)
{
    int rc;
    AMEM__CHECK_NULL(h, fn);
    if (r > h->dim)
        return amem__fail(AMEM_E_DIM, fn, "r = %zu directions in %zu "
                          "dimensions", r, h->dim);
    if (mean && (rc = amem__check_array(fn, "mean", mean, 1, h->dim)) !=
                    AMEM_OK)
        return rc;
    if (r == 0)
        return AMEM_OK;
    if ((rc = amem__check_array(fn, "directions", directions, r, h->dim)) !=
            AMEM_OK ||
        (rc = amem__check_array(fn, "spreads", spreads, 1, r)) != AMEM_OK)
        return rc;
    for (size_t k = 0; k < r; k++)
        if (spreads[k] < 0.0f)
            return amem__fail(AMEM_E_RANGE, fn, "spreads[%zu] = %g < 0", k,
                              (double)spreads[k]);
    return AMEM_OK;
}

static int all_zero(const float *x, size_t n)
{
    for (size_t i = 0; x != NULL && i < n; i++)
        if (x[i] != 0.0f)
            return 0;
    return 1;
}

/* The new manifold from validated arguments into *out (NULL for the
 * isotropic case). */
static int build(const char *fn, const amem_diffusion *h, const float *mean,
                 const float *directions, const float *spreads, size_t r,
                 amem__semantic **out)
{
    const size_t d = h->dim;
    *out = NULL;
    if (r == 0 && all_zero(mean, d))
        return AMEM_OK;
    amem__semantic *s = amem__semantic_new(d, r);
    if (s == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu directions",
                          r);
    for (size_t j = 0; mean != NULL && j < d; j++)
        s->basis[j] = mean[j];
    for (size_t i = 0; i < r * d; i++)
        s->basis[d + i] = directions[i];
    for (size_t k = 0; k < r; k++) {
        s->spread[k] = spreads[k];
        if (!orthonormalise_row(s->basis + d, k, d)) {
            amem__semantic_free(s);
            return amem__fail(AMEM_E_ARG, fn, "directions[%zu] is (nearly) a "
                              "combination of the earlier directions", k);
        }
    }
    amem__semantic_finish(s, d);
    *out = s;
    return AMEM_OK;
}

int amem_diffusion_set_semantic(amem_diffusion *h, const float *mean,
                                const float *directions, const float *spreads,
                                size_t r)
{
    static const char fn[] = "amem_diffusion_set_semantic";
    amem__semantic *s;
    int rc = check_args(fn, h, mean, directions, spreads, r);
    if (rc == AMEM_OK)
        rc = build(fn, h, mean, directions, spreads, r, &s);
    if (rc != AMEM_OK)
        return rc;
    amem__semantic_free(h->sem);
    h->sem = s;
    return AMEM_OK;
}

int amem_diffusion_get_semantic(const amem_diffusion *h, float *mean,
                                float *directions, float *spreads, size_t *r)
{
    AMEM__CHECK_NULL(h, "amem_diffusion_get_semantic");
    const amem__semantic *s = h->sem;
    const size_t d = h->dim, rank = s ? s->rank : 0;
    for (size_t j = 0; mean != NULL && j < d; j++)
        mean[j] = s ? (float)s->basis[j] : 0.0f;
    for (size_t i = 0; directions != NULL && i < rank * d; i++)
        directions[i] = (float)s->basis[d + i];
    for (size_t k = 0; spreads != NULL && k < rank; k++)
        spreads[k] = (float)s->spread[k];
    if (r != NULL)
        *r = rank;
    return AMEM_OK;
}
