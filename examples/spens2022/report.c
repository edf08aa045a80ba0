/*
 * Spens & Burgess 2022 example: the Markdown report (report.md), our
 * measurements beside the paper's statements.
 */
#include <math.h>
#include <stdio.h>

#include <assocmem/assocmem.h>

#include "common/provenance.h"
#include "parts.h"

static const sb_curve *last_curve(const sb_result *r, int baseline)
{
    return baseline ? &r->baseline : &r->student;
}

static double first_acc(const sb_curve *c)
{
    return c->points ? c->accuracy[0] : NAN;
}

static double last_acc(const sb_curve *c)
{
    return c->points ? c->accuracy[c->points - 1] : NAN;
}

static double last_recon(const sb_curve *c)
{
    return c->points ? c->recon[c->points - 1] : NAN;
}

/* v with `digits` decimals, or an em dash when it was not measured. */
static const char *num(char *buf, size_t size, double v, int digits)
{
    if (isnan(v))
        snprintf(buf, size, "—");
    else
        snprintf(buf, size, "%.*f", digits, v);
    return buf;
}

/* Where data set d came from, in one phrase. */
static void data_source(FILE *f, const sb_config *cfg, int d)
{
    static const char *const stand_in[SB_DATASETS] = {
        "", "", "procedural stand-in (`amem_shapes3d_generate`, "
        "`assocmem/scenes.h`): 64×64 colour rooms with one object and the "
        "six Shapes3D factors; labels: object shape, 4 kinds",
        "procedural stand-in (`amem_solids_generate`): greyscale "
        "renderings of the five Platonic solids under random rotations; "
        "labels: solid", ""};
    static const char *const real[SB_DATASETS] = {
        "real data: `data/mnist/` (10,000 digits, `make data`)",
        "real data: `data/fashion-mnist/` (`make data`)",
        "real data: `%s` (DeepMind's 3dshapes.h5 read through HDF5; items "
        "and held-out items drawn at random from all rows; labels: object "
        "shape, 4 kinds)",
        "real data: the PNG release in `%s` (Murphy et al. 2021; images "
        "drawn at random; labels: shape, TFDS's 8 `label_shape` classes)",
        "real data: `%s` (KMNIST, train and test files; labels: 10 "
        "characters)"};
    if (sb_dataset_real(cfg, d))
        fprintf(f, real[d], cfg->path[d]);
    else
        fprintf(f, "%s", stand_in[d]);
}

/* Which data every figure below used: real files or a stand-in. */
static void data_section(FILE *f, const sb_config *cfg, const sb_results *res)
{
    int stand_ins = 0;
    fprintf(f, "**Data of every figure and table below** (by the title "
               "they carry):\n\n");
    for (int d = 0; d < SB_DATASETS; d++) {
        if (!res->set[d].done)
            continue;
        fprintf(f, "- %s — ", sb_dataset_title[d]);
        data_source(f, cfg, d);
        fprintf(f, ".\n");
        stand_ins |= !sb_dataset_real(cfg, d);
    }
    if (stand_ins)
        fprintf(f, "\nA stand-in mimics the factors and the format of the "
                   "real data set, not its pixels; `--shapes3d FILE` and "
                   "`--solids DIR` run the real data when the files are at "
                   "hand (docs/data.md).\n");
    fprintf(f, "\n");
}

/* datasets.csv: name, title and real (1) or stand-in (0), for plot.py. */
int sb_write_datasets(const sb_config *cfg, const char *out_dir)
{
    char path[1400];
    snprintf(path, sizeof path, "%s/datasets.csv", out_dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "name,title,real\n");
    for (int d = 0; d < SB_DATASETS; d++)
        if (cfg->run[d])
            fprintf(f, "%s,%s,%d\n", sb_dataset_name[d], sb_dataset_title[d],
                    sb_dataset_real(cfg, d));
    return fclose(f) == 0 ? 0 : -1;
}

static void header(FILE *f, const sb_config *cfg, const sb_results *res)
{
    fprintf(f, "# Spens & Burgess 2022 — consolidation as teacher–student "
               "training: reproduction\n\n"
               "Paper: E. Spens and N. Burgess, *Constructing memory: "
               "consolidation as teacher–student training of a generative "
               "model*, NeurIPS 2022 workshop (Figures 3–6).\n\n");
    fprintf(f, "Run (%s mode, seed %llu; the experiments took %.0f s):\n\n",
            cfg->quick ? "quick" : "full", (unsigned long long)cfg->seed,
            res->seconds);
    ex_provenance_markdown(f);
    data_section(f, cfg, res);
}

