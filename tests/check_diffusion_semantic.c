/*
 * Check suite `diffusion_semantic`: the semantic manifold of the exact
 * score (amem_diffusion_set_semantic; Ambrogioni 2024, Eqs. 24-25,
 * Fig. 1c). Log-density and score against the Gaussian mixture with the
 * full covariance built and solved here in double, in both precisions;
 * the score against finite differences of log p_t; the isotropic case bit
 * for bit; save/load (older files, corrupted sections); every bad
 * argument; recall from near the sheet ends on it.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "assocmem/diffusion.h"
#include "testutil.h"

enum { D = 5, R = 2, NP = 3, Q = 3 };
#define TWO_PI 6.283185307179586

static void fill(float *x, size_t len, unsigned seed, float scale)
{
    srand(seed);
    for (size_t i = 0; i < len; i++)
        x[i] = scale * ((float)rand() / (float)RAND_MAX * 2.0f - 1.0f);
}

/* The random case: patterns, a mean, two (not orthonormal) directions. */
typedef struct scase {
    float p[NP * D], mean[D], dir[R * D], spread[R];
    double lam, c, extent;
} scase;

static void make_case(scase *k)
{
    fill(k->p, NP * D, 1, 1.5f);
    fill(k->mean, D, 2, 0.8f);
    fill(k->dir, R * D, 3, 1.0f);
    k->spread[0] = 2.0f;
    k->spread[1] = 0.7f;
    k->lam = 0.4;
    k->c = 0.3;
    k->extent = 0.2;
}

static amem_diffusion *make_handle(const scase *k, int f64)
{
    amem_diffusion *h = NULL;
    AMEM_ASSERT_OK(amem_diffusion_create(D, &h));
    AMEM_ASSERT_OK(amem_diffusion_store(h, k->p, NP));
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_SEMANTIC_WEIGHT,
                                      k->lam));
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_SEMANTIC_VAR, k->c));
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_EXTENT, k->extent));
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_PRECISION, f64));
    AMEM_ASSERT_OK(amem_diffusion_set_semantic(h, k->mean, k->dir, k->spread,
                                               R));
    return h;
}

/* ---- the reference: a Gaussian mixture with a full covariance ---------- */

/* Cholesky factor of the D x D matrix a in place (lower); log det. */
static double cholesky(double a[D][D])
{
    double logdet = 0;
    for (int j = 0; j < D; j++) {
        for (int k = 0; k < j; k++)
            a[j][j] -= a[j][k] * a[j][k];
        ck_assert(a[j][j] > 0);
        a[j][j] = sqrt(a[j][j]);
        logdet += 2 * log(a[j][j]);
        for (int i = j + 1; i < D; i++) {
            for (int k = 0; k < j; k++)
                a[i][j] -= a[i][k] * a[j][k];
            a[i][j] /= a[j][j];
        }
    }
    return logdet;
}

/* Solve L L^T z = b with the factor of cholesky(). */
static void chol_solve(double l[D][D], const double *b, double *z)
{
    double y[D];
    for (int i = 0; i < D; i++) {
        y[i] = b[i];
        for (int k = 0; k < i; k++)
            y[i] -= l[i][k] * y[k];
        y[i] /= l[i][i];
    }
    for (int i = D - 1; i >= 0; i--) {
        z[i] = y[i];
        for (int k = i + 1; k < D; k++)
            z[i] -= l[k][i] * z[k];
        z[i] /= l[i][i];
    }
}

/* The directions made orthonormal in row order (classical Gram-Schmidt,
 * the same span and order the library promises). */
static void orthonormal(const float *dir, double q[R][D])
{
    for (int k = 0; k < R; k++) {
        for (int j = 0; j < D; j++)
            q[k][j] = dir[k * D + j];
        for (int l = 0; l < k; l++) {
            double c = 0;
            for (int j = 0; j < D; j++)
                c += q[l][j] * dir[k * D + j];
            for (int j = 0; j < D; j++)
                q[k][j] -= c * q[l][j];
        }
        double n = 0;
        for (int j = 0; j < D; j++)
            n += q[k][j] * q[k][j];
        for (int j = 0; j < D; j++)
            q[k][j] /= sqrt(n);
    }
}

