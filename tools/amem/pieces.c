/*
 * amem: the table of pieces. Each piece's public calls are wrapped to take
 * void * handles; setting names are the enum names in lower case, generated
 * from the headers (tools/amem/gen-setting-names).
 */
#include <stdio.h>
#include <string.h>

#include <assocmem/assocmem.h>
#include <assocmem/dam.h>
#include <assocmem/diffusion.h>
#include <assocmem/hopfield.h>
#include <assocmem/kvmem.h>
#include <assocmem/probes.h>
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

#define PIECE_ENTRY(P, KIND, LEGACY_KIND)                                      \
    {#P, KIND, LEGACY_KIND, P##_load_mem_any, P##_save_any, P##_free_any, P##_get_any,     \
     P##_set_any, amem_##P##_param_bounds, P##_names, COUNT_OF(P##_names),     \
     P##_describe}

PIECE_CALLS(hopfield, amem_hopfield)
PIECE_CALLS(kvmem, amem_kvmem)
PIECE_CALLS(tvt, amem_tvt)
PIECE_CALLS(dam, amem_dam)
PIECE_CALLS(vae, amem_vae)
PIECE_CALLS(diffusion, amem_diffusion)
PIECE_CALLS(probe, amem_probe)

/* ---- setting names: <piece>_names[], generated from the headers ---------- */

#include "setting_names.h"

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
    size_t dim = 0, count = 0, hidden = 0, layers = 0, params = 0, steps = 0;
    amem_diffusion_dim(h, &dim);
    amem_diffusion_count(h, &count);
    amem_diffusion_network_info(h, &hidden, &layers, &params);
    amem_diffusion_step_count(h, &steps);
    fprintf(out, "dim         %zu\nstored      %zu\n", dim, count);
    fprintf(out, "network     %zu hidden x %zu layers, %zu parameters, %zu steps\n",
            hidden, layers, params, steps);
}

static void probe_describe(const void *h, FILE *out)
{
    int kind = -1;
    size_t dim = 0, classes = 0, support = 0;
    amem_probe_kind(h, &kind);
    amem_probe_dim(h, &dim);
    amem_probe_classes(h, &classes);
    amem_probe_support_count(h, &support);
    fprintf(out, "kind        %s\n", kind == AMEM_PROBE_SVC ? "svc"
                                   : kind == AMEM_PROBE_SOFTMAX ? "softmax" : "unknown");
    fprintf(out, "dim         %zu\nclasses     %zu\nsupport     %zu\n", dim,
            classes, support);
}

/* ---- the table ---------------------------------------------------------------- */

const model_piece model_hopfield_piece = PIECE_ENTRY(hopfield, 1, 0);

/* In file-kind order. Files written before TVT had a kind of its own hold
 * TVT memories under the key-value kind (2). */
const model_piece model_pieces[] = {
    PIECE_ENTRY(hopfield, 1, 0), PIECE_ENTRY(kvmem, 2, 0), PIECE_ENTRY(dam, 3, 0),
    PIECE_ENTRY(vae, 4, 0), PIECE_ENTRY(diffusion, 5, 0), PIECE_ENTRY(tvt, 6, 2),
    PIECE_ENTRY(probe, 7, 0)};
const size_t model_piece_count = COUNT_OF(model_pieces);
