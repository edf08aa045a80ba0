/*
 * Suite "sizes": the size rule. Every count x dim x sizeof of an array the
 * library reads, writes or allocates is checked before anything is read,
 * written or allocated; a size over the rule is a status with a message
 * naming the function and the argument, and the handle is left as it was.
 * The huge sizes below are never backed by memory: each call must refuse
 * before it touches the (small) buffers it is given.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "assocmem/assocmem.h"
#include "core/check.h"
#include "testutil.h"

/* 2^61 + 1, 2^62 + 1, 2^63, SIZE_MAX: each times 4 or 8 bytes wraps size_t
 * (or leaves ptrdiff_t), the sizes behind the crashes this suite pins. */
static const size_t huge[] = {((size_t)1 << 61) + 1, ((size_t)1 << 62) + 1,
                              (size_t)1 << 63, SIZE_MAX};
#define N_HUGE (sizeof huge / sizeof huge[0])

/* The last error names the function and the argument. */
static void assert_detail(const char *fn, const char *arg)
{
    const char *msg = amem_last_error();
    ck_assert_msg(strncmp(msg, fn, strlen(fn)) == 0, "'%s' lacks %s", msg, fn);
    ck_assert_msg(strstr(msg, arg) != NULL, "'%s' lacks %s", msg, arg);
}

/* A saved image, to compare a handle before and after a refused call. */
typedef struct image {
    void *data;
    size_t len;
} image;

static void assert_same_image(image before, image after)
{
    ck_assert_uint_eq(before.len, after.len);
    ck_assert_int_eq(memcmp(before.data, after.data, before.len), 0);
    amem_free(before.data);
    amem_free(after.data);
}

START_TEST(rule_refuses_products_past_ptrdiff)
{
    size_t out = 7, bytes = 0;
    ck_assert_int_eq(amem__mul_size(AMEM__MAX_ELEMS, 1, &out), 0);
    ck_assert_uint_eq(out, AMEM__MAX_ELEMS);
    ck_assert_int_eq(amem__mul_size(AMEM__MAX_ELEMS, 2, &out), -1);
    ck_assert_int_eq(amem__add_size(AMEM__MAX_ELEMS, 1, &out), -1);
    ck_assert_int_eq(amem__add_size(3, 4, &out), 0);
    ck_assert_uint_eq(out, 7);
    AMEM_ASSERT_OK(amem__array_bytes("f", "x", 3, 5, sizeof(double), &bytes));
    ck_assert_uint_eq(bytes, 120);
    for (size_t i = 0; i < N_HUGE; i++) {
        bytes = 11;
        AMEM_ASSERT_STATUS(
            amem__array_bytes("amem_f", "x", huge[i], 1, 4, &bytes),
            AMEM_E_DIM);
        ck_assert_uint_eq(bytes, 11);
        assert_detail("amem_f", "x");
        AMEM_ASSERT_STATUS(
            amem__array_bytes("amem_f", "y", 1, huge[i], 1, NULL), AMEM_E_DIM);
        ck_assert_ptr_null(amem__alloc(huge[i], 1, sizeof(float)));
        ck_assert_ptr_null(amem__zalloc(1, huge[i], sizeof(double)));
        void *p = malloc(4);
        ck_assert_ptr_null(amem__realloc(p, huge[i], 2, 1));
        free(p); /* untouched by the refused realloc */
    }
    /* Bytes past PTRDIFF_MAX for a wide element, count x dim within. */
    AMEM_ASSERT_STATUS(amem__array_bytes("f", "s", AMEM__MAX_ELEMS, 1, 64,
                                         NULL), AMEM_E_DIM);
}
END_TEST

START_TEST(check_array_refuses_before_reading)
{
    float x[2] = {1.0f, 2.0f};
    for (size_t i = 0; i < N_HUGE; i++) {
        AMEM_ASSERT_STATUS(amem__check_array("amem_f", "x", x, 1, huge[i]),
                           AMEM_E_DIM);
        assert_detail("amem_f", "x");
        AMEM_ASSERT_STATUS(amem__check_array("amem_f", "x", x, huge[i], 2),
                           AMEM_E_DIM);
    }
    AMEM_ASSERT_OK(amem__check_array("amem_f", "x", x, 1, 2));
}
END_TEST

