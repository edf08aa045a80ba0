/* Private: the thread-local error detail behind amem_last_error(). */
#ifndef AMEM_CORE_ERROR_H
#define AMEM_CORE_ERROR_H

#include "assocmem/common.h"

#if defined(__GNUC__)
#  define AMEM__PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#  define AMEM__PRINTF(a, b)
#endif

/* Record "fn: <formatted detail>" for this thread and return status. */
int amem__fail(int status, const char *fn, const char *fmt, ...)
    AMEM__PRINTF(3, 4);

/* Forget the detail of an earlier failure (called on success paths). */
void amem__clear_error(void);

/* Convenience guards; each returns the status to propagate or AMEM_OK. */
#define AMEM__CHECK_NULL(ptr, fn)                                          \
    do {                                                                   \
        if ((ptr) == NULL)                                                 \
            return amem__fail(AMEM_E_NULL, (fn), "%s is NULL", #ptr);      \
    } while (0)

#endif
