/* Status names and the thread-local error detail. */
#include <stdarg.h>
#include <stdio.h>

#include "error.h"

static _Thread_local char last_error[512];

const char *amem_strerror(int status)
{
    switch (status) {
#define AMEM_X_CASE(name, value, msg) case AMEM_##name: return msg;
        AMEM_STATUS_LIST(AMEM_X_CASE)
#undef AMEM_X_CASE
    default: return "unknown status";
    }
}

const char *amem_last_error(void) { return last_error; }

void amem__clear_error(void) { last_error[0] = '\0'; }

int amem__fail(int status, const char *fn, const char *fmt, ...)
{
    int used = snprintf(last_error, sizeof last_error, "%s: ", fn ? fn : "amem");
    if (used < 0 || (size_t)used >= sizeof last_error)
        return status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error + used, sizeof last_error - (size_t)used, fmt, ap);
    va_end(ap);
    return status;
}
