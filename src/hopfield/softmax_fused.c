/*
 * The fused modern-Hopfield step
 *     out (b x m) = sep(sim(X, Y)) V
 * (and optionally out2 = the same weights times V2) computed over the N
 * stored patterns in blocks. For each block the scores S = sim(X, Y_blk)
 * (similarity.c: one or two sgemms, or the L1 kernel), then the separation
 * streamed over them (separation.c). For the softmax this is the online
 * softmax: each row's running maximum M and sum L are updated as
 *     M' = max(M, max S),  L' = L e^(M - M') + sum e^(S - M'),
 *     acc <- acc e^(M - M') + e^(S - M') V_blk     (second sgemm),
 * and out = acc / L at the end; the polynomial separation does the same
 * with (s / M)^n, the identity accumulates S V_blk as it is, and argmax
 * only tracks the index of the maximum and copies that row of V. Queries
 * are tiled so the score block stays in cache; the b x N score matrix is
 * never formed or re-read.
 *
 * With several threads the work is cut into jobs, one per thread, each
 * running the loop above with a single-threaded sgemm: by query rows when
 * there are enough queries (each row then sees exactly the serial
 * computation), else by stored patterns, each job keeping its own M, L and
 * acc for every row, merged at the end (softmax by log-sum-exp):
 *     M = max_k M_k,  out = sum_k e^(M_k - M) acc_k / sum_k e^(M_k - M) L_k.
 */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "core/blas.h"
#include "hopfield_impl.h"
#include "quant.h"

/* Tile sizes (overridable at build time for tuning). */
#ifndef AMEM_HOPFIELD_QUERY_TILE
#define AMEM_HOPFIELD_QUERY_TILE 256
#endif
/* Patterns per score block: 256 for wide patterns; for narrow ones
 * (d < 256) the two sgemms per block are cheap, so a larger block halves
 * the calls (single-thread sgemm, d = 64: 512 best, 1024 and up slower as
 * the block leaves L2). */
#ifndef AMEM_HOPFIELD_PATTERN_BLOCK
#define AMEM_HOPFIELD_PATTERN_BLOCK 256
#endif
#ifndef AMEM_HOPFIELD_NARROW_BLOCK
#define AMEM_HOPFIELD_NARROW_BLOCK (2 * AMEM_HOPFIELD_PATTERN_BLOCK)
#endif
#define NARROW_BLOCK AMEM_HOPFIELD_NARROW_BLOCK
enum {
    QUERY_TILE = AMEM_HOPFIELD_QUERY_TILE, /* rows of X per tile */
    /* Fewer multiply-adds (b N d) than this run on one thread (BLAS too,
     * core/jobs.h): the hand-off to the pool and a busy second core cost
     * more than the split saves. */
    MIN_PARALLEL_WORK = 1 << 22,
    /* Query rows per job below which jobs split the patterns instead:
     * sgemm runs faster on full tiles (d = 64: 5 % from 128 to 256 rows)
     * than the merge costs. */
    MIN_JOB_ROWS = QUERY_TILE
};

size_t amem__pattern_block(size_t d)
{
    return d < 256 ? NARROW_BLOCK : AMEM_HOPFIELD_PATTERN_BLOCK;
}

/* How one step is cut into jobs. */
typedef struct fused_plan {
    int jobs;
    int by_patterns; /* 1: jobs take pattern ranges, 0: query rows */
} fused_plan;

static fused_plan make_plan(size_t b, size_t N, size_t d, int threads)
{
    fused_plan p = {1, 0}; /* threads: already clamped to MAX_JOBS */
    if (threads < 2 || (double)b * (double)N * (double)d < MIN_PARALLEL_WORK)
        return p;
    if (b >= (size_t)threads * MIN_JOB_ROWS) {
        p.jobs = threads;
    } else if (N >= (size_t)threads) {
        p.jobs = threads;
        p.by_patterns = 1;
    }
    return p;
}

static int clamp_jobs(int threads)
{
    if (threads < 1)
        return 1;
    return threads > AMEM__HOPFIELD_MAX_JOBS ? AMEM__HOPFIELD_MAX_JOBS
                                             : threads;
}

int amem__fused_jobs(size_t n, size_t N, size_t d, int threads)
{
    return make_plan(n, N, d, clamp_jobs(threads)).jobs;
}

/* Accumulator rows kept per extra job when jobs split the patterns. */
static size_t merge_rows(size_t b, int jobs)
{
    size_t most = (size_t)jobs * MIN_JOB_ROWS;
    return b < most ? b : most;
}

/* Floats of one job's buffers: scores and scratch blocks, M, L, index,
 * and two pattern blocks (dequantised keys, squared keys). */
static size_t job_len(size_t b, size_t d)
{
    size_t rows = b < QUERY_TILE ? b : QUERY_TILE;
    size_t block = amem__pattern_block(d);
    return 2 * rows * block + 3 * b + 2 * block * d;
}

size_t amem__fused_ws_len(size_t b, size_t d, size_t m, int threads)
{
    int jobs = clamp_jobs(threads);
    return (size_t)jobs * job_len(b, d) +
           (size_t)(jobs - 1) * merge_rows(b, jobs) * m;
}

