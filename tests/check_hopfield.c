/* Check suite `hopfield`: the physics and the API of the Hopfield family. */
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "assocmem/hopfield.h"
#include "core/rng.h"
#include "hopfield/hopfield_impl.h"
#include "hopfield/hopfield_impl.h"
#include "hopfield_image.h"
#include "testutil.h"

/* ---- helpers --------------------------------------------------------- */

static float *random_signs(size_t n, size_t d, uint64_t seed)
{
    amem__rng rng;
    amem__rng_seed(&rng, seed);
    float *p = malloc(n * d * sizeof(float));
    amem__rng_signs(&rng, p, n * d);
    return p;
}

static amem_hopfield *make(int kind, size_t d, size_t m)
{
    amem_hopfield *h = NULL;
    AMEM_ASSERT_OK(amem_hopfield_create(kind, d, m, &h));
    ck_assert_ptr_nonnull(h);
    return h;
}

static amem_hopfield *make_stored(int kind, size_t d, const float *p,
                                  size_t n)
{
    amem_hopfield *h = make(kind, d, 0);
    AMEM_ASSERT_OK(amem_hopfield_store(h, p, n));
    return h;
}

static double sign_errors(const float *a, const float *b, size_t n)
{
    size_t bad = 0;
    for (size_t i = 0; i < n; i++)
        bad += (a[i] > 0) != (b[i] > 0);
    return (double)bad / (double)n;
}

static double overlap(const float *a, const float *b, size_t d)
{
    double s = 0;
    for (size_t i = 0; i < d; i++)
        s += (double)a[i] * b[i];
    return s / (double)d;
}

/* Flip a fraction of each row's entries. */
static void corrupt(float *x, size_t n, size_t d, size_t flips, uint64_t seed)
{
    amem__rng rng;
    amem__rng_seed(&rng, seed);
    for (size_t q = 0; q < n; q++)
        for (size_t k = 0; k < flips; k++)
            x[q * d + amem__rng_below(&rng, d)] *= -1.0f;
}

static const int sign_kinds[] = {AMEM_HOPFIELD_CLASSICAL,
                                 AMEM_HOPFIELD_DENSE_POLY,
                                 AMEM_HOPFIELD_DENSE_RECT,
                                 AMEM_HOPFIELD_DENSE_EXP};

/* ---- creation and settings ------------------------------------------- */

START_TEST(test_create_and_query)
{
    for (int kind = 0; kind <= AMEM_HOPFIELD_MODERN; kind++) {
        amem_hopfield *h = make(kind, 12, 0);
        int k;
        size_t d, m, n;
        AMEM_ASSERT_OK(amem_hopfield_kind(h, &k));
        AMEM_ASSERT_OK(amem_hopfield_dim(h, &d));
        AMEM_ASSERT_OK(amem_hopfield_value_dim(h, &m));
        AMEM_ASSERT_OK(amem_hopfield_count(h, &n));
        ck_assert_int_eq(k, kind);
        ck_assert_uint_eq(d, 12);
        ck_assert_uint_eq(m, 0);
        ck_assert_uint_eq(n, 0);
        double steps;
        AMEM_ASSERT_OK(amem_hopfield_get(h, AMEM_HOPFIELD_MAX_STEPS, &steps));
        ck_assert(steps == (kind == AMEM_HOPFIELD_MODERN ? 10 : 100));
        amem_hopfield_free(h);
    }
    amem_hopfield_free(NULL);
    amem_hopfield *h = NULL;
    AMEM_ASSERT_STATUS(amem_hopfield_create(AMEM_HOPFIELD_MODERN, 4, 0, NULL),
                       AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_hopfield_create(7, 4, 0, &h), AMEM_E_ARG);
    ck_assert_ptr_null(h);
    AMEM_ASSERT_STATUS(amem_hopfield_create(-1, 4, 0, &h), AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_hopfield_create(AMEM_HOPFIELD_MODERN, 0, 0, &h),
                       AMEM_E_DIM);
    AMEM_ASSERT_STATUS(
        amem_hopfield_create(AMEM_HOPFIELD_DENSE_EXP, 4, 3, &h),
        AMEM_E_UNSUPPORTED);
    AMEM_ASSERT_STATUS(
        amem_hopfield_create(AMEM_HOPFIELD_CLASSICAL, SIZE_MAX / 2, 0, &h),
        AMEM_E_DIM);
    ck_assert_ptr_null(h);
    int k;
    size_t sz;
    AMEM_ASSERT_STATUS(amem_hopfield_kind(NULL, &k), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_hopfield_dim(NULL, &sz), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_hopfield_value_dim(NULL, &sz), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_hopfield_count(NULL, &sz), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_hopfield_clear(NULL), AMEM_E_NULL);
    h = make(AMEM_HOPFIELD_MODERN, 3, 2);
    AMEM_ASSERT_STATUS(amem_hopfield_kind(h, NULL), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_hopfield_dim(h, NULL), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_hopfield_value_dim(h, NULL), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_hopfield_count(h, NULL), AMEM_E_NULL);
    AMEM_ASSERT_OK(amem_hopfield_value_dim(h, &sz));
    ck_assert_uint_eq(sz, 2);
    amem_hopfield_free(h);
}
END_TEST

START_TEST(test_settings)
{
    amem_hopfield *h = make(AMEM_HOPFIELD_MODERN, 8, 0);
    double v, lo, hi;
    int integer;
    AMEM_ASSERT_OK(amem_hopfield_get(h, AMEM_HOPFIELD_BETA, &v));
    ck_assert(v == 1.0);
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_BETA, 100.0));
    AMEM_ASSERT_OK(amem_hopfield_get(h, AMEM_HOPFIELD_BETA, &v));
    ck_assert(v == 100.0);
    for (int p = 0; p < AMEM__HOPFIELD_NPARAM; p++) {
        if (p > AMEM_HOPFIELD_SEPARATION && p < AMEM_HOPFIELD_NPROBE)
            continue; /* slots kept for the store's settings */
        AMEM_ASSERT_OK(amem_hopfield_param_bounds(p, &lo, &hi, &integer));
        ck_assert(lo <= hi);
        AMEM_ASSERT_OK(amem_hopfield_set(h, p, lo));
        AMEM_ASSERT_OK(amem_hopfield_set(h, p, hi));
        size_t len;
        unsigned char *before = image(h, &len);
        AMEM_ASSERT_STATUS(amem_hopfield_set(h, p, hi * 2 + 1), AMEM_E_RANGE);
        AMEM_ASSERT_STATUS(amem_hopfield_set(h, p, lo - 1), AMEM_E_RANGE);
        AMEM_ASSERT_STATUS(amem_hopfield_set(h, p, NAN), AMEM_E_NONFINITE);
        AMEM_ASSERT_STATUS(amem_hopfield_set(h, p, INFINITY),
                           AMEM_E_NONFINITE);
        if (integer)
            AMEM_ASSERT_STATUS(amem_hopfield_set(h, p, lo + 0.5),
                               AMEM_E_RANGE);
        ck_assert(same_image(h, before, len));
        amem_free(before);
        ck_assert(strlen(amem_last_error()) > 0);
    }
    AMEM_ASSERT_STATUS(amem_hopfield_param_bounds(-1, &lo, &hi, &integer),
                       AMEM_E_ARG);
    AMEM_ASSERT_STATUS(
        amem_hopfield_param_bounds(AMEM__HOPFIELD_NPARAM, NULL, NULL, NULL),
        AMEM_E_ARG);
    AMEM_ASSERT_OK(amem_hopfield_param_bounds(0, NULL, NULL, NULL));
    AMEM_ASSERT_STATUS(amem_hopfield_set(h, 99, 1.0), AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_hopfield_set(NULL, 0, 1.0), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_hopfield_get(h, 99, &v), AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_hopfield_get(h, 0, NULL), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_hopfield_get(NULL, 0, &v), AMEM_E_NULL);
    amem_hopfield_free(h);
}
END_TEST

/* ---- fixed points and energy descent --------------------------------- */

static void check_fixed_points(amem_hopfield *h, const float *p, size_t n,
                               size_t d)
{
    float *out = malloc(n * d * sizeof(float));
    int *steps = malloc(n * sizeof(int));
    AMEM_ASSERT_OK(amem_hopfield_recall(h, p, n, NULL, out, steps, NULL));
    for (size_t q = 0; q < n; q++)
        ck_assert_int_eq(steps[q], 1);
    ck_assert(sign_errors(out, p, n * d) == 0.0);
    free(out);
    free(steps);
}

START_TEST(test_sign_kinds_fixed_points)
{
    size_t d = 100, n = 5;
    float *p = random_signs(n, d, 11);
    for (size_t k = 0; k < 4; k++) {
        amem_hopfield *h = make_stored(sign_kinds[k], d, p, n);
        check_fixed_points(h, p, n, d);
        if (sign_kinds[k] == AMEM_HOPFIELD_CLASSICAL) {
            AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_UPDATE,
                                             AMEM_HOPFIELD_UPDATE_SYNC));
            check_fixed_points(h, p, n, d);
            AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_ZERO_DIAGONAL, 0));
            check_fixed_points(h, p, n, d);
        }
        amem_hopfield_free(h);
    }
    free(p);
    /* Dense kinds hold far more than 0.14 d: 60 patterns in d = 40. */
    d = 40;
    n = 60;
    p = random_signs(n, d, 12);
    for (size_t k = 1; k < 4; k++) {
        amem_hopfield *h = make_stored(sign_kinds[k], d, p, n);
        if (sign_kinds[k] != AMEM_HOPFIELD_DENSE_EXP)
            AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_DEGREE, 6));
        check_fixed_points(h, p, n, d);
        amem_hopfield_free(h);
    }
    free(p);
}
END_TEST

START_TEST(test_modern_fixed_points)
{
    size_t d = 64, n = 300;
    float *p = random_signs(n, d, 13);
    amem_hopfield *h = make_stored(AMEM_HOPFIELD_MODERN, d, p, n);
    float *out = malloc(n * d * sizeof(float));
    AMEM_ASSERT_OK(amem_hopfield_recall(h, p, n, NULL, out, NULL, NULL));
    for (size_t i = 0; i < n * d; i++)
        ck_assert(fabsf(out[i] - p[i]) < 1e-4f);
    free(out);
    free(p);
    amem_hopfield_free(h);
}
END_TEST

