/* Check suite `diffusion`: the math and the API of amem_diffusion. */
#define AMEM_EXPERIMENTAL_API /* data-parallel training (C17) */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assocmem/diffusion.h"
#include "assocmem/hopfield.h"
#include "core/rng.h"
#include "diffusion/diffusion_impl.h"
#include "diffusion/mlp_kernels.h"
#include "testutil.h"
#include "testutil_dp.h"

/* ---- helpers --------------------------------------------------------- */

static float *random_signs(size_t n, size_t d, uint64_t seed)
{
    amem__rng rng;
    amem__rng_seed(&rng, seed);
    float *p = malloc(n * d * sizeof(float));
    amem__rng_signs(&rng, p, n * d);
    return p;
}

static float *random_normals(size_t n, size_t d, uint64_t seed)
{
    amem__rng rng;
    amem__rng_seed(&rng, seed);
    float *p = malloc(n * d * sizeof(float));
    amem__rng_normals(&rng, p, n * d);
    return p;
}

static amem_diffusion *make_stored(size_t d, const float *p, size_t n)
{
    amem_diffusion *h = NULL;
    AMEM_ASSERT_OK(amem_diffusion_create(d, &h));
    ck_assert_ptr_nonnull(h);
    AMEM_ASSERT_OK(amem_diffusion_store(h, p, n));
    return h;
}

static unsigned char *image(const amem_diffusion *h, size_t *len)
{
    void *data = NULL;
    AMEM_ASSERT_OK(amem_diffusion_save_mem(h, &data, len));
    return data;
}

static int same_image(const amem_diffusion *h, const unsigned char *ref,
                      size_t ref_len)
{
    size_t len;
    unsigned char *now = image(h, &len);
    int same = len == ref_len && memcmp(now, ref, len) == 0;
    amem_free(now);
    return same;
}

/* A small trained network: d = 4, 6 patterns, hidden 24. */
static amem_diffusion *make_trained(long iterations)
{
    float *p = random_signs(6, 4, 11);
    amem_diffusion *h = make_stored(4, p, 6);
    free(p);
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_HIDDEN, 24));
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_SEED, 5));
    AMEM_ASSERT_OK(amem_diffusion_train(h, iterations, NULL, NULL, NULL));
    return h;
}

/* ---- settings and schedule ------------------------------------------ */

START_TEST(test_create_and_settings)
{
    amem_diffusion *h = NULL;
    AMEM_ASSERT_STATUS(amem_diffusion_create(0, &h), AMEM_E_DIM);
    ck_assert_ptr_null(h);
    AMEM_ASSERT_STATUS(amem_diffusion_create(3, NULL), AMEM_E_NULL);
    AMEM_ASSERT_OK(amem_diffusion_create(3, &h));
    size_t d = 0, n = 9;
    AMEM_ASSERT_OK(amem_diffusion_dim(h, &d));
    AMEM_ASSERT_OK(amem_diffusion_count(h, &n));
    ck_assert_uint_eq(d, 3);
    ck_assert_uint_eq(n, 0);
    double v;
    AMEM_ASSERT_OK(amem_diffusion_get(h, AMEM_DIFFUSION_GAMMA, &v));
    ck_assert_double_eq(v, 0.8);
    AMEM_ASSERT_OK(amem_diffusion_get(h, AMEM_DIFFUSION_HIDDEN, &v));
    ck_assert_double_eq(v, 240.0);
    AMEM_ASSERT_OK(amem_diffusion_get(h, AMEM_DIFFUSION_STEPS, &v));
    ck_assert_double_eq(v, 300.0);
    AMEM_ASSERT_STATUS(amem_diffusion_set(h, 1000, 1),
                       AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_diffusion_set(h, -1, 1), AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_diffusion_set(h, AMEM_DIFFUSION_GAMMA, NAN),
                       AMEM_E_NONFINITE);
    AMEM_ASSERT_STATUS(amem_diffusion_set(h, AMEM_DIFFUSION_GAMMA, 0),
                       AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_diffusion_set(h, AMEM_DIFFUSION_STEPS, 2.5),
                       AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_diffusion_set(h, AMEM_DIFFUSION_SAMPLER, 2),
                       AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_diffusion_set(h, AMEM_DIFFUSION_START_THETA, 1),
                       AMEM_E_RANGE);
    AMEM_ASSERT_OK(amem_diffusion_get(h, AMEM_DIFFUSION_GAMMA, &v));
    ck_assert_double_eq(v, 0.8);
    AMEM_ASSERT_STATUS(amem_diffusion_get(h, 99, &v), AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_diffusion_get(NULL, 0, &v), AMEM_E_NULL);
    double lo, hi;
    int integer;
    AMEM_ASSERT_OK(amem_diffusion_param_bounds(AMEM_DIFFUSION_STEPS, &lo, &hi,
                                               &integer));
    ck_assert_double_eq(lo, 1);
    ck_assert_int_eq(integer, 1);
    AMEM_ASSERT_STATUS(amem_diffusion_param_bounds(99, NULL, NULL, NULL),
                       AMEM_E_ARG);
    amem_diffusion_free(h);
    amem_diffusion_free(NULL);
}
END_TEST

START_TEST(test_schedule)
{
    amem_diffusion *h = NULL;
    AMEM_ASSERT_OK(amem_diffusion_create(2, &h));
    double t, theta, s;
    AMEM_ASSERT_OK(amem_diffusion_t_start(h, 0.68, &t));
    ck_assert_double_eq_tol(t, -2.0 * log(0.68) / 0.8, 1e-12);
    AMEM_ASSERT_OK(amem_diffusion_theta(h, t, &theta));
    ck_assert_double_eq_tol(theta, 0.68, 1e-12);
    AMEM_ASSERT_OK(amem_diffusion_noise_std(h, t, &s));
    ck_assert_double_eq_tol(s * s, 1 - 0.68 * 0.68, 1e-12);
    /* OU with alpha 0.5, sigma 1 is VP with gamma 1. */
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_PROCESS,
                                      AMEM_DIFFUSION_PROCESS_OU));
    AMEM_ASSERT_OK(amem_diffusion_theta(h, 1.0, &theta));
    ck_assert_double_eq_tol(theta, exp(-0.5), 1e-12);
    AMEM_ASSERT_OK(amem_diffusion_noise_std(h, 1.0, &s));
    ck_assert_double_eq_tol(s * s, 1 - exp(-1.0), 1e-12);
    /* General OU: s^2 = sigma^2 (1 - theta^2) / (2 alpha). */
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_SIGMA, 2));
    AMEM_ASSERT_OK(amem_diffusion_noise_std(h, 0.3, &s));
    AMEM_ASSERT_OK(amem_diffusion_theta(h, 0.3, &theta));
    ck_assert_double_eq_tol(s * s, 4 * (1 - theta * theta), 1e-12);
    AMEM_ASSERT_STATUS(amem_diffusion_t_start(h, 0, &t), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_diffusion_t_start(h, 1.5, &t), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_diffusion_theta(h, -1, &t), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_diffusion_theta(h, NAN, &t), AMEM_E_NONFINITE);
    AMEM_ASSERT_STATUS(amem_diffusion_noise_std(h, 1, NULL), AMEM_E_NULL);
    amem_diffusion_free(h);
}
END_TEST

