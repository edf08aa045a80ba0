/*
 * Spens & Burgess 2022 example: the small convolutional network trained
 * from scratch on pixels for Figure 6 (right). The library's VAE API has no
 * supervised loss, so this baseline is written out here, in plain C:
 *
 *   x - 0.5 -> conv 8 filters 5x5 stride 2 (valid) -> ReLU
 *           -> conv 16 filters 3x3 stride 2 (valid) -> ReLU
 *           -> conv 32 filters 3x3 stride 2 (valid) -> ReLU
 *           -> global max pooling -> dense -> softmax
 *
 * He-uniform weights, zero biases, mean cross-entropy, Adam (lr 2e-3) on
 * minibatches of 16.
 */
#ifndef SB_CNN_H
#define SB_CNN_H

#include <stddef.h>
#include <stdint.h>

typedef struct sb_cnn sb_cnn;

/* A new network for channels x height x width images and `classes`
 * classes, weights drawn from seed. NULL when out of memory. */
sb_cnn *sb_cnn_create(size_t channels, size_t height, size_t width,
                      int classes, uint64_t seed);
void sb_cnn_free(sb_cnn *net);

/* Train on n images with labels for `steps` minibatch steps (reshuffling
 * after every pass). */
void sb_cnn_train(sb_cnn *net, const float *images, const int32_t *labels,
                  size_t n, size_t steps);

/* The fraction of n images whose predicted class is their label. */
double sb_cnn_accuracy(sb_cnn *net, const float *images,
                       const int32_t *labels, size_t n);

/* Loss and gradient of one image (for the finite-difference check):
 * returns the cross-entropy and adds d loss / d params into the gradient
 * buffer; sb_cnn_params gives the parameter vector, its gradient and size. */
double sb_cnn_loss_grad(sb_cnn *net, const float *image, int32_t label);
float *sb_cnn_params(sb_cnn *net, float **grad, size_t *count);

#endif
