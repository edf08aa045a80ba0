/*
 * Several handles used from several threads at once, round after round:
 * each worker thread owns a modern Hopfield memory, a diffusion memory
 * with a learned score, a small VAE and a key-value memory, and per round
 * stores, recalls (on the worker pool: the sizes are above the split
 * thresholds), trains, saves and loads each (in memory and through a
 * file); one more thread keeps changing the library's thread count. A
 * saved handle must load back and save to the same bytes, and every
 * output must be finite.
 *
 * Used by `make check-tsan` (a few rounds under ThreadSanitizer) and by
 * `make soak` (a fixed time, printing the resident set size as it goes).
 *
 * usage: stress [--seconds S] [--rounds R] [--threads T] [--every S]
 *   stops after S seconds (default 600) or R rounds per thread, whichever
 *   comes first; T worker threads (3); RSS printed every S seconds (30).
 * Exit status 0 when every call succeeded and every check held.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "assocmem/diffusion.h"
#include "assocmem/hopfield.h"
#include "assocmem/kvmem.h"
#include "assocmem/vae.h"

#define MAX_THREADS 16

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Resident set size in KiB (-1 without /proc). */
static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "VmRSS: %ld", &kib) == 1)
            break;
    if (f != NULL)
        fclose(f);
    return kib;
}

typedef struct worker {
    int id;
    long rounds_done; /* written by the worker, read by the watcher */
    int failures;     /* (both atomically) */
    char what[160]; /* the first failure */
    uint64_t rng;
} worker;

static struct {
    double deadline;
    long max_rounds;
    int stop; /* under stop_lock */
    pthread_mutex_t stop_lock;
} run = {0, 0, 0, PTHREAD_MUTEX_INITIALIZER};

static int should_stop(void)
{
    pthread_mutex_lock(&run.stop_lock);
    int stop = run.stop || now() >= run.deadline;
    pthread_mutex_unlock(&run.stop_lock);
    return stop;
}

static int fail(worker *w, const char *what, int rc)
{
    if (__atomic_fetch_add(&w->failures, 1, __ATOMIC_RELAXED) == 0)
        snprintf(w->what, sizeof w->what, "%s: %s (%s)", what,
                 amem_strerror(rc), amem_last_error());
    return 0;
}

