/*
 * The real-data readers of examples/spens2022 on small files made here in
 * the same formats: .npy/.npz written by NumPy and by hand (stored and
 * deflated members), KMNIST folders in both releases' formats, a Symmetric
 * Solids PNG folder written with libpng and a Shapes3D HDF5 file written
 * with the HDF5 C API. Truncated and corrupted files must give an error
 * status, never a crash (run under ASan by make check-asan). The HDF5
 * tests skip, saying so, only when the example was built without HDF5.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <png.h>
#include <zlib.h>

#include <assocmem/assocmem.h>

#include "../examples/spens2022/kmnist.h"
#include "../examples/spens2022/npz.h"
#include "../examples/spens2022/shapes3d.h"
#include "../examples/spens2022/solids.h"
#include "testutil.h"

#ifdef SB_HAVE_HDF5
#include <hdf5.h>
#endif

/* ---- helpers --------------------------------------------------------------- */

static char err[512];

static void make_dir(char *buf, size_t size, const char *stem)
{
    amem_test_tmp_path(buf, size, stem);
    ck_assert_int_eq(mkdir(buf, 0700), 0);
}

static void remove_tree(const char *dir)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static void write_bytes(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

static unsigned char *read_bytes(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    unsigned char *buf = malloc(1 << 22);
    ck_assert_ptr_nonnull(buf);
    *len = fread(buf, 1, 1 << 22, f);
    fclose(f);
    return buf;
}

static void put16(unsigned char *p, uint32_t v) { p[0] = v & 255, p[1] = v >> 8 & 255; }
static void put32(unsigned char *p, uint32_t v) { put16(p, v & 0xFFFF), put16(p + 2, v >> 16); }

/* A version-1.0 .npy file of `data` (len bytes) with the given header. */
static size_t make_npy(unsigned char *out, const char *descr, const char *shape,
                       const void *data, size_t len)
{
    char dict[200];
    int n = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': "
                     "False, 'shape': %s, }", descr, shape);
    size_t header = ((size_t)n + 1 + 10 + 63) / 64 * 64 - 10; /* pad to 64 */
    memcpy(out, "\x93NUMPY\x01\x00", 8);
    put16(out + 8, (uint32_t)header);
    memset(out + 10, ' ', header);
    memcpy(out + 10, dict, (size_t)n);
    out[10 + header - 1] = '\n';
    memcpy(out + 10 + header, data, len);
    return 10 + header + len;
}

/* A zip archive with one member `name` holding data: stored (method 0) or
 * deflated with zlib (method 8). Returns its length. */
static size_t make_zip(unsigned char *out, const char *name,
                       const unsigned char *data, size_t len, int method)
{
    size_t n = strlen(name), csize = len;
    unsigned char *body = out + 30 + n;
    if (method == 8) {
        z_stream z = {0};
        ck_assert_int_eq(deflateInit2(&z, 9, Z_DEFLATED, -MAX_WBITS, 8,
                                      Z_DEFAULT_STRATEGY), Z_OK);
        z.next_in = (Bytef *)data, z.avail_in = (uInt)len;
        z.next_out = body, z.avail_out = (uInt)(len + 1024);
        ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
        csize = z.total_out;
        deflateEnd(&z);
    } else {
        memcpy(body, data, len);
    }
    uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), data, (uInt)len);
    unsigned char *local = out, *central = out + 30 + n + csize;
    memset(local, 0, 30);
    put32(local, 0x04034b50), put16(local + 4, 20), put16(local + 8, (uint32_t)method);
    put32(local + 14, crc), put32(local + 18, (uint32_t)csize);
    put32(local + 22, (uint32_t)len), put16(local + 26, (uint32_t)n);
    memcpy(local + 30, name, n);
    memset(central, 0, 46);
    put32(central, 0x02014b50), put16(central + 4, 20), put16(central + 6, 20);
    put16(central + 10, (uint32_t)method), put32(central + 16, crc);
    put32(central + 20, (uint32_t)csize), put32(central + 24, (uint32_t)len);
    put16(central + 28, (uint32_t)n), put32(central + 42, 0);
    memcpy(central + 46, name, n);
    unsigned char *end = central + 46 + n;
    memset(end, 0, 22);
    put32(end, 0x06054b50), put16(end + 8, 1), put16(end + 10, 1);
    put32(end + 12, (uint32_t)(46 + n)), put32(end + 16, (uint32_t)(30 + n + csize));
    return (size_t)(end + 22 - out);
}

