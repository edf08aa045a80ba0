/* Sizes of the quick and the full run. */
#include <math.h>
#include <string.h>

#include "config.h"

/* Delays int(logspace(0, log10(max), count)), duplicates removed (the
 * reference code's grid for the continual and flashbulb tasks). */
static size_t log_delays(size_t *out, size_t max, size_t count)
{
    size_t n = 0;
    for (size_t i = 0; i < count && n < TF_MAX_DELAYS; i++) {
        double e = count > 1 ? log10((double)max) * i / (count - 1) : 0;
        size_t r = (size_t)pow(10.0, e);
        if (n == 0 || out[n - 1] != r)
            out[n++] = r;
    }
    return n;
}

static void full(tf_config *c)
{
    static const size_t sizes[] = {16, 24, 32, 40, 56, 80, 112, 160};
    static const size_t trained[] = {20, 40, 80, 160};
    c->curve_max_items = 120;
    c->curve_step = 2;
    c->curve_reps = 30;
    memcpy(c->sizes, sizes, sizeof sizes);
    c->n_sizes = sizeof sizes / sizeof sizes[0];
    memcpy(c->trained_sizes, trained, sizeof trained);
    c->n_trained_sizes = sizeof trained / sizeof trained[0];
    c->capacity_reps = 50;
    c->probe_episodes = 8;
    c->rule_seeds = 4;
    c->rule_segments = 2;
    c->train_steps = 10000;
    c->train_full_max_n = 80;
    c->train_large_steps = 600;
    c->train_batch = 1;
    c->tvt_steps = 4000;
    c->n_delays = log_delays(c->delays, 180, 30);
    c->continual_min_len = 1000;
    c->stream_reps = 10;
    c->flashbulb_len = 1000;
    c->seq_max_len = 100;
    c->seq_step = 2;
    c->seq_reps = 30;
    c->copy_dim = 25;
    c->copy_train_max = 10;
    c->copy_test_max = 20;
    c->copy_steps = 40000;
    c->copy_tests = 200;
}

static void quick(tf_config *c)
{
    static const size_t sizes[] = {16, 24, 40};
    static const size_t trained[] = {20, 40, 48};
    c->curve_max_items = 80;
    c->curve_step = 8;
    c->curve_reps = 3;
    memcpy(c->sizes, sizes, sizeof sizes);
    c->n_sizes = sizeof sizes / sizeof sizes[0];
    memcpy(c->trained_sizes, trained, sizeof trained);
    c->n_trained_sizes = sizeof trained / sizeof trained[0];
    c->capacity_reps = 3;
    c->probe_episodes = 2;
    c->rule_seeds = 2;
    c->rule_segments = 2;
    c->train_steps = 150;
    c->train_full_max_n = 40;
    c->train_large_steps = 20;
    c->train_batch = 1;
    c->tvt_steps = 100;
    c->n_delays = log_delays(c->delays, 120, 6);
    c->continual_min_len = 200;
    c->stream_reps = 1;
    c->flashbulb_len = 300;
    c->seq_max_len = 60;
    c->seq_step = 10;
    c->seq_reps = 3;
    c->copy_dim = 25;
    c->copy_train_max = 10;
    c->copy_test_max = 14;
    c->copy_steps = 200;
    c->copy_tests = 10;
}

void tf_config_init(tf_config *cfg, int is_quick)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->quick = is_quick;
    cfg->seed = 2021;
    cfg->n = 40;
    cfg->zeroed = 0.6;
    cfg->train_lr = 1e-3;
    cfg->copy_lr = 3e-3;
    cfg->copy_clip = 1.0;
    cfg->copy_models = ~0u;
    if (is_quick)
        quick(cfg);
    else
        full(cfg);
}
