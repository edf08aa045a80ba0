/*
 * Check suite `hopfield_f64`: MODERN recall with PRECISION = FLOAT64
 * against a plain double loop (DOT and EUCLIDEAN, auto- and
 * heteroassociative, masked, tolerance and steps); a large beta where
 * float32 saturates (scores that round to a tie) and underflows (a
 * weight flushed to 0) and double does not; the setting's bounds, its
 * refusal on other kinds, the pairs it does not cover, and save/load.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "assocmem/hopfield.h"
#include "testutil.h"

enum { D = 6, M = 3, NP = 9, NQ = 5 };

static void fill(float *x, size_t len, unsigned seed)
{
    srand(seed);
    for (size_t i = 0; i < len; i++)
        x[i] = (float)rand() / (float)RAND_MAX * 2.0f - 1.0f;
}

static amem_hopfield *make(const float *keys, const float *values, size_t m,
                           int sim, double beta, int f64)
{
    amem_hopfield *h = NULL;
    AMEM_ASSERT_OK(amem_hopfield_create(AMEM_HOPFIELD_MODERN, D, m, &h));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_SIMILARITY, sim));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_BETA, beta));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_PRECISION, f64));
    if (m)
        AMEM_ASSERT_OK(amem_hopfield_store_pairs(h, keys, values, NP));
    else
        AMEM_ASSERT_OK(amem_hopfield_store(h, keys, NP));
    return h;
}

/* One step of the reference for state x (mask: known entries or NULL):
 * p = softmax(b s), xn = Y^T p, out = V^T p; returns nothing. */
static void ref_step(const float *Y, const float *V, size_t m, int euclid,
                     double b, const double *x, const float *mask, double *p,
                     double *xn, double *out)
{
    double top = -INFINITY, sum = 0;
    for (int mu = 0; mu < NP; mu++) {
        double s = 0;
        for (int k = 0; k < D; k++) {
            double w = mask ? mask[k] : 1.0, y = Y[mu * D + k];
            s += euclid ? -w * (x[k] - y) * (x[k] - y) : w * x[k] * y;
        }
        p[mu] = b * s;
        top = fmax(top, p[mu]);
    }
    for (int mu = 0; mu < NP; mu++)
        sum += (p[mu] = exp(p[mu] - top));
    for (int mu = 0; mu < NP; mu++)
        p[mu] /= sum;
    for (int k = 0; k < D; k++) {
        xn[k] = 0;
        for (int mu = 0; mu < NP; mu++)
            xn[k] += p[mu] * Y[mu * D + k];
    }
    for (size_t j = 0; j < m; j++) {
        out[j] = 0;
        for (int mu = 0; mu < NP; mu++)
            out[j] += p[mu] * V[mu * m + j];
    }
}

static void assert_float_of(float got, double want)
{
    ck_assert_msg(fabs(got - want) <= 1.2e-7 * fabs(want) + 1e-30,
                  "got %.9g want %.15g", (double)got, want);
}

/* Recall from cues (mask or NULL) against the reference run for
 * max_steps with tolerance tol; checks outputs, steps and weights. */
static void check_against_reference(size_t m, int euclid, const float *mask,
                                    int max_steps, double tol)
{
    float Y[NP * D], V[NP * M], cue[NQ * D], out[NQ * D], w[NQ * NP];
    int steps[NQ];
    fill(Y, NP * D, 5), fill(V, NP * M, 6), fill(cue, NQ * D, 7);
    amem_hopfield *h = make(Y, V, m, euclid ? AMEM_HOPFIELD_SIM_EUCLIDEAN
                                            : AMEM_HOPFIELD_SIM_DOT, 3.0, 1);
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_MAX_STEPS, max_steps));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_TOLERANCE, tol));
    AMEM_ASSERT_OK(amem_hopfield_recall(h, cue, NQ, mask, out, steps, w));
    for (int q = 0; q < NQ; q++) {
        double x[D], xn[D], o[M], p[NP];
        const float *mq = mask ? mask + q * D : NULL;
        int t = 0, settled = 0;
        for (int k = 0; k < D; k++)
            x[k] = cue[q * D + k];
        while (t < max_steps && !settled) {
            ref_step(Y, V, m, euclid, 3.0, x, mq, p, xn, o);
            double moved = 0;
            for (int k = 0; k < D; k++) {
                if (mq && mq[k] != 0)
                    continue;
                moved = fmax(moved, fabs(xn[k] - x[k]));
                x[k] = xn[k];
            }
            t++;
            settled = moved <= tol || mq != NULL;
        }
        ck_assert_int_eq(steps[q], t);
        for (size_t j = 0; j < (m ? m : D); j++)
            assert_float_of(out[q * (m ? m : D) + j], m ? o[j] : x[j]);
        for (int mu = 0; mu < NP; mu++)
            assert_float_of(w[q * NP + mu], p[mu]);
    }
    amem_hopfield_free(h);
}

