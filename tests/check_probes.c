/* Check suite `probes`: RBF SVC by LIBSVM, softmax regression, exact t-SNE. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assocmem/hopfield.h"
#include "assocmem/probes.h"
#include "core/rng.h"
#include "testutil.h"

/* Two rings in 2-D: class 0 radius < 1, class 1 radius in [2, 3]. */
static void rings(size_t n, uint64_t seed, float *x, int32_t *y)
{
    amem__rng rng;
    amem__rng_seed(&rng, seed);
    for (size_t i = 0; i < n; i++) {
        double a = 6.283185307179586 * amem__rng_uniform(&rng);
        int outer = (int)(i % 2);
        double r = outer ? 2.0 + amem__rng_uniform(&rng)
                         : amem__rng_uniform(&rng);
        x[2 * i] = (float)(r * cos(a));
        x[2 * i + 1] = (float)(r * sin(a));
        y[i] = outer;
    }
}

/* k Gaussian blobs in dim dimensions, centres 4 apart on the axes. */
static void blobs(size_t n, size_t dim, int k, uint64_t seed, float *x,
                  int32_t *y)
{
    amem__rng rng;
    amem__rng_seed(&rng, seed);
    for (size_t i = 0; i < n; i++) {
        y[i] = (int32_t)(i % (size_t)k);
        for (size_t j = 0; j < dim; j++)
            x[i * dim + j] = (float)(amem__rng_normal(&rng) * 0.7 +
                                     (j == (size_t)y[i] ? 4.0 : 0.0));
    }
}

static amem_probe *make(int kind)
{
    amem_probe *p = NULL;
    AMEM_ASSERT_OK(amem_probe_create(kind, &p));
    return p;
}

START_TEST(test_svc_separates_rings)
{
    float x[400 * 2], xt[400 * 2];
    int32_t y[400], yt[400];
    rings(200, 1, x, y);
    rings(400, 2, xt, yt);
    amem_probe *svc = make(AMEM_PROBE_SVC), *lin = make(AMEM_PROBE_SOFTMAX);
    AMEM_ASSERT_OK(amem_probe_fit(svc, x, y, 200, 2, NULL, NULL));
    AMEM_ASSERT_OK(amem_probe_fit(lin, x, y, 200, 2, NULL, NULL));
    double acc_svc, acc_lin;
    AMEM_ASSERT_OK(amem_probe_accuracy(svc, xt, yt, 400, 2, &acc_svc));
    AMEM_ASSERT_OK(amem_probe_accuracy(lin, xt, yt, 400, 2, &acc_lin));
    ck_assert_msg(acc_svc > 0.97, "SVC accuracy %g", acc_svc);
    ck_assert_msg(acc_lin < 0.8, "a linear probe separated rings: %g", acc_lin);
    size_t sv, classes;
    AMEM_ASSERT_OK(amem_probe_support_count(svc, &sv));
    AMEM_ASSERT_OK(amem_probe_classes(svc, &classes));
    ck_assert(sv > 2 && sv < 200 && classes == 2);
    amem_probe_free(svc);
    amem_probe_free(lin);
}
END_TEST

/* Two points at -1 and +1, hard margin: alpha = 1 / (1 - exp(-4 gamma)),
 * rho = 0, so the decision is exactly +-1 at the points. */
