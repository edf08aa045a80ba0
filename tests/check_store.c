/* The Hopfield store as a database: ids, compressed keys, mapped files. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assocmem/hopfield.h"
#include "core/rng.h"
#include "hopfield/hopfield_impl.h"
#include "hopfield/idmap.h"
#include "hopfield/quant.h"
#include "hopfield_image.h"
#include "testutil.h"

/* ---- heap counting: a malloc hook (glibc, not under a sanitizer) ------ */
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__) &&               \
    !defined(__has_feature)
#define HEAP_HOOK 1
#elif defined(__GLIBC__) && defined(__has_feature)
#if !__has_feature(address_sanitizer)
#define HEAP_HOOK 1
#endif
#endif

/* volatile: the compiler assumes malloc touches no global */
static volatile size_t heap_bytes; /* requested while counting */
static volatile int counting;

#ifdef HEAP_HOOK
void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);
void __libc_free(void *p);

void *malloc(size_t n)
{
    if (counting)
        heap_bytes += n;
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
    if (counting)
        heap_bytes += n * size;
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
    if (counting)
        heap_bytes += n;
    return __libc_realloc(p, n);
}

void free(void *p) { __libc_free(p); }
#endif

/* 1 when allocations are seen by the hook (not under valgrind). */
static int hook_works(void)
{
    heap_bytes = 0;
    counting = 1;
    void *volatile p = malloc(1000);
    counting = 0;
    free(p);
    return heap_bytes >= 1000;
}

/* ---- helpers --------------------------------------------------------- */
static float *gaussian(size_t n, size_t d, uint64_t seed)
{
    amem__rng rng;
    amem__rng_seed(&rng, seed);
    float *p = malloc(n * d * sizeof(float));
    for (size_t i = 0; i < n * d; i++)
        p[i] = (float)amem__rng_normal(&rng);
    return p;
}

static amem_hopfield *modern(size_t d, size_t m, int dtype)
{
    amem_hopfield *h = NULL;
    AMEM_ASSERT_OK(amem_hopfield_create(AMEM_HOPFIELD_MODERN, d, m, &h));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_DTYPE, dtype));
    return h;
}

static size_t count_of(const amem_hopfield *h)
{
    size_t n;
    AMEM_ASSERT_OK(amem_hopfield_count(h, &n));
    return n;
}

/* ---- ids ------------------------------------------------------------- */
START_TEST(test_ids_assigned_and_given)
{
    size_t d = 8, n = 5;
    float *x = gaussian(n, d, 1);
    amem_hopfield *h = modern(d, 0, AMEM_HOPFIELD_DTYPE_F32);
    AMEM_ASSERT_OK(amem_hopfield_store(h, x, 2));
    uint64_t ids[5], given[3] = {100, 7, 42}, out[3];
    AMEM_ASSERT_OK(amem_hopfield_get_ids(h, 0, 2, ids));
    ck_assert(ids[0] == 0 && ids[1] == 1);
    AMEM_ASSERT_OK(amem_hopfield_append(h, x + 2 * d, NULL, given, 3, out));
    ck_assert(out[0] == 100 && out[1] == 7 && out[2] == 42);
    /* assigned ids continue past the largest ever held */
    AMEM_ASSERT_OK(amem_hopfield_append(h, x, NULL, NULL, 1, out));
    ck_assert_uint_eq(out[0], 101);
    float got[3 * 8];
    uint64_t want[3] = {42, 0, 100};
    AMEM_ASSERT_OK(amem_hopfield_get_patterns(h, want, 3, got, NULL));
    ck_assert(memcmp(got, x + 4 * d, d * sizeof(float)) == 0);
    ck_assert(memcmp(got + d, x, d * sizeof(float)) == 0);
    ck_assert(memcmp(got + 2 * d, x + 2 * d, d * sizeof(float)) == 0);
    amem_hopfield_free(h);
    free(x);
}
END_TEST

