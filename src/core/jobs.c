/* The library's thread count and the serial-BLAS window (see jobs.h). */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>

#include "jobs.h"

static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static int lib_threads;  /* the library's count; 0 until first read */
static int blas_threads; /* the BLAS count as we know it; 0: not read */
static int window_users; /* open windows */

/* Under count_lock. */
static void read_count(void)
{
    if (lib_threads == 0) {
        int n = amem__blas_get_threads();
        lib_threads = n < 1 ? 1 : n;
        if (blas_threads == 0)
            blas_threads = n;
    }
}

/* Under count_lock: BLAS to n threads unless it is there already. */
static void blas_to(int n)
{
    if (blas_threads != n)
        amem__blas_set_threads(n);
    blas_threads = n;
}

int amem__threads_get(void)
{
    pthread_mutex_lock(&count_lock);
    read_count();
    int n = lib_threads;
    pthread_mutex_unlock(&count_lock);
    return n;
}

void amem__threads_set(int n)
{
    pthread_mutex_lock(&count_lock);
    lib_threads = n;
    if (window_users == 0)
        blas_to(n);
    pthread_mutex_unlock(&count_lock);
}

int amem__blas_window_begin(int most)
{
    pthread_mutex_lock(&count_lock);
    read_count();
    int threads = lib_threads < most ? lib_threads : most;
    if (window_users++ == 0 && lib_threads > 1)
        blas_to(1);
    pthread_mutex_unlock(&count_lock);
    return threads < 1 ? 1 : threads;
}

void amem__blas_window_end(void)
{
    pthread_mutex_lock(&count_lock);
    if (--window_users == 0)
        blas_to(lib_threads);
    pthread_mutex_unlock(&count_lock);
}

int amem__serial_begin(double work)
{
    if (work >= (double)AMEM__SERIAL_WORK)
        return 0;
    amem__blas_window_begin(1);
    return 1;
}

void amem__serial_end(int opened)
{
    if (opened)
        amem__blas_window_end();
}