/* log N(x; mean, cov) and its gradient -cov^-1 (x - mean) into g. */
static double gauss(double cov[D][D], const double *mean, const float *x,
                    double *g)
{
    double u[D], z[D], quad = 0;
    for (int j = 0; j < D; j++)
        u[j] = x[j] - mean[j];
    double logdet = cholesky(cov);
    chol_solve(cov, u, z);
    for (int j = 0; j < D; j++) {
        quad += u[j] * z[j];
        g[j] = -z[j];
    }
    return -0.5 * quad - 0.5 * logdet - 0.5 * D * log(TWO_PI);
}

/* log p_t(x) and the score of the mixture (1 - lam)/N sum N(theta y,
 * v_p I) + lam N(theta m, v_s I + theta^2 sum sigma^2 q q^T), built
 * explicitly. VP, gamma 0.8. */
static double reference(const scase *k, const float *x, double t,
                        double *score)
{
    const double th = exp(-0.4 * t), s2 = 1 - th * th;
    const double vp = th * th * k->extent * k->extent + s2;
    double q[R][D], cov[D][D], mean[D], g[NP + 1][D], lw[NP + 1];
    orthonormal(k->dir, q);
    for (int mu = 0; mu < NP; mu++) {
        for (int i = 0; i < D; i++) {
            mean[i] = th * k->p[mu * D + i];
            for (int j = 0; j < D; j++)
                cov[i][j] = i == j ? vp : 0;
        }
        lw[mu] = log((1 - k->lam) / NP) + gauss(cov, mean, x, g[mu]);
    }
    for (int i = 0; i < D; i++) {
        mean[i] = th * k->mean[i];
        for (int j = 0; j < D; j++) {
            cov[i][j] = i == j ? th * th * k->c + s2 : 0;
            for (int r = 0; r < R; r++)
                cov[i][j] += th * th * k->spread[r] * k->spread[r] *
                             q[r][i] * q[r][j];
        }
    }
    lw[NP] = log(k->lam) + gauss(cov, mean, x, g[NP]);
    double top = lw[0], sum = 0;
    for (int c = 1; c <= NP; c++)
        top = fmax(top, lw[c]);
    for (int c = 0; c <= NP; c++)
        sum += exp(lw[c] - top);
    for (int j = 0; j < D; j++) {
        score[j] = 0;
        for (int c = 0; c <= NP; c++)
            score[j] += exp(lw[c] - top) / sum * g[c][j];
    }
    return top + log(sum);
}

/* ---- tests ----------------------------------------------------------- */

START_TEST(test_matches_full_covariance)
{
    scase k;
    make_case(&k);
    float x[Q * D], score[Q * D];
    fill(x, Q * D, 4, 1.5f);
    for (int i = 0; i < D; i++) /* one state on the sheet, off centre */
        x[i] = 0.9f * k.mean[i] + 1.2f * k.dir[i];
    const double times[3] = {0.05, 0.3, 1.2};
    for (int f64 = 0; f64 < 2; f64++) {
        amem_diffusion *h = make_handle(&k, f64);
        /* log p is double either way; the score is rounded to float */
        const double tol = f64 ? 1e-9 : 2e-4, stol = f64 ? 2e-7 : 2e-4;
        for (int tt = 0; tt < 3; tt++) {
            double logp[Q], want[D];
            AMEM_ASSERT_OK(amem_diffusion_log_density(h, x, Q, times[tt],
                                                      logp));
            AMEM_ASSERT_OK(amem_diffusion_score(h, x, Q, times[tt], score));
            for (int i = 0; i < Q; i++) {
                double lp = reference(&k, x + i * D, times[tt], want);
                ck_assert_msg(fabs(logp[i] - lp) <= tol * (1 + fabs(lp)),
                              "f64 %d t %g row %d: log p %.12g, want %.12g",
                              f64, times[tt], i, logp[i], lp);
                for (int j = 0; j < D; j++)
                    ck_assert_msg(fabs(score[i * D + j] - want[j]) <=
                                      stol * (1 + fabs(want[j])),
                                  "f64 %d t %g score[%d][%d] %.9g, want "
                                  "%.9g", f64, times[tt], i, j,
                                  (double)score[i * D + j], want[j]);
            }
        }
        amem_diffusion_free(h);
    }
}
END_TEST