START_TEST(test_recall_matches_double_loop)
{
    float mask[NQ * D];
    for (int i = 0; i < NQ * D; i++)
        mask[i] = (float)((i * 7 + i / D) % 3 != 0);
    for (int euclid = 0; euclid < 2; euclid++) {
        check_against_reference(0, euclid, NULL, 6, 0.0);
        check_against_reference(0, euclid, NULL, 50, 1e-4);
        check_against_reference(M, euclid, NULL, 4, 0.0);
        check_against_reference(M, euclid, mask, 4, 0.0);
        check_against_reference(0, euclid, mask, 4, 0.0);
    }
}
END_TEST

/*
 * Keys (1, 0) and (1, 1), cue (100, t): scores b 100 and b (100 + t).
 * With b = 1e6 and t = 1e-6 the scaled gap is 1, but 100 + 1e-6 is 100
 * in float32 (spacing 7.6e-6): float32 sees a tie and returns the mean
 * (1, 0.5); double weighs 1/(1+e) and e/(1+e), output (1, 0.731).
 * With t = 9e-5 the gap is 90: float32 flushes the weight to 0 (below
 * e^-87), double keeps e^-90 (a float32 subnormal).
 */
START_TEST(test_large_beta_float32_saturates)
{
    const float keys[4] = {1, 0, 1, 1};
    const float ts[2] = {1e-6f, 9e-5f};
    for (int c = 0; c < 2; c++) {
        float cue[2] = {100.0f, ts[c]}, o32[2], o64[2], w32[2], w64[2];
        amem_hopfield *h[2];
        for (int f = 0; f < 2; f++) {
            AMEM_ASSERT_OK(amem_hopfield_create(AMEM_HOPFIELD_MODERN, 2, 0,
                                                &h[f]));
            AMEM_ASSERT_OK(amem_hopfield_set(h[f], AMEM_HOPFIELD_BETA, 1e6));
            AMEM_ASSERT_OK(amem_hopfield_set(h[f], AMEM_HOPFIELD_MAX_STEPS, 1));
            AMEM_ASSERT_OK(amem_hopfield_set(h[f], AMEM_HOPFIELD_PRECISION, f));
            AMEM_ASSERT_OK(amem_hopfield_store(h[f], keys, 2));
        }
        AMEM_ASSERT_OK(amem_hopfield_recall(h[0], cue, 1, NULL, o32, NULL, w32));
        AMEM_ASSERT_OK(amem_hopfield_recall(h[1], cue, 1, NULL, o64, NULL, w64));
        double gap = 1e6 * (double)cue[1];
        assert_float_of(w64[1], 1.0 / (1.0 + exp(-gap)));
        assert_float_of(o64[1], 1.0 / (1.0 + exp(-gap)));
        if (c == 0) {
            ck_assert_float_eq(w32[1], 0.5f);
            ck_assert_float_eq(o32[1], 0.5f);
        } else {
            ck_assert_float_eq(w32[0], 0.0f);
            ck_assert(w64[0] > 0.0f);
        }
        amem_hopfield_free(h[0]);
        amem_hopfield_free(h[1]);
    }
}
END_TEST

