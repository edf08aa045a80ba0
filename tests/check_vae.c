/* Check suite `vae`: the convolutional VAE, its training and consolidation. */
#define AMEM_EXPERIMENTAL_API
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assocmem/vae.h"
#include "core/rng.h"
#include "testutil.h"
#include "testutil_dp.h"
#include "vae/vae_impl.h"

/* ---- helpers --------------------------------------------------------- */

/* 1 x 8 x 8 images: conv k3 s2 p1 (4) -> 4x4, conv k3 s2 p1 (6) -> 2x2,
 * pooling per `pool`, latent 3, decoder 6x2x2 -> up2 conv 4 -> up2 conv 1. */
static amem_vae *tiny(int pool, int act, int loss, uint64_t seed)
{
    amem_vae *v = NULL;
    AMEM_ASSERT_OK(amem_vae_create(1, 8, 8, &v));
    AMEM_ASSERT_OK(amem_vae_set(v, AMEM_VAE_LATENT, 3));
    AMEM_ASSERT_OK(amem_vae_set(v, AMEM_VAE_POOL, pool));
    AMEM_ASSERT_OK(amem_vae_set(v, AMEM_VAE_ACTIVATION, act));
    AMEM_ASSERT_OK(amem_vae_set(v, AMEM_VAE_LOSS, loss));
    AMEM_ASSERT_OK(amem_vae_set(v, AMEM_VAE_SEED, (double)seed));
    AMEM_ASSERT_OK(amem_vae_add_encoder_conv(v, 4, 3, 2, 1));
    AMEM_ASSERT_OK(amem_vae_add_encoder_conv(v, 6, 3, 2, 1));
    AMEM_ASSERT_OK(amem_vae_add_decoder_conv(v, 2, 4, 3, 1, 1));
    AMEM_ASSERT_OK(amem_vae_add_decoder_conv(v, 2, 1, 3, 1, 1));
    AMEM_ASSERT_OK(amem_vae_build(v));
    return v;
}

/* Attach x (n images) and train whole epochs; *loss: the mean step loss
 * of the last epoch (may be NULL). Returns the status of the train call. */
static int train_epochs(amem_vae *v, const float *x, size_t n, size_t epochs,
                        double *loss)
{
    size_t spe = 0;
    int rc = amem_vae_set_data(v, x, n);
    if (rc == AMEM_OK)
        rc = amem_vae_steps_per_epoch(v, &spe);
    if (rc != AMEM_OK)
        return rc;
    for (size_t e = 0; e < epochs && rc == AMEM_OK; e++) {
        double sum = 0.0, last;
        for (size_t s = 0; s < spe && rc == AMEM_OK; s++) {
            rc = amem_vae_train(v, 1, NULL, NULL, &last);
            sum += last;
        }
        if (loss)
            *loss = sum / (double)spe;
    }
    return rc;
}

/* n images of bars: image i has a bright row (i % 8) and column (i / 8 % 8). */
static float *bars(size_t n)
{
    float *x = calloc(n * 64, sizeof(float));
    for (size_t i = 0; i < n; i++) {
        int r = (int)(i % 8), c = (int)((i * 3 + 1) % 8);
        for (int j = 0; j < 8; j++) {
            x[i * 64 + r * 8 + j] = 0.9f;
            x[i * 64 + j * 8 + c] = 0.8f;
        }
        x[i * 64 + r * 8 + c] = 1.0f;
    }
    return x;
}

static double batch_loss(amem_vae *v, const float *x, size_t n,
                         const float *eps, int with_grad)
{
    amem__graph *g = v->graph;
    amem__graph_reset(g);
    g->training = 1;
    amem__vae_pass pass = {1, 0};
    amem__node *l = amem__vae_loss_graph(v, g, x, n, eps, &pass, NULL, NULL);
    ck_assert_int_eq(g->status, AMEM_OK);
    double value = l->val[0];
    if (with_grad) {
        memset(v->grads, 0, v->n_params * sizeof(float));
        ck_assert_int_eq(amem__backward(g, l, NULL), AMEM_OK);
    }
    return value;
}

/* Finite differences of the assembled loss for a few parameters of every
 * part of the model (encoder conv, BN, heads, decoder dense, decoder conv). */
static void gradcheck(int act, int loss)
{
    amem_vae *v = tiny(AMEM_VAE_POOL_FLATTEN, act, loss, 3);
    float *x = bars(5), eps[15];
    amem__rng rng;
    amem__rng_seed(&rng, 9);
    amem__rng_normals(&rng, eps, 15);
    /* Move BN away from the identity so its gradient is exercised. */
    for (size_t i = 0; i < v->n_params; i++)
        v->params[i] += 0.05f * (float)amem__rng_normal(&rng);
    batch_loss(v, x, 5, eps, 1);
    float *analytic = malloc(v->n_params * sizeof(float));
    memcpy(analytic, v->grads, v->n_params * sizeof(float));
    size_t picks[] = {v->enc[0].w_off + 3, v->enc[0].b_off,
                      v->enc[1].gamma_off + 1, v->enc[1].beta_off + 2,
                      v->enc[1].w_off + 17, v->mu_w + 4, v->mu_b + 1,
                      v->lv_w + 7, v->lv_b, v->dd_w + 5, v->dd_b + 3,
                      v->dec[0].w_off + 11, v->dec[0].gamma_off,
                      v->dec[1].w_off + 2, v->dec[1].b_off};
    for (size_t k = 0; k < sizeof picks / sizeof picks[0]; k++) {
        size_t i = picks[k];
        float keep = v->params[i], h = 4e-3f;
        v->params[i] = keep + h;
        double up = batch_loss(v, x, 5, eps, 0);
        v->params[i] = keep - h;
        double down = batch_loss(v, x, 5, eps, 0);
        v->params[i] = keep;
        double numeric = (up - down) / (2.0 * h);
        double err = fabs(numeric - analytic[i]) /
                     fmax(1.0, fabs(numeric) + fabs(analytic[i]));
        ck_assert_msg(err < 2e-3, "param %zu: analytic %g numeric %g", i,
                      analytic[i], numeric);
    }
    free(analytic);
    free(x);
    amem_vae_free(v);
}

