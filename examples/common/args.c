/* Shared command line and output folder of the examples. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "args.h"

static void usage(const char *name)
{
    printf("usage: %s [--quick] [--out DIR] [--data DIR]\n"
           "  --quick     small, fast run\n"
           "  --out DIR   output folder (default out/%s, with --quick\n"
           "              build/out/%s-quick)\n"
           "  --data DIR  data folder (default $AMEM_DATA_DIR or data;\n"
           "              `make data` fills it)\n",
           name, name, name);
}

static int copy_arg(char *dst, size_t size, const char *src, const char *what)
{
    int n = snprintf(dst, size, "%s", src);
    if (n < 0 || (size_t)n >= size) {
        fprintf(stderr, "%s path is too long: %s\n", what, src);
        return -1;
    }
    return 0;
}

int ex_mkdir_p(const char *path)
{
    char buf[1024];
    if (copy_arg(buf, sizeof buf, path, "folder") != 0)
        return -1;
    if (buf[0] == '\0') {
        fprintf(stderr, "empty folder name\n");
        return -1;
    }
    for (char *p = buf + 1; ; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "cannot create %s: %s\n", buf, strerror(errno));
            return -1;
        }
        *p = saved;
        if (saved == '\0')
            return 0;
    }
}

static int parse_one(ex_args *args, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (strcmp(a, "--quick") == 0) {
        args->quick = 1;
        return 0;
    }
    int is_out = strcmp(a, "--out") == 0, is_data = strcmp(a, "--data") == 0;
    if ((is_out || is_data) && *i + 1 < argc) {
        ++*i;
        return is_out ? copy_arg(args->out_dir, sizeof args->out_dir, argv[*i], "--out")
                      : copy_arg(args->data_dir, sizeof args->data_dir, argv[*i], "--data");
    }
    fprintf(stderr, "unknown or incomplete option: %s (try --help)\n", a);
    return -1;
}

int ex_args_read(ex_args *args, const char *name, int argc, char **argv)
{
    const char *env_data = getenv("AMEM_DATA_DIR");
    args->quick = 0;
    if (copy_arg(args->data_dir, sizeof args->data_dir,
                 env_data && *env_data ? env_data : "data", "data") != 0)
        return -1;
    args->out_dir[0] = '\0';
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(name);
            return 1;
        }
        if (parse_one(args, argc, argv, &i) != 0)
            return -1;
    }
    /* A quick run never overwrites the output of a full one. */
    if (args->out_dir[0] == '\0')
        snprintf(args->out_dir, sizeof args->out_dir,
                 args->quick ? "build/out/%s-quick" : "out/%s", name);
    return 0;
}

int ex_args_parse(ex_args *args, const char *name, int argc, char **argv)
{
    int rc = ex_args_read(args, name, argc, argv);
    return rc == 0 ? ex_mkdir_p(args->out_dir) : rc;
}

static const char *join(const char *dir, const char *file, char *buf,
                        size_t size)
{
    int n = snprintf(buf, size, "%s/%s", dir, file);
    return n < 0 || (size_t)n >= size ? NULL : buf;
}

const char *ex_out_path(const ex_args *args, const char *file, char *buf,
                        size_t size)
{
    return join(args->out_dir, file, buf, size);
}

const char *ex_data_path(const ex_args *args, const char *file, char *buf,
                         size_t size)
{
    return join(args->data_dir, file, buf, size);
}
