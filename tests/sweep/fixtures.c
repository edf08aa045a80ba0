/*
 * Fixtures of the argument sweep: small valid handles of every piece and
 * input buffers with valid content, large enough for every base call of
 * tests/sweep/recipes.py. A fixture that cannot be made aborts the case
 * (exit 2): the recipe, not the library, is then wrong.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sweep.h"

#define SW_CHUNK (1 << 15) /* floats per buffer / output slot */
#define SW_SLOTS_OUT 16

int sw_user;
size_t sw_len;

static void need(int rc, const char *what)
{
    if (rc != AMEM_OK) {
        fprintf(stderr, "sweep fixture: %s failed: %s (%s)\n", what,
                amem_strerror(rc), amem_last_error());
        _exit(2);
    }
}

/* ---- buffers ------------------------------------------------------------ */

static float pm_buf[SW_CHUNK], mask_buf[SW_CHUNK], unit_buf[SW_CHUNK];
static float rot_buf[SW_CHUNK];
static int32_t label_buf[SW_CHUNK], zero_i32[SW_CHUNK];
static double value_buf[SW_CHUNK];
static long count_buf[SW_CHUNK];
static _Alignas(64) unsigned char out_buf[SW_SLOTS_OUT][SW_CHUNK * 8];
static int buffers_ready;

static void fill_buffers(void)
{
    if (buffers_ready)
        return;
    for (size_t i = 0; i < SW_CHUNK; i++) {
        /* a pattern that differs between rows of 4 and never repeats a row */
        unsigned h = (unsigned)(i * 2654435761u) >> 13;
        pm_buf[i] = (h & 1) ? 1.0f : -1.0f;
        mask_buf[i] = (float)(i % 2);
        unit_buf[i] = (float)((h % 101) / 100.0);
        label_buf[i] = (int32_t)(i % 2);
        value_buf[i] = 0.1 * (double)(i % 10 + 1);
        count_buf[i] = (long)i + 1;
    }
    for (size_t m = 0; m + 9 <= SW_CHUNK; m += 9)
        for (int k = 0; k < 9; k++)
            rot_buf[m + (size_t)k] = (k % 4 == 0) ? 1.0f : 0.0f;
    buffers_ready = 1;
}

const float *sw_pm(int slot) { (void)slot; fill_buffers(); return pm_buf; }
const float *sw_mask(int slot) { (void)slot; fill_buffers(); return mask_buf; }
const float *sw_unit(int slot) { (void)slot; fill_buffers(); return unit_buf; }
const float *sw_rotations(void) { fill_buffers(); return rot_buf; }
const int32_t *sw_labels(void) { fill_buffers(); return label_buf; }
const int32_t *sw_zeros_i32(void) { fill_buffers(); return zero_i32; }
const double *sw_values(void) { fill_buffers(); return value_buf; }
const long *sw_counts(void) { fill_buffers(); return count_buf; }

const float *sw_with_nan(const float *valid)
{
    static float copy[SW_CHUNK];
    memcpy(copy, valid, sizeof copy);
    copy[0] = NAN;
    return copy;
}

void *sw_out(int slot)
{
    if (slot < 0 || slot >= SW_SLOTS_OUT) {
        fprintf(stderr, "sweep fixture: output slot %d\n", slot);
        _exit(2);
    }
    return out_buf[slot];
}

/* ---- handles ------------------------------------------------------------ */

amem_hopfield *sw_hopfield(int kind, size_t value_dim, int stored)
{
    amem_hopfield *h = NULL;
    need(amem_hopfield_create(kind, SW_D, value_dim, &h), "hopfield_create");
    if (!stored)
        return h;
    if (value_dim)
        need(amem_hopfield_store_pairs(h, sw_pm(0), sw_pm(1) + 5, 3),
             "hopfield_store_pairs");
    else
        need(amem_hopfield_store(h, sw_pm(0), 3), "hopfield_store");
    return h;
}

/* A stored MODERN handle with a two-list index, one list probed. */
amem_hopfield *sw_hopfield_indexed(void)
{
    amem_hopfield *h = sw_hopfield(AMEM_HOPFIELD_MODERN, 0, 1);
    need(amem_hopfield_build_index(h, 2, NULL, NULL), "hopfield_build_index");
    need(amem_hopfield_set(h, AMEM_HOPFIELD_NPROBE, 1), "hopfield_set");
    return h;
}

amem_hopfield *sw_teacher(void)
{
    amem_hopfield *h = NULL;
    need(amem_hopfield_create(AMEM_HOPFIELD_MODERN, 16, 0, &h),
         "hopfield_create");
    need(amem_hopfield_store(h, sw_unit(0), 3), "hopfield_store");
    return h;
}

