/*
 * amem: the table of pieces. Each piece's public calls are wrapped to take
 * void * handles; setting names are the enum names in lower case.
 */
#include <stdio.h>
#include <string.h>

#include <assocmem/assocmem.h>
#include <assocmem/dam.h>
#include <assocmem/diffusion.h>
#include <assocmem/hopfield.h>
#include <assocmem/kvmem.h>
#include <assocmem/tvt.h>
#include <assocmem/vae.h>

#include "model.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Wrappers: name the piece P and its handle type T. */
#define PIECE_CALLS(P, T)                                                      \
    static int P##_load_mem_any(const void *data, size_t len, void **out)      \
    {                                                                          \
        T *h = NULL;                                                           \
        int rc = amem_##P##_load_mem(data, len, &h);                           \
        *out = h;                                                              \
        return rc;                                                             \
    }                                                                          \
    static int P##_save_any(const void *h, const char *path)                   \
    {                                                                          \
        return amem_##P##_save((const T *)h, path);                            \
    }                                                                          \
    static void P##_free_any(void *h) { amem_##P##_free((T *)h); }             \
    static int P##_get_any(const void *h, int param, double *value)            \
    {                                                                          \
        return amem_##P##_get((const T *)h, param, value);                     \
    }                                                                          \
    static int P##_set_any(void *h, int param, double value)                   \
    {                                                                          \
        return amem_##P##_set((T *)h, param, value);                           \
    }

