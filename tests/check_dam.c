/* Check suite `dam`: dynamics, gradients, trainer and API of amem_dam. */
#define AMEM_EXPERIMENTAL_API
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assocmem/dam.h"
#include "engine/engine.h"
#include "engine/ops.h"
#include "core/modelfile.h"
#include "core/rng.h"
#include "dam/dam_impl.h"
#include "dam/gram.h"
#include "testutil.h"
#include "testutil_dp.h"

/* ---- helpers --------------------------------------------------------- */

static amem_dam *make(size_t n, size_t m, uint64_t seed)
{
    amem_dam *h = NULL;
    AMEM_ASSERT_OK(amem_dam_create(n, m, &h));
    AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_SEED, (double)seed));
    AMEM_ASSERT_OK(amem_dam_reset(h));
    return h;
}

/* n unit-norm items of dimension d with entries in [0, 1). */
static float *unit_items(size_t n, size_t d, uint64_t seed)
{
    amem__rng rng;
    amem__rng_seed(&rng, seed);
    float *x = malloc(n * d * sizeof(float));
    for (size_t i = 0; i < n; i++) {
        double s = 0.0;
        for (size_t j = 0; j < d; j++) {
            x[i * d + j] = (float)amem__rng_uniform(&rng);
            s += (double)x[i * d + j] * x[i * d + j];
        }
        for (size_t j = 0; j < d; j++)
            x[i * d + j] = (float)(x[i * d + j] / sqrt(s));
    }
    return x;
}

/* Train whole epochs (steps_per_epoch steps each). */
static int train_epochs(amem_dam *h, size_t epochs)
{
    size_t spe = 0;
    int rc = amem_dam_steps_per_epoch(h, &spe);
    return rc == AMEM_OK ? amem_dam_train(h, epochs * spe, NULL, NULL, NULL)
                         : rc;
}

static unsigned char *image(const amem_dam *h, size_t *len)
{
    void *data = NULL;
    AMEM_ASSERT_OK(amem_dam_save_mem(h, &data, len));
    return data;
}

static int same_image(const amem_dam *h, const unsigned char *ref, size_t n)
{
    size_t len;
    unsigned char *now = image(h, &len);
    int same = len == n && memcmp(now, ref, n) == 0;
    amem_free(now);
    return same;
}

/* A small training set: R near-copies of one item and E of another. */
static void small_set(amem_dam *h, size_t r, size_t e, int with_labels)
{
    size_t d;
    amem_dam_visible(h, &d);
    float *proto = unit_items(2, d, 99), *x = unit_items(r + e, d, 5);
    int32_t *lab = malloc((r + e) * sizeof(int32_t));
    for (size_t i = 0; i < r + e; i++) {
        const float *p = proto + (i < r ? 0 : d);
        for (size_t j = 0; j < d; j++)
            x[i * d + j] = 0.8f * p[j] + 0.2f * x[i * d + j];
        lab[i] = i >= r;
    }
    AMEM_ASSERT_OK(amem_dam_set_data(h, x, with_labels ? lab : NULL, r + e));
    free(proto);
    free(x);
    free(lab);
}

/* ---- dynamics -------------------------------------------------------- */

/* One hidden unit: f = 1, so every free entry converges to xi_hat. */
START_TEST(test_fixed_point_single_memory)
{
    size_t N = 8;
    amem_dam *h = make(N, 1, 1);
    float w[8], cue[8] = {0}, out[8], what[8], f;
    for (size_t j = 0; j < N; j++)
        w[j] = (float)(j + 1);
    AMEM_ASSERT_OK(amem_dam_set_weights(h, w));
    AMEM_ASSERT_OK(amem_dam_get_weights(h, what, 1));
    cue[0] = 0.3f;
    int steps;
    AMEM_ASSERT_OK(amem_dam_recall(h, cue, 1, NULL, out, &steps, &f));
    ck_assert_int_le(steps, 1000);
    ck_assert_float_eq(f, 1.0f);
    for (size_t j = 0; j < N; j++)
        ck_assert_float_eq_tol(out[j], what[j], 1e-4);
    /* From the fixed point, one step changes nothing beyond the tolerance. */
    float again[8];
    AMEM_ASSERT_OK(amem_dam_recall(h, out, 1, NULL, again, &steps, NULL));
    ck_assert_int_eq(steps, 1);
    amem_dam_free(h);
}
END_TEST

/* Stored items as weights with a sharp softmax: clamped half-cues complete. */
START_TEST(test_fixed_point_completion)
{
    size_t N = 32, M = 4;
    amem_dam *h = make(N, M, 2);
    float *p = unit_items(M, N, 7);
    AMEM_ASSERT_OK(amem_dam_set_weights(h, p));
    AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_BETA, 200));
    float cue[4 * 32], clamp[4 * 32], out[4 * 32], hid[4 * 4], what[4 * 32];
    int steps[4];
    AMEM_ASSERT_OK(amem_dam_get_weights(h, what, 1));
    AMEM_ASSERT_OK(amem_dam_perturb(h, p, M, cue, clamp));
    AMEM_ASSERT_OK(amem_dam_recall(h, cue, M, clamp, out, steps, hid));
    for (size_t i = 0; i < M; i++) {
        ck_assert_int_le(steps[i], 1000);
        for (size_t j = 0; j < N; j++) {
            ck_assert_float_eq_tol(out[i * N + j], p[i * N + j], 2e-3);
            if (clamp[i * N + j] == 1.0f)
                ck_assert_float_eq(out[i * N + j], cue[i * N + j]);
        }
        /* Fixed-point equation on the free entries: v = W_hat^T f*. */
        for (size_t j = 0; j < N; j++) {
            double u = 0.0;
            for (size_t m = 0; m < M; m++)
                u += (double)hid[i * M + m] * what[m * N + j];
            if (clamp[i * N + j] == 0.0f)
                ck_assert_double_eq_tol(out[i * N + j], u, 1e-4);
        }
    }
    free(p);
    amem_dam_free(h);
}
END_TEST

