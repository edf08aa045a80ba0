/*
 * Shared body of the model-loader fuzz targets. A target defines
 * `static void load_once(const uint8_t *data, size_t size)` (load the image,
 * exercise the handle if it loaded, free it) and then includes this file,
 * which defines LLVMFuzzerTestOneInput: each input is loaded as given, then
 * once more with its trailing CRC-32 recomputed, so that mutations reach the
 * payload parser instead of stopping at the checksum.
 */
#ifndef AMEM_FUZZ_LOADER_H
#define AMEM_FUZZ_LOADER_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void load_once(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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

#endif
