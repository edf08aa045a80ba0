/*
 * report.md in the output folder: the paper's statements beside our
 * numbers for every figure, the setup and every difference from the
 * paper. Figures are linked as PNGs next to the report.
 */
#ifndef TF_REPORT_H
#define TF_REPORT_H

#include <stdio.h>

#include "common/args.h"
#include "config.h"
#include "copy.h"
#include "results.h"

/* Write <out>/report.md. 0, or -1 (reason printed). */
int tf_report_write(const tf_config *cfg, const ex_args *args,
                    const tf_results *res);

/* The sections, one per figure (report_fig*.c). */
void tf_report_fig2(FILE *f, const tf_config *cfg, const tf_fig2_result *r);
void tf_report_fig3(FILE *f, const tf_config *cfg, const tf_fig3_result *r);
/* Panel b alone (also the tail of tf_report_fig3). */
void tf_report_fig3b(FILE *f, const tf_config *cfg, const tf_fig3_result *r);
void tf_report_fig3_seeds(FILE *f, const tf_seed_result *r);
void tf_report_fig4(FILE *f, const tf_config *cfg, const tf_fig4_result *r);
void tf_report_fig5(FILE *f, const tf_config *cfg, const tf_fig5_result *r);
/* Fig. 5c alone (part of tf_report_fig5; the whole report of --only). */
void tf_report_fig5c(FILE *f, const tf_config *cfg,
                     const tf_fig5_result *r);
void tf_report_differences(FILE *f, const tf_config *cfg);

/* A number with `digits` decimals into buf, or "–" for NaN. Returns buf. */
const char *tf_num(char *buf, size_t size, double v, int digits);

/* Shorthand for one number in a printf argument list. */
#define TF_NUM(v, digits) tf_num((char[32]){0}, 32, (v), (digits))
/* The same in exponent notation (two significant decimals). */
#define TF_NUM_E(v) tf_num_e((char[32]){0}, 32, (v))
const char *tf_num_e(char *buf, size_t size, double v);

#endif