START_TEST(test_gradient_mse_tanh) { gradcheck(AMEM_VAE_ACT_TANH, AMEM_VAE_LOSS_MSE); }
END_TEST

START_TEST(test_gradient_bce_sigmoid)
{
    gradcheck(AMEM_VAE_ACT_SIGMOID, AMEM_VAE_LOSS_BCE);
}
END_TEST

/* The reconstruction term follows the authors' L1 reduction exactly. */
START_TEST(test_l1_reduction)
{
    amem_vae *v = tiny(AMEM_VAE_POOL_GLOBAL_AVG, AMEM_VAE_ACT_LEAKY_RELU,
                       AMEM_VAE_LOSS_L1, 1);
    float *x = bars(4), out[4 * 64];
    double recon, kl;
    AMEM_ASSERT_OK(amem_vae_loss(v, x, 4, &recon, &kl));
    AMEM_ASSERT_OK(amem_vae_reconstruct(v, x, 4, out));
    double sum = 0;
    for (int i = 0; i < 4 * 64; i++)
        sum += fabs(out[i] - x[i]);
    ck_assert_double_eq_tol(recon, sum / 4.0, 1e-4 * sum);
    float mu[12], lv[12];
    AMEM_ASSERT_OK(amem_vae_encode(v, x, 4, mu, lv));
    double k = 0;
    for (int i = 0; i < 12; i++)
        k += -0.5 * (1 + lv[i] - mu[i] * mu[i] - exp(lv[i]));
    ck_assert_double_eq_tol(kl, k / 4.0, 1e-4 * fabs(k) + 1e-6);
    free(x);
    amem_vae_free(v);
}
END_TEST

START_TEST(test_training_lowers_loss)
{
    amem_vae *v = tiny(AMEM_VAE_POOL_FLATTEN, AMEM_VAE_ACT_LEAKY_RELU,
                       AMEM_VAE_LOSS_L1, 5);
    AMEM_ASSERT_OK(amem_vae_set(v, AMEM_VAE_BATCH_SIZE, 8));
    AMEM_ASSERT_OK(amem_vae_set(v, AMEM_VAE_PATIENCE, 0));
    AMEM_ASSERT_OK(amem_vae_set(v, AMEM_VAE_LEARNING_RATE, 1e-2));
    float *x = bars(16);
    double before, after, kl;
    AMEM_ASSERT_OK(amem_vae_loss(v, x, 16, &before, &kl));
    size_t steps = 0;
    double last = 0;
    AMEM_ASSERT_OK(amem_vae_set_data(v, x, 16));
    AMEM_ASSERT_OK(amem_vae_train(v, 120, NULL, NULL, &last));
    AMEM_ASSERT_OK(amem_vae_step_count(v, &steps));
    ck_assert_uint_eq(steps, 120);
    AMEM_ASSERT_OK(amem_vae_loss(v, x, 16, &after, &kl));
    ck_assert_msg(after < 0.6 * before, "loss %g -> %g", before, after);
    ck_assert(isfinite(last));
    free(x);
    amem_vae_free(v);
}
END_TEST

static void check_preset(int preset, size_t c, size_t hw, size_t k)
{
    amem_vae *v = NULL;
    AMEM_ASSERT_OK(amem_vae_create_preset(preset, 7, &v));
    size_t cc, hh, ww, kk, dim, np;
    AMEM_ASSERT_OK(amem_vae_input_shape(v, &cc, &hh, &ww));
    ck_assert(cc == c && hh == hw && ww == hw);
    AMEM_ASSERT_OK(amem_vae_latent_dim(v, &kk));
    ck_assert_uint_eq(kk, k);
    AMEM_ASSERT_OK(amem_vae_input_dim(v, &dim));
    AMEM_ASSERT_OK(amem_vae_param_count(v, &np));
    ck_assert_uint_gt(np, 0);
    float *x = malloc(2 * dim * sizeof(float)), *y = malloc(2 * dim * sizeof(float));
    float *mu = malloc(2 * k * sizeof(float));
    amem__rng rng;
    amem__rng_seed(&rng, 1);
    for (size_t i = 0; i < 2 * dim; i++)
        x[i] = (float)amem__rng_uniform(&rng);
    AMEM_ASSERT_OK(amem_vae_encode(v, x, 2, mu, NULL));
    AMEM_ASSERT_OK(amem_vae_decode(v, mu, 2, y));
    for (size_t i = 0; i < 2 * dim; i++)
        ck_assert(y[i] >= 0.0f && y[i] <= 1.0f);
    free(x);
    free(y);
    free(mu);
    amem_vae_free(v);
}

START_TEST(test_preset_shapes)
{
    check_preset(AMEM_VAE_PRESET_DIGITS28, 1, 28, 10);
    check_preset(AMEM_VAE_PRESET_COLOR64, 3, 64, 20);
    check_preset(AMEM_VAE_PRESET_SEED2022, 1, 128, 10);
    amem_vae *v = NULL;
    AMEM_ASSERT_OK(amem_vae_create_preset(AMEM_VAE_PRESET_COLOR64, 0, &v));
    double val;
    AMEM_ASSERT_OK(amem_vae_get(v, AMEM_VAE_DROPOUT, &val));
    ck_assert_double_eq_tol(val, 0.2, 1e-12);
    AMEM_ASSERT_OK(amem_vae_get(v, AMEM_VAE_OPTIMIZER, &val));
    ck_assert(val == AMEM_VAE_OPT_AMSGRAD);
    /* 4 convs + 4 BN pairs, heads 256x20 x2, dense 20x4096, decoder. */
    size_t np;
    AMEM_ASSERT_OK(amem_vae_param_count(v, &np));
    size_t enc = (3 * 16 * 32 + 32 * 3) + (32 * 16 * 64 + 64 * 3) +
                 (64 * 16 * 128 + 128 * 3) + (128 * 16 * 256 + 256 * 3);
    size_t heads = 2 * (256 * 20 + 20), dense = 20 * 4096 + 4096;
    size_t dec = (256 * 9 * 128 + 128 * 3) + (128 * 9 * 64 + 64 * 3) +
                 (64 * 9 * 32 + 32 * 3) + (32 * 9 * 3 + 3);
    ck_assert_uint_eq(np, enc + heads + dense + dec);
    amem_vae_free(v);
}
END_TEST

