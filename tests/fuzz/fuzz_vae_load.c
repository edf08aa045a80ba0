/*
 * libFuzzer target: the VAE model loader must never crash, leak or
 * allocate without bound. Each input is loaded as given, then once more
 * with its trailing CRC-32 recomputed so that mutations reach the payload
 * parser. A loaded, built model must encode and decode one image.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "assocmem/vae.h"

static void use(amem_vae *v)
{
    int built = 0;
    size_t dim = 0, k = 0;
    amem_vae_is_built(v, &built);
    amem_vae_input_dim(v, &dim);
    amem_vae_latent_dim(v, &k);
    if (!built || dim > 4096 || k > 64)
        return;
    float *x = calloc(dim, sizeof(float)), *z = calloc(k, sizeof(float));
    if (x != NULL && z != NULL && amem_vae_encode(v, x, 1, z, NULL) == AMEM_OK)
        amem_vae_decode(v, z, 1, x);
    free(x);
    free(z);
}

static void load_once(const uint8_t *data, size_t size)
{
    amem_vae *v = NULL;
    if (amem_vae_load_mem(data, size, &v) == AMEM_OK)
        use(v);
    amem_vae_free(v);
}

#include "loader.h"
