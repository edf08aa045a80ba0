/*
 * libFuzzer target: the key-value memory and TVT loaders (one piece kind,
 * two variants) must never crash, leak or allocate without bound. Each
 * input is loaded as given, then once more with its trailing CRC-32
 * recomputed, so that mutations reach the payload parsers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "assocmem/kvmem.h"
#include "assocmem/tvt.h"

static void load_once(const uint8_t *data, size_t size)
{
    amem_kvmem *h = NULL;
    if (amem_kvmem_load_mem(data, size, &h) == AMEM_OK) {
        size_t d = 0, m = 0; /* a loaded handle is usable */
        amem_kvmem_key_dim(h, &d);
        amem_kvmem_value_dim(h, &m);
        if (d <= 64 && m <= 64) {
            float x[64] = {1}, y[64];
            amem_kvmem_write(h, x, d == m ? NULL : x, 1.0);
            amem_kvmem_read(h, x, 1, y, NULL);
        }
    }
    amem_kvmem_free(h);
    amem_tvt *t = NULL;
    if (amem_tvt_load_mem(data, size, &t) == AMEM_OK) {
        size_t count = 0;
        amem_tvt_count(t, &count);
    }
    amem_tvt_free(t);
}

#include "loader.h"