START_TEST(test_svc_two_point_solution)
{
    float x[2] = {-1.0f, 1.0f};
    int32_t y[2] = {0, 1};
    amem_probe *p = make(AMEM_PROBE_SVC);
    AMEM_ASSERT_OK(amem_probe_set(p, AMEM_PROBE_STANDARDIZE, 0));
    AMEM_ASSERT_OK(amem_probe_set(p, AMEM_PROBE_GAMMA, 0.5));
    AMEM_ASSERT_OK(amem_probe_set(p, AMEM_PROBE_C, 100));
    AMEM_ASSERT_OK(amem_probe_fit(p, x, y, 2, 1, NULL, NULL));
    float s[4], q[2] = {-1.0f, 0.0f};
    AMEM_ASSERT_OK(amem_probe_scores(p, q, 2, 1, s));
    /* OVO: votes + d / (3 (|d| + 1)) with d = +1 at -1. */
    ck_assert_float_eq_tol(s[0], 1.0f + 1.0f / 6.0f, 1e-4f);
    ck_assert_float_eq_tol(s[1], -1.0f / 6.0f, 1e-4f);
    /* At the midpoint d = 0: one vote in all, no confidence either way. */
    ck_assert_float_eq_tol(s[2] + s[3], 1.0f, 1e-4f);
    AMEM_ASSERT_OK(amem_probe_set(p, AMEM_PROBE_MULTICLASS, AMEM_PROBE_OVR));
    AMEM_ASSERT_OK(amem_probe_fit(p, x, y, 2, 1, NULL, NULL));
    AMEM_ASSERT_OK(amem_probe_scores(p, q, 1, 1, s));
    ck_assert_float_eq_tol(s[0], 1.0f, 1e-4f);
    ck_assert_float_eq_tol(s[1], -1.0f, 1e-4f);
    /* A soft margin C < alpha caps the coefficients: |d| < 1. */
    AMEM_ASSERT_OK(amem_probe_set(p, AMEM_PROBE_C, 0.5));
    AMEM_ASSERT_OK(amem_probe_fit(p, x, y, 2, 1, NULL, NULL));
    AMEM_ASSERT_OK(amem_probe_scores(p, q, 1, 1, s));
    ck_assert_float_eq_tol(s[0], 0.5f * (1.0f - expf(-2.0f)), 1e-4f);
    amem_probe_free(p);
}
END_TEST

/* XOR on the corners of [-1, 1]^2, hard margin: by symmetry every corner
 * is a free support vector with alpha (1 - 2 e^{-4g} + e^{-8g}) = 1 and
 * rho = 0, so the decision is +-1 at the corners and 0 at the centre. */
START_TEST(test_svc_xor_solution)
{
    float x[8] = {-1, -1, 1, 1, -1, 1, 1, -1};
    int32_t y[4] = {0, 0, 1, 1};
    amem_probe *p = make(AMEM_PROBE_SVC);
    AMEM_ASSERT_OK(amem_probe_set(p, AMEM_PROBE_STANDARDIZE, 0));
    AMEM_ASSERT_OK(amem_probe_set(p, AMEM_PROBE_GAMMA, 0.5));
    AMEM_ASSERT_OK(amem_probe_set(p, AMEM_PROBE_C, 100));
    AMEM_ASSERT_OK(amem_probe_set(p, AMEM_PROBE_TOLERANCE, 1e-6));
    AMEM_ASSERT_OK(amem_probe_set(p, AMEM_PROBE_MULTICLASS, AMEM_PROBE_OVR));
    AMEM_ASSERT_OK(amem_probe_fit(p, x, y, 4, 2, NULL, NULL));
    float q[6] = {1, 1, 0, 0, 0.5f, 0.5f}, s[6];
    AMEM_ASSERT_OK(amem_probe_scores(p, q, 3, 2, s));
    double g = 0.5, alpha = 1.0 / pow(1.0 - exp(-4 * g), 2);
    /* at (0.5, 0.5): distances^2 to the corners 4.5, 0.5 (class 0) and
     * 2.5, 2.5 (class 1) */
    double d_half = alpha * (exp(-g * 4.5) + exp(-g * 0.5) - 2 * exp(-g * 2.5));
    ck_assert_float_eq_tol(s[0], 1.0f, 1e-4f);
    ck_assert_float_eq_tol(s[1], -1.0f, 1e-4f);
    ck_assert_float_eq_tol(s[2], 0.0f, 1e-4f);
    ck_assert_float_eq_tol(s[4], (float)d_half, 1e-4f);
    size_t sv;
    AMEM_ASSERT_OK(amem_probe_support_count(p, &sv));
    ck_assert_uint_eq(sv, 8); /* 4 per one-vs-rest machine */
    amem_probe_free(p);
}
END_TEST

typedef struct fit_calls { long calls, stop_at, last_done, last_total; } fit_calls;

static int count_and_stop(void *user, const char *stage, long done,
                          long total, double metric)
{
    fit_calls *c = user;
    (void)stage;
    ck_assert(isfinite(metric) && done >= 1 && done <= total);
    c->calls++;
    c->last_done = done;
    c->last_total = total;
    return c->calls == c->stop_at;
}

/* Progress counts machines (SVC) or epochs (SOFTMAX); a cancel keeps the
 * earlier fit, and the same fit redone runs to the same result. */