static unsigned char *image(const amem_vae *v, size_t *len)
{
    void *data = NULL;
    AMEM_ASSERT_OK(amem_vae_save_mem(v, &data, len));
    return data;
}

START_TEST(test_save_load_bit_for_bit)
{
    amem_vae *v = tiny(AMEM_VAE_POOL_GLOBAL_AVG, AMEM_VAE_ACT_LEAKY_RELU,
                       AMEM_VAE_LOSS_L1, 11);
    AMEM_ASSERT_OK(amem_vae_set(v, AMEM_VAE_DROPOUT, 0.1));
    float *x = bars(12);
    AMEM_ASSERT_OK(train_epochs(v, x, 12, 2, NULL));
    size_t len, len2;
    unsigned char *img = image(v, &len);
    char path[256];
    amem_test_tmp_path(path, sizeof path, "vae");
    AMEM_ASSERT_OK(amem_vae_save(v, path));
    amem_vae *w = NULL;
    AMEM_ASSERT_OK(amem_vae_load(path, &w));
    remove(path);
    unsigned char *img2 = image(w, &len2);
    ck_assert(len == len2 && memcmp(img, img2, len) == 0);
    float a[12 * 64], b[12 * 64];
    AMEM_ASSERT_OK(amem_vae_reconstruct(v, x, 12, a));
    AMEM_ASSERT_OK(amem_vae_reconstruct(w, x, 12, b));
    ck_assert(memcmp(a, b, sizeof a) == 0);
    /* Training continues identically (optimizer state, RNG, BN stats). */
    AMEM_ASSERT_OK(train_epochs(v, x, 12, 2, NULL));
    AMEM_ASSERT_OK(train_epochs(w, x, 12, 2, NULL));
    amem_free(img);
    amem_free(img2);
    img = image(v, &len);
    img2 = image(w, &len2);
    ck_assert(len == len2 && memcmp(img, img2, len) == 0);
    /* An unbuilt model round-trips too and builds the same. */
    amem_vae *u = NULL, *u2 = NULL;
    AMEM_ASSERT_OK(amem_vae_create(1, 8, 8, &u));
    AMEM_ASSERT_OK(amem_vae_add_encoder_conv(u, 2, 3, 1, 1));
    amem_free(img);
    img = image(u, &len);
    AMEM_ASSERT_OK(amem_vae_load_mem(img, len, &u2));
    AMEM_ASSERT_OK(amem_vae_build(u));
    AMEM_ASSERT_OK(amem_vae_build(u2));
    amem_free(img);
    amem_free(img2);
    img = image(u, &len);
    img2 = image(u2, &len2);
    ck_assert(len == len2 && memcmp(img, img2, len) == 0);
    amem_free(img);
    amem_free(img2);
    amem_vae_free(u);
    amem_vae_free(u2);
    free(x);
    amem_vae_free(v);
    amem_vae_free(w);
}
END_TEST

START_TEST(test_load_rejects_bad_files)
{
    amem_vae *v = tiny(AMEM_VAE_POOL_GLOBAL_AVG, AMEM_VAE_ACT_LEAKY_RELU,
                       AMEM_VAE_LOSS_L1, 2);
    size_t len;
    unsigned char *img = image(v, &len);
    amem_vae *w = (amem_vae *)1;
    for (size_t cut = 0; cut < len; cut += len / 37 + 1) {
        AMEM_ASSERT_STATUS(amem_vae_load_mem(img, cut, &w), AMEM_E_FORMAT);
        ck_assert_ptr_null(w);
    }
    img[40] ^= 0x5a;
    AMEM_ASSERT_STATUS(amem_vae_load_mem(img, len, &w), AMEM_E_FORMAT);
    AMEM_ASSERT_STATUS(amem_vae_load_mem(NULL, len, &w), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_vae_load("/nonexistent/dir/vae.amem", &w),
                       AMEM_E_IO);
    amem_free(img);
    amem_vae_free(v);
}
END_TEST

