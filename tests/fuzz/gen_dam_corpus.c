/*
 * Writes the seed corpus of fuzz_dam_load: small valid files (fresh, with a
 * labelled training set after one epoch, without labels), plus truncated
 * and bit-flipped copies. Run from the repository root after `make`:
 *   cc -std=c11 -Iinclude tests/fuzz/gen_dam_corpus.c lib/libassocmem.a \
 *      -lopenblas -lz -lm -o /tmp/gen && /tmp/gen tests/fuzz/corpus/fuzz_dam_load
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assocmem/dam.h"

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
    static const char *names[] = {"fresh", "trained", "unlabelled"};
    const char *dir = argc > 1 ? argv[1] : ".";
    float items[5 * 6];
    int32_t labels[5] = {0, 0, 0, 0, 1};
    for (int i = 0; i < 30; i++)
        items[i] = (float)((i * 7) % 5) / 5.0f;
    for (int k = 0; k < 3; k++) {
        amem_dam *h = NULL;
        void *img = NULL;
        size_t len = 0;
        char name[64];
        if (amem_dam_create(6, 3, &h) != AMEM_OK)
            return 1;
        amem_dam_set(h, AMEM_DAM_MAX_STEPS, 20);
        amem_dam_set(h, AMEM_DAM_BATCH_SIZE, 2);
        if (k > 0) {
            amem_dam_set_data(h, items, k == 1 ? labels : NULL, 5);
            /* 2 steps of batch 2 on 5 items: inside the first epoch */
            if (amem_dam_train(h, 2, NULL, NULL, NULL) != AMEM_OK)
                return 1;
        }
        if (amem_dam_save_mem(h, &img, &len) != AMEM_OK)
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
        amem_dam_free(h);
    }
    return 0;
}
