/*
 * Check suite `bam`: the bidirectional associative memory and the discrete
 * (classical) Hopfield network, with cases ported from NeuPy's tests
 * (itdxer/neupy, tests/memory/test_bam.py and
 * tests/memory/test_discrete_hopfield_network.py / test_discrete_hn.py).
 *
 * NeuPy stores 0/1 vectors and maps them to -1/+1 before use; the ported
 * cases give the -1/+1 vectors directly. NeuPy's weights are the plain sums
 * sum_k x_k y_k^T; ours are scaled by q / d, so WRITE_STRENGTH = d makes
 * them equal. NeuPy's "sync" recall is one update and its "async" one is a
 * number of random single-unit updates; ours iterates to a fixed point
 * (bounded by MAX_STEPS), which gives the same answers on these cases.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assocmem/hopfield.h"
#include "testutil.h"

/* ---- NeuPy's 6 x 5 digit images and hints, as -1/+1 -------------------- */

#define IMG 30
#define HINT 4

/* A 0/1 picture written as a string of '0'/'1' (30 characters) to +-1. */
static void bipolar(const char *bits, float *out, size_t len)
{
    for (size_t i = 0; i < len; i++)
        out[i] = bits[i] == '1' ? 1.0f : -1.0f;
}

static const char *const ZERO = "011101000110001100011000101110";
static const char *const HALF_ZERO = "011101000110001000000000000000";
static const char *const ONE = "011000010000100001000010000100";
static const char *const HALF_ONE = "011000010000100000000000000000";
static const char *const TWO = "111000001000010011001000011110";
static const char *const HALF_TWO = "110000000000000010001000011000";
static const char *const ZERO_HINT = "0100";
static const char *const ONE_HINT = "1000";

static amem_hopfield *make(size_t d, size_t m)
{
    amem_hopfield *h = NULL;
    AMEM_ASSERT_OK(amem_hopfield_create(AMEM_HOPFIELD_CLASSICAL, d, m, &h));
    /* NeuPy's unscaled Hebbian sums */
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_WRITE_STRENGTH,
                                     (double)d));
    return h;
}

/* BAM with NeuPy's pairs (zero, zero_hint), (one, one_hint). */
static amem_hopfield *digit_bam(void)
{
    float keys[2 * IMG], values[2 * HINT];
    bipolar(ZERO, keys, IMG);
    bipolar(ONE, keys + IMG, IMG);
    bipolar(ZERO_HINT, values, HINT);
    bipolar(ONE_HINT, values + HINT, HINT);
    amem_hopfield *h = make(IMG, HINT);
    AMEM_ASSERT_OK(amem_hopfield_store_pairs(h, keys, values, 2));
    return h;
}

static int same(const float *a, const float *b, size_t len)
{
    return memcmp(a, b, len * sizeof(float)) == 0;
}

static int all_signs(const float *x, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (x[i] != 1.0f && x[i] != -1.0f)
            return 0;
    return 1;
}

/* Recall one cue in a direction; checks the outputs are +-1. */
static void recall_one(amem_hopfield *h, const char *cue_bits, int direction,
                       float *keys_out, float *values_out)
{
    size_t len = direction == AMEM_HOPFIELD_KEY_TO_VALUE ? IMG : HINT;
    float cue[IMG];
    bipolar(cue_bits, cue, len);
    AMEM_ASSERT_OK(amem_hopfield_recall_bam(h, cue, 1, direction, NULL,
                                            keys_out, values_out, NULL));
    ck_assert(all_signs(keys_out, IMG) && all_signs(values_out, HINT));
}

/* ---- ported from test_bam.py ------------------------------------------- */

