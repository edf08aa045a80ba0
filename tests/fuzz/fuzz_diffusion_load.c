/*
 * libFuzzer target: the diffusion model loader must never crash, leak or
 * allocate without bound. Each input is loaded as given, then once more
 * with its trailing CRC-32 recomputed, so that mutations reach the payload
 * parser instead of stopping at the checksum.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "assocmem/diffusion.h"

static void load_once(const uint8_t *data, size_t size)
{
    amem_diffusion *h = NULL;
    if (amem_diffusion_load_mem(data, size, &h) == AMEM_OK) {
        size_t count = 0, dim = 0;
        amem_diffusion_count(h, &count); /* a loaded handle is usable */
        amem_diffusion_dim(h, &dim);
        if (dim > 0 && dim <= 64) {
            float x[64] = {0}, s[64];
            amem_diffusion_score(h, x, 1, 0.5, s);
        }
    }
    amem_diffusion_free(h);
}

#include "loader.h"
