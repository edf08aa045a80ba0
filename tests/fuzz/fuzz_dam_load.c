/*
 * libFuzzer target: the dense associative memory loader must never crash,
 * leak or allocate without bound. Each input is loaded as given, then once
 * more with its trailing CRC-32 recomputed, so that mutations reach the
 * payload parser instead of stopping at the checksum. A loaded handle is
 * exercised with one short recall.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "assocmem/dam.h"

static void use(amem_dam *h)
{
    size_t n = 0, m = 0;
    amem_dam_visible(h, &n);
    amem_dam_hidden(h, &m);
    if (n > 4096 || m > 4096)
        return;
    float *cue = calloc(n, sizeof(float)), *out = malloc(n * sizeof(float));
    if (cue && out) {
        cue[0] = 1.0f;
        amem_dam_set(h, AMEM_DAM_MAX_STEPS, 3);
        amem_dam_recall(h, cue, 1, NULL, out, NULL, NULL);
    }
    free(cue);
    free(out);
}

static void load_once(const uint8_t *data, size_t size)
{
    amem_dam *h = NULL;
    if (amem_dam_load_mem(data, size, &h) == AMEM_OK)
        use(h);
    amem_dam_free(h);
}

#include "loader.h"
