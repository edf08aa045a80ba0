/* Suite "trainer": the one trainer loop (src/core/trainer.h). */
#define AMEM_EXPERIMENTAL_API
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/trainer.h"
#include "testutil.h"

/* A toy piece: loss = mean_i 0.5 |theta - c_i|^2 over a batch of B points
 * c_i = (i, -i, 2i); gradient = theta - mean c (over this worker's slice,
 * divided by the global batch). */
enum { NP = 3, B = 5 };

typedef struct toy {
    float theta[NP];
    const amem__data_parallel *dp;
    size_t steps_seen, nonfinite_at, stop_at;
} toy;

static int toy_gradient(void *piece, float *grad, double *loss)
{
    toy *p = piece;
    size_t lo, hi;
    amem__dp_slice(p->dp, B, &lo, &hi);
    *loss = 0;
    for (size_t i = lo; i < hi; i++) {
        float c[NP] = {(float)i, -(float)i, 2.0f * (float)i};
        for (int k = 0; k < NP; k++) {
            float r = p->theta[k] - c[k];
            grad[k] += r / B;
            *loss += 0.5 * r * r / B;
        }
    }
    if (p->nonfinite_at && p->steps_seen + 1 == p->nonfinite_at)
        grad[1] = NAN;
    return AMEM_OK;
}

static int toy_after(void *piece, double loss)
{
    toy *p = piece;
    (void)loss;
    p->steps_seen++;
    return p->stop_at && p->steps_seen == p->stop_at ? AMEM__TRAIN_STOP
                                                     : AMEM_OK;
}

static const amem__train_ops TOY_OPS = {"train", toy_gradient, toy_after, 0};

typedef struct run {
    toy piece;
    float grad[NP];
    amem__adam *opt;
    amem__trainer t;
} run;

static void run_init(run *r, const amem__data_parallel *dp)
{
    memset(r, 0, sizeof *r);
    r->piece.theta[0] = 3;
    r->piece.dp = dp;
    AMEM_ASSERT_OK(amem__adam_create(NP, 0, &r->opt));
    r->opt->lr = 0.1;
    r->t = (amem__trainer){&r->piece, &TOY_OPS, r->piece.theta, r->grad, NP,
                           r->opt, dp, NULL};
}

START_TEST(converges_to_the_batch_mean)
{
    run r;
    run_init(&r, NULL);
    double loss;
    size_t done;
    AMEM_ASSERT_OK(amem__train_run("t", &r.t, 2000, NULL, NULL, &loss, &done));
    ck_assert_uint_eq(done, 2000);
    ck_assert_int_eq(r.opt->t, 2000);
    /* mean c = (2, -2, 4); the minimum loss is the variance term 0.5*6*2 */
    ck_assert(fabsf(r.piece.theta[0] - 2) < 1e-3f);
    ck_assert(fabsf(r.piece.theta[1] + 2) < 1e-3f);
    ck_assert(fabsf(r.piece.theta[2] - 4) < 1e-3f);
    ck_assert(fabs(loss - 6.0) < 1e-4);
    amem__adam_free(r.opt);
}
END_TEST

static int cancel_at_3(void *user, const char *stage, long done, long total,
                       double metric)
{
    (void)metric;
    ck_assert_str_eq(stage, "train");
    ck_assert_int_eq(total, 10);
    *(long *)user = done;
    return done == 3;
}

START_TEST(cancel_keeps_finished_steps)
{
    run r;
    run_init(&r, NULL);
    long seen = 0;
    size_t done;
    double loss;
    ck_assert_int_eq(amem__train_run("t", &r.t, 10, cancel_at_3, &seen, &loss,
                                     &done),
                     AMEM_E_CANCELLED);
    ck_assert_int_eq(seen, 3);
    ck_assert_uint_eq(done, 3);
    ck_assert_int_eq(r.opt->t, 3);
    ck_assert(isfinite(loss));
    amem__adam_free(r.opt);
}
END_TEST

START_TEST(nonfinite_step_is_not_applied)
{
    run a, b;
    run_init(&a, NULL);
    run_init(&b, NULL);
    a.piece.nonfinite_at = 5;
    size_t done;
    ck_assert_int_eq(amem__train_run("t", &a.t, 10, NULL, NULL, NULL, &done),
                     AMEM_E_NONFINITE);
    ck_assert_uint_eq(done, 4);
    AMEM_ASSERT_OK(amem__train_run("t", &b.t, 4, NULL, NULL, NULL, NULL));
    ck_assert_mem_eq(a.piece.theta, b.piece.theta, sizeof a.piece.theta);
    ck_assert_int_eq(a.opt->t, 4);
    amem__adam_free(a.opt);
    amem__adam_free(b.opt);
}
END_TEST

START_TEST(early_stop_is_success)
{
    run r;
    run_init(&r, NULL);
    r.piece.stop_at = 2;
    size_t done;
    AMEM_ASSERT_OK(amem__train_run("t", &r.t, 10, NULL, NULL, NULL, &done));
    ck_assert_uint_eq(done, 2);
    ck_assert_int_eq(r.opt->t, 2);
    amem__adam_free(r.opt);
}
END_TEST

