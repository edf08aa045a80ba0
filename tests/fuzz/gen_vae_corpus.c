/*
 * Writes the seed corpus of fuzz_vae_load: small valid files (built with
 * each pooling, unbuilt, AMSGrad and Adam state), plus truncated and
 * bit-flipped copies. Run from the repository root after `make`:
 *   cc -std=c11 -Iinclude tests/fuzz/gen_vae_corpus.c lib/libassocmem.a \
 *      -lopenblas -lz -lm -o /tmp/gen && /tmp/gen tests/fuzz/corpus/fuzz_vae_load
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assocmem/vae.h"

static void write_file(const char *dir, const char *name, const void *data,
                       size_t len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, len, f) != len) {
        perror(path);
        exit(1);
    }
    fclose(f);
}

static amem_vae *model(int variant)
{
    amem_vae *v = NULL;
    float x[4 * 36];
    for (int i = 0; i < 4 * 36; i++)
        x[i] = (float)((i * 7) % 11) / 10.0f;
    amem_vae_create(1, 6, 6, &v);
    amem_vae_set(v, AMEM_VAE_LATENT, 2);
    amem_vae_set(v, AMEM_VAE_POOL, variant & 1);
    amem_vae_set(v, AMEM_VAE_OPTIMIZER, variant == 2 ? 0 : 1);
    amem_vae_add_encoder_conv(v, 2, 3, 2, 1);
    amem_vae_add_decoder_conv(v, 2, 1, 3, 1, 1);
    if (variant == 3)
        return v; /* unbuilt */
    if (amem_vae_build(v) != AMEM_OK || amem_vae_set_data(v, x, 4) != AMEM_OK ||
        amem_vae_train(v, 1, NULL, NULL, NULL) != AMEM_OK) {
        fprintf(stderr, "gen_vae_corpus: %s\n", amem_last_error());
        exit(1);
    }
    return v;
}

int main(int argc, char **argv)
{
    static const char *names[] = {"gap", "flatten", "adam", "unbuilt"};
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    for (int k = 0; k < 4; k++) {
        amem_vae *v = model(k);
        void *data;
        size_t len;
        if (amem_vae_save_mem(v, &data, &len) != AMEM_OK)
            return 1;
        char name[64];
        snprintf(name, sizeof name, "valid-%s", names[k]);
        write_file(argv[1], name, data, len);
        snprintf(name, sizeof name, "truncated-%s", names[k]);
        write_file(argv[1], name, data, len * 2 / 3);
        ((unsigned char *)data)[len / 2] ^= 0x10;
        snprintf(name, sizeof name, "flipped-%s", names[k]);
        write_file(argv[1], name, data, len);
        amem_free(data);
        amem_vae_free(v);
    }
    return 0;
}
