#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

size_t amem_test_size(size_t full, size_t light)
{
    const char *v = getenv("AMEM_TEST_LIGHT");
    return v != NULL && v[0] != '\0' && strcmp(v, "0") != 0 ? light : full;
}

void amem_test_tmp_path(char *buf, size_t size, const char *stem)
{
    static int counter;
    const char *dir = getenv("TMPDIR");
    snprintf(buf, size, "%s/amem-%s-%ld-%d", dir ? dir : "/tmp", stem,
             (long)getpid(), counter++);
}