START_TEST(test_score_is_gradient_of_log_density)
{
    scase k;
    make_case(&k);
    float x[Q * D], score[Q * D];
    fill(x, Q * D, 5, 1.5f);
    for (int process = 0; process < 3; process++) {
        amem_diffusion *h = make_handle(&k, 0);
        AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_PROCESS, process));
        const double t = 0.6, step = 1e-2;
        AMEM_ASSERT_OK(amem_diffusion_score(h, x, Q, t, score));
        for (size_t i = 0; i < Q * D; i++) {
            float xp[Q * D], xm[Q * D];
            memcpy(xp, x, sizeof xp);
            memcpy(xm, x, sizeof xm);
            xp[i] += (float)step;
            xm[i] -= (float)step;
            double lp[Q], lm[Q];
            AMEM_ASSERT_OK(amem_diffusion_log_density(h, xp, Q, t, lp));
            AMEM_ASSERT_OK(amem_diffusion_log_density(h, xm, Q, t, lm));
            double fd = (lp[i / D] - lm[i / D]) / (2 * step);
            ck_assert_msg(fabs(fd - score[i]) <= 2e-3 * (1 + fabs(fd)),
                          "process %d entry %zu: score %g, differences %g",
                          process, i, (double)score[i], fd);
        }
        amem_diffusion_free(h);
    }
}
END_TEST

/* Everything a handle computes, for bit comparisons. */
typedef struct outputs {
    float score[Q * D], weights[Q * NP], recall[Q * D];
    double logp[Q];
} outputs;

static void evaluate(amem_diffusion *h, const float *x, outputs *o)
{
    memset(o, 0, sizeof *o);
    AMEM_ASSERT_OK(amem_diffusion_score(h, x, Q, 0.3, o->score));
    AMEM_ASSERT_OK(amem_diffusion_weights(h, x, Q, 0.3, o->weights));
    AMEM_ASSERT_OK(amem_diffusion_log_density(h, x, Q, 0.3, o->logp));
    AMEM_ASSERT_OK(amem_diffusion_recall(h, x, Q, NULL, o->recall, NULL));
}

/* r = 0 and m = 0 is the isotropic density, bit for bit, in both
 * precisions; one direction of spread 0 through 0 agrees to rounding. */
