/*
 * The shared numerics (src/core/numerics.h) against double-precision
 * references: the vector exp of every CPU level this machine runs, row
 * softmax, log-sum-exp, L2 normalisation and softplus, on random rows,
 * rows with -inf entries and huge spreads, all-equal rows, zero rows,
 * length 1 and lengths that are not a multiple of the SIMD width.
 *
 * Stated bounds: exp within 1 ulp of the double exp (every level); a
 * softmax weight exp(t) / s within (4e-7 + 1.2e-7 |t|) relative, t the
 * shifted argument (its float rounding dominates), 5e-7 absolute on the
 * row sum; log-sum-exp within 1e-6 relative to max(1, |lse|); L2
 * normalisation, softplus and sigmoid within 2e-7 relative.
 */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/numerics.h"
#include "testutil.h"

enum { MAX_LEN = 700 };

static double uniform(uint64_t *state)
{
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*state >> 11) / 9007199254740992.0;
}

/* Distance of y from the double reference in units of the float ulp there. */
static double ulps(float y, double ref)
{
    float r = (float)ref;
    float step = nextafterf(fabsf(r), INFINITY) - fabsf(r);
    return fabs((double)y - ref) / (double)step;
}

/* exp of every level on x, checked against exp in double. */
static void check_exp_levels(const float *x, size_t n)
{
    float y[MAX_LEN];
    for (int level = AMEM__SIMD_SCALAR; level <= AMEM__SIMD_AVX512; level++) {
        const amem__vexp_kernels *k = amem__vexp_level(level);
        if (k == NULL)
            continue;
        k->exp(x, y, n);
        for (size_t i = 0; i < n; i++) {
            double ref = exp((double)x[i]);
            if (isnan(x[i]))
                ck_assert_msg(isnan(y[i]), "level %d: exp(NaN)", level);
            else if (x[i] < AMEM__EXP_UNDERFLOW)
                ck_assert_msg(y[i] == 0.0f, "level %d: exp(%g) = %g, want 0",
                              level, (double)x[i], (double)y[i]);
            else if (ref > FLT_MAX)
                ck_assert_msg(isinf(y[i]) && y[i] > 0, "level %d: exp(%g)",
                              level, (double)x[i]);
            else
                ck_assert_msg(ulps(y[i], ref) <= 1.0,
                              "level %d: exp(%.9g) = %.9g, %g ulp", level,
                              (double)x[i], (double)y[i], ulps(y[i], ref));
        }
    }
}

START_TEST(vector_exp_is_within_one_ulp_on_every_level)
{
    uint64_t st = 7;
    float x[MAX_LEN];
    for (size_t n = 1; n <= 67; n++) { /* every tail length of 8 and 16 */
        for (size_t i = 0; i < n; i++)
            x[i] = (float)(-95.0 + 185.0 * uniform(&st));
        check_exp_levels(x, n);
    }
    for (size_t i = 0; i < MAX_LEN; i++) /* a dense sweep of [-88, 89] */
        x[i] = -88.0f + 177.0f * (float)i / (float)(MAX_LEN - 1);
    check_exp_levels(x, MAX_LEN);
    const float special[] = {0.0f, -0.0f, 1e-30f, -1e-30f, 1.0f, -1.0f,
                             AMEM__EXP_UNDERFLOW,
                             nextafterf(AMEM__EXP_UNDERFLOW, -INFINITY),
                             -104.0f, -1e30f, -INFINITY, 88.72f, 88.73f,
                             1e30f, INFINITY, NAN, 0.34657359f, -0.34657359f};
    check_exp_levels(special, sizeof special / sizeof special[0]);
}
END_TEST

