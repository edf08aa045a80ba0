/*
 * Private: the CBLAS chosen at build time. The Makefile puts the include
 * directory of OpenBLAS (default) or BLIS (make BLAS=blis) on the path, and
 * defines AMEM_BLAS_BLIS for the latter.
 */
#ifndef AMEM_CORE_BLAS_H
#define AMEM_CORE_BLAS_H

#include <cblas.h>

#endif
