/* The optimizer's moments in model files (the step count is the caller's). */
#include "core/check.h"
#include "core/error.h"
#include "core/modelfile.h"
#include "optim.h"

void amem__adam_put_moments(amem__wbuf *w, const amem__adam *opt)
{
    amem__put_f32s(w, opt->m, opt->n);
    amem__put_f32s(w, opt->v, opt->n);
    if (opt->vmax != NULL)
        amem__put_f32s(w, opt->vmax, opt->n);
}

/* n floats into dst: all present, finite and (if nonneg) >= 0. */
static int get_moment(const char *fn, amem__rbuf *r, float *dst, size_t n,
                      int nonneg)
{
    if (!amem__rbuf_has(r, n, 4))
        return amem__bad_file(fn, "optimizer state longer than the file");
    amem__get_f32s(r, dst, n);
    if (r->failed || !amem__all_finite(dst, n))
        return amem__bad_file(fn, "non-finite optimizer state");
    for (size_t i = 0; nonneg && i < n; i++)
        if (dst[i] < 0.0f)
            return amem__bad_file(fn, "negative second moment");
    return AMEM_OK;
}

int amem__adam_get_moments(const char *fn, amem__rbuf *r, amem__adam *opt)
{
    int rc = get_moment(fn, r, opt->m, opt->n, 0);
    if (rc == AMEM_OK)
        rc = get_moment(fn, r, opt->v, opt->n, 1);
    if (rc == AMEM_OK && opt->vmax != NULL)
        rc = get_moment(fn, r, opt->vmax, opt->n, 1);
    return rc;
}