/* One job's slice and its buffers (row r's entries at index r). */
typedef struct fused_job {
    size_t r0, rows; /* query rows */
    size_t j0, cols; /* stored patterns */
    float *acc1, *acc2;
    float *row_max, *row_sum;
    int32_t *row_arg;
    float *S;   /* QUERY_TILE x block scores */
    float *tmp; /* as large, similarity scratch */
    float *deq; /* block x d dequantised keys */
    float *sq;  /* block x d squared keys (masked EUCLIDEAN, COSINE) */
} fused_job;

static void scale_rows(float *a, size_t rows, size_t m, const float *c)
{
    for (size_t r = 0; r < rows; r++)
        if (c[r] != 1.0f)
            for (size_t j = 0; j < m; j++)
                a[r * m + j] *= c[r];
}

/* acc (rows x m) = acc * rescale + P V_blk; first block overwrites. */
static void accumulate(const float *P, size_t rows, size_t cols,
                       const float *V, size_t m, float *acc,
                       const float *rescale, int first)
{
    if (V == NULL)
        return;
    if (!first)
        scale_rows(acc, rows, m, rescale);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)m,
                (int)cols, 1.0f, P, (int)cols, V, (int)m, first ? 0.0f : 1.0f,
                acc, (int)m);
}

/* acc (rows x d) = acc * rescale + P keys_blk, reading the codes. */
static void direct_accumulate(const amem__fused_args *a, const float *P,
                              size_t rows, size_t j0, size_t cols, float *acc,
                              const float *rescale, int first)
{
    amem__qrows q = {a->Yq, a->Yscale, a->dtype, a->d};
    if (first)
        memset(acc, 0, rows * a->d * sizeof(float));
    else
        scale_rows(acc, rows, a->d, rescale);
    for (size_t r = 0; r < rows; r++)
        amem__quant_axpy(&q, j0, cols, P + r * cols, acc + r * a->d);
}

/* Rows r0 .. r0+rows-1 over the job's patterns; leaves acc unnormalised. */
static void fused_tile(const amem__fused_args *a, const fused_job *job,
                       size_t r0, size_t rows)
{
    size_t block = amem__pattern_block(a->d), end = job->j0 + job->cols;
    float rescale[QUERY_TILE];
    float *row_max = job->row_max + r0, *row_sum = job->row_sum + r0;
    int32_t *row_arg = job->row_arg + r0;
    float *acc1 = job->acc1 + r0 * a->m1;
    float *acc2 = job->acc2 ? job->acc2 + r0 * a->m2 : NULL;
    amem__sep_init(rows, row_max, row_sum, row_arg);
    for (size_t j0 = job->j0; j0 < end; j0 += block) {
        size_t cols = end - j0 < block ? end - j0 : block;
        const float *Y = amem__block_scores(a, job->deq, job->sq, r0, rows,
                                            j0, cols, job->S, job->tmp);
        int direct = Y == NULL;
        if (!amem__sep_block(a, job->S, rows, cols, j0, row_max, row_sum,
                             row_arg, rescale))
            continue;
        int first = j0 == job->j0;
        if (a->V1 == NULL && direct)
            direct_accumulate(a, job->S, rows, j0, cols, acc1, rescale, first);
        else
            accumulate(job->S, rows, cols,
                       a->V1 ? a->V1 + j0 * a->m1 : Y, a->m1, acc1, rescale,
                       first);
        if (a->V2 != NULL)
            accumulate(job->S, rows, cols, a->V2 + j0 * a->m2, a->m2, acc2,
                       rescale, first);
    }
}

/* dst (m) = row arg of V, or of the keys when V is NULL (compressed). */
static void arg_row(const amem__fused_args *a, const float *V, size_t m,
                    size_t arg, float *dst)
{
    if (V != NULL) {
        memcpy(dst, V + arg * m, m * sizeof(float));
        return;
    }
    amem__qrows q = {a->Yq, a->Yscale, a->dtype, a->d};
    amem__quant_decode(&q, arg, 1, dst);
}

/* Compressed keys as V1: the arg-max rows sep_finish left to us. */
static void fill_arg_rows(const amem__fused_args *a, const fused_job *job)
{
    for (size_t r = job->r0; a->V1 == NULL && r < job->r0 + job->rows; r++)
        if (amem__sep_takes_arg(a->separation, job->row_max[r]))
            arg_row(a, NULL, a->d, (size_t)job->row_arg[r],
                    job->acc1 + r * a->m1);
}

typedef struct fused_ctx {
    const amem__fused_args *a;
    fused_plan plan;
    fused_job job[AMEM__HOPFIELD_MAX_JOBS];
} fused_ctx;

