/* The MPI test harness (mpitest.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpitest.h"

int mt_rank, mt_size;
static int failed_here, cases_passed, cases_failed;

void mt_init(int *argc, char ***argv)
{
    MPI_Init(argc, argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &mt_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &mt_size);
    amem_set_num_threads(1);
}

void mt_fail(const char *file, int line, const char *what)
{
    failed_here++;
    fprintf(stderr, "rank %d: %s:%d: check failed: %s\n", mt_rank, file,
            line, what);
}

void mt_run(const char *name, void (*fn)(void))
{
    failed_here = 0;
    fn();
    int any = 0;
    MPI_Allreduce(&failed_here, &any, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    if (any == 0)
        cases_passed++;
    else
        cases_failed++;
    if (mt_rank == 0)
        printf("%s P=%d: %s\n", name, mt_size, any ? "FAILED" : "ok");
    fflush(stdout);
}

int mt_finish(void)
{
    if (mt_rank == 0)
        printf("%d passed, %d failed\n", cases_passed, cases_failed);
    MPI_Finalize();
    return cases_failed == 0 ? 0 : 1;
}

void mt_fill(float *x, size_t len, uint64_t seed)
{
    uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
    for (size_t i = 0; i < len; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        x[i] = (float)((double)(s >> 40) / (double)(1ull << 24) * 2.0 - 1.0);
    }
}

double mt_rel_diff(const float *a, const float *b, size_t len)
{
    double worst = 0;
    for (size_t i = 0; i < len; i++) {
        double e = fabs((double)a[i] - b[i]) / (1.0 + fabs((double)b[i]));
        worst = e > worst || isnan(e) ? e : worst;
    }
    return worst;
}

int mt_same_everywhere(const void *buf, size_t len)
{
    unsigned char *root = malloc(len ? len : 1);
    if (mt_rank == 0)
        memcpy(root, buf, len);
    MPI_Bcast(root, (int)len, MPI_BYTE, 0, MPI_COMM_WORLD);
    int same = memcmp(root, buf, len) == 0, all = 0;
    MPI_Allreduce(&same, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    free(root);
    return all;
}
