/* Public recall, energy, perturbation and evaluation (paper Eq. 2). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "dam_impl.h"
#include "gram.h"

/* Rows per batched run in recall and evaluation. */
#define CHUNK 128u

static int check_labels(const char *fn, const int32_t *lab, size_t n)
{
    for (size_t i = 0; lab && i < n; i++)
        if (lab[i] != 0 && lab[i] != 1)
            return amem__fail(AMEM_E_ARG, fn, "label %zu is %d, need 0/1", i,
                              (int)lab[i]);
    return AMEM_OK;
}

static int check_rows(const char *fn, const amem_dam *h, size_t n)
{
    if (n == 0)
        return amem__fail(AMEM_E_DIM, fn, "n is 0");
    /* n x N inputs, and up to four arrays of that size per call. */
    return amem__array_bytes(fn, "n", n, 4 * h->n_vis, sizeof(float), NULL);
}

/* Workspace of recall: W_hat, norms and an arena for one chunk's run. */
typedef struct recall_ws {
    float *what, *norms;
    amem__arena *ar;
    amem__dam_cfg cfg;
} recall_ws;

static int ws_open(const char *fn, const amem_dam *h, recall_ws *ws)
{
    amem__dam_cfg_from(h, &ws->cfg);
    size_t mn = h->n_vis * h->n_hid;
    ws->what = amem__alloc(mn, 1, sizeof(float));
    ws->norms = amem__alloc(h->n_hid, 1, sizeof(float));
    ws->ar = amem__arena_create((size_t)1 << 20);
    if (!ws->what || !ws->norms || !ws->ar) {
        free(ws->what);
        free(ws->norms);
        amem__arena_free(ws->ar);
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate the workspace");
    }
    amem__dam_normalize_rows(h->w, h->n_hid, h->n_vis, ws->what, ws->norms);
    return AMEM_OK;
}

static void ws_close(recall_ws *ws)
{
    free(ws->what);
    free(ws->norms);
    amem__arena_free(ws->ar);
}

/* Run b <= CHUNK rows from cues/clamp; outputs in row order. */
static int run_chunk(recall_ws *ws, const float *cues, const float *clamp,
                     size_t b, float *out, int *steps, float *hidden)
{
    size_t N = ws->cfg.n_vis;
    amem__arena_reset(ws->ar);
    if (amem__dam_use_gram(&ws->cfg)) {
        amem__dam_gram g;
        if (amem__dam_gram_forward(&g, &ws->cfg, ws->what, cues, clamp, b,
                                   ws->ar, 0) != AMEM_OK)
            return AMEM_E_NOMEM;
        amem__dam_gram_collect(&g, out, hidden);
        if (steps)
            memcpy(steps, g.time, b * sizeof(int));
        return AMEM_OK;
    }
    amem__dam_run r;
    void *buf = amem__arena_alloc(ws->ar, amem__dam_run_bytes(&ws->cfg, b));
    if (buf == NULL)
        return AMEM_E_NOMEM;
    amem__dam_run_setup(&r, &ws->cfg, ws->what, b, buf);
    memcpy(r.cue, cues, b * N * sizeof(float));
    if (clamp)
        memcpy(r.clamp, clamp, b * N * sizeof(float));
    else
        r.clamp = NULL;
    (void)amem__dam_forward(&r); /* no tape: cannot fail */
    amem__dam_collect(&r, out, hidden);
    if (steps)
        memcpy(steps, r.time, b * sizeof(int));
    return AMEM_OK;
}

