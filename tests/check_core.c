/* Suite "core": status codes, version, RNG, model file format, arena, graph. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "assocmem/common.h"
#include "engine/engine.h"
#include "core/error.h"
#include "core/modelfile.h"
#include "core/rng.h"
#include "core/settings.h"
#include "testutil.h"

START_TEST(strerror_names_every_code)
{
    ck_assert_str_eq(amem_strerror(AMEM_OK), "success");
    ck_assert_str_eq(amem_strerror(AMEM_E_FORMAT), "malformed or unsupported file");
    ck_assert_str_eq(amem_strerror(12345), "unknown status");
    for (int code = AMEM_STATUS_MIN_; code <= 0; code++)
        ck_assert_str_ne(amem_strerror(code), "unknown status");
}
END_TEST

START_TEST(last_error_carries_detail)
{
    int rc = amem__fail(AMEM_E_DIM, "amem_x", "length %d, expected %d", 3, 4);
    ck_assert_int_eq(rc, AMEM_E_DIM);
    ck_assert_str_eq(amem_last_error(), "amem_x: length 3, expected 4");
    AMEM_ASSERT_STATUS(amem_set_num_threads(0), AMEM_E_RANGE);
    ck_assert_ptr_nonnull(strstr(amem_last_error(), "amem_set_num_threads"));
}
END_TEST

START_TEST(version_matches_header)
{
    char want[32];
    snprintf(want, sizeof want, "%d.%d.%d", AMEM_VERSION_MAJOR,
             AMEM_VERSION_MINOR, AMEM_VERSION_PATCH);
    ck_assert_str_eq(amem_version_string(), want);
    ck_assert_int_eq(amem_version_number(), AMEM_VERSION_NUMBER);
}
END_TEST

START_TEST(threads_round_trip)
{
    AMEM_ASSERT_OK(amem_set_num_threads(1));
    ck_assert_int_eq(amem_get_num_threads(), 1);
}
END_TEST

START_TEST(rng_is_deterministic_and_uniform)
{
    amem__rng a, b;
    amem__rng_seed(&a, 42);
    amem__rng_seed(&b, 42);
    for (int i = 0; i < 100; i++)
        ck_assert_uint_eq(amem__rng_u64(&a), amem__rng_u64(&b));
    double sum = 0, sumsq = 0;
    int n = 100000;
    for (int i = 0; i < n; i++) {
        double z = amem__rng_normal(&a);
        sum += z;
        sumsq += z * z;
    }
    ck_assert_double_lt(fabs(sum / n), 0.02);
    ck_assert_double_lt(fabs(sumsq / n - 1.0), 0.03);
    int counts[5] = {0};
    for (int i = 0; i < 50000; i++)
        counts[amem__rng_below(&a, 5)]++;
    for (int k = 0; k < 5; k++)
        ck_assert_int_gt(counts[k], 9500);
}
END_TEST

static void sample_payload(amem__wbuf *w)
{
    float v[3] = {1.5f, -0.0f, 3.25f};
    amem__wbuf_init(w);
    amem__put_u32(w, 7);
    amem__put_u64(w, 1ull << 40);
    amem__put_f64(w, -2.5);
    amem__put_f32s(w, v, 3);
}

START_TEST(modelfile_round_trip_mem_and_file)
{
    amem__wbuf w;
    sample_payload(&w);
    void *img;
    size_t len;
    AMEM_ASSERT_OK(amem__model_save_mem("t", AMEM__KIND_HOPFIELD, &w, &img, &len));
    ck_assert_uint_eq(len, AMEM__HEADER_SIZE + w.len + 4);
    amem__rbuf r;
    AMEM_ASSERT_OK(amem__model_open_mem("t", img, len, AMEM__KIND_HOPFIELD, &r));
    ck_assert_uint_eq(amem__get_u32(&r), 7);
    ck_assert_uint_eq(amem__get_u64(&r), 1ull << 40);
    ck_assert(amem__get_f64(&r) == -2.5);
    float v[3];
    amem__get_f32s(&r, v, 3);
    ck_assert(v[0] == 1.5f && signbit(v[1]) && v[2] == 3.25f);
    ck_assert_int_eq(r.failed, 0);
    amem__get_u32(&r); /* past the end: sticky failure, no crash */
    ck_assert_int_eq(r.failed, 1);

    char path[256];
    amem_test_tmp_path(path, sizeof path, "model");
    AMEM_ASSERT_OK(amem__model_save_file("t", path, AMEM__KIND_HOPFIELD, &w));
    unsigned char *back;
    size_t back_len;
    AMEM_ASSERT_OK(amem__read_whole_file("t", path, &back, &back_len));
    ck_assert_uint_eq(back_len, len);
    ck_assert_int_eq(memcmp(back, img, len), 0);
    unlink(path);
    amem_free(back);
    amem_free(img);
    amem__wbuf_free(&w);
}
END_TEST

