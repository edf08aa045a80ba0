/*
 * One CSV per finished sweep run, so that a long sweep can stop and go on:
 * <out>/sweep/<signal>-<method>-g<gamma>-s<seed>.csv holds the run's result,
 * its training time and the number of ranks that shared it (ranks.h; the
 * result is the same for any number to float rounding, so it is not part
 * of the scale), the provenance of the process that trained it and a
 * "# scale:" line with
 * every setting besides the run's own that changes the result
 * (examples/common/resume.h). With
 * --resume a run whose file finished at the same scale is read back instead
 * of trained again.
 */
#ifndef TY_SWEEP_FILES_H
#define TY_SWEEP_FILES_H

#include "config.h"
#include "run.h"

/* Write the run's own CSV (seconds: its training time). 0 or -1 (printed). */
int ty_sweep_file_write(const ty_config *cfg, const ty_run_spec *spec,
                        const ty_eval *ev, double seconds);

/*
 * Read a finished run's CSV written at cfg's scale into *ev, and the commit
 * of the process that wrote it into commit (at most size bytes). 1 when
 * read, 0 when there is no such finished file (or it is at another scale).
 */
int ty_sweep_file_read(const ty_config *cfg, const ty_run_spec *spec,
                       ty_eval *ev, char *commit, size_t size);

#endif