static void setup(FILE *f, const sb_config *cfg)
{
    fprintf(f, "## Setup\n\n");
    fprintf(f, "- Teacher: modern Hopfield network (Ramsauer et al. 2020), "
               "items stored one-shot as 2x − 1; one step ξ ← X "
               "softmax(β Xᵀξ/√d), β = %g, at most %d steps; replay cues "
               "%s per pixel; replays mapped back by (x + 1)/2. One fixed "
               "set of replays per data set (the authors cache theirs).\n",
            cfg->beta, cfg->teacher_steps,
            cfg->noise_signs ? "random ±1" : "uniform(−1, 1)");
    if (cfg->model == SB_MODEL_PAPER)
        fprintf(f, "- Student: the seed paper's VAE (`SEED2022` preset: 128×128 "
                   "greyscale, 5 × conv k4 s2 32…512, global average pooling, "
                   "latent 10, decoder 5 × [up ×2, conv k3] 128/64/32/16/1), "
                   "L1 + KL loss, Adam 1e-3, batch 32.\n");
    else
        fprintf(f, "- Student (scaled down): MNIST, Fashion-MNIST and KMNIST "
                   "at their native 28×28 with the `DIGITS28` preset (2 × "
                   "conv k3 s2 32/64, latent 10, AMSGrad, batch 128); %s at "
                   "64×64 colour with the authors' later `COLOR64` model "
                   "(4 × conv k4 s2 32…256, latent %zu%s, dropout 0.2, AMSGrad, "
                   "batch 32); %s at 64×64 greyscale with the same "
                   "layers and one channel. L1 + KL loss (authors' "
                   "reduction).\n", sb_dataset_title[SB_SHAPES],
                cfg->latent ? cfg->latent : 20,
                cfg->latent ? " (`--latent`; the preset has 20)" : "",
                sb_dataset_title[SB_SOLIDS]);
    fprintf(f, "- Baseline: %s\n",
            cfg->baseline ? "the same VAE (same initial weights) trained on "
                            "the original items for the same epochs."
                          : "not run (`--baseline 0`).");
    fprintf(f, "- Decoding accuracy (authors' protocol): encode the held-out "
               "items (μ), split them in halves, fit StandardScaler + RBF SVC "
               "(C = 1, γ = 'scale', one-vs-one) on the first %zu of the "
               "first half, score on the second half; measured before every "
               "epoch and after the last.\n",
            cfg->probe_fit);
    fprintf(f, "- Partial input: %.0f%% of the entries of a training item set "
               "to 0 (the authors' `noise` function with their 2022 recall "
               "fraction 0.25; channels independent; they draw the entries "
               "over the whole batch, we draw exactly that fraction per "
               "item). The teacher gets the same partial image on its "
               "[−1, 1] scale (hidden entries −1, nothing clamped). "
               "Reconstruction errors are mean |x − x̂| per entry on "
               "[0, 1].\n\n",
            100.0 * cfg->mask_fraction);
}

static void scale_section(FILE *f, const sb_config *cfg, const sb_results *res)
{
    fprintf(f, "## What this run scaled down\n\n"
               "| data set | image | stored items | replays | epochs run "
               "(set) | held-out items | wall time |\n|---|---|---|---|---|---|---|\n");
    for (int d = 0; d < SB_DATASETS; d++) {
        const sb_result *r = &res->set[d];
        if (!r->done)
            continue;
        fprintf(f, "| %s | %zu×%zu×%zu | %zu | %zu | %zu (%zu) | %zu | "
                   "%.0f s |\n", sb_dataset_title[d], r->h, r->w, r->c,
                r->items, r->replays,
                r->student.points ? r->student.points - 1 : 0,
                cfg->epochs[d], r->test, r->seconds);
    }
    fprintf(f, "\nThe paper's setting (the authors' 2022 code, reference "
               "code facts §1) is 128×128 greyscale images, 1000 stored "
               "items and 1000 replays, 1000 epochs without early "
               "stopping, β = 10 and ±1 cues, 1500 held-out items. It is "
               "this program's default full mode:\n\n"
               "    build/examples/spens2022\n\n"
               "That is about 10⁶ image-steps per VAE at ≈ 20 images/s on "
               "one core for the 128×128 model, i.e. about 14 hours per VAE "
               "(8 VAEs); hence the scaled-down run above.\n\n");
}