/* Energies of the states reached after 1..T steps are non-increasing. */
static void check_descent(amem_hopfield *h, const float *cue, size_t d,
                          int max_t, double slack)
{
    float *x = malloc(d * sizeof(float));
    double prev, e;
    AMEM_ASSERT_OK(amem_hopfield_energy(h, cue, 1, &prev));
    for (int t = 1; t <= max_t; t++) {
        AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_MAX_STEPS, t));
        AMEM_ASSERT_OK(amem_hopfield_recall(h, cue, 1, NULL, x, NULL, NULL));
        AMEM_ASSERT_OK(amem_hopfield_energy(h, x, 1, &e));
        ck_assert_msg(e <= prev + slack, "step %d: energy %.9g after %.9g", t,
                      e, prev);
        prev = e;
    }
    free(x);
}

START_TEST(test_energy_descent)
{
    size_t d = 60, n = 20;
    float *p = random_signs(n, d, 21);
    float *cue = random_signs(1, d, 22); /* a random start */
    for (size_t k = 0; k < 4; k++) {
        amem_hopfield *h = make_stored(sign_kinds[k], d, p, n);
        AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_ORDER,
                                         AMEM_HOPFIELD_ORDER_SEQUENTIAL));
        if (sign_kinds[k] == AMEM_HOPFIELD_DENSE_EXP) {
            /* exp(60) sums stay finite; keep overlaps moderate anyway */
            check_descent(h, cue, d, 6, 0.0);
        } else {
            check_descent(h, cue, d, 6, 1e-9);
        }
        /* with the diagonal kept, still a descent */
        if (sign_kinds[k] == AMEM_HOPFIELD_CLASSICAL) {
            AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_ZERO_DIAGONAL, 0));
            check_descent(h, cue, d, 6, 1e-9);
        }
        amem_hopfield_free(h);
    }
    /* modern: continuous cue, several betas and the sqrt(d) scaling */
    float *ccue = malloc(d * sizeof(float));
    for (size_t i = 0; i < d; i++)
        ccue[i] = 0.3f * cue[i] + 0.2f * p[i];
    const double betas[] = {0.05, 0.2, 1.0, 8.0};
    for (int b = 0; b < 4; b++) {
        amem_hopfield *h = make_stored(AMEM_HOPFIELD_MODERN, d, p, n);
        AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_BETA, betas[b]));
        AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_TOLERANCE, 0));
        AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_SCALE_SQRT_D, b & 1));
        check_descent(h, ccue, d, 8, 1e-4);
        double e;
        AMEM_ASSERT_OK(amem_hopfield_energy(h, ccue, 1, &e));
        ck_assert(e >= 0.0); /* Ramsauer eq. 2 with its constants */
        amem_hopfield_free(h);
    }
    free(ccue);
    free(cue);
    free(p);
}
END_TEST

START_TEST(test_energy_values)
{
    /* d = 2, one pattern (1, -1), q = 1: W = x x^T / 2. */
    float p[2] = {1, -1}, s[4] = {1, -1, 1, 1};
    double e[2];
    amem_hopfield *h = make_stored(AMEM_HOPFIELD_CLASSICAL, 2, p, 1);
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_ZERO_DIAGONAL, 0));
    AMEM_ASSERT_OK(amem_hopfield_energy(h, s, 2, e));
    ck_assert(fabs(e[0] + 1.0) < 1e-12 && fabs(e[1]) < 1e-12);
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_ZERO_DIAGONAL, 1));
    AMEM_ASSERT_OK(amem_hopfield_energy(h, s, 2, e));
    ck_assert(fabs(e[0] + 0.5) < 1e-12 && fabs(e[1] - 0.5) < 1e-12);
    amem_hopfield_free(h);
    /* dense polynomial n = 3: E = -(xi.x)^3; rectified drops negatives */
    h = make_stored(AMEM_HOPFIELD_DENSE_POLY, 2, p, 1);
    float t[4] = {1, -1, -1, 1};
    AMEM_ASSERT_OK(amem_hopfield_energy(h, t, 2, e));
    ck_assert(e[0] == -8.0 && e[1] == 8.0);
    amem_hopfield_free(h);
    h = make_stored(AMEM_HOPFIELD_DENSE_RECT, 2, p, 1);
    AMEM_ASSERT_OK(amem_hopfield_energy(h, t, 2, e));
    ck_assert(e[0] == -8.0 && e[1] == 0.0);
    amem_hopfield_free(h);
    h = make_stored(AMEM_HOPFIELD_DENSE_EXP, 2, p, 1);
    AMEM_ASSERT_OK(amem_hopfield_energy(h, t, 1, e));
    ck_assert(fabs(e[0] + exp(2.0)) < 1e-12);
    amem_hopfield_free(h);
    /* modern, one pattern: E = -xi.x + x.x/2 + 0 + |xi|^2/2 = |x - xi|^2/2 */
    h = make_stored(AMEM_HOPFIELD_MODERN, 2, p, 1);
    float u[2] = {0.5f, 0.25f};
    AMEM_ASSERT_OK(amem_hopfield_energy(h, u, 1, e));
    ck_assert(fabs(e[0] - 0.5 * (0.25 + 1.5625)) < 1e-6);
    amem_hopfield_free(h);
}
END_TEST

/* ---- capacity --------------------------------------------------------- */

/* Fraction of n stored random patterns recalled (from themselves) with
 * overlap >= 0.95, classical async, d = 200. */
static double classical_recalled(size_t n, double *mean_overlap)
{
    size_t d = 200;
    float *p = random_signs(n, d, 1000 + n);
    amem_hopfield *h = make_stored(AMEM_HOPFIELD_CLASSICAL, d, p, n);
    float *out = malloc(n * d * sizeof(float));
    AMEM_ASSERT_OK(amem_hopfield_recall(h, p, n, NULL, out, NULL, NULL));
    size_t good = 0;
    double sum = 0;
    for (size_t q = 0; q < n; q++) {
        double m = overlap(out + q * d, p + q * d, d);
        good += m >= 0.95;
        sum += m;
    }
    *mean_overlap = sum / (double)n;
    free(out);
    free(p);
    amem_hopfield_free(h);
    return (double)good / (double)n;
}

START_TEST(test_classical_capacity)
{
    double m_low, m_high;
    double low = classical_recalled(20, &m_low);   /* 0.10 d */
    double high = classical_recalled(50, &m_high); /* 0.25 d */
    ck_assert_msg(low >= 0.9 && m_low >= 0.97, "0.10 d: %.2f good, m %.3f",
                  low, m_low);
    ck_assert_msg(high <= 0.5 && m_high <= 0.9, "0.25 d: %.2f good, m %.3f",
                  high, m_high);
}
END_TEST

START_TEST(test_modern_masked_retrieval)
{
    size_t d = 64, n = 3000;
    float *p = random_signs(n, d, 31);
    amem_hopfield *h = make_stored(AMEM_HOPFIELD_MODERN, d, p, n);
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_BETA, 2.0));
    float *cue = malloc(n * d * sizeof(float));
    float *mask = malloc(n * d * sizeof(float));
    float *out = malloc(n * d * sizeof(float));
    amem__rng rng;
    amem__rng_seed(&rng, 32);
    for (size_t q = 0; q < n; q++) {
        size_t idx[64];
        for (size_t i = 0; i < d; i++)
            idx[i] = i;
        amem__rng_shuffle(&rng, idx, d);
        for (size_t k = 0; k < d; k++) {
            size_t i = q * d + idx[k];
            int known = k < d / 2;
            cue[i] = known ? p[i] : 0.0f;
            mask[i] = known ? 1.0f : 0.0f;
        }
    }
    size_t nq = amem_test_size(n, 500); /* light: fewer of the cues */
    AMEM_ASSERT_OK(amem_hopfield_recall(h, cue, nq, mask, out, NULL, NULL));
    double err = sign_errors(out, p, nq * d);
    ck_assert_msg(err <= 1e-3, "bit error %.5f", err);
    for (size_t i = 0; i < nq * d; i++)
        if (mask[i] != 0)
            ck_assert(out[i] == cue[i]);
    free(cue);
    free(mask);
    free(out);
    free(p);
    amem_hopfield_free(h);
}
END_TEST

/* ---- heteroassociative ------------------------------------------------ */

START_TEST(test_hetero_modern)
{
    size_t d = 32, m = 16, n = 200;
    float *k = random_signs(n, d, 41), *v = random_signs(n, m, 42);
    amem_hopfield *h = make(AMEM_HOPFIELD_MODERN, d, m);
    AMEM_ASSERT_STATUS(amem_hopfield_store(h, k, n), AMEM_E_UNSUPPORTED);
    AMEM_ASSERT_OK(amem_hopfield_store_pairs(h, k, v, n));
    float *out = malloc(n * m * sizeof(float));
    AMEM_ASSERT_OK(amem_hopfield_recall(h, k, n, NULL, out, NULL, NULL));
    for (size_t i = 0; i < n * m; i++)
        ck_assert(fabsf(out[i] - v[i]) < 1e-3f);
    /* from corrupted keys (3 of 32 flipped), by sign */
    corrupt(k, n, d, 3, 43);
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_BETA, 4.0));
    AMEM_ASSERT_OK(amem_hopfield_recall(h, k, n, NULL, out, NULL, NULL));
    ck_assert(sign_errors(out, v, n * m) <= 0.01);
    free(out);
    free(k);
    free(v);
    amem_hopfield_free(h);
}
END_TEST

START_TEST(test_bam)
{
    size_t d = 64, m = 32, n = 3;
    float *k = random_signs(n, d, 51), *v = random_signs(n, m, 52);
    amem_hopfield *h = make(AMEM_HOPFIELD_CLASSICAL, d, m);
    AMEM_ASSERT_OK(amem_hopfield_store_pairs(h, k, v, n));
    float *out = malloc(n * m * sizeof(float));
    int steps[3];
    AMEM_ASSERT_OK(amem_hopfield_recall(h, k, n, NULL, out, steps, NULL));
    ck_assert(sign_errors(out, v, n * m) == 0.0);
    ck_assert_int_eq(steps[0], 1);
    /* from keys with 8 of 64 entries flipped */
    float *noisy = malloc(n * d * sizeof(float));
    memcpy(noisy, k, n * d * sizeof(float));
    corrupt(noisy, n, d, 8, 53);
    AMEM_ASSERT_OK(amem_hopfield_recall(h, noisy, n, NULL, out, NULL, NULL));
    ck_assert(sign_errors(out, v, n * m) == 0.0);
    /* BAM energy: E(x, y) = -y^T W x is lower at a stored pair than with
     * the value negated */
    float *s = malloc(2 * (d + m) * sizeof(float));
    memcpy(s, k, d * sizeof(float));
    memcpy(s + d, v, m * sizeof(float));
    memcpy(s + d + m, k, d * sizeof(float));
    for (size_t i = 0; i < m; i++)
        s[2 * d + m + i] = -v[i];
    double e[2];
    AMEM_ASSERT_OK(amem_hopfield_energy(h, s, 2, e));
    ck_assert(e[0] < 0 && fabs(e[0] + e[1]) < 1e-9);
    free(s);
    free(noisy);
    free(out);
    free(k);
    free(v);
    amem_hopfield_free(h);
}
END_TEST

