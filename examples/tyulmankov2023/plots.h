/* The PNG figures, drawn by plot.py (matplotlib) from the CSV files. */
#ifndef TY_PLOTS_H
#define TY_PLOTS_H

#include "common/args.h"

/*
 * ty_plots_make: run /usr/bin/python3 plot.py <out_dir>. Returns 1 when the
 * figures were drawn, 0 (after printing a note) when python3 or matplotlib
 * is missing or the script failed: the CSVs are still there.
 */
int ty_plots_make(const ex_args *args);

#endif
