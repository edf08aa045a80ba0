/*
 * Example helper: the command line every example shares, and its output
 * folder.
 *
 *   --quick      a small, fast run (used by `make check`)
 *   --out DIR    output folder (default out/<name>; with --quick
 *                build/out/<name>-quick, so that make check never
 *                overwrites a demo's or a full run's output), created
 *                like mkdir -p
 *   --data DIR   data folder (default $AMEM_DATA_DIR, else data)
 *   --help       usage
 */
#ifndef EX_ARGS_H
#define EX_ARGS_H

#include <stddef.h>

typedef struct ex_args {
    int quick;
    char out_dir[1024];
    char data_dir[1024];
} ex_args;

/*
 * Parse argv for the example called name and create the output folder.
 * Returns 0 to run, 1 when --help was printed (exit 0), -1 on a bad command
 * line or an unusable folder (the reason is printed; exit nonzero).
 */
int ex_args_parse(ex_args *args, const char *name, int argc, char **argv);

/* ex_args_parse without creating the output folder (for a process that
 * writes nothing, such as an MPI rank other than 0). Same returns. */
int ex_args_read(ex_args *args, const char *name, int argc, char **argv);

/* mkdir -p: create path and its missing parents. 0 or -1 (reason printed). */
int ex_mkdir_p(const char *path);

/* buf = "<out_dir>/<file>"; returns buf, or NULL when it does not fit. */
const char *ex_out_path(const ex_args *args, const char *file, char *buf,
                        size_t size);

/* buf = "<data_dir>/<file>"; returns buf, or NULL when it does not fit. */
const char *ex_data_path(const ex_args *args, const char *file, char *buf,
                         size_t size);

#endif