/* The by-hand array: 3 x 5 little-endian float32 values k / 4 - 1. */
static size_t sample_npy(unsigned char *out)
{
    float v[15];
    for (int k = 0; k < 15; k++)
        v[k] = (float)k / 4.0f - 1.0f;
    return make_npy(out, "<f4", "(3, 5)", v, sizeof v);
}

static void assert_sample(const sb_npy *a)
{
    ck_assert_uint_eq(a->ndim, 2);
    ck_assert_uint_eq(a->shape[0], 3);
    ck_assert_uint_eq(a->shape[1], 5);
    ck_assert_int_eq(a->kind, 'f');
    for (size_t k = 0; k < 15; k++)
        ck_assert_double_eq(sb_npy_get(a, k), (double)k / 4.0 - 1.0);
}

static int is_error(int rc)
{
    return rc == AMEM_E_FORMAT || rc == AMEM_E_UNSUPPORTED;
}

/* ---- .npy and .npz by hand -------------------------------------------------- */

START_TEST(npy_by_hand)
{
    unsigned char buf[512];
    sb_npy a;
    size_t len = sample_npy(buf);
    AMEM_ASSERT_OK(sb_npy_parse(buf, len, &a, err, sizeof err));
    assert_sample(&a);
    sb_npy_free(&a);
    int16_t s[3] = {-3, 0, 300};
    len = make_npy(buf, "<i2", "(3,)", s, sizeof s);
    AMEM_ASSERT_OK(sb_npy_parse(buf, len, &a, err, sizeof err));
    ck_assert_double_eq(sb_npy_get(&a, 0), -3);
    ck_assert_double_eq(sb_npy_get(&a, 2), 300);
    sb_npy_free(&a);
    unsigned char big[8] = {0x3F, 0xF8, 0, 0, 0, 0, 0, 0}; /* 1.5 as >f8 */
    len = make_npy(buf, ">f8", "()", big, 8);
    AMEM_ASSERT_OK(sb_npy_parse(buf, len, &a, err, sizeof err));
    ck_assert_uint_eq(a.ndim, 0);
    ck_assert_uint_eq(a.count, 1);
    ck_assert_double_eq(sb_npy_get(&a, 0), 1.5);
    sb_npy_free(&a);
}
END_TEST

START_TEST(npy_bad_headers)
{
    static const struct { const char *descr, *shape; size_t len; int want; } cases[] = {
        {"<c8", "(2,)", 16, AMEM_E_UNSUPPORTED},  /* complex */
        {"<f2", "(2,)", 4, AMEM_E_UNSUPPORTED},   /* half */
        {"<u1", "(3,)", 2, AMEM_E_FORMAT},        /* data short */
        {"<u1", "(3,)", 4, AMEM_E_FORMAT},        /* a byte extra */
        {"<u1", "(4294967296, 4294967296, 4294967296)", 1, AMEM_E_FORMAT},
        {"<u1", "(2, x)", 2, AMEM_E_FORMAT},
        {"<u1", "[2]", 2, AMEM_E_FORMAT},
        {"", "(2,)", 2, AMEM_E_UNSUPPORTED},
    };
    unsigned char buf[512], data[16] = {0};
    sb_npy a;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len = make_npy(buf, cases[i].descr, cases[i].shape, data, cases[i].len);
        int rc = sb_npy_parse(buf, len, &a, err, sizeof err);
        ck_assert_msg(rc == cases[i].want, "case %zu: %d (%s)", i, rc, err);
        ck_assert_ptr_null(a.data);
    }
    /* a structured dtype and a missing key */
    const char *dicts[] = {"{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (1,), }",
                           "{'descr': '<u1', 'shape': (1,), }",
                           "{'descr': '<u1', 'descr': '<u1', 'shape': (1,), }"};
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(dicts[i]);
        memcpy(buf, "\x93NUMPY\x01\x00", 8);
        put16(buf + 8, (uint32_t)n);
        memcpy(buf + 10, dicts[i], n);
        buf[10 + n] = 0;
        ck_assert(is_error(sb_npy_parse(buf, 10 + n + 1, &a, err, sizeof err)));
    }
}
END_TEST

/* Every prefix of a valid file is refused; every one-byte change gives
 * either an error or, when accepted, the very same values. */