/* VE (Eq. 6): theta_t = 1, s_t^2 = sigma^2 t; a cue at level theta starts
 * where s^2 equals its noise-to-signal ratio (1 - theta^2) / theta^2. */
START_TEST(test_ve_schedule)
{
    amem_diffusion *h = NULL;
    AMEM_ASSERT_OK(amem_diffusion_create(2, &h));
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_PROCESS,
                                      AMEM_DIFFUSION_PROCESS_VE));
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_SIGMA, 1.5));
    double t, theta, s;
    AMEM_ASSERT_OK(amem_diffusion_theta(h, 0.8, &theta));
    ck_assert_double_eq(theta, 1.0);
    AMEM_ASSERT_OK(amem_diffusion_noise_std(h, 0.8, &s));
    ck_assert_double_eq_tol(s * s, 2.25 * 0.8, 1e-12);
    AMEM_ASSERT_OK(amem_diffusion_t_start(h, 0.68, &t));
    ck_assert_double_eq_tol(t, (1 - 0.68 * 0.68) / (0.68 * 0.68 * 2.25),
                            1e-12);
    AMEM_ASSERT_OK(amem_diffusion_noise_std(h, t, &s));
    ck_assert_double_eq_tol(s, sqrt(1 - 0.68 * 0.68) / 0.68, 1e-12);
    AMEM_ASSERT_STATUS(amem_diffusion_set(h, AMEM_DIFFUSION_PROCESS, 3),
                       AMEM_E_RANGE);
    amem_diffusion_free(h);
}
END_TEST

/* The appendix's claim: VE and VP recall land on the same memories. From
 * the same theta = 0.68 cues, VE returns the signs of the stored pattern
 * each cue came from (within 0.2: 300 Euler steps stop at T_END, as VP
 * does), and the VE and VP outputs agree within 0.05. */
START_TEST(test_ve_recall_matches_vp)
{
    const size_t d = 64, N = 6;
    float *p = random_signs(N, d, 41), *noise = random_normals(N, d, 42);
    amem_diffusion *h = make_stored(d, p, N);
    float q[384], vp[384], ve[384];
    for (size_t i = 0; i < N * d; i++)
        q[i] = 0.68f * p[i] + 0.7332f * noise[i];
    AMEM_ASSERT_OK(amem_diffusion_recall(h, q, N, NULL, vp, NULL));
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_PROCESS,
                                      AMEM_DIFFUSION_PROCESS_VE));
    AMEM_ASSERT_OK(amem_diffusion_recall(h, q, N, NULL, ve, NULL));
    for (size_t i = 0; i < N * d; i++) {
        ck_assert_msg(fabsf(ve[i] - p[i]) < 0.2f, "VE entry %zu: %g vs %g", i,
                      (double)ve[i], (double)p[i]);
        ck_assert_msg(fabsf(ve[i] - vp[i]) < 0.05f, "entry %zu: VE %g, VP %g",
                      i, (double)ve[i], (double)vp[i]);
    }
    /* The learned score has no VE form: refused, outputs untouched. */
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_SCORE,
                                      AMEM_DIFFUSION_SCORE_LEARNED));
    memcpy(vp, ve, sizeof vp);
    AMEM_ASSERT_STATUS(amem_diffusion_recall(h, q, N, NULL, ve, NULL),
                       AMEM_E_UNSUPPORTED);
    ck_assert_mem_eq(vp, ve, sizeof vp);
    free(p);
    free(noise);
    amem_diffusion_free(h);
}
END_TEST

/* Extended memories and a semantic density (Eqs. 23-25): log p_t is the
 * Gaussian mixture (1 - l)/N sum N(theta y, v_p) + l N(0, v_s), computed
 * here in double from its definition. */
START_TEST(test_extended_semantic_density)
{
    const size_t d = 3, N = 2;
    const double r = 0.5, lam = 0.3, c = 2.0, t = 0.4;
    float *p = random_normals(N, d, 51), *x = random_normals(2, d, 52);
    amem_diffusion *h = make_stored(d, p, N);
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_EXTENT, r));
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_SEMANTIC_WEIGHT, lam));
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_SEMANTIC_VAR, c));
    double theta, s, logp[2];
    AMEM_ASSERT_OK(amem_diffusion_theta(h, t, &theta));
    AMEM_ASSERT_OK(amem_diffusion_noise_std(h, t, &s));
    AMEM_ASSERT_OK(amem_diffusion_log_density(h, x, 2, t, logp));
    double vp = theta * theta * r * r + s * s, vs = theta * theta * c + s * s;
    for (size_t i = 0; i < 2; i++) {
        double mix = 0, x2 = 0;
        for (size_t mu = 0; mu < N; mu++) {
            double e = 0;
            for (size_t j = 0; j < d; j++) {
                double u = x[i * d + j] - theta * p[mu * d + j];
                e += u * u;
            }
            mix += (1 - lam) / N * exp(-e / (2 * vp)) / pow(2 * 3.141592653589793 * vp, 1.5);
        }
        for (size_t j = 0; j < d; j++)
            x2 += (double)x[i * d + j] * x[i * d + j];
        mix += lam * exp(-x2 / (2 * vs)) / pow(2 * 3.141592653589793 * vs, 1.5);
        ck_assert_msg(fabs(logp[i] - log(mix)) < 1e-4,
                      "row %zu: log p %g, mixture %g", i, logp[i], log(mix));
    }
    /* The memories' weights leave the semantic component its share. */
    float w[4];
    AMEM_ASSERT_OK(amem_diffusion_weights(h, x, 2, t, w));
    ck_assert(w[0] + w[1] < 1.0f && w[2] + w[3] < 1.0f);
    free(p);
    free(x);
    amem_diffusion_free(h);
}
END_TEST

