/* Opening and closing the CSV files. */
#include <stdio.h>

#include "common/provenance.h"
#include "csv.h"

FILE *tf_csv_open(const ex_args *args, const char *name, const char *header)
{
    return ex_csv_create(args->out_dir, name, header);
}

int tf_csv_close(FILE *f, const char *name)
{
    if (!f)
        return 0;
    if (ex_csv_finish(f) != 0) {
        fprintf(stderr, "tyulmankov2021: error writing %s\n", name);
        return -1;
    }
    return 0;
}
