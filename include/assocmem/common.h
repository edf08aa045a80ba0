/*
 * libassocmem — common conventions: version, status codes, error detail,
 * threading, progress callbacks.
 *
 * Every fallible function of the library returns an int status: AMEM_OK (0)
 * on success or a negative AMEM_E_* code. amem_strerror() names a code and
 * amem_last_error() returns a sentence with the detail of the most recent
 * failure on the calling thread.
 */
#ifndef ASSOCMEM_COMMON_H
#define ASSOCMEM_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Version: the single source; the Makefile reads these three lines. */
#define AMEM_VERSION_MAJOR 0
#define AMEM_VERSION_MINOR 2
#define AMEM_VERSION_PATCH 0
#define AMEM_VERSION_NUMBER \
    (AMEM_VERSION_MAJOR * 10000 + AMEM_VERSION_MINOR * 100 + AMEM_VERSION_PATCH)

#if defined(_WIN32)
#  define AMEM_API __declspec(dllexport)
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define AMEM_API __attribute__((visibility("default")))
#else
#  define AMEM_API
#endif

/*
 * Status codes. X(name, value, message). Values are pinned: they are part of
 * the ABI and never change meaning.
 */
#define AMEM_STATUS_LIST(X)                                               \
    X(OK, 0, "success")                                                   \
    X(E_NULL, -1, "a required pointer argument is NULL")                  \
    X(E_ARG, -2, "invalid argument")                                      \
    X(E_DIM, -3, "dimension mismatch")                                    \
    X(E_RANGE, -4, "value out of range")                                  \
    X(E_NONFINITE, -5, "non-finite value in input")                       \
    X(E_NOMEM, -6, "out of memory")                                       \
    X(E_IO, -7, "input/output error")                                     \
    X(E_FORMAT, -8, "malformed or unsupported file")                      \
    X(E_CANCELLED, -9, "cancelled by the progress callback")              \
    X(E_STATE, -10, "handle is not in a state that allows this call")     \
    X(E_UNSUPPORTED, -11, "operation not supported by this kind")         \
    X(E_INTERNAL, -12, "internal error")

enum amem_status {
#define AMEM_X_ENUM(name, value, msg) AMEM_##name = value,
    AMEM_STATUS_LIST(AMEM_X_ENUM)
#undef AMEM_X_ENUM
    AMEM_STATUS_MIN_ = -12
};

/*
 * amem_strerror: a static, human-readable name for a status code.
 * Never NULL; unknown codes give "unknown status".
 */
AMEM_API const char *amem_strerror(int status);

/*
 * amem_last_error: the detail sentence of the most recent failed call on this
 * thread, for example "amem_hopfield_store: pattern length 783, handle
 * dimension 784". Empty string when no call has failed. The pointer is valid
 * until the next library call on this thread; never NULL.
 */
AMEM_API const char *amem_last_error(void);

/* amem_version_number: AMEM_VERSION_NUMBER of the library actually linked. */
AMEM_API int amem_version_number(void);

/* amem_version_string: "MAJOR.MINOR.PATCH" of the linked library. */
AMEM_API const char *amem_version_string(void);

/*
 * amem_set_num_threads: number of threads used by BLAS and by the library's
 * own parallel loops (n >= 1), for the whole process. Takes effect at once,
 * also while other threads are inside a parallel call (those calls keep the
 * split they started with; BLAS follows when the last of them ends).
 * Returns AMEM_OK or AMEM_E_RANGE.
 */
AMEM_API int amem_set_num_threads(int n);

/*
 * amem_get_num_threads: the thread count last set with
 * amem_set_num_threads (before any, the BLAS library's count when first
 * needed); >= 1. Not changed by parallel calls in other threads.
 */
AMEM_API int amem_get_num_threads(void);

/*
 * amem_free: release a buffer the library allocated for the caller (the
 * output of the *_save_mem functions). Accepts NULL.
 */
AMEM_API void amem_free(void *p);

/*
 * Sizes. An array the library reads, writes or allocates holds at most
 * 2^60 - 1 elements on a 64-bit target (PTRDIFF_MAX / 8: its byte size fits
 * in ptrdiff_t for every element type); a larger count x dim is refused with
 * AMEM_E_DIM before anything is read, written or allocated.
 *
 * AMEM_MAX_STEPS_PER_CALL: the most steps, iterations, epochs, resamples or
 * interpolation points one call accepts (2^31 - 1). A count above it is
 * refused with AMEM_E_RANGE. It bounds the rows a call writes into an
 * output whose length the caller chose (a history of steps x COLS floats)
 * and keeps the done/total of a progress callback exact in a 32-bit long.
 */
#define AMEM_MAX_STEPS_PER_CALL 2147483647L

/*
 * Progress callback for long work (training, sweeps). Receives only plain
 * values so that ctypes CFUNCTYPE and Julia @cfunction can supply one.
 *   user   the pointer given alongside the callback, passed back untouched
 *   stage  a short static label ("epoch", "capacity", ...)
 *   done   units of work finished so far; total the expected count
 *   metric the stage's current figure of merit (a loss, an error), or NaN
 * Return 0 to continue; any other value cancels the work, which then returns
 * AMEM_E_CANCELLED and leaves the handle usable.
 */
typedef int (*amem_progress_fn)(void *user, const char *stage, long done,
                                long total, double metric);

#ifdef AMEM_EXPERIMENTAL_API
/*
 * Data-parallel training (experimental; the MPI companion library sets it).
 * With a description set on a trained handle (amem_<piece>_set_data_parallel),
 * its train call computes on worker `rank` of `size` only that worker's
 * slice of each global minibatch (the same shuffled order and random draws
 * on every worker, from the shared seed), with the gradient already divided
 * by the global batch size, then calls reduce once per optimizer step:
 *   reduce(ctx, grad, n, loss) must replace grad (n floats) and *loss by
 *   their sums over all workers, identically on every worker, and return 0;
 *   a nonzero return stops training with AMEM_E_IO.
 * Every worker then applies the same optimizer step, so parameters stay equal
 * across workers when they start equal.
 */
typedef int (*amem_reduce_fn)(void *ctx, float *grad, size_t n,
                              double *loss);
typedef struct amem_data_parallel {
    amem_reduce_fn reduce; /* NULL only with size = 1 */
    void *ctx;             /* passed to reduce untouched */
    int rank;              /* 0 .. size - 1 */
    int size;              /* workers, >= 1 */
} amem_data_parallel;
#endif /* AMEM_EXPERIMENTAL_API */

#ifdef __cplusplus
}
#endif
#endif /* ASSOCMEM_COMMON_H */
