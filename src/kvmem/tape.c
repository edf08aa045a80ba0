/*
 * Episode tape: life cycle and the recording of writes and reads (see
 * kvmem.h). The steps are those of the differentiable episode
 * (episode_forward.c); tape_back.c walks them back.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "tape_impl.h"

void amem_kvmem_tape_free(amem_kvmem_tape *t)
{
    if (t == NULL)
        return;
    amem__kv_ep_free(&t->ep);
    free(t->X);
    free(t->Y);
    free(t->Q);
    free(t->Xq);
    free(t->call_time);
    free(t->call_first);
    free(t->call_n);
    free(t);
}

/* Allocate the copies; sizes already checked against overflow. */
static int alloc_copies(amem_kvmem_tape *t, size_t Td, size_t Tm, size_t Rd)
{
    t->X = amem__alloc(Td, 1, sizeof(float));
    t->Y = amem__alloc(Tm, 1, sizeof(float));
    t->Q = amem__alloc(t->T_cap, 1, sizeof(float));
    t->Xq = amem__alloc(Rd, 1, sizeof(float));
    t->call_time = amem__alloc(t->R_cap, 1, sizeof(size_t));
    t->call_first = amem__alloc(t->R_cap, 1, sizeof(size_t));
    t->call_n = amem__alloc(t->R_cap, 1, sizeof(size_t));
    return t->X && t->Y && t->Q && t->Xq && t->call_time && t->call_first &&
           t->call_n;
}

