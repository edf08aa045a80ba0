/* Finite-difference gradient check; see testutil_grad.h. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "testutil_grad.h"

#define MAX_INPUTS 4

typedef struct harness {
    amem__graph *g;
    amem__rng rng;
    amem_test_build_fn build;
    void *ctx;
    int nin;
    amem_test_input *inputs;
    amem__node *vars[MAX_INPUTS];
} harness;

static amem__node *run(harness *h)
{
    amem__graph_reset(h->g);
    amem__rng_seed(&h->rng, 1234);
    h->g->rng = &h->rng;
    h->g->training = 1;
    for (int i = 0; i < h->nin; i++)
        h->vars[i] = amem__variable(h->g, h->inputs[i].values,
                                    h->inputs[i].ndim, h->inputs[i].shape);
    amem__node *out = h->build(h->g, h->vars, h->ctx);
    ck_assert_msg(h->g->status == 0 && out != NULL, "graph failed: %s",
                  h->g->error);
    return out;
}

static double projected(harness *h, const float *r)
{
    amem__node *out = run(h);
    double f = 0.0;
    for (size_t i = 0; i < out->size; i++)
        f += (double)r[i] * out->val[i];
    return f;
}

static size_t input_size(const amem_test_input *in)
{
    size_t n = 1;
    for (int d = 0; d < in->ndim; d++)
        n *= (size_t)in->shape[d];
    return n;
}

double amem_test_gradcheck(amem_test_build_fn build, void *ctx, int nin,
                           amem_test_input *inputs, double eps)
{
    ck_assert(nin >= 1 && nin <= MAX_INPUTS);
    harness h = {.g = amem__graph_create(1 << 20), .build = build, .ctx = ctx,
                 .nin = nin, .inputs = inputs};
    ck_assert(h.g != NULL);
    amem__node *out = run(&h);
    float *r = malloc(out->size * sizeof *r);
    amem_test_fill_uniform(r, out->size, -1.0f, 1.0f, 99);
    ck_assert_int_eq(amem__backward(h.g, out, r), 0);
    float *analytic[MAX_INPUTS];
    double scale = 1.0, worst = 0.0;
    for (int i = 0; i < nin; i++) {
        size_t n = input_size(&inputs[i]);
        analytic[i] = malloc(n * sizeof(float));
        memcpy(analytic[i], h.vars[i]->grad, n * sizeof(float));
        for (size_t k = 0; k < n; k++)
            scale = fmax(scale, fabs(analytic[i][k]));
    }
    for (int i = 0; i < nin; i++) {
        size_t n = input_size(&inputs[i]);
        for (size_t k = 0; k < n; k++) {
            float keep = inputs[i].values[k];
            inputs[i].values[k] = (float)(keep + eps);
            double up = projected(&h, r);
            inputs[i].values[k] = (float)(keep - eps);
            double down = projected(&h, r);
            inputs[i].values[k] = keep;
            double numeric = (up - down) / (2.0 * eps);
            worst = fmax(worst, fabs(numeric - analytic[i][k]));
        }
        free(analytic[i]);
    }
    free(r);
    amem__graph_free(h.g);
    return worst / scale;
}

void amem_test_fill_uniform(float *x, size_t n, float lo, float hi,
                            uint64_t seed)
{
    amem__rng rng;
    amem__rng_seed(&rng, seed);
    for (size_t i = 0; i < n; i++)
        x[i] = lo + (hi - lo) * (float)amem__rng_uniform(&rng);
}
