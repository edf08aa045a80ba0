/*
 * Writes the seed corpus of fuzz_kvmem_load: small valid key-value memory
 * files (sequential/random, rapid/passive, with frozen slots and Adam
 * state) and a TVT file, plus truncated and bit-flipped copies. Run from
 * the repository root after `make`:
 *   cc -std=c11 -Iinclude tests/fuzz/gen_kvmem_corpus.c lib/libassocmem.a \
 *      -lopenblas -lz -lm -o /tmp/gen && /tmp/gen tests/fuzz/corpus/fuzz_kvmem_load
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assocmem/kvmem.h"
#include "assocmem/tvt.h"

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

static void variants(const char *dir, const char *stem, unsigned char *img,
                     size_t len)
{
    char name[64];
    snprintf(name, sizeof name, "%s", stem);
    write_file(dir, name, img, len);
    snprintf(name, sizeof name, "%s-truncated", stem);
    write_file(dir, name, img, len / 2);
    img[len / 3] ^= 0x5a;
    snprintf(name, sizeof name, "%s-flipped", stem);
    write_file(dir, name, img, len);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : ".";
    float keys[6 * 5], values[6 * 3], q[6] = {1, 1, 12, 0, 1, 1};
    for (int i = 0; i < 30; i++)
        keys[i] = (i * 7 % 3) ? 1.0f : -1.0f;
    for (int i = 0; i < 18; i++)
        values[i] = (i % 2) ? 1.0f : -1.0f;
    for (int k = 0; k < 3; k++) {
        amem_kvmem *h = NULL;
        void *img = NULL;
        size_t len = 0;
        if (amem_kvmem_create(5, 4, k == 2 ? 5 : 3, &h) != AMEM_OK)
            return 1;
        amem_kvmem_set(h, AMEM_KVMEM_LOCAL_FACTOR, k == 1);
        amem_kvmem_set(h, AMEM_KVMEM_VALUE_DECAY, k == 1);
        amem_kvmem_set(h, AMEM_KVMEM_META_PLASTICITY, 1);
        amem_kvmem_set(h, AMEM_KVMEM_TRAIN_MAX_LEN, 4);
        if (k == 2)
            amem_kvmem_train(h, 2, NULL, NULL, NULL);
        amem_kvmem_write_many(h, keys, k == 2 ? NULL : values, q, 6);
        if (amem_kvmem_save_mem(h, &img, &len) != AMEM_OK)
            return 1;
        char stem[32];
        snprintf(stem, sizeof stem, "kvmem%d", k);
        variants(dir, stem, img, len);
        amem_free(img);
        amem_kvmem_free(h);
    }
    amem_tvt *t = NULL;
    void *img = NULL;
    size_t len = 0;
    if (amem_tvt_create(5, 4, 3, &t) != AMEM_OK)
        return 1;
    amem_tvt_write_many(t, keys, values, 6);
    if (amem_tvt_save_mem(t, &img, &len) != AMEM_OK)
        return 1;
    variants(dir, "tvt", img, len);
    amem_free(img);
    amem_tvt_free(t);
    return 0;
}
