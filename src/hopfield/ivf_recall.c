/*
 * amem_hopfield_recall_pruned: the MODERN dynamics of amem_hopfield_recall
 * with each step run through the IVF index (ivf_probe.c). Queries still
 * moving are gathered, stepped as jobs over contiguous rows (each job in
 * tiles with its own buffers), and written back; a query stops when
 * max |x_new - x_old| <= TOLERANCE or after MAX_STEPS steps, as in
 * modern.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "core/jobs.h"
#include "ivf_probe.h"

enum { TILE = 256, CS_FLOATS = 1 << 22, MIN_JOB_ROWS = 8 };

/* Tile rows: at most TILE, and the centroid scores near 16 MB. */
static size_t tile_rows(size_t b, size_t nlist)
{
    size_t rows = CS_FLOATS / nlist;
    rows = rows < 1 ? 1 : rows > TILE ? TILE : rows;
    return rows < b ? rows : b;
}

typedef struct step_ctx {
    const amem__ivf *ivf;
    amem__fused_args la, ca;
    size_t nprobe, b, tile;
    const float *A; /* b x d states */
    float *Anew, *Out;
    size_t *top, *scored;
    double *bound;
    int jobs;
    amem__probe_ws ws[AMEM__MAX_JOBS];
} step_ctx;

static void run_job(void *arg, int k)
{
    step_ctx *c = arg;
    size_t d = c->ivf->d, m = c->ivf->m;
    size_t r0, r1;
    amem__job_share(c->b, c->jobs, k, &r0, &r1);
    for (size_t r = r0; r < r1; r += c->tile) {
        amem__probe_tile t = {c->ivf, &c->la, &c->ca, c->nprobe,
                              c->A + r * d, r1 - r < c->tile ? r1 - r : c->tile,
                              c->Anew + r * d, m ? c->Out + r * m : NULL,
                              c->top + r, c->scored + r, c->bound + r};
        amem__probe_tile_run(&t, &c->ws[k]);
    }
}

/* Per-query buffers of one recall, allocated once. */
typedef struct pruned_ws {
    void *block;
    size_t *active, *top, *scored;
    double *bound;
    float *A, *Anew, *Out;
} pruned_ws;

static int pruned_alloc(pruned_ws *p, size_t n, size_t d, size_t m)
{
    size_t floats, units, per = 3 * sizeof(size_t) + sizeof(double);
    if (amem__mul_size(n, 2 * d + m, &floats) != 0 ||
        amem__add_size(floats, n * per / sizeof(float), &units) != 0)
        return AMEM_E_NOMEM;
    p->block = amem__alloc(units, 1, sizeof(float));
    if (p->block == NULL)
        return AMEM_E_NOMEM;
    p->active = p->block;
    p->top = p->active + n;
    p->scored = p->top + n;
    p->bound = (double *)(void *)(p->scored + n);
    p->A = (float *)(void *)(p->bound + n);
    p->Anew = p->A + n * d;
    p->Out = p->Anew + n * d;
    return AMEM_OK;
}

static int open_jobs(step_ctx *c, size_t n)
{
    int threads = amem__blas_window_begin(AMEM__MAX_JOBS);
    size_t most = (n + MIN_JOB_ROWS - 1) / MIN_JOB_ROWS;
    c->jobs = (size_t)threads < most ? threads : (int)most;
    c->tile = tile_rows((n + (size_t)c->jobs - 1) / (size_t)c->jobs,
                        c->ivf->nlist);
    for (int k = 0; k < c->jobs; k++)
        if (amem__probe_ws_alloc(&c->ws[k], c->ivf, c->tile, c->nprobe)) {
            while (k-- > 0)
                amem__probe_ws_free(&c->ws[k]);
            amem__blas_window_end();
            return AMEM_E_NOMEM;
        }
    return AMEM_OK;
}

static void close_jobs(step_ctx *c)
{
    for (int k = 0; k < c->jobs; k++)
        amem__probe_ws_free(&c->ws[k]);
    amem__blas_window_end();
}

static void setup(step_ctx *c, const amem_hopfield *h)
{
    const amem__ivf *ivf = h->ivf;
    c->ivf = ivf;
    c->nprobe = (size_t)AMEM__HP(h, NPROBE);
    c->la = amem__modern_args(h);
    c->la.Y = ivf->keys;
    c->la.Ynorm = ivf->key_norm_sq;
    c->la.N = ivf->N;
    c->ca = c->la;
    c->ca.Y = ivf->centroids;
    c->ca.Ynorm = ivf->cent_norm_sq;
    c->ca.N = ivf->nlist;
    c->ca.scale = 1.0f;
}

