/*
 * Spens & Burgess 2022 example: the real KMNIST (Clanuwat et al. 2018),
 * 60,000 + 10,000 images of 28 x 28, 10 classes. dir holds either the
 * NumPy release (kmnist-{train,test}-{imgs,labels}.npz, one array arr_0:
 * uint8 (n, 28, 28) and labels (n,)) or the MNIST-format release
 * ({train,t10k}-{images-idx3,labels-idx1}-ubyte.gz, read by
 * amem_idx_read_*); the NumPy files are used when present.
 *
 * Statuses: AMEM_OK, AMEM_E_IO, AMEM_E_FORMAT (wrong shape or type,
 * counts that differ, a label outside 0..9), AMEM_E_UNSUPPORTED,
 * AMEM_E_NOMEM; err (err_size bytes) receives the reason.
 */
#ifndef SB_KMNIST_H
#define SB_KMNIST_H

#include <stddef.h>
#include <stdint.h>

/* One split (test = 0: train, 1: test): n images of 28 x 28 on [0, 1]
 * (images, n x 784, free()) and labels (n, free()). */
int sb_kmnist_read(const char *dir, int test, float **images,
                   int32_t **labels, size_t *n, char *err, size_t err_size);

#endif
