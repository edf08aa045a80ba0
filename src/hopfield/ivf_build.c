/*
 * Building the IVF-Flat index of a MODERN store: k-means centroids from a
 * seeded sample (ivf_kmeans.c), every pattern listed under its nearest
 * centroid, the lists copied contiguously with each list's radii (the
 * largest Euclidean and Manhattan distance of a member from the centroid,
 * which give the bounds of ivf_bound.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "ivf_impl.h"

const float *amem__ivf_rows(const char *fn, const amem_hopfield *h, int *rc)
{
    *rc = AMEM_OK;
    if (amem__hopfield_dtype(h) == AMEM_HOPFIELD_DTYPE_F32 && h->map == NULL)
        return h->keys;
    *rc = amem__fail(AMEM_E_UNSUPPORTED, fn,
                     "the index is built over float32 keys held in memory; "
                     "this store keeps %s keys",
                     h->map ? "mapped" : "compressed");
    return NULL;
}

static void ivf_free(amem__ivf *ivf)
{
    if (ivf == NULL)
        return;
    free(ivf->centroids);
    free(ivf->cent_norm_sq);
    free(ivf->radius);
    free(ivf->radius_l1);
    free(ivf->offset);
    free(ivf->keys);
    free(ivf->key_norm_sq);
    free(ivf->values);
    free(ivf->position);
    free(ivf);
}

void amem__ivf_drop(amem_hopfield *h)
{
    ivf_free(h->ivf);
    h->ivf = NULL;
}

static amem__ivf *ivf_alloc(size_t nlist, size_t N, size_t d, size_t m)
{
    amem__ivf *v = calloc(1, sizeof *v);
    if (v == NULL)
        return NULL;
    v->nlist = nlist;
    v->N = N;
    v->d = d;
    v->m = m;
    v->centroids = amem__alloc(nlist, d, sizeof(float));
    v->cent_norm_sq = amem__alloc(nlist, 1, sizeof(float));
    v->radius = amem__zalloc(nlist, 1, sizeof(double));
    v->radius_l1 = amem__zalloc(nlist, 1, sizeof(double));
    v->offset = amem__zalloc(nlist + 1, 1, sizeof(size_t));
    v->keys = amem__alloc(N, d, sizeof(float));
    v->key_norm_sq = amem__alloc(N, 1, sizeof(float));
    v->values = m ? amem__alloc(N, m, sizeof(float)) : NULL;
    v->position = amem__alloc(N, 1, sizeof(int32_t));
    if (!v->centroids || !v->cent_norm_sq || !v->radius || !v->radius_l1 ||
        !v->offset || !v->keys || !v->key_norm_sq || (m && !v->values) ||
        !v->position) {
        ivf_free(v);
        return NULL;
    }
    return v;
}

/* The training rows: a seeded sample of `want` distinct rows (copied into
 * *copy), or all N rows when want >= N. */
static const float *sample_rows(const float *Y, size_t N, size_t d,
                                size_t want, amem__rng *rng, size_t *n,
                                float **copy)
{
    *copy = NULL;
    *n = N;
    if (want >= N)
        return Y;
    size_t *idx = amem__alloc(N, 1, sizeof(size_t));
    *copy = amem__alloc(want, d, sizeof(float));
    if (idx == NULL || *copy == NULL) {
        free(idx);
        free(*copy);
        *copy = NULL;
        return NULL;
    }
    for (size_t i = 0; i < N; i++)
        idx[i] = i;
    for (size_t i = 0; i < want; i++) { /* partial Fisher-Yates */
        size_t pick = i + (size_t)amem__rng_below(rng, N - i);
        size_t t = idx[i];
        idx[i] = idx[pick];
        idx[pick] = t;
    }
    for (size_t i = 0; i < want; i++)
        memcpy(*copy + i * d, Y + idx[i] * d, d * sizeof(float));
    free(idx);
    *n = want;
    return *copy;
}

/* Patterns per list the k-means trains on, times nlist (0: all). */
static size_t sample_size(const amem_hopfield *h, size_t nlist)
{
    size_t per = (size_t)AMEM__HP(h, KMEANS_SAMPLE), want;
    if (per == 0 || amem__mul_size(per, nlist, &want) != 0)
        return SIZE_MAX;
    return want;
}

