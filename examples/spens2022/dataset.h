/*
 * Spens & Burgess 2022 example: the four data sets, converted to the
 * student's image shape. MNIST and Fashion-MNIST come from data/; the
 * Shapes3D-like and symmetric-solids-like sets are the library's
 * procedural stand-ins (assocmem/scenes.h).
 */
#ifndef SB_DATASET_H
#define SB_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "common/args.h"
#include "config.h"
#include "loadutil.h"

typedef struct sb_data {
    int which;                 /* enum sb_dataset */
    size_t channels, height, width, dim;
    size_t n_items, n_test;
    float *items, *test;       /* [0, 1], n x dim, channel-planar */
    int32_t *item_labels, *test_labels;
    int classes;
    const char *label_name;    /* what the labels are */
} sb_data;

/* The image shape of the student for data set `which` under cfg->model. */
void sb_data_shape(const sb_config *cfg, int which, size_t *c, size_t *h,
                   size_t *w);

/* Load or generate data set `which`: cfg->items training items and
 * cfg->test held-out items (fewer when the file has fewer). 0 or -1. */
int sb_data_load(const sb_config *cfg, const ex_args *args, int which,
                 sb_data *data);

void sb_data_free(sb_data *data);

#endif
