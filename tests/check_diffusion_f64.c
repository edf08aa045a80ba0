/*
 * Check suite `diffusion_f64`: the exact score with PRECISION = FLOAT64.
 * Log-density, weights and score against a long-double evaluation of the
 * mixture density; recall against a plain double Euler loop; a near tie
 * that float32 cannot resolve and double can; the setting's bounds, its
 * refusal beside the learned score, and save/load (old files included).
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "assocmem/diffusion.h"
#include "testutil.h"

enum { D = 5, N = 7, Q = 4 };
#define TWO_PI_L 6.283185307179586476925286766559L

static void fill(float *x, size_t len, unsigned seed, float scale)
{
    srand(seed);
    for (size_t i = 0; i < len; i++)
        x[i] = scale * ((float)rand() / (float)RAND_MAX * 2.0f - 1.0f);
}

static amem_diffusion *make(const float *p, size_t n, size_t d, int f64)
{
    amem_diffusion *h = NULL;
    AMEM_ASSERT_OK(amem_diffusion_create(d, &h));
    AMEM_ASSERT_OK(amem_diffusion_store(h, p, n));
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_PRECISION,
                                      f64 ? AMEM_DIFFUSION_PRECISION_FLOAT64
                                          : AMEM_DIFFUSION_PRECISION_FLOAT32));
    return h;
}

/* The mixture (1 - lam)/N sum N(theta y, vp) + lam N(0, vs) at x in long
 * double (diffusion.h, Eqs. 23-25): log p, the memory weights h (N) and
 * the score (D). VP process with gamma 0.8. */
typedef struct mix {
    double r, lam, c;
} mix;

static long double ref_eval(const mix *m, const float *p, const float *x,
                            double t, long double *h, long double *score)
{
    long double th = expl(-0.4L * t), s2 = 1.0L - th * th;
    long double vp = th * th * m->r * m->r + s2, vs = th * th * m->c + s2;
    long double comp[N + 1], top = -INFINITY, sum = 0, x2 = 0;
    for (int j = 0; j < D; j++)
        x2 += (long double)x[j] * x[j];
    for (int mu = 0; mu < N; mu++) {
        long double q = 0;
        for (int j = 0; j < D; j++) {
            long double e = x[j] - th * p[mu * D + j];
            q += e * e;
        }
        comp[mu] = logl((1.0L - m->lam) / N) - q / (2 * vp) -
                   0.5L * D * logl(TWO_PI_L * vp);
    }
    comp[N] = m->lam > 0 ? logl(m->lam) - x2 / (2 * vs) -
                               0.5L * D * logl(TWO_PI_L * vs)
                         : -INFINITY;
    for (int k = 0; k <= N; k++)
        top = comp[k] > top ? comp[k] : top;
    for (int k = 0; k <= N; k++)
        sum += expl(comp[k] - top);
    long double logp = top + logl(sum);
    for (int j = 0; j < D; j++)
        score[j] = -expl(comp[N] - logp) * x[j] / vs;
    for (int mu = 0; mu < N; mu++) {
        h[mu] = expl(comp[mu] - logp);
        for (int j = 0; j < D; j++)
            score[j] += h[mu] * (th * p[mu * D + j] - x[j]) / vp;
    }
    return logp;
}

/* |got - want| within the rounding of want to float (and a floor). */
static void assert_float_of(float got, long double want)
{
    long double err = fabsl(got - want);
    ck_assert_msg(err <= 1.2e-7L * fabsl(want) + 1e-30L,
                  "got %.9g want %.12Lg", (double)got, want);
}

