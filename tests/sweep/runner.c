/*
 * Runs the argument sweep: each case of the generated table (sweep_gen.c)
 * in a child process of its own, so a crash or a hang is reported with the
 * case that caused it and the sweep goes on. A case is right when the call
 * returns the expected status, sets a non-empty amem_last_error() on
 * failure, leaves every handle argument's save_mem image unchanged and,
 * for a failed create/load, leaves the handle output NULL.
 *
 * Cases on tests/sweep/expected-failures.txt are known library defects:
 * they are skipped, or run and reported (never counted as failures) with
 * SWEEP_RUN_LISTED=1, which says which entries can leave the list.
 *
 * Environment: SWEEP_ONLY=<substring of "function(argument = value)">, SWEEP_NOFORK=1
 * (run in-process, for a debugger), SWEEP_TIMEOUT=<seconds per case>,
 * SWEEP_VERBOSE=1 (print every case).
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sweep.h"

static const char *status_name(int rc)
{
    switch (rc) {
#define SW_X(name, value, msg) case value: return "AMEM_" #name;
        AMEM_STATUS_LIST(SW_X)
#undef SW_X
    default:
        return "(unknown status)";
    }
}

static const char *label(const sw_case *c)
{
    static char text[256];
    const char *fn = sw_functions[c->fn].name;
    if (c->kind == SW_BASE)
        snprintf(text, sizeof text, "%s(valid call)", fn);
    else
        snprintf(text, sizeof text, "%s(%s = %s)", fn, c->arg_name, c->value);
    return text;
}

static void print_label(const sw_case *c)
{
    fputs(label(c), stderr);
}

static void wrong(sw_result *r, const char *what)
{
    if (!r->wrong) {
        fputs("FAIL ", stderr);
        print_label(r->c);
        fputs(":", stderr);
    }
    fprintf(stderr, " %s;", what);
    r->wrong = 1;
}

void sw_take(sw_snapshot *s, sw_save_fn save, const void *h)
{
    s->data = NULL;
    s->len = 0;
    s->taken = h != NULL && save(h, &s->data, &s->len) == AMEM_OK;
}

void sw_judge_begin(sw_result *r, const sw_case *c, int rc)
{
    r->c = c;
    r->rc = rc;
    r->wrong = 0;
    snprintf(r->error, sizeof r->error, "%s", amem_last_error());
}

static int failed_as_expected(const sw_result *r)
{
    return !r->c->expect_ok && r->rc < 0;
}

void sw_judge_same(sw_result *r, sw_snapshot *s, sw_save_fn save,
                   const void *h, const char *name)
{
    if (!s->taken || !failed_as_expected(r))
        return;
    void *data = NULL;
    size_t len = 0;
    char what[128];
    if (save(h, &data, &len) != AMEM_OK) {
        snprintf(what, sizeof what, "%s no longer saves", name);
        wrong(r, what);
    } else if (len != s->len || memcmp(data, s->data, len) != 0) {
        snprintf(what, sizeof what, "failed call changed %s", name);
        wrong(r, what);
    }
    amem_free(data);
    amem_free(s->data);
}

void sw_judge_out_null(sw_result *r, int is_null, const char *name)
{
    char what[128];
    if (failed_as_expected(r) && !is_null) {
        snprintf(what, sizeof what, "*%s not NULL after a failure", name);
        wrong(r, what);
    }
}

static int expected_status(const sw_case *c, int rc)
{
    if (c->expected[0] == 0)
        return 1;
    for (int k = 0; k < 8 && c->expected[k] != 0; k++)
        if (c->expected[k] == rc)
            return 1;
    return 0;
}

int sw_judge_end(sw_result *r)
{
    const sw_case *c = r->c;
    char what[700];
    if (c->expect_ok && r->rc != AMEM_OK) {
        snprintf(what, sizeof what, "returned %s (%s), want AMEM_OK",
                 status_name(r->rc), r->error);
        wrong(r, what);
    } else if (!c->expect_ok && r->rc >= 0) {
        snprintf(what, sizeof what, "returned %d, want an error", r->rc);
        wrong(r, what);
    } else if (!c->expect_ok) {
        if (!expected_status(c, r->rc)) {
            int n = snprintf(what, sizeof what, "returned %s (%s), want",
                             status_name(r->rc), r->error);
            for (int k = 0; k < 8 && c->expected[k] != 0; k++)
                n += snprintf(what + n, sizeof what - (size_t)n, " %s",
                              status_name(c->expected[k]));
            wrong(r, what);
        }
        if (r->error[0] == '\0')
            wrong(r, "amem_last_error() is empty");
    }
    if (r->wrong)
        fputc('\n', stderr);
    return r->wrong;
}

int sw_judge_void(const sw_case *c)
{
    (void)c;
    return 0;
}

int sw_judge_string(const sw_case *c, const char *s, int may_be_empty)
{
    sw_result r;
    sw_judge_begin(&r, c, 0);
    if (s == NULL || (s[0] == '\0' && !may_be_empty))
        wrong(&r, "returned a NULL or empty string");
    if (r.wrong)
        fputc('\n', stderr);
    return r.wrong;
}

/* ---- running --------------------------------------------------------------- */