#define PIECE_ENTRY(P, KIND)                                                   \
    {#P, KIND, P##_load_mem_any, P##_save_any, P##_free_any, P##_get_any,     \
     P##_set_any, amem_##P##_param_bounds, P##_names, COUNT_OF(P##_names),     \
     P##_describe}

PIECE_CALLS(hopfield, amem_hopfield)
PIECE_CALLS(kvmem, amem_kvmem)
PIECE_CALLS(tvt, amem_tvt)
PIECE_CALLS(dam, amem_dam)
PIECE_CALLS(vae, amem_vae)
PIECE_CALLS(diffusion, amem_diffusion)

/* ---- setting names --------------------------------------------------------- */

static const char *const hopfield_names[] = {
    [AMEM_HOPFIELD_BETA] = "beta", [AMEM_HOPFIELD_MAX_STEPS] = "max_steps",
    [AMEM_HOPFIELD_TOLERANCE] = "tolerance",
    [AMEM_HOPFIELD_SCALE_SQRT_D] = "scale_sqrt_d",
    [AMEM_HOPFIELD_UPDATE] = "update", [AMEM_HOPFIELD_ORDER] = "order",
    [AMEM_HOPFIELD_ZERO_DIAGONAL] = "zero_diagonal",
    [AMEM_HOPFIELD_DECAY] = "decay",
    [AMEM_HOPFIELD_WRITE_STRENGTH] = "write_strength",
    [AMEM_HOPFIELD_DEGREE] = "degree", [AMEM_HOPFIELD_SEED] = "seed",
    [AMEM_HOPFIELD_NOISE] = "noise"};

static const char *const kvmem_names[] = {
    [AMEM_KVMEM_LOCAL_FACTOR] = "local_factor", [AMEM_KVMEM_P] = "p",
    [AMEM_KVMEM_VALUE_DECAY] = "value_decay", [AMEM_KVMEM_ETA_K] = "eta_k",
    [AMEM_KVMEM_ETA_V] = "eta_v", [AMEM_KVMEM_LAMBDA] = "lambda",
    [AMEM_KVMEM_KEY_PRE_SLOPE] = "key_pre_slope",
    [AMEM_KVMEM_KEY_PRE_OFFSET] = "key_pre_offset",
    [AMEM_KVMEM_KEY_POST_SLOPE] = "key_post_slope",
    [AMEM_KVMEM_KEY_POST_OFFSET] = "key_post_offset",
    [AMEM_KVMEM_VALUE_PRE_SLOPE] = "value_pre_slope",
    [AMEM_KVMEM_VALUE_PRE_OFFSET] = "value_pre_offset",
    [AMEM_KVMEM_VALUE_POST_SLOPE] = "value_post_slope",
    [AMEM_KVMEM_VALUE_POST_OFFSET] = "value_post_offset",
    [AMEM_KVMEM_BETA] = "beta", [AMEM_KVMEM_META_PLASTICITY] = "meta_plasticity",
    [AMEM_KVMEM_STABILITY_THRESHOLD] = "stability_threshold",
    [AMEM_KVMEM_SIGN_OUTPUT] = "sign_output", [AMEM_KVMEM_ADVANCE] = "advance",
    [AMEM_KVMEM_SEED] = "seed", [AMEM_KVMEM_TRAIN_LR] = "train_lr",
    [AMEM_KVMEM_TRAIN_BATCH] = "train_batch",
    [AMEM_KVMEM_TRAIN_MIN_LEN] = "train_min_len",
    [AMEM_KVMEM_TRAIN_MAX_LEN] = "train_max_len",
    [AMEM_KVMEM_TRAIN_ZERO_FRACTION] = "train_zero_fraction",
    [AMEM_KVMEM_TRAIN_P] = "train_p", [AMEM_KVMEM_TRAIN_MASK] = "train_mask"};

static const char *const tvt_names[] = {
    [AMEM_TVT_SEED] = "seed", [AMEM_TVT_SIGN_OUTPUT] = "sign_output",
    [AMEM_TVT_TRAIN_LR] = "train_lr", [AMEM_TVT_TRAIN_BATCH] = "train_batch",
    [AMEM_TVT_TRAIN_MIN_LEN] = "train_min_len",
    [AMEM_TVT_TRAIN_MAX_LEN] = "train_max_len",
    [AMEM_TVT_TRAIN_ZERO_FRACTION] = "train_zero_fraction"};

static const char *const dam_names[] = {
    [AMEM_DAM_BETA] = "beta", [AMEM_DAM_DT] = "dt",
    [AMEM_DAM_TOLERANCE] = "tolerance", [AMEM_DAM_MAX_STEPS] = "max_steps",
    [AMEM_DAM_DYNAMICS] = "dynamics", [AMEM_DAM_SEED] = "seed",
    [AMEM_DAM_LEARNING_RATE] = "learning_rate",
    [AMEM_DAM_BATCH_SIZE] = "batch_size",
    [AMEM_DAM_MASK_FRACTION] = "mask_fraction", [AMEM_DAM_BALANCE] = "balance",
    [AMEM_DAM_SIGNAL] = "signal", [AMEM_DAM_GAMMA] = "gamma",
    [AMEM_DAM_WEIGHT_NORM] = "weight_norm", [AMEM_DAM_ADAM_BETA1] = "adam_beta1",
    [AMEM_DAM_ADAM_BETA2] = "adam_beta2", [AMEM_DAM_ADAM_EPS] = "adam_eps"};

static const char *const vae_names[] = {
    [AMEM_VAE_LATENT] = "latent", [AMEM_VAE_POOL] = "pool",
    [AMEM_VAE_ACTIVATION] = "activation", [AMEM_VAE_LEAKY_SLOPE] = "leaky_slope",
    [AMEM_VAE_BATCH_NORM] = "batch_norm", [AMEM_VAE_OUTPUT] = "output",
    [AMEM_VAE_DROPOUT] = "dropout", [AMEM_VAE_LOSS] = "loss",
    [AMEM_VAE_KL_WEIGHT] = "kl_weight", [AMEM_VAE_OPTIMIZER] = "optimizer",
    [AMEM_VAE_LEARNING_RATE] = "learning_rate",
    [AMEM_VAE_BATCH_SIZE] = "batch_size", [AMEM_VAE_EPOCHS] = "epochs",
    [AMEM_VAE_PATIENCE] = "patience", [AMEM_VAE_SEED] = "seed",
    [AMEM_VAE_BN_MOMENTUM] = "bn_momentum", [AMEM_VAE_BN_EPS] = "bn_eps",
    [AMEM_VAE_REPLAY_NOISE] = "replay_noise",
    [AMEM_VAE_REPLAY_FRESH] = "replay_fresh",
    [AMEM_VAE_REPLAY_GAIN] = "replay_gain",
    [AMEM_VAE_REPLAY_OFFSET] = "replay_offset"};

static const char *const diffusion_names[] = {
    [AMEM_DIFFUSION_PROCESS] = "process", [AMEM_DIFFUSION_GAMMA] = "gamma",
    [AMEM_DIFFUSION_ALPHA] = "alpha", [AMEM_DIFFUSION_SIGMA] = "sigma",
    [AMEM_DIFFUSION_SCORE] = "score", [AMEM_DIFFUSION_SAMPLER] = "sampler",
    [AMEM_DIFFUSION_STEPS] = "steps",
    [AMEM_DIFFUSION_START_THETA] = "start_theta",
    [AMEM_DIFFUSION_T_END] = "t_end", [AMEM_DIFFUSION_HIDDEN] = "hidden",
    [AMEM_DIFFUSION_HIDDEN_LAYERS] = "hidden_layers",
    [AMEM_DIFFUSION_LEARNING_RATE] = "learning_rate",
    [AMEM_DIFFUSION_TRAIN_THETA_MIN] = "train_theta_min",
    [AMEM_DIFFUSION_TRAIN_THETA_MAX] = "train_theta_max",
    [AMEM_DIFFUSION_SEED] = "seed"};

/* ---- sizes: one line per creation argument or count ------------------------ */

static const char *const hopfield_kinds[] = {
    [AMEM_HOPFIELD_CLASSICAL] = "classical", [AMEM_HOPFIELD_DENSE_POLY] = "poly",
    [AMEM_HOPFIELD_DENSE_RECT] = "rect", [AMEM_HOPFIELD_DENSE_EXP] = "exp",
    [AMEM_HOPFIELD_MODERN] = "modern"};

int model_hopfield_kind_from_name(const char *name)
{
    for (size_t k = 0; k < COUNT_OF(hopfield_kinds); k++)
        if (strcmp(name, hopfield_kinds[k]) == 0)
            return (int)k;
    return -1;
}

const char *model_hopfield_kind_name(int kind)
{
    return kind >= 0 && (size_t)kind < COUNT_OF(hopfield_kinds)
               ? hopfield_kinds[kind] : "unknown";
}

static void hopfield_describe(const void *h, FILE *out)
{
    int kind = -1;
    size_t dim = 0, value_dim = 0, count = 0;
    amem_hopfield_kind(h, &kind);
    amem_hopfield_dim(h, &dim);
    amem_hopfield_value_dim(h, &value_dim);
    amem_hopfield_count(h, &count);
    fprintf(out, "kind        %s\n", model_hopfield_kind_name(kind));
    fprintf(out, "dim         %zu\nvalue_dim   %zu\nstored      %zu\n", dim,
            value_dim, count);
}

static void kvmem_describe(const void *h, FILE *out)
{
    size_t key_dim = 0, slots = 0, value_dim = 0, count = 0;
    amem_kvmem_key_dim(h, &key_dim);
    amem_kvmem_slots(h, &slots);
    amem_kvmem_value_dim(h, &value_dim);
    amem_kvmem_count(h, &count);
    fprintf(out, "key_dim     %zu\nslots       %zu\nvalue_dim   %zu\nwrites      %zu\n",
            key_dim, slots, value_dim, count);
}

static void tvt_describe(const void *h, FILE *out)
{
    size_t key_dim = 0, slots = 0, value_dim = 0, count = 0;
    amem_tvt_key_dim(h, &key_dim);
    amem_tvt_slots(h, &slots);
    amem_tvt_value_dim(h, &value_dim);
    amem_tvt_count(h, &count);
    fprintf(out, "key_dim     %zu\nslots       %zu\nvalue_dim   %zu\nwrites      %zu\n",
            key_dim, slots, value_dim, count);
}

static void dam_describe(const void *h, FILE *out)
{
    size_t visible = 0, hidden = 0, items = 0;
    amem_dam_visible(h, &visible);
    amem_dam_hidden(h, &hidden);
    amem_dam_data_count(h, &items);
    fprintf(out, "visible     %zu\nhidden      %zu\ndata_items  %zu\n", visible,
            hidden, items);
}

static void vae_describe(const void *h, FILE *out)
{
    size_t c = 0, height = 0, width = 0, latent = 0, params = 0, enc = 0, dec = 0;
    amem_vae_input_shape(h, &c, &height, &width);
    amem_vae_latent_dim(h, &latent);
    amem_vae_param_count(h, &params);
    amem_vae_layer_count(h, &enc, &dec);
    fprintf(out, "input       %zu x %zu x %zu (channels x height x width)\n", c,
            height, width);
    fprintf(out, "latent_dim  %zu\nparameters  %zu\nlayers      %zu encoder, %zu decoder\n",
            latent, params, enc, dec);
}

static void diffusion_describe(const void *h, FILE *out)
{
    size_t dim = 0, count = 0, hidden = 0, layers = 0, params = 0;
    long iterations = 0;
    amem_diffusion_dim(h, &dim);
    amem_diffusion_count(h, &count);
    amem_diffusion_network_info(h, &hidden, &layers, &params, &iterations);
    fprintf(out, "dim         %zu\nstored      %zu\n", dim, count);
    fprintf(out, "network     %zu hidden x %zu layers, %zu parameters, %ld steps\n",
            hidden, layers, params, iterations);
}

/* ---- the table ---------------------------------------------------------------- */

const model_piece model_hopfield_piece = PIECE_ENTRY(hopfield, 1);

/* In file-kind order; TVT shares kind 2 with the key-value memory. */
const model_piece model_pieces[] = {
    PIECE_ENTRY(hopfield, 1), PIECE_ENTRY(kvmem, 2), PIECE_ENTRY(tvt, 2),
    PIECE_ENTRY(dam, 3), PIECE_ENTRY(vae, 4), PIECE_ENTRY(diffusion, 5)};
const size_t model_piece_count = COUNT_OF(model_pieces);
