/*
 * libassocmem — the convolutional variational autoencoder (Spens & Burgess
 * 2022), trained on images or on replays of a Hopfield "teacher".
 *
 * Model. Images are float32 channel-planar (C x H x W per image, NCHW for a
 * batch), usually in [0, 1]. The encoder is
 *     [input dropout] -> L x [conv2d(filters, k, stride, pad) (+ batch norm)
 *                             -> activation] -> pooling -> two dense heads
 *     mu = W_mu f + b_mu,  log sigma^2 = W_lv f + b_lv      (latent size K)
 * with pooling either global average (f has the last layer's channel count)
 * or flattening (f has C_L x H_L x W_L entries). The decoder is
 *     dense z -> (C0 x H0 x W0), linear, reshaped
 *     -> M x [upsample x u (nearest) -> conv2d(filters, k, stride, pad)
 *             (+ batch norm) -> activation]
 * where the LAST decoder layer has the image's channel count and size and
 * is followed by the output nonlinearity instead of batch norm/activation.
 * Sampling z = mu + exp(log sigma^2 / 2) * eps, eps ~ N(0, I), during
 * training; every inference call (encode, reconstruct, recall, ...) uses mu
 * and batch-norm running statistics, and applies no dropout.
 *
 * Loss per batch of N images (Spens & Burgess, authors' code):
 *     L = R + kl_weight * KL
 *     R  (L1)  = (1 / (N C)) sum_{n,c,h,w} |x - x_hat|
 *              (mean over channels per pixel, summed over pixels, averaged
 *              over the batch); MSE and BCE use the same reduction with
 *              (x - x_hat)^2 and -[x log x_hat + (1-x) log(1-x_hat)];
 *              BCE is computed stably from the last layer's
 *              pre-activation u as logits (x_hat = sigmoid(u); with a
 *              LINEAR output u is still read as logits);
 *     KL = (1/N) sum_n -1/2 sum_k (1 + log sigma^2 - mu^2 - sigma^2).
 * Weights are initialised Glorot-uniform (biases zero, batch-norm gamma 1,
 * beta 0, running mean 0, running variance 1), as Keras does.
 *
 * Life cycle. A handle is created empty (amem_vae_create) or from a preset
 * (amem_vae_create_preset, already built). Layers are added one call at a
 * time and architecture settings (LATENT, POOL, ACTIVATION, LEAKY_SLOPE,
 * BATCH_NORM, OUTPUT) may change until amem_vae_build() allocates and
 * initialises the parameters from SEED; afterwards those calls return
 * AMEM_E_STATE, and every model call before it returns AMEM_E_STATE.
 *
 * Conventions (see common.h): every function returns AMEM_OK or a negative
 * AMEM_E_* status with a detail in amem_last_error(); a failed call leaves
 * the handle unchanged, except that cancelled or failed training keeps the
 * steps completed before it stopped (docs/api.md C15). Arrays are row-major float32; the
 * library copies what it keeps and writes results into caller buffers.
 * A handle is used by one thread at a time.
 */
#ifndef ASSOCMEM_VAE_H
#define ASSOCMEM_VAE_H

#include "assocmem/common.h"
#include "assocmem/hopfield.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque handle. */
typedef struct amem_vae amem_vae;

/* Most encoder (and, separately, decoder) layers a handle can hold. */
#define AMEM_VAE_MAX_LAYERS 16

/*
 * Presets (values pinned).
 *   SEED2022   the seed paper's model for 128 x 128 greyscale images: encoder
 *              5 x [conv k4 s2 valid, BN, LeakyReLU 0.3] with 32, 64, 128,
 *              256, 512 filters (128->63->30->14->6->2), global average
 *              pooling, latent 10; decoder dense -> 4 x 4 x 256, then
 *              5 x [upsample x2, conv k3 same] with 128, 64, 32, 16 and 1
 *              filters (BN + LeakyReLU on the first four, sigmoid output);
 *              plain Adam, no dropout, no early stopping (PATIENCE 0).
 *   COLOR64    the authors' later 64 x 64 colour model (reference code
 *              facts §1): input dropout 0.2; 4 x [conv k4 s2 valid, BN,
 *              LeakyReLU 0.3] with 32/64/128/256 (64->31->14->6->2); global
 *              average pooling; latent 20; decoder dense 4096 -> 4 x 4 x 256,
 *              3 x [upsample x2, conv k3 same, BN, LeakyReLU] with
 *              128/64/32, then upsample x2, conv k3 same 3 filters, sigmoid;
 *              AMSGrad lr 1e-3, batch 32, patience 3 (the authors
 *              train at most 50 epochs).
 *   DIGITS28   a small model for 28 x 28 greyscale digits: 2 x [conv k3 s2
 *              pad 1, BN, LeakyReLU 0.3] with 32/64 (28->14->7), flattening,
 *              latent 10; decoder dense -> 7 x 7 x 64, upsample x2, conv k3
 *              same 32 (BN, LeakyReLU), upsample x2, conv k3 same 1, sigmoid;
 *              AMSGrad, batch 128.
 * Every other setting keeps its default.
 */