/* Unclamped PAPER dynamics: E(v) never increases step by step. */
START_TEST(test_energy_descent)
{
    size_t N = 12, M = 6, K = 120;
    amem_dam *h = make(N, M, 3);
    float *cue = unit_items(1, N, 11), out[12];
    AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_TOLERANCE, 0));
    double prev, e;
    AMEM_ASSERT_OK(amem_dam_energy(h, cue, 1, &prev));
    for (size_t k = 1; k <= K; k++) {
        AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_MAX_STEPS, (double)k));
        AMEM_ASSERT_OK(amem_dam_recall(h, cue, 1, NULL, out, NULL, NULL));
        AMEM_ASSERT_OK(amem_dam_energy(h, out, 1, &e));
        ck_assert_msg(e <= prev + 1e-6, "step %zu: %g > %g", k, e, prev);
        prev = e;
    }
    free(cue);
    amem_dam_free(h);
}
END_TEST

/* Clamped recall converges for both dynamics, and per-item results do not
 * depend on the batch they run in. */
START_TEST(test_convergence_and_batching)
{
    size_t N = 20, M = 7, n = 9;
    for (int dyn = 0; dyn <= 1; dyn++) {
        amem_dam *h = make(N, M, 4);
        AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_DYNAMICS, dyn));
        float *x = unit_items(n, N, 12), cue[9 * 20], clamp[9 * 20];
        float out[9 * 20], one[20];
        int steps[9], s1;
        AMEM_ASSERT_OK(amem_dam_perturb(h, x, n, cue, clamp));
        AMEM_ASSERT_OK(amem_dam_recall(h, cue, n, clamp, out, steps, NULL));
        for (size_t i = 0; i < n; i++) {
            ck_assert_int_le(steps[i], 1000);
            AMEM_ASSERT_OK(amem_dam_recall(h, cue + i * N, 1, clamp + i * N,
                                           one, &s1, NULL));
            /* A batch of one may take a different sgemm kernel (BLIS does),
             * so on a slow tail the step at which the 1e-6 tolerance is
             * crossed can move by a few steps; the states must still agree. */
            ck_assert_int_le(abs(s1 - steps[i]), 3 + steps[i] / 50);
            for (size_t j = 0; j < N; j++)
                ck_assert_float_eq_tol(one[j], out[i * N + j], 1e-5);
        }
        free(x);
        amem_dam_free(h);
    }
}
END_TEST


/* The hidden-space run (gram.c) equals the direct run (dynamics.c), with
 * nonzero free cue entries and random clamps. */
START_TEST(test_gram_matches_direct)
{
    size_t N = 24, M = 6, b = 7;
    amem_dam *h = make(N, M, 15);
    AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_TOLERANCE, 1e-4));
    amem__dam_cfg cfg;
    amem__dam_cfg_from(h, &cfg);
    float *cue = unit_items(b, N, 31), clamp[7 * 24], what[6 * 24], nrm[6];
    amem__rng rng;
    amem__rng_seed(&rng, 5);
    for (size_t k = 0; k < b * N; k++)
        clamp[k] = amem__rng_uniform(&rng) < 0.3 ? 1.0f : 0.0f;
    amem__dam_normalize_rows(h->w, M, N, what, nrm);
    amem__arena *ar = amem__arena_create(1 << 20);
    amem__dam_gram g;
    AMEM_ASSERT_OK(amem__dam_gram_forward(&g, &cfg, what, cue, clamp, b, ar, 0));
    float out1[7 * 24], hid1[7 * 6], out2[7 * 24], hid2[7 * 6];
    amem__dam_gram_collect(&g, out1, hid1);
    amem__dam_run r;
    void *buf = malloc(amem__dam_run_bytes(&cfg, b));
    amem__dam_run_setup(&r, &cfg, what, b, buf);
    memcpy(r.cue, cue, sizeof out1);
    memcpy(r.clamp, clamp, sizeof clamp);
    AMEM_ASSERT_OK(amem__dam_forward(&r));
    amem__dam_collect(&r, out2, hid2);
    for (size_t i = 0; i < b; i++) {
        ck_assert_int_le(abs(g.time[i] - r.time[i]), 1);
        ck_assert_int_le(g.time[i], 1000);
    }
    for (size_t k = 0; k < b * N; k++)
        ck_assert_float_eq_tol(out1[k], out2[k], 1e-4);
    for (size_t k = 0; k < b * M; k++)
        ck_assert_float_eq_tol(hid1[k], hid2[k], 1e-4);
    free(buf);
    free(cue);
    amem__arena_free(ar);
    amem_dam_free(h);
}
END_TEST

/* ---- gradients ------------------------------------------------------- */

typedef struct grad_case {
    size_t N, M, b;
    float *cue, *clamp, *x, *wt;
} grad_case;

static grad_case make_case(size_t N, size_t M, size_t b, amem_dam *h)
{
    grad_case c = {N, M, b, NULL, NULL, NULL, NULL};
    c.x = unit_items(b, N, 21);
    c.cue = malloc(b * N * sizeof(float));
    c.clamp = malloc(b * N * sizeof(float));
    c.wt = malloc(b * sizeof(float));
    AMEM_ASSERT_OK(amem_dam_perturb(h, c.x, b, c.cue, c.clamp));
    /* Free entries start away from zero, so every term of the hidden-space
     * form (a = W_hat (e.x~), ||e.x~||) carries gradient. */
    for (size_t k = 0; k < b * N; k++)
        if (c.clamp[k] == 0.0f)
            c.cue[k] = 0.5f * c.x[k];
    for (size_t i = 0; i < b; i++)
        c.wt[i] = 0.2f + 0.3f * (float)i;
    return c;
}

static void free_case(grad_case *c)
{
    free(c->cue);
    free(c->clamp);
    free(c->x);
    free(c->wt);
}

/* The same loss through the generic engine, every item frozen after its
 * convergence step (steps[i]) as the fused path does. */