START_TEST(test_ids_bad_input_leaves_store)
{
    size_t d = 6, n = 4, len;
    float *x = gaussian(n, d, 2);
    amem_hopfield *h = modern(d, 0, AMEM_HOPFIELD_DTYPE_F32);
    uint64_t ids[4] = {10, 11, 12, 13};
    AMEM_ASSERT_OK(amem_hopfield_append(h, x, NULL, ids, 2, NULL));
    unsigned char *before = image(h, &len);
    uint64_t dup_stored[2] = {20, 11}, dup_batch[3] = {20, 21, 20};
    AMEM_ASSERT_STATUS(amem_hopfield_append(h, x, NULL, dup_stored, 2, NULL),
                       AMEM_E_ARG);
    ck_assert(strstr(amem_last_error(), "already stored") != NULL);
    AMEM_ASSERT_STATUS(amem_hopfield_append(h, x, NULL, dup_batch, 3, NULL),
                       AMEM_E_ARG);
    ck_assert(strstr(amem_last_error(), "repeated") != NULL);
    uint64_t unknown[2] = {10, 99}, twice[2] = {10, 10};
    AMEM_ASSERT_STATUS(amem_hopfield_remove(h, unknown, 2), AMEM_E_ARG);
    ck_assert(strstr(amem_last_error(), "not stored") != NULL);
    AMEM_ASSERT_STATUS(amem_hopfield_remove(h, twice, 2), AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_hopfield_get_patterns(h, unknown, 2, x, NULL),
                       AMEM_E_ARG);
    uint64_t reserved = UINT64_MAX;
    AMEM_ASSERT_STATUS(amem_hopfield_append(h, x, NULL, &reserved, 1, NULL),
                       AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_hopfield_append(h, x, x, NULL, 1, NULL),
                       AMEM_E_ARG);
    ck_assert(same_image(h, before, len));
    /* the ids of the failed calls are free to use */
    AMEM_ASSERT_OK(amem_hopfield_append(h, x, NULL, dup_batch, 2, NULL));
    ck_assert_uint_eq(count_of(h), 4);
    amem_free(before);
    amem_hopfield_free(h);
    free(x);
}
END_TEST

/* Removing rows gives the store of the remaining rows: same recall,
 * same weights (in the moved order), ids following their rows. */
START_TEST(test_remove_matches_fresh_store)
{
    size_t d = 16, m = 3, n = 9;
    float *k = gaussian(n, d, 3), *v = gaussian(n, m, 4);
    amem_hopfield *h = modern(d, m, AMEM_HOPFIELD_DTYPE_F32);
    AMEM_ASSERT_OK(amem_hopfield_append(h, k, v, NULL, n, NULL));
    uint64_t gone[3] = {2, 8, 0};
    AMEM_ASSERT_OK(amem_hopfield_remove(h, gone, 3));
    ck_assert_uint_eq(count_of(h), n - 3);
    uint64_t ids[6];
    AMEM_ASSERT_OK(amem_hopfield_get_ids(h, 0, 6, ids));
    /* remove 2: row 8 -> 2; remove 8 (now row 2): row 7 -> 2; remove 0:
     * row 6 -> 0 */
    uint64_t want[6] = {6, 1, 7, 3, 4, 5};
    ck_assert(memcmp(ids, want, sizeof ids) == 0);
    amem_hopfield *f = modern(d, m, AMEM_HOPFIELD_DTYPE_F32);
    for (size_t i = 0; i < 6; i++)
        AMEM_ASSERT_OK(amem_hopfield_store_pairs(f, k + want[i] * d,
                                                 v + want[i] * m, 1));
    float a[2 * 3], b[2 * 3], kv[16], vv[3];
    AMEM_ASSERT_OK(amem_hopfield_recall(h, k + 3 * d, 2, NULL, a, NULL,
                                        NULL));
    AMEM_ASSERT_OK(amem_hopfield_recall(f, k + 3 * d, 2, NULL, b, NULL,
                                        NULL));
    ck_assert(memcmp(a, b, sizeof a) == 0);
    AMEM_ASSERT_OK(amem_hopfield_get_patterns(h, &want[2], 1, kv, vv));
    ck_assert(memcmp(kv, k + 7 * d, sizeof kv) == 0);
    ck_assert(memcmp(vv, v + 7 * m, sizeof vv) == 0);
    amem_hopfield_free(f);
    amem_hopfield_free(h);
    free(k), free(v);
}
END_TEST

