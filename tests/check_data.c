/* Suite "data": IDX readers, generators, masks, corruption and metrics. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "assocmem/data.h"
#include "testutil.h"

/* ---- helpers: IDX bytes built in the test ------------------------------- */

typedef struct bytes {
    unsigned char data[512];
    size_t len;
} bytes;

static void put_be32(bytes *b, uint32_t v)
{
    b->data[b->len++] = (unsigned char)(v >> 24);
    b->data[b->len++] = (unsigned char)(v >> 16);
    b->data[b->len++] = (unsigned char)(v >> 8);
    b->data[b->len++] = (unsigned char)v;
}

static void idx_header(bytes *b, unsigned type, unsigned ndim,
                       const uint32_t *dims)
{
    b->len = 0;
    b->data[b->len++] = 0;
    b->data[b->len++] = 0;
    b->data[b->len++] = (unsigned char)type;
    b->data[b->len++] = (unsigned char)ndim;
    for (unsigned d = 0; d < ndim; d++)
        put_be32(b, dims[d]);
}

/* 3 images of 2x4 pixels, pixel value 10*i + j + (i==2 ? 200 : 0). */
static void make_images(bytes *b)
{
    static const uint32_t dims[3] = {3, 2, 4};
    idx_header(b, 0x08, 3, dims);
    for (unsigned i = 0; i < 3; i++)
        for (unsigned j = 0; j < 8; j++)
            b->data[b->len++] = (unsigned char)(10 * i + j + (i == 2 ? 200 : 0));
}

static void make_labels_u8(bytes *b)
{
    static const uint32_t dims[1] = {5};
    static const unsigned char vals[5] = {0, 9, 3, 255, 7};
    idx_header(b, 0x08, 1, dims);
    memcpy(b->data + b->len, vals, 5);
    b->len += 5;
}

