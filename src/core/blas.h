/*
 * Private: the CBLAS chosen at build time. OpenBLAS (default) is used through
 * its cblas.h. For BLIS (make BLAS=blis, defines AMEM_BLAS_BLIS) the standard
 * CBLAS declarations the library uses are given here, because BLIS's own
 * cblas.h pulls in all of blis.h, which needs POSIX feature macros and does
 * not compile warning-free; the ABI of these functions is the reference
 * CBLAS one, which BLIS exports.
 */
#ifndef AMEM_CORE_BLAS_H
#define AMEM_CORE_BLAS_H

#if !defined(AMEM_BLAS_BLIS)
#  include <cblas.h>
#else
enum CBLAS_ORDER { CblasRowMajor = 101, CblasColMajor = 102 };
enum CBLAS_TRANSPOSE { CblasNoTrans = 111, CblasTrans = 112, CblasConjTrans = 113 };
enum CBLAS_UPLO { CblasUpper = 121, CblasLower = 122 };
typedef enum CBLAS_ORDER CBLAS_LAYOUT;

void cblas_sgemm(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE trans_a,
                 enum CBLAS_TRANSPOSE trans_b, int m, int n, int k, float alpha,
                 const float *a, int lda, const float *b, int ldb, float beta,
                 float *c, int ldc);
void cblas_dgemm(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE trans_a,
                 enum CBLAS_TRANSPOSE trans_b, int m, int n, int k,
                 double alpha, const double *a, int lda, const double *b,
                 int ldb, double beta, double *c, int ldc);
void cblas_ssyrk(enum CBLAS_ORDER order, enum CBLAS_UPLO uplo,
                 enum CBLAS_TRANSPOSE trans, int n, int k, float alpha,
                 const float *a, int lda, float beta, float *c, int ldc);
void cblas_sgemv(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE trans, int m,
                 int n, float alpha, const float *a, int lda, const float *x,
                 int incx, float beta, float *y, int incy);
void cblas_saxpy(int n, float alpha, const float *x, int incx, float *y,
                 int incy);
float cblas_sdot(int n, const float *x, int incx, const float *y, int incy);
void cblas_sscal(int n, float alpha, float *x, int incx);
void cblas_sger(enum CBLAS_ORDER order, int m, int n, float alpha,
                const float *x, int incx, const float *y, int incy, float *a,
                int lda);
void cblas_scopy(int n, const float *x, int incx, float *y, int incy);
float cblas_snrm2(int n, const float *x, int incx);
float cblas_sasum(int n, const float *x, int incx);
#endif

#endif