START_TEST(test_isotropic_case_bit_for_bit)
{
    scase k;
    make_case(&k);
    float x[Q * D], zeros[D] = {0};
    fill(x, Q * D, 6, 1.5f);
    for (int f64 = 0; f64 < 2; f64++) {
        amem_diffusion *a = make_handle(&k, f64), *b = make_handle(&k, f64);
        AMEM_ASSERT_OK(amem_diffusion_set(a, AMEM_DIFFUSION_STEPS, 40));
        AMEM_ASSERT_OK(amem_diffusion_set(b, AMEM_DIFFUSION_STEPS, 40));
        AMEM_ASSERT_OK(amem_diffusion_set_semantic(a, NULL, NULL, NULL, 0));
        AMEM_ASSERT_OK(amem_diffusion_set_semantic(b, zeros, k.dir, NULL, 0));
        amem_diffusion *fresh = NULL;
        void *img_a = NULL, *img_f = NULL;
        size_t len_a, len_f, r = 9;
        AMEM_ASSERT_OK(amem_diffusion_get_semantic(b, NULL, NULL, NULL, &r));
        ck_assert_uint_eq(r, 0);
        AMEM_ASSERT_OK(amem_diffusion_create(D, &fresh));
        AMEM_ASSERT_OK(amem_diffusion_store(fresh, k.p, NP));
        AMEM_ASSERT_OK(amem_diffusion_set(fresh, AMEM_DIFFUSION_STEPS, 40));
        AMEM_ASSERT_OK(amem_diffusion_set(fresh,
                                          AMEM_DIFFUSION_SEMANTIC_WEIGHT,
                                          k.lam));
        AMEM_ASSERT_OK(amem_diffusion_set(fresh, AMEM_DIFFUSION_SEMANTIC_VAR,
                                          k.c));
        AMEM_ASSERT_OK(amem_diffusion_set(fresh, AMEM_DIFFUSION_EXTENT,
                                          k.extent));
        AMEM_ASSERT_OK(amem_diffusion_set(fresh, AMEM_DIFFUSION_PRECISION,
                                          f64));
        outputs oa, ob, of;
        evaluate(a, x, &oa);
        evaluate(b, x, &ob);
        evaluate(fresh, x, &of);
        ck_assert_mem_eq(&oa, &of, sizeof oa);
        ck_assert_mem_eq(&ob, &of, sizeof ob);
        /* the file of a handle without a manifold is the older format */
        AMEM_ASSERT_OK(amem_diffusion_save_mem(a, &img_a, &len_a));
        AMEM_ASSERT_OK(amem_diffusion_save_mem(fresh, &img_f, &len_f));
        ck_assert_uint_eq(len_a, len_f);
        ck_assert_mem_eq(img_a, img_f, len_a);
        /* the general path with nothing to add agrees to rounding */
        float one_dir[D] = {0, 1, 0, 0, 0}, no_spread = 0;
        AMEM_ASSERT_OK(amem_diffusion_set_semantic(a, zeros, one_dir,
                                                   &no_spread, 1));
        evaluate(a, x, &oa);
        for (int i = 0; i < Q * D; i++)
            ck_assert_float_eq_tol(oa.score[i], of.score[i],
                                   1e-5f * (1 + fabsf(of.score[i])));
        for (int i = 0; i < Q; i++)
            ck_assert_double_eq_tol(oa.logp[i], of.logp[i],
                                    1e-9 * (1 + fabs(of.logp[i])));
        amem_free(img_a);
        amem_free(img_f);
        amem_diffusion_free(a);
        amem_diffusion_free(b);
        amem_diffusion_free(fresh);
    }
}
END_TEST

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* Rewrite the payload length and the CRC of an image of len bytes. */
static void reseal(unsigned char *img, size_t len)
{
    put_le(img + 16, len - 28, 8);
    put_le(img + len - 4, crc32(0L, img, (uInt)(len - 4)), 4);
}

static int load_status(const unsigned char *img, size_t len)
{
    amem_diffusion *g = (amem_diffusion *)1;
    int rc = amem_diffusion_load_mem(img, len, &g);
    if (rc != AMEM_OK)
        ck_assert_ptr_null(g);
    amem_diffusion_free(g);
    return rc;
}

