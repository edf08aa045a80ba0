/* Check suite `kvmem`: the key-value memory's rules, meta-learning and API. */
#define AMEM_EXPERIMENTAL_API /* the episode tape (docs/api.md, C17) */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "assocmem/kvmem.h"
#include "assocmem/tvt.h"
#include "kvmem/tvt_impl.h"
#include "core/rng.h"
#include "testutil.h"
#include "testutil_dp.h"

/* ---- helpers --------------------------------------------------------- */

static amem_kvmem *make(size_t d, size_t N, size_t m)
{
    amem_kvmem *h = NULL;
    AMEM_ASSERT_OK(amem_kvmem_create(d, N, m, &h));
    ck_assert_ptr_nonnull(h);
    return h;
}

static float *signs(size_t n, uint64_t seed)
{
    amem__rng rng;
    amem__rng_seed(&rng, seed);
    float *p = malloc(n * sizeof(float));
    amem__rng_signs(&rng, p, n);
    return p;
}

static float *normals(size_t n, uint64_t seed)
{
    amem__rng rng;
    amem__rng_seed(&rng, seed);
    float *p = malloc(n * sizeof(float));
    amem__rng_normals(&rng, p, n);
    return p;
}

/* Copy with a fraction of entries zeroed. */
static float *zeroed(const float *x, size_t n, double frac, uint64_t seed)
{
    amem__rng rng;
    amem__rng_seed(&rng, seed);
    float *q = malloc(n * sizeof(float));
    for (size_t k = 0; k < n; k++)
        q[k] = amem__rng_uniform(&rng) < frac ? 0.0f : x[k];
    return q;
}

static unsigned char *image(const amem_kvmem *h, size_t *len)
{
    void *data = NULL;
    AMEM_ASSERT_OK(amem_kvmem_save_mem(h, &data, len));
    return data;
}

static int same_image(const amem_kvmem *h, const unsigned char *ref,
                      size_t ref_len)
{
    size_t len;
    unsigned char *now = image(h, &len);
    int same = len == ref_len && memcmp(now, ref, len) == 0;
    amem_free(now);
    return same;
}

static void set_general_rule(amem_kvmem *h)
{
    static const double v[AMEM_KVMEM_RULE_COUNT] = {
        0.7, 0.8, 0.9, 0.9, 0.1, 0.3, 0.6, 0.8, 0.05, 1.1, -0.05};
    for (int k = 0; k < AMEM_KVMEM_RULE_COUNT; k++)
        AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_RULE_FIRST + k, v[k]));
}

/* ---- write rules ------------------------------------------------------ */

/* Eq. 9-11 by hand: d = 3, N = 2, m = 2, sequential, rapid decay. */
START_TEST(test_simplified_write_by_hand)
{
    amem_kvmem *h = make(3, 2, 2);
    const float x[3][3] = {{1, -1, 2}, {0.5f, 0, -1}, {-2, 1, 1}};
    const float y[3][2] = {{1, 0.5f}, {-1, 2}, {3, -3}};
    float K[6], V[4], gamma[2];
    size_t slot;
    for (int t = 0; t < 3; t++) {
        AMEM_ASSERT_OK(amem_kvmem_next_slot(h, &slot));
        ck_assert_uint_eq(slot, (size_t)(t % 2)); /* LRU cycling */
        AMEM_ASSERT_OK(amem_kvmem_write(h, x[t], y[t], 1.0));
        AMEM_ASSERT_OK(amem_kvmem_get_last_gamma(h, gamma));
        ck_assert(gamma[t % 2] == 1 && gamma[1 - t % 2] == 0);
    }
    AMEM_ASSERT_OK(amem_kvmem_get_keys(h, K));
    AMEM_ASSERT_OK(amem_kvmem_get_values(h, V));
    /* slot 0 holds item 2 (overwritten), slot 1 item 1 */
    for (int j = 0; j < 3; j++) {
        ck_assert_float_eq(K[j], x[2][j]);
        ck_assert_float_eq(K[3 + j], x[1][j]);
    }
    /* item 1: h'_1 = softmax(K x1) with K = [x0; x1]: scores -1.5, 1.25 */
    double h1 = exp(1.25) / (exp(1.25) + exp(-1.5));
    /* item 2: scores [x2.x2, x1.x2] = [6, -2] */
    double h0 = exp(6.0) / (exp(6.0) + exp(-2.0));
    for (int k = 0; k < 2; k++) {
        ck_assert_double_eq_tol(V[k], y[2][k] * h0, 1e-5);
        ck_assert_double_eq_tol(V[2 + k], y[1][k] * h1, 1e-5);
    }
    size_t count;
    AMEM_ASSERT_OK(amem_kvmem_count(h, &count));
    ck_assert_uint_eq(count, 3);
    /* q = 0: nothing changes, the pointer advances (Eq. 6 time step) */
    AMEM_ASSERT_OK(amem_kvmem_write(h, x[0], y[0], 0.0));
    float K2[6];
    AMEM_ASSERT_OK(amem_kvmem_get_keys(h, K2));
    ck_assert_mem_eq(K, K2, sizeof K);
    AMEM_ASSERT_OK(amem_kvmem_next_slot(h, &slot));
    ck_assert_uint_eq(slot, 0);
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_ADVANCE,
                                  AMEM_KVMEM_ADVANCE_WHEN_STORED));
    AMEM_ASSERT_OK(amem_kvmem_write(h, x[0], y[0], 0.0));
    AMEM_ASSERT_OK(amem_kvmem_next_slot(h, &slot));
    ck_assert_uint_eq(slot, 0);
    amem_kvmem_free(h);
}
END_TEST

/* Eq. 15-16 by hand with every slope and offset in play. */
START_TEST(test_general_write_by_hand)
{
    const size_t d = 2, N = 3, m = 2;
    amem_kvmem *h = make(d, N, m);
    set_general_rule(h);
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_VALUE_DECAY,
                                  AMEM_KVMEM_DECAY_PASSIVE));
    const float x0[2] = {1, -1}, y0[2] = {0.5f, -2}, x1[2] = {-1, 2},
                y1[2] = {1, 1};
    AMEM_ASSERT_OK(amem_kvmem_write(h, x0, y0, 1.0));
    AMEM_ASSERT_OK(amem_kvmem_write(h, x1, y1, 0.5));
    double Kr[3][2] = {{0}}, Vr[3][2] = {{0}};
    const float *xs[2] = {x0, x1}, *ys[2] = {y0, y1};
    const double qs[2] = {1, 0.5};
    const double ek = 0.7, ev = 0.8, lam = 0.9, afk = 0.9, bfk = 0.1,
                 agk = 0.3, bgk = 0.6, afv = 0.8, bfv = 0.05, agv = 1.1,
                 bgv = -0.05;
    for (int t = 0; t < 2; t++) {
        double s[3], hk[3], z = 0;
        for (size_t i = 0; i < N; i++)
            s[i] = Kr[i][0] * xs[t][0] + Kr[i][1] * xs[t][1], z += exp(s[i]);
        for (size_t i = 0; i < N; i++)
            hk[i] = exp(s[i]) / z;
        double e = qs[t] * ek; /* slot t gated */
        for (size_t j = 0; j < d; j++)
            Kr[t][j] = (1 - e) * Kr[t][j] +
                       e * (agk * hk[t] + bgk) * (afk * xs[t][j] + bfk);
        z = 0;
        for (size_t i = 0; i < N; i++)
            s[i] = Kr[i][0] * xs[t][0] + Kr[i][1] * xs[t][1], z += exp(s[i]);
        double l = 1 - qs[t] + qs[t] * lam;
        for (size_t i = 0; i < N; i++)
            for (size_t k = 0; k < m; k++)
                Vr[i][k] = l * Vr[i][k] + qs[t] * ev *
                                              (afv * exp(s[i]) / z + bfv) *
                                              (agv * ys[t][k] + bgv);
    }
    float K[6], V[6];
    AMEM_ASSERT_OK(amem_kvmem_get_keys(h, K));
    AMEM_ASSERT_OK(amem_kvmem_get_values(h, V));
    for (size_t i = 0; i < N; i++)
        for (size_t k = 0; k < 2; k++) {
            ck_assert_double_eq_tol(K[i * d + k], Kr[i][k], 1e-5);
            ck_assert_double_eq_tol(V[i * m + k], Vr[i][k], 1e-5);
        }
    amem_kvmem_free(h);
}
END_TEST

