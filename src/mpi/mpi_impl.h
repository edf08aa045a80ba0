/*
 * Private: the sharded store of libassocmem-mpi and what its files share.
 * See include/assocmem/mpi.h.
 */
#ifndef AMEM_MPI_IMPL_H
#define AMEM_MPI_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "assocmem/mpi.h"

struct amem_mpi_hopfield {
    MPI_Comm comm;         /* the handle's duplicate */
    int rank, size;        /* P = size; id mod P owns a pattern */
    amem_hopfield *local;  /* this rank's shard, rows in arrival order */
    uint64_t *ids;         /* the shard's ids, one per row */
    size_t id_cap;         /* entries allocated in ids */
    size_t global_count;   /* patterns over all ranks (equal everywhere) */
    uint64_t next_id;      /* next automatic id (equal everywhere) */
    double max_norm_sq;    /* max |xi|^2 over the shard (energy's M^2) */
    int merge;             /* enum amem_mpi_merge */
};

/* ---- errors (error.c) ---------------------------------------------------- */

/* Record "fn: message" for amem_mpi_last_error and return rc. */
int amem_mpi__fail(int rc, const char *fn, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* The core library's last error, recorded against fn; returns rc. */
int amem_mpi__core_fail(int rc, const char *fn);
/*
 * Collective: every rank's status rc in, the lowest status (the rank of
 * lowest number among those holding it) out on every rank, with that
 * rank's message copied to all. AMEM_OK when every rank passed AMEM_OK.
 */
int amem_mpi__agree(MPI_Comm comm, int rc);
/* Collective: AMEM_OK when v is equal on every rank, else AMEM_E_ARG
 * recorded against fn naming what. Needs no agreement afterwards. */
int amem_mpi__same(MPI_Comm comm, const char *fn, const char *what,
                   uint64_t v);

/* ---- the merge of the ranks' parts (merge.c) ----------------------------- */

/*
 * In: this rank's parts of b rows (row_max, row_sum, acc with cols floats
 * per row, acc may be NULL when cols is 0). Out, on every rank: row_max
 * the overall maximum, row_sum and acc the merged sums (lse_merge.h).
 * Returns AMEM_OK or AMEM_E_NOMEM (agreed).
 */
int amem_mpi__merge(const amem_mpi_hopfield *h, size_t b, float *row_max,
                    float *row_sum, float *acc, size_t cols);

/*
 * One merged softmax step of the b states in A (recall.c): acc (b x
 * (d + m)) = [Y^T p | V^T p] over the whole store, row_max and row_sum the
 * merged parts; wk (b x d) and wv (b x m) are scratch. Collective, agreed.
 */
int amem_mpi__step(const amem_mpi_hopfield *h, const float *A, size_t b,
                   const float *mask, float *row_max, float *row_sum,
                   float *wk, float *wv, float *acc, size_t d, size_t m);
/* The merged (max, sum) of the b states in A, no weighted sums. */
int amem_mpi__lse(const amem_mpi_hopfield *h, const float *A, size_t b,
                  float *row_max, float *row_sum);
/* The softmax scale b of the settings (beta, or beta / sqrt(d)). */
float amem_mpi__scale(const amem_mpi_hopfield *h);

/* ---- helpers (handle.c) -------------------------------------------------- */

/* A new handle on a duplicate of comm with an empty shard (no agreement). */
int amem_mpi__alloc(const char *fn, MPI_Comm comm, size_t dim,
                    size_t value_dim, amem_mpi_hopfield **out);
/* Append rows (keys, values, ids) to the shard; the shard's max norm. */
int amem_mpi__append(const char *fn, amem_mpi_hopfield *h, const float *keys,
                     const float *values, const uint64_t *ids, size_t n);
/*
 * Collective: rank 0's n x cols floats (src, read on rank 0 only) into dst
 * on every rank, after checking src on rank 0 (NULL, finite when
 * check_finite) and agreeing. dst must hold n x cols floats on every rank.
 */
int amem_mpi__bcast_rows(const amem_mpi_hopfield *h, const char *fn,
                         const char *name, const float *src, size_t n,
                         size_t cols, int check_finite, float *dst);
/* Collective checks shared by recall, energy and top-k: h, n equal and
 * >= 1 everywhere, something stored, outputs not NULL. */
int amem_mpi__check_batch(const char *fn, const amem_mpi_hopfield *h,
                          size_t n, size_t cols, const void *out);

#endif
