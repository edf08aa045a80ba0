/* Graph, tape, leaves and the backward sweep; see engine.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assocmem/common.h"
#include "core/check.h"
#include "engine.h"

amem__graph *amem__graph_create(size_t arena_bytes)
{
    amem__graph *g = calloc(1, sizeof *g);
    if (g == NULL)
        return NULL;
    g->arena = amem__arena_create(arena_bytes);
    g->cap_nodes = 256;
    g->tape = amem__alloc(g->cap_nodes, 1, sizeof *g->tape);
    if (g->arena == NULL || g->tape == NULL) {
        amem__graph_free(g);
        return NULL;
    }
    return g;
}

void amem__graph_free(amem__graph *g)
{
    if (g == NULL)
        return;
    amem__arena_free(g->arena);
    free(g->tape);
    free(g);
}

void amem__graph_reset(amem__graph *g)
{
    amem__arena_reset(g->arena);
    g->n_nodes = 0;
    g->status = AMEM_OK;
    g->error[0] = '\0';
}

int amem__graph_fail(amem__graph *g, int status, const char *fmt, ...)
{
    if (g->status != AMEM_OK)
        return g->status;
    g->status = status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g->error, sizeof g->error, fmt, ap);
    va_end(ap);
    return status;
}

static int tape_push(amem__graph *g, amem__node *n)
{
    if (g->n_nodes == g->cap_nodes) {
        size_t cap = g->cap_nodes * 2;
        amem__node **grown = amem__realloc(g->tape, cap, 1, sizeof *grown);
        if (grown == NULL)
            return -1;
        g->tape = grown;
        g->cap_nodes = cap;
    }
    g->tape[g->n_nodes++] = n;
    return 0;
}

/* Allocate a node header with a validated shape; value/grad left to caller. */
static amem__node *node_alloc(amem__graph *g, int ndim, const int *shape)
{
    if (ndim < 1 || ndim > AMEM__MAX_DIMS) {
        amem__graph_fail(g, AMEM_E_DIM, "tensor rank %d outside [1, %d]", ndim,
                         AMEM__MAX_DIMS);
        return NULL;
    }
    size_t size = 1;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] < 1 || amem__mul_size(size, (size_t)shape[i], &size)) {
            amem__graph_fail(g, AMEM_E_DIM, "bad extent %d in dimension %d",
                             shape[i], i);
            return NULL;
        }
    }
    amem__node *n = amem__arena_alloc(g->arena, sizeof *n);
    if (n == NULL || tape_push(g, n) != 0) {
        amem__graph_fail(g, AMEM_E_NOMEM, "graph arena exhausted");
        return NULL;
    }
    memset(n, 0, sizeof *n);
    n->ndim = ndim;
    memcpy(n->shape, shape, (size_t)ndim * sizeof *shape);
    n->size = size;
    return n;
}

static int alloc_val(amem__graph *g, amem__node *n, int with_grad)
{
    n->val = amem__arena_alloc(g->arena, n->size * sizeof(float));
    if (n->val != NULL && with_grad)
        n->grad = amem__arena_zeros(g->arena, n->size);
    if (n->val == NULL || (with_grad && n->grad == NULL))
        return amem__graph_fail(g, AMEM_E_NOMEM, "graph arena exhausted");
    return AMEM_OK;
}

amem__node *amem__node_make(amem__graph *g, const amem__op *op, int ndim,
                            const int *shape, int nin, amem__node *a,
                            amem__node *b, amem__node *c)
{
    amem__node *ins[3] = {a, b, c};
    if (g->status != AMEM_OK)
        return NULL;
    int needs_grad = 0;
    for (int i = 0; i < nin; i++) {
        if (ins[i] == NULL) {
            amem__graph_fail(g, AMEM_E_NULL, "%s: input %d is NULL",
                             op ? op->name : "op", i);
            return NULL;
        }
        needs_grad |= ins[i]->grad != NULL;
    }
    amem__node *n = node_alloc(g, ndim, shape);
    if (n == NULL || alloc_val(g, n, needs_grad) != AMEM_OK)
        return NULL;
    n->op = op;
    for (int i = 0; i < nin && i < 3; i++)
        n->in[i] = ins[i];
    return n;
}

/* A leaf holding a copy of data, with a zeroed gradient when with_grad. */
static amem__node *leaf_copy(amem__graph *g, const float *data, int ndim,
                             const int *shape, int with_grad)
{
    if (g->status != AMEM_OK)
        return NULL;
    amem__node *n = node_alloc(g, ndim, shape);
    if (n == NULL || alloc_val(g, n, with_grad) != AMEM_OK)
        return NULL;
    memcpy(n->val, data, n->size * sizeof(float));
    return n;
}

amem__node *amem__constant(amem__graph *g, const float *data, int ndim,
                           const int *shape)
{
    return leaf_copy(g, data, ndim, shape, 0);
}

amem__node *amem__constant_view(amem__graph *g, const float *data, int ndim,
                                const int *shape)
{
    if (g->status != AMEM_OK)
        return NULL;
    amem__node *n = node_alloc(g, ndim, shape);
    if (n != NULL)
        n->val = (float *)data; /* never written: constants have no grad */
    return n;
}

amem__node *amem__param(amem__graph *g, float *val, float *grad, int ndim,
                        const int *shape)
{
    if (g->status != AMEM_OK)
        return NULL;
    amem__node *n = node_alloc(g, ndim, shape);
    if (n != NULL) {
        n->val = val;
        n->grad = grad;
    }
    return n;
}

amem__node *amem__variable(amem__graph *g, const float *data, int ndim,
                           const int *shape)
{
    return leaf_copy(g, data, ndim, shape, 1);
}

int amem__backward(amem__graph *g, amem__node *out, const float *seed)
{
    if (g->status != AMEM_OK)
        return g->status;
    if (out == NULL)
        return amem__graph_fail(g, AMEM_E_NULL, "backward: output is NULL");
    if (out->grad == NULL)
        return amem__graph_fail(g, AMEM_E_STATE,
                                "backward: no parameter reaches the output");
    if (seed == NULL && out->size != 1)
        return amem__graph_fail(g, AMEM_E_DIM,
                                "backward: output has %zu elements, needs a seed",
                                out->size);
    for (size_t i = 0; i < out->size; i++)
        out->grad[i] += seed ? seed[i] : 1.0f;
    /* Nodes after out on the tape cannot influence it; start at out. */
    size_t k = g->n_nodes;
    while (k > 0 && g->tape[k - 1] != out)
        k--;
    for (; k > 0; k--) {
        amem__node *n = g->tape[k - 1];
        if (n->op != NULL && n->grad != NULL)
            n->op->backward(g, n);
    }
    return g->status;
}