START_TEST(test_random_gamma_frequency)
{
    const size_t N = 500;
    amem_kvmem *h = make(4, N, 4);
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_LOCAL_FACTOR,
                                  AMEM_KVMEM_LOCAL_RANDOM));
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_SEED, 7));
    float x[4] = {1, -1, 1, 1}, *gamma = malloc(N * sizeof(float));
    double total = 0, *per_slot = calloc(N, sizeof(double));
    const int writes = 200;
    for (int t = 0; t < writes; t++) {
        AMEM_ASSERT_OK(amem_kvmem_write(h, x, NULL, 0.0));
        AMEM_ASSERT_OK(amem_kvmem_get_last_gamma(h, gamma));
        for (size_t i = 0; i < N; i++)
            total += gamma[i], per_slot[i] += gamma[i];
    }
    double mean = total / (writes * (double)N); /* p = 0.1, sd ~ 0.0009 */
    ck_assert_double_eq_tol(mean, 0.1, 0.005);
    /* first and second halves of the slots are gated equally often */
    double lo = 0, hi = 0;
    for (size_t i = 0; i < N; i++) {
        if (i < N / 2)
            lo += per_slot[i];
        else
            hi += per_slot[i];
    }
    ck_assert_double_eq_tol(lo / hi, 1.0, 0.06);
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_P, 1.0));
    AMEM_ASSERT_OK(amem_kvmem_write(h, x, NULL, 0.0));
    AMEM_ASSERT_OK(amem_kvmem_get_last_gamma(h, gamma));
    for (size_t i = 0; i < N; i++)
        ck_assert_float_eq(gamma[i], 1.0f);
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_P, 0.0));
    AMEM_ASSERT_OK(amem_kvmem_write(h, x, NULL, 1.0));
    AMEM_ASSERT_OK(amem_kvmem_get_last_gamma(h, gamma));
    for (size_t i = 0; i < N; i++)
        ck_assert_float_eq(gamma[i], 0.0f);
    free(gamma);
    free(per_slot);
    amem_kvmem_free(h);
}
END_TEST

/*
 * The fast write path (gated rows only) equals the general dense episode,
 * for the simplified rule and for a general one, sequential and random.
 */
static void compare_paths(int general, int random, int passive,
                          int saturate)
{
    const size_t d = 6, N = 5, m = 4, T = 9, R = 4;
    amem_kvmem *h = make(d, N, m);
    if (general)
        set_general_rule(h);
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_WRITE_MODE, saturate));
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_LOCAL_FACTOR, random));
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_P, 0.4));
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_VALUE_DECAY, passive));
    float *keys = normals(T * d, 1), *vals = normals(T * m, 2);
    float *qry = normals(R * d, 3), *tgt = normals(R * m, 4);
    float q[9] = {1, 0.5f, 1, 0, 2, 1, 1, 0.3f, 1};
    float *a = malloc(R * m * sizeof(float)), *b = malloc(R * m * 4);
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_SEED, 11));
    AMEM_ASSERT_OK(amem_kvmem_episode(h, keys, vals, q, T, qry, tgt, R, a,
                                      NULL, NULL, NULL));
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_SEED, 11));
    AMEM_ASSERT_OK(amem_kvmem_write_many(h, keys, vals, q, T));
    AMEM_ASSERT_OK(amem_kvmem_read(h, qry, R, b, NULL));
    for (size_t k = 0; k < R * m; k++)
        ck_assert_double_eq_tol(a[k], b[k], 1e-5 * (1 + fabsf(a[k])));
    free(keys), free(vals), free(qry), free(tgt), free(a), free(b);
    amem_kvmem_free(h);
}

START_TEST(test_fast_path_equals_general_rule)
{
    for (int general = 0; general < 2; general++)
        for (int random = 0; random < 2; random++)
            for (int passive = 0; passive < 2; passive++)
                for (int saturate = 0; saturate < 2; saturate++)
                    compare_paths(general, random, passive, saturate);
}
END_TEST

/* Passive value decay with lambda~ = 0 and q = 1 equals the rapid rule's
 * overwrite when every slot is gated (p = 1, Eq. 11 vs Eq. 13/16). */
START_TEST(test_passive_equals_rapid_at_setting)
{
    const size_t d = 5, N = 4, m = 3, T = 3;
    float *keys = normals(T * d, 5), *vals = normals(T * m, 6);
    float Va[12], Vb[12];
    amem_kvmem *a = make(d, N, m), *b = make(d, N, m);
    for (int k = 0; k < 2; k++) {
        amem_kvmem *h = k ? b : a;
        AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_LOCAL_FACTOR, 1));
        AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_P, 1));
        AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_VALUE_DECAY, k));
        AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_LAMBDA, 0));
        AMEM_ASSERT_OK(amem_kvmem_write_many(h, keys, vals, NULL, T));
    }
    AMEM_ASSERT_OK(amem_kvmem_get_values(a, Va));
    AMEM_ASSERT_OK(amem_kvmem_get_values(b, Vb));
    for (int k = 0; k < 12; k++)
        ck_assert_float_eq_tol(Va[k], Vb[k], 1e-6);
    free(keys), free(vals);
    amem_kvmem_free(a);
    amem_kvmem_free(b);
}
END_TEST

/* ---- recall ----------------------------------------------------------- */

START_TEST(test_recall_low_load)
{
    const size_t d = 40, N = 40, T = 20;
    amem_kvmem *h = make(d, N, d);
    float *x = signs(T * d, 21), *q = zeroed(x, T * d, 0.6, 22);
    float *out = malloc(T * d * sizeof(float));
    float *hid = malloc(T * N * sizeof(float));
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_SIGN_OUTPUT, 1));
    AMEM_ASSERT_OK(amem_kvmem_write_many(h, x, NULL, NULL, T));
    AMEM_ASSERT_OK(amem_kvmem_read(h, q, T, out, hid));
    for (size_t k = 0; k < T * d; k++)
        ck_assert_float_eq(out[k], x[k]);
    for (size_t t = 0; t < T; t++) { /* h peaks on the item's own slot */
        double s = 0;
        for (size_t i = 0; i < N; i++)
            s += hid[t * N + i];
        ck_assert_double_eq_tol(s, 1.0, 1e-5);
        for (size_t i = 0; i < N; i++) /* argmax = the item's slot */
            ck_assert(i == t || hid[t * N + i] < hid[t * N + t]);
    }
    /* single-query path equals the batched one */
    float one[40];
    AMEM_ASSERT_OK(amem_kvmem_read(h, q + 3 * d, 1, one, NULL));
    ck_assert_mem_eq(one, out + 3 * d, sizeof one);
    /* raw outputs equal V^T h computed here in double */
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_SIGN_OUTPUT, 0));
    AMEM_ASSERT_OK(amem_kvmem_read(h, q, T, out, hid));
    float *V = malloc(N * d * sizeof(float));
    AMEM_ASSERT_OK(amem_kvmem_get_values(h, V));
    for (size_t t = 0; t < T; t++)
        for (size_t j = 0; j < d; j++) {
            double y = 0;
            for (size_t i = 0; i < N; i++)
                y += (double)hid[t * N + i] * V[i * d + j];
            ck_assert_double_eq_tol(out[t * d + j], y, 1e-5);
        }
    free(V);
    for (float t = -104.0f; t > -300.0f; t -= 0.37f) /* skipped expf = 0 */
        ck_assert(expf(t) == 0.0f);
    /* the sparse single-query sum equals the batched result */
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_SIGN_OUTPUT, 0));
    AMEM_ASSERT_OK(amem_kvmem_read(h, q, T, out, NULL));
    for (size_t t = 0; t < T; t++) {
        AMEM_ASSERT_OK(amem_kvmem_read(h, q + t * d, 1, one, NULL));
        for (size_t j = 0; j < d; j++)
            ck_assert_float_eq_tol(one[j], out[t * d + j], 1e-5f);
    }
    free(x), free(q), free(out), free(hid);
    amem_kvmem_free(h);
}
END_TEST

/* Beyond N items, the sequential rule forgets exactly the oldest ones. */
START_TEST(test_sequential_overwrites_oldest)
{
    const size_t d = 32, N = 10, T = 15;
    amem_kvmem *h = make(d, N, d);
    float *x = signs(T * d, 31), out[32];
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_SIGN_OUTPUT, 1));
    AMEM_ASSERT_OK(amem_kvmem_write_many(h, x, NULL, NULL, T));
    for (size_t t = 0; t < T; t++) {
        AMEM_ASSERT_OK(amem_kvmem_read(h, x + t * d, 1, out, NULL));
        int same = memcmp(out, x + t * d, sizeof out) == 0;
        ck_assert_int_eq(same, t >= T - N);
    }
    free(x);
    amem_kvmem_free(h);
}
END_TEST

/* Eq. 17: a q = 10 item freezes its slot and survives later writes. */
START_TEST(test_meta_plasticity_freezes)
{
    const size_t d = 32, N = 8, T = 30;
    float *x = signs(T * d, 41), out[32];
    float q[30];
    for (size_t t = 0; t < T; t++)
        q[t] = t == 2 ? 10.0f : 1.0f;
    for (int meta = 0; meta < 2; meta++) {
        amem_kvmem *h = make(d, N, d);
        AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_META_PLASTICITY, meta));
        AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_SIGN_OUTPUT, 1));
        AMEM_ASSERT_OK(amem_kvmem_write_many(h, x, NULL, q, T));
        int kf[8], vf[8];
        AMEM_ASSERT_OK(amem_kvmem_stability(h, kf, vf));
        for (size_t i = 0; i < N; i++) {
            ck_assert_int_eq(kf[i], meta && i == 2);
            ck_assert_int_eq(vf[i], meta && i == 2);
        }
        AMEM_ASSERT_OK(amem_kvmem_read(h, x + 2 * d, 1, out, NULL));
        ck_assert_int_eq(memcmp(out, x + 2 * d, sizeof out) == 0, meta);
        /* the last N - 1 ordinary items are still recalled */
        AMEM_ASSERT_OK(amem_kvmem_read(h, x + (T - 1) * d, 1, out, NULL));
        ck_assert_mem_eq(out, x + (T - 1) * d, sizeof out);
        if (meta) {
            float K[8 * 32];
            AMEM_ASSERT_OK(amem_kvmem_get_keys(h, K));
            for (size_t j = 0; j < d; j++) /* flashbulb key = q x */
                ck_assert_float_eq(K[2 * d + j], 10.0f * x[2 * d + j]);
        }
        AMEM_ASSERT_OK(amem_kvmem_clear(h));
        AMEM_ASSERT_OK(amem_kvmem_stability(h, kf, NULL));
        ck_assert_int_eq(kf[2], 0);
        amem_kvmem_free(h);
    }
    free(x);
}
END_TEST

