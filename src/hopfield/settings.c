/* Settings of the Hopfield handle: table of bounds, defaults, set/get. */
#include "core/error.h"
#include "core/settings.h"
#include "hopfield_impl.h"

/* Indexed by enum amem_hopfield_param; see the table in hopfield.h. */
static const amem__setting table[AMEM__HOPFIELD_NPARAM] = {
    {"BETA", 1e-6, 1e6, 1.0, 0},
    {"MAX_STEPS", 1, 1e6, 100, 1},
    {"TOLERANCE", 0, 1e6, 1e-6, 0},
    {"SCALE_SQRT_D", 0, 1, 0, 1},
    {"UPDATE", 0, 1, AMEM_HOPFIELD_UPDATE_ASYNC, 1},
    {"ORDER", 0, 1, AMEM_HOPFIELD_ORDER_SEQUENTIAL, 1},
    {"ZERO_DIAGONAL", 0, 1, 1, 1},
    {"DECAY", 0, 1, 1.0, 0},
    {"WRITE_STRENGTH", 1e-6, 1e6, 1.0, 0},
    {"DEGREE", 1, 30, 3, 1},
    {"SEED", 0, 9007199254740992.0, 0, 1},
    {"NOISE", 0, 1, AMEM_HOPFIELD_NOISE_UNIFORM, 1},
    {"SIMILARITY", 0, 3, AMEM_HOPFIELD_SIM_DOT, 1},
    {"SEPARATION", 0, 3, AMEM_HOPFIELD_SEP_SOFTMAX, 1},
    {"DTYPE", 0, 2, AMEM_HOPFIELD_DTYPE_F32, 1},
    {NULL, 0, 0, 0, 1}, /* 15 .. 19: kept for the store's settings */
    {NULL, 0, 0, 0, 1},
    {NULL, 0, 0, 0, 1},
    {NULL, 0, 0, 0, 1},
    {NULL, 0, 0, 0, 1},
    {"NPROBE", 1, 2147483648.0, 8, 1},
    {"KMEANS_STEPS", 0, 1000, 10, 1},
    {"KMEANS_SAMPLE", 0, 2147483648.0, 256, 1},
    {"PRECISION", 0, 1, AMEM_HOPFIELD_PRECISION_FLOAT32, 1},
};

static const amem__settings settings = {table, AMEM__HOPFIELD_NPARAM};

#define MODERN_DEFAULT_STEPS 10

void amem__hopfield_default_params(int kind, double *param)
{
    amem__settings_defaults(&settings, param);
    if (kind == AMEM_HOPFIELD_MODERN)
        param[AMEM_HOPFIELD_MAX_STEPS] = MODERN_DEFAULT_STEPS;
}

/* A slot kept for a later setting: unknown to set/get/bounds; a model
 * file holds it as 0. */
static int reserved(int param)
{
    return param >= 0 && param < AMEM__HOPFIELD_NPARAM &&
           table[param].name == NULL;
}

static int refuse_reserved(const char *fn, int param)
{
    return amem__fail(AMEM_E_ARG, fn, "unknown setting %d", param);
}

int amem__hopfield_check_param(const char *fn, int param, double value)
{
    if (reserved(param))
        return value == 0 ? AMEM_OK : refuse_reserved(fn, param);
    return amem__settings_check(&settings, fn, param, value);
}

/* The settings only the MODERN kind uses. */
static int modern_only(int param)
{
    return param == AMEM_HOPFIELD_SIMILARITY ||
           param == AMEM_HOPFIELD_SEPARATION ||
           param == AMEM_HOPFIELD_DTYPE ||
           param == AMEM_HOPFIELD_NPROBE ||
           param == AMEM_HOPFIELD_KMEANS_STEPS ||
           param == AMEM_HOPFIELD_KMEANS_SAMPLE ||
           param == AMEM_HOPFIELD_PRECISION;
}

int amem__hopfield_check_kind_param(const char *fn, int kind, int param,
                                    double value)
{
    if (!modern_only(param) || kind == AMEM_HOPFIELD_MODERN ||
        value == table[param].def)
        return AMEM_OK;
    return amem__fail(AMEM_E_UNSUPPORTED, fn,
                      "%s is a setting of the MODERN kind; this network is "
                      "%s", table[param].name, amem__hopfield_kind_name(kind));
}

/* The key encoding is fixed while rows are stored (or mapped). */
static int check_dtype_change(const char *fn, const amem_hopfield *h,
                              double value)
{
    if (value == AMEM__HP(h, DTYPE))
        return AMEM_OK;
    int rc = amem__hopfield_check_writable(fn, h);
    if (rc == AMEM_OK && h->count > 0)
        rc = amem__fail(AMEM_E_STATE, fn,
                        "DTYPE is fixed while %zu patterns are stored; "
                        "clear the store first", h->count);
    return rc;
}

/* A setting the handle's kind does not use is refused (C6); a DTYPE
 * change needs an empty store, whose rows of the old encoding are then
 * released (nothing stored changes). */
static int admit(const char *fn, amem_hopfield *h, int param, double value)
{
    int rc = amem__hopfield_check_kind_param(fn, h->kind, param, value);
    if (rc != AMEM_OK || param != AMEM_HOPFIELD_DTYPE)
        return rc;
    rc = check_dtype_change(fn, h, value);
    if (rc == AMEM_OK && value != AMEM__HP(h, DTYPE))
        amem__hopfield_drop_rows(h);
    return rc;
}

AMEM__PIECE_SETTINGS(amem_hopfield, settings, AMEM_HOPFIELD_SEED, admit)