static double engine_grad(const amem_dam *h, const grad_case *c,
                          const int *steps, float *grad)
{
    amem__dam_cfg cfg;
    amem__dam_cfg_from(h, &cfg);
    size_t N = c->N, M = c->M, b = c->b;
    amem__graph *g = amem__graph_create(1 << 22);
    float *w = malloc(M * N * sizeof(float)), *act = malloc(b * N * 4);
    memcpy(w, h->w, M * N * sizeof(float));
    memset(grad, 0, M * N * sizeof(float));
    int sw[2] = {(int)M, (int)N}, sv[2] = {(int)b, (int)N}, sb[2] = {(int)b, 1};
    amem__node *W = amem__param(g, w, grad, 2, sw);
    amem__node *What = amem__l2_normalize(g, W, AMEM__DAM_EPS);
    amem__node *v = amem__constant(g, c->cue, 2, sv);
    amem__node *cue = amem__constant(g, c->cue, 2, sv);
    amem__node *cl = amem__constant(g, c->clamp, 2, sv);
    int tmax = 0;
    for (size_t i = 0; i < b; i++)
        tmax = steps[i] > tmax ? steps[i] : tmax;
    tmax = tmax > cfg.max_steps ? cfg.max_steps : tmax;
    for (int t = 1; t <= tmax; t++) {
        amem__node *A = cfg.reference ? v : amem__l2_normalize(g, v, AMEM__DAM_EPS);
        amem__node *F = amem__softmax(g, amem__matmul(g, A, What, 0, 1),
                                      cfg.beta);
        amem__node *Z = amem__matmul(g, F, What, 0, 0);
        if (cfg.reference)
            Z = amem__l2_normalize(g, Z, AMEM__DAM_EPS);
        amem__node *nv = amem__add(g, amem__scale(g, v, 1.0f - cfg.eta),
                                   amem__scale(g, Z, cfg.eta));
        nv = amem__blend(g, cl, cue, nv);
        for (size_t i = 0; i < b; i++)
            for (size_t j = 0; j < N; j++)
                act[i * N + j] = t <= steps[i] ? 1.0f : 0.0f;
        v = amem__blend(g, amem__constant(g, act, 2, sv), nv, v);
    }
    amem__node *d = amem__sub(g, v, amem__constant(g, c->x, 2, sv));
    amem__node *l = amem__row_sum(g, amem__mul(g, d, d));
    amem__node *L = amem__sum(g, amem__mul(g, l, amem__constant(g, c->wt, 2, sb)));
    ck_assert_int_eq(g->status, AMEM_OK);
    AMEM_ASSERT_OK(amem__backward(g, L, NULL));
    double loss = L->val[0];
    amem__graph_free(g);
    free(w);
    free(act);
    return loss;
}

static double max_rel_diff(const float *a, const float *b, size_t n)
{
    double top = 0.0, scale = 1e-3;
    for (size_t i = 0; i < n; i++) {
        top = fmax(top, fabs((double)a[i] - b[i]));
        scale = fmax(scale, fabs((double)b[i]));
    }
    return top / scale;
}

/* Fused BPTT equals the generic engine, with per-item freezing (tol > 0). */
START_TEST(test_grad_vs_engine)
{
    size_t N = 10, M = 5, b = 6;
    /* Cases: per-item freezing (tol > 0), and a long fixed unroll whose
     * staged weight gradient rows overflow one flush (120 x 12 > 1024). */
    for (int k = 0; k < 4; k++) {
        int dyn = k % 2, frozen = k < 2;
        amem_dam *h = make(N, M, 5);
        AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_DYNAMICS, dyn));
        AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_TOLERANCE, frozen ? 2e-3 : 0));
        AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_MAX_STEPS, frozen ? 60 : 120));
        grad_case c = make_case(N, M, b, h);
        float out[6 * 10], g1[50], g2[50];
        int steps[6];
        AMEM_ASSERT_OK(amem_dam_recall(h, c.cue, b, c.clamp, out, steps, NULL));
        int distinct = 0;
        for (size_t i = 1; i < b; i++)
            distinct |= steps[i] != steps[0];
        ck_assert_msg(distinct || !frozen,
                      "items should converge at different steps");
        double l1, l2;
        AMEM_ASSERT_OK(amem__dam_loss_grad(h, c.cue, c.clamp, c.x, c.wt, b,
                                           &l1, g1));
        l2 = engine_grad(h, &c, steps, g2);
        ck_assert_double_eq_tol(l1, l2, 1e-5 * fmax(1.0, fabs(l2)));
        double rel = max_rel_diff(g1, g2, M * N);
        ck_assert_msg(rel < 1e-4, "dynamics %d: fused vs engine %g", dyn, rel);
        free_case(&c);
        amem_dam_free(h);
    }
}
END_TEST

/* Each item's Gram matrix is built from its free columns when they are at
 * most half, else from all columns minus its clamped ones (and with no
 * clamp at all it is the shared W_hat W_hat^T): every way gives the
 * engine's gradient, also when one batch mixes them. */
START_TEST(test_grad_gram_sides)
{
    size_t N = 12, M = 5, b = 4;
    for (int k = 0; k < 4; k++) {
        amem_dam *h = make(N, M, 40 + (uint64_t)k);
        AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_TOLERANCE, 0));
        AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_MAX_STEPS, 40));
        AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_MASK_FRACTION,
                                    k == 0 ? 0.25 : 0.75));
        grad_case c = make_case(N, M, b, h);
        if (k >= 2) /* no clamp in item 0 (k = 2) or in every item (k = 3) */
            memset(c.clamp, 0, (k == 2 ? 1 : b) * N * sizeof(float));
        float out[4 * 12], g1[60], g2[60];
        int steps[4];
        AMEM_ASSERT_OK(amem_dam_recall(h, c.cue, b, c.clamp, out, steps, NULL));
        double l1, l2;
        AMEM_ASSERT_OK(amem__dam_loss_grad(h, c.cue, c.clamp, c.x, c.wt, b,
                                           &l1, g1));
        l2 = engine_grad(h, &c, steps, g2);
        ck_assert_double_eq_tol(l1, l2, 1e-5 * fmax(1.0, fabs(l2)));
        double rel = max_rel_diff(g1, g2, M * N);
        ck_assert_msg(rel < 1e-4, "case %d: fused vs engine %g", k, rel);
        free_case(&c);
        amem_dam_free(h);
    }
}
END_TEST

