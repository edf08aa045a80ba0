/* The training set kept in the handle and its per-item records. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "dam_impl.h"

int amem_dam_set_data(amem_dam *h, const float *items,
                      const int32_t *exceptions, size_t n)
{
    static const char fn[] = "amem_dam_set_data";
    AMEM__CHECK_NULL(h, fn);
    if (n == 0)
        return amem__fail(AMEM_E_DIM, fn, "n is 0");
    int rc = amem__array_bytes(fn, "n", n, AMEM__RAW_COUNT, sizeof(float),
                               NULL);
    if (rc == AMEM_OK)
        rc = amem__check_array(fn, "items", items, n, h->n_vis);
    if (rc != AMEM_OK)
        return rc;
    for (size_t i = 0; exceptions && i < n; i++)
        if (exceptions[i] != 0 && exceptions[i] != 1)
            return amem__fail(AMEM_E_ARG, fn, "label %zu is %d, need 0/1", i,
                              (int)exceptions[i]);
    float *x = amem__alloc(n, h->n_vis, sizeof(float));
    float *raw = amem__alloc(n, AMEM__RAW_COUNT, sizeof(float));
    int32_t *lab = exceptions ? amem__alloc(n, 1, sizeof(int32_t)) : NULL;
    size_t *order = amem__zalloc(n, 1, sizeof(size_t));
    if (!x || !raw || !order || (exceptions && !lab)) {
        free(x);
        free(raw);
        free(lab);
        free(order);
        return amem__fail(AMEM_E_NOMEM, fn, "cannot copy %zu items", n);
    }
    memcpy(x, items, n * h->n_vis * sizeof(float));
    if (lab)
        memcpy(lab, exceptions, n * sizeof(int32_t));
    free(h->items);
    free(h->raw);
    free(h->labels);
    free(h->order);
    h->items = x;
    h->order = order;
    h->epoch_pos = 0;
    h->raw = raw;
    h->labels = lab;
    h->count = n;
    amem__dam_clear_records(h);
    return AMEM_OK;
}

/* The derived records (SIGNAL, ALPHA, WEIGHT) of every item. */
static int derived_record(const amem_dam *h, int which, float *out)
{
    double *a = amem__alloc(2, h->count, sizeof(double));
    if (a == NULL)
        return amem__fail(AMEM_E_NOMEM, "amem_dam_get_item_record",
                          "cannot allocate %zu doubles", 2 * h->count);
    int sig = (int)AMEM__DP(h, SIGNAL);
    amem__dam_alphas(h, a);
    if (which == AMEM_DAM_RECORD_WEIGHT)
        amem__dam_softmax_weights(a, h->count, AMEM__DP(h, GAMMA),
                                  a + h->count);
    for (size_t i = 0; i < h->count; i++) {
        const float *raw = h->raw + i * AMEM__RAW_COUNT;
        double s = amem__dam_signal_of(sig, raw,
                                       h->labels ? h->labels[i] : 0);
        if (sig != AMEM_DAM_SIGNAL_GROUND_TRUTH && raw[AMEM__RAW_USES] == 0)
            s = NAN;
        out[i] = (float)(which == AMEM_DAM_RECORD_SIGNAL  ? s
                         : which == AMEM_DAM_RECORD_ALPHA ? a[i]
                                                          : a[h->count + i]);
    }
    free(a);
    return AMEM_OK;
}

int amem_dam_get_item_record(const amem_dam *h, int which, float *out)
{
    static const char fn[] = "amem_dam_get_item_record";
    AMEM__CHECK_NULL(h, fn);
    AMEM__CHECK_NULL(out, fn);
    if (which < 0 || which >= AMEM__DAM_NRECORD)
        return amem__fail(AMEM_E_ARG, fn, "unknown record %d", which);
    if (h->count == 0)
        return amem__fail(AMEM_E_STATE, fn, "no training set");
    static const int raw_of[AMEM__DAM_NRECORD] = {
        AMEM__RAW_LOSS, AMEM__RAW_TIME, AMEM__RAW_ENTROPY, AMEM__RAW_MAX,
        AMEM__RAW_NORM, -1, -1, -1, AMEM__RAW_USES};
    if (raw_of[which] < 0)
        return derived_record(h, which, out);
    for (size_t i = 0; i < h->count; i++)
        out[i] = h->raw[i * AMEM__RAW_COUNT + raw_of[which]];
    return AMEM_OK;
}
