/*
 * Data-parallel training of real pieces over MPI: every rank trains one
 * handle alone and one with the MPI reduce hook (amem_mpi_data_parallel_
 * create + amem_<piece>_set_data_parallel), from the same seed and data.
 * After a few optimizer steps the data-parallel parameters equal the
 * one-process ones to float rounding, and are the same bits on every rank.
 * Pieces: the dense associative memory (weights compared directly; with a
 * learned exception signal steering the batches, the per-item records too)
 * and the diffusion score network (compared through its learned score on
 * fixed states).
 */
#define AMEM_EXPERIMENTAL_API
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <assocmem/dam.h>
#include <assocmem/diffusion.h>

#include "mpitest.h"

enum { VIS = 12, HID = 6, ITEMS = 40, STEPS = 4 };

static amem_data_parallel *world_dp(void)
{
    amem_data_parallel *dp = NULL;
    MT_STATUS(amem_mpi_data_parallel_create(MPI_Comm_c2f(MPI_COMM_WORLD),
                                            &dp), AMEM_OK);
    return dp;
}

/* How a DAM run balances its batches (balance NONE: the defaults). */
typedef struct dam_setup {
    int balance, signal, weight_norm;
} dam_setup;

enum { NRAW = 6 }; /* records compared: loss, time, entropy, max, norm, uses */

/* The raw records of every item into rec (NRAW per item). */
static void dam_records(const amem_dam *h, float *rec)
{
    static const int which[NRAW] = {
        AMEM_DAM_RECORD_LOSS, AMEM_DAM_RECORD_TIME, AMEM_DAM_RECORD_ENTROPY,
        AMEM_DAM_RECORD_MAX, AMEM_DAM_RECORD_NORM, AMEM_DAM_RECORD_USES};
    float one[ITEMS];
    for (int r = 0; r < NRAW; r++) {
        MT_STATUS(amem_dam_get_item_record(h, which[r], one), AMEM_OK);
        for (size_t i = 0; i < ITEMS; i++)
            rec[i * NRAW + r] = one[i];
    }
}

/* A DAM with the given data, trained STEPS steps; its weights into w and
 * (rec not NULL) its records into rec. */
static void dam_run(const float *items, const dam_setup *set,
                    const amem_data_parallel *dp, float *w, float *rec,
                    double *loss)
{
    amem_dam *h = NULL;
    MT_STATUS(amem_dam_create(VIS, HID, &h), AMEM_OK);
    if (h == NULL)
        return;
    MT_STATUS(amem_dam_set(h, AMEM_DAM_SEED, 5), AMEM_OK);
    MT_STATUS(amem_dam_set(h, AMEM_DAM_BATCH_SIZE, 9), AMEM_OK);
    if (set->balance != AMEM_DAM_BALANCE_NONE) {
        MT_STATUS(amem_dam_set(h, AMEM_DAM_BALANCE, set->balance), AMEM_OK);
        MT_STATUS(amem_dam_set(h, AMEM_DAM_SIGNAL, set->signal), AMEM_OK);
        MT_STATUS(amem_dam_set(h, AMEM_DAM_WEIGHT_NORM, set->weight_norm),
                  AMEM_OK);
        MT_STATUS(amem_dam_set(h, AMEM_DAM_GAMMA, 4), AMEM_OK);
        MT_STATUS(amem_dam_set(h, AMEM_DAM_MAX_STEPS, 80), AMEM_OK);
    }
    MT_STATUS(amem_dam_set_data(h, items, NULL, ITEMS), AMEM_OK);
    if (dp != NULL)
        MT_STATUS(amem_dam_set_data_parallel(h, dp), AMEM_OK);
    MT_STATUS(amem_dam_train(h, STEPS, NULL, NULL, loss), AMEM_OK);
    MT_STATUS(amem_dam_get_weights(h, w, 0), AMEM_OK);
    if (rec != NULL)
        dam_records(h, rec);
    amem_dam_free(h);
}