START_TEST(test_log_density_weights_score_long_double)
{
    const mix cases[3] = {{0, 0, 1}, {0.3, 0.2, 2.0}, {0.1, 0.5, 0.5}};
    float p[N * D], x[Q * D], w[Q * N], sc[Q * D];
    fill(p, N * D, 3, 1.0f);
    fill(x, Q * D, 4, 1.5f);
    for (int c = 0; c < 3; c++) {
        amem_diffusion *h = make(p, N, D, 1);
        AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_EXTENT, cases[c].r));
        AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_SEMANTIC_WEIGHT,
                                          cases[c].lam));
        AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_SEMANTIC_VAR,
                                          cases[c].c));
        const double ts[2] = {0.05, 0.9};
        for (int k = 0; k < 2; k++) {
            double lp[Q];
            AMEM_ASSERT_OK(amem_diffusion_log_density(h, x, Q, ts[k], lp));
            AMEM_ASSERT_OK(amem_diffusion_weights(h, x, Q, ts[k], w));
            AMEM_ASSERT_OK(amem_diffusion_score(h, x, Q, ts[k], sc));
            for (int q = 0; q < Q; q++) {
                long double hw[N], rs[D];
                long double ref = ref_eval(&cases[c], p, x + q * D, ts[k], hw, rs);
                ck_assert_msg(fabsl(lp[q] - ref) <= 1e-12L * fabsl(ref) + 1e-12L,
                              "log p %.17g vs %.17Lg", lp[q], ref);
                for (int mu = 0; mu < N; mu++)
                    assert_float_of(w[q * N + mu], hw[mu]);
                for (int j = 0; j < D; j++)
                    assert_float_of(sc[q * D + j], rs[j]);
            }
        }
        amem_diffusion_free(h);
    }
}
END_TEST

/* A plain double Euler loop of the probability-flow ODE (VP, gamma 0.8),
 * the reference recall; x holds the start states and receives the end. */
static void ref_recall(const float *p, double *x, int steps, double theta0,
                       double t_end)
{
    double t0 = -2.0 * log(theta0) / 0.8;
    for (int k = 0; k < steps; k++) {
        double t = t0 + (t_end - t0) * k / steps;
        double dt = t - (t0 + (t_end - t0) * (k + 1) / steps);
        double th = exp(-0.4 * t), s2 = 1 - th * th;
        for (int q = 0; q < Q; q++) {
            double *xq = x + q * D, l[N], top = -INFINITY, sum = 0, sc[D];
            for (int mu = 0; mu < N; mu++) {
                double dot = 0, yy = 0;
                for (int j = 0; j < D; j++) {
                    dot += xq[j] * p[mu * D + j];
                    yy += (double)p[mu * D + j] * p[mu * D + j];
                }
                l[mu] = (th * dot - 0.5 * th * th * yy) / s2;
                top = fmax(top, l[mu]);
            }
            for (int mu = 0; mu < N; mu++)
                sum += (l[mu] = exp(l[mu] - top));
            for (int j = 0; j < D; j++) {
                double m = 0;
                for (int mu = 0; mu < N; mu++)
                    m += l[mu] / sum * p[mu * D + j];
                sc[j] = (th * m - xq[j]) / s2;
            }
            for (int j = 0; j < D; j++)
                xq[j] += (0.4 * xq[j] + 0.4 * sc[j]) * dt;
        }
    }
}

START_TEST(test_recall_matches_double_loop)
{
    float p[N * D], cue[Q * D], out[Q * D], out32[Q * D];
    double ref[Q * D];
    fill(p, N * D, 7, 1.0f);
    fill(cue, Q * D, 8, 1.0f);
    amem_diffusion *h = make(p, N, D, 1), *g = make(p, N, D, 0);
    for (int k = 0; k < 2; k++) {
        amem_diffusion *e = k ? g : h;
        AMEM_ASSERT_OK(amem_diffusion_set(e, AMEM_DIFFUSION_STEPS, 60));
        AMEM_ASSERT_OK(amem_diffusion_set(e, AMEM_DIFFUSION_T_END, 0.02));
    }
    AMEM_ASSERT_OK(amem_diffusion_recall(h, cue, Q, NULL, out, NULL));
    AMEM_ASSERT_OK(amem_diffusion_recall(g, cue, Q, NULL, out32, NULL));
    for (int i = 0; i < Q * D; i++)
        ref[i] = cue[i];
    ref_recall(p, ref, 60, 0.68, 0.02);
    double err32 = 0;
    for (int i = 0; i < Q * D; i++) {
        assert_float_of(out[i], ref[i]);
        err32 = fmax(err32, fabs(out32[i] - ref[i]));
    }
    /* float32 recall is a different computation, close but not equal */
    ck_assert_msg(err32 > 0 && err32 < 1e-3, "float32 error %g", err32);
    amem_diffusion_free(h);
    amem_diffusion_free(g);
}
END_TEST