/*
 * SATURATING write (the paper's flashbulb write, Section 3.3): a rate of 10
 * overwrites the slot with x at unit strength and freezes it; LINEAR writes
 * 10 x. Both agree on every other slot (rates <= 1).
 */
START_TEST(test_saturating_write_freezes_at_unit_strength)
{
    const size_t d = 32, N = 8, T = 30;
    float *x = signs(T * d, 43), q[30];
    for (size_t t = 0; t < T; t++)
        q[t] = t == 3 ? 10.0f : 1.0f;
    float K[2][8 * 32], V[2][8 * 32];
    for (int sat = 0; sat < 2; sat++) {
        amem_kvmem *h = make(d, N, d);
        AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_META_PLASTICITY, 1));
        AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_WRITE_MODE, sat));
        AMEM_ASSERT_OK(amem_kvmem_write_many(h, x, NULL, q, T));
        int kf[8], vf[8];
        AMEM_ASSERT_OK(amem_kvmem_stability(h, kf, vf));
        ck_assert(kf[3] && vf[3] && !kf[2] && !vf[2]);
        AMEM_ASSERT_OK(amem_kvmem_get_keys(h, K[sat]));
        AMEM_ASSERT_OK(amem_kvmem_get_values(h, V[sat]));
        for (size_t j = 0; j < d; j++)
            ck_assert_float_eq(K[sat][3 * d + j],
                               (sat ? 1.0f : 10.0f) * x[3 * d + j]);
        amem_kvmem_free(h);
    }
    for (size_t i = 0; i < N; i++) /* keys are pre-only: 10x apart at 3 */
        for (size_t j = 0; j < d; j++)
            ck_assert_float_eq_tol(K[0][i * d + j],
                                   (i == 3 ? 10.0f : 1.0f) * K[1][i * d + j],
                                   1e-5f);
    for (size_t j = 0; j < d; j++) { /* value: h'_3 x, h'_3 in (0.9, 1] */
        float v = V[1][3 * d + j] * x[3 * d + j];
        ck_assert(v > 0.9f && v <= 1.0f);
        ck_assert(V[0][3 * d + j] * x[3 * d + j] > 9.0f);
    }
    free(x);
}
END_TEST

/* ---- meta-learning ---------------------------------------------------- */

static double episode_loss(amem_kvmem *h, const float *k, const float *v,
                           const float *q, size_t T, const float *qr,
                           const float *tg, size_t R, double *grad)
{
    double loss;
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_SEED, 5));
    AMEM_ASSERT_OK(amem_kvmem_episode(h, k, v, q, T, qr, tg, R, NULL, &loss,
                                      NULL, grad));
    return loss;
}

static void gradient_check(int random, int passive, int saturate)
{
    const size_t d = 5, N = 4, m = 3, T = 7, R = 4;
    amem_kvmem *h = make(d, N, m);
    set_general_rule(h);
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_WRITE_MODE, saturate));
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_LOCAL_FACTOR, random));
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_P, 0.5));
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_VALUE_DECAY, passive));
    float *k = normals(T * d, 51), *v = normals(T * m, 52);
    float *qr = normals(R * d, 53), *tg = normals(R * m, 54);
    /* saturating: q = 1.6 gives rates 1.12 (key) and 1.28 (value), where
     * the write gain is clamped to 1 */
    float q[7] = {1, 0.6f, 1, 1, saturate ? 1.6f : 0.8f, 1, 1};
    double g[AMEM_KVMEM_RULE_COUNT + 1];
    episode_loss(h, k, v, q, T, qr, tg, R, g);
    double norm = 0;
    for (int p = 0; p < AMEM_KVMEM_RULE_COUNT; p++)
        norm += fabs(g[p]);
    ck_assert(norm > 1e-2); /* the check below compares something */
    for (int p = 0; p < AMEM_KVMEM_RULE_COUNT; p++) {
        int param = AMEM_KVMEM_RULE_FIRST + p;
        double base, step = 2e-3;
        AMEM_ASSERT_OK(amem_kvmem_get(h, param, &base));
        AMEM_ASSERT_OK(amem_kvmem_set(h, param, base + step));
        double up = episode_loss(h, k, v, q, T, qr, tg, R, NULL);
        AMEM_ASSERT_OK(amem_kvmem_set(h, param, base - step));
        double dn = episode_loss(h, k, v, q, T, qr, tg, R, NULL);
        AMEM_ASSERT_OK(amem_kvmem_set(h, param, base));
        double fd = (up - dn) / (2 * step);
        ck_assert_msg(fabs(fd - g[p]) <= 2e-3 + 2e-2 * fabs(fd),
                      "random %d passive %d saturate %d param %d: "
                      "analytic %g, finite difference %g",
                      random, passive, saturate, param, g[p], fd);
    }
    if (!random)
        ck_assert(g[AMEM_KVMEM_RULE_COUNT] == 0);
    free(k), free(v), free(qr), free(tg);
    amem_kvmem_free(h);
}

START_TEST(test_meta_gradient_finite_differences)
{
    for (int random = 0; random < 2; random++)
        for (int passive = 0; passive < 2; passive++)
            for (int saturate = 0; saturate < 2; saturate++)
                gradient_check(random, passive, saturate);
}
END_TEST

/*
 * The meta-loss gradient at a trained point: the sequential rule that
 * 10000 Adam steps reached in docs/reproductions/tyulmankov2021.md (passive
 * value decay, d = N = 40, T = 60 items, 60% of each query zeroed), on two
 * fixed episodes. The key post slope a^{gk} (-0.34 there, ~0 in the paper)
 * is the parameter whose gradient decides whether that point is a minimum.
 */
static const double trained_seq_rule[AMEM_KVMEM_RULE_COUNT] = {
    0.643, 0.768, 0.984, 1.222, 0.006, -0.338, 0.655,
    1.300, -0.006, 1.270, -0.002};

static double trained_loss(amem_kvmem *h, const float *k, const float *qr,
                           size_t T, double *grad)
{
    double loss;
    AMEM_ASSERT_OK(amem_kvmem_episode(h, k, NULL, NULL, T, qr, k, T, NULL,
                                      &loss, NULL, grad));
    return loss;
}

START_TEST(test_meta_gradient_at_trained_point)
{
    const size_t d = 40, N = 40, T = 60;
    amem_kvmem *h = make(d, N, d);
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_VALUE_DECAY,
                                  AMEM_KVMEM_DECAY_PASSIVE));
    for (int k = 0; k < AMEM_KVMEM_RULE_COUNT; k++)
        AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_RULE_FIRST + k,
                                      trained_seq_rule[k]));
    for (uint64_t ep = 0; ep < 2; ep++) {
        float *k = signs(T * d, 900 + ep);
        float *qr = zeroed(k, T * d, 0.6, 950 + ep);
        double g[AMEM_KVMEM_RULE_COUNT + 1];
        trained_loss(h, k, qr, T, g);
        for (int p = 0; p < AMEM_KVMEM_RULE_COUNT; p++) {
            int param = AMEM_KVMEM_RULE_FIRST + p;
            double at = trained_seq_rule[p];
            double step = 1e-3; /* lambda's curvature (lambda^T) is large */
            AMEM_ASSERT_OK(amem_kvmem_set(h, param, at + step));
            double up = trained_loss(h, k, qr, T, NULL);
            AMEM_ASSERT_OK(amem_kvmem_set(h, param, at - step));
            double dn = trained_loss(h, k, qr, T, NULL);
            AMEM_ASSERT_OK(amem_kvmem_set(h, param, at));
            double fd = (up - dn) / (2 * step);
            ck_assert_msg(fabs(fd - g[p]) <= 2e-2 + 2e-2 * fabs(fd),
                          "episode %d param %d: analytic %g, finite "
                          "difference %g",
                          (int)ep, param, g[p], fd);
        }
        free(k), free(qr);
    }
    amem_kvmem_free(h);
}
END_TEST

static int count_calls(void *user, const char *stage, long done, long total,
                       double metric)
{
    (void)stage, (void)total, (void)metric;
    int *calls = user;
    (*calls)++;
    return done >= 3; /* cancel after the third step */
}

/* A progress callback that keeps every step's record (C14). */
typedef struct kv_hist {
    const amem_kvmem *h;
    float *rows;
} kv_hist;

static int keep_kv_record(void *user, const char *stage, long done,
                          long total, double metric)
{
    kv_hist *k = user;
    float *row = k->rows + (size_t)(done - 1) * AMEM_KVMEM_HISTORY_COLS;
    (void)total;
    ck_assert_str_eq(stage, "train");
    AMEM_ASSERT_OK(amem_kvmem_get_last_step(k->h, row));
    ck_assert_double_eq_tol(row[1], metric, 1e-6 * fabs(metric) + 1e-30);
    return 0;
}

