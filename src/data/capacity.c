/*
 * Capacity search: the largest number of patterns whose recall error stays
 * at or below a threshold, from a caller-supplied error callback (see
 * include/assocmem/capacity.h for the three strategies and their exact
 * semantics).
 */
#include <limits.h>
#include <math.h>

#include "assocmem/capacity.h"
#include "core/error.h"

static const char FN[] = "amem_capacity_search";

typedef struct prober {
    amem_error_fn error_of;
    void *user;
    double threshold;
    amem_progress_fn progress;
    void *progress_user;
    long evaluations;
} prober;

/* Evaluate the error at n; *pass = (error <= threshold). */
static int probe(prober *p, long n, int *pass)
{
    double e = p->error_of(p->user, n);
    p->evaluations++;
    if (isnan(e) || e < 0)
        return amem__fail(AMEM_E_CANCELLED, FN,
                          "error callback returned %g for n = %ld", e, n);
    if (p->progress &&
        p->progress(p->progress_user, "capacity", p->evaluations, 0, e) != 0)
        return amem__fail(AMEM_E_CANCELLED, FN,
                          "cancelled after %ld evaluations", p->evaluations);
    *pass = e <= p->threshold;
    return AMEM_OK;
}

static int scan_up(prober *p, long lo, long hi, long *cap)
{
    for (long n = lo; n <= hi; n++) {
        int pass, rc = probe(p, n, &pass);
        if (rc != AMEM_OK)
            return rc;
        if (!pass) {
            *cap = n - 1;
            return AMEM_OK;
        }
    }
    *cap = hi;
    return AMEM_OK;
}

static int scan_down(prober *p, long lo, long hi, long *cap)
{
    for (long n = hi; n >= lo; n--) {
        int pass, rc = probe(p, n, &pass);
        if (rc != AMEM_OK)
            return rc;
        if (pass) {
            *cap = n;
            return AMEM_OK;
        }
    }
    *cap = lo - 1;
    return AMEM_OK;
}

/* Galloping from a passing lo: probes lo+1, lo+2, lo+4, ... up to hi. On
 * return *lo passes and *fail is the first failing probe (or hi + 1). */
static int gallop(prober *p, long *lo, long hi, long *fail)
{
    long step = 1;
    *fail = hi + 1;
    while (*lo < hi) {
        long n = step > hi - *lo ? hi : *lo + step;
        int pass, rc = probe(p, n, &pass);
        if (rc != AMEM_OK)
            return rc;
        if (!pass) {
            *fail = n;
            return AMEM_OK;
        }
        *lo = n;
        step = step > LONG_MAX / 2 ? step : step * 2;
    }
    return AMEM_OK;
}

static int bisect(prober *p, long lo, long hi, long *cap)
{
    int pass, rc = probe(p, lo, &pass);
    if (rc != AMEM_OK)
        return rc;
    if (!pass) {
        *cap = lo - 1;
        return AMEM_OK;
    }
    long fail;
    if ((rc = gallop(p, &lo, hi, &fail)) != AMEM_OK)
        return rc;
    while (fail - lo > 1) {
        long mid = lo + (fail - lo) / 2;
        if ((rc = probe(p, mid, &pass)) != AMEM_OK)
            return rc;
        if (pass)
            lo = mid;
        else
            fail = mid;
    }
    *cap = lo;
    return AMEM_OK;
}

static int check_args(amem_error_fn error_of, long n_min, long n_max,
                      double threshold, int method, const long *capacity)
{
    if (error_of == NULL)
        return amem__fail(AMEM_E_NULL, FN, "error_of is NULL");
    if (capacity == NULL)
        return amem__fail(AMEM_E_NULL, FN, "capacity is NULL");
    if (n_min < 1 || n_max < n_min || n_max == LONG_MAX)
        return amem__fail(AMEM_E_RANGE, FN,
                          "need 1 <= n_min <= n_max < LONG_MAX, got [%ld, %ld]",
                          n_min, n_max);
    if (!isfinite(threshold))
        return amem__fail(AMEM_E_NONFINITE, FN, "threshold is not finite");
    if (method < AMEM_CAPACITY_SCAN_UP || method > AMEM_CAPACITY_SCAN_DOWN)
        return amem__fail(AMEM_E_ARG, FN, "unknown method %d", method);
    return AMEM_OK;
}

int amem_capacity_search(amem_error_fn error_of, void *user, long n_min,
                         long n_max, double threshold, int method,
                         long *capacity, long *evaluations,
                         amem_progress_fn progress, void *progress_user)
{
    int rc = check_args(error_of, n_min, n_max, threshold, method, capacity);
    if (rc != AMEM_OK)
        return rc;
    prober p = {error_of, user, threshold, progress, progress_user, 0};
    long cap = 0;
    if (method == AMEM_CAPACITY_SCAN_UP)
        rc = scan_up(&p, n_min, n_max, &cap);
    else if (method == AMEM_CAPACITY_SCAN_DOWN)
        rc = scan_down(&p, n_min, n_max, &cap);
    else
        rc = bisect(&p, n_min, n_max, &cap);
    if (evaluations)
        *evaluations = p.evaluations;
    if (rc == AMEM_OK)
        *capacity = cap;
    return rc;
}