static int train(const char *fn, amem_hopfield *h, const float *Y,
                 amem__ivf *ivf, amem_progress_fn progress, void *user)
{
    amem__rng rng;
    amem__rng_seed(&rng, (uint64_t)AMEM__HP(h, SEED));
    float *copy;
    size_t n;
    const float *X = sample_rows(Y, h->count, h->dim,
                                 sample_size(h, ivf->nlist), &rng, &n, &copy);
    if (X == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot sample the patterns");
    amem__kmeans_args a = {fn, X, n, h->dim, ivf->nlist,
                           (int)AMEM__HP(h, KMEANS_STEPS), &rng, progress,
                           user};
    int rc = amem__kmeans_train(&a, ivf->centroids);
    free(copy);
    return rc;
}

/* Member order: list by list, each list in stored order (counting sort,
 * filled backwards from each list's end). end: nlist scratch entries. */
static void lay_out(amem__ivf *ivf, const int32_t *assign, size_t *end)
{
    for (size_t i = 0; i < ivf->N; i++)
        ivf->offset[assign[i] + 1]++;
    for (size_t l = 1; l <= ivf->nlist; l++)
        ivf->offset[l] += ivf->offset[l - 1];
    memcpy(end, ivf->offset + 1, ivf->nlist * sizeof(size_t));
    for (size_t i = ivf->N; i-- > 0;)
        ivf->position[--end[assign[i]]] = (int32_t)i;
}

/* Copy the rows in list order; grow each list's radii. */
static void fill_lists(amem__ivf *ivf, const amem_hopfield *h, const float *Y)
{
    size_t d = ivf->d, m = ivf->m;
    for (size_t l = 0; l < ivf->nlist; l++) {
        const float *c = ivf->centroids + l * d;
        for (size_t r = ivf->offset[l]; r < ivf->offset[l + 1]; r++) {
            size_t mu = (size_t)ivf->position[r];
            memcpy(ivf->keys + r * d, Y + mu * d, d * sizeof(float));
            ivf->key_norm_sq[r] = h->key_norm_sq[mu];
            if (m)
                memcpy(ivf->values + r * m, h->values + mu * m,
                       m * sizeof(float));
            double l2 = 0.0, l1 = 0.0;
            for (size_t j = 0; j < d; j++) {
                double diff = (double)Y[mu * d + j] - c[j];
                l2 += diff * diff;
                l1 += fabs(diff);
            }
            ivf->radius[l] = fmax(ivf->radius[l], sqrt(l2));
            ivf->radius_l1[l] = fmax(ivf->radius_l1[l], l1);
        }
    }
}

/* Lists by nearest centroid; for the dot similarity by largest x.c, the
 * order in which recall ranks the lists (any partition keeps the bound
 * and the exact full probe; this one keeps a pattern in the list its own
 * query probes first). */
static int assign_all(const char *fn, const float *Y, amem__ivf *ivf,
                      int by_dot, amem_progress_fn progress, void *user)
{
    int32_t *assign = amem__alloc(ivf->N, 1, sizeof(int32_t));
    size_t *end = amem__alloc(ivf->nlist, 1, sizeof(size_t));
    double J = 0.0;
    amem__row_norms_sq(ivf->centroids, ivf->nlist, ivf->d, ivf->cent_norm_sq);
    if (assign == NULL || end == NULL ||
        amem__kmeans_assign(Y, ivf->N, ivf->d, ivf->centroids,
                            ivf->cent_norm_sq, ivf->nlist, by_dot, assign,
                            &J)) {
        free(assign);
        free(end);
        return amem__fail(AMEM_E_NOMEM, fn, "cannot assign the patterns");
    }
    lay_out(ivf, assign, end);
    free(assign);
    free(end);
    if (progress && progress(user, "assign", 1, 1, J / (double)ivf->N) != 0)
        return amem__fail(AMEM_E_CANCELLED, fn, "cancelled after assigning");
    return AMEM_OK;
}

static int check_build(const char *fn, const amem_hopfield *h, size_t nlist)
{
    AMEM__CHECK_NULL(h, fn);
    int rc = amem__hopfield_check_modern(fn, h, "an index");
    if (rc != AMEM_OK)
        return rc;
    if (h->count == 0)
        return amem__fail(AMEM_E_STATE, fn, "no patterns stored");
    if (nlist == 0 || nlist > h->count)
        return amem__fail(AMEM_E_DIM, fn,
                          "%zu lists for %zu stored patterns (need 1 .. "
                          "the stored count)", nlist, h->count);
    return AMEM_OK;
}

int amem_hopfield_build_index(amem_hopfield *h, size_t nlist,
                              amem_progress_fn progress, void *user)
{
    static const char fn[] = "amem_hopfield_build_index";
    int rc = check_build(fn, h, nlist);
    if (rc != AMEM_OK)
        return rc;
    const float *Y = amem__ivf_rows(fn, h, &rc);
    if (Y == NULL)
        return rc;
    amem__ivf *ivf = ivf_alloc(nlist, h->count, h->dim, h->value_dim);
    if (ivf == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate an index of "
                          "%zu patterns", h->count);
    rc = train(fn, h, Y, ivf, progress, user);
    if (rc == AMEM_OK)
        rc = assign_all(fn, Y, ivf,
                        AMEM__HP(h, SIMILARITY) == AMEM_HOPFIELD_SIM_DOT,
                        progress, user);
    if (rc != AMEM_OK) {
        ivf_free(ivf);
        return rc;
    }
    fill_lists(ivf, h, Y);
    amem__ivf_drop(h);
    h->ivf = ivf;
    return AMEM_OK;
}

int amem_hopfield_drop_index(amem_hopfield *h)
{
    AMEM__CHECK_NULL(h, "amem_hopfield_drop_index");
    amem__ivf_drop(h);
    return AMEM_OK;
}

AMEM__GETTER(amem_hopfield, index_lists, size_t, h, h->ivf ? h->ivf->nlist : 0)
