/*
 * Ambrogioni 2024 example: what each experiment measured, gathered for the
 * Markdown report, and the entry points of the experiments.
 */
#ifndef AMB_RESULTS_H
#define AMB_RESULTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"

/* Table 1 columns: correlation of the modern Hopfield output with ...;
 * then the appendix's comparison: the exact VP diffusion output with the
 * exact VE one, and the VE output with the true patterns; then the
 * diffusion and true-pattern columns with both the modern Hopfield network
 * and the exact diffusion model recalling in double (PRECISION FLOAT64;
 * the columns before are float32); then the diffusion column with one of
 * the two in each precision: float32 modern Hopfield against float64
 * diffusion, float64 modern Hopfield against float32 diffusion. */
enum { AMB_T1_DIFFUSION, AMB_T1_CLASSICAL, AMB_T1_TRUTH,
       AMB_T1_CLASSICAL_ZD, AMB_T1_VP_VE, AMB_T1_VE_TRUTH,
       AMB_T1_DIFFUSION_F64, AMB_T1_TRUTH_F64, AMB_T1_MH32_DM64,
       AMB_T1_MH64_DM32, AMB_T1_COLUMNS };

typedef struct amb_table1_row {
    int completion;          /* 0 denoising, 1 completion */
    size_t patterns;
    double mean[AMB_T1_COLUMNS];
    double sd[AMB_T1_COLUMNS];   /* spread over repetitions */
} amb_table1_row;

/* Figure 3b models with a capacity curve. */
enum { AMB_CAP_EXACT, AMB_CAP_MODERN, AMB_CAP_CLASSICAL, AMB_CAP_CLASSICAL_ZD,
       AMB_CAP_MODELS };

typedef struct amb_capacity_curve {
    double raw[AMB_MAX_LIST], lower[AMB_MAX_LIST], upper[AMB_MAX_LIST];
    double smooth[AMB_MAX_LIST], smooth_lower[AMB_MAX_LIST],
        smooth_upper[AMB_MAX_LIST];
} amb_capacity_curve;

#define AMB_MAX_REPEATS 32

typedef struct amb_trained_dim {
    size_t start;            /* exact capacity + 4 */
    size_t capacity[AMB_MAX_REPEATS];
    int trainings;           /* networks trained for this dimension */
} amb_trained_dim;

typedef struct amb_results {
    amb_table1_row t1[6];
    int t1_done;
    amb_capacity_curve cap[AMB_CAP_MODELS];
    int cap_done;
    amb_trained_dim trained[AMB_MAX_LIST];
    int trained_done;
    double f2_final_gap[4];  /* mean |x_method - nearest pattern| at the end */
    int f2_agree[4];         /* cues whose sign output matches exact ODE */
    double f2_loss;
    int f2_done;
    int f1_done;             /* Figure 1 landscapes written */
    double err_at[AMB_MAX_LIST][AMB_MAX_LIST]; /* fig 3a medians */
    int err_done;
    double seconds[8];       /* wall time per part */
    char command[512];       /* the command line of the run */
} amb_results;

/* Seed for one sub-experiment, mixed from the run seed and three indices. */
uint64_t amb_seed(uint64_t base, uint64_t a, uint64_t b, uint64_t c);

/* The experiments; each writes its CSV into out_dir. 0 or -1. */
int amb_table1(const amb_config *cfg, const char *out_dir, amb_results *res);
int amb_error_curve(const amb_config *cfg, const char *out_dir,
                    amb_results *res);
int amb_capacity(const amb_config *cfg, const char *out_dir,
                 amb_results *res);
/* Capacity of the exact model at dimension d by bisection alone. */
int amb_exact_capacity(const amb_config *cfg, size_t d, long *capacity);
int amb_trained_capacity(const amb_config *cfg, const char *out_dir,
                         amb_results *res);
int amb_trajectories(const amb_config *cfg, const char *out_dir,
                     amb_results *res);
int amb_landscape(const amb_config *cfg, const char *out_dir,
                  amb_results *res);

/* The Markdown report (report.md) beside the paper's numbers. */
int amb_report(const amb_config *cfg, const char *out_dir,
               const amb_results *res);

/* The report's closing section: where and why we differ from the paper. */
void amb_report_notes(FILE *f, const amb_config *cfg,
                      const amb_results *res);

#endif