START_TEST(modelfile_rejects_damage)
{
    amem__wbuf w;
    sample_payload(&w);
    unsigned char *img;
    size_t len;
    AMEM_ASSERT_OK(amem__model_save_mem("t", AMEM__KIND_DAM, &w, (void **)&img, &len));
    amem__rbuf r;
    AMEM_ASSERT_STATUS(amem__model_open_mem("t", img, len, AMEM__KIND_VAE, &r), AMEM_E_FORMAT);
    for (size_t cut = 0; cut < len; cut++)
        AMEM_ASSERT_STATUS(amem__model_open_mem("t", img, cut, AMEM__KIND_DAM, &r), AMEM_E_FORMAT);
    for (size_t byte = 0; byte < len; byte++) {
        img[byte] ^= 0x10;
        AMEM_ASSERT_STATUS(amem__model_open_mem("t", img, len, AMEM__KIND_DAM, &r), AMEM_E_FORMAT);
        img[byte] ^= 0x10;
    }
    AMEM_ASSERT_STATUS(amem__read_whole_file("t", "/nonexistent/x", &img, &len), AMEM_E_IO);
    amem_free(img);
    amem__wbuf_free(&w);
}
END_TEST

START_TEST(save_to_unwritable_dir_fails_cleanly)
{
    amem__wbuf w;
    sample_payload(&w);
    AMEM_ASSERT_STATUS(amem__model_save_file("t", "/nonexistent/dir/m.amem", 1, &w), AMEM_E_IO);
    amem__wbuf_free(&w);
}
END_TEST

/* The permission bits of path after a save under umask mask. */
static mode_t mode_after_save(const char *path, mode_t mask)
{
    amem__wbuf w;
    sample_payload(&w);
    mode_t before = umask(mask);
    int rc = amem__model_save_file("t", path, AMEM__KIND_HOPFIELD, &w);
    umask(before);
    amem__wbuf_free(&w);
    AMEM_ASSERT_OK(rc);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    return st.st_mode & 07777;
}

/* A save keeps the mode of the file it replaces (whatever the umask); a
 * new file gets 0666 less the umask. */
START_TEST(save_keeps_mode_or_applies_umask)
{
    char path[256];
    amem_test_tmp_path(path, sizeof path, "mode");
    ck_assert_uint_eq(mode_after_save(path, 022), 0644);
    unlink(path);
    ck_assert_uint_eq(mode_after_save(path, 027), 0640);
    static const mode_t kept[] = {0644, 0640, 0604, 0666};
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
        ck_assert_int_eq(chmod(path, kept[i]), 0);
        ck_assert_uint_eq(mode_after_save(path, 077), kept[i]);
    }
    unlink(path);
}
END_TEST

START_TEST(arena_reset_reuses_memory)
{
    amem__arena *a = amem__arena_create(4096);
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 100; i++) {
            float *p = amem__arena_zeros(a, 1000);
            ck_assert_ptr_nonnull(p);
            ck_assert(((uintptr_t)p & 63u) == 0);
            ck_assert(p[999] == 0.0f);
        }
        amem__arena_reset(a);
    }
    ck_assert_uint_ge(amem__arena_peak(a), 100 * 4000);
    ck_assert_ptr_null(amem__arena_alloc(a, SIZE_MAX));
    amem__arena_free(a);
}
END_TEST

