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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    load_once(data, size);
    if (size < 8 || size > ((size_t)1 << 24))
        return 0;
    uint8_t *copy = malloc(size);
    if (copy == NULL)
        return 0;
    memcpy(copy, data, size);
    uint32_t crc = (uint32_t)crc32(0L, copy, (uInt)(size - 4));
    for (int i = 0; i < 4; i++)
        copy[size - 4 + i] = (uint8_t)(crc >> (8 * i));
    load_once(copy, size);
    free(copy);
    return 0;
}
