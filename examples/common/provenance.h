/*
 * Example helper: where a generated file came from. Every report and CSV an
 * example writes records the commit, the exact command line, the date, the
 * machine (cores, CPU, BLAS, library threads) and the run time, so that a
 * number in docs/reproductions/ can be traced to the code that made it.
 *
 * Call ex_provenance_start(argc, argv) first thing in main (with the
 * program's own argv, before any option is removed); the other functions
 * use what it recorded.
 */
#ifndef EX_PROVENANCE_H
#define EX_PROVENANCE_H

#include <stdio.h>

/* Record the command line, the start time and the commit. */
void ex_provenance_start(int argc, char **argv);

/* The command line as typed (arguments shell-quoted where needed). */
const char *ex_provenance_command(void);

/* Wall seconds since ex_provenance_start. */
double ex_provenance_seconds(void);

/*
 * A Markdown block (a heading-less list) naming the commit, command, date,
 * machine and the run time so far; for a report's opening lines.
 */
void ex_provenance_markdown(FILE *f);

/* The same as "# key: value" comment lines, for the top of a CSV file. */
void ex_provenance_csv(FILE *f);

/*
 * Open dir/file for writing, write the provenance comment lines and then
 * the header line (no newline needed). NULL on failure (reason printed).
 */
FILE *ex_csv_create(const char *dir, const char *file, const char *header);

#endif
