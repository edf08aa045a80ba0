/* Running a model through a continual recall stream. */
#include <math.h>
#include <stdlib.h>

#include "continual.h"
#include "fail.h"
#include "recall.h"

static int run_steps(tf_model *model, const tf_stream *s, float *out,
                     tf_recall_tally *tally)
{
    size_t d = s->d;
    for (size_t t = 0; t < s->T; t++) {
        const float *x = s->x + t * d;
        if (s->recall[t]) {
            if (tf_model_read(model, x, 1, out) != 0)
                return -1;
            double acc = tf_sign_accuracy(out, s->target + t * d, d);
            if (s->salient[t]) {
                tally->salient_sum += acc;
                tally->salient_n++;
            } else {
                tally->regular_sum += acc;
                tally->regular_n++;
            }
        }
        if (tf_model_step(model, x, x, s->recall[t] ? 0.0 : s->q[t]) != 0)
            return -1;
    }
    return 0;
}

int tf_stream_run(const tf_model_spec *spec, const tf_stream *s,
                  uint64_t seed, tf_recall_tally *tally)
{
    tf_model model;
    float *out = malloc(s->d * sizeof *out);
    if (!out)
        return tf_nomem();
    int bad = tf_model_create(spec, s->d, 0, seed, &model);
    if (!bad)
        bad = run_steps(&model, s, out, tally);
    tf_model_free(&model);
    free(out);
    return bad ? -1 : 0;
}

double tf_tally_regular(const tf_recall_tally *t)
{
    return t->regular_n ? t->regular_sum / (double)t->regular_n : NAN;
}

double tf_tally_salient(const tf_recall_tally *t)
{
    return t->salient_n ? t->salient_sum / (double)t->salient_n : NAN;
}
