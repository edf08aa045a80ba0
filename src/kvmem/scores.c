/* Slot scores of the key-value memory: beta K x through sgemv. */
#include "core/blas.h"
#include "kvmem_impl.h"

void amem__kv_scores(const float *K, size_t N, size_t d, const float *x,
                     float beta, float *scores)
{
    cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)N, (int)d, beta, K, (int)d,
                x, 1, 0.0f, scores, 1);
}