/* test_discrete_bam_sync: hints from half images, images from hints. */
START_TEST(test_neupy_bam_sync)
{
    amem_hopfield *h = digit_bam();
    float k[IMG], v[HINT], want_k[IMG], want_v[HINT];
    recall_one(h, HALF_ZERO, AMEM_HOPFIELD_KEY_TO_VALUE, k, v);
    bipolar(ZERO_HINT, want_v, HINT);
    ck_assert(same(v, want_v, HINT));
    recall_one(h, HALF_ONE, AMEM_HOPFIELD_KEY_TO_VALUE, k, v);
    bipolar(ONE_HINT, want_v, HINT);
    ck_assert(same(v, want_v, HINT));
    /* the settled key layer is the whole image (NeuPy's predict(...)[0]) */
    bipolar(ONE, want_k, IMG);
    ck_assert(same(k, want_k, IMG));
    recall_one(h, ZERO_HINT, AMEM_HOPFIELD_VALUE_TO_KEY, k, v);
    bipolar(ZERO, want_k, IMG);
    ck_assert(same(k, want_k, IMG));
    recall_one(h, ONE_HINT, AMEM_HOPFIELD_VALUE_TO_KEY, k, v);
    bipolar(ONE, want_k, IMG);
    ck_assert(same(k, want_k, IMG));
    amem_hopfield_free(h);
}
END_TEST

/* test_discrete_bam_sync / _async, several rows at once: both directions,
 * and the cues are left as they were. */
START_TEST(test_neupy_bam_batch)
{
    amem_hopfield *h = digit_bam();
    float images[2 * IMG], hints[2 * HINT], img_copy[2 * IMG],
        hint_copy[2 * HINT];
    bipolar(ONE, images, IMG);
    bipolar(ZERO, images + IMG, IMG);
    bipolar(ONE_HINT, hints, HINT);
    bipolar(ZERO_HINT, hints + HINT, HINT);
    memcpy(img_copy, images, sizeof images);
    memcpy(hint_copy, hints, sizeof hints);
    float k[2 * IMG], v[2 * HINT];
    int steps[2];
    AMEM_ASSERT_OK(amem_hopfield_recall_bam(h, hints, 2,
                                            AMEM_HOPFIELD_VALUE_TO_KEY, NULL,
                                            k, v, steps));
    ck_assert(same(k, images, 2 * IMG) && same(v, hints, 2 * HINT));
    ck_assert_int_eq(steps[0], 1);
    AMEM_ASSERT_OK(amem_hopfield_recall_bam(h, images, 2,
                                            AMEM_HOPFIELD_KEY_TO_VALUE, NULL,
                                            k, v, steps));
    ck_assert(same(v, hints, 2 * HINT) && same(k, images, 2 * IMG));
    ck_assert(same(images, img_copy, 2 * IMG));
    ck_assert(same(hints, hint_copy, 2 * HINT));
    /* the one-direction call gives the same values */
    float v2[2 * HINT];
    AMEM_ASSERT_OK(amem_hopfield_recall(h, images, 2, NULL, v2, NULL, NULL));
    ck_assert(same(v2, v, 2 * HINT));
    amem_hopfield_free(h);
}
END_TEST

/*
 * test_argument_in_predict_method: NeuPy's n_times counts single-unit
 * updates; our MAX_STEPS counts round trips. A recall cut at one round trip
 * from half_one reports the bound (it has not yet seen the key layer stay
 * put); with more it settles (one more round trip confirms) on the whole
 * image.
 */
START_TEST(test_neupy_bam_step_bound)
{
    amem_hopfield *h = digit_bam();
    float cue[IMG], k[IMG], v[HINT], want[IMG];
    bipolar(HALF_ONE, cue, IMG);
    bipolar(ONE, want, IMG);
    int steps;
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_MAX_STEPS, 1));
    AMEM_ASSERT_OK(amem_hopfield_recall_bam(
        h, cue, 1, AMEM_HOPFIELD_KEY_TO_VALUE, NULL, k, v, &steps));
    ck_assert_int_eq(steps, 1);
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_MAX_STEPS, 100));
    AMEM_ASSERT_OK(amem_hopfield_recall_bam(
        h, cue, 1, AMEM_HOPFIELD_KEY_TO_VALUE, NULL, k, v, &steps));
    ck_assert_int_eq(steps, 2);
    ck_assert(same(k, want, IMG));
    amem_hopfield_free(h);
}
END_TEST

