/* Candidate exception signals over regulars and exceptions (Fig. A1). */
#include <math.h>
#include <stdio.h>

#include <assocmem/assocmem.h>

#include "run.h"
#include "signals.h"

/* Record read for each signal and its sign in Eq. 6. */
static const struct {
    const char *name;
    int record;
    double sign;
} candidates[] = {
    {"loss", AMEM_DAM_RECORD_LOSS, 1.0},
    {"neg_time", AMEM_DAM_RECORD_TIME, -1.0},
    {"neg_entropy", AMEM_DAM_RECORD_ENTROPY, -1.0},
    {"max_hidden", AMEM_DAM_RECORD_MAX, 1.0},
    {"norm_hidden", AMEM_DAM_RECORD_NORM, 1.0},
};
#define N_CANDIDATES ((int)(sizeof candidates / sizeof candidates[0]))

int ty_signals_count(void) { return N_CANDIDATES; }

const char *ty_signals_name(int k) { return candidates[k].name; }

/* Mean and sample std of sign * v over items of one group (NaNs skipped). */
static void group_stats(const float *v, const ty_dataset *ds, int exception,
                        double sign, double *mean, double *std)
{
    double s = 0.0, s2 = 0.0;
    size_t n = 0;
    for (size_t i = 0; i < ty_dataset_count(ds); i++) {
        if (ds->is_exception[i] != exception || isnan(v[i]))
            continue;
        double x = sign * v[i];
        s += x;
        s2 += x * x;
        n++;
    }
    *mean = n ? s / (double)n : NAN;
    double var = n > 1 ? (s2 - s * s / (double)n) / (double)(n - 1) : 0.0;
    *std = n ? sqrt(var > 0.0 ? var : 0.0) : NAN;
}

int ty_signals_measure(amem_dam *net, const ty_dataset *ds, float *buf,
                       ty_signal_stats *stats)
{
    for (int k = 0; k < N_CANDIDATES; k++) {
        int st = amem_dam_get_item_record(net, candidates[k].record, buf);
        if (st != AMEM_OK)
            return ty_fail("amem_dam_get_item_record", st);
        group_stats(buf, ds, 0, candidates[k].sign, &stats[k].regular_mean,
                    &stats[k].regular_std);
        group_stats(buf, ds, 1, candidates[k].sign, &stats[k].exception_mean,
                    &stats[k].exception_std);
    }
    return 0;
}

void ty_signals_write(FILE *csv, const char *trained_with, int epoch,
                      const ty_signal_stats *stats)
{
    for (int k = 0; k < N_CANDIDATES; k++)
        fprintf(csv, "%s,%d,%s,%.8g,%.8g,%.8g,%.8g\n", trained_with, epoch,
                candidates[k].name, stats[k].regular_mean,
                stats[k].regular_std, stats[k].exception_mean,
                stats[k].exception_std);
}