START_TEST(test_decay_and_strength)
{
    /* lambda = 0 keeps only the last write: W = q x x^T / d */
    size_t d = 16;
    float *p = random_signs(3, d, 61);
    amem_hopfield *h = make(AMEM_HOPFIELD_CLASSICAL, d, 0);
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_DECAY, 0.0));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_WRITE_STRENGTH, 2.0));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_ZERO_DIAGONAL, 0));
    AMEM_ASSERT_OK(amem_hopfield_store(h, p, 3));
    double e;
    AMEM_ASSERT_OK(amem_hopfield_energy(h, p + 2 * d, 1, &e));
    ck_assert(fabs(e + 0.5 * 2.0 * (double)d) < 1e-4); /* -q d / 2 */
    /* lambda = 0.5, two stores one at a time == the same two at once */
    amem_hopfield *a = make(AMEM_HOPFIELD_CLASSICAL, d, 0);
    amem_hopfield *b = make(AMEM_HOPFIELD_CLASSICAL, d, 0);
    AMEM_ASSERT_OK(amem_hopfield_set(a, AMEM_HOPFIELD_DECAY, 0.5));
    AMEM_ASSERT_OK(amem_hopfield_set(b, AMEM_HOPFIELD_DECAY, 0.5));
    AMEM_ASSERT_OK(amem_hopfield_store(a, p, 1));
    AMEM_ASSERT_OK(amem_hopfield_store(a, p + d, 1));
    AMEM_ASSERT_OK(amem_hopfield_store(b, p, 2));
    double ea, eb;
    AMEM_ASSERT_OK(amem_hopfield_energy(a, p + 2 * d, 1, &ea));
    AMEM_ASSERT_OK(amem_hopfield_energy(b, p + 2 * d, 1, &eb));
    ck_assert(fabs(ea - eb) < 1e-5);
    size_t count;
    AMEM_ASSERT_OK(amem_hopfield_count(b, &count));
    ck_assert_uint_eq(count, 2);
    AMEM_ASSERT_OK(amem_hopfield_clear(b));
    AMEM_ASSERT_OK(amem_hopfield_count(b, &count));
    ck_assert_uint_eq(count, 0);
    AMEM_ASSERT_OK(amem_hopfield_energy(b, p, 1, &eb));
    ck_assert(eb == 0.0);
    amem_hopfield_free(a);
    amem_hopfield_free(b);
    amem_hopfield_free(h);
    free(p);
}
END_TEST

/* ---- clamping, replay ------------------------------------------------- */

START_TEST(test_clamp_keeps_known_entries)
{
    size_t d = 40, n = 4;
    float *p = random_signs(n, d, 71);
    float *cue = random_signs(n, d, 72); /* unrelated cues */
    float *mask = malloc(n * d * sizeof(float));
    float *out = malloc(n * d * sizeof(float));
    for (size_t i = 0; i < n * d; i++)
        mask[i] = (i % 3 == 0) ? 1.0f : 0.0f;
    for (int kind = 0; kind <= AMEM_HOPFIELD_MODERN; kind++) {
        amem_hopfield *h = make_stored(kind, d, p, n);
        AMEM_ASSERT_OK(amem_hopfield_recall(h, cue, n, mask, out, NULL, NULL));
        for (size_t i = 0; i < n * d; i++)
            if (mask[i] != 0)
                ck_assert(out[i] == cue[i]);
        if (kind == AMEM_HOPFIELD_CLASSICAL) {
            AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_UPDATE,
                                             AMEM_HOPFIELD_UPDATE_SYNC));
            AMEM_ASSERT_OK(
                amem_hopfield_recall(h, cue, n, mask, out, NULL, NULL));
            for (size_t i = 0; i < n * d; i++)
                if (mask[i] != 0)
                    ck_assert(out[i] == cue[i]);
        }
        amem_hopfield_free(h);
    }
    free(p);
    free(cue);
    free(mask);
    free(out);
}
END_TEST

START_TEST(test_replay_deterministic)
{
    size_t d = 30, n = 10, r = 25;
    float *p = random_signs(n, d, 81);
    for (int kind = 0; kind <= AMEM_HOPFIELD_MODERN; kind++) {
        amem_hopfield *a = make_stored(kind, d, p, n);
        amem_hopfield *b = make_stored(kind, d, p, n);
        float *oa = malloc(r * d * sizeof(float)), *ob = malloc(r * d * 4);
        float *ca = malloc(r * d * sizeof(float)), *cb = malloc(r * d * 4);
        AMEM_ASSERT_OK(amem_hopfield_set(a, AMEM_HOPFIELD_SEED, 5));
        AMEM_ASSERT_OK(amem_hopfield_set(b, AMEM_HOPFIELD_SEED, 5));
        AMEM_ASSERT_OK(amem_hopfield_replay(a, r, oa, ca, NULL));
        AMEM_ASSERT_OK(amem_hopfield_replay(b, r, ob, cb, NULL));
        ck_assert(memcmp(oa, ob, r * d * sizeof(float)) == 0);
        ck_assert(memcmp(ca, cb, r * d * sizeof(float)) == 0);
        for (size_t i = 0; i < r * d; i++)
            ck_assert(ca[i] >= -1.0f && ca[i] < 1.0f);
        /* the next draw differs; another seed differs */
        AMEM_ASSERT_OK(amem_hopfield_replay(a, r, oa, ca, NULL));
        ck_assert(memcmp(ca, cb, r * d * sizeof(float)) != 0);
        AMEM_ASSERT_OK(amem_hopfield_set(b, AMEM_HOPFIELD_SEED, 6));
        AMEM_ASSERT_OK(amem_hopfield_set(b, AMEM_HOPFIELD_NOISE,
                                         AMEM_HOPFIELD_NOISE_SIGNS));
        AMEM_ASSERT_OK(amem_hopfield_replay(b, r, ob, cb, NULL));
        for (size_t i = 0; i < r * d; i++)
            ck_assert(cb[i] == 1.0f || cb[i] == -1.0f);
        /* replay equals recall from the cues it reports */
        AMEM_ASSERT_OK(amem_hopfield_recall(b, cb, r, NULL, oa, NULL, NULL));
        ck_assert(memcmp(oa, ob, r * d * sizeof(float)) == 0);
        AMEM_ASSERT_OK(amem_hopfield_replay(b, 3, ob, NULL, NULL));
        free(oa);
        free(ob);
        free(ca);
        free(cb);
        amem_hopfield_free(a);
        amem_hopfield_free(b);
    }
    free(p);
}
END_TEST

/* ---- fused recall against a naive double-precision reference ---------- */

/* One step for one state, in double: out = V^T softmax(b Y x). */
static void naive_step(const float *Y, const float *V, size_t N, size_t d,
                       size_t m, double b, const double *x, double *out,
                       double *w)
{
    double top = -INFINITY, sum = 0;
    for (size_t mu = 0; mu < N; mu++) {
        double s = 0;
        for (size_t j = 0; j < d; j++)
            s += (double)Y[mu * d + j] * x[j];
        w[mu] = b * s;
        top = fmax(top, w[mu]);
    }
    for (size_t mu = 0; mu < N; mu++)
        sum += (w[mu] = exp(w[mu] - top));
    for (size_t j = 0; j < m; j++)
        out[j] = 0;
    for (size_t mu = 0; mu < N; mu++) {
        w[mu] /= sum;
        for (size_t j = 0; j < m; j++)
            out[j] += w[mu] * V[mu * m + j];
    }
}

static void check_against_naive(size_t d, size_t m, size_t N, size_t B,
                                int T, double beta, int sqrt_d, float gain)
{
    amem__rng rng;
    amem__rng_seed(&rng, 91 + N);
    float *Y = malloc(N * d * sizeof(float)), *V = malloc(N * (m + 1) * 4);
    float *Q = malloc(B * d * sizeof(float));
    for (size_t i = 0; i < N * d; i++)
        Y[i] = gain * (float)amem__rng_normal(&rng);
    for (size_t i = 0; i < N * m; i++)
        V[i] = (float)amem__rng_normal(&rng);
    for (size_t i = 0; i < B * d; i++)
        Q[i] = gain * (float)amem__rng_normal(&rng);
    amem_hopfield *h = make(AMEM_HOPFIELD_MODERN, d, m);
    if (m)
        AMEM_ASSERT_OK(amem_hopfield_store_pairs(h, Y, V, N));
    else
        AMEM_ASSERT_OK(amem_hopfield_store(h, Y, N));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_BETA, beta));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_MAX_STEPS, T));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_TOLERANCE, 0));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_SCALE_SQRT_D, sqrt_d));
    size_t od = m ? m : d;
    float *out = malloc(B * od * sizeof(float));
    float *w = malloc(B * N * sizeof(float));
    int *steps = malloc(B * sizeof(int));
    AMEM_ASSERT_OK(amem_hopfield_recall(h, Q, B, NULL, out, steps, w));
    double b = sqrt_d ? beta / sqrt((double)d) : beta;
    double *x = malloc(d * 8), *nx = malloc(d * 8), *o = malloc(od * 8);
    double *rw = malloc(N * 8), worst = 0, worst_w = 0;
    for (size_t q = 0; q < B; q++) {
        for (size_t j = 0; j < d; j++)
            x[j] = Q[q * d + j];
        for (int t = 0; t < steps[q]; t++) {
            naive_step(Y, Y, N, d, d, b, x, nx, rw);
            if (m)
                naive_step(Y, V, N, d, m, b, x, o, rw);
            else
                memcpy(o, nx, d * 8);
            memcpy(x, nx, d * 8);
        }
        for (size_t j = 0; j < od; j++)
            worst = fmax(worst, fabs(o[j] - out[q * od + j]));
        for (size_t mu = 0; mu < N; mu++)
            worst_w = fmax(worst_w, fabs(rw[mu] - w[q * N + mu]));
        ck_assert_int_eq(steps[q], T);
    }
    ck_assert_msg(worst <= 1e-5, "max |fused - naive| = %g", worst);
    ck_assert_msg(worst_w <= 1e-5, "max |weights - naive| = %g", worst_w);
    free(x), free(nx), free(o), free(rw), free(steps), free(w), free(out);
    free(Y), free(V), free(Q);
    amem_hopfield_free(h);
}