static void truncate_and_flip(const unsigned char *file, size_t len, int zip)
{
    unsigned char *copy = malloc(len);
    sb_npy a;
    ck_assert_ptr_nonnull(copy);
    for (size_t cut = 0; cut < len; cut++) {
        memcpy(copy, file, cut);
        int rc = zip ? sb_npz_parse(copy, cut, "arr_0", &a, err, sizeof err)
                     : sb_npy_parse(copy, cut, &a, err, sizeof err);
        ck_assert_msg(is_error(rc), "prefix %zu of %zu: %d", cut, len, rc);
    }
    for (size_t at = 0; at < len; at++) {
        for (int bit = 0; bit < 8; bit += 3) {
            memcpy(copy, file, len);
            copy[at] ^= (unsigned char)(1u << bit);
            int rc = zip ? sb_npz_parse(copy, len, "arr_0", &a, err, sizeof err)
                         : sb_npy_parse(copy, len, &a, err, sizeof err);
            ck_assert_msg(rc == AMEM_OK || is_error(rc), "byte %zu: %d", at, rc);
            if (rc == AMEM_OK && (zip || at < len - 60)) { /* data bytes may change */
                assert_sample(&a);
            }
            sb_npy_free(&a);
        }
    }
    free(copy);
}

START_TEST(npy_truncated_or_corrupt)
{
    unsigned char buf[512];
    truncate_and_flip(buf, sample_npy(buf), 0);
}
END_TEST

START_TEST(npz_stored_and_deflated_by_hand)
{
    unsigned char npy[512], zip[2048];
    size_t len = sample_npy(npy);
    for (int method = 0; method <= 8; method += 8) {
        size_t zlen = make_zip(zip, "arr_0.npy", npy, len, method);
        sb_npy a;
        AMEM_ASSERT_OK(sb_npz_parse(zip, zlen, "arr_0", &a, err, sizeof err));
        assert_sample(&a);
        sb_npy_free(&a);
        AMEM_ASSERT_STATUS(sb_npz_parse(zip, zlen, "images", &a, err, sizeof err),
                           AMEM_E_FORMAT);
        truncate_and_flip(zip, zlen, 1);
    }
}
END_TEST

START_TEST(npz_refuses_bombs_and_unknown_methods)
{
    unsigned char npy[512], zip[2048];
    size_t len = sample_npy(npy), zlen = make_zip(zip, "arr_0.npy", npy, len, 8);
    size_t central = zlen - 22 - 46 - 9;
    sb_npy a;
    put32(zip + central + 24, 1u << 30); /* claims 1 GiB from ~100 bytes */
    AMEM_ASSERT_STATUS(sb_npz_parse(zip, zlen, "arr_0", &a, err, sizeof err),
                       AMEM_E_FORMAT);
    ck_assert_ptr_nonnull(strstr(err, "impossible"));
    zlen = make_zip(zip, "arr_0.npy", npy, len, 8);
    put16(zip + central + 10, 12); /* bzip2 */
    AMEM_ASSERT_STATUS(sb_npz_parse(zip, zlen, "arr_0", &a, err, sizeof err),
                       AMEM_E_UNSUPPORTED);
    zlen = make_zip(zip, "arr_0.npy", npy, len, 0);
    put16(zip + zlen - 22 - 46 - 9 + 8, 1); /* encrypted */
    AMEM_ASSERT_STATUS(sb_npz_parse(zip, zlen, "arr_0", &a, err, sizeof err),
                       AMEM_E_UNSUPPORTED);
    AMEM_ASSERT_STATUS(sb_npz_read("/nonexistent/x.npz", "arr_0", &a, err,
                                   sizeof err), AMEM_E_IO);
}
END_TEST

/* ---- files written by NumPy ------------------------------------------------- */

static const char *python(void)
{
    const char *p = getenv("PYTHON");
    return p ? p : access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3"
                                                        : "python3";
}

/* Run a NumPy script with the folder as argv[1]. */
static void run_numpy(const char *dir, const char *script)
{
    char path[1100], cmd[2400];
    snprintf(path, sizeof path, "%s/make.py", dir);
    write_bytes(path, script, strlen(script));
    snprintf(cmd, sizeof cmd, "'%s' '%s' '%s'", python(), path, dir);
    ck_assert_msg(system(cmd) == 0, "%s failed: NumPy is needed (python3-numpy)",
                  cmd);
}

