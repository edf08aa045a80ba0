/*
 * Read (Eq. 4-5): H = softmax_rows(beta Q K^T), Y = H V, two sgemm calls
 * (sgemv for a single query), optionally sign(Y).
 */
#include <stdlib.h>
#include <string.h>

#include "core/blas.h"
#include "core/check.h"
#include "core/error.h"
#include "core/jobs.h"
#include "kvmem_impl.h"

/* Queries per block, so the score block stays small for large n. */
#define READ_BLOCK 256

/*
 * y = V^T h for one query. Softmax weights below exp(-104) relative to the
 * maximum underflow to exactly 0 in float, and usually all but a few do
 * (h is nearly one-hot when a stored key matches), so when at most N/8
 * weights are non-zero only their value rows are summed: the same result
 * up to summation order, at the cost of one sgemv instead of two.
 */
static void values_times_hidden(const amem_kvmem *h, const float *hid,
                                float *y)
{
    size_t nnz = 0;
    for (size_t i = 0; i < h->N; i++)
        nnz += hid[i] != 0.0f;
    if (nnz > h->N / 8) {
        cblas_sgemv(CblasRowMajor, CblasTrans, (int)h->N, (int)h->m, 1.0f,
                    h->V, (int)h->m, hid, 1, 0.0f, y, 1);
        return;
    }
    memset(y, 0, h->m * sizeof(float));
    for (size_t i = 0; i < h->N; i++)
        if (hid[i] != 0.0f)
            cblas_saxpy((int)h->m, hid[i], h->V + i * h->m, 1, y, 1);
}

static void read_one(const amem_kvmem *h, float beta, const float *x,
                     float *y, float *hid)
{
    amem__kv_scores(h->K, h->N, h->d, x, beta, hid);
    amem__softmax_row(hid, h->N, 1.0f, NULL);
    values_times_hidden(h, hid, y);
}

/*
 * Y = H V for a block of b queries. When at most an eighth of the weights
 * are non-zero (see values_times_hidden), each output row sums only the
 * value rows of its non-zero weights instead of the second sgemm.
 */
static void block_values(const amem_kvmem *h, const float *H, size_t b,
                         float *Y)
{
    size_t nnz = 0, N = h->N;
    for (size_t k = 0; k < b * N; k++)
        nnz += H[k] != 0.0f;
    if (nnz > b * N / 8) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)b,
                    (int)h->m, (int)N, 1.0f, H, (int)N, h->V, (int)h->m,
                    0.0f, Y, (int)h->m);
        return;
    }
    memset(Y, 0, b * h->m * sizeof(float));
    for (size_t q = 0; q < b; q++)
        for (size_t i = 0; i < N; i++)
            if (H[q * N + i] != 0.0f)
                cblas_saxpy((int)h->m, H[q * N + i], h->V + i * h->m, 1,
                            Y + q * h->m, 1);
}

static void read_block(const amem_kvmem *h, float beta, const float *Q,
                       size_t b, float *Y, float *H)
{
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)b, (int)h->N,
                (int)h->d, beta, Q, (int)h->d, h->K, (int)h->d, 0.0f, H,
                (int)h->N);
    amem__softmax_rows(H, b, h->N, 1.0f);
    block_values(h, H, b, Y);
}

static void sign_in_place(float *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = y[i] > 0 ? 1.0f : (y[i] < 0 ? -1.0f : 0.0f);
}

int amem__kv_check_read(const char *fn, const float *queries, size_t n,
                        size_t d, size_t m, const float *out)
{
    AMEM__CHECK_NULL(out, fn);
    if (n == 0)
        return amem__fail(AMEM_E_DIM, fn, "n is 0");
    int rc = amem__check_array(fn, "queries", queries, n, d);
    if (rc == AMEM_OK)
        rc = amem__array_bytes(fn, "out", n, m, sizeof(float), NULL);
    return rc;
}

int amem_kvmem_read(amem_kvmem *h, const float *queries, size_t n,
                    float *out, float *hidden)
{
    static const char fn[] = "amem_kvmem_read";
    AMEM__CHECK_NULL(h, fn);
    int rc = amem__kv_check_read(fn, queries, n, h->d, h->m, out);
    if (rc == AMEM_OK && hidden)
        rc = amem__array_bytes(fn, "hidden", n, h->N, sizeof(float), NULL);
    if (rc != AMEM_OK)
        return rc;
    size_t per = n < READ_BLOCK ? n : READ_BLOCK, len;
    if (amem__mul_size(per, h->N, &len) != 0)
        return amem__fail(AMEM_E_DIM, fn, "score block too large");
    float *work = hidden ? NULL : amem__alloc(len, 1, sizeof(float));
    if (hidden == NULL && work == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu floats", len);
    float beta = (float)AMEM__KP(h, BETA);
    for (size_t s = 0; s < n; s += per) {
        size_t b = n - s < per ? n - s : per;
        float *H = hidden ? hidden + s * h->N : work;
        /* small blocks on one BLAS thread (core/jobs.h) */
        int serial = amem__serial_begin((double)b * (double)h->N *
                                        (double)(h->d + h->m));
        if (b == 1)
            read_one(h, beta, queries + s * h->d, out + s * h->m, H);
        else
            read_block(h, beta, queries + s * h->d, b, out + s * h->m, H);
        amem__serial_end(serial);
    }
    free(work);
    if (AMEM__KP(h, SIGN_OUTPUT) != 0)
        sign_in_place(out, n * h->m);
    return AMEM_OK;
}
