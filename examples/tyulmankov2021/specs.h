/* The model settings used across figures, built in one place. */
#ifndef TF_SPECS_H
#define TF_SPECS_H

#include "model.h"

/* Simplified rule with the sequential local third factor (Eq. 6). */
tf_model_spec tf_spec_sequential(size_t slots);

/* Simplified rule with the random local third factor p (Eq. 7);
 * p <= 0 means p = 4/N. */
tf_model_spec tf_spec_random(size_t slots, double p, const char *label);

/* Classical Hopfield / BAM with decay lambda and a synchronous step bound. */
tf_model_spec tf_spec_hopfield(double decay, int steps, const char *label);

/* TVT with trained read parameters (NULL: untrained start). */
tf_model_spec tf_spec_tvt(size_t slots, const tf_tvt_read *read);

/* A meta-learned rule. */
tf_model_spec tf_spec_trained(size_t slots, const tf_rule *rule,
                              const char *label);

#endif
