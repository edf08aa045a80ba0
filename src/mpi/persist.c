/*
 * Save and load of the sharded store (mpi.h). A save directory holds, for
 * generation G of P ranks, the files of each shard r (shardfile.c)
 *     shard-G-r-of-P.amem   the shard as a Hopfield model file
 *     shard-G-r-of-P.ids    its ids
 * and the manifest, written last by rank 0 (the commit point):
 *     assocmem-mpi-hopfield 1
 *     generation G
 *     ranks P
 *     dim d
 *     value_dim m
 *     count N
 *     next_id I
 *     merge X
 *     shard r n crc(.amem) crc(.ids)      (one line per shard; crc: the
 *                                          CRC-32 of all but the last 4 bytes)
 * A save writes generation G + 1 beside the files of G, then the manifest,
 * then removes the files of G: a crash before the manifest's rename leaves
 * G loadable. A load on P' ranks reads on rank r' the shards s with
 * s = r' mod gcd(P, P') (the only ones holding ids = r' mod P') and keeps
 * the rows whose id mod P' is r'.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shardfile.h"

enum { PATH_LEN = 4096, MANIFEST_MAX = 1 << 24 };

typedef struct manifest {
    uint64_t generation, ranks, dim, value_dim, count, next_id, merge;
    uint64_t *rows;         /* ranks entries */
    uint32_t *crc_model;    /* ranks entries */
    uint32_t *crc_ids;      /* ranks entries */
} manifest;

/* A file's fingerprint for the manifest: the CRC-32 of all but its last 4
 * bytes (both kinds of file end with the CRC-32 of what precedes it, and
 * the CRC of data followed by its own CRC is the same for every file). */
static uint32_t fingerprint(const unsigned char *data, size_t len)
{
    return len < 4 ? 0 : amem_mpi__crc(data, len - 4);
}

static int shard_path(char *buf, const char *dir, uint64_t gen, uint64_t r,
                      uint64_t P, const char *ext)
{
    int len = snprintf(buf, PATH_LEN, "%s/shard-%" PRIu64 "-%" PRIu64
                       "-of-%" PRIu64 ".%s", dir, gen, r, P, ext);
    return len > 0 && len < PATH_LEN ? AMEM_OK : AMEM_E_IO;
}

static void manifest_free(manifest *mf)
{
    free(mf->rows);
    free(mf->crc_model);
    free(mf->crc_ids);
}

/* Parse the manifest text (0-terminated); every rank gets the same text,
 * so every rank reaches the same status. */
static int manifest_parse(const char *fn, const char *text, manifest *mf)
{
    const char *p = text;
    int used = 0;
    memset(mf, 0, sizeof *mf);
    if (sscanf(p, "assocmem-mpi-hopfield 1 generation %" SCNu64
                  " ranks %" SCNu64 " dim %" SCNu64 " value_dim %" SCNu64
                  " count %" SCNu64 " next_id %" SCNu64 " merge %" SCNu64
                  "%n", &mf->generation, &mf->ranks, &mf->dim,
               &mf->value_dim, &mf->count, &mf->next_id, &mf->merge,
               &used) != 7 || mf->ranks == 0 || mf->ranks > INT32_MAX ||
        mf->merge > 1)
        return amem_mpi__fail(AMEM_E_FORMAT, fn, "malformed manifest");
    mf->rows = calloc(mf->ranks, sizeof *mf->rows);
    mf->crc_model = calloc(mf->ranks, sizeof *mf->crc_model);
    mf->crc_ids = calloc(mf->ranks, sizeof *mf->crc_ids);
    if (!mf->rows || !mf->crc_model || !mf->crc_ids)
        return amem_mpi__fail(AMEM_E_NOMEM, fn, "manifest of %" PRIu64
                              " shards", mf->ranks);
    uint64_t total = 0;
    for (uint64_t r = 0; r < mf->ranks; r++) {
        uint64_t at;
        p += used;
        if (sscanf(p, " shard %" SCNu64 " %" SCNu64 " %" SCNu32 " %" SCNu32
                      "%n", &at, &mf->rows[r], &mf->crc_model[r],
                   &mf->crc_ids[r], &used) != 4 || at != r)
            return amem_mpi__fail(AMEM_E_FORMAT, fn,
                                  "manifest line of shard %" PRIu64, r);
        total += mf->rows[r];
    }
    if (total != mf->count)
        return amem_mpi__fail(AMEM_E_FORMAT, fn, "manifest rows add up to %"
                              PRIu64 ", not %" PRIu64, total, mf->count);
    return AMEM_OK;
}

/* Rank 0 reads the manifest text; every rank receives it (0-terminated,
 * *text NULL when none could be read: the status says why). */
