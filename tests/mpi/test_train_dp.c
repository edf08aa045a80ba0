/*
 * Data-parallel training of real pieces over MPI: every rank trains one
 * handle alone and one with the MPI reduce hook (amem_mpi_data_parallel_
 * create + amem_<piece>_set_data_parallel), from the same seed and data.
 * After a few optimizer steps the data-parallel parameters equal the
 * one-process ones to float rounding, and are the same bits on every rank.
 * Pieces: the dense associative memory (weights compared directly) and the
 * diffusion score network (compared through its learned score on fixed
 * states).
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

/* A DAM with the given data, trained STEPS steps; its weights into w. */
static void dam_run(const float *items, const amem_data_parallel *dp,
                    float *w, double *loss)
{
    amem_dam *h = NULL;
    MT_STATUS(amem_dam_create(VIS, HID, &h), AMEM_OK);
    if (h == NULL)
        return;
    MT_STATUS(amem_dam_set(h, AMEM_DAM_SEED, 5), AMEM_OK);
    MT_STATUS(amem_dam_set(h, AMEM_DAM_BATCH_SIZE, 9), AMEM_OK);
    MT_STATUS(amem_dam_set_data(h, items, NULL, ITEMS), AMEM_OK);
    if (dp != NULL)
        MT_STATUS(amem_dam_set_data_parallel(h, dp), AMEM_OK);
    MT_STATUS(amem_dam_train(h, STEPS, NULL, NULL, loss), AMEM_OK);
    MT_STATUS(amem_dam_get_weights(h, w, 0), AMEM_OK);
    amem_dam_free(h);
}

static void test_dam(void)
{
    float items[ITEMS * VIS], one[VIS * HID], par[VIS * HID];
    mt_fill(items, ITEMS * VIS, 31);
    amem_data_parallel *dp = world_dp();
    double loss_one = 0, loss_par = 0;
    dam_run(items, NULL, one, &loss_one);
    dam_run(items, dp, par, &loss_par);
    /* Adam is nearly blind to a gradient's scale: the loss, summed over
     * the ranks, must also be the one-process mean, not P times it */
    MT_CHECK(mt_rel_diff(par, one, VIS * HID) <= 1e-5);
    MT_CHECK(fabs(loss_par - loss_one) <= 1e-5 * (1 + fabs(loss_one)));
    MT_CHECK(mt_same_everywhere(par, sizeof par));
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
    mt_run("train_dp_diffusion", test_diffusion);
    return mt_finish();
}
