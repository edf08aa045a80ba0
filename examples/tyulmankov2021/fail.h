/* Error reporting shared by the example's files. */
#ifndef TF_FAIL_H
#define TF_FAIL_H

/* Print "tyulmankov2021: what: status name (detail)"; returns -1. */
int tf_fail(const char *what, int status);

/* Print "tyulmankov2021: out of memory"; returns -1. */
int tf_nomem(void);

#endif
