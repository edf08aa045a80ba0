/*
 * The piece descriptor: what the core needs to know about a piece (Hopfield
 * store, key-value memory, probe, ...) to save and load its handles, so
 * that the public save, save_mem, load and load_mem of every piece are one
 * call each into the functions below.
 *
 * A piece writes its payload (everything after the model file header) with
 * `write` and parses one into a new handle with `read`. The core wraps the
 * payload in the model file container (core/modelfile.h), checks that the
 * reader consumed the payload exactly, frees the handle on any failure, and
 * words every error the same way: "amem_<piece>_load: PATH: what".
 */
#ifndef AMEM_CORE_PIECE_H
#define AMEM_CORE_PIECE_H

#include <stddef.h>
#include <stdint.h>

#include "core/modelfile.h"

typedef struct amem__piece {
    const char *prefix;             /* public prefix, "amem_dam" */
    uint32_t kind;                  /* AMEM__KIND_* written in files */
    uint32_t old_kind;              /* another kind still accepted, or 0 */
    amem__payload_writer write;     /* the payload of a handle */
    /* Parse the payload at r into a new handle (*out); fn names the
     * public caller. On failure *out may hold a partial handle: the core
     * frees it with `release`. */
    int (*read)(const char *fn, amem__rbuf *r, void **out);
    void (*release)(void *handle);
} amem__piece;

int amem__piece_save(const amem__piece *p, const void *handle,
                     const char *path);
int amem__piece_save_mem(const amem__piece *p, const void *handle,
                         void **data, size_t *len);
/* out is the caller's `amem_<piece> **`, set to NULL on failure. */
int amem__piece_load(const amem__piece *p, const char *path, void *out);
int amem__piece_load_mem(const amem__piece *p, const void *data, size_t len,
                         void *out);

/*
 * The public save, save_mem, load and load_mem of a piece whose handle type
 * is T, as calls into its descriptor D: AMEM__PIECE_PERSISTENCE(amem_dam,
 * piece) defines amem_dam_save, amem_dam_save_mem, amem_dam_load_mem and
 * amem_dam_load with the signatures of docs/api.md (C7).
 */
#define AMEM__PIECE_PERSISTENCE(T, D)                                        \
    int T##_save(const T *h, const char *path)                              \
    {                                                                        \
        return amem__piece_save(&(D), h, path);                              \
    }                                                                        \
    int T##_save_mem(const T *h, void **data, size_t *len)                  \
    {                                                                        \
        return amem__piece_save_mem(&(D), h, data, len);                     \
    }                                                                        \
    int T##_load_mem(const void *data, size_t len, T **out)                 \
    {                                                                        \
        return amem__piece_load_mem(&(D), data, len, out);                   \
    }                                                                        \
    int T##_load(const char *path, T **out)                                 \
    {                                                                        \
        return amem__piece_load(&(D), path, out);                            \
    }

#endif
