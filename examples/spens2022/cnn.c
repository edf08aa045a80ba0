/*
 * Spens & Burgess 2022 example: the from-scratch CNN baseline (cnn.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cnn.h"

#define F1 8
#define K1 5
#define F2 16
#define K2 3
#define STRIDE 2
#define BATCH 16
#define LR 2e-3

typedef struct conv_shape {
    size_t cin, h, w, cout, k, ho, wo;
} conv_shape;

struct sb_cnn {
    conv_shape l1, l2;
    int classes;
    size_t count, w1, b1, w2, b2, wd, bd; /* parameter offsets */
    float *p, *g, *m, *v;                 /* params, grad, Adam moments */
    float *x, *a1, *a2, *d1, *d2, *pool, *logits;
    long t;
    uint64_t rng;
};

static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
    return *s;
}

static double uniform(uint64_t *s)
{
    return (double)(next(s) >> 11) * (1.0 / 9007199254740992.0);
}

static conv_shape shape(size_t cin, size_t h, size_t w, size_t cout, size_t k)
{
    conv_shape c = {cin, h, w, cout, k, (h - k) / STRIDE + 1,
                    (w - k) / STRIDE + 1};
    return c;
}

/* out[o][y][x] = b[o] + sum_{c,i,j} W[o][c][i][j] in[c][sy+i][sx+j] */
static void conv_forward(const conv_shape *s, const float *in, const float *w,
                         const float *b, float *out)
{
    size_t plane = s->ho * s->wo;
    for (size_t o = 0; o < s->cout; o++) {
        float *dst = out + o * plane;
        for (size_t q = 0; q < plane; q++)
            dst[q] = b[o];
        for (size_t c = 0; c < s->cin; c++)
            for (size_t i = 0; i < s->k; i++)
                for (size_t j = 0; j < s->k; j++) {
                    float wv = w[((o * s->cin + c) * s->k + i) * s->k + j];
                    const float *src = in + (c * s->h + i) * s->w + j;
                    for (size_t y = 0; y < s->ho; y++)
                        for (size_t x = 0; x < s->wo; x++)
                            dst[y * s->wo + x] +=
                                wv * src[y * STRIDE * s->w + x * STRIDE];
                }
    }
}

/* dW += dout * in, db += dout, din += W^T dout (din may be NULL). */
static void conv_backward(const conv_shape *s, const float *in,
                          const float *w, const float *dout, float *dw,
                          float *db, float *din)
{
    size_t plane = s->ho * s->wo;
    for (size_t o = 0; o < s->cout; o++) {
        const float *g = dout + o * plane;
        for (size_t q = 0; q < plane; q++)
            db[o] += g[q];
        for (size_t c = 0; c < s->cin; c++)
            for (size_t i = 0; i < s->k; i++)
                for (size_t j = 0; j < s->k; j++) {
                    size_t wi = ((o * s->cin + c) * s->k + i) * s->k + j;
                    size_t off = (c * s->h + i) * s->w + j;
                    float acc = 0.0f, wv = w[wi];
                    for (size_t y = 0; y < s->ho; y++)
                        for (size_t x = 0; x < s->wo; x++) {
                            size_t at = off + y * STRIDE * s->w + x * STRIDE;
                            acc += g[y * s->wo + x] * in[at];
                            if (din)
                                din[at] += wv * g[y * s->wo + x];
                        }
                    dw[wi] += acc;
                }
    }
}

static void he_uniform(float *w, size_t n, size_t fan_in, uint64_t *rng)
{
    double limit = sqrt(6.0 / (double)fan_in);
    for (size_t i = 0; i < n; i++)
        w[i] = (float)((2.0 * uniform(rng) - 1.0) * limit);
}

