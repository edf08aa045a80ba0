/* The data sets, read from the IDX files `make data` provides. */
#include "uhn.h"

int uhn_fail(const char *what, int status)
{
    fprintf(stderr, "millidge2022: %s: %s (%s)\n", what, amem_strerror(status),
            amem_last_error());
    return -1;
}

int uhn_load(const ex_args *args, const char *name, const char *file,
             uhn_data *out)
{
    char path[1200];
    out->name = name;
    out->images = NULL;
    int rc = amem_idx_read_images(ex_data_path(args, file, path, sizeof path),
                                  &out->images, &out->count, &out->height,
                                  &out->width);
    if (rc != AMEM_OK) {
        fprintf(stderr, "millidge2022: run `make data` first\n");
        return uhn_fail(path, rc);
    }
    out->dim = out->height * out->width;
    return 0;
}
