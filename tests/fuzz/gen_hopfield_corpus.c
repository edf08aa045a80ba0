/*
 * Writes the seed corpus of fuzz_hopfield_load: one small valid file per
 * kind (and the two heteroassociative ones), plus truncated and bit-flipped
 * copies. Run from the repository root after `make`:
 *   cc -std=c11 -Iinclude tests/fuzz/gen_hopfield_corpus.c lib/libassocmem.a \
 *      -lopenblas -lz -lm -o /tmp/gen && /tmp/gen tests/fuzz/corpus/fuzz_hopfield_load
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

int main(int argc, char **argv)
{
    static const int kinds[] = {0, 1, 2, 3, 4, 0, 4};
    static const size_t value_dims[] = {0, 0, 0, 0, 0, 3, 2};
    static const char *names[] = {"classical", "poly", "rect", "exp",
                                  "modern", "bam", "hetero"};
    const char *dir = argc > 1 ? argv[1] : ".";
    float keys[4 * 5], values[4 * 3];
    for (int i = 0; i < 20; i++)
        keys[i] = (i * 7 % 3) ? 1.0f : -1.0f;
    for (int i = 0; i < 12; i++)
        values[i] = (i % 2) ? 1.0f : -1.0f;
    for (int k = 0; k < 7; k++) {
        amem_hopfield *h = NULL;
        void *img = NULL;
        size_t len = 0;
        char name[64];
        if (amem_hopfield_create(kinds[k], 5, value_dims[k], &h) != AMEM_OK)
            return 1;
        if (value_dims[k])
            amem_hopfield_store_pairs(h, keys, values, 4);
        else
            amem_hopfield_store(h, keys, 4);
        amem_hopfield_set(h, AMEM_HOPFIELD_BETA, 2.5);
        if (amem_hopfield_save_mem(h, &img, &len) != AMEM_OK)
            return 1;
        snprintf(name, sizeof name, "valid-%s", names[k]);
        write_file(dir, name, img, len);
        snprintf(name, sizeof name, "truncated-%s", names[k]);
        write_file(dir, name, img, len / 2);
        unsigned char *flipped = img;
        flipped[len / 3] ^= 0x10;
        snprintf(name, sizeof name, "flipped-%s", names[k]);
        write_file(dir, name, img, len);
        amem_free(img);
        amem_hopfield_free(h);
    }
    return 0;
}
