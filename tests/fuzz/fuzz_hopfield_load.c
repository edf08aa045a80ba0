/*
 * libFuzzer target: the Hopfield model loader must never crash, leak or
 * allocate without bound. Each input is loaded as given, then once more
 * with its trailing CRC-32 recomputed, so that mutations reach the payload
 * parser instead of stopping at the checksum.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "assocmem/hopfield.h"

static void load_once(const uint8_t *data, size_t size)
{
    amem_hopfield *h = NULL;
    if (amem_hopfield_load_mem(data, size, &h) == AMEM_OK) {
        size_t count = 0;
        amem_hopfield_count(h, &count); /* a loaded handle is usable */
    }
    amem_hopfield_free(h);
}

#include "loader.h"
