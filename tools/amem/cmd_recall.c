/* amem recall: run a Hopfield model's dynamics from cues. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <assocmem/assocmem.h>
#include <assocmem/hopfield.h>

#include "cli.h"
#include "model.h"
#include "npy.h"

#define RECALL_MAX_SETTINGS 32

static const char recall_usage[] =
    "Usage: amem recall [options] MODEL CUES -o OUT\n\n"
    "Recall from every row of CUES (.npy float32/float64, or IDX images) and\n"
    "write the final states to OUT as .npy float32: n x d, or n x m for a\n"
    "heteroassociative model (a 1-D CUES gives a 1-D OUT).\n\n"
    "  -m, --mask FILE        clamp mask, same shape as CUES, of 0 and 1: entries\n"
    "                         marked 1 keep their cue value (pattern completion)\n"
    "  -s, --set NAME=VALUE   change a setting for this recall only (repeatable;\n"
    "                         the model file is not changed)\n"
    "      --steps FILE       also write the steps each cue took (.npy float32)\n"
    "  -t, --threads N        threads for recall (default: the library's)\n"
    "      --mapped           map the model file read-only instead of reading\n"
    "                         it (modern stores; recall reads it in place)\n"
    "      --topk K           instead of the states, write the K largest softmax\n"
    "                         weights of one step per cue to OUT (n x K)...\n"
    "      --top-ids FILE     ...and the ids of their patterns here (.npy float64,\n"
    "                         exact below 2^53; needs --topk)\n"
    "      --nprobe N         pruned recall (MODERN): build an IVF index of the\n"
    "                         stored patterns for this run and score only the N\n"
    "                         best lists per cue (no --mask)\n"
    "      --nlist L          lists of that index (default: about sqrt(count))\n"
    "      --scored FILE      with --nprobe: patterns scored per cue (.npy float32)\n"
    "      --bound FILE       with --nprobe: bound on the softmax weight left out\n"
    "                         per cue (.npy float32; NaN where none holds)\n"
    "  -o, --output FILE      the recalled states (required)\n"
    "  -h, --help             this text\n";

typedef struct recall_request {
    const char *model, *cues, *mask, *steps, *output, *top_ids, *scored,
        *bound;
    int mapped;
    size_t topk;
    const char *settings[RECALL_MAX_SETTINGS];
    int setting_count;
    size_t threads, nprobe, nlist;
} recall_request;

static int parse_recall(int argc, char **argv, recall_request *r)
{
    static const struct option options[] = {
        {"mask", required_argument, NULL, 'm'}, {"set", required_argument, NULL, 's'},
        {"steps", required_argument, NULL, 'S'}, {"threads", required_argument, NULL, 't'},
        {"output", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'},
        {"mapped", no_argument, NULL, 'M'}, {"topk", required_argument, NULL, 'K'},
        {"top-ids", required_argument, NULL, 'I'},
        {"nprobe", required_argument, NULL, 'P'}, {"nlist", required_argument, NULL, 'L'},
        {"scored", required_argument, NULL, 'C'}, {"bound", required_argument, NULL, 'B'},
        {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "m:s:t:o:h", options, NULL)) != -1) {
        switch (c) {
        case 'm': r->mask = optarg; break;
        case 's':
            if (r->setting_count == RECALL_MAX_SETTINGS)
                return cli_usage("too many --set options");
            r->settings[r->setting_count++] = optarg;
            break;
        case 'S': r->steps = optarg; break;
        case 't':
            if (cli_parse_size(optarg, &r->threads) != 0 || r->threads == 0)
                return cli_usage("--threads: '%s' is not a positive count", optarg);
            break;
        case 'o': r->output = optarg; break;
        case 'M': r->mapped = 1; break;
        case 'K':
            if (cli_parse_size(optarg, &r->topk) != 0 || r->topk == 0)
                return cli_usage("--topk: '%s' is not a positive count", optarg);
            break;
        case 'I': r->top_ids = optarg; break;
        case 'P':
            if (cli_parse_size(optarg, &r->nprobe) != 0 || r->nprobe == 0)
                return cli_usage("--nprobe: '%s' is not a positive count", optarg);
            break;
        case 'L':
            if (cli_parse_size(optarg, &r->nlist) != 0 || r->nlist == 0)
                return cli_usage("--nlist: '%s' is not a positive count", optarg);
            break;
        case 'C': r->scored = optarg; break;
        case 'B': r->bound = optarg; break;
        case 'h': fputs(recall_usage, stdout); return -1;
        default: return cli_try_help();
        }
    }
    if (argc - optind != 2)
        return cli_usage("expected MODEL and CUES, got %d arguments", argc - optind);
    r->model = argv[optind];
    r->cues = argv[optind + 1];
    if (r->output == NULL)
        return cli_usage("no output file (-o OUT)");
    if (r->top_ids != NULL && r->topk == 0)
        return cli_usage("--top-ids needs --topk");
    if (r->topk > 0 && (r->mask != NULL || r->steps != NULL))
        return cli_usage("--topk takes no --mask or --steps");
    if (r->nprobe == 0 && (r->nlist || r->scored || r->bound))
        return cli_usage("--nlist, --scored and --bound need --nprobe");
    if (r->nprobe > 0 && r->mask != NULL)
        return cli_usage("--nprobe takes no --mask (pruned recall compares whole cues)");
    if (r->topk > 0 && r->nprobe > 0)
        return cli_usage("--topk takes no --nprobe");
    return 0;
}

/* --topk: the K best weights into OUT, their ids into --top-ids. */
static int run_topk(const recall_request *r, model *m, const npy_array *cues)
{
    size_t n = cues->rows, k = r->topk;
    if (n > SIZE_MAX / sizeof(double) / k)
        return cli_fail("too many cues");
    float *w = malloc(n * k * sizeof(float));
    uint64_t *ids = malloc(n * k * sizeof(uint64_t));
    double *as_double = malloc(n * k * sizeof(double));
    int rc = w && ids && as_double ? 0 : cli_fail("out of memory");
    if (rc == 0) {
        int status = amem_hopfield_recall_topk(m->handle, cues->data, n, k, ids, w);
        rc = status == AMEM_OK ? 0 : cli_lib_fail("top-k recall", status);
    }
    if (rc == 0)
        rc = cli_save_array(r->output, w, n, k, 2);
    for (size_t i = 0; rc == 0 && r->top_ids != NULL && i < n * k; i++)
        as_double[i] = (double)ids[i];
    char err[256];
    if (rc == 0 && r->top_ids != NULL &&
        npy_write(r->top_ids, NULL, as_double, n, k, 2, err, sizeof err) != 0)
        rc = cli_fail("%s", err);
    free(w);
    free(ids);
    free(as_double);
    return rc;
}