static const char numpy_script[] =
    "import sys, numpy as np\n"
    "d = sys.argv[1]\n"
    "a = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)\n"
    "np.save(d + '/u8.npy', a)\n"
    "np.save(d + '/be.npy', np.array([[1.5, -2.0], [3.0, 4.25]], dtype='>f8'))\n"
    "np.save(d + '/fortran.npy', np.asfortranarray(np.arange(6, dtype='<i4').reshape(2, 3)))\n"
    "np.save(d + '/bool.npy', np.array([True, False, True]))\n"
    "with open(d + '/v2.npy', 'wb') as f:\n"
    "    np.lib.format.write_array(f, a, version=(2, 0))\n"
    "np.savez(d + '/stored.npz', a, labels=np.array([7, -1], dtype=np.int64))\n"
    "np.savez_compressed(d + '/deflated.npz', a, labels=np.array([7, -1], dtype=np.int64))\n";

static void assert_u8(const sb_npy *a)
{
    ck_assert_uint_eq(a->ndim, 3);
    ck_assert_uint_eq(a->shape[2], 4);
    ck_assert_uint_eq(a->count, 24);
    for (size_t k = 0; k < 24; k++)
        ck_assert_double_eq(sb_npy_get(a, k), (double)k);
}

START_TEST(numpy_written_files)
{
    char dir[600], path[700];
    sb_npy a;
    make_dir(dir, sizeof dir, "npy");
    run_numpy(dir, numpy_script);
    static const char *u8_files[] = {"u8.npy", "v2.npy"};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, u8_files[i]);
        AMEM_ASSERT_OK(sb_npy_read(path, &a, err, sizeof err));
        assert_u8(&a);
        sb_npy_free(&a);
    }
    snprintf(path, sizeof path, "%s/be.npy", dir);
    AMEM_ASSERT_OK(sb_npy_read(path, &a, err, sizeof err));
    ck_assert_double_eq(sb_npy_get(&a, 1), -2.0);
    ck_assert_double_eq(sb_npy_get(&a, 3), 4.25);
    sb_npy_free(&a);
    snprintf(path, sizeof path, "%s/fortran.npy", dir);
    AMEM_ASSERT_OK(sb_npy_read(path, &a, err, sizeof err));
    for (size_t k = 0; k < 6; k++) /* returned in C order */
        ck_assert_double_eq(sb_npy_get(&a, k), (double)k);
    sb_npy_free(&a);
    snprintf(path, sizeof path, "%s/bool.npy", dir);
    AMEM_ASSERT_OK(sb_npy_read(path, &a, err, sizeof err));
    ck_assert_double_eq(sb_npy_get(&a, 0) + sb_npy_get(&a, 1) + sb_npy_get(&a, 2), 2);
    sb_npy_free(&a);
    static const char *archives[] = {"stored.npz", "deflated.npz"};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, archives[i]);
        AMEM_ASSERT_OK(sb_npz_read(path, "arr_0", &a, err, sizeof err));
        assert_u8(&a);
        sb_npy_free(&a);
        AMEM_ASSERT_OK(sb_npz_read(path, "labels", &a, err, sizeof err));
        ck_assert_double_eq(sb_npy_get(&a, 0), 7);
        ck_assert_double_eq(sb_npy_get(&a, 1), -1);
        sb_npy_free(&a);
    }
    remove_tree(dir);
}
END_TEST

/* ---- KMNIST -------------------------------------------------------------- */

/* Image i, pixel p of the KMNIST fixtures; label i % 10. */
static unsigned char kpix(size_t i, size_t p) { return (unsigned char)(i * 31 + p * 7); }

static const char kmnist_script[] =
    "import sys, numpy as np\n"
    "d = sys.argv[1]\n"
    "for split, n in (('train', 12), ('test', 5)):\n"
    "    i = np.arange(n)[:, None]; p = np.arange(784)[None, :]\n"
    "    img = ((i * 31 + p * 7) % 256).astype(np.uint8).reshape(n, 28, 28)\n"
    "    np.savez_compressed(f'{d}/kmnist-{split}-imgs.npz', img)\n"
    "    np.savez_compressed(f'{d}/kmnist-{split}-labels.npz', (np.arange(n) % 10).astype(np.uint8))\n";

static void assert_kmnist(const char *dir, int test, size_t want)
{
    float *img;
    int32_t *lab;
    size_t n;
    AMEM_ASSERT_OK(sb_kmnist_read(dir, test, &img, &lab, &n, err, sizeof err));
    ck_assert_uint_eq(n, want);
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(lab[i], (int)(i % 10));
        for (size_t p = 0; p < 784; p += 97)
            ck_assert_float_eq(img[i * 784 + p], kpix(i, p) / 255.0f);
    }
    free(img);
    free(lab);
}

