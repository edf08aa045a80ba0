/*
 * Check suite `hopfield_partial`: amem_hopfield_recall_partial, the parts
 * of one softmax step that merge across split stores by log-sum-exp. The
 * parts of a whole store normalise to amem_hopfield_recall's one-step
 * output; a store cut in two merges to the same parts and output; an empty
 * store is the merge's identity; every bad input has its status.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assocmem/hopfield.h"
#include "testutil.h"

enum { D = 24, M = 5, NPAT = 40, NQ = 6 };

static void fill(float *x, size_t len, unsigned seed)
{
    srand(seed);
    for (size_t i = 0; i < len; i++)
        x[i] = (float)rand() / (float)RAND_MAX * 2.0f - 1.0f;
}

/* A MODERN handle of `n` pairs (keys, values), one step per recall. */
static amem_hopfield *make_store(const float *keys, const float *values,
                                 size_t n, size_t m)
{
    amem_hopfield *h = NULL;
    ck_assert_int_eq(amem_hopfield_create(AMEM_HOPFIELD_MODERN, D, m, &h),
                     AMEM_OK);
    ck_assert_int_eq(amem_hopfield_set(h, AMEM_HOPFIELD_BETA, 2.0), AMEM_OK);
    ck_assert_int_eq(amem_hopfield_set(h, AMEM_HOPFIELD_MAX_STEPS, 1),
                     AMEM_OK);
    if (n > 0 && m > 0)
        ck_assert_int_eq(amem_hopfield_store_pairs(h, keys, values, n),
                         AMEM_OK);
    else if (n > 0)
        ck_assert_int_eq(amem_hopfield_store(h, keys, n), AMEM_OK);
    return h;
}

static void assert_close(const float *a, const float *b, size_t len,
                         float tol)
{
    for (size_t i = 0; i < len; i++)
        ck_assert_msg(fabsf(a[i] - b[i]) <= tol * (1.0f + fabsf(b[i])),
                      "entry %zu: %g vs %g", i, (double)a[i], (double)b[i]);
}

/* Whole store: weighted / sum is the recall step (auto and hetero). */
START_TEST(test_partial_is_one_step)
{
    float keys[NPAT * D], values[NPAT * M], q[NQ * D];
    fill(keys, NPAT * D, 1);
    fill(values, NPAT * M, 2);
    fill(q, NQ * D, 3);
    amem_hopfield *h = make_store(keys, values, NPAT, M);
    float mx[NQ], sum[NQ], wk[NQ * D], wv[NQ * M], out[NQ * M];
    ck_assert_int_eq(amem_hopfield_recall_partial(h, q, NQ, NULL, mx, sum, wk,
                                                  wv),
                     AMEM_OK);
    ck_assert_int_eq(amem_hopfield_recall(h, q, NQ, NULL, out, NULL, NULL),
                     AMEM_OK);
    for (size_t r = 0; r < NQ; r++) {
        ck_assert(isfinite(mx[r]) && sum[r] >= 1.0f);
        for (size_t j = 0; j < M; j++)
            wv[r * M + j] /= sum[r];
    }
    assert_close(wv, out, NQ * M, 1e-5f);
    /* only the values: the same sums */
    float mx2[NQ], sum2[NQ], wv2[NQ * M];
    ck_assert_int_eq(amem_hopfield_recall_partial(h, q, NQ, NULL, mx2, sum2,
                                                  NULL, wv2),
                     AMEM_OK);
    assert_close(sum2, sum, NQ, 1e-6f);
    amem_hopfield_free(h);
}
END_TEST