START_TEST(test_fused_matches_naive)
{
    /* pattern count not a multiple of the block, queries over one tile */
    check_against_naive(50, 0, 700, 300, 3, 0.5, 0, 0.4f);
    check_against_naive(50, 0, 700, 300, 2, 4.0, 1, 0.4f);
    check_against_naive(24, 7, 513, 40, 2, 0.5, 0, 0.4f);
    /* several score blocks for narrow (d < 256) and wide patterns */
    check_against_naive(16, 0, 2500, 20, 2, 1.0, 0, 0.6f);
    check_against_naive(16, 5, 2100, 20, 2, 1.0, 0, 0.6f);
    check_against_naive(300, 0, 600, 10, 2, 1.0, 1, 0.3f);
}
END_TEST

START_TEST(test_no_overflow_large_beta)
{
    /* beta = 100 and dot products ~ 10^4: the max shift keeps it finite */
    size_t d = 100, n = 50;
    float *p = random_signs(n, d, 95);
    for (size_t i = 0; i < n * d; i++)
        p[i] *= 10.0f;
    amem_hopfield *h = make_stored(AMEM_HOPFIELD_MODERN, d, p, n);
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_BETA, 100.0));
    float *out = malloc(n * d * sizeof(float));
    float *w = malloc(n * n * sizeof(float));
    double *e = malloc(n * sizeof(double));
    AMEM_ASSERT_OK(amem_hopfield_recall(h, p, n, NULL, out, NULL, w));
    for (size_t i = 0; i < n * d; i++)
        ck_assert(out[i] == p[i]);
    for (size_t q = 0; q < n; q++)
        ck_assert(w[q * n + q] == 1.0f);
    AMEM_ASSERT_OK(amem_hopfield_energy(h, p, n, e));
    for (size_t q = 0; q < n; q++)
        ck_assert(isfinite(e[q]));
    AMEM_ASSERT_OK(amem_hopfield_weights(h, p, n, w));
    for (size_t q = 0; q < n; q++)
        ck_assert(w[q * n + q] == 1.0f);
    free(e);
    free(w);
    free(out);
    free(p);
    amem_hopfield_free(h);
}
END_TEST

/* ---- the fused step on several threads ---------------------------------- */

START_TEST(test_threaded_matches_naive)
{
    int saved = amem_get_num_threads();
    /* at 2 threads: two jobs that split the queries (B >= 2 x 256) ... */
    ck_assert_int_eq(amem__fused_jobs(600, 1000, 16, 2), 2);
    ck_assert_int_eq(amem__fused_jobs(520, 700, 24, 2), 2);
    /* ... or, with fewer queries, the stored patterns (log-sum-exp merge) */
    ck_assert_int_eq(amem__fused_jobs(40, 3001, 50, 2), 2);
    ck_assert_int_eq(amem__fused_jobs(30, 9000, 24, 2), 2);
    /* too little work for a thread */
    ck_assert_int_eq(amem__fused_jobs(10, 600, 300, 2), 1);
    /* light: two threads only (one thread is test_fused_matches_naive) */
    for (int threads = (int)amem_test_size(1, 2); threads <= 2; threads++) {
        AMEM_ASSERT_OK(amem_set_num_threads(threads));
        /* an outer window keeps BLAS on one thread for the unfused
         * weights too, so only the library's own threads run (this case
         * is then clean under ThreadSanitizer, which cannot follow
         * OpenBLAS's spin-wait hand-offs) */
        amem__blas_window_begin(AMEM__MAX_JOBS);
        check_against_naive(16, 0, 1000, 600, 2, 1.0, 0, 0.6f);
        check_against_naive(24, 5, 700, 520, 2, 0.5, 0, 0.4f);
        check_against_naive(50, 0, 3001, 40, 2, 4.0, 1, 0.4f);
        check_against_naive(24, 7, 9000, 30, 2, 0.5, 0, 0.4f);
        /* sharp weights: one job's share of a row underflows to 0 */
        check_against_naive(50, 0, 3001, 40, 2, 20.0, 0, 0.6f);
        amem__blas_window_end();
        ck_assert_int_eq(amem_get_num_threads(), threads);
    }
    AMEM_ASSERT_OK(amem_set_num_threads(saved));
}
END_TEST

/* Recall of B random cues from N random patterns (fixed seeds). */
static float *recall_random(size_t d, size_t m, size_t N, size_t B)
{
    amem__rng rng;
    amem__rng_seed(&rng, 7 + N + B);
    float *Y = malloc(N * d * sizeof(float)), *V = malloc(N * (m + 1) * 4);
    float *Q = malloc(B * d * sizeof(float));
    for (size_t i = 0; i < N * d; i++)
        Y[i] = 0.5f * (float)amem__rng_normal(&rng);
    for (size_t i = 0; i < N * m; i++)
        V[i] = (float)amem__rng_normal(&rng);
    for (size_t i = 0; i < B * d; i++)
        Q[i] = 0.5f * (float)amem__rng_normal(&rng);
    amem_hopfield *h = make(AMEM_HOPFIELD_MODERN, d, m);
    if (m)
        AMEM_ASSERT_OK(amem_hopfield_store_pairs(h, Y, V, N));
    else
        AMEM_ASSERT_OK(amem_hopfield_store(h, Y, N));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_MAX_STEPS, 2));
    float *out = malloc(B * (m ? m : d) * sizeof(float));
    AMEM_ASSERT_OK(amem_hopfield_recall(h, Q, B, NULL, out, NULL, NULL));
    amem_hopfield_free(h);
    free(Y), free(V), free(Q);
    return out;
}

START_TEST(test_threaded_deterministic)
{
    /* same inputs, same thread count: the same bits, on either split */
    int saved = amem_get_num_threads();
    const size_t shapes[][4] = {{16, 0, 1000, 600}, {24, 5, 9000, 30}};
    for (int threads = 1; threads <= 2; threads++) {
        AMEM_ASSERT_OK(amem_set_num_threads(threads));
        for (size_t c = 0; c < 2; c++) {
            const size_t *s = shapes[c];
            size_t len = s[3] * (s[1] ? s[1] : s[0]);
            float *a = recall_random(s[0], s[1], s[2], s[3]);
            float *b = recall_random(s[0], s[1], s[2], s[3]);
            ck_assert(memcmp(a, b, len * sizeof(float)) == 0);
            free(a);
            free(b);
        }
    }
    AMEM_ASSERT_OK(amem_set_num_threads(saved));
}
END_TEST

typedef struct recall_task {
    size_t d, m, N, B;
    float *out;
} recall_task;

static void *recall_task_main(void *arg)
{
    recall_task *t = arg;
    t->out = recall_random(t->d, t->m, t->N, t->B);
    return NULL;
}

START_TEST(test_concurrent_recalls)
{
    /* two handles recalled at once from two threads: the same results as
     * one after the other, and the thread count restored */
    int saved = amem_get_num_threads();
    AMEM_ASSERT_OK(amem_set_num_threads(2));
    recall_task task[2] = {{16, 0, 1000, 600, NULL}, {24, 5, 9000, 30, NULL}};
    float *serial[2];
    for (int k = 0; k < 2; k++)
        serial[k] = recall_random(task[k].d, task[k].m, task[k].N, task[k].B);
    pthread_t tid[2];
    for (int k = 0; k < 2; k++)
        ck_assert_int_eq(pthread_create(&tid[k], NULL, recall_task_main,
                                        &task[k]), 0);
    for (int k = 0; k < 2; k++) {
        pthread_join(tid[k], NULL);
        size_t len = task[k].B * (task[k].m ? task[k].m : task[k].d);
        ck_assert(memcmp(task[k].out, serial[k], len * sizeof(float)) == 0);
        free(task[k].out);
        free(serial[k]);
    }
    ck_assert_int_eq(amem_get_num_threads(), 2);
    AMEM_ASSERT_OK(amem_set_num_threads(saved));
}
END_TEST

/* ---- save and load ----------------------------------------------------- */

static amem_hopfield *stored_example(int kind, size_t m)
{
    size_t d = 9, n = 5;
    float *k = random_signs(n, d, 101), *v = random_signs(n, m + 1, 102);
    amem_hopfield *h = make(kind, d, m);
    if (m)
        AMEM_ASSERT_OK(amem_hopfield_store_pairs(h, k, v, n));
    else
        AMEM_ASSERT_OK(amem_hopfield_store(h, k, n));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_BETA, 3.25));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_SEED, 77));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_DECAY, 0.75));
    float cues[9 * 2];
    AMEM_ASSERT_OK(amem_hopfield_replay(h, 2, cues, NULL, NULL)); /* RNG */
    free(k);
    free(v);
    return h;
}

START_TEST(test_save_load_roundtrip)
{
    const int kinds[] = {0, 1, 2, 3, 4, 0, 4};
    const size_t ms[] = {0, 0, 0, 0, 0, 4, 3};
    for (int c = 0; c < 7; c++) {
        amem_hopfield *h = stored_example(kinds[c], ms[c]);
        size_t len;
        unsigned char *img = image(h, &len);
        amem_hopfield *g = NULL;
        AMEM_ASSERT_OK(amem_hopfield_load_mem(img, len, &g));
        ck_assert(same_image(g, img, len));
        char path[256];
        amem_test_tmp_path(path, sizeof path, "hopfield");
        AMEM_ASSERT_OK(amem_hopfield_save(h, path));
        amem_hopfield *f = NULL;
        AMEM_ASSERT_OK(amem_hopfield_load(path, &f));
        ck_assert(same_image(f, img, len));
        remove(path);
        /* same behaviour: replay continues the same RNG stream */
        size_t od = ms[c] ? ms[c] : 9;
        float a[4 * 9], b[4 * 9];
        AMEM_ASSERT_OK(amem_hopfield_replay(h, 4, a, NULL, NULL));
        AMEM_ASSERT_OK(amem_hopfield_replay(f, 4, b, NULL, NULL));
        ck_assert(memcmp(a, b, 4 * od * sizeof(float)) == 0);
        amem_free(img);
        amem_hopfield_free(f);
        amem_hopfield_free(g);
        amem_hopfield_free(h);
    }
}
END_TEST

static void put_le32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void fix_crc(unsigned char *img, size_t len)
{
    put_le32(img + len - 4, (uint32_t)crc32(0L, img, (uInt)(len - 4)));
}

