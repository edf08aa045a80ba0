/* Small helpers shared by the op files; see ops.h. */
#include <stdio.h>
#include "assocmem/common.h"

#include "engine/ops.h"

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

amem__node *amem__row_input(const amem__node *y, size_t *rows, size_t *cols)
{
    amem__node *x = y->in[0];
    if (x->grad == NULL)
        return NULL;
    amem__rows_cols(x, rows, cols);
    return x;
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