START_TEST(test_forward_moments)
{
    /* x_t = theta x0 + s eps: check the sample mean and variance. */
    const size_t n = 4000, d = 2;
    amem_diffusion *h = NULL;
    AMEM_ASSERT_OK(amem_diffusion_create(d, &h));
    float *x0 = malloc(n * d * sizeof(float)), *x = malloc(n * d * sizeof(float));
    for (size_t i = 0; i < n * d; i++)
        x0[i] = 1.0f;
    AMEM_ASSERT_OK(amem_diffusion_forward(h, x0, n, 0.5, x));
    double theta, s, mean = 0, var = 0;
    amem_diffusion_theta(h, 0.5, &theta);
    amem_diffusion_noise_std(h, 0.5, &s);
    for (size_t i = 0; i < n * d; i++)
        mean += x[i];
    mean /= (double)(n * d);
    for (size_t i = 0; i < n * d; i++)
        var += (x[i] - mean) * (x[i] - mean);
    var /= (double)(n * d);
    ck_assert_double_eq_tol(mean, theta, 0.03);
    ck_assert_double_eq_tol(var, s * s, 0.05 * s * s + 0.01);
    AMEM_ASSERT_STATUS(amem_diffusion_forward(h, x0, 0, 0.5, x), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_diffusion_forward(h, x0, n, -1, x), AMEM_E_RANGE);
    free(x0);
    free(x);
    amem_diffusion_free(h);
}
END_TEST

/* ---- exact score ---------------------------------------------------- */

/* The exact score equals central differences of log p_t (Gaussian
 * patterns, so the |y|^2 term of the weights matters), VP, OU and VE. */
START_TEST(test_exact_score_is_gradient_of_log_density)
{
    const size_t d = 5, N = 7, n = 3;
    float *p = random_normals(N, d, 3), *x = random_normals(n, d, 4);
    amem_diffusion *h = make_stored(d, p, N);
    for (int process = 0; process < 4; process++) {
        /* 3: VP with extended memories and a semantic density */
        AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_PROCESS,
                                          process % 3));
        AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_EXTENT,
                                          process == 3 ? 0.5 : 0));
        AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_SEMANTIC_WEIGHT,
                                          process == 3 ? 0.3 : 0));
        AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_SIGMA, 1.3));
        const double t = 0.7, step = 1e-2;
        float score[15];
        AMEM_ASSERT_OK(amem_diffusion_score(h, x, n, t, score));
        for (size_t i = 0; i < n * d; i++) {
            float xp[15], xm[15];
            memcpy(xp, x, sizeof xp);
            memcpy(xm, x, sizeof xm);
            xp[i] += (float)step;
            xm[i] -= (float)step;
            double lp[3], lm[3];
            AMEM_ASSERT_OK(amem_diffusion_log_density(h, xp, n, t, lp));
            AMEM_ASSERT_OK(amem_diffusion_log_density(h, xm, n, t, lm));
            size_t row = i / d;
            double fd = (lp[row] - lm[row]) / (2 * step);
            ck_assert_msg(fabs(fd - score[i]) <= 2e-3 * (1 + fabs(fd)),
                          "process %d entry %zu: score %g, differences %g",
                          process, i, (double)score[i], fd);
        }
    }
    free(p);
    free(x);
    amem_diffusion_free(h);
}
END_TEST

/* With one pattern, log p_t is the Gaussian log-density, constants
 * included, and the weights are 1. */
START_TEST(test_log_density_single_pattern)
{
    const size_t d = 3;
    float y[3] = {1.0f, -0.5f, 2.0f}, x[3] = {0.2f, 0.1f, -0.3f}, w = 0;
    amem_diffusion *h = make_stored(d, y, 1);
    const double t = 0.4;
    double theta, s, lp;
    amem_diffusion_theta(h, t, &theta);
    amem_diffusion_noise_std(h, t, &s);
    AMEM_ASSERT_OK(amem_diffusion_log_density(h, x, 1, t, &lp));
    double r2 = 0;
    for (size_t j = 0; j < d; j++)
        r2 += (x[j] - theta * y[j]) * (x[j] - theta * y[j]);
    double want = -r2 / (2 * s * s) - 1.5 * log(2 * 3.14159265358979 * s * s);
    ck_assert_double_eq_tol(lp, want, 1e-4 * fabs(want));
    AMEM_ASSERT_OK(amem_diffusion_weights(h, x, 1, t, &w));
    ck_assert_float_eq_tol(w, 1.0f, 1e-6f);
    amem_diffusion_free(h);
}
END_TEST

/* For +-1 patterns h_t is the modern Hopfield softmax, beta_t = theta/s^2. */
START_TEST(test_weights_equal_modern_hopfield)
{
    const size_t d = 12, N = 9, n = 4;
    float *p = random_signs(N, d, 21), *x = random_normals(n, d, 22);
    amem_diffusion *h = make_stored(d, p, N);
    amem_hopfield *hop = NULL;
    AMEM_ASSERT_OK(amem_hopfield_create(AMEM_HOPFIELD_MODERN, d, 0, &hop));
    AMEM_ASSERT_OK(amem_hopfield_store(hop, p, N));
    const double times[3] = {0.05, 0.4, 1.5};
    for (int k = 0; k < 3; k++) {
        double theta, s;
        amem_diffusion_theta(h, times[k], &theta);
        amem_diffusion_noise_std(h, times[k], &s);
        AMEM_ASSERT_OK(amem_hopfield_set(hop, AMEM_HOPFIELD_BETA,
                                         theta / (s * s)));
        float wd[36], wh[36];
        AMEM_ASSERT_OK(amem_diffusion_weights(h, x, n, times[k], wd));
        AMEM_ASSERT_OK(amem_hopfield_weights(hop, x, n, wh));
        for (size_t i = 0; i < n * N; i++)
            ck_assert_msg(fabsf(wd[i] - wh[i]) <= 2e-5f + 1e-4f * wh[i],
                          "t %g weight %zu: %g vs %g", times[k], i,
                          (double)wd[i], (double)wh[i]);
    }
    amem_hopfield_free(hop);
    free(p);
    free(x);
    amem_diffusion_free(h);
}
END_TEST