START_TEST(test_ids_save_load)
{
    size_t d = 5, n = 6, len;
    float *x = gaussian(n, d, 5);
    amem_hopfield *h = modern(d, 0, AMEM_HOPFIELD_DTYPE_INT8);
    uint64_t ids[6] = {9, 3, 1ull << 40, 77, 5, 6}, gone = 77, got[5];
    AMEM_ASSERT_OK(amem_hopfield_append(h, x, NULL, ids, n, NULL));
    AMEM_ASSERT_OK(amem_hopfield_remove(h, &gone, 1));
    unsigned char *img = image(h, &len);
    amem_hopfield *g = NULL;
    AMEM_ASSERT_OK(amem_hopfield_load_mem(img, len, &g));
    ck_assert(same_image(g, img, len));
    AMEM_ASSERT_OK(amem_hopfield_get_ids(g, 0, 5, got));
    uint64_t want[5] = {9, 3, 1ull << 40, 6, 5};
    ck_assert(memcmp(got, want, sizeof got) == 0);
    /* the next assigned id survives the round trip */
    AMEM_ASSERT_OK(amem_hopfield_append(g, x, NULL, NULL, 1, got));
    ck_assert_uint_eq(got[0], (1ull << 40) + 1);
    amem_free(img);
    amem_hopfield_free(g);
    amem_hopfield_free(h);
    free(x);
}
END_TEST

/* The id map against a plain array under random inserts and deletes. */
START_TEST(test_idmap_random)
{
    amem__idmap map = {0};
    enum { UNIVERSE = 4096 };
    static long row_of[UNIVERSE];
    amem__rng rng;
    amem__rng_seed(&rng, 6);
    for (size_t i = 0; i < UNIVERSE; i++)
        row_of[i] = -1;
    for (size_t step = 0; step < 40000; step++) {
        uint64_t id = amem__rng_u64(&rng) % UNIVERSE;
        uint64_t key = id * 0x10000000001ull; /* spread, collide in slots */
        if (row_of[id] >= 0 && amem__rng_u64(&rng) % 2) {
            amem__idmap_del(&map, key);
            row_of[id] = -1;
        } else {
            ck_assert_int_eq(amem__idmap_reserve(&map, map.len + 1), 0);
            amem__idmap_put(&map, key, step);
            row_of[id] = (long)step;
        }
    }
    size_t held = 0, row;
    for (size_t i = 0; i < UNIVERSE; i++) {
        int found = amem__idmap_find(&map, i * 0x10000000001ull, &row);
        ck_assert_int_eq(found, row_of[i] >= 0);
        if (found)
        {
            ck_assert_uint_eq(row, (size_t)row_of[i]);
            held++;
        }
    }
    ck_assert_uint_eq(held, map.len);
    amem__idmap_free(&map);
}
END_TEST

