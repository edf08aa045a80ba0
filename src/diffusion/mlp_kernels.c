/*
 * Elementwise kernels of the learned noise predictor. With GCC or Clang the
 * loops run on 4-float GNU vectors (compiled to whatever SIMD the target
 * has); every kernel has a scalar tail and a portable scalar form. None of
 * them uses FMA contraction, so they round as the scalar code does.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "diffusion_impl.h"
#include "mlp_kernels.h"

#if defined(__GNUC__) || defined(__clang__)
#define HAVE_VEC 1
typedef float vf4 __attribute__((vector_size(16)));
typedef int32_t vi4 __attribute__((vector_size(16)));

static vf4 vf4_load(const float *p)
{
    vf4 v;
    memcpy(&v, p, sizeof v);
    return v;
}

static void vf4_store(float *p, vf4 v) { memcpy(p, &v, sizeof v); }

/* v where v > 0, else 0 (NaN gives 0). */
static vf4 vf4_relu(vf4 v)
{
    vi4 pos = v > (vf4){0};
    return (vf4)(pos & (vi4)v);
}
#endif

static float relu1(float v) { return v > 0.0f ? v : 0.0f; }

static void bias_act_row(float *z, size_t o, const float *bias, int relu)
{
    size_t j = 0;
#ifdef HAVE_VEC
    for (; j + 4 <= o; j += 4) {
        vf4 v = vf4_load(z + j) + vf4_load(bias + j);
        vf4_store(z + j, relu ? vf4_relu(v) : v);
    }
#endif
    for (; j < o; j++)
        z[j] = relu ? relu1(z[j] + bias[j]) : z[j] + bias[j];
}

void amem__dk_bias_act(float *z, size_t rows, size_t o, size_t ld,
                       const float *bias, int relu, const float *theta,
                       size_t theta_step)
{
    for (size_t i = 0; i < rows; i++) {
        bias_act_row(z + i * ld, o, bias, relu);
        if (theta)
            z[i * ld + o] = theta[i * theta_step];
    }
}

void amem__dk_relu_mask(float *g, const float *a, size_t rows, size_t n,
                        size_t lda)
{
    for (size_t i = 0; i < rows; i++) {
        float *gi = g + i * n;
        const float *ai = a + i * lda;
        size_t j = 0;
#ifdef HAVE_VEC
        for (; j + 4 <= n; j += 4) {
            vi4 pos = vf4_load(ai + j) > (vf4){0};
            vf4_store(gi + j, (vf4)(pos & (vi4)vf4_load(gi + j)));
        }
#endif
        for (; j < n; j++)
            gi[j] = ai[j] > 0.0f ? gi[j] : 0.0f;
    }
}

void amem__dk_col_sums(const float *G, size_t rows, size_t o, float *db)
{
    memset(db, 0, o * sizeof(float));
    for (size_t i = 0; i < rows; i++) {
        const float *gi = G + i * o;
        size_t j = 0;
#ifdef HAVE_VEC
        for (; j + 4 <= o; j += 4)
            vf4_store(db + j, vf4_load(db + j) + vf4_load(gi + j));
#endif
        for (; j < o; j++)
            db[j] += gi[j];
    }
}
