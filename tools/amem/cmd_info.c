/* amem info: what a model file holds (or the shape of an array file). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <assocmem/assocmem.h>

#include "cli.h"
#include "model.h"

static const char info_usage[] =
    "Usage: amem info FILE...\n\n"
    "For a model file: the piece and its kind, sizes and settings, the file\n"
    "format version and the CRC-32 checksum (verified). For a .npy or IDX\n"
    "file: its shape as the other commands read it.\n\n"
    "  -h, --help   this text\n";

static void print_settings(const model *m)
{
    char buf[32];
    printf("settings\n");
    for (int p = 0; m->piece->bounds(p, NULL, NULL, NULL) == AMEM_OK; p++) {
        double value;
        if (m->piece->get(m->handle, p, &value) != AMEM_OK)
            continue;
        printf("  %-20s ", model_setting_name(m->piece, p, buf, sizeof buf));
        cli_print_double(stdout, value);
        putchar('\n');
    }
}

static void print_header(const char *path, const model_header *h)
{
    printf("file        %s (%zu bytes)\n", path, h->file_len);
    printf("format      version %u (this library writes %u)\n", h->version,
           model_current_version());
    printf("piece       %s\n", model_kind_name(h->kind));
    printf("checksum    crc32 0x%08x (%s)\n", (unsigned)h->stored_crc,
           !h->complete ? "not checked: wrong length"
           : h->stored_crc == h->computed_crc ? "ok" : "MISMATCH");
}

static int info_array(const char *path)
{
    npy_array array;
    if (cli_load_array(path, &array) != 0)
        return AMEM_EXIT_FAIL;
    printf("file        %s\n", path);
    printf("array       %zu rows x %zu columns (float32 as read; %d-D in the file)\n",
           array.rows, array.cols, array.ndim);
    free(array.data);
    return AMEM_EXIT_OK;
}

static int info_one(const char *path)
{
    unsigned char magic[8] = {0};
    FILE *f = fopen(path, "rb");
    size_t got = f ? fread(magic, 1, sizeof magic, f) : 0;
    if (f != NULL)
        fclose(f);
    if (got == sizeof magic && memcmp(magic, "AMEMMODL", 8) != 0)
        return info_array(path);
    model m;
    model_header h;
    memset(&h, 0, sizeof h);
    int rc = model_open(path, &m, &h);
    if (h.file_len > 0)
        print_header(path, &h);
    if (rc != 0)
        return rc;
    printf("type        %s\n", m.piece->name);
    m.piece->describe(m.handle, stdout);
    print_settings(&m);
    model_close(&m);
    return AMEM_EXIT_OK;
}

int cmd_info(int argc, char **argv)
{
    static const struct option options[] = {{"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        if (c == 'h') {
            fputs(info_usage, stdout);
            return AMEM_EXIT_OK;
        }
        return cli_try_help();
    }
    if (optind >= argc)
        return cli_usage("no file given");
    int rc = AMEM_EXIT_OK;
    for (int i = optind; i < argc; i++) {
        if (i > optind)
            putchar('\n');
        if (info_one(argv[i]) != 0)
            rc = AMEM_EXIT_FAIL;
    }
    return rc;
}
