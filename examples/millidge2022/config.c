/* Settings of the sweep: the paper's protocol, scaled by --quick. */
#include <stdlib.h>
#include <string.h>

#include "uhn.h"

const char *const uhn_cue_name[UHN_CUES] = {"half", "half_masked_sim",
                                            "noise"};
const char *const uhn_sim_name[UHN_SIMS] = {"dot", "cosine", "euclidean",
                                            "manhattan"};
/* The paper's separations: softmax, max, polynomials of rising degree
 * (square and 10th power) and identity. */
const uhn_sep uhn_seps[UHN_SEPS] = {
    {"softmax", AMEM_HOPFIELD_SEP_SOFTMAX, 3},
    {"max", AMEM_HOPFIELD_SEP_ARGMAX, 3},
    {"poly2", AMEM_HOPFIELD_SEP_POLY, 2},
    {"poly10", AMEM_HOPFIELD_SEP_POLY, 10},
    {"identity", AMEM_HOPFIELD_SEP_IDENTITY, 3},
};

void uhn_config_init(uhn_config *cfg, int quick)
{
    static const size_t full_ns[] = {10, 20, 50, 100, 200, 500, 1000, 2000};
    static const size_t quick_ns[] = {10, 30, 100};
    const size_t *ns = quick ? quick_ns : full_ns;
    memset(cfg, 0, sizeof *cfg);
    cfg->quick = quick;
    cfg->n_ns = quick ? 3 : 8;
    memcpy(cfg->ns, ns, cfg->n_ns * sizeof *ns);
    cfg->runs = quick ? 1 : 5;
    cfg->sigma = 0.1;      /* the authors' default for noise cues */
    cfg->threshold = 50.0; /* the paper's error threshold */
    cfg->beta = 1.0;
}

/* --runs N, --sigma S, --beta B; the rest of argv is kept for
 * ex_args_parse. Returns the new argc, or -1 on a bad value. */
int uhn_take_options(uhn_config *cfg, int argc, char **argv)
{
    int kept = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int runs = strcmp(a, "--runs") == 0, sigma = strcmp(a, "--sigma") == 0;
        int beta = strcmp(a, "--beta") == 0;
        if (!runs && !sigma && !beta) {
            argv[kept++] = argv[i];
            continue;
        }
        double x = v ? strtod(v, NULL) : 0.0;
        if (runs && x >= 1 && x <= UHN_MAX_RUNS)
            cfg->runs = (int)x;
        else if (sigma && x > 0 && x <= 10)
            cfg->sigma = x;
        else if (beta && x > 0 && x <= 1e6)
            cfg->beta = x;
        else
            return -1;
        i++;
    }
    return kept;
}