/* The MNIST-format release: IDX files (plain here; gzip is detected by
 * content) named as KMNIST's. */
static void write_idx(const char *dir, const char *prefix, size_t n)
{
    char path[700];
    unsigned char *img = malloc(16 + n * 784), lab[8 + 64];
    ck_assert_ptr_nonnull(img);
    memcpy(img, "\0\0\x08\x03", 4);
    memcpy(lab, "\0\0\x08\x01", 4);
    for (int k = 0; k < 4; k++) {
        img[4 + k] = lab[4 + k] = (unsigned char)(n >> (24 - 8 * k));
        img[8 + k] = img[12 + k] = k == 3 ? 28 : 0;
    }
    for (size_t i = 0; i < n; i++) {
        lab[8 + i] = (unsigned char)(i % 10);
        for (size_t p = 0; p < 784; p++)
            img[16 + i * 784 + p] = kpix(i, p);
    }
    snprintf(path, sizeof path, "%s/%s-images-idx3-ubyte.gz", dir, prefix);
    write_bytes(path, img, 16 + n * 784);
    snprintf(path, sizeof path, "%s/%s-labels-idx1-ubyte.gz", dir, prefix);
    write_bytes(path, lab, 8 + n);
    free(img);
}

START_TEST(kmnist_both_releases)
{
    char dir[600], path[700];
    float *img;
    int32_t *lab;
    size_t n;
    make_dir(dir, sizeof dir, "kmnist");
    AMEM_ASSERT_STATUS(sb_kmnist_read(dir, 0, &img, &lab, &n, err, sizeof err),
                       AMEM_E_IO);
    write_idx(dir, "train", 12);
    write_idx(dir, "t10k", 5);
    assert_kmnist(dir, 0, 12); /* IDX */
    assert_kmnist(dir, 1, 5);
    run_numpy(dir, kmnist_script);
    snprintf(path, sizeof path, "%s/train-images-idx3-ubyte.gz", dir);
    unlink(path); /* the npz files are used, not the IDX ones */
    assert_kmnist(dir, 0, 12);
    assert_kmnist(dir, 1, 5);
    /* a label outside 0..9 */
    unsigned char npy[256], zip[1024], bad_labels[5] = {0, 1, 2, 10, 4};
    size_t len = make_npy(npy, "|u1", "(5,)", bad_labels, 5);
    snprintf(path, sizeof path, "%s/kmnist-test-labels.npz", dir);
    write_bytes(path, zip, make_zip(zip, "arr_0.npy", npy, len, 0));
    AMEM_ASSERT_STATUS(sb_kmnist_read(dir, 1, &img, &lab, &n, err, sizeof err),
                       AMEM_E_FORMAT);
    ck_assert_ptr_null(img);
    /* a truncated image archive */
    snprintf(path, sizeof path, "%s/kmnist-train-imgs.npz", dir);
    unsigned char *whole = read_bytes(path, &len);
    write_bytes(path, whole, len / 2);
    free(whole);
    AMEM_ASSERT_STATUS(sb_kmnist_read(dir, 0, &img, &lab, &n, err, sizeof err),
                       AMEM_E_FORMAT);
    remove_tree(dir);
}
END_TEST

/* ---- Symmetric Solids (PNG folder) --------------------------------------- */

/* A w x w PNG of one colour (grey: one channel, else RGB). */
static void write_png(const char *path, int w, int grey, const unsigned char rgb[3])
{
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = image.height = (png_uint_32)w;
    image.format = grey ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
    size_t c = grey ? 1 : 3;
    unsigned char *px = malloc((size_t)w * (size_t)w * c);
    for (size_t p = 0; p < (size_t)w * (size_t)w; p++)
        memcpy(px + p * c, rgb, c);
    ck_assert_int_ne(png_image_write_to_file(&image, path, 0, px, 0, NULL), 0);
    free(px);
}

/* Files shape_k.png, one colour each, whose luma names the file. */
static void write_solids(const char *dir, size_t count)
{
    char path[800];
    for (size_t k = 0; k < count; k++) {
        const char *shape = sb_solids_shape_name[k % SB_SOLIDS_SHAPES];
        unsigned char v = (unsigned char)(10 + 20 * k), rgb[3] = {v, v, v};
        snprintf(path, sizeof path, "%s/%s_%06zu.png", dir, shape, k);
        write_png(path, 40, k % 2, rgb);
    }
}

