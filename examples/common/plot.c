/* Run an example's matplotlib script (see plot.h). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plot.h"

#define PYTHON "/usr/bin/python3"

static int find_script(const char *name, const char *argv0, char *buf,
                       size_t size)
{
    int n = snprintf(buf, size, "examples/%s/plot.py", name);
    if (n > 0 && (size_t)n < size && access(buf, R_OK) == 0)
        return 0;
    const char *slash = argv0 ? strrchr(argv0, '/') : NULL;
    int len = slash ? (int)(slash - argv0) : 1;
    n = snprintf(buf, size, "%.*s/../../examples/%s/plot.py", len,
                 slash ? argv0 : ".", name);
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
    int status = 0;
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int ex_run_plots(const char *name, const char *argv0, const char *out_dir)
{
    char script[1200];
    if (find_script(name, argv0, script, sizeof script) != 0) {
        fprintf(stderr, "%s: note: examples/%s/plot.py not found, no PNG "
                        "figures (the CSV files are complete)\n", name, name);
        return -1;
    }
    if (access(PYTHON, X_OK) != 0 || run_python(script, out_dir) != 0) {
        fprintf(stderr, "%s: note: could not draw the figures (needs %s "
                        "with matplotlib); run %s %s %s\n",
                name, PYTHON, PYTHON, script, out_dir);
        return -1;
    }
    return 0;
}
