/*
 * One forward pass with a tape and its backward, on a batch of cues: the
 * building block of the trainer and of the gradient checks. All buffers come
 * from an arena, so a training loop allocates nothing once the arena has
 * grown to the size of its largest batch.
 */
#include <math.h>
#include <string.h>

#include "dam_impl.h"
#include "fb.h"

static float *arena_floats(amem__arena *ar, size_t n, int *fail)
{
    float *p = amem__arena_alloc(ar, (n ? n : 1) * sizeof(float));
    if (p == NULL)
        *fail = 1;
    return p;
}

int amem__dam_fb_forward(const amem_dam *h, amem__arena *ar,
                         const float *cues, const float *clamp, size_t b,
                         amem__dam_fb *c)
{
    amem__dam_cfg cfg;
    amem__dam_cfg_from(h, &cfg);
    size_t N = h->n_vis, M = h->n_hid;
    int fail = 0;
    c->b = b;
    c->ar = ar;
    c->gram = amem__dam_use_gram(&cfg);
    c->what = arena_floats(ar, M * N, &fail);
    c->norms = arena_floats(ar, M, &fail);
    c->out = arena_floats(ar, b * N, &fail);
    c->hidden = arena_floats(ar, b * M, &fail);
    c->dv = arena_floats(ar, b * N, &fail);
    if (fail)
        return AMEM_E_NOMEM;
    amem__dam_normalize_rows(h->w, M, N, c->what, c->norms);
    if (c->gram) {
        int rc = amem__dam_gram_forward(&c->gr, &cfg, c->what, cues, clamp,
                                        b, ar, 1);
        if (rc == AMEM_OK)
            amem__dam_gram_collect(&c->gr, c->out, c->hidden);
        c->time = c->gr.time;
        return rc;
    }
    c->work = arena_floats(ar, amem__dam_backward_floats(b, N, M), &fail);
    void *buf = amem__arena_alloc(ar, amem__dam_run_bytes(&cfg, b));
    if (fail || buf == NULL)
        return AMEM_E_NOMEM;
    amem__dam_run_setup(&c->run, &cfg, c->what, b, buf);
    memcpy(c->run.cue, cues, b * N * sizeof(float));
    if (clamp)
        memcpy(c->run.clamp, clamp, b * N * sizeof(float));
    else
        c->run.clamp = NULL;
    c->run.tape = ar;
    c->time = c->run.time;
    int rc = amem__dam_forward(&c->run);
    if (rc == AMEM_OK)
        amem__dam_collect(&c->run, c->out, c->hidden);
    return rc;
}

double amem__dam_fb_backward(const amem_dam *h, amem__dam_fb *c,
                             const float *targets, const float *wt,
                             float *grad)
{
    size_t N = h->n_vis, M = h->n_hid;
    double loss = 0.0;
    for (size_t i = 0; i < c->b; i++) {
        float w = wt ? wt[i] : 1.0f / (float)c->b;
        double li = 0.0;
        for (size_t j = 0; j < N; j++) {
            float d = c->out[i * N + j] - targets[i * N + j];
            li += (double)d * d;
            c->dv[i * N + j] = 2.0f * w * d; /* d/dv of w ||v - x||^2 */
        }
        loss += w * li;
    }
    if (c->gram) {
        if (amem__dam_gram_backward(&c->gr, c->dv, grad, c->ar) != AMEM_OK)
            return NAN;
    } else {
        amem__dam_backward(&c->run, c->dv, grad, c->work);
    }
    amem__dam_normalize_rows_backward(c->what, c->norms, M, N, grad);
    return loss;
}

int amem__dam_loss_grad(const amem_dam *h, const float *cues,
                        const float *clamp, const float *targets,
                        const float *wt, size_t b, double *loss, float *grad)
{
    amem__arena *ar = amem__arena_create(1 << 20);
    if (ar == NULL)
        return AMEM_E_NOMEM;
    amem__dam_fb c;
    int rc = amem__dam_fb_forward(h, ar, cues, clamp, b, &c);
    if (rc == AMEM_OK) {
        double l = amem__dam_fb_backward(h, &c, targets, wt, grad);
        if (isnan(l))
            rc = AMEM_E_NOMEM;
        if (loss)
            *loss = l;
    }
    amem__arena_free(ar);
    return rc;
}