/* Two halves merged by log-sum-exp equal the whole store's parts. */
START_TEST(test_partial_halves_merge)
{
    float keys[NPAT * D], q[NQ * D];
    fill(keys, NPAT * D, 4);
    fill(q, NQ * D, 5);
    size_t cut = 13;
    amem_hopfield *all = make_store(keys, NULL, NPAT, 0);
    amem_hopfield *a = make_store(keys, NULL, cut, 0);
    amem_hopfield *b = make_store(keys + cut * D, NULL, NPAT - cut, 0);
    float m0[NQ], s0[NQ], w0[NQ * D], ma[NQ], sa[NQ], wa[NQ * D];
    float mb[NQ], sb[NQ], wb[NQ * D];
    ck_assert_int_eq(amem_hopfield_recall_partial(all, q, NQ, NULL, m0, s0,
                                                  w0, NULL), AMEM_OK);
    ck_assert_int_eq(amem_hopfield_recall_partial(a, q, NQ, NULL, ma, sa, wa,
                                                  NULL), AMEM_OK);
    ck_assert_int_eq(amem_hopfield_recall_partial(b, q, NQ, NULL, mb, sb, wb,
                                                  NULL), AMEM_OK);
    for (size_t r = 0; r < NQ; r++) {
        float top = fmaxf(ma[r], mb[r]);
        float fa = expf(ma[r] - top), fb = expf(mb[r] - top);
        ck_assert_float_eq_tol(top, m0[r], 1e-5f * (1.0f + fabsf(m0[r])));
        ck_assert_float_eq_tol(fa * sa[r] + fb * sb[r], s0[r],
                               1e-5f * s0[r]);
        for (size_t j = 0; j < D; j++)
            wa[r * D + j] = fa * wa[r * D + j] + fb * wb[r * D + j];
    }
    assert_close(wa, w0, NQ * D, 1e-5f);
    amem_hopfield_free(all);
    amem_hopfield_free(a);
    amem_hopfield_free(b);
}
END_TEST

/* Nothing stored: M = -inf, L = 0, weighted 0 (the merge's identity). */
START_TEST(test_partial_empty_store)
{
    float q[NQ * D], mx[NQ], sum[NQ], wk[NQ * D], wv[NQ * M];
    fill(q, NQ * D, 6);
    memset(wk, 0x7f, sizeof wk);
    amem_hopfield *h = make_store(NULL, NULL, 0, M);
    ck_assert_int_eq(amem_hopfield_recall_partial(h, q, NQ, NULL, mx, sum, wk,
                                                  wv), AMEM_OK);
    for (size_t r = 0; r < NQ; r++) {
        ck_assert(mx[r] == -INFINITY && sum[r] == 0.0f);
        for (size_t j = 0; j < D; j++)
            ck_assert(wk[r * D + j] == 0.0f);
    }
    amem_hopfield_free(h);
}
END_TEST

/* A clamp mask: the parts of the masked step, which recall keeps for the
 * unclamped entries. */
START_TEST(test_partial_masked)
{
    float keys[NPAT * D], q[NQ * D], clamp[NQ * D];
    fill(keys, NPAT * D, 7);
    fill(q, NQ * D, 8);
    for (size_t i = 0; i < NQ * D; i++)
        clamp[i] = (i % D) < D / 2 ? 1.0f : 0.0f;
    amem_hopfield *h = make_store(keys, NULL, NPAT, 0);
    float mx[NQ], sum[NQ], wk[NQ * D], out[NQ * D];
    ck_assert_int_eq(amem_hopfield_recall_partial(h, q, NQ, clamp, mx, sum,
                                                  wk, NULL), AMEM_OK);
    ck_assert_int_eq(amem_hopfield_recall(h, q, NQ, clamp, out, NULL, NULL),
                     AMEM_OK);
    for (size_t i = 0; i < NQ * D; i++)
        wk[i] = clamp[i] != 0.0f ? q[i] : wk[i] / sum[i / D];
    assert_close(wk, out, NQ * D, 1e-5f);
    amem_hopfield_free(h);
}
END_TEST

/* Split over two threads (patterns cut in two jobs) and one: the same
 * parts to float rounding. */
START_TEST(test_partial_threads)
{
    enum { BIG_N = 4096, BIG_D = 128, BQ = 8 };
    float *keys = malloc(sizeof(float) * BIG_N * BIG_D);
    float q[BQ * BIG_D], m1[BQ], s1[BQ], m2[BQ], s2[BQ];
    float *w1 = malloc(sizeof(float) * BQ * BIG_D);
    float *w2 = malloc(sizeof(float) * BQ * BIG_D);
    ck_assert(keys && w1 && w2);
    fill(keys, (size_t)BIG_N * BIG_D, 9);
    fill(q, BQ * BIG_D, 10);
    amem_hopfield *h = NULL;
    ck_assert_int_eq(amem_hopfield_create(AMEM_HOPFIELD_MODERN, BIG_D, 0, &h),
                     AMEM_OK);
    ck_assert_int_eq(amem_hopfield_store(h, keys, BIG_N), AMEM_OK);
    int saved = amem_get_num_threads();
    amem_set_num_threads(1);
    ck_assert_int_eq(amem_hopfield_recall_partial(h, q, BQ, NULL, m1, s1, w1,
                                                  NULL), AMEM_OK);
    amem_set_num_threads(2);
    ck_assert_int_eq(amem_hopfield_recall_partial(h, q, BQ, NULL, m2, s2, w2,
                                                  NULL), AMEM_OK);
    amem_set_num_threads(saved);
    ck_assert_int_eq(memcmp(m1, m2, sizeof m1), 0);
    assert_close(s2, s1, BQ, 1e-5f);
    assert_close(w2, w1, (size_t)BQ * BIG_D, 1e-4f);
    amem_hopfield_free(h);
    free(keys);
    free(w1);
    free(w2);
}
END_TEST