/* ---- compressed keys ------------------------------------------------- */
START_TEST(test_dtype_fixed_while_stored)
{
    size_t d = 4;
    float *x = gaussian(2, d, 7);
    amem_hopfield *h = modern(d, 0, AMEM_HOPFIELD_DTYPE_BF16);
    AMEM_ASSERT_OK(amem_hopfield_store(h, x, 2));
    AMEM_ASSERT_STATUS(amem_hopfield_set(h, AMEM_HOPFIELD_DTYPE,
                                         AMEM_HOPFIELD_DTYPE_INT8),
                       AMEM_E_STATE);
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_DTYPE,
                                     AMEM_HOPFIELD_DTYPE_BF16));
    AMEM_ASSERT_OK(amem_hopfield_clear(h));
    AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_DTYPE,
                                     AMEM_HOPFIELD_DTYPE_INT8));
    AMEM_ASSERT_OK(amem_hopfield_store(h, x, 2));
    amem_hopfield *c = NULL;
    AMEM_ASSERT_OK(amem_hopfield_create(AMEM_HOPFIELD_DENSE_EXP, d, 0, &c));
    AMEM_ASSERT_STATUS(amem_hopfield_set(c, AMEM_HOPFIELD_DTYPE, 2),
                       AMEM_E_UNSUPPORTED);
    amem_hopfield_free(c);
    amem_hopfield_free(h);
    free(x);
}
END_TEST

/* Each encoding's stated error bound, per entry, via get_patterns. */
START_TEST(test_dtype_error_bounds)
{
    size_t d = 37, n = 20; /* d not a multiple of 8: kernel tails */
    float *x = gaussian(n, d, 8), *back = malloc(n * d * sizeof(float));
    uint64_t ids[20];
    for (int dtype = 1; dtype <= 2; dtype++) {
        amem_hopfield *h = modern(d, 0, dtype);
        AMEM_ASSERT_OK(amem_hopfield_append(h, x, NULL, NULL, n, ids));
        AMEM_ASSERT_OK(amem_hopfield_get_patterns(h, ids, n, back, NULL));
        for (size_t r = 0; r < n; r++) {
            float top = 0;
            for (size_t k = 0; k < d; k++)
                top = fmaxf(top, fabsf(x[r * d + k]));
            for (size_t k = 0; k < d; k++) {
                float err = fabsf(back[r * d + k] - x[r * d + k]);
                float bound = dtype == AMEM_HOPFIELD_DTYPE_INT8
                                  ? 0.5f * top / 127.0f * 1.0001f
                                  : fabsf(x[r * d + k]) / 256.0f;
                ck_assert_msg(err <= bound, "dtype %d row %zu: %g > %g",
                              dtype, r, (double)err, (double)bound);
            }
        }
        amem_hopfield_free(h);
    }
    free(x), free(back);
}
END_TEST

/* Recall on compressed keys equals float32 recall on the dequantised
 * keys (the kernels compute in float32): for one query (dot/axpy
 * kernels) and for many (dequantise + sgemm), every similarity. */
START_TEST(test_dtype_recall_matches_dequantised)
{
    size_t d = 40, n = 300, m = 3, B = 9;
    float *k = gaussian(n, d, 9), *v = gaussian(n, m, 10);
    float *q = gaussian(B, d, 11), *deq = malloc(n * d * sizeof(float));
    float a[9 * 40], b[9 * 40], wa[9 * 300], wb[9 * 300];
    uint64_t ids[300];
    for (int dtype = 1; dtype <= 2; dtype++)
        for (int sim = 0; sim < 4; sim++) {
            amem_hopfield *h = modern(d, m, dtype), *f = modern(d, m, 0);
            AMEM_ASSERT_OK(amem_hopfield_append(h, k, v, NULL, n, ids));
            AMEM_ASSERT_OK(amem_hopfield_get_patterns(h, ids, n, deq, NULL));
            AMEM_ASSERT_OK(amem_hopfield_store_pairs(f, deq, v, n));
            for (int i = 0; i < 2; i++) {
                amem_hopfield *g = i ? f : h;
                AMEM_ASSERT_OK(amem_hopfield_set(g, AMEM_HOPFIELD_SIMILARITY,
                                                 sim));
                AMEM_ASSERT_OK(amem_hopfield_set(g, AMEM_HOPFIELD_BETA, 0.3));
                AMEM_ASSERT_OK(amem_hopfield_set(g, AMEM_HOPFIELD_MAX_STEPS,
                                                 1));
            }
            for (size_t rows = 1; rows <= B; rows += B - 1) {
                AMEM_ASSERT_OK(amem_hopfield_recall(h, q, rows, NULL, a,
                                                    NULL, wa));
                AMEM_ASSERT_OK(amem_hopfield_recall(f, q, rows, NULL, b,
                                                    NULL, wb));
                for (size_t i = 0; i < rows * m; i++)
                    ck_assert_msg(fabsf(a[i] - b[i]) <= 1e-4f,
                                  "dtype %d sim %d rows %zu: %g vs %g",
                                  dtype, sim, rows, (double)a[i],
                                  (double)b[i]);
                for (size_t i = 0; i < rows * n; i++)
                    ck_assert(fabsf(wa[i] - wb[i]) <= 1e-5f);
            }
            amem_hopfield_free(h);
            amem_hopfield_free(f);
        }
    free(k), free(v), free(q), free(deq);
}
END_TEST