/*
 * test_energy_function: NeuPy's BAM energy is -1/2 x^T W y with its
 * unscaled W; ours is -y^T W x, twice that (NeuPy -7 -> ours -14).
 */
START_TEST(test_neupy_bam_energy)
{
    size_t d = 7, m = 2;
    float x[7], y[2];
    bipolar("1001100", x, d);
    bipolar("10", y, m);
    amem_hopfield *h = make(d, m);
    AMEM_ASSERT_OK(amem_hopfield_store_pairs(h, x, y, 1));
    float s[3 * 9];
    bipolar("100110010", s, 9);      /* the stored pair */
    bipolar("000000000", s + 9, 9);  /* all -1 */
    bipolar("011001101", s + 18, 9); /* the negated pair */
    double e[3];
    AMEM_ASSERT_OK(amem_hopfield_energy(h, s, 3, e));
    ck_assert(fabs(e[0] + 14.0) < 1e-5);
    ck_assert(fabs(e[1]) < 1e-5);
    ck_assert(fabs(e[2] + 14.0) < 1e-5);
    amem_hopfield_free(h);
}
END_TEST

/* test_predict_different_inputs: the one stored key gives its value. */
START_TEST(test_neupy_bam_single_pair)
{
    float x[4], y[2], k[4], v[2];
    bipolar("1001", x, 4);
    bipolar("10", y, 2);
    amem_hopfield *h = make(4, 2);
    AMEM_ASSERT_OK(amem_hopfield_store_pairs(h, x, y, 1));
    AMEM_ASSERT_OK(amem_hopfield_recall_bam(
        h, x, 1, AMEM_HOPFIELD_KEY_TO_VALUE, NULL, k, v, NULL));
    ck_assert(same(v, y, 2) && same(k, x, 4));
    AMEM_ASSERT_OK(amem_hopfield_recall_bam(
        h, y, 1, AMEM_HOPFIELD_VALUE_TO_KEY, NULL, k, v, NULL));
    ck_assert(same(v, y, 2) && same(k, x, 4));
    amem_hopfield_free(h);
}
END_TEST

/*
 * test_input_data_validation: NeuPy refuses values outside {0, 1}; our
 * inputs are any finite floats, so the ported checks are the statuses for
 * each bad argument, and a failed call changes nothing.
 */
START_TEST(test_neupy_bam_validation)
{
    float cue[IMG] = {0}, nan_cue[IMG] = {0}, half[IMG], k[IMG], v[HINT];
    nan_cue[3] = NAN;
    for (size_t i = 0; i < IMG; i++)
        half[i] = 0.5f;
    int K2V = AMEM_HOPFIELD_KEY_TO_VALUE;
    amem_hopfield *empty = make(IMG, HINT), *auto_h = make(IMG, 0);
    AMEM_ASSERT_STATUS(amem_hopfield_recall_bam(empty, cue, 1, K2V, NULL, k,
                                                v, NULL), AMEM_E_STATE);
    AMEM_ASSERT_STATUS(amem_hopfield_recall(empty, cue, 1, NULL, v, NULL,
                                            NULL), AMEM_E_STATE);
    AMEM_ASSERT_STATUS(amem_hopfield_replay(empty, 1, v, NULL, NULL),
                       AMEM_E_STATE);
    AMEM_ASSERT_STATUS(amem_hopfield_recall_bam(auto_h, cue, 1, K2V, NULL, k,
                                                v, NULL), AMEM_E_UNSUPPORTED);
    amem_hopfield *h = digit_bam();
    AMEM_ASSERT_STATUS(amem_hopfield_recall_bam(NULL, cue, 1, K2V, NULL, k, v,
                                                NULL), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_hopfield_recall_bam(h, NULL, 1, K2V, NULL, k, v,
                                                NULL), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_hopfield_recall_bam(h, cue, 1, K2V, NULL, NULL, v,
                                                NULL), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_hopfield_recall_bam(h, cue, 1, K2V, NULL, k, NULL,
                                                NULL), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_hopfield_recall_bam(h, cue, 0, K2V, NULL, k, v,
                                                NULL), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_hopfield_recall_bam(h, cue, 1, 2, NULL, k, v,
                                                NULL), AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_hopfield_recall_bam(h, cue, 1, -1, NULL, k, v,
                                                NULL), AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_hopfield_recall_bam(h, nan_cue, 1, K2V, NULL, k,
                                                v, NULL), AMEM_E_NONFINITE);
    AMEM_ASSERT_STATUS(amem_hopfield_recall_bam(h, cue, 1, K2V, half, k, v,
                                                NULL), AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_hopfield_recall_bam(h, cue, SIZE_MAX / 8, K2V,
                                                NULL, k, v, NULL),
                       AMEM_E_DIM);
    amem_hopfield *modern = NULL;
    AMEM_ASSERT_OK(amem_hopfield_create(AMEM_HOPFIELD_MODERN, IMG, HINT,
                                        &modern));
    AMEM_ASSERT_STATUS(amem_hopfield_recall_bam(modern, cue, 1, K2V, NULL, k,
                                                v, NULL), AMEM_E_UNSUPPORTED);
    amem_hopfield_free(modern);
    amem_hopfield_free(h);
    amem_hopfield_free(auto_h);
    amem_hopfield_free(empty);
}
END_TEST