int amem_dam_recall(amem_dam *h, const float *cues, size_t n,
                    const float *clamp, float *out, int *steps, float *hidden)
{
    static const char fn[] = "amem_dam_recall";
    AMEM__CHECK_NULL(h, fn);
    AMEM__CHECK_NULL(out, fn);
    int rc = check_rows(fn, h, n);
    if (rc == AMEM_OK)
        rc = amem__check_array(fn, "cues", cues, n, h->n_vis);
    if (rc == AMEM_OK && hidden)
        rc = amem__array_bytes(fn, "hidden", n, h->n_hid, sizeof(float), NULL);
    if (rc == AMEM_OK && clamp)
        rc = amem__check_mask(fn, "clamp", clamp, n * h->n_vis);
    if (rc == AMEM_OK && out == cues)
        rc = amem__fail(AMEM_E_ARG, fn, "out aliases cues");
    recall_ws ws;
    if (rc == AMEM_OK)
        rc = ws_open(fn, h, &ws);
    if (rc != AMEM_OK)
        return rc;
    size_t N = h->n_vis, M = h->n_hid;
    for (size_t i = 0; i < n && rc == AMEM_OK; i += CHUNK) {
        size_t b = n - i < CHUNK ? n - i : CHUNK;
        rc = run_chunk(&ws, cues + i * N, clamp ? clamp + i * N : NULL, b,
                       out + i * N, steps ? steps + i : NULL,
                       hidden ? hidden + i * M : NULL);
    }
    ws_close(&ws);
    return rc == AMEM_OK ? AMEM_OK
                         : amem__fail(rc, fn, "out of memory in recall");
}

/* -(1/beta) lse(beta W_hat g(v)) for one state; s is M scratch floats. */
static double energy_one(const amem_dam *h, const float *what, const float *v,
                         float *s)
{
    size_t N = h->n_vis, M = h->n_hid;
    double nv = amem__l2_norm(v, N);
    double inv = 1.0 / (nv > AMEM__DAM_EPS ? nv : AMEM__DAM_EPS);
    for (size_t m = 0; m < M; m++) {
        double d = 0.0;
        for (size_t j = 0; j < N; j++)
            d += (double)what[m * N + j] * v[j];
        s[m] = (float)(d * inv);
    }
    return -amem__logsumexp_row(s, M, (float)AMEM__DP(h, BETA));
}