START_TEST(test_dtype_range_refused)
{
    size_t d = 3, len;
    amem_hopfield *h = modern(d, 0, AMEM_HOPFIELD_DTYPE_INT8);
    float ok[3] = {1, 2, 3}, tiny[3] = {1e-40f, 0, 0}, zero[3] = {0, 0, 0};
    AMEM_ASSERT_OK(amem_hopfield_store(h, ok, 1));
    unsigned char *before = image(h, &len);
    AMEM_ASSERT_STATUS(amem_hopfield_store(h, tiny, 1), AMEM_E_RANGE);
    ck_assert(strstr(amem_last_error(), "int8 scale") != NULL);
    ck_assert(same_image(h, before, len));
    AMEM_ASSERT_OK(amem_hopfield_store(h, zero, 1));
    amem_free(before);
    amem_hopfield_free(h);
    h = modern(d, 0, AMEM_HOPFIELD_DTYPE_BF16);
    float big[3] = {3.4e38f, 0, 0};
    AMEM_ASSERT_STATUS(amem_hopfield_store(h, big, 1), AMEM_E_RANGE);
    ck_assert(strstr(amem_last_error(), "bfloat16") != NULL);
    ck_assert_uint_eq(count_of(h), 0);
    amem_hopfield_free(h);
}
END_TEST

/* The dispatched kernels (AVX2 here when the CPU has it) against the
 * scalar fallback, every encoding, widths around the 8- and 16-lane
 * bodies: the same sums up to float rounding. */
START_TEST(test_kernels_match_scalar)
{
    static const size_t widths[] = {1, 7, 8, 9, 15, 16, 17, 37, 256};
    size_t n = 9;
    for (size_t wi = 0; wi < sizeof widths / sizeof widths[0]; wi++) {
        size_t d = widths[wi];
        float *x = gaussian(n, d, 30 + wi), *q = gaussian(1, d, 40 + wi);
        float *codes = malloc(n * d * sizeof(float)), scale[9], p[9];
        float *a = malloc(n * d * sizeof(float));
        float *b = malloc(n * d * sizeof(float));
        for (size_t i = 0; i < n; i++)
            p[i] = 0.1f * (float)i - 0.3f;
        for (int dtype = 0; dtype <= 2; dtype++) {
            amem__quant_encode(dtype, x, n, d, codes, scale);
            amem__qrows rows = {codes, scale, dtype, d};
            amem__quant_decode(&rows, 1, n - 1, a);
            amem__quant_decode_scalar(&rows, 1, n - 1, b);
            ck_assert(memcmp(a, b, (n - 1) * d * sizeof(float)) == 0);
            amem__quant_dots(&rows, 0, n, q, a);
            amem__quant_dots_scalar(&rows, 0, n, q, b);
            for (size_t i = 0; i < n; i++)
                ck_assert_msg(fabsf(a[i] - b[i]) <=
                                  1e-5f * (1.0f + fabsf(b[i])) * (float)d,
                              "dots d %zu dtype %d: %g vs %g", d, dtype,
                              (double)a[i], (double)b[i]);
            memset(a, 0, d * sizeof(float));
            memset(b, 0, d * sizeof(float));
            amem__quant_axpy(&rows, 0, n, p, a);
            amem__quant_axpy_scalar(&rows, 0, n, p, b);
            for (size_t k = 0; k < d; k++)
                ck_assert(fabsf(a[k] - b[k]) <= 1e-5f * (1.0f + fabsf(b[k])));
        }
        free(x), free(q), free(codes), free(a), free(b);
    }
}
END_TEST