/* gzip-compress src into dst (capacity cap); returns the length. */
static size_t gzip_bytes(const unsigned char *src, size_t len,
                         unsigned char *dst, size_t cap)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    ck_assert_int_eq(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8,
                                  Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (Bytef *)(uintptr_t)src;
    zs.avail_in = (uInt)len;
    zs.next_out = dst;
    zs.avail_out = (uInt)cap;
    ck_assert_int_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
    size_t out = zs.total_out;
    deflateEnd(&zs);
    return out;
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

static void write_gz_file(const char *path, const void *data, size_t len)
{
    gzFile f = gzopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(gzwrite(f, data, (unsigned)len), (int)len);
    ck_assert_int_eq(gzclose(f), Z_OK);
}

static void assert_images_match(const float *img, size_t n, size_t h, size_t w)
{
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(h, 2);
    ck_assert_uint_eq(w, 4);
    for (unsigned i = 0; i < 3; i++)
        for (unsigned j = 0; j < 8; j++) {
            unsigned v = 10 * i + j + (i == 2 ? 200 : 0);
            ck_assert_float_eq(img[i * 8 + j], (float)v / 255.0f);
        }
}

static int images_mem_status(const bytes *b)
{
    float *img = (float *)1;
    size_t n = 7, h = 7, w = 7;
    int rc = amem_idx_read_images_mem(b->data, b->len, &img, &n, &h, &w);
    if (rc != AMEM_OK) {
        ck_assert_ptr_null(img);
        ck_assert_uint_eq(n + h + w, 0);
    }
    amem_free(img);
    return rc;
}

/* ---- IDX: round trips --------------------------------------------------- */

START_TEST(idx_images_plain_file_round_trip)
{
    bytes b;
    char path[256];
    make_images(&b);
    amem_test_tmp_path(path, sizeof path, "idx-plain");
    write_file(path, b.data, b.len);
    float *img;
    size_t n, h, w;
    AMEM_ASSERT_OK(amem_idx_read_images(path, &img, &n, &h, &w));
    assert_images_match(img, n, h, w);
    amem_free(img);
    unlink(path);
}
END_TEST

START_TEST(idx_images_gzip_file_round_trip)
{
    bytes b;
    char path[256];
    make_images(&b);
    amem_test_tmp_path(path, sizeof path, "idx-gz");
    write_gz_file(path, b.data, b.len);
    float *img;
    size_t n, h, w;
    AMEM_ASSERT_OK(amem_idx_read_images(path, &img, &n, &h, &w));
    assert_images_match(img, n, h, w);
    amem_free(img);
    unlink(path);
}
END_TEST

START_TEST(idx_images_mem_plain_gzip_and_multi_member)
{
    bytes b;
    unsigned char gz[1024];
    make_images(&b);
    float *img;
    size_t n, h, w;
    AMEM_ASSERT_OK(amem_idx_read_images_mem(b.data, b.len, &img, &n, &h, &w));
    assert_images_match(img, n, h, w);
    amem_free(img);

    size_t gz_len = gzip_bytes(b.data, b.len, gz, sizeof gz);
    AMEM_ASSERT_OK(amem_idx_read_images_mem(gz, gz_len, &img, &n, &h, &w));
    assert_images_match(img, n, h, w);
    amem_free(img);

    /* The same content split over two concatenated gzip members. */
    size_t first = gzip_bytes(b.data, 10, gz, sizeof gz);
    size_t second = gzip_bytes(b.data + 10, b.len - 10, gz + first,
                               sizeof gz - first);
    AMEM_ASSERT_OK(amem_idx_read_images_mem(gz, first + second, &img, &n, &h, &w));
    assert_images_match(img, n, h, w);
    amem_free(img);
}
END_TEST

START_TEST(idx_labels_u8_file_and_gzip)
{
    bytes b;
    char path[256];
    make_labels_u8(&b);
    amem_test_tmp_path(path, sizeof path, "labels");
    write_gz_file(path, b.data, b.len);
    int32_t *lab;
    size_t n;
    AMEM_ASSERT_OK(amem_idx_read_labels(path, &lab, &n));
    ck_assert_uint_eq(n, 5);
    const int32_t want[5] = {0, 9, 3, 255, 7};
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(lab[i], want[i]);
    amem_free(lab);
    unlink(path);
}
END_TEST

START_TEST(idx_labels_signed_types)
{
    static const uint32_t dims[1] = {2};
    bytes b;
    int32_t *lab;
    size_t n;
    idx_header(&b, 0x0C, 1, dims); /* int32: -2, 70000 */
    put_be32(&b, (uint32_t)-2);
    put_be32(&b, 70000);
    AMEM_ASSERT_OK(amem_idx_read_labels_mem(b.data, b.len, &lab, &n));
    ck_assert_int_eq(lab[0], -2);
    ck_assert_int_eq(lab[1], 70000);
    amem_free(lab);

    idx_header(&b, 0x0B, 1, dims); /* int16: -300, 5 */
    const unsigned char i16[4] = {0xFE, 0xD4, 0x00, 0x05};
    memcpy(b.data + b.len, i16, 4);
    b.len += 4;
    AMEM_ASSERT_OK(amem_idx_read_labels_mem(b.data, b.len, &lab, &n));
    ck_assert_int_eq(lab[0], -300);
    ck_assert_int_eq(lab[1], 5);
    amem_free(lab);

    idx_header(&b, 0x09, 1, dims); /* int8: -1, 127 */
    b.data[b.len++] = 0xFF;
    b.data[b.len++] = 0x7F;
    AMEM_ASSERT_OK(amem_idx_read_labels_mem(b.data, b.len, &lab, &n));
    ck_assert_int_eq(lab[0], -1);
    ck_assert_int_eq(lab[1], 127);
    amem_free(lab);
}
END_TEST

/* ---- IDX: malformed input ------------------------------------------------ */

START_TEST(idx_truncated_and_trailing_refused)
{
    bytes b;
    make_images(&b);
    b.len -= 1;
    ck_assert_int_eq(images_mem_status(&b), AMEM_E_FORMAT);
    b.len = 10; /* inside the dimension sizes */
    ck_assert_int_eq(images_mem_status(&b), AMEM_E_FORMAT);
    b.len = 3;
    ck_assert_int_eq(images_mem_status(&b), AMEM_E_FORMAT);
    b.len = 0;
    ck_assert_int_eq(images_mem_status(&b), AMEM_E_FORMAT);
    make_images(&b);
    b.data[b.len++] = 0;
    ck_assert_int_eq(images_mem_status(&b), AMEM_E_FORMAT);
    ck_assert_ptr_nonnull(strstr(amem_last_error(), "trailing"));
}
END_TEST

START_TEST(idx_bad_magic_type_and_dims_refused)
{
    bytes b;
    make_images(&b);
    b.data[0] = 1;
    ck_assert_int_eq(images_mem_status(&b), AMEM_E_FORMAT);
    ck_assert_ptr_nonnull(strstr(amem_last_error(), "magic"));
    make_images(&b);
    b.data[2] = 0x0C; /* int32 images are not accepted */
    ck_assert_int_eq(images_mem_status(&b), AMEM_E_FORMAT);
    make_images(&b);
    b.data[2] = 0x42; /* unknown type */
    ck_assert_int_eq(images_mem_status(&b), AMEM_E_FORMAT);
    make_images(&b);
    b.data[3] = 0; /* no dimensions */
    ck_assert_int_eq(images_mem_status(&b), AMEM_E_FORMAT);
    make_labels_u8(&b); /* a valid label file is not an image file */
    ck_assert_int_eq(images_mem_status(&b), AMEM_E_FORMAT);
    int32_t *lab;
    size_t n;
    make_images(&b);
    AMEM_ASSERT_STATUS(amem_idx_read_labels_mem(b.data, b.len, &lab, &n),
                       AMEM_E_FORMAT);
}
END_TEST

START_TEST(idx_lying_and_overflowing_headers_refused)
{
    static const uint32_t huge[4] = {0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu, 2};
    static const uint32_t big[3] = {60000, 28, 28};
    static const uint32_t zero[3] = {3, 0, 4};
    bytes b;
    idx_header(&b, 0x08, 4, huge); /* product overflows size_t */
    ck_assert_int_eq(images_mem_status(&b), AMEM_E_FORMAT);
    idx_header(&b, 0x08, 3, big); /* 47 MB promised, 16 bytes given */
    ck_assert_int_eq(images_mem_status(&b), AMEM_E_FORMAT);
    ck_assert_ptr_nonnull(strstr(amem_last_error(), "truncated"));
    idx_header(&b, 0x08, 3, zero);
    ck_assert_int_eq(images_mem_status(&b), AMEM_E_FORMAT);
}
END_TEST

START_TEST(idx_bad_gzip_refused)
{
    bytes b;
    unsigned char gz[1024];
    float *img;
    size_t n, h, w;
    make_images(&b);
    size_t gz_len = gzip_bytes(b.data, b.len, gz, sizeof gz);
    AMEM_ASSERT_STATUS(amem_idx_read_images_mem(gz, gz_len - 9, &img, &n, &h, &w),
                       AMEM_E_FORMAT); /* truncated stream */
    gz[gz_len] = 'x'; /* junk after the member */
    AMEM_ASSERT_STATUS(amem_idx_read_images_mem(gz, gz_len + 1, &img, &n, &h, &w),
                       AMEM_E_FORMAT);
    gz[gz_len - 2] ^= 0xFF; /* length field of the trailer */
    AMEM_ASSERT_STATUS(amem_idx_read_images_mem(gz, gz_len, &img, &n, &h, &w),
                       AMEM_E_FORMAT);
    AMEM_ASSERT_STATUS(amem_idx_read_images_mem(gz, 2, &img, &n, &h, &w),
                       AMEM_E_FORMAT); /* magic only */
}
END_TEST

/* A gzip bomb: an IDX image file of 64 black 64 x 64 images (262,160
 * bytes) in a few hundred gzip bytes; *content gets the plain length. */
static unsigned char *zero_images_gz(size_t *gz_len, size_t *content)
{
    size_t len = 16 + (size_t)64 * 64 * 64;
    unsigned char *plain = calloc(len, 1);
    plain[2] = 0x08;
    plain[3] = 3;
    plain[7] = 64;  /* count 64 */
    plain[11] = 64; /* height 64 */
    plain[15] = 64; /* width 64 */
    unsigned char *gz = malloc(4096);
    *gz_len = gzip_bytes(plain, len, gz, 4096);
    *content = len;
    free(plain);
    return gz;
}

/* Status of reading the bomb as images under the cap (min_bytes, ratio). */
static int bomb_status(const unsigned char *gz, size_t len, size_t min_bytes,
                       size_t ratio)
{
    float *img = NULL;
    size_t n, h, w;
    AMEM_ASSERT_OK(amem_idx_set_gzip_cap(min_bytes, ratio));
    int rc = amem_idx_read_images_mem(gz, len, &img, &n, &h, &w);
    if (rc == AMEM_OK)
        ck_assert(n == 64 && h == 64 && w == 64 && img[4095] == 0.0f);
    else
        ck_assert_ptr_null(img);
    amem_free(img);
    return rc;
}

/* The decompression cap: max(min_bytes, ratio x compressed size), exact at
 * its edge, for images and labels; bad settings are refused. */
START_TEST(idx_gzip_bomb_refused_by_the_cap)
{
    size_t gz_len, content, min_bytes, ratio;
    unsigned char *gz = zero_images_gz(&gz_len, &content);
    ck_assert_uint_lt(gz_len * 256, content); /* expands over 256 times */
    AMEM_ASSERT_OK(amem_idx_get_gzip_cap(&min_bytes, &ratio));
    ck_assert_uint_eq(min_bytes, AMEM_IDX_GZIP_MIN_BYTES);
    ck_assert_uint_eq(ratio, AMEM_IDX_GZIP_RATIO);
    ck_assert_int_eq(bomb_status(gz, gz_len, 65536, 256), AMEM_E_FORMAT);
    ck_assert_ptr_nonnull(strstr(amem_last_error(), "decompression cap"));
    ck_assert_int_eq(bomb_status(gz, gz_len, content - 1, 1), AMEM_E_FORMAT);
    ck_assert_int_eq(bomb_status(gz, gz_len, content, 1), AMEM_OK);
    ck_assert_int_eq(bomb_status(gz, gz_len, 1, content / gz_len + 1), AMEM_OK);
    ck_assert_int_eq(bomb_status(gz, gz_len, 1, content / gz_len - 1),
                     AMEM_E_FORMAT);
    /* Labels go through the same decoder. */
    int32_t *lab = NULL;
    size_t n;
    AMEM_ASSERT_OK(amem_idx_set_gzip_cap(4096, 1));
    AMEM_ASSERT_STATUS(amem_idx_read_labels_mem(gz, gz_len, &lab, &n),
                       AMEM_E_FORMAT);
    ck_assert_ptr_null(lab);
    /* Out of range: refused, the cap unchanged. */
    AMEM_ASSERT_STATUS(amem_idx_set_gzip_cap(0, 256), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_idx_set_gzip_cap(AMEM_IDX_MAX_BYTES + 1, 256),
                       AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_idx_set_gzip_cap(65536, 0), AMEM_E_RANGE);
    AMEM_ASSERT_OK(amem_idx_get_gzip_cap(&min_bytes, &ratio));
    ck_assert(min_bytes == 4096 && ratio == 1);
    AMEM_ASSERT_STATUS(amem_idx_get_gzip_cap(NULL, &ratio), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_idx_get_gzip_cap(&min_bytes, NULL), AMEM_E_NULL);
    AMEM_ASSERT_OK(amem_idx_set_gzip_cap(AMEM_IDX_GZIP_MIN_BYTES,
                                         AMEM_IDX_GZIP_RATIO));
    free(gz);
}
END_TEST

START_TEST(idx_io_and_null_arguments)
{
    float *img = (float *)1;
    size_t n = 1, h = 1, w = 1;
    int32_t *lab = (int32_t *)1;
    AMEM_ASSERT_STATUS(amem_idx_read_images("/nonexistent/amem/x.idx", &img,
                                            &n, &h, &w), AMEM_E_IO);
    ck_assert_ptr_null(img);
    ck_assert_uint_eq(n, 0);
    AMEM_ASSERT_STATUS(amem_idx_read_labels("/nonexistent/amem/y.idx", &lab, &n),
                       AMEM_E_IO);
    ck_assert_ptr_null(lab);
    AMEM_ASSERT_STATUS(amem_idx_read_images(NULL, &img, &n, &h, &w), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_idx_read_images("x", NULL, &n, &h, &w), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_idx_read_images("x", &img, &n, NULL, &w), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_idx_read_images_mem(NULL, 4, &img, &n, &h, &w),
                       AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_idx_read_labels(NULL, &lab, &n), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_idx_read_labels_mem("\0\0\x08\x01", 4, NULL, &n),
                       AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_idx_read_labels_mem("\0\0\x08\x01", 4, &lab, NULL),
                       AMEM_E_NULL);
}
END_TEST

/* The real data sets, when `make data` has fetched them (never required). */
START_TEST(idx_fetched_data_sets_load)
{
    const char *dir = getenv("AMEM_DATA_DIR") ? getenv("AMEM_DATA_DIR") : "data";
    char path[512];
    snprintf(path, sizeof path, "%s/fashion-mnist/train-images-idx3-ubyte.gz", dir);
    if (access(path, R_OK) != 0) {
        fprintf(stderr, "data: skipping the fetched-data check, %s is absent "
                        "(run `make data`)\n", path);
        return;
    }
    float *img;
    int32_t *lab;
    size_t n, h, w, nl;
    AMEM_ASSERT_OK(amem_idx_read_images(path, &img, &n, &h, &w));
    ck_assert_uint_eq(n, 60000);
    ck_assert_uint_eq(h, 28);
    ck_assert_uint_eq(w, 28);
    amem_free(img);
    snprintf(path, sizeof path, "%s/fashion-mnist/t10k-labels-idx1-ubyte.gz", dir);
    AMEM_ASSERT_OK(amem_idx_read_labels(path, &lab, &nl));
    ck_assert_uint_eq(nl, 10000);
    for (size_t i = 0; i < nl; i++)
        ck_assert(lab[i] >= 0 && lab[i] <= 9);
    amem_free(lab);
    snprintf(path, sizeof path, "%s/mnist/images-idx3-ubyte", dir);
    if (access(path, R_OK) != 0)
        return;
    AMEM_ASSERT_OK(amem_idx_read_images(path, &img, &n, &h, &w));
    ck_assert_uint_eq(n * h * w, 10000 * 784);
    amem_free(img);
    snprintf(path, sizeof path, "%s/mnist/labels-idx1-ubyte", dir);
    AMEM_ASSERT_OK(amem_idx_read_labels(path, &lab, &nl));
    ck_assert_uint_eq(nl, 10000);
    for (size_t i = 0; i < 10; i++) /* round-robin order: 0, 1, ..., 9 */
        ck_assert_int_eq(lab[i], (int32_t)i);
    amem_free(lab);
}
END_TEST

/* ---- generators ------------------------------------------------------------ */

#define GN 200
#define GD 500

static float gen_a[GN * GD], gen_b[GN * GD], gen_c[GN * GD];

static double mean_of(const float *x, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    return s / (double)n;
}

START_TEST(patterns_random_deterministic_and_balanced)
{
    AMEM_ASSERT_OK(amem_patterns_random(gen_a, GN, GD, 42));
    AMEM_ASSERT_OK(amem_patterns_random(gen_b, GN, GD, 42));
    AMEM_ASSERT_OK(amem_patterns_random(gen_c, GN, GD, 43));
    ck_assert_mem_eq(gen_a, gen_b, sizeof gen_a);
    ck_assert(memcmp(gen_a, gen_c, sizeof gen_a) != 0);
    for (size_t i = 0; i < GN * GD; i++)
        ck_assert(gen_a[i] == 1.0f || gen_a[i] == -1.0f);
    /* 1e5 fair signs: sd of the mean is 0.0032. */
    ck_assert_double_le(fabs(mean_of(gen_a, GN * GD)), 0.02);
}
END_TEST

static double overlap_with(const float *rows, const float *t, size_t count,
                           size_t dim)
{
    double s = 0.0;
    for (size_t i = 0; i < count; i++)
        for (size_t j = 0; j < dim; j++)
            s += rows[i * dim + j] * t[j];
    return s / (double)(count * dim);
}

START_TEST(patterns_correlated_overlap_matches_redraw)
{
    float tmpl[GD];
    AMEM_ASSERT_OK(amem_patterns_correlated(gen_a, GN, GD, 0.4, 7, tmpl));
    ck_assert_double_eq_tol(overlap_with(gen_a, tmpl, GN, GD), 0.6, 0.02);
    for (size_t i = 0; i < GN * GD; i++)
        ck_assert(gen_a[i] == 1.0f || gen_a[i] == -1.0f);
    /* Same stream with and without the template output. */
    AMEM_ASSERT_OK(amem_patterns_correlated(gen_b, GN, GD, 0.4, 7, NULL));
    ck_assert_mem_eq(gen_a, gen_b, sizeof gen_a);
    /* redraw = 0: every pattern is the template. */
    AMEM_ASSERT_OK(amem_patterns_correlated(gen_a, 3, GD, 0.0, 9, tmpl));
    for (size_t i = 0; i < 3; i++)
        ck_assert_mem_eq(gen_a + i * GD, tmpl, sizeof tmpl);
    /* redraw = 1: no overlap with the template beyond chance. */
    AMEM_ASSERT_OK(amem_patterns_correlated(gen_a, GN, GD, 1.0, 9, tmpl));
    ck_assert_double_le(fabs(overlap_with(gen_a, tmpl, GN, GD)), 0.02);
}
END_TEST

START_TEST(mask_bernoulli_rate)
{
    AMEM_ASSERT_OK(amem_mask_bernoulli(gen_a, GN, GD, 0.3, 5));
    size_t ones = 0;
    for (size_t i = 0; i < GN * GD; i++) {
        ck_assert(gen_a[i] == 0.0f || gen_a[i] == 1.0f);
        ones += gen_a[i] == 1.0f;
    }
    ck_assert_double_eq_tol((double)ones / (GN * GD), 0.3, 0.01);
    AMEM_ASSERT_OK(amem_mask_bernoulli(gen_a, 2, 10, 0.0, 5));
    ck_assert_double_eq(mean_of(gen_a, 20), 0.0);
    AMEM_ASSERT_OK(amem_mask_bernoulli(gen_a, 2, 10, 1.0, 5));
    ck_assert_double_eq(mean_of(gen_a, 20), 1.0);
}
END_TEST

START_TEST(mask_fraction_exact_and_uniform)
{
    static double hits[GD];
    memset(hits, 0, sizeof hits);
    /* 0.25 * 10 = 2.5 rounds to 3. */
    AMEM_ASSERT_OK(amem_mask_fraction(gen_a, 4, 10, 0.25, 1));
    for (size_t i = 0; i < 4; i++)
        ck_assert_double_eq(mean_of(gen_a + i * 10, 10), 0.3);
    AMEM_ASSERT_OK(amem_mask_fraction(gen_a, GN, GD, 0.1, 2));
    for (size_t i = 0; i < GN; i++) {
        size_t ones = 0;
        for (size_t j = 0; j < GD; j++) {
            ones += gen_a[i * GD + j] == 1.0f;
            hits[j] += gen_a[i * GD + j];
        }
        ck_assert_uint_eq(ones, 50);
    }
    /* First and last tenth of the positions are hit equally often (20 each
     * per row on average; sd over 200 rows about 60). */
    double head = 0.0, tail = 0.0;
    for (size_t j = 0; j < GD / 10; j++) {
        head += hits[j];
        tail += hits[GD - 1 - j];
    }
    ck_assert_double_le(fabs(head - tail), 400.0);
    ck_assert_double_eq_tol(head, 1000.0, 300.0);
}
END_TEST

/* ---- corruption -------------------------------------------------------------- */

START_TEST(corrupt_zero_exact_count_and_mask)
{
    static float mask[GN * GD];
    AMEM_ASSERT_OK(amem_patterns_random(gen_a, GN, GD, 3));
    AMEM_ASSERT_OK(amem_corrupt_zero(gen_a, gen_b, GN, GD, 0.37, 11, mask));
    for (size_t i = 0; i < GN; i++) {
        size_t zeros = 0;
        for (size_t j = i * GD; j < (i + 1) * GD; j++) {
            zeros += gen_b[j] == 0.0f;
            ck_assert_float_eq(gen_b[j], mask[j] == 1.0f ? gen_a[j] : 0.0f);
        }
        ck_assert_uint_eq(zeros, 185); /* 0.37 * 500 */
    }
    /* In place gives the same bytes as out of place. */
    memcpy(gen_c, gen_a, sizeof gen_a);
    AMEM_ASSERT_OK(amem_corrupt_zero(gen_c, gen_c, GN, GD, 0.37, 11, NULL));
    ck_assert_mem_eq(gen_b, gen_c, sizeof gen_b);
    AMEM_ASSERT_OK(amem_corrupt_zero(gen_a, gen_b, GN, GD, 0.0, 11, mask));
    ck_assert_mem_eq(gen_a, gen_b, sizeof gen_a);
    AMEM_ASSERT_OK(amem_corrupt_zero(gen_a, gen_b, 1, GD, 1.0, 11, NULL));
    ck_assert_double_eq(mean_of(gen_b, GD), 0.0);
}
END_TEST

START_TEST(corrupt_flip_changes_exact_fraction)
{
    double err;
    AMEM_ASSERT_OK(amem_patterns_random(gen_a, GN, GD, 4));
    AMEM_ASSERT_OK(amem_corrupt_flip(gen_a, gen_b, GN, GD, 0.2, 12, NULL));
    AMEM_ASSERT_OK(amem_metric_hamming(gen_a, gen_b, GN, GD, gen_c, &err));
    ck_assert_double_eq_tol(err, 0.2, 1e-12);
    for (size_t i = 0; i < GN; i++)
        ck_assert_float_eq_tol(gen_c[i], 0.2f, 1e-6f);
}
END_TEST

START_TEST(corrupt_gaussian_statistics)
{
    static float mask[GN * GD];
    AMEM_ASSERT_OK(amem_patterns_random(gen_a, GN, GD, 5));
    AMEM_ASSERT_OK(amem_corrupt_gaussian(gen_a, gen_b, GN, GD, 0.5, 0.5, 2.0,
                                         13, mask));
    double s = 0.0, s2 = 0.0;
    size_t m = 0;
    for (size_t i = 0; i < GN * GD; i++) {
        if (mask[i] == 1.0f) {
            ck_assert_float_eq(gen_b[i], gen_a[i]);
            continue;
        }
        s += gen_b[i];
        s2 += (double)gen_b[i] * gen_b[i];
        m++;
    }
    ck_assert_uint_eq(m, GN * GD / 2);
    double mean = s / (double)m, var = s2 / (double)m - mean * mean;
    ck_assert_double_eq_tol(mean, 0.5, 0.05); /* sd of the mean 0.009 */
    ck_assert_double_eq_tol(var, 4.0, 0.15);
}
END_TEST

START_TEST(corrupt_mix_correlation_is_theta)
{
    double r;
    AMEM_ASSERT_OK(amem_patterns_random(gen_a, GN, GD, 6));
    AMEM_ASSERT_OK(amem_corrupt_mix(gen_a, gen_b, GN, GD, 0.68, 14));
    /* Unit-variance x: corr(x, θx + sqrt(1−θ²)ε) = θ. */
    AMEM_ASSERT_OK(amem_metric_pearson(gen_a, gen_b, GN, GD, NULL, NULL, &r));
    ck_assert_double_eq_tol(r, 0.68, 0.01);
    AMEM_ASSERT_OK(amem_corrupt_mix(gen_a, gen_b, GN, GD, 1.0, 14));
    ck_assert_mem_eq(gen_a, gen_b, sizeof gen_a);
    AMEM_ASSERT_OK(amem_corrupt_mix(gen_a, gen_b, GN, GD, 0.0, 14));
    AMEM_ASSERT_OK(amem_metric_pearson(gen_a, gen_b, GN, GD, NULL, NULL, &r));
    ck_assert_double_le(fabs(r), 0.02);
    AMEM_ASSERT_OK(amem_corrupt_mix(gen_a, gen_c, GN, GD, 0.0, 14));
    ck_assert_mem_eq(gen_b, gen_c, sizeof gen_b);
}
END_TEST

/* ---- metrics against hand-computed values --------------------------------- */

START_TEST(metric_hamming_hand_values)
{
    const float a[8] = {1, -1, 0, 2, 1, 1, 1, 1};
    const float b[8] = {1, 1, 1, -3, 1, 1, 1, 1};
    float rows[2];
    double mean;
    AMEM_ASSERT_OK(amem_metric_hamming(a, b, 2, 4, rows, &mean));
    ck_assert_float_eq(rows[0], 0.75f);
    ck_assert_float_eq(rows[1], 0.0f);
    ck_assert_double_eq(mean, 0.375);
    AMEM_ASSERT_OK(amem_metric_hamming(a, b, 2, 4, NULL, &mean));
    ck_assert_double_eq(mean, 0.375);
}
END_TEST

START_TEST(metric_pearson_hand_values)
{
    const float a[12] = {1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4};
    const float b[12] = {1, 3, 2, 4, 8, 6, 4, 2, 5, 5, 5, 5};
    float rows[3];
    double mean, overall;
    AMEM_ASSERT_OK(amem_metric_pearson(a, b, 3, 4, rows, &mean, &overall));
    ck_assert_float_eq_tol(rows[0], 0.8f, 1e-6f);
    ck_assert_float_eq_tol(rows[1], -1.0f, 1e-6f);
    ck_assert_float_eq(rows[2], 0.0f); /* constant row: reported as 0 */
    ck_assert_double_eq_tol(mean, (0.8 - 1.0) / 3.0, 1e-7);
    /* Over all 12 pairs: Σ(a−ā)(b−b̄) = 4 − 10 + 0 = −6, Σ(a−ā)² = 15,
     * Σ(b−b̄)² = 250 − 12·(50/12)² = 125/3, so r = −6 / sqrt(625) = −0.24. */
    ck_assert_double_eq_tol(overall, -0.24, 1e-12);
}
END_TEST

START_TEST(metric_mse_hand_values)
{
    const float a[6] = {0, 1, 2, 1, 1, 1};
    const float b[6] = {1, 1, 0, 1, 1, 1};
    float rows[2];
    double mean;
    AMEM_ASSERT_OK(amem_metric_mse(a, b, 2, 3, rows, &mean));
    ck_assert_float_eq_tol(rows[0], 5.0f / 3.0f, 1e-6f);
    ck_assert_float_eq(rows[1], 0.0f);
    ck_assert_double_eq_tol(mean, 5.0 / 6.0, 1e-12);
}
END_TEST

/* ---- bad arguments --------------------------------------------------------- */

START_TEST(generators_bad_arguments)
{
    float out[8] = {0};
    float keep[8] = {0};
    AMEM_ASSERT_STATUS(amem_patterns_random(NULL, 2, 4, 1), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_patterns_random(out, 0, 4, 1), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_patterns_random(out, 2, 0, 1), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_patterns_random(out, SIZE_MAX, 4, 1), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_patterns_correlated(out, 2, 4, -0.1, 1, NULL),
                       AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_patterns_correlated(out, 2, 4, 1.1, 1, NULL),
                       AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_patterns_correlated(out, 2, 4, NAN, 1, NULL),
                       AMEM_E_RANGE);
    ck_assert_ptr_nonnull(strstr(amem_last_error(), "redraw"));
    AMEM_ASSERT_STATUS(amem_patterns_correlated(NULL, 2, 4, 0.5, 1, NULL),
                       AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_mask_bernoulli(out, 2, 4, 2.0, 1), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_mask_bernoulli(out, 2, 4, INFINITY, 1), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_mask_bernoulli(NULL, 2, 4, 0.5, 1), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_mask_fraction(out, 2, 4, -1.0, 1), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_mask_fraction(out, 0, 4, 0.5, 1), AMEM_E_DIM);
    ck_assert_mem_eq(out, keep, sizeof out); /* nothing written on failure */
}
END_TEST

START_TEST(corruption_bad_arguments)
{
    float x[8] = {1, -1, 1, -1, 1, -1, 1, -1};
    float out[8] = {0}, keep[8] = {0};
    AMEM_ASSERT_STATUS(amem_corrupt_zero(NULL, out, 2, 4, 0.5, 1, NULL), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_corrupt_zero(x, NULL, 2, 4, 0.5, 1, NULL), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_corrupt_zero(x, out, 0, 4, 0.5, 1, NULL), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_corrupt_zero(x, out, 2, 4, 1.5, 1, NULL), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_corrupt_flip(x, out, 2, 4, NAN, 1, NULL), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_corrupt_gaussian(x, out, 2, 4, 0.5, 0.0, -1.0, 1, NULL),
                       AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_corrupt_gaussian(x, out, 2, 4, 0.5, 0.0, INFINITY, 1,
                                             NULL), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_corrupt_gaussian(x, out, 2, 4, 0.5, NAN, 1.0, 1, NULL),
                       AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_corrupt_gaussian(x, out, 2, 4, 0.5, 1e31, 1.0, 1, NULL),
                       AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_corrupt_mix(x, out, 2, 4, 1.01, 1), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_corrupt_mix(x, out, 2, 4, -0.01, 1), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_corrupt_mix(NULL, out, 2, 4, 0.5, 1), AMEM_E_NULL);
    x[5] = NAN;
    AMEM_ASSERT_STATUS(amem_corrupt_zero(x, out, 2, 4, 0.5, 1, NULL),
                       AMEM_E_NONFINITE);
    AMEM_ASSERT_STATUS(amem_corrupt_mix(x, out, 2, 4, 0.5, 1), AMEM_E_NONFINITE);
    ck_assert_ptr_nonnull(strstr(amem_last_error(), "x[5]"));
    ck_assert_mem_eq(out, keep, sizeof out);
}
END_TEST

START_TEST(metrics_bad_arguments)
{
    float a[4] = {1, 2, 3, 4}, b[4] = {1, 2, 3, 4}, rows[2];
    double m;
    AMEM_ASSERT_STATUS(amem_metric_hamming(NULL, b, 2, 2, rows, &m), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_metric_hamming(a, b, 2, 2, rows, NULL), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_metric_mse(a, NULL, 2, 2, rows, &m), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_metric_mse(a, b, 0, 2, rows, &m), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_metric_pearson(a, b, 2, 2, NULL, NULL, NULL),
                       AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_metric_pearson(a, b, 2, 0, rows, NULL, NULL),
                       AMEM_E_DIM);
    b[3] = INFINITY;
    AMEM_ASSERT_STATUS(amem_metric_pearson(a, b, 2, 2, NULL, &m, NULL),
                       AMEM_E_NONFINITE);
    AMEM_ASSERT_STATUS(amem_metric_mse(a, b, 2, 2, NULL, &m), AMEM_E_NONFINITE);
    ck_assert_ptr_nonnull(strstr(amem_last_error(), "b[3]"));
}
END_TEST

Suite *amem_suite_data(void)
{
    Suite *s = suite_create("data");
    TCase *idx = tcase_create("idx");
    tcase_add_test(idx, idx_images_plain_file_round_trip);
    tcase_add_test(idx, idx_images_gzip_file_round_trip);
    tcase_add_test(idx, idx_images_mem_plain_gzip_and_multi_member);
    tcase_add_test(idx, idx_labels_u8_file_and_gzip);
    tcase_add_test(idx, idx_labels_signed_types);
    tcase_add_test(idx, idx_truncated_and_trailing_refused);
    tcase_add_test(idx, idx_bad_magic_type_and_dims_refused);
    tcase_add_test(idx, idx_lying_and_overflowing_headers_refused);
    tcase_add_test(idx, idx_bad_gzip_refused);
    tcase_add_test(idx, idx_gzip_bomb_refused_by_the_cap);
    tcase_add_test(idx, idx_io_and_null_arguments);
    tcase_add_test(idx, idx_fetched_data_sets_load);
    tcase_set_timeout(idx, 30);
    suite_add_tcase(s, idx);

    TCase *gen = tcase_create("generators");
    tcase_add_test(gen, patterns_random_deterministic_and_balanced);
    tcase_add_test(gen, patterns_correlated_overlap_matches_redraw);
    tcase_add_test(gen, mask_bernoulli_rate);
    tcase_add_test(gen, mask_fraction_exact_and_uniform);
    tcase_add_test(gen, corrupt_zero_exact_count_and_mask);
    tcase_add_test(gen, corrupt_flip_changes_exact_fraction);
    tcase_add_test(gen, corrupt_gaussian_statistics);
    tcase_add_test(gen, corrupt_mix_correlation_is_theta);
    suite_add_tcase(s, gen);

    TCase *met = tcase_create("metrics");
    tcase_add_test(met, metric_hamming_hand_values);
    tcase_add_test(met, metric_pearson_hand_values);
    tcase_add_test(met, metric_mse_hand_values);
    suite_add_tcase(s, met);

    TCase *bad = tcase_create("bad-arguments");
    tcase_add_test(bad, generators_bad_arguments);
    tcase_add_test(bad, corruption_bad_arguments);
    tcase_add_test(bad, metrics_bad_arguments);
    suite_add_tcase(s, bad);
    return s;
}