START_TEST(test_load_rejects_bad_files)
{
    amem_hopfield *h = stored_example(AMEM_HOPFIELD_MODERN, 3);
    size_t len;
    unsigned char *img = image(h, &len);
    unsigned char *bad = malloc(len);
    amem_hopfield *g = (amem_hopfield *)1;
    for (size_t cut = 0; cut < len; cut++) {
        AMEM_ASSERT_STATUS(amem_hopfield_load_mem(img, cut, &g), AMEM_E_FORMAT);
        ck_assert_ptr_null(g);
    }
    for (size_t bit = 0; bit < len * 8; bit += 7) {
        memcpy(bad, img, len);
        bad[bit / 8] ^= (unsigned char)(1u << (bit % 8));
        AMEM_ASSERT_STATUS(amem_hopfield_load_mem(bad, len, &g), AMEM_E_FORMAT);
    }
    /* wrong piece kind, with a valid checksum */
    memcpy(bad, img, len);
    put_le32(bad + 12, 2);
    fix_crc(bad, len);
    AMEM_ASSERT_STATUS(amem_hopfield_load_mem(bad, len, &g), AMEM_E_FORMAT);
    /* lying headers with valid checksums: kind, dims, count, a setting */
    const size_t offsets[] = {24, 28, 36, 44,
                              48 + 8 * AMEM__HOPFIELD_NPARAM + 32};
    for (int i = 0; i < 5; i++) {
        memcpy(bad, img, len);
        put_le32(bad + offsets[i], 0x7fffff00u);
        fix_crc(bad, len);
        AMEM_ASSERT_STATUS(amem_hopfield_load_mem(bad, len, &g),
                           AMEM_E_FORMAT);
    }
    memcpy(bad, img, len); /* BETA = -1 */
    double beta = -1;
    memcpy(bad + 48, &beta, 8);
    fix_crc(bad, len);
    AMEM_ASSERT_STATUS(amem_hopfield_load_mem(bad, len, &g), AMEM_E_FORMAT);
    /* a stored NaN */
    memcpy(bad, img, len);
    put_le32(bad + len - 8, 0x7fc00000u);
    fix_crc(bad, len);
    AMEM_ASSERT_STATUS(amem_hopfield_load_mem(bad, len, &g), AMEM_E_FORMAT);
    /* the untouched image still loads */
    AMEM_ASSERT_OK(amem_hopfield_load_mem(img, len, &g));
    amem_hopfield_free(g);
    AMEM_ASSERT_STATUS(amem_hopfield_load("/nonexistent/dir/x.amem", &g),
                       AMEM_E_IO);
    AMEM_ASSERT_STATUS(amem_hopfield_load(NULL, &g), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_hopfield_load("x", NULL), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_hopfield_load_mem(NULL, 10, &g), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_hopfield_load_mem(img, len, NULL), AMEM_E_NULL);
    void *data;
    AMEM_ASSERT_STATUS(amem_hopfield_save_mem(NULL, &data, &len), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_hopfield_save_mem(h, NULL, &len), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_hopfield_save_mem(h, &data, NULL), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_hopfield_save(NULL, "x"), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_hopfield_save(h, NULL), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_hopfield_save(h, "/nonexistent/dir/x.amem"),
                       AMEM_E_IO);
    free(bad);
    amem_free(img);
    amem_hopfield_free(h);
}
END_TEST

/* ---- bad arguments leave the handle unchanged -------------------------- */

START_TEST(test_bad_arguments)
{
    size_t d = 6, len;
    float p[12] = {1, -1, 1, -1, 1, -1, 1, 1, -1, -1, 1, 1};
    float out[12], w[4], nanp[12], badmask[12];
    int steps[2];
    double e[2];
    memcpy(nanp, p, sizeof p);
    nanp[7] = NAN;
    for (size_t i = 0; i < 12; i++)
        badmask[i] = i == 3 ? 0.5f : 1.0f;
    for (int kind = 0; kind <= AMEM_HOPFIELD_MODERN; kind++) {
        amem_hopfield *h = make(kind, d, 0);
        if (kind != AMEM_HOPFIELD_CLASSICAL) {
            AMEM_ASSERT_STATUS(
                amem_hopfield_recall(h, p, 2, NULL, out, NULL, NULL),
                AMEM_E_STATE);
            AMEM_ASSERT_STATUS(amem_hopfield_replay(h, 2, out, NULL, NULL),
                               AMEM_E_STATE);
            AMEM_ASSERT_STATUS(amem_hopfield_energy(h, p, 2, e), AMEM_E_STATE);
        }
        AMEM_ASSERT_OK(amem_hopfield_store(h, p, 1));
        unsigned char *ref = image(h, &len);
        AMEM_ASSERT_STATUS(amem_hopfield_store(NULL, p, 1), AMEM_E_NULL);
        AMEM_ASSERT_STATUS(amem_hopfield_store(h, NULL, 1), AMEM_E_NULL);
        AMEM_ASSERT_STATUS(amem_hopfield_store(h, p, 0), AMEM_E_DIM);
        AMEM_ASSERT_STATUS(amem_hopfield_store(h, nanp, 2), AMEM_E_NONFINITE);
        AMEM_ASSERT_STATUS(amem_hopfield_store_pairs(h, p, p, 1),
                           AMEM_E_UNSUPPORTED);
        AMEM_ASSERT_STATUS(amem_hopfield_recall(NULL, p, 2, NULL, out, NULL,
                                                NULL), AMEM_E_NULL);
        AMEM_ASSERT_STATUS(amem_hopfield_recall(h, NULL, 2, NULL, out, NULL,
                                                NULL), AMEM_E_NULL);
        AMEM_ASSERT_STATUS(amem_hopfield_recall(h, p, 2, NULL, NULL, NULL,
                                                NULL), AMEM_E_NULL);
        AMEM_ASSERT_STATUS(amem_hopfield_recall(h, p, 0, NULL, out, NULL,
                                                NULL), AMEM_E_DIM);
        AMEM_ASSERT_STATUS(amem_hopfield_recall(h, nanp, 2, NULL, out, NULL,
                                                NULL), AMEM_E_NONFINITE);
        AMEM_ASSERT_STATUS(amem_hopfield_recall(h, p, 2, badmask, out, steps,
                                                NULL), AMEM_E_ARG);
        AMEM_ASSERT_STATUS(amem_hopfield_replay(NULL, 2, out, NULL, NULL),
                           AMEM_E_NULL);
        AMEM_ASSERT_STATUS(amem_hopfield_replay(h, 2, NULL, NULL, NULL),
                           AMEM_E_NULL);
        AMEM_ASSERT_STATUS(amem_hopfield_replay(h, 0, out, NULL, NULL),
                           AMEM_E_DIM);
        AMEM_ASSERT_STATUS(amem_hopfield_energy(NULL, p, 2, e), AMEM_E_NULL);
        AMEM_ASSERT_STATUS(amem_hopfield_energy(h, NULL, 2, e), AMEM_E_NULL);
        AMEM_ASSERT_STATUS(amem_hopfield_energy(h, p, 2, NULL), AMEM_E_NULL);
        AMEM_ASSERT_STATUS(amem_hopfield_energy(h, p, 0, e), AMEM_E_DIM);
        AMEM_ASSERT_STATUS(amem_hopfield_energy(h, nanp, 2, e),
                           AMEM_E_NONFINITE);
        AMEM_ASSERT_STATUS(amem_hopfield_weights(NULL, p, 2, w), AMEM_E_NULL);
        AMEM_ASSERT_STATUS(amem_hopfield_weights(h, p, 2, NULL), AMEM_E_NULL);
        if (kind == AMEM_HOPFIELD_MODERN) {
            AMEM_ASSERT_STATUS(amem_hopfield_weights(h, NULL, 2, w),
                               AMEM_E_NULL);
            AMEM_ASSERT_STATUS(amem_hopfield_weights(h, p, 0, w), AMEM_E_DIM);
            AMEM_ASSERT_STATUS(amem_hopfield_weights(h, nanp, 2, w),
                               AMEM_E_NONFINITE);
            AMEM_ASSERT_OK(amem_hopfield_weights(h, p, 2, w));
            ck_assert(fabsf(w[0] - 1.0f) < 1e-6f);
        } else {
            AMEM_ASSERT_STATUS(amem_hopfield_weights(h, p, 2, w),
                               AMEM_E_UNSUPPORTED);
            AMEM_ASSERT_STATUS(amem_hopfield_recall(h, p, 2, NULL, out, NULL,
                                                    w), AMEM_E_UNSUPPORTED);
        }
        ck_assert(same_image(h, ref, len));
        amem_free(ref);
        amem_hopfield_free(h);
    }
    /* heteroassociative: store_pairs validation */
    amem_hopfield *h = make(AMEM_HOPFIELD_MODERN, d, 2);
    size_t n;
    AMEM_ASSERT_STATUS(amem_hopfield_store_pairs(NULL, p, p, 1), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_hopfield_store_pairs(h, NULL, p, 1), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_hopfield_store_pairs(h, p, NULL, 1), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_hopfield_store_pairs(h, p, p, 0), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_hopfield_store_pairs(h, p, nanp + 6, 2),
                       AMEM_E_NONFINITE);
    AMEM_ASSERT_OK(amem_hopfield_count(h, &n));
    ck_assert_uint_eq(n, 0);
    AMEM_ASSERT_OK(amem_hopfield_store_pairs(h, p, p, 2));
    AMEM_ASSERT_OK(amem_hopfield_count(h, &n));
    ck_assert_uint_eq(n, 2);
    amem_hopfield_free(h);
}
END_TEST

START_TEST(test_steps_and_cycles)
{
    /* synchronous dynamics with a 2-cycle stop at MAX_STEPS */
    float p[4] = {1, 1, 1, 1};
    amem_hopfield *h = make(AMEM_HOPFIELD_CLASSICAL, 2, 0);
    float w2[4] = {1, -1, 1, -1}; /* pattern (1,-1) and (1,-1) with ... */
    (void)w2;
    AMEM_ASSERT_OK(amem_hopfield_store(h, p, 1)); /* W = [[.5,.5],[.5,.5]] */
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_UPDATE,
                                     AMEM_HOPFIELD_UPDATE_SYNC));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_MAX_STEPS, 7));
    float cue[2] = {1, -1}, out[2];
    int steps;
    /* zero diagonal: x1 <- sign(x2), x2 <- sign(x1): (1,-1) <-> (-1,1) */
    AMEM_ASSERT_OK(amem_hopfield_recall(h, cue, 1, NULL, out, &steps, NULL));
    ck_assert_int_eq(steps, 7);
    ck_assert(out[0] == -1 && out[1] == 1); /* odd number of flips */
    /* asynchronous dynamics settle */
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_UPDATE,
                                     AMEM_HOPFIELD_UPDATE_ASYNC));
    AMEM_ASSERT_OK(amem_hopfield_recall(h, cue, 1, NULL, out, &steps, NULL));
    ck_assert_int_eq(steps, 2);
    ck_assert(out[0] == out[1]);
    amem_hopfield_free(h);
}
END_TEST