int amem_dam_energy(const amem_dam *h, const float *states, size_t n,
                    double *energies)
{
    static const char fn[] = "amem_dam_energy";
    AMEM__CHECK_NULL(h, fn);
    AMEM__CHECK_NULL(energies, fn);
    int rc = check_rows(fn, h, n);
    if (rc == AMEM_OK)
        rc = amem__check_array(fn, "states", states, n, h->n_vis);
    recall_ws ws;
    if (rc == AMEM_OK)
        rc = ws_open(fn, h, &ws);
    if (rc != AMEM_OK)
        return rc;
    float *s = amem__arena_alloc(ws.ar, h->n_hid * sizeof(float));
    for (size_t i = 0; s && i < n; i++)
        energies[i] = energy_one(h, ws.what, states + i * h->n_vis, s);
    ws_close(&ws);
    if (s == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate the workspace");
    return AMEM_OK;
}

void amem__dam_perturb_one(amem__rng *rng, const float *x, size_t n,
                           double frac, float *cue, float *clamp, size_t *idx)
{
    size_t k = (size_t)floor(frac * (double)n + 0.5);
    for (size_t j = 0; j < n; j++) {
        idx[j] = j;
        cue[j] = x[j];
        if (clamp)
            clamp[j] = 1.0f;
    }
    for (size_t j = 0; j < k; j++) { /* partial Fisher-Yates */
        size_t r = j + (size_t)amem__rng_below(rng, n - j);
        size_t t = idx[j];
        idx[j] = idx[r];
        idx[r] = t;
        cue[idx[j]] = 0.0f;
        if (clamp)
            clamp[idx[j]] = 0.0f;
    }
}

int amem_dam_perturb(amem_dam *h, const float *items, size_t n, float *cues,
                     float *clamp)
{
    static const char fn[] = "amem_dam_perturb";
    AMEM__CHECK_NULL(h, fn);
    AMEM__CHECK_NULL(cues, fn);
    int rc = check_rows(fn, h, n);
    if (rc == AMEM_OK)
        rc = amem__check_array(fn, "items", items, n, h->n_vis);
    if (rc != AMEM_OK)
        return rc;
    size_t *idx = amem__alloc(h->n_vis, 1, sizeof *idx);
    if (idx == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu indices",
                          h->n_vis);
    size_t N = h->n_vis;
    for (size_t i = 0; i < n; i++)
        amem__dam_perturb_one(&h->rng, items + i * N, N,
                              AMEM__DP(h, MASK_FRACTION), cues + i * N,
                              clamp ? clamp + i * N : NULL, idx);
    free(idx);
    return AMEM_OK;
}

/* Perturb, recall and score one chunk of items. */
static int eval_chunk(const amem_dam *h, recall_ws *ws, amem__rng *rng,
                      const float *x, size_t b, float *buf, float *loss)
{
    size_t N = h->n_vis;
    float *cue = buf, *clamp = buf + CHUNK * N, *out = buf + 2 * CHUNK * N;
    size_t *idx = (size_t *)(buf + 3 * CHUNK * N);
    for (size_t i = 0; i < b; i++)
        amem__dam_perturb_one(rng, x + i * N, N, AMEM__DP(h, MASK_FRACTION),
                              cue + i * N, clamp + i * N, idx);
    if (run_chunk(ws, cue, clamp, b, out, NULL, NULL) != AMEM_OK)
        return AMEM_E_NOMEM;
    for (size_t i = 0; i < b; i++) {
        double s = 0.0;
        for (size_t j = 0; j < N; j++) {
            double d = (double)x[i * N + j] - out[i * N + j];
            s += d * d;
        }
        loss[i] = (float)s;
    }
    return AMEM_OK;
}

static void split_means(const float *loss, const int32_t *lab, size_t n,
                        double *reg, double *exc, double *eval)
{
    double s[2] = {0.0, 0.0};
    size_t c[2] = {0, 0};
    for (size_t i = 0; i < n; i++) {
        int k = lab ? (lab[i] != 0) : 0;
        s[k] += loss[i];
        c[k]++;
    }
    double mr = c[0] ? s[0] / (double)c[0] : NAN;
    double me = c[1] ? s[1] / (double)c[1] : NAN;
    if (reg)
        *reg = mr;
    if (exc)
        *exc = me;
    if (eval) /* Eq. 2 */
        *eval = (c[0] && c[1]) ? 0.5 * (mr + me) : (c[0] ? mr : me);
}

int amem_dam_evaluate(amem_dam *h, const float *items,
                      const int32_t *exceptions, size_t n, uint64_t seed,
                      float *losses, double *regular, double *exception,
                      double *eval)
{
    static const char fn[] = "amem_dam_evaluate";
    AMEM__CHECK_NULL(h, fn);
    int rc = check_rows(fn, h, n);
    if (rc == AMEM_OK)
        rc = amem__check_array(fn, "items", items, n, h->n_vis);
    if (rc == AMEM_OK)
        rc = check_labels(fn, exceptions, n);
    recall_ws ws;
    if (rc == AMEM_OK)
        rc = ws_open(fn, h, &ws);
    if (rc != AMEM_OK)
        return rc;
    size_t N = h->n_vis;
    float *buf = amem__alloc(3 * CHUNK + 2, N, sizeof(float)); /* + N size_t */
    float *loss = amem__alloc(n, 1, sizeof(float));
    if (!buf || !loss) {
        free(buf);
        free(loss);
        ws_close(&ws);
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate the workspace");
    }
    amem__rng rng;
    amem__rng_seed(&rng, seed);
    for (size_t i = 0; i < n && rc == AMEM_OK; i += CHUNK) {
        size_t b = n - i < CHUNK ? n - i : CHUNK;
        rc = eval_chunk(h, &ws, &rng, items + i * N, b, buf, loss + i);
    }
    if (rc != AMEM_OK) {
        free(buf);
        free(loss);
        ws_close(&ws);
        return amem__fail(rc, fn, "out of memory in evaluation");
    }
    split_means(loss, exceptions, n, regular, exception, eval);
    if (losses)
        memcpy(losses, loss, n * sizeof(float));
    free(buf);
    free(loss);
    ws_close(&ws);
    return AMEM_OK;
}
