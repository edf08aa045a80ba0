/*
 * Spens & Burgess 2022 example: the parts of one data set's run.
 */
#ifndef SB_PARTS_H
#define SB_PARTS_H

#include <stdio.h>

#include <assocmem/hopfield.h>
#include <assocmem/vae.h>

#include "config.h"
#include "dataset.h"
#include "results.h"

#define SB_SHOW 10 /* images per grid row */

/* Report a failed library call; returns -1. */
int sb_fail(const char *what, int status);

/* Write n images of the data set's shape as a rows x SB_SHOW grid PNG
 * named <prefix>_<data set>.png in out_dir, with a title and one label per
 * row (labels may be NULL). 0 or -1. */
int sb_grid(const char *out_dir, const char *prefix, const sb_data *d,
            const float *images, size_t n, size_t rows, const char *title,
            const char *const *labels);

/* Figure 3: store the items one-shot in a modern Hopfield teacher, draw the
 * noise -> retrieved grid. *teacher receives the handle. */
int sb_teacher(const sb_config *cfg, const char *out_dir, const sb_data *d,
               sb_result *res, amem_hopfield **teacher);

/* Replay statistics of n replays (in [0, 1]) against the stored items. */
int sb_replay_stats(amem_hopfield *teacher, const sb_data *d,
                    const float *replays, size_t n, sb_result *res);

/* A built, untrained student for the data set (PATIENCE 0). */
int sb_student_create(const sb_config *cfg, const sb_data *d, uint64_t seed,
                      amem_vae **out);

/* Train on n images for cfg->epochs[d->which] epochs (early stopping after
 * cfg->patience epochs without a lower loss when > 0), measuring decoding
 * accuracy and held-out reconstruction error before every epoch and after
 * the last. */
int sb_train_tracked(const sb_config *cfg, amem_vae *v, const sb_data *d,
                     const float *images, size_t n, sb_curve *curve);

/* The authors' decoding accuracy: standardise + RBF SVC (C = 1) fitted on
 * the first `fit` items of the first half of n featurised held-out items,
 * scored on the second half. -1 on failure. */
double sb_decoding_accuracy(const float *features, const int32_t *labels,
                            size_t n, size_t dim, size_t fit);

/* Figure 4: recall from partial inputs by teacher, student and baseline
 * (may be NULL); grid and errors. */
int sb_recall_figure(const sb_config *cfg, const char *out_dir,
                     const sb_data *d, amem_hopfield *teacher,
                     amem_vae *student, amem_vae *baseline, sb_result *res);

/* Figure 6 left: interpolation rows; imagination samples; Figure 5 lower:
 * t-SNE of the student's latent means of held-out items (CSV). */
int sb_latent_figures(const sb_config *cfg, const char *out_dir,
                      const sb_data *d, amem_vae *student);

/* Figure 6 right: accuracy against training-set size, softmax regression
 * on the student's latents vs a small CNN on pixels. */
int sb_size_curve(const sb_config *cfg, const char *out_dir,
                  const sb_data *d, amem_vae *student, sb_result *res);

/* Write the per-epoch curves CSV of one data set. */
int sb_write_curves(const char *out_dir, const sb_data *d,
                    const sb_result *res);

/* The Markdown report. */
/* datasets.csv: each data set run, its title and whether it is real. */
int sb_write_datasets(const sb_config *cfg, const char *out_dir);

int sb_report(const sb_config *cfg, const char *out_dir,
              const sb_results *res);

/* The report's closing section: where and why we differ. */
void sb_report_differences(FILE *f, const sb_config *cfg,
                           const sb_results *res);

double sb_now(void);

#endif
