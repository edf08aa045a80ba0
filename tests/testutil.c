#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "testutil.h"

void amem_test_tmp_path(char *buf, size_t size, const char *stem)
{
    static int counter;
    const char *dir = getenv("TMPDIR");
    snprintf(buf, size, "%s/amem-%s-%ld-%d", dir ? dir : "/tmp", stem,
             (long)getpid(), counter++);
}