/* ---- recall ----------------------------------------------------------- */

START_TEST(test_ode_returns_to_stored_pattern)
{
    const size_t d = 32, N = 5;
    float *p = random_signs(N, d, 31), *noise = random_normals(N, d, 32);
    amem_diffusion *h = make_stored(d, p, N);
    float q[160], out[160];
    for (size_t i = 0; i < N * d; i++) /* theta = 0.9 corruption */
        q[i] = 0.9f * p[i] + 0.4359f * noise[i];
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_START_THETA, 0.9));
    AMEM_ASSERT_OK(amem_diffusion_recall(h, q, N, NULL, out, NULL));
    for (size_t i = 0; i < N * d; i++)
        ck_assert_msg(fabsf(out[i] - p[i]) < 0.1f, "entry %zu: %g vs %g", i,
                      (double)out[i], (double)p[i]);
    free(p);
    free(noise);
    amem_diffusion_free(h);
}
END_TEST

START_TEST(test_trajectory_and_clamp)
{
    const size_t d = 16, N = 3, n = 2;
    float *p = random_signs(N, d, 41);
    amem_diffusion *h = make_stored(d, p, N);
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_STEPS, 50));
    float q[32], clamp[32], out[32];
    for (size_t i = 0; i < n * d; i++) { /* known first half of pattern i */
        size_t row = i / d, j = i % d;
        clamp[i] = j < d / 2 ? 1.0f : 0.0f;
        q[i] = j < d / 2 ? p[row * d + j] : 0.0f;
    }
    float *traj = malloc(51 * n * d * sizeof(float));
    for (int sampler = 0; sampler < 2; sampler++) {
        AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_SAMPLER, sampler));
        AMEM_ASSERT_OK(amem_diffusion_recall(h, q, n, clamp, out, traj));
        double theta0;
        AMEM_ASSERT_OK(amem_diffusion_get(h, AMEM_DIFFUSION_START_THETA,
                                          &theta0));
        for (size_t i = 0; i < n * d; i++) {
            if (clamp[i] == 1.0f) {
                ck_assert_float_eq(out[i], q[i]);
                if (sampler == 0)
                    ck_assert_float_eq_tol(traj[i], (float)(theta0 * q[i]),
                                           1e-6f);
            } else {
                ck_assert_float_eq(traj[i], 0.0f);
            }
            ck_assert_float_eq(traj[50 * n * d + i], out[i]);
            ck_assert_msg(out[i] * p[i] > 0, "sampler %d entry %zu wrong",
                          sampler, i);
        }
    }
    free(traj);
    free(p);
    amem_diffusion_free(h);
}
END_TEST

START_TEST(test_sde_same_seed_same_output)
{
    const size_t d = 8, N = 4;
    float *p = random_signs(N, d, 51), *q = random_normals(N, d, 52);
    amem_diffusion *a = make_stored(d, p, N), *b = make_stored(d, p, N);
    float oa[32], ob[32], oc[32];
    for (int k = 0; k < 2; k++) {
        amem_diffusion *h = k ? b : a;
        AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_SAMPLER,
                                          AMEM_DIFFUSION_SAMPLER_SDE));
        AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_SEED, 77));
        AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_STEPS, 40));
    }
    AMEM_ASSERT_OK(amem_diffusion_recall(a, q, N, NULL, oa, NULL));
    AMEM_ASSERT_OK(amem_diffusion_recall(b, q, N, NULL, ob, NULL));
    ck_assert_int_eq(memcmp(oa, ob, sizeof oa), 0);
    AMEM_ASSERT_OK(amem_diffusion_recall(a, q, N, NULL, oc, NULL));
    ck_assert_int_ne(memcmp(oa, oc, sizeof oa), 0); /* RNG advanced */
    free(p);
    free(q);
    amem_diffusion_free(a);
    amem_diffusion_free(b);
}
END_TEST

/* ---- learned network ------------------------------------------------ */

/* The fused gradient equals the engine's and central differences, for a
 * tiny network and one whose widths leave vector tails. */
static void check_mlp_gradient(size_t d, size_t hidden, size_t B)
{
    amem__dmlp *m = NULL;
    AMEM_ASSERT_OK(amem__dmlp_create("test", d, hidden, 2, &m));
    amem__rng rng;
    amem__rng_seed(&rng, 9 + hidden);
    amem__dmlp_init(m, &rng);
    float *x = malloc(B * d * sizeof(float));
    float *target = malloc(B * d * sizeof(float));
    float *theta = malloc(B * sizeof(float));
    amem__rng_normals(&rng, x, B * d);
    amem__rng_normals(&rng, target, B * d);
    for (size_t i = 0; i < B; i++)
        theta[i] = 0.6f + 0.4f * (float)i / (float)B;
    float *g = malloc(m->n_params * sizeof(float));
    float *ge = malloc(m->n_params * sizeof(float));
    float *scratch = malloc(m->n_params * sizeof(float));
    float *ws = malloc(amem__dmlp_train_ws_len(m, B) * sizeof(float));
    double loss = amem__dmlp_loss_grad(m, x, theta, target, B, g, ws);
    int status = -1;
    double loss_e = amem__dmlp_loss_grad_engine(m, x, theta, target, B, ge,
                                                &status);
    AMEM_ASSERT_OK(status);
    ck_assert_double_eq_tol(loss, loss_e, 1e-5 * loss);
    /* The batch cut in two blocks: the blocks' gradients add up. */
    float *gs[2] = {malloc(m->n_params * sizeof(float)),
                    malloc(m->n_params * sizeof(float))};
    float *ws2 = malloc(amem__dmlp_split_ws_len(m, B, 2) * sizeof(float));
    double loss_s = amem__dmlp_loss_grad_split(m, x, theta, target, B, B,
                                               gs, ws2, 2);
    ck_assert_double_eq_tol(loss, loss_s, 1e-6 * loss);
    for (size_t i = 0; i < m->n_params; i++)
        ck_assert_msg(fabsf(gs[0][i] + gs[1][i] - g[i]) <=
                          1e-6f + 1e-5f * fabsf(g[i]),
                      "param %zu: split %g whole %g", i,
                      (double)(gs[0][i] + gs[1][i]), (double)g[i]);
    free(gs[0]);
    free(gs[1]);
    free(ws2);
    for (size_t i = 0; i < m->n_params; i++) {
        ck_assert_msg(fabsf(g[i] - ge[i]) <= 1e-5f + 1e-4f * fabsf(ge[i]),
                      "param %zu: fused %g engine %g", i, (double)g[i],
                      (double)ge[i]);
        float keep = m->params[i];
        m->params[i] = keep + 1e-3f;
        double up = amem__dmlp_loss_grad(m, x, theta, target, B, scratch, ws);
        m->params[i] = keep - 1e-3f;
        double down = amem__dmlp_loss_grad(m, x, theta, target, B, scratch,
                                           ws);
        m->params[i] = keep;
        double fd = (up - down) / 2e-3;
        ck_assert_msg(fabs(fd - g[i]) <= 2e-3 + 2e-2 * fabs(fd),
                      "param %zu: grad %g differences %g", i, (double)g[i],
                      fd);
    }
    free(x);
    free(target);
    free(theta);
    free(g);
    free(ge);
    free(scratch);
    free(ws);
    amem__dmlp_free(m);
}

