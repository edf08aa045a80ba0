/* Draw the PNG figures with plot.py (matplotlib) from the CSVs. */
#ifndef TF_PLOT_H
#define TF_PLOT_H

#include "common/args.h"

/* Run /usr/bin/python3 plot.py OUT_DIR. Returns 1 when the figures were
 * drawn, 0 when python3/matplotlib is missing or the script failed (a note
 * is printed; the run still succeeds). */
int tf_plot(const ex_args *args);

#endif
