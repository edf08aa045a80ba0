/*
 * amem: the command-line tool's shared pieces. Uses only the public ABI.
 *
 * Exit status of every command: AMEM_EXIT_OK (0), AMEM_EXIT_FAIL (1: the work
 * failed, e.g. an unreadable or invalid file, a library error) or
 * AMEM_EXIT_USAGE (2: bad command line). Messages go to stderr as
 * "amem <command>: <what went wrong>".
 */
#ifndef AMEM_TOOL_CLI_H
#define AMEM_TOOL_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "npy.h"

enum { AMEM_EXIT_OK = 0, AMEM_EXIT_FAIL = 1, AMEM_EXIT_USAGE = 2 };

/* The command being run ("store", ...), for messages. */
extern const char *cli_command;

/* Print "amem <command>: <message>" to stderr; return AMEM_EXIT_FAIL. */
int cli_fail(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* The same for a usage error, adding a hint at --help; AMEM_EXIT_USAGE. */
int cli_usage(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* After getopt has printed its complaint: the --help hint; EXIT_USAGE. */
int cli_try_help(void);
/* Print a double so that it reads back to the same value, shortest form. */
void cli_print_double(FILE *out, double value);
/* Report a failed library call: "<what>: <amem_last_error()>"; EXIT_FAIL. */
int cli_lib_fail(const char *what, int status);

/* Parse a whole-string number; 0 on success, -1 (nothing written) if not. */
int cli_parse_double(const char *text, double *out);
int cli_parse_size(const char *text, size_t *out);

/* Read a whole file (at most max_bytes) into a malloc'd buffer. */
int cli_read_file(const char *path, size_t max_bytes, unsigned char **data,
                  size_t *len);

/*
 * Load an array of patterns: a .npy file (float32/float64) or an IDX image
 * file (plain or gzip, through amem_idx_read_images; pixels scaled to
 * [0, 1], one image per row). Returns 0 or reports and returns EXIT_FAIL.
 */
int cli_load_array(const char *path, npy_array *out);

/* Save rows x cols floats as .npy float32 (ndim 1 or 2); 0 or EXIT_FAIL. */
int cli_save_array(const char *path, const float *values, size_t rows,
                   size_t cols, int ndim);

/* Commands: argc/argv start at the command name. */
int cmd_info(int argc, char **argv);
int cmd_store(int argc, char **argv);
int cmd_remove(int argc, char **argv);
/* Parse "3,5,7" into at most max ids; returns the count, or -1 (usage
 * message given). */
long cli_parse_ids(const char *text, uint64_t *ids, size_t max);
int cmd_recall(int argc, char **argv);
int cmd_energy(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_bench(int argc, char **argv);

#endif
