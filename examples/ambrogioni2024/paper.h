/*
 * Ambrogioni 2024: the numbers the paper prints (Table 1), for the report.
 */
#ifndef AMB_PAPER_H
#define AMB_PAPER_H

/* Rows: denoising 10/20/30 patterns, then completion 10/20/30 patterns;
 * columns: diffusion model, classical Hopfield, true patterns. */
extern const double amb_paper_table1[6][3];

#endif