START_TEST(bootstrap_mean_refuses_huge_sizes)
{
    double values[4] = {1, 2, 3, 4}, mean = -1, lo = -1, hi = -1;
    for (size_t i = 0; i < N_HUGE; i++) {
        AMEM_ASSERT_STATUS(amem_bootstrap_mean(values, 4, huge[i], 0.9, 1,
                                               &mean, &lo, &hi),
                           AMEM_E_RANGE);
        assert_detail("amem_bootstrap_mean", "resamples");
        AMEM_ASSERT_STATUS(amem_bootstrap_mean(values, huge[i], 10, 0.9, 1,
                                               &mean, &lo, &hi),
                           AMEM_E_DIM);
        assert_detail("amem_bootstrap_mean", "values");
    }
    ck_assert(mean == -1 && lo == -1 && hi == -1);
    size_t over = (size_t)AMEM_MAX_STEPS_PER_CALL + 1;
    AMEM_ASSERT_STATUS(amem_bootstrap_mean(values, 4, over, 0.9, 1, &mean,
                                           &lo, &hi), AMEM_E_RANGE);
    AMEM_ASSERT_OK(amem_bootstrap_mean(values, 4, 50, 0.9, 1, &mean, &lo, &hi));
    ck_assert(mean == 2.5 && lo <= mean && mean <= hi);
}
END_TEST

START_TEST(capacity_bootstrap_refuses_huge_sizes)
{
    long counts[2] = {1, 2};
    double errors[4] = {0, 0, 1, 1}, cap = -1, lo = -1, hi = -1;
    for (size_t i = 0; i < N_HUGE; i++) {
        AMEM_ASSERT_STATUS(amem_capacity_bootstrap(counts, 2, errors, 2, 0.5,
                                                   huge[i], 0.9, 1, &cap, &lo,
                                                   &hi), AMEM_E_RANGE);
        assert_detail("amem_capacity_bootstrap", "resamples");
        AMEM_ASSERT_STATUS(amem_capacity_bootstrap(counts, 2, errors, huge[i],
                                                   0.5, 10, 0.9, 1, &cap, &lo,
                                                   &hi), AMEM_E_DIM);
        assert_detail("amem_capacity_bootstrap", "errors");
        AMEM_ASSERT_STATUS(amem_capacity_bootstrap(counts, huge[i], errors, 1,
                                                   0.5, 10, 0.9, 1, &cap, &lo,
                                                   &hi), AMEM_E_DIM);
    }
    ck_assert(cap == -1 && lo == -1 && hi == -1);
    AMEM_ASSERT_OK(amem_capacity_bootstrap(counts, 2, errors, 2, 0.5, 20, 0.9,
                                           1, &cap, &lo, &hi));
    ck_assert(cap == 1.0 && lo == 1.0 && hi == 1.0);
}
END_TEST

/* A small built VAE on 1 x 8 x 8 images with latent size 4. */
static amem_vae *small_vae(void)
{
    amem_vae *v = NULL;
    AMEM_ASSERT_OK(amem_vae_create(1, 8, 8, &v));
    AMEM_ASSERT_OK(amem_vae_set(v, AMEM_VAE_LATENT, 4));
    AMEM_ASSERT_OK(amem_vae_add_encoder_conv(v, 2, 3, 2, 1));
    AMEM_ASSERT_OK(amem_vae_add_decoder_conv(v, 2, 1, 3, 1, 1));
    AMEM_ASSERT_OK(amem_vae_build(v));
    return v;
}

static image vae_image(const amem_vae *v)
{
    image im;
    AMEM_ASSERT_OK(amem_vae_save_mem(v, &im.data, &im.len));
    return im;
}

START_TEST(vae_sample_refuses_huge_n)
{
    amem_vae *v = small_vae();
    float out[64], z[4];
    image before = vae_image(v);
    /* 2^61 + 1 rows of 4 latent floats: 2^63 + 4 floats fit in size_t, their
     * bytes wrap to 16, so an unchecked buffer would be 16 bytes long. */
    for (size_t i = 0; i < N_HUGE; i++) {
        AMEM_ASSERT_STATUS(amem_vae_sample(v, huge[i], out, NULL), AMEM_E_DIM);
        assert_detail("amem_vae_sample", "out");
        AMEM_ASSERT_STATUS(amem_vae_sample(v, huge[i], out, z), AMEM_E_DIM);
    }
    assert_same_image(before, vae_image(v));
    AMEM_ASSERT_OK(amem_vae_sample(v, 1, out, z));
    amem_vae_free(v);
}
END_TEST

