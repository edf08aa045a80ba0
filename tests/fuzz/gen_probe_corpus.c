/*
 * Writes the seed corpus of fuzz_probe_load: small valid files (unfitted,
 * SVC one-vs-one, SVC one-vs-rest, softmax), plus truncated and bit-flipped
 * copies. Run from the repository root after `make`:
 *   cc -std=c11 -Iinclude tests/fuzz/gen_probe_corpus.c lib/libassocmem.a \
 *      -lopenblas -lz -lm -o /tmp/gen && /tmp/gen tests/fuzz/corpus/fuzz_probe_load
 */
#include <stdio.h>
#include <stdlib.h>

#include "assocmem/probes.h"

static void write_file(const char *dir, const char *name, int k,
                       const void *data, size_t len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s-%d", dir, name, k);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, len, f) != len) {
        perror(path);
        exit(1);
    }
    fclose(f);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : ".";
    float x[9 * 3];
    int32_t labels[9];
    for (int i = 0; i < 9; i++) {
        labels[i] = i % 3;
        for (int j = 0; j < 3; j++)
            x[i * 3 + j] = (float)(labels[i] * 2 + ((i + j) % 4)) / 4.0f;
    }
    for (int k = 0; k < 4; k++) {
        amem_probe *p = NULL;
        void *img = NULL;
        size_t len = 0;
        if (amem_probe_create(k == 3 ? AMEM_PROBE_SOFTMAX : AMEM_PROBE_SVC,
                              &p) != AMEM_OK)
            return 1;
        amem_probe_set(p, AMEM_PROBE_MULTICLASS, k == 2);
        amem_probe_set(p, AMEM_PROBE_EPOCHS, 2);
        if (k > 0 && amem_probe_fit(p, x, labels, 9, 3, NULL, NULL) != AMEM_OK)
            return 1;
        if (amem_probe_save_mem(p, &img, &len) != AMEM_OK)
            return 1;
        write_file(dir, "valid", k, img, len);
        write_file(dir, "truncated", k, img, len / 2);
        ((unsigned char *)img)[len / 3] ^= 0x10;
        write_file(dir, "flipped", k, img, len);
        amem_free(img);
        amem_probe_free(p);
    }
    return 0;
}
