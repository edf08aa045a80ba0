/*
 * libFuzzer target: the probe loader must never crash, leak or allocate
 * without bound. A loaded probe predicts one item.
 */
#include <stdint.h>
#include <stdlib.h>

#include "assocmem/probes.h"

static void use(amem_probe *p)
{
    size_t dim = 0;
    amem_probe_dim(p, &dim);
    if (dim == 0 || dim > 4096)
        return;
    float *x = calloc(dim, sizeof(float));
    int32_t label;
    if (x) {
        x[0] = 0.5f;
        amem_probe_predict(p, x, 1, dim, &label);
    }
    free(x);
}

static void load_once(const uint8_t *data, size_t size)
{
    amem_probe *p = NULL;
    if (amem_probe_load_mem(data, size, &p) == AMEM_OK)
        use(p);
    amem_probe_free(p);
}

#include "loader.h"
