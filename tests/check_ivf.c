/* Check suite `ivf`: the pruned (IVF) recall of the modern store. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "assocmem/hopfield.h"
#include "core/rng.h"
#include "testutil.h"

/* ---- data ------------------------------------------------------------ */

/* n x d rows: uniform(-1, 1) (clusters = 0) or a mixture of `clusters`
 * Gaussians, centres uniform(-3, 3), spread 0.3. */
static float *make_data(size_t n, size_t d, size_t clusters, uint64_t seed)
{
    amem__rng rng;
    amem__rng_seed(&rng, seed);
    float *x = malloc(n * d * sizeof(float));
    float *c = malloc((clusters ? clusters : 1) * d * sizeof(float));
    for (size_t i = 0; i < (clusters ? clusters : 1) * d; i++)
        c[i] = (float)(6.0 * amem__rng_uniform(&rng) - 3.0);
    for (size_t i = 0; i < n; i++) {
        size_t k = clusters ? (size_t)amem__rng_below(&rng, clusters) : 0;
        for (size_t j = 0; j < d; j++)
            x[i * d + j] =
                clusters ? c[k * d + j] + 0.3f * (float)amem__rng_normal(&rng)
                         : (float)(2.0 * amem__rng_uniform(&rng) - 1.0);
    }
    free(c);
    return x;
}

/* Queries: stored rows plus noise. */
static float *make_queries(const float *x, size_t n, size_t d, size_t q,
                           float noise, uint64_t seed)
{
    amem__rng rng;
    amem__rng_seed(&rng, seed);
    float *out = malloc(q * d * sizeof(float));
    for (size_t r = 0; r < q; r++) {
        size_t mu = (size_t)amem__rng_below(&rng, n);
        for (size_t j = 0; j < d; j++)
            out[r * d + j] = x[mu * d + j] +
                             noise * (float)amem__rng_normal(&rng);
    }
    return out;
}

static amem_hopfield *modern(size_t d, size_t m, const float *keys,
                             const float *values, size_t n)
{
    amem_hopfield *h = NULL;
    AMEM_ASSERT_OK(amem_hopfield_create(AMEM_HOPFIELD_MODERN, d, m, &h));
    if (m)
        AMEM_ASSERT_OK(amem_hopfield_store_pairs(h, keys, values, n));
    else
        AMEM_ASSERT_OK(amem_hopfield_store(h, keys, n));
    return h;
}

static float max_abs_diff(const float *a, const float *b, size_t n)
{
    float worst = 0.0f;
    for (size_t i = 0; i < n; i++)
        worst = fmaxf(worst, fabsf(a[i] - b[i]));
    return worst;
}

/* ---- all lists probed = exact recall ---------------------------------- */

static void check_full_probe(int sim, int sep, double beta, size_t m)
{
    size_t n = 400, d = 12, q = 40, nlist = 10;
    float *x = make_data(n, d, 8, 11);
    float *v = m ? make_data(n, m, 0, 12) : NULL;
    float *cues = make_queries(x, n, d, q, 0.2f, 13);
    amem_hopfield *h = modern(d, m, x, v, n);
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_SIMILARITY, sim));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_SEPARATION, sep));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_BETA, beta));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_MAX_STEPS, 3));
    AMEM_ASSERT_OK(amem_hopfield_build_index(h, nlist, NULL, NULL));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_NPROBE, (double)nlist));
    size_t w = m ? m : d;
    float *exact = malloc(q * w * sizeof(float));
    float *pruned = malloc(q * w * sizeof(float));
    size_t scored[40], top[40];
    double bound[40];
    int steps_e[40], steps_p[40];
    AMEM_ASSERT_OK(amem_hopfield_recall(h, cues, q, NULL, exact, steps_e,
                                        NULL));
    AMEM_ASSERT_OK(amem_hopfield_recall_pruned(h, cues, q, pruned, steps_p,
                                               top, scored, bound));
    float scale = 1.0f + fabsf(exact[0]);
    ck_assert_msg(max_abs_diff(exact, pruned, q * w) <= 2e-4f * scale,
                  "sim %d sep %d: pruned differs from exact by %g", sim, sep,
                  (double)max_abs_diff(exact, pruned, q * w));
    for (size_t r = 0; r < q; r++) {
        ck_assert_uint_eq(scored[r], n);
        if (sep == AMEM_HOPFIELD_SEP_IDENTITY)
            ck_assert(isnan(bound[r]));
        else
            ck_assert_msg(bound[r] == 0.0, "bound %g", bound[r]);
        ck_assert_uint_lt(top[r], n);
        ck_assert_int_eq(steps_e[r], steps_p[r]);
    }
    amem_hopfield_free(h);
    free(x);
    free(v);
    free(cues);
    free(exact);
    free(pruned);
}

