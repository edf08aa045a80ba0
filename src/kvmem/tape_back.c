/*
 * Episode tape: walking a recorded episode back (see kvmem.h), one read
 * call or write at a time, last first, through the episode's fused
 * backward steps (episode_backward.c).
 */
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "tape_impl.h"

int amem__kv_tape_last_is_read(const amem_kvmem_tape *t)
{
    return t->back_c > 0 && t->call_time[t->back_c - 1] == t->back_w;
}

void amem__kv_tape_start_back(amem_kvmem_tape *t)
{
    if (t->phase == TAPE_BACK)
        return;
    memset(t->ep.dK, 0, t->N * t->d * sizeof(float));
    memset(t->ep.dV, 0, t->N * t->m * sizeof(float));
    t->phase = TAPE_BACK;
}

/* AMEM_OK when the last remaining operation is a read (want_read) or a
 * write (!want_read). */
static int check_next(const char *fn, const amem_kvmem_tape *t,
                      int want_read)
{
    if (t->phase == TAPE_IDLE || t->back_w + t->back_c == 0)
        return amem__fail(AMEM_E_STATE, fn, "nothing left to walk back");
    int is_read = amem__kv_tape_last_is_read(t);
    if (is_read != want_read)
        return amem__fail(AMEM_E_STATE, fn,
                          "the last remaining operation is a %s",
                          is_read ? "read" : "write");
    return AMEM_OK;
}

/* Walk back the last read call; d_out checked by the caller. */
static void read_back(amem_kvmem_tape *t, const float *d_out,
                      float *d_queries)
{
    size_t c = --t->back_c;
    amem__kv_ep_read_back(&t->ep, t->call_time[c], t->call_first[c],
                          t->call_n[c], d_out, d_queries);
}

/* Walk back the last write into the caller's (overwritten) buffers. */
static void write_back(amem_kvmem_tape *t, float *d_key, float *d_value,
                       double *d_q, double *rule_grad)
{
    size_t w = --t->back_w;
    if (d_key)
        memset(d_key, 0, t->d * sizeof(float));
    if (d_value)
        memset(d_value, 0, t->m * sizeof(float));
    kv_write_grad wg = {d_key, d_value, 0, rule_grad};
    amem__kv_ep_write_back(&t->ep, w, &wg);
    if (d_q)
        *d_q = wg.dq;
}

int amem_kvmem_tape_back_read(amem_kvmem_tape *t, const float *d_out,
                              float *d_queries)
{
    static const char fn[] = "amem_kvmem_tape_back_read";
    AMEM__CHECK_NULL(t, fn);
    int rc = check_next(fn, t, 1);
    if (rc == AMEM_OK)
        rc = amem__check_array(fn, "d_out", d_out,
                               t->call_n[t->back_c - 1], t->m);
    if (rc != AMEM_OK)
        return rc;
    amem__kv_tape_start_back(t);
    read_back(t, d_out, d_queries);
    return AMEM_OK;
}

int amem_kvmem_tape_back_write(amem_kvmem_tape *t, float *d_key,
                               float *d_value, double *d_q,
                               double *rule_grad)
{
    static const char fn[] = "amem_kvmem_tape_back_write";
    AMEM__CHECK_NULL(t, fn);
    int rc = check_next(fn, t, 0);
    if (rc != AMEM_OK)
        return rc;
    amem__kv_tape_start_back(t);
    write_back(t, d_key, d_value, d_q, rule_grad);
    return AMEM_OK;
}

int amem_kvmem_tape_backward(amem_kvmem_tape *t, const float *d_out,
                             float *d_keys, float *d_values, float *d_q,
                             float *d_queries, double *rule_grad)
{
    static const char fn[] = "amem_kvmem_tape_backward";
    AMEM__CHECK_NULL(t, fn);
    if (t->phase != TAPE_RECORDING || t->back_w + t->back_c == 0)
        return amem__fail(AMEM_E_STATE, fn,
                          t->phase == TAPE_BACK
                              ? "the episode is already being walked back"
                              : "nothing recorded");
    if (t->ep.R > 0) {
        int rc = amem__check_array(fn, "d_out", d_out, t->ep.R, t->m);
        if (rc != AMEM_OK)
            return rc;
    }
    amem__kv_tape_start_back(t);
    if (rule_grad)
        memset(rule_grad, 0, AMEM__KV_THETA * sizeof(double));
    while (t->back_w + t->back_c > 0) {
        if (amem__kv_tape_last_is_read(t)) {
            size_t first = t->call_first[t->back_c - 1];
            read_back(t, d_out + first * t->m,
                      d_queries ? d_queries + first * t->d : NULL);
            continue;
        }
        size_t w = t->back_w - 1;
        double dq = 0;
        write_back(t, d_keys ? d_keys + w * t->d : NULL,
                   d_values ? d_values + w * t->m : NULL, &dq, rule_grad);
        if (d_q)
            d_q[w] = (float)dq;
    }
    return AMEM_OK;
}
