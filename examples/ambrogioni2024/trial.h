/*
 * Ambrogioni 2024 example: one recall trial, the unit of Figure 3.
 * A fresh set of n random ±1 patterns (d entries) is stored; q cues are
 * made by corrupting pattern i mod n with the θ-mix noise of Appendix A;
 * each cue's Hamming error is the fraction of sign-binarised output entries
 * that differ from its pattern.
 */
#ifndef AMB_TRIAL_H
#define AMB_TRIAL_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "recall.h"

/*
 * amb_trial_errors: run one trial of method m. per_query (q floats, may be
 * NULL) receives each cue's Hamming error; *mean their mean.
 * Returns 0, or -1 after printing the reason.
 */
int amb_trial_errors(amb_method m, const amb_config *cfg, size_t n, size_t d,
                     size_t q, uint64_t seed, float *per_query, double *mean);

/* Patterns and cues of a trial (shared with the trained-model trials):
 * patterns n x d; targets and cues q x d (cue i corrupts pattern i mod n). */
int amb_trial_data(const amb_config *cfg, size_t n, size_t d, size_t q,
                   uint64_t seed, float *patterns, float *targets,
                   float *cues);

#endif