START_TEST(solids_png_folder)
{
    char dir[600], images[700], path[800];
    float out[12 * 16 * 16];
    int32_t labels[12];
    size_t got, seen[12] = {0};
    make_dir(dir, sizeof dir, "solids");
    snprintf(images, sizeof images, "%s/images", dir);
    ck_assert_int_eq(mkdir(images, 0700), 0);
    write_solids(images, 10);
    AMEM_ASSERT_OK(sb_solids_read(dir, 3, 12, 1, 16, 16, out, labels, &got, err,
                                  sizeof err)); /* dir/images is found */
    ck_assert_uint_eq(got, 10);                 /* fewer than asked */
    for (size_t i = 0; i < got; i++) {
        size_t k = (size_t)lround((out[i * 256 + 77] * 255.0 - 10) / 20);
        ck_assert_uint_lt(k, 10);
        ck_assert_float_eq_tol(out[i * 256 + 77], (10 + 20 * k) / 255.0f, 1e-5);
        ck_assert_int_eq(labels[i], (int)(k % SB_SOLIDS_SHAPES));
        seen[k]++;
    }
    for (size_t k = 0; k < 10; k++)
        ck_assert_uint_eq(seen[k], 1);
    AMEM_ASSERT_OK(sb_solids_read(images, 3, 4, 3, 8, 8, out, labels, &got, err,
                                  sizeof err)); /* colour, a subset */
    ck_assert_uint_eq(got, 4);
    /* a truncated PNG */
    snprintf(path, sizeof path, "%s/cube_000001.png", images);
    size_t len;
    unsigned char *whole = read_bytes(path, &len);
    for (size_t cut = 0; cut < len; cut += 3) { /* the pixels incomplete */
        write_bytes(path, whole, cut);
        int rc = sb_solids_read(images, 3, 10, 1, 8, 8, out, labels, &got, err,
                                sizeof err);
        if (cut < len - 16) /* the last IDAT CRC and IEND may be missing */
            ck_assert_msg(rc == AMEM_E_FORMAT && got == 0, "cut %zu: %d", cut, rc);
        else
            ck_assert_msg(rc == AMEM_OK || rc == AMEM_E_FORMAT, "cut %zu", cut);
    }
    /* any byte changed: an error or an image, never a crash (libpng stops
     * reading once the rows are complete, so a change in the compressed
     * pixels may go unnoticed) */
    for (size_t at = 8; at < len; at++) {
        whole[at] ^= 0x55;
        write_bytes(path, whole, len);
        int rc = sb_solids_read(images, 3, 10, 1, 8, 8, out, labels, &got, err,
                                sizeof err);
        ck_assert_msg(rc == AMEM_OK || rc == AMEM_E_FORMAT, "byte %zu: %d", at, rc);
        whole[at] ^= 0x55;
    }
    free(whole);
    /* a name that is not SHAPE_INDEX.png, an empty and a missing folder */
    snprintf(path, sizeof path, "%s/pyramid_000001.png", dir);
    write_bytes(path, "x", 1);
    AMEM_ASSERT_STATUS(sb_solids_read(path, 3, 1, 1, 8, 8, out, labels, &got,
                                      err, sizeof err), AMEM_E_IO);
    remove_tree(images);
    AMEM_ASSERT_STATUS(sb_solids_read(dir, 3, 1, 1, 8, 8, out, labels, &got, err,
                                      sizeof err), AMEM_E_FORMAT);
    ck_assert_ptr_nonnull(strstr(err, "pyramid"));
    unlink(path);
    AMEM_ASSERT_STATUS(sb_solids_read(dir, 3, 1, 1, 8, 8, out, labels, &got, err,
                                      sizeof err), AMEM_E_FORMAT);
    remove_tree(dir);
    AMEM_ASSERT_STATUS(sb_solids_read(dir, 3, 1, 1, 8, 8, out, labels, &got, err,
                                      sizeof err), AMEM_E_IO);
}
END_TEST

/* ---- Shapes3D (HDF5) ------------------------------------------------------ */

#ifdef SB_HAVE_HDF5
#define H5_ROWS 40

static unsigned char spix(size_t i, size_t y, size_t x, size_t c)
{
    return (unsigned char)(i * 7 + y + 2 * x + 50 * c);
}

static double sfactor(size_t i, size_t f)
{
    return f == SB_SHAPES3D_SHAPE ? (double)(i % 4) : (double)f + (double)i / 64.0;
}

