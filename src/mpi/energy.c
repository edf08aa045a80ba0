/*
 * Energy over the sharded store (hopfield.h, Ramsauer et al. 2020 eq. 2
 * and the Euclidean softmax energy): it needs only the global log-sum-exp
 * of the scores, lse = (M + log L) / b from the merged parts, the stored
 * count N and, for DOT, M^2 = max |xi|^2 over all shards (a MAX
 * allreduce).
 *   DOT        E = -lse + 1/2 x.x + (1/b) log N + 1/2 M^2
 *   EUCLIDEAN  E = -1/2 (lse - (1/b) log N)
 */
#include <math.h>
#include <stdlib.h>

#include "mpi_impl.h"

float amem_mpi__scale(const amem_mpi_hopfield *h)
{
    double beta, sqrt_d;
    size_t d;
    amem_hopfield_get(h->local, AMEM_HOPFIELD_BETA, &beta);
    amem_hopfield_get(h->local, AMEM_HOPFIELD_SCALE_SQRT_D, &sqrt_d);
    amem_hopfield_dim(h->local, &d);
    return (float)(sqrt_d != 0 ? beta / sqrt((double)d) : beta);
}

int amem_mpi__lse(const amem_mpi_hopfield *h, const float *A, size_t b,
                  float *row_max, float *row_sum)
{
    int rc = amem_hopfield_recall_partial(h->local, A, b, NULL, row_max,
                                          row_sum, NULL, NULL);
    if (rc != AMEM_OK)
        rc = amem_mpi__core_fail(rc, "amem_mpi_hopfield");
    rc = amem_mpi__agree(h->comm, rc);
    if (rc != AMEM_OK)
        return rc;
    return amem_mpi__merge(h, b, row_max, row_sum, NULL, 0);
}

static double energy_of(const float *x, size_t d, float M, float L, double b,
                        double N, double M2, int euclidean)
{
    double lse = ((double)M + log((double)L)) / b;
    if (euclidean)
        return -0.5 * (lse - log(N) / b);
    double xx = 0;
    for (size_t j = 0; j < d; j++)
        xx += (double)x[j] * x[j];
    return -lse + 0.5 * xx + log(N) / b + 0.5 * M2;
}

/* x: n x d states followed by room for 2 n floats. */
static int energies_of(const amem_mpi_hopfield *h, float *x, size_t n,
                       int euclidean, double *energies)
{
    size_t d;
    amem_hopfield_dim(h->local, &d);
    float *M = x + n * d, *L = M + n;
    int rc = amem_mpi__lse(h, x, n, M, L);
    if (rc != AMEM_OK)
        return rc;
    double M2 = h->max_norm_sq, b = amem_mpi__scale(h);
    MPI_Allreduce(MPI_IN_PLACE, &M2, 1, MPI_DOUBLE, MPI_MAX, h->comm);
    for (size_t q = 0; q < n; q++)
        energies[q] = energy_of(x + q * d, d, M[q], L[q], b,
                                (double)h->global_count, M2, euclidean);
    return AMEM_OK;
}

static int check_similarity(const char *fn, const amem_mpi_hopfield *h,
                            int *euclidean)
{
    double sim;
    amem_hopfield_get(h->local, AMEM_HOPFIELD_SIMILARITY, &sim);
    *euclidean = (int)sim == AMEM_HOPFIELD_SIM_EUCLIDEAN;
    if ((int)sim == AMEM_HOPFIELD_SIM_DOT || *euclidean)
        return AMEM_OK;
    return amem_mpi__fail(AMEM_E_UNSUPPORTED, fn,
                          "no energy for this similarity with softmax");
}

int amem_mpi_hopfield_energy(amem_mpi_hopfield *h, const float *states,
                             size_t n, double *energies)
{
    static const char fn[] = "amem_mpi_hopfield_energy";
    if (h == NULL)
        return amem_mpi__fail(AMEM_E_NULL, fn, "h is NULL");
    size_t d;
    int euclidean;
    amem_hopfield_dim(h->local, &d);
    int rc = amem_mpi__check_batch(fn, h, n, d + 2, energies);
    if (rc == AMEM_OK) /* settings are equal on every rank */
        rc = check_similarity(fn, h, &euclidean);
    if (rc != AMEM_OK)
        return rc;
    float *x = malloc((n * d + 2 * n) * sizeof(float));
    rc = amem_mpi__agree(h->comm, x ? AMEM_OK
                                    : amem_mpi__fail(AMEM_E_NOMEM, fn,
                                                     "cannot allocate"));
    if (rc == AMEM_OK)
        rc = amem_mpi__bcast_rows(h, fn, "states", states, n, d, 1, x);
    if (rc == AMEM_OK)
        rc = energies_of(h, x, n, euclidean, energies);
    free(x);
    return rc;
}