START_TEST(test_full_probe_is_exact)
{
    static const int sims[] = {AMEM_HOPFIELD_SIM_DOT, AMEM_HOPFIELD_SIM_COSINE,
                               AMEM_HOPFIELD_SIM_EUCLIDEAN,
                               AMEM_HOPFIELD_SIM_MANHATTAN};
    for (int s = 0; s < 4; s++) {
        check_full_probe(sims[s], AMEM_HOPFIELD_SEP_SOFTMAX, 2.0, 0);
        check_full_probe(sims[s], AMEM_HOPFIELD_SEP_SOFTMAX, 1.0, 5);
        check_full_probe(sims[s], AMEM_HOPFIELD_SEP_ARGMAX, 1.0, 0);
    }
    check_full_probe(AMEM_HOPFIELD_SIM_DOT, AMEM_HOPFIELD_SEP_POLY, 1.0, 0);
    check_full_probe(AMEM_HOPFIELD_SIM_DOT, AMEM_HOPFIELD_SEP_IDENTITY, 1.0,
                     0);
}
END_TEST

/* ---- the bound ----------------------------------------------------------
 * A heteroassociative store whose values are the one-hot rows of the
 * identity returns the weights of the scored patterns as its output, so
 * the patterns left out are the zero entries; their exact weights (from
 * amem_hopfield_weights) sum to the true mass left out. */

typedef struct bound_stats {
    double worst_ratio; /* largest true mass / bound */
    size_t small;       /* bounds below 0.1 */
} bound_stats;

static void check_bound(int sim, size_t clusters, double beta, size_t nprobe,
                        bound_stats *st)
{
    size_t n = 300, d = 8, q = 30, nlist = 12;
    float *x = make_data(n, d, clusters, 21 + clusters);
    float *eye = calloc(n * n, sizeof(float));
    for (size_t i = 0; i < n; i++)
        eye[i * n + i] = 1.0f;
    float *cues = make_queries(x, n, d, q, 0.3f, 23);
    amem_hopfield *h = modern(d, n, x, eye, n);
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_SIMILARITY, sim));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_BETA, beta));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_MAX_STEPS, 1));
    AMEM_ASSERT_OK(amem_hopfield_build_index(h, nlist, NULL, NULL));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_NPROBE, (double)nprobe));
    float *part = malloc(q * n * sizeof(float));
    float *exact = malloc(q * n * sizeof(float));
    double bound[30];
    size_t scored[30];
    AMEM_ASSERT_OK(amem_hopfield_recall_pruned(h, cues, q, part, NULL, NULL,
                                               scored, bound));
    AMEM_ASSERT_OK(amem_hopfield_weights(h, cues, q, exact));
    for (size_t r = 0; r < q; r++) {
        double left = 0.0;
        size_t seen = 0;
        for (size_t mu = 0; mu < n; mu++) {
            if (part[r * n + mu] == 0.0f)
                left += exact[r * n + mu];
            else
                seen++;
        }
        ck_assert_uint_le(seen, scored[r]);
        ck_assert(bound[r] >= 0.0 && bound[r] <= 1.0);
        ck_assert_msg(left <= bound[r] * (1.0 + 1e-4) + 1e-30,
                      "sim %d clusters %zu beta %g nprobe %zu: left-out mass "
                      "%g above the bound %g", sim, clusters, beta, nprobe,
                      left, bound[r]);
        if (bound[r] > 0.0)
            st->worst_ratio = fmax(st->worst_ratio, left / bound[r]);
        st->small += bound[r] < 0.1;
    }
    amem_hopfield_free(h);
    free(x);
    free(eye);
    free(cues);
    free(part);
    free(exact);
}

