/* Progress lines on stderr with the elapsed wall time. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "log.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double tf_elapsed(void)
{
    static double start = -1.0;
    if (start < 0)
        start = now();
    return now() - start;
}

void tf_log(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "[tyulmankov2021 %7.1fs] ", tf_elapsed());
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}