/* Fused BPTT against central differences (fixed unroll: tolerance 0). */
START_TEST(test_grad_vs_finite_differences)
{
    size_t N = 7, M = 4, b = 3;
    for (int dyn = 0; dyn <= 1; dyn++) {
        amem_dam *h = make(N, M, 6);
        AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_DYNAMICS, dyn));
        AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_TOLERANCE, 0));
        AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_MAX_STEPS, 25));
        AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_DT, 0.2));
        grad_case c = make_case(N, M, b, h);
        float g[28], num[28];
        AMEM_ASSERT_OK(amem__dam_loss_grad(h, c.cue, c.clamp, c.x, c.wt, b,
                                           NULL, g));
        const double eps = 1e-2;
        float scratch[28];
        for (size_t k = 0; k < M * N; k++) {
            float keep = h->w[k];
            double lp, lm;
            h->w[k] = (float)(keep + eps);
            AMEM_ASSERT_OK(amem__dam_loss_grad(h, c.cue, c.clamp, c.x, c.wt,
                                               b, &lp, scratch));
            h->w[k] = (float)(keep - eps);
            AMEM_ASSERT_OK(amem__dam_loss_grad(h, c.cue, c.clamp, c.x, c.wt,
                                               b, &lm, scratch));
            h->w[k] = keep;
            num[k] = (float)((lp - lm) / (2 * eps));
        }
        double rel = max_rel_diff(g, num, M * N);
        ck_assert_msg(rel < 2e-2, "dynamics %d: fused vs FD %g", dyn, rel);
        free_case(&c);
        amem_dam_free(h);
    }
}
END_TEST


/* A step cap too large for the tape scratch records by running twice; the
 * gradient is the same. */
START_TEST(test_grad_tape_without_scratch)
{
    size_t N = 16, M = 100, b = 3;
    float *g1 = malloc(M * N * sizeof(float)), *g2 = malloc(M * N * 4);
    amem_dam *h = make(N, M, 16);
    AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_TOLERANCE, 1e-3));
    grad_case c = make_case(N, M, b, h);
    AMEM_ASSERT_OK(amem__dam_loss_grad(h, c.cue, c.clamp, c.x, c.wt, b, NULL,
                                       g1));
    AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_MAX_STEPS, 100000));
    AMEM_ASSERT_OK(amem__dam_loss_grad(h, c.cue, c.clamp, c.x, c.wt, b, NULL,
                                       g2));
    ck_assert(memcmp(g1, g2, M * N * sizeof(float)) == 0);
    free_case(&c);
    free(g1);
    free(g2);
    amem_dam_free(h);
}
END_TEST

/* ---- weights and sampling ------------------------------------------- */

START_TEST(test_gamma_zero_uniform)
{
    size_t n = 37, b = 9, idx[9];
    double alpha[37], p[37], e[37];
    float wt[9];
    amem__rng rng;
    amem__rng_seed(&rng, 3);
    for (size_t i = 0; i < n; i++)
        alpha[i] = amem__rng_uniform(&rng);
    for (size_t k = 0; k < b; k++)
        idx[k] = 3 * k + 1;
    ck_assert_uint_eq(amem__dam_softmax_weights(alpha, n, 0.0, p), n);
    for (size_t i = 0; i < n; i++)
        ck_assert(p[i] == 1.0 / (double)n);
    for (int dataset = 0; dataset <= 1; dataset++) {
        amem__dam_batch_weights(alpha, n, idx, b, 0.0, dataset, wt, e);
        for (size_t k = 0; k < b; k++)
            ck_assert(wt[k] == (float)(1.0 / (double)b));
    }
    /* gamma > 0 favours high alpha and the weights still sum to 1. */
    amem__dam_softmax_weights(alpha, n, 5.0, p);
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += p[i];
    ck_assert_double_eq_tol(s, 1.0, 1e-12);
}
END_TEST

/* REWEIGHT with gamma = 0 trains bit for bit as uniform training. */
START_TEST(test_gamma_zero_training_equals_uniform)
{
    size_t N = 16, M = 4;
    float w1[64], w2[64];
    for (int run = 0; run < 2; run++) {
        amem_dam *h = make(N, M, 8);
        small_set(h, 10, 2, 1);
        AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_BATCH_SIZE, 4));
        AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_MAX_STEPS, 50));
        if (run == 1) {
            AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_BALANCE,
                                        AMEM_DAM_BALANCE_REWEIGHT));
            AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_SIGNAL,
                                        AMEM_DAM_SIGNAL_LOSS));
        }
        AMEM_ASSERT_OK(train_epochs(h, 2));
        AMEM_ASSERT_OK(amem_dam_get_weights(h, run ? w2 : w1, 0));
        amem_dam_free(h);
    }
    ck_assert(memcmp(w1, w2, sizeof w1) == 0);
}
END_TEST

START_TEST(test_sampling_frequencies)
{
    size_t n = 6, draws = 200000, idx[1000], count[6] = {0};
    double p[6] = {0.4, 0.05, 0.2, 0.0, 0.3, 0.05}, cdf[6];
    amem__rng rng;
    amem__rng_seed(&rng, 17);
    for (size_t d = 0; d < draws; d += 1000) {
        amem__dam_sample(&rng, p, n, 1000, idx, cdf);
        for (size_t k = 0; k < 1000; k++)
            count[idx[k]]++;
    }
    for (size_t i = 0; i < n; i++) {
        double want = p[i] * draws, sd = sqrt(draws * p[i] * (1 - p[i]));
        ck_assert_msg(fabs((double)count[i] - want) <= 5 * sd + 1e-9,
                      "item %zu: %zu draws, want %g", i, count[i], want);
    }
}
END_TEST