enum amem_vae_preset {
    AMEM_VAE_PRESET_SEED2022 = 0,
    AMEM_VAE_PRESET_COLOR64 = 1,
    AMEM_VAE_PRESET_DIGITS28 = 2
};

/*
 * Settings, read and written as double through amem_vae_set/get. Values are
 * pinned. Integer and flag settings must be whole numbers. "arch" settings
 * can change only before amem_vae_build (AMEM_E_STATE after).
 *
 *   param          meaning                      default   range
 *   LATENT         latent size K (arch)          20       [1, 4096] integer
 *   POOL           AMEM_VAE_POOL_* (arch)        GLOBAL_AVG
 *   ACTIVATION     AMEM_VAE_ACT_* hidden layers  LEAKY_RELU
 *                  (arch)
 *   LEAKY_SLOPE    LeakyReLU slope (arch)        0.3      [0, 1]
 *   BATCH_NORM     0/1: BN after every hidden    1
 *                  conv (arch)
 *   OUTPUT         AMEM_VAE_OUTPUT_* (arch)      SIGMOID
 *   DROPOUT        input dropout rate, training  0        [0, 0.95]
 *   LOSS           AMEM_VAE_LOSS_*               L1
 *   KL_WEIGHT      weight of the KL term         1        [0, 1e6]
 *   OPTIMIZER      AMEM_VAE_OPT_*                AMSGRAD  (changing it
 *                  resets the optimizer state at the next training call)
 *   LEARNING_RATE  Adam step size                1e-3     [1e-8, 10]
 *   BATCH_SIZE     minibatch size                32       [1, 65536] integer
 *   (12)           retired in 0.2.0 (EPOCHS; the steps argument of
 *                  amem_vae_train replaces it): set/get/bounds refuse it
 *   PATIENCE       early stopping: end the train 3        [0, 1e6] integer
 *                  call after this many epochs
 *                  of that call in a row without
 *                  a lower mean step loss
 *                  (0 = never stop early)
 *   SEED           RNG seed (initial weights,    0        [0, 2^53] integer
 *                  shuffling, dropout, eps,
 *                  sampling, replay cues);
 *                  setting it reseeds the handle's generator
 *   BN_MOMENTUM    running-statistics momentum   0.99     [0, 1]
 *   BN_EPS         batch-norm epsilon            1e-3     [1e-12, 1]
 *   REPLAY_NOISE   AMEM_VAE_NOISE_* cue          UNIFORM
 *                  distribution for consolidation
 *   REPLAY_FRESH   0/1: consolidation draws      1
 *                  fresh replays every epoch (1)
 *                  or one fixed replay set (0)
 *   REPLAY_GAIN    a in target = a*teacher + b   0.5      [-1e6, 1e6]
 *   REPLAY_OFFSET  b (default maps [-1,1]        0.5      [-1e6, 1e6]
 *                  to [0,1], as the authors do)
 *   ADAM_BETA1     Adam (and AMSGrad) beta1      0.9      [0, 0.9999999]
 *   ADAM_BETA2     Adam (and AMSGrad) beta2      0.999    [0, 0.9999999]
 *   ADAM_EPS       Adam (and AMSGrad) epsilon    1e-8     [1e-30, 1]
 */
