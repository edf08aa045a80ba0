/* Small helpers shared by the op files; see ops.h. */
#include <stdio.h>
#include "assocmem/common.h"

#include "engine/ops.h"
#include "engine/ops_image.h"

char *amem__shape_str(const amem__node *n, char *buf)
{
    size_t used = 0, cap = 64;
    buf[0] = '\0';
    used += (size_t)snprintf(buf, cap, "[");
    for (int i = 0; i < n->ndim && used < cap; i++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%d", i ? "," : "",
                                 n->shape[i]);
    if (used < cap)
        snprintf(buf + used, cap - used, "]");
    return buf;
}

void amem__rows_cols(const amem__node *n, size_t *rows, size_t *cols)
{
    *cols = (size_t)n->shape[n->ndim - 1];
    *rows = n->size / *cols;
}

int amem__inputs_ok(amem__graph *g, const char *op, int nin,
                    const amem__node *a, const amem__node *b,
                    const amem__node *c)
{
    const amem__node *ins[3] = {a, b, c};
    if (g->status != AMEM_OK)
        return 0;
    for (int i = 0; i < nin && i < 3; i++) {
        if (ins[i] == NULL) {
            amem__graph_fail(g, AMEM_E_NULL, "%s: input %d is NULL", op, i);
            return 0;
        }
    }
    return 1;
}

int amem__image_input_ok(amem__graph *g, const char *op, const amem__node *x)
{
    if (!amem__inputs_ok(g, op, 1, x, NULL, NULL))
        return 0;
    if (x->ndim == 4)
        return 1;
    amem__graph_fail(g, AMEM_E_DIM, "%s: input rank %d, need 4", op, x->ndim);
    return 0;
}
