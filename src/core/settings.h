/*
 * Settings tables shared by every piece: each handle keeps its settings as
 * an array of doubles indexed by the piece's `amem_<piece>_param` enum, and
 * a static table gives each one's name, bounds, default and kind. These
 * helpers do the table look-ups and the validation, so that the public
 * set/get/param_bounds functions of a piece stay one-liners.
 */
#ifndef AMEM_CORE_SETTINGS_H
#define AMEM_CORE_SETTINGS_H

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
 * settings are always appended) and the rest keep their defaults. More
 * settings than count, a truncated list or a value that check refuses is
 * AMEM_E_FORMAT, recorded against fn; values is then partly overwritten.
 */
struct amem__wbuf;
struct amem__rbuf;
typedef int (*amem__setting_check)(const char *fn, int param, double value);
void amem__settings_put(struct amem__wbuf *w, const double *values,
                        int count);
int amem__settings_take(const char *fn, struct amem__rbuf *r, double *values,
                        int count, amem__setting_check check);

#endif
