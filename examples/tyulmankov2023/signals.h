/*
 * Figure A1: the candidate exception signals of Eq. 6, read from the
 * trainer's per-item records, summarised over regulars and exceptions.
 */
#ifndef TY_SIGNALS_H
#define TY_SIGNALS_H

#include <stdio.h>

#include <assocmem/dam.h>

#include "dataset.h"

typedef struct ty_signal_stats {
    double regular_mean, regular_std, exception_mean, exception_std;
} ty_signal_stats;

/* Number of candidate signals (loss, -T, -H, max f, ||f||) and their names. */
int ty_signals_count(void);
const char *ty_signals_name(int k);

/*
 * ty_signals_measure: stats[k] for every candidate signal k, each signed so
 * that exceptions should score high (Eq. 6), from every item's most recent
 * use in training. buf holds n floats of scratch. 0 or -1 (printed).
 */
int ty_signals_measure(amem_dam *net, const ty_dataset *ds, float *buf,
                       ty_signal_stats *stats);

/* One figA1_signals.csv row per signal. */
void ty_signals_write(FILE *csv, const char *trained_with, int epoch,
                      const ty_signal_stats *stats);

#endif
