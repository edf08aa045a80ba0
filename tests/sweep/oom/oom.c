/*
 * Allocation-failure injection. The binary is linked against the static
 * library with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,
 * so every allocation the library makes goes through the wrappers below
 * (src/ allocates with malloc, calloc and realloc only; the allocations of
 * OpenBLAS, zlib and libc are not wrapped).
 *
 * For a representative call of each piece, the k-th allocation inside the
 * call fails, for k = 1, 2, ... until the call makes fewer than k
 * allocations (and then succeeds); once with only the k-th allocation
 * failing, once with every allocation from the k-th on failing. After each injected failure:
 *   - the call returns AMEM_E_NOMEM with a non-empty amem_last_error(), or
 *     AMEM_OK when it recovered;
 *   - a failed create/load leaves its handle output NULL;
 *   - the handle's save_mem image is what it was before the call;
 *   - the handle is usable: the same call, without injection, succeeds;
 *   - nothing leaks: allocations and frees balance over the whole round
 *     (set-up, call, reuse, release). Under ASan, LeakSanitizer checks the
 *     same at the end of each call's rounds.
 * Prints the number of allocation sites failed and of leaks found.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sweep.h"

#if defined(__has_feature)
#  if __has_feature(address_sanitizer)
#    define OOM_LSAN 1
#  endif
#elif defined(__SANITIZE_ADDRESS__)
#  define OOM_LSAN 1
#endif
#ifdef OOM_LSAN
#  include <sanitizer/lsan_interface.h>
#endif

/* ---- the wrappers --------------------------------------------------------- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);

static atomic_long fail_at;   /* 0 = disarmed; else the failing allocation */
static atomic_int persistent; /* 1: every allocation from fail_at on fails */
static atomic_long seen;      /* allocations while armed */
static atomic_long live;      /* allocations minus frees (wrapped ones) */

static int injected(void)
{
    long k = atomic_load(&fail_at);
    if (k == 0)
        return 0;
    long n = atomic_fetch_add(&seen, 1) + 1;
    return n == k || (n > k && atomic_load(&persistent));
}

void *__wrap_malloc(size_t n)
{
    if (injected())
        return NULL;
    void *p = __real_malloc(n);
    if (p)
        atomic_fetch_add(&live, 1);
    return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
    if (injected())
        return NULL;
    void *p = __real_calloc(n, size);
    if (p)
        atomic_fetch_add(&live, 1);
    return p;
}

void *__wrap_realloc(void *old, size_t n)
{
    if (injected())
        return NULL;
    void *p = __real_realloc(old, n);
    if (p && !old)
        atomic_fetch_add(&live, 1);
    return p;
}

void __wrap_free(void *p)
{
    if (p)
        atomic_fetch_sub(&live, 1);
    __real_free(p);
}

static void arm(long k)
{
    atomic_store(&seen, 0);
    atomic_store(&fail_at, k);
}

static long disarm(void)
{
    atomic_store(&fail_at, 0);
    return atomic_load(&seen);
}

/* ---- the calls under test ------------------------------------------------------ */

typedef struct oom_call {
    const char *name;
    void *(*setup)(void);                  /* the handle, or NULL */
    int (*call)(void *h, void **made);     /* *made: a new handle */
    sw_save_fn save;                       /* image of setup's handle */
    void (*release)(void *h);              /* frees setup's and made */
} oom_call;

