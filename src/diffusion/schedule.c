/*
 * The forward process dx = -a x dt + b dW and its Gaussian marginal
 * x_t = theta_t x_0 + s_t eps (Ambrogioni 2024, Eq. A1 and Eq. 26):
 *   theta_t = exp(-a t),  s_t^2 = b^2 (1 - theta_t^2) / (2 a);
 * the variance-exploding process (Eq. 6) is its a -> 0 limit:
 *   theta_t = 1,  s_t^2 = b^2 t.
 */
#include <math.h>

#include "core/check.h"
#include "core/error.h"
#include "diffusion_impl.h"

void amem__diffusion_ab(const amem_diffusion *h, double *a, double *b2)
{
    int process = (int)AMEM__DP(h, PROCESS);
    if (process == AMEM_DIFFUSION_PROCESS_VP) {
        *a = 0.5 * AMEM__DP(h, GAMMA);
        *b2 = AMEM__DP(h, GAMMA);
    } else if (process == AMEM_DIFFUSION_PROCESS_VE) {
        *a = 0.0;
        *b2 = AMEM__DP(h, SIGMA) * AMEM__DP(h, SIGMA);
    } else {
        *a = AMEM__DP(h, ALPHA);
        *b2 = AMEM__DP(h, SIGMA) * AMEM__DP(h, SIGMA);
    }
}

void amem__diffusion_marginal(const amem_diffusion *h, double t,
                              double *theta, double *s)
{
    double a, b2;
    amem__diffusion_ab(h, &a, &b2);
    if (a == 0.0) {
        *theta = 1.0;
        *s = sqrt(b2 * t);
        return;
    }
    *theta = exp(-a * t);
    /* 1 - theta^2 = -expm1(-2 a t), accurate near the noise-free end. */
    *s = sqrt(b2 * -expm1(-2.0 * a * t) / (2.0 * a));
}

double amem__diffusion_std_of_theta(const amem_diffusion *h, double theta)
{
    double a, b2;
    amem__diffusion_ab(h, &a, &b2);
    if (a == 0.0) /* a VP cue divided by theta */
        return sqrt(1.0 - theta * theta) / theta;
    return sqrt(b2 * (1.0 - theta * theta) / (2.0 * a));
}

double amem__diffusion_time_of_theta(const amem_diffusion *h, double theta)
{
    double a, b2;
    amem__diffusion_ab(h, &a, &b2);
    if (a == 0.0) /* s_t^2 = b^2 t equal to the cue's (1 - theta^2)/theta^2 */
        return (1.0 - theta * theta) / (theta * theta * b2);
    return -log(theta) / a; /* VP: -2 log(theta) / gamma (Appendix A) */
}

int amem__diffusion_check_learned(const char *fn, const amem_diffusion *h)
{
    if ((int)AMEM__DP(h, PROCESS) == AMEM_DIFFUSION_PROCESS_VE)
        return amem__fail(AMEM_E_UNSUPPORTED, fn,
                          "the learned score is not available for the VE "
                          "process (its network takes theta_t, which is 1 "
                          "throughout); use SCORE = EXACT or PROCESS = VP");
    return AMEM_OK;
}

static int check_time(const char *fn, double t)
{
    if (!isfinite(t))
        return amem__fail(AMEM_E_NONFINITE, fn, "t is not finite");
    if (t < 0)
        return amem__fail(AMEM_E_RANGE, fn, "t = %g is negative", t);
    return AMEM_OK;
}

/* theta_t (want_std = 0) or s_t (1) into *out, arguments checked for fn. */
static int marginal_query(const char *fn, const amem_diffusion *h, double t,
                          int want_std, double *out)
{
    AMEM__CHECK_NULL(h, fn);
    AMEM__CHECK_NULL(out, fn);
    int rc = check_time(fn, t);
    if (rc != AMEM_OK)
        return rc;
    double theta, s;
    amem__diffusion_marginal(h, t, &theta, &s);
    *out = want_std ? s : theta;
    return AMEM_OK;
}

int amem_diffusion_theta(const amem_diffusion *h, double t, double *theta)
{
    return marginal_query("amem_diffusion_theta", h, t, 0, theta);
}

int amem_diffusion_noise_std(const amem_diffusion *h, double t, double *std)
{
    return marginal_query("amem_diffusion_noise_std", h, t, 1, std);
}

int amem_diffusion_t_start(const amem_diffusion *h, double theta, double *t)
{
    static const char fn[] = "amem_diffusion_t_start";
    AMEM__CHECK_NULL(h, fn);
    AMEM__CHECK_NULL(t, fn);
    if (!isfinite(theta))
        return amem__fail(AMEM_E_NONFINITE, fn, "theta is not finite");
    if (!(theta > 0 && theta <= 1))
        return amem__fail(AMEM_E_RANGE, fn, "theta = %g outside (0, 1]",
                          theta);
    *t = amem__diffusion_time_of_theta(h, theta);
    return AMEM_OK;
}

int amem_diffusion_forward(amem_diffusion *h, const float *x0, size_t n,
                           double t, float *out)
{
    static const char fn[] = "amem_diffusion_forward";
    AMEM__CHECK_NULL(h, fn);
    AMEM__CHECK_NULL(x0, fn);
    AMEM__CHECK_NULL(out, fn);
    if (n == 0)
        return amem__fail(AMEM_E_DIM, fn, "no states (n = 0)");
    int rc = amem__check_array(fn, "x0", x0, n, h->dim);
    if (rc == AMEM_OK)
        rc = check_time(fn, t);
    if (rc != AMEM_OK)
        return rc;
    double theta, s;
    amem__diffusion_marginal(h, t, &theta, &s);
    for (size_t i = 0; i < n * h->dim; i++)
        out[i] = (float)(theta * x0[i] + s * amem__rng_normal(&h->rng));
    return AMEM_OK;
}