enum outcome { RIGHT, WRONG, CRASH, TIMEOUT };

/* Exit status of a child whose call was judged wrong (and said why). */
#define JUDGED_WRONG 3

static int timeout_seconds(void)
{
    const char *t = getenv("SWEEP_TIMEOUT");
    return t ? atoi(t) : 60;
}

static enum outcome run_in_child(const sw_case *c)
{
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        perror("sweep: fork");
        exit(2);
    }
    if (pid == 0) {
        alarm((unsigned)timeout_seconds());
        int r = sw_functions[c->fn].run(c);
        sw_cleanup();
        fflush(stderr);
        _exit(r ? JUDGED_WRONG : 0);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        ;
    sw_cleanup_after((long)pid);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return RIGHT;
    if (WIFEXITED(status) && WEXITSTATUS(status) == JUDGED_WRONG)
        return WRONG;
    if (WIFEXITED(status)) /* a sanitizer report, or a fixture failure (2) */
        fprintf(stderr, "(exit status %d) ", WEXITSTATUS(status));
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM ? TIMEOUT
                                                              : CRASH;
}

static enum outcome run_case(const sw_case *c, int fork_each)
{
    if (!fork_each) {
        int r = sw_functions[c->fn].run(c);
        sw_cleanup();
        return r ? WRONG : RIGHT;
    }
    enum outcome o = run_in_child(c);
    if (o == CRASH || o == TIMEOUT) {
        fputs(o == CRASH ? "CRASH " : "TIMEOUT ", stderr);
        print_label(c);
        fputc('\n', stderr);
    }
    return o;
}

static int env_flag(const char *name)
{
    const char *v = getenv(name);
    return v != NULL && v[0] != '\0' && strcmp(v, "0") != 0;
}

int main(void)
{
    const char *only = getenv("SWEEP_ONLY");
    int fork_each = !env_flag("SWEEP_NOFORK");
    int run_listed = env_flag("SWEEP_RUN_LISTED");
    int verbose = env_flag("SWEEP_VERBOSE");
    size_t calls = 0, right = 0, bad = 0, listed = 0, xpass = 0;
    size_t functions = 0;
    int last_fn = -1;

    amem_set_num_threads(1);
    for (size_t k = 0; k < sw_case_count; k++) {
        const sw_case *c = &sw_cases[k];
        if (only && !strstr(label(c), only))
            continue;
        if (c->fn != last_fn)
            functions++, last_fn = c->fn;
        if (c->listed) {
            listed++;
            if (!run_listed)
                continue;
        }
        if (verbose) {
            fputs("case ", stderr);
            print_label(c);
            fputc('\n', stderr);
        }
        enum outcome o = run_case(c, fork_each);
        if (c->listed) {
            if (o == RIGHT) {
                xpass++;
                fputs("NOW RIGHT (remove from the list) ", stderr);
                print_label(c);
                fputc('\n', stderr);
            }
            continue;
        }
        calls++;
        if (o == RIGHT)
            right++;
        else
            bad++;
    }
    printf("sweep: %zu functions, %zu calls, %zu statuses right, %zu wrong; "
           "%zu listed as expected failures (%s)\n",
           functions, calls, right, bad, listed,
           run_listed ? "run" : "skipped");
    if (run_listed)
        printf("sweep: %zu listed cases are now right\n", xpass);
    return bad == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
