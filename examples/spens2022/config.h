/*
 * Spens & Burgess 2022 example: the settings of one run. The full mode
 * defaults are the seed paper's (bioRxiv/workshop code, reference code
 * facts §1 "2022 version"): 128 x 128 greyscale images, the five-layer
 * SEED2022 VAE, 1000 stored items and 1000 replays, 1000 epochs, teacher
 * beta 10 with +-1 noise cues. Options scale it down; --quick is seconds.
 */
#ifndef SB_CONFIG_H
#define SB_CONFIG_H

#include <stddef.h>
#include <stdint.h>

/* KMNIST runs only when its files are given (--kmnist DIR). */
enum sb_dataset { SB_MNIST = 0, SB_FASHION = 1, SB_SHAPES = 2, SB_SOLIDS = 3,
                  SB_KMNIST = 4, SB_DATASETS = 5 };

/* Student architectures: the paper's 128 x 128 greyscale model, or the
 * smaller models used for scaled-down runs (DIGITS28 preset for 28 x 28
 * digits and clothes, the authors' later COLOR64 model for the colour
 * scenes, and COLOR64 with one channel for the greyscale solids). */
enum sb_model { SB_MODEL_PAPER = 0, SB_MODEL_SMALL = 1 };

#define SB_MAX_SIZES 16

typedef struct sb_config {
    int quick;
    int run[SB_DATASETS];        /* which data sets to run */
    int model;                   /* enum sb_model */
    size_t latent;               /* 64x64 students' latent size; 0 = 20 */
    size_t items[SB_DATASETS];   /* images stored in the teacher */
    size_t replays[SB_DATASETS]; /* replays the student trains on */
    size_t epochs[SB_DATASETS];  /* student (and baseline) epochs */
    size_t test;                 /* held-out items for decoding / errors */
    size_t probe_fit;            /* SVC training items (200) */
    int patience;                /* early stopping; 0 = none */
    double beta;                 /* teacher inverse temperature */
    int scale_sqrt_d;            /* teacher scores divided by sqrt(d) */
    int teacher_steps;           /* teacher iterations (10) */
    int noise_signs;             /* replay cues +-1 (1) or uniform (0) */
    double mask_fraction;        /* partial input: fraction of pixels zeroed */
    size_t tsne_points;
    int baseline;                /* also train a VAE on the original images */
    /* Figure 6 right: accuracy against training-set size (Shapes3D-like). */
    size_t curve_sizes[SB_MAX_SIZES], n_curve_sizes;
    int curve_repeats;
    int cnn_epochs;              /* CNN passes, at least cnn_min_steps steps */
    int cnn_min_steps;
    int threads;
    uint64_t seed;
    /* Real data files (--shapes3d FILE, --solids DIR, --kmnist DIR); an
     * empty path means the stand-in (Shapes3D, solids) or not run (KMNIST). */
    char path[SB_DATASETS][1024];
    int datasets_given;          /* --datasets was on the command line */
    char command[1024];
} sb_config;

extern const char *const sb_dataset_name[SB_DATASETS];
/* Titles for the report and figures; sb_config_options replaces the
 * stand-ins' titles by the real data sets' when their files are given. */
extern const char *sb_dataset_title[SB_DATASETS];

/* 1 when data set d is read from files, 0 when it is a stand-in. */
int sb_dataset_real(const sb_config *cfg, int d);

/* Defaults for the quick or the full run. */
void sb_config_init(sb_config *cfg, int quick);

/* Take this example's options out of argv, apply them to cfg (after
 * sb_config_init) and return the new argc, or -1 on a bad option. */
int sb_config_options(sb_config *cfg, int argc, char **argv);

/* Print the options (after the common --help text). */
void sb_config_usage(void);

/* The command line as one string (for the report). */
void sb_config_command(sb_config *cfg, int argc, char **argv);

#endif
