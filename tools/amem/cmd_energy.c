/* amem energy: the energy of given states under a Hopfield model. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <assocmem/assocmem.h>
#include <assocmem/hopfield.h>

#include "cli.h"
#include "model.h"

static const char energy_usage[] =
    "Usage: amem energy [options] MODEL STATES\n\n"
    "The energy of every row of STATES (.npy or IDX) under the model (the\n"
    "kind's formula, docs/hopfield.md): printed one per line, or written to a\n"
    ".npy float64 file. A bidirectional (BAM) model takes rows [x ; y].\n\n"
    "  -o, --output FILE   write the energies here instead of printing them\n"
    "  -h, --help          this text\n";

/* d entries per state, d + m for a BAM (docs: "State length"). */
static size_t state_length(const model *m)
{
    int kind = -1;
    size_t dim = 0, value_dim = 0;
    amem_hopfield_kind(m->handle, &kind);
    amem_hopfield_dim(m->handle, &dim);
    amem_hopfield_value_dim(m->handle, &value_dim);
    return kind == AMEM_HOPFIELD_CLASSICAL ? dim + value_dim : dim;
}

static int energy_of(model *m, const npy_array *states, const char *output)
{
    if (states->cols != state_length(m))
        return cli_fail("states have %zu entries per row, the model takes %zu",
                        states->cols, state_length(m));
    double *energies = malloc(states->rows * sizeof(double));
    if (energies == NULL)
        return cli_fail("out of memory");
    int status = amem_hopfield_energy(m->handle, states->data, states->rows, energies);
    int rc = status == AMEM_OK ? 0 : cli_lib_fail("energy", status);
    char err[512];
    if (rc == 0 && output != NULL &&
        npy_write(output, NULL, energies, 1, states->rows, 1, err, sizeof err) != 0)
        rc = cli_fail("%s", err);
    for (size_t i = 0; rc == 0 && output == NULL && i < states->rows; i++) {
        cli_print_double(stdout, energies[i]);
        putchar('\n');
    }
    free(energies);
    return rc;
}

int cmd_energy(int argc, char **argv)
{
    static const struct option options[] = {
        {"output", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *output = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
        switch (c) {
        case 'o': output = optarg; break;
        case 'h': fputs(energy_usage, stdout); return AMEM_EXIT_OK;
        default: return cli_try_help();
        }
    }
    if (argc - optind != 2)
        return cli_usage("expected MODEL and STATES, got %d arguments", argc - optind);
    model m = {NULL, NULL};
    npy_array states = {0};
    int rc = model_open_hopfield(argv[optind], &m);
    if (rc == 0)
        rc = cli_load_array(argv[optind + 1], &states);
    if (rc == 0)
        rc = energy_of(&m, &states, output);
    free(states.data);
    model_close(&m);
    return rc;
}
