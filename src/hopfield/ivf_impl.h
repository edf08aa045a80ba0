/*
 * Private: the inverted-file (IVF-Flat) index of a MODERN store and the
 * functions its files share. See include/assocmem/hopfield.h ("Pruned
 * recall") for what it computes.
 */
#ifndef AMEM_HOPFIELD_IVF_IMPL_H
#define AMEM_HOPFIELD_IVF_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "hopfield_impl.h"

typedef struct amem__ivf {
    size_t nlist, N, d, m;
    float *centroids;    /* nlist x d */
    float *cent_norm_sq; /* nlist: |c_l|^2 */
    double *radius;      /* nlist: max |xi - c_l| over the list (0 empty) */
    double *radius_l1;   /* nlist: max |xi - c_l|_1 */
    size_t *offset;      /* nlist + 1: list l is rows offset[l] .. [l+1]-1 */
    float *keys;         /* N x d, list by list */
    float *key_norm_sq;  /* N: |xi|^2 in the same order */
    float *values;       /* N x m in the same order, NULL when m = 0 */
    int32_t *position;   /* N: stored position of each listed row */
} amem__ivf;

/*
 * The store's keys as float32 rows (count x d), the one place the index
 * reads the stored patterns. A store that holds its rows in another type
 * gets NULL and AMEM_E_UNSUPPORTED (recorded against fn) in *rc.
 */
const float *amem__ivf_rows(const char *fn, const amem_hopfield *h, int *rc);

/*
 * Nearest of k centroids C (k x d, squared norms Cn) for each of the n rows
 * of X (n x d), through sgemm on blocks of rows (by_dot: the centroid of
 * largest x.c instead): assign[i] (may be NULL) and the sum of squared
 * distances to the chosen centroids into *objective (may be NULL).
 * Returns AMEM_OK or AMEM_E_NOMEM.
 */
int amem__kmeans_assign(const float *X, size_t n, size_t d, const float *C,
                        const float *Cn, size_t k, int by_dot,
                        int32_t *assign, double *objective);

/* k-means training: see ivf_kmeans.c. */
typedef struct amem__kmeans_args {
    const char *fn;
    const float *X; /* n x d training rows */
    size_t n, d, k;
    int steps;      /* Lloyd iterations */
    amem__rng *rng;
    amem_progress_fn progress;
    void *user;
} amem__kmeans_args;

/* Centroids (k x d) from k distinct random rows and `steps` Lloyd
 * iterations. Returns AMEM_OK, AMEM_E_NOMEM or AMEM_E_CANCELLED (recorded
 * against fn). */
int amem__kmeans_train(const amem__kmeans_args *a, float *centroids);

/* |c|^2 of k rows of C into out[k]. */
void amem__row_norms_sq(const float *C, size_t k, size_t d, float *out);

/*
 * The bound of one query (ivf_bound.c). cs: its centroid scores (similarity
 * at scale 1), probed[l] nonzero for the lists it searched, xx = |x|^2,
 * row_max / row_sum the streamed separation's state after the scored
 * patterns (scores at scale `scale`).
 */
typedef struct amem__ivf_query {
    const float *cs;
    const unsigned char *probed;
    double xx;
    float row_max, row_sum;
} amem__ivf_query;

double amem__ivf_bound(const amem__ivf *ivf, const amem__fused_args *a,
                       const amem__ivf_query *q);

#endif