START_TEST(test_precision_setting)
{
    double v, lo, hi;
    int integer;
    AMEM_ASSERT_OK(amem_hopfield_param_bounds(AMEM_HOPFIELD_PRECISION, &lo,
                                              &hi, &integer));
    ck_assert_double_eq(lo, 0);
    ck_assert_double_eq(hi, 1);
    ck_assert_int_eq(integer, 1);
    for (int kind = 0; kind <= AMEM_HOPFIELD_MODERN; kind++) {
        amem_hopfield *h = NULL;
        AMEM_ASSERT_OK(amem_hopfield_create(kind, 4, 0, &h));
        AMEM_ASSERT_OK(amem_hopfield_get(h, AMEM_HOPFIELD_PRECISION, &v));
        ck_assert_double_eq(v, AMEM_HOPFIELD_PRECISION_FLOAT32);
        AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_PRECISION, 0));
        AMEM_ASSERT_STATUS(amem_hopfield_set(h, AMEM_HOPFIELD_PRECISION, 2),
                           AMEM_E_RANGE);
        int rc = amem_hopfield_set(h, AMEM_HOPFIELD_PRECISION, 1);
        if (kind == AMEM_HOPFIELD_MODERN) {
            AMEM_ASSERT_OK(rc);
        } else {
            ck_assert_int_eq(rc, AMEM_E_UNSUPPORTED);
            ck_assert(strstr(amem_last_error(), "PRECISION") != NULL);
            ck_assert(strstr(amem_last_error(), "MODERN") != NULL);
            AMEM_ASSERT_OK(amem_hopfield_get(h, AMEM_HOPFIELD_PRECISION, &v));
            ck_assert_double_eq(v, 0);
        }
        amem_hopfield_free(h);
    }
}
END_TEST

START_TEST(test_uncovered_pairs_refused)
{
    float Y[NP * D], cue[D], out[D];
    fill(Y, NP * D, 9), fill(cue, D, 10);
    amem_hopfield *h = make(Y, NULL, 0, AMEM_HOPFIELD_SIM_COSINE, 2.0, 1);
    AMEM_ASSERT_STATUS(amem_hopfield_recall(h, cue, 1, NULL, out, NULL, NULL),
                       AMEM_E_UNSUPPORTED);
    AMEM_ASSERT_STATUS(amem_hopfield_replay(h, 1, out, NULL, NULL),
                       AMEM_E_UNSUPPORTED);
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_SIMILARITY,
                                     AMEM_HOPFIELD_SIM_DOT));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_SEPARATION,
                                     AMEM_HOPFIELD_SEP_ARGMAX));
    AMEM_ASSERT_STATUS(amem_hopfield_recall(h, cue, 1, NULL, out, NULL, NULL),
                       AMEM_E_UNSUPPORTED);
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_SEPARATION,
                                     AMEM_HOPFIELD_SEP_SOFTMAX));
    AMEM_ASSERT_OK(amem_hopfield_recall(h, cue, 1, NULL, out, NULL, NULL));
    amem_hopfield_free(h);
}
END_TEST

/* The store's key encoding does not matter: BF16 keys are dequantised
 * into the double copy, so FLOAT64 recall equals FLOAT64 recall of the
 * dequantised keys stored as F32. */
START_TEST(test_compressed_keys)
{
    float Y[NP * D], Yq[NP * D], cue[NQ * D], a[NQ * D], b[NQ * D];
    fill(Y, NP * D, 11), fill(cue, NQ * D, 12);
    amem_hopfield *h = NULL;
    AMEM_ASSERT_OK(amem_hopfield_create(AMEM_HOPFIELD_MODERN, D, 0, &h));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_DTYPE,
                                     AMEM_HOPFIELD_DTYPE_BF16));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_PRECISION, 1));
    uint64_t ids[NP];
    AMEM_ASSERT_OK(amem_hopfield_append(h, Y, NULL, NULL, NP, ids));
    AMEM_ASSERT_OK(amem_hopfield_get_patterns(h, ids, NP, Yq, NULL));
    amem_hopfield *g = make(Yq, NULL, 0, AMEM_HOPFIELD_SIM_DOT, 1.0, 1);
    AMEM_ASSERT_OK(amem_hopfield_recall(h, cue, NQ, NULL, a, NULL, NULL));
    AMEM_ASSERT_OK(amem_hopfield_recall(g, cue, NQ, NULL, b, NULL, NULL));
    ck_assert_mem_eq(a, b, sizeof a);
    amem_hopfield_free(g);
    amem_hopfield_free(h);
}
END_TEST