START_TEST(test_random_order_and_noisy_recall)
{
    size_t d = 100, n = 8;
    float *p = random_signs(n, d, 111);
    float *cue = malloc(n * d * sizeof(float)), *out = malloc(n * d * 4);
    for (size_t k = 0; k < 4; k++) {
        memcpy(cue, p, n * d * sizeof(float));
        corrupt(cue, n, d, 10, 112);
        amem_hopfield *h = make_stored(sign_kinds[k], d, p, n);
        AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_ORDER,
                                         AMEM_HOPFIELD_ORDER_RANDOM));
        AMEM_ASSERT_OK(amem_hopfield_recall(h, cue, n, NULL, out, NULL, NULL));
        ck_assert(sign_errors(out, p, n * d) == 0.0);
        amem_hopfield_free(h);
    }
    free(cue);
    free(out);
    free(p);
}
END_TEST

/* ---- similarity and separation (Millidge et al. 2022) ------------------ */

/* sim(x, xi) over the entries with m = 1 (m NULL: all), in double. */
static double ref_sim(int sim, const float *x, const float *xi,
                      const float *m, size_t d)
{
    double dot = 0, xx = 0, yy = 0, l2 = 0, l1 = 0;
    for (size_t j = 0; j < d; j++) {
        double w = m ? m[j] : 1.0, a = x[j], b = xi[j];
        dot += w * a * b;
        xx += w * a * a;
        yy += w * b * b;
        l2 += w * (a - b) * (a - b);
        l1 += w * fabs(a - b);
    }
    switch (sim) {
    case AMEM_HOPFIELD_SIM_COSINE:
        return xx > 0 && yy > 0 ? dot / (sqrt(xx) * sqrt(yy)) : 0.0;
    case AMEM_HOPFIELD_SIM_EUCLIDEAN:
        return -l2;
    case AMEM_HOPFIELD_SIM_MANHATTAN:
        return -l1;
    default:
        return dot;
    }
}

/* sep over one row of N similarities, in place, in double. */
static void ref_sep(int sep, double b, int degree, double *s, size_t N)
{
    size_t best = 0;
    for (size_t mu = 1; mu < N; mu++)
        if (s[mu] > s[best])
            best = mu;
    double top = s[best], sum = 0;
    if (sep == AMEM_HOPFIELD_SEP_IDENTITY)
        return;
    if (sep == AMEM_HOPFIELD_SEP_ARGMAX ||
        (sep == AMEM_HOPFIELD_SEP_POLY && top <= 0)) {
        for (size_t mu = 0; mu < N; mu++)
            s[mu] = mu == best;
        return;
    }
    for (size_t mu = 0; mu < N; mu++) {
        if (sep == AMEM_HOPFIELD_SEP_SOFTMAX)
            s[mu] = exp(b * (s[mu] - top));
        else
            s[mu] = s[mu] > 0 ? pow(s[mu] / top, degree) : 0.0;
        sum += s[mu];
    }
    for (size_t mu = 0; mu < N; mu++)
        s[mu] /= sum;
}

typedef struct fw_case {
    size_t d, m, N, B;
    int sim, sep, masked;
} fw_case;

/* Random keys, values, cues and (masked) a mask with about half known. */
typedef struct fw_data {
    float *Y, *V, *Q, *M;
} fw_data;

static fw_data fw_make(const fw_case *c, uint64_t seed)
{
    amem__rng rng;
    amem__rng_seed(&rng, seed);
    fw_data f;
    f.Y = malloc(c->N * c->d * sizeof(float));
    f.V = malloc(c->N * (c->m + 1) * sizeof(float));
    f.Q = malloc(c->B * c->d * sizeof(float));
    f.M = malloc(c->B * c->d * sizeof(float));
    for (size_t i = 0; i < c->N * c->d; i++)
        f.Y[i] = 0.5f * (float)amem__rng_normal(&rng);
    for (size_t i = 0; i < c->N * c->m; i++)
        f.V[i] = (float)amem__rng_normal(&rng);
    for (size_t i = 0; i < c->B * c->d; i++) {
        f.Q[i] = 0.5f * (float)amem__rng_normal(&rng);
        f.M[i] = amem__rng_uniform(&rng) < 0.5 ? 1.0f : 0.0f;
    }
    for (size_t q = 0; q < c->B; q++)
        f.M[q * c->d] = 1.0f; /* every row knows something */
    return f;
}

static void fw_free(fw_data *f)
{
    free(f->Y), free(f->V), free(f->Q), free(f->M);
}

static amem_hopfield *fw_handle(const fw_case *c, const fw_data *f)
{
    amem_hopfield *h = make(AMEM_HOPFIELD_MODERN, c->d, c->m);
    if (c->m)
        AMEM_ASSERT_OK(amem_hopfield_store_pairs(h, f->Y, f->V, c->N));
    else
        AMEM_ASSERT_OK(amem_hopfield_store(h, f->Y, c->N));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_SIMILARITY, c->sim));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_SEPARATION, c->sep));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_BETA, 0.7));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_MAX_STEPS, 1));
    return h;
}

/* One step of query q in double: weights w (N) and output o. */
static void fw_reference(const fw_case *c, const fw_data *f, size_t q,
                         double *w, double *o)
{
    const float *x = f->Q + q * c->d, *m = c->masked ? f->M + q * c->d : NULL;
    const float *P = c->m ? f->V : f->Y;
    size_t od = c->m ? c->m : c->d;
    for (size_t mu = 0; mu < c->N; mu++)
        w[mu] = ref_sim(c->sim, x, f->Y + mu * c->d, m, c->d);
    ref_sep(c->sep, 0.7, 3, w, c->N);
    for (size_t j = 0; j < od; j++) {
        o[j] = 0;
        for (size_t mu = 0; mu < c->N; mu++)
            o[j] += w[mu] * P[mu * od + j];
        if (!c->m && m != NULL && m[j] != 0)
            o[j] = x[j]; /* clamped */
    }
}

static void fw_check(const fw_case *c)
{
    fw_data f = fw_make(c, 1000 + c->N + 10 * c->sim + c->sep);
    amem_hopfield *h = fw_handle(c, &f);
    size_t od = c->m ? c->m : c->d;
    float *out = malloc(c->B * od * sizeof(float));
    float *w = malloc(c->B * c->N * sizeof(float));
    float *w2 = malloc(c->B * c->N * sizeof(float));
    int *steps = malloc(c->B * sizeof(int));
    AMEM_ASSERT_OK(amem_hopfield_recall(h, f.Q, c->B, c->masked ? f.M : NULL,
                                        out, steps, w));
    AMEM_ASSERT_OK(amem_hopfield_weights(h, f.Q, c->B, w2));
    double *rw = malloc(c->N * 8), *ro = malloc(od * 8);
    double worst = 0, worst_w = 0, worst_w2 = 0, scale = 1;
    for (size_t q = 0; q < c->B; q++) {
        ck_assert_int_eq(steps[q], 1);
        fw_reference(c, &f, q, rw, ro);
        for (size_t j = 0; j < od; j++) {
            scale = fmax(scale, fabs(ro[j]));
            worst = fmax(worst, fabs(ro[j] - out[q * od + j]));
        }
        for (size_t mu = 0; mu < c->N; mu++)
            worst_w = fmax(worst_w, fabs(rw[mu] - w[q * c->N + mu]) /
                                        fmax(1.0, fabs(rw[mu])));
        fw_case plain = *c;
        plain.masked = 0;
        fw_reference(&plain, &f, q, rw, ro);
        for (size_t mu = 0; mu < c->N; mu++)
            worst_w2 = fmax(worst_w2, fabs(rw[mu] - w2[q * c->N + mu]) /
                                          fmax(1.0, fabs(rw[mu])));
    }
    ck_assert_msg(worst <= 2e-5 * scale && worst_w <= 2e-5 &&
                      worst_w2 <= 2e-5,
                  "sim %d sep %d masked %d d %zu N %zu B %zu: out %g "
                  "(scale %g), weights %g, unmasked weights %g",
                  c->sim, c->sep, c->masked, c->d, c->N, c->B, worst, scale,
                  worst_w, worst_w2);
    free(rw), free(ro), free(out), free(w), free(w2), free(steps);
    fw_free(&f);
    amem_hopfield_free(h);
}

START_TEST(test_similarity_matches_reference)
{
    /* d = 37: vector tails; N = 1100: several score blocks; rows not a
     * multiple of the kernel's tile; one hetero shape */
    const fw_case shapes[] = {{37, 0, 1100, 13, 0, 0, 0},
                              {24, 5, 300, 9, 0, 0, 0}};
    for (int s = 0; s < 2; s++)
        for (int sim = 0; sim < 4; sim++)
            for (int sep = 0; sep < 4; sep++)
                for (int masked = 0; masked < 2; masked++) {
                    fw_case c = shapes[s];
                    c.sim = sim, c.sep = sep, c.masked = masked;
                    fw_check(&c);
                }
}
END_TEST

START_TEST(test_similarity_threaded)
{
    /* enough work for two jobs: split by patterns (B small), by queries */
    int saved = amem_get_num_threads();
    AMEM_ASSERT_OK(amem_set_num_threads(2));
    const fw_case shapes[] = {{100, 0, 1100, 40, 0, 0, 0},
                              {40, 3, 600, 600, 0, 0, 0}};
    for (int s = 0; s < 2; s++)
        for (int sim = 0; sim < 4; sim++)
            for (int sep = 0; sep < 4; sep++) {
                fw_case c = shapes[s];
                c.sim = sim, c.sep = sep, c.masked = (sim + sep) % 2;
                fw_check(&c);
            }
    AMEM_ASSERT_OK(amem_set_num_threads(saved));
}
END_TEST

/* A handle with the given settings over stored patterns p (n x d). */
static amem_hopfield *framework(const float *p, size_t n, size_t d, int sim,
                                int sep, double beta)
{
    amem_hopfield *h = make_stored(AMEM_HOPFIELD_MODERN, d, p, n);
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_SIMILARITY, sim));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_SEPARATION, sep));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_BETA, beta));
    return h;
}

