/*
 * Private: the key-value memory handle and the functions its files share.
 * See include/assocmem/kvmem.h for the rules and their equations.
 */
#ifndef AMEM_KVMEM_IMPL_H
#define AMEM_KVMEM_IMPL_H

#include <stddef.h>

#include "assocmem/kvmem.h"

/* The number of settings (the public enum has no count member). */
#define AMEM__KVMEM_NPARAM (AMEM_KVMEM_WRITE_MODE + 1)
#include "core/numerics.h"
#include "core/rng.h"
#include "core/settings.h"
#include "core/optim.h"
#include "core/trainer.h"

/* Trainable vector: the 11 rule parameters, then p. */
#define AMEM__KV_THETA (AMEM_KVMEM_RULE_COUNT + 1)

struct amem_kvmem {
    size_t d, N, m;         /* key dimension, slots, value dimension */
    double param[AMEM__KVMEM_NPARAM];
    amem__rng rng;
    float *K;               /* N x d, row i = key of slot i */
    float *V;               /* N x m, row i = value of slot i */
    unsigned char *key_frozen;   /* N stability flags (Eq. 17) */
    unsigned char *value_frozen; /* N */
    size_t pointer;         /* next SEQUENTIAL slot */
    size_t count;           /* writes with q > 0 */
    size_t *gated;          /* slots gated by the last write (N capacity) */
    size_t n_gated;
    float *scores;          /* N scratch: scores / hidden activity */
    float *post;            /* m scratch: g_v(y) */
    amem__adam *adam;       /* AMEM__KV_THETA parameters */
    amem__data_parallel dp; /* size <= 1: local training */
    float last_step[AMEM_KVMEM_HISTORY_COLS]; /* record of the last step */
    int has_last_step;      /* last_step holds one (not saved) */
};

#define AMEM__KP(h, p) ((h)->param[AMEM_KVMEM_##p])

/* The rule in float, as the write and the episode use it. */
typedef struct amem__kv_rule {
    float eta_k, eta_v, lambda;
    float a_fk, b_fk, a_gk, b_gk, a_fv, b_fv, a_gv, b_gv;
    float beta, threshold, p;
    int random, passive, meta, saturate;
} amem__kv_rule;

/* The factor a write of rate e puts on its new term (WRITE_MODE). */
static inline float amem__kv_write_gain(const amem__kv_rule *r, float e)
{
    if (!r->saturate)
        return e;
    return e < 0 ? 0.0f : (e > 1 ? 1.0f : e);
}

void amem__kv_rule_from(const amem_kvmem *h, amem__kv_rule *r);

/* Settings table (settings.c). */
extern const amem__settings amem__kvmem_settings;

/* Allocate a zeroed handle with default settings (sizes validated). */
int amem__kvmem_alloc(const char *fn, size_t d, size_t N, size_t m,
                      amem_kvmem **out);

/*
 * Local third factor (gamma.c): the gated slots of one write into idx
 * (capacity N), returning their count. SEQUENTIAL returns the pointer slot;
 * RANDOM draws Bernoulli(p) per slot by geometric skips.
 */
size_t amem__kv_sequential_gate(size_t pointer, size_t *idx);
size_t amem__kv_random_gate(amem__rng *rng, double p, size_t N, size_t *idx);

/* The argument checks of a batched read (kvmem and TVT, read.c): out not
 * NULL, n >= 1, queries n x d finite, n x m outputs addressable. */
int amem__kv_check_read(const char *fn, const float *queries, size_t n,
                        size_t d, size_t m, const float *out);

/* scores <- beta * K x (N entries) through sgemv (scores.c). */
void amem__kv_scores(const float *K, size_t N, size_t d, const float *x,
                     float beta, float *scores);

/* The write of one validated item (write_key.c, write_value.c). */
void amem__kv_write_keys(amem_kvmem *h, const amem__kv_rule *r,
                         const float *x, float q);
void amem__kv_write_values(amem_kvmem *h, const amem__kv_rule *r,
                           const float *x, const float *y, float q);

/* Sample one episode of the task distribution (task.c). */
typedef struct amem__kv_task {
    size_t T, R;            /* stored items, queries (R = T) */
    float *keys;            /* T x d */
    float *values;          /* T x m (points to keys when d = m) */
    float *queries;         /* R x d */
    float *targets;         /* R x m */
} amem__kv_task;

/* Range of T after defaults (0 -> N/2, 0 -> 2N); AMEM_E_RANGE if min > max. */
int amem__kv_task_lengths(const char *fn, double min_set, double max_set,
                          size_t N, size_t *lo, size_t *hi);
/* Buffers for up to T_max items; free with amem__kv_task_free. */
int amem__kv_task_alloc(const char *fn, size_t d, size_t m, size_t T_max,
                        amem__kv_task *t);
void amem__kv_task_free(amem__kv_task *t);
void amem__kv_task_sample(amem__rng *rng, size_t d, size_t m, size_t lo,
                          size_t hi, double zero_fraction, amem__kv_task *t);

/*
 * One differentiable episode (episode.c) with rule r from an empty memory.
 * grad (AMEM__KV_THETA doubles) may be NULL. outputs (R x m) may be NULL.
 */
typedef struct amem__kv_episode_in {
    const float *keys, *values, *q; /* q may be NULL (all 1) */
    size_t T;
    const float *queries, *targets;
    size_t R;
} amem__kv_episode_in;

int amem__kv_episode_run(const char *fn, amem_kvmem *h,
                         const amem__kv_rule *r,
                         const amem__kv_episode_in *in, float *outputs,
                         double *loss, double *accuracy, double *grad);

#endif
