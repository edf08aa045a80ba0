/*
 * Ambrogioni 2024: the numbers the paper prints (Table 1), for the report.
 */
#ifndef AMB_PAPER_H
#define AMB_PAPER_H

/* Rows: denoising 10/20/30 patterns, then completion 10/20/30 patterns;
 * columns: diffusion model, classical Hopfield, true patterns. */
extern const double amb_paper_table1[6][3];

/* The diffusion column of Table 1 from the NumPy re-implementation
 * (reference.py), its own random draws, rows as amb_paper_table1:
 * [0] float32, [1] float64 (docs/reproductions/ambrogioni2024/
 * reference_table1_float32.txt and _float64.txt). */
extern const double amb_reference_diffusion[2][6];

#endif
