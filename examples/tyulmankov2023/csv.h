/* CSV output files of the example, in the output folder. */
#ifndef TY_CSV_H
#define TY_CSV_H

#include <stdio.h>

#include "common/args.h"

/* Create <out_dir>/<name> and write the header line; NULL after printing. */
FILE *ty_csv_open(const ex_args *args, const char *name, const char *header);

/* Close f; -1 (printed) if any write failed. Accepts NULL (returns 0). */
int ty_csv_close(FILE *f, const char *name);

#endif