START_TEST(test_distance_fixed_points)
{
    size_t d = 64, n = 200;
    float *p = random_signs(n, d, 111);
    float *out = malloc(n * d * sizeof(float));
    int *steps = malloc(n * sizeof(int));
    const int sims[] = {AMEM_HOPFIELD_SIM_EUCLIDEAN,
                        AMEM_HOPFIELD_SIM_MANHATTAN};
    const int seps[] = {AMEM_HOPFIELD_SEP_ARGMAX, AMEM_HOPFIELD_SEP_SOFTMAX};
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            /* softmax at beta = 100: the nearest other pattern is at
             * distance >= 1 (both metrics), so its weight is < e^-100 */
            amem_hopfield *h = framework(p, n, d, sims[i], seps[j], 100.0);
            AMEM_ASSERT_OK(
                amem_hopfield_recall(h, p, n, NULL, out, steps, NULL));
            ck_assert(memcmp(out, p, n * d * sizeof(float)) == 0);
            for (size_t q = 0; q < n; q++)
                ck_assert_int_eq(steps[q], 1);
            amem_hopfield_free(h);
        }
    free(steps);
    free(out);
    free(p);
}
END_TEST

START_TEST(test_masked_bright_and_dim)
{
    /* A bright pattern (all 3) and a dim one (all 0.5) among random signs.
     * From the dim pattern's known half, the dot product prefers the bright
     * pattern (3 * 0.5 > 0.5 * 0.5 per entry); the Euclidean distance to
     * the dim one is 0. */
    size_t d = 32, n = 6;
    float *p = random_signs(n, d, 121);
    for (size_t j = 0; j < d; j++) {
        p[j] = 3.0f;
        p[d + j] = 0.5f;
    }
    float cue[32], mask[32], out[32];
    for (size_t j = 0; j < d; j++) {
        mask[j] = j % 2 == 0;
        cue[j] = mask[j] != 0 ? 0.5f : 0.0f;
    }
    const int sims[] = {AMEM_HOPFIELD_SIM_DOT, AMEM_HOPFIELD_SIM_EUCLIDEAN};
    for (int s = 0; s < 2; s++)
        for (int sep = 0; sep < 2; sep++) {
            amem_hopfield *h = framework(p, n, d, sims[s], sep, 1.0);
            float w[6];
            AMEM_ASSERT_OK(amem_hopfield_recall(h, cue, 1, mask, out, NULL, w));
            float want = s == 0 ? 3.0f : 0.5f; /* dot: the bright one */
            for (size_t j = 1; j < d; j += 2)
                ck_assert_msg(fabsf(out[j] - want) < 1e-3f,
                              "sim %d sep %d: hidden entry %g, want %g",
                              sims[s], sep, (double)out[j], (double)want);
            ck_assert(w[s == 0 ? 0 : 1] > 0.999f);
            amem_hopfield_free(h);
        }
    free(p);
}
END_TEST

/* Energies along n_steps single steps of unmasked recall never rise. */
static void check_step_descent(amem_hopfield *h, float *x, size_t B, size_t d,
                          int n_steps)
{
    double *e0 = malloc(B * 8), *e1 = malloc(B * 8);
    float *next = malloc(B * d * sizeof(float));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_MAX_STEPS, 1));
    AMEM_ASSERT_OK(amem_hopfield_energy(h, x, B, e0));
    int fell = 0;
    for (int t = 0; t < n_steps; t++) {
        AMEM_ASSERT_OK(amem_hopfield_recall(h, x, B, NULL, next, NULL, NULL));
        AMEM_ASSERT_OK(amem_hopfield_energy(h, next, B, e1));
        for (size_t q = 0; q < B; q++) {
            ck_assert_msg(e1[q] <= e0[q] + 1e-5 * (1 + fabs(e0[q])),
                          "step %d query %zu: %.9g -> %.9g", t, q, e0[q],
                          e1[q]);
            fell += e1[q] < e0[q] - 1e-3 * (1 + fabs(e0[q]));
            e0[q] = e1[q];
        }
        memcpy(x, next, B * d * sizeof(float));
    }
    ck_assert(fell > 0); /* the test saw real descent */
    free(e0), free(e1), free(next);
}

START_TEST(test_framework_energy_descent)
{
    size_t d = 20, n = 40, B = 30;
    amem__rng rng;
    amem__rng_seed(&rng, 131);
    float *p = malloc(n * d * sizeof(float)), *x = malloc(B * d * 4);
    const int pairs[][2] = {
        {AMEM_HOPFIELD_SIM_EUCLIDEAN, AMEM_HOPFIELD_SEP_SOFTMAX},
        {AMEM_HOPFIELD_SIM_EUCLIDEAN, AMEM_HOPFIELD_SEP_ARGMAX},
        {AMEM_HOPFIELD_SIM_DOT, AMEM_HOPFIELD_SEP_ARGMAX},
        {AMEM_HOPFIELD_SIM_DOT, AMEM_HOPFIELD_SEP_IDENTITY}};
    for (int k = 0; k < 4; k++) {
        /* identity: small patterns so x <- Y^T Y x stays bounded */
        float gain = k == 3 ? 0.1f : 1.0f;
        for (size_t i = 0; i < n * d; i++)
            p[i] = gain * (float)amem__rng_normal(&rng);
        for (size_t i = 0; i < B * d; i++)
            x[i] = (float)amem__rng_normal(&rng);
        amem_hopfield *h = framework(p, n, d, pairs[k][0], pairs[k][1], 0.3);
        check_step_descent(h, x, B, d, 4);
        amem_hopfield_free(h);
    }
    free(p);
    free(x);
}
END_TEST

START_TEST(test_framework_energy_values)
{
    size_t d = 5, n = 3;
    float p[15] = {1, 0, 2, -1, 0.5f, 0, 1, 1, 1, 1, -2, 0, 0, 1, 3};
    float x[5] = {0.5f, -1, 1, 0, 2};
    double e, b = 0.8;
    amem_hopfield *h = framework(p, n, d, AMEM_HOPFIELD_SIM_EUCLIDEAN,
                                 AMEM_HOPFIELD_SEP_SOFTMAX, b);
    AMEM_ASSERT_OK(amem_hopfield_energy(h, x, 1, &e));
    double sum = 0, dmin = INFINITY;
    for (size_t mu = 0; mu < n; mu++) {
        double l2 = -ref_sim(AMEM_HOPFIELD_SIM_EUCLIDEAN, x, p + mu * d,
                             NULL, d);
        sum += exp(-b * l2);
        dmin = fmin(dmin, l2);
    }
    ck_assert_msg(fabs(e + log(sum / n) / (2 * b)) < 1e-5, "E %g", e);
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_SEPARATION,
                                     AMEM_HOPFIELD_SEP_ARGMAX));
    AMEM_ASSERT_OK(amem_hopfield_energy(h, x, 1, &e));
    ck_assert(fabs(e - 0.5 * dmin) < 1e-5);
    /* pairs without an energy */
    const int none[][2] = {{0, 2}, {1, 0}, {2, 2}, {2, 3}, {3, 0}, {3, 1}};
    size_t len;
    unsigned char *ref = image(h, &len);
    for (int k = 0; k < 6; k++) {
        AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_SIMILARITY,
                                         none[k][0]));
        AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_SEPARATION,
                                         none[k][1]));
        AMEM_ASSERT_STATUS(amem_hopfield_energy(h, x, 1, &e),
                           AMEM_E_UNSUPPORTED);
    }
    amem_free(ref);
    amem_hopfield_free(h);
}
END_TEST

START_TEST(test_argmax_ties)
{
    /* equal scores go to the lowest index, in one job and across jobs that
     * split the patterns (d = 100, N = 1100, B = 40 on two threads) */
    int saved = amem_get_num_threads();
    size_t d = 100, n = 1100, B = 40;
    float *p = random_signs(n, d, 141);
    memcpy(p + (n - 1) * d, p + 3 * d, d * sizeof(float)); /* 3 == n-1 */
    memcpy(p + 700 * d, p + 3 * d, d * sizeof(float));     /* 3 == 700 */
    float *q = malloc(B * d * sizeof(float)), *out = malloc(B * d * 4);
    float *w = malloc(B * n * sizeof(float));
    for (size_t r = 0; r < B; r++)
        memcpy(q + r * d, p + 3 * d, d * sizeof(float));
    for (int threads = 1; threads <= 2; threads++) {
        AMEM_ASSERT_OK(amem_set_num_threads(threads));
        for (int sim = 0; sim < 4; sim++) {
            amem_hopfield *h = framework(p, n, d, sim,
                                         AMEM_HOPFIELD_SEP_ARGMAX, 1.0);
            AMEM_ASSERT_OK(amem_hopfield_recall(h, q, B, NULL, out, NULL, w));
            for (size_t r = 0; r < B; r++) {
                ck_assert(w[r * n + 3] == 1.0f);
                ck_assert(w[r * n + 700] == 0.0f && w[r * n + n - 1] == 0.0f);
            }
            amem_hopfield_free(h);
        }
    }
    /* equidistant: x halfway between patterns 0 and 1 */
    float two[2 * 4] = {1, 1, 1, 1, -1, -1, -1, -1}, mid[4] = {0, 0, 0, 0};
    float wt[2], o[4];
    amem_hopfield *h = framework(two, 2, 4, AMEM_HOPFIELD_SIM_EUCLIDEAN,
                                 AMEM_HOPFIELD_SEP_ARGMAX, 1.0);
    AMEM_ASSERT_OK(amem_hopfield_recall(h, mid, 1, NULL, o, NULL, wt));
    ck_assert(wt[0] == 1.0f && wt[1] == 0.0f && o[0] == 1.0f);
    amem_hopfield_free(h);
    AMEM_ASSERT_OK(amem_set_num_threads(saved));
    free(p), free(q), free(out), free(w);
}
END_TEST

START_TEST(test_poly_without_positive_scores)
{
    /* Euclidean scores are all <= 0: POLY falls back to ARGMAX, no NaN */
    size_t d = 8, n = 10;
    float *p = random_signs(n, d, 151), out[8], w[10];
    amem_hopfield *h = framework(p, n, d, AMEM_HOPFIELD_SIM_EUCLIDEAN,
                                 AMEM_HOPFIELD_SEP_POLY, 1.0);
    float x[8];
    for (size_t j = 0; j < d; j++)
        x[j] = 0.9f * p[4 * d + j];
    AMEM_ASSERT_OK(amem_hopfield_recall(h, x, 1, NULL, out, NULL, w));
    for (size_t mu = 0; mu < n; mu++)
        ck_assert(w[mu] == (mu == 4 ? 1.0f : 0.0f));
    ck_assert(memcmp(out, p + 4 * d, sizeof out) == 0);
    amem_hopfield_free(h);
    free(p);
}
END_TEST