START_TEST(test_mlp_gradient)
{
    check_mlp_gradient(3, 5, 4);
    check_mlp_gradient(5, 11, 7);
}
END_TEST

/* eps(x, theta) for one row in double precision, straight from the
 * definition: layer l maps [a ; theta] through W_l and b_l. */
static void reference_eps(const amem__dmlp *m, const float *x, double theta,
                          double *out)
{
    size_t wide = m->hidden > m->dim ? m->hidden : m->dim;
    double *a = malloc((wide + 1) * sizeof(double));
    double *z = malloc((wide + 1) * sizeof(double));
    for (size_t j = 0; j < m->dim; j++)
        a[j] = x[j];
    for (size_t l = 0; l <= m->layers; l++) {
        size_t w, b, n, o;
        amem__dmlp_layer(m, l, &w, &b, &n, &o);
        a[n] = theta;
        for (size_t j = 0; j < o; j++) {
            double acc = m->params[b + j];
            for (size_t k = 0; k <= n; k++)
                acc += a[k] * m->params[w + k * o + j];
            z[j] = l < m->layers && !(acc > 0) ? 0.0 : acc;
        }
        memcpy(a, z, o * sizeof(double));
    }
    memcpy(out, a, m->dim * sizeof(double));
    free(a);
    free(z);
}

/* Batched inference (chunks, jobs, the scale folded into the last layer)
 * agrees with the definition. */
START_TEST(test_mlp_predict_matches_definition)
{
    amem__dmlp *m = NULL;
    AMEM_ASSERT_OK(amem__dmlp_create("test", 5, 37, 2, &m));
    amem__rng rng;
    amem__rng_seed(&rng, 21);
    amem__dmlp_init(m, &rng);
    const size_t n = 301, d = 5;
    float *x = random_normals(n, d, 22), *out = malloc(n * d * sizeof(float));
    double ref[5];
    for (int jobs = 1; jobs <= 3; jobs++) {
        float *ws = malloc(amem__dmlp_ws_len(m, n, jobs) * sizeof(float));
        amem__dmlp_predict(m, x, n, 0.7f, -2.0f, out, ws, jobs);
        for (size_t i = 0; i < n; i++) {
            reference_eps(m, x + i * d, 0.7f, ref);
            for (size_t j = 0; j < d; j++)
                ck_assert_msg(fabs(out[i * d + j] + 2.0 * ref[j]) <=
                                  1e-5 * (1.0 + fabs(ref[j])),
                              "jobs %d row %zu: %g vs %g", jobs, i,
                              (double)out[i * d + j], -2.0 * ref[j]);
        }
        free(ws);
    }
    free(x);
    free(out);
    amem__dmlp_free(m);
}
END_TEST

/* The learned-score ODE recall (worker threads on query blocks) agrees with
 * Euler steps on the definition, and the thread count is put back. */
START_TEST(test_learned_recall_matches_definition)
{
    amem_diffusion *h = make_trained(20);
    const size_t n = 160, d = 4;
    const int steps = 12;
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_SCORE,
                                      AMEM_DIFFUSION_SCORE_LEARNED));
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_STEPS, steps));
    int threads = amem_get_num_threads();
    AMEM_ASSERT_OK(amem_set_num_threads(2));
    float *q = random_normals(n, d, 31), *out = malloc(n * d * sizeof(float));
    AMEM_ASSERT_OK(amem_diffusion_recall(h, q, n, NULL, out, NULL));
    ck_assert_int_eq(amem_get_num_threads(), 2);
    AMEM_ASSERT_OK(amem_set_num_threads(threads));
    double a, b2, t0, t1;
    amem__diffusion_ab(h, &a, &b2);
    AMEM_ASSERT_OK(amem_diffusion_get(h, AMEM_DIFFUSION_T_END, &t1));
    double theta0;
    AMEM_ASSERT_OK(amem_diffusion_get(h, AMEM_DIFFUSION_START_THETA, &theta0));
    t0 = -log(theta0) / a;
    for (size_t i = 0; i < n; i++) {
        double xs[4], eps[4];
        float xf[4];
        for (size_t j = 0; j < d; j++)
            xs[j] = q[i * d + j];
        for (int k = 0; k < steps; k++) {
            double t = t0 + (t1 - t0) * k / steps;
            double dt = (t1 - t0) / steps, theta, s;
            amem__diffusion_marginal(h, t, &theta, &s);
            for (size_t j = 0; j < d; j++)
                xf[j] = (float)xs[j];
            reference_eps(h->net, xf, (float)theta, eps);
            for (size_t j = 0; j < d; j++)
                xs[j] -= (a * xs[j] + 0.5 * b2 * (-eps[j] / s)) * dt;
        }
        for (size_t j = 0; j < d; j++)
            ck_assert_msg(fabs(out[i * d + j] - xs[j]) <= 1e-4 * (1 + fabs(xs[j])),
                          "row %zu: %g vs %g", i, (double)out[i * d + j],
                          xs[j]);
    }
    free(q);
    free(out);
    amem_diffusion_free(h);
}
END_TEST

