/* The training data attached to the VAE handle (amem_vae_set_data). */
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "vae_impl.h"

int amem__vae_attach(const char *fn, amem_vae *v, float *data, size_t n)
{
    size_t *order = amem__zalloc(n, 1, sizeof(size_t));
    if (order == NULL) {
        free(data);
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu rows", n);
    }
    free(v->data);
    free(v->order);
    v->data = data;
    v->order = order;
    v->data_n = n;
    v->epoch_pos = 0;
    return AMEM_OK;
}

int amem_vae_set_data(amem_vae *v, const float *images, size_t n)
{
    static const char fn[] = "amem_vae_set_data";
    AMEM__CHECK_NULL(v, fn);
    size_t dim = amem__vae_dim(v);
    int rc = amem__check_array(fn, "images", images, n, dim);
    if (rc != AMEM_OK)
        return rc;
    float *copy = amem__alloc(n, dim, sizeof(float));
    if (copy == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot copy %zu images", n);
    memcpy(copy, images, n * dim * sizeof(float));
    return amem__vae_attach(fn, v, copy, n);
}

AMEM__GETTER(amem_vae, data_count, size_t, v, v->data_n)

int amem_vae_steps_per_epoch(const amem_vae *v, size_t *out)
{
    AMEM__CHECK_NULL(v, "amem_vae_steps_per_epoch");
    return amem__train_steps_per_epoch("amem_vae_steps_per_epoch", v->data_n,
                                       (size_t)AMEM__VP(v, BATCH_SIZE), out);
}