/* ---- ported from test_discrete_hopfield_network.py / test_discrete_hn.py */

static amem_hopfield *digit_hopfield(int update)
{
    float p[3 * IMG];
    bipolar(ZERO, p, IMG);
    bipolar(ONE, p + IMG, IMG);
    bipolar(TWO, p + 2 * IMG, IMG);
    amem_hopfield *h = make(IMG, 0);
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_UPDATE, update));
    AMEM_ASSERT_OK(amem_hopfield_store(h, p, 3));
    return h;
}

/* test_discrete_hopfield_sync / _async / _full / _random: half images
 * complete to the stored digits, one at a time and as one batch. */
static void check_digit_completion(int update)
{
    amem_hopfield *h = digit_hopfield(update);
    float cues[3 * IMG], want[3 * IMG], out[3 * IMG], copy[3 * IMG];
    bipolar(HALF_ZERO, cues, IMG);
    bipolar(HALF_ONE, cues + IMG, IMG);
    bipolar(HALF_TWO, cues + 2 * IMG, IMG);
    bipolar(ZERO, want, IMG);
    bipolar(ONE, want + IMG, IMG);
    bipolar(TWO, want + 2 * IMG, IMG);
    memcpy(copy, cues, sizeof cues);
    for (size_t q = 0; q < 3; q++) {
        AMEM_ASSERT_OK(amem_hopfield_recall(h, cues + q * IMG, 1, NULL, out,
                                            NULL, NULL));
        ck_assert_msg(same(out, want + q * IMG, IMG), "digit %zu", q);
    }
    AMEM_ASSERT_OK(amem_hopfield_recall(h, cues, 3, NULL, out, NULL, NULL));
    ck_assert(same(out, want, 3 * IMG));
    ck_assert(same(cues, copy, 3 * IMG));
    /* the stored digits are fixed points */
    AMEM_ASSERT_OK(amem_hopfield_recall(h, want, 3, NULL, out, NULL, NULL));
    ck_assert(same(out, want, 3 * IMG));
    amem_hopfield_free(h);
}

START_TEST(test_neupy_hopfield_sync)
{
    check_digit_completion(AMEM_HOPFIELD_UPDATE_SYNC);
}
END_TEST

START_TEST(test_neupy_hopfield_async)
{
    check_digit_completion(AMEM_HOPFIELD_UPDATE_ASYNC);
}
END_TEST

/* test_discrete_hopfield_random: the same with a random unit order. */
START_TEST(test_neupy_hopfield_random_order)
{
    amem_hopfield *h = digit_hopfield(AMEM_HOPFIELD_UPDATE_ASYNC);
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_ORDER,
                                     AMEM_HOPFIELD_ORDER_RANDOM));
    float cue[IMG], want[IMG], out[IMG];
    bipolar(HALF_TWO, cue, IMG);
    bipolar(TWO, want, IMG);
    for (int seed = 0; seed < 5; seed++) {
        AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_SEED, seed));
        AMEM_ASSERT_OK(amem_hopfield_recall(h, cue, 1, NULL, out, NULL,
                                            NULL));
        ck_assert(same(out, want, IMG));
    }
    amem_hopfield_free(h);
}
END_TEST

