/*
 * A busy background process for the loaded-machine figures: one process
 * spinning on a core, as another user's job would on a shared machine.
 */
#ifndef AMEM_BENCH_LOAD_H
#define AMEM_BENCH_LOAD_H

#include <signal.h>
#include <sys/types.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

/* Start the spinner; its pid (<= 0 when none could be started). */
static pid_t load_start(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        volatile unsigned long spin = 0;
        for (;;)
            spin++;
    }
    struct timespec settle = {0, 200000000}; /* let the scheduler place it */
    if (pid > 0)
        nanosleep(&settle, NULL);
    return pid;
}

static void load_stop(pid_t pid)
{
    if (pid <= 0)
        return;
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

#endif
