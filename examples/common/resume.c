/* One CSV per finished unit of a long run, read back by --resume. */
#include <stdio.h>
#include <string.h>

#include "common/args.h"
#include "common/provenance.h"
#include "common/resume.h"

int ex_unit_write(const char *dir, const char *name, const char *scale,
                  const char *header, const char *row)
{
    if (ex_mkdir_p(dir) != 0)
        return -1;
    FILE *f = ex_csv_create(dir, name, header);
    if (!f)
        return -1;
    fprintf(f, "# scale: %s\n%s\n", scale, row);
    return ex_csv_finish(f);
}

/* What one line of a unit's file says. */
typedef struct unit_state {
    int scale_ok, finished, have_row, header_seen;
} unit_state;

static void read_line(char *line, const char *scale, unit_state *u,
                      char *row, size_t size, char *commit, size_t csize)
{
    line[strcspn(line, "\n")] = '\0';
    if (strncmp(line, "# scale: ", 9) == 0)
        u->scale_ok = strcmp(line + 9, scale) == 0;
    else if (strncmp(line, "# finished", 10) == 0)
        u->finished = 1;
    else if (strncmp(line, "# commit: ", 10) == 0)
        snprintf(commit, csize, "%s", line + 10);
    else if (line[0] == '#')
        return;
    else if (!u->header_seen)
        u->header_seen = 1;
    else if (!u->have_row)
        u->have_row = snprintf(row, size, "%s", line) < (int)size;
}

int ex_unit_read(const char *dir, const char *name, const char *scale,
                 char *row, size_t size, char *commit, size_t commit_size)
{
    char path[2048], line[2048];
    int n = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof path)
        return 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    unit_state u = {0, 0, 0, 0};
    while (fgets(line, sizeof line, f))
        read_line(line, scale, &u, row, size, commit, commit_size);
    fclose(f);
    return u.scale_ok && u.finished && u.have_row;
}
