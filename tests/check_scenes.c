/* Check suite `scenes`: the procedural Shapes3D-like and solids generators. */
#define AMEM_EXPERIMENTAL_API /* the scene generators (docs/api.md, C17) */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assocmem/scenes.h"
#include "testutil.h"

#define PIX (3 * 64 * 64)

static float px(const float *img, int c, int r, int col)
{
    return img[c * 64 * 64 + r * 64 + col];
}

START_TEST(test_shapes3d_deterministic_and_consistent)
{
    enum { N = 24 };
    float *a = malloc(N * PIX * sizeof(float)), *b = malloc(N * PIX * sizeof(float));
    int32_t fa[N * 6], fb[N * 6];
    AMEM_ASSERT_OK(amem_shapes3d_generate(N, 42, a, fa));
    AMEM_ASSERT_OK(amem_shapes3d_generate(N, 42, b, fb));
    ck_assert(memcmp(a, b, N * PIX * sizeof(float)) == 0);
    ck_assert(memcmp(fa, fb, sizeof fa) == 0);
    /* The returned factors re-render the same images. */
    AMEM_ASSERT_OK(amem_shapes3d_render(fa, N, b));
    ck_assert(memcmp(a, b, N * PIX * sizeof(float)) == 0);
    for (int i = 0; i < N * 6; i++) {
        int lv;
        AMEM_ASSERT_OK(amem_shapes3d_levels(i % 6, &lv));
        ck_assert(fa[i] >= 0 && fa[i] < lv);
    }
    for (int i = 0; i < N * PIX; i++)
        ck_assert(a[i] >= 0.0f && a[i] <= 1.0f);
    AMEM_ASSERT_OK(amem_shapes3d_generate(N, 43, b, fb));
    ck_assert(memcmp(fa, fb, sizeof fa) != 0);
    free(a);
    free(b);
}
END_TEST

/* Each factor changes its own region only. */
START_TEST(test_shapes3d_factors_local)
{
    int32_t f[2 * 6] = {2, 5, 8, 4, AMEM_SHAPES3D_SPHERE, 7,
                        2, 5, 8, 4, AMEM_SHAPES3D_SPHERE, 7};
    float *img = malloc(2 * PIX * sizeof(float));
    f[6 + AMEM_SHAPES3D_FLOOR_HUE] = 6;
    AMEM_ASSERT_OK(amem_shapes3d_render(f, 2, img));
    const float *x = img, *y = img + PIX;
    for (int c = 0; c < 3; c++) {
        ck_assert(px(x, c, 2, 2) == px(y, c, 2, 2));     /* wall */
        ck_assert(px(x, c, 46, 32) == px(y, c, 46, 32)); /* object */
    }
    ck_assert(fabsf(px(x, 0, 62, 2) - px(y, 0, 62, 2)) +
              fabsf(px(x, 1, 62, 2) - px(y, 1, 62, 2)) +
              fabsf(px(x, 2, 62, 2) - px(y, 2, 62, 2)) > 0.1f); /* floor */
    /* Object hue: only the object moves; shape: the silhouette changes. */
    memcpy(f + 6, f, 6 * sizeof(int32_t));
    f[6 + AMEM_SHAPES3D_OBJECT_HUE] = 3;
    AMEM_ASSERT_OK(amem_shapes3d_render(f, 2, img));
    ck_assert(px(x, 0, 2, 2) == px(y, 0, 2, 2) &&
              px(x, 0, 62, 2) == px(y, 0, 62, 2));
    ck_assert(fabsf(px(x, 0, 46, 32) - px(y, 0, 46, 32)) +
              fabsf(px(x, 1, 46, 32) - px(y, 1, 46, 32)) +
              fabsf(px(x, 2, 46, 32) - px(y, 2, 46, 32)) > 0.1f);
    int diff[4] = {0};
    for (int s = 0; s < 4; s++) {
        memcpy(f + 6, f, 6 * sizeof(int32_t));
        f[6 + AMEM_SHAPES3D_SHAPE] = s;
        AMEM_ASSERT_OK(amem_shapes3d_render(f, 2, img));
        diff[s] = memcmp(x, y, PIX * sizeof(float)) != 0;
    }
    ck_assert(diff[0] && diff[1] && !diff[2] && diff[3]);
    free(img);
}
END_TEST

