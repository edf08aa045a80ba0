/* Training a learned-score diffusion model with the paper's settings. */
#include <stdio.h>

#include "common/progress.h"
#include "learned.h"
#include "recall.h"

int amb_diffusion_setup(amem_diffusion *h, const amb_learned_spec *spec)
{
    int st;
    if (spec->ou)
        st = amem_diffusion_set(h, AMEM_DIFFUSION_PROCESS,
                                AMEM_DIFFUSION_PROCESS_OU);
    else
        st = amem_diffusion_set(h, AMEM_DIFFUSION_GAMMA, spec->gamma);
    if (st == AMEM_OK)
        st = amem_diffusion_set(h, AMEM_DIFFUSION_STEPS, spec->steps);
    if (st == AMEM_OK)
        st = amem_diffusion_set(h, AMEM_DIFFUSION_START_THETA, spec->theta);
    if (st == AMEM_OK)
        st = amem_diffusion_set(h, AMEM_DIFFUSION_SEED,
                                (double)(spec->seed & ((1ULL << 53) - 1)));
    return st == AMEM_OK ? 0 : amb_fail("diffusion settings", st);
}

amem_diffusion *amb_learned_train(const amb_learned_spec *spec,
                                  const float *patterns, size_t n,
                                  double *loss)
{
    amem_diffusion *h = NULL;
    int st = amem_diffusion_create(spec->dim, &h);
    if (st != AMEM_OK) {
        amb_fail("diffusion_create", st);
        return NULL;
    }
    if (amb_diffusion_setup(h, spec) != 0) {
        amem_diffusion_free(h);
        return NULL;
    }
    st = amem_diffusion_set(h, AMEM_DIFFUSION_HIDDEN, (double)spec->hidden);
    if (st == AMEM_OK)
        st = amem_diffusion_store(h, patterns, n);
    if (st == AMEM_OK)
        st = amem_diffusion_train(h, spec->iterations, ex_progress, NULL, loss);
    if (st == AMEM_OK)
        st = amem_diffusion_set(h, AMEM_DIFFUSION_SCORE,
                                AMEM_DIFFUSION_SCORE_LEARNED);
    if (st != AMEM_OK) {
        amb_fail("learned diffusion model", st);
        amem_diffusion_free(h);
        return NULL;
    }
    return h;
}
