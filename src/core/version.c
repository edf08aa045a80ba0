/* Version queries, the thread-count setting and BLAS thread control. */
#include "assocmem/common.h"
#include "blas.h"
#include "error.h"
#include "jobs.h"

#define AMEM_STR2(x) #x
#define AMEM_STR(x) AMEM_STR2(x)

/* Thread control of the two supported BLAS libraries (not in cblas.h). */
#if defined(AMEM_BLAS_BLIS)
void bli_thread_set_num_threads(long n);
long bli_thread_get_num_threads(void);
#else
void openblas_set_num_threads(int n);
int openblas_get_num_threads(void);
#endif

int amem_version_number(void) { return AMEM_VERSION_NUMBER; }

const char *amem_version_string(void)
{
    return AMEM_STR(AMEM_VERSION_MAJOR) "." AMEM_STR(AMEM_VERSION_MINOR)
        "." AMEM_STR(AMEM_VERSION_PATCH);
}

int amem_set_num_threads(int n)
{
    if (n < 1 || n > 1024)
        return amem__fail(AMEM_E_RANGE, "amem_set_num_threads",
                          "thread count %d outside [1, 1024]", n);
    amem__threads_set(n);
    return AMEM_OK;
}

int amem_get_num_threads(void) { return amem__threads_get(); }

void amem__blas_set_threads(int n)
{
#if defined(AMEM_BLAS_BLIS)
    bli_thread_set_num_threads(n);
#else
    openblas_set_num_threads(n);
#endif
}

int amem__blas_get_threads(void)
{
#if defined(AMEM_BLAS_BLIS)
    long n = bli_thread_get_num_threads();
#else
    long n = openblas_get_num_threads();
#endif
    return n < 1 ? 1 : (int)n;
}
