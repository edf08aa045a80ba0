/* A small seeded generator (splitmix64) for the example's own task draws:
 * coin flips, choices and sequence lengths. Patterns come from the
 * library's generators. */
#ifndef TF_RNG_H
#define TF_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct tf_rng { uint64_t state; } tf_rng;

static inline uint64_t tf_rng_u64(tf_rng *r)
{
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static inline double tf_rng_uniform(tf_rng *r)
{
    return (double)(tf_rng_u64(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform integer in [lo, hi] (hi >= lo). */
static inline size_t tf_rng_between(tf_rng *r, size_t lo, size_t hi)
{
    return lo + (size_t)(tf_rng_uniform(r) * (double)(hi - lo + 1));
}

#endif