START_TEST(graph_records_first_error)
{
    amem__graph *g = amem__graph_create(1 << 16);
    int bad_shape[2] = {3, 0};
    ck_assert_ptr_null(amem__constant_view(g, NULL, 2, bad_shape));
    ck_assert_int_eq(g->status, AMEM_E_DIM);
    int ok_shape[2] = {2, 2};
    float v[4] = {0};
    ck_assert_ptr_null(amem__constant(g, v, 2, ok_shape)); /* already failed */
    ck_assert_int_eq(g->status, AMEM_E_DIM);
    amem__graph_reset(g);
    ck_assert_ptr_nonnull(amem__constant(g, v, 2, ok_shape));
    ck_assert_int_eq(g->status, AMEM_OK);
    ck_assert_ptr_null(amem__constant(g, v, 5, ok_shape));
    ck_assert_int_eq(g->status, AMEM_E_DIM);
    amem__graph_free(g);
}
END_TEST

/* Settings in model files: a list written before settings were appended
 * loads with the new ones at their defaults; a longer list (a newer
 * library's) or a refused value is a format error. Values are checked by
 * the given check, or against the table without one. */
static int below_ten(const char *fn, int param, double value)
{
    (void)param;
    return value < 10 ? AMEM_OK : amem__fail(AMEM_E_RANGE, fn, "too big");
}

static const amem__setting up_to_100[5] = {
    {"A", 0, 100, 7, 0}, {"B", 0, 100, 7, 0}, {"C", 0, 100, 7, 0},
    {"D", 0, 100, 8, 0}, {"E", 0, 100, 9, 0},
};

START_TEST(settings_in_files_grow_at_the_end)
{
    const amem__settings five = {up_to_100, 5}, two = {up_to_100, 2};
    double old[3] = {1, 2, 3}, now[5] = {7, 7, 7, 8, 9};
    amem__wbuf w;
    amem__wbuf_init(&w);
    amem__settings_put(&w, old, 3);
    amem__rbuf r = {w.data, w.len, 0, 0};
    AMEM_ASSERT_OK(amem__settings_take("t", &r, &five, now, below_ten));
    ck_assert(now[0] == 1 && now[1] == 2 && now[2] == 3);
    ck_assert(now[3] == 8 && now[4] == 9); /* defaults kept */
    amem__rbuf longer = {w.data, w.len, 0, 0};
    AMEM_ASSERT_STATUS(amem__settings_take("t", &longer, &two, now, below_ten),
                       AMEM_E_FORMAT);
    amem__rbuf cut = {w.data, w.len - 1, 0, 0};
    AMEM_ASSERT_STATUS(amem__settings_take("t", &cut, &five, now, below_ten),
                       AMEM_E_FORMAT);
    amem__wbuf_free(&w);
    amem__wbuf_init(&w);
    old[1] = 11;
    amem__settings_put(&w, old, 3);
    amem__rbuf bad = {w.data, w.len, 0, 0};
    AMEM_ASSERT_STATUS(amem__settings_take("t", &bad, &five, now, below_ten),
                       AMEM_E_FORMAT);
    amem__rbuf in_table = {w.data, w.len, 0, 0};
    AMEM_ASSERT_OK(amem__settings_take("t", &in_table, &five, now, NULL));
    ck_assert(now[1] == 11);
    amem__wbuf_free(&w);
    amem__wbuf_init(&w);
    old[1] = 101;
    amem__settings_put(&w, old, 3);
    amem__rbuf off_table = {w.data, w.len, 0, 0};
    AMEM_ASSERT_STATUS(amem__settings_take("t", &off_table, &five, now, NULL),
                       AMEM_E_FORMAT);
    amem__wbuf_free(&w);
}
END_TEST


Suite *amem_suite_core(void)
{
    Suite *s = suite_create("core");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, strerror_names_every_code);
    tcase_add_test(tc, last_error_carries_detail);
    tcase_add_test(tc, version_matches_header);
    tcase_add_test(tc, threads_round_trip);
    tcase_add_test(tc, rng_is_deterministic_and_uniform);
    tcase_add_test(tc, modelfile_round_trip_mem_and_file);
    tcase_add_test(tc, modelfile_rejects_damage);
    tcase_add_test(tc, save_to_unwritable_dir_fails_cleanly);
    tcase_add_test(tc, save_keeps_mode_or_applies_umask);
    tcase_add_test(tc, arena_reset_reuses_memory);
    tcase_add_test(tc, graph_records_first_error);
    tcase_add_test(tc, settings_in_files_grow_at_the_end);
    suite_add_tcase(s, tc);
    return s;
}
