/* Suite "optim": Adam and AMSGrad over one parameter vector. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assocmem/common.h"
#include "core/modelfile.h"
#include "core/optim.h"
#include "testutil.h"
#include "testutil_grad.h"

static amem__adam *make(size_t n, int amsgrad, double lr)
{
    amem__adam *opt = NULL;
    AMEM_ASSERT_OK(amem__adam_create(n, amsgrad, &opt));
    ck_assert_ptr_nonnull(opt);
    opt->lr = lr;
    return opt;
}

START_TEST(first_steps_match_hand_computation)
{
    amem__adam *opt = make(1, 0, 0.1);
    float theta = 1.0f;
    /* t = 1: m̂ = g, v̂ = g², so θ −= lr·g/(|g| + ε) */
    AMEM_ASSERT_OK(amem__adam_step(opt, &theta, (float[]){0.5f}));
    ck_assert(fabs(theta - (1.0 - 0.1 * 0.5 / (0.5 + 1e-8))) < 1e-7);
    ck_assert_int_eq(opt->t, 1);
    ck_assert(fabsf(opt->m[0] - 0.05f) < 1e-8f && fabsf(opt->v[0] - 0.00025f) < 1e-11f);
    /* t = 2 with g = −0.25, in double:
     * m = 0.9·0.05 − 0.1·0.25 = 0.02, v = 0.999·0.00025 + 0.001·0.0625 = 3.1225e-4,
     * m̂ = 0.02/0.19, v̂ = 3.1225e-4/0.001999, θ −= 0.1·m̂/(√v̂ + 1e-8) */
    AMEM_ASSERT_OK(amem__adam_step(opt, &theta, (float[]){-0.25f}));
    double mh = 0.02 / 0.19, vh = 3.1225e-4 / 0.001999;
    double want = 1.0 - 0.1 * 0.5 / (0.5 + 1e-8) - 0.1 * mh / (sqrt(vh) + 1e-8);
    ck_assert_msg(fabs(theta - want) < 1e-6, "theta %.9g, want %.9g", (double)theta, want);
    amem__adam_free(opt);
}
END_TEST

/*
 * Four steps on three parameters; the expected values were produced by
 * torch.optim.Adam(lr=0.1, amsgrad=False/True) on the same gradients.
 * AMSGrad departs from Adam at step 4, where v shrinks below its maximum.
 */
static const float grads[4][3] = {
    {0.5f, -1.0f, 2.0f}, {-0.25f, 0.1f, 1.0f}, {0.05f, 3.0f, -0.5f}, {0.0f, -0.2f, 0.01f}};
static const float want_adam[4][3] = {
    {0.900000036f, -1.89999998f, 0.400000006f}, {0.873366356f, -1.84073508f, 0.306782037f},
    {0.847164333f, -1.88677514f, 0.250415891f}, {0.825701237f, -1.92074466f, 0.203990653f}};
static const float want_ams_last[3] = {0.825711966f, -1.92074466f, 0.204013422f};

static void run_reference(int amsgrad)
{
    amem__adam *opt = make(3, amsgrad, 0.1);
    float theta[3] = {1.0f, -2.0f, 0.5f};
    for (int s = 0; s < 4; s++) {
        AMEM_ASSERT_OK(amem__adam_step(opt, theta, grads[s]));
        const float *want = (amsgrad && s == 3) ? want_ams_last : want_adam[s];
        for (int i = 0; i < 3; i++)
            ck_assert_msg(fabsf(theta[i] - want[i]) < 1e-6f, "step %d [%d]: %.9g, want %.9g",
                          s + 1, i, (double)theta[i], (double)want[i]);
    }
    amem__adam_free(opt);
}

START_TEST(adam_matches_pytorch)
{
    run_reference(0);
}
END_TEST

START_TEST(amsgrad_matches_pytorch)
{
    run_reference(1);
}
END_TEST

