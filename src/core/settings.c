/* Validation and look-ups of the pieces' settings tables. */
#include <math.h>
#include <stddef.h>

#include "core/error.h"
#include "core/modelfile.h"
#include "core/settings.h"

void amem__settings_defaults(const amem__settings *s, double *value)
{
    for (int i = 0; i < s->count; i++)
        value[i] = s->table[i].def;
}

/* An entry without a name is a slot kept for a later setting. */
int amem__settings_known(const amem__settings *s, int param)
{
    return param >= 0 && param < s->count && s->table[param].name != NULL &&
           s->table[param].min <= s->table[param].max;
}

int amem__settings_check(const amem__settings *s, const char *fn, int param,
                         double value)
{
    if (!amem__settings_known(s, param))
        return amem__fail(AMEM_E_ARG, fn, "unknown setting %d", param);
    const amem__setting *p = &s->table[param];
    if (!isfinite(value))
        return amem__fail(AMEM_E_NONFINITE, fn, "%s value is not finite",
                          p->name);
    if (value < p->min || value > p->max)
        return amem__fail(AMEM_E_RANGE, fn, "%s = %g outside [%g, %g]",
                          p->name, value, p->min, p->max);
    if (p->integer && value != floor(value))
        return amem__fail(AMEM_E_RANGE, fn, "%s = %g must be a whole number",
                          p->name, value);
    return AMEM_OK;
}

int amem__settings_bounds(const amem__settings *s, const char *fn, int param,
                          double *min, double *max, int *integer)
{
    if (!amem__settings_known(s, param))
        return amem__fail(AMEM_E_ARG, fn, "unknown setting %d", param);
    if (min)
        *min = s->table[param].min;
    if (max)
        *max = s->table[param].max;
    if (integer)
        *integer = s->table[param].integer;
    return AMEM_OK;
}

int amem__settings_get(const amem__settings *s, const char *fn,
                       const double *values, int param, double *out)
{
    AMEM__CHECK_NULL(out, fn);
    if (!amem__settings_known(s, param))
        return amem__fail(AMEM_E_ARG, fn, "unknown setting %d", param);
    *out = values[param];
    return AMEM_OK;
}

void amem__settings_put(amem__wbuf *w, const double *values, int count)
{
    amem__put_u32(w, (uint32_t)count);
    for (int i = 0; i < count; i++)
        amem__put_f64(w, values[i]);
}

int amem__settings_take(const char *fn, amem__rbuf *r, const amem__settings *s,
                        double *values, amem__setting_check check)
{
    uint32_t stored = amem__get_u32(r);
    if (r->failed || stored > (uint32_t)s->count)
        return amem__bad_file(fn, "truncated header or more settings than "
                                  "this library knows");
    for (int i = 0; i < (int)stored; i++) {
        double v = amem__get_f64(r);
        if (r->failed)
            return amem__bad_file(fn, "truncated settings");
        int rc = check ? check(fn, i, v) : amem__settings_check(s, fn, i, v);
        if (rc != AMEM_OK)
            return amem__bad_file(fn, "setting out of range");
        values[i] = v;
    }
    return AMEM_OK;
}