/* Loss on a fixed evaluation batch, through the private fused path. */
static double eval_loss(const amem_diffusion *h)
{
    const size_t B = 600, d = h->dim;
    float *x = malloc(B * d * sizeof(float)), *tg = malloc(B * d * sizeof(float));
    float *th = malloc(B * sizeof(float));
    float *g = malloc(h->net->n_params * sizeof(float));
    float *ws = malloc(amem__dmlp_train_ws_len(h->net, B) * sizeof(float));
    amem__rng rng;
    amem__rng_seed(&rng, 1234);
    for (size_t i = 0; i < B; i++) {
        th[i] = (float)(0.6 + 0.4 * amem__rng_uniform(&rng));
        double s = amem__diffusion_std_of_theta(h, th[i]);
        const float *y = h->patterns + (i % h->count) * d;
        amem__rng_normals(&rng, tg + i * d, d);
        for (size_t j = 0; j < d; j++)
            x[i * d + j] = (float)(th[i] * y[j] + s * tg[i * d + j]);
    }
    double loss = amem__dmlp_loss_grad(h->net, x, th, tg, B, g, ws);
    free(x);
    free(tg);
    free(th);
    free(g);
    free(ws);
    return loss;
}

START_TEST(test_training_reduces_loss)
{
    amem_diffusion *h = make_trained(1);
    double before = eval_loss(h);
    AMEM_ASSERT_OK(amem_diffusion_train(h, 600, NULL, NULL, NULL));
    double after = eval_loss(h);
    ck_assert_msg(after < 0.6 * before, "loss %g -> %g", before, after);
    size_t iters = 0, hidden = 0, layers = 0, params = 0;
    AMEM_ASSERT_OK(amem_diffusion_network_info(h, &hidden, &layers, &params));
    AMEM_ASSERT_OK(amem_diffusion_step_count(h, &iters));
    ck_assert_uint_eq(iters, 601);
    ck_assert_uint_eq(hidden, 24);
    ck_assert_uint_eq(layers, 2);
    ck_assert_uint_eq(params, amem__dmlp_param_count(4, 24, 2));
    /* The learned ODE recall runs and gives finite states. */
    float q[8] = {0.5f, -0.7f, 0.6f, 0.1f, -0.2f, 0.9f, -0.6f, 0.4f}, out[8];
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_SCORE,
                                      AMEM_DIFFUSION_SCORE_LEARNED));
    AMEM_ASSERT_OK(amem_diffusion_recall(h, q, 2, NULL, out, NULL));
    for (int i = 0; i < 8; i++)
        ck_assert(isfinite(out[i]));
    amem_diffusion_free(h);
}
END_TEST

/* Training on two threads (the batch split in two, BLAS single-threaded
 * meanwhile) follows the one-thread run, and the thread count comes back. */
START_TEST(test_training_threads_agree)
{
    float *p = random_signs(12, 4, 13);
    amem_diffusion *h[2];
    double loss[2], eval[2];
    int threads = amem_get_num_threads();
    for (int k = 0; k < 2; k++) {
        AMEM_ASSERT_OK(amem_set_num_threads(k + 1));
        h[k] = make_stored(4, p, 12);
        AMEM_ASSERT_OK(amem_diffusion_set(h[k], AMEM_DIFFUSION_HIDDEN, 24));
        AMEM_ASSERT_OK(amem_diffusion_train(h[k], 30, NULL, NULL, &loss[k]));
        ck_assert_int_eq(amem_get_num_threads(), k + 1);
        eval[k] = eval_loss(h[k]);
    }
    AMEM_ASSERT_OK(amem_set_num_threads(threads));
    ck_assert_double_eq_tol(loss[0], loss[1], 1e-3 * loss[0]);
    ck_assert_double_eq_tol(eval[0], eval[1], 1e-3 * eval[0]);
    amem_diffusion_free(h[0]);
    amem_diffusion_free(h[1]);
    free(p);
}
END_TEST

/* Patterns of size 1e22 make the weight gradients overflow float
 * (activations near 1e22 times output gradients near 1e19) while the loss,
 * summed in double from float residuals near 1e20, stays finite: training
 * stops at its first step with AMEM_E_NONFINITE and leaves the network and
 * the step count as they were (only the generator has drawn the batch), on
 * one job and on two (12 rows: the batch is split). */
START_TEST(test_nonfinite_gradient_not_applied)
{
    float *p = random_signs(12, 4, 13);
    float before[12 * 4], after[12 * 4];
    int threads = amem_get_num_threads();
    for (int k = 0; k < 2; k++) {
        AMEM_ASSERT_OK(amem_set_num_threads(k + 1));
        amem_diffusion *h = make_stored(4, p, 12);
        AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_HIDDEN, 24));
        AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_SCORE, 1));
        AMEM_ASSERT_OK(amem_diffusion_train(h, 3, NULL, NULL, NULL));
        AMEM_ASSERT_OK(amem_diffusion_score(h, p, 12, 0.5, before));
        AMEM_ASSERT_OK(amem_diffusion_clear(h));
        for (size_t i = 0; i < 12 * 4; i++)
            p[i] *= 1e22f;
        AMEM_ASSERT_OK(amem_diffusion_store(h, p, 12));
        for (size_t i = 0; i < 12 * 4; i++)
            p[i] /= 1e22f;
        double loss = 0;
        size_t count;
        AMEM_ASSERT_STATUS(amem_diffusion_train(h, 4, NULL, NULL, &loss),
                           AMEM_E_NONFINITE);
        ck_assert(isnan(loss)); /* no step finished */
        AMEM_ASSERT_OK(amem_diffusion_step_count(h, &count));
        ck_assert_uint_eq(count, 3);
        AMEM_ASSERT_OK(amem_diffusion_score(h, p, 12, 0.5, after));
        ck_assert_mem_eq(before, after, sizeof before);
        amem_diffusion_free(h);
    }
    AMEM_ASSERT_OK(amem_set_num_threads(threads));
    free(p);
}
END_TEST

typedef struct calls {
    long count, last_done;
    double last_metric;
    int cancel_at;
} calls;

static int on_progress(void *user, const char *stage, long done, long total,
                       double metric)
{
    calls *c = user;
    ck_assert_str_eq(stage, "train");
    ck_assert_int_eq(total, 250);
    c->count++;
    c->last_done = done;
    c->last_metric = metric;
    return c->count == c->cancel_at;
}

