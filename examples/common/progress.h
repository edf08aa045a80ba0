/*
 * Example helper: a progress callback (amem_progress_fn) that draws a
 * one-line bar on stderr, only when stderr is a terminal, so logs and CI
 * output stay clean.
 */
#ifndef EX_PROGRESS_H
#define EX_PROGRESS_H

/*
 * ex_progress: pass it with user = NULL wherever the library takes an
 * amem_progress_fn. Redraws "stage [#####     ]  done/total  metric" when
 * the percentage or the stage changes and ends the line at done == total.
 * Never cancels (returns 0) unless ex_progress_cancel() was called.
 */
int ex_progress(void *user, const char *stage, long done, long total,
                double metric);

/* Make the next ex_progress call return nonzero (cancel the running work). */
void ex_progress_cancel(void);

#endif
