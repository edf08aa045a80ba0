/*
 * Teacher-student consolidation (Spens & Burgess 2022): the VAE student is
 * trained only on what a Hopfield teacher recalls from random noise. The
 * teacher is used through its public API alone.
 */
#include <math.h>
#include <stdlib.h>

#include "core/check.h"
#include "core/error.h"
#include "vae_impl.h"

static int check_teacher(const char *fn, const amem_vae *v,
                         const amem_hopfield *t)
{
    size_t dim = 0, vdim = 0, count = 0;
    amem_hopfield_dim(t, &dim);
    amem_hopfield_value_dim(t, &vdim);
    amem_hopfield_count(t, &count);
    if (vdim != 0)
        return amem__fail(AMEM_E_UNSUPPORTED, fn,
                          "the teacher is heteroassociative (value_dim %zu)",
                          vdim);
    if (dim != amem__vae_dim(v))
        return amem__fail(AMEM_E_DIM, fn,
                          "teacher dimension %zu, images have %zu entries",
                          dim, amem__vae_dim(v));
    if (count == 0)
        return amem__fail(AMEM_E_STATE, fn, "the teacher stores nothing");
    return AMEM_OK;
}

/* Cues from the VAE's RNG, recalled by the teacher, mapped a*x + b. */
static int make_replays(const char *fn, amem_vae *v, amem_hopfield *t,
                        size_t n, float *out, float *cues)
{
    size_t len = n * amem__vae_dim(v);
    if (AMEM__VP(v, REPLAY_NOISE) == AMEM_VAE_NOISE_SIGNS)
        amem__rng_signs(&v->rng, cues, len);
    else
        for (size_t i = 0; i < len; i++)
            cues[i] = (float)(2.0 * amem__rng_uniform(&v->rng) - 1.0);
    int rc = amem_hopfield_recall(t, cues, n, NULL, out, NULL, NULL);
    if (rc != AMEM_OK)
        return amem__fail(rc, fn, "teacher recall failed: %s",
                          amem_last_error());
    float a = (float)AMEM__VP(v, REPLAY_GAIN), b = (float)AMEM__VP(v, REPLAY_OFFSET);
    for (size_t i = 0; i < len; i++)
        out[i] = a * out[i] + b;
    return AMEM_OK;
}

static int check_args(const char *fn, const amem_vae *v,
                      const amem_hopfield *t, size_t n)
{
    AMEM__CHECK_NULL(v, fn);
    AMEM__CHECK_NULL(t, fn);
    int rc = amem__vae_check_built(fn, v);
    if (rc == AMEM_OK)
        rc = check_teacher(fn, v, t);
    if (rc == AMEM_OK && n == 0)
        rc = amem__fail(AMEM_E_DIM, fn, "no replays requested (n = 0)");
    if (rc == AMEM_OK)
        rc = amem__array_bytes(fn, "n", n, amem__vae_dim(v), sizeof(float),
                               NULL);
    return rc;
}

int amem_vae_replays(amem_vae *v, amem_hopfield *teacher, size_t n,
                     float *out)
{
    static const char fn[] = "amem_vae_replays";
    int rc = check_args(fn, v, teacher, n);
    if (rc != AMEM_OK)
        return rc;
    AMEM__CHECK_NULL(out, fn);
    float *cues = amem__alloc(n, amem__vae_dim(v), sizeof(float));
    if (cues == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu cues", n);
    rc = make_replays(fn, v, teacher, n, out, cues);
    free(cues);
    return rc;
}

/* Fresh replays into the attached data at every later epoch start. */
typedef struct replay_source {
    const char *fn;
    amem_vae *v;
    amem_hopfield *teacher;
    float *cues;
} replay_source;

static int next_replays(void *ctx)
{
    replay_source *s = ctx;
    return make_replays(s->fn, s->v, s->teacher, s->v->data_n, s->v->data,
                        s->cues);
}

int amem_vae_consolidate(amem_vae *v, amem_hopfield *teacher,
                         size_t n_replays, size_t steps,
                         amem_progress_fn progress, void *user, double *loss)
{
    static const char fn[] = "amem_vae_consolidate";
    if (loss)
        *loss = NAN;
    int rc = check_args(fn, v, teacher, n_replays);
    if (rc == AMEM_OK)
        rc = amem__train_check_steps(fn, steps);
    if (rc != AMEM_OK)
        return rc;
    size_t len = n_replays * amem__vae_dim(v);
    replay_source src = {fn, v, teacher, amem__alloc(len, 1, sizeof(float))};
    float *data = amem__alloc(len, 1, sizeof(float));
    if (src.cues == NULL || data == NULL) {
        free(src.cues);
        free(data);
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu replays",
                          n_replays);
    }
    rc = make_replays(fn, v, teacher, n_replays, data, src.cues);
    if (rc == AMEM_OK)
        rc = amem__vae_attach(fn, v, data, n_replays);
    else
        free(data);
    if (rc == AMEM_OK)
        rc = amem__vae_fit(fn, v, steps,
                           AMEM__VP(v, REPLAY_FRESH) != 0 ? next_replays : NULL,
                           &src, progress, user, loss);
    free(src.cues);
    return rc;
}