START_TEST(test_progress_and_cancel)
{
    amem_diffusion *h = make_trained(5);
    calls c = {0, 0, 0, 0};
    double loss = 0;
    AMEM_ASSERT_OK(amem_diffusion_train(h, 250, on_progress, &c, &loss));
    ck_assert_int_eq(c.count, 250); /* after every step */
    ck_assert_int_eq(c.last_done, 250);
    ck_assert_double_eq(c.last_metric, loss);
    /* A cancel after the second step keeps both: the handle is the one
     * that trained two more steps. */
    amem_diffusion *twin = make_trained(5);
    AMEM_ASSERT_OK(amem_diffusion_train(twin, 250, NULL, NULL, NULL));
    AMEM_ASSERT_OK(amem_diffusion_train(twin, 2, NULL, NULL, NULL));
    size_t len, count;
    unsigned char *ref = image(twin, &len);
    calls stop = {0, 0, 0, 2};
    AMEM_ASSERT_STATUS(amem_diffusion_train(h, 250, on_progress, &stop, &loss),
                       AMEM_E_CANCELLED);
    ck_assert_double_eq(stop.last_metric, loss);
    AMEM_ASSERT_OK(amem_diffusion_step_count(h, &count));
    ck_assert_uint_eq(count, 5 + 250 + 2);
    ck_assert(same_image(h, ref, len));
    AMEM_ASSERT_OK(amem_diffusion_train(h, 10, NULL, NULL, NULL));
    amem_free(ref);
    amem_diffusion_free(twin);
    amem_diffusion_free(h);
}
END_TEST

/* ---- data-parallel training (docs/api.md C16) ------------------------ */

static int diffusion_step(void *h)
{
    return amem_diffusion_train(h, 1, NULL, NULL, NULL);
}

/* Two workers (11 rows: slices of 6 and 5, each split over two jobs) end
 * where one worker does, to float rounding; both workers stay equal. */
START_TEST(test_two_workers_equal_one)
{
    float *p = random_signs(22, 4, 19);
    amem_diffusion *h[3];
    for (int k = 0; k < 3; k++) {
        h[k] = make_stored(4, p, 22);
        AMEM_ASSERT_OK(amem_diffusion_set(h[k], AMEM_DIFFUSION_HIDDEN, 24));
        AMEM_ASSERT_OK(amem_diffusion_set(h[k], AMEM_DIFFUSION_SEED, 3));
    }
    dp_pair pair = {diffusion_step, h[2], NULL, 0};
    amem_data_parallel d0 = {dp_pair_outer, &pair, 0, 2};
    amem_data_parallel d1 = {dp_pair_inner, &pair, 1, 2};
    AMEM_ASSERT_OK(amem_diffusion_set_data_parallel(h[1], &d0));
    AMEM_ASSERT_OK(amem_diffusion_set_data_parallel(h[2], &d1));
    double one, two;
    AMEM_ASSERT_OK(amem_diffusion_train(h[0], 5, NULL, NULL, &one));
    for (int s = 0; s < 5; s++)
        AMEM_ASSERT_OK(amem_diffusion_train(h[1], 1, NULL, NULL, &two));
    ck_assert_double_eq_tol(one, two, 1e-5 * one);
    const amem__dmlp *m[3] = {h[0]->net, h[1]->net, h[2]->net};
    for (size_t i = 0; i < m[0]->n_params; i++) {
        ck_assert_float_eq(m[1]->params[i], m[2]->params[i]);
        ck_assert_msg(fabsf(m[0]->params[i] - m[1]->params[i]) < 1e-5f,
                      "param %zu: %g vs %g", i, (double)m[0]->params[i],
                      (double)m[1]->params[i]);
    }
    amem_data_parallel bad = {dp_pair_outer, &pair, 2, 2};
    AMEM_ASSERT_STATUS(amem_diffusion_set_data_parallel(h[1], &bad),
                       AMEM_E_RANGE);
    for (int k = 0; k < 3; k++)
        amem_diffusion_free(h[k]);
    free(p);
}
END_TEST

/* ---- persistence ---------------------------------------------------- */

START_TEST(test_save_load_roundtrip)
{
    amem_diffusion *h = make_trained(20);
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_GAMMA, 0.7));
    size_t len;
    unsigned char *ref = image(h, &len);
    char path[256];
    amem_test_tmp_path(path, sizeof path, "diffusion");
    AMEM_ASSERT_OK(amem_diffusion_save(h, path));
    amem_diffusion *f = NULL, *m = NULL;
    AMEM_ASSERT_OK(amem_diffusion_load(path, &f));
    AMEM_ASSERT_OK(amem_diffusion_load_mem(ref, len, &m));
    ck_assert(same_image(f, ref, len));
    ck_assert(same_image(m, ref, len));
    /* Loaded handles compute the same: learned SDE recall, same RNG. */
    float q[8] = {0.3f, -0.2f, 0.9f, -0.4f, 0.1f, 0.5f, -0.8f, 0.2f};
    float o1[8], o2[8];
    amem_diffusion *hs[2] = {h, m};
    float *os[2] = {o1, o2};
    for (int k = 0; k < 2; k++) {
        AMEM_ASSERT_OK(amem_diffusion_set(hs[k], AMEM_DIFFUSION_SCORE, 1));
        AMEM_ASSERT_OK(amem_diffusion_set(hs[k], AMEM_DIFFUSION_SAMPLER, 1));
        AMEM_ASSERT_OK(amem_diffusion_recall(hs[k], q, 2, NULL, os[k], NULL));
    }
    ck_assert_int_eq(memcmp(o1, o2, sizeof o1), 0);
    remove(path);
    amem_free(ref);
    amem_diffusion_free(f);
    amem_diffusion_free(m);
    amem_diffusion_free(h);
}
END_TEST

START_TEST(test_load_rejects_bad_files)
{
    amem_diffusion *h = make_trained(2), *out = (amem_diffusion *)1;
    size_t len;
    unsigned char *img = image(h, &len);
    AMEM_ASSERT_STATUS(amem_diffusion_load_mem(img, len - 1, &out),
                       AMEM_E_FORMAT);
    ck_assert_ptr_null(out);
    img[40] ^= 1; /* CRC mismatch */
    AMEM_ASSERT_STATUS(amem_diffusion_load_mem(img, len, &out), AMEM_E_FORMAT);
    AMEM_ASSERT_STATUS(amem_diffusion_load_mem(NULL, len, &out), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_diffusion_load("/nonexistent/dir/x.amem", &out),
                       AMEM_E_IO);
    amem_hopfield *hop = NULL;
    AMEM_ASSERT_OK(amem_hopfield_create(AMEM_HOPFIELD_MODERN, 4, 0, &hop));
    void *hi = NULL;
    size_t hl;
    AMEM_ASSERT_OK(amem_hopfield_save_mem(hop, &hi, &hl));
    AMEM_ASSERT_STATUS(amem_diffusion_load_mem(hi, hl, &out), AMEM_E_FORMAT);
    amem_free(hi);
    amem_hopfield_free(hop);
    amem_free(img);
    amem_diffusion_free(h);
}
END_TEST

