/*
 * Private: the per-handle pseudo-random generator.
 *
 * Algorithm: xoshiro256** (Blackman & Vigna 2018), state seeded from a 64-bit
 * seed through splitmix64. Uniform floats use the top 24 bits; normals use the
 * Box–Muller transform (one draw per call, no cached second value, so the
 * stream depends only on the seed and the number of calls).
 */
#ifndef AMEM_CORE_RNG_H
#define AMEM_CORE_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct amem__rng {
    uint64_t s[4];
} amem__rng;

void amem__rng_seed(amem__rng *rng, uint64_t seed);
uint64_t amem__rng_u64(amem__rng *rng);
/* Uniform on [0, 1). */
double amem__rng_uniform(amem__rng *rng);
/* Uniform integer on [0, n), n >= 1, without modulo bias. */
uint64_t amem__rng_below(amem__rng *rng, uint64_t n);
/* Standard normal. */
double amem__rng_normal(amem__rng *rng);
/* Fill with ±1 each with probability 1/2. */
void amem__rng_signs(amem__rng *rng, float *out, size_t n);
/* Fill with standard normals. */
void amem__rng_normals(amem__rng *rng, float *out, size_t n);
/* In-place Fisher–Yates shuffle of idx[0..n). */
void amem__rng_shuffle(amem__rng *rng, size_t *idx, size_t n);

#endif
