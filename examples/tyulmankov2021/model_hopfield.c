/*
 * The Hopfield baselines: classical Hopfield network (autoassociative) and
 * BAM (heteroassociative), W <- lambda W + q x x^T / d per time step
 * (footnote 4: decay lambda and the same global third factor q as the
 * key-value network). The decay applies at every time step, also when
 * nothing is stored, as in the reference code. Recall: synchronous sign
 * updates from the query, at most spec.recall_steps steps (one step for
 * BAM gives y = sign(W x)).
 */
#include <stdlib.h>

#include <assocmem/hopfield.h>

#include "fail.h"
#include "model.h"

typedef struct hop_impl {
    amem_hopfield *net;
    double decay;
    float *zeros; /* a zero key (and value) for decay-only steps */
} hop_impl;

static int hop_settings(amem_hopfield *net, const tf_model_spec *spec)
{
    const struct { int param; double value; } s[] = {
        {AMEM_HOPFIELD_UPDATE, AMEM_HOPFIELD_UPDATE_SYNC},
        {AMEM_HOPFIELD_ZERO_DIAGONAL, 0},
        {AMEM_HOPFIELD_DECAY, spec->decay > 0 ? spec->decay : 1.0},
        {AMEM_HOPFIELD_MAX_STEPS,
         spec->recall_steps > 0 ? spec->recall_steps : 100},
    };
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
        int st = amem_hopfield_set(net, s[i].param, s[i].value);
        if (st != 0)
            return tf_fail("amem_hopfield_set", st);
    }
    return 0;
}

int tf_hopfield_create(const tf_model_spec *spec, size_t d, size_t m,
                       tf_model *out)
{
    hop_impl *impl = calloc(1, sizeof *impl);
    size_t width = d > m ? d : m;
    if (!impl || !(impl->zeros = calloc(width, sizeof *impl->zeros))) {
        free(impl);
        return tf_nomem();
    }
    impl->decay = spec->decay > 0 ? spec->decay : 1.0;
    out->impl = impl;
    int st = amem_hopfield_create(AMEM_HOPFIELD_CLASSICAL, d, m, &impl->net);
    if (st != 0) {
        tf_hopfield_free(out);
        return tf_fail("amem_hopfield_create", st);
    }
    if (hop_settings(impl->net, spec) != 0) {
        tf_hopfield_free(out);
        return -1;
    }
    return 0;
}

void tf_hopfield_free(tf_model *model)
{
    hop_impl *impl = model->impl;
    if (!impl)
        return;
    amem_hopfield_free(impl->net);
    free(impl->zeros);
    free(impl);
    model->impl = NULL;
}

static int hop_store(tf_model *model, const float *key, const float *value)
{
    hop_impl *impl = model->impl;
    int st = model->hetero
                 ? amem_hopfield_store_pairs(impl->net, key, value, 1)
                 : amem_hopfield_store(impl->net, key, 1);
    return st == 0 ? 0 : tf_fail("amem_hopfield_store", st);
}

int tf_hopfield_step(tf_model *model, const float *key, const float *value,
                     double q)
{
    hop_impl *impl = model->impl;
    if (q <= 0.0) {
        if (impl->decay >= 1.0)
            return 0;
        /* lambda W + q 0 0^T: the decay alone */
        return hop_store(model, impl->zeros, impl->zeros);
    }
    int st = amem_hopfield_set(impl->net, AMEM_HOPFIELD_WRITE_STRENGTH, q);
    if (st != 0)
        return tf_fail("amem_hopfield_set", st);
    return hop_store(model, key, value);
}

int tf_hopfield_read(tf_model *model, const float *queries, size_t n,
                     float *out)
{
    hop_impl *impl = model->impl;
    int st = amem_hopfield_recall(impl->net, queries, n, NULL, out, NULL,
                                  NULL);
    return st == 0 ? 0 : tf_fail("amem_hopfield_recall", st);
}