/*
 * The image of img's store in the layout written before DTYPE and ids
 * existed: 12 settings, then the float32 keys and values (n x d, n x m).
 */
static unsigned char *old_image(const unsigned char *img, const float *k,
                                const float *v, size_t n, size_t d, size_t m,
                                size_t *old_len)
{
    size_t cut = 48 + 8 * 12, head = 48 + 8 * AMEM__HOPFIELD_NPARAM + 40;
    size_t rows = (n * d + n * m) * sizeof(float);
    *old_len = cut + (head - 48 - 8 * AMEM__HOPFIELD_NPARAM) + rows + 4;
    unsigned char *old = malloc(*old_len), *at = old;
    memcpy(at, img, cut);
    at += cut;
    memcpy(at, img + 48 + 8 * AMEM__HOPFIELD_NPARAM, 40); /* rng, count */
    at += 40;
    memcpy(at, k, n * d * sizeof(float));
    memcpy(at + n * d * sizeof(float), v, n * m * sizeof(float));
    put_le32(old + 44, 12);
    uint64_t payload = *old_len - 24 - 4;
    for (int i = 0; i < 8; i++)
        old[16 + i] = (unsigned char)(payload >> (8 * i));
    fix_crc(old, *old_len);
    return old;
}

START_TEST(test_framework_save_load)
{
    size_t d = 9, n = 7, m = 3;
    float *k = random_signs(n, d, 161), *v = random_signs(n, m, 162);
    amem_hopfield *h = make(AMEM_HOPFIELD_MODERN, d, m);
    AMEM_ASSERT_OK(amem_hopfield_store_pairs(h, k, v, n));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_SIMILARITY,
                                     AMEM_HOPFIELD_SIM_MANHATTAN));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_SEPARATION,
                                     AMEM_HOPFIELD_SEP_POLY));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_DEGREE, 5));
    size_t len;
    unsigned char *img = image(h, &len);
    amem_hopfield *g = NULL;
    AMEM_ASSERT_OK(amem_hopfield_load_mem(img, len, &g));
    ck_assert(same_image(g, img, len));
    double sim, sep;
    AMEM_ASSERT_OK(amem_hopfield_get(g, AMEM_HOPFIELD_SIMILARITY, &sim));
    AMEM_ASSERT_OK(amem_hopfield_get(g, AMEM_HOPFIELD_SEPARATION, &sep));
    ck_assert(sim == AMEM_HOPFIELD_SIM_MANHATTAN &&
              sep == AMEM_HOPFIELD_SEP_POLY);
    float a[7 * 3], b[7 * 3];
    AMEM_ASSERT_OK(amem_hopfield_recall(h, k, n, NULL, a, NULL, NULL));
    AMEM_ASSERT_OK(amem_hopfield_recall(g, k, n, NULL, b, NULL, NULL));
    ck_assert(memcmp(a, b, sizeof a) == 0);
    /* the same store as written before the two settings existed (12
     * settings, float32 rows, no ids) loads with both at their defaults */
    size_t old_len;
    unsigned char *old = old_image(img, k, v, n, d, m, &old_len);
    amem_hopfield *f = NULL;
    AMEM_ASSERT_OK(amem_hopfield_load_mem(old, old_len, &f));
    AMEM_ASSERT_OK(amem_hopfield_get(f, AMEM_HOPFIELD_SIMILARITY, &sim));
    AMEM_ASSERT_OK(amem_hopfield_get(f, AMEM_HOPFIELD_SEPARATION, &sep));
    ck_assert(sim == 0 && sep == 0);
    AMEM_ASSERT_OK(amem_hopfield_get(f, AMEM_HOPFIELD_DEGREE, &sim));
    ck_assert(sim == 5);
    /* a file giving a non-default similarity to a dense kind is refused */
    amem_hopfield *dense = make_stored(AMEM_HOPFIELD_DENSE_POLY, d, k, n);
    unsigned char *dimg = image(dense, &len);
    double one = 1;
    memcpy(dimg + 48 + 8 * AMEM_HOPFIELD_SIMILARITY, &one, 8);
    fix_crc(dimg, len);
    amem_hopfield *refused = (amem_hopfield *)1;
    AMEM_ASSERT_STATUS(amem_hopfield_load_mem(dimg, len, &refused),
                       AMEM_E_FORMAT);
    ck_assert_ptr_null(refused);
    amem_free(dimg);
    amem_hopfield_free(dense);
    free(old);
    amem_free(img);
    amem_hopfield_free(f);
    amem_hopfield_free(g);
    amem_hopfield_free(h);
    free(k), free(v);
}
END_TEST

START_TEST(test_framework_bad_inputs)
{
    size_t d = 6, len;
    float p[12] = {1, -1, 1, -1, 1, -1, 1, 1, -1, -1, 1, 1}, out[12];
    float mask[12] = {1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}; /* row 1: none */
    amem_hopfield *h = framework(p, 2, d, AMEM_HOPFIELD_SIM_EUCLIDEAN,
                                 AMEM_HOPFIELD_SEP_POLY, 2.0);
    unsigned char *ref = image(h, &len);
    const int params[] = {AMEM_HOPFIELD_SIMILARITY, AMEM_HOPFIELD_SEPARATION};
    for (int i = 0; i < 2; i++) {
        AMEM_ASSERT_STATUS(amem_hopfield_set(h, params[i], 4), AMEM_E_RANGE);
        AMEM_ASSERT_STATUS(amem_hopfield_set(h, params[i], -1), AMEM_E_RANGE);
        AMEM_ASSERT_STATUS(amem_hopfield_set(h, params[i], 0.5),
                           AMEM_E_RANGE);
        AMEM_ASSERT_STATUS(amem_hopfield_set(h, params[i], NAN),
                           AMEM_E_NONFINITE);
    }
    AMEM_ASSERT_STATUS(amem_hopfield_set(h, AMEM_HOPFIELD_DEGREE, 0),
                       AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_hopfield_set(h, AMEM_HOPFIELD_BETA, 0),
                       AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_hopfield_set(h, AMEM_HOPFIELD_BETA, -1),
                       AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_hopfield_set(h, AMEM_HOPFIELD_BETA, INFINITY),
                       AMEM_E_NONFINITE);
    AMEM_ASSERT_STATUS(amem_hopfield_set(h, AMEM_HOPFIELD_BETA, NAN),
                       AMEM_E_NONFINITE);
    AMEM_ASSERT_STATUS(amem_hopfield_recall(h, p, 2, mask, out, NULL, NULL),
                       AMEM_E_ARG);
    ck_assert(strstr(amem_last_error(), "row 1") != NULL);
    ck_assert(same_image(h, ref, len));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_DEGREE, 1));
    amem_free(ref);
    amem_hopfield_free(h);
    /* the other kinds: only the defaults; a zero mask row is allowed */
    for (int kind = 0; kind < AMEM_HOPFIELD_MODERN; kind++) {
        h = make_stored(kind, d, p, 2);
        ref = image(h, &len);
        for (int i = 0; i < 2; i++) {
            AMEM_ASSERT_STATUS(amem_hopfield_set(h, params[i], 1),
                               AMEM_E_UNSUPPORTED);
            ck_assert(strstr(amem_last_error(), "MODERN") != NULL);
            AMEM_ASSERT_OK(amem_hopfield_set(h, params[i], 0));
        }
        ck_assert(same_image(h, ref, len));
        AMEM_ASSERT_OK(amem_hopfield_recall(h, p, 2, mask, out, NULL, NULL));
        amem_free(ref);
        amem_hopfield_free(h);
    }
}
END_TEST


Suite *amem_suite_hopfield(void)
{
    Suite *s = suite_create("hopfield");
    TCase *api = tcase_create("api");
    tcase_add_test(api, test_create_and_query);
    tcase_add_test(api, test_settings);
    tcase_add_test(api, test_bad_arguments);
    tcase_add_test(api, test_save_load_roundtrip);
    tcase_add_test(api, test_load_rejects_bad_files);
    suite_add_tcase(s, api);
    TCase *phys = tcase_create("physics");
    tcase_set_timeout(phys, 60);
    tcase_add_test(phys, test_sign_kinds_fixed_points);
    tcase_add_test(phys, test_modern_fixed_points);
    tcase_add_test(phys, test_energy_descent);
    tcase_add_test(phys, test_energy_values);
    tcase_add_test(phys, test_classical_capacity);
    tcase_add_test(phys, test_modern_masked_retrieval);
    tcase_add_test(phys, test_hetero_modern);
    tcase_add_test(phys, test_bam);
    tcase_add_test(phys, test_decay_and_strength);
    tcase_add_test(phys, test_clamp_keeps_known_entries);
    tcase_add_test(phys, test_replay_deterministic);
    tcase_add_test(phys, test_fused_matches_naive);
    tcase_add_test(phys, test_no_overflow_large_beta);
    tcase_add_test(phys, test_steps_and_cycles);
    tcase_add_test(phys, test_random_order_and_noisy_recall);
    suite_add_tcase(s, phys);
    /* run alone under ThreadSanitizer: CK_RUN_CASE=threads */
    TCase *threads = tcase_create("threads");
    tcase_set_timeout(threads, 60);
    tcase_add_test(threads, test_threaded_matches_naive);
    tcase_add_test(threads, test_threaded_deterministic);
    tcase_add_test(threads, test_concurrent_recalls);
    suite_add_tcase(s, threads);
    TCase *fw = tcase_create("framework");
    tcase_set_timeout(fw, 60);
    tcase_add_test(fw, test_similarity_matches_reference);
    tcase_add_test(fw, test_similarity_threaded);
    tcase_add_test(fw, test_distance_fixed_points);
    tcase_add_test(fw, test_masked_bright_and_dim);
    tcase_add_test(fw, test_framework_energy_descent);
    tcase_add_test(fw, test_framework_energy_values);
    tcase_add_test(fw, test_argmax_ties);
    tcase_add_test(fw, test_poly_without_positive_scores);
    tcase_add_test(fw, test_framework_save_load);
    tcase_add_test(fw, test_framework_bad_inputs);
    suite_add_tcase(s, fw);
    return s;
}