enum amem_vae_param {
    AMEM_VAE_LATENT = 0,
    AMEM_VAE_POOL = 1,
    AMEM_VAE_ACTIVATION = 2,
    AMEM_VAE_LEAKY_SLOPE = 3,
    AMEM_VAE_BATCH_NORM = 4,
    AMEM_VAE_OUTPUT = 5,
    AMEM_VAE_DROPOUT = 6,
    AMEM_VAE_LOSS = 7,
    AMEM_VAE_KL_WEIGHT = 8,
    AMEM_VAE_OPTIMIZER = 9,
    AMEM_VAE_LEARNING_RATE = 10,
    AMEM_VAE_BATCH_SIZE = 11,
    /* 12 retired (EPOCHS) */
    AMEM_VAE_PATIENCE = 13,
    AMEM_VAE_SEED = 14,
    AMEM_VAE_BN_MOMENTUM = 15,
    AMEM_VAE_BN_EPS = 16,
    AMEM_VAE_REPLAY_NOISE = 17,
    AMEM_VAE_REPLAY_FRESH = 18,
    AMEM_VAE_REPLAY_GAIN = 19,
    AMEM_VAE_REPLAY_OFFSET = 20,
    AMEM_VAE_ADAM_BETA1 = 21,
    AMEM_VAE_ADAM_BETA2 = 22,
    AMEM_VAE_ADAM_EPS = 23
};

/* Values of AMEM_VAE_POOL. */
enum amem_vae_pool {
    AMEM_VAE_POOL_GLOBAL_AVG = 0, /* mean over each feature map */
    AMEM_VAE_POOL_FLATTEN = 1     /* all C x H x W features */
};

/* Values of AMEM_VAE_ACTIVATION. */
enum amem_vae_activation {
    AMEM_VAE_ACT_RELU = 0,
    AMEM_VAE_ACT_LEAKY_RELU = 1, /* slope AMEM_VAE_LEAKY_SLOPE */
    AMEM_VAE_ACT_TANH = 2,
    AMEM_VAE_ACT_SIGMOID = 3
};

/* Values of AMEM_VAE_OUTPUT (nonlinearity of the last decoder layer). */
enum amem_vae_output {
    AMEM_VAE_OUTPUT_SIGMOID = 0,
    AMEM_VAE_OUTPUT_LINEAR = 1
};

/* Values of AMEM_VAE_LOSS (reconstruction term). */
enum amem_vae_loss {
    AMEM_VAE_LOSS_L1 = 0,
    AMEM_VAE_LOSS_MSE = 1,
    AMEM_VAE_LOSS_BCE = 2
};

/* Values of AMEM_VAE_OPTIMIZER. */
enum amem_vae_optimizer {
    AMEM_VAE_OPT_ADAM = 0,
    AMEM_VAE_OPT_AMSGRAD = 1
};

/* Values of AMEM_VAE_REPLAY_NOISE. */
enum amem_vae_noise {
    AMEM_VAE_NOISE_UNIFORM = 0, /* i.i.d. uniform(-1, 1) cues */
    AMEM_VAE_NOISE_SIGNS = 1    /* i.i.d. -1 or +1 cues */
};

/*
 * amem_vae_create: an empty, unbuilt model for images of channels x height x
 * width (each >= 1, at most 4096 in height/width and 1024 channels).
 * *out is NULL on failure. Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM,
 * AMEM_E_NOMEM.
 */
AMEM_API int amem_vae_create(size_t channels, size_t height, size_t width,
                             amem_vae **out);

/*
 * amem_vae_create_preset: a built model of enum amem_vae_preset, its
 * weights drawn from the given seed (stored as the SEED setting).
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_ARG (unknown preset), AMEM_E_RANGE
 * (seed above 2^53), AMEM_E_NOMEM.
 */
AMEM_API int amem_vae_create_preset(int preset, uint64_t seed,
                                    amem_vae **out);

/* amem_vae_free: release a handle and all it owns. Accepts NULL. */
AMEM_API void amem_vae_free(amem_vae *v);

/*
 * amem_vae_add_encoder_conv: append an encoder convolution with `filters`
 * output channels, a kernel x kernel window, stride and zero padding on
 * every side (Keras 'valid' = 0; 'same' at stride 1 and odd kernel =
 * kernel / 2). Returns AMEM_OK, AMEM_E_NULL, AMEM_E_STATE (built),
 * AMEM_E_RANGE (filters outside [1, 4096], kernel outside [1, 64], stride
 * outside [1, 64], padding outside [0, 64], or more than
 * AMEM_VAE_MAX_LAYERS layers), AMEM_E_DIM (the feature map would vanish).
 */
AMEM_API int amem_vae_add_encoder_conv(amem_vae *v, size_t filters,
                                       size_t kernel, size_t stride,
                                       size_t padding);

/*
 * amem_vae_set_decoder_input: the shape channels x height x width that the
 * decoder's dense layer produces from z (reshaped). Default when never set:
 * the image's shape when the decoder has no conv layer, else the shape of
 * the last encoder feature map (the image's with no encoder conv either).
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_STATE, AMEM_E_DIM (0 or above 4096).
 */