START_TEST(vae_interpolate_refuses_huge_steps)
{
    amem_vae *v = small_vae();
    float a[64] = {0}, b[64] = {0}, out[3 * 64];
    image before = vae_image(v);
    for (size_t i = 0; i < N_HUGE; i++) {
        AMEM_ASSERT_STATUS(amem_vae_interpolate(v, a, b, huge[i], out),
                           AMEM_E_RANGE);
        assert_detail("amem_vae_interpolate", "steps");
    }
    size_t over = (size_t)AMEM_MAX_STEPS_PER_CALL + 1;
    AMEM_ASSERT_STATUS(amem_vae_interpolate(v, a, b, over, out), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_vae_arithmetic(v, a, b, a, huge[0], out),
                       AMEM_E_DIM);
    assert_same_image(before, vae_image(v));
    AMEM_ASSERT_OK(amem_vae_interpolate(v, a, b, 3, out));
    amem_vae_free(v);
}
END_TEST

START_TEST(probe_fit_refuses_huge_dim)
{
    amem_probe *p = NULL;
    AMEM_ASSERT_OK(amem_probe_create(AMEM_PROBE_SOFTMAX, &p));
    float x[4] = {-1.0f, -0.5f, 0.5f, 1.0f};
    int32_t y[4] = {0, 0, 1, 1};
    AMEM_ASSERT_OK(amem_probe_fit(p, x, y, 4, 1, NULL, NULL));
    float q[2] = {-1.0f, 1.0f}, before[4], after[4];
    AMEM_ASSERT_OK(amem_probe_scores(p, q, 2, 1, before));
    for (size_t i = 0; i < N_HUGE; i++) {
        AMEM_ASSERT_STATUS(amem_probe_fit(p, x, y, 2, huge[i], NULL, NULL), AMEM_E_DIM);
        assert_detail("amem_probe_fit", "x");
        AMEM_ASSERT_STATUS(amem_probe_fit(p, x, y, huge[i], 1, NULL, NULL), AMEM_E_DIM);
    }
    size_t classes = 0;
    AMEM_ASSERT_OK(amem_probe_classes(p, &classes));
    ck_assert_uint_eq(classes, 2);
    AMEM_ASSERT_OK(amem_probe_scores(p, q, 2, 1, after));
    ck_assert_int_eq(memcmp(before, after, sizeof before), 0);
    amem_probe_free(p);
}
END_TEST

START_TEST(tsne_refuses_huge_dim)
{
    float x[8] = {0, 1, 2, 3, 4, 5, 6, 7}, y[8] = {0};
    for (size_t i = 0; i < N_HUGE; i++) {
        AMEM_ASSERT_STATUS(amem_tsne(x, 4, huge[i], 2, 1.0, 250, 1, y, NULL,
                                     NULL), AMEM_E_DIM);
        assert_detail("amem_tsne", "x");
    }
    for (int i = 0; i < 8; i++)
        ck_assert(y[i] == 0.0f);
}
END_TEST

START_TEST(kvmem_meta_train_refuses_huge_steps)
{
    amem_kvmem *h = NULL;
    AMEM_ASSERT_OK(amem_kvmem_create(4, 4, 4, &h));
    float history[2 * AMEM_KVMEM_HISTORY_COLS] = {0};
    image before;
    AMEM_ASSERT_OK(amem_kvmem_save_mem(h, &before.data, &before.len));
    for (size_t i = 0; i < N_HUGE; i++) {
        AMEM_ASSERT_STATUS(amem_kvmem_train(h, huge[i], history, NULL,
                                                 NULL), AMEM_E_RANGE);
        assert_detail("amem_kvmem_train", "steps");
    }
    size_t over = (size_t)AMEM_MAX_STEPS_PER_CALL + 1;
    AMEM_ASSERT_STATUS(amem_kvmem_train(h, over, NULL, NULL, NULL),
                       AMEM_E_RANGE);
    for (size_t i = 0; i < 2 * AMEM_KVMEM_HISTORY_COLS; i++)
        ck_assert(history[i] == 0.0f);
    image after;
    AMEM_ASSERT_OK(amem_kvmem_save_mem(h, &after.data, &after.len));
    assert_same_image(before, after);
    amem_kvmem_free(h);
}
END_TEST

