/* The whole saved image of a Hopfield store, for "unchanged" and
 * bit-for-bit comparisons (shared by the hopfield and store suites). */
#ifndef AMEM_TEST_HOPFIELD_IMAGE_H
#define AMEM_TEST_HOPFIELD_IMAGE_H

#include <string.h>

#include "assocmem/hopfield.h"
#include "testutil.h"

static inline unsigned char *image(const amem_hopfield *h, size_t *len)
{
    void *data = NULL;
    AMEM_ASSERT_OK(amem_hopfield_save_mem(h, &data, len));
    return data;
}

static inline int same_image(const amem_hopfield *h, const unsigned char *ref,
                             size_t ref_len)
{
    size_t len;
    unsigned char *now = image(h, &len);
    int same = len == ref_len && memcmp(now, ref, len) == 0;
    amem_free(now);
    return same;
}

#endif
