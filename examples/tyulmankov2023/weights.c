/* Trained memories as a PNG grid, and their nearest data items. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <assocmem/assocmem.h>
#include <assocmem/dam.h>

#include "common/png_grid.h"
#include "run.h"
#include "weights.h"

const double ty_cos_thresholds[TY_N_COS] = {0.8, 0.9};

/* Cosine of a unit memory with a unit item. */
static double dot(const float *a, const float *b, size_t n)
{
    double s = 0.0;
    for (size_t j = 0; j < n; j++)
        s += (double)a[j] * b[j];
    return s;
}

/* Index of the item most similar to memory xi; *best gets the cosine. */
static size_t nearest_item(const ty_dataset *ds, const float *xi,
                           double *best)
{
    size_t arg = 0;
    *best = -INFINITY;
    for (size_t i = 0; i < ty_dataset_count(ds); i++) {
        double c = dot(xi, ds->items + i * ds->dim, ds->dim);
        if (c > *best) {
            *best = c;
            arg = i;
        }
    }
    return arg;
}

/* Best cosine between x and any of the m unit rows of w (memories, or
 * items). */
static double best_memory(const float *w, size_t m, size_t dim,
                          const float *x)
{
    double best = -INFINITY;
    for (size_t mu = 0; mu < m; mu++) {
        double c = dot(w + mu * dim, x, dim);
        best = c > best ? c : best;
    }
    return best;
}

static void summarise(const float *w, size_t m, const ty_dataset *ds,
                      ty_weight_summary *sum)
{
    double cos;
    sum->n_memories = m;
    sum->nearest_exception = 0;
    for (size_t mu = 0; mu < m; mu++)
        sum->nearest_exception +=
            ds->is_exception[nearest_item(ds, w + mu * ds->dim, &cos)];
    for (int k = 0; k < TY_N_COS; k++)
        sum->resembles_exception[k] = 0;
    for (size_t mu = 0; mu < m; mu++) {
        double best = best_memory(ds->items + ds->n_regular * ds->dim,
                                  ds->n_exception, ds->dim, w + mu * ds->dim);
        for (int k = 0; k < TY_N_COS; k++)
            sum->resembles_exception[k] += best >= ty_cos_thresholds[k];
    }
    for (size_t e = 0; e < ds->n_exception && e < TY_MAX_EXCEPTIONS; e++)
        sum->exception_match[e] = best_memory(
            w, m, ds->dim, ds->items + (ds->n_regular + e) * ds->dim);
    double total = 0.0;
    for (size_t i = 0; i < ds->n_regular; i++)
        total += best_memory(w, m, ds->dim, ds->items + i * ds->dim);
    sum->regular_match_mean = total / (double)ds->n_regular;
}

static void value_range(const float *w, size_t n, float *lo, float *hi)
{
    *lo = *hi = w[0];
    for (size_t i = 1; i < n; i++) {
        *lo = w[i] < *lo ? w[i] : *lo;
        *hi = w[i] > *hi ? w[i] : *hi;
    }
}

int ty_weights_write(amem_dam *net, const ty_dataset *ds,
                     const char *png_path, ty_weight_summary *sum)
{
    size_t m = 0;
    amem_dam_hidden(net, &m);
    float *w = malloc(m * ds->dim * sizeof *w);
    if (!w) {
        fprintf(stderr, "tyulmankov2023: out of memory\n");
        return -1;
    }
    int st = amem_dam_get_weights(net, w, 1), rc = 0;
    if (st != AMEM_OK) {
        rc = ty_fail("amem_dam_get_weights", st);
    } else {
        float lo, hi;
        value_range(w, m * ds->dim, &lo, &hi);
        size_t cols = 10, rows = (m + cols - 1) / cols;
        rc = ex_png_grid_gray(png_path, w, m, rows, cols, ds->height,
                              ds->width, lo, hi);
        summarise(w, m, ds, sum);
    }
    free(w);
    return rc;
}