START_TEST(test_inference_operations)
{
    amem_vae *v = tiny(AMEM_VAE_POOL_FLATTEN, AMEM_VAE_ACT_LEAKY_RELU,
                       AMEM_VAE_LOSS_L1, 4);
    float *x = bars(3), mask[3 * 64], masked[3 * 64];
    float r[3 * 64], q[3 * 64], line[4 * 64];
    for (int i = 0; i < 3 * 64; i++) {
        mask[i] = (float)(i % 3 != 0);
        masked[i] = mask[i] != 0 ? x[i] : 0.25f;
    }
    AMEM_ASSERT_OK(amem_vae_recall(v, x, 3, mask, 0.25f, q));
    AMEM_ASSERT_OK(amem_vae_reconstruct(v, masked, 3, r));
    ck_assert(memcmp(q, r, sizeof q) == 0);
    /* Interpolation ends at the reconstructions of its two items. */
    AMEM_ASSERT_OK(amem_vae_reconstruct(v, x, 3, r));
    AMEM_ASSERT_OK(amem_vae_interpolate(v, x, x + 64, 4, line));
    for (int i = 0; i < 64; i++) { /* batch sizes differ: BLAS rounding */
        ck_assert_float_eq_tol(line[i], r[i], 1e-5f);
        ck_assert_float_eq_tol(line[3 * 64 + i], r[64 + i], 1e-5f);
    }
    /* a - a + c decodes to c's reconstruction. */
    AMEM_ASSERT_OK(amem_vae_arithmetic(v, x, x, x + 128, 1, q));
    for (int i = 0; i < 64; i++)
        ck_assert_float_eq_tol(q[i], r[128 + i], 1e-5f);
    /* Reconstruct in place. */
    memcpy(q, x, sizeof q);
    AMEM_ASSERT_OK(amem_vae_reconstruct(v, q, 3, q));
    ck_assert(memcmp(q, r, sizeof q) == 0);
    /* Sampling: same seed, same images; z is what was decoded. */
    float z[2 * 3], s1[2 * 64], s2[2 * 64];
    AMEM_ASSERT_OK(amem_vae_set(v, AMEM_VAE_SEED, 5));
    AMEM_ASSERT_OK(amem_vae_sample(v, 2, s1, z));
    AMEM_ASSERT_OK(amem_vae_decode(v, z, 2, s2));
    ck_assert(memcmp(s1, s2, sizeof s1) == 0);
    AMEM_ASSERT_OK(amem_vae_set(v, AMEM_VAE_SEED, 5));
    AMEM_ASSERT_OK(amem_vae_sample(v, 2, s2, NULL));
    ck_assert(memcmp(s1, s2, sizeof s1) == 0);
    free(x);
    amem_vae_free(v);
}
END_TEST

/* ---- no-tape inference ------------------------------------------------ */

/* mu, logvar of n <= 64 images through the taped graph of forward.c. */
static void taped_encode(amem_vae *v, const float *x, size_t n, float *mu,
                         float *lv)
{
    amem__graph *g = v->graph;
    amem__graph_reset(g);
    g->training = 0;
    amem__vae_pass pass = {0, 0};
    amem__node *xn = amem__constant_view(
        g, x, 4, (int[]){(int)n, (int)v->c, (int)v->h, (int)v->w});
    amem__node *m = NULL, *l = NULL;
    ck_assert_int_eq(amem__vae_encoder(v, g, xn, &pass, &m, &l), AMEM_OK);
    ck_assert_uint_eq(m->size, n * v->latent);
    memcpy(mu, m->val, m->size * sizeof(float));
    memcpy(lv, l->val, l->size * sizeof(float));
}

static void taped_decode(amem_vae *v, const float *z, size_t n, float *out)
{
    amem__graph *g = v->graph;
    amem__graph_reset(g);
    g->training = 0;
    amem__vae_pass pass = {0, 0};
    amem__node *zn =
        amem__constant_view(g, z, 2, (int[]){(int)n, (int)v->latent});
    amem__node *y = amem__vae_decoder(v, g, zn, &pass, NULL);
    ck_assert_int_eq(g->status, AMEM_OK);
    memcpy(out, y->val, y->size * sizeof(float));
}

/* Largest |a - b| over n values. */
static double max_diff(const float *a, const float *b, size_t n)
{
    double d = 0.0;
    for (size_t i = 0; i < n; i++)
        d = fmax(d, fabs((double)a[i] - (double)b[i]));
    return d;
}

/*
 * amem_vae_encode/decode (no tape, split over workers at 2 threads) against
 * the taped graph computed at one thread: bit for bit at one thread, within
 * 1e-5 at two (other batch splits may round differently inside BLAS). The
 * reference must be taken at one thread too: the same sgemm rounds
 * differently at another BLAS thread count (OpenBLAS 0.3.21 with its
 * Haswell/Zen kernels, picked on AMD EPYC: 29 of the 400 entries of a
 * 40 x 10 x 3136 product, the DIGITS28 mu layer, change between 1 and 2
 * threads), so equality is a promise for equal thread counts only. The
 * model is trained for an epoch first so that the running statistics are
 * not 0 and 1.
 */
static void compare_paths(amem_vae *v, size_t n)
{
    size_t dim = amem__vae_dim(v), k = v->latent;
    float *x = malloc(n * dim * sizeof(float));
    float *mu = malloc(n * k * sizeof(float)), *lv = malloc(n * k * sizeof(float));
    float *mu2 = malloc(n * k * sizeof(float)), *lv2 = malloc(n * k * sizeof(float));
    float *y = malloc(n * dim * sizeof(float)), *y2 = malloc(n * dim * sizeof(float));
    amem__rng rng;
    amem__rng_seed(&rng, 11);
    for (size_t i = 0; i < n * dim; i++)
        x[i] = (float)amem__rng_uniform(&rng);
    AMEM_ASSERT_OK(train_epochs(v, x, n, 1, NULL));
    AMEM_ASSERT_OK(amem_set_num_threads(1));
    taped_encode(v, x, n, mu, lv);
    taped_decode(v, mu, n, y);
    for (int threads = 1; threads <= 2; threads++) {
        AMEM_ASSERT_OK(amem_set_num_threads(threads));
        AMEM_ASSERT_OK(amem_vae_encode(v, x, n, mu2, lv2));
        AMEM_ASSERT_OK(amem_vae_decode(v, mu, n, y2));
        double tol = threads == 1 ? 0.0 : 1e-5;
        ck_assert_msg(max_diff(mu, mu2, n * k) <= tol, "mu differs by %g",
                      max_diff(mu, mu2, n * k));
        ck_assert_msg(max_diff(lv, lv2, n * k) <= tol, "logvar differs by %g",
                      max_diff(lv, lv2, n * k));
        ck_assert_msg(max_diff(y, y2, n * dim) <= tol, "images differ by %g",
                      max_diff(y, y2, n * dim));
        AMEM_ASSERT_OK(amem_vae_reconstruct(v, x, n, y2));
        ck_assert_msg(max_diff(y, y2, n * dim) <= tol,
                      "reconstructions differ by %g", max_diff(y, y2, n * dim));
    }
    AMEM_ASSERT_OK(amem_set_num_threads(1));
    free(x);
    free(mu);
    free(lv);
    free(mu2);
    free(lv2);
    free(y);
    free(y2);
}

