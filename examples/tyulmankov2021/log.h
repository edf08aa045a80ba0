/* Progress lines on stderr: "[tyulmankov2021 12.3s] stage: message". */
#ifndef TF_LOG_H
#define TF_LOG_H

/* printf-style; the elapsed time counts from the first call. */
void tf_log(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Seconds since the first tf_log call (or since the first tf_elapsed). */
double tf_elapsed(void);

#endif
