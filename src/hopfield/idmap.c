/* Open-addressing id -> row map (see idmap.h). */
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "idmap.h"

/* The splitmix64 finaliser: every input bit moves every output bit. */
static size_t slot_of(uint64_t id, size_t cap)
{
    id ^= id >> 30;
    id *= 0xbf58476d1ce4e5b9ULL;
    id ^= id >> 27;
    id *= 0x94d049bb133111ebULL;
    id ^= id >> 31;
    return (size_t)id & (cap - 1);
}

void amem__idmap_free(amem__idmap *m)
{
    free(m->id);
    free(m->row1);
    memset(m, 0, sizeof *m);
}

void amem__idmap_clear(amem__idmap *m)
{
    if (m->row1 != NULL)
        memset(m->row1, 0, m->cap * sizeof *m->row1);
    m->len = 0;
}

static void put_slot(uint64_t *ids, size_t *rows, size_t cap, uint64_t id,
                     size_t row1)
{
    size_t s = slot_of(id, cap);
    while (rows[s] != 0 && ids[s] != id)
        s = (s + 1) & (cap - 1);
    ids[s] = id;
    rows[s] = row1;
}

int amem__idmap_reserve(amem__idmap *m, size_t total)
{
    size_t cap = m->cap ? m->cap : 16;
    while (cap / 2 < total) {
        if (cap > AMEM__MAX_ELEMS / 2)
            return -1;
        cap *= 2;
    }
    if (cap == m->cap)
        return 0;
    uint64_t *ids = amem__alloc(cap, 1, sizeof *ids);
    size_t *rows = amem__zalloc(cap, 1, sizeof *rows);
    if (ids == NULL || rows == NULL) {
        free(ids);
        free(rows);
        return -1;
    }
    for (size_t s = 0; s < m->cap; s++)
        if (m->row1[s] != 0)
            put_slot(ids, rows, cap, m->id[s], m->row1[s]);
    free(m->id);
    free(m->row1);
    m->id = ids;
    m->row1 = rows;
    m->cap = cap;
    return 0;
}

int amem__idmap_find(const amem__idmap *m, uint64_t id, size_t *row)
{
    if (m->cap == 0)
        return 0;
    for (size_t s = slot_of(id, m->cap); m->row1[s] != 0;
         s = (s + 1) & (m->cap - 1))
        if (m->id[s] == id) {
            *row = m->row1[s] - 1;
            return 1;
        }
    return 0;
}

void amem__idmap_put(amem__idmap *m, uint64_t id, size_t row)
{
    size_t ignored;
    if (!amem__idmap_find(m, id, &ignored))
        m->len++;
    put_slot(m->id, m->row1, m->cap, id, row + 1);
}

/* Backward-shift deletion (Knuth 6.4 Algorithm R): move later entries of
 * the probe run into the hole unless their home slot lies cyclically in
 * (hole, their slot]. */
void amem__idmap_del(amem__idmap *m, uint64_t id)
{
    size_t mask = m->cap - 1, hole;
    if (m->cap == 0)
        return;
    for (hole = slot_of(id, m->cap); m->row1[hole] != 0 && m->id[hole] != id;
         hole = (hole + 1) & mask) {
    }
    if (m->row1[hole] == 0)
        return;
    m->len--;
    for (size_t s = (hole + 1) & mask; m->row1[s] != 0; s = (s + 1) & mask) {
        size_t home = slot_of(m->id[s], m->cap);
        if (((s - home) & mask) < ((s - hole) & mask))
            continue; /* home lies in (hole, s]: stays */
        m->id[hole] = m->id[s];
        m->row1[hole] = m->row1[s];
        hole = s;
    }
    m->row1[hole] = 0;
}
