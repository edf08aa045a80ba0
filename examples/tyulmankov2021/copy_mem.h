/*
 * The memory a copy-task controller drives (Fig. 5c), one interface for
 * four kinds:
 *   SEQUENTIAL, RANDOM  amem_kvmem with the simplified rule (rapid decay,
 *                       sequential or random p = 4/N local factor), the
 *                       reference's frozen networks;
 *   TRAINED             amem_kvmem with the general rule of Eq. 12-17
 *                       (random p = 4/N, passive value decay) whose rule
 *                       parameters are learned together with the
 *                       controller (the reference's copy_random:
 *                       train_memnet = True, starting as in Fig. 3);
 *   BAM                 a Hebbian heteroassociative matrix (copy_bam.c).
 * The key-value kinds are recorded on the library's episode tape, which
 * gives their gradient; BAM keeps its own record.
 * At each step the controller reads with its key, then writes (key, value)
 * with global factor q.
 */
#ifndef TF_COPY_MEM_H
#define TF_COPY_MEM_H

#include <stddef.h>
#include <stdint.h>

#ifndef AMEM_EXPERIMENTAL_API
#define AMEM_EXPERIMENTAL_API
#endif
#include <assocmem/kvmem.h>

enum tf_copy_kind {
    TF_COPY_SEQUENTIAL = 0,
    TF_COPY_RANDOM = 1,
    TF_COPY_BAM = 2,
    TF_COPY_TRAINED = 3
};

/*
 * BAM (reference copy_hopfield): W <- W + eta q v k^T with eta = 1/d, no
 * decay or clipping, one linear step o = W k (take_sign_in_output =
 * False there, so the read is differentiable).
 */
typedef struct tf_bam {
    size_t d, cap, steps; /* size, room for steps, steps recorded */
    float eta;
    float *W;      /* (cap + 1) x d x d: W before each step's write */
    float *k, *v;  /* cap x d: each step's key and value */
    float *q;      /* cap */
    float *dW;     /* d x d: dL/dW carried back */
} tf_bam;

int tf_bam_alloc(tf_bam *b, size_t d, size_t cap);
void tf_bam_free(tf_bam *b);
void tf_bam_begin(tf_bam *b);
/* o = W k, then W += eta q v k^T. 0, or -1 when the record is full. */
int tf_bam_step(tf_bam *b, const float *k, const float *v, float q,
                float *o);
/* Walk back the last remaining step: d_o = dL/do of its read; dk, dv
 * (d each) and *dq receive dL/d(key, value, q). 0, or -1 when nothing is
 * left. */
int tf_bam_back(tf_bam *b, const float *d_o, float *dk, float *dv,
                double *dq);

typedef struct tf_copy_mem {
    int kind;
    size_t d;
    amem_kvmem *kv;        /* key-value kinds: the rule and RNG */
    amem_kvmem_tape *tape; /* records each episode, gives its gradient */
    float *dk_share;       /* d: scratch for one share of dL/dk */
    /* TRAINED: dL/d(rule parameters, p), summed over the episode walked
     * back since the last tf_copy_mem_begin */
    double rule_grad[AMEM_KVMEM_RULE_COUNT + 1];
    tf_bam bam;
} tf_copy_mem;

/* d = key dimension = slots = value dimension; steps: the longest episode.
 * 0 or -1 (reason printed). */
int tf_copy_mem_create(tf_copy_mem *m, int kind, size_t d, size_t steps,
                       uint64_t seed);
void tf_copy_mem_free(tf_copy_mem *m);

/* TRAINED: the rule parameters (AMEM_KVMEM_RULE_COUNT, setting order)
 * the next episodes use, each clamped into its bounds (written back).
 * 0 or -1. */
int tf_copy_mem_set_rule(tf_copy_mem *m, float *rule);
/* The reference start of a TRAINED rule (as Fig. 3's meta-learning). */
void tf_copy_mem_rule_start(float *rule);

/* A new episode from an empty memory. 0 or -1. */
int tf_copy_mem_begin(tf_copy_mem *m);
/* Read with k into o (d floats), then write (k, v, q). 0 or -1. */
int tf_copy_mem_step(tf_copy_mem *m, const float *k, const float *v,
                     float q, float *o);
/* Walk back the last remaining step: d_o = dL/do of its read; dL/dk
 * (the write's share, then the read's) is ADDED to dk, dv (dL/dvalue) and
 * *dq (dL/dq) are overwritten. 0 or -1. */
int tf_copy_mem_back(tf_copy_mem *m, const float *d_o, float *dk,
                     float *dv, double *dq);

#endif
