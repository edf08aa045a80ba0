/* report.md: the sections in order. */
#include <math.h>
#include <stdio.h>

#include "common/provenance.h"
#include "csv.h"
#include "report_parts.h"

double ty_report_log_ratio(const ty_report *rep)
{
    return log((double)rep->ds->n_regular / (double)rep->ds->n_exception);
}

const char *ty_verdict(int agrees) { return agrees ? "**agrees**" : "**differs**"; }

static void header(FILE *f, const ty_report *rep)
{
    fprintf(f, "# Memorization and consolidation in associative memory "
               "networks — reproduction\n\n"
               "Tyulmankov, Stachenfeld, Krotov & Abbott (2023). Written by "
               "`examples/tyulmankov2023` (libassocmem `amem_dam`)%s in "
               "%.0f s of wall-clock time.\n\n",
            rep->cfg->args.quick ? " in **--quick mode (toy scale, numbers "
                                   "are not meaningful)**" : "",
            rep->seconds);
    ex_provenance_markdown(f);
}

int ty_report_write(const ty_report *rep)
{
    char path[1200];
    if (!ex_out_path(&rep->cfg->args, "report.md", path, sizeof path))
        return -1;
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "tyulmankov2023: cannot write %s\n", path);
        return -1;
    }
    header(f, rep);
    ty_report_setup(f, rep);
    ty_report_fig1(f, rep);
    ty_report_fig2(f, rep);
    ty_report_appendix(f, rep);
    ty_report_differences(f, rep);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        fprintf(stderr, "tyulmankov2023: error writing %s\n", path);
        return -1;
    }
    return 0;
}