/* ---- bad inputs ----------------------------------------------------- */

START_TEST(test_bad_arguments)
{
    const size_t d = 4;
    amem_diffusion *h = NULL;
    AMEM_ASSERT_OK(amem_diffusion_create(d, &h));
    float q[8] = {0}, out[8], bad[8] = {0, 0, NAN, 0, 0, 0, 0, 0};
    float *p = random_signs(2, d, 61);
    double lp[2];
    /* Nothing stored / no network. */
    AMEM_ASSERT_STATUS(amem_diffusion_recall(h, q, 2, NULL, out, NULL),
                       AMEM_E_STATE);
    AMEM_ASSERT_STATUS(amem_diffusion_weights(h, q, 2, 0.5, out), AMEM_E_STATE);
    AMEM_ASSERT_STATUS(amem_diffusion_train(h, 5, NULL, NULL, NULL),
                       AMEM_E_STATE);
    AMEM_ASSERT_STATUS(amem_diffusion_get_patterns(h, out), AMEM_E_STATE);
    AMEM_ASSERT_STATUS(amem_diffusion_store(h, NULL, 2), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_diffusion_store(h, p, 0), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_diffusion_store(h, bad, 2), AMEM_E_NONFINITE);
    AMEM_ASSERT_OK(amem_diffusion_store(h, p, 2));
    size_t len;
    unsigned char *ref = image(h, &len);
    AMEM_ASSERT_STATUS(amem_diffusion_recall(h, q, 0, NULL, out, NULL),
                       AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_diffusion_recall(h, bad, 2, NULL, out, NULL),
                       AMEM_E_NONFINITE);
    AMEM_ASSERT_STATUS(amem_diffusion_recall(h, q, 2, NULL, NULL, NULL),
                       AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_diffusion_recall(h, q, 2, NULL, q, NULL),
                       AMEM_E_ARG);
    float half[8] = {0.5f, 0, 0, 0, 0, 0, 0, 0};
    AMEM_ASSERT_STATUS(amem_diffusion_recall(h, q, 2, half, out, NULL),
                       AMEM_E_ARG);
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_T_END, 5));
    AMEM_ASSERT_STATUS(amem_diffusion_recall(h, q, 2, NULL, out, NULL),
                       AMEM_E_RANGE);
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_T_END, 1e-3));
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_SCORE, 1));
    AMEM_ASSERT_STATUS(amem_diffusion_recall(h, q, 2, NULL, out, NULL),
                       AMEM_E_STATE);
    AMEM_ASSERT_STATUS(amem_diffusion_score(h, q, 2, 0.5, out), AMEM_E_STATE);
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_SCORE, 0));
    AMEM_ASSERT_STATUS(amem_diffusion_score(h, q, 2, 0.0, out), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_diffusion_score(h, q, 2, INFINITY, out),
                       AMEM_E_NONFINITE);
    AMEM_ASSERT_STATUS(amem_diffusion_log_density(h, q, 2, 0.5, NULL),
                       AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_diffusion_log_density(h, bad, 2, 0.5, lp),
                       AMEM_E_NONFINITE);
    AMEM_ASSERT_STATUS(amem_diffusion_train(h, 0, NULL, NULL, NULL),
                       AMEM_E_RANGE);
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_TRAIN_THETA_MIN, 0.9));
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_TRAIN_THETA_MAX, 0.8));
    AMEM_ASSERT_STATUS(amem_diffusion_train(h, 5, NULL, NULL, NULL),
                       AMEM_E_RANGE);
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_TRAIN_THETA_MIN, 0.6));
    AMEM_ASSERT_OK(amem_diffusion_set(h, AMEM_DIFFUSION_TRAIN_THETA_MAX, 1));
    ck_assert(same_image(h, ref, len)); /* failed calls changed nothing */
    AMEM_ASSERT_STATUS(amem_diffusion_save(h, NULL), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_diffusion_save(NULL, "x"), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_diffusion_save(h, "/nonexistent/dir/x.amem"),
                       AMEM_E_IO);
    AMEM_ASSERT_OK(amem_diffusion_clear(h));
    size_t n = 9;
    AMEM_ASSERT_OK(amem_diffusion_count(h, &n));
    ck_assert_uint_eq(n, 0);
    amem_free(ref);
    free(p);
    amem_diffusion_free(h);
}
END_TEST

Suite *amem_suite_diffusion(void)
{
    Suite *s = suite_create("diffusion");
    TCase *api = tcase_create("api");
    tcase_add_test(api, test_create_and_settings);
    tcase_add_test(api, test_schedule);
    tcase_add_test(api, test_ve_schedule);
    tcase_add_test(api, test_extended_semantic_density);
    tcase_add_test(api, test_ve_recall_matches_vp);
    tcase_add_test(api, test_forward_moments);
    tcase_add_test(api, test_bad_arguments);
    tcase_add_test(api, test_save_load_roundtrip);
    tcase_add_test(api, test_load_rejects_bad_files);
    suite_add_tcase(s, api);
    TCase *math = tcase_create("math");
    tcase_set_timeout(math, 60);
    tcase_add_test(math, test_exact_score_is_gradient_of_log_density);
    tcase_add_test(math, test_log_density_single_pattern);
    tcase_add_test(math, test_weights_equal_modern_hopfield);
    tcase_add_test(math, test_ode_returns_to_stored_pattern);
    tcase_add_test(math, test_trajectory_and_clamp);
    tcase_add_test(math, test_sde_same_seed_same_output);
    tcase_add_test(math, test_mlp_gradient);
    tcase_add_test(math, test_mlp_predict_matches_definition);
    tcase_add_test(math, test_learned_recall_matches_definition);
    tcase_add_test(math, test_training_reduces_loss);
    tcase_add_test(math, test_training_threads_agree);
    tcase_add_test(math, test_nonfinite_gradient_not_applied);
    tcase_add_test(math, test_progress_and_cancel);
    tcase_add_test(math, test_two_workers_equal_one);
    suite_add_tcase(s, math);
    return s;
}