/* ---- top-k ------------------------------------------------------------ */
START_TEST(test_topk_matches_weights)
{
    size_t d = 12, n = 700, B = 3, K = 5;
    float *x = gaussian(n, d, 12), *q = gaussian(B, d, 13);
    float *w = malloc(B * n * sizeof(float)), tw[3 * 5];
    uint64_t ids[700], top[3 * 5];
    for (int sep = 0; sep < 4; sep++) {
        amem_hopfield *h = modern(d, 0, 0);
        for (size_t i = 0; i < n; i++)
            ids[i] = 1000 + 3 * i;
        AMEM_ASSERT_OK(amem_hopfield_append(h, x, NULL, ids, n, NULL));
        AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_SEPARATION, sep));
        AMEM_ASSERT_OK(amem_hopfield_set(h, AMEM_HOPFIELD_BETA, 0.5));
        AMEM_ASSERT_OK(amem_hopfield_weights(h, q, B, w));
        AMEM_ASSERT_OK(amem_hopfield_recall_topk(h, q, B, K, top, tw));
        for (size_t r = 0; r < B; r++)
            for (size_t i = 0; i < K; i++) {
                size_t row = (size_t)(top[r * K + i] - 1000) / 3;
                ck_assert(fabsf(tw[r * K + i] - w[r * n + row]) <=
                          1e-5f * fmaxf(1.0f, fabsf(w[r * n + row])));
                /* no weight outside the top k is larger */
                size_t above = 0;
                for (size_t c = 0; c < n; c++)
                    above += w[r * n + c] > w[r * n + row];
                ck_assert(above <= i);
            }
        AMEM_ASSERT_STATUS(amem_hopfield_recall_topk(h, q, B, n + 1, top,
                                                     NULL),
                           AMEM_E_DIM);
        amem_hopfield_free(h);
    }
    free(x), free(q), free(w);
}
END_TEST

/* ---- mapped stores ---------------------------------------------------- */
static void save_tmp(const amem_hopfield *h, char *path, size_t size)
{
    amem_test_tmp_path(path, size, "store");
    AMEM_ASSERT_OK(amem_hopfield_save(h, path));
}

