/*
 * Private: Adam and AMSGrad over one contiguous parameter vector and one
 * gradient vector (DESIGN.md §5: a model keeps all its trainable weights in
 * one array, so the optimizer is a single loop).
 *
 * Adam (Kingma & Ba 2015, Algorithm 1), at step t = 1, 2, ...:
 *   m ← β1·m + (1−β1)·g          v ← β2·v + (1−β2)·g²
 *   θ ← θ − lr · (m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + ε)
 * computed as PyTorch does: θ −= (lr/(1−β1ᵗ)) · m / (√v/√(1−β2ᵗ) + ε).
 *
 * AMSGrad (Reddi et al. 2018) in PyTorch's convention (torch.optim.Adam with
 * amsgrad=True): keep vmax ← max(vmax, v) over the RAW second moment v, and
 * use vmax in place of v above, bias-corrected with the current step:
 *   θ −= (lr/(1−β1ᵗ)) · m / (√vmax/√(1−β2ᵗ) + ε).
 * This is not the maximum of the bias-corrected v̂ over past steps (the
 * correction factor changes with t), and unlike Reddi et al.'s Algorithm 2 it
 * bias-corrects m and vmax. The tests reproduce PyTorch's updates.
 *
 * Defaults: lr 1e-3, β1 0.9, β2 0.999, ε 1e-8 (PyTorch's). The fields are
 * plain so a trainer may change lr (schedules) between steps; step()
 * validates them.
 */
#ifndef AMEM_CORE_OPTIM_H
#define AMEM_CORE_OPTIM_H

#include <stddef.h>

typedef struct amem__adam {
    size_t n;         /* parameter count */
    float *m;         /* first moment, n floats */
    float *v;         /* second moment, n floats */
    float *vmax;      /* running max of v (AMSGrad), or NULL for Adam */
    /* Settings in double, as PyTorch keeps them; the per-element update is
     * float with coefficients (1−β, lr/(1−β1ᵗ), ...) formed in double. */
    double lr;        /* learning rate, finite and > 0 */
    double beta1;     /* in [0, 1) */
    double beta2;     /* in [0, 1) */
    double eps;       /* finite and > 0 */
    long t;           /* steps taken since creation or reset */
} amem__adam;

/*
 * A zeroed optimizer for n parameters; amsgrad nonzero adds vmax. One
 * allocation; free with amem__adam_free. Returns AMEM_OK, AMEM_E_NULL (out
 * NULL), AMEM_E_ARG (n = 0) or AMEM_E_NOMEM; *out is NULL on failure.
 */
int amem__adam_create(size_t n, int amsgrad, amem__adam **out);

/* Set lr, beta1, beta2 and eps from a piece's settings (checked there and
 * again by step). */
void amem__adam_set(amem__adam *opt, double lr, double beta1, double beta2,
                    double eps);

/* Frees the optimizer; NULL is a no-op. */
void amem__adam_free(amem__adam *opt);

/* Zero m, v, vmax and t (settings kept). NULL is a no-op. */
void amem__adam_reset(amem__adam *opt);

/*
 * One update of param[0..n) from grad[0..n). Returns AMEM_OK; AMEM_E_NULL for
 * a NULL argument; AMEM_E_RANGE for a setting out of range; AMEM_E_NONFINITE
 * when grad holds NaN or ±inf. On failure neither the optimizer nor param
 * changes.
 */
int amem__adam_step(amem__adam *opt, float *param, const float *grad);

/*
 * Model files: the moments m, v and (AMSGrad) vmax, n floats each, in that
 * order; the step count t is written by the piece where its format has it.
 * get checks that they are present and finite and that the second moments
 * are >= 0 (AMEM_E_FORMAT otherwise, recorded against fn).
 */
struct amem__wbuf;
struct amem__rbuf;
void amem__adam_put_moments(struct amem__wbuf *w, const amem__adam *opt);
int amem__adam_get_moments(const char *fn, struct amem__rbuf *r,
                           amem__adam *opt);

#endif