START_TEST(test_meta_training_lowers_loss)
{
    const size_t N = 8, steps = 300;
    amem_kvmem *h = make(N, N, N);
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_VALUE_DECAY,
                                  AMEM_KVMEM_DECAY_PASSIVE));
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_ETA_K, 0.5));
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_ETA_V, 0.5));
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_LAMBDA, 0.5));
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_LEARNING_RATE, 0.02));
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_BATCH_SIZE, 4));
    float *hist = malloc(steps * AMEM_KVMEM_HISTORY_COLS * sizeof(float));
    float none[AMEM_KVMEM_HISTORY_COLS];
    AMEM_ASSERT_STATUS(amem_kvmem_get_last_step(h, none), AMEM_E_STATE);
    kv_hist k = {h, hist};
    double loss;
    AMEM_ASSERT_OK(amem_kvmem_train(h, steps, keep_kv_record, &k, &loss));
    ck_assert_double_eq_tol(loss, hist[(steps - 1) * AMEM_KVMEM_HISTORY_COLS + 1],
                            1e-6 * loss);
    size_t count;
    AMEM_ASSERT_OK(amem_kvmem_step_count(h, &count));
    ck_assert_uint_eq(count, steps);
    double first = 0, last = 0;
    for (size_t s = 0; s < 30; s++) {
        first += hist[s * AMEM_KVMEM_HISTORY_COLS + 1];
        last += hist[(steps - 1 - s) * AMEM_KVMEM_HISTORY_COLS + 1];
    }
    ck_assert_msg(last < 0.8 * first, "loss %g -> %g", first / 30, last / 30);
    ck_assert_float_eq(hist[0], 1.0f);
    double eta;
    AMEM_ASSERT_OK(amem_kvmem_get(h, AMEM_KVMEM_ETA_K, &eta));
    ck_assert_double_eq(eta, hist[(steps - 1) * AMEM_KVMEM_HISTORY_COLS + 3]);
    /* cancel through the callback */
    int calls = 0;
    AMEM_ASSERT_STATUS(amem_kvmem_train(h, 10, count_calls, &calls, &loss),
                       AMEM_E_CANCELLED);
    ck_assert_int_eq(calls, 3);
    ck_assert(isfinite(loss));
    AMEM_ASSERT_OK(amem_kvmem_step_count(h, &count));
    ck_assert_uint_eq(count, steps + 3); /* finished steps are kept */
    AMEM_ASSERT_OK(amem_kvmem_reset(h));
    AMEM_ASSERT_STATUS(amem_kvmem_get_last_step(h, none), AMEM_E_STATE);
    free(hist);
    amem_kvmem_free(h);
}
END_TEST

/* ---- persistence and API ---------------------------------------------- */

START_TEST(test_save_load_roundtrip)
{
    amem_kvmem *h = make(6, 5, 3);
    set_general_rule(h);
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_META_PLASTICITY, 1));
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_TRAIN_MIN_LEN, 2));
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_TRAIN_MAX_LEN, 4));
    AMEM_ASSERT_OK(amem_kvmem_train(h, 3, NULL, NULL, NULL));
    float *k = normals(4 * 6, 61), *v = normals(4 * 3, 62);
    float q[4] = {1, 20, 1, 1};
    AMEM_ASSERT_OK(amem_kvmem_write_many(h, k, v, q, 4));
    size_t len, len2;
    unsigned char *img = image(h, &len);
    amem_kvmem *g = NULL;
    AMEM_ASSERT_OK(amem_kvmem_load_mem(img, len, &g));
    unsigned char *img2 = image(g, &len2);
    ck_assert_uint_eq(len, len2);
    ck_assert_mem_eq(img, img2, len);
    /* the loaded handle continues identically */
    float a[3], b[3];
    AMEM_ASSERT_OK(amem_kvmem_write(h, k, v, 1));
    AMEM_ASSERT_OK(amem_kvmem_write(g, k, v, 1));
    AMEM_ASSERT_OK(amem_kvmem_read(h, k + 6, 1, a, NULL));
    AMEM_ASSERT_OK(amem_kvmem_read(g, k + 6, 1, b, NULL));
    ck_assert_mem_eq(a, b, sizeof a);
    char path[512];
    amem_test_tmp_path(path, sizeof path, "kvmem");
    AMEM_ASSERT_OK(amem_kvmem_save(h, path));
    amem_kvmem *f = NULL;
    AMEM_ASSERT_OK(amem_kvmem_load(path, &f));
    unsigned char *img3 = image(h, &len2);
    ck_assert(same_image(f, img3, len2));
    amem_free(img3);
    amem_kvmem_free(f);
    remove(path);
    /* corrupted images are refused */
    for (size_t cut = 0; cut < len; cut += len / 13 + 1)
        AMEM_ASSERT_STATUS(amem_kvmem_load_mem(img, cut, &f), AMEM_E_FORMAT);
    img[len / 2] ^= 0x10;
    AMEM_ASSERT_STATUS(amem_kvmem_load_mem(img, len, &f), AMEM_E_FORMAT);
    ck_assert_ptr_null(f);
    amem_free(img), amem_free(img2);
    free(k), free(v);
    amem_kvmem_free(g);
    amem_kvmem_free(h);
}
END_TEST

START_TEST(test_bad_arguments)
{
    amem_kvmem *h = NULL;
    AMEM_ASSERT_STATUS(amem_kvmem_create(0, 4, 4, &h), AMEM_E_DIM);
    ck_assert_ptr_null(h);
    AMEM_ASSERT_STATUS(amem_kvmem_create(4, 0, 4, &h), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_kvmem_create(4, 4, 0, &h), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_kvmem_create(SIZE_MAX, 4, 4, &h), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_kvmem_create(4, 4, 4, NULL), AMEM_E_NULL);
    h = make(4, 3, 2);
    float x[4] = {1, -1, 1, 1}, y[2] = {1, -1}, out[2];
    float nan4[4] = {1, NAN, 1, 1};
    AMEM_ASSERT_OK(amem_kvmem_write(h, x, y, 1));
    size_t len;
    unsigned char *ref = image(h, &len);
    AMEM_ASSERT_STATUS(amem_kvmem_write(NULL, x, y, 1), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_kvmem_write(h, NULL, y, 1), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_kvmem_write(h, x, NULL, 1), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_kvmem_write(h, nan4, y, 1), AMEM_E_NONFINITE);
    AMEM_ASSERT_STATUS(amem_kvmem_write(h, x, y, -1), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_kvmem_write(h, x, y, INFINITY), AMEM_E_NONFINITE);
    AMEM_ASSERT_STATUS(amem_kvmem_write_many(h, x, y, NULL, 0), AMEM_E_DIM);
    float qbad[1] = {-2};
    AMEM_ASSERT_STATUS(amem_kvmem_write_many(h, x, y, qbad, 1), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_kvmem_read(h, x, 0, out, NULL), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_kvmem_read(h, nan4, 1, out, NULL),
                       AMEM_E_NONFINITE);
    AMEM_ASSERT_STATUS(amem_kvmem_read(h, x, 1, NULL, NULL), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_kvmem_set(h, -1, 0), AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_kvmem_set(h, 1000, 0),
                       AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_kvmem_set(h, AMEM_KVMEM_P, 1.5), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_kvmem_set(h, AMEM_KVMEM_LAMBDA, NAN),
                       AMEM_E_NONFINITE);
    AMEM_ASSERT_STATUS(amem_kvmem_set(h, AMEM_KVMEM_BATCH_SIZE, 1.5),
                       AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_kvmem_set(h, AMEM_KVMEM_LOCAL_FACTOR, 2),
                       AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_kvmem_stability(h, NULL, NULL), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_kvmem_train(h, 0, NULL, NULL, NULL),
                       AMEM_E_RANGE);
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_TRAIN_MIN_LEN, 9));
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_TRAIN_MAX_LEN, 4));
    AMEM_ASSERT_STATUS(amem_kvmem_train(h, 1, NULL, NULL, NULL),
                       AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_kvmem_episode(h, x, y, NULL, 0, x, y, 1, NULL,
                                          NULL, NULL, NULL),
                       AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_kvmem_episode(h, x, NULL, NULL, 1, x, y, 1, NULL,
                                          NULL, NULL, NULL),
                       AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_kvmem_episode(h, x, y, qbad, 1, x, y, 1, NULL,
                                          NULL, NULL, NULL),
                       AMEM_E_RANGE);
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_TRAIN_MIN_LEN, 0));
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_TRAIN_MAX_LEN, 0));
    ck_assert(same_image(h, ref, len)); /* failed calls changed nothing */
    AMEM_ASSERT_STATUS(amem_kvmem_load_mem(ref, len, NULL), AMEM_E_NULL);
    amem_kvmem *g = NULL;
    AMEM_ASSERT_STATUS(amem_kvmem_load("/nonexistent/kv.amem", &g),
                       AMEM_E_IO);
    double lo, hi;
    int integer;
    AMEM_ASSERT_OK(amem_kvmem_param_bounds(AMEM_KVMEM_TRAIN_MASK, &lo, &hi,
                                           &integer));
    ck_assert(lo == 0 && hi == 2047 && integer == 1);
    AMEM_ASSERT_STATUS(amem_kvmem_param_bounds(99, NULL, NULL, NULL),
                       AMEM_E_ARG);
    amem_free(ref);
    amem_kvmem_free(h);
    amem_kvmem_free(NULL);
}
END_TEST