START_TEST(test_mapped_recall_equals_loaded)
{
    size_t d = 24, m = 2, n = 500, B = 4;
    float *k = gaussian(n, d, 14), *v = gaussian(n, m, 15);
    float *q = gaussian(B, d, 16), a[4 * 2], b[4 * 2];
    char path[512];
    for (int dtype = 0; dtype <= 2; dtype++) {
        amem_hopfield *h = modern(d, m, dtype), *g = NULL;
        AMEM_ASSERT_OK(amem_hopfield_append(h, k, v, NULL, n, NULL));
        save_tmp(h, path, sizeof path);
        AMEM_ASSERT_OK(amem_hopfield_load_mapped(path, &g));
        int mapped = 0;
        AMEM_ASSERT_OK(amem_hopfield_is_mapped(g, &mapped));
        ck_assert_int_eq(mapped, 1);
        AMEM_ASSERT_OK(amem_hopfield_recall(h, q, B, NULL, a, NULL, NULL));
        AMEM_ASSERT_OK(amem_hopfield_recall(g, q, B, NULL, b, NULL, NULL));
        ck_assert(memcmp(a, b, sizeof a) == 0);
        uint64_t t1[4], t2[4], id = 17;
        AMEM_ASSERT_OK(amem_hopfield_recall_topk(h, q, B, 1, t1, NULL));
        AMEM_ASSERT_OK(amem_hopfield_recall_topk(g, q, B, 1, t2, NULL));
        ck_assert(memcmp(t1, t2, sizeof t1) == 0);
        float row[24], vrow[2];
        AMEM_ASSERT_OK(amem_hopfield_get_patterns(g, &id, 1, row, vrow));
        ck_assert(memcmp(vrow, v + 17 * m, sizeof vrow) == 0);
        /* read-only: every change refused, the store as it was */
        size_t len;
        unsigned char *before = image(g, &len);
        AMEM_ASSERT_STATUS(amem_hopfield_append(g, k, v, NULL, 1, NULL),
                           AMEM_E_STATE);
        ck_assert(strstr(amem_last_error(), "read-only") != NULL);
        AMEM_ASSERT_STATUS(amem_hopfield_store_pairs(g, k, v, 1),
                           AMEM_E_STATE);
        AMEM_ASSERT_STATUS(amem_hopfield_remove(g, &id, 1), AMEM_E_STATE);
        AMEM_ASSERT_STATUS(amem_hopfield_clear(g), AMEM_E_STATE);
        AMEM_ASSERT_STATUS(amem_hopfield_set(g, AMEM_HOPFIELD_DTYPE,
                                             (dtype + 1) % 3),
                           AMEM_E_STATE);
        ck_assert(same_image(g, before, len));
        amem_free(before);
        amem_hopfield_free(g);
        amem_hopfield_free(h);
        unlink(path);
    }
    free(k), free(v), free(q);
}
END_TEST

static void write_bytes(const char *path, const unsigned char *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(p, 1, n, f), n);
    fclose(f);
}

START_TEST(test_mapped_bad_files)
{
    size_t d = 8, n = 30, len;
    float *x = gaussian(n, d, 17);
    amem_hopfield *h = modern(d, 0, AMEM_HOPFIELD_DTYPE_INT8), *g;
    AMEM_ASSERT_OK(amem_hopfield_store(h, x, n));
    unsigned char *img = image(h, &len);
    char path[512];
    amem_test_tmp_path(path, sizeof path, "bad");
    /* truncated: the header's length no longer matches */
    write_bytes(path, img, len - 100);
    g = (amem_hopfield *)1;
    AMEM_ASSERT_STATUS(amem_hopfield_load_mapped(path, &g), AMEM_E_FORMAT);
    ck_assert_ptr_null(g);
    /* a flipped byte in the keys: the checksum */
    img[len / 2] ^= 0x40;
    write_bytes(path, img, len);
    AMEM_ASSERT_STATUS(amem_hopfield_load_mapped(path, &g), AMEM_E_FORMAT);
    ck_assert(strstr(amem_last_error(), "checksum") != NULL);
    img[len / 2] ^= 0x40;
    /* a lying count (checksum fixed): sizes do not match */
    img[24 + 20 + 4 + 8 * AMEM__HOPFIELD_NPARAM + 32] = 200;
    {
        uint32_t crc = 0xffffffffu;
        for (size_t i = 0; i < len - 4; i++) {
            crc ^= img[i];
            for (int b = 0; b < 8; b++)
                crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
        }
        crc ^= 0xffffffffu;
        for (int i = 0; i < 4; i++)
            img[len - 4 + i] = (unsigned char)(crc >> (8 * i));
    }
    write_bytes(path, img, len);
    AMEM_ASSERT_STATUS(amem_hopfield_load_mapped(path, &g), AMEM_E_FORMAT);
    AMEM_ASSERT_STATUS(amem_hopfield_load_mem(img, len, &g), AMEM_E_FORMAT);
    AMEM_ASSERT_STATUS(amem_hopfield_load_mapped("/nonexistent/x", &g),
                       AMEM_E_IO);
    /* a classical network cannot be mapped */
    amem_hopfield *c = NULL;
    AMEM_ASSERT_OK(amem_hopfield_create(AMEM_HOPFIELD_CLASSICAL, d, 0, &c));
    AMEM_ASSERT_OK(amem_hopfield_save(c, path));
    AMEM_ASSERT_STATUS(amem_hopfield_load_mapped(path, &g),
                       AMEM_E_UNSUPPORTED);
    amem_hopfield_free(c);
    unlink(path);
    amem_free(img);
    amem_hopfield_free(h);
    free(x);
}
END_TEST