START_TEST(test_fit_progress_and_cancel)
{
    enum { N = 120, D = 5 };
    static float x[N * D];
    static int32_t y[N];
    blobs(N, D, 4, 7, x, y);
    int kinds[2] = {AMEM_PROBE_SVC, AMEM_PROBE_SOFTMAX};
    long totals[2] = {6, 20};
    for (int k = 0; k < 2; k++) {
        amem_probe *p = make(kinds[k]);
        AMEM_ASSERT_OK(amem_probe_set(p, AMEM_PROBE_EPOCHS, 20));
        fit_calls all = {0, -1, 0, 0};
        AMEM_ASSERT_OK(amem_probe_fit(p, x, y, N, D, count_and_stop, &all));
        ck_assert_int_eq(all.calls, totals[k]);
        ck_assert_int_eq(all.last_done, totals[k]);
        int32_t before[N], after[N];
        AMEM_ASSERT_OK(amem_probe_predict(p, x, N, D, before));
        fit_calls stop = {0, 2, 0, 0};
        AMEM_ASSERT_STATUS(amem_probe_fit(p, x, y, N / 2, D, count_and_stop,
                                          &stop), AMEM_E_CANCELLED);
        ck_assert_int_eq(stop.calls, 2);
        AMEM_ASSERT_OK(amem_probe_predict(p, x, N, D, after));
        ck_assert_mem_eq(before, after, sizeof before);
        amem_probe_free(p);
    }
}
END_TEST

START_TEST(test_multiclass_blobs)
{
    enum { N = 300, T = 300, D = 5 };
    static float x[N * D], xt[T * D];
    static int32_t y[N], yt[T];
    blobs(N, D, 4, 3, x, y);
    blobs(T, D, 4, 4, xt, yt);
    int kinds[3][2] = {{AMEM_PROBE_SVC, AMEM_PROBE_OVO},
                       {AMEM_PROBE_SVC, AMEM_PROBE_OVR},
                       {AMEM_PROBE_SOFTMAX, 0}};
    for (int k = 0; k < 3; k++) {
        amem_probe *p = make(kinds[k][0]);
        AMEM_ASSERT_OK(amem_probe_set(p, AMEM_PROBE_MULTICLASS, kinds[k][1]));
        AMEM_ASSERT_OK(amem_probe_fit(p, x, y, N, D, NULL, NULL));
        double acc;
        AMEM_ASSERT_OK(amem_probe_accuracy(p, xt, yt, T, D, &acc));
        ck_assert_msg(acc > 0.95, "kind %d accuracy %g", k, acc);
        int32_t pred[T];
        float scores[T * 4];
        AMEM_ASSERT_OK(amem_probe_predict(p, xt, T, D, pred));
        AMEM_ASSERT_OK(amem_probe_scores(p, xt, T, D, scores));
        if (kinds[k][0] == AMEM_PROBE_SOFTMAX)
            for (int i = 0; i < T; i++) {
                double s = 0;
                for (int c = 0; c < 4; c++)
                    s += scores[i * 4 + c];
                ck_assert_double_eq_tol(s, 1.0, 1e-5);
            }
        amem_probe_free(p);
    }
}
END_TEST

/* The nearest neighbour of most points in the embedding shares its blob. */
START_TEST(test_tsne_keeps_clusters)
{
    enum { N = 90, D = 10 };
    static float x[N * D], y1[N * 2], y2[N * 2];
    static int32_t lab[N];
    blobs(N, D, 3, 5, x, lab);
    AMEM_ASSERT_OK(amem_tsne(x, N, D, 2, 10.0, 500, 7, y1, NULL, NULL));
    AMEM_ASSERT_OK(amem_tsne(x, N, D, 2, 10.0, 500, 7, y2, NULL, NULL));
    ck_assert(memcmp(y1, y2, sizeof y1) == 0);
    int same = 0;
    for (int i = 0; i < N; i++) {
        int best = -1;
        double bd = INFINITY;
        for (int j = 0; j < N; j++) {
            double dx = y1[2 * i] - y1[2 * j], dy = y1[2 * i + 1] - y1[2 * j + 1];
            if (j != i && dx * dx + dy * dy < bd) {
                bd = dx * dx + dy * dy;
                best = j;
            }
        }
        same += lab[best] == lab[i];
    }
    ck_assert_int_ge(same, N - 2);
    /* The clusters are far apart relative to their size. */
    double within = 0, between = 0;
    int nw = 0, nb = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < i; j++) {
            double dx = y1[2 * i] - y1[2 * j], dy = y1[2 * i + 1] - y1[2 * j + 1];
            double d = sqrt(dx * dx + dy * dy);
            if (lab[i] == lab[j]) { within += d; nw++; }
            else { between += d; nb++; }
        }
    ck_assert(between / nb > 2.0 * within / nw);
}
END_TEST

