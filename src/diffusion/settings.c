/* Settings of the diffusion handle: table of bounds, defaults, set/get. */
#include "core/error.h"
#include "core/settings.h"
#include "diffusion_impl.h"

/* Indexed by enum amem_diffusion_param; see the table in diffusion.h. */
static const amem__setting table[AMEM__DIFFUSION_NPARAM] = {
    {"PROCESS", 0, 2, AMEM_DIFFUSION_PROCESS_VP, 1},
    {"GAMMA", 1e-6, 1e3, 0.8, 0},
    {"ALPHA", 1e-6, 1e3, 0.5, 0},
    {"SIGMA", 1e-6, 1e3, 1.0, 0},
    {"SCORE", 0, 1, AMEM_DIFFUSION_SCORE_EXACT, 1},
    {"SAMPLER", 0, 1, AMEM_DIFFUSION_SAMPLER_ODE, 1},
    {"STEPS", 1, 1e7, 300, 1},
    {"START_THETA", 1e-6, 1 - 1e-6, 0.68, 0},
    {"T_END", 0, 1e3, 1e-3, 0},
    {"HIDDEN", 1, 65536, 80, 1},
    {"HIDDEN_LAYERS", 1, 16, 2, 1},
    {"LEARNING_RATE", 1e-9, 10, 1e-3, 0},
    {"TRAIN_THETA_MIN", 1e-6, 1, 0.6, 0},
    {"TRAIN_THETA_MAX", 1e-6, 1, 1.0, 0},
    {"SEED", 0, 9007199254740992.0, 0, 1},
    {"ADAM_BETA1", 0.0, 0.9999999, 0.9, 0},
    {"ADAM_BETA2", 0.0, 0.9999999, 0.999, 0},
    {"ADAM_EPS", 1e-30, 1.0, 1e-8, 0},
    {"EXTENT", 0, 1e3, 0, 0},
    {"SEMANTIC_WEIGHT", 0, 1 - 1e-9, 0, 0},
    {"SEMANTIC_VAR", 1e-9, 1e6, 1, 0},
    {"PRECISION", 0, 1, AMEM_DIFFUSION_PRECISION_FLOAT32, 1},
};

static const amem__settings settings = {table, AMEM__DIFFUSION_NPARAM};

/* The hidden width default is 80 d, capped at the setting's maximum. */
#define HIDDEN_PER_DIM 80

void amem__diffusion_default_params(size_t dim, double *param)
{
    amem__settings_defaults(&settings, param);
    double hidden = (double)HIDDEN_PER_DIM * (double)dim;
    param[AMEM_DIFFUSION_HIDDEN] =
        hidden > table[AMEM_DIFFUSION_HIDDEN].max
            ? table[AMEM_DIFFUSION_HIDDEN].max
            : hidden;
}

int amem__diffusion_check_param(const char *fn, int param, double value)
{
    return amem__settings_check(&settings, fn, param, value);
}

/* FLOAT64 is a precision of the exact score: the learned network computes
 * in float32, so the pair (LEARNED, FLOAT64) is refused from either side. */
static int admit_precision(const char *fn, const amem_diffusion *h,
                           int param, double value)
{
    int f64 = param == AMEM_DIFFUSION_PRECISION
                  ? value == AMEM_DIFFUSION_PRECISION_FLOAT64
                  : AMEM__DP(h, PRECISION) == AMEM_DIFFUSION_PRECISION_FLOAT64;
    int learned = param == AMEM_DIFFUSION_SCORE
                      ? value == AMEM_DIFFUSION_SCORE_LEARNED
                      : AMEM__DP(h, SCORE) == AMEM_DIFFUSION_SCORE_LEARNED;
    if ((param != AMEM_DIFFUSION_PRECISION && param != AMEM_DIFFUSION_SCORE) ||
        !f64 || !learned)
        return AMEM_OK;
    return amem__fail(AMEM_E_UNSUPPORTED, fn,
                      "PRECISION FLOAT64 is a setting of the EXACT score; "
                      "the LEARNED score computes in float32");
}

AMEM__PIECE_SETTINGS(amem_diffusion, settings, AMEM_DIFFUSION_SEED, admit_precision)