/* max_i |a_i - b_i| / (1 + |b_i|) (rel) or |a_i - b_i|, where NaN (an
 * item never used has NaN records) equals only NaN. */
static double max_diff(const float *a, const float *b, size_t len, int rel)
{
    double m = 0.0;
    for (size_t i = 0; i < len; i++) {
        if (isnan(a[i]) || isnan(b[i])) {
            m = isnan(a[i]) && isnan(b[i]) ? m : INFINITY;
            continue;
        }
        double d = fabs((double)a[i] - b[i]) / (rel ? 1 + fabs(b[i]) : 1);
        m = d > m ? d : m;
    }
    return m;
}

static void test_dam(void)
{
    float items[ITEMS * VIS], one[VIS * HID], par[VIS * HID];
    mt_fill(items, ITEMS * VIS, 31);
    amem_data_parallel *dp = world_dp();
    double loss_one = 0, loss_par = 0;
    dam_setup plain = {AMEM_DAM_BALANCE_NONE, 0, 0};
    dam_run(items, &plain, NULL, one, NULL, &loss_one);
    dam_run(items, &plain, dp, par, NULL, &loss_par);
    /* Adam is nearly blind to a gradient's scale: the loss, summed over
     * the ranks, must also be the one-process mean, not P times it */
    MT_CHECK(mt_rel_diff(par, one, VIS * HID) <= 1e-5);
    MT_CHECK(fabs(loss_par - loss_one) <= 1e-5 * (1 + fabs(loss_one)));
    MT_CHECK(mt_same_everywhere(par, sizeof par));
    amem_mpi_data_parallel_free(dp);
}

/*
 * A learned signal with gamma > 0: loss reweighting (over the data set and
 * over the batch) and importance sampling, each learned signal. Every rank
 * ends every step with the whole batch's records, so the weights, the loss
 * and the records equal the one-process run's, the same bits on every rank.
 */
static void test_dam_learned_signal(void)
{
    static const dam_setup setups[] = {
        {AMEM_DAM_BALANCE_REWEIGHT, AMEM_DAM_SIGNAL_LOSS,
         AMEM_DAM_WEIGHT_NORM_DATASET},
        {AMEM_DAM_BALANCE_REWEIGHT, AMEM_DAM_SIGNAL_NEG_TIME,
         AMEM_DAM_WEIGHT_NORM_BATCH},
        {AMEM_DAM_BALANCE_REWEIGHT, AMEM_DAM_SIGNAL_NEG_ENTROPY,
         AMEM_DAM_WEIGHT_NORM_DATASET},
        {AMEM_DAM_BALANCE_REWEIGHT, AMEM_DAM_SIGNAL_MAX,
         AMEM_DAM_WEIGHT_NORM_BATCH},
        {AMEM_DAM_BALANCE_REWEIGHT, AMEM_DAM_SIGNAL_NORM,
         AMEM_DAM_WEIGHT_NORM_DATASET},
        {AMEM_DAM_BALANCE_SAMPLE, AMEM_DAM_SIGNAL_LOSS, 0},
        {AMEM_DAM_BALANCE_SAMPLE, AMEM_DAM_SIGNAL_NEG_TIME, 0},
        {AMEM_DAM_BALANCE_SAMPLE, AMEM_DAM_SIGNAL_NEG_ENTROPY, 0},
        {AMEM_DAM_BALANCE_SAMPLE, AMEM_DAM_SIGNAL_MAX, 0},
        {AMEM_DAM_BALANCE_SAMPLE, AMEM_DAM_SIGNAL_NORM, 0},
    };
    float items[ITEMS * VIS], one[VIS * HID], par[VIS * HID];
    float rec_one[ITEMS * NRAW], rec_par[ITEMS * NRAW];
    mt_fill(items, ITEMS * VIS, 33);
    amem_data_parallel *dp = world_dp();
    double worst_w = 0.0, worst_rec = 0.0;
    for (size_t k = 0; k < sizeof setups / sizeof setups[0]; k++) {
        double loss_one = 0, loss_par = 0;
        dam_run(items, &setups[k], NULL, one, rec_one, &loss_one);
        dam_run(items, &setups[k], dp, par, rec_par, &loss_par);
        MT_CHECK(mt_rel_diff(par, one, VIS * HID) <= 1e-5);
        MT_CHECK(max_diff(rec_par, rec_one, ITEMS * NRAW, 1) <= 1e-5);
        MT_CHECK(fabs(loss_par - loss_one) <= 1e-5 * (1 + fabs(loss_one)));
        MT_CHECK(mt_same_everywhere(par, sizeof par));
        MT_CHECK(mt_same_everywhere(rec_par, sizeof rec_par));
        double dw = max_diff(par, one, VIS * HID, 0);
        double dr = max_diff(rec_par, rec_one, ITEMS * NRAW, 0);
        worst_w = dw > worst_w ? dw : worst_w;
        worst_rec = dr > worst_rec ? dr : worst_rec;
    }
    if (mt_rank == 0)
        printf("dam learned signal P=%d: max |w - w_1| = %.3g, "
               "max |record - record_1| = %.3g\n",
               mt_size, worst_w, worst_rec);
    amem_mpi_data_parallel_free(dp);
}

