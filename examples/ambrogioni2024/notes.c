/*
 * The report's last section: every choice the paper leaves open, and the
 * known reasons our numbers can differ from the printed ones.
 */
#include <math.h>

#include "paper.h"
#include "results.h"

/* Largest |ours - paper| of the classical column, with and without the
 * diagonal of W. */
static void classical_gaps(const amb_results *res, double *diag,
                           double *zero_diag)
{
    *diag = *zero_diag = 0.0;
    for (int i = 0; i < 6; i++) {
        double p = amb_paper_table1[i][1];
        *diag = fmax(*diag, fabs(res->t1[i].mean[AMB_T1_CLASSICAL] - p));
        *zero_diag =
            fmax(*zero_diag, fabs(res->t1[i].mean[AMB_T1_CLASSICAL_ZD] - p));
    }
}

/* Largest |float64 completion diffusion - the paper's| (paper = 1) or
 * - the float64 NumPy reference's (paper = 0), over rows 3 .. 5. */
static double completion_gap(const amb_results *res, int paper)
{
    double gap = 0.0;
    for (int i = 3; i < 6; i++) {
        double want = paper ? amb_paper_table1[i][0]
                            : amb_reference_diffusion[1][i];
        gap = fmax(gap, fabs(res->t1[i].mean[AMB_T1_DIFFUSION_F64] - want));
    }
    return gap;
}

static void table1_notes(FILE *f, const amb_config *cfg,
                         const amb_results *res)
{
    double gap, gap_zd;
    if (!res->t1_done)
        return;
    classical_gaps(res, &gap, &gap_zd);
    fprintf(f,
        "- **Classical Hopfield network (Table 1).** The paper does not say "
        "how its classical network was run. Eq. (1) says W has a null "
        "diagonal, Eq. (3) (the Hebb rule it uses) gives W_jj = N. Our main "
        "column keeps the diagonal (W = Σ y yᵀ / d as Eq. 3 gives it) and "
        "updates all units at once (Eq. 1) until a fixed point or %d "
        "steps; it is at most %.3f from the printed correlations. With the "
        "diagonal set to zero (last column) the network moves much further "
        "from the cue and the correlation is up to %.3f away — so the "
        "paper's classical numbers are those of the network with "
        "self-coupling, which stays close to sign(cue).\n",
        cfg->classical_steps, gap, gap_zd);
    fprintf(f,
        "- **Diffusion vs modern Hopfield on completion cues: float32 vs "
        "float64.** A zero-masked cue has integer dot products with the ±1 "
        "patterns, so two patterns often tie exactly; which one wins is "
        "then decided by rounding, independently in the two methods. In "
        "float32 (the library's default) our completion diffusion column is "
        "%.3f / %.3f / %.3f; with both methods recalling in float64 "
        "(PRECISION FLOAT64) it is %.3f / %.3f / %.3f, against the paper's "
        "%.3f / %.3f / %.3f. The NumPy reference gives %.3f / %.3f / %.3f "
        "in float32 and %.3f / %.3f / %.3f in float64: the paper most "
        "likely computed in float64; our float64 column is within %.3f of "
        "its numbers and within %.3f of the float64 reference. Mixing "
        "the precisions shows which recall's rounding matters: modern "
        "Hopfield float32 against diffusion float64 gives %.3f / %.3f / "
        "%.3f, modern Hopfield float64 against diffusion float32 gives "
        "%.3f / %.3f / %.3f (`table1.csv`, columns "
        "`modern_f32_diffusion_f64` and `modern_f64_diffusion_f32`). "
        "Denoising cues have no ties and give the same numbers in both "
        "precisions.\n",
        res->t1[3].mean[AMB_T1_DIFFUSION], res->t1[4].mean[AMB_T1_DIFFUSION],
        res->t1[5].mean[AMB_T1_DIFFUSION],
        res->t1[3].mean[AMB_T1_DIFFUSION_F64],
        res->t1[4].mean[AMB_T1_DIFFUSION_F64],
        res->t1[5].mean[AMB_T1_DIFFUSION_F64], amb_paper_table1[3][0],
        amb_paper_table1[4][0], amb_paper_table1[5][0],
        amb_reference_diffusion[0][3], amb_reference_diffusion[0][4],
        amb_reference_diffusion[0][5], amb_reference_diffusion[1][3],
        amb_reference_diffusion[1][4], amb_reference_diffusion[1][5],
        completion_gap(res, 1), completion_gap(res, 0),
        res->t1[3].mean[AMB_T1_MH32_DM64], res->t1[4].mean[AMB_T1_MH32_DM64],
        res->t1[5].mean[AMB_T1_MH32_DM64], res->t1[3].mean[AMB_T1_MH64_DM32],
        res->t1[4].mean[AMB_T1_MH64_DM32], res->t1[5].mean[AMB_T1_MH64_DM32]);
    fprintf(f,
        "- **Correlation estimator.** \"Pearson correlation\" is taken over "
        "all entries of a repetition's outputs and averaged over the 100 "
        "repetitions; the paper does not say whether it pooled entries or "
        "averaged per pattern. Completion cues are not clamped (the paper "
        "does not clamp either as far as it says).\n");
}