/* ---- trainer --------------------------------------------------------- */

START_TEST(test_training_reduces_loss)
{
    size_t N = 16, M = 4;
    amem_dam *h = make(N, M, 9);
    small_set(h, 12, 2, 1);
    AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_BATCH_SIZE, 7));
    AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_LEARNING_RATE, 0.03));
    AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_MAX_STEPS, 200));
    float x[14 * 16];
    int32_t lab[14];
    for (size_t i = 0; i < 14; i++)
        lab[i] = i >= 12;
    memcpy(x, h->items, sizeof x);
    double before, after, reg, exc;
    AMEM_ASSERT_OK(amem_dam_evaluate(h, x, lab, 14, 1, NULL, NULL, NULL,
                                     &before));
    AMEM_ASSERT_OK(train_epochs(h, 15));
    AMEM_ASSERT_OK(amem_dam_evaluate(h, x, lab, 14, 1, NULL, &reg, &exc,
                                     &after));
    ck_assert_double_eq_tol(after, 0.5 * (reg + exc), 1e-12);
    ck_assert_msg(after < 0.5 * before, "eval loss %g -> %g", before, after);
    size_t spe, st;
    AMEM_ASSERT_OK(amem_dam_steps_per_epoch(h, &spe));
    AMEM_ASSERT_OK(amem_dam_step_count(h, &st));
    ck_assert_uint_eq(spe, 2);
    ck_assert_uint_eq(st, 15 * 2);
    float rec[14];
    AMEM_ASSERT_OK(amem_dam_get_item_record(h, AMEM_DAM_RECORD_USES, rec));
    for (size_t i = 0; i < 14; i++)
        ck_assert_float_eq(rec[i], 15.0f);
    AMEM_ASSERT_OK(amem_dam_get_item_record(h, AMEM_DAM_RECORD_ENTROPY, rec));
    for (size_t i = 0; i < 14; i++)
        ck_assert(rec[i] >= 0.0f && rec[i] <= logf(4.0f) + 1e-5f);
    amem_dam_free(h);
}
END_TEST

/* Every signal and both balance modes run; weights sum to one. */
START_TEST(test_signals_and_modes)
{
    size_t N = 12, M = 3;
    for (int sig = 0; sig <= AMEM_DAM_SIGNAL_NORM; sig++)
        for (int bal = 1; bal <= 2; bal++) {
            amem_dam *h = make(N, M, 10 + (uint64_t)sig);
            small_set(h, 9, 2, 1);
            AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_BATCH_SIZE, 4));
            AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_MAX_STEPS, 40));
            AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_SIGNAL, sig));
            AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_BALANCE, bal));
            AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_GAMMA, 3.0));
            AMEM_ASSERT_OK(train_epochs(h, 2));
            float wgt[11], al[11];
            AMEM_ASSERT_OK(amem_dam_get_item_record(h, AMEM_DAM_RECORD_WEIGHT, wgt));
            AMEM_ASSERT_OK(amem_dam_get_item_record(h, AMEM_DAM_RECORD_ALPHA, al));
            double s = 0.0;
            for (size_t i = 0; i < 11; i++) {
                ck_assert(al[i] >= 0.0f && al[i] <= 1.0f);
                s += wgt[i];
            }
            ck_assert_double_eq_tol(s, 1.0, 1e-5);
            if (sig == AMEM_DAM_SIGNAL_GROUND_TRUTH) /* exceptions weigh more */
                ck_assert(wgt[10] > wgt[0]);
            amem_dam_free(h);
        }
}
END_TEST

static int cancel_after_one(void *user, const char *stage, long done,
                            long total, double metric)
{
    (void)stage;
    (void)total;
    ck_assert(isfinite(metric));
    *(long *)user = done;
    return done >= 1;
}

START_TEST(test_cancel_leaves_usable)
{
    amem_dam *h = make(10, 3, 12);
    small_set(h, 6, 1, 1);
    AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_MAX_STEPS, 30));
    long seen = 0;
    size_t st;
    double loss = 0.0;
    AMEM_ASSERT_STATUS(amem_dam_train(h, 5, cancel_after_one, &seen, &loss),
                       AMEM_E_CANCELLED);
    ck_assert_int_eq(seen, 1);
    ck_assert(isfinite(loss));
    AMEM_ASSERT_OK(amem_dam_step_count(h, &st));
    ck_assert_uint_eq(st, 1);
    AMEM_ASSERT_OK(amem_dam_train(h, 1, NULL, NULL, NULL));
    AMEM_ASSERT_OK(amem_dam_step_count(h, &st));
    ck_assert_uint_eq(st, 2);
    amem_dam_free(h);
}
END_TEST

/* A call may end inside an epoch: 3 steps at once = 1 + 2 steps, and a
 * save/load between them; the epoch position is saved. */
