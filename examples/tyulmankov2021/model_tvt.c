/*
 * The TVT baseline (Hung et al. 2019; paper Appendix B) behind the model
 * interface: amem_tvt, rows written in order, read by softmax of a learned
 * strength x cosine similarity with a learned query key. TVT has no global
 * third factor: a step with q = 0 writes nothing (and does not move its
 * counter), any q > 0 writes the item.
 */
#include <stdlib.h>
#include <string.h>

#include <assocmem/tvt.h>

#include "fail.h"
#include "model.h"

int tf_tvt_create(const tf_model_spec *spec, size_t d, size_t m,
                  uint64_t seed, tf_model *out)
{
    amem_tvt *h = NULL;
    int st = amem_tvt_create(d, spec->slots, m ? m : d, &h);
    if (st == 0)
        st = amem_tvt_set(h, AMEM_TVT_SEED, (double)(seed & 0xffffffffu));
    const tf_tvt_read *r = spec->tvt;
    if (st == 0 && r && r->d == d)
        st = amem_tvt_set_read_params(h, r->A, r->a, r->u, r->c);
    if (st != 0) {
        amem_tvt_free(h);
        return tf_fail("amem_tvt setup", st);
    }
    out->impl = h;
    return 0;
}

void tf_tvt_free(tf_model *model)
{
    amem_tvt_free(model->impl);
    model->impl = NULL;
}

int tf_tvt_step(tf_model *model, const float *key, const float *value,
                double q)
{
    if (q <= 0.0)
        return 0;
    int st = amem_tvt_write(model->impl, key, model->hetero ? value : NULL);
    return st == 0 ? 0 : tf_fail("amem_tvt_write", st);
}

int tf_tvt_read_batch(tf_model *model, const float *queries, size_t n,
                      float *out)
{
    int st = amem_tvt_read(model->impl, queries, n, out, NULL);
    return st == 0 ? 0 : tf_fail("amem_tvt_read", st);
}

void tf_tvt_read_free(tf_tvt_read *r)
{
    free(r->A);
    free(r->a);
    free(r->u);
    free(r->c);
    memset(r, 0, sizeof *r);
}

static int alloc_read(tf_tvt_read *r, size_t d)
{
    memset(r, 0, sizeof *r);
    r->d = d;
    r->A = malloc(d * d * sizeof *r->A);
    r->a = malloc(d * sizeof *r->a);
    r->u = malloc(d * sizeof *r->u);
    r->c = malloc(sizeof *r->c);
    if (r->A && r->a && r->u && r->c)
        return 0;
    tf_tvt_read_free(r);
    return tf_nomem();
}

/* A handle in training and its history (steps x AMEM_TVT_HISTORY_COLS). */
typedef struct tvt_run {
    const amem_tvt *h;
    float *history;
} tvt_run;

/* Progress callback: keeps each step's record in the history. */
static int keep_record(void *user, const char *stage, long done, long total,
                       double metric)
{
    const tvt_run *run = user;
    (void)stage, (void)total, (void)metric;
    return amem_tvt_get_last_step(run->h, run->history +
                                              (size_t)(done - 1) *
                                                  AMEM_TVT_HISTORY_COLS) != 0;
}

int tf_tvt_train(size_t n, size_t steps, uint64_t seed, tf_tvt_read *out,
                 float *history)
{
    amem_tvt *h = NULL;
    if (alloc_read(out, n) != 0)
        return -1;
    int st = amem_tvt_create(n, n, n, &h);
    if (st == 0)
        st = amem_tvt_set(h, AMEM_TVT_SEED, (double)(seed & 0xffffffffu));
    tvt_run run = {h, history};
    if (st == 0)
        st = amem_tvt_train(h, steps, history ? keep_record : NULL, &run,
                            NULL);
    if (st == 0)
        st = amem_tvt_get_read_params(h, out->A, out->a, out->u, out->c);
    amem_tvt_free(h);
    if (st != 0) {
        tf_tvt_read_free(out);
        return tf_fail("amem_tvt_train", st);
    }
    return 0;
}
