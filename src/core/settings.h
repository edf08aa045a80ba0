/*
 * Settings tables shared by every piece: each handle keeps its settings as
 * an array of doubles indexed by the piece's `amem_<piece>_param` enum, and
 * a static table gives each one's name, bounds, default and kind. These
 * helpers do the table look-ups and the validation, so that the public
 * set/get/param_bounds functions of a piece stay one-liners.
 */
#ifndef AMEM_CORE_SETTINGS_H
#define AMEM_CORE_SETTINGS_H

#include <stdint.h>

#include "core/error.h"
#include "core/rng.h"

typedef struct amem__setting {
    const char *name; /* enum name without the piece prefix, for errors */
    double min, max;  /* inclusive bounds */
    double def;       /* default value */
    int integer;      /* 1: whole numbers only */
} amem__setting;

typedef struct amem__settings {
    const amem__setting *table;
    int count;
} amem__settings;

/*
 * Rows that mean the same in every piece's table, written once. SEED: the
 * seed of the handle's generator, a whole number up to 2^53 (every such
 * number is exact in a double). AMEM__SETTINGS_ADAM: Adam's β1, β2 and ε
 * (core/optim.h), three consecutive rows in this order.
 */
#define AMEM__SETTING_SEED {"SEED", 0, 9007199254740992.0, 0, 1}
#define AMEM__SETTINGS_ADAM                                                  \
    {"ADAM_BETA1", 0.0, 0.9999999, 0.9, 0},                                 \
    {"ADAM_BETA2", 0.0, 0.9999999, 0.999, 0},                               \
    {"ADAM_EPS", 1e-30, 1.0, 1e-8, 0}

/* Copy every default into value[0 .. count). */
void amem__settings_defaults(const amem__settings *s, double *value);

/* 1 when param indexes the table and is not retired. A retired setting
 * keeps its row with an empty range (min > max): its slot and default stay
 * for model files (the piece's file check may accept it), and every
 * look-up here refuses it as unknown. */
int amem__settings_known(const amem__settings *s, int param);

/* AMEM_OK, or E_ARG (unknown param), E_NONFINITE, E_RANGE (outside the
 * bounds or not whole where it must be), recorded against fn. */
int amem__settings_check(const amem__settings *s, const char *fn, int param,
                         double value);

/* The bounds of param into the non-NULL outputs; E_ARG if unknown. */
int amem__settings_bounds(const amem__settings *s, const char *fn, int param,
                          double *min, double *max, int *integer);

/* *out = values[param] after checking out and param (E_NULL, E_ARG); the
 * caller checks its handle first. */
int amem__settings_get(const amem__settings *s, const char *fn,
                       const double *values, int param, double *out);

/*
 * Model files: u32 count, then count f64 values.
 * amem__settings_put writes values[0 .. count).
 * amem__settings_take reads them back into values, which must already hold
 * the defaults: a file written before a setting was added holds fewer (new
 * settings are always appended) and the rest keep their defaults. Each
 * value is checked by check, or against the table s when check is NULL.
 * More settings than s->count, a truncated list or a refused value is
 * AMEM_E_FORMAT, recorded against fn; values is then partly overwritten.
 */
struct amem__wbuf;
struct amem__rbuf;
typedef int (*amem__setting_check)(const char *fn, int param, double value);
void amem__settings_put(struct amem__wbuf *w, const double *values,
                        int count);
int amem__settings_take(const char *fn, struct amem__rbuf *r,
                        const amem__settings *s, double *values,
                        amem__setting_check check);

/* An admit hook that admits every checked value (AMEM__PIECE_SETTINGS). */
static inline int amem__settings_admit_any(const char *fn, const void *h,
                                           int param, double value)
{
    (void)fn, (void)h, (void)param, (void)value;
    return AMEM_OK;
}

/*
 * The public set, get and param_bounds of a piece (docs/api.md C6), written
 * once: AMEM__PIECE_SETTINGS(amem_dam, settings, AMEM_DAM_SEED, admit)
 * defines amem_dam_set, amem_dam_get and amem_dam_param_bounds over the
 * settings table S, for a handle type T with fields `param` (the values,
 * indexed by the enum) and `rng` (reseeded when SEED is set).
 * admit(fn, h, param, value) runs after the table's check and refuses what
 * the handle's kind or state does not allow (AMEM_E_UNSUPPORTED naming the
 * kind, AMEM_E_STATE); amem__settings_admit_any admits everything.
 */
#define AMEM__PIECE_SETTINGS(T, S, SEED, admit)                              \
    int T##_param_bounds(int param, double *min, double *max, int *integer)  \
    {                                                                        \
        return amem__settings_bounds(&(S), #T "_param_bounds", param, min,   \
                                     max, integer);                          \
    }                                                                        \
    int T##_set(T *h, int param, double value)                               \
    {                                                                        \
        static const char fn[] = #T "_set";                                  \
        AMEM__CHECK_NULL(h, fn);                                             \
        int rc = amem__settings_check(&(S), fn, param, value);               \
        if (rc == AMEM_OK)                                                   \
            rc = admit(fn, h, param, value);                                 \
        if (rc != AMEM_OK)                                                   \
            return rc;                                                       \
        h->param[param] = value;                                             \
        if (param == (SEED))                                                 \
            amem__rng_seed(&h->rng, (uint64_t)value);                        \
        return AMEM_OK;                                                      \
    }                                                                        \
    int T##_get(const T *h, int param, double *value)                        \
    {                                                                        \
        AMEM__CHECK_NULL(h, #T "_get");                                      \
        return amem__settings_get(&(S), #T "_get", h->param, param, value);  \
    }

#endif