START_TEST(test_solids)
{
    enum { N = 20, S = 32 };
    float a[N * S * S], b[N * S * S], rot[N * 9];
    int32_t lab[N], lab2[N];
    AMEM_ASSERT_OK(amem_solids_generate(N, S, 9, a, lab, rot));
    AMEM_ASSERT_OK(amem_solids_generate(N, S, 9, b, lab2, NULL));
    ck_assert(memcmp(a, b, sizeof a) == 0 && memcmp(lab, lab2, sizeof lab) == 0);
    AMEM_ASSERT_OK(amem_solids_render(lab, rot, N, S, b));
    ck_assert(memcmp(a, b, sizeof a) == 0);
    int seen[AMEM_SOLID_COUNT] = {0};
    for (int i = 0; i < N; i++) {
        ck_assert(lab[i] >= 0 && lab[i] < AMEM_SOLID_COUNT);
        seen[lab[i]] = 1;
        /* Lit inside, black corners, every value in [0, 1]. */
        ck_assert(a[i * S * S] == 0.0f);
        ck_assert(a[i * S * S + (S / 2) * S + S / 2] > 0.1f);
    }
    for (int i = 0; i < N * S * S; i++)
        ck_assert(a[i] >= 0.0f && a[i] <= 1.0f);
    int kinds = 0;
    for (int k = 0; k < AMEM_SOLID_COUNT; k++)
        kinds += seen[k];
    ck_assert_int_ge(kinds, 4);
    /* Under the identity the cube shows one face: a uniform square of side
     * 2 r_in = 0.98 of the image half-width, centred. */
    float id[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, cube[S * S];
    int32_t c = AMEM_SOLID_CUBE;
    AMEM_ASSERT_OK(amem_solids_render(&c, id, 1, S, cube));
    ck_assert(cube[(S / 2) * S + S / 2] == cube[(S / 2 - 5) * S + S / 2 + 5]);
    ck_assert(cube[(S / 2) * S + 2] == 0.0f);
    ck_assert(cube[(S / 2) * S + 10] > 0.0f);
}
END_TEST

START_TEST(test_bad_arguments)
{
    float img[PIX];
    int32_t f[6] = {0, 0, 0, 0, 4, 0}, lab = 0;
    int lv;
    AMEM_ASSERT_STATUS(amem_shapes3d_render(f, 1, img), AMEM_E_RANGE);
    f[4] = 0;
    f[5] = -1;
    AMEM_ASSERT_STATUS(amem_shapes3d_render(f, 1, img), AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_shapes3d_render(f, 0, img), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_shapes3d_render(NULL, 1, img), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_shapes3d_generate(1, 0, NULL, f), AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_shapes3d_generate(0, 0, img, f), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_shapes3d_levels(6, &lv), AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_shapes3d_levels(0, NULL), AMEM_E_NULL);
    float rot[9] = {1, 0, 0, 0, 1, 0, 0, 0, 2};
    AMEM_ASSERT_STATUS(amem_solids_render(&lab, rot, 1, 16, img), AMEM_E_ARG);
    rot[8] = NAN;
    AMEM_ASSERT_STATUS(amem_solids_render(&lab, rot, 1, 16, img),
                       AMEM_E_NONFINITE);
    rot[8] = 1;
    lab = 5;
    AMEM_ASSERT_STATUS(amem_solids_render(&lab, rot, 1, 16, img), AMEM_E_RANGE);
    lab = 0;
    AMEM_ASSERT_STATUS(amem_solids_render(&lab, rot, 1, 4, img), AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_solids_generate(1, 600, 0, img, NULL, NULL),
                       AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_solids_generate(1, 16, 0, NULL, NULL, NULL),
                       AMEM_E_NULL);
}
END_TEST

Suite *amem_suite_scenes(void)
{
    Suite *s = suite_create("scenes");
    TCase *t = tcase_create("scenes");
    tcase_add_test(t, test_shapes3d_deterministic_and_consistent);
    tcase_add_test(t, test_shapes3d_factors_local);
    tcase_add_test(t, test_solids);
    tcase_add_test(t, test_bad_arguments);
    suite_add_tcase(s, t);
    return s;
}
