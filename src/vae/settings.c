/* Settings of the VAE handle: table of bounds, defaults, set/get. */
#include "core/error.h"
#include "core/settings.h"
#include "vae_impl.h"

/* Indexed by enum amem_vae_param; see the table in vae.h. */
static const amem__setting table[AMEM__VAE_NPARAM] = {
    {"LATENT", 1, 4096, 20, 1},
    {"POOL", 0, 1, AMEM_VAE_POOL_GLOBAL_AVG, 1},
    {"ACTIVATION", 0, 3, AMEM_VAE_ACT_LEAKY_RELU, 1},
    {"LEAKY_SLOPE", 0, 1, 0.3, 0},
    {"BATCH_NORM", 0, 1, 1, 1},
    {"OUTPUT", 0, 1, AMEM_VAE_OUTPUT_SIGMOID, 1},
    {"DROPOUT", 0, 0.95, 0, 0},
    {"LOSS", 0, 2, AMEM_VAE_LOSS_L1, 1},
    {"KL_WEIGHT", 0, 1e6, 1, 0},
    {"OPTIMIZER", 0, 1, AMEM_VAE_OPT_AMSGRAD, 1},
    {"LEARNING_RATE", 1e-8, 10, 1e-3, 0},
    {"BATCH_SIZE", 1, 65536, 32, 1},
    {"EPOCHS", 1, 0, 50, 1}, /* retired: an empty range (see settings.h) */
    {"PATIENCE", 0, 1e6, 3, 1},
    AMEM__SETTING_SEED,
    {"BN_MOMENTUM", 0, 1, 0.99, 0},
    {"BN_EPS", 1e-12, 1, 1e-3, 0},
    {"REPLAY_NOISE", 0, 1, AMEM_VAE_NOISE_UNIFORM, 1},
    {"REPLAY_FRESH", 0, 1, 1, 1},
    {"REPLAY_GAIN", -1e6, 1e6, 0.5, 0},
    {"REPLAY_OFFSET", -1e6, 1e6, 0.5, 0},
    AMEM__SETTINGS_ADAM,
};

const amem__settings amem__vae_settings = {table, AMEM__VAE_NPARAM};

/* Architecture settings: fixed once the model is built. */
static const unsigned char is_arch[AMEM__VAE_NPARAM] = {
    [AMEM_VAE_LATENT] = 1,     [AMEM_VAE_POOL] = 1,
    [AMEM_VAE_ACTIVATION] = 1, [AMEM_VAE_LEAKY_SLOPE] = 1,
    [AMEM_VAE_BATCH_NORM] = 1, [AMEM_VAE_OUTPUT] = 1,
};

int amem__vae_param_is_arch(int param)
{
    return amem__settings_known(&amem__vae_settings, param) && is_arch[param];
}

int amem__vae_check_file_param(const char *fn, int param, double value)
{
    if (param == AMEM__VAE_RETIRED_EPOCHS)
        return AMEM_OK; /* read and ignored */
    return amem__settings_check(&amem__vae_settings, fn, param, value);
}

/* Architecture settings are fixed once the model is built. */
static int admit(const char *fn, const amem_vae *v, int param, double value)
{
    (void)value;
    if (v->built && is_arch[param])
        return amem__fail(AMEM_E_STATE, fn,
                          "%s is an architecture setting and the model is "
                          "already built", table[param].name);
    return AMEM_OK;
}

AMEM__PIECE_SETTINGS(amem_vae, amem__vae_settings, AMEM_VAE_SEED, admit)

