/*
 * Private: no-tape inference (infer_fast.c) and the workers that run it
 * on several threads (infer_threads.c).
 */
#ifndef AMEM_VAE_FAST_H
#define AMEM_VAE_FAST_H

#include "vae_impl.h"

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