#define OK(w, call)                                                           \
    do {                                                                      \
        int rc_ = (call);                                                     \
        if (rc_ != AMEM_OK)                                                   \
            return fail((w), #call, rc_);                                     \
    } while (0)

static float uniform(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (float)((*s >> 40) * (1.0 / 16777216.0));
}

static void fill(float *x, size_t n, uint64_t *s, float lo, float hi)
{
    for (size_t i = 0; i < n; i++)
        x[i] = lo + (hi - lo) * uniform(s);
}

static int all_finite(const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return 0;
    return 1;
}

/* Two saves compare equal byte for byte. */
static int same_bytes(worker *w, const char *what, void *a, size_t la, void *b,
                      size_t lb)
{
    int same = la == lb && memcmp(a, b, la) == 0;
    amem_free(a);
    amem_free(b);
    if (!same)
        return fail(w, what, AMEM_OK);
    return 1;
}

/* ---- the pieces ----------------------------------------------------- */

enum { HD = 64, HN = 1000, HB = 600 }; /* 38 M multiply-adds: 2 jobs */

static int hopfield_round(worker *w, amem_hopfield *h, float *buf, int file)
{
    float *y = buf, *q = buf + HN * HD, *out = q + HB * HD;
    fill(y, HN * HD, &w->rng, -1, 1);
    fill(q, HB * HD, &w->rng, -1, 1);
    OK(w, amem_hopfield_clear(h));
    OK(w, amem_hopfield_store(h, y, HN));
    OK(w, amem_hopfield_recall(h, q, HB, NULL, out, NULL, NULL));
    if (!all_finite(out, HB * HD))
        return fail(w, "hopfield recall: non-finite output", AMEM_OK);
    void *a, *b;
    size_t la, lb;
    amem_hopfield *copy = NULL;
    OK(w, amem_hopfield_save_mem(h, &a, &la));
    if (file) {
        char path[256];
        snprintf(path, sizeof path, "%s/amem-stress-%ld-%d.amem",
                 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid(),
                 w->id);
        OK(w, amem_hopfield_save(h, path));
        OK(w, amem_hopfield_load(path, &copy));
        remove(path);
    } else {
        OK(w, amem_hopfield_load_mem(a, la, &copy));
    }
    int rc = amem_hopfield_save_mem(copy, &b, &lb);
    amem_hopfield_free(copy);
    if (rc != AMEM_OK) {
        amem_free(a);
        return fail(w, "hopfield save_mem of the copy", rc);
    }
    return same_bytes(w, "hopfield: load/save changed the bytes", a, la, b,
                      lb);
}

enum { DD = 8, DN = 16, DQ = 64 };

static amem_diffusion *make_diffusion(void)
{
    amem_diffusion *h = NULL;
    if (amem_diffusion_create(DD, &h) != AMEM_OK)
        return NULL;
    amem_diffusion_set(h, AMEM_DIFFUSION_SCORE, AMEM_DIFFUSION_SCORE_LEARNED);
    amem_diffusion_set(h, AMEM_DIFFUSION_HIDDEN, 64);
    amem_diffusion_set(h, AMEM_DIFFUSION_STEPS, 10);
    return h;
}

static int diffusion_round(worker *w, amem_diffusion *h, float *buf)
{
    float *y = buf, *q = buf + DN * DD, *out = q + DQ * DD;
    fill(y, DN * DD, &w->rng, -1, 1);
    fill(q, DQ * DD, &w->rng, -1, 1);
    OK(w, amem_diffusion_clear(h));
    OK(w, amem_diffusion_store(h, y, DN));
    OK(w, amem_diffusion_train(h, 4, NULL, NULL, NULL));
    OK(w, amem_diffusion_recall(h, q, DQ, NULL, out, NULL));
    if (!all_finite(out, DQ * DD))
        return fail(w, "diffusion recall: non-finite output", AMEM_OK);
    void *a, *b;
    size_t la, lb;
    amem_diffusion *copy = NULL;
    OK(w, amem_diffusion_save_mem(h, &a, &la));
    int rc = amem_diffusion_load_mem(a, la, &copy);
    if (rc == AMEM_OK)
        rc = amem_diffusion_save_mem(copy, &b, &lb);
    amem_diffusion_free(copy);
    if (rc != AMEM_OK) {
        amem_free(a);
        return fail(w, "diffusion load_mem/save_mem", rc);
    }
    return same_bytes(w, "diffusion: load/save changed the bytes", a, la, b,
                      lb);
}

/* 1 x 8 x 8 images, two stride-2 convolutions, latent 3. */
static amem_vae *make_vae(uint64_t seed)
{
    amem_vae *v = NULL;
    if (amem_vae_create(1, 8, 8, &v) != AMEM_OK)
        return NULL;
    int rc = amem_vae_set(v, AMEM_VAE_LATENT, 3);
    if (rc == AMEM_OK)
        rc = amem_vae_set(v, AMEM_VAE_SEED, (double)seed);
    if (rc == AMEM_OK)
        rc = amem_vae_add_encoder_conv(v, 4, 3, 2, 1);
    if (rc == AMEM_OK)
        rc = amem_vae_add_encoder_conv(v, 6, 3, 2, 1);
    if (rc == AMEM_OK)
        rc = amem_vae_add_decoder_conv(v, 2, 4, 3, 1, 1);
    if (rc == AMEM_OK)
        rc = amem_vae_add_decoder_conv(v, 2, 1, 3, 1, 1);
    if (rc == AMEM_OK)
        rc = amem_vae_build(v);
    if (rc != AMEM_OK) {
        amem_vae_free(v);
        return NULL;
    }
    return v;
}

enum { VN = 32 }; /* 32 rows: split over 2 jobs */

static int vae_round(worker *w, amem_vae *v, float *buf)
{
    float *x = buf, *mu = x + VN * 64, *lv = mu + VN * 3, *y = lv + VN * 3;
    fill(x, VN * 64, &w->rng, 0, 1);
    size_t steps = 0;
    OK(w, amem_vae_set_data(v, x, VN));
    OK(w, amem_vae_steps_per_epoch(v, &steps));
    OK(w, amem_vae_train(v, steps, NULL, NULL, NULL));
    OK(w, amem_vae_encode(v, x, VN, mu, lv));
    OK(w, amem_vae_decode(v, mu, VN, y));
    if (!all_finite(y, VN * 64) || !all_finite(mu, VN * 3))
        return fail(w, "vae: non-finite output", AMEM_OK);
    void *a, *b;
    size_t la, lb;
    amem_vae *copy = NULL;
    OK(w, amem_vae_save_mem(v, &a, &la));
    int rc = amem_vae_load_mem(a, la, &copy);
    if (rc == AMEM_OK)
        rc = amem_vae_save_mem(copy, &b, &lb);
    amem_vae_free(copy);
    if (rc != AMEM_OK) {
        amem_free(a);
        return fail(w, "vae load_mem/save_mem", rc);
    }
    return same_bytes(w, "vae: load/save changed the bytes", a, la, b, lb);
}

enum { KD = 128, KN = 256 };

static int kvmem_round(worker *w, amem_kvmem *h, float *buf)
{
    float *k = buf, *out = buf + 8 * KD;
    fill(k, 8 * KD, &w->rng, -1, 1);
    OK(w, amem_kvmem_write_many(h, k, NULL, NULL, 8));
    OK(w, amem_kvmem_read(h, k, 1, out, NULL));
    OK(w, amem_kvmem_read(h, k, 8, out, NULL));
    if (!all_finite(out, 8 * KD))
        return fail(w, "kvmem read: non-finite output", AMEM_OK);
    void *a, *b;
    size_t la, lb;
    amem_kvmem *copy = NULL;
    OK(w, amem_kvmem_save_mem(h, &a, &la));
    int rc = amem_kvmem_load_mem(a, la, &copy);
    if (rc == AMEM_OK)
        rc = amem_kvmem_save_mem(copy, &b, &lb);
    amem_kvmem_free(copy);
    if (rc != AMEM_OK) {
        amem_free(a);
        return fail(w, "kvmem load_mem/save_mem", rc);
    }
    return same_bytes(w, "kvmem: load/save changed the bytes", a, la, b, lb);
}

/* ---- threads ---------------------------------------------------------- */

static void *worker_main(void *arg)
{
    worker *w = arg;
    amem_hopfield *hop = NULL;
    amem_kvmem *kv = NULL;
    amem_diffusion *dif = make_diffusion();
    amem_vae *vae = make_vae((uint64_t)w->id + 1);
    float *buf = malloc((HN + 2 * HB) * HD * sizeof(float));
    if (amem_hopfield_create(AMEM_HOPFIELD_MODERN, HD, 0, &hop) != AMEM_OK ||
        amem_hopfield_set(hop, AMEM_HOPFIELD_MAX_STEPS, 2) != AMEM_OK ||
        amem_kvmem_create(KD, KN, KD, &kv) != AMEM_OK || dif == NULL ||
        vae == NULL || buf == NULL)
        fail(w, "creating the handles", AMEM_E_NOMEM);
    while (w->failures == 0 && w->rounds_done < run.max_rounds &&
           !should_stop()) {
        int file = w->rounds_done % 10 == 0;
        if (!hopfield_round(w, hop, buf, file) ||
            !diffusion_round(w, dif, buf) || !vae_round(w, vae, buf) ||
            !kvmem_round(w, kv, buf))
            break;
        __atomic_add_fetch(&w->rounds_done, 1, __ATOMIC_RELAXED);
    }
    amem_hopfield_free(hop);
    amem_diffusion_free(dif);
    amem_vae_free(vae);
    amem_kvmem_free(kv);
    free(buf);
    return NULL;
}

/* Keeps changing the thread count while the workers run. */
static void *count_changer(void *arg)
{
    long *changes = arg;
    struct timespec pause = {0, 2000000}; /* 2 ms */
    for (int i = 0; !should_stop(); i++) {
        amem_set_num_threads(1 + i % 3);
        (*changes)++;
        nanosleep(&pause, NULL);
    }
    return NULL;
}

static void stop_all(void)
{
    pthread_mutex_lock(&run.stop_lock);
    run.stop = 1;
    pthread_mutex_unlock(&run.stop_lock);
}

/* Print RSS every `every` seconds until the workers are done. */
static void watch(worker *w, int threads, double t0, double every)
{
    double next = t0 + every;
    struct timespec tick = {0, 100000000}; /* 0.1 s */
    for (;;) {
        int done = 1;
        for (int k = 0; k < threads; k++)
            done &= __atomic_load_n(&w[k].rounds_done, __ATOMIC_RELAXED) >=
                        run.max_rounds ||
                    __atomic_load_n(&w[k].failures, __ATOMIC_RELAXED) > 0;
        if (done || should_stop())
            return;
        if (now() >= next) {
            long rounds = 0;
            for (int k = 0; k < threads; k++)
                rounds += __atomic_load_n(&w[k].rounds_done, __ATOMIC_RELAXED);
            printf("t=%.0f s rss=%ld KiB rounds=%ld\n", now() - t0, rss_kib(),
                   rounds);
            fflush(stdout);
            next += every;
        }
        nanosleep(&tick, NULL);
    }
}

int main(int argc, char **argv)
{
    double seconds = 600, every = 30;
    int threads = 3;
    run.max_rounds = 1L << 40;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--seconds") == 0)
            seconds = atof(argv[i + 1]);
        else if (strcmp(argv[i], "--rounds") == 0)
            run.max_rounds = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--threads") == 0)
            threads = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--every") == 0)
            every = atof(argv[i + 1]);
    }
    if (threads < 1 || threads > MAX_THREADS)
        threads = 3;
    worker w[MAX_THREADS];
    pthread_t tid[MAX_THREADS], changer;
    long changes = 0;
    double t0 = now();
    run.deadline = t0 + seconds;
    printf("start rss=%ld KiB, %d threads, %.0f s at most\n", rss_kib(),
           threads, seconds);
    fflush(stdout);
    for (int k = 0; k < threads; k++) {
        w[k] = (worker){.id = k, .rng = 0x9e3779b97f4a7c15ULL * (k + 1)};
        if (pthread_create(&tid[k], NULL, worker_main, &w[k]) != 0)
            return 2;
    }
    if (pthread_create(&changer, NULL, count_changer, &changes) != 0)
        return 2;
    watch(w, threads, t0, every);
    for (int k = 0; k < threads; k++)
        pthread_join(tid[k], NULL);
    stop_all();
    pthread_join(changer, NULL);
    long rounds = 0;
    int failures = 0;
    for (int k = 0; k < threads; k++) {
        rounds += w[k].rounds_done;
        failures += w[k].failures;
        if (w[k].failures)
            printf("thread %d: %s\n", k, w[k].what);
    }
    printf("end t=%.0f s rss=%ld KiB rounds=%ld count changes=%ld "
           "failures=%d\n",
           now() - t0, rss_kib(), rounds, changes, failures);
    return failures == 0 ? 0 : 1;
}