/* A 3dshapes.h5 layout; image_side != 64 or bad_shape make it wrong. */
static void write_h5(const char *path, hsize_t image_side, int bad_shape,
                     int with_labels)
{
    hsize_t idims[4] = {H5_ROWS, image_side, image_side, 3}, ldims[2] = {H5_ROWS, 6};
    hsize_t chunk[4] = {4, image_side, image_side, 3};
    unsigned char *img = malloc(H5_ROWS * image_side * image_side * 3);
    double lab[H5_ROWS * 6];
    for (size_t i = 0; i < H5_ROWS; i++) {
        for (size_t p = 0; p < image_side * image_side * 3; p++)
            img[i * image_side * image_side * 3 + p] =
                spix(i, p / (image_side * 3), p / 3 % image_side, p % 3);
        for (size_t f = 0; f < 6; f++)
            lab[i * 6 + f] = sfactor(i, f);
    }
    if (bad_shape)
        lab[17 * 6 + SB_SHAPES3D_SHAPE] = 2.5;
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 4, chunk);
    H5Pset_deflate(dcpl, 4); /* compressed, as the release */
    hid_t ispace = H5Screate_simple(4, idims, NULL), lspace = H5Screate_simple(2, ldims, NULL);
    hid_t images = H5Dcreate2(file, "images", H5T_STD_U8LE, ispace, H5P_DEFAULT,
                              dcpl, H5P_DEFAULT);
    ck_assert_int_ge(H5Dwrite(images, H5T_NATIVE_UCHAR, H5S_ALL, H5S_ALL,
                              H5P_DEFAULT, img), 0);
    if (with_labels) {
        hid_t labels = H5Dcreate2(file, "labels", H5T_IEEE_F64LE, lspace,
                                  H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        ck_assert_int_ge(H5Dwrite(labels, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                                  H5P_DEFAULT, lab), 0);
        H5Dclose(labels);
    }
    H5Dclose(images);
    H5Sclose(ispace), H5Sclose(lspace), H5Pclose(dcpl);
    ck_assert_int_ge(H5Fclose(file), 0);
    free(img);
}
#endif

static int skip_without_hdf5(const char *test)
{
    if (sb_shapes3d_available())
        return 0;
    fprintf(stderr, "loaders: skipping %s: examples/spens2022 was built "
                    "without HDF5 (install libhdf5-dev)\n", test);
    size_t n;
    AMEM_ASSERT_STATUS(sb_shapes3d_count("x.h5", &n, err, sizeof err),
                       AMEM_E_UNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(err, "without HDF5"));
    return 1;
}