START_TEST(test_save_load)
{
    scase k;
    make_case(&k);
    float x[Q * D];
    fill(x, Q * D, 7, 1.5f);
    for (int f64 = 0; f64 < 2; f64++) {
        amem_diffusion *h = make_handle(&k, f64), *g = NULL;
        AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_STEPS, 40));
        unsigned char *img = NULL, *img2 = NULL;
        size_t len, len2;
        AMEM_ASSERT_OK(amem_diffusion_save_mem(h, (void **)&img, &len));
        AMEM_ASSERT_OK(amem_diffusion_load_mem(img, len, &g));
        AMEM_ASSERT_OK(amem_diffusion_save_mem(g, (void **)&img2, &len2));
        ck_assert_uint_eq(len, len2);
        ck_assert_mem_eq(img, img2, len);
        outputs oh, og;
        evaluate(h, x, &oh);
        evaluate(g, x, &og);
        ck_assert_mem_eq(&oh, &og, sizeof oh);
        float m1[D], m2[D], q1[R * D], q2[R * D], s1[R], s2[R];
        size_t r1, r2;
        AMEM_ASSERT_OK(amem_diffusion_get_semantic(h, m1, q1, s1, &r1));
        AMEM_ASSERT_OK(amem_diffusion_get_semantic(g, m2, q2, s2, &r2));
        ck_assert_uint_eq(r1, R);
        ck_assert_uint_eq(r2, R);
        ck_assert_mem_eq(m1, m2, sizeof m1);
        ck_assert_mem_eq(q1, q2, sizeof q1);
        ck_assert_mem_eq(s1, s2, sizeof s1);
        ck_assert_mem_eq(m1, k.mean, sizeof m1);
        ck_assert_mem_eq(s1, k.spread, sizeof s1);
        amem_diffusion_free(g);
        /* The section is the payload's tail: u64 r, (r + 1) d + r f64. */
        const size_t tail = 8 + 8 * ((R + 1) * D + R), at = len - 4 - tail;
        unsigned char *buf = malloc(len);
        /* an older file (no section) loads with r = 0, m = 0 */
        memcpy(buf, img, len);
        memmove(buf + at, buf + len - 4, 4);
        reseal(buf, len - tail);
        AMEM_ASSERT_OK(amem_diffusion_load_mem(buf, len - tail, &g));
        float mean[D] = {1};
        size_t r = 9;
        AMEM_ASSERT_OK(amem_diffusion_get_semantic(g, mean, NULL, NULL, &r));
        ck_assert_uint_eq(r, 0);
        for (int j = 0; j < D; j++)
            ck_assert_float_eq(mean[j], 0.0f);
        amem_diffusion_free(g);
        /* corrupted: a count beyond d or huge, a truncated section, a
         * direction no longer of unit length, a negative spread */
        const uint64_t counts[3] = {D + 1, UINT64_MAX, (uint64_t)1 << 40};
        for (int c = 0; c < 3; c++) {
            memcpy(buf, img, len);
            put_le(buf + at, counts[c], 8);
            reseal(buf, len);
            AMEM_ASSERT_STATUS(load_status(buf, len), AMEM_E_FORMAT);
        }
        memcpy(buf, img, len);
        memmove(buf + len - 12, buf + len - 4, 4);
        reseal(buf, len - 8);
        AMEM_ASSERT_STATUS(load_status(buf, len - 8), AMEM_E_FORMAT);
        double v;
        const size_t dir0 = at + 8 + 8 * D, spread0 = at + 8 + 8 * (R + 1) * D;
        memcpy(buf, img, len);
        memcpy(&v, buf + dir0, 8);
        v *= 1.01;
        memcpy(buf + dir0, &v, 8);
        reseal(buf, len);
        AMEM_ASSERT_STATUS(load_status(buf, len), AMEM_E_FORMAT);
        memcpy(buf, img, len);
        v = -1.0;
        memcpy(buf + spread0, &v, 8);
        reseal(buf, len);
        AMEM_ASSERT_STATUS(load_status(buf, len), AMEM_E_FORMAT);
        memcpy(buf, img, len);
        v = NAN;
        memcpy(buf + at + 8, &v, 8); /* the mean */
        reseal(buf, len);
        AMEM_ASSERT_STATUS(load_status(buf, len), AMEM_E_FORMAT);
        free(buf);
        amem_free(img);
        amem_free(img2);
        amem_diffusion_free(h);
    }
}
END_TEST

