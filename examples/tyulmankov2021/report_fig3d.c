/* Report section: Figure 3d over seeds (spread and drift of the rules). */
#include <math.h>

#include "report.h"

static const char *short_names[TF_RULE_PARAMS] = {
    "η̃ᵏ", "η̃ᵛ", "λ̃", "a^{fk}", "b^{fk}", "a^{gk}", "b^{gk}", "a^{fv}",
    "b^{fv}", "a^{gv}", "b^{gv}"};

/* "mean ± sd" over the seeds of parameter k (or accuracy when k < 0) at
 * segment seg. */
static const char *spread(char *buf, size_t size, const tf_seed_result *r,
                          int run, int k, size_t seg)
{
    double sum = 0, sum2 = 0;
    for (size_t s = 0; s < r->seeds; s++) {
        double v = k < 0 ? r->acc_n[run][s][seg]
                         : r->rules[run][s][seg].params[k];
        sum += v;
        sum2 += v * v;
    }
    double n = (double)r->seeds, mean = sum / n;
    double var = n > 1 ? (sum2 - n * mean * mean) / (n - 1) : 0;
    snprintf(buf, size, "%.3f ± %.3f", mean, var > 0 ? sqrt(var) : 0.0);
    return buf;
}

void tf_report_fig3_seeds(FILE *f, const tf_seed_result *r)
{
    if (r->seeds == 0 || r->segments == 0)
        return;
    size_t last = r->segments - 1;
    fprintf(f, "### Figure 3d over %zu seeds\n\nThe sequential and the "
               "random p = 4/N rules trained again from the reference start "
               "with %zu seeds, in %zu segments of %zu steps (Adam restarts "
               "at each segment), mean ± sd over the seeds "
               "(`fig3d_seeds.csv` has every seed):\n\n| parameter |",
            r->seeds, r->seeds, r->segments, r->steps);
    for (int run = 0; run < TF_SEED_RUNS; run++)
        fprintf(f, " %s, %zu steps | %s, %zu steps |", r->labels[run],
                r->steps, r->labels[run], r->steps * r->segments);
    fprintf(f, "\n|---|");
    for (int run = 0; run < TF_SEED_RUNS; run++)
        fprintf(f, "---|---|");
    fputc('\n', f);
    char a[48], b[48];
    for (int k = -1; k < TF_RULE_PARAMS; k++) {
        fprintf(f, "| %s |", k < 0 ? "accuracy at T = N" : short_names[k]);
        for (int run = 0; run < TF_SEED_RUNS; run++)
            fprintf(f, " %s | %s |", spread(a, sizeof a, r, run, k, 0),
                    spread(b, sizeof b, r, run, k, last));
        fputc('\n', f);
    }
    fputc('\n', f);
}