START_TEST(steps_out_of_range)
{
    run r;
    run_init(&r, NULL);
    float before[NP];
    memcpy(before, r.piece.theta, sizeof before);
    double loss = 1;
    size_t done = 7;
    ck_assert_int_eq(amem__train_run("t", &r.t, 0, NULL, NULL, &loss, &done),
                     AMEM_E_RANGE);
    ck_assert_int_eq(amem__train_run("t", &r.t,
                                     (size_t)AMEM_MAX_STEPS_PER_CALL + 1, NULL,
                                     NULL, NULL, NULL),
                     AMEM_E_RANGE);
    ck_assert(isnan(loss));
    ck_assert_uint_eq(done, 0);
    ck_assert_mem_eq(before, r.piece.theta, sizeof before);
    amem__adam_free(r.opt);
}
END_TEST

START_TEST(slices_cover_the_batch)
{
    for (int p = 1; p <= 7; p++)
        for (size_t batch = 0; batch <= 12; batch++) {
            size_t next = 0;
            for (int rank = 0; rank < p; rank++) {
                amem__data_parallel dp = {NULL, NULL, rank, p};
                size_t lo, hi;
                amem__dp_slice(&dp, batch, &lo, &hi);
                ck_assert_uint_eq(lo, next);
                ck_assert(hi >= lo && hi - lo <= batch / (size_t)p + 1);
                next = hi;
            }
            ck_assert_uint_eq(next, batch);
        }
}
END_TEST

/* Two workers in one process: worker 0's reduce adds the gradient that
 * worker 1 computes on its own slice at the same parameters. */
typedef struct pair {
    toy *other;
} pair;

static int add_other_worker(void *ctx, float *grad, size_t n, double *loss)
{
    toy *other = ((pair *)ctx)->other;
    float g[NP] = {0};
    double l;
    ck_assert_uint_eq(n, NP);
    toy_gradient(other, g, &l);
    for (int k = 0; k < NP; k++)
        grad[k] += g[k];
    *loss += l;
    return 0;
}

START_TEST(two_workers_equal_one)
{
    amem__data_parallel dp1 = {NULL, NULL, 1, 2};
    pair ctx;
    amem__data_parallel dp0 = {add_other_worker, &ctx, 0, 2};
    run local, w0;
    run_init(&local, NULL);
    run_init(&w0, &dp0);
    toy w1 = w0.piece;
    w1.dp = &dp1;
    ctx.other = &w1;
    /* worker 1 must see worker 0's parameters: share them */
    for (int s = 0; s < 25; s++) {
        memcpy(w1.theta, w0.piece.theta, sizeof w1.theta);
        AMEM_ASSERT_OK(amem__train_run("t", &w0.t, 1, NULL, NULL, NULL, NULL));
    }
    AMEM_ASSERT_OK(amem__train_run("t", &local.t, 25, NULL, NULL, NULL, NULL));
    for (int k = 0; k < NP; k++)
        ck_assert_msg(fabsf(local.piece.theta[k] - w0.piece.theta[k]) < 1e-5f,
                      "theta[%d] %g vs %g", k, local.piece.theta[k],
                      w0.piece.theta[k]);
    amem__adam_free(local.opt);
    amem__adam_free(w0.opt);
}
END_TEST

static int failing_reduce(void *ctx, float *grad, size_t n, double *loss)
{
    (void)ctx, (void)grad, (void)n, (void)loss;
    return 1;
}

START_TEST(bad_data_parallel_descriptions)
{
    amem__data_parallel dst;
    AMEM_ASSERT_OK(amem__dp_set("t", &dst, NULL));
    ck_assert_int_eq(dst.size, 1);
    amem_data_parallel bad_rank = {failing_reduce, NULL, 2, 2};
    amem_data_parallel no_reduce = {NULL, NULL, 0, 2};
    amem_data_parallel zero = {failing_reduce, NULL, 0, 0};
    ck_assert_int_eq(amem__dp_set("t", &dst, &bad_rank), AMEM_E_RANGE);
    ck_assert_int_eq(amem__dp_set("t", &dst, &no_reduce), AMEM_E_NULL);
    ck_assert_int_eq(amem__dp_set("t", &dst, &zero), AMEM_E_RANGE);
    ck_assert_int_eq(dst.size, 1);
    amem__data_parallel dp = {failing_reduce, NULL, 0, 2};
    run r;
    run_init(&r, &dp);
    size_t done = 9;
    ck_assert_int_eq(amem__train_run("t", &r.t, 3, NULL, NULL, NULL, &done),
                     AMEM_E_IO);
    ck_assert_uint_eq(done, 0);
    ck_assert_int_eq(r.opt->t, 0);
    amem__adam_free(r.opt);
}
END_TEST