START_TEST(shapes3d_reads_chosen_rows)
{
    if (skip_without_hdf5("shapes3d_reads_chosen_rows"))
        return;
#ifdef SB_HAVE_HDF5
    char path[600];
    size_t n, index[5] = {0, 5, 6, 21, 39};
    static float images[5 * 3 * 64 * 64], grey[5 * 32 * 32];
    int32_t labels[5];
    double factors[5 * 6];
    amem_test_tmp_path(path, sizeof path, "shapes.h5");
    write_h5(path, 64, 0, 1);
    AMEM_ASSERT_OK(sb_shapes3d_count(path, &n, err, sizeof err));
    ck_assert_uint_eq(n, H5_ROWS);
    AMEM_ASSERT_OK(sb_shapes3d_read(path, index, 5, 3, 64, 64, images, labels,
                                    factors, err, sizeof err));
    for (size_t k = 0; k < 5; k++) {
        ck_assert_int_eq(labels[k], (int)(index[k] % 4));
        for (size_t f = 0; f < 6; f++)
            ck_assert_double_eq(factors[k * 6 + f], sfactor(index[k], f));
        for (size_t c = 0; c < 3; c++)
            for (size_t y = 0; y < 64; y += 9)
                for (size_t x = 0; x < 64; x += 5)
                    ck_assert_float_eq(images[((k * 3 + c) * 64 + y) * 64 + x],
                                       spix(index[k], y, x, c) / 255.0f);
    }
    /* greyscale at half size: the luma of a 2 x 2 average (bilinear at
     * pixel centres) */
    AMEM_ASSERT_OK(sb_shapes3d_read(path, index, 5, 1, 32, 32, grey, labels,
                                    NULL, err, sizeof err));
    double want = 0;
    static const double luma[3] = {0.299, 0.587, 0.114};
    for (size_t c = 0; c < 3; c++)
        for (size_t y = 10; y < 12; y++)
            for (size_t x = 6; x < 8; x++)
                want += luma[c] * spix(index[2], y, x, c) / 255.0 / 4;
    ck_assert_double_eq_tol(grey[2 * 1024 + 5 * 32 + 3], want, 1e-5);
    size_t backwards[2] = {6, 5}, outside[1] = {H5_ROWS};
    AMEM_ASSERT_STATUS(sb_shapes3d_read(path, backwards, 2, 1, 32, 32, grey,
                                        labels, NULL, err, sizeof err), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(sb_shapes3d_read(path, outside, 1, 1, 32, 32, grey,
                                        labels, NULL, err, sizeof err), AMEM_E_RANGE);
    unlink(path);
#endif
}
END_TEST

START_TEST(shapes3d_bad_files)
{
    if (skip_without_hdf5("shapes3d_bad_files"))
        return;
#ifdef SB_HAVE_HDF5
    char path[600];
    size_t n, index[2] = {3, 17};
    static float images[2 * 3 * 64 * 64];
    int32_t labels[2];
    amem_test_tmp_path(path, sizeof path, "bad.h5");
    AMEM_ASSERT_STATUS(sb_shapes3d_count(path, &n, err, sizeof err), AMEM_E_IO);
    write_bytes(path, "not an HDF5 file\n", 17);
    AMEM_ASSERT_STATUS(sb_shapes3d_count(path, &n, err, sizeof err), AMEM_E_FORMAT);
    write_h5(path, 32, 0, 1); /* 32 x 32 images */
    AMEM_ASSERT_STATUS(sb_shapes3d_count(path, &n, err, sizeof err), AMEM_E_FORMAT);
    write_h5(path, 64, 0, 0); /* no labels */
    AMEM_ASSERT_STATUS(sb_shapes3d_count(path, &n, err, sizeof err), AMEM_E_FORMAT);
    write_h5(path, 64, 1, 1); /* row 17's shape is 2.5 */
    AMEM_ASSERT_STATUS(sb_shapes3d_read(path, index, 2, 3, 64, 64, images,
                                        labels, NULL, err, sizeof err), AMEM_E_FORMAT);
    ck_assert_ptr_nonnull(strstr(err, "row 17"));
    /* truncated at every 1/32 of its length, and bytes flipped in the
     * compressed data: an error, never a crash */
    write_h5(path, 64, 0, 1);
    size_t len;
    unsigned char *whole = read_bytes(path, &len);
    for (size_t part = 0; part < 32; part++) {
        write_bytes(path, whole, len * part / 32);
        int rc = sb_shapes3d_count(path, &n, err, sizeof err);
        if (rc == AMEM_OK)
            rc = sb_shapes3d_read(path, index, 2, 3, 64, 64, images, labels,
                                  NULL, err, sizeof err);
        ck_assert_msg(rc == AMEM_E_FORMAT, "1/32 x %zu: %d", part, rc);
    }
    for (size_t at = len / 2; at < len - 64; at += len / 16) {
        whole[at] ^= 0xFF;
        write_bytes(path, whole, len);
        int rc = sb_shapes3d_read(path, index, 2, 3, 64, 64, images, labels,
                                  NULL, err, sizeof err);
        ck_assert_msg(rc == AMEM_OK || rc == AMEM_E_FORMAT, "byte %zu: %d", at, rc);
        whole[at] ^= 0xFF;
    }
    free(whole);
    unlink(path);
#endif
}
END_TEST

Suite *amem_suite_loaders(void)
{
    Suite *s = suite_create("loaders");
    TCase *npy = tcase_create("npy");
    tcase_add_test(npy, npy_by_hand);
    tcase_add_test(npy, npy_bad_headers);
    tcase_add_test(npy, npy_truncated_or_corrupt);
    tcase_add_test(npy, npz_stored_and_deflated_by_hand);
    tcase_add_test(npy, npz_refuses_bombs_and_unknown_methods);
    tcase_add_test(npy, numpy_written_files);
    tcase_set_timeout(npy, 60);
    suite_add_tcase(s, npy);
    TCase *sets = tcase_create("data_sets");
    tcase_add_test(sets, kmnist_both_releases);
    tcase_add_test(sets, solids_png_folder);
    tcase_add_test(sets, shapes3d_reads_chosen_rows);
    tcase_add_test(sets, shapes3d_bad_files);
    tcase_set_timeout(sets, 60);
    suite_add_tcase(s, sets);
    return s;
}