/* Write back the b stepped queries; returns how many keep moving. */
static size_t write_back(const amem_hopfield *h, const step_ctx *c,
                         pruned_ws *p, float *x, float *out, int *steps,
                         size_t *top, size_t *scored, double *bound, int t,
                         int last)
{
    size_t d = h->dim, m = h->value_dim, kept = 0;
    float tol = (float)AMEM__HP(h, TOLERANCE);
    for (size_t r = 0; r < c->b; r++) {
        size_t q = p->active[r];
        float moved = 0.0f;
        for (size_t j = 0; j < d; j++) {
            moved = fmaxf(moved, fabsf(p->Anew[r * d + j] - x[q * d + j]));
            x[q * d + j] = p->Anew[r * d + j];
        }
        if (m)
            memcpy(out + q * m, p->Out + r * m, m * sizeof(float));
        if (top)
            top[q] = p->top[r];
        if (scored)
            scored[q] = p->scored[r];
        if (bound)
            bound[q] = p->bound[r];
        if (steps)
            steps[q] = t;
        if (!(moved <= tol || last))
            p->active[kept++] = q;
    }
    return kept;
}

static int run_steps(amem_hopfield *h, float *x, size_t n, float *out,
                     int *steps, size_t *top, size_t *scored, double *bound)
{
    size_t d = h->dim;
    pruned_ws p;
    step_ctx c;
    setup(&c, h);
    if (pruned_alloc(&p, n, d, h->value_dim) != AMEM_OK)
        return AMEM_E_NOMEM;
    if (open_jobs(&c, n) != AMEM_OK) {
        free(p.block);
        return AMEM_E_NOMEM;
    }
    c.A = p.A;
    c.Anew = p.Anew;
    c.Out = p.Out;
    c.top = p.top;
    c.scored = p.scored;
    c.bound = p.bound;
    int max_steps = (int)AMEM__HP(h, MAX_STEPS);
    size_t b = n;
    for (size_t q = 0; q < n; q++)
        p.active[q] = q;
    for (int t = 1; t <= max_steps && b > 0; t++) {
        for (size_t r = 0; r < b; r++)
            memcpy(p.A + r * d, x + p.active[r] * d, d * sizeof(float));
        c.b = b;
        int jobs = c.jobs;
        c.jobs = (int)((size_t)jobs < b ? (size_t)jobs : b);
        if (c.jobs == 1)
            run_job(&c, 0);
        else
            amem__run_jobs(c.jobs, run_job, &c);
        c.jobs = jobs;
        b = write_back(h, &c, &p, x, out, steps, top, scored, bound, t,
                       t == max_steps);
    }
    close_jobs(&c);
    free(p.block);
    return AMEM_OK;
}

static int check_pruned(const char *fn, const amem_hopfield *h,
                        const float *queries, size_t n, const float *out)
{
    AMEM__CHECK_NULL(h, fn);
    AMEM__CHECK_NULL(out, fn);
    int rc = amem__hopfield_check_modern(fn, h, "pruned recall");
    if (rc == AMEM_OK)
        rc = amem__check_array(fn, "queries", queries, n, h->dim);
    if (rc != AMEM_OK)
        return rc;
    size_t len;
    if (amem__mul_size(n, 2 * h->dim + h->value_dim + 8, &len) != 0 ||
        n > (size_t)INT32_MAX)
        return amem__fail(AMEM_E_DIM, fn, "%zu queries are too many", n);
    if (h->ivf == NULL)
        return amem__fail(AMEM_E_STATE, fn,
                          "no index (none built, or patterns stored or "
                          "cleared since): call amem_hopfield_build_index");
    if (AMEM__HP(h, NPROBE) > (double)h->ivf->nlist)
        return amem__fail(AMEM_E_RANGE, fn, "NPROBE = %g, the index has %zu "
                          "lists", AMEM__HP(h, NPROBE), h->ivf->nlist);
    return AMEM_OK;
}

int amem_hopfield_recall_pruned(amem_hopfield *h, const float *queries,
                                size_t n, float *out, int *steps, size_t *top,
                                size_t *scored, double *bound)
{
    static const char fn[] = "amem_hopfield_recall_pruned";
    int rc = check_pruned(fn, h, queries, n, out);
    if (rc != AMEM_OK)
        return rc;
    if (amem__ivf_rows(fn, h, &rc) == NULL)
        return rc;
    float *x = out;
    if (h->value_dim > 0 &&
        (x = amem__alloc(n, h->dim, sizeof(float))) == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu states", n);
    memmove(x, queries, n * h->dim * sizeof(float));
    rc = run_steps(h, x, n, out, steps, top, scored, bound);
    if (x != out)
        free(x);
    return rc == AMEM_OK ? rc : amem__fail(rc, fn, "out of memory");
}