/* The underflow rule: exactly 0 below the cut, a normal float at it. */
START_TEST(exp_below_the_float_range_is_exactly_zero_on_every_level)
{
    const float t = AMEM__EXP_UNDERFLOW;
    ck_assert(amem__exp_flush(t) >= FLT_MIN);
    ck_assert(amem__exp_flush(nextafterf(t, -INFINITY)) == 0.0f);
    ck_assert(amem__exp_flush(-INFINITY) == 0.0f);
    ck_assert(isnan(amem__exp_flush(NAN)));
    for (int level = AMEM__SIMD_SCALAR; level <= AMEM__SIMD_AVX512; level++) {
        const amem__vexp_kernels *k = amem__vexp_level(level);
        if (k == NULL)
            continue;
        float row[19] = {5.0f, 5.0f + t, 5.0f - 88.0f, -100.0f, -INFINITY};
        for (size_t i = 5; i < 19; i++)
            row[i] = -1e30f;
        float sum = k->exp_shift_sum(row, 19, 5.0f);
        ck_assert(row[0] == 1.0f);
        ck_assert_msg(row[1] >= FLT_MIN, "level %d", level);
        for (size_t i = 2; i < 19; i++)
            ck_assert_msg(row[i] == 0.0f, "level %d: lane %zu = %g", level, i,
                          (double)row[i]);
        ck_assert(sum == 1.0f + row[1]);
    }
}
END_TEST

/*
 * softmax(z) in double of the float row z = beta x (the input the library
 * exponentiates); returns log sum exp(z).
 */
static double softmax_ref(const float *x, size_t n, float beta, double *p)
{
    double m = -INFINITY, s = 0.0;
    for (size_t j = 0; j < n; j++)
        m = fmax(m, (double)(beta * x[j]));
    for (size_t j = 0; j < n; j++)
        s += (p[j] = exp((double)(beta * x[j]) - m));
    for (size_t j = 0; j < n; j++)
        p[j] /= s;
    return m + log(s);
}

static void check_softmax(const float *x, size_t n, float beta)
{
    float y[MAX_LEN];
    double p[MAX_LEN], lse, sum = 0.0;
    memcpy(y, x, n * sizeof(float));
    double ref_lse = softmax_ref(x, n, beta, p);
    amem__softmax_row(y, n, beta, &lse);
    double m = -INFINITY;
    for (size_t j = 0; j < n; j++)
        m = fmax(m, (double)(beta * x[j]));
    for (size_t j = 0; j < n; j++) {
        double t = fabs((double)(beta * x[j]) - m);
        double tol = p[j] < 1e-30 ? 1e-30 : (4e-7 + 1.2e-7 * t) * p[j];
        ck_assert_msg(fabs(y[j] - p[j]) <= tol,
                      "n %zu beta %g: weight %zu = %.9g, want %.9g", n,
                      (double)beta, j, (double)y[j], p[j]);
        sum += y[j];
    }
    ck_assert_msg(fabs(sum - 1.0) <= 5e-7, "n %zu: sum %.9g", n, sum);
    ck_assert_msg(fabs(lse - ref_lse) <= 1e-6 * fmax(1.0, fabs(ref_lse)),
                  "n %zu: lse %.9g, want %.9g", n, lse, ref_lse);
    double lse2 = amem__logsumexp_row(x, n, beta);
    ck_assert_msg(fabs(lse2 - ref_lse / beta) <=
                      1e-6 * fmax(1.0, fabs(ref_lse / beta)),
                  "n %zu: logsumexp %.9g, want %.9g", n, lse2, ref_lse / beta);
}

START_TEST(softmax_and_logsumexp_match_double_on_random_rows)
{
    uint64_t st = 11;
    float x[MAX_LEN];
    const float betas[] = {1.0f, 2.5f, 0.1f, -1.0f};
    for (size_t b = 0; b < 4; b++)
        for (size_t n = 1; n <= MAX_LEN; n += (n < 70 ? 1 : 97)) {
            for (size_t j = 0; j < n; j++)
                x[j] = (float)(20.0 * uniform(&st) - 10.0);
            check_softmax(x, n, betas[b]);
        }
}
END_TEST