START_TEST(test_partial_bad_input)
{
    float keys[NPAT * D], q[NQ * D], mx[NQ], sum[NQ], wk[NQ * D];
    float clamp[NQ * D] = {0};
    fill(keys, NPAT * D, 11);
    fill(q, NQ * D, 12);
    amem_hopfield *h = make_store(keys, NULL, NPAT, 0);
    ck_assert_int_eq(amem_hopfield_recall_partial(NULL, q, NQ, NULL, mx, sum,
                                                  NULL, NULL), AMEM_E_NULL);
    ck_assert_int_eq(amem_hopfield_recall_partial(h, NULL, NQ, NULL, mx, sum,
                                                  NULL, NULL), AMEM_E_NULL);
    ck_assert_int_eq(amem_hopfield_recall_partial(h, q, NQ, NULL, NULL, sum,
                                                  NULL, NULL), AMEM_E_NULL);
    ck_assert_int_eq(amem_hopfield_recall_partial(h, q, NQ, NULL, mx, NULL,
                                                  NULL, NULL), AMEM_E_NULL);
    ck_assert_int_eq(amem_hopfield_recall_partial(h, q, 0, NULL, mx, sum,
                                                  NULL, NULL), AMEM_E_DIM);
    ck_assert_int_eq(amem_hopfield_recall_partial(h, q, NQ, clamp, mx, sum,
                                                  NULL, NULL), AMEM_E_ARG);
    clamp[0] = 0.5f;
    ck_assert_int_eq(amem_hopfield_recall_partial(h, q, 1, clamp, mx, sum,
                                                  NULL, NULL), AMEM_E_ARG);
    ck_assert_int_eq(amem_hopfield_recall_partial(h, q, NQ, NULL, mx, sum, wk,
                                                  wk), AMEM_E_UNSUPPORTED);
    q[3] = NAN;
    ck_assert_int_eq(amem_hopfield_recall_partial(h, q, NQ, NULL, mx, sum,
                                                  NULL, NULL),
                     AMEM_E_NONFINITE);
    q[3] = 0.0f;
    ck_assert_int_eq(amem_hopfield_set(h, AMEM_HOPFIELD_SEPARATION,
                                       AMEM_HOPFIELD_SEP_ARGMAX), AMEM_OK);
    ck_assert_int_eq(amem_hopfield_recall_partial(h, q, NQ, NULL, mx, sum,
                                                  NULL, NULL),
                     AMEM_E_UNSUPPORTED);
    amem_hopfield_free(h);
    ck_assert_int_eq(amem_hopfield_create(AMEM_HOPFIELD_DENSE_EXP, D, 0, &h),
                     AMEM_OK);
    ck_assert_int_eq(amem_hopfield_recall_partial(h, q, NQ, NULL, mx, sum,
                                                  NULL, NULL),
                     AMEM_E_UNSUPPORTED);
    amem_hopfield_free(h);
}
END_TEST

Suite *amem_suite_hopfield_partial(void)
{
    Suite *s = suite_create("hopfield_partial");
    TCase *tc = tcase_create("partial");
    tcase_add_test(tc, test_partial_is_one_step);
    tcase_add_test(tc, test_partial_halves_merge);
    tcase_add_test(tc, test_partial_empty_store);
    tcase_add_test(tc, test_partial_masked);
    tcase_add_test(tc, test_partial_threads);
    tcase_add_test(tc, test_partial_bad_input);
    suite_add_tcase(s, tc);
    return s;
}
