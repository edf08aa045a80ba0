/* Report: Figure A1 (signals over training) and A2 (trained memories). */
#include <math.h>
#include <stdio.h>

#include "report_parts.h"

/* Row of signal-logging run a (0: ground truth, 1: negative entropy). */
static void signal_row(FILE *f, const ty_track_result *t, int a,
                       int *separating)
{
    fprintf(f, "| %s |", a == 0 ? "ground truth" : "−H (negative entropy)");
    *separating = 0;
    for (int k = 0; k < TY_A1_SIGNALS; k++) {
        double d = t->a1_separation[a][k];
        *separating += d > 1.0;
        fprintf(f, " %.3g / %.3g (%+.1f) |", t->a1_regular[a][k],
                t->a1_exception[a][k], d);
    }
    fprintf(f, "\n");
}

static void figure_a1(FILE *f, const ty_report *rep)
{
    const ty_track_result *t = rep->track;
    int sep[TY_TRACKED_SIGNALS];
    fprintf(f, "## Figure A1: candidate signals over training\n\n");
    if (rep->plotted)
        fprintf(f, "![Figure A1](figA1_signals.png)\n\n");
    fprintf(f, "At the last epoch, each signal signed as in Eq. 6: regular "
               "mean / exception mean (separation = (exception − regular mean)"
               " / regular std). Values are those of each item's latest use "
               "in training (perturbed cue).\n\n| trained with |");
    for (int k = 0; k < TY_A1_SIGNALS; k++)
        fprintf(f, " %s |", t->a1_signal[k]);
    fprintf(f, "\n|---|---|---|---|---|---|\n");
    for (int a = 0; a < TY_TRACKED_SIGNALS; a++)
        signal_row(f, t, a, &sep[a]);
    fprintf(f, "\n| paper | here | |\n|---|---|---|\n"
               "| Trained with ground truth, several signals separate "
               "regulars from exceptions (A1 top). | %d of %d signals score "
               "exceptions more than 1 regular-std higher | %s |\n"
               "| Trained with −H, the signals again separate them (A1 "
               "bottom). | %d of %d signals | %s |\n\n", sep[0], TY_A1_SIGNALS,
            ty_verdict(sep[0] >= 2), sep[1], TY_A1_SIGNALS,
            ty_verdict(sep[1] >= 2));
}

static void weight_row(FILE *f, const ty_track_result *t, int r,
                       const ty_dataset *ds)
{
    const ty_weight_summary *w = &t->weights[r];
    fprintf(f, "| %s | %zu of %zu | %zu | %zu |", t->name[r],
            w->nearest_exception, w->n_memories, w->resembles_exception[0],
            w->resembles_exception[1]);
    for (size_t e = 0; e < ds->n_exception && e < TY_MAX_EXCEPTIONS; e++)
        fprintf(f, "%s%.3f", e ? ", " : " ", w->exception_match[e]);
    fprintf(f, " | %.3f |\n", w->regular_match_mean);
}

static void figure_a2(FILE *f, const ty_report *rep)
{
    const ty_track_result *t = rep->track;
    fprintf(f, "## Figure A2: trained memories ξ_μ\n\n"
               "Uniform training (left) and ground-truth loss reweighting "
               "(right), 10 × 10 grid of 28 × 28 rows of Ŵ:\n\n"
               "![uniform](weights_uniform.png) "
               "![reweighted](weights_reweight.png)\n\n"
               "| run | memories nearest to a one | cos ≥ %.1f with a one | "
               "cos ≥ %.1f with a one | best cosine of a memory "
               "with each one | mean best cosine over the zeros |\n"
               "|---|---|---|---|---|---|\n",
            ty_cos_thresholds[0], ty_cos_thresholds[1]);
    for (int r = 0; r < TY_TRACKED; r++)
        weight_row(f, t, r, rep->ds);
    size_t uni = t->weights[0].resembles_exception[1];
    size_t rew = t->weights[1].resembles_exception[1];
    double c = ty_cos_thresholds[1];
    fprintf(f, "\n\"Nearest to a one\": the data item with the highest "
               "cosine is one of the ones, however low that cosine; the "
               "threshold columns count the memories whose cosine with some "
               "one is at least the stated value (all vectors unit "
               "norm).\n\n| paper | here | |\n|---|---|---|\n"
               "| Uniform: all memories resemble 0s, none a 1. | %zu memories "
               "with cos ≥ %.1f to a one | %s |\n| Reweighted: the network "
               "also stores the exceptions. | %zu memories with cos ≥ %.1f "
               "to a one | %s |\n\n", uni, c, ty_verdict(uni == 0), rew, c,
            ty_verdict(rew > 0));
}

void ty_report_appendix(FILE *f, const ty_report *rep)
{
    figure_a1(f, rep);
    figure_a2(f, rep);
}
