/* The model settings used across figures. */
#include "specs.h"

tf_model_spec tf_spec_sequential(size_t slots)
{
    return (tf_model_spec){.kind = TF_KV_SEQUENTIAL, .label = "sequential",
                           .slots = slots};
}

tf_model_spec tf_spec_random(size_t slots, double p, const char *label)
{
    return (tf_model_spec){.kind = TF_KV_RANDOM, .label = label,
                           .slots = slots, .p = p};
}

tf_model_spec tf_spec_hopfield(double decay, int steps, const char *label)
{
    return (tf_model_spec){.kind = TF_HOPFIELD, .label = label,
                           .decay = decay, .recall_steps = steps};
}

tf_model_spec tf_spec_tvt(size_t slots, const tf_tvt_read *read)
{
    return (tf_model_spec){.kind = TF_TVT, .label = "TVT", .slots = slots,
                           .tvt = read};
}

tf_model_spec tf_spec_trained(size_t slots, const tf_rule *rule,
                              const char *label)
{
    return (tf_model_spec){.kind = TF_KV_TRAINED, .label = label,
                           .slots = slots, .rule = rule};
}
