/*
 * Private: the episode tape (tape.c, tape_back.c), a recorded episode of
 * interleaved writes and reads over the differentiable episode workspace.
 */
#ifndef AMEM_KVMEM_TAPE_IMPL_H
#define AMEM_KVMEM_TAPE_IMPL_H

#include "episode.h"

enum { TAPE_IDLE, TAPE_RECORDING, TAPE_BACK };

struct amem_kvmem_tape {
    size_t d, N, m, T_cap, R_cap;
    amem__kv_rule rule;
    amem__rng rng;          /* RANDOM gamma draws of the episode */
    int advance_every;
    int phase;              /* TAPE_* */
    float *X, *Y, *Q, *Xq;  /* copies: keys, values, q, read queries */
    size_t *call_time;      /* per read call: writes recorded before it */
    size_t *call_first;     /* its first query row */
    size_t *call_n;         /* its number of queries */
    size_t n_calls;
    size_t back_w, back_c;  /* writes and read calls not yet walked back */
    amem__kv_episode_in in; /* points at X, Y, Q, Xq */
    kv_ep ep;
};

/* 1 when the last operation not yet walked back is a read call. */
int amem__kv_tape_last_is_read(const amem_kvmem_tape *t);
/* Enter the walking-back phase (zero dK, dV) if not yet in it. */
void amem__kv_tape_start_back(amem_kvmem_tape *t);

#endif
