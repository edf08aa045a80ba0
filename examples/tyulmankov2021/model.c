/* Dispatch of the model interface to the per-kind adapters. */
#include <string.h>

#include "model.h"

static int is_hopfield(const tf_model *model)
{
    return model->kind == TF_HOPFIELD;
}

int tf_model_create(const tf_model_spec *spec, size_t d, size_t m,
                    uint64_t seed, tf_model *out)
{
    memset(out, 0, sizeof *out);
    out->kind = spec->kind;
    out->d = d;
    out->m = m ? m : d;
    out->hetero = m > 0;
    if (spec->kind == TF_HOPFIELD)
        return tf_hopfield_create(spec, d, m, out);
    if (spec->kind == TF_TVT)
        return tf_tvt_create(spec, d, m, seed, out);
    return tf_kv_create(spec, d, m, seed, out);
}

void tf_model_free(tf_model *model)
{
    if (!model->impl)
        return;
    if (is_hopfield(model))
        tf_hopfield_free(model);
    else if (model->kind == TF_TVT)
        tf_tvt_free(model);
    else
        tf_kv_free(model);
    model->impl = NULL;
}

int tf_model_step(tf_model *model, const float *key, const float *value,
                  double q)
{
    if (is_hopfield(model))
        return tf_hopfield_step(model, key, value, q);
    if (model->kind == TF_TVT)
        return tf_tvt_step(model, key, value, q);
    return tf_kv_step(model, key, value, q);
}

int tf_model_read(tf_model *model, const float *queries, size_t n,
                  float *out)
{
    if (is_hopfield(model))
        return tf_hopfield_read(model, queries, n, out);
    if (model->kind == TF_TVT)
        return tf_tvt_read_batch(model, queries, n, out);
    return tf_kv_read(model, queries, n, out);
}