amem_dam *sw_dam(int with_data)
{
    amem_dam *h = NULL;
    need(amem_dam_create(SW_D, SW_SLOTS, &h), "dam_create");
    need(amem_dam_set(h, AMEM_DAM_MAX_STEPS, 20), "dam_set");
    if (with_data)
        need(amem_dam_set_data(h, sw_pm(0), sw_labels(), 3), "dam_set_data");
    return h;
}

amem_kvmem *sw_kvmem(void)
{
    amem_kvmem *h = NULL;
    need(amem_kvmem_create(SW_D, SW_SLOTS, SW_D, &h), "kvmem_create");
    need(amem_kvmem_write_many(h, sw_pm(0), NULL, NULL, 2), "kvmem_write");
    return h;
}

amem_kvmem *sw_kvmem_trained(void)
{
    amem_kvmem *h = sw_kvmem();
    need(amem_kvmem_train(h, 1, NULL, NULL, NULL), "kvmem_train");
    return h;
}

amem_kvmem_tape *sw_tape(int state)
{
    amem_kvmem *h = sw_kvmem();
    amem_kvmem_tape *t = NULL;
    need(amem_kvmem_tape_create(h, 4, 4, &t), "tape_create");
    if (state >= 1)
        need(amem_kvmem_tape_begin(t, h), "tape_begin");
    if (state == 2) {
        need(amem_kvmem_tape_write(t, sw_pm(0), NULL, 1.0), "tape_write");
        need(amem_kvmem_tape_read(t, sw_pm(0), 1, SW_OUT(float, 15), NULL),
             "tape_read");
    }
    if (state == 3) {
        need(amem_kvmem_tape_read(t, sw_pm(0), 1, SW_OUT(float, 15), NULL),
             "tape_read");
        need(amem_kvmem_tape_write(t, sw_pm(0), NULL, 1.0), "tape_write");
    }
    amem_kvmem_free(h);
    return t;
}

amem_tvt *sw_tvt(void)
{
    amem_tvt *h = NULL;
    need(amem_tvt_create(SW_D, SW_SLOTS, SW_D, &h), "tvt_create");
    need(amem_tvt_write_many(h, sw_pm(0), NULL, 2), "tvt_write_many");
    return h;
}

amem_tvt *sw_tvt_trained(void)
{
    amem_tvt *h = sw_tvt();
    need(amem_tvt_train(h, 1, NULL, NULL, NULL), "tvt_train");
    return h;
}

/* 1 x 4 x 4 images, latent 2, one encoder conv; built = 1 builds it and
 * attaches SW_N training images. */
amem_vae *sw_vae(int built)
{
    amem_vae *v = NULL;
    need(amem_vae_create(1, 4, 4, &v), "vae_create");
    need(amem_vae_set(v, AMEM_VAE_LATENT, 2), "vae_set latent");
    need(amem_vae_set(v, AMEM_VAE_BATCH_SIZE, 2), "vae_set batch");
    if (!built)
        return v;
    need(amem_vae_add_encoder_conv(v, 2, 3, 1, 1), "vae_add_encoder_conv");
    need(amem_vae_build(v), "vae_build");
    need(amem_vae_set_data(v, sw_unit(0), SW_N), "vae_set_data");
    return v;
}

amem_diffusion *sw_diffusion(int stored)
{
    amem_diffusion *h = NULL;
    need(amem_diffusion_create(SW_D, &h), "diffusion_create");
    need(amem_diffusion_set(h, AMEM_DIFFUSION_STEPS, 5), "diffusion_set");
    need(amem_diffusion_set(h, AMEM_DIFFUSION_HIDDEN, 8), "diffusion_set");
    if (stored)
        need(amem_diffusion_store(h, sw_pm(0), 3), "diffusion_store");
    return h;
}

amem_probe *sw_probe(int fitted)
{
    amem_probe *p = NULL;
    need(amem_probe_create(AMEM_PROBE_SVC, &p), "probe_create");
    if (fitted)
        need(amem_probe_fit(p, sw_pm(0), sw_labels(), 4, SW_D, NULL, NULL), "probe_fit");
    return p;
}

/* ---- file images and paths ---------------------------------------------- */

#define SAVE_AND_FREE(piece, make)                                        \
    do {                                                                  \
        amem_##piece *h_ = (make);                                        \
        int rc_ = amem_##piece##_save_mem(h_, data, len);                 \
        amem_##piece##_free(h_);                                          \
        return rc_;                                                       \
    } while (0)

