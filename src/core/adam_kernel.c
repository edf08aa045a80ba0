/*
 * The Adam update without AMSGrad (optim.h), as one fused pass over the
 * parameters, moments and gradient: AVX2 on x86-64 CPUs that have it, a
 * scalar form elsewhere and for the tail, split over the worker pool when
 * the vector is long. Elements are independent and no FMA contraction is
 * used, so the result is the scalar formula's, bit for bit, whatever the
 * path or the number of jobs. The gradient is known to be finite.
 */
#include <math.h>

#include "core/jobs.h"
#include "optim.h"

/* Fewest parameters worth a job of their own. */
#define MIN_JOB ((size_t)1 << 16)
#define MAX_JOBS 16

/* The float coefficients of step t. */
typedef struct adam_k {
    float b1, c1, b2, c2, eps, step, sqrt_bc2;
} adam_k;

static adam_k coeffs(const amem__adam *o, long t)
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

static void scalar(const adam_k *k, size_t i0, size_t n, float *p,
                   const float *g, float *m, float *v)
{
    for (size_t i = i0; i < n; i++) {
        m[i] = k->b1 * m[i] + k->c1 * g[i];
        v[i] = k->b2 * v[i] + k->c2 * g[i] * g[i];
        p[i] -= k->step * (m[i] / (sqrtf(v[i]) / k->sqrt_bc2 + k->eps));
    }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_AVX2 1

/* Elements [0, n - n % 8), the scalar formula eight at a time. */
__attribute__((target("avx2"))) static void
avx2(const adam_k *k, size_t n, float *p, const float *g, float *m, float *v)
{
    const __m256 b1 = _mm256_set1_ps(k->b1), c1 = _mm256_set1_ps(k->c1);
    const __m256 b2 = _mm256_set1_ps(k->b2), c2 = _mm256_set1_ps(k->c2);
    const __m256 eps = _mm256_set1_ps(k->eps), st = _mm256_set1_ps(k->step);
    const __m256 bc = _mm256_set1_ps(k->sqrt_bc2);
    for (size_t i = 0; i + 8 <= n; i += 8) {
        __m256 gi = _mm256_loadu_ps(g + i);
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
}

static int have_avx2(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
}
#endif

/* Elements [i0, i1). */
static void range(const adam_k *k, size_t i0, size_t i1, float *p,
                  const float *g, float *m, float *v)
{
    size_t done = i0;
#ifdef HAVE_AVX2
    if (have_avx2()) {
        size_t len = (i1 - i0) - (i1 - i0) % 8;
        avx2(k, len, p + i0, g + i0, m + i0, v + i0);
        done = i0 + len;
    }
#endif
    scalar(k, done, i1, p, g, m, v);
}

typedef struct job {
    const adam_k *k;
    amem__adam *opt;
    float *param;
    const float *grad;
    int jobs;
} job;

static void run(void *ctx, int j)
{
    job *a = ctx;
    size_t i0, i1;
    amem__job_share(a->opt->n, a->jobs, j, &i0, &i1);
    range(a->k, i0, i1, a->param, a->grad, a->opt->m, a->opt->v);
}

void amem__adam_fused(amem__adam *opt, float *param, const float *grad,
                      long t)
{
    const adam_k k = coeffs(opt, t);
    size_t most = opt->n / MIN_JOB + 1;
    int jobs = amem__threads_get();
    jobs = jobs > MAX_JOBS ? MAX_JOBS : jobs;
    jobs = (size_t)jobs > most ? (int)most : jobs;
    job a = {&k, opt, param, grad, jobs};
    if (jobs <= 1)
        run(&a, 0);
    else
        amem__run_jobs(jobs, run, &a);
}