START_TEST(test_bound_holds)
{
    static const int sims[] = {AMEM_HOPFIELD_SIM_DOT, AMEM_HOPFIELD_SIM_COSINE,
                               AMEM_HOPFIELD_SIM_EUCLIDEAN,
                               AMEM_HOPFIELD_SIM_MANHATTAN};
    static const double betas[] = {0.5, 4.0, 30.0};
    bound_stats st = {0.0, 0};
    for (int s = 0; s < 4; s++)
        for (int b = 0; b < 3; b++)
            for (size_t np = 1; np <= 4; np *= 2) {
                check_bound(sims[s], 0, betas[b], np, &st);
                check_bound(sims[s], 6, betas[b], np, &st);
            }
    /* the bound is informative on clustered data, not always 1 */
    ck_assert_uint_gt(st.small, 100);
    ck_assert(st.worst_ratio <= 1.0 + 1e-4);
}
END_TEST

/* ---- k-means ---------------------------------------------------------- */

typedef struct trace {
    double metric[64];
    int calls, assign_calls, cancel_at;
} trace;

static int record(void *user, const char *stage, long done, long total,
                  double metric)
{
    trace *t = user;
    if (strcmp(stage, "assign") == 0) {
        t->assign_calls++;
        return 0;
    }
    ck_assert_str_eq(stage, "kmeans");
    ck_assert_int_eq(done, t->calls + 1);
    ck_assert_int_eq(total, 12);
    t->metric[t->calls++] = metric;
    return t->cancel_at != 0 && done == t->cancel_at;
}

START_TEST(test_kmeans_objective_descends)
{
    size_t n = 2000, d = 10;
    float *x = make_data(n, d, 20, 31);
    amem_hopfield *h = modern(d, 0, x, NULL, n);
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_KMEANS_STEPS, 12));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_KMEANS_SAMPLE, 40));
    trace t = {{0}, 0, 0, 0};
    AMEM_ASSERT_OK(amem_hopfield_build_index(h, 16, record, &t));
    ck_assert_int_eq(t.calls, 12);
    ck_assert_int_eq(t.assign_calls, 1);
    for (int i = 1; i < t.calls; i++)
        ck_assert_msg(t.metric[i] <= t.metric[i - 1] * (1.0 + 1e-6),
                      "objective rose from %g to %g at iteration %d",
                      t.metric[i - 1], t.metric[i], i + 1);
    ck_assert(t.metric[t.calls - 1] < t.metric[0]);
    /* every pattern is scored once when all lists are probed */
    size_t lists = 0, scored = 0;
    AMEM_ASSERT_OK(amem_hopfield_index_lists(h, &lists));
    ck_assert_uint_eq(lists, 16);
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_NPROBE, 16));
    float out[10];
    AMEM_ASSERT_OK(amem_hopfield_recall_pruned(h, x, 1, out, NULL, NULL,
                                               &scored, NULL));
    ck_assert_uint_eq(scored, n);
    /* cancelled: status, and the index built before is kept */
    trace c = {{0}, 0, 0, 3};
    AMEM_ASSERT_STATUS(amem_hopfield_build_index(h, 8, record, &c),
                       AMEM_E_CANCELLED);
    ck_assert_int_eq(c.calls, 3);
    AMEM_ASSERT_OK(amem_hopfield_index_lists(h, &lists));
    ck_assert_uint_eq(lists, 16);
    amem_hopfield_free(h);
    free(x);
}
END_TEST

/* Same seed, same index and results; another seed, other centroids. */
START_TEST(test_seeded_and_pruning_helps)
{
    size_t n = 3000, d = 16, q = 50;
    float *x = make_data(n, d, 30, 41);
    float *cues = make_queries(x, n, d, q, 0.05f, 42);
    float a[50 * 16], b[50 * 16];
    size_t sa[50], sb[50], ta[50];
    amem_hopfield *h = modern(d, 0, x, NULL, n);
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_BETA, 20));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_MAX_STEPS, 1));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_NPROBE, 3));
    AMEM_ASSERT_OK(amem_hopfield_build_index(h, 30, NULL, NULL));
    AMEM_ASSERT_OK(amem_hopfield_recall_pruned(h, cues, q, a, NULL, ta, sa,
                                               NULL));
    AMEM_ASSERT_OK(amem_hopfield_build_index(h, 30, NULL, NULL));
    AMEM_ASSERT_OK(amem_hopfield_recall_pruned(h, cues, q, b, NULL, NULL, sb,
                                               NULL));
    ck_assert_mem_eq(a, b, sizeof a);
    ck_assert_mem_eq(sa, sb, sizeof sa);
    /* pruning scores a fraction of the store and still finds the top-1 */
    float *w = malloc(q * n * sizeof(float));
    AMEM_ASSERT_OK(amem_hopfield_weights(h, cues, q, w));
    size_t total = 0, agree = 0;
    for (size_t r = 0; r < q; r++) {
        size_t best = 0;
        for (size_t mu = 1; mu < n; mu++)
            if (w[r * n + mu] > w[r * n + best])
                best = mu;
        agree += best == ta[r];
        total += sa[r];
    }
    ck_assert_uint_lt(total, q * n / 4);
    ck_assert_uint_ge(agree, q - 1);
    amem_hopfield_free(h);
    free(w);
    free(x);
    free(cues);
}
END_TEST

