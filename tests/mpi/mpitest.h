/*
 * A small harness for the MPI test programs (run under mpirun by run.sh):
 * each case runs on every rank; a case passes when no check failed on any
 * rank. mt_finish prints "N passed, N failed" on rank 0.
 */
#ifndef AMEM_MPITEST_H
#define AMEM_MPITEST_H

#include <stddef.h>
#include <stdint.h>

#include <mpi.h>

#include "assocmem/mpi.h"

extern int mt_rank, mt_size;

void mt_init(int *argc, char ***argv);
int mt_finish(void);
/* Run one case on every rank and report it once. */
void mt_run(const char *name, void (*fn)(void));
void mt_fail(const char *file, int line, const char *what);

#define MT_CHECK(cond)                                                        \
    do {                                                                      \
        if (!(cond))                                                          \
            mt_fail(__FILE__, __LINE__, #cond);                               \
    } while (0)
#define MT_STATUS(call, want)                                                 \
    do {                                                                      \
        int mt_rc_ = (call);                                                  \
        if (mt_rc_ != (want)) {                                               \
            mt_fail(__FILE__, __LINE__, #call);                               \
            fprintf(stderr, "  status %d, expected %d: %s\n", mt_rc_, (want), \
                    amem_mpi_last_error());                                   \
        }                                                                     \
    } while (0)

/* Deterministic values in [-1, 1) from a seed (the same on every rank). */
void mt_fill(float *x, size_t len, uint64_t seed);
/* max_i |a - b| / (1 + |b|) */
double mt_rel_diff(const float *a, const float *b, size_t len);
/* 1 when buf (len bytes) is the same on every rank. */
int mt_same_everywhere(const void *buf, size_t len);

#include <stdio.h>

#endif