static void teacher_section(FILE *f, const sb_results *res)
{
    fprintf(f, "## Figure 3 — noise into the teacher retrieves memories\n\n"
               "Paper: \"Even when the network is given random noise, it "
               "retrieves memories\" (one network per data set).\n\n"
               "| data set | replays within 0.02 of a stored item | distinct "
               "memories replayed | mean error to the nearest memory |\n"
               "|---|---|---|---|\n");
    for (int d = 0; d < SB_DATASETS; d++) {
        const sb_result *r = &res->set[d];
        if (r->done)
            fprintf(f, "| %s | %.1f%% | %zu of %zu (%zu replays) | %.4f |\n",
                    sb_dataset_title[d], 100.0 * r->replay_hit,
                    r->replay_distinct, r->items, r->replays, r->replay_error);
    }
    fprintf(f, "\nRows: noise cue, retrieved memory.\n\n");
    for (int d = 0; d < SB_DATASETS; d++)
        if (res->set[d].done)
            fprintf(f, "![%s](fig3_noise_replay_%s.png)\n\n",
                    sb_dataset_title[d], sb_dataset_name[d]);
}

static void recall_section(FILE *f, const sb_results *res)
{
    fprintf(f, "## Figure 4 — recall from partial input after "
               "consolidation\n\n"
               "Paper: \"When presented with a partial version of an item "
               "from the training data, the model is able to reconstruct "
               "the original\" — the VAE was trained only on the teacher's "
               "replays.\n\n"
               "| data set | partial input | teacher recall | student (replays) "
               "| baseline (originals) | student, intact input |\n"
               "|---|---|---|---|---|---|\n");
    for (int d = 0; d < SB_DATASETS; d++) {
        const sb_result *r = &res->set[d];
        char b[32];
        if (r->done)
            fprintf(f, "| %s | %.4f | %.4f | %.4f | %s | %.4f |\n",
                    sb_dataset_title[d], r->err_partial, r->err_teacher,
                    r->err_student, num(b, sizeof b, r->err_baseline, 4),
                    r->err_student_full);
    }
    fprintf(f, "\nThe teacher's top-1 retrieval from the same partial "
               "inputs (its largest weight on the cue's own item):\n\n"
               "| data set | dot product (paper; hidden −1, nothing clamped) "
               "| masked Euclidean (hidden 0, known entries clamped and "
               "compared) |\n|---|---|---|\n");
    for (int d = 0; d < SB_DATASETS; d++) {
        const sb_result *r = &res->set[d];
        if (r->done)
            fprintf(f, "| %s | %.1f%% | %.1f%% |\n", sb_dataset_title[d],
                    100.0 * r->top1_dot, 100.0 * r->top1_euclid);
    }
    fprintf(f, "\nMean |· − original| per entry over up to 200 training "
               "items; the last column is the student's reconstruction of the intact "
               "items, which separates the blur of the VAE from the effect of "
               "the missing entries. Rows of each grid: partial input, teacher recall, "
               "student recall, baseline recall (when run), original.\n\n");
    for (int d = 0; d < SB_DATASETS; d++)
        if (res->set[d].done)
            fprintf(f, "![%s](fig4_recall_%s.png)\n\n",
                    sb_dataset_title[d], sb_dataset_name[d]);
}

