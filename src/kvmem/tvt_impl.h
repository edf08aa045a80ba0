/* Private: the TVT slot memory (include/assocmem/tvt.h). */
#ifndef AMEM_KVMEM_TVT_IMPL_H
#define AMEM_KVMEM_TVT_IMPL_H

#include <stddef.h>

#include "assocmem/tvt.h"

/* The number of settings (the public enum has no count member). */
#define AMEM__TVT_NPARAM (AMEM_TVT_ADAM_EPS + 1)
#include "core/optim.h"
#include "core/trainer.h"
#include "core/rng.h"
#include "core/settings.h"

struct amem_tvt {
    size_t d, N, m;
    double param[AMEM__TVT_NPARAM];
    amem__rng rng;
    float *keys;    /* N x d */
    float *values;  /* N x m */
    size_t count;   /* writes since creation / clear */
    float *theta;   /* A (d x d), a (d), u (d), c (1) */
    amem__adam *adam;
    amem__data_parallel dp; /* size <= 1: local training */
    float last_step[AMEM_TVT_HISTORY_COLS]; /* record of the last step */
    int has_last_step;      /* last_step holds one (not saved) */
};

#define AMEM__TP(h, p) ((h)->param[AMEM_TVT_##p])

size_t amem__tvt_theta_len(size_t d);
/* Settings table (tvt_handle.c). */
extern const amem__settings amem__tvt_settings;
int amem__tvt_alloc(const char *fn, size_t d, size_t N, size_t m,
                    amem_tvt **out);
void amem__tvt_init_theta(amem_tvt *h);

/* Scratch of one batched read of up to R queries (tvt_read.c). */
typedef struct tvt_ws {
    size_t R;
    float *Mhat;  /* N x d normalised keys */
    float *Kq;    /* R x d query keys, then normalised */
    float *kn;    /* R norms */
    float *v;     /* R pre-softplus strengths */
    float *C;     /* R x N cosines */
    float *W;     /* R x N read weights */
    float *dW;    /* R x N */
    float *dK;    /* R x d */
    float *dY;    /* R x m */
    float *block;
} tvt_ws;

int amem__tvt_ws_alloc(const char *fn, const amem_tvt *h, size_t R,
                       tvt_ws *w);
void amem__tvt_ws_free(tvt_ws *w);
/* Forward: Y (R x m) from queries X with memory (Mk, Mv) and theta. */
void amem__tvt_forward(const amem_tvt *h, const float *Mk, const float *Mv,
                       const float *theta, const float *X, size_t R,
                       tvt_ws *w, float *Y);
/* Backward of (1/R) sum |Y - targets|^2 into grad (theta length). */
void amem__tvt_backward(const amem_tvt *h, const float *Mv,
                        const float *theta, const float *X, size_t R,
                        const float *Y, const float *targets, tvt_ws *w,
                        float *grad);

#endif
