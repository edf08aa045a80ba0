/*
 * Accuracy against the number of stored items (Fig. 2a, 3a, 4c, 5a): for
 * T = 1 and every multiple of cfg->curve_step up to cfg->curve_max_items,
 * the mean accuracy of cfg->curve_reps fresh episodes, written as CSV rows
 * "panel,model,items,accuracy,sd".
 */
#ifndef TF_CURVE_H
#define TF_CURVE_H

#include <stdio.h>

#include "config.h"
#include "episode.h"
#include "model.h"

/* Accuracy at a few item counts, for the report (NAN when not on the
 * grid). at_half: T = N/2, at_n: T = N, at_2n: T = 2N. */
typedef struct tf_curve_marks {
    double at_half, at_n, at_2n;
} tf_curve_marks;

/* One model's curve into csv. 0 or -1. */
int tf_curve(FILE *csv, const char *panel, const tf_model_spec *spec,
             const tf_episode_spec *es, const tf_config *cfg, uint64_t seed,
             tf_curve_marks *marks);

#endif