/* ---- episode tape: gradients for a controller ------------------------- */

/*
 * A small interleaved episode: before each write t a read of query t, and
 * after the last write a read of two queries. Loss L = <W, outputs>, so
 * dL/d(outputs) = W. Inputs live in one vector: keys, values, q, queries.
 */
enum { TP_D = 5, TP_N = 4, TP_M = 3, TP_T = 6, TP_R = TP_T + 2 };
#define TP_KEYS 0
#define TP_VALS (TP_KEYS + TP_T * TP_D)
#define TP_Q (TP_VALS + TP_T * TP_M)
#define TP_QRY (TP_Q + TP_T)
#define TP_LEN (TP_QRY + TP_R * TP_D)
#define TP_BETA 0.4 /* soft reads (see test_tape_reads_are_soft) */

typedef struct tp_grads {
    float dk[TP_T * TP_D], dv[TP_T * TP_M], dq[TP_T], dx[TP_R * TP_D];
    double rule[AMEM_KVMEM_RULE_COUNT + 1];
} tp_grads;

/* Record the episode of input vector z; returns L = <W, outputs>. */
static double tp_record(amem_kvmem *h, amem_kvmem_tape *tp, const float *z,
                        const float *W, float *Y)
{
    float y[TP_R * TP_M];
    Y = Y ? Y : y;
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_SEED, 11));
    AMEM_ASSERT_OK(amem_kvmem_tape_begin(tp, h));
    for (size_t t = 0; t < TP_T; t++) {
        AMEM_ASSERT_OK(amem_kvmem_tape_read(tp, z + TP_QRY + t * TP_D, 1,
                                            Y + t * TP_M, NULL));
        AMEM_ASSERT_OK(amem_kvmem_tape_write(tp, z + TP_KEYS + t * TP_D,
                                             z + TP_VALS + t * TP_M,
                                             z[TP_Q + t]));
    }
    AMEM_ASSERT_OK(amem_kvmem_tape_read(tp, z + TP_QRY + TP_T * TP_D, 2,
                                        Y + TP_T * TP_M, NULL));
    double L = 0;
    for (size_t k = 0; k < TP_R * TP_M; k++)
        L += (double)W[k] * Y[k];
    return L;
}

/* Walk back step by step, as a recurrent controller does. */
static void tp_back_steps(amem_kvmem_tape *tp, const float *W, tp_grads *g)
{
    memset(g, 0, sizeof *g);
    AMEM_ASSERT_OK(amem_kvmem_tape_back_read(tp, W + TP_T * TP_M,
                                             g->dx + TP_T * TP_D));
    for (size_t t = TP_T; t-- > 0;) {
        double dq = -1;
        AMEM_ASSERT_OK(amem_kvmem_tape_back_write(tp, g->dk + t * TP_D,
                                                  g->dv + t * TP_M, &dq,
                                                  g->rule));
        g->dq[t] = (float)dq;
        AMEM_ASSERT_OK(amem_kvmem_tape_back_read(tp, W + t * TP_M,
                                                 g->dx + t * TP_D));
    }
    size_t left = 9;
    AMEM_ASSERT_OK(amem_kvmem_tape_count(tp, NULL, NULL, &left));
    ck_assert_uint_eq(left, 0);
}

static float *tp_grad_slot(tp_grads *g, size_t k)
{
    if (k < TP_VALS)
        return g->dk + k;
    if (k < TP_Q)
        return g->dv + (k - TP_VALS);
    if (k < TP_QRY)
        return g->dq + (k - TP_Q);
    return g->dx + (k - TP_QRY);
}

/* q values away from 0 and from the clamp's kink at rate 1. */
static float *tp_inputs(uint64_t seed)
{
    float *z = normals(TP_LEN, seed);
    static const float q[TP_T] = {0.7f, 0.4f, 0.9f, 0.55f, 0.8f, 0.3f};
    for (size_t t = 0; t < TP_T; t++)
        z[TP_Q + t] = q[t];
    return z;
}

static void tape_gradient_check(int general, int random, int passive,
                                int meta)
{
    amem_kvmem *h = make(TP_D, TP_N, TP_M);
    if (general)
        set_general_rule(h);
    if (meta) { /* some rates of tp_inputs' q exceed 0.5: frozen slots */
        AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_META_PLASTICITY, 1));
        AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_STABILITY_THRESHOLD,
                                      0.5));
    }
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_LOCAL_FACTOR, random));
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_P, 0.5));
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_VALUE_DECAY, passive));
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_BETA, TP_BETA));
    amem_kvmem_tape *tp = NULL;
    AMEM_ASSERT_OK(amem_kvmem_tape_create(h, TP_T, TP_R, &tp));
    float *z = tp_inputs(61 + general), *W = normals(TP_R * TP_M, 62);
    tp_grads g;
    tp_record(h, tp, z, W, NULL);
    tp_back_steps(tp, W, &g);
    double norm = 0;
    for (size_t k = 0; k < TP_LEN; k++) {
        const double step = 2e-3;
        float keep = z[k];
        z[k] = keep + (float)step;
        double up = tp_record(h, tp, z, W, NULL);
        z[k] = keep - (float)step;
        double dn = tp_record(h, tp, z, W, NULL);
        z[k] = keep;
        double fd = (up - dn) / (2 * step), an = *tp_grad_slot(&g, k);
        norm += fabs(an);
        ck_assert_msg(fabs(fd - an) <= 2e-3 + 2e-2 * fabs(fd),
                      "general %d random %d passive %d meta %d input %zu: "
                      "analytic %g, finite difference %g",
                      general, random, passive, meta, k, an, fd);
    }
    ck_assert(norm > 1e-1); /* the check compared something */
    for (int p = 0; p < AMEM_KVMEM_RULE_COUNT; p++) { /* rule, interleaved */
        int param = AMEM_KVMEM_RULE_FIRST + p;
        double base, step = 2e-3;
        AMEM_ASSERT_OK(amem_kvmem_get(h, param, &base));
        AMEM_ASSERT_OK(amem_kvmem_set(h, param, base + step));
        double up = tp_record(h, tp, z, W, NULL);
        AMEM_ASSERT_OK(amem_kvmem_set(h, param, base - step));
        double dn = tp_record(h, tp, z, W, NULL);
        AMEM_ASSERT_OK(amem_kvmem_set(h, param, base));
        double fd = (up - dn) / (2 * step);
        ck_assert_msg(fabs(fd - g.rule[p]) <= 2e-3 + 2e-2 * fabs(fd),
                      "rule param %d: analytic %g, finite difference %g",
                      param, g.rule[p], fd);
    }
    free(z), free(W);
    amem_kvmem_tape_free(tp);
    amem_kvmem_free(h);
}

START_TEST(test_tape_gradient_finite_differences)
{
    tape_gradient_check(0, 0, 0, 0); /* simplified rule, sequential */
    tape_gradient_check(0, 1, 0, 0); /* simplified rule, random */
    tape_gradient_check(1, 0, 0, 0); /* general rule, sequential */
    tape_gradient_check(1, 1, 0, 0); /* general rule, random */
    tape_gradient_check(1, 0, 1, 0); /* general rule, passive value decay */
    tape_gradient_check(1, 1, 1, 0);
    tape_gradient_check(1, 0, 0, 1); /* meta-plasticity: flags constant */
}
END_TEST

/* The reads of the gradient check are soft: no hidden state is close to
 * one-hot. */
START_TEST(test_tape_reads_are_soft)
{
    amem_kvmem *h = make(TP_D, TP_N, TP_M);
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_BETA, TP_BETA));
    amem_kvmem_tape *tp = NULL;
    AMEM_ASSERT_OK(amem_kvmem_tape_create(h, TP_T, TP_R, &tp));
    float *z = tp_inputs(61), hid[2 * TP_N], y[2 * TP_M];
    AMEM_ASSERT_OK(amem_kvmem_tape_begin(tp, h));
    for (size_t t = 0; t < TP_T; t++)
        AMEM_ASSERT_OK(amem_kvmem_tape_write(tp, z + t * TP_D,
                                             z + TP_VALS + t * TP_M,
                                             z[TP_Q + t]));
    AMEM_ASSERT_OK(amem_kvmem_tape_read(tp, z + TP_QRY, 2, y, hid));
    for (size_t k = 0; k < 2 * TP_N; k++) /* no row close to one-hot */
        ck_assert_msg(hid[k] < 0.9, "h %g", hid[k]);
    free(z);
    amem_kvmem_tape_free(tp);
    amem_kvmem_free(h);
}
END_TEST

