/*
 * libassocmem-mpi — the modern Hopfield store sharded over MPI ranks.
 *
 * A companion library with its own shared object (libassocmem-mpi.so) and
 * pkg-config file (assocmem-mpi.pc); the core library keeps no MPI
 * dependency. Built with mpicc against Open MPI (Debian's libopenmpi-dev)
 * or MPICH (docs/distributed.md says how).
 *
 * amem_mpi_hopfield is one MODERN Hopfield store (hopfield.h) whose
 * patterns are spread over the ranks of a communicator. Every pattern has
 * a global 64-bit id; the rank that keeps it is id mod P (P ranks). A
 * recall step runs amem_hopfield_recall_partial on every rank's shard and
 * merges the per-query (max, sum, weighted sum) by log-sum-exp with two
 * allreduces (a MAX, then one SUM of the rescaled sums and weighted sums):
 *     M = max_k M_k,  w_k = e^(M_k - M),
 *     x' = sum_k w_k acc_k / sum_k w_k L_k,
 * the same merge as the library's threads use. So recall, energy and
 * top-k equal the single-process store's to float rounding for every rank
 * count. With AMEM_MPI_MERGE_RANK_ORDER the parts are gathered and summed
 * in rank order instead (identical bits on every run for the same P and
 * thread count, at P times the memory for the gathered parts).
 *
 * Collective calls. Every function taking an amem_mpi_hopfield (and
 * create and load) is collective over the handle's communicator: every
 * rank calls it, in the same order. Arguments are checked on every rank
 * and the statuses are agreed before any data moves, so a bad argument on
 * one rank makes every rank return the same status (and the same message
 * in amem_mpi_last_error) instead of hanging. Failures of MPI itself are
 * handled by the communicator's error handler (by default they end the
 * job). One handle is used by one thread at a time; MPI needs to have
 * been initialised (any thread level).
 *
 * The separation is SOFTMAX (the only one whose parts merge by
 * log-sum-exp); every similarity of hopfield.h is supported. Settings are
 * those of enum amem_hopfield_param.
 *
 * Communicators are passed as MPI_Fint (MPI_Comm_c2f(comm) in C,
 * comm.py2f() in mpi4py); the handle works on its own duplicate.
 */
#ifndef ASSOCMEM_MPI_H
#define ASSOCMEM_MPI_H

#include <stddef.h>
#include <stdint.h>

#include <mpi.h>

#include "assocmem/hopfield.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct amem_mpi_hopfield amem_mpi_hopfield;

/* How the parts of the ranks are merged (amem_mpi_hopfield_set_merge). */
enum amem_mpi_merge {
    AMEM_MPI_MERGE_ALLREDUCE = 0, /* MAX then SUM allreduce (default) */
    AMEM_MPI_MERGE_RANK_ORDER = 1 /* allgather, summed in rank order */
};

/* The id given to "no pattern" in top-k results (fewer than k stored). */
#define AMEM_MPI_NO_ID UINT64_MAX

/*
 * amem_mpi_last_error: a sentence about the last failed call on this
 * thread (the same text on every rank for a collective call), or "".
 */
AMEM_API const char *amem_mpi_last_error(void);

/*
 * amem_mpi_hopfield_create: a new, empty sharded MODERN store.
 *   comm       the communicator (MPI_Fint); duplicated
 *   dim        d >= 1, equal on every rank
 *   value_dim  m: 0 autoassociative, >= 1 heteroassociative; equal on
 *              every rank
 *   out        receives the handle (NULL on failure), freed with
 *              amem_mpi_hopfield_free
 * Returns AMEM_OK, AMEM_E_NULL (out), AMEM_E_ARG (comm is MPI_COMM_NULL,
 * or dim / value_dim differ between ranks), AMEM_E_DIM (dim 0),
 * AMEM_E_NOMEM.
 */
AMEM_API int amem_mpi_hopfield_create(MPI_Fint comm, size_t dim,
                                      size_t value_dim,
                                      amem_mpi_hopfield **out);

/* amem_mpi_hopfield_free: release a handle (collective). Accepts NULL on
 * every rank. */
