/*
 * Capacity (paper Section 3.1): the largest number of stored items T whose
 * recall accuracy stays >= 0.98, found as in the reference code
 * (get_capacity): double T while one fresh episode passes, then bisect;
 * repeated over fresh episodes and averaged. The search itself is the
 * library's amem_capacity_search (BISECT) with error = 1 - accuracy.
 * Slopes are least-squares lines C = slope N + offset over network sizes.
 */
#ifndef TF_CAPACITY_H
#define TF_CAPACITY_H

#include <stddef.h>
#include <stdint.h>

#include "episode.h"
#include "model.h"

#define TF_CAPACITY_THRESHOLD 0.98

/* One capacity measurement of spec at key dimension es->d; each probe's
 * accuracy is the mean of `episodes` fresh episodes (1: the reference
 * code's protocol). 0 or -1. */
int tf_capacity_once(const tf_model_spec *spec, const tf_episode_spec *es,
                     long max_items, size_t episodes, uint64_t seed,
                     long *capacity);

/* Mean and standard deviation of reps capacity measurements. 0 or -1. */
int tf_capacity_mean(const tf_model_spec *spec, const tf_episode_spec *es,
                     long max_items, size_t episodes, size_t reps,
                     uint64_t seed, double *mean, double *sd);

/* Least-squares line y = slope x + offset through n points (n >= 2). */
void tf_fit_line(const double *x, const double *y, size_t n, double *slope,
                 double *offset);

#endif
