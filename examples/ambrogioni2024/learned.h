/*
 * Ambrogioni 2024 example: a diffusion model with a learned score network,
 * trained on a pattern set with the paper's settings (Appendix A / Sec. 7).
 */
#ifndef AMB_LEARNED_H
#define AMB_LEARNED_H

#include <stddef.h>
#include <stdint.h>

#include <assocmem/diffusion.h>

typedef struct amb_learned_spec {
    size_t dim, hidden;
    long iterations;
    int ou;            /* 1: OU process alpha = 0.5, sigma = 1 (Sec. 7);
                          0: VP with gamma (Appendix A) */
    double gamma, theta;
    int steps;         /* Euler steps of recall */
    uint64_t seed;
} amb_learned_spec;

/*
 * amb_learned_train: a new handle storing n patterns (n x d) whose learned
 * network was trained for spec->iterations Adam steps (progress drawn on
 * stderr); recall uses the learned score and the ODE sampler.
 * *loss (may be NULL) gets the last training loss. Returns the handle, or
 * NULL after printing the reason.
 */
amem_diffusion *amb_learned_train(const amb_learned_spec *spec,
                                  const float *patterns, size_t n,
                                  double *loss);

/* Apply the process, recall and seed settings of spec to h (0 or -1). */
int amb_diffusion_setup(amem_diffusion *h, const amb_learned_spec *spec);

#endif
