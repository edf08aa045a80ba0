/*
 * Spens & Burgess 2022, Figure 6 right: accuracy against training-set size
 * for predicting object shape on the Shapes3D-like stand-in, from the
 * student's latent means with a single-layer perceptron (softmax
 * regression) and from pixels with a small CNN trained from scratch
 * (cnn.h); the CSV also has the latents scored by the RBF SVC of the
 * decoding accuracy (Figure 5's probe). Each size is repeated with
 * different random training subsets; accuracy is measured on the held-out
 * half of the test items.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <assocmem/assocmem.h>
#include <assocmem/probes.h>

#include "common/provenance.h"
#include "cnn.h"
#include "parts.h"

/* m distinct indices out of n, from a seeded partial Fisher-Yates. */
static void pick(size_t *idx, size_t n, size_t m, uint64_t seed)
{
    size_t *all = malloc(n * sizeof *all);
    uint64_t s = seed * 0x9E3779B97F4A7C15ull + 7;
    for (size_t i = 0; all && i < n; i++)
        all[i] = i;
    for (size_t i = 0; all && i < m; i++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        size_t j = i + (size_t)(s % (n - i)), t = all[i];
        all[i] = all[j], all[j] = t;
        idx[i] = all[i];
    }
    free(all);
}

/* kind: AMEM_PROBE_SOFTMAX (the figure's perceptron) or AMEM_PROBE_SVC. */
static double latent_accuracy(int kind, const float *mu, const int32_t *labels,
                              const size_t *idx, size_t m, size_t k,
                              const float *test_mu, const int32_t *test_lab,
                              size_t n_test, uint64_t seed)
{
    float *x = malloc(m * k * sizeof(float));
    int32_t *y = malloc(m * sizeof(int32_t));
    amem_probe *p = NULL;
    double acc = NAN;
    int rc = x && y ? amem_probe_create(kind, &p) : AMEM_E_NOMEM;
    for (size_t i = 0; rc == AMEM_OK && i < m; i++) {
        memcpy(x + i * k, mu + idx[i] * k, k * sizeof(float));
        y[i] = labels[idx[i]];
    }
    if (rc == AMEM_OK && kind == AMEM_PROBE_SOFTMAX)
        rc = amem_probe_set(p, AMEM_PROBE_SEED, (double)seed);
    if (rc == AMEM_OK) rc = amem_probe_fit(p, x, y, m, k, NULL, NULL);
    if (rc == AMEM_OK)
        rc = amem_probe_accuracy(p, test_mu, test_lab, n_test, k, &acc);
    if (rc != AMEM_OK)
        sb_fail(kind == AMEM_PROBE_SVC ? "SVC probe" : "softmax probe", rc);
    amem_probe_free(p);
    free(x);
    free(y);
    return acc;
}

static double cnn_accuracy(const sb_config *cfg, const sb_data *d,
                           const size_t *idx, size_t m, const float *test,
                           const int32_t *test_lab, size_t n_test,
                           uint64_t seed)
{
    float *x = malloc(m * d->dim * sizeof(float));
    int32_t *y = malloc(m * sizeof(int32_t));
    sb_cnn *net = sb_cnn_create(d->channels, d->height, d->width, d->classes,
                                seed);
    double acc = NAN;
    if (x && y && net) {
        for (size_t i = 0; i < m; i++) {
            memcpy(x + i * d->dim, d->items + idx[i] * d->dim,
                   d->dim * sizeof(float));
            y[i] = d->item_labels[idx[i]];
        }
        size_t steps = (size_t)cfg->cnn_epochs * ((m + 15) / 16);
        if (steps < (size_t)cfg->cnn_min_steps)
            steps = (size_t)cfg->cnn_min_steps;
        sb_cnn_train(net, x, y, m, steps);
        acc = sb_cnn_accuracy(net, test, test_lab, n_test);
    }
    sb_cnn_free(net);
    free(x);
    free(y);
    return acc;
}