static int save_piece(const char *piece, void **data, size_t *len)
{
    if (strcmp(piece, "hopfield") == 0)
        SAVE_AND_FREE(hopfield, sw_hopfield(AMEM_HOPFIELD_MODERN, 0, 1));
    if (strcmp(piece, "dam") == 0)
        SAVE_AND_FREE(dam, sw_dam(1));
    if (strcmp(piece, "kvmem") == 0)
        SAVE_AND_FREE(kvmem, sw_kvmem());
    if (strcmp(piece, "tvt") == 0)
        SAVE_AND_FREE(tvt, sw_tvt());
    if (strcmp(piece, "vae") == 0)
        SAVE_AND_FREE(vae, sw_vae(1));
    if (strcmp(piece, "diffusion") == 0)
        SAVE_AND_FREE(diffusion, sw_diffusion(1));
    if (strcmp(piece, "probe") == 0)
        SAVE_AND_FREE(probe, sw_probe(1));
    fprintf(stderr, "sweep fixture: no image for %s\n", piece);
    _exit(2);
}

const void *sw_image(const char *piece, size_t *len)
{
    void *data = NULL;
    need(save_piece(piece, &data, len), "save_mem");
    return data;
}

static char written[8][256];
static int written_count;

/* The name of the fixture file `stem` of process pid. */
static void file_name(char *p, size_t size, const char *stem, long pid)
{
    const char *dir = getenv("TMPDIR");
    snprintf(p, size, "%s/amem-sweep-%s-%ld", dir ? dir : "/tmp", stem, pid);
}

void sw_cleanup(void)
{
    for (int i = 0; i < written_count && i < 8; i++)
        unlink(written[i]);
    unlink(sw_tmp_path());
}

void sw_cleanup_after(long pid)
{
    static const char *stems[] = {"hopfield", "dam", "kvmem", "tvt", "vae",
                                  "diffusion", "probe", "idx_images",
                                  "idx_labels", "out"};
    char p[256];
    for (size_t i = 0; i < sizeof stems / sizeof stems[0]; i++) {
        file_name(p, sizeof p, stems[i], pid);
        unlink(p);
    }
}

static const char *write_file(const char *stem, const void *data, size_t len)
{
    char *p = written[written_count++ % 8];
    file_name(p, sizeof written[0], stem, (long)getpid());
    FILE *f = fopen(p, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "sweep fixture: cannot write %s\n", p);
        _exit(2);
    }
    return p;
}

const char *sw_path(const char *piece)
{
    size_t len = 0;
    const void *data;
    if (strcmp(piece, "idx_images") == 0)
        data = sw_idx_images(&len);
    else if (strcmp(piece, "idx_labels") == 0)
        data = sw_idx_labels(&len);
    else {
        void *image = (void *)sw_image(piece, &len);
        const char *path = write_file(piece, image, len);
        amem_free(image);
        return path;
    }
    return write_file(piece, data, len);
}

const char *sw_tmp_path(void)
{
    static char p[256];
    file_name(p, sizeof p, "out", (long)getpid());
    return p;
}

const void *sw_idx_images(size_t *len)
{
    /* 2 images of 2 x 2 unsigned bytes */
    static const unsigned char img[] = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2,
                                        0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8};
    *len = sizeof img;
    return img;
}

const void *sw_idx_labels(size_t *len)
{
    static const unsigned char lab[] = {0, 0, 8, 1, 0, 0, 0, 2, 3, 7};
    *len = sizeof lab;
    return lab;
}

void *sw_library_buffer(void)
{
    size_t len;
    return (void *)sw_image("hopfield", &len);
}

/* ---- images of handles without save_mem ---------------------------------- */

static int image_of_values(const double *v, size_t n, void **data, size_t *len)
{
    *data = malloc(n * sizeof *v);
    if (*data == NULL)
        return AMEM_E_NOMEM;
    memcpy(*data, v, n * sizeof *v);
    *len = n * sizeof *v;
    return AMEM_OK;
}

/* The recorded writes, read queries and operations left to walk back. */
int sw_image_tape(const void *h, void **data, size_t *len)
{
    size_t w = 0, r = 0, left = 0;
    if (amem_kvmem_tape_count(h, &w, &r, &left) != AMEM_OK)
        return AMEM_E_INTERNAL;
    double v[3] = {(double)w, (double)r, (double)left};
    return image_of_values(v, 3, data, len);
}

/* ---- callbacks ------------------------------------------------------------ */

int sw_progress(void *user, const char *stage, long done, long total,
                double metric)
{
    (void)user, (void)stage, (void)done, (void)total, (void)metric;
    return 0;
}

double sw_error_of(void *user, long n_patterns)
{
    (void)user;
    return 0.01 * (double)n_patterns;
}
