/* Public writes: validation, the local third factor, key then value rule. */
#include <math.h>

#include "core/check.h"
#include "core/error.h"
#include "core/jobs.h"
#include "kvmem_impl.h"

static int check_q(const char *fn, double q)
{
    if (!isfinite(q))
        return amem__fail(AMEM_E_NONFINITE, fn, "q is not finite");
    if (q < 0)
        return amem__fail(AMEM_E_RANGE, fn, "q = %g is negative", q);
    return AMEM_OK;
}

static int check_items(const char *fn, const amem_kvmem *h, const float *keys,
                       const float *values, size_t n)
{
    int rc = amem__check_array(fn, "keys", keys, n, h->d);
    if (rc != AMEM_OK)
        return rc;
    if (values == NULL) {
        if (h->m != h->d)
            return amem__fail(AMEM_E_DIM, fn,
                              "values NULL (autoassociative) but m = %zu "
                              "differs from d = %zu",
                              h->m, h->d);
        return AMEM_OK;
    }
    return amem__check_array(fn, "values", values, n, h->m);
}

/* One time step: gamma_t, then (q > 0) the key and value rules. */
static void write_one(amem_kvmem *h, const amem__kv_rule *r, const float *x,
                      const float *y, float q)
{
    if (r->random)
        h->n_gated = amem__kv_random_gate(&h->rng, r->p, h->N, h->gated);
    else
        h->n_gated = amem__kv_sequential_gate(h->pointer, h->gated);
    if (q > 0) {
        amem__kv_write_keys(h, r, x, q);
        amem__kv_write_values(h, r, x, y, q);
        h->count++;
    }
    if (q > 0 || AMEM__KP(h, ADVANCE) == AMEM_KVMEM_ADVANCE_EVERY_WRITE)
        h->pointer = (h->pointer + 1) % h->N;
}

/* Multiply-adds of one write's score passes (Eq. 9 and 11): a write at
 * d = m = 512, N = 1,000 runs on one BLAS thread (core/jobs.h). */
static double write_work(const amem_kvmem *h)
{
    return (double)h->N * (double)(h->d + h->m);
}

int amem_kvmem_write(amem_kvmem *h, const float *key, const float *value,
                     double q)
{
    static const char fn[] = "amem_kvmem_write";
    AMEM__CHECK_NULL(h, fn);
    int rc = check_items(fn, h, key, value, 1);
    if (rc == AMEM_OK)
        rc = check_q(fn, q);
    if (rc != AMEM_OK)
        return rc;
    amem__kv_rule r;
    amem__kv_rule_from(h, &r);
    int serial = amem__serial_begin(write_work(h));
    write_one(h, &r, key, value ? value : key, (float)q);
    amem__serial_end(serial);
    return AMEM_OK;
}

int amem_kvmem_write_many(amem_kvmem *h, const float *keys,
                          const float *values, const float *q, size_t n)
{
    static const char fn[] = "amem_kvmem_write_many";
    AMEM__CHECK_NULL(h, fn);
    if (n == 0)
        return amem__fail(AMEM_E_DIM, fn, "n is 0");
    int rc = check_items(fn, h, keys, values, n);
    for (size_t t = 0; rc == AMEM_OK && q != NULL && t < n; t++)
        rc = check_q(fn, q[t]);
    if (rc != AMEM_OK)
        return rc;
    amem__kv_rule r;
    amem__kv_rule_from(h, &r);
    int serial = amem__serial_begin(write_work(h));
    for (size_t t = 0; t < n; t++) {
        const float *x = keys + t * h->d;
        const float *y = values ? values + t * h->m : x;
        write_one(h, &r, x, y, q ? q[t] : 1.0f);
    }
    amem__serial_end(serial);
    return AMEM_OK;
}
