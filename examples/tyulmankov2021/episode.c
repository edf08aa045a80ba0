/* Pattern sets, corrupted queries and benchmark episodes. */
#include <stdlib.h>
#include <string.h>

#include <assocmem/data.h>

#include "episode.h"
#include "fail.h"

int tf_keys_make(float *out, size_t T, size_t d, double correlation,
                 uint64_t seed)
{
    int st = correlation > 0.0
                 ? amem_patterns_correlated(out, T, d, 1.0 - correlation,
                                            seed, NULL)
                 : amem_patterns_random(out, T, d, seed);
    return st == 0 ? 0 : tf_fail("pattern generator", st);
}

/* Each entry is kept with probability 1 - zeroed, independently (the
 * reference code's p_unknown; amem_corrupt_zero would zero an exact
 * count instead). */
int tf_zero_entries(const float *x, float *out, size_t T, size_t d,
                    double zeroed, uint64_t seed)
{
    int st = amem_mask_bernoulli(out, T, d, 1.0 - zeroed, seed);
    if (st != 0)
        return tf_fail("amem_mask_bernoulli", st);
    for (size_t i = 0; i < T * d; i++)
        out[i] *= x[i];
    return 0;
}

static int alloc_episode(tf_episode *ep, size_t T, size_t d, size_t m)
{
    memset(ep, 0, sizeof *ep);
    ep->T = T;
    ep->d = d;
    ep->m = m;
    ep->keys = malloc(T * d * sizeof *ep->keys);
    ep->values = malloc(T * m * sizeof *ep->values);
    ep->queries = malloc(T * d * sizeof *ep->queries);
    if (ep->keys && ep->values && ep->queries)
        return 0;
    tf_episode_free(ep);
    return tf_nomem();
}

int tf_episode_make(tf_episode *ep, const tf_episode_spec *spec, size_t T,
                    uint64_t seed)
{
    size_t m = spec->m ? spec->m : spec->d;
    if (alloc_episode(ep, T, spec->d, m) != 0)
        return -1;
    int bad = tf_keys_make(ep->keys, T, spec->d, spec->correlation, seed);
    if (!bad && spec->m)
        bad = amem_patterns_random(ep->values, T, m, seed ^ 0x5a5aULL) != 0;
    else if (!bad)
        memcpy(ep->values, ep->keys, T * m * sizeof *ep->values);
    if (!bad)
        bad = tf_zero_entries(ep->keys, ep->queries, T, spec->d,
                              spec->zeroed, seed ^ 0xa5a5ULL);
    if (bad)
        tf_episode_free(ep);
    return bad ? -1 : 0;
}

void tf_episode_free(tf_episode *ep)
{
    free(ep->keys);
    free(ep->values);
    free(ep->queries);
    memset(ep, 0, sizeof *ep);
}
