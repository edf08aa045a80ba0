/* Opening and closing the CSV files. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "csv.h"

FILE *tf_csv_open(const ex_args *args, const char *name, const char *header)
{
    char path[1200];
    if (!ex_out_path(args, name, path, sizeof path)) {
        fprintf(stderr, "tyulmankov2021: output path too long\n");
        return NULL;
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "tyulmankov2021: cannot write %s: %s\n", path,
                strerror(errno));
        return NULL;
    }
    fprintf(f, "%s\n", header);
    return f;
}

int tf_csv_close(FILE *f, const char *name)
{
    if (!f)
        return 0;
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        fprintf(stderr, "tyulmankov2021: error writing %s\n", name);
        return -1;
    }
    return 0;
}
