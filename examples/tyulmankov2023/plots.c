/* Invoke the matplotlib script next to this file. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plots.h"

#define PYTHON "/usr/bin/python3"

/* plot.py sits beside this source file; __FILE__ is relative to the
 * repository root, where examples are built and run. */
static int script_path(char *buf, size_t size)
{
    const char *slash = strrchr(__FILE__, '/');
    int len = slash ? (int)(slash - __FILE__) : 0;
    int n = snprintf(buf, size, "%.*s%splot.py", len, __FILE__,
                     slash ? "/" : "");
    return n > 0 && (size_t)n < size && access(buf, R_OK) == 0 ? 0 : -1;
}

/* The single quotes of a path are escaped for the shell. */
static int shell_quote(char *dst, size_t size, const char *src)
{
    size_t k = 0;
    dst[k++] = '\'';
    for (; *src; src++) {
        if (k + 5 >= size)
            return -1;
        if (*src == '\'') {
            memcpy(dst + k, "'\\''", 4);
            k += 4;
        } else {
            dst[k++] = *src;
        }
    }
    dst[k++] = '\'';
    dst[k] = '\0';
    return 0;
}

int ty_plots_make(const ex_args *args)
{
    char script[1024], qs[2100], qo[2100], cmd[4400];
    if (script_path(script, sizeof script) != 0 || access(PYTHON, X_OK) != 0) {
        fprintf(stderr, "tyulmankov2023: note: %s or plot.py not found; CSVs "
                        "written, no PNG plots\n", PYTHON);
        return 0;
    }
    if (shell_quote(qs, sizeof qs, script) || shell_quote(qo, sizeof qo, args->out_dir))
        return 0;
    snprintf(cmd, sizeof cmd, "%s %s %s", PYTHON, qs, qo);
    if (system(cmd) != 0) {
        fprintf(stderr, "tyulmankov2023: note: plotting failed (is "
                        "python3-matplotlib installed?); CSVs are written\n");
        return 0;
    }
    return 1;
}
