/*
 * Writes the seed corpus of fuzz_hopfield_mapped: small valid MODERN
 * stores in the mappable layout (float32, bfloat16 and int8 keys, auto- and
 * heteroassociative, with caller ids and a removed row), plus truncated and
 * bit-flipped copies. Run from the repository root after `make`:
 *   cc -std=c11 -Iinclude tests/fuzz/gen_store_corpus.c build/libassocmem.a \
 *      -lopenblas -lz -lm -lpthread -o /tmp/gen \
 *      && /tmp/gen tests/fuzz/corpus/fuzz_hopfield_mapped
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assocmem/hopfield.h"

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

static void seed(const char *dir, const char *name, int dtype, size_t m)
{
    enum { D = 5, N = 4 };
    float keys[N * D], values[N * 3];
    for (int i = 0; i < N * D; i++)
        keys[i] = (float)((i * 7) % 11) - 5.0f;
    for (int i = 0; i < N * 3; i++)
        values[i] = (float)(i % 3);
    uint64_t ids[N] = {3, 70, 9, 1000}, gone = 9;
    amem_hopfield *h = NULL;
    if (amem_hopfield_create(AMEM_HOPFIELD_MODERN, D, m, &h) != AMEM_OK ||
        amem_hopfield_set(h, AMEM_HOPFIELD_DTYPE, dtype) != AMEM_OK ||
        amem_hopfield_append(h, keys, m ? values : NULL, ids, N, NULL) !=
            AMEM_OK ||
        amem_hopfield_remove(h, &gone, 1) != AMEM_OK) {
        fprintf(stderr, "%s: %s\n", name, amem_last_error());
        exit(1);
    }
    void *data = NULL;
    size_t len = 0;
    if (amem_hopfield_save_mem(h, &data, &len) != AMEM_OK)
        exit(1);
    char other[256];
    write_file(dir, name, data, len);
    snprintf(other, sizeof other, "truncated-%s", name);
    write_file(dir, other, data, len * 2 / 3);
    ((unsigned char *)data)[len / 2] ^= 0x10;
    snprintf(other, sizeof other, "flipped-%s", name);
    write_file(dir, other, data, len);
    amem_free(data);
    amem_hopfield_free(h);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_store_corpus DIR\n");
        return 2;
    }
    seed(argv[1], "f32", AMEM_HOPFIELD_DTYPE_F32, 0);
    seed(argv[1], "bf16", AMEM_HOPFIELD_DTYPE_BF16, 0);
    seed(argv[1], "int8", AMEM_HOPFIELD_DTYPE_INT8, 0);
    seed(argv[1], "int8-hetero", AMEM_HOPFIELD_DTYPE_INT8, 3);
    return 0;
}