START_TEST(test_no_tape_matches_graph_tiny)
{
    static const int acts[] = {AMEM_VAE_ACT_RELU, AMEM_VAE_ACT_LEAKY_RELU,
                               AMEM_VAE_ACT_TANH, AMEM_VAE_ACT_SIGMOID};
    for (int pool = 0; pool <= 1; pool++)
        for (int a = 0; a < 4; a++) {
            amem_vae *v = tiny(pool, acts[a], AMEM_VAE_LOSS_L1, 8);
            compare_paths(v, 19);
            amem_vae_free(v);
        }
    /* No batch norm, linear output, a decoder without upsampling. */
    amem_vae *v = NULL;
    AMEM_ASSERT_OK(amem_vae_create(2, 9, 7, &v));
    AMEM_ASSERT_OK(amem_vae_set(v, AMEM_VAE_LATENT, 4));
    AMEM_ASSERT_OK(amem_vae_set(v, AMEM_VAE_BATCH_NORM, 0));
    AMEM_ASSERT_OK(amem_vae_set(v, AMEM_VAE_OUTPUT, AMEM_VAE_OUTPUT_LINEAR));
    AMEM_ASSERT_OK(amem_vae_set(v, AMEM_VAE_LOSS, AMEM_VAE_LOSS_MSE));
    AMEM_ASSERT_OK(amem_vae_add_encoder_conv(v, 5, 3, 1, 1));
    AMEM_ASSERT_OK(amem_vae_add_encoder_conv(v, 3, 2, 2, 0));
    AMEM_ASSERT_OK(amem_vae_set_decoder_input(v, 3, 9, 7));
    AMEM_ASSERT_OK(amem_vae_add_decoder_conv(v, 1, 2, 3, 1, 1));
    AMEM_ASSERT_OK(amem_vae_build(v));
    compare_paths(v, 17);
    amem_vae_free(v);
}
END_TEST

START_TEST(test_no_tape_matches_graph_presets)
{
    static const int presets[] = {AMEM_VAE_PRESET_DIGITS28,
                                  AMEM_VAE_PRESET_COLOR64};
    for (int p = 0; p < 2; p++) {
        amem_vae *v = NULL;
        AMEM_ASSERT_OK(amem_vae_create_preset(presets[p], 2, &v));
        AMEM_ASSERT_OK(amem_vae_set(v, AMEM_VAE_BATCH_SIZE, 16));
        /* light: 17 rows, still two jobs and a short last batch */
        compare_paths(v, amem_test_size(40, 17));
        amem_vae_free(v);
    }
}
END_TEST

/* ---- consolidation ------------------------------------------------------ */

static amem_hopfield *teacher_of(const float *x, size_t n, size_t d)
{
    amem_hopfield *t = NULL;
    AMEM_ASSERT_OK(amem_hopfield_create(AMEM_HOPFIELD_MODERN, d, 0, &t));
    AMEM_ASSERT_OK(amem_hopfield_set(t, AMEM_HOPFIELD_BETA, 20));
    float *pm = malloc(n * d * sizeof(float));
    for (size_t i = 0; i < n * d; i++)
        pm[i] = 2.0f * x[i] - 1.0f; /* [0,1] -> [-1,1] as the authors do */
    AMEM_ASSERT_OK(amem_hopfield_store(t, pm, n));
    free(pm);
    return t;
}

typedef struct counts {
    long steps, other;
} counts;

static int count_progress(void *user, const char *stage, long done,
                          long total, double metric)
{
    counts *c = user;
    ck_assert(isfinite(metric) && total == 9);
    if (strcmp(stage, "train") == 0)
        c->steps = done;
    else
        c->other++;
    return 0;
}

/* Fixed replay set: the same as drawing the replays and training on them,
 * so the student sees nothing but the teacher's outputs. */