START_TEST(test_resume_inside_epoch)
{
    size_t len1, len2;
    amem_dam *h[3];
    for (int k = 0; k < 3; k++) {
        h[k] = make(12, 4, 21);
        small_set(h[k], 9, 2, 1); /* 11 items, batch 4: 3 steps an epoch */
        AMEM_ASSERT_OK(amem_dam_set(h[k], AMEM_DAM_BATCH_SIZE, 4));
        AMEM_ASSERT_OK(amem_dam_set(h[k], AMEM_DAM_MAX_STEPS, 40));
    }
    AMEM_ASSERT_OK(amem_dam_train(h[0], 5, NULL, NULL, NULL));
    AMEM_ASSERT_OK(amem_dam_train(h[1], 1, NULL, NULL, NULL));
    AMEM_ASSERT_OK(amem_dam_train(h[1], 4, NULL, NULL, NULL));
    AMEM_ASSERT_OK(amem_dam_train(h[2], 2, NULL, NULL, NULL));
    unsigned char *mid = image(h[2], &len1);
    amem_dam *loaded = NULL;
    AMEM_ASSERT_OK(amem_dam_load_mem(mid, len1, &loaded));
    ck_assert_uint_eq(loaded->epoch_pos, 8);
    AMEM_ASSERT_OK(amem_dam_train(loaded, 3, NULL, NULL, NULL));
    unsigned char *ref = image(h[0], &len2);
    ck_assert(same_image(h[1], ref, len2));
    ck_assert(same_image(loaded, ref, len2));
    float uses[11];
    AMEM_ASSERT_OK(amem_dam_get_item_record(loaded, AMEM_DAM_RECORD_USES,
                                            uses));
    size_t twice = 0; /* 5 steps: one epoch of 11 items, then 8 more */
    for (size_t i = 0; i < 11; i++) {
        ck_assert(uses[i] == 1.0f || uses[i] == 2.0f);
        twice += uses[i] == 2.0f;
    }
    ck_assert_uint_eq(twice, 8);
    amem_free(mid);
    amem_free(ref);
    amem_dam_free(loaded);
    for (int k = 0; k < 3; k++)
        amem_dam_free(h[k]);
}
END_TEST

/* One training step of worker 1 (tests/testutil_dp.h). */
static int dam_step(void *h1)
{
    return amem_dam_train(h1, 1, NULL, NULL, NULL) != AMEM_OK;
}

/* Three equal nets (N = 12, M = 4, the small set; batch 5): h[0] trains
 * alone, h[1] and h[2] are workers 0 and 1 of one data-parallel pair. A
 * signal < 0 keeps the default. t must not move while the pair is in use. */
typedef struct dam_trio {
    amem_dam *h[3];
    dp_pair pair;
    amem_data_parallel dp[2];
} dam_trio;

static void trio_make(dam_trio *t, unsigned seed, int labelled, int balance,
                      int signal, double gamma)
{
    for (int k = 0; k < 3; k++) {
        amem_dam *h = t->h[k] = make(12, 4, seed);
        small_set(h, 9, 2, labelled);
        AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_BATCH_SIZE, 5));
        AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_MAX_STEPS, 60));
        AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_LEARNING_RATE, 0.01));
        AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_BALANCE, balance));
        if (signal >= 0)
            AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_SIGNAL, signal));
        AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_GAMMA, gamma));
    }
    t->pair = (dp_pair){dam_step, t->h[2], NULL, 0.0};
    t->dp[0] = (amem_data_parallel){dp_pair_outer, &t->pair, 0, 2};
    t->dp[1] = (amem_data_parallel){dp_pair_inner, &t->pair, 1, 2};
    AMEM_ASSERT_OK(amem_dam_set_data_parallel(t->h[1], &t->dp[0]));
    AMEM_ASSERT_OK(amem_dam_set_data_parallel(t->h[2], &t->dp[1]));
}

static void trio_free(dam_trio *t)
{
    for (int k = 0; k < 3; k++)
        amem_dam_free(t->h[k]);
}

START_TEST(test_two_workers_equal_one)
{
    size_t N = 12, M = 4, steps = 7;
    dam_trio t;
    trio_make(&t, 23, 1, AMEM_DAM_BALANCE_REWEIGHT, -1, 2);
    amem_dam **h = t.h;
    float w[3][48];
    AMEM_ASSERT_OK(amem_dam_train(h[0], steps, NULL, NULL, NULL));
    double loss0, loss1;
    AMEM_ASSERT_OK(amem_dam_train(h[0], 1, NULL, NULL, &loss0));
    for (size_t s = 0; s < steps; s++)
        AMEM_ASSERT_OK(amem_dam_train(h[1], 1, NULL, NULL, NULL));
    AMEM_ASSERT_OK(amem_dam_train(h[1], 1, NULL, NULL, &loss1));
    for (int k = 0; k < 3; k++)
        AMEM_ASSERT_OK(amem_dam_get_weights(h[k], w[k], 0));
    ck_assert_mem_eq(w[1], w[2], sizeof w[1]); /* the workers agree */
    for (size_t i = 0; i < N * M; i++)
        ck_assert_msg(fabsf(w[0][i] - w[1][i]) <= 1e-5f,
                      "w[%zu] %g vs %g", i, w[0][i], w[1][i]);
    ck_assert_double_eq_tol(loss0, loss1, 1e-5 * fabs(loss0));
    amem_data_parallel bad = {NULL, NULL, 0, 2};
    AMEM_ASSERT_STATUS(amem_dam_set_data_parallel(h[1], &bad), AMEM_E_NULL);
    AMEM_ASSERT_OK(amem_dam_set_data_parallel(h[1], NULL));
    AMEM_ASSERT_OK(amem_dam_train(h[1], 1, NULL, NULL, NULL));
    trio_free(&t);
}
END_TEST

/* The raw records (loss .. norm, uses) of every item of h, 6 per item. */
static void records_of(const amem_dam *h, size_t n, float *out)
{
    float *one = malloc(n * sizeof(float));
    int which[6] = {AMEM_DAM_RECORD_LOSS, AMEM_DAM_RECORD_TIME,
                    AMEM_DAM_RECORD_ENTROPY, AMEM_DAM_RECORD_MAX,
                    AMEM_DAM_RECORD_NORM, AMEM_DAM_RECORD_USES};
    for (int r = 0; r < 6; r++) {
        AMEM_ASSERT_OK(amem_dam_get_item_record(h, which[r], one));
        for (size_t i = 0; i < n; i++)
            out[i * 6 + r] = one[i];
    }
    free(one);
}

/*
 * A learned signal with gamma > 0 steers the batches from the per-item
 * records: two workers must end every step with the whole batch's records
 * (REWEIGHT: before the weights; SAMPLE: for the next draw), so they train
 * as one, records included.
 */
