/*
 * A finished unit of a long run (one training run, one repeat) kept in its
 * own CSV file, so that a stopped run goes on where it stopped (--resume):
 *
 *   provenance lines (command, commit, date, machine), the header,
 *   "# scale: ..." naming every setting that changes the unit's result,
 *   one data row, "# finished after: ...".
 *
 * A file is read back only when it finished and its scale line is the
 * caller's, so a unit run at another scale is run again.
 */
#ifndef EX_RESUME_H
#define EX_RESUME_H

#include <stddef.h>

/* Write dir/name (dir is created). row has no newline. 0 or -1 (printed). */
int ex_unit_write(const char *dir, const char *name, const char *scale,
                  const char *header, const char *row);

/*
 * Read dir/name back: 1 with its data row in row[size] (no newline) and the
 * commit of the process that wrote it in commit[commit_size]; 0 when there
 * is no such file, it did not finish, or it is at another scale.
 */
int ex_unit_read(const char *dir, const char *name, const char *scale,
                 char *row, size_t size, char *commit, size_t commit_size);

#endif