/* ---- bad input -------------------------------------------------------- */

START_TEST(test_bad_inputs)
{
    size_t n = 50, d = 4;
    float *x = make_data(n, d, 0, 51);
    float out[4 * 4];
    amem_hopfield *h = NULL;
    AMEM_ASSERT_OK(amem_hopfield_create(AMEM_HOPFIELD_MODERN, d, 0, &h));
    AMEM_ASSERT_STATUS(amem_hopfield_build_index(h, 2, NULL, NULL),
                       AMEM_E_STATE);
    AMEM_ASSERT_OK(amem_hopfield_store(h, x, n));
    AMEM_ASSERT_STATUS(amem_hopfield_recall_pruned(h, x, 1, out, NULL, NULL,
                                                   NULL, NULL),
                       AMEM_E_STATE);
    AMEM_ASSERT_STATUS(amem_hopfield_build_index(h, 0, NULL, NULL),
                       AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_hopfield_build_index(h, n + 1, NULL, NULL),
                       AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_hopfield_build_index(NULL, 2, NULL, NULL),
                       AMEM_E_NULL);
    size_t lists = 7;
    AMEM_ASSERT_OK(amem_hopfield_index_lists(h, &lists));
    ck_assert_uint_eq(lists, 0);
    AMEM_ASSERT_OK(amem_hopfield_build_index(h, 4, NULL, NULL));
    AMEM_ASSERT_STATUS(amem_hopfield_set(h, AMEM_HOPFIELD_NPROBE, 0),
                       AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_hopfield_set(h, AMEM_HOPFIELD_NPROBE, 1.5),
                       AMEM_E_RANGE);
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_NPROBE, 5));
    AMEM_ASSERT_STATUS(amem_hopfield_recall_pruned(h, x, 1, out, NULL, NULL,
                                                   NULL, NULL),
                       AMEM_E_RANGE);
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_NPROBE, 4));
    float bad[4] = {0.0f, NAN, 0.0f, 0.0f};
    AMEM_ASSERT_STATUS(amem_hopfield_recall_pruned(h, bad, 1, out, NULL, NULL,
                                                   NULL, NULL),
                       AMEM_E_NONFINITE);
    AMEM_ASSERT_STATUS(amem_hopfield_recall_pruned(h, x, 0, out, NULL, NULL,
                                                   NULL, NULL),
                       AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_hopfield_recall_pruned(h, x, 1, NULL, NULL, NULL,
                                                   NULL, NULL),
                       AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_hopfield_recall_pruned(h, NULL, 1, out, NULL,
                                                   NULL, NULL, NULL),
                       AMEM_E_NULL);
    /* failed calls changed nothing: the index and the store are intact */
    AMEM_ASSERT_OK(amem_hopfield_index_lists(h, &lists));
    ck_assert_uint_eq(lists, 4);
    size_t count;
    AMEM_ASSERT_OK(amem_hopfield_count(h, &count));
    ck_assert_uint_eq(count, n);
    AMEM_ASSERT_OK(amem_hopfield_recall_pruned(h, x, 4, out, NULL, NULL, NULL,
                                               NULL));
    /* a failed store keeps the index; a store or a clear drops it */
    AMEM_ASSERT_STATUS(amem_hopfield_store(h, bad, 1), AMEM_E_NONFINITE);
    AMEM_ASSERT_OK(amem_hopfield_index_lists(h, &lists));
    ck_assert_uint_eq(lists, 4);
    AMEM_ASSERT_OK(amem_hopfield_store(h, x, 1));
    AMEM_ASSERT_OK(amem_hopfield_index_lists(h, &lists));
    ck_assert_uint_eq(lists, 0);
    AMEM_ASSERT_STATUS(amem_hopfield_recall_pruned(h, x, 1, out, NULL, NULL,
                                                   NULL, NULL),
                       AMEM_E_STATE);
    AMEM_ASSERT_OK(amem_hopfield_build_index(h, 4, NULL, NULL));
    AMEM_ASSERT_OK(amem_hopfield_drop_index(h));
    AMEM_ASSERT_OK(amem_hopfield_index_lists(h, &lists));
    ck_assert_uint_eq(lists, 0);
    AMEM_ASSERT_OK(amem_hopfield_build_index(h, 4, NULL, NULL));
    AMEM_ASSERT_OK(amem_hopfield_clear(h));
    AMEM_ASSERT_OK(amem_hopfield_index_lists(h, &lists));
    ck_assert_uint_eq(lists, 0);
    AMEM_ASSERT_STATUS(amem_hopfield_index_lists(h, NULL), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_hopfield_drop_index(NULL), AMEM_E_NULL);
    amem_hopfield_free(h);
    /* other kinds: no index, and its settings are refused */
    AMEM_ASSERT_OK(amem_hopfield_create(AMEM_HOPFIELD_DENSE_POLY, d, 0, &h));
    AMEM_ASSERT_OK(amem_hopfield_store(h, x, n));
    AMEM_ASSERT_STATUS(amem_hopfield_build_index(h, 2, NULL, NULL),
                       AMEM_E_UNSUPPORTED);
    AMEM_ASSERT_STATUS(amem_hopfield_recall_pruned(h, x, 1, out, NULL, NULL,
                                                   NULL, NULL),
                       AMEM_E_UNSUPPORTED);
    AMEM_ASSERT_STATUS(amem_hopfield_set(h, AMEM_HOPFIELD_NPROBE, 2),
                       AMEM_E_UNSUPPORTED);
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_NPROBE, 8));
    /* the slots kept for later settings are unknown */
    double v;
    AMEM_ASSERT_STATUS(amem_hopfield_set(h, 15, 0), AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_hopfield_get(h, 19, &v), AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_hopfield_param_bounds(17, NULL, NULL, NULL),
                       AMEM_E_ARG);
    AMEM_ASSERT_OK(amem_hopfield_get(h, AMEM_HOPFIELD_KMEANS_SAMPLE, &v));
    ck_assert(v == 256);
    amem_hopfield_free(h);
    free(x);
}
END_TEST