static int manifest_bcast(const char *fn, MPI_Comm comm, int rank,
                          const char *dir, char **text)
{
    char path[PATH_LEN];
    unsigned char *data = NULL;
    size_t len = 0;
    int rc = AMEM_OK;
    if (rank == 0) {
        snprintf(path, sizeof path, "%s/manifest", dir);
        rc = amem_mpi__read_file(fn, path, &data, &len);
        if (rc == AMEM_OK && len > MANIFEST_MAX)
            rc = amem_mpi__fail(AMEM_E_FORMAT, fn, "manifest too long");
    }
    rc = amem_mpi__agree(comm, rc);
    uint64_t n = len;
    MPI_Bcast(&n, 1, MPI_UINT64_T, 0, comm);
    if (rc == AMEM_OK && rank != 0)
        data = malloc(n + 1);
    rc = amem_mpi__agree(comm, rc == AMEM_OK && data == NULL
                                   ? amem_mpi__fail(AMEM_E_NOMEM, fn, "manifest")
                                   : rc);
    if (rc != AMEM_OK) {
        free(data);
        *text = NULL;
        return rc;
    }
    MPI_Bcast(data, (int)n, MPI_CHAR, 0, comm);
    data[n] = '\0';
    *text = (char *)data;
    return AMEM_OK;
}

/* ---- save ------------------------------------------------------------- */

/* This rank's two files; crc[0], crc[1] their CRC-32s. */
static int save_shard(const char *fn, const amem_mpi_hopfield *h,
                      const char *dir, uint64_t gen, uint32_t crc[2])
{
    char path[PATH_LEN];
    void *img = NULL;
    size_t len, n;
    amem_hopfield_count(h->local, &n);
    int rc = amem_hopfield_save_mem(h->local, &img, &len);
    if (rc != AMEM_OK)
        return amem_mpi__core_fail(rc, fn);
    crc[0] = fingerprint(img, len);
    rc = shard_path(path, dir, gen, (uint64_t)h->rank, (uint64_t)h->size,
                    "amem");
    rc = rc != AMEM_OK ? amem_mpi__fail(rc, fn, "path too long")
                       : amem_mpi__write_atomic(fn, path, img, len);
    amem_free(img);
    if (rc != AMEM_OK)
        return rc;
    unsigned char *ids = amem_mpi__ids_image(h->ids, n, &len);
    if (ids == NULL)
        return amem_mpi__fail(AMEM_E_NOMEM, fn, "ids of %zu rows", n);
    crc[1] = fingerprint(ids, len);
    shard_path(path, dir, gen, (uint64_t)h->rank, (uint64_t)h->size, "ids");
    rc = amem_mpi__write_atomic(fn, path, ids, len);
    free(ids);
    return rc;
}

/* Rank 0: the manifest text of generation gen from every shard's line. */
static int write_manifest(const char *fn, const amem_mpi_hopfield *h,
                          const char *dir, uint64_t gen, const uint64_t *all)
{
    size_t cap = 256 + 64 * (size_t)h->size, at;
    char *text = malloc(cap), path[PATH_LEN];
    if (text == NULL)
        return amem_mpi__fail(AMEM_E_NOMEM, fn, "manifest");
    at = (size_t)snprintf(text, cap, "assocmem-mpi-hopfield 1\ngeneration %"
                          PRIu64 "\nranks %d\ndim %" PRIu64 "\nvalue_dim %"
                          PRIu64 "\ncount %zu\nnext_id %" PRIu64
                          "\nmerge %d\n", gen, h->size, all[0], all[1],
                          h->global_count, h->next_id, h->merge);
    for (int r = 0; r < h->size; r++)
        at += (size_t)snprintf(text + at, cap - at, "shard %d %" PRIu64
                               " %" PRIu64 " %" PRIu64 "\n", r,
                               all[5 * r + 2], all[5 * r + 3],
                               all[5 * r + 4]);
    snprintf(path, sizeof path, "%s/manifest", dir);
    int rc = amem_mpi__write_atomic(fn, path, text, at);
    free(text);
    return rc;
}

/* Rank 0, after the commit: the files of the previous generation. */
static void remove_generation(const char *dir, uint64_t gen, uint64_t P)
{
    char path[PATH_LEN];
    for (uint64_t r = 0; r < P; r++) {
        if (shard_path(path, dir, gen, r, P, "amem") == AMEM_OK)
            unlink(path);
        if (shard_path(path, dir, gen, r, P, "ids") == AMEM_OK)
            unlink(path);
    }
}

/* Rank 0: the previous generation (0 and P 0 when there is none). */
static void previous_generation(const char *dir, uint64_t *gen, uint64_t *P)
{
    char path[PATH_LEN];
    unsigned char *data = NULL;
    size_t len;
    manifest mf;
    *gen = 0;
    *P = 0;
    snprintf(path, sizeof path, "%s/manifest", dir);
    if (access(path, F_OK) != 0 ||
        amem_mpi__read_file("save", path, &data, &len) != AMEM_OK)
        return;
    data[len] = '\0';
    if (manifest_parse("save", (char *)data, &mf) == AMEM_OK) {
        *gen = mf.generation;
        *P = mf.ranks;
    }
    manifest_free(&mf);
    free(data);
}