/* --mapped: the model file mapped read-only. */
static int open_mapped(const char *path, model *m)
{
    amem_hopfield *h = NULL;
    int status = amem_hopfield_load_mapped(path, &h);
    if (status != AMEM_OK)
        return cli_lib_fail(path, status);
    m->piece = &model_hopfield_piece;
    m->handle = h;
    return 0;
}

/* Write n per-cue figures as an .npy float32 vector. */
static int write_figures(const char *path, const size_t *counts, const double *values,
                         size_t n)
{
    float *as_float = malloc(n * sizeof(float));
    if (as_float == NULL)
        return cli_fail("out of memory");
    for (size_t i = 0; i < n; i++)
        as_float[i] = counts ? (float)counts[i] : (float)values[i];
    int rc = cli_save_array(path, as_float, n, 1, 2);
    free(as_float);
    return rc;
}

/* Pruned recall: build the index, set NPROBE, recall, write the extras. */
static int run_pruned(const recall_request *r, model *m, const npy_array *cues, float *out,
                      int *steps)
{
    size_t count = 0, n = cues->rows;
    amem_hopfield_count(m->handle, &count);
    size_t nlist = r->nlist ? r->nlist : (size_t)llround(sqrt((double)count));
    int status = amem_hopfield_build_index(m->handle, nlist ? nlist : 1, NULL, NULL);
    if (status != AMEM_OK)
        return cli_lib_fail("index", status);
    status = amem_hopfield_set(m->handle, AMEM_HOPFIELD_NPROBE, (double)r->nprobe);
    if (status != AMEM_OK)
        return cli_lib_fail("--nprobe", status);
    size_t *scored = malloc(n * sizeof(size_t));
    double *bound = malloc(n * sizeof(double));
    int rc = scored && bound ? 0 : cli_fail("out of memory");
    if (rc == 0) {
        status = amem_hopfield_recall_pruned(m->handle, cues->data, n, out, steps, NULL,
                                             scored, bound);
        rc = status == AMEM_OK ? 0 : cli_lib_fail("recall", status);
    }
    if (rc == 0 && r->scored != NULL)
        rc = write_figures(r->scored, scored, NULL, n);
    if (rc == 0 && r->bound != NULL)
        rc = write_figures(r->bound, NULL, bound, n);
    free(scored);
    free(bound);
    return rc;
}

