/* One recall trial: store, corrupt, recall, Hamming error (see trial.h). */
#include <stdlib.h>
#include <string.h>

#include <assocmem/data.h>

#include "trial.h"

int amb_trial_data(const amb_config *cfg, size_t n, size_t d, size_t q,
                   uint64_t seed, float *patterns, float *targets,
                   float *cues)
{
    int st = amem_patterns_random(patterns, n, d, seed);
    if (st != AMEM_OK)
        return amb_fail("patterns_random", st);
    for (size_t i = 0; i < q; i++)
        memcpy(targets + i * d, patterns + (i % n) * d, d * sizeof *targets);
    st = amem_corrupt_mix(targets, cues, q, d, cfg->theta, seed ^ 0x5bd1e995u);
    return st == AMEM_OK ? 0 : amb_fail("corrupt_mix", st);
}

int amb_trial_errors(amb_method m, const amb_config *cfg, size_t n, size_t d,
                     size_t q, uint64_t seed, float *per_query, double *mean)
{
    float *patterns = malloc(n * d * sizeof *patterns);
    float *targets = malloc(q * d * sizeof *targets);
    float *cues = malloc(q * d * sizeof *cues);
    float *out = malloc(q * d * sizeof *out);
    int rc = patterns && targets && cues && out ? 0 : -1;
    if (rc == 0)
        rc = amb_trial_data(cfg, n, d, q, seed, patterns, targets, cues);
    if (rc == 0)
        rc = amb_recall(m, cfg, patterns, n, d, cues, q, out);
    if (rc == 0) {
        int st = amem_metric_hamming(out, targets, q, d, per_query, mean);
        rc = st == AMEM_OK ? 0 : amb_fail("metric_hamming", st);
    }
    free(patterns), free(targets), free(cues), free(out);
    return rc;
}