/*
 * Two patterns (1, 1) and (1, -1) of equal norm and x = (10, delta): the
 * logits differ by 2 delta theta / s^2. At t = 1e-7 (theta / s^2 about
 * 1.25e7) with delta = 4e-8 that gap is 1, but x . y = 10 +- 4e-8 rounds
 * to 10 in float32: float32 weighs the two equally, double gives
 * 1 / (1 + e^-1) = 0.731 and e^-1 / (1 + e^-1) = 0.269.
 */
START_TEST(test_float32_saturates_double_does_not)
{
    const float p[4] = {1, 1, 1, -1}, x[2] = {10.0f, 4e-8f};
    float w32[2], w64[2];
    amem_diffusion *h = make(p, 2, 2, 0), *g = make(p, 2, 2, 1);
    double t = 1e-7, theta, s;
    AMEM_ASSERT_OK(amem_diffusion_weights(h, x, 1, t, w32));
    AMEM_ASSERT_OK(amem_diffusion_weights(g, x, 1, t, w64));
    AMEM_ASSERT_OK(amem_diffusion_theta(g, t, &theta));
    AMEM_ASSERT_OK(amem_diffusion_noise_std(g, t, &s));
    double gap = 2.0 * (double)x[1] * theta / (s * s);
    ck_assert_msg(gap > 0.5 && gap < 2, "gap %g", gap);
    ck_assert_float_eq(w32[0], 0.5f);
    ck_assert_float_eq(w32[1], 0.5f);
    assert_float_of(w64[0], 1.0L / (1.0L + expl(-gap)));
    assert_float_of(w64[1], 1.0L / (1.0L + expl(gap)));
    amem_diffusion_free(h);
    amem_diffusion_free(g);
}
END_TEST

START_TEST(test_precision_setting)
{
    amem_diffusion *h = NULL;
    double v, lo, hi;
    int integer;
    AMEM_ASSERT_OK(amem_diffusion_create(3, &h));
    AMEM_ASSERT_OK(amem_diffusion_get(h, AMEM_DIFFUSION_PRECISION, &v));
    ck_assert_double_eq(v, AMEM_DIFFUSION_PRECISION_FLOAT32);
    AMEM_ASSERT_OK(amem_diffusion_param_bounds(AMEM_DIFFUSION_PRECISION, &lo,
                                               &hi, &integer));
    ck_assert_double_eq(lo, 0);
    ck_assert_double_eq(hi, 1);
    ck_assert_int_eq(integer, 1);
    AMEM_ASSERT_STATUS(amem_diffusion_set(h, AMEM_DIFFUSION_PRECISION, 2),
                       AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_diffusion_set(h, AMEM_DIFFUSION_PRECISION, 0.5),
                       AMEM_E_RANGE);
    /* the learned score computes in float32: refused from either side */
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_SCORE,
                                      AMEM_DIFFUSION_SCORE_LEARNED));
    AMEM_ASSERT_STATUS(amem_diffusion_set(h, AMEM_DIFFUSION_PRECISION,
                                          AMEM_DIFFUSION_PRECISION_FLOAT64),
                       AMEM_E_UNSUPPORTED);
    ck_assert(strstr(amem_last_error(), "LEARNED") != NULL);
    AMEM_ASSERT_OK(amem_diffusion_get(h, AMEM_DIFFUSION_PRECISION, &v));
    ck_assert_double_eq(v, AMEM_DIFFUSION_PRECISION_FLOAT32);
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_SCORE,
                                      AMEM_DIFFUSION_SCORE_EXACT));
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_PRECISION,
                                      AMEM_DIFFUSION_PRECISION_FLOAT64));
    AMEM_ASSERT_STATUS(amem_diffusion_set(h, AMEM_DIFFUSION_SCORE,
                                          AMEM_DIFFUSION_SCORE_LEARNED),
                       AMEM_E_UNSUPPORTED);
    ck_assert(strstr(amem_last_error(), "LEARNED") != NULL);
    AMEM_ASSERT_OK(amem_diffusion_get(h, AMEM_DIFFUSION_SCORE, &v));
    ck_assert_double_eq(v, AMEM_DIFFUSION_SCORE_EXACT);
    /* FLOAT64 with nothing stored: the exact score's state error */
    float q[3] = {0}, o[3];
    AMEM_ASSERT_STATUS(amem_diffusion_recall(h, q, 1, NULL, o, NULL),
                       AMEM_E_STATE);
    AMEM_ASSERT_STATUS(amem_diffusion_score(h, q, 1, 0.5, o), AMEM_E_STATE);
    amem_diffusion_free(h);
}
END_TEST

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