START_TEST(test_save_load)
{
    float Y[NP * D], V[NP * M], cue[NQ * D], a[NQ * M], b[NQ * M];
    fill(Y, NP * D, 13), fill(V, NP * M, 14), fill(cue, NQ * D, 15);
    amem_hopfield *h = make(Y, V, M, AMEM_HOPFIELD_SIM_DOT, 4.0, 1), *g = NULL;
    void *img = NULL, *img2 = NULL;
    size_t len, len2;
    AMEM_ASSERT_OK(amem_hopfield_save_mem(h, &img, &len));
    AMEM_ASSERT_OK(amem_hopfield_load_mem(img, len, &g));
    double v;
    AMEM_ASSERT_OK(amem_hopfield_get(g, AMEM_HOPFIELD_PRECISION, &v));
    ck_assert_double_eq(v, AMEM_HOPFIELD_PRECISION_FLOAT64);
    AMEM_ASSERT_OK(amem_hopfield_save_mem(g, &img2, &len2));
    ck_assert_uint_eq(len, len2);
    ck_assert_mem_eq(img, img2, len);
    AMEM_ASSERT_OK(amem_hopfield_recall(h, cue, NQ, NULL, a, NULL, NULL));
    AMEM_ASSERT_OK(amem_hopfield_recall(g, cue, NQ, NULL, b, NULL, NULL));
    ck_assert_mem_eq(a, b, sizeof a);
    amem_free(img);
    amem_free(img2);
    amem_hopfield_free(g);
    amem_hopfield_free(h);
}
END_TEST

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* A file from before PRECISION holds one setting fewer; it loads with
 * FLOAT32. (A CLASSICAL file: its weights follow the settings directly,
 * while MODERN blocks are aligned in the file.) */
START_TEST(test_old_file_loads)
{
    amem_hopfield *h = NULL, *g = NULL;
    float p[2 * D];
    fill(p, 2 * D, 16);
    AMEM_ASSERT_OK(amem_hopfield_create(AMEM_HOPFIELD_CLASSICAL, D, 0, &h));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_MAX_STEPS, 7));
    AMEM_ASSERT_OK(amem_hopfield_store(h, p, 2));
    void *img = NULL;
    size_t len;
    AMEM_ASSERT_OK(amem_hopfield_save_mem(h, &img, &len));
    unsigned char *buf = img;
    const size_t count_at = 24 + 4 + 8 + 8;
    uint32_t count = (uint32_t)buf[count_at] | (uint32_t)buf[count_at + 1] << 8;
    ck_assert_uint_eq(count, AMEM_HOPFIELD_PRECISION + 1);
    size_t cut = count_at + 4 + 8 * (size_t)(count - 1), old_len = len - 8;
    memmove(buf + cut, buf + cut + 8, len - cut - 8);
    put_le(buf + count_at, count - 1, 4);
    put_le(buf + 16, old_len - 28, 8);
    put_le(buf + old_len - 4, crc32(0L, buf, (uInt)(old_len - 4)), 4);
    AMEM_ASSERT_OK(amem_hopfield_load_mem(buf, old_len, &g));
    double v;
    AMEM_ASSERT_OK(amem_hopfield_get(g, AMEM_HOPFIELD_PRECISION, &v));
    ck_assert_double_eq(v, AMEM_HOPFIELD_PRECISION_FLOAT32);
    AMEM_ASSERT_OK(amem_hopfield_get(g, AMEM_HOPFIELD_MAX_STEPS, &v));
    ck_assert_double_eq(v, 7);
    amem_free(img);
    amem_hopfield_free(g);
    amem_hopfield_free(h);
}
END_TEST

Suite *amem_suite_hopfield_f64(void)
{
    Suite *s = suite_create("hopfield_f64");
    TCase *tc = tcase_create("f64");
    tcase_add_test(tc, test_recall_matches_double_loop);
    tcase_add_test(tc, test_large_beta_float32_saturates);
    tcase_add_test(tc, test_precision_setting);
    tcase_add_test(tc, test_uncovered_pairs_refused);
    tcase_add_test(tc, test_compressed_keys);
    tcase_add_test(tc, test_save_load);
    tcase_add_test(tc, test_old_file_loads);
    suite_add_tcase(s, tc);
    return s;
}