static int write_steps(const char *path, const int *steps, size_t n)
{
    float *as_float = malloc(n * sizeof(float));
    if (as_float == NULL)
        return cli_fail("out of memory");
    for (size_t i = 0; i < n; i++)
        as_float[i] = (float)steps[i];
    int rc = cli_save_array(path, as_float, n, 1, 2);
    free(as_float);
    return rc;
}

static int run_recall(const recall_request *r, model *m, const npy_array *cues,
                      const npy_array *mask)
{
    size_t dim = 0, value_dim = 0;
    amem_hopfield_dim(m->handle, &dim);
    amem_hopfield_value_dim(m->handle, &value_dim);
    if (cues->cols != dim)
        return cli_fail("%s has %zu entries per row, the model's dimension is %zu",
                        r->cues, cues->cols, dim);
    if (r->topk > 0)
        return run_topk(r, m, cues);
    if (mask->data != NULL && (mask->rows != cues->rows || mask->cols != cues->cols))
        return cli_fail("the mask is %zu x %zu, the cues %zu x %zu", mask->rows,
                        mask->cols, cues->rows, cues->cols);
    size_t out_dim = value_dim > 0 ? value_dim : dim;
    if (cues->rows > SIZE_MAX / sizeof(float) / out_dim)
        return cli_fail("too many cues");
    float *out = malloc(cues->rows * out_dim * sizeof(float));
    int *steps = malloc(cues->rows * sizeof(int));
    int rc = out && steps ? 0 : cli_fail("out of memory");
    if (rc == 0 && r->nprobe > 0) {
        rc = run_pruned(r, m, cues, out, steps);
    } else if (rc == 0) {
        int status = amem_hopfield_recall(m->handle, cues->data, cues->rows,
                                          mask->data, out, steps, NULL);
        rc = status == AMEM_OK ? 0 : cli_lib_fail("recall", status);
    }
    if (rc == 0)
        rc = cli_save_array(r->output, out, cues->rows, out_dim,
                            cues->ndim == 1 ? 1 : 2);
    if (rc == 0 && r->steps != NULL)
        rc = write_steps(r->steps, steps, cues->rows);
    free(out);
    free(steps);
    return rc;
}

int cmd_recall(int argc, char **argv)
{
    recall_request r;
    memset(&r, 0, sizeof r);
    int rc = parse_recall(argc, argv, &r);
    if (rc != 0)
        return rc < 0 ? AMEM_EXIT_OK : rc;
    if (r.threads > 0 && amem_set_num_threads(r.threads > 4096 ? 4096 : (int)r.threads) != AMEM_OK)
        return cli_lib_fail("--threads", AMEM_E_RANGE);
    model m = {NULL, NULL};
    npy_array cues = {0}, mask = {0};
    rc = r.mapped ? open_mapped(r.model, &m) : model_open_hopfield(r.model, &m);
    for (int i = 0; rc == 0 && i < r.setting_count; i++)
        rc = model_apply_setting(&m, r.settings[i]);
    if (rc == 0)
        rc = cli_load_array(r.cues, &cues);
    if (rc == 0 && r.mask != NULL)
        rc = cli_load_array(r.mask, &mask);
    if (rc == 0)
        rc = run_recall(&r, &m, &cues, &mask);
    free(cues.data);
    free(mask.data);
    model_close(&m);
    return rc;
}
