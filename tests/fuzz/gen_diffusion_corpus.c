/*
 * Writes the seed corpus of fuzz_diffusion_load: small valid files (empty,
 * exact with patterns, with a trained network), plus truncated and
 * bit-flipped copies. Run from the repository root after `make`:
 *   cc -std=c11 -Iinclude tests/fuzz/gen_diffusion_corpus.c lib/libassocmem.a \
 *      -lopenblas -lz -lm -o /tmp/gen && /tmp/gen tests/fuzz/corpus/fuzz_diffusion_load
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assocmem/diffusion.h"

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

static void variants(const char *dir, const char *name, amem_diffusion *h)
{
    void *data = NULL;
    size_t len = 0;
    char buf[128];
    if (amem_diffusion_save_mem(h, &data, &len) != AMEM_OK)
        exit(1);
    snprintf(buf, sizeof buf, "valid-%s", name);
    write_file(dir, buf, data, len);
    snprintf(buf, sizeof buf, "truncated-%s", name);
    write_file(dir, buf, data, len * 2 / 3);
    unsigned char *c = data;
    c[len / 2] ^= 0x10;
    snprintf(buf, sizeof buf, "flipped-%s", name);
    write_file(dir, buf, data, len);
    amem_free(data);
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    float p[12] = {1, -1, 1, -1, 1, 1, -1, -1, 1, 1, 1, -1};
    amem_diffusion *h = NULL;
    amem_diffusion_create(4, &h);
    variants(argv[1], "empty", h);
    amem_diffusion_store(h, p, 3);
    variants(argv[1], "exact", h);
    amem_diffusion_set(h, AMEM_DIFFUSION_HIDDEN, 3);
    amem_diffusion_set(h, AMEM_DIFFUSION_HIDDEN_LAYERS, 1);
    amem_diffusion_train(h, 2, NULL, NULL, NULL);
    variants(argv[1], "network", h);
    amem_diffusion_free(h);
    return 0;
}