static void layout(sb_cnn *n)
{
    n->w1 = 0;
    n->b1 = n->w1 + F1 * n->l1.cin * K1 * K1;
    n->w2 = n->b1 + F1;
    n->b2 = n->w2 + F2 * F1 * K2 * K2;
    n->wd = n->b2 + F2;
    n->bd = n->wd + (size_t)n->classes * F2;
    n->count = n->bd + (size_t)n->classes;
}

sb_cnn *sb_cnn_create(size_t channels, size_t height, size_t width,
                      int classes, uint64_t seed)
{
    sb_cnn *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->l1 = shape(channels, height, width, F1, K1);
    n->l2 = shape(F1, n->l1.ho, n->l1.wo, F2, K2);
    n->classes = classes;
    n->rng = seed * 0x9E3779B97F4A7C15ull + 1;
    layout(n);
    size_t in = channels * height * width, h1 = F1 * n->l1.ho * n->l1.wo,
           h2 = F2 * n->l2.ho * n->l2.wo;
    n->p = calloc(4 * n->count, sizeof(float));
    n->x = malloc((in + 2 * h1 + 2 * h2 + F2 + (size_t)classes) * sizeof(float));
    if (!n->p || !n->x) {
        sb_cnn_free(n);
        return NULL;
    }
    n->g = n->p + n->count, n->m = n->g + n->count, n->v = n->m + n->count;
    n->a1 = n->x + in, n->d1 = n->a1 + h1, n->a2 = n->d1 + h1;
    n->d2 = n->a2 + h2, n->pool = n->d2 + h2, n->logits = n->pool + F2;
    he_uniform(n->p + n->w1, n->b1 - n->w1, channels * K1 * K1, &n->rng);
    he_uniform(n->p + n->w2, n->b2 - n->w2, F1 * K2 * K2, &n->rng);
    he_uniform(n->p + n->wd, n->bd - n->wd, F2, &n->rng);
    return n;
}

void sb_cnn_free(sb_cnn *net)
{
    if (!net)
        return;
    free(net->p);
    free(net->x);
    free(net);
}

static void relu(float *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        a[i] = a[i] > 0.0f ? a[i] : 0.0f;
}

/* Forward pass of one image; the logits end in net->logits. */
static void forward(sb_cnn *n, const float *image)
{
    size_t in = n->l1.cin * n->l1.h * n->l1.w, plane = n->l2.ho * n->l2.wo;
    for (size_t i = 0; i < in; i++)
        n->x[i] = image[i] - 0.5f;
    conv_forward(&n->l1, n->x, n->p + n->w1, n->p + n->b1, n->a1);
    relu(n->a1, F1 * n->l1.ho * n->l1.wo);
    conv_forward(&n->l2, n->a1, n->p + n->w2, n->p + n->b2, n->a2);
    relu(n->a2, F2 * plane);
    for (size_t f = 0; f < F2; f++) {
        double s = 0.0;
        for (size_t q = 0; q < plane; q++)
            s += n->a2[f * plane + q];
        n->pool[f] = (float)(s / (double)plane);
    }
    for (int c = 0; c < n->classes; c++) {
        double s = n->p[n->bd + c];
        for (size_t f = 0; f < F2; f++)
            s += n->p[n->wd + c * F2 + f] * n->pool[f];
        n->logits[c] = (float)s;
    }
}

/* Softmax of the logits in place (max subtracted); returns -log p[label]. */
static double softmax_loss(float *z, int classes, int32_t label)
{
    float top = z[0];
    for (int c = 1; c < classes; c++)
        top = z[c] > top ? z[c] : top;
    double sum = 0.0;
    for (int c = 0; c < classes; c++)
        sum += exp((double)(z[c] - top));
    double loss = log(sum) - (double)(z[label] - top);
    for (int c = 0; c < classes; c++)
        z[c] = (float)(exp((double)(z[c] - top)) / sum);
    return loss;
}