START_TEST(test_bad_arguments)
{
    scase k;
    make_case(&k);
    amem_diffusion *h = make_handle(&k, 0);
    unsigned char *ref = NULL, *now = NULL;
    size_t len, now_len;
    AMEM_ASSERT_OK(amem_diffusion_save_mem(h, (void **)&ref, &len));
    float nan_mean[D], nan_dir[R * D], sp[R] = {1, 1}, dep[R * D];
    memcpy(nan_mean, k.mean, sizeof nan_mean);
    nan_mean[3] = NAN;
    memcpy(nan_dir, k.dir, sizeof nan_dir);
    nan_dir[7] = INFINITY;
    memcpy(dep, k.dir, sizeof dep);
    for (int j = 0; j < D; j++) /* row 1 = 2 row 0 + a tiny change */
        dep[D + j] = 2 * dep[j] + (j == 0 ? 1e-8f : 0);
    float big_dir[(D + 1) * D] = {0}, big_sp[D + 1] = {0};
    float neg[R] = {1, -0.5f}, inf_sp[R] = {1, INFINITY};
    AMEM_ASSERT_STATUS(amem_diffusion_set_semantic(NULL, k.mean, k.dir, sp, R),
                       AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_diffusion_set_semantic(h, k.mean, NULL, sp, R),
                       AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_diffusion_set_semantic(h, k.mean, k.dir, NULL, R),
                       AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_diffusion_set_semantic(h, NULL, big_dir, big_sp,
                                                   D + 1), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_diffusion_set_semantic(h, NULL, big_dir, big_sp,
                                                   SIZE_MAX), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_diffusion_set_semantic(h, nan_mean, NULL, NULL, 0),
                       AMEM_E_NONFINITE);
    AMEM_ASSERT_STATUS(amem_diffusion_set_semantic(h, NULL, nan_dir, sp, R),
                       AMEM_E_NONFINITE);
    AMEM_ASSERT_STATUS(amem_diffusion_set_semantic(h, NULL, k.dir, inf_sp, R),
                       AMEM_E_NONFINITE);
    AMEM_ASSERT_STATUS(amem_diffusion_set_semantic(h, NULL, k.dir, neg, R),
                       AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_diffusion_set_semantic(h, NULL, dep, sp, R),
                       AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_diffusion_set_semantic(h, NULL, big_dir, sp, 1),
                       AMEM_E_ARG); /* a zero direction */
    AMEM_ASSERT_STATUS(amem_diffusion_get_semantic(NULL, NULL, NULL, NULL,
                                                   NULL), AMEM_E_NULL);
    AMEM_ASSERT_OK(amem_diffusion_save_mem(h, (void **)&now, &now_len));
    ck_assert_uint_eq(len, now_len); /* every failed call changed nothing */
    ck_assert_mem_eq(ref, now, len);
    amem_free(ref);
    amem_free(now);
    amem_diffusion_free(h);
}
END_TEST

/*
 * Recall from near a line (r = 1, large spread, small c) with the only
 * memory far away ends on the line: the component across the line shrinks
 * from 0.71 by the Gaussian's contraction sqrt(v_s(T_END) / v_s(t_start))
 * (about 0.07 here; asserted below 0.15), the one along it stays of order
 * 1, in both precisions.
 */
