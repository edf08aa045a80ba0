/*
 * The capacity sweep: for each run (a disjoint block of images), each
 * stored count N and each cue kind, one modern store holds the first N
 * images of the block and recalls all N of them in one batch under every
 * similarity x separation setting (settings never change what is stored).
 * One step of x <- Y^T sep(sim(Y, q)) (the paper's single-shot update); a
 * query counts as correct when the sum of squared pixel errors against its
 * own image is at most the threshold (the paper's criterion).
 */
#include <stdlib.h>

#include "common/progress.h"
#include "uhn.h"

typedef struct sweep_buf {
    float *cues, *known, *out;
} sweep_buf;

static size_t count_correct(const uhn_config *cfg, const float *out,
                            const float *images, size_t n, size_t dim)
{
    size_t correct = 0;
    for (size_t q = 0; q < n; q++) {
        double err = 0.0;
        for (size_t k = 0; k < dim; k++) {
            double e = (double)out[q * dim + k] - images[q * dim + k];
            err += e * e;
        }
        correct += err <= cfg->threshold; /* NaN/inf count as wrong */
    }
    return correct;
}

static int set_pair(amem_hopfield *h, int sim, const uhn_sep *sep)
{
    int rc = amem_hopfield_set(h, AMEM_HOPFIELD_SIMILARITY, sim);
    if (rc == AMEM_OK)
        rc = amem_hopfield_set(h, AMEM_HOPFIELD_SEPARATION, sep->separation);
    if (rc == AMEM_OK)
        rc = amem_hopfield_set(h, AMEM_HOPFIELD_DEGREE, sep->degree);
    return rc;
}

/* Every pair on one store and one cue set; one CSV row each. */
static int pairs(const uhn_config *cfg, const uhn_data *d, int di, int cue,
                 amem_hopfield *h, const float *images, size_t k, int run,
                 sweep_buf *b, FILE *csv, uhn_results *res)
{
    size_t n = cfg->ns[k];
    const float *clamp = cue == UHN_CUE_MASKED ? b->known : NULL;
    for (int s = 0; s < UHN_SIMS; s++)
        for (int p = 0; p < UHN_SEPS; p++) {
            int rc = set_pair(h, s, &uhn_seps[p]);
            if (rc == AMEM_OK)
                rc = amem_hopfield_recall(h, b->cues, n, clamp, b->out, NULL,
                                          NULL);
            if (rc != AMEM_OK)
                return uhn_fail("recall", rc);
            size_t ok = count_correct(cfg, b->out, images, n, d->dim);
            double acc = (double)ok / (double)n;
            res->acc[di][cue][s][p][k][run] = acc;
            fprintf(csv, "%s,%s,%s,%s,%zu,%d,%zu,%zu,%.6f\n", d->name,
                    uhn_cue_name[cue], uhn_sim_name[s], uhn_seps[p].name, n,
                    run, ok, n, acc);
        }
    return 0;
}

static int one_store(const uhn_config *cfg, const uhn_data *d, int di,
                     const float *images, size_t k, int run, sweep_buf *b,
                     FILE *csv, uhn_results *res)
{
    size_t n = cfg->ns[k];
    amem_hopfield *h = NULL;
    int rc = amem_hopfield_create(AMEM_HOPFIELD_MODERN, d->dim, 0, &h);
    if (rc == AMEM_OK) rc = amem_hopfield_set(h, AMEM_HOPFIELD_BETA, cfg->beta);
    if (rc == AMEM_OK) rc = amem_hopfield_set(h, AMEM_HOPFIELD_MAX_STEPS, 1);
    if (rc == AMEM_OK) rc = amem_hopfield_store(h, images, n);
    int status = rc == AMEM_OK ? 0 : uhn_fail("building the store", rc);
    for (int cue = 0; status == 0 && cue < UHN_CUES; cue++) {
        unsigned long seed = 1000003ul * (unsigned long)run + 101ul * n + cue;
        status = uhn_make_cues(cfg, d, cue, images, n, seed, b->cues, b->known);
        if (status == 0)
            status = pairs(cfg, d, di, cue, h, images, k, run, b, csv, res);
    }
    amem_hopfield_free(h);
    return status;
}

int uhn_sweep(const uhn_config *cfg, const uhn_data *d, int di, FILE *csv,
              uhn_results *res)
{
    size_t max_n = cfg->ns[cfg->n_ns - 1], len = max_n * d->dim;
    if ((size_t)cfg->runs * max_n > d->count) {
        fprintf(stderr, "millidge2022: %s has %zu images, %d runs of %zu "
                        "need more\n", d->name, d->count, cfg->runs, max_n);
        return -1;
    }
    sweep_buf b = {malloc(len * sizeof(float)), malloc(len * sizeof(float)),
                   malloc(len * sizeof(float))};
    int status = b.cues && b.known && b.out ? 0
                                            : uhn_fail("buffers", AMEM_E_NOMEM);
    long total = (long)cfg->runs * (long)cfg->n_ns, done = 0;
    for (int run = 0; status == 0 && run < cfg->runs; run++)
        for (size_t k = 0; status == 0 && k < cfg->n_ns; k++) {
            const float *block = d->images + (size_t)run * len;
            status = one_store(cfg, d, di, block, k, run, &b, csv, res);
            ex_progress(NULL, d->name, ++done, total, 0.0);
        }
    free(b.cues);
    free(b.known);
    free(b.out);
    res->done[di] = status == 0;
    return status;
}

double uhn_mean(const uhn_config *cfg, const uhn_results *res, int di,
                int cue, int sim, int sep, size_t k)
{
    double sum = 0.0;
    for (int r = 0; r < cfg->runs; r++)
        sum += res->acc[di][cue][sim][sep][k][r];
    return sum / cfg->runs;
}