/* f(θ) = Σ a_i (θ_i − c_i)² with curvatures spanning two decades. */
static void minimise_quadratic(int amsgrad)
{
    enum { N = 8 };
    float a[N], c[N], theta[N] = {0}, grad[N];
    amem_test_fill_uniform(a, N, 0.1f, 10.0f, 5);
    amem_test_fill_uniform(c, N, -3.0f, 3.0f, 6);
    amem__adam *opt = make(N, amsgrad, 0.05);
    for (int step = 0; step < 3000; step++) {
        for (int i = 0; i < N; i++)
            grad[i] = 2.0f * a[i] * (theta[i] - c[i]);
        AMEM_ASSERT_OK(amem__adam_step(opt, theta, grad));
    }
    for (int i = 0; i < N; i++)
        ck_assert_msg(fabsf(theta[i] - c[i]) < 1e-2f, "amsgrad %d: θ[%d] = %g, optimum %g",
                      amsgrad, i, (double)theta[i], (double)c[i]);
    amem__adam_free(opt);
}

START_TEST(quadratic_is_minimised)
{
    minimise_quadratic(0);
    minimise_quadratic(1);
}
END_TEST

START_TEST(amsgrad_vmax_never_decreases)
{
    enum { N = 16 };
    amem__adam *opt = make(N, 1, 0.01);
    float theta[N] = {0}, grad[N], before[N];
    int below = 0;
    for (int step = 0; step < 200; step++) {
        /* gradients that shrink over time, so v itself falls */
        amem_test_fill_uniform(grad, N, -1.0f, 1.0f, 100 + (uint64_t)step);
        for (int i = 0; i < N; i++)
            grad[i] *= 10.0f / (1.0f + (float)step);
        for (int i = 0; i < N; i++)
            before[i] = opt->vmax[i];
        AMEM_ASSERT_OK(amem__adam_step(opt, theta, grad));
        for (int i = 0; i < N; i++) {
            ck_assert(opt->vmax[i] >= before[i]);
            ck_assert(opt->vmax[i] >= opt->v[i]);
            below += opt->v[i] < opt->vmax[i];
        }
    }
    ck_assert_int_gt(below, 0); /* the max actually held v up somewhere */
    amem__adam_free(opt);
}
END_TEST

START_TEST(reset_restarts_the_schedule)
{
    float g[2] = {0.3f, -0.7f};
    amem__adam *a = make(2, 1, 0.1), *b = make(2, 1, 0.1);
    float ta[2] = {1, 1}, tb[2] = {1, 1};
    for (int s = 0; s < 5; s++)
        AMEM_ASSERT_OK(amem__adam_step(a, ta, g));
    amem__adam_reset(a);
    ck_assert_int_eq(a->t, 0);
    ta[0] = ta[1] = 1;
    AMEM_ASSERT_OK(amem__adam_step(a, ta, g));
    AMEM_ASSERT_OK(amem__adam_step(b, tb, g));
    ck_assert(ta[0] == tb[0] && ta[1] == tb[1]);
    ck_assert(a->vmax[1] == b->vmax[1]);
    amem__adam_reset(NULL);
    amem__adam_free(a);
    amem__adam_free(b);
    amem__adam_free(NULL);
}
END_TEST