static int check_dir(const char *fn, const amem_mpi_hopfield *h,
                     const char *dir)
{
    int rc = amem_mpi__same(h->comm, fn, "whether dir is given", dir != NULL);
    if (rc != AMEM_OK)
        return rc;
    if (dir == NULL)
        return amem_mpi__fail(AMEM_E_NULL, fn, "dir is NULL");
    return amem_mpi__same(h->comm, fn, "dir (its CRC-32)",
                          amem_mpi__crc(dir, strlen(dir)));
}

int amem_mpi_hopfield_save(const amem_mpi_hopfield *h, const char *dir)
{
    static const char fn[] = "amem_mpi_hopfield_save";
    if (h == NULL)
        return amem_mpi__fail(AMEM_E_NULL, fn, "h is NULL");
    int rc = check_dir(fn, h, dir);
    if (rc != AMEM_OK)
        return rc;
    uint64_t prev[2] = {0, 0}; /* generation, ranks */
    if (h->rank == 0) {
        if (mkdir(dir, 0755) != 0 && errno != EEXIST)
            rc = amem_mpi__fail(AMEM_E_IO, fn, "cannot create %s", dir);
        previous_generation(dir, &prev[0], &prev[1]);
    }
    rc = amem_mpi__agree(h->comm, rc);
    if (rc != AMEM_OK)
        return rc;
    MPI_Bcast(prev, 2, MPI_UINT64_T, 0, h->comm);
    uint32_t crc[2] = {0, 0};
    rc = amem_mpi__agree(h->comm, save_shard(fn, h, dir, prev[0] + 1, crc));
    if (rc != AMEM_OK)
        return rc;
    size_t d, m, n;
    amem_hopfield_dim(h->local, &d);
    amem_hopfield_value_dim(h->local, &m);
    amem_hopfield_count(h->local, &n);
    uint64_t line[5] = {d, m, n, crc[0], crc[1]};
    uint64_t *all = h->rank == 0 ? malloc(5 * sizeof line[0] * (size_t)h->size)
                                 : NULL;
    rc = amem_mpi__agree(h->comm, h->rank == 0 && all == NULL
                                      ? amem_mpi__fail(AMEM_E_NOMEM, fn, "lines")
                                      : AMEM_OK);
    if (rc != AMEM_OK)
        return rc;
    MPI_Gather(line, 5, MPI_UINT64_T, all, 5, MPI_UINT64_T, 0, h->comm);
    if (h->rank == 0) {
        rc = write_manifest(fn, h, dir, prev[0] + 1, all);
        if (rc == AMEM_OK && prev[1] > 0)
            remove_generation(dir, prev[0], prev[1]);
    }
    free(all);
    return amem_mpi__agree(h->comm, rc);
}

/* ---- load ------------------------------------------------------------- */

