/*
 * libFuzzer target: the IDX readers from memory (plain and gzip). Any input
 * must give AMEM_OK with consistent sizes or an error status; never a crash,
 * a leak or an unbounded allocation.
 */
#include <stddef.h>
#include <stdint.h>

#include "assocmem/data.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    float *images = NULL;
    int32_t *labels = NULL;
    size_t count = 0, height = 0, width = 0;
    if (amem_idx_read_images_mem(data, size, &images, &count, &height,
                                 &width) == AMEM_OK) {
        /* Touch the last pixel so a short allocation would be caught. */
        volatile float last = images[count * height * width - 1];
        (void)last;
    }
    amem_free(images);
    if (amem_idx_read_labels_mem(data, size, &labels, &count) == AMEM_OK) {
        volatile int32_t last = labels[count - 1];
        (void)last;
    }
    amem_free(labels);
    return 0;
}
