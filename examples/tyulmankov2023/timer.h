/* Wall-clock time for the run log and the report. */
#ifndef TY_TIMER_H
#define TY_TIMER_H

/* Seconds since an arbitrary fixed point (monotonic clock). */
double ty_now(void);

#endif