AMEM_API void amem_mpi_hopfield_free(amem_mpi_hopfield *h);

/*
 * amem_mpi_hopfield_set / _get: a setting of enum amem_hopfield_param, the
 * same value on every rank. SEPARATION other than SOFTMAX is refused.
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_ARG (unknown param, or ranks that
 * disagree), AMEM_E_RANGE, AMEM_E_NONFINITE, AMEM_E_UNSUPPORTED (a
 * separation other than SOFTMAX). _get is local (not collective).
 */
AMEM_API int amem_mpi_hopfield_set(amem_mpi_hopfield *h, int param,
                                   double value);
AMEM_API int amem_mpi_hopfield_get(const amem_mpi_hopfield *h, int param,
                                   double *value);

/*
 * amem_mpi_hopfield_set_merge: enum amem_mpi_merge, equal on every rank.
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_ARG.
 */
AMEM_API int amem_mpi_hopfield_set_merge(amem_mpi_hopfield *h, int merge);

/*
 * amem_mpi_hopfield_count: patterns stored over all ranks (*global) and on
 * this rank (*local); either may be NULL. Local. AMEM_OK / AMEM_E_NULL.
 */
AMEM_API int amem_mpi_hopfield_count(const amem_mpi_hopfield *h,
                                     size_t *global, size_t *local);

/* amem_mpi_hopfield_dim / _value_dim: d and m. Local. AMEM_OK/E_NULL. */
AMEM_API int amem_mpi_hopfield_dim(const amem_mpi_hopfield *h, size_t *out);
AMEM_API int amem_mpi_hopfield_value_dim(const amem_mpi_hopfield *h,
                                         size_t *out);

/*
 * amem_mpi_hopfield_store: append patterns, routed to their owners. Each
 * rank passes its own n rows (n may differ between ranks, 0 included).
 *   keys    n x d finite patterns (may be NULL when n = 0)
 *   values  n x m finite values for a heteroassociative store, else NULL
 *   n       rows this rank passes
 *   ids     optional n ids (NULL = none: every rank must then pass NULL,
 *           and the rows get the next free ids, rank 0's rows first);
 *           an id may not be stored already nor repeat in the call, and
 *           AMEM_MPI_NO_ID is not an id
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM (too many rows),
 * AMEM_E_NONFINITE, AMEM_E_ARG (ids on some ranks only, an id in use or
 * repeated), AMEM_E_UNSUPPORTED (values on an autoassociative store or
 * none on a heteroassociative one), AMEM_E_NOMEM. Every check (ids
 * included) is agreed before any rank appends, so a refused call stores
 * nothing; only running out of memory in the final append can leave the
 * rows on the ranks that had room (the handle should then be freed).
 */
AMEM_API int amem_mpi_hopfield_store(amem_mpi_hopfield *h, const float *keys,
                                     const float *values, size_t n,
                                     const uint64_t *ids);

/*
 * amem_mpi_hopfield_recall: amem_hopfield_recall over the whole store.
 *   queries  n x d cues, read on rank 0 (others may pass NULL); broadcast
 *   n        number of queries, >= 1, equal on every rank
 *   clamp    optional n x d 0/1 mask (NULL = none), read on rank 0; every
 *            rank passes NULL or every rank not NULL
 *   out      n x d (autoassociative) or n x m (heteroassociative) results,
 *            written on every rank
 *   steps    optional n ints (NULL = none): steps each query took
 * Iterates until max|dx| <= TOLERANCE or MAX_STEPS (masked recall: one
 * step), exactly as the single-process store.
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM (n = 0 or too large),
 * AMEM_E_NONFINITE, AMEM_E_ARG (bad mask, ranks that disagree on n or on
 * whether clamp is given), AMEM_E_STATE
 * (nothing stored on any rank), AMEM_E_NOMEM.
 */
AMEM_API int amem_mpi_hopfield_recall(amem_mpi_hopfield *h,
                                      const float *queries, size_t n,
                                      const float *clamp, float *out,
                                      int *steps);

