/* One-line progress bar on stderr, drawn only for a terminal. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "progress.h"

#define BAR_WIDTH 30

/* Examples are single-threaded; this state only throttles redraws. */
static struct {
    int tty;        /* -1 unknown, 0 no, 1 yes */
    int last_permille;
    char last_stage[32];
    int cancel;
} state = {-1, -1, "", 0};

void ex_progress_cancel(void) { state.cancel = 1; }

static void draw(const char *stage, long done, long total, double metric)
{
    int filled = (int)((double)done / (double)total * BAR_WIDTH);
    char bar[BAR_WIDTH + 1];
    for (int i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < filled ? '#' : ' ';
    bar[BAR_WIDTH] = '\0';
    fprintf(stderr, "\r%-12.12s [%s] %ld/%ld", stage, bar, done, total);
    if (isfinite(metric))
        fprintf(stderr, "  %.4g", metric);
    fprintf(stderr, "\033[K%s", done >= total ? "\n" : "");
    fflush(stderr);
}

int ex_progress(void *user, const char *stage, long done, long total,
                double metric)
{
    (void)user;
    if (state.cancel)
        return 1;
    if (state.tty < 0)
        state.tty = isatty(STDERR_FILENO);
    if (!state.tty || total <= 0)
        return 0;
    if (stage == NULL)
        stage = "";
    if (done > total)
        done = total;
    int permille = done < 0 ? 0 : (int)(1000.0 * (double)done / (double)total);
    int same_stage = strncmp(stage, state.last_stage, sizeof state.last_stage - 1) == 0;
    if (same_stage && permille == state.last_permille && done < total)
        return 0;
    snprintf(state.last_stage, sizeof state.last_stage, "%s", stage);
    state.last_permille = permille;
    draw(stage, done < 0 ? 0 : done, total, metric);
    return 0;
}