START_TEST(softmax_handles_minus_inf_huge_spreads_and_equal_rows)
{
    uint64_t st = 3;
    float x[MAX_LEN];
    for (size_t n = 2; n <= 600; n += 37) {
        for (size_t j = 0; j < n; j++) /* -inf and spreads of 1e30 */
            x[j] = j % 3 == 0 ? -INFINITY
                   : j % 3 == 1 ? (float)(-1e30 * uniform(&st))
                                : (float)(5.0 * uniform(&st));
        check_softmax(x, n, 1.0f);
        for (size_t j = 0; j < n; j++) /* all equal: exactly uniform */
            x[j] = 3.25f;
        float y[MAX_LEN];
        memcpy(y, x, n * sizeof(float));
        amem__softmax_row(y, n, 1.0f, NULL);
        for (size_t j = 0; j < n; j++)
            ck_assert(y[j] == 1.0f / (float)n);
        check_softmax(x, n, 1.0f);
    }
    float one = -7.5f; /* length 1: weight 1, lse the entry itself */
    double lse;
    amem__softmax_row(&one, 1, 1.0f, &lse);
    ck_assert(one == 1.0f && lse == -7.5);
    float two[2] = {1e30f, -1e30f}; /* the far entry underflows to 0 */
    amem__softmax_row(two, 2, 1.0f, NULL);
    ck_assert(two[0] == 1.0f && two[1] == 0.0f);
}
END_TEST

START_TEST(softmax_rows_equal_row_by_row_softmax)
{
    uint64_t st = 5;
    float a[3 * 37], b[3 * 37];
    for (size_t i = 0; i < 3 * 37; i++)
        a[i] = b[i] = (float)(8.0 * uniform(&st));
    amem__softmax_rows(a, 3, 37, 0.5f);
    for (size_t r = 0; r < 3; r++)
        amem__softmax_row(b + r * 37, 37, 0.5f, NULL);
    ck_assert(memcmp(a, b, sizeof a) == 0);
}
END_TEST

START_TEST(dispatched_kernels_equal_the_widest_level)
{
    const amem__vexp_kernels *k = amem__vexp_level(AMEM__SIMD_AVX512);
    if (k == NULL)
        k = amem__vexp_level(AMEM__SIMD_AVX2);
    if (k == NULL)
        k = amem__vexp_level(AMEM__SIMD_SCALAR);
    uint64_t st = 9;
    float x[53], a[53], b[53];
    for (size_t i = 0; i < 53; i++)
        x[i] = a[i] = b[i] = (float)(30.0 * uniform(&st) - 20.0);
    ck_assert(amem__vec_max(x, 53) == k->max(x, 53));
    ck_assert(amem__vec_max(x, 0) == -INFINITY);
    ck_assert(amem__vec_exp_shift_sum(a, 53, 10.0f) ==
              k->exp_shift_sum(b, 53, 10.0f));
    ck_assert(memcmp(a, b, sizeof a) == 0);
    amem__vexp(x, a, 53);
    k->exp(x, b, 53);
    ck_assert(memcmp(a, b, sizeof a) == 0);
    amem__vexp(x, x, 53); /* in place */
    ck_assert(memcmp(x, b, sizeof x) == 0);
}
END_TEST

START_TEST(l2_normalize_matches_double_and_keeps_zero_rows_zero)
{
    uint64_t st = 13;
    float x[MAX_LEN], y[MAX_LEN];
    for (size_t n = 1; n <= 300; n += 23) {
        double ss = 0.0;
        for (size_t j = 0; j < n; j++) {
            x[j] = (float)(2.0 * uniform(&st) - 1.0);
            ss += (double)x[j] * x[j];
        }
        float norm = amem__l2_normalize_row(x, y, n, 1e-12f);
        ck_assert(fabs(norm - sqrt(ss)) <= 2e-7 * sqrt(ss));
        ck_assert(norm == amem__l2_norm(x, n));
        for (size_t j = 0; j < n; j++)
            ck_assert(fabs(y[j] - x[j] / sqrt(ss)) <= 2e-7);
        amem__l2_normalize_row(x, x, n, 1e-12f); /* in place */
        ck_assert(memcmp(x, y, n * sizeof(float)) == 0);
    }
    memset(x, 0, 9 * sizeof(float)); /* zero row: zeros, norm 0 */
    ck_assert(amem__l2_normalize_row(x, y, 9, 1e-12f) == 0.0f);
    for (size_t j = 0; j < 9; j++)
        ck_assert(y[j] == 0.0f);
    x[4] = 1e-8f; /* below eps: divided by eps */
    ck_assert(amem__l2_normalize_row(x, y, 9, 1e-6f) == 1e-8f);
    ck_assert(fabs(y[4] - 1e-2) <= 1e-9);
}
END_TEST