/* Save -> load gives the same file image and the same scores, for every
 * probe form; every truncation and another piece's file are refused. */
static void round_trip(amem_probe *p, const float *x, size_t n, size_t dim)
{
    void *img = NULL, *img2 = NULL;
    size_t len = 0, len2 = 0, classes = 0;
    AMEM_ASSERT_OK(amem_probe_save_mem(p, &img, &len));
    amem_probe *q = NULL;
    AMEM_ASSERT_OK(amem_probe_load_mem(img, len, &q));
    AMEM_ASSERT_OK(amem_probe_save_mem(q, &img2, &len2));
    ck_assert_uint_eq(len, len2);
    ck_assert(memcmp(img, img2, len) == 0);
    AMEM_ASSERT_OK(amem_probe_classes(p, &classes));
    if (classes > 0) {
        float *s1 = malloc(n * classes * sizeof(float));
        float *s2 = malloc(n * classes * sizeof(float));
        AMEM_ASSERT_OK(amem_probe_scores(p, x, n, dim, s1));
        AMEM_ASSERT_OK(amem_probe_scores(q, x, n, dim, s2));
        ck_assert(memcmp(s1, s2, n * classes * sizeof(float)) == 0);
        free(s1);
        free(s2);
    }
    for (size_t cut = 0; cut < len; cut += 1 + cut / 8) {
        amem_probe *bad = (amem_probe *)&bad;
        AMEM_ASSERT_STATUS(amem_probe_load_mem(img, cut, &bad), AMEM_E_FORMAT);
        ck_assert_ptr_null(bad);
    }
    amem_free(img);
    amem_free(img2);
    amem_probe_free(q);
}

START_TEST(test_save_load_every_form)
{
    enum { N = 60, D = 3 };
    float x[N * D];
    int32_t y[N];
    blobs(N, D, 3, 5, x, y);
    for (int form = 0; form < 4; form++) {
        amem_probe *p = make(form == 3 ? AMEM_PROBE_SOFTMAX : AMEM_PROBE_SVC);
        AMEM_ASSERT_OK(amem_probe_set(p, AMEM_PROBE_MULTICLASS,
                                      form == 2 ? AMEM_PROBE_OVR
                                                : AMEM_PROBE_OVO));
        AMEM_ASSERT_OK(amem_probe_set(p, AMEM_PROBE_SEED, 7));
        if (form > 0)
            AMEM_ASSERT_OK(amem_probe_fit(p, x, y, N, D, NULL, NULL));
        round_trip(p, x, N, D);
        amem_probe_free(p);
    }
}
END_TEST

START_TEST(test_save_load_files_and_errors)
{
    char path[512];
    amem_test_tmp_path(path, sizeof path, "probe");
    amem_probe *p = make(AMEM_PROBE_SOFTMAX), *q = NULL;
    AMEM_ASSERT_OK(amem_probe_set(p, AMEM_PROBE_L2, 0.25));
    AMEM_ASSERT_OK(amem_probe_save(p, path));
    AMEM_ASSERT_OK(amem_probe_load(path, &q));
    double l2 = 0;
    AMEM_ASSERT_OK(amem_probe_get(q, AMEM_PROBE_L2, &l2));
    ck_assert(l2 == 0.25);
    amem_probe_free(q);
    /* Another piece's file: refused, named by what it holds, path once. */
    amem_hopfield *h = NULL;
    float pat[4] = {1, -1, 1, -1};
    AMEM_ASSERT_OK(amem_hopfield_create(AMEM_HOPFIELD_MODERN, 4, 0, &h));
    AMEM_ASSERT_OK(amem_hopfield_store(h, pat, 1));
    AMEM_ASSERT_OK(amem_hopfield_save(h, path));
    AMEM_ASSERT_STATUS(amem_probe_load(path, &q), AMEM_E_FORMAT);
    const char *msg = amem_last_error();
    ck_assert_msg(strstr(msg, "a Hopfield store") && strstr(msg, "a probe"),
                  "%s", msg);
    ck_assert_msg(strstr(strstr(msg, path) + 1, path) == NULL, "%s", msg);
    ck_assert_msg(strstr(msg + 1, "amem_probe_load") == NULL, "%s", msg);
    AMEM_ASSERT_STATUS(amem_probe_save(NULL, path), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_probe_save(p, NULL), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_probe_load(path, NULL), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_probe_load_mem(NULL, 4, &q), AMEM_E_NULL);
    remove(path);
    AMEM_ASSERT_STATUS(amem_probe_load(path, &q), AMEM_E_IO);
    amem_hopfield_free(h);
    amem_probe_free(p);
}
END_TEST

