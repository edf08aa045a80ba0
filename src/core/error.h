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

/*
 * A public scalar query: AMEM__GETTER(amem_dam, visible, size_t, h, h->N)
 * defines int amem_dam_visible(const amem_dam *h, size_t *out), which
 * refuses a NULL handle (named as in the header) or out and writes the
 * expression.
 */
#define AMEM__GETTER(T, name, type, var, expr)                             \
    int T##_##name(const T *var, type *out)                                \
    {                                                                      \
        AMEM__CHECK_NULL(var, #T "_" #name);                               \
        AMEM__CHECK_NULL(out, #T "_" #name);                               \
        *out = (expr);                                                     \
        return AMEM_OK;                                                    \
    }

#endif