START_TEST(test_save_load_and_old_files)
{
    float p[N * D], cue[Q * D], a[Q * D], b[Q * D];
    fill(p, N * D, 21, 1.0f);
    fill(cue, Q * D, 22, 1.0f);
    amem_diffusion *h = make(p, N, D, 1), *g = NULL;
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_STEPS, 20));
    void *img = NULL, *img2 = NULL;
    size_t len, len2;
    AMEM_ASSERT_OK(amem_diffusion_save_mem(h, &img, &len));
    AMEM_ASSERT_OK(amem_diffusion_load_mem(img, len, &g));
    double v;
    AMEM_ASSERT_OK(amem_diffusion_get(g, AMEM_DIFFUSION_PRECISION, &v));
    ck_assert_double_eq(v, AMEM_DIFFUSION_PRECISION_FLOAT64);
    AMEM_ASSERT_OK(amem_diffusion_save_mem(g, &img2, &len2));
    ck_assert_uint_eq(len, len2);
    ck_assert_mem_eq(img, img2, len);
    AMEM_ASSERT_OK(amem_diffusion_recall(h, cue, Q, NULL, a, NULL));
    AMEM_ASSERT_OK(amem_diffusion_recall(g, cue, Q, NULL, b, NULL));
    ck_assert_mem_eq(a, b, sizeof a);
    amem_diffusion_free(g);
    /* A file from before PRECISION: one setting fewer (the last one) at
     * payload offset 8 (after dim); it loads as FLOAT32. */
    unsigned char *buf = img;
    const size_t count_at = 24 + 8;
    uint32_t count = (uint32_t)buf[count_at] | (uint32_t)buf[count_at + 1] << 8;
    ck_assert_uint_eq(count, AMEM_DIFFUSION_PRECISION + 1);
    size_t cut = count_at + 4 + 8 * (size_t)(count - 1);
    memmove(buf + cut, buf + cut + 8, len - cut - 8);
    size_t old_len = len - 8;
    put_le(buf + count_at, count - 1, 4);
    put_le(buf + 16, old_len - 28, 8);
    put_le(buf + old_len - 4, crc32(0L, buf, (uInt)(old_len - 4)), 4);
    AMEM_ASSERT_OK(amem_diffusion_load_mem(buf, old_len, &g));
    AMEM_ASSERT_OK(amem_diffusion_get(g, AMEM_DIFFUSION_PRECISION, &v));
    ck_assert_double_eq(v, AMEM_DIFFUSION_PRECISION_FLOAT32);
    AMEM_ASSERT_OK(amem_diffusion_get(g, AMEM_DIFFUSION_STEPS, &v));
    ck_assert_double_eq(v, 20);
    /* a PRECISION outside its range in a file is refused */
    buf = img2;
    double bad = 3;
    memcpy(buf + count_at + 4 + 8 * (size_t)AMEM_DIFFUSION_PRECISION, &bad, 8);
    put_le(buf + len - 4, crc32(0L, buf, (uInt)(len - 4)), 4);
    amem_diffusion *f = (amem_diffusion *)1;
    AMEM_ASSERT_STATUS(amem_diffusion_load_mem(buf, len, &f), AMEM_E_FORMAT);
    ck_assert_ptr_null(f);
    amem_free(img);
    amem_free(img2);
    amem_diffusion_free(g);
    amem_diffusion_free(h);
}
END_TEST

Suite *amem_suite_diffusion_f64(void)
{
    Suite *s = suite_create("diffusion_f64");
    TCase *tc = tcase_create("f64");
    tcase_add_test(tc, test_log_density_weights_score_long_double);
    tcase_add_test(tc, test_recall_matches_double_loop);
    tcase_add_test(tc, test_float32_saturates_double_does_not);
    tcase_add_test(tc, test_precision_setting);
    tcase_add_test(tc, test_save_load_and_old_files);
    suite_add_tcase(s, tc);
    return s;
}