AMEM_API int amem_vae_set_decoder_input(amem_vae *v, size_t channels,
                                        size_t height, size_t width);

/*
 * amem_vae_add_decoder_conv: append a decoder layer: nearest upsampling by
 * `upsample` (1 = none) then a convolution as in add_encoder_conv. The last
 * decoder layer added must produce the image's channels x height x width
 * (checked by amem_vae_build). Returns as amem_vae_add_encoder_conv, with
 * AMEM_E_RANGE also for upsample outside [1, 16].
 */
AMEM_API int amem_vae_add_decoder_conv(amem_vae *v, size_t upsample,
                                       size_t filters, size_t kernel,
                                       size_t stride, size_t padding);

/*
 * amem_vae_build: check the architecture, allocate the parameters and the
 * optimizer state, and initialise the weights from SEED. With no decoder
 * layer, the decoder is the dense layer alone, producing the image shape.
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_STATE (already built), AMEM_E_DIM
 * (the decoder's output shape is not the image's; a size overflows),
 * AMEM_E_NOMEM.
 */
AMEM_API int amem_vae_build(amem_vae *v);

/*
 * Queries. amem_vae_is_built: *out = 1 once built. amem_vae_input_shape:
 * the creation sizes. amem_vae_input_dim: C*H*W. amem_vae_latent_dim: K.
 * amem_vae_param_count: trainable parameters (0 before build).
 * amem_vae_layer_count: encoder and decoder conv layers added.
 * Each returns AMEM_OK or AMEM_E_NULL (any NULL pointer).
 */
AMEM_API int amem_vae_is_built(const amem_vae *v, int *out);
AMEM_API int amem_vae_input_shape(const amem_vae *v, size_t *channels,
                                  size_t *height, size_t *width);
AMEM_API int amem_vae_input_dim(const amem_vae *v, size_t *out);
AMEM_API int amem_vae_latent_dim(const amem_vae *v, size_t *out);
AMEM_API int amem_vae_param_count(const amem_vae *v, size_t *out);
AMEM_API int amem_vae_layer_count(const amem_vae *v, size_t *encoder,
                                  size_t *decoder);

/*
 * amem_vae_set / amem_vae_get / amem_vae_param_bounds: settings (see enum
 * amem_vae_param), as for the Hopfield handle. set returns AMEM_OK,
 * AMEM_E_NULL, AMEM_E_ARG (unknown), AMEM_E_NONFINITE, AMEM_E_RANGE,
 * AMEM_E_STATE (an arch setting after build). get: AMEM_OK, E_NULL, E_ARG.
 * param_bounds: any of min, max, integer may be NULL; AMEM_OK or E_ARG.
 */
AMEM_API int amem_vae_set(amem_vae *v, int param, double value);
AMEM_API int amem_vae_get(const amem_vae *v, int param, double *value);
AMEM_API int amem_vae_param_bounds(int param, double *min, double *max,
                                   int *integer);

/*
 * amem_vae_set_data: copy n training images (n x C*H*W, finite, n >= 1)
 * into the handle, replacing any earlier ones; the next training step
 * starts a new epoch. The data are not saved with the handle. Returns
 * AMEM_OK, AMEM_E_NULL, AMEM_E_DIM (n = 0 or too large), AMEM_E_NONFINITE,
 * AMEM_E_NOMEM.
 */
AMEM_API int amem_vae_set_data(amem_vae *v, const float *images, size_t n);

/* amem_vae_data_count: number of attached training images (0 if none).
 * Returns AMEM_OK or AMEM_E_NULL. */
AMEM_API int amem_vae_data_count(const amem_vae *v, size_t *out);

/*
 * amem_vae_train: `steps` optimizer steps (1 .. AMEM_MAX_STEPS_PER_CALL) on
 * the attached data (docs/api.md C14, C15). A step draws eps and dropout
 * masks from the handle's RNG for one minibatch of BATCH_SIZE images and
 * takes one Adam/AMSGrad step on its mean loss (R + KL_WEIGHT * KL); an
 * epoch (amem_vae_steps_per_epoch steps) passes once over the images in a
 * fresh shuffled order, its last minibatch smaller. A call may end inside
 * an epoch; the next call continues it. With PATIENCE p > 0 the call ends
 * early with AMEM_OK once p of its epochs in a row did not lower the best
 * epoch mean of the step losses (Keras EarlyStopping on the training loss,
 * counted within the call). The optimizer state persists across calls.
 *   progress  optional; called after every step with stage "train",
 *             done = steps finished in this call, total = steps, metric =
 *             the step's loss; a nonzero return stops after that step with
 *             AMEM_E_CANCELLED, the finished steps kept
 *   loss      optional: the last finished step's loss (NaN if none)
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_RANGE (steps), AMEM_E_STATE (not
 * built, or no data attached), AMEM_E_NONFINITE (a step whose loss or
 * gradient is not finite: not applied, the steps before it kept),
 * AMEM_E_CANCELLED, AMEM_E_NOMEM, AMEM_E_IO (data-parallel reduction).
 */