static void run_job(void *arg, int k)
{
    const fused_ctx *c = arg;
    const fused_job *job = &c->job[k];
    const amem__fused_args *a = c->a;
    for (size_t r0 = job->r0; r0 < job->r0 + job->rows; r0 += QUERY_TILE) {
        size_t rows = job->r0 + job->rows - r0;
        fused_tile(a, job, r0, rows < QUERY_TILE ? rows : QUERY_TILE);
    }
    if (c->plan.by_patterns)
        return; /* merged by the caller */
    size_t r0 = job->r0;
    amem__sep_finish(a->separation, job->rows, job->row_max + r0,
                     job->row_sum + r0, job->row_arg + r0,
                     job->acc1 + r0 * a->m1, a->V1, a->m1);
    fill_arg_rows(a, job);
    if (job->acc2 != NULL)
        amem__sep_finish(a->separation, job->rows, job->row_max + r0,
                         job->row_sum + r0, job->row_arg + r0,
                         job->acc2 + r0 * a->m2, a->V2, a->m2);
}

/* Cut the step into jobs and lay out their buffers in ws. */
static void lay_out_jobs(fused_ctx *c, float *ws)
{
    const amem__fused_args *a = c->a;
    size_t rows = a->b < QUERY_TILE ? a->b : QUERY_TILE;
    size_t jobs = (size_t)c->plan.jobs, len = job_len(a->b, a->d);
    float *extra = ws + jobs * len;
    for (size_t k = 0; k < jobs; k++) {
        fused_job *job = &c->job[k];
        job->S = ws + k * len;
        job->tmp = job->S + rows * amem__pattern_block(a->d);
        job->row_max = job->tmp + rows * amem__pattern_block(a->d);
        job->row_sum = job->row_max + a->b;
        /* the index array lives in float-sized slots, only ever accessed
         * as int32_t */
        job->row_arg = (int32_t *)(void *)(job->row_sum + a->b);
        job->deq = job->row_sum + 2 * a->b;
        job->sq = job->deq + amem__pattern_block(a->d) * a->d;
        job->acc1 = a->out1;
        job->acc2 = a->out2;
        if (!c->plan.by_patterns) {
            job->r0 = a->b * k / jobs;
            job->rows = a->b * (k + 1) / jobs - job->r0;
            job->j0 = 0;
            job->cols = a->N;
            continue;
        }
        job->r0 = 0;
        job->rows = a->b;
        job->j0 = a->N * k / jobs;
        job->cols = a->N * (k + 1) / jobs - job->j0;
        if (k > 0) {
            job->acc1 = extra;
            extra += a->b * a->m1;
            if (a->V2 != NULL) {
                job->acc2 = extra;
                extra += a->b * a->m2;
            }
        }
    }
}

/* The job holding row r's overall maximum (ties: the lowest patterns). */
static int best_job(const fused_ctx *c, size_t r)
{
    int best = 0;
    for (int k = 1; k < c->plan.jobs; k++)
        if (c->job[k].row_max[r] > c->job[best].row_max[r])
            best = k;
    return best;
}

/* out = sum_k w_k acc_k / sum_k w_k L_k (no division for IDENTITY), with
 * w_k = sep_job_weight(M_k, max_k M_k); arg-max rows copied from V. */
static void merge_row(const fused_ctx *c, size_t r, float *o, const float *V,
                      size_t m, int second)
{
    const amem__fused_args *a = c->a;
    const fused_job *top = &c->job[best_job(c, r)];
    if (amem__sep_takes_arg(a->separation, top->row_max[r])) {
        arg_row(a, V, m, (size_t)top->row_arg[r], o);
        return;
    }
    float w[AMEM__HOPFIELD_MAX_JOBS], sum = 0.0f;
    for (int k = 0; k < c->plan.jobs; k++) {
        w[k] = amem__sep_job_weight(a, c->job[k].row_max[r], top->row_max[r]);
        sum += w[k] * c->job[k].row_sum[r];
    }
    for (int k = 0; k < c->plan.jobs; k++)
        w[k] /= a->separation == AMEM_HOPFIELD_SEP_IDENTITY ? 1.0f : sum;
    for (size_t j = 0; j < m; j++)
        o[j] *= w[0];
    for (int k = 1; k < c->plan.jobs; k++) {
        const float *acc = (second ? c->job[k].acc2 : c->job[k].acc1);
        for (size_t j = 0; j < m; j++)
            o[j] += w[k] * acc[r * m + j];
    }
}

static void merge_jobs(const fused_ctx *c, float *out, const float *V,
                       size_t m, int second)
{
    for (size_t r = 0; r < c->a->b; r++)
        merge_row(c, r, out + r * m, V, m, second);
}

void amem__fused_step(const amem__fused_args *a, float *ws, int threads)
{
    fused_ctx c;
    c.a = a;
    c.plan = make_plan(a->b, a->N, a->d, clamp_jobs(threads));
    lay_out_jobs(&c, ws);
    if (c.plan.jobs == 1)
        run_job(&c, 0);
    else
        amem__run_jobs(c.plan.jobs, run_job, &c);
    if (!c.plan.by_patterns)
        return;
    merge_jobs(&c, a->out1, a->V1, a->m1, 0);
    if (a->V2 != NULL)
        merge_jobs(&c, a->out2, a->V2, a->m2, 1);
}
