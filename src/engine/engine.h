/*
 * Private: the reverse-mode autodiff engine (DESIGN.md §5).
 *
 * A graph owns an arena and a tape. Op builders (ops_*.c) compute their
 * forward value eagerly, append a node to the tape and remember their inputs;
 * amem__backward() walks the tape in reverse and calls each node's backward
 * function, which ADDS into the gradients of its inputs.
 *
 * Errors while building (bad shapes, NULL inputs, arena exhaustion) are
 * recorded on the graph — the first one wins — and every later builder call
 * returns NULL without work, so a caller checks g->status once at the end.
 *
 * Tensors are float32, row-major, up to 4 dimensions; images are NCHW.
 */
#ifndef AMEM_CORE_ENGINE_H
#define AMEM_CORE_ENGINE_H

#include <stddef.h>

#include "core/rng.h"

#define AMEM__MAX_DIMS 4

/* ---- arena: bump allocation, O(1) reset ----------------------------------- */

typedef struct amem__arena amem__arena;

amem__arena *amem__arena_create(size_t initial_bytes);
void amem__arena_free(amem__arena *a);
/* 64-byte aligned, uninitialised; NULL when memory runs out. */
void *amem__arena_alloc(amem__arena *a, size_t bytes);
/* n floats set to zero; NULL on overflow or exhaustion. */
float *amem__arena_zeros(amem__arena *a, size_t n);
/*
 * Forget every allocation. When the last round spilled into extra chunks,
 * they are merged into one so that the next identical round allocates
 * nothing from the system.
 */
void amem__arena_reset(amem__arena *a);
/* Largest number of bytes in use at once since creation. */
size_t amem__arena_peak(const amem__arena *a);

/* ---- nodes and graphs ----------------------------------------------------- */

typedef struct amem__node amem__node;
typedef struct amem__graph amem__graph;

typedef struct amem__op {
    const char *name;
    /* Add d(out)/d(inputs) · out->grad into the grads of n->in[]; called
     * only when n->grad is set, so at least one input has a grad. */
    void (*backward)(amem__graph *g, amem__node *n);
} amem__op;

struct amem__node {
    int ndim;
    int shape[AMEM__MAX_DIMS];
    size_t size;          /* product of shape */
    float *val;           /* forward value (size floats) */
    float *grad;          /* gradient, or NULL when none flows here */
    const amem__op *op;   /* NULL for leaves */
    amem__node *in[3];    /* inputs, NULL-terminated */
    int iarg[8];          /* op-specific integer arguments */
    float farg[4];        /* op-specific scalar arguments */
    float *aux;           /* op-specific saved buffer (in the arena) */
};

struct amem__graph {
    amem__arena *arena;
    amem__node **tape;    /* creation order = a topological order */
    size_t n_nodes, cap_nodes;
    int status;           /* AMEM_OK or the first error */
    char error[200];      /* detail of the first error */
    amem__rng *rng;       /* randomness for dropout etc.; set by the owner */
    int training;         /* 1: batch statistics, dropout active */
};

amem__graph *amem__graph_create(size_t arena_bytes);
void amem__graph_free(amem__graph *g);
/* Empty the tape and the arena in O(1); clears the error; keeps rng/training. */
void amem__graph_reset(amem__graph *g);
/* Record an error (first one wins); returns g->status. */
int amem__graph_fail(amem__graph *g, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/*
 * For op builders: a new node with the given shape whose inputs are a, b, c
 * (any may be NULL). It gets a zeroed gradient when any input has one.
 * Returns NULL (with the error recorded) on bad shape or exhaustion, and
 * NULL without work when the graph already failed or a named input is NULL.
 * nin is the number of inputs the op needs (so NULL inputs are detected).
 */
amem__node *amem__node_make(amem__graph *g, const amem__op *op, int ndim,
                            const int *shape, int nin, amem__node *a,
                            amem__node *b, amem__node *c);

/* ---- leaves ---------------------------------------------------------------- */

/* Constant: a copy of data in the arena; no gradient. */
amem__node *amem__constant(amem__graph *g, const float *data, int ndim,
                           const int *shape);
/* Constant view: points at data, which must outlive the graph's use. */
amem__node *amem__constant_view(amem__graph *g, const float *data, int ndim,
                                const int *shape);
/*
 * Parameter: val and grad point into a model's contiguous parameter and
 * gradient vectors; backward accumulates into grad (zero it before a step).
 */
amem__node *amem__param(amem__graph *g, float *val, float *grad, int ndim,
                        const int *shape);
/* A zero-initialised leaf that receives a gradient (for inputs we need d/dx). */
amem__node *amem__variable(amem__graph *g, const float *data, int ndim,
                           const int *shape);

/*
 * Backward pass from out. seed is d(loss)/d(out) (out->size floats), or NULL
 * for a scalar loss (seed 1). Returns g->status.
 */
int amem__backward(amem__graph *g, amem__node *out, const float *seed);

/* Shape helpers for builders. */
static inline int amem__same_shape(const amem__node *a, const amem__node *b)
{
    if (a->ndim != b->ndim)
        return 0;
    for (int i = 0; i < a->ndim; i++)
        if (a->shape[i] != b->shape[i])
            return 0;
    return 1;
}

#endif