#define HANDLE_FNS(piece)                                                   \
    static int save_##piece(const void *h, void **d, size_t *n)            \
    { return amem_##piece##_save_mem((const amem_##piece *)h, d, n); }     \
    static void release_##piece(void *h) { amem_##piece##_free(h); }
HANDLE_FNS(hopfield)
HANDLE_FNS(kvmem)
HANDLE_FNS(tvt)
HANDLE_FNS(dam)
HANDLE_FNS(vae)
HANDLE_FNS(diffusion)
HANDLE_FNS(probe)

static size_t image_len;
static void *image_of(const char *piece) { return (void *)sw_image(piece, &image_len); }

/* hopfield */
static void *hop_empty(void) { return sw_hopfield(AMEM_HOPFIELD_MODERN, 0, 0); }
static void *hop_stored(void) { return sw_hopfield(AMEM_HOPFIELD_MODERN, 0, 1); }
static void *hop_image(void) { return image_of("hopfield"); }
static void *hop_stored_f64(void)
{
    amem_hopfield *h = sw_hopfield(AMEM_HOPFIELD_MODERN, 0, 1);
    if (h && amem_hopfield_set(h, AMEM_HOPFIELD_PRECISION,
                               AMEM_HOPFIELD_PRECISION_FLOAT64) != AMEM_OK) {
        amem_hopfield_free(h);
        return NULL;
    }
    return h;
}
static int hop_create(void *h, void **made)
{ (void)h; return amem_hopfield_create(AMEM_HOPFIELD_MODERN, SW_D, 0, (amem_hopfield **)made); }
static int hop_store(void *h, void **m) { (void)m; return amem_hopfield_store(h, sw_pm(0), 3); }
static int hop_recall(void *h, void **m)
{ (void)m; return amem_hopfield_recall(h, sw_pm(0), SW_N, NULL, SW_OUT(float, 0), NULL, SW_OUT(float, 1)); }
static int hop_save(void *h, void **m) { size_t n; return amem_hopfield_save_mem(h, m, &n); }
static int hop_load(void *img, void **made)
{ return amem_hopfield_load_mem(img, image_len, (amem_hopfield **)made); }

/* kvmem */
static void *kv_new(void) { return sw_kvmem(); }
static void *kv_image(void) { return image_of("kvmem"); }
static int kv_create(void *h, void **made)
{ (void)h; return amem_kvmem_create(SW_D, SW_SLOTS, SW_D, (amem_kvmem **)made); }
static int kv_write(void *h, void **m) { (void)m; return amem_kvmem_write(h, sw_pm(0), NULL, 1.0); }
static int kv_read(void *h, void **m)
{ (void)m; return amem_kvmem_read(h, sw_pm(0), SW_N, SW_OUT(float, 0), SW_OUT(float, 1)); }
static int kv_train(void *h, void **m) { (void)m; return amem_kvmem_train(h, 1, NULL, NULL, NULL); }
static int kv_save(void *h, void **m) { size_t n; return amem_kvmem_save_mem(h, m, &n); }
static int kv_load(void *img, void **made)
{ return amem_kvmem_load_mem(img, image_len, (amem_kvmem **)made); }

/* tvt */
static void *tvt_new(void) { return sw_tvt(); }
static void *tvt_image(void) { return image_of("tvt"); }
static int tvt_create(void *h, void **made)
{ (void)h; return amem_tvt_create(SW_D, SW_SLOTS, SW_D, (amem_tvt **)made); }
static int tvt_write(void *h, void **m) { (void)m; return amem_tvt_write(h, sw_pm(0), NULL); }
static int tvt_read(void *h, void **m)
{ (void)m; return amem_tvt_read(h, sw_pm(0), SW_N, SW_OUT(float, 0), SW_OUT(float, 1)); }
static int tvt_train(void *h, void **m) { (void)m; return amem_tvt_train(h, 1, NULL, NULL, NULL); }
static int tvt_save(void *h, void **m) { size_t n; return amem_tvt_save_mem(h, m, &n); }
static int tvt_load(void *img, void **made)
{ return amem_tvt_load_mem(img, image_len, (amem_tvt **)made); }

/* dam */
static void *dam_new(void) { return sw_dam(1); }
static void *dam_image(void) { return image_of("dam"); }
static int dam_create(void *h, void **made)
{ (void)h; return amem_dam_create(SW_D, SW_SLOTS, (amem_dam **)made); }
static int dam_data(void *h, void **m) { (void)m; return amem_dam_set_data(h, sw_pm(1), NULL, 3); }
static int dam_recall(void *h, void **m)
{ (void)m; return amem_dam_recall(h, sw_pm(0), SW_N, NULL, SW_OUT(float, 0), NULL, SW_OUT(float, 1)); }
static int dam_train(void *h, void **m) { (void)m; return amem_dam_train(h, 1, NULL, NULL, NULL); }
static int dam_save(void *h, void **m) { size_t n; return amem_dam_save_mem(h, m, &n); }
static int dam_load(void *img, void **made)
{ return amem_dam_load_mem(img, image_len, (amem_dam **)made); }

/* vae */
static void *vae_unbuilt(void) { return sw_vae(0); }
static void *vae_built(void) { return sw_vae(1); }
static void *vae_image(void) { return image_of("vae"); }
static int vae_create(void *h, void **made)
{ (void)h; return amem_vae_create(1, 4, 4, (amem_vae **)made); }
static int vae_build(void *h, void **m) { (void)m; return amem_vae_build(h); }
static int vae_train(void *h, void **m)
{ (void)m; return amem_vae_train(h, 1, NULL, NULL, NULL); }
static int vae_encode(void *h, void **m)
{ (void)m; return amem_vae_encode(h, sw_unit(0), SW_N, SW_OUT(float, 0), SW_OUT(float, 1)); }
static int vae_save(void *h, void **m) { size_t n; return amem_vae_save_mem(h, m, &n); }
static int vae_load(void *img, void **made)
{ return amem_vae_load_mem(img, image_len, (amem_vae **)made); }

/* diffusion */
static void *dif_empty(void) { return sw_diffusion(0); }
static void *dif_stored(void) { return sw_diffusion(1); }
static void *dif_image(void) { return image_of("diffusion"); }
static void *dif_stored_f64(void)
{
    amem_diffusion *h = sw_diffusion(1);
    if (h && amem_diffusion_set(h, AMEM_DIFFUSION_PRECISION,
                                AMEM_DIFFUSION_PRECISION_FLOAT64) != AMEM_OK) {
        amem_diffusion_free(h);
        return NULL;
    }
    return h;
}
static int dif_create(void *h, void **made)
{ (void)h; return amem_diffusion_create(SW_D, (amem_diffusion **)made); }
static int dif_store(void *h, void **m) { (void)m; return amem_diffusion_store(h, sw_pm(0), 3); }
static int dif_recall(void *h, void **m)
{ (void)m; return amem_diffusion_recall(h, sw_pm(0), SW_N, NULL, SW_OUT(float, 0), NULL); }
static int dif_train(void *h, void **m) { (void)m; return amem_diffusion_train(h, 2, NULL, NULL, NULL); }
static int dif_save(void *h, void **m) { size_t n; return amem_diffusion_save_mem(h, m, &n); }
static int dif_load(void *img, void **made)
{ return amem_diffusion_load_mem(img, image_len, (amem_diffusion **)made); }

/* probe */
static void *probe_new(void) { return sw_probe(0); }
static void *probe_fitted(void) { return sw_probe(1); }
static int probe_create(void *h, void **made)
{ (void)h; return amem_probe_create(AMEM_PROBE_SVC, (amem_probe **)made); }
static int probe_fit(void *h, void **m)
{ (void)m; return amem_probe_fit(h, sw_pm(0), sw_labels(), 4, SW_D, NULL, NULL); }
static int probe_predict(void *h, void **m)
{ (void)m; return amem_probe_predict(h, sw_pm(0), SW_N, SW_D, SW_OUT(int32_t, 0)); }

static void release_image(void *img) { amem_free(img); }

/* Saving to and loading from a file (through the shared model-file code). */
#define FILE_CALLS(piece)                                                   \
    static int piece##_save_file(void *h, void **m)                        \
    { (void)m; return amem_##piece##_save(h, sw_tmp_path()); }             \
    static void *piece##_path(void) { return (void *)sw_path(#piece); }    \
    static int piece##_load_file(void *path, void **made)                  \
    { return amem_##piece##_load(path, (amem_##piece **)made); }
FILE_CALLS(hopfield)
FILE_CALLS(kvmem)
FILE_CALLS(tvt)
FILE_CALLS(dam)
FILE_CALLS(vae)
FILE_CALLS(diffusion)
FILE_CALLS(probe)
static void *probe_image(void) { return image_of("probe"); }
static int probe_load(void *img, void **made)
{ return amem_probe_load_mem(img, image_len, (amem_probe **)made); }
static int probe_save(void *h, void **m) { size_t n; return amem_probe_save_mem(h, m, &n); }

/* Calls whose *made is a library buffer (save_mem), not a handle. */
#define BUFFER_OUT amem_free

static const struct {
    oom_call c;
    void (*release_made)(void *);
} calls[] = {
    {{"hopfield_create", NULL, hop_create, NULL, NULL}, release_hopfield},
    {{"hopfield_store", hop_empty, hop_store, save_hopfield, release_hopfield}, NULL},
    {{"hopfield_recall", hop_stored, hop_recall, save_hopfield, release_hopfield}, NULL},
    {{"hopfield_recall_f64", hop_stored_f64, hop_recall, save_hopfield, release_hopfield}, NULL},
    {{"hopfield_save_mem", hop_stored, hop_save, save_hopfield, release_hopfield}, BUFFER_OUT},
    {{"hopfield_load_mem", hop_image, hop_load, NULL, release_image}, release_hopfield},
    {{"kvmem_create", NULL, kv_create, NULL, NULL}, release_kvmem},
    {{"kvmem_write", kv_new, kv_write, save_kvmem, release_kvmem}, NULL},
    {{"kvmem_read", kv_new, kv_read, save_kvmem, release_kvmem}, NULL},
    {{"kvmem_meta_train", kv_new, kv_train, save_kvmem, release_kvmem}, NULL},
    {{"kvmem_save_mem", kv_new, kv_save, save_kvmem, release_kvmem}, BUFFER_OUT},
    {{"kvmem_load_mem", kv_image, kv_load, NULL, release_image}, release_kvmem},
    {{"tvt_create", NULL, tvt_create, NULL, NULL}, release_tvt},
    {{"tvt_write", tvt_new, tvt_write, save_tvt, release_tvt}, NULL},
    {{"tvt_read", tvt_new, tvt_read, save_tvt, release_tvt}, NULL},
    {{"tvt_train", tvt_new, tvt_train, save_tvt, release_tvt}, NULL},
    {{"tvt_save_mem", tvt_new, tvt_save, save_tvt, release_tvt}, BUFFER_OUT},
    {{"tvt_load_mem", tvt_image, tvt_load, NULL, release_image}, release_tvt},
    {{"dam_create", NULL, dam_create, NULL, NULL}, release_dam},
    {{"dam_set_data", dam_new, dam_data, save_dam, release_dam}, NULL},
    {{"dam_recall", dam_new, dam_recall, save_dam, release_dam}, NULL},
    {{"dam_train", dam_new, dam_train, save_dam, release_dam}, NULL},
    {{"dam_save_mem", dam_new, dam_save, save_dam, release_dam}, BUFFER_OUT},
    {{"dam_load_mem", dam_image, dam_load, NULL, release_image}, release_dam},
    {{"vae_create", NULL, vae_create, NULL, NULL}, release_vae},
    {{"vae_build", vae_unbuilt, vae_build, save_vae, release_vae}, NULL},
    {{"vae_train", vae_built, vae_train, save_vae, release_vae}, NULL},
    {{"vae_encode", vae_built, vae_encode, save_vae, release_vae}, NULL},
    {{"vae_save_mem", vae_built, vae_save, save_vae, release_vae}, BUFFER_OUT},
    {{"vae_load_mem", vae_image, vae_load, NULL, release_image}, release_vae},
    {{"diffusion_create", NULL, dif_create, NULL, NULL}, release_diffusion},
    {{"diffusion_store", dif_empty, dif_store, save_diffusion, release_diffusion}, NULL},
    {{"diffusion_recall", dif_stored, dif_recall, save_diffusion, release_diffusion}, NULL},
    {{"diffusion_recall_f64", dif_stored_f64, dif_recall, save_diffusion, release_diffusion}, NULL},
    {{"diffusion_train", dif_stored, dif_train, save_diffusion, release_diffusion}, NULL},
    {{"diffusion_save_mem", dif_stored, dif_save, save_diffusion, release_diffusion}, BUFFER_OUT},
    {{"diffusion_load_mem", dif_image, dif_load, NULL, release_image}, release_diffusion},
    {{"hopfield_save", hop_stored, hopfield_save_file, save_hopfield, release_hopfield}, NULL},
    {{"hopfield_load", hopfield_path, hopfield_load_file, NULL, NULL}, release_hopfield},
    {{"kvmem_save", kv_new, kvmem_save_file, save_kvmem, release_kvmem}, NULL},
    {{"kvmem_load", kvmem_path, kvmem_load_file, NULL, NULL}, release_kvmem},
    {{"tvt_save", tvt_new, tvt_save_file, save_tvt, release_tvt}, NULL},
    {{"tvt_load", tvt_path, tvt_load_file, NULL, NULL}, release_tvt},
    {{"dam_save", dam_new, dam_save_file, save_dam, release_dam}, NULL},
    {{"dam_load", dam_path, dam_load_file, NULL, NULL}, release_dam},
    {{"vae_save", vae_built, vae_save_file, save_vae, release_vae}, NULL},
    {{"vae_load", vae_path, vae_load_file, NULL, NULL}, release_vae},
    {{"diffusion_save", dif_stored, diffusion_save_file, save_diffusion, release_diffusion}, NULL},
    {{"diffusion_load", diffusion_path, diffusion_load_file, NULL, NULL}, release_diffusion},
    {{"probe_create", NULL, probe_create, NULL, NULL}, release_probe},
    {{"probe_fit", probe_new, probe_fit, save_probe, release_probe}, NULL},
    {{"probe_predict", probe_fitted, probe_predict, save_probe, release_probe}, NULL},
    {{"probe_save_mem", probe_fitted, probe_save, save_probe, release_probe}, BUFFER_OUT},
    {{"probe_load_mem", probe_image, probe_load, NULL, release_image}, release_probe},
    {{"probe_save", probe_fitted, probe_save_file, save_probe, release_probe}, NULL},
    {{"probe_load", probe_path, probe_load_file, NULL, NULL}, release_probe},
};

/* ---- one round: set up, inject at k, judge, release ---------------------------- */

static long failures, leaks, lsan_leaks;

static void wrong(const char *name, long k, const char *what, int rc)
{
    fprintf(stderr, "FAIL %s, allocation %ld failed: %s (status %s: %s)\n",
            name, k, what, amem_strerror(rc), amem_last_error());
    failures++;
}

static int same_image(const oom_call *c, void *h, void *before, size_t len)
{
    void *after = NULL;
    size_t after_len = 0;
    int same = c->save(h, &after, &after_len) == AMEM_OK
               && after_len == len && memcmp(after, before, len) == 0;
    amem_free(after);
    return same;
}

/* Returns the number of allocations the call made (< k: it ran through). */
static long round_at(size_t which, long k)
{
    const oom_call *c = &calls[which].c;
    long live_before = atomic_load(&live);
    void *h = c->setup ? c->setup() : NULL;
    void *before = NULL, *made = NULL;
    size_t len = 0;
    if (c->save && c->save(h, &before, &len) != AMEM_OK)
        wrong(c->name, k, "no image before the call", AMEM_OK);
    arm(k);
    int rc = c->call(h, &made);
    long allocations = disarm();
    if (allocations >= k) {
        if (rc != AMEM_OK && rc != AMEM_E_NOMEM)
            wrong(c->name, k, "status is not AMEM_E_NOMEM", rc);
        if (rc == AMEM_E_NOMEM && amem_last_error()[0] == '\0')
            wrong(c->name, k, "empty amem_last_error()", rc);
        if (rc != AMEM_OK && made != NULL)
            wrong(c->name, k, "output not NULL after the failure", rc);
        if (rc != AMEM_OK && c->save && !same_image(c, h, before, len))
            wrong(c->name, k, "the failed call changed the handle", rc);
        if (rc != AMEM_OK && h) {
            void *made2 = NULL;
            int again = c->call(h, &made2);
            if (again != AMEM_OK)
                wrong(c->name, k, "handle not usable after the failure", again);
            if (made2 && calls[which].release_made)
                calls[which].release_made(made2);
        }
    } else if (rc != AMEM_OK) {
        wrong(c->name, k, "the call failed without an injected failure", rc);
    }
    if (made && calls[which].release_made)
        calls[which].release_made(made);
    amem_free(before);
    if (c->release && h)
        c->release(h);
    if (atomic_load(&live) != live_before) {
        fprintf(stderr, "LEAK %s, allocation %ld failed: %ld allocations "
                "not freed\n", c->name, k, atomic_load(&live) - live_before);
        leaks++;
        atomic_store(&live, live_before);
    }
    return allocations;
}

static long run_all(int mode)
{
    long sites = 0;
    atomic_store(&persistent, mode);
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        long k = 1, n_sites = 0;
        while (round_at(i, k) >= k && k < 100000)
            k++, n_sites++;
        sites += n_sites;
        printf("oom: %-20s %3ld allocation sites failed (%s)\n",
               calls[i].c.name, n_sites, mode ? "and every later one" : "once");
#ifdef OOM_LSAN
        if (__lsan_do_recoverable_leak_check()) {
            fprintf(stderr, "LEAK (LeakSanitizer) in %s\n", calls[i].c.name);
            lsan_leaks++;
        }
#endif
    }
    return sites;
}

int main(void)
{
    amem_set_num_threads(1);
    long once = run_all(0);
    long persistent_sites = run_all(1);
    sw_cleanup();
    sw_cleanup_after((long)getpid());
    printf("oom: %zu calls, %ld allocation sites failed (%ld failing once, "
           "%ld failing with every later allocation), %ld wrong, %ld leaks "
           "(unbalanced rounds), %ld LeakSanitizer reports\n",
           sizeof calls / sizeof calls[0], once + persistent_sites, once,
           persistent_sites, failures, leaks, lsan_leaks);
    return failures + leaks + lsan_leaks == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