START_TEST(test_recall_ends_on_the_sheet)
{
    const size_t d = 4, n = 4;
    float mem[4] = {0, 0, 6, 0}, mean[4] = {0.3f, -0.2f, 0, 0.1f};
    float dir[4] = {1, 1, 0, 0}, spread = 3, cue[16], out[16];
    const float across[4] = {0.5f, -0.5f, 0, 0}; /* |.| = 0.71 */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++)
            cue[i * d + j] = mean[j] + (float)(i + 1) * 0.4f * dir[j] *
                                           (i % 2 ? -1.0f : 1.0f) +
                             across[j] * (i % 2 ? -1.0f : 1.0f);
    for (int f64 = 0; f64 < 2; f64++) {
        amem_diffusion *h = NULL;
        AMEM_ASSERT_OK(amem_diffusion_create(d, &h));
        AMEM_ASSERT_OK(amem_diffusion_store(h, mem, 1));
        AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_PRECISION, f64));
        AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_SEMANTIC_WEIGHT,
                                          0.5));
        AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_SEMANTIC_VAR,
                                          1e-3));
        AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_START_THETA, 0.7));
        AMEM_ASSERT_OK(amem_diffusion_set_semantic(h, mean, dir, &spread, 1));
        AMEM_ASSERT_OK(amem_diffusion_recall(h, cue, n, NULL, out, NULL));
        for (size_t i = 0; i < n; i++) {
            double u[4], along = 0, off0 = 0, off = 0, far = 0;
            for (size_t j = 0; j < d; j++) {
                u[j] = out[i * d + j] - mean[j];
                along += u[j] * dir[j] / sqrt(2.0);
                far += (out[i * d + j] - mem[j]) * (out[i * d + j] - mem[j]);
            }
            for (size_t j = 0; j < d; j++) {
                double a = u[j] - along * dir[j] / sqrt(2.0);
                double a0 = across[j];
                off += a * a;
                off0 += a0 * a0;
            }
            ck_assert_msg(sqrt(off) < 0.15 * sqrt(off0),
                          "f64 %d query %zu: %.3g across the line (from "
                          "%.3g)", f64, i, sqrt(off), sqrt(off0));
            ck_assert_msg(fabs(along) > 0.2, "f64 %d query %zu: along %.3g",
                          f64, i, along);
            ck_assert(sqrt(far) > 3);
        }
        amem_diffusion_free(h);
    }
}
END_TEST

/* More states than one chunk of rows (1024): every row's score and log p
 * equal the row evaluated alone, in both precisions. */
START_TEST(test_chunks_agree)
{
    enum { MANY = 1100 };
    scase k;
    make_case(&k);
    float *x = malloc(MANY * D * sizeof *x), *sc = malloc(MANY * D * sizeof *sc);
    double *lp = malloc(MANY * sizeof *lp);
    fill(x, MANY * D, 8, 2.0f);
    for (int f64 = 0; f64 < 2; f64++) {
        amem_diffusion *h = make_handle(&k, f64);
        AMEM_ASSERT_OK(amem_diffusion_score(h, x, MANY, 0.4, sc));
        AMEM_ASSERT_OK(amem_diffusion_log_density(h, x, MANY, 0.4, lp));
        for (size_t i = 0; i < MANY; i += 137) {
            float one[D];
            double l1;
            AMEM_ASSERT_OK(amem_diffusion_score(h, x + i * D, 1, 0.4, one));
            AMEM_ASSERT_OK(amem_diffusion_log_density(h, x + i * D, 1, 0.4,
                                                      &l1));
            ck_assert_double_eq_tol(l1, lp[i], 1e-6 * (1 + fabs(l1)));
            for (int j = 0; j < D; j++)
                ck_assert_float_eq_tol(one[j], sc[i * D + j],
                                       1e-5f * (1 + fabsf(one[j])));
        }
        amem_diffusion_free(h);
    }
    free(x);
    free(sc);
    free(lp);
}
END_TEST

Suite *amem_suite_diffusion_semantic(void)
{
    Suite *s = suite_create("diffusion_semantic");
    TCase *tc = tcase_create("semantic");
    tcase_add_test(tc, test_matches_full_covariance);
    tcase_add_test(tc, test_score_is_gradient_of_log_density);
    tcase_add_test(tc, test_isotropic_case_bit_for_bit);
    tcase_add_test(tc, test_save_load);
    tcase_add_test(tc, test_bad_arguments);
    tcase_add_test(tc, test_recall_ends_on_the_sheet);
    tcase_add_test(tc, test_chunks_agree);
    suite_add_tcase(s, tc);
    return s;
}