/*
 * test_argument_in_predict_method: one asynchronous sweep from half_zero is
 * cut at the bound (steps = 1); with MAX_STEPS = 100 the recall settles on
 * zero and a second sweep confirms it (steps = 2).
 */
START_TEST(test_neupy_hopfield_step_bound)
{
    amem_hopfield *h = digit_hopfield(AMEM_HOPFIELD_UPDATE_ASYNC);
    float cue[IMG], want[IMG], out[IMG];
    bipolar(HALF_ZERO, cue, IMG);
    bipolar(ZERO, want, IMG);
    int steps;
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_MAX_STEPS, 1));
    AMEM_ASSERT_OK(amem_hopfield_recall(h, cue, 1, NULL, out, &steps, NULL));
    ck_assert_int_eq(steps, 1);
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_MAX_STEPS, 100));
    AMEM_ASSERT_OK(amem_hopfield_recall(h, cue, 1, NULL, out, &steps, NULL));
    ck_assert_int_eq(steps, 2);
    ck_assert(same(out, want, IMG));
    amem_hopfield_free(h);
}
END_TEST

/*
 * test_energy_function: NeuPy's energy -1/2 x^T W x with W = sum x x^T and
 * a zero diagonal is ours with WRITE_STRENGTH = d, ZERO_DIAGONAL = 1.
 */
START_TEST(test_neupy_hopfield_energy)
{
    float x[7], s[14];
    bipolar("1001100", x, 7);
    amem_hopfield *h = make(7, 0);
    AMEM_ASSERT_OK(amem_hopfield_store(h, x, 1));
    bipolar("0110011", s, 7);
    bipolar("0000000", s + 7, 7);
    double e[2], e1;
    AMEM_ASSERT_OK(amem_hopfield_energy(h, s, 2, e));
    ck_assert(fabs(e[0] + 21.0) < 1e-5);
    ck_assert(fabs(e[1] - 3.0) < 1e-5);
    AMEM_ASSERT_OK(amem_hopfield_energy(h, x, 1, &e1));
    ck_assert(fabs(e1 + 21.0) < 1e-5);
    amem_hopfield_free(h);
}
END_TEST

/* ---- bidirectional recall beyond NeuPy ---------------------------------- */

/* Tie rule: a field of exactly 0 gives +1 to a unit with no sign yet. */
START_TEST(test_bam_ties_give_signs)
{
    float key[2] = {1, 1}, value[1] = {1};
    amem_hopfield *h = make(2, 1);
    AMEM_ASSERT_OK(amem_hopfield_store_pairs(h, key, value, 1));
    /* W x = 0 for both cues: the value layer starts at 0 and ties to +1,
     * then the key layer follows it */
    float cues[4] = {1, -1, 0, 0}, k[4], v[2], want_k[4] = {1, 1, 1, 1};
    int steps[2];
    AMEM_ASSERT_OK(amem_hopfield_recall_bam(h, cues, 2,
                                            AMEM_HOPFIELD_KEY_TO_VALUE, NULL,
                                            k, v, steps));
    ck_assert(same(k, want_k, 4));
    ck_assert(v[0] == 1.0f && v[1] == 1.0f);
    ck_assert(steps[0] == 2 && steps[1] == 2);
    /* an unknown value cue (0) on a tied pair: W^T y = 0 */
    float vcue[1] = {0};
    AMEM_ASSERT_OK(amem_hopfield_recall_bam(h, vcue, 1,
                                            AMEM_HOPFIELD_VALUE_TO_KEY, NULL,
                                            k, v, NULL));
    ck_assert(all_signs(k, 2) && all_signs(v, 1));
    amem_hopfield_free(h);
}
END_TEST

