/* Accuracy against the number of stored items: T = 1, then the multiples
 * of the step. */
#include <math.h>

#include "curve.h"
#include "log.h"
#include "recall.h"

static void mark(tf_curve_marks *m, size_t n, size_t T, double acc)
{
    if (T == n / 2)
        m->at_half = acc;
    if (T == n)
        m->at_n = acc;
    if (T == 2 * n)
        m->at_2n = acc;
}

int tf_curve(FILE *csv, const char *panel, const tf_model_spec *spec,
             const tf_episode_spec *es, const tf_config *cfg, uint64_t seed,
             tf_curve_marks *marks)
{
    tf_curve_marks m = {NAN, NAN, NAN};
    for (size_t T = 1; T <= cfg->curve_max_items;
         T = (T / cfg->curve_step + 1) * cfg->curve_step) {
        double mean = 0, sd = 0;
        if (tf_recall_accuracy(spec, es, T, cfg->curve_reps, seed + T, &mean,
                               &sd) != 0)
            return -1;
        fprintf(csv, "%s,%s,%zu,%.6f,%.6f\n", panel, spec->label, T, mean,
                sd);
        mark(&m, cfg->n, T, mean);
    }
    tf_log("%s: %s accuracy at T=N %.3f", panel, spec->label, m.at_n);
    if (marks)
        *marks = m;
    return 0;
}