/*
 * amem_mpi_hopfield_energy: amem_hopfield_energy over the whole store for
 * n states (read on rank 0, n equal everywhere) into energies[n] on every
 * rank. DOT and EUCLIDEAN similarity (the softmax pairs with an energy).
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM, AMEM_E_NONFINITE, AMEM_E_STATE,
 * AMEM_E_UNSUPPORTED (COSINE or MANHATTAN), AMEM_E_NOMEM.
 */
AMEM_API int amem_mpi_hopfield_energy(amem_mpi_hopfield *h,
                                      const float *states, size_t n,
                                      double *energies);

/*
 * amem_mpi_hopfield_topk: the k largest softmax weights of one step
 * (amem_hopfield_weights over the whole store) for n states.
 *   states   n x d, read on rank 0 (n and k equal on every rank)
 *   k        1 <= k <= 1024; k = 1 gives the arg-max id
 *   ids      n x k ids, best first, ties by lower id; AMEM_MPI_NO_ID past
 *            the stored count
 *   weights  n x k weights (0 past the stored count)
 * Written on every rank. Each rank takes its shard's top k, then the
 * gathered P k candidates are merged.
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM, AMEM_E_RANGE (k),
 * AMEM_E_NONFINITE, AMEM_E_STATE, AMEM_E_NOMEM.
 */
AMEM_API int amem_mpi_hopfield_topk(amem_mpi_hopfield *h,
                                    const float *states, size_t n, size_t k,
                                    uint64_t *ids, float *weights);

/*
 * amem_mpi_hopfield_save: write the store into the directory dir (created
 * if missing; the same path on every rank, on a file system they share).
 * Each rank writes its shard as a Hopfield model file (amem_hopfield_save:
 * temporary file and rename) and its ids beside it; once every rank has
 * written, rank 0 writes the manifest (temporary file, fsync, rename): the
 * commit point. Files of the previous save are removed after it, so a
 * crash before the manifest leaves the previous save loadable.
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_ARG (dir differs between ranks),
 * AMEM_E_IO, AMEM_E_NOMEM.
 */
AMEM_API int amem_mpi_hopfield_save(const amem_mpi_hopfield *h,
                                    const char *dir);

/*
 * amem_mpi_hopfield_load: a store from a saved directory, on any number of
 * ranks (rows re-sharded by id mod P). Settings and merge mode come from
 * the save. *out is NULL on failure.
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_ARG (comm, or dir differs between
 * ranks), AMEM_E_IO,
 * AMEM_E_FORMAT (a missing, truncated or altered file, ids that do not
 * match the manifest), AMEM_E_NOMEM.
 */
AMEM_API int amem_mpi_hopfield_load(MPI_Fint comm, const char *dir,
                                    amem_mpi_hopfield **out);

#ifdef AMEM_EXPERIMENTAL_API
/*
 * Data-parallel training (experimental, as amem_data_parallel in
 * common.h): amem_mpi_data_parallel_create fills a description for the
 * ranks of comm (rank, size) whose reduce replaces the gradient (n floats)
 * and the loss by their sums over the ranks, with one MPI_Allreduce of the
 * gradient vector (in pieces past 2^28 floats) and one of the loss. Give it
 * to a trained piece's amem_<piece>_set_data_parallel on every rank (the
 * same global batch, seed and data everywhere); every rank then applies the
 * same optimizer step. Collective; the description keeps its own duplicate
 * of comm.
 *   comm  the communicator (MPI_Fint)
 *   out   receives the description (NULL on failure), released with
 *         amem_mpi_data_parallel_free once no handle uses it
 * Returns AMEM_OK, AMEM_E_NULL (out), AMEM_E_ARG (comm is MPI_COMM_NULL),
 * AMEM_E_NOMEM.
 */
AMEM_API int amem_mpi_data_parallel_create(MPI_Fint comm,
                                           amem_data_parallel **out);
/* Release a description (collective: frees the duplicate). Accepts NULL. */
AMEM_API void amem_mpi_data_parallel_free(amem_data_parallel *dp);
#endif /* AMEM_EXPERIMENTAL_API */

#ifdef __cplusplus
}
#endif
#endif /* ASSOCMEM_MPI_H */
