/*
 * Batched inference of the noise predictor with one theta for all rows:
 * out = scale * eps(x, theta) (the score uses scale = -1/s_t, Eq. 10).
 * Rows are cut into `jobs` contiguous blocks, one per thread, and each
 * block into chunks small enough for the activations to stay in cache.
 * As in training, a layer's input is kept as [a ; theta] with theta in the
 * last column, so a layer is one sgemm and one bias/ReLU pass that also
 * writes the next theta column.
 */
#include "core/blas.h"
#include "core/jobs.h"
#include "diffusion_impl.h"
#include "mlp_kernels.h"

/* Rows per chunk: large enough that OpenBLAS packs the weights of a layer
 * once per chunk only (chunks of 128 rows spent 13% of the time there). */
#define PREDICT_CHUNK ((size_t)512)
/* Fewest rows worth a thread of their own. */
#define MIN_JOB_ROWS ((size_t)64)

static size_t wide_of(const amem__dmlp *m)
{
    return m->hidden > m->dim ? m->hidden : m->dim;
}

int amem__dmlp_jobs(size_t n, int threads)
{
    size_t jobs = n / MIN_JOB_ROWS;
    if (jobs > (size_t)threads)
        jobs = (size_t)threads;
    if (jobs > AMEM__DJOBS_MAX)
        jobs = AMEM__DJOBS_MAX;
    return jobs < 1 ? 1 : (int)jobs;
}

static size_t chunk_of(size_t n) { return n < PREDICT_CHUNK ? n : PREDICT_CHUNK; }

/* Per job: [x ; theta] (chunk x (d+1)), two activation buffers
 * (chunk x (wide+1)) and the scaled output bias (d). */
static size_t job_ws_len(const amem__dmlp *m, size_t n)
{
    size_t c = chunk_of(n);
    return c * (m->dim + 1) + 2 * c * (wide_of(m) + 1) + m->dim;
}

size_t amem__dmlp_ws_len(const amem__dmlp *m, size_t n, int jobs)
{
    return (size_t)jobs * job_ws_len(m, n);
}

/* z = [a ; theta] W_l, then bias/ReLU/theta column (hidden) or
 * out = scale ([a ; theta] W_L + b_L) (last). */
static void layer(const amem__dmlp *m, size_t l, const float *a, size_t rows,
                  float theta, float scale, float *z, float *sbias)
{
    size_t w, b, n, o;
    amem__dmlp_layer(m, l, &w, &b, &n, &o);
    const int last = l == m->layers;
    const size_t ldz = last ? o : o + 1;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)o,
                (int)n + 1, last ? scale : 1.0f, a, (int)n + 1,
                m->params + w, (int)o, 0.0f, z, (int)ldz);
    if (last) {
        for (size_t j = 0; j < o; j++)
            sbias[j] = scale * m->params[b + j];
        amem__dk_bias_act(z, rows, o, o, sbias, 0, NULL, 0);
    } else {
        amem__dk_bias_act(z, rows, o, o + 1, m->params + b, 1, &theta, 0);
    }
}

static void predict_rows(const amem__dmlp *m, const float *x, size_t n,
                         float theta, float scale, float *out, float *ws)
{
    const size_t d = m->dim, chunk = chunk_of(n), wide = wide_of(m);
    float *in = ws, *buf[2] = {in + chunk * (d + 1), NULL};
    buf[1] = buf[0] + chunk * (wide + 1);
    float *sbias = buf[1] + chunk * (wide + 1);
    for (size_t r0 = 0; r0 < n; r0 += chunk) {
        size_t rows = n - r0 < chunk ? n - r0 : chunk;
        for (size_t i = 0; i < rows; i++) {
            for (size_t j = 0; j < d; j++)
                in[i * (d + 1) + j] = x[(r0 + i) * d + j];
            in[i * (d + 1) + d] = theta;
        }
        const float *a = in;
        for (size_t l = 0; l <= m->layers; l++) {
            float *z = l == m->layers ? out + r0 * d : buf[l & 1];
            layer(m, l, a, rows, theta, scale, z, sbias);
            a = z;
        }
    }
}

typedef struct predict_job {
    const amem__dmlp *m;
    const float *x;
    float *out, *ws;
    size_t n, ws_len;
    float theta, scale;
    int jobs;
} predict_job;

static void run_job(void *ctx, int k)
{
    const predict_job *p = ctx;
    size_t r0, r1;
    amem__job_share(p->n, p->jobs, k, &r0, &r1);
    const size_t d = p->m->dim;
    predict_rows(p->m, p->x + r0 * d, r1 - r0, p->theta, p->scale,
                 p->out + r0 * d, p->ws + (size_t)k * p->ws_len);
}

void amem__dmlp_predict(const amem__dmlp *m, const float *x, size_t n,
                        float theta, float scale, float *out, float *ws,
                        int jobs)
{
    predict_job p = {m, x, out, ws, n, job_ws_len(m, n), theta, scale,
                     jobs < 1 ? 1 : jobs};
    if (p.jobs == 1)
        run_job(&p, 0);
    else
        amem__run_jobs(p.jobs, run_job, &p);
}