START_TEST(test_consolidation_trains_on_replays_only)
{
    float *x = bars(6);
    amem_hopfield *t = teacher_of(x, 6, 64);
    amem_vae *a = tiny(AMEM_VAE_POOL_FLATTEN, AMEM_VAE_ACT_LEAKY_RELU,
                       AMEM_VAE_LOSS_L1, 8);
    amem_vae *b = tiny(AMEM_VAE_POOL_FLATTEN, AMEM_VAE_ACT_LEAKY_RELU,
                       AMEM_VAE_LOSS_L1, 8);
    for (int i = 0; i < 2; i++) {
        amem_vae *v = i ? b : a;
        AMEM_ASSERT_OK(amem_vae_set(v, AMEM_VAE_REPLAY_FRESH, 0));
        AMEM_ASSERT_OK(amem_vae_set(v, AMEM_VAE_PATIENCE, 0));
    }
    /* 20 replays, batch 32: one step an epoch */
    AMEM_ASSERT_OK(amem_vae_consolidate(a, t, 20, 3, NULL, NULL, NULL));
    float replays[20 * 64];
    AMEM_ASSERT_OK(amem_vae_replays(b, t, 20, replays));
    /* Every replay is (close to) one of the stored images. */
    for (int r = 0; r < 20; r++) {
        double best = 1e9;
        for (int p = 0; p < 6; p++) {
            double d = 0;
            for (int i = 0; i < 64; i++)
                d = fmax(d, fabs(replays[r * 64 + i] - x[p * 64 + i]));
            best = fmin(best, d);
        }
        ck_assert_msg(best < 0.05, "replay %d is %g from every item", r, best);
    }
    AMEM_ASSERT_OK(train_epochs(b, replays, 20, 3, NULL));
    size_t la, lb;
    unsigned char *ia = image(a, &la), *ib = image(b, &lb);
    ck_assert(la == lb && memcmp(ia, ib, la) == 0);
    amem_free(ia);
    amem_free(ib);
    /* Fresh replays: a new set every epoch = three fixed-set calls of one
     * epoch each. The replays stay attached. */
    AMEM_ASSERT_OK(amem_vae_set(a, AMEM_VAE_REPLAY_FRESH, 1));
    AMEM_ASSERT_OK(amem_vae_set(b, AMEM_VAE_REPLAY_FRESH, 0));
    AMEM_ASSERT_OK(amem_vae_set(a, AMEM_VAE_BATCH_SIZE, 4));
    AMEM_ASSERT_OK(amem_vae_set(b, AMEM_VAE_BATCH_SIZE, 4));
    counts c = {0, 0};
    double la_loss, lb_loss;
    AMEM_ASSERT_OK(amem_vae_consolidate(a, t, 10, 9, count_progress, &c,
                                        &la_loss));
    for (int e = 0; e < 3; e++)
        AMEM_ASSERT_OK(amem_vae_consolidate(b, t, 10, 3, NULL, NULL,
                                            &lb_loss));
    ck_assert_int_eq(c.steps, 9);
    ck_assert_int_eq(c.other, 0);
    ck_assert_double_eq(la_loss, lb_loss);
    /* (the images differ in the REPLAY_FRESH setting only) */
    ck_assert_mem_eq(a->params, b->params, a->n_params * sizeof(float));
    ck_assert_mem_eq(a->stats, b->stats, a->n_stats * sizeof(float));
    ck_assert_mem_eq(&a->rng, &b->rng, sizeof a->rng);
    size_t n_data;
    AMEM_ASSERT_OK(amem_vae_data_count(a, &n_data));
    ck_assert_uint_eq(n_data, 10);
    free(x);
    amem_hopfield_free(t);
    amem_vae_free(a);
    amem_vae_free(b);
}
END_TEST

static int cancel_at_two(void *user, const char *stage, long done,
                         long total, double metric)
{
    (void)user;
    (void)total;
    (void)metric;
    return strcmp(stage, "train") == 0 && done == 2;
}

START_TEST(test_cancel_and_early_stopping)
{
    amem_vae *v = tiny(AMEM_VAE_POOL_FLATTEN, AMEM_VAE_ACT_LEAKY_RELU,
                       AMEM_VAE_LOSS_L1, 1);
    float *x = bars(8), r[8 * 64];
    size_t steps = 0;
    double loss = 0;
    AMEM_ASSERT_OK(amem_vae_set(v, AMEM_VAE_BATCH_SIZE, 4));
    AMEM_ASSERT_OK(amem_vae_set_data(v, x, 8));
    AMEM_ASSERT_STATUS(amem_vae_train(v, 10, cancel_at_two, NULL, &loss),
                       AMEM_E_CANCELLED);
    AMEM_ASSERT_OK(amem_vae_step_count(v, &steps));
    ck_assert_uint_eq(steps, 2);
    ck_assert(isfinite(loss));
    AMEM_ASSERT_OK(amem_vae_reconstruct(v, x, 8, r)); /* still usable */
    /* A learning rate too small to help: the loss stalls, the call ends
     * early with AMEM_OK at an epoch end (2 steps an epoch). */
    AMEM_ASSERT_OK(amem_vae_set(v, AMEM_VAE_LEARNING_RATE, 1e-8));
    AMEM_ASSERT_OK(amem_vae_set(v, AMEM_VAE_PATIENCE, 2));
    AMEM_ASSERT_OK(amem_vae_train(v, 400, NULL, NULL, NULL));
    AMEM_ASSERT_OK(amem_vae_step_count(v, &steps));
    ck_assert_uint_lt(steps, 2 + 400);
    ck_assert_uint_ge(steps, 2 + 3 * 2);
    ck_assert_uint_eq(steps % 2, 0);
    free(x);
    amem_vae_free(v);
}
END_TEST

/* A call may end inside an epoch: 5 steps = 2 + 3 steps. */
START_TEST(test_resume_inside_epoch)
{
    amem_vae *v[2];
    float *x = bars(10);
    for (int k = 0; k < 2; k++) {
        v[k] = tiny(AMEM_VAE_POOL_FLATTEN, AMEM_VAE_ACT_LEAKY_RELU,
                    AMEM_VAE_LOSS_L1, 4);
        AMEM_ASSERT_OK(amem_vae_set(v[k], AMEM_VAE_BATCH_SIZE, 4));
        AMEM_ASSERT_OK(amem_vae_set(v[k], AMEM_VAE_DROPOUT, 0.1));
        AMEM_ASSERT_OK(amem_vae_set_data(v[k], x, 10));
    }
    size_t spe;
    AMEM_ASSERT_OK(amem_vae_steps_per_epoch(v[0], &spe));
    ck_assert_uint_eq(spe, 3);
    AMEM_ASSERT_OK(amem_vae_train(v[0], 5, NULL, NULL, NULL));
    AMEM_ASSERT_OK(amem_vae_train(v[1], 2, NULL, NULL, NULL));
    AMEM_ASSERT_OK(amem_vae_train(v[1], 3, NULL, NULL, NULL));
    size_t la, lb;
    unsigned char *ia = image(v[0], &la), *ib = image(v[1], &lb);
    ck_assert(la == lb && memcmp(ia, ib, la) == 0);
    amem_free(ia);
    amem_free(ib);
    free(x);
    amem_vae_free(v[0]);
    amem_vae_free(v[1]);
}
END_TEST

/* One training step of worker 1 (tests/testutil_dp.h). */
static int vae_step(void *v1)
{
    return amem_vae_train(v1, 1, NULL, NULL, NULL) != AMEM_OK;
}