/* A piece with two partial gradients that writes every float of both:
 * loss = 0.5 |theta - 1|^2 / n, gradient (theta - 1) / n, half of it in
 * grad and half in grad2 (the trainer adds them). At step bad_at, grad2
 * gets `bad` at element n - 1, or grad and grad2 both FLT_MAX there (a sum
 * that overflows) when bad is 0. */
typedef struct wide {
    float *theta, *grad2;
    size_t n, steps_seen, bad_at;
    float bad;
} wide;

static int wide_gradient(void *piece, float *grad, double *loss)
{
    wide *w = piece;
    *loss = 0;
    for (size_t i = 0; i < w->n; i++) {
        float r = w->theta[i] - 1.0f;
        grad[i] = w->grad2[i] = 0.5f * r / (float)w->n;
        *loss += 0.5 * r * r / (double)w->n;
    }
    if (w->bad_at && ++w->steps_seen == w->bad_at) {
        grad[w->n - 1] = w->bad == 0 ? FLT_MAX : grad[w->n - 1];
        w->grad2[w->n - 1] = w->bad == 0 ? FLT_MAX : w->bad;
    }
    return AMEM_OK;
}

static const amem__train_ops WIDE_OPS = {"train", wide_gradient, NULL, 1};

typedef struct wide_run {
    wide piece;
    float *grad;
    amem__adam *opt;
    amem__trainer t;
} wide_run;

/* Garbage in both gradient buffers: the piece must write every float. */
static void wide_init(wide_run *r, size_t n)
{
    memset(r, 0, sizeof *r);
    r->piece.n = n;
    r->piece.theta = malloc(n * sizeof(float));
    r->piece.grad2 = malloc(n * sizeof(float));
    r->grad = malloc(n * sizeof(float));
    ck_assert(r->piece.theta && r->piece.grad2 && r->grad);
    for (size_t i = 0; i < n; i++) {
        r->piece.theta[i] = (float)(i % 7);
        r->grad[i] = r->piece.grad2[i] = NAN;
    }
    AMEM_ASSERT_OK(amem__adam_create(n, 0, &r->opt));
    r->t = (amem__trainer){&r->piece, &WIDE_OPS, r->piece.theta, r->grad,
                           n, r->opt, NULL, r->piece.grad2};
}

static void wide_free(wide_run *r)
{
    free(r->piece.theta);
    free(r->piece.grad2);
    free(r->grad);
    amem__adam_free(r->opt);
}

/* The partial sum runs on the pool for long vectors (n = 200,003: one job
 * per 65,536 floats up to the thread count) and in one piece for short
 * ones; a NaN, an infinity or an overflowing sum at the last element stops
 * the call at that step with the parameters and optimizer as the steps
 * before left them; the steps before match a run of the summed gradient. */
START_TEST(partial_sums_are_checked)
{
    const size_t sizes[2] = {5, 200003};
    const float bad[3] = {NAN, INFINITY, 0};
    int threads = amem_get_num_threads();
    AMEM_ASSERT_OK(amem_set_num_threads(2));
    for (int z = 0; z < 2; z++)
        for (int b = 0; b < 3; b++) {
            wide_run a, ref;
            wide_init(&a, sizes[z]);
            wide_init(&ref, sizes[z]);
            a.piece.bad_at = 3;
            a.piece.bad = bad[b];
            size_t done;
            ck_assert_int_eq(
                amem__train_run("t", &a.t, 5, NULL, NULL, NULL, &done),
                AMEM_E_NONFINITE);
            ck_assert_uint_eq(done, 2);
            ck_assert_int_eq(a.opt->t, 2);
            AMEM_ASSERT_OK(amem__train_run("t", &ref.t, 2, NULL, NULL, NULL,
                                           NULL));
            size_t bytes = sizes[z] * sizeof(float);
            ck_assert_mem_eq(a.piece.theta, ref.piece.theta, bytes);
            ck_assert_mem_eq(a.opt->m, ref.opt->m, bytes);
            ck_assert_mem_eq(a.opt->v, ref.opt->v, bytes);
            /* m after two steps of gradient ~ (3 - 1) / n: the full sum */
            float m3 = 0.19f * 2.0f / (float)sizes[z];
            ck_assert(fabsf(ref.opt->m[3] - m3) < 1e-3f * m3);
            wide_free(&a);
            wide_free(&ref);
        }
    AMEM_ASSERT_OK(amem_set_num_threads(threads));
}
END_TEST

Suite *amem_suite_trainer(void)
{
    Suite *s = suite_create("trainer");
    TCase *tc = tcase_create("trainer");
    tcase_add_test(tc, converges_to_the_batch_mean);
    tcase_add_test(tc, cancel_keeps_finished_steps);
    tcase_add_test(tc, nonfinite_step_is_not_applied);
    tcase_add_test(tc, early_stop_is_success);
    tcase_add_test(tc, steps_out_of_range);
    tcase_add_test(tc, slices_cover_the_batch);
    tcase_add_test(tc, two_workers_equal_one);
    tcase_add_test(tc, bad_data_parallel_descriptions);
    tcase_add_test(tc, partial_sums_are_checked);
    suite_add_tcase(s, tc);
    return s;
}