static uint64_t gcd(uint64_t a, uint64_t b)
{
    while (b != 0) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* The settings of a loaded shard onto the new handle's shard. */
static void copy_settings(const amem_hopfield *from, amem_hopfield *to)
{
    for (int p = 0; p <= AMEM_HOPFIELD_SEPARATION; p++) {
        double v;
        amem_hopfield_get(from, p, &v);
        amem_hopfield_set(to, p, v);
    }
}

/* Append the rows of old shard s whose id mod P is this rank. */
static int take_rows(const char *fn, amem_mpi_hopfield *h, const char *dir,
                     const manifest *mf, uint64_t s)
{
    char path[PATH_LEN];
    unsigned char *img = NULL, *idimg = NULL;
    size_t len, idlen, n = (size_t)mf->rows[s];
    shard_rows rows = {0};
    uint64_t *ids = malloc((n ? n : 1) * sizeof(uint64_t));
    int rc = ids ? shard_path(path, dir, mf->generation, s, mf->ranks, "amem")
                 : AMEM_E_NOMEM;
    if (rc == AMEM_OK)
        rc = amem_mpi__read_file(fn, path, &img, &len);
    if (rc == AMEM_OK && fingerprint(img, len) != mf->crc_model[s])
        rc = amem_mpi__fail(AMEM_E_FORMAT, fn, "%s does not match the "
                            "manifest", path);
    if (rc == AMEM_OK)
        rc = amem_mpi__shard_rows(fn, img, len, &rows);
    if (rc == AMEM_OK && (rows.n != n || rows.d != mf->dim ||
                          rows.m != mf->value_dim))
        rc = amem_mpi__fail(AMEM_E_FORMAT, fn, "%s: sizes differ from the "
                            "manifest", path);
    if (rc == AMEM_OK) {
        shard_path(path, dir, mf->generation, s, mf->ranks, "ids");
        rc = amem_mpi__read_file(fn, path, &idimg, &idlen);
    }
    if (rc == AMEM_OK && fingerprint(idimg, idlen) != mf->crc_ids[s])
        rc = amem_mpi__fail(AMEM_E_FORMAT, fn, "%s does not match the "
                            "manifest", path);
    if (rc == AMEM_OK)
        rc = amem_mpi__ids_parse(fn, idimg, idlen, n, ids);
    if (rc == AMEM_OK) {
        copy_settings(rows.shard, h->local);
        for (size_t i = 0; i < n && rc == AMEM_OK; i++)
            if (ids[i] % (uint64_t)h->size == (uint64_t)h->rank)
                rc = amem_mpi__append(fn, h, rows.keys + i * rows.d,
                                      rows.values + i * rows.m, ids + i, 1);
    }
    amem_mpi__shard_rows_free(&rows);
    free(img);
    free(idimg);
    free(ids);
    if (rc == AMEM_E_NOMEM)
        amem_mpi__fail(rc, fn, "cannot allocate shard %" PRIu64, s);
    return rc;
}

/* Every shard this rank may own rows of. */
static int load_shards(const char *fn, amem_mpi_hopfield *h, const char *dir,
                       const manifest *mf)
{
    uint64_t g = gcd(mf->ranks, (uint64_t)h->size);
    int rc = AMEM_OK;
    for (uint64_t s = (uint64_t)h->rank % g; s < mf->ranks && rc == AMEM_OK;
         s += g)
        rc = take_rows(fn, h, dir, mf, s);
    return rc;
}

static int load_into(const char *fn, amem_mpi_hopfield *h, const char *dir,
                     const char *text)
{
    manifest mf;
    int rc = manifest_parse(fn, text, &mf); /* same text: same status */
    if (rc == AMEM_OK && (mf.dim == 0 || mf.dim > INT32_MAX ||
                          mf.value_dim > INT32_MAX))
        rc = amem_mpi__fail(AMEM_E_FORMAT, fn, "manifest sizes");
    if (rc == AMEM_OK) {
        amem_hopfield_free(h->local);
        h->local = NULL;
        rc = amem_hopfield_create(AMEM_HOPFIELD_MODERN, (size_t)mf.dim,
                                  (size_t)mf.value_dim, &h->local);
        rc = rc == AMEM_OK ? load_shards(fn, h, dir, &mf)
                           : amem_mpi__core_fail(rc, fn);
    }
    rc = amem_mpi__agree(h->comm, rc);
    if (rc == AMEM_OK) {
        uint64_t mine = 0, total = 0;
        size_t n;
        amem_hopfield_count(h->local, &n);
        mine = n;
        MPI_Allreduce(&mine, &total, 1, MPI_UINT64_T, MPI_SUM, h->comm);
        if (total != mf.count)
            rc = amem_mpi__fail(AMEM_E_FORMAT, fn, "%" PRIu64 " rows loaded,"
                                " the manifest says %" PRIu64, total,
                                mf.count);
        h->global_count = (size_t)mf.count;
        h->next_id = mf.next_id;
        h->merge = (int)mf.merge;
    }
    manifest_free(&mf);
    return rc;
}

int amem_mpi_hopfield_load(MPI_Fint comm, const char *dir,
                           amem_mpi_hopfield **out)
{
    static const char fn[] = "amem_mpi_hopfield_load";
    MPI_Comm c = MPI_Comm_f2c(comm);
    if (c == MPI_COMM_NULL)
        return amem_mpi__fail(AMEM_E_ARG, fn, "comm is MPI_COMM_NULL");
    int rank, rc = AMEM_OK;
    MPI_Comm_rank(c, &rank);
    if (out == NULL || dir == NULL)
        rc = amem_mpi__fail(AMEM_E_NULL, fn, "%s is NULL",
                            out == NULL ? "out" : "dir");
    rc = amem_mpi__agree(c, rc);
    if (rc == AMEM_OK)
        rc = amem_mpi__same(c, fn, "dir (its CRC-32)",
                            amem_mpi__crc(dir, strlen(dir)));
    if (rc != AMEM_OK)
        return rc;
    *out = NULL;
    char *text = NULL;
    amem_mpi_hopfield *h = NULL;
    rc = manifest_bcast(fn, c, rank, dir, &text);
    if (rc == AMEM_OK)
        rc = amem_mpi__agree(c, amem_mpi__alloc(fn, c, 1, 0, &h));
    if (rc == AMEM_OK)
        rc = load_into(fn, h, dir, text);
    free(text);
    if (rc != AMEM_OK) {
        amem_mpi_hopfield_free(h);
        return rc;
    }
    *out = h;
    return AMEM_OK;
}
