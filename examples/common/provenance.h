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

/* The same as "# key: value" comment lines, for the top of a CSV file
 * (the run time there is the time at which the file was opened). */
void ex_provenance_csv(FILE *f);

/* Append "# finished after: S s wall" and close f (NULL is fine). 0, or
 * -1 when a write or the close failed. */
int ex_csv_finish(FILE *f);

/*
 * Open dir/file for writing, write the provenance comment lines and then
 * the header line (no newline needed). NULL on failure (reason printed).
 * Close it with ex_csv_finish. Readers skip lines starting with '#'.
 */
FILE *ex_csv_create(const char *dir, const char *file, const char *header);

#endif