/* At q = 0 (nothing stored) dL/dq is the right derivative. */
START_TEST(test_tape_gradient_at_q_zero)
{
    amem_kvmem *h = make(TP_D, TP_N, TP_M);
    amem_kvmem_tape *tp = NULL;
    AMEM_ASSERT_OK(amem_kvmem_tape_create(h, TP_T, TP_R, &tp));
    float *z = tp_inputs(71), *W = normals(TP_R * TP_M, 72);
    z[TP_Q + 2] = 0;
    tp_grads g;
    double base = tp_record(h, tp, z, W, NULL);
    tp_back_steps(tp, W, &g);
    z[TP_Q + 2] = 1e-3f;
    double fd = (tp_record(h, tp, z, W, NULL) - base) / 1e-3;
    ck_assert(fabs(fd) > 1e-2);
    ck_assert_msg(fabs(fd - g.dq[2]) <= 1e-2 * (1 + fabs(fd)),
                  "analytic %g, one-sided difference %g", g.dq[2], fd);
    free(z), free(W);
    amem_kvmem_tape_free(tp);
    amem_kvmem_free(h);
}
END_TEST

/*
 * The tape agrees with amem_kvmem_episode (outputs and rule gradient of
 * the squared-error loss), and the one-call walk back equals the steps.
 */
START_TEST(test_tape_matches_episode)
{
    const size_t d = 6, N = 5, m = 4, T = 7, R = 3;
    amem_kvmem *h = make(d, N, m);
    set_general_rule(h);
    float *k = normals(T * d, 81), *v = normals(T * m, 82);
    float *qr = normals(R * d, 83), *tg = normals(R * m, 84);
    float q[7] = {1, 0.6f, 1, 0.2f, 0.8f, 1, 1};
    float y_ep[12], y_tp[12], dY[12];
    double g_ep[AMEM_KVMEM_RULE_COUNT + 1], g_tp[AMEM_KVMEM_RULE_COUNT + 1];
    float *dk = calloc(T * d, sizeof(float)), *dk2 = calloc(T * d, 4);
    amem_kvmem_tape *tp = NULL;
    AMEM_ASSERT_OK(amem_kvmem_tape_create(h, T, R, &tp));
    /* SEQUENTIAL: the tape's own gamma stream plays no part */
    AMEM_ASSERT_OK(amem_kvmem_tape_begin(tp, h));
    for (size_t t = 0; t < T; t++)
        AMEM_ASSERT_OK(amem_kvmem_tape_write(tp, k + t * d, v + t * m, q[t]));
    AMEM_ASSERT_OK(amem_kvmem_tape_read(tp, qr, R, y_tp, NULL));
    for (size_t i = 0; i < R * m; i++)
        dY[i] = 2.0f * (y_tp[i] - tg[i]) / (float)R;
    AMEM_ASSERT_OK(amem_kvmem_tape_backward(tp, dY, dk, NULL, NULL, NULL,
                                            g_tp));
    AMEM_ASSERT_OK(amem_kvmem_episode(h, k, v, q, T, qr, tg, R, y_ep, NULL,
                                      NULL, g_ep));
    for (size_t i = 0; i < R * m; i++)
        ck_assert_float_eq_tol(y_ep[i], y_tp[i], 1e-6);
    for (int p = 0; p <= AMEM_KVMEM_RULE_COUNT; p++)
        ck_assert_double_eq_tol(g_ep[p], g_tp[p], 1e-6 * (1 + fabs(g_ep[p])));
    /* one call == step by step (reads after all writes) */
    AMEM_ASSERT_OK(amem_kvmem_tape_begin(tp, h));
    for (size_t t = 0; t < T; t++)
        AMEM_ASSERT_OK(amem_kvmem_tape_write(tp, k + t * d, v + t * m, q[t]));
    AMEM_ASSERT_OK(amem_kvmem_tape_read(tp, qr, R, y_tp, NULL));
    AMEM_ASSERT_OK(amem_kvmem_tape_back_read(tp, dY, NULL));
    for (size_t t = T; t-- > 0;)
        AMEM_ASSERT_OK(amem_kvmem_tape_back_write(tp, dk2 + t * d, NULL,
                                                  NULL, NULL));
    for (size_t i = 0; i < T * d; i++)
        ck_assert_float_eq(dk[i], dk2[i]);
    free(k), free(v), free(qr), free(tg), free(dk), free(dk2);
    amem_kvmem_tape_free(tp);
    amem_kvmem_free(h);
}
END_TEST

START_TEST(test_tape_bad_arguments)
{
    amem_kvmem *h = make(4, 3, 2), *other = make(4, 3, 3);
    amem_kvmem_tape *tp = NULL;
    float x[4] = {1, -1, 1, 1}, y[2] = {1, -1}, out[4], dq4[4];
    float nan4[4] = {1, NAN, 1, 1}, nan2[2] = {NAN, 0};
    double dq;
    AMEM_ASSERT_STATUS(amem_kvmem_tape_create(NULL, 2, 2, &tp), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_kvmem_tape_create(h, 2, 2, NULL), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_kvmem_tape_create(h, 0, 2, &tp), AMEM_E_DIM);
    ck_assert_ptr_null(tp);
    AMEM_ASSERT_STATUS(amem_kvmem_tape_create(h, 2, 0, &tp), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_kvmem_tape_create(h, SIZE_MAX / 2, 2, &tp),
                       AMEM_E_DIM);
    AMEM_ASSERT_OK(amem_kvmem_tape_create(h, 2, 2, &tp));
    /* nothing begun */
    AMEM_ASSERT_STATUS(amem_kvmem_tape_write(tp, x, y, 1), AMEM_E_STATE);
    AMEM_ASSERT_STATUS(amem_kvmem_tape_read(tp, x, 1, out, NULL),
                       AMEM_E_STATE);
    AMEM_ASSERT_STATUS(amem_kvmem_tape_back_write(tp, NULL, NULL, NULL,
                                                  NULL),
                       AMEM_E_STATE);
    AMEM_ASSERT_STATUS(amem_kvmem_tape_backward(tp, y, NULL, NULL, NULL,
                                                NULL, NULL),
                       AMEM_E_STATE);
    size_t len;
    unsigned char *ref = image(h, &len);
    AMEM_ASSERT_STATUS(amem_kvmem_tape_begin(tp, other), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_kvmem_tape_begin(NULL, h), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_kvmem_tape_begin(tp, NULL), AMEM_E_NULL);
    ck_assert(same_image(h, ref, len));
    AMEM_ASSERT_OK(amem_kvmem_tape_begin(tp, h));
    AMEM_ASSERT_STATUS(amem_kvmem_tape_write(NULL, x, y, 1), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_kvmem_tape_write(tp, NULL, y, 1), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_kvmem_tape_write(tp, x, NULL, 1), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_kvmem_tape_write(tp, nan4, y, 1),
                       AMEM_E_NONFINITE);
    AMEM_ASSERT_STATUS(amem_kvmem_tape_write(tp, x, nan2, 1),
                       AMEM_E_NONFINITE);
    AMEM_ASSERT_STATUS(amem_kvmem_tape_write(tp, x, y, -1), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_kvmem_tape_write(tp, x, y, NAN),
                       AMEM_E_NONFINITE);
    AMEM_ASSERT_STATUS(amem_kvmem_tape_write(tp, x, y, 1e300), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_kvmem_tape_read(tp, x, 0, out, NULL),
                       AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_kvmem_tape_read(tp, x, 3, out, NULL),
                       AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_kvmem_tape_read(tp, nan4, 1, out, NULL),
                       AMEM_E_NONFINITE);
    AMEM_ASSERT_STATUS(amem_kvmem_tape_read(tp, x, 1, NULL, NULL),
                       AMEM_E_NULL);
    size_t w = 9, r = 9, left = 9;
    AMEM_ASSERT_OK(amem_kvmem_tape_count(tp, &w, &r, &left));
    ck_assert(w == 0 && r == 0 && left == 0); /* failures recorded nothing */
    AMEM_ASSERT_OK(amem_kvmem_tape_write(tp, x, y, 1));
    AMEM_ASSERT_OK(amem_kvmem_tape_write(tp, x, y, 0.5));
    AMEM_ASSERT_STATUS(amem_kvmem_tape_write(tp, x, y, 1), AMEM_E_RANGE);
    AMEM_ASSERT_OK(amem_kvmem_tape_read(tp, x, 1, out, NULL));
    /* last op is a read */
    AMEM_ASSERT_STATUS(amem_kvmem_tape_back_write(tp, NULL, NULL, &dq, NULL),
                       AMEM_E_STATE);
    AMEM_ASSERT_STATUS(amem_kvmem_tape_back_read(tp, nan2, NULL),
                       AMEM_E_NONFINITE);
    AMEM_ASSERT_STATUS(amem_kvmem_tape_back_read(tp, NULL, NULL),
                       AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_kvmem_tape_backward(tp, nan2, NULL, NULL, NULL,
                                                NULL, NULL),
                       AMEM_E_NONFINITE);
    AMEM_ASSERT_OK(amem_kvmem_tape_count(tp, &w, &r, &left));
    ck_assert(w == 2 && r == 1 && left == 3);
    AMEM_ASSERT_OK(amem_kvmem_tape_back_read(tp, y, dq4));
    /* last op is now a write; recording is closed */
    AMEM_ASSERT_STATUS(amem_kvmem_tape_back_read(tp, y, NULL), AMEM_E_STATE);
    AMEM_ASSERT_STATUS(amem_kvmem_tape_write(tp, x, y, 1), AMEM_E_STATE);
    AMEM_ASSERT_STATUS(amem_kvmem_tape_read(tp, x, 1, out, NULL),
                       AMEM_E_STATE);
    AMEM_ASSERT_STATUS(amem_kvmem_tape_backward(tp, y, NULL, NULL, NULL,
                                                NULL, NULL),
                       AMEM_E_STATE);
    AMEM_ASSERT_OK(amem_kvmem_tape_back_write(tp, NULL, NULL, &dq, NULL));
    AMEM_ASSERT_OK(amem_kvmem_tape_back_write(tp, NULL, NULL, NULL, NULL));
    AMEM_ASSERT_STATUS(amem_kvmem_tape_back_write(tp, NULL, NULL, NULL,
                                                  NULL),
                       AMEM_E_STATE);
    AMEM_ASSERT_STATUS(amem_kvmem_tape_count(NULL, &w, &r, &left),
                       AMEM_E_NULL);
    amem_free(ref);
    amem_kvmem_tape_free(tp);
    amem_kvmem_tape_free(NULL);
    amem_kvmem_free(other);
    amem_kvmem_free(h);
}
END_TEST

