/*
 * Query images as the authors make them (BerenMillidge/
 * Theory_Associative_Memory, functions.py): pixels stay in [0, 1];
 *   half   the bottom half of the rows set to 0 (halve_continuous_img);
 *   noise  clip(|x + N(0, sigma^2)|, 0, 1) per pixel (gaussian_perturb_image).
 * The masked-similarity variant gives the same half cue with a clamp mask
 * of its top half, so the store compares the known pixels only.
 */
#include <math.h>
#include <string.h>

#include "uhn.h"

static void half_cues(const uhn_data *d, const float *images, size_t n,
                      float *cues, float *known)
{
    size_t keep = (d->height / 2) * d->width; /* top rows, as the authors */
    memcpy(cues, images, n * d->dim * sizeof(float));
    for (size_t q = 0; q < n; q++)
        for (size_t k = 0; k < d->dim; k++) {
            int hidden = k >= keep;
            if (hidden)
                cues[q * d->dim + k] = 0.0f;
            if (known)
                known[q * d->dim + k] = hidden ? 0.0f : 1.0f;
        }
}

/* Gaussian draws from the library (every entry replaced by N(0, s^2)). */
static int noise_cues(const uhn_config *cfg, const uhn_data *d,
                      const float *images, size_t n, unsigned long seed,
                      float *cues)
{
    int rc = amem_corrupt_gaussian(images, cues, n, d->dim, 1.0, 0.0,
                                   cfg->sigma, seed, NULL);
    if (rc != AMEM_OK)
        return uhn_fail("noise cues", rc);
    for (size_t i = 0; i < n * d->dim; i++) {
        float v = fabsf(images[i] + cues[i]);
        cues[i] = v > 1.0f ? 1.0f : v;
    }
    return 0;
}

int uhn_make_cues(const uhn_config *cfg, const uhn_data *d, int cue,
                  const float *images, size_t n, unsigned long seed,
                  float *cues, float *known)
{
    if (cue == UHN_CUE_NOISE)
        return noise_cues(cfg, d, images, n, seed, cues);
    half_cues(d, images, n, cues, cue == UHN_CUE_MASKED ? known : NULL);
    return 0;
}
