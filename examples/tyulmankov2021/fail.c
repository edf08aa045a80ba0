/* Error reporting shared by the example's files. */
#include <stdio.h>

#include <assocmem/common.h>

#include "fail.h"

int tf_fail(const char *what, int status)
{
    fprintf(stderr, "tyulmankov2021: %s: %s (%s)\n", what,
            amem_strerror(status), amem_last_error());
    return -1;
}

int tf_nomem(void)
{
    fprintf(stderr, "tyulmankov2021: out of memory\n");
    return -1;
}
