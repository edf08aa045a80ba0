/* Bump allocator with O(1) reset; see engine.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

#define ALIGN 64u

typedef struct chunk {
    struct chunk *next;
    size_t cap, used;
    unsigned char *base; /* aligned start of the usable bytes */
    void *raw;
} chunk;

struct amem__arena {
    chunk *head;     /* chunk being filled */
    chunk *first;    /* the first chunk; reset returns here */
    size_t in_use;   /* bytes handed out since the last reset */
    size_t peak;
    size_t total;    /* capacity of all chunks */
};

static chunk *chunk_new(size_t cap)
{
    if (cap > SIZE_MAX - ALIGN - sizeof(chunk))
        return NULL;
    chunk *c = malloc(sizeof *c);
    if (c == NULL)
        return NULL;
    c->raw = malloc(cap + ALIGN);
    if (c->raw == NULL) {
        free(c);
        return NULL;
    }
    uintptr_t p = ((uintptr_t)c->raw + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1);
    c->base = (unsigned char *)p;
    c->cap = cap;
    c->used = 0;
    c->next = NULL;
    return c;
}

static void chunks_free(chunk *c)
{
    while (c) {
        chunk *next = c->next;
        free(c->raw);
        free(c);
        c = next;
    }
}

amem__arena *amem__arena_create(size_t initial_bytes)
{
    amem__arena *a = calloc(1, sizeof *a);
    if (a == NULL)
        return NULL;
    a->first = a->head = chunk_new(initial_bytes < 4096 ? 4096 : initial_bytes);
    if (a->first == NULL) {
        free(a);
        return NULL;
    }
    a->total = a->first->cap;
    return a;
}

void amem__arena_free(amem__arena *a)
{
    if (a == NULL)
        return;
    chunks_free(a->first);
    free(a);
}

void *amem__arena_alloc(amem__arena *a, size_t bytes)
{
    if (bytes > SIZE_MAX - ALIGN)
        return NULL;
    size_t need = (bytes + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    chunk *c = a->head;
    if (c->cap - c->used < need) {
        if (c->next == NULL || c->next->cap < need) {
            size_t cap = a->total > need ? a->total : need;
            chunk *fresh = chunk_new(cap);
            if (fresh == NULL)
                return NULL;
            fresh->next = c->next;
            c->next = fresh;
            a->total += cap;
        }
        c = a->head = c->next;
        c->used = 0;
    }
    void *p = c->base + c->used;
    c->used += need;
    a->in_use += need;
    if (a->in_use > a->peak)
        a->peak = a->in_use;
    return p;
}

float *amem__arena_zeros(amem__arena *a, size_t n)
{
    if (n > SIZE_MAX / sizeof(float))
        return NULL;
    float *p = amem__arena_alloc(a, n * sizeof(float));
    if (p)
        memset(p, 0, n * sizeof(float));
    return p;
}

void amem__arena_reset(amem__arena *a)
{
    if (a->first->next != NULL) {
        /* Merge: one chunk as large as everything used, then no spills. */
        chunk *merged = chunk_new(a->total);
        if (merged != NULL) {
            chunks_free(a->first);
            a->first = merged;
        }
    }
    for (chunk *c = a->first; c; c = c->next)
        c->used = 0;
    a->head = a->first;
    a->in_use = 0;
}

size_t amem__arena_peak(const amem__arena *a) { return a->peak; }
