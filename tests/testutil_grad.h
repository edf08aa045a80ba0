/*
 * Finite-difference gradient check for engine ops.
 *
 * build() makes a graph from nin variable leaves and returns its output node.
 * The check projects the output on a fixed random vector r, computes
 * d(r·out)/d(inputs) by amem__backward and by central differences in double
 * precision, and returns max|analytic − numeric| / max(1, max|analytic|).
 * Before every build the graph's rng is reseeded identically (dropout masks
 * repeat) and g->training is 1 unless build() changes it.
 */
#ifndef AMEM_TESTUTIL_GRAD_H
#define AMEM_TESTUTIL_GRAD_H

#include <stdint.h>

#include "engine/engine.h"

typedef amem__node *(*amem_test_build_fn)(amem__graph *g, amem__node **inputs,
                                          void *ctx);

typedef struct amem_test_input {
    int ndim;
    int shape[AMEM__MAX_DIMS];
    float *values; /* size = product of shape; perturbed in place, restored */
} amem_test_input;

double amem_test_gradcheck(amem_test_build_fn build, void *ctx, int nin,
                           amem_test_input *inputs, double eps);

/* Fill x[0..n) with uniform values in [lo, hi) from a fixed seed. */
void amem_test_fill_uniform(float *x, size_t n, float lo, float hi,
                            uint64_t seed);

#endif
