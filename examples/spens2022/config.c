/*
 * Spens & Burgess 2022 example: defaults and command-line options.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "shapes3d.h"

const char *const sb_dataset_name[SB_DATASETS] = {
    "mnist", "fashion", "shapes", "solids", "kmnist"};
const char *sb_dataset_title[SB_DATASETS] = {
    "MNIST", "Fashion-MNIST", "Shapes3D-like (stand-in)",
    "symmetric-solids-like (stand-in)", "KMNIST"};
static const char *const real_title[SB_DATASETS] = {
    "MNIST", "Fashion-MNIST", "Shapes3D", "Symmetric Solids", "KMNIST"};

int sb_dataset_real(const sb_config *cfg, int d)
{
    return d == SB_MNIST || d == SB_FASHION || cfg->path[d][0] != '\0';
}

static void fill(size_t *v, size_t value)
{
    for (int d = 0; d < SB_DATASETS; d++)
        v[d] = value;
}

void sb_config_init(sb_config *cfg, int quick)
{
    static const size_t sizes[] = {8, 16, 32, 64, 128, 256, 512};
    memset(cfg, 0, sizeof *cfg);
    cfg->quick = quick;
    for (int d = 0; d < SB_DATASETS; d++)
        cfg->run[d] = d != SB_KMNIST;
    cfg->model = quick ? SB_MODEL_SMALL : SB_MODEL_PAPER;
    fill(cfg->items, quick ? 64 : 1000);
    fill(cfg->replays, quick ? 64 : 1000);
    fill(cfg->epochs, quick ? 1 : 1000);
    cfg->test = quick ? 160 : 1500;
    cfg->probe_fit = quick ? 60 : 200;
    cfg->patience = 0;
    cfg->beta = 10.0;
    cfg->scale_sqrt_d = 1;
    cfg->teacher_steps = 10;
    cfg->noise_signs = 1;
    /* the authors' partial input for recall (generative-consolidation,
     * main_results/generative_tests.py check_generative_recall: 25% of the
     * entries set to 0 by utils.noise) */
    cfg->mask_fraction = 0.25;
    cfg->tsne_points = quick ? 60 : 750;
    cfg->baseline = 1;
    cfg->n_curve_sizes = quick ? 2 : sizeof sizes / sizeof sizes[0];
    for (size_t i = 0; i < cfg->n_curve_sizes; i++)
        cfg->curve_sizes[i] = sizes[i];
    cfg->curve_repeats = quick ? 1 : 3;
    cfg->cnn_epochs = quick ? 1 : 20;
    cfg->cnn_min_steps = quick ? 4 : 200;
    cfg->threads = 0;
    cfg->seed = 1;
}

/* "a,b,c" or "a": one value per data set (in the order mnist, fashion,
 * shapes, solids, kmnist) or one for all; missing ones repeat the last. */
static int parse_per_dataset(size_t *v, const char *text)
{
    size_t values[SB_DATASETS];
    int count = 0;
    const char *p = text;
    while (count < SB_DATASETS) {
        char *end;
        long x = strtol(p, &end, 10);
        if (end == p || x <= 0)
            return -1;
        values[count++] = (size_t)x;
        if (*end == '\0')
            break;
        if (*end != ',')
            return -1;
        p = end + 1;
    }
    for (int d = 0; d < SB_DATASETS; d++)
        v[d] = values[count == 1 ? 0 : (d < count ? d : count - 1)];
    return 0;
}

/* A comma-separated list of data set names. */
static int parse_datasets(sb_config *cfg, const char *list)
{
    int run[SB_DATASETS] = {0}, any = 0;
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, ",");
        int found = 0;
        for (int d = 0; d < SB_DATASETS; d++)
            if (strlen(sb_dataset_name[d]) == n &&
                strncmp(p, sb_dataset_name[d], n) == 0)
                found = run[d] = any = 1;
        if (!found)
            return -1;
        p += n + (p[n] == ',');
    }
    if (!any)
        return -1;
    memcpy(cfg->run, run, sizeof run);
    cfg->datasets_given = 1;
    return 0;
}

/* --shapes3d FILE, --solids DIR, --kmnist DIR: the real data. */
static int parse_path(sb_config *cfg, int d, const char *path)
{
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof cfg->path[d])
        return -1;
    memcpy(cfg->path[d], path, n + 1);
    sb_dataset_title[d] = real_title[d];
    if (!cfg->datasets_given)
        cfg->run[d] = 1;
    return 0;
}

static int parse_sizes(sb_config *cfg, const char *text)
{
    size_t n = 0;
    const char *p = text;
    while (n < SB_MAX_SIZES) {
        char *end;
        long x = strtol(p, &end, 10);
        if (end == p || x < 4)
            return -1;
        cfg->curve_sizes[n++] = (size_t)x;
        if (*end == '\0')
            break;
        if (*end != ',')
            return -1;
        p = end + 1;
    }
    cfg->n_curve_sizes = n;
    return 0;
}

static int parse_model(sb_config *cfg, const char *v)
{
    if (strcmp(v, "paper") == 0)
        cfg->model = SB_MODEL_PAPER;
    else if (strcmp(v, "small") == 0)
        cfg->model = SB_MODEL_SMALL;
    else
        return -1;
    return 0;
}

