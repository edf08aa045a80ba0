/* Settings of the dense associative memory: bounds, defaults, set/get. */
#include "core/error.h"
#include "core/settings.h"
#include "dam_impl.h"

/* Indexed by enum amem_dam_param; see the table in dam.h. */
static const amem__setting table[AMEM__DAM_NPARAM] = {
    {"BETA", 1e-6, 1e6, 5.0, 0},
    {"DT", 1e-6, 1.0, 0.05, 0},
    {"TOLERANCE", 0.0, 1e6, 1e-6, 0},
    {"MAX_STEPS", 1, 1e6, 1000, 1},
    {"DYNAMICS", 0, 1, AMEM_DAM_DYNAMICS_PAPER, 1},
    AMEM__SETTING_SEED,
    {"LEARNING_RATE", 1e-12, 10.0, 1e-3, 0},
    {"BATCH_SIZE", 1, 1e6, 100, 1},
    {"MASK_FRACTION", 0.0, 1.0, 0.5, 0},
    {"BALANCE", 0, 2, AMEM_DAM_BALANCE_NONE, 1},
    {"SIGNAL", 0, AMEM__DAM_NSIGNAL - 1, AMEM_DAM_SIGNAL_GROUND_TRUTH, 1},
    {"GAMMA", 0.0, 1e3, 0.0, 0},
    {"WEIGHT_NORM", 0, 1, AMEM_DAM_WEIGHT_NORM_DATASET, 1},
    AMEM__SETTINGS_ADAM,
};

const amem__settings amem__dam_settings = {table, AMEM__DAM_NPARAM};

AMEM__PIECE_SETTINGS(amem_dam, amem__dam_settings, AMEM_DAM_SEED, amem__settings_admit_any)

