/* Run the matplotlib script that sits beside this source file. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "plot.h"

#define PYTHON "/usr/bin/python3"

/* __FILE__ is relative to the repository root, where examples run. */
static int script_path(char *buf, size_t size)
{
    const char *slash = strrchr(__FILE__, '/');
    int dir = slash ? (int)(slash - __FILE__) + 1 : 0;
    int n = snprintf(buf, size, "%.*splot.py", dir, __FILE__);
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

int tf_plot(const ex_args *args)
{
    char script[1024];
    if (script_path(script, sizeof script) != 0 || access(PYTHON, X_OK)) {
        fprintf(stderr, "tyulmankov2021: note: %s or plot.py not found; "
                        "CSVs written, no PNG figures\n", PYTHON);
        return 0;
    }
    tf_log("plotting with %s", script);
    if (run_python(script, args->out_dir) != 0) {
        fprintf(stderr, "tyulmankov2021: note: plotting failed (is "
                        "python3-matplotlib installed?); CSVs are written\n");
        return 0;
    }
    return 1;
}
