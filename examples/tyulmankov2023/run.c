/* Setting up, training and evaluating one network. */
#include <stdio.h>
#include <stdlib.h>

#include <assocmem/assocmem.h>

#include "common/progress.h"
#include "pool.h"
#include "ranks.h"
#include "run.h"

static const char *signal_names[TY_SIGNALS] = {
    "ground_truth", "loss", "neg_time", "neg_entropy", "max_hidden",
    "norm_hidden"};

const char *ty_signal_name(int signal)
{
    return signal >= 0 && signal < TY_SIGNALS ? signal_names[signal]
                                                         : "?";
}

const char *ty_balance_name(int balance)
{
    switch (balance) {
    case AMEM_DAM_BALANCE_NONE: return "uniform";
    case AMEM_DAM_BALANCE_REWEIGHT: return "reweight";
    case AMEM_DAM_BALANCE_SAMPLE: return "sample";
    default: return "?";
    }
}

int ty_fail(const char *what, int status)
{
    fprintf(stderr, "tyulmankov2023: %s: %s (%s)\n", what,
            amem_strerror(status), amem_last_error());
    return -1;
}

static int apply_settings(amem_dam *net, const ty_config *cfg,
                          const ty_run_spec *spec)
{
    const struct { int param; double value; } s[] = {
        {AMEM_DAM_BETA, cfg->beta},
        {AMEM_DAM_TOLERANCE, cfg->tolerance},
        {AMEM_DAM_MAX_STEPS, cfg->max_steps},
        {AMEM_DAM_SEED, spec->seed},
        {AMEM_DAM_BALANCE, spec->balance},
        {AMEM_DAM_SIGNAL, spec->signal},
        {AMEM_DAM_GAMMA, spec->gamma},
    };
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
        int st = amem_dam_set(net, s[i].param, s[i].value);
        if (st != AMEM_OK)
            return ty_fail("amem_dam_set", st);
    }
    return 0;
}

amem_dam *ty_run_create(const ty_config *cfg, const ty_dataset *ds,
                        const int32_t *labels, const ty_run_spec *spec)
{
    amem_dam *net = NULL;
    int st = amem_dam_create(ds->dim, cfg->hidden, &net);
    if (st != AMEM_OK) {
        ty_fail("amem_dam_create", st);
        return NULL;
    }
    if (apply_settings(net, cfg, spec) != 0 || ty_ranks_attach(net) != 0)
        goto fail;
    /* Setting the seed reseeds the generator; reset redraws the weights. */
    if ((st = amem_dam_reset(net)) != AMEM_OK) {
        ty_fail("amem_dam_reset", st);
        goto fail;
    }
    st = amem_dam_set_data(net, ds->items, labels, ty_dataset_count(ds));
    if (st != AMEM_OK) {
        ty_fail("amem_dam_set_data", st);
        goto fail;
    }
    return net;
fail:
    amem_dam_free(net);
    return NULL;
}

/* Progress adapter: the library reports steps, ex_progress draws them. */
static int step_progress(void *user, const char *stage, long done,
                          long total, double metric)
{
    (void)stage;
    if (!ty_ranks_is_writer())
        return 0;
    ty_pool_lock(); /* runs on worker threads share one progress line */
    int rc = ex_progress(NULL, (const char *)user, done, total, metric);
    ty_pool_unlock();
    return rc;
}

int ty_run_train(amem_dam *net, int epochs, const char *stage)
{
    size_t per_epoch = 0;
    int st = amem_dam_steps_per_epoch(net, &per_epoch);
    if (st != AMEM_OK)
        return ty_fail("amem_dam_steps_per_epoch", st);
    st = amem_dam_train(net, (size_t)epochs * per_epoch, step_progress,
                        (void *)stage, NULL);
    return st == AMEM_OK ? 0 : ty_fail("amem_dam_train", st);
}

int ty_run_evaluate(amem_dam *net, const ty_config *cfg, const ty_dataset *ds,
                    const int32_t *labels, ty_eval *out)
{
    int st = amem_dam_evaluate(net, ds->items, labels, ty_dataset_count(ds),
                               cfg->eval_seed, NULL, &out->regular,
                               &out->exception, &out->eval);
    return st == AMEM_OK ? 0 : ty_fail("amem_dam_evaluate", st);
}

int32_t *ty_labels_create(const ty_dataset *ds)
{
    size_t n = ty_dataset_count(ds);
    int32_t *labels = malloc(n * sizeof *labels);
    if (labels)
        for (size_t i = 0; i < n; i++)
            labels[i] = ds->is_exception[i];
    return labels;
}
