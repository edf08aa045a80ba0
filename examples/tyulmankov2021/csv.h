/* CSV output files of the example. */
#ifndef TF_CSV_H
#define TF_CSV_H

#include <stdio.h>

#include "common/args.h"

/* Open <out>/<name> for writing and put the provenance comment lines and
 * the header line; NULL on error (reason printed). */
FILE *tf_csv_open(const ex_args *args, const char *name, const char *header);

/* Close f (NULL is fine); 0, or -1 when a write failed (reason printed). */
int tf_csv_close(FILE *f, const char *name);

#endif
