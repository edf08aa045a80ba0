/*
 * Example helper: draw an example's PNG figures by running its matplotlib
 * script (examples/<name>/plot.py, Agg backend) on the output folder with
 * /usr/bin/python3. A missing interpreter, script or matplotlib only prints
 * a note: the CSV files and the report are complete without the figures.
 */
#ifndef EX_PLOT_H
#define EX_PLOT_H

/*
 * Run examples/<name>/plot.py on out_dir. The script is looked up from the
 * working directory (the repository root under make), else relative to the
 * program (build/examples/<prog>, given as argv0). Returns 0, or -1 after
 * printing a note (never fatal).
 */
int ex_run_plots(const char *name, const char *argv0, const char *out_dir);

#endif
