/* Sections of the report, one file each (private to the report). */
#ifndef TY_REPORT_PARTS_H
#define TY_REPORT_PARTS_H

#include <stdio.h>

#include "report.h"

void ty_report_setup(FILE *f, const ty_report *rep);
void ty_report_fig1(FILE *f, const ty_report *rep);
void ty_report_fig2(FILE *f, const ty_report *rep);
void ty_report_appendix(FILE *f, const ty_report *rep);
void ty_report_differences(FILE *f, const ty_report *rep);

/* ln(R/E) of the data set: the gamma at which ground-truth weighting
 * matches the evaluation loss (Section 4). */
double ty_report_log_ratio(const ty_report *rep);

/* "agrees" / "differs" for a verdict. */
const char *ty_verdict(int agrees);

#endif
