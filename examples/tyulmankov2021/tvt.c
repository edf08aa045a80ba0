/*
 * TVT baseline (Hung et al. 2019, paper Appendix B): a slot memory written
 * in order (slot t mod N holds item t) and read by
 *     w = softmax(s * cos(K_i, k)),   y = sum_i w_i V_i
 * with a query key k and strength s. The reference code learns k and s
 * from the query with a linear layer; here k is the query itself and s is
 * fitted on training episodes (tf_tvt_fit_strength), which is the optimum
 * that linear layer can reach on this task up to the choice of s.
 *
 * The slot memory is amem_kvmem with the sequential rule (rows of K are
 * the stored keys, zero rows never written). Every stored key is +-1, so
 * |K_i| = sqrt(d) for each written row and cos(K_i, k) = K_i k / (sqrt(d)
 * |k|): reading the query scaled by s / (sqrt(d) |k|) with beta = 1 gives
 * exactly softmax(s cos) (an unwritten row has K_i k = 0 in both).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <assocmem/kvmem.h>

#include "episode.h"
#include "fail.h"
#include "model.h"

int tf_tvt_read(tf_model *model, const float *queries, size_t n, float *out)
{
    size_t d = model->d;
    float *scaled = malloc(n * d * sizeof *scaled);
    if (!scaled)
        return tf_nomem();
    for (size_t r = 0; r < n; r++) {
        double norm = 0.0;
        for (size_t j = 0; j < d; j++)
            norm += (double)queries[r * d + j] * queries[r * d + j];
        double scale = norm > 0 ? model->strength / sqrt((double)d * norm)
                                : 0.0;
        for (size_t j = 0; j < d; j++)
            scaled[r * d + j] = (float)(scale * queries[r * d + j]);
    }
    int st = amem_kvmem_read(model->impl, scaled, n, out, NULL);
    free(scaled);
    return st == 0 ? 0 : tf_fail("amem_kvmem_read", st);
}

/* Mean squared read error of one TVT episode of T items. */
static int tvt_episode_mse(double strength, size_t n_slots, size_t T,
                           double zeroed, uint64_t seed, double *mse)
{
    tf_model_spec spec = {.kind = TF_TVT, .slots = n_slots,
                          .strength = strength};
    tf_episode_spec es = {.d = n_slots, .zeroed = zeroed};
    tf_episode ep;
    tf_model model;
    if (tf_episode_make(&ep, &es, T, seed) != 0)
        return -1;
    float *out = malloc(T * n_slots * sizeof *out);
    int bad = !out || tf_model_create(&spec, n_slots, 0, seed, &model) != 0;
    for (size_t t = 0; !bad && t < T; t++)
        bad = tf_model_step(&model, ep.keys + t * n_slots, NULL, 1.0);
    if (!bad)
        bad = tf_model_read(&model, ep.queries, T, out);
    double sum = 0.0;
    for (size_t i = 0; !bad && i < T * n_slots; i++)
        sum += ((double)out[i] - ep.keys[i]) * ((double)out[i] - ep.keys[i]);
    *mse = sum / (double)T;
    if (out)
        tf_model_free(&model);
    free(out);
    tf_episode_free(&ep);
    return bad ? -1 : 0;
}

int tf_tvt_fit_strength(size_t n_slots, double zeroed, size_t episodes,
                        uint64_t seed, double *strength)
{
    static const double grid[] = {1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 100};
    double best = INFINITY;
    for (size_t g = 0; g < sizeof grid / sizeof grid[0]; g++) {
        double total = 0.0;
        for (size_t e = 0; e < episodes; e++) {
            size_t T = n_slots / 2 + (size_t)((seed + 977u * e) %
                                              (3 * n_slots / 2 + 1));
            double mse = 0.0;
            if (tvt_episode_mse(grid[g], n_slots, T, zeroed, seed + e, &mse))
                return -1;
            total += mse;
        }
        if (total < best) {
            best = total;
            *strength = grid[g];
        }
    }
    return 0;
}