START_TEST(test_two_workers_learned_signal)
{
    size_t N = 12, M = 4, n = 11, steps = 6;
    int balance = _i % 2 ? AMEM_DAM_BALANCE_SAMPLE
                         : AMEM_DAM_BALANCE_REWEIGHT;
    int signal = AMEM_DAM_SIGNAL_LOSS + _i / 2;
    dam_trio t;
    trio_make(&t, 29, 0, balance, signal, 3);
    amem_dam **h = t.h;
    AMEM_ASSERT_OK(amem_dam_train(h[0], steps, NULL, NULL, NULL));
    for (size_t s = 0; s < steps; s++)
        AMEM_ASSERT_OK(amem_dam_train(h[1], 1, NULL, NULL, NULL));
    float w[3][48], rec[3][11 * 6];
    for (int k = 0; k < 3; k++) {
        AMEM_ASSERT_OK(amem_dam_get_weights(h[k], w[k], 0));
        records_of(h[k], n, rec[k]);
    }
    ck_assert_mem_eq(w[1], w[2], sizeof w[1]);
    ck_assert_mem_eq(rec[1], rec[2], sizeof rec[1]);
    for (size_t i = 0; i < N * M; i++)
        ck_assert_msg(fabsf(w[0][i] - w[1][i]) <= 1e-5f,
                      "w[%zu] %g vs %g", i, w[0][i], w[1][i]);
    for (size_t i = 0; i < n * 6; i++)
        ck_assert_msg(fabsf(rec[0][i] - rec[1][i]) <=
                          1e-5f * (1.0f + fabsf(rec[0][i])),
                      "record %zu of item %zu: %g vs %g", i % 6, i / 6,
                      rec[0][i], rec[1][i]);
    trio_free(&t);
}
END_TEST

/* The image of payload[0, len) with byte `poke` (if < len) xor-ed by 1. */
static void *rewrap(const unsigned char *payload, size_t len, size_t poke,
                    size_t *out_len)
{
    unsigned char *copy = malloc(len);
    memcpy(copy, payload, len);
    if (poke < len)
        copy[poke] ^= 1;
    amem__wbuf w = {copy, len, len, 0};
    void *img = NULL;
    AMEM_ASSERT_OK(amem__model_save_mem("t", AMEM__KIND_DAM, &w, &img,
                                        out_len));
    free(copy);
    return img;
}

/* Files from before the epoch position load (and start a new epoch); a
 * damaged epoch section is refused. */
START_TEST(test_epoch_state_in_files)
{
    amem_dam *h = make(12, 4, 25);
    small_set(h, 9, 2, 1);
    AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_BATCH_SIZE, 4));
    AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_MAX_STEPS, 40));
    AMEM_ASSERT_OK(amem_dam_train(h, 1, NULL, NULL, NULL));
    size_t len, old_len, bad_len;
    unsigned char *img = image(h, &len);
    amem__rbuf r;
    AMEM_ASSERT_OK(amem__model_open_mem("t", img, len, AMEM__KIND_DAM, &r));
    size_t payload = r.len - r.pos, epoch = 4 + 8 + 8 * 11;
    const unsigned char *p = r.data + r.pos;
    void *old = rewrap(p, payload - epoch, (size_t)-1, &old_len);
    amem_dam *a = NULL;
    AMEM_ASSERT_OK(amem_dam_load_mem(old, old_len, &a));
    ck_assert_uint_eq(a->epoch_pos, 0);
    ck_assert_mem_eq(a->w, h->w, 12 * 4 * sizeof(float));
    AMEM_ASSERT_OK(amem_dam_train(a, 3, NULL, NULL, NULL));
    amem_dam_free(a);
    /* the version, the position's byte 3 (+2^24), the last order entry's
     * top byte (+2^56): each out of range */
    size_t pokes[3] = {payload - epoch, payload - epoch + 4 + 3,
                       payload - 1};
    for (int k = 0; k < 3; k++) {
        void *bad = rewrap(p, payload, pokes[k], &bad_len);
        a = NULL;
        int rc = amem_dam_load_mem(bad, bad_len, &a);
        amem_free(bad);
        ck_assert_int_eq(rc, AMEM_E_FORMAT);
        ck_assert_ptr_null(a);
    }
    amem_free(old);
    amem_free(img);
    amem_dam_free(h);
}
END_TEST

/* ---- persistence ----------------------------------------------------- */

START_TEST(test_save_load_resume)
{
    amem_dam *h = make(12, 4, 13);
    small_set(h, 8, 2, 1);
    AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_MAX_STEPS, 40));
    AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_BALANCE, AMEM_DAM_BALANCE_SAMPLE));
    AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_SIGNAL, AMEM_DAM_SIGNAL_NEG_ENTROPY));
    AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_GAMMA, 2));
    AMEM_ASSERT_OK(train_epochs(h, 1));
    size_t len, len2;
    unsigned char *img = image(h, &len);
    char path[256];
    amem_test_tmp_path(path, sizeof path, "dam");
    AMEM_ASSERT_OK(amem_dam_save(h, path));
    amem_dam *a = NULL, *b = NULL;
    AMEM_ASSERT_OK(amem_dam_load(path, &a));
    AMEM_ASSERT_OK(amem_dam_load_mem(img, len, &b));
    ck_assert(same_image(a, img, len));
    ck_assert(same_image(b, img, len));
    amem_dam_free(b);
    /* Training resumes exactly. */
    AMEM_ASSERT_OK(train_epochs(h, 1));
    AMEM_ASSERT_OK(train_epochs(a, 1));
    unsigned char *img2 = image(h, &len2);
    ck_assert(same_image(a, img2, len2));
    /* Corruption is caught. */
    AMEM_ASSERT_STATUS(amem_dam_load_mem(img, len - 5, &b), AMEM_E_FORMAT);
    ck_assert_ptr_null(b);
    img[len / 2] ^= 0x40;
    AMEM_ASSERT_STATUS(amem_dam_load_mem(img, len, &b), AMEM_E_FORMAT);
    AMEM_ASSERT_STATUS(amem_dam_load("/nonexistent/dam.bin", &b), AMEM_E_IO);
    remove(path);
    amem_free(img);
    amem_free(img2);
    amem_dam_free(h);
    amem_dam_free(a);
}
END_TEST