AMEM_API int amem_vae_train(amem_vae *v, size_t steps,
                            amem_progress_fn progress, void *user,
                            double *loss);

/*
 * amem_vae_steps_per_epoch: ceil(n / BATCH_SIZE) for the attached data.
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_STATE (no data attached).
 */
AMEM_API int amem_vae_steps_per_epoch(const amem_vae *v, size_t *out);

/*
 * amem_vae_step_count: optimizer steps since the model was built or the
 * OPTIMIZER setting last changed (which restarts the optimizer); saved with
 * the handle. Returns AMEM_OK or AMEM_E_NULL.
 */
AMEM_API int amem_vae_step_count(const amem_vae *v, size_t *out);

#ifdef AMEM_EXPERIMENTAL_API
/*
 * amem_vae_set_data_parallel: train as worker dp->rank of dp->size (see
 * amem_data_parallel in common.h); NULL trains locally again. Every worker
 * holds the same data, settings and state and draws the whole minibatch's
 * order, eps and dropout masks; it runs forward and backward on its slice
 * of the minibatch only, weighting its mean loss by slice / batch size, so
 * that the reduction sums to the minibatch's gradient. With BATCH_NORM = 1
 * that holds only approximately: batch normalisation uses the statistics
 * of each worker's slice (as data-parallel training without synchronised
 * batch norm does), and each worker's running statistics follow its own
 * slices. Not saved. Returns AMEM_OK, AMEM_E_NULL (v, or reduce with
 * size > 1), AMEM_E_RANGE (rank or size).
 */
AMEM_API int amem_vae_set_data_parallel(amem_vae *v,
                                        const amem_data_parallel *dp);
#endif

/*
 * amem_vae_loss: the loss of n images in inference mode (z = mu, running
 * statistics, no dropout): recon and kl (either may be NULL) receive R and
 * KL as defined above; the total is R + KL_WEIGHT * KL. Returns AMEM_OK,
 * AMEM_E_NULL, AMEM_E_STATE, AMEM_E_DIM, AMEM_E_NONFINITE, AMEM_E_NOMEM.
 */
AMEM_API int amem_vae_loss(amem_vae *v, const float *images, size_t n,
                           double *recon, double *kl);

/*
 * amem_vae_encode: mu (n x K) and, when logvar is not NULL, log sigma^2
 * (n x K) of n images. Inference mode; no randomness.
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_STATE, AMEM_E_DIM, AMEM_E_NONFINITE,
 * AMEM_E_NOMEM.
 */
AMEM_API int amem_vae_encode(amem_vae *v, const float *images, size_t n,
                             float *mu, float *logvar);

/* amem_vae_decode: images (n x C*H*W) from latent vectors z (n x K).
 * Returns as amem_vae_encode. */
AMEM_API int amem_vae_decode(amem_vae *v, const float *z, size_t n,
                             float *images);

/* amem_vae_reconstruct: decode(mu(images)), n x C*H*W into out (which may
 * alias images). Returns as amem_vae_encode. */
AMEM_API int amem_vae_reconstruct(amem_vae *v, const float *images, size_t n,
                                  float *out);

/*
 * amem_vae_recall: recall from partial input. Entries where mask is 0 are
 * set to fill before the image is encoded; the decoded image goes to out
 * (n x C*H*W). mask (n x C*H*W of 0/1) may be NULL, in which case the
 * images are taken as already partial. Returns as amem_vae_encode, plus
 * AMEM_E_ARG for a mask entry other than 0 or 1 or a non-finite fill.
 */
AMEM_API int amem_vae_recall(amem_vae *v, const float *images,
                             size_t n, const float *mask, float fill,
                             float *out);

/*
 * amem_vae_sample: "imagination": n latent vectors drawn from N(0, I)
 * (the handle's RNG) decoded into out (n x C*H*W); z (n x K) receives the
 * vectors when not NULL. Returns as amem_vae_encode.
 */