static void decoding_section(FILE *f, const sb_results *res)
{
    fprintf(f, "## Figure 5 — reconstruction error and decoding accuracy "
               "during training\n\n"
               "Paper: \"semantic 'decoding accuracy' increases as training "
               "progresses, thanks to structure developing in the latent "
               "space\"; the t-SNE of the latents clusters by label. The "
               "2022 paper gives curves only; the authors' later code "
               "(colour Shapes3D, 10,000 items, 50 epochs) logs decoding "
               "accuracy rising from 0.378 to 0.827.\n\n"
               "| data set | chance | decoding before training | after "
               "(student) | after (baseline) | SVC on raw pixels | held-out "
               "error student / baseline |\n|---|---|---|---|---|---|---|\n");
    for (int d = 0; d < SB_DATASETS; d++) {
        const sb_result *r = &res->set[d];
        char b1[32], b2[32];
        if (r->done)
            fprintf(f, "| %s | %.2f | %.3f | %.3f | %s | %.3f | %.4f / "
                       "%s |\n", sb_dataset_title[d], r->chance,
                    first_acc(&r->student), last_acc(&r->student),
                    num(b1, sizeof b1, last_acc(last_curve(r, 1)), 3),
                    r->acc_pixels, last_recon(&r->student),
                    num(b2, sizeof b2, last_recon(&r->baseline), 4));
    }
    fprintf(f, "\n![curves](fig5_curves.png)\n\n"
               "![t-SNE](fig5_tsne.png)\n\n");
}

static void size_section(FILE *f, const sb_config *cfg, const sb_results *res)
{
    const sb_result *r = &res->set[SB_SHAPES];
    fprintf(f, "## Figure 6 — imagination by interpolation; latents vs "
               "pixels with few examples\n\n"
               "Paper: each row is a line in latent space between two "
               "training items; and \"when there is only a very small "
               "amount of training data, predicting the attributes of an "
               "image from its latent vector performs better than "
               "predicting the attributes from the original images from "
               "scratch\" (object shape on Shapes3D, perceptron on latents "
               "vs a CNN).\n\n");
    for (int d = 0; d < SB_DATASETS; d++)
        if (res->set[d].done)
            fprintf(f, "![%s](fig6_interpolation_%s.png)\n\n",
                    sb_dataset_title[d], sb_dataset_name[d]);
    if (!r->done || r->n_sizes == 0)
        return;
    fprintf(f, "Object shape on %s (4 classes), "
               "%d random training subsets per size, scored on %zu held-out "
               "items. Latents: softmax regression (single-layer perceptron, "
               "standardised inputs, Adam, 200 epochs) on the student's μ. "
               "CNN: conv 8@5×5/2 → ReLU → conv 16@3×3/2 → ReLU → conv "
               "32@3×3/2 → ReLU → global max pool → softmax, from scratch, Adam 2e-3, %d passes "
               "(at least %d steps of 16).\n\n"
               "| training items | latents (mean ± sd) | CNN on pixels (mean "
               "± sd) |\n|---|---|---|\n",
            sb_dataset_title[SB_SHAPES], cfg->curve_repeats,
            r->test - r->test / 2, cfg->cnn_epochs,
            cfg->cnn_min_steps);
    for (size_t i = 0; i < r->n_sizes; i++)
        fprintf(f, "| %zu | %.3f ± %.3f | %.3f ± %.3f |\n", cfg->curve_sizes[i],
                r->curve_latent[i], r->curve_latent_sd[i], r->curve_cnn[i],
                r->curve_cnn_sd[i]);
    fprintf(f, "\n![accuracy against training-set size]"
               "(fig6_size_curve.png)\n\n");
}

static void imagination_section(FILE *f, const sb_results *res)
{
    fprintf(f, "## Imagination — samples from the prior\n\n");
    for (int d = 0; d < SB_DATASETS; d++)
        if (res->set[d].done)
            fprintf(f, "![%s](samples_%s.png)\n\n",
                    sb_dataset_title[d], sb_dataset_name[d]);
}

int sb_report(const sb_config *cfg, const char *out_dir,
              const sb_results *res)
{
    char path[1400];
    snprintf(path, sizeof path, "%s/report.md", out_dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "spens2022: cannot write %s\n", path);
        return -1;
    }
    if (sb_write_datasets(cfg, out_dir) != 0)
        fprintf(stderr, "spens2022: cannot write %s/datasets.csv\n", out_dir);
    header(f, cfg, res);
    setup(f, cfg);
    scale_section(f, cfg, res);
    teacher_section(f, res);
    recall_section(f, res);
    decoding_section(f, res);
    size_section(f, cfg, res);
    imagination_section(f, res);
    sb_report_differences(f, cfg, res);
    return fclose(f) == 0 ? 0 : -1;
}
