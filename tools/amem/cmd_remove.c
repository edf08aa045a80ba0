/* amem remove: delete patterns by id from a Hopfield model. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <assocmem/assocmem.h>
#include <assocmem/hopfield.h>

#include "cli.h"
#include "model.h"

#define REMOVE_MAX_IDS 4096

static const char remove_usage[] =
    "Usage: amem remove [options] MODEL --ids ID[,ID...] -o OUT\n\n"
    "Delete the patterns with the given ids from a dense or modern Hopfield\n"
    "model (the last patterns move into the freed rows) and save the result.\n"
    "Ids are those given at store time (--first-id) or assigned from 0 on.\n"
    "An unknown or repeated id changes nothing and fails.\n\n"
    "  -i, --ids LIST         comma-separated ids (at most 4096)\n"
    "  -o, --output FILE      the model file to write (required)\n"
    "  -h, --help             this text\n";

long cli_parse_ids(const char *text, uint64_t *ids, size_t max)
{
    size_t count = 0;
    const char *at = text;
    while (*at != '\0') {
        char *end = NULL;
        if (count == max || *at < '0' || *at > '9')
            return cli_usage("--ids: '%s' is not a list of at most %zu ids", text,
                             max), -1;
        unsigned long long v = strtoull(at, &end, 10);
        ids[count++] = (uint64_t)v;
        if (*end == ',')
            end++;
        else if (*end != '\0')
            return cli_usage("--ids: unexpected '%c' in '%s'", *end, text), -1;
        at = end;
    }
    if (count == 0)
        return cli_usage("--ids: no ids given"), -1;
    return (long)count;
}

int cmd_remove(int argc, char **argv)
{
    static const struct option options[] = {
        {"ids", required_argument, NULL, 'i'}, {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    static uint64_t ids[REMOVE_MAX_IDS];
    const char *list = NULL, *output = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "i:o:h", options, NULL)) != -1) {
        switch (c) {
        case 'i': list = optarg; break;
        case 'o': output = optarg; break;
        case 'h': fputs(remove_usage, stdout); return AMEM_EXIT_OK;
        default: return cli_try_help();
        }
    }
    if (argc - optind != 1 || list == NULL || output == NULL)
        return cli_usage("expected MODEL, --ids LIST and -o OUT");
    long n = cli_parse_ids(list, ids, REMOVE_MAX_IDS);
    if (n < 0)
        return AMEM_EXIT_USAGE;
    model m = {NULL, NULL};
    int rc = model_open_hopfield(argv[optind], &m);
    if (rc == 0) {
        int status = amem_hopfield_remove(m.handle, ids, (size_t)n);
        if (status == AMEM_OK)
            status = amem_hopfield_save(m.handle, output);
        rc = status == AMEM_OK ? 0 : cli_lib_fail("remove", status);
    }
    if (rc == 0)
        printf("removed %ld patterns, saved %s\n", n, output);
    model_close(&m);
    return rc;
}