/* Parameters of three handles after `steps` steps: one local, two workers. */
static void three_runs(int batch_norm, size_t steps, float **param,
                       size_t *np)
{
    float *x = bars(10);
    amem_vae *v[3];
    for (int k = 0; k < 3; k++) {
        AMEM_ASSERT_OK(amem_vae_create(1, 8, 8, &v[k]));
        AMEM_ASSERT_OK(amem_vae_set(v[k], AMEM_VAE_LATENT, 3));
        AMEM_ASSERT_OK(amem_vae_set(v[k], AMEM_VAE_BATCH_NORM, batch_norm));
        AMEM_ASSERT_OK(amem_vae_set(v[k], AMEM_VAE_SEED, 6));
        AMEM_ASSERT_OK(amem_vae_set(v[k], AMEM_VAE_DROPOUT, 0.2));
        AMEM_ASSERT_OK(amem_vae_set(v[k], AMEM_VAE_BATCH_SIZE, 4));
        AMEM_ASSERT_OK(amem_vae_set(v[k], AMEM_VAE_PATIENCE, 0));
        AMEM_ASSERT_OK(amem_vae_set(v[k], AMEM_VAE_LEARNING_RATE, 1e-2));
        AMEM_ASSERT_OK(amem_vae_add_encoder_conv(v[k], 4, 3, 2, 1));
        AMEM_ASSERT_OK(amem_vae_add_encoder_conv(v[k], 6, 3, 2, 1));
        AMEM_ASSERT_OK(amem_vae_add_decoder_conv(v[k], 2, 4, 3, 1, 1));
        AMEM_ASSERT_OK(amem_vae_add_decoder_conv(v[k], 2, 1, 3, 1, 1));
        AMEM_ASSERT_OK(amem_vae_build(v[k]));
        AMEM_ASSERT_OK(amem_vae_set_data(v[k], x, 10));
    }
    AMEM_ASSERT_OK(amem_vae_param_count(v[0], np));
    dp_pair pair = {vae_step, v[2], NULL, 0.0};
    amem_data_parallel dp0 = {dp_pair_outer, &pair, 0, 2};
    amem_data_parallel dp1 = {dp_pair_inner, &pair, 1, 2};
    AMEM_ASSERT_OK(amem_vae_set_data_parallel(v[1], &dp0));
    AMEM_ASSERT_OK(amem_vae_set_data_parallel(v[2], &dp1));
    AMEM_ASSERT_OK(amem_vae_train(v[0], steps, NULL, NULL, NULL));
    for (size_t s = 0; s < steps; s++)
        AMEM_ASSERT_OK(amem_vae_train(v[1], 1, NULL, NULL, NULL));
    for (int k = 0; k < 3; k++) {
        param[k] = malloc(*np * sizeof(float));
        memcpy(param[k], v[k]->params, *np * sizeof(float));
        amem_vae_free(v[k]);
    }
    free(x);
}

/* Without batch norm the slices' gradients sum to the batch's: two workers
 * train as one (to float rounding). With it, each slice is normalised by
 * its own statistics: the workers still agree with each other exactly, but
 * not with one worker. */
START_TEST(test_two_workers_equal_one)
{
    for (int bn = 0; bn <= 1; bn++) {
        float *p[3];
        size_t np;
        three_runs(bn, 7, p, &np); /* 3 steps an epoch, the last of 2 */
        ck_assert_mem_eq(p[1], p[2], np * sizeof(float));
        double diff = 0.0;
        for (size_t i = 0; i < np; i++)
            diff = fmax(diff, fabs((double)p[0][i] - p[1][i]));
        if (bn)
            ck_assert_msg(diff > 1e-4, "batch norm: max difference %g", diff);
        else
            ck_assert_msg(diff < 1e-5, "max difference %g", diff);
        for (int k = 0; k < 3; k++)
            free(p[k]);
    }
}
END_TEST

/* ---- bad inputs ---------------------------------------------------------- */