/* ---- bad input ------------------------------------------------------- */

START_TEST(test_bad_inputs)
{
    amem_dam *h = NULL;
    AMEM_ASSERT_STATUS(amem_dam_create(0, 3, &h), AMEM_E_DIM);
    ck_assert_ptr_null(h);
    AMEM_ASSERT_STATUS(amem_dam_create(3, 0, &h), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_dam_create(3, 3, NULL), AMEM_E_NULL);
    h = make(4, 2, 14);
    size_t len;
    unsigned char *img = image(h, &len);
    float x[8] = {1, 0, 0, 0, 0, 1, 0, 0}, out[8], m[8] = {0};
    AMEM_ASSERT_STATUS(amem_dam_set(h, 99, 1), AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_dam_set(h, AMEM_DAM_BETA, 0), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_dam_set(h, AMEM_DAM_BETA, NAN), AMEM_E_NONFINITE);
    AMEM_ASSERT_STATUS(amem_dam_set(h, AMEM_DAM_MAX_STEPS, 2.5), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_dam_set(h, AMEM_DAM_BALANCE, 3), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_dam_set(h, AMEM_DAM_SIGNAL, 6), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_dam_set(h, AMEM_DAM_DT, 1.5), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_dam_param_bounds(-1, NULL, NULL, NULL), AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_dam_recall(NULL, x, 2, NULL, out, NULL, NULL),
                       AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_dam_recall(h, NULL, 2, NULL, out, NULL, NULL),
                       AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_dam_recall(h, x, 0, NULL, out, NULL, NULL),
                       AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_dam_recall(h, x, 2, NULL, x, NULL, NULL),
                       AMEM_E_ARG);
    m[3] = 0.5f;
    AMEM_ASSERT_STATUS(amem_dam_recall(h, x, 2, m, out, NULL, NULL),
                       AMEM_E_ARG);
    x[2] = INFINITY;
    AMEM_ASSERT_STATUS(amem_dam_recall(h, x, 2, NULL, out, NULL, NULL),
                       AMEM_E_NONFINITE);
    AMEM_ASSERT_STATUS(amem_dam_set_data(h, x, NULL, 2), AMEM_E_NONFINITE);
    x[2] = 0.0f;
    int32_t lab[2] = {0, 2};
    AMEM_ASSERT_STATUS(amem_dam_set_data(h, x, lab, 2), AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_dam_set_data(h, x, NULL, 0), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_dam_evaluate(h, x, lab, 2, 0, NULL, NULL, NULL,
                                         NULL), AMEM_E_ARG);
    float zero[8] = {0};
    AMEM_ASSERT_STATUS(amem_dam_set_weights(h, zero), AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_dam_get_weights(h, out, 2), AMEM_E_ARG);
    AMEM_ASSERT_STATUS(train_epochs(h, 1), AMEM_E_STATE);
    AMEM_ASSERT_STATUS(amem_dam_get_item_record(h, 0, out), AMEM_E_STATE);
    AMEM_ASSERT_STATUS(amem_dam_get_item_record(h, 42, out), AMEM_E_ARG);
    ck_assert(same_image(h, img, len)); /* nothing changed */
    AMEM_ASSERT_OK(amem_dam_set_data(h, x, NULL, 2));
    AMEM_ASSERT_STATUS(train_epochs(h, 0), AMEM_E_RANGE);
    AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_BALANCE, AMEM_DAM_BALANCE_SAMPLE));
    AMEM_ASSERT_OK(amem_dam_set(h, AMEM_DAM_GAMMA, 1));
    AMEM_ASSERT_STATUS(train_epochs(h, 1), AMEM_E_STATE);
    amem_dam *other = h;
    AMEM_ASSERT_STATUS(amem_dam_load_mem(img, 10, &other), AMEM_E_FORMAT);
    ck_assert_ptr_null(other);
    amem_free(img);
    amem_dam_free(h);
}
END_TEST

Suite *amem_suite_dam(void)
{
    Suite *s = suite_create("dam");
    TCase *dyn = tcase_create("dynamics");
    tcase_add_test(dyn, test_fixed_point_single_memory);
    tcase_add_test(dyn, test_fixed_point_completion);
    tcase_add_test(dyn, test_energy_descent);
    tcase_add_test(dyn, test_convergence_and_batching);
    tcase_add_test(dyn, test_gram_matches_direct);
    suite_add_tcase(s, dyn);
    TCase *grad = tcase_create("gradients");
    tcase_add_test(grad, test_grad_vs_engine);
    tcase_add_test(grad, test_grad_gram_sides);
    tcase_add_test(grad, test_grad_vs_finite_differences);
    tcase_add_test(grad, test_grad_tape_without_scratch);
    suite_add_tcase(s, grad);
    TCase *tr = tcase_create("trainer");
    tcase_add_test(tr, test_gamma_zero_uniform);
    tcase_add_test(tr, test_gamma_zero_training_equals_uniform);
    tcase_add_test(tr, test_sampling_frequencies);
    tcase_add_test(tr, test_training_reduces_loss);
    tcase_add_test(tr, test_signals_and_modes);
    tcase_add_test(tr, test_cancel_leaves_usable);
    tcase_add_test(tr, test_resume_inside_epoch);
    tcase_add_test(tr, test_two_workers_equal_one);
    tcase_add_loop_test(tr, test_two_workers_learned_signal, 0,
                        2 * (AMEM_DAM_SIGNAL_NORM - AMEM_DAM_SIGNAL_LOSS + 1));
    tcase_set_timeout(tr, 30);
    suite_add_tcase(s, tr);
    TCase *api = tcase_create("api");
    tcase_add_test(api, test_save_load_resume);
    tcase_add_test(api, test_epoch_state_in_files);
    tcase_add_test(api, test_bad_inputs);
    suite_add_tcase(s, api);
    return s;
}