int amem_kvmem_tape_create(const amem_kvmem *h, size_t max_writes,
                           size_t max_reads, amem_kvmem_tape **out)
{
    static const char fn[] = "amem_kvmem_tape_create";
    AMEM__CHECK_NULL(out, fn);
    *out = NULL;
    AMEM__CHECK_NULL(h, fn);
    size_t Td, Tm, Rd;
    if (max_writes == 0 || max_reads == 0 ||
        amem__mul_size(max_writes, h->d, &Td) ||
        amem__mul_size(max_writes, h->m, &Tm) ||
        amem__mul_size(max_reads, h->d, &Rd))
        return amem__fail(AMEM_E_DIM, fn,
                          "capacities max_writes = %zu, max_reads = %zu must "
                          "be >= 1 and addressable",
                          max_writes, max_reads);
    amem_kvmem_tape *t = calloc(1, sizeof *t);
    if (t == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate the tape");
    t->d = h->d, t->N = h->N, t->m = h->m;
    t->T_cap = max_writes, t->R_cap = max_reads;
    int rc = amem__kv_ep_alloc(fn, &t->ep, h->d, h->N, h->m, max_writes,
                               max_reads);
    if (rc == AMEM_OK && !alloc_copies(t, Td, Tm, Rd))
        rc = amem__fail(AMEM_E_NOMEM, fn, "cannot allocate the tape");
    if (rc != AMEM_OK) {
        amem_kvmem_tape_free(t);
        return rc;
    }
    t->in = (amem__kv_episode_in){t->X, t->Y, t->Q, 0, t->Xq, NULL, 0};
    t->ep.in = &t->in;
    t->ep.r = &t->rule;
    amem__kv_ep_reset(&t->ep);
    *out = t;
    return AMEM_OK;
}

int amem_kvmem_tape_begin(amem_kvmem_tape *t, amem_kvmem *h)
{
    static const char fn[] = "amem_kvmem_tape_begin";
    AMEM__CHECK_NULL(t, fn);
    AMEM__CHECK_NULL(h, fn);
    if (h->d != t->d || h->N != t->N || h->m != t->m)
        return amem__fail(AMEM_E_DIM, fn,
                          "handle sizes (d %zu, N %zu, m %zu) differ from the "
                          "tape's (%zu, %zu, %zu)",
                          h->d, h->N, h->m, t->d, t->N, t->m);
    amem__kv_rule_from(h, &t->rule);
    amem__rng_seed(&t->rng, amem__rng_u64(&h->rng));
    t->advance_every =
        AMEM__KP(h, ADVANCE) == AMEM_KVMEM_ADVANCE_EVERY_WRITE;
    amem__kv_ep_reset(&t->ep);
    t->n_calls = t->back_w = t->back_c = 0;
    t->phase = TAPE_RECORDING;
    return AMEM_OK;
}

static int check_recording(const char *fn, const amem_kvmem_tape *t)
{
    if (t->phase == TAPE_RECORDING)
        return AMEM_OK;
    return amem__fail(AMEM_E_STATE, fn, t->phase == TAPE_IDLE
                                            ? "no episode begun"
                                            : "episode is being walked back; "
                                              "begin a new one first");
}

static int check_write(const char *fn, const amem_kvmem_tape *t,
                       const float *key, const float *value, double q)
{
    int rc = check_recording(fn, t);
    if (rc == AMEM_OK && t->ep.T == t->T_cap)
        rc = amem__fail(AMEM_E_RANGE, fn, "tape full (max_writes = %zu)",
                        t->T_cap);
    if (rc == AMEM_OK)
        rc = amem__check_array(fn, "key", key, 1, t->d);
    if (rc == AMEM_OK && value == NULL && t->m != t->d)
        rc = amem__fail(AMEM_E_DIM, fn,
                        "value NULL but m = %zu differs from d = %zu", t->m,
                        t->d);
    if (rc == AMEM_OK && value)
        rc = amem__check_array(fn, "value", value, 1, t->m);
    if (rc == AMEM_OK && !isfinite(q))
        rc = amem__fail(AMEM_E_NONFINITE, fn, "q is not finite");
    if (rc == AMEM_OK && (q < 0 || !isfinite((float)q)))
        rc = amem__fail(AMEM_E_RANGE, fn,
                        "q = %g is negative or beyond float range", q);
    return rc;
}

int amem_kvmem_tape_write(amem_kvmem_tape *t, const float *key,
                          const float *value, double q)
{
    static const char fn[] = "amem_kvmem_tape_write";
    AMEM__CHECK_NULL(t, fn);
    int rc = check_write(fn, t, key, value, q);
    if (rc != AMEM_OK)
        return rc;
    size_t w = t->ep.T;
    memcpy(t->X + w * t->d, key, t->d * sizeof(float));
    memcpy(t->Y + w * t->m, value ? value : key, t->m * sizeof(float));
    t->Q[w] = (float)q;
    amem__kv_ep_write(&t->ep, &t->rng, t->advance_every);
    t->back_w = t->ep.T;
    return AMEM_OK;
}

int amem_kvmem_tape_read(amem_kvmem_tape *t, const float *queries, size_t n,
                         float *out, float *hidden)
{
    static const char fn[] = "amem_kvmem_tape_read";
    AMEM__CHECK_NULL(t, fn);
    AMEM__CHECK_NULL(out, fn);
    int rc = check_recording(fn, t);
    if (rc != AMEM_OK)
        return rc;
    if (n == 0)
        return amem__fail(AMEM_E_DIM, fn, "n = 0 queries");
    if (n > t->R_cap - t->ep.R)
        return amem__fail(AMEM_E_RANGE, fn,
                          "%zu queries exceed the room left (%zu of "
                          "max_reads = %zu)",
                          n, t->R_cap - t->ep.R, t->R_cap);
    rc = amem__check_array(fn, "queries", queries, n, t->d);
    if (rc != AMEM_OK)
        return rc;
    size_t first = t->ep.R;
    memcpy(t->Xq + first * t->d, queries, n * t->d * sizeof(float));
    amem__kv_ep_read(&t->ep, n);
    memcpy(out, t->ep.Y + first * t->m, n * t->m * sizeof(float));
    if (hidden)
        memcpy(hidden, t->ep.Hq + first * t->N, n * t->N * sizeof(float));
    t->call_time[t->n_calls] = t->ep.T;
    t->call_first[t->n_calls] = first;
    t->call_n[t->n_calls] = n;
    t->back_c = ++t->n_calls;
    return AMEM_OK;
}

int amem_kvmem_tape_count(const amem_kvmem_tape *t, size_t *writes,
                          size_t *reads, size_t *remaining)
{
    static const char fn[] = "amem_kvmem_tape_count";
    AMEM__CHECK_NULL(t, fn);
    if (writes)
        *writes = t->phase == TAPE_IDLE ? 0 : t->ep.T;
    if (reads)
        *reads = t->phase == TAPE_IDLE ? 0 : t->ep.R;
    if (remaining)
        *remaining = t->phase == TAPE_IDLE ? 0 : t->back_w + t->back_c;
    return AMEM_OK;
}
