/* amem store: a Hopfield model from patterns in an IDX or .npy file. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <assocmem/assocmem.h>
#include <assocmem/hopfield.h>

#include "cli.h"
#include "model.h"

#define STORE_MAX_SETTINGS 64

static const char store_usage[] =
    "Usage: amem store [options] PATTERNS -o MODEL\n\n"
    "Store the rows of PATTERNS (a .npy file of float32/float64, or an IDX\n"
    "image file, plain or gzip, pixels scaled to [0, 1]) one-shot in a Hopfield\n"
    "network and save it. A .npy array of shape (n, d1, d2, ...) gives n\n"
    "patterns of d1*d2*... entries.\n\n"
    "  -k, --kind KIND        classical, poly, rect, exp or modern (default)\n"
    "  -b, --beta B           inverse temperature (modern)\n"
    "  -n, --degree N         interaction degree (poly, rect)\n"
    "  -s, --set NAME=VALUE   any setting by the name `amem info` prints\n"
    "                         (repeatable; applied in order before storing)\n"
    "  -V, --values FILE      heteroassociative: the value of each pattern, one\n"
    "                         row per pattern (modern, or classical = BAM)\n"
    "      --dtype TYPE       float32 (default), bfloat16 or int8: how a modern\n"
    "                         store keeps its keys (a new model only)\n"
    "      --first-id N       give the patterns ids N, N+1, ... (default: the\n"
    "                         next free ids; see amem remove)\n"
    "  -a, --append MODEL     add to this existing Hopfield model instead of\n"
    "                         creating one (its kind and settings are kept)\n"
    "      --bipolar          map every entry x to 2x - 1 ([0, 1] -> [-1, 1])\n"
    "      --limit N          store only the first N patterns\n"
    "  -o, --output FILE      the model file to write (required)\n"
    "  -h, --help             this text\n";

typedef struct store_request {
    const char *kind, *output, *values, *append, *patterns;
    char settings[STORE_MAX_SETTINGS][96];
    int setting_count;
    size_t limit, first_id;
    int bipolar, has_first_id;
} store_request;

static int add_setting(store_request *r, const char *name, const char *value);

/* --dtype NAME as the DTYPE setting's number. */
static int add_dtype(store_request *r, const char *name)
{
    static const char *const names[] = {"float32", "bfloat16", "int8"};
    for (int i = 0; i < 3; i++)
        if (strcmp(name, names[i]) == 0) {
            char value[4];
            snprintf(value, sizeof value, "%d", i);
            return add_setting(r, "dtype", value);
        }
    return cli_usage("--dtype: '%s' is not float32, bfloat16 or int8", name);
}

static int add_setting(store_request *r, const char *name, const char *value)
{
    if (r->setting_count == STORE_MAX_SETTINGS)
        return cli_usage("too many settings (at most %d)", STORE_MAX_SETTINGS);
    char *slot = r->settings[r->setting_count++];
    if (name != NULL)
        snprintf(slot, sizeof r->settings[0], "%s=%s", name, value);
    else
        snprintf(slot, sizeof r->settings[0], "%s", value);
    return 0;
}

static int parse_store(int argc, char **argv, store_request *r)
{
    static const struct option options[] = {
        {"kind", required_argument, NULL, 'k'}, {"beta", required_argument, NULL, 'b'},
        {"degree", required_argument, NULL, 'n'}, {"set", required_argument, NULL, 's'},
        {"values", required_argument, NULL, 'V'}, {"append", required_argument, NULL, 'a'},
        {"bipolar", no_argument, NULL, 'B'}, {"limit", required_argument, NULL, 'L'},
        {"output", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'},
        {"dtype", required_argument, NULL, 'D'}, {"first-id", required_argument, NULL, 'F'},
        {NULL, 0, NULL, 0}};
    int c, rc = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, "k:b:n:s:V:a:o:h", options, NULL)) != -1) {
        switch (c) {
        case 'k': r->kind = optarg; break;
        case 'b': rc = add_setting(r, "beta", optarg); break;
        case 'n': rc = add_setting(r, "degree", optarg); break;
        case 's': rc = add_setting(r, NULL, optarg); break;
        case 'V': r->values = optarg; break;
        case 'a': r->append = optarg; break;
        case 'B': r->bipolar = 1; break;
        case 'L':
            if (cli_parse_size(optarg, &r->limit) != 0 || r->limit == 0)
                rc = cli_usage("--limit: '%s' is not a positive count", optarg);
            break;
        case 'o': r->output = optarg; break;
        case 'D': rc = add_dtype(r, optarg); break;
        case 'F':
            if (cli_parse_size(optarg, &r->first_id) != 0)
                rc = cli_usage("--first-id: '%s' is not a count", optarg);
            r->has_first_id = 1;
            break;
        case 'h': fputs(store_usage, stdout); return -1;
        default: return cli_try_help();
        }
    }
    if (rc != 0)
        return rc;
    if (argc - optind != 1)
        return cli_usage("expected one pattern file, got %d", argc - optind);
    r->patterns = argv[optind];
    if (r->output == NULL)
        return cli_usage("no output file (-o MODEL)");
    if (r->append != NULL && r->kind != NULL)
        return cli_usage("--kind and --append exclude each other");
    return 0;
}

