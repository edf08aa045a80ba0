/*
 * Millidge, Salvatori, Song, Lukasiewicz & Bogacz 2022, "Universal Hopfield
 * Networks" (ICML, PMLR 162:15561-15583): retrieval accuracy against the
 * number of stored images for every similarity x separation pair of the
 * modern store, on MNIST and Fashion-MNIST, from half-masked and from
 * Gaussian-noise cues. Shared declarations of the example's files.
 */
#ifndef UHN_H
#define UHN_H

#include <stddef.h>
#include <stdio.h>

#include <assocmem/assocmem.h>
#include <assocmem/data.h>
#include <assocmem/hopfield.h>

#include "common/args.h"

enum { UHN_DATASETS = 2, UHN_CUES = 3, UHN_SIMS = 4, UHN_SEPS = 5,
       UHN_MAX_NS = 12, UHN_MAX_RUNS = 10 };

/* Cue kinds. */
enum { UHN_CUE_HALF = 0,    /* bottom half zeroed, compared as given */
       UHN_CUE_MASKED = 1,  /* the same cue, top half clamped (masked sim) */
       UHN_CUE_NOISE = 2 }; /* clip(|x + N(0, sigma^2)|, 0, 1) */

/* One separation of the sweep: the library's setting and its degree. */
typedef struct uhn_sep {
    const char *name;
    int separation; /* AMEM_HOPFIELD_SEP_* */
    int degree;     /* DEGREE for POLY */
} uhn_sep;

typedef struct uhn_config {
    int quick;
    size_t ns[UHN_MAX_NS], n_ns; /* stored-image counts */
    int runs;                    /* disjoint image blocks per point */
    double sigma;                /* Gaussian cue noise */
    double threshold;            /* correct: sum of squared errors <= it */
    double beta;                 /* softmax inverse temperature */
} uhn_config;

/* The images of one data set, pixels in [0, 1] (the paper's scale). */
typedef struct uhn_data {
    const char *name;
    float *images;
    size_t count, dim, height, width;
} uhn_data;

/* Fraction correct, [dataset][cue][sim][sep][n][run]. */
typedef struct uhn_results {
    double acc[UHN_DATASETS][UHN_CUES][UHN_SIMS][UHN_SEPS][UHN_MAX_NS]
              [UHN_MAX_RUNS];
    int done[UHN_DATASETS];
    double seconds, total_seconds;
} uhn_results;

extern const char *const uhn_cue_name[UHN_CUES];
extern const char *const uhn_sim_name[UHN_SIMS];
extern const uhn_sep uhn_seps[UHN_SEPS];

/* config.c */
void uhn_config_init(uhn_config *cfg, int quick);
int uhn_take_options(uhn_config *cfg, int argc, char **argv);

/* data.c: 0, or -1 after printing why. */
int uhn_load(const ex_args *args, const char *name, const char *file,
             uhn_data *out);

/* cues.c: n cues of kind `cue` from images (n x d) into cues; known
 * (n x d) receives the clamp mask for UHN_CUE_MASKED. */
int uhn_make_cues(const uhn_config *cfg, const uhn_data *d, int cue,
                  const float *images, size_t n, unsigned long seed,
                  float *cues, float *known);

/* sweep.c: every point of one data set; writes CSV rows to csv. */
int uhn_sweep(const uhn_config *cfg, const uhn_data *d, int di, FILE *csv,
              uhn_results *res);
/* Mean over runs of one curve point. */
double uhn_mean(const uhn_config *cfg, const uhn_results *res, int di,
                int cue, int sim, int sep, size_t k);

/* figures.c: a grid of cues and recalls per similarity (PNG). */
int uhn_examples_png(const ex_args *args, const uhn_config *cfg,
                     const uhn_data *d);

/* report.c */
int uhn_report(const ex_args *args, const uhn_config *cfg,
               const uhn_results *res, const char *command);

int uhn_fail(const char *what, int status);

#endif