enum { DIM = 4, PATTERNS = 12, STATES = 5 };

/* A diffusion network trained STEPS steps; its learned score on states. */
static void diffusion_run(const float *patterns, const float *states,
                          const amem_data_parallel *dp, float *score,
                          double *loss)
{
    amem_diffusion *h = NULL;
    MT_STATUS(amem_diffusion_create(DIM, &h), AMEM_OK);
    if (h == NULL)
        return;
    MT_STATUS(amem_diffusion_set(h, AMEM_DIFFUSION_SEED, 7), AMEM_OK);
    MT_STATUS(amem_diffusion_set(h, AMEM_DIFFUSION_HIDDEN, 16), AMEM_OK);
    MT_STATUS(amem_diffusion_store(h, patterns, PATTERNS), AMEM_OK);
    if (dp != NULL)
        MT_STATUS(amem_diffusion_set_data_parallel(h, dp), AMEM_OK);
    MT_STATUS(amem_diffusion_train(h, STEPS, NULL, NULL, loss), AMEM_OK);
    MT_STATUS(amem_diffusion_set(h, AMEM_DIFFUSION_SCORE,
                                 AMEM_DIFFUSION_SCORE_LEARNED), AMEM_OK);
    MT_STATUS(amem_diffusion_score(h, states, STATES, 0.5, score), AMEM_OK);
    amem_diffusion_free(h);
}

static void test_diffusion(void)
{
    float patterns[PATTERNS * DIM], states[STATES * DIM];
    float one[STATES * DIM], par[STATES * DIM];
    mt_fill(patterns, PATTERNS * DIM, 41);
    mt_fill(states, STATES * DIM, 42);
    amem_data_parallel *dp = world_dp();
    double loss_one = 0, loss_par = 0;
    diffusion_run(patterns, states, NULL, one, &loss_one);
    diffusion_run(patterns, states, dp, par, &loss_par);
    MT_CHECK(mt_rel_diff(par, one, STATES * DIM) <= 1e-4);
    MT_CHECK(fabs(loss_par - loss_one) <= 1e-5 * (1 + fabs(loss_one)));
    MT_CHECK(mt_same_everywhere(par, sizeof par));
    amem_mpi_data_parallel_free(dp);
}

int main(int argc, char **argv)
{
    mt_init(&argc, &argv);
    mt_run("train_dp_dam", test_dam);
    mt_run("train_dp_dam_learned_signal", test_dam_learned_signal);
    mt_run("train_dp_diffusion", test_diffusion);
    return mt_finish();
}