static int cancel_now(void *user, const char *stage, long done, long total,
                      double metric)
{
    (void)user;
    (void)total;
    ck_assert_str_eq(stage, "tsne");
    ck_assert(isfinite(metric));
    return done >= 100;
}

START_TEST(test_bad_arguments)
{
    amem_probe *p = NULL;
    AMEM_ASSERT_STATUS(amem_probe_create(7, &p), AMEM_E_ARG);
    ck_assert_ptr_null(p);
    p = make(AMEM_PROBE_SVC);
    float x[8] = {0, 1, 2, 3, 4, 5, 6, 7}, s[8];
    int32_t y[4] = {0, 1, 0, 1}, same[4] = {2, 2, 2, 2}, neg[4] = {0, -1, 0, 1};
    AMEM_ASSERT_STATUS(amem_probe_predict(p, x, 4, 2, y), AMEM_E_STATE);
    AMEM_ASSERT_STATUS(amem_probe_fit(p, x, same, 4, 2, NULL, NULL), AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_probe_fit(p, x, neg, 4, 2, NULL, NULL), AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_probe_fit(p, x, NULL, 4, 2, NULL, NULL), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_probe_fit(p, x, y, 1, 2, NULL, NULL), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_probe_fit(p, x, y, 4, 0, NULL, NULL), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_probe_set(p, AMEM_PROBE_C, 0), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_probe_set(p, AMEM_PROBE_EPOCHS, 1.5), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_probe_set(p, 42, 1), AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_probe_set(p, AMEM_PROBE_GAMMA, INFINITY),
                       AMEM_E_NONFINITE);
    x[3] = NAN;
    AMEM_ASSERT_STATUS(amem_probe_fit(p, x, y, 4, 2, NULL, NULL), AMEM_E_NONFINITE);
    x[3] = 3;
    AMEM_ASSERT_OK(amem_probe_fit(p, x, y, 4, 2, NULL, NULL));
    AMEM_ASSERT_STATUS(amem_probe_predict(p, x, 2, 4, y), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_probe_scores(p, x, 4, 2, NULL), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_probe_scores(p, x, 0, 2, s), AMEM_E_DIM);
    amem_probe_free(p);
    amem_probe_free(NULL);
    /* t-SNE */
    float big[40 * 3], out[40 * 2];
    for (int i = 0; i < 120; i++)
        big[i] = (float)(i % 7);
    AMEM_ASSERT_STATUS(amem_tsne(big, 3, 3, 2, 1, 300, 0, out, NULL, NULL),
                       AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_tsne(big, 40, 3, 4, 5, 300, 0, out, NULL, NULL),
                       AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_tsne(big, 40, 3, 2, 14, 300, 0, out, NULL, NULL),
                       AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_tsne(big, 40, 3, 2, 5, 10, 0, out, NULL, NULL),
                       AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_tsne(big, 40, 3, 2, 5, 300, 0, NULL, NULL, NULL),
                       AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_tsne(big, 40, 3, 2, 5, 300, 0, out, cancel_now,
                                 NULL), AMEM_E_CANCELLED);
}
END_TEST

Suite *amem_suite_probes(void)
{
    Suite *s = suite_create("probes");
    TCase *t = tcase_create("probes");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, test_svc_separates_rings);
    tcase_add_test(t, test_svc_two_point_solution);
    tcase_add_test(t, test_svc_xor_solution);
    tcase_add_test(t, test_fit_progress_and_cancel);
    tcase_add_test(t, test_multiclass_blobs);
    tcase_add_test(t, test_tsne_keeps_clusters);
    tcase_add_test(t, test_bad_arguments);
    tcase_add_test(t, test_save_load_every_form);
    tcase_add_test(t, test_save_load_files_and_errors);
    suite_add_tcase(s, t);
    return s;
}
