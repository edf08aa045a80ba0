/* Paper-scale and quick settings, and the example's own options. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "run.h"

/* The paper's sweep: gamma in {0, 1, 3, 5, 7.58, 10, 12, 15} (Fig. 2). */
static const double paper_gammas[] = {0, 1, 3, 5, 7.58, 10, 12, 15};
#define N_PAPER_GAMMAS (sizeof paper_gammas / sizeof paper_gammas[0])
#define ALL_SIGNALS ((1u << TY_SIGNALS) - 1u)

static void set_paper_scale(ty_config *cfg)
{
    cfg->max_regular = 0;
    cfg->n_exception = 3;
    cfg->hidden = 100;
    cfg->beta = 5.0;
    cfg->tolerance = 1e-6;
    cfg->max_steps = 1000;
    cfg->track_epochs = 150;
    cfg->sweep_epochs = 150;
    cfg->curve_every = 1;
    cfg->n_seeds = 3;
    cfg->threads = 0;
    cfg->workers = 2;
    cfg->workers_given = 0;
    memcpy(cfg->gammas, paper_gammas, sizeof paper_gammas);
    cfg->n_gammas = N_PAPER_GAMMAS;
    cfg->signals = ALL_SIGNALS;
    cfg->track_gamma = -1.0; /* ln(R/E) of the data set */
    cfg->eval_seed = 20230000ULL;
}

/* Seconds in total, for `make check`: every stage runs, on a toy scale. */
static void set_quick_scale(ty_config *cfg)
{
    static const double quick_gammas[] = {0, 7.58};
    cfg->max_regular = 20;
    cfg->max_steps = 30;
    cfg->tolerance = 1e-4;
    cfg->track_epochs = 2;
    cfg->sweep_epochs = 1;
    cfg->n_seeds = 2;
    memcpy(cfg->gammas, quick_gammas, sizeof quick_gammas);
    cfg->n_gammas = 2;
}

static int parse_gammas(ty_config *cfg, const char *list)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", list);
    cfg->n_gammas = 0;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        char *end;
        double g = strtod(tok, &end);
        if (*end != '\0' || g < 0 || cfg->n_gammas == TY_MAX_GAMMAS)
            return -1;
        cfg->gammas[cfg->n_gammas++] = g;
    }
    return cfg->n_gammas > 0 && cfg->gammas[0] == 0.0 ? 0 : -1;
}

/* --signals: names as in the CSVs (ground_truth, loss, neg_time, ...). */
static int parse_signals(ty_config *cfg, const char *list)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", list);
    cfg->signals = 0;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        int k = 0;
        while (k < TY_SIGNALS && strcmp(tok, ty_signal_name(k)) != 0)
            k++;
        if (k == TY_SIGNALS)
            return -1;
        cfg->signals |= 1u << k;
    }
    return cfg->signals ? 0 : -1;
}

static int parse_count(const char *s, long lo, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < lo)
        return -1;
    *out = v;
    return 0;
}

/* Apply one "--name value" option of this example; -1 if it is bad. */
static int apply_option(ty_config *cfg, const char *name, const char *value)
{
    long v = 0;
    if (strcmp(name, "--gammas") == 0)
        return parse_gammas(cfg, value);
    if (strcmp(name, "--signals") == 0)
        return parse_signals(cfg, value);
    long lo = strcmp(name, "--regulars") == 0 || strcmp(name, "--threads") == 0
                  ? 0 : 1;
    if (parse_count(value, lo, &v) != 0)
        return -1;
    if (strcmp(name, "--regulars") == 0) cfg->max_regular = (size_t)v;
    else if (strcmp(name, "--epochs") == 0) cfg->track_epochs = (int)v;
    else if (strcmp(name, "--sweep-epochs") == 0) cfg->sweep_epochs = (int)v;
    else if (strcmp(name, "--seeds") == 0) cfg->n_seeds = (int)v;
    else if (strcmp(name, "--max-steps") == 0) cfg->max_steps = (int)v;
    else if (strcmp(name, "--curve-every") == 0) cfg->curve_every = (int)v;
    else if (strcmp(name, "--threads") == 0) cfg->threads = (int)v;
    else if (strcmp(name, "--workers") == 0) {
        cfg->workers = (int)v;
        cfg->workers_given = 1;
    }
    else return -1;
    return 0;
}

static int is_own_option(const char *a)
{
    static const char *names[] = {"--regulars", "--epochs", "--sweep-epochs",
                                  "--gammas", "--signals", "--seeds",
                                  "--max-steps", "--curve-every", "--threads",
                                  "--workers"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(a, names[i]) == 0)
            return 1;
    return 0;
}

static int has_flag(int argc, char **argv, const char *flag)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], flag) == 0)
            return 1;
    return 0;
}

static void keep_command(ty_config *cfg, int argc, char **argv)
{
    size_t k = 0;
    cfg->command[0] = '\0';
    for (int i = 0; i < argc && k < sizeof cfg->command; i++) {
        int n = snprintf(cfg->command + k, sizeof cfg->command - k, "%s%s",
                         i ? " " : "", argv[i]);
        k += n > 0 ? (size_t)n : 0;
    }
}

int ty_config_parse(ty_config *cfg, int argc, char **argv)
{
    char *rest[64];
    int nrest = 0;
    set_paper_scale(cfg);
    keep_command(cfg, argc, argv);
    if (has_flag(argc, argv, "--quick"))
        set_quick_scale(cfg);
    cfg->resume = has_flag(argc, argv, "--resume");
    for (int i = 0; i < argc && nrest < 64; i++) {
        if (i > 0 && strcmp(argv[i], "--resume") == 0)
            continue;
        if (i > 0 && is_own_option(argv[i])) {
            if (i + 1 >= argc || apply_option(cfg, argv[i], argv[i + 1]) != 0) {
                fprintf(stderr, "tyulmankov2023: bad value for %s (try --help; "
                                "--gammas must start with 0)\n", argv[i]);
                return -1;
            }
            i++;
            continue;
        }
        rest[nrest++] = argv[i];
    }
    return ex_args_read(&cfg->args, "tyulmankov2023", nrest, rest);
}

int ty_config_is_paper_scale(const ty_config *cfg)
{
    return !cfg->args.quick && cfg->max_regular == 0 &&
           cfg->track_epochs == 150 && cfg->sweep_epochs == 150 &&
           cfg->n_seeds == 3 && cfg->max_steps == 1000 &&
           cfg->signals == ALL_SIGNALS && ty_config_has_paper_gammas(cfg);
}

int ty_config_has_paper_gammas(const ty_config *cfg)
{
    return cfg->n_gammas == N_PAPER_GAMMAS &&
           memcmp(cfg->gammas, paper_gammas, sizeof paper_gammas) == 0;
}

int ty_config_has_signal(const ty_config *cfg, int k)
{
    return k >= 0 && k < TY_SIGNALS && (cfg->signals >> k & 1u);
}

int ty_config_signal_count(const ty_config *cfg)
{
    int n = 0;
    for (int k = 0; k < TY_SIGNALS; k++)
        n += ty_config_has_signal(cfg, k);
    return n;
}