static void mean_sd(const double *v, int n, double *mean, double *sd)
{
    double s = 0.0, ss = 0.0;
    for (int i = 0; i < n; i++)
        s += v[i];
    *mean = s / n;
    for (int i = 0; i < n; i++)
        ss += (v[i] - *mean) * (v[i] - *mean);
    *sd = n > 1 ? sqrt(ss / (n - 1)) : 0.0;
}

/* One training-set size, cfg->curve_repeats subsets. */
static double curve_t0;

static void one_size(const sb_config *cfg, const sb_data *d, size_t si,
                     const float *mu, size_t k, sb_result *res, FILE *csv)
{
    size_t m = cfg->curve_sizes[si], half = d->n_test / 2;
    size_t *idx = malloc(m * sizeof *idx);
    double lat[16], cnn[16], svc;
    int reps = cfg->curve_repeats < 16 ? cfg->curve_repeats : 16;
    for (int r = 0; idx && r < reps; r++) {
        uint64_t seed = cfg->seed * 1000 + si * 16 + (uint64_t)r;
        pick(idx, d->n_items, m, seed);
        const float *test_mu = mu + (d->n_items + half) * k;
        lat[r] = latent_accuracy(AMEM_PROBE_SOFTMAX, mu, d->item_labels, idx,
                                 m, k, test_mu, d->test_labels + half,
                                 d->n_test - half, seed);
        svc = latent_accuracy(AMEM_PROBE_SVC, mu, d->item_labels, idx, m, k,
                              test_mu, d->test_labels + half,
                              d->n_test - half, seed);
        cnn[r] = cnn_accuracy(cfg, d, idx, m, d->test + half * d->dim,
                              d->test_labels + half, d->n_test - half, seed);
        fprintf(csv, "%zu,%d,%.4f,%.4f,%.4f\n", m, r, lat[r], cnn[r], svc);
        fprintf(stderr, "  %zu items, repeat %d: latents %.3f (SVC %.3f), "
                        "CNN %.3f (%.0f s)\n", m, r, lat[r], svc, cnn[r],
                sb_now() - curve_t0);
    }
    mean_sd(lat, reps, &res->curve_latent[si], &res->curve_latent_sd[si]);
    mean_sd(cnn, reps, &res->curve_cnn[si], &res->curve_cnn_sd[si]);
    free(idx);
}

int sb_size_curve(const sb_config *cfg, const char *out_dir,
                  const sb_data *d, amem_vae *student, sb_result *res)
{
    double t0 = curve_t0 = sb_now();
    size_t k, n = d->n_items + d->n_test;
    amem_vae_latent_dim(student, &k);
    float *mu = malloc(n * k * sizeof(float));
    int rc = mu ? amem_vae_encode(student, d->items, d->n_items, mu, NULL)
                : AMEM_E_NOMEM;
    if (rc == AMEM_OK)
        rc = amem_vae_encode(student, d->test, d->n_test,
                             mu + d->n_items * k, NULL);
    char path[1400];
    snprintf(path, sizeof path, "%s/size_curve_%s.csv", out_dir,
             sb_dataset_name[d->which]);
    FILE *csv = rc == AMEM_OK ? fopen(path, "w") : NULL;
    if (!csv) {
        free(mu);
        return rc != AMEM_OK ? sb_fail("encoding", rc) : -1;
    }
    ex_provenance_csv(csv);
    fprintf(csv, "size,repeat,latent,cnn,latent_svc\n");
    res->n_sizes = 0;
    for (size_t si = 0; si < cfg->n_curve_sizes; si++) {
        if (cfg->curve_sizes[si] > d->n_items)
            break;
        one_size(cfg, d, si, mu, k, res, csv);
        res->n_sizes = si + 1;
    }
    ex_csv_finish(csv);
    free(mu);
    res->curve_seconds = sb_now() - t0;
    return 0;
}