double sb_cnn_loss_grad(sb_cnn *n, const float *image, int32_t label)
{
    forward(n, image);
    double loss = softmax_loss(n->logits, n->classes, label);
    size_t plane = n->l2.ho * n->l2.wo, h1 = F1 * n->l1.ho * n->l1.wo;
    n->logits[label] -= 1.0f; /* d loss / d logits = p - onehot */
    float dpool[F2] = {0};
    for (int c = 0; c < n->classes; c++) {
        n->g[n->bd + c] += n->logits[c];
        for (size_t f = 0; f < F2; f++) {
            n->g[n->wd + c * F2 + f] += n->logits[c] * n->pool[f];
            dpool[f] += n->logits[c] * n->p[n->wd + c * F2 + f];
        }
    }
    for (size_t f = 0; f < F2; f++) /* through the mean and the ReLU */
        for (size_t q = 0; q < plane; q++)
            n->d2[f * plane + q] =
                n->a2[f * plane + q] > 0.0f ? dpool[f] / (float)plane : 0.0f;
    memset(n->d1, 0, h1 * sizeof(float));
    conv_backward(&n->l2, n->a1, n->p + n->w2, n->d2, n->g + n->w2,
                  n->g + n->b2, n->d1);
    for (size_t i = 0; i < h1; i++)
        n->d1[i] = n->a1[i] > 0.0f ? n->d1[i] : 0.0f;
    conv_backward(&n->l1, n->x, n->p + n->w1, n->d1, n->g + n->w1,
                  n->g + n->b1, NULL);
    return loss;
}

float *sb_cnn_params(sb_cnn *net, float **grad, size_t *count)
{
    *grad = net->g;
    *count = net->count;
    return net->p;
}

/* Adam (Kingma & Ba 2015) on the mean gradient of a batch of `size`. */
static void adam_step(sb_cnn *n, size_t size)
{
    const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
    n->t++;
    double c1 = 1.0 - pow(b1, (double)n->t), c2 = 1.0 - pow(b2, (double)n->t);
    for (size_t i = 0; i < n->count; i++) {
        double g = n->g[i] / (double)size;
        n->m[i] = (float)(b1 * n->m[i] + (1 - b1) * g);
        n->v[i] = (float)(b2 * n->v[i] + (1 - b2) * g * g);
        n->p[i] -= (float)(LR * (n->m[i] / c1) / (sqrt(n->v[i] / c2) + eps));
    }
    memset(n->g, 0, n->count * sizeof(float));
}

void sb_cnn_train(sb_cnn *n, const float *images, const int32_t *labels,
                  size_t count, size_t steps)
{
    size_t dim = n->l1.cin * n->l1.h * n->l1.w, at = count;
    size_t *order = malloc(count * sizeof *order);
    if (!order)
        return;
    for (size_t i = 0; i < count; i++)
        order[i] = i;
    memset(n->g, 0, n->count * sizeof(float));
    for (size_t s = 0; s < steps; s++) {
        size_t size = count < BATCH ? count : BATCH;
        for (size_t b = 0; b < size; b++) {
            if (at == count) { /* a new pass: reshuffle */
                for (size_t i = count; i > 1; i--) {
                    size_t j = (size_t)(next(&n->rng) % i), t = order[i - 1];
                    order[i - 1] = order[j], order[j] = t;
                }
                at = 0;
            }
            size_t k = order[at++];
            sb_cnn_loss_grad(n, images + k * dim, labels[k]);
        }
        adam_step(n, size);
    }
    free(order);
}

double sb_cnn_accuracy(sb_cnn *n, const float *images, const int32_t *labels,
                       size_t count)
{
    size_t dim = n->l1.cin * n->l1.h * n->l1.w, right = 0;
    for (size_t i = 0; i < count; i++) {
        forward(n, images + i * dim);
        int best = 0;
        for (int c = 1; c < n->classes; c++)
            best = n->logits[c] > n->logits[best] ? c : best;
        right += best == labels[i];
    }
    return (double)right / (double)count;
}