AMEM_API int amem_vae_sample(amem_vae *v, size_t n, float *out, float *z);

/*
 * amem_vae_interpolate: `steps` images (steps >= 2) on the line between the
 * latent means of images a and b (one image each): z_i = (1 - t_i) mu(a) +
 * t_i mu(b), t_i = i / (steps - 1), decoded into out (steps x C*H*W); the
 * first and last are the reconstructions of a and b.
 * Returns as amem_vae_encode, plus AMEM_E_RANGE for steps >
 * AMEM_MAX_STEPS_PER_CALL; steps < 2 is AMEM_E_DIM.
 */
AMEM_API int amem_vae_interpolate(amem_vae *v, const float *a,
                                  const float *b, size_t steps, float *out);

/*
 * amem_vae_arithmetic: latent vector arithmetic, per row i of n:
 * out_i = decode(mu(a_i) - mu(b_i) + mu(c_i)), e.g. "c with the attribute
 * that a has and b lacks".
 * Returns as amem_vae_encode.
 */
AMEM_API int amem_vae_arithmetic(amem_vae *v, const float *a, const float *b,
                                 const float *c, size_t n, float *out);

/*
 * amem_vae_replays: n replay targets from a Hopfield teacher, exactly as
 * consolidation makes them: n cues (n x C*H*W) drawn from this VAE's RNG
 * according to REPLAY_NOISE are recalled by the teacher through its public
 * amem_hopfield_recall, and each output entry x becomes
 * REPLAY_GAIN * x + REPLAY_OFFSET. The teacher must be autoassociative with
 * dimension C*H*W and hold patterns; its recall settings apply.
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_STATE (VAE not built; teacher empty),
 * AMEM_E_DIM (n = 0, dimension mismatch), AMEM_E_UNSUPPORTED
 * (heteroassociative teacher), AMEM_E_NOMEM, or the teacher's status.
 */
AMEM_API int amem_vae_replays(amem_vae *v, amem_hopfield *teacher, size_t n,
                              float *out);

/*
 * amem_vae_consolidate: teacher-student consolidation (Spens & Burgess
 * 2022): train the VAE only on the teacher's replays (amem_vae_replays),
 * never on the stored images themselves. The call draws n_replays replays,
 * attaches them as the training data (as amem_vae_set_data would, so a new
 * epoch starts) and trains `steps` steps as amem_vae_train does; with
 * REPLAY_FRESH = 1 every later epoch of the call first replaces them by
 * n_replays new replays, with 0 the call trains on the one set. Progress,
 * early stopping, cancellation and *loss behave as in amem_vae_train. The
 * teacher's state may change only as its recall changes it (RNG for random
 * unit order). Returns as amem_vae_train and amem_vae_replays.
 */
AMEM_API int amem_vae_consolidate(amem_vae *v, amem_hopfield *teacher,
                                  size_t n_replays, size_t steps,
                                  amem_progress_fn progress, void *user,
                                  double *loss);

/*
 * amem_vae_save: write architecture, settings, RNG state, parameters,
 * batch-norm running statistics and optimizer state to path (atomically).
 * Everything round-trips bit for bit, so a loaded model gives identical
 * outputs and, with the same data attached, continues training identically
 * from the start of an epoch (the data and epoch position are not saved).
 * An unbuilt model saves its architecture only. Returns AMEM_OK, AMEM_E_NULL, AMEM_E_IO, AMEM_E_NOMEM.
 */
AMEM_API int amem_vae_save(const amem_vae *v, const char *path);

/* amem_vae_save_mem: the same file image in a new buffer (*data, *len),
 * released with amem_free. Returns AMEM_OK, AMEM_E_NULL, AMEM_E_NOMEM. */
AMEM_API int amem_vae_save_mem(const amem_vae *v, void **data, size_t *len);

/*
 * amem_vae_load / _load_mem: a new handle from a file or file image. Every
 * size is checked against the file length before allocation. *out is NULL
 * on failure. Returns AMEM_OK, AMEM_E_NULL, AMEM_E_IO, AMEM_E_FORMAT,
 * AMEM_E_NOMEM.
 */
AMEM_API int amem_vae_load(const char *path, amem_vae **out);
AMEM_API int amem_vae_load_mem(const void *data, size_t len, amem_vae **out);

#ifdef __cplusplus
}
#endif
#endif /* ASSOCMEM_VAE_H */