START_TEST(l2_normalize_backward_matches_the_projection)
{
    float x[7] = {0.5f, -1.0f, 2.0f, 0.0f, 0.25f, -0.75f, 1.5f};
    float dy[7] = {0.1f, 0.2f, -0.3f, 0.4f, -0.5f, 0.6f, -0.7f};
    float y[7], dx[7], acc[7];
    float norm = amem__l2_normalize_row(x, y, 7, 1e-12f);
    double dot = 0.0;
    for (size_t j = 0; j < 7; j++)
        dot += (double)y[j] * dy[j];
    amem__l2_normalize_row_backward(y, norm, 1e-12f, dy, dx, 7, 0);
    for (size_t j = 0; j < 7; j++) {
        acc[j] = 1.0f;
        ck_assert(fabs(dx[j] - (dy[j] - y[j] * dot) / norm) <= 1e-7);
    }
    amem__l2_normalize_row_backward(y, norm, 1e-12f, dy, acc, 7, 1);
    for (size_t j = 0; j < 7; j++)
        ck_assert(fabs(acc[j] - (1.0f + dx[j])) <= 1e-7);
    /* below eps the map is x / eps: the gradient is dy / eps */
    amem__l2_normalize_row_backward(y, 1e-9f, 1e-6f, dy, dx, 7, 0);
    for (size_t j = 0; j < 7; j++)
        ck_assert(dx[j] == dy[j] * (1.0f / 1e-6f));
    memcpy(dx, dy, sizeof dx); /* in place */
    amem__l2_normalize_row_backward(y, norm, 1e-12f, dx, dx, 7, 0);
    for (size_t j = 0; j < 7; j++)
        ck_assert(fabs(dx[j] - (dy[j] - y[j] * dot) / norm) <= 1e-7);
}
END_TEST

START_TEST(softplus_and_sigmoid_match_double_without_overflow)
{
    for (int i = -2000; i <= 2000; i++) {
        float z = 0.05f * (float)i;
        double sp = log1p(exp(-fabs((double)z))) + fmax((double)z, 0.0);
        double sg = 1.0 / (1.0 + exp(-(double)z));
        ck_assert_msg(fabs(amem__softplusf(z) - sp) <= 2e-7 * sp + 1e-45,
                      "softplus(%g)", (double)z);
        ck_assert_msg(fabs(amem__sigmoidf(z) - sg) <= 2e-7 * sg + 1e-44,
                      "sigmoid(%g)", (double)z);
    }
    ck_assert(amem__softplusf(1e30f) == 1e30f);
    ck_assert(amem__softplusf(-1e30f) == 0.0f);
    ck_assert(amem__softplusf(INFINITY) == INFINITY);
    ck_assert(amem__sigmoidf(-1e30f) == 0.0f);
    ck_assert(amem__sigmoidf(1e30f) == 1.0f);
}
END_TEST

Suite *amem_suite_numerics(void)
{
    Suite *s = suite_create("numerics");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, vector_exp_is_within_one_ulp_on_every_level);
    tcase_add_test(tc, exp_below_the_float_range_is_exactly_zero_on_every_level);
    tcase_add_test(tc, softmax_and_logsumexp_match_double_on_random_rows);
    tcase_add_test(tc, softmax_handles_minus_inf_huge_spreads_and_equal_rows);
    tcase_add_test(tc, softmax_rows_equal_row_by_row_softmax);
    tcase_add_test(tc, dispatched_kernels_equal_the_widest_level);
    tcase_add_test(tc, l2_normalize_matches_double_and_keeps_zero_rows_zero);
    tcase_add_test(tc, l2_normalize_backward_matches_the_projection);
    tcase_add_test(tc, softplus_and_sigmoid_match_double_without_overflow);
    suite_add_tcase(s, tc);
    return s;
}