START_TEST(tvt_train_refuses_huge_steps)
{
    amem_tvt *h = NULL;
    AMEM_ASSERT_OK(amem_tvt_create(4, 4, 4, &h));
    float history[2 * AMEM_TVT_HISTORY_COLS] = {0};
    image before;
    AMEM_ASSERT_OK(amem_tvt_save_mem(h, &before.data, &before.len));
    for (size_t i = 0; i < N_HUGE; i++) {
        AMEM_ASSERT_STATUS(amem_tvt_train(h, huge[i], history, NULL, NULL),
                           AMEM_E_RANGE);
        assert_detail("amem_tvt_train", "steps");
    }
    for (size_t i = 0; i < 2 * AMEM_TVT_HISTORY_COLS; i++)
        ck_assert(history[i] == 0.0f);
    image after;
    AMEM_ASSERT_OK(amem_tvt_save_mem(h, &after.data, &after.len));
    assert_same_image(before, after);
    amem_tvt_free(h);
}
END_TEST

START_TEST(outputs_sized_by_a_count_are_checked)
{
    float buf[64] = {0};
    for (size_t i = 0; i < N_HUGE; i++) {
        AMEM_ASSERT_STATUS(amem_patterns_random(buf, huge[i], 1, 1),
                           AMEM_E_DIM);
        assert_detail("amem_patterns_random", "out");
        AMEM_ASSERT_STATUS(amem_mask_bernoulli(buf, 1, huge[i], 0.5, 1),
                           AMEM_E_DIM);
        AMEM_ASSERT_STATUS(amem_mask_fraction(buf, huge[i], 1, 0.5, 1),
                           AMEM_E_DIM);
    }
    for (int i = 0; i < 64; i++)
        ck_assert(buf[i] == 0.0f);
}
END_TEST

START_TEST(diffusion_train_refuses_huge_iterations)
{
    amem_diffusion *h = NULL;
    AMEM_ASSERT_OK(amem_diffusion_create(2, &h));
    float x[4] = {1, -1, -1, 1};
    AMEM_ASSERT_OK(amem_diffusion_store(h, x, 2));
    image before, after;
    AMEM_ASSERT_OK(amem_diffusion_save_mem(h, &before.data, &before.len));
    AMEM_ASSERT_STATUS(amem_diffusion_train(h, AMEM_MAX_STEPS_PER_CALL + 1L,
                                            NULL, NULL, NULL), AMEM_E_RANGE);
    assert_detail("amem_diffusion_train", "iterations");
    AMEM_ASSERT_OK(amem_diffusion_save_mem(h, &after.data, &after.len));
    assert_same_image(before, after);
    amem_diffusion_free(h);
}
END_TEST

Suite *amem_suite_sizes(void)
{
    Suite *s = suite_create("sizes");
    TCase *tc = tcase_create("sizes");
    tcase_add_test(tc, rule_refuses_products_past_ptrdiff);
    tcase_add_test(tc, check_array_refuses_before_reading);
    tcase_add_test(tc, bootstrap_mean_refuses_huge_sizes);
    tcase_add_test(tc, capacity_bootstrap_refuses_huge_sizes);
    tcase_add_test(tc, vae_sample_refuses_huge_n);
    tcase_add_test(tc, vae_interpolate_refuses_huge_steps);
    tcase_add_test(tc, probe_fit_refuses_huge_dim);
    tcase_add_test(tc, tsne_refuses_huge_dim);
    tcase_add_test(tc, kvmem_meta_train_refuses_huge_steps);
    tcase_add_test(tc, tvt_train_refuses_huge_steps);
    tcase_add_test(tc, outputs_sized_by_a_count_are_checked);
    tcase_add_test(tc, diffusion_train_refuses_huge_iterations);
    suite_add_tcase(s, tc);
    return s;
}
