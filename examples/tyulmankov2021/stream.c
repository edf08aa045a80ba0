/* Continual and flashbulb recall streams. */
#include <stdlib.h>
#include <string.h>

#include <assocmem/data.h>

#include "episode.h"
#include "fail.h"
#include "rng.h"
#include "stream.h"

void tf_stream_free(tf_stream *s)
{
    free(s->x);
    free(s->target);
    free(s->q);
    free(s->recall);
    free(s->salient);
    memset(s, 0, sizeof *s);
}

static int stream_alloc(tf_stream *s, size_t T, size_t d)
{
    memset(s, 0, sizeof *s);
    s->T = T;
    s->d = d;
    s->x = malloc(T * d * sizeof *s->x);
    s->target = calloc(T * d, sizeof *s->target);
    s->q = calloc(T, sizeof *s->q);
    s->recall = calloc(T, 1);
    s->salient = calloc(T, 1);
    if (s->x && s->target && s->q && s->recall && s->salient)
        return 0;
    tf_stream_free(s);
    return tf_nomem();
}

/* Which steps recall (step t - R), and q = 1 on the items recalled later. */
static void schedule(tf_stream *s, size_t delay, tf_rng *rng)
{
    for (size_t t = delay; t < s->T; t++) {
        if (!s->recall[t - delay] && tf_rng_uniform(rng) < 0.5) {
            s->recall[t] = 1;
            s->q[t - delay] = 1.0f;
        }
    }
}

/* Mark n stored items (q > 0) as salient, chosen uniformly. */
static void mark_salient(tf_stream *s, const tf_stream_spec *spec,
                         tf_rng *rng)
{
    size_t stored = 0, marked = 0;
    for (size_t t = 0; t < s->T; t++)
        stored += s->q[t] > 0;
    for (size_t t = 0; t < s->T && marked < spec->n_salient; t++) {
        if (s->q[t] <= 0)
            continue;
        /* selection sampling: keep with probability needed / left */
        if (tf_rng_uniform(rng) * (double)stored-- <
            (double)(spec->n_salient - marked)) {
            s->salient[t] = s->salient[t + spec->delay] = 1;
            s->q[t] = (float)spec->salient_q;
            marked++;
        }
    }
}

/* Recall steps present a corrupted copy of the item R steps earlier. */
static int fill_recalls(tf_stream *s, size_t delay, double zeroed,
                        uint64_t seed)
{
    size_t d = s->d;
    for (size_t t = 0; t < s->T; t++) {
        if (!s->recall[t])
            continue;
        memcpy(s->target + t * d, s->x + (t - delay) * d, d * sizeof *s->x);
        if (tf_zero_entries(s->target + t * d, s->x + t * d, 1, d, zeroed,
                            seed + t) != 0)
            return -1;
    }
    return 0;
}

int tf_stream_make(tf_stream *s, const tf_stream_spec *spec, uint64_t seed)
{
    tf_rng rng = {seed};
    if (stream_alloc(s, spec->T, spec->d) != 0)
        return -1;
    int st = amem_patterns_random(s->x, spec->T, spec->d, seed);
    if (st != 0) {
        tf_stream_free(s);
        return tf_fail("amem_patterns_random", st);
    }
    schedule(s, spec->delay, &rng);
    mark_salient(s, spec, &rng);
    if (fill_recalls(s, spec->delay, spec->zeroed, seed ^ 0x3c3cULL) != 0) {
        tf_stream_free(s);
        return -1;
    }
    return 0;
}
