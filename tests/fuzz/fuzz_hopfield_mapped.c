/*
 * libFuzzer target: opening a store file mapped (amem_hopfield_load_mapped)
 * must never crash, leak or allocate without bound, and a store that opens
 * must be usable: recall, top-k recall, ids and get by id read only the
 * mapping's validated blocks. Each input is written to a temporary file
 * (the mapped loader takes a path), as given and with its CRC-32 fixed
 * (loader.h).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assocmem/hopfield.h"

static void exercise(amem_hopfield *h)
{
    size_t count = 0, dim = 0, value_dim = 0;
    amem_hopfield_count(h, &count);
    amem_hopfield_dim(h, &dim);
    amem_hopfield_value_dim(h, &value_dim);
    if (count == 0 || dim > 4096 || value_dim > 4096)
        return;
    float *q = calloc(dim + value_dim + 1, sizeof(float));
    float *out = calloc(dim + value_dim + 1, sizeof(float));
    uint64_t id = 0;
    float w = 0;
    if (q != NULL && out != NULL) {
        q[0] = 1.0f;
        amem_hopfield_recall(h, q, 1, NULL, out, NULL, NULL);
        if (amem_hopfield_recall_topk(h, q, 1, 1, &id, &w) == AMEM_OK)
            amem_hopfield_get_patterns(h, &id, 1, out,
                                       value_dim ? out + dim : NULL);
    }
    free(q);
    free(out);
}

static void load_once(const uint8_t *data, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/amem-fuzz-mapped-%ld", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return;
    size_t wrote = fwrite(data, 1, size, f);
    fclose(f);
    amem_hopfield *h = NULL;
    if (wrote == size && amem_hopfield_load_mapped(path, &h) == AMEM_OK)
        exercise(h);
    amem_hopfield_free(h);
    unlink(path);
}

#include "loader.h"
