/* Ambrogioni 2024 example: drawing the PNG figures with matplotlib. */
#ifndef AMB_PLOTS_H
#define AMB_PLOTS_H

/* Run plot.py on out_dir; 0, or -1 after printing a note (never fatal). */
int amb_run_plots(const char *argv0, const char *out_dir);

#endif