/* ---- TVT baseline ----------------------------------------------------- */

START_TEST(test_tvt_recall_and_order)
{
    const size_t d = 40, N = 40, T = 50;
    amem_tvt *h = NULL;
    AMEM_ASSERT_OK(amem_tvt_create(d, N, d, &h));
    float *x = signs(T * d, 71), *q = zeroed(x, T * d, 0.6, 72);
    float *out = malloc(T * d * sizeof(float));
    float *w = malloc(T * N * sizeof(float));
    AMEM_ASSERT_OK(amem_tvt_set(h, AMEM_TVT_SIGN_OUTPUT, 1));
    AMEM_ASSERT_OK(amem_tvt_write_many(h, x, NULL, T));
    size_t count;
    AMEM_ASSERT_OK(amem_tvt_count(h, &count));
    ck_assert_uint_eq(count, T);
    AMEM_ASSERT_OK(amem_tvt_read(h, q, T, out, w));
    size_t right = 0;
    for (size_t k = (T - N) * d; k < T * d; k++) /* the last N survive */
        right += out[k] == x[k];
    ck_assert_double_ge((double)right / (double)(N * d), 0.98);
    /* item t went to row t mod N: its clean key peaks there */
    AMEM_ASSERT_OK(amem_tvt_read(h, x, T, out, w));
    for (size_t t = T - N; t < T; t++) {
        size_t best = 0;
        for (size_t i = 1; i < N; i++)
            best = w[t * N + i] > w[t * N + best] ? i : best;
        ck_assert_uint_eq(best, t % N);
    }
    free(x), free(q), free(out), free(w);
    amem_tvt_free(h);
}
END_TEST

static double tvt_loss(amem_tvt *h, const float *Mk, const float *Mv,
                       const float *X, const float *tg, size_t R, float *grad)
{
    tvt_ws ws;
    float Y[6 * 3];
    AMEM_ASSERT_OK(amem__tvt_ws_alloc("test", h, R, &ws));
    amem__tvt_forward(h, Mk, Mv, h->theta, X, R, &ws, Y);
    double loss = 0;
    for (size_t k = 0; k < R * h->m; k++)
        loss += ((double)Y[k] - tg[k]) * ((double)Y[k] - tg[k]) / (double)R;
    if (grad)
        amem__tvt_backward(h, Mv, h->theta, X, R, Y, tg, &ws, grad);
    amem__tvt_ws_free(&ws);
    return loss;
}

START_TEST(test_tvt_gradient_finite_differences)
{
    const size_t d = 4, N = 5, m = 3, R = 6;
    amem_tvt *h = NULL;
    AMEM_ASSERT_OK(amem_tvt_create(d, N, m, &h));
    float *th = normals(amem__tvt_theta_len(d), 81);
    memcpy(h->theta, th, amem__tvt_theta_len(d) * sizeof(float));
    float *Mk = normals(N * d, 82), *Mv = normals(N * m, 83);
    float *X = normals(R * d, 84), *tg = normals(R * m, 85);
    float g[4 * 4 + 2 * 4 + 1];
    tvt_loss(h, Mk, Mv, X, tg, R, g);
    for (size_t k = 0; k < amem__tvt_theta_len(d); k++) {
        float keep = h->theta[k], step = 1e-2f;
        h->theta[k] = keep + step;
        double up = tvt_loss(h, Mk, Mv, X, tg, R, NULL);
        h->theta[k] = keep - step;
        double dn = tvt_loss(h, Mk, Mv, X, tg, R, NULL);
        h->theta[k] = keep;
        double fd = (up - dn) / (2.0 * step);
        ck_assert_msg(fabs(fd - g[k]) <= 3e-3 + 3e-2 * fabs(fd),
                      "theta[%zu]: analytic %g, finite difference %g", k,
                      (double)g[k], fd);
    }
    free(th), free(Mk), free(Mv), free(X), free(tg);
    amem_tvt_free(h);
}
END_TEST

START_TEST(test_tvt_training_and_persistence)
{
    const size_t d = 8, N = 8, steps = 200;
    amem_tvt *h = NULL;
    AMEM_ASSERT_OK(amem_tvt_create(d, N, d, &h));
    float A[64] = {0}, a[8] = {0}, u[8] = {0}, c = -1.0f;
    for (size_t j = 0; j < d; j++)
        A[j * d + j] = 1;
    AMEM_ASSERT_OK(amem_tvt_set_read_params(h, A, a, u, &c));
    AMEM_ASSERT_OK(amem_tvt_set(h, AMEM_TVT_LEARNING_RATE, 0.05));
    AMEM_ASSERT_OK(amem_tvt_set(h, AMEM_TVT_BATCH_SIZE, 4));
    float *hist = malloc(steps * AMEM_TVT_HISTORY_COLS * sizeof(float));
    for (size_t s = 0; s < steps; s++) {
        AMEM_ASSERT_OK(amem_tvt_train(h, 1, NULL, NULL, NULL));
        AMEM_ASSERT_OK(amem_tvt_get_last_step(h, hist + s * AMEM_TVT_HISTORY_COLS));
        ck_assert_float_eq(hist[s * AMEM_TVT_HISTORY_COLS], (float)(s + 1));
    }
    double first = 0, last = 0;
    for (size_t s = 0; s < 20; s++) {
        first += hist[s * AMEM_TVT_HISTORY_COLS + 1];
        last += hist[(steps - 1 - s) * AMEM_TVT_HISTORY_COLS + 1];
    }
    ck_assert_msg(last < 0.8 * first, "loss %g -> %g", first, last);
    ck_assert(hist[(steps - 1) * AMEM_TVT_HISTORY_COLS + 3] >
              hist[3]); /* strength grew */
    float *x = signs(3 * d, 91);
    AMEM_ASSERT_OK(amem_tvt_write_many(h, x, NULL, 3));
    void *img = NULL, *img2 = NULL;
    size_t len, len2;
    AMEM_ASSERT_OK(amem_tvt_save_mem(h, &img, &len));
    amem_tvt *g = NULL;
    AMEM_ASSERT_OK(amem_tvt_load_mem(img, len, &g));
    AMEM_ASSERT_OK(amem_tvt_save_mem(g, &img2, &len2));
    ck_assert_uint_eq(len, len2);
    ck_assert_mem_eq(img, img2, len);
    amem_tvt_free(g);
    amem_kvmem *kv = NULL; /* a TVT file is not a key-value memory */
    AMEM_ASSERT_STATUS(amem_kvmem_load_mem(img, len, &kv), AMEM_E_FORMAT);
    amem_kvmem *k2 = make(2, 2, 2);
    void *kimg = NULL;
    size_t klen;
    AMEM_ASSERT_OK(amem_kvmem_save_mem(k2, &kimg, &klen));
    AMEM_ASSERT_STATUS(amem_tvt_load_mem(kimg, klen, &g), AMEM_E_FORMAT);
    ck_assert_ptr_null(g);
    for (size_t cut = 0; cut < len; cut += len / 11 + 1)
        AMEM_ASSERT_STATUS(amem_tvt_load_mem(img, cut, &g), AMEM_E_FORMAT);
    /* A file from before TVT had its own kind (6) carries the key-value
     * memory's kind (2) with the same payload: it still loads, and saves
     * back under the TVT kind. */
    unsigned char *old = malloc(len);
    memcpy(old, img, len);
    ck_assert_uint_eq(old[12], 6);
    old[12] = 2;
    uLong crc = crc32(0L, old, (uInt)(len - 4));
    for (int b = 0; b < 4; b++)
        old[len - 4 + b] = (unsigned char)(crc >> (8 * b));
    AMEM_ASSERT_OK(amem_tvt_load_mem(old, len, &g));
    amem_free(img2);
    AMEM_ASSERT_OK(amem_tvt_save_mem(g, &img2, &len2));
    ck_assert_mem_eq(img, img2, len);
    amem_tvt_free(g);
    g = NULL;
    free(old);
    /* bad arguments leave the handle unchanged */
    float nan1[8] = {NAN};
    AMEM_ASSERT_STATUS(amem_tvt_write(h, nan1, NULL), AMEM_E_NONFINITE);
    AMEM_ASSERT_STATUS(amem_tvt_write_many(h, x, NULL, 0), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_tvt_read(h, x, 0, A, NULL), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_tvt_set(h, AMEM_TVT_LEARNING_RATE, 0), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_tvt_set(h, 1000, 0), AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_tvt_set_read_params(h, A, a, nan1, &c),
                       AMEM_E_NONFINITE);
    AMEM_ASSERT_STATUS(amem_tvt_train(h, 0, NULL, NULL, NULL), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_tvt_create(0, 1, 1, &g), AMEM_E_DIM);
    amem_free(img2);
    AMEM_ASSERT_OK(amem_tvt_save_mem(h, &img2, &len2));
    ck_assert_mem_eq(img, img2, len);
    amem_free(img), amem_free(img2), amem_free(kimg);
    free(hist), free(x);
    amem_kvmem_free(k2);
    amem_tvt_free(g);
    amem_tvt_free(h);
}
END_TEST