static void capacity_notes(FILE *f, const amb_results *res)
{
    if (!res->cap_done)
        return;
    fprintf(f,
        "- **Figure 3 has no printed numbers**, so for Fig. 3a/3b we can "
        "only compare shapes: the exact diffusion model and the modern "
        "Hopfield network (β = 5) have the same, exponentially growing "
        "capacity (the paper's claim), the classical network's stays tiny. "
        "The paper's dimension grid and pattern-count grid are not given; "
        "ours are in the CSV files.\n");
    fprintf(f,
        "- **Capacity protocol details the paper leaves open.** Each "
        "(d, N) point stores a fresh pattern set; its 140 cues corrupt "
        "pattern i mod N. The count grid of each dimension is centred on "
        "the boundary found by bisection (`amem_capacity_search`) and the "
        "interval comes from resampling the 140 cues jointly across counts "
        "(`amem_capacity_bootstrap`). The σ = 1.5 Gaussian smoothing runs "
        "over the dimension-grid index and on log(1 + capacity): a linear "
        "convolution of an exponentially growing curve would lift it by "
        "the convexity of exp (about 15%% at our grid spacing).\n");
}

static void trajectory_notes(FILE *f, const amb_results *res)
{
    if (!res->f2_done)
        return;
    fprintf(f,
        "- **Figure 2** is qualitative in the paper. Ours shows the same: "
        "the modern Hopfield state lands on a pattern after one update, "
        "the ODE trajectories reach it smoothly at the end of the time "
        "grid, the learned ODE follows the exact one. The learned network "
        "is trained only on θ_t in [0.6, 1], and its noise estimate is "
        "divided by s_t → 0 at the end, so its end points are less exact "
        "than the exact model's. The SDE is stochastic recall: at θ = 0.68 "
        "in d = 5 it may settle on another pattern than the ODE (the "
        "paper's Section 5.1).\n");
}

static void trained_notes(FILE *f, const amb_config *cfg,
                          const amb_results *res)
{
    if (!res->trained_done)
        return;
    fprintf(f,
        "- **Trained models.** \"Three layers\" is read as three weight "
        "layers (two hidden ReLU layers of 80·d units, θ_t concatenated to "
        "the input of every layer), the reading of Section 7's \"ReLU in "
        "both hidden layers\". They use the same VP process and ODE sampler "
        "as the exact model (γ = 0.8, 300 steps). Training draws fresh θ "
        "and noise for every pattern at every iteration.\n");
    if (!cfg->quick && (cfg->tr_repeats < 8 || cfg->tr_iterations < 5000))
        fprintf(f,
            "- **Scaled down to fit the shared machine:** %d repeat%s per "
            "dimension instead of the paper's 8, %d training iterations "
            "(paper: 5,000); everything else as in the paper. The "
            "full-scale command is `build/examples/ambrogioni2024 --only "
            "fig3b,trained --trained-repeats 8`, about %.1f hours at this "
            "run's speed (`--only trained` alone also works; the start "
            "counts then come from a bisection search of the exact model's "
            "capacity instead of the smoothed curve).\n",
            cfg->tr_repeats, cfg->tr_repeats == 1 ? "" : "s",
            cfg->tr_iterations,
            res->seconds[3] * 8.0 * 5000.0 /
                (cfg->tr_repeats * (double)cfg->tr_iterations * 3600.0));
}

void amb_report_notes(FILE *f, const amb_config *cfg, const amb_results *res)
{
    fprintf(f, "## Where we differ from the paper, and why\n\n");
    if (cfg->quick)
        fprintf(f, "- **Quick mode**: tiny repetitions, grids and networks; "
                   "the numbers above only show that every stage runs. "
                   "The full run is `build/examples/ambrogioni2024`.\n");
    fprintf(f,
        "- **Exact score.** Eq. (A3)–(A4) as printed drop the θ_t scaling "
        "of the patterns and flip the sign of the score; the library uses "
        "the score of the variance-preserving marginal, "
        "(θ_t Yᵀh − x)/(1 − θ_t²) with h = softmax(θ_t x·y / (1 − θ_t²)), "
        "which is what the paper's derivation (Eq. 11–14) implies.\n");
    table1_notes(f, cfg, res);
    capacity_notes(f, res);
    trained_notes(f, cfg, res);
    trajectory_notes(f, res);
    fprintf(f, "\n");
}
