/*
 * Spens & Burgess 2022 example: the from-scratch CNN baseline (cnn.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cnn.h"

#define LAYERS 3
#define STRIDE 2
#define BATCH 16
#define LR 2e-3

static const size_t filters[LAYERS] = {8, 16, 32}, kernels[LAYERS] = {5, 3, 3};

typedef struct conv_shape {
    size_t cin, h, w, cout, k, ho, wo;
} conv_shape;

struct sb_cnn {
    conv_shape l[LAYERS];
    int classes;
    size_t count, w[LAYERS], b[LAYERS], wd, bd; /* parameter offsets */
    float *p, *g, *m, *v;                 /* params, grad, Adam moments */
    float *x, *a[LAYERS], *d[LAYERS], *pool, *logits;
    size_t *argmax;                       /* where each pooled max came from */
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
    size_t at = 0;
    for (int i = 0; i < LAYERS; i++) {
        n->w[i] = at;
        n->b[i] = at + n->l[i].cout * n->l[i].cin * n->l[i].k * n->l[i].k;
        at = n->b[i] + n->l[i].cout;
    }
    n->wd = at;
    n->bd = n->wd + (size_t)n->classes * filters[LAYERS - 1];
    n->count = n->bd + (size_t)n->classes;
}

static size_t plane_size(const conv_shape *s)
{
    return s->cout * s->ho * s->wo;
}

/* Activations and their gradients, one block after the input copy. */
static int buffers(sb_cnn *n, size_t in)
{
    size_t total = in + filters[LAYERS - 1] + (size_t)n->classes;
    for (int i = 0; i < LAYERS; i++)
        total += 2 * plane_size(&n->l[i]);
    n->x = malloc(total * sizeof(float));
    n->argmax = malloc(filters[LAYERS - 1] * sizeof(size_t));
    if (!n->x || !n->argmax)
        return -1;
    float *at = n->x + in;
    for (int i = 0; i < LAYERS; i++) {
        n->a[i] = at, n->d[i] = at + plane_size(&n->l[i]);
        at += 2 * plane_size(&n->l[i]);
    }
    n->pool = at, n->logits = at + filters[LAYERS - 1];
    return 0;
}

sb_cnn *sb_cnn_create(size_t channels, size_t height, size_t width,
                      int classes, uint64_t seed)
{
    sb_cnn *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    size_t c = channels, h = height, w = width;
    for (int i = 0; i < LAYERS; i++) {
        n->l[i] = shape(c, h, w, filters[i], kernels[i]);
        c = n->l[i].cout, h = n->l[i].ho, w = n->l[i].wo;
    }
    n->classes = classes;
    n->rng = seed * 0x9E3779B97F4A7C15ull + 1;
    layout(n);
    n->p = calloc(4 * n->count, sizeof(float));
    if (!n->p || buffers(n, channels * height * width) != 0) {
        sb_cnn_free(n);
        return NULL;
    }
    n->g = n->p + n->count, n->m = n->g + n->count, n->v = n->m + n->count;
    for (int i = 0; i < LAYERS; i++)
        he_uniform(n->p + n->w[i], n->b[i] - n->w[i],
                   n->l[i].cin * n->l[i].k * n->l[i].k, &n->rng);
    he_uniform(n->p + n->wd, n->bd - n->wd, filters[LAYERS - 1], &n->rng);
    return n;
}

void sb_cnn_free(sb_cnn *net)
{
    if (!net)
        return;
    free(net->p);
    free(net->x);
    free(net->argmax);
    free(net);
}

static void relu(float *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        a[i] = a[i] > 0.0f ? a[i] : 0.0f;
}

/* Forward pass of one image; the logits end in net->logits. Global max
 * pooling over each last feature map (a small object anywhere counts). */
static void forward(sb_cnn *n, const float *image)
{
    const conv_shape *last = &n->l[LAYERS - 1];
    size_t in = n->l[0].cin * n->l[0].h * n->l[0].w, plane = last->ho * last->wo;
    size_t top = filters[LAYERS - 1];
    for (size_t i = 0; i < in; i++)
        n->x[i] = image[i] - 0.5f;
    const float *src = n->x;
    for (int i = 0; i < LAYERS; i++) {
        conv_forward(&n->l[i], src, n->p + n->w[i], n->p + n->b[i], n->a[i]);
        relu(n->a[i], plane_size(&n->l[i]));
        src = n->a[i];
    }
    for (size_t f = 0; f < top; f++) {
        size_t best = f * plane;
        for (size_t q = 1; q < plane; q++)
            best = src[f * plane + q] > src[best] ? f * plane + q : best;
        n->argmax[f] = best;
        n->pool[f] = src[best];
    }
    for (int c = 0; c < n->classes; c++) {
        double s = n->p[n->bd + c];
        for (size_t f = 0; f < top; f++)
            s += n->p[n->wd + c * top + f] * n->pool[f];
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

/* Gradient of the dense layer; d loss / d pool into dpool. */
static void dense_backward(sb_cnn *n, float *dpool)
{
    size_t top = filters[LAYERS - 1];
    for (size_t f = 0; f < top; f++)
        dpool[f] = 0.0f;
    for (int c = 0; c < n->classes; c++) {
        n->g[n->bd + c] += n->logits[c];
        for (size_t f = 0; f < top; f++) {
            n->g[n->wd + c * top + f] += n->logits[c] * n->pool[f];
            dpool[f] += n->logits[c] * n->p[n->wd + c * top + f];
        }
    }
}

double sb_cnn_loss_grad(sb_cnn *n, const float *image, int32_t label)
{
    forward(n, image);
    double loss = softmax_loss(n->logits, n->classes, label);
    n->logits[label] -= 1.0f; /* d loss / d logits = p - onehot */
    float dpool[64];
    dense_backward(n, dpool);
    int L = LAYERS - 1;
    memset(n->d[L], 0, plane_size(&n->l[L]) * sizeof(float));
    for (size_t f = 0; f < filters[L]; f++) /* the max passes its gradient */
        n->d[L][n->argmax[f]] = n->a[L][n->argmax[f]] > 0.0f ? dpool[f] : 0.0f;
    for (int i = L; i >= 0; i--) {
        float *din = i > 0 ? n->d[i - 1] : NULL;
        if (din)
            memset(din, 0, plane_size(&n->l[i - 1]) * sizeof(float));
        conv_backward(&n->l[i], i > 0 ? n->a[i - 1] : n->x, n->p + n->w[i],
                      n->d[i], n->g + n->w[i], n->g + n->b[i], din);
        for (size_t q = 0; din && q < plane_size(&n->l[i - 1]); q++)
            din[q] = n->a[i - 1][q] > 0.0f ? din[q] : 0.0f; /* ReLU */
    }
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
    size_t dim = n->l[0].cin * n->l[0].h * n->l[0].w, at = count;
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
    size_t dim = n->l[0].cin * n->l[0].h * n->l[0].w, right = 0;
    for (size_t i = 0; i < count; i++) {
        forward(n, images + i * dim);
        int best = 0;
        for (int c = 1; c < n->classes; c++)
            best = n->logits[c] > n->logits[best] ? c : best;
        right += best == labels[i];
    }
    return (double)right / (double)count;
}
