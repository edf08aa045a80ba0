/* Copy-paste episodes: n patterns, the end marker, n silent paste steps. */
#include <stdlib.h>
#include <string.h>

#include <assocmem/data.h>

#include "copy.h"
#include "fail.h"

void tf_copy_episode_free(tf_copy_episode *ep)
{
    free(ep->x);
    free(ep->target);
    memset(ep, 0, sizeof *ep);
}

int tf_copy_episode_make(tf_copy_episode *ep, const tf_copy_dims *dims,
                         size_t n, uint64_t seed)
{
    size_t P = dims->P, width = P + 1;
    memset(ep, 0, sizeof *ep);
    ep->n = n;
    ep->steps = 2 * n + 1;
    ep->x = calloc(ep->steps * width, sizeof *ep->x);
    ep->target = malloc(n * P * sizeof *ep->target);
    if (!ep->x || !ep->target) {
        tf_copy_episode_free(ep);
        return tf_nomem();
    }
    int st = amem_patterns_random(ep->target, n, P, seed);
    if (st != 0) {
        tf_copy_episode_free(ep);
        return tf_fail("amem_patterns_random", st);
    }
    for (size_t t = 0; t < n; t++)
        memcpy(ep->x + t * width, ep->target + t * P, P * sizeof *ep->x);
    ep->x[n * width + P] = 1.0f; /* end-of-sequence marker */
    return 0;
}
