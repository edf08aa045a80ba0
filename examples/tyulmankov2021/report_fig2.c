/* Report section: Figure 2. */
#include "report.h"

static const double paper_slopes[TF_FIG2_MODELS] = {1.0, 0.16, 0.14, -1};

void tf_report_fig2(FILE *f, const tf_config *cfg, const tf_fig2_result *r)
{
    fprintf(f,
        "## Figure 2 — simplified rules against Hopfield and TVT\n\n"
        "![Figure 2](fig2.png)\n\n"
        "**Paper.** With sequential local third factors the network has "
        "perfect accuracy for T ≤ N and degrades smoothly beyond, "
        "identically to TVT; random third factors (p = 0.1) degrade "
        "sooner. Capacity scales as C ≈ 1.0·N (sequential), ≈ 0.16·N "
        "(random) and ≈ 0.14·N (Hopfield).\n\n"
        "**Ours** (a: d = N = %zu; b: sizes", cfg->n);
    for (size_t s = 0; s < cfg->n_sizes; s++)
        fprintf(f, "%s%zu", s ? ", " : " ", cfg->sizes[s]);
    fprintf(f, ").\n\n"
        "| model | acc. T = N/2 | acc. T = N | acc. T = 2N | capacity "
        "slope (ours) | offset | slope (paper) |\n|---|---|---|---|---|---|"
        "---|\n");
    for (int k = 0; k < TF_FIG2_MODELS; k++)
        fprintf(f, "| %s | %s | %s | %s | %s | %s | %s |\n",
                r->labels[k] ? r->labels[k] : "?",
                TF_NUM(r->marks[k].at_half, 3), TF_NUM(r->marks[k].at_n, 3),
                TF_NUM(r->marks[k].at_2n, 3), TF_NUM(r->slope[k], 3),
                TF_NUM(r->offset[k], 2),
                paper_slopes[k] > 0 ? TF_NUM(paper_slopes[k], 2)
                                    : "not given");
    fprintf(f,
        "\nTVT was trained with `amem_tvt_train` (%s), ending with a mean "
        "read strength of %s; it is retrained at every size of panel b. "
        "Hopfield has no decay here (λ = 1, the reference default) and "
        "runs synchronous sign updates until nothing changes (at most 100 "
        "steps).\n\n",
        "learned query key and strength, as in the reference",
        TF_NUM(r->tvt_strength, 2));
}
