/*
 * Private: batch normalisation fused with a leaky ReLU (ops_batchnorm.c),
 * for the VAE's hidden layers.
 */
#ifndef AMEM_CORE_BN_ACT_H
#define AMEM_CORE_BN_ACT_H

#include "engine.h"

/*
 * leaky_relu(batchnorm(x, ...), slope) as one node: the arguments, modes
 * and errors of amem__batchnorm (ops_image.h), plus slope in [0, 1] (0 is
 * ReLU; outside: AMEM_E_ARG). One pass forward, one node on the tape.
 */
amem__node *amem__batchnorm_leaky(amem__graph *g, amem__node *x,
                                  amem__node *gamma, amem__node *beta,
                                  float *running_mean, float *running_var,
                                  float momentum, float eps, float slope);

#endif
