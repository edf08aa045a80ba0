/*
 * The per-item records a training step leaves (the raw values behind the
 * exception signals of Eq. 6 and the use counts), written per batch
 * position into a record block and then applied to the handle. Under data
 * parallelism each worker writes only the positions it ran and leaves the
 * others zero, so the sum of the workers' blocks (the step's one reduce
 * carries it after the gradient) is the block of the whole batch, and every
 * worker applies the same records in the same order as one process.
 */
#include "dam_impl.h"
#include "fb.h"

void amem__dam_batch_records(const amem_dam *h, const size_t *idx, size_t lo,
                             size_t hi, const amem__dam_fb *c, float *rec)
{
    size_t N = h->n_vis, M = h->n_hid;
    for (size_t k = lo; k < hi; k++) {
        float *r = rec + k * AMEM__RAW_COUNT;
        amem__dam_item_values(h->items + idx[k] * N, c->out + (k - lo) * N,
                              c->hidden + (k - lo) * M, N, M,
                              c->time[k - lo], r);
        r[AMEM__RAW_USES] = 1.0f; /* "written": a sum of blocks keeps it */
    }
}

void amem__dam_apply_records(amem_dam *h, const size_t *idx, size_t b,
                             const float *rec)
{
    for (size_t k = 0; k < b; k++) {
        const float *r = rec + k * AMEM__RAW_COUNT;
        if (r[AMEM__RAW_USES] == 0.0f)
            continue;
        float *raw = h->raw + idx[k] * AMEM__RAW_COUNT;
        for (int j = 0; j < AMEM__RAW_COUNT; j++)
            if (j != AMEM__RAW_USES)
                raw[j] = r[j];
        raw[AMEM__RAW_USES] += 1.0f;
        amem__dam_track_minmax(h, raw);
    }
}
