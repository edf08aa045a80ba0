/*
 * The argument sweep: every public function called with each bad argument
 * in turn (NULL pointers, huge sizes, non-finite scalars, out-of-range
 * enums). scripts/gen-sweep writes the table of cases and one caller per
 * function from the headers and tests/sweep/recipes.py; this header is what
 * the generated file, the fixtures and the runner share.
 */
#ifndef AMEM_SWEEP_H
#define AMEM_SWEEP_H

#include <stddef.h>
#include <stdint.h>

/* The sweep covers the experimental declarations too. */
#ifndef AMEM_EXPERIMENTAL_API
#define AMEM_EXPERIMENTAL_API
#endif
#include "assocmem/assocmem.h"
#include "assocmem/capacity.h"
#include "assocmem/dam.h"
#include "assocmem/data.h"
#include "assocmem/diffusion.h"
#include "assocmem/hopfield.h"
#include "assocmem/kvmem.h"
#include "assocmem/probes.h"
#include "assocmem/scenes.h"
#include "assocmem/tvt.h"
#include "assocmem/vae.h"

/* Small sizes every fixture uses. */
#define SW_D 4      /* pattern / key dimension */
#define SW_M 3      /* value dimension of heteroassociative handles */
#define SW_SLOTS 3  /* kvmem / tvt slots, dam hidden units */
#define SW_N 2      /* items per call */

/* What a case does to its argument. */
enum sw_kind {
    SW_BASE = 0,     /* no change: the valid call itself */
    SW_NULL = 1,     /* pointer argument set to NULL */
    SW_SIZE = 2,     /* size_t argument set to z */
    SW_FLOAT = 3,    /* float/double argument set to d */
    SW_INT = 4,      /* integer argument set to i (enum, flag, range) */
    SW_NAN = 5       /* float array argument with a NaN in entry 0 */
};

typedef struct sw_case {
    int fn;                 /* index into sw_functions */
    int arg;                /* argument index, -1 for SW_BASE */
    int kind;               /* enum sw_kind */
    const char *arg_name;
    const char *value;      /* printable value */
    size_t z;
    double d;
    long long i;
    int expect_ok;          /* 1: the call must succeed */
    int expected[8];        /* acceptable error statuses, 0-terminated */
    int listed;             /* on tests/sweep/expected-failures.txt */
    const char *reason;     /* the list's reason */
} sw_case;

typedef struct sw_function {
    const char *name;
    int (*run)(const sw_case *c);  /* 0 = right, 1 = wrong */
} sw_function;

extern const sw_function sw_functions[];
extern const size_t sw_function_count;
extern const sw_case sw_cases[];
extern const size_t sw_case_count;

/* ---- fixtures (fixtures.c): valid handles and buffers ------------------ */

amem_hopfield *sw_hopfield(int kind, size_t value_dim, int stored);
amem_hopfield *sw_hopfield_indexed(void);
amem_dam *sw_dam(int with_data);
amem_kvmem *sw_kvmem(void);
amem_kvmem *sw_kvmem_trained(void); /* one training step taken */
/* state 0 created, 1 begun, 2 begun + write + read, 3 begun + read + write */
amem_kvmem_tape *sw_tape(int state);
amem_tvt *sw_tvt(void);
amem_tvt *sw_tvt_trained(void);     /* one training step taken */
amem_vae *sw_vae(int built);
amem_diffusion *sw_diffusion(int stored);
amem_probe *sw_probe(int fitted);

/* Input buffers (read-only content, large enough for every small call). */
const float *sw_pm(int slot);      /* +-1 entries */
const float *sw_mask(int slot);    /* 0/1 entries, about half ones */
const float *sw_unit(int slot);    /* entries in [0, 1] */
const float *sw_rotations(void);   /* identity 3 x 3 matrices */
const int32_t *sw_labels(void);    /* 0, 1, 0, 1, ... */
const int32_t *sw_zeros_i32(void); /* all 0 */
const double *sw_values(void);     /* 0.1, 0.2, ... */
const long *sw_counts(void);       /* 1, 2, 3, ... */
/* A copy of a fixture input buffer with entry 0 set to NaN. */
const float *sw_with_nan(const float *valid);
/* Output scratch: slot-th chunk of a zeroed static buffer. */
void *sw_out(int slot);
#define SW_OUT(type, slot) ((type *)sw_out(slot))

/* The length of the last image sw_image / sw_idx_* returned. */
extern size_t sw_len;
/* An autoassociative Hopfield network of the VAE fixture's image size. */
amem_hopfield *sw_teacher(void);

/* A file image of each piece (from the default fixture), and its length. */
const void *sw_image(const char *piece, size_t *len);
/* A path holding that image (written on first use). */
const char *sw_path(const char *piece);
/* A path to write to (fresh temporary name). */
const char *sw_tmp_path(void);
/* An IDX images / labels file image. */
const void *sw_idx_images(size_t *len);
const void *sw_idx_labels(size_t *len);
/* A buffer allocated by the library (for amem_free). */
void *sw_library_buffer(void);

/* Remove the files the fixtures and the call under test wrote; the second
 * form, from the parent, those of a child that died before it could. */
void sw_cleanup(void);
void sw_cleanup_after(long pid);

/* What stands for a save_mem image of a tape (which has none): its counts.
 * Freed with amem_free. */
int sw_image_tape(const void *h, void **data, size_t *len);

/* Callbacks that never cancel. */
int sw_progress(void *user, const char *stage, long done, long total,
                double metric);
double sw_error_of(void *user, long n_patterns);
extern int sw_user;

/* ---- judging a call (runner.c) ------------------------------------------ */

typedef int (*sw_save_fn)(const void *h, void **data, size_t *len);

typedef struct sw_snapshot {
    void *data;
    size_t len;
    int taken;
} sw_snapshot;

typedef struct sw_result {
    const sw_case *c;
    int rc;
    char error[512];
    int wrong;
} sw_result;

/* The file image of handle h (nothing when h is NULL). */
void sw_take(sw_snapshot *s, sw_save_fn save, const void *h);
/* Start judging: records rc and amem_last_error() at once. */
void sw_judge_begin(sw_result *r, const sw_case *c, int rc);
/* A failed call must leave h as the snapshot shows it. */
void sw_judge_same(sw_result *r, sw_snapshot *s, sw_save_fn save,
                   const void *h, const char *name);
/* A failed create/load must leave its handle output NULL. */
void sw_judge_out_null(sw_result *r, int is_null, const char *name);
int sw_judge_end(sw_result *r);
/* Functions without a status: no crash (void) / a string that is not NULL
 * (and not empty unless may_be_empty). */
int sw_judge_void(const sw_case *c);
int sw_judge_string(const sw_case *c, const char *s, int may_be_empty);

#endif
