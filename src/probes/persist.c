/*
 * Save and load of a probe in the shared model file format
 * (core/modelfile.h), piece kind AMEM__KIND_PROBE. Payload, little-endian:
 *   u32 kind, u32 setting count (AMEM__PROBE_NPARAM), f64 x count,
 *   u64 x 4 RNG state, u64 dim, u64 classes (0: not fitted; nothing follows),
 *   f32 mean (dim), f32 scale (dim), f64 gamma,
 *   u64 machines, per machine: u32 pos, u32 neg (0xffffffff: the rest),
 *     f64 rho, u64 support vectors n, f32 coef (n), f32 vectors (n x dim),
 *   SOFTMAX only: f32 weights (classes x dim), f32 bias (classes).
 * Every count is checked against what remains of the payload before
 * anything is allocated; labels, scales and values are validated.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "core/modelfile.h"
#include "core/piece.h"
#include "core/settings.h"
#include "probe_impl.h"

#define MAX_DIM ((uint64_t)1 << 24)
#define MAX_CLASSES 65536u
#define REST 0xffffffffu

static void write_machine(const amem__svm *s, size_t dim, amem__wbuf *w)
{
    amem__put_u32(w, (uint32_t)s->pos);
    amem__put_u32(w, s->neg < 0 ? REST : (uint32_t)s->neg);
    amem__put_f64(w, s->rho);
    amem__put_u64(w, s->n_sv);
    amem__put_f32s(w, s->coef, s->n_sv);
    amem__put_f32s(w, s->sv, s->n_sv * dim);
}

static void write_payload(const void *handle, amem__wbuf *w)
{
    const amem_probe *p = handle;
    amem__put_u32(w, (uint32_t)p->kind);
    amem__settings_put(w, p->param, AMEM__PROBE_NPARAM);
    amem__put_rng(w, &p->rng);
    amem__put_u64(w, p->dim);
    amem__put_u64(w, p->classes);
    if (p->classes == 0)
        return;
    amem__put_f32s(w, p->mean, p->dim);
    amem__put_f32s(w, p->scale, p->dim);
    amem__put_f64(w, p->gamma);
    amem__put_u64(w, p->n_svm);
    for (size_t m = 0; m < p->n_svm; m++)
        write_machine(&p->svm[m], p->dim, w);
    if (p->kind == AMEM_PROBE_SOFTMAX) {
        amem__put_f32s(w, p->weights, p->classes * p->dim);
        amem__put_f32s(w, p->bias, p->classes);
    }
}

/* rows x cols finite floats into a new array (*dst), sizes checked first. */
static int read_floats(const char *fn, amem__rbuf *r, size_t rows,
                       size_t cols, float **dst)
{
    size_t n;
    if (amem__mul_size(rows, cols, &n) != 0 || !amem__rbuf_has(r, n, 4))
        return amem__bad_file(fn, "array longer than the file");
    *dst = amem__alloc(n, 1, sizeof(float));
    if (*dst == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu floats", n);
    amem__get_f32s(r, *dst, n);
    if (r->failed || !amem__all_finite(*dst, n))
        return amem__bad_file(fn, "truncated or non-finite array");
    return AMEM_OK;
}

static int read_machine(const char *fn, amem__rbuf *r, amem__probe_fit *f,
                        amem__svm *s)
{
    uint32_t pos = amem__get_u32(r), neg = amem__get_u32(r);
    s->rho = amem__get_f64(r);
    uint64_t n_sv = amem__get_u64(r);
    if (r->failed || pos >= f->classes || n_sv > INT32_MAX ||
        (neg != REST && (neg >= f->classes || neg == pos)) || !isfinite(s->rho))
        return amem__bad_file(fn, "invalid support vector machine");
    s->pos = (int)pos;
    s->neg = neg == REST ? -1 : (int)neg;
    s->n_sv = (size_t)n_sv;
    int rc = read_floats(fn, r, s->n_sv, 1, &s->coef);
    return rc == AMEM_OK ? read_floats(fn, r, s->n_sv, f->dim, &s->sv) : rc;
}

/* The machines of an SVC: one per pair (OVO) or per class (OVR). */
static int read_machines(const char *fn, amem__rbuf *r, amem__probe_fit *f)
{
    uint64_t n = amem__get_u64(r);
    /* Each machine takes at least 24 bytes (pos, neg, rho, n): check the
     * count against the file before allocating for it. */
    if (r->failed || n == 0 || n > (uint64_t)f->classes * f->classes ||
        !amem__rbuf_has(r, (size_t)n, 24))
        return amem__bad_file(fn, "machine count out of range");
    f->svm = amem__zalloc((size_t)n, 1, sizeof *f->svm);
    if (f->svm == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %llu machines",
                          (unsigned long long)n);
    for (size_t m = 0; m < (size_t)n; m++) {
        f->n_svm = m + 1; /* so that a failure frees what was read */
        int rc = read_machine(fn, r, f, &f->svm[m]);
        if (rc != AMEM_OK)
            return rc;
        if ((f->svm[m].neg < 0) != (f->svm[0].neg < 0))
            return amem__bad_file(fn, "machines mix one-vs-one and one-vs-rest");
    }
    return AMEM_OK;
}

static int read_fit(const char *fn, amem__rbuf *r, int kind,
                    amem__probe_fit *f)
{
    int rc = read_floats(fn, r, f->dim, 1, &f->mean);
    if (rc == AMEM_OK)
        rc = read_floats(fn, r, f->dim, 1, &f->scale);
    if (rc != AMEM_OK)
        return rc;
    for (size_t j = 0; j < f->dim; j++)
        if (!(f->scale[j] > 0))
            return amem__bad_file(fn, "standardisation scale not positive");
    f->gamma = amem__get_f64(r);
    if (r->failed || !isfinite(f->gamma) || f->gamma < 0)
        return amem__bad_file(fn, "invalid kernel width");
    if (kind == AMEM_PROBE_SVC)
        return read_machines(fn, r, f);
    if (amem__get_u64(r) != 0 || r->failed)
        return amem__bad_file(fn, "machines in a softmax probe");
    rc = read_floats(fn, r, f->classes, f->dim, &f->weights);
    return rc == AMEM_OK ? read_floats(fn, r, f->classes, 1, &f->bias) : rc;
}

static int read_settings(const char *fn, amem__rbuf *r, amem_probe *p)
{
    int rc = amem__settings_take(fn, r, &amem__probe_settings, p->param, NULL);
    if (rc != AMEM_OK)
        return rc;
    amem__get_rng(r, &p->rng);
    return r->failed ? amem__bad_file(fn, "truncated RNG state") : AMEM_OK;
}

static int read_payload(const char *fn, amem__rbuf *r, void **out)
{
    uint32_t kind = amem__get_u32(r);
    amem_probe *p = NULL;
    int rc = r->failed ? AMEM_E_FORMAT : amem_probe_create((int)kind, &p);
    if (rc == AMEM_E_NOMEM)
        return amem__fail(rc, fn, "cannot allocate the probe");
    if (rc != AMEM_OK)
        return amem__bad_file(fn, "unknown probe kind");
    *out = p;
    rc = read_settings(fn, r, p);
    if (rc != AMEM_OK)
        return rc;
    uint64_t dim = amem__get_u64(r), classes = amem__get_u64(r);
    if (r->failed)
        return amem__bad_file(fn, "truncated fit header");
    if (classes == 0)
        return AMEM_OK; /* not fitted */
    if (dim == 0 || dim > MAX_DIM || classes < 2 || classes > MAX_CLASSES)
        return amem__bad_file(fn, "dimension or class count out of range");
    amem__probe_fit f;
    memset(&f, 0, sizeof f);
    f.dim = (size_t)dim;
    f.classes = (size_t)classes;
    rc = read_fit(fn, r, (int)kind, &f);
    if (rc != AMEM_OK) {
        amem__probe_fit_free(&f);
        return rc;
    }
    amem__probe_put_fit(p, &f);
    return AMEM_OK;
}

static void release(void *handle) { amem_probe_free(handle); }

static const amem__piece piece = {"amem_probe", AMEM__KIND_PROBE, 0,
                                  write_payload, read_payload, release};

AMEM__PIECE_PERSISTENCE(amem_probe, piece)