/* ---- data-parallel training (C16) -------------------------------------- */

static amem_kvmem *dp_kv(void)
{
    amem_kvmem *h = make(6, 6, 6);
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_SEED, 17));
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_LOCAL_FACTOR,
                                  AMEM_KVMEM_LOCAL_RANDOM));
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_P, 0.4));
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_TRAIN_P, 1));
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_BATCH_SIZE, 5));
    AMEM_ASSERT_OK(amem_kvmem_set(h, AMEM_KVMEM_LEARNING_RATE, 0.01));
    return h;
}

static int kv_step(void *h) { return amem_kvmem_train(h, 1, NULL, NULL, NULL); }

/* Two workers with the RANDOM gate (the skipped episodes' draws) end where
 * one worker does. */
START_TEST(test_kv_two_workers_equal_one)
{
    amem_kvmem *one = dp_kv(), *w0 = dp_kv(), *w1 = dp_kv();
    dp_pair p = {kv_step, w1, NULL, 0};
    amem_data_parallel d0 = {dp_pair_outer, &p, 0, 2};
    amem_data_parallel d1 = {dp_pair_inner, &p, 1, 2};
    AMEM_ASSERT_OK(amem_kvmem_set_data_parallel(w0, &d0));
    AMEM_ASSERT_OK(amem_kvmem_set_data_parallel(w1, &d1));
    const size_t steps = 4;
    double l_one, l_w0;
    AMEM_ASSERT_OK(amem_kvmem_train(one, steps, NULL, NULL, &l_one));
    for (size_t s = 0; s < steps; s++)
        AMEM_ASSERT_OK(amem_kvmem_train(w0, 1, NULL, NULL, &l_w0));
    ck_assert_double_eq_tol(l_one, l_w0, 1e-5 * fabs(l_one));
    for (int k = AMEM_KVMEM_RULE_FIRST;
         k < AMEM_KVMEM_RULE_FIRST + AMEM_KVMEM_RULE_COUNT; k++) {
        double a, b, c;
        AMEM_ASSERT_OK(amem_kvmem_get(one, k, &a));
        AMEM_ASSERT_OK(amem_kvmem_get(w0, k, &b));
        AMEM_ASSERT_OK(amem_kvmem_get(w1, k, &c));
        ck_assert_double_eq(b, c);
        ck_assert_msg(fabs(a - b) < 1e-5, "rule %d: %g vs %g", k, a, b);
    }
    double pa, pb;
    AMEM_ASSERT_OK(amem_kvmem_get(one, AMEM_KVMEM_P, &pa));
    AMEM_ASSERT_OK(amem_kvmem_get(w0, AMEM_KVMEM_P, &pb));
    ck_assert(pa != 0.4);
    ck_assert_msg(fabs(pa - pb) < 1e-5, "p %g vs %g", pa, pb);
    amem_data_parallel bad = {NULL, NULL, 0, 2};
    AMEM_ASSERT_STATUS(amem_kvmem_set_data_parallel(w0, &bad), AMEM_E_NULL);
    AMEM_ASSERT_OK(amem_kvmem_set_data_parallel(w0, NULL));
    amem_kvmem_free(one), amem_kvmem_free(w0), amem_kvmem_free(w1);
}
END_TEST

static amem_tvt *dp_tvt(void)
{
    amem_tvt *h = NULL;
    AMEM_ASSERT_OK(amem_tvt_create(6, 6, 6, &h));
    AMEM_ASSERT_OK(amem_tvt_set(h, AMEM_TVT_SEED, 5));
    AMEM_ASSERT_OK(amem_tvt_set(h, AMEM_TVT_BATCH_SIZE, 3));
    AMEM_ASSERT_OK(amem_tvt_set(h, AMEM_TVT_LEARNING_RATE, 0.01));
    return h;
}

static int tvt_step(void *h) { return amem_tvt_train(h, 1, NULL, NULL, NULL); }

START_TEST(test_tvt_two_workers_equal_one)
{
    amem_tvt *one = dp_tvt(), *w0 = dp_tvt(), *w1 = dp_tvt();
    dp_pair p = {tvt_step, w1, NULL, 0};
    amem_data_parallel d0 = {dp_pair_outer, &p, 0, 2};
    amem_data_parallel d1 = {dp_pair_inner, &p, 1, 2};
    AMEM_ASSERT_OK(amem_tvt_set_data_parallel(w0, &d0));
    AMEM_ASSERT_OK(amem_tvt_set_data_parallel(w1, &d1));
    const size_t steps = 4, d = 6, len = d * d + 2 * d + 1;
    AMEM_ASSERT_OK(amem_tvt_train(one, steps, NULL, NULL, NULL));
    for (size_t s = 0; s < steps; s++)
        AMEM_ASSERT_OK(amem_tvt_train(w0, 1, NULL, NULL, NULL));
    float th[3][6 * 6 + 2 * 6 + 1], th0[6 * 6 + 2 * 6 + 1];
    amem_tvt *hs[3] = {one, w0, w1};
    for (int i = 0; i < 3; i++)
        AMEM_ASSERT_OK(amem_tvt_get_read_params(hs[i], th[i], th[i] + d * d,
                                                th[i] + d * d + d,
                                                th[i] + d * d + 2 * d));
    amem_tvt *fresh = dp_tvt();
    AMEM_ASSERT_OK(amem_tvt_get_read_params(fresh, th0, th0 + d * d,
                                            th0 + d * d + d,
                                            th0 + d * d + 2 * d));
    double moved = 0;
    for (size_t k = 0; k < len; k++) {
        ck_assert_float_eq(th[1][k], th[2][k]);
        ck_assert_msg(fabsf(th[0][k] - th[1][k]) < 1e-5f, "theta[%zu] %g vs %g",
                      k, th[0][k], th[1][k]);
        moved += fabsf(th[0][k] - th0[k]);
    }
    ck_assert(moved > 1e-3);
    amem_tvt_free(fresh);
    amem_tvt_free(one), amem_tvt_free(w0), amem_tvt_free(w1);
}
END_TEST

Suite *amem_suite_kvmem(void)
{
    Suite *s = suite_create("kvmem");
    TCase *rules = tcase_create("rules");
    tcase_add_test(rules, test_simplified_write_by_hand);
    tcase_add_test(rules, test_general_write_by_hand);
    tcase_add_test(rules, test_random_gamma_frequency);
    tcase_add_test(rules, test_fast_path_equals_general_rule);
    tcase_add_test(rules, test_passive_equals_rapid_at_setting);
    tcase_add_test(rules, test_recall_low_load);
    tcase_add_test(rules, test_sequential_overwrites_oldest);
    tcase_add_test(rules, test_meta_plasticity_freezes);
    tcase_add_test(rules, test_saturating_write_freezes_at_unit_strength);
    suite_add_tcase(s, rules);
    TCase *meta = tcase_create("meta");
    tcase_set_timeout(meta, 60);
    tcase_add_test(meta, test_meta_gradient_finite_differences);
    tcase_add_test(meta, test_meta_gradient_at_trained_point);
    tcase_add_test(meta, test_meta_training_lowers_loss);
    tcase_add_test(meta, test_kv_two_workers_equal_one);
    suite_add_tcase(s, meta);
    TCase *tape = tcase_create("tape");
    tcase_set_timeout(tape, 60);
    tcase_add_test(tape, test_tape_gradient_finite_differences);
    tcase_add_test(tape, test_tape_reads_are_soft);
    tcase_add_test(tape, test_tape_gradient_at_q_zero);
    tcase_add_test(tape, test_tape_matches_episode);
    tcase_add_test(tape, test_tape_bad_arguments);
    suite_add_tcase(s, tape);
    TCase *api = tcase_create("api");
    tcase_add_test(api, test_save_load_roundtrip);
    tcase_add_test(api, test_bad_arguments);
    suite_add_tcase(s, api);
    TCase *tvt = tcase_create("tvt");
    tcase_set_timeout(tvt, 60);
    tcase_add_test(tvt, test_tvt_recall_and_order);
    tcase_add_test(tvt, test_tvt_gradient_finite_differences);
    tcase_add_test(tvt, test_tvt_training_and_persistence);
    tcase_add_test(tvt, test_tvt_two_workers_equal_one);
    suite_add_tcase(s, tvt);
    return s;
}
