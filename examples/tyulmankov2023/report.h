/*
 * The Markdown report (out/tyulmankov2023/report.md): setup beside the
 * paper's, each figure with the paper's statement beside our numbers, and
 * where and why they differ.
 */
#ifndef TY_REPORT_H
#define TY_REPORT_H

#include "config.h"
#include "dataset.h"
#include "sweep.h"
#include "track.h"

typedef struct ty_report {
    const ty_config *cfg;
    const ty_dataset *ds;
    const ty_track_result *track;
    const ty_sweep_result *sweep;
    double seconds; /* whole program, wall clock */
    int plotted;    /* 1 when the PNG plots were made */
} ty_report;

/* ty_report_write: write report.md into the output folder. 0 or -1. */
int ty_report_write(const ty_report *rep);

#endif