/* A new network of the requested kind, or the one to append to. */
static int open_target(const store_request *r, size_t dim, size_t value_dim, model *m)
{
    if (r->append != NULL)
        return model_open_hopfield(r->append, m);
    int kind = model_hopfield_kind_from_name(r->kind ? r->kind : "modern");
    if (kind < 0)
        return cli_usage("unknown kind '%s' (classical, poly, rect, exp, modern)",
                         r->kind);
    amem_hopfield *h = NULL;
    int status = amem_hopfield_create(kind, dim, value_dim, &h);
    if (status != AMEM_OK)
        return cli_lib_fail("creating the network", status);
    m->piece = &model_hopfield_piece;
    m->handle = h;
    return 0;
}

/* Append with ids first_id, first_id + 1, ... */
static int append_with_ids(model *m, const npy_array *patterns, const npy_array *values,
                           size_t first_id)
{
    uint64_t *ids = malloc(patterns->rows * sizeof *ids);
    if (ids == NULL)
        return cli_fail("out of memory");
    for (size_t i = 0; i < patterns->rows; i++)
        ids[i] = (uint64_t)first_id + i;
    int status = amem_hopfield_append(m->handle, patterns->data,
                                      values ? values->data : NULL, ids,
                                      patterns->rows, NULL);
    free(ids);
    return status == AMEM_OK ? 0 : cli_lib_fail("storing", status);
}

static int store_rows(model *m, const npy_array *patterns, const npy_array *values,
                      const store_request *r)
{
    size_t dim = 0, value_dim = 0;
    amem_hopfield_dim(m->handle, &dim);
    amem_hopfield_value_dim(m->handle, &value_dim);
    if (patterns->cols != dim)
        return cli_fail("patterns have %zu entries per row, the network's dimension "
                        "is %zu", patterns->cols, dim);
    if ((values != NULL) != (value_dim > 0))
        return cli_fail(value_dim > 0 ? "this network is heteroassociative: give "
                        "--values" : "--values needs a heteroassociative network");
    int status;
    if (values != NULL && (values->rows != patterns->rows || values->cols != value_dim))
        return cli_fail("values are %zu x %zu, expected %zu x %zu", values->rows,
                        values->cols, patterns->rows, value_dim);
    if (r->has_first_id)
        return append_with_ids(m, patterns, values, r->first_id);
    if (values != NULL) {
        if (values->rows != patterns->rows || values->cols != value_dim)
            return cli_fail("values are %zu x %zu, expected %zu x %zu", values->rows,
                            values->cols, patterns->rows, value_dim);
        status = amem_hopfield_store_pairs(m->handle, patterns->data, values->data,
                                           patterns->rows);
    } else {
        status = amem_hopfield_store(m->handle, patterns->data, patterns->rows);
    }
    return status == AMEM_OK ? 0 : cli_lib_fail("storing", status);
}

static int store_into(const store_request *r, npy_array *patterns, npy_array *values)
{
    model m = {NULL, NULL};
    int rc = open_target(r, patterns->cols, values ? values->cols : 0, &m);
    for (int i = 0; rc == 0 && i < r->setting_count; i++)
        rc = model_apply_setting(&m, r->settings[i]);
    if (rc == 0)
        rc = store_rows(&m, patterns, values, r);
    if (rc == 0) {
        int status = amem_hopfield_save(m.handle, r->output);
        size_t count = 0;
        amem_hopfield_count(m.handle, &count);
        rc = status == AMEM_OK ? 0 : cli_lib_fail(r->output, status);
        if (rc == 0)
            printf("stored %zu patterns of dimension %zu in %s (%zu in the model)\n",
                   patterns->rows, patterns->cols, r->output, count);
    }
    model_close(&m);
    return rc;
}

int cmd_store(int argc, char **argv)
{
    store_request r;
    memset(&r, 0, sizeof r);
    int rc = parse_store(argc, argv, &r);
    if (rc != 0)
        return rc < 0 ? AMEM_EXIT_OK : rc;
    npy_array patterns = {0}, values = {0};
    rc = cli_load_array(r.patterns, &patterns);
    if (rc == 0 && r.values != NULL)
        rc = cli_load_array(r.values, &values);
    if (rc == 0) {
        if (r.limit > 0 && r.limit < patterns.rows)
            patterns.rows = r.limit;
        if (r.limit > 0 && r.limit < values.rows)
            values.rows = r.limit;
        for (size_t i = 0; r.bipolar && i < patterns.rows * patterns.cols; i++)
            patterns.data[i] = 2.0f * patterns.data[i] - 1.0f;
        rc = store_into(&r, &patterns, r.values ? &values : NULL);
    }
    free(patterns.data);
    free(values.data);
    return rc;
}
