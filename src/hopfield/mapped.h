/*
 * Private: the row blocks of a Hopfield store file (persist.c describes
 * the layout) and the read-only mapping of such a file (mapped.c).
 */
#ifndef AMEM_HOPFIELD_MAPPED_H
#define AMEM_HOPFIELD_MAPPED_H

#include <stddef.h>

#include "core/modelfile.h"
#include "hopfield_impl.h"

/* Row blocks start at file offsets that are multiples of this. */
#define AMEM__ROW_ALIGN 64

/* Zero bytes before the block that would start at payload offset pos. */
static inline size_t amem__row_pad(size_t pos)
{
    size_t at = AMEM__HEADER_SIZE + pos;
    return (AMEM__ROW_ALIGN - at % AMEM__ROW_ALIGN) % AMEM__ROW_ALIGN;
}

/* Parse a payload into a new handle (persist.c); with borrow = 1 the row
 * blocks stay in r's memory (which must outlive the handle and be
 * aligned as the file is). *out may hold a partial handle on failure. */
int amem__hopfield_read(const char *fn, amem__rbuf *r, int borrow,
                        amem_hopfield **out);
/* The aligned row blocks (layout.c): next id, keys, scales, values, ids,
 * validated; borrowed or copied. */
int amem__hopfield_read_rows(const char *fn, amem__rbuf *r, amem_hopfield *h,
                             int borrow);
/* Release a mapped handle's mapping (mapped.c). */
void amem__hopfield_unmap(amem_hopfield *h);

#endif