START_TEST(bad_arguments_leave_state_unchanged)
{
    amem__adam *opt = NULL;
    AMEM_ASSERT_STATUS(amem__adam_create(0, 0, &opt), AMEM_E_ARG);
    ck_assert_ptr_null(opt);
    AMEM_ASSERT_STATUS(amem__adam_create(4, 0, NULL), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem__adam_create(SIZE_MAX / 2, 1, &opt), AMEM_E_NOMEM);
    opt = make(2, 0, 0.1);
    float theta[2] = {1, 2}, g[2] = {0.5f, NAN};
    AMEM_ASSERT_STATUS(amem__adam_step(opt, theta, g), AMEM_E_NONFINITE);
    ck_assert(theta[0] == 1 && theta[1] == 2 && opt->t == 0 && opt->m[0] == 0);
    g[1] = 0.5f;
    AMEM_ASSERT_STATUS(amem__adam_step(NULL, theta, g), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem__adam_step(opt, NULL, g), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem__adam_step(opt, theta, NULL), AMEM_E_NULL);
    opt->lr = 0;
    AMEM_ASSERT_STATUS(amem__adam_step(opt, theta, g), AMEM_E_RANGE);
    opt->lr = 0.1;
    opt->beta2 = 1.0;
    AMEM_ASSERT_STATUS(amem__adam_step(opt, theta, g), AMEM_E_RANGE);
    opt->beta2 = 0.999;
    opt->eps = NAN;
    AMEM_ASSERT_STATUS(amem__adam_step(opt, theta, g), AMEM_E_RANGE);
    ck_assert(theta[0] == 1 && theta[1] == 2 && opt->t == 0);
    opt->eps = 1e-8;
    AMEM_ASSERT_OK(amem__adam_step(opt, theta, g));
    ck_assert(theta[0] < 1 && theta[1] < 2 && opt->t == 1);
    amem__adam_free(opt);
}
END_TEST

/* Moments written to a model file come back bit for bit; a negative
 * second moment, a NaN or a short file is a format error. */
START_TEST(moments_round_trip_and_are_validated)
{
    enum { N = 5 };
    amem__adam *a = NULL, *b = NULL;
    AMEM_ASSERT_OK(amem__adam_create(N, 1, &a));
    AMEM_ASSERT_OK(amem__adam_create(N, 1, &b));
    for (int i = 0; i < N; i++) {
        a->m[i] = -0.5f + (float)i;
        a->v[i] = 0.25f * (float)i;
        a->vmax[i] = 0.5f * (float)i;
    }
    amem__wbuf w;
    amem__wbuf_init(&w);
    amem__adam_put_moments(&w, a);
    ck_assert(!w.failed && w.len == 3 * N * sizeof(float));
    amem__rbuf r = {w.data, w.len, 0, 0};
    AMEM_ASSERT_OK(amem__adam_get_moments("t", &r, b));
    ck_assert(memcmp(a->m, b->m, sizeof a->m[0] * N) == 0);
    ck_assert(memcmp(a->v, b->v, sizeof a->v[0] * N) == 0);
    ck_assert(memcmp(a->vmax, b->vmax, sizeof a->vmax[0] * N) == 0);
    ck_assert(r.pos == r.len);

    float bad_values[3] = {-1.0f, NAN, 0.0f};
    size_t bad_slot[3] = {N + 1, 2, 0};  /* v[1], m[2], (truncation) */
    for (int k = 0; k < 3; k++) {
        amem__wbuf c;
        amem__wbuf_init(&c);
        amem__adam_put_moments(&c, a);
        size_t len = c.len;
        if (k < 2)
            memcpy(c.data + bad_slot[k] * sizeof(float), &bad_values[k],
                   sizeof(float));
        else
            len -= sizeof(float);
        amem__rbuf cr = {c.data, len, 0, 0};
        AMEM_ASSERT_STATUS(amem__adam_get_moments("t", &cr, b), AMEM_E_FORMAT);
        amem__wbuf_free(&c);
    }
    amem__wbuf_free(&w);
    amem__adam_free(a);
    amem__adam_free(b);
}
END_TEST

Suite *amem_suite_optim(void)
{
    Suite *s = suite_create("optim");
    TCase *tc = tcase_create("optim");
    tcase_add_test(tc, first_steps_match_hand_computation);
    tcase_add_test(tc, adam_matches_pytorch);
    tcase_add_test(tc, amsgrad_matches_pytorch);
    tcase_add_test(tc, quadratic_is_minimised);
    tcase_add_test(tc, amsgrad_vmax_never_decreases);
    tcase_add_test(tc, reset_restarts_the_schedule);
    tcase_add_test(tc, bad_arguments_leave_state_unchanged);
    tcase_add_test(tc, moments_round_trip_and_are_validated);
    suite_add_tcase(s, tc);
    return s;
}
