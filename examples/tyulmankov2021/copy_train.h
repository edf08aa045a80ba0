/* Training the copy-task controller and measuring it by sequence length. */
#ifndef TF_COPY_TRAIN_H
#define TF_COPY_TRAIN_H

#include <stdio.h>

#include "config.h"
#include "copy.h"

/* A memory and its controller. */
typedef struct tf_copy_net {
    tf_copy_dims dims;
    tf_ctrl ctrl;
    tf_copy_mem mem;
    tf_copy_trace trace;   /* sized for the longest test episode */
    const char *label;
} tf_copy_net;

/* kind: enum tf_copy_kind (copy_mem.h). 0 or -1. */
int tf_copy_net_create(tf_copy_net *net, const tf_config *cfg, int kind,
                       const char *label, uint64_t seed);
void tf_copy_net_free(tf_copy_net *net);

/* cfg->copy_steps Adam steps on lengths 1..cfg->copy_train_max; the
 * block-averaged loss and accuracy go to csv ("model,step,loss,accuracy").
 * 0 or -1. */
int tf_copy_train(tf_copy_net *net, const tf_config *cfg, FILE *csv,
                  uint64_t seed);

/* Mean paste accuracy over `tests` fresh episodes of length n. */
int tf_copy_eval(tf_copy_net *net, size_t n, size_t tests, uint64_t seed,
                 double *accuracy);

/* Finite-difference check of the controller's gradient (and a TRAINED
 * memory's rule gradient) through a memory of this kind, on one short
 * episode: *worst receives the largest relative error over the checked
 * parameters. 0 or -1. */
int tf_copy_gradient_check(const tf_config *cfg, int kind, uint64_t seed,
                           double *worst);

#endif
