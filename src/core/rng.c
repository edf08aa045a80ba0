/* xoshiro256** seeded by splitmix64; see rng.h. */
#include <math.h>

#include "rng.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void amem__rng_seed(amem__rng *rng, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        rng->s[i] = splitmix64(&x);
}

uint64_t amem__rng_u64(amem__rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double amem__rng_uniform(amem__rng *rng)
{
    return (double)(amem__rng_u64(rng) >> 11) * 0x1.0p-53;
}

uint64_t amem__rng_below(amem__rng *rng, uint64_t n)
{
    /* Rejection of the short final bucket keeps every value equally likely. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t r;
    do {
        r = amem__rng_u64(rng);
    } while (r >= limit);
    return r % n;
}

double amem__rng_normal(amem__rng *rng)
{
    double u1 = 1.0 - amem__rng_uniform(rng); /* (0, 1]: log is finite */
    double u2 = amem__rng_uniform(rng);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586476925 * u2);
}

void amem__rng_signs(amem__rng *rng, float *out, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint64_t bits = amem__rng_u64(rng);
        for (int b = 0; b < 64 && i < n; b++, i++)
            out[i] = ((bits >> b) & 1u) ? 1.0f : -1.0f;
    }
}

void amem__rng_normals(amem__rng *rng, float *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (float)amem__rng_normal(rng);
}

void amem__rng_shuffle(amem__rng *rng, size_t *idx, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)amem__rng_below(rng, i);
        size_t tmp = idx[i - 1];
        idx[i - 1] = idx[j];
        idx[j] = tmp;
    }
}
