/*
 * The memories compared in the paper behind one small interface, so that
 * every task runs every model the same way. A model is created empty, then
 * sees one time step at a time (tf_model_step: store an item with global
 * third factor q, or q = 0 for a step without storage) and answers batched
 * reads. Only public <assocmem/...> calls are used.
 */
#ifndef TF_MODEL_H
#define TF_MODEL_H

#include <stddef.h>
#include <stdint.h>

enum tf_model_kind {
    TF_KV_SEQUENTIAL = 0, /* simplified rule, sequential local factor */
    TF_KV_RANDOM = 1,     /* simplified rule, random local factor p */
    TF_KV_TRAINED = 2,    /* meta-learned general rule (spec.rule) */
    TF_HOPFIELD = 3,      /* classical Hopfield; BAM when m != d */
    TF_TVT = 4            /* TVT slot memory (Hung et al. 2019) */
};

/* A plasticity rule as meta-learning leaves it: the trainable settings
 * AMEM_KVMEM_ETA_K ... AMEM_KVMEM_VALUE_POST_OFFSET plus what stays fixed. */
#define TF_RULE_PARAMS 11

typedef struct tf_rule {
    int random;                     /* 0 sequential, 1 random local factor */
    double p_times_n;               /* random: p = p_times_n / N */
    int passive;                    /* passive value decay (Eq. 13) */
    double params[TF_RULE_PARAMS];  /* eta_k, eta_v, lambda, 8 slopes/offsets */
} tf_rule;

/* Read parameters of a trained TVT for key dimension d (amem_tvt). */
typedef struct tf_tvt_read {
    size_t d;
    float *A, *a, *u, *c; /* d x d, d, d, 1 */
} tf_tvt_read;

typedef struct tf_model_spec {
    int kind;             /* enum tf_model_kind */
    const char *label;    /* name in CSVs and plots */
    size_t slots;         /* N (KV and TVT); Hopfield has d units */
    double p;             /* random local factor probability; <= 0: 4/N */
    double decay;         /* Hopfield lambda (<= 0 or 1: none) */
    int recall_steps;     /* Hopfield synchronous step bound (<= 0: 100) */
    double meta_threshold; /* > 0: meta-plasticity (Eq. 17), synapses
                              freeze once their rate exceeds it */
    int saturating;       /* key-value: AMEM_KVMEM_WRITE_SATURATING (a rate
                             above 1 writes at unit strength) */
    const tf_rule *rule;  /* TF_KV_TRAINED: the learned rule */
    const tf_tvt_read *tvt; /* TF_TVT: trained read parameters (NULL:
                             the library's untrained start) */
} tf_model_spec;

typedef struct tf_model {
    int kind;
    size_t d, m;  /* key and value dimensions */
    int hetero;   /* 1 when created with m > 0 */
    void *impl;   /* the library handle */
} tf_model;

/* A new empty model for keys of dimension d and values of dimension m;
 * m = 0 makes it autoassociative (values are the keys, m becomes d).
 * 0, or -1 (reason printed). */
int tf_model_create(const tf_model_spec *spec, size_t d, size_t m,
                    uint64_t seed, tf_model *out);

/* Release the model's handle (accepts a zeroed struct). */
void tf_model_free(tf_model *model);

/*
 * One time step: store key (d) -> value (m) with global third factor q
 * (q = 0: nothing stored; the step still passes, so a sequential pointer
 * advances and a Hopfield network decays, as in the reference code).
 */
int tf_model_step(tf_model *model, const float *key, const float *value,
                  double q);

/* n reads: queries n x d -> out n x m (raw outputs; the tasks take signs). */
int tf_model_read(tf_model *model, const float *queries, size_t n,
                  float *out);

/* Per-kind implementations, dispatched by the functions above. */
int tf_kv_create(const tf_model_spec *spec, size_t d, size_t m, uint64_t seed,
                 tf_model *out);
int tf_kv_step(tf_model *model, const float *key, const float *value,
               double q);
int tf_kv_read(tf_model *model, const float *queries, size_t n, float *out);
void tf_kv_free(tf_model *model);
int tf_tvt_create(const tf_model_spec *spec, size_t d, size_t m,
                  uint64_t seed, tf_model *out);
int tf_tvt_step(tf_model *model, const float *key, const float *value,
                double q);
int tf_tvt_read_batch(tf_model *model, const float *queries, size_t n,
                      float *out);
void tf_tvt_free(tf_model *model);

int tf_hopfield_create(const tf_model_spec *spec, size_t d, size_t m,
                       tf_model *out);
int tf_hopfield_step(tf_model *model, const float *key, const float *value,
                     double q);
int tf_hopfield_read(tf_model *model, const float *queries, size_t n,
                     float *out);
void tf_hopfield_free(tf_model *model);

/*
 * Train a TVT's read parameters (query key A x + a, strength softplus(u.x +
 * c)) with the library's trainer on the benchmark distribution (T uniform
 * in [N/2, 2N], d = N slots, 60% of query entries zeroed). The arrays in
 * *out are allocated here; release them with tf_tvt_read_free. history,
 * when not NULL, receives steps x AMEM_TVT_HISTORY_COLS floats. 0 or -1.
 */
int tf_tvt_train(size_t n, size_t steps, uint64_t seed, tf_tvt_read *out,
                 float *history);
void tf_tvt_read_free(tf_tvt_read *r);

#endif