START_TEST(test_bad_arguments)
{
    amem_vae *v = NULL;
    AMEM_ASSERT_STATUS(amem_vae_create(0, 8, 8, &v), AMEM_E_DIM);
    ck_assert_ptr_null(v);
    AMEM_ASSERT_STATUS(amem_vae_create(1, 8, 8, NULL), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_vae_create_preset(9, 0, &v), AMEM_E_ARG);
    AMEM_ASSERT_OK(amem_vae_create(1, 8, 8, &v));
    float x[64] = {0}, y[64], z[20];
    /* Not built yet. */
    AMEM_ASSERT_STATUS(amem_vae_encode(v, x, 1, z, NULL), AMEM_E_STATE);
    AMEM_ASSERT_STATUS(amem_vae_train(v, 1, NULL, NULL, NULL), AMEM_E_STATE);
    /* Layers. */
    AMEM_ASSERT_STATUS(amem_vae_add_encoder_conv(v, 0, 3, 1, 1), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_vae_add_encoder_conv(v, 4, 3, 0, 1), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_vae_add_encoder_conv(v, 4, 9, 1, 0), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_vae_add_decoder_conv(v, 0, 4, 3, 1, 1),
                       AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_vae_set_decoder_input(v, 0, 1, 1), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_vae_add_encoder_conv(NULL, 4, 3, 1, 1),
                       AMEM_E_NULL);
    size_t ne, nd;
    AMEM_ASSERT_OK(amem_vae_layer_count(v, &ne, &nd));
    ck_assert(ne == 0 && nd == 0);
    /* Decoder that does not produce the image shape. */
    AMEM_ASSERT_OK(amem_vae_add_decoder_conv(v, 1, 2, 3, 1, 1));
    AMEM_ASSERT_STATUS(amem_vae_build(v), AMEM_E_DIM);
    amem_vae_free(v);
    /* Settings. */
    v = tiny(AMEM_VAE_POOL_FLATTEN, AMEM_VAE_ACT_RELU, AMEM_VAE_LOSS_MSE, 0);
    double lo, hi;
    AMEM_ASSERT_STATUS(amem_vae_set(v, 99, 1), AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_vae_set(v, AMEM_VAE_LATENT, 4), AMEM_E_STATE);
    AMEM_ASSERT_STATUS(amem_vae_set(v, AMEM_VAE_BATCH_SIZE, 0), AMEM_E_RANGE);
    /* 12 (EPOCHS) is retired. */
    AMEM_ASSERT_STATUS(amem_vae_set(v, 12, 5), AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_vae_get(v, 12, &lo), AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_vae_param_bounds(12, NULL, NULL, NULL),
                       AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_vae_set(v, AMEM_VAE_KL_WEIGHT, NAN),
                       AMEM_E_NONFINITE);
    AMEM_ASSERT_STATUS(amem_vae_add_encoder_conv(v, 4, 3, 1, 1), AMEM_E_STATE);
    AMEM_ASSERT_STATUS(amem_vae_build(v), AMEM_E_STATE);
    int integer;
    AMEM_ASSERT_OK(amem_vae_param_bounds(AMEM_VAE_DROPOUT, &lo, &hi, &integer));
    ck_assert(lo == 0 && hi == 0.95 && integer == 0);
    /* Data. */
    size_t len, n_data = 7;
    AMEM_ASSERT_OK(amem_vae_data_count(v, &n_data));
    ck_assert_uint_eq(n_data, 0);
    unsigned char *before = image(v, &len);
    AMEM_ASSERT_STATUS(amem_vae_train(v, 1, NULL, NULL, NULL), AMEM_E_STATE);
    AMEM_ASSERT_STATUS(amem_vae_steps_per_epoch(v, &len), AMEM_E_STATE);
    AMEM_ASSERT_STATUS(amem_vae_set_data(v, x, 0), AMEM_E_DIM);
    x[5] = INFINITY;
    AMEM_ASSERT_STATUS(amem_vae_set_data(v, x, 1), AMEM_E_NONFINITE);
    AMEM_ASSERT_STATUS(amem_vae_encode(v, x, 1, z, NULL), AMEM_E_NONFINITE);
    x[5] = 0;
    AMEM_ASSERT_STATUS(amem_vae_encode(v, x, 1, NULL, NULL), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_vae_decode(v, NULL, 1, y), AMEM_E_NULL);
    float mask[64] = {0};
    mask[3] = 0.5f;
    AMEM_ASSERT_STATUS(amem_vae_recall(v, x, 1, mask, 0, y), AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_vae_recall(v, x, 1, NULL, NAN, y), AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_vae_interpolate(v, x, x, 1, y), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_vae_sample(v, 0, y, NULL), AMEM_E_DIM);
    size_t len_after;
    unsigned char *after = image(v, &len_after);
    ck_assert(len == len_after && memcmp(before, after, len) == 0);
    amem_free(before);
    amem_free(after);
    /* Teachers. */
    amem_hopfield *t = NULL;
    AMEM_ASSERT_OK(amem_hopfield_create(AMEM_HOPFIELD_MODERN, 63, 0, &t));
    AMEM_ASSERT_STATUS(amem_vae_consolidate(v, t, 4, 1, NULL, NULL, NULL),
                       AMEM_E_DIM);
    amem_hopfield_free(t);
    AMEM_ASSERT_OK(amem_hopfield_create(AMEM_HOPFIELD_MODERN, 64, 0, &t));
    AMEM_ASSERT_STATUS(amem_vae_consolidate(v, t, 4, 1, NULL, NULL, NULL),
                       AMEM_E_STATE);
    AMEM_ASSERT_STATUS(amem_vae_consolidate(v, NULL, 4, 1, NULL, NULL, NULL),
                       AMEM_E_NULL);
    AMEM_ASSERT_OK(amem_hopfield_store(t, x, 1));
    AMEM_ASSERT_STATUS(amem_vae_consolidate(v, t, 0, 1, NULL, NULL, NULL),
                       AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_vae_consolidate(v, t, 4, 0, NULL, NULL, NULL),
                       AMEM_E_RANGE);
    amem_hopfield_free(t);
    AMEM_ASSERT_OK(amem_hopfield_create(AMEM_HOPFIELD_MODERN, 64, 2, &t));
    AMEM_ASSERT_STATUS(amem_vae_replays(v, t, 4, y), AMEM_E_UNSUPPORTED);
    amem_hopfield_free(t);
    amem_vae_free(v);
    amem_vae_free(NULL);
}
END_TEST

Suite *amem_suite_vae(void)
{
    Suite *s = suite_create("vae");
    TCase *grad = tcase_create("gradients");
    tcase_add_test(grad, test_gradient_mse_tanh);
    tcase_add_test(grad, test_gradient_bce_sigmoid);
    tcase_add_test(grad, test_l1_reduction);
    suite_add_tcase(s, grad);
    TCase *model = tcase_create("model");
    tcase_set_timeout(model, 60);
    tcase_add_test(model, test_training_lowers_loss);
    tcase_add_test(model, test_resume_inside_epoch);
    tcase_add_test(model, test_two_workers_equal_one);
    tcase_add_test(model, test_preset_shapes);
    tcase_add_test(model, test_save_load_bit_for_bit);
    tcase_add_test(model, test_load_rejects_bad_files);
    tcase_add_test(model, test_inference_operations);
    tcase_add_test(model, test_no_tape_matches_graph_tiny);
    tcase_add_test(model, test_no_tape_matches_graph_presets);
    tcase_add_test(model, test_consolidation_trains_on_replays_only);
    tcase_add_test(model, test_cancel_and_early_stopping);
    tcase_add_test(model, test_bad_arguments);
    suite_add_tcase(s, model);
    return s;
}