/* Bytes a one-query recall and top-k on a mapped store of N rows
 * request from the heap. */
static size_t mapped_recall_heap(size_t N, size_t d, int dtype)
{
    float *x = gaussian(N, d, 18), out[64];
    amem_hopfield *h = modern(d, 0, dtype), *g = NULL;
    AMEM_ASSERT_OK(amem_hopfield_store(h, x, N));
    char path[512];
    save_tmp(h, path, sizeof path);
    amem_hopfield_free(h);
    AMEM_ASSERT_OK(amem_hopfield_load_mapped(path, &g));
    uint64_t top[4];
    AMEM_ASSERT_OK(amem_hopfield_recall(g, x, 1, NULL, out, NULL, NULL));
    heap_bytes = 0;
    counting = 1;
    AMEM_ASSERT_OK(amem_hopfield_recall(g, x, 1, NULL, out, NULL, NULL));
    AMEM_ASSERT_OK(amem_hopfield_recall_topk(g, x, 1, 4, top, NULL));
    counting = 0;
    amem_hopfield_free(g);
    unlink(path);
    free(x);
    return heap_bytes;
}

START_TEST(test_mapped_recall_heap_flat)
{
    if (!hook_works()) {
        if (getenv("AMEM_TEST_VERBOSE"))
            printf("heap hook not active: heap test skipped\n");
        return; /* allocations not visible here (valgrind) */
    }
    ck_assert_int_eq(amem_set_num_threads(1), AMEM_OK);
    for (int dtype = 0; dtype <= 2; dtype++) {
        size_t small = mapped_recall_heap(1000, 64, dtype);
        size_t large = mapped_recall_heap(16000, 64, dtype);
        if (getenv("AMEM_TEST_VERBOSE"))
            printf("mapped recall heap, dtype %d: %zu bytes at N = 1000, "
                   "%zu at N = 16000\n", dtype, small, large);
        ck_assert_msg(small > 0 && large == small,
                      "dtype %d: %zu bytes at N = 1000, %zu at N = 16000",
                      dtype, small, large);
    }
}
END_TEST

Suite *amem_suite_store(void)
{
    Suite *s = suite_create("store");
    TCase *ids = tcase_create("ids");
    tcase_add_test(ids, test_ids_assigned_and_given);
    tcase_add_test(ids, test_ids_bad_input_leaves_store);
    tcase_add_test(ids, test_remove_matches_fresh_store);
    tcase_add_test(ids, test_ids_save_load);
    tcase_add_test(ids, test_idmap_random);
    suite_add_tcase(s, ids);
    TCase *dtype = tcase_create("dtype");
    tcase_add_test(dtype, test_dtype_fixed_while_stored);
    tcase_add_test(dtype, test_dtype_error_bounds);
    tcase_add_test(dtype, test_dtype_recall_matches_dequantised);
    tcase_add_test(dtype, test_dtype_range_refused);
    tcase_add_test(dtype, test_kernels_match_scalar);
    tcase_add_test(dtype, test_topk_matches_weights);
    suite_add_tcase(s, dtype);
    TCase *mapped = tcase_create("mapped");
    tcase_add_test(mapped, test_mapped_recall_equals_loaded);
    tcase_add_test(mapped, test_mapped_bad_files);
    tcase_add_test(mapped, test_mapped_recall_heap_flat);
    suite_add_tcase(s, mapped);
    return s;
}
