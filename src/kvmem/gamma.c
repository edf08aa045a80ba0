/*
 * The local third factor gamma_t of one write (Eq. 6 and 7), as the list of
 * gated slots.
 */
#include <math.h>

#include "kvmem_impl.h"

/* Eq. 6: the least-recently-used slot, a pointer cycling through 0..N-1. */
size_t amem__kv_sequential_gate(size_t pointer, size_t *idx)
{
    idx[0] = pointer;
    return 1;
}

/*
 * Eq. 7: gamma_i ~ Bernoulli(p) independently. The gaps between gated
 * slots are geometric, G = floor(log U / log(1 - p)) with U in (0, 1], so
 * the draw costs O(pN + 1) uniforms instead of N.
 */
size_t amem__kv_random_gate(amem__rng *rng, double p, size_t N, size_t *idx)
{
    size_t n = 0;
    if (p <= 0)
        return 0;
    if (p >= 1) {
        for (size_t i = 0; i < N; i++)
            idx[i] = i;
        return N;
    }
    double log_q = log1p(-p);
    size_t i = 0;
    for (;;) {
        double u = 1.0 - amem__rng_uniform(rng); /* (0, 1] */
        double gap = floor(log(u) / log_q);
        if (gap >= (double)(N - i))
            break;
        i += (size_t)gap;
        idx[n++] = i++;
        if (i >= N)
            break;
    }
    return n;
}
