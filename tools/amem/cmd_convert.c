/* amem convert: rewrite a model file in the current file format version. */
#include <getopt.h>
#include <stdio.h>

#include <assocmem/assocmem.h>

#include "cli.h"
#include "model.h"

static const char convert_usage[] =
    "Usage: amem convert [options] IN -o OUT\n\n"
    "Load a model file of any piece and any format version this library reads\n"
    "and save it in the version it writes (the file header's version field).\n"
    "OUT may be IN: saving writes a temporary file and renames it.\n\n"
    "  -o, --output FILE    the converted file (required)\n"
    "      --to-version V   the version to write: only the current one, which\n"
    "                       `amem info` shows\n"
    "  -h, --help           this text\n";

int cmd_convert(int argc, char **argv)
{
    static const struct option options[] = {
        {"output", required_argument, NULL, 'o'},
        {"to-version", required_argument, NULL, 'T'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *output = NULL;
    size_t target = model_current_version();
    int c;
    while ((c = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
        switch (c) {
        case 'o': output = optarg; break;
        case 'T':
            if (cli_parse_size(optarg, &target) != 0)
                return cli_usage("--to-version: '%s' is not a version number", optarg);
            break;
        case 'h': fputs(convert_usage, stdout); return AMEM_EXIT_OK;
        default: return cli_try_help();
        }
    }
    if (argc - optind != 1)
        return cli_usage("expected one input file, got %d", argc - optind);
    if (output == NULL)
        return cli_usage("no output file (-o OUT)");
    if (target != model_current_version())
        return cli_fail("this library writes format version %u only, not %zu",
                        model_current_version(), target);
    model m;
    model_header h;
    if (model_open(argv[optind], &m, &h) != 0)
        return AMEM_EXIT_FAIL;
    int status = m.piece->save(m.handle, output);
    model_close(&m);
    if (status != AMEM_OK)
        return cli_lib_fail(output, status);
    printf("%s: %s, format version %u -> %s: version %u\n", argv[optind],
           m.piece->name, h.version, output, model_current_version());
    return AMEM_EXIT_OK;
}