/* The result does not depend on the thread count beyond rounding. */
START_TEST(test_threads)
{
    size_t n = 4000, d = 16, q = 300;
    float *x = make_data(n, d, 40, 61);
    float *cues = make_queries(x, n, d, q, 0.1f, 62);
    float *a = malloc(q * d * sizeof(float)), *b = malloc(q * d * sizeof(float));
    size_t sa[300], sb[300];
    amem_hopfield *h = modern(d, 0, x, NULL, n);
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_BETA, 2));
    AMEM_ASSERT_OK(amem_hopfield_build_index(h, 40, NULL, NULL));
    int was = amem_get_num_threads();
    AMEM_ASSERT_OK(amem_set_num_threads(1));
    AMEM_ASSERT_OK(amem_hopfield_recall_pruned(h, cues, q, a, NULL, NULL, sa,
                                               NULL));
    AMEM_ASSERT_OK(amem_set_num_threads(2));
    AMEM_ASSERT_OK(amem_hopfield_recall_pruned(h, cues, q, b, NULL, NULL, sb,
                                               NULL));
    AMEM_ASSERT_OK(amem_set_num_threads(was));
    ck_assert(max_abs_diff(a, b, q * d) <= 1e-4f);
    amem_hopfield_free(h);
    free(x);
    free(cues);
    free(a);
    free(b);
}
END_TEST

Suite *amem_suite_ivf(void)
{
    Suite *s = suite_create("ivf");
    TCase *tc = tcase_create("ivf");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_full_probe_is_exact);
    tcase_add_test(tc, test_bound_holds);
    tcase_add_test(tc, test_kmeans_objective_descends);
    tcase_add_test(tc, test_seeded_and_pruning_helps);
    tcase_add_test(tc, test_bad_inputs);
    tcase_add_test(tc, test_threads);
    suite_add_tcase(s, tc);
    return s;
}
