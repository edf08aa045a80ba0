/* Provenance of generated reports and CSVs (see provenance.h). */
#define _GNU_SOURCE /* popen, dlsym(RTLD_DEFAULT) */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <assocmem/assocmem.h>

#include "provenance.h"

static struct {
    char command[4096];
    char commit[96];
    char date[40];
    struct timespec start;
} prov = {"(not recorded)", "unknown", "unknown", {0, 0}};

/* First line of a shell command's output into buf ("" when none). */
static void first_line(const char *cmd, char *buf, size_t size)
{
    buf[0] = '\0';
    FILE *p = popen(cmd, "r");
    if (!p)
        return;
    if (fgets(buf, (int)size, p))
        buf[strcspn(buf, "\n")] = '\0';
    else
        buf[0] = '\0';
    pclose(p);
}

static void record_commit(void)
{
    char rev[64], dirty[8];
    first_line("git rev-parse --short=12 HEAD 2>/dev/null", rev, sizeof rev);
    if (!rev[0])
        return;
    first_line("git status --porcelain --untracked-files=no 2>/dev/null "
               "| head -n 1", dirty, sizeof dirty);
    snprintf(prov.commit, sizeof prov.commit, "%s%s", rev,
             dirty[0] ? " with uncommitted changes" : "");
}

/* Append word to the command, single-quoted when it holds shell syntax. */
static void append_word(size_t *used, const char *word)
{
    int plain = word[0] != '\0' && strspn(word, "abcdefghijklmnopqrstuvwxyz"
                                                "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                "0123456789-_./=,:+@%") ==
                                       strlen(word);
    size_t cap = sizeof prov.command;
    int n = snprintf(prov.command + *used, cap - *used, "%s%s%s%s",
                     *used ? " " : "", plain ? "" : "'", word,
                     plain ? "" : "'");
    if (n > 0)
        *used = *used + (size_t)n < cap ? *used + (size_t)n : cap - 1;
}

void ex_provenance_start(int argc, char **argv)
{
    clock_gettime(CLOCK_MONOTONIC, &prov.start);
    time_t now = time(NULL);
    struct tm utc;
    if (gmtime_r(&now, &utc))
        strftime(prov.date, sizeof prov.date, "%Y-%m-%d %H:%M UTC", &utc);
    size_t used = 0;
    prov.command[0] = '\0';
    for (int i = 0; i < argc && argv[i]; i++)
        append_word(&used, argv[i]);
    record_commit();
}

const char *ex_provenance_command(void)
{
    return prov.command;
}

double ex_provenance_seconds(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - prov.start.tv_sec) +
           1e-9 * (double)(now.tv_nsec - prov.start.tv_nsec);
}

/* "model name" of /proc/cpuinfo, or "" */
static void cpu_model(char *buf, size_t size)
{
    first_line("sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo "
               "2>/dev/null | head -n 1", buf, size);
}

/* OpenBLAS's configuration string when OpenBLAS is what is linked. */
static const char *blas_name(void)
{
    typedef char *(*config_fn)(void);
    void *sym = dlsym(RTLD_DEFAULT, "openblas_get_config");
    config_fn fn;
    memcpy(&fn, &sym, sizeof fn); /* object to function pointer */
    const char *s = sym ? fn() : NULL;
    return s ? s : "a CBLAS other than OpenBLAS";
}

static void machine(char *buf, size_t size)
{
    char cpu[160];
    cpu_model(cpu, sizeof cpu);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    snprintf(buf, size, "%ld cores%s%s, %s, %d library thread%s", cores,
             cpu[0] ? " " : "", cpu, blas_name(), amem_get_num_threads(),
             amem_get_num_threads() == 1 ? "" : "s");
}

void ex_provenance_markdown(FILE *f)
{
    char mach[512];
    machine(mach, sizeof mach);
    fprintf(f,
            "- Command: `%s`\n- Commit: %s (libassocmem %s)\n"
            "- Started: %s; run time %.0f s wall\n- Machine: %s\n\n",
            prov.command, prov.commit, amem_version_string(), prov.date,
            ex_provenance_seconds(), mach);
}

void ex_provenance_csv(FILE *f)
{
    char mach[512];
    machine(mach, sizeof mach);
    fprintf(f,
            "# command: %s\n# commit: %s (libassocmem %s)\n"
            "# started: %s\n# opened after: %.1f s wall\n# machine: %s\n",
            prov.command, prov.commit, amem_version_string(), prov.date,
            ex_provenance_seconds(), mach);
}

int ex_csv_finish(FILE *f)
{
    if (!f)
        return 0;
    fprintf(f, "# finished after: %.1f s wall\n", ex_provenance_seconds());
    int bad = ferror(f);
    return fclose(f) != 0 || bad ? -1 : 0;
}

FILE *ex_csv_create(const char *dir, const char *file, const char *header)
{
    char path[2048];
    int n = snprintf(path, sizeof path, "%s/%s", dir, file);
    if (n < 0 || (size_t)n >= sizeof path) {
        fprintf(stderr, "output path too long: %s/%s\n", dir, file);
        return NULL;
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno));
        return NULL;
    }
    ex_provenance_csv(f);
    fprintf(f, "%s\n", header);
    return f;
}