/* Clamped cue entries keep their value; the rest is +-1 in both layers. */
START_TEST(test_bam_clamp)
{
    amem_hopfield *h = digit_bam();
    float hint[HINT], clamp[HINT] = {1, 0, 0, 0}, k[IMG], v[HINT];
    bipolar(ONE_HINT, hint, HINT);
    hint[0] = 0.25f; /* a clamped entry keeps even a non-sign value */
    AMEM_ASSERT_OK(amem_hopfield_recall_bam(
        h, hint, 1, AMEM_HOPFIELD_VALUE_TO_KEY, clamp, k, v, NULL));
    ck_assert(v[0] == 0.25f);
    ck_assert(all_signs(v + 1, HINT - 1) && all_signs(k, IMG));
    amem_hopfield_free(h);
}
END_TEST

/* E(x, y) = -y^T W x never increases along a recall, in both directions:
 * the state after t round trips has energy <= the state after t - 1. */
static void check_energy_descent(amem_hopfield *h, const float *cue,
                                 int direction, size_t d, size_t m)
{
    double prev = INFINITY;
    float *s = malloc((d + m) * sizeof(float));
    for (int t = 1; t <= 6; t++) {
        AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_MAX_STEPS, t));
        AMEM_ASSERT_OK(amem_hopfield_recall_bam(h, cue, 1, direction, NULL,
                                                s, s + d, NULL));
        double e;
        AMEM_ASSERT_OK(amem_hopfield_energy(h, s, 1, &e));
        ck_assert_msg(e <= prev + 1e-6, "t %d: %g > %g", t, e, prev);
        prev = e;
    }
    free(s);
}

START_TEST(test_bam_energy_descent)
{
    size_t d = 40, m = 24, n = 6;
    float *k = malloc(n * d * sizeof(float)), *v = malloc(n * m * sizeof(float));
    unsigned state = 7;
    for (size_t i = 0; i < n * d; i++)
        k[i] = ((state = state * 1103515245u + 12345u) >> 16) & 1 ? 1 : -1;
    for (size_t i = 0; i < n * m; i++)
        v[i] = ((state = state * 1103515245u + 12345u) >> 16) & 1 ? 1 : -1;
    amem_hopfield *h = make(d, m);
    AMEM_ASSERT_OK(amem_hopfield_store_pairs(h, k, v, n));
    float cue[40];
    for (size_t i = 0; i < d; i++)
        cue[i] = (float)sin(1.7 * (double)i); /* an arbitrary real cue */
    check_energy_descent(h, cue, AMEM_HOPFIELD_KEY_TO_VALUE, d, m);
    check_energy_descent(h, cue, AMEM_HOPFIELD_VALUE_TO_KEY, d, m);
    free(k);
    free(v);
    amem_hopfield_free(h);
}
END_TEST

Suite *amem_suite_bam(void)
{
    Suite *s = suite_create("bam");
    TCase *neupy = tcase_create("neupy");
    tcase_add_test(neupy, test_neupy_bam_sync);
    tcase_add_test(neupy, test_neupy_bam_batch);
    tcase_add_test(neupy, test_neupy_bam_step_bound);
    tcase_add_test(neupy, test_neupy_bam_energy);
    tcase_add_test(neupy, test_neupy_bam_single_pair);
    tcase_add_test(neupy, test_neupy_bam_validation);
    tcase_add_test(neupy, test_neupy_hopfield_sync);
    tcase_add_test(neupy, test_neupy_hopfield_async);
    tcase_add_test(neupy, test_neupy_hopfield_random_order);
    tcase_add_test(neupy, test_neupy_hopfield_step_bound);
    tcase_add_test(neupy, test_neupy_hopfield_energy);
    suite_add_tcase(s, neupy);
    TCase *bidi = tcase_create("bidirectional");
    tcase_add_test(bidi, test_bam_ties_give_signs);
    tcase_add_test(bidi, test_bam_clamp);
    tcase_add_test(bidi, test_bam_energy_descent);
    suite_add_tcase(s, bidi);
    return s;
}
