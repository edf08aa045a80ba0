/*
 * Elementwise kernels of the learned noise predictor. With GCC or Clang the
 * loops run on 4-float GNU vectors (compiled to whatever SIMD the target
 * has), and the Adam update on x86-64 uses AVX2 when the CPU has it; every
 * kernel has a scalar tail and a portable scalar form. None of them uses
 * FMA contraction, so they round as the scalar code does.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "diffusion_impl.h"
#include "mlp_kernels.h"

/* Fewest parameters worth a thread of their own in the Adam update. */
#define ADAM_MIN_JOB ((size_t)1 << 16)

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

/* ---- Adam ----------------------------------------------------------- */

/* The float coefficients amem__adam_step forms for step t. */
typedef struct adam_k {
    float b1, c1, b2, c2, eps, step, sqrt_bc2;
} adam_k;

static adam_k adam_coeffs(const amem__adam *o, long t)
{
    adam_k k;
    k.b1 = (float)o->beta1;
    k.c1 = (float)(1.0 - o->beta1);
    k.b2 = (float)o->beta2;
    k.c2 = (float)(1.0 - o->beta2);
    k.eps = (float)o->eps;
    k.step = (float)(o->lr / (1.0 - pow(o->beta1, (double)t)));
    k.sqrt_bc2 = (float)sqrt(1.0 - pow(o->beta2, (double)t));
    return k;
}

/* Elements [i0, n) in scalar code; returns 0 or -1 (non-finite grad). */
static int adam_scalar(const adam_k *k, size_t i0, size_t n, float *p,
                       const float *g, const float *g2, float *m, float *v)
{
    for (size_t i = i0; i < n; i++) {
        float gi = g2 ? g[i] + g2[i] : g[i];
        if (!isfinite(gi))
            return -1;
        m[i] = k->b1 * m[i] + k->c1 * gi;
        v[i] = k->b2 * v[i] + k->c2 * gi * gi;
        p[i] -= k->step * (m[i] / (sqrtf(v[i]) / k->sqrt_bc2 + k->eps));
    }
    return 0;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_AVX2_ADAM 1
#define AVX2 __attribute__((target("avx2")))

/* Elements [0, n - n % 8) with AVX2; returns 0 or -1 (non-finite grad).
 * g - g is +0 for a finite g and NaN otherwise. */
static AVX2 int adam_avx2(const adam_k *k, size_t n, float *p,
                          const float *g, const float *g2, float *m, float *v)
{
    const __m256 b1 = _mm256_set1_ps(k->b1), c1 = _mm256_set1_ps(k->c1);
    const __m256 b2 = _mm256_set1_ps(k->b2), c2 = _mm256_set1_ps(k->c2);
    const __m256 eps = _mm256_set1_ps(k->eps), st = _mm256_set1_ps(k->step);
    const __m256 bc = _mm256_set1_ps(k->sqrt_bc2);
    __m256 bad = _mm256_setzero_ps();
    for (size_t i = 0; i + 8 <= n; i += 8) {
        __m256 gi = _mm256_loadu_ps(g + i);
        if (g2)
            gi = _mm256_add_ps(gi, _mm256_loadu_ps(g2 + i));
        bad = _mm256_or_ps(bad, _mm256_sub_ps(gi, gi));
        __m256 mi = _mm256_add_ps(_mm256_mul_ps(b1, _mm256_loadu_ps(m + i)),
                                  _mm256_mul_ps(c1, gi));
        __m256 vi = _mm256_add_ps(_mm256_mul_ps(b2, _mm256_loadu_ps(v + i)),
                                  _mm256_mul_ps(_mm256_mul_ps(c2, gi), gi));
        __m256 den = _mm256_add_ps(_mm256_div_ps(_mm256_sqrt_ps(vi), bc), eps);
        __m256 pi = _mm256_sub_ps(_mm256_loadu_ps(p + i),
                                  _mm256_mul_ps(st, _mm256_div_ps(mi, den)));
        _mm256_storeu_ps(m + i, mi);
        _mm256_storeu_ps(v + i, vi);
        _mm256_storeu_ps(p + i, pi);
    }
    __m256i bits = _mm256_castps_si256(bad);
    return _mm256_testz_si256(bits, bits) ? 0 : -1;
}

static int have_avx2(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
}
#endif

/* Elements [i0, i1) of the update; returns 0 or -1 (non-finite grad). */
static int adam_range(const adam_k *k, size_t i0, size_t i1, float *p,
                      const float *g, const float *g2, float *m, float *v)
{
    size_t done = i0;
#ifdef HAVE_AVX2_ADAM
    if (have_avx2()) {
        size_t len = (i1 - i0) - (i1 - i0) % 8;
        if (adam_avx2(k, len, p + i0, g + i0, g2 ? g2 + i0 : NULL, m + i0,
                      v + i0) != 0)
            return -1;
        done = i0 + len;
    }
#endif
    return adam_scalar(k, done, i1, p, g, g2, m, v);
}

typedef struct adam_job {
    const adam_k *k;
    amem__adam *opt;
    float *param;
    const float *grad, *grad2;
    int jobs;
    int status[AMEM__DJOBS_MAX];
} adam_job;

static void adam_run(void *ctx, int j)
{
    adam_job *a = ctx;
    size_t n = a->opt->n;
    size_t i0 = n * (size_t)j / (size_t)a->jobs;
    size_t i1 = n * (size_t)(j + 1) / (size_t)a->jobs;
    a->status[j] = adam_range(a->k, i0, i1, a->param, a->grad, a->grad2,
                              a->opt->m, a->opt->v);
}

int amem__dk_adam(amem__adam *opt, float *param, const float *grad,
                  const float *grad2, int jobs)
{
    const long t = opt->t + 1;
    const adam_k k = adam_coeffs(opt, t);
    size_t most = opt->n / ADAM_MIN_JOB + 1;
    if (jobs > AMEM__DJOBS_MAX)
        jobs = AMEM__DJOBS_MAX;
    if (jobs < 1 || (size_t)jobs > most)
        jobs = jobs < 1 ? 1 : (int)most;
    adam_job a = {&k, opt, param, grad, grad2, jobs, {0}};
    if (jobs == 1)
        adam_run(&a, 0);
    else
        amem__run_jobs(jobs, adam_run, &a);
    for (int j = 0; j < jobs; j++)
        if (a.status[j] != 0)
            return -1;
    opt->t = t;
    return 0;
}
