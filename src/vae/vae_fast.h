/*
 * Private: no-tape inference (infer_fast.c) and the workers that run it
 * on several threads (infer_threads.c).
 */
#ifndef AMEM_VAE_FAST_H
#define AMEM_VAE_FAST_H

#include "vae_impl.h"

/*
 * 1 when decoder layer l is 2× upsampling + a 3×3 stride-1 'same'
 * convolution, which both the graph and the no-tape path compute as the
 * fused op amem__upsample2_conv3 (core/conv_impl.h).
 */
static inline int amem__vae_fused_upconv(const amem__vae_layer *l)
{
    return l->upsample == 2 && l->kernel == 3 && l->stride == 1 && l->pad == 1;
}

/*
 * mu and (when not NULL) logvar [m, K] of m images x [m, C·H·W] in
 * inference mode, with scratch from g's arena (the caller resets it).
 * Returns g->status; errors are recorded on g as the graph path records
 * them.
 */
int amem__vae_fast_encode(amem_vae *v, amem__graph *g, const float *x,
                          int m, float *mu, float *logvar);

/* out [m, C·H·W] = the decoder's images for z [m, K]; as above. */
int amem__vae_fast_decode(amem_vae *v, amem__graph *g, const float *z, int m,
                          float *out);

/* Rows per chunk of an inference call (bounds the arena for large images). */
#define AMEM__VAE_CHUNK 64

/*
 * One chunk of an inference call: rows [first, first + m) with scratch from
 * g (reset before each chunk); errors go on g.
 */
typedef void (*amem__vae_rows_fn)(void *ctx, amem_vae *v, amem__graph *g,
                                  size_t first, size_t m);

/*
 * Run f over rows 0 .. n-1 in chunks, on amem_get_num_threads() workers
 * when n is large enough (infer_threads.c). Returns AMEM_OK or the first
 * worker's error, recorded under fn.
 */
int amem__vae_run_rows(const char *fn, amem_vae *v, size_t n,
                       amem__vae_rows_fn f, void *ctx);

#endif
