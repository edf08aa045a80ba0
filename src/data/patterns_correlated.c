/* amem_patterns_correlated: ±1 patterns around one random template. */
#include <stdlib.h>

#include "core/check.h"
#include "core/error.h"
#include "core/rng.h"
#include "data_args.h"

#include "assocmem/data.h"

static float fair_sign(amem__rng *rng)
{
    return (amem__rng_u64(rng) >> 63) ? 1.0f : -1.0f;
}

/* Template first (dim signs), then each pattern entry: redrawn with
 * probability `redraw` as a fresh fair sign, else copied from the template. */
static void draw_correlated(amem__rng *rng, float *out, size_t count,
                            size_t dim, double redraw, float *tmpl)
{
    amem__rng_signs(rng, tmpl, dim);
    for (size_t i = 0; i < count; i++) {
        float *row = out + i * dim;
        for (size_t j = 0; j < dim; j++)
            row[j] = amem__rng_uniform(rng) < redraw ? fair_sign(rng) : tmpl[j];
    }
}

AMEM_API int amem_patterns_correlated(float *out, size_t count, size_t dim,
                                      double redraw, uint64_t seed,
                                      float *template_out)
{
    static const char fn[] = "amem_patterns_correlated";
    size_t n;
    int rc = amem__check_unit_rows(fn, NULL, out, count, dim, "redraw", redraw, &n);
    if (rc != AMEM_OK)
        return rc;
    float *tmpl =
        template_out ? template_out : amem__alloc(dim, 1, sizeof *tmpl);
    if (tmpl == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "out of memory for the template");
    amem__rng rng;
    amem__rng_seed(&rng, seed);
    draw_correlated(&rng, out, count, dim, redraw, tmpl);
    if (tmpl != template_out)
        free(tmpl);
    return AMEM_OK;
}
