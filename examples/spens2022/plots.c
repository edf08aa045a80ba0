/*
 * Make the PNG figures: run plot.py (matplotlib, Agg) on the output folder
 * with /usr/bin/python3. A missing interpreter, script or matplotlib only
 * prints a note; the CSV files and the report are complete without it.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PYTHON "/usr/bin/python3"
#define SCRIPT "examples/spens2022/plot.py"

#include "parts.h"

/* The script next to the sources: from the working directory (the
 * repository root under make), else relative to build/examples/<prog>. */
static int find_script(const char *argv0, char *buf, size_t size)
{
    if (access(SCRIPT, R_OK) == 0)
        return snprintf(buf, size, "%s", SCRIPT) < (int)size ? 0 : -1;
    const char *slash = strrchr(argv0, '/');
    int len = slash ? (int)(slash - argv0) : 1;
    int n = snprintf(buf, size, "%.*s/../../%s", len, slash ? argv0 : ".",
                     SCRIPT);
    return n > 0 && (size_t)n < size && access(buf, R_OK) == 0 ? 0 : -1;
}

static int run_python(const char *script, const char *out_dir)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        execl(PYTHON, PYTHON, script, out_dir, (char *)NULL);
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int sb_run_plots(const char *argv0, const char *out_dir)
{
    char script[1200];
    if (find_script(argv0, script, sizeof script) != 0) {
        fprintf(stderr, "spens2022: note: %s not found, no PNG "
                        "figures (the CSV files are complete)\n", SCRIPT);
        return -1;
    }
    if (access(PYTHON, X_OK) != 0 || run_python(script, out_dir) != 0) {
        fprintf(stderr, "spens2022: note: could not draw the figures "
                        "(needs %s with matplotlib); run %s %s %s\n",
                PYTHON, PYTHON, script, out_dir);
        return -1;
    }
    return 0;
}
