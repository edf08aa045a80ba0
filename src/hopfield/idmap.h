/*
 * Private: an open-addressing hash map from 64-bit ids to row numbers
 * (linear probing, at most half full, deletion by backward shift so no
 * tombstones accumulate). Used by the Hopfield store's stable ids.
 */
#ifndef AMEM_HOPFIELD_IDMAP_H
#define AMEM_HOPFIELD_IDMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct amem__idmap {
    uint64_t *id;  /* cap slots */
    size_t *row1;  /* row + 1 per slot; 0 = empty */
    size_t cap;    /* a power of two, or 0 */
    size_t len;    /* entries held */
} amem__idmap;

void amem__idmap_free(amem__idmap *m);
/* Forget every entry, keeping the slots. */
void amem__idmap_clear(amem__idmap *m);
/* Make room for `total` entries; 0 on success, -1 out of memory (then the
 * map is unchanged). */
int amem__idmap_reserve(amem__idmap *m, size_t total);
/* 1 and *row when id is held, else 0. */
int amem__idmap_find(const amem__idmap *m, uint64_t id, size_t *row);
/* Insert id -> row or overwrite its row; room must have been reserved. */
void amem__idmap_put(amem__idmap *m, uint64_t id, size_t row);
/* Remove id if held. */
void amem__idmap_del(amem__idmap *m, uint64_t id);

#endif