/* One option with its value; 1 when a is not one of ours, -1 when bad. */
static int apply_option(sb_config *cfg, const char *a, const char *v)
{
    if (strcmp(a, "--datasets") == 0) return parse_datasets(cfg, v);
    if (strcmp(a, "--model") == 0) return parse_model(cfg, v);
    if (strcmp(a, "--items") == 0) return parse_per_dataset(cfg->items, v);
    if (strcmp(a, "--replays") == 0) return parse_per_dataset(cfg->replays, v);
    if (strcmp(a, "--epochs") == 0) return parse_per_dataset(cfg->epochs, v);
    if (strcmp(a, "--curve-sizes") == 0) return parse_sizes(cfg, v);
    if (strcmp(a, "--shapes3d") == 0) return parse_path(cfg, SB_SHAPES, v);
    if (strcmp(a, "--solids") == 0) return parse_path(cfg, SB_SOLIDS, v);
    if (strcmp(a, "--kmnist") == 0) return parse_path(cfg, SB_KMNIST, v);
    long x = atol(v);
    double y = atof(v);
    if (strcmp(a, "--test") == 0 && x >= 40) cfg->test = (size_t)x;
    else if (strcmp(a, "--patience") == 0 && x >= 0) cfg->patience = (int)x;
    else if (strcmp(a, "--beta") == 0 && y > 0) cfg->beta = y;
    else if (strcmp(a, "--mask") == 0 && y > 0 && y < 1) cfg->mask_fraction = y;
    else if (strcmp(a, "--tsne") == 0 && x >= 20) cfg->tsne_points = (size_t)x;
    else if (strcmp(a, "--baseline") == 0) cfg->baseline = x != 0;
    else if (strcmp(a, "--curve-repeats") == 0 && x >= 1) cfg->curve_repeats = (int)x;
    else if (strcmp(a, "--cnn-epochs") == 0 && x >= 1) cfg->cnn_epochs = (int)x;
    else if (strcmp(a, "--latent") == 0 && x >= 1 && x <= 4096) cfg->latent = (size_t)x;
    else if (strcmp(a, "--threads") == 0 && x >= 1) cfg->threads = (int)x;
    else if (strcmp(a, "--seed") == 0 && x >= 0) cfg->seed = (uint64_t)x;
    else if (strncmp(a, "--", 2) == 0 && strcmp(a, "--out") && strcmp(a, "--data"))
        return -1;
    else
        return 1;
    return 0;
}

int sb_config_options(sb_config *cfg, int argc, char **argv)
{
    int kept = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--quick") == 0 || strcmp(a, "--help") == 0 ||
            strcmp(a, "-h") == 0 || i + 1 >= argc) {
            argv[kept++] = argv[i];
            continue;
        }
        int r = apply_option(cfg, a, argv[i + 1]);
        if (r < 0) {
            fprintf(stderr, "spens2022: bad option %s %s\n", a, argv[i + 1]);
            return -1;
        }
        if (r == 0) {
            i++;
            continue;
        }
        argv[kept++] = argv[i];
    }
    return kept;
}

void sb_config_usage(void)
{
    printf("  --datasets LIST   mnist,fashion,shapes,solids,kmnist (default\n"
           "                    all but kmnist, which needs --kmnist)\n"
           "  --shapes3d FILE   the real Shapes3D, 3dshapes.h5 (%s)\n"
           "  --solids DIR      the real Symmetric Solids: a folder of\n"
           "                    SHAPE_INDEX.png (symsol_dataset/train/images)\n"
           "  --kmnist DIR      KMNIST: kmnist-*.npz or its *-ubyte.gz files\n"
           "                    (without --shapes3d / --solids: stand-ins)\n",
           sb_shapes3d_available() ? "HDF5 built in"
                                   : "built without HDF5: unavailable");
    printf(           "  --model paper|small  paper: 128x128 greyscale SEED2022 VAE\n"
           "                    (full default); small: DIGITS28 / COLOR64\n"
           "  --latent K        latent size of the 64x64 students (20)\n"
           "  --items N[,N,N,N]   images stored in the teacher (1000)\n"
           "  --replays N[,...]   replays the student trains on (1000)\n"
           "  --epochs N[,...]    student epochs (1000)\n"
           "  --test N          held-out items (1500)  --patience N (0)\n"
           "  --beta B          teacher beta (10)      --mask F (0.25) \n"
           "  --tsne N          t-SNE points (750)     --baseline 0|1 (1)\n"
           "  --curve-sizes LIST  training-set sizes (8,...,512)\n"
           "  --curve-repeats N (3)  --cnn-epochs N (20)\n"
           "  --threads N       library/BLAS threads   --seed N (1)\n"
           "  N[,N,N,N]: one value, or one per data set in the order above\n");
}

void sb_config_command(sb_config *cfg, int argc, char **argv)
{
    size_t len = 0, size = sizeof cfg->command;
    cfg->command[0] = '\0';
    for (int i = 0; i < argc && len < size; i++) {
        int n = snprintf(cfg->command + len, size - len, "%s%s", i ? " " : "",
                         argv[i]);
        len += n > 0 ? (size_t)n : 0;
    }
}
