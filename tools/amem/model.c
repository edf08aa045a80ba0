/* amem: reading model files of any piece; settings by name. See model.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <assocmem/assocmem.h>
#include <assocmem/hopfield.h>

#include "cli.h"
#include "model.h"

static const unsigned char model_magic[8] = {'A', 'M', 'E', 'M', 'M', 'O', 'D', 'L'};

static uint64_t load_le(const unsigned char *src, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)src[i] << (8 * i);
    return v;
}

static uint32_t crc_of(const unsigned char *data, size_t len)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    while (len > 0) {
        uInt chunk = len > 0x40000000u ? 0x40000000u : (uInt)len;
        crc = crc32(crc, data, chunk);
        data += chunk;
        len -= chunk;
    }
    return (uint32_t)crc;
}

uint32_t model_current_version(void)
{
    static uint32_t version; /* one probe per process */
    amem_hopfield *h = NULL;
    void *image = NULL;
    size_t len = 0;
    if (version != 0)
        return version;
    if (amem_hopfield_create(AMEM_HOPFIELD_CLASSICAL, 1, 0, &h) == AMEM_OK &&
        amem_hopfield_save_mem(h, &image, &len) == AMEM_OK && len >= 12)
        version = (uint32_t)load_le((const unsigned char *)image + 8, 4);
    amem_free(image);
    amem_hopfield_free(h);
    return version;
}

int model_parse_header(const unsigned char *bytes, size_t len, model_header *h,
                       char *err, size_t errlen)
{
    memset(h, 0, sizeof *h);
    if (len < 8 || memcmp(bytes, model_magic, 8) != 0) {
        snprintf(err, errlen, "not a libassocmem model file (no AMEMMODL magic)");
        return -1;
    }
    if (len < MODEL_HEADER_SIZE + 4) {
        snprintf(err, errlen, "truncated model file (%zu bytes)", len);
        return -1;
    }
    h->version = (uint32_t)load_le(bytes + 8, 4);
    h->kind = (uint32_t)load_le(bytes + 12, 4);
    h->payload_len = load_le(bytes + 16, 8);
    h->file_len = len;
    h->complete = h->payload_len == len - MODEL_HEADER_SIZE - 4;
    size_t covered = len - 4; /* the CRC is the file's last 4 bytes */
    h->stored_crc = (uint32_t)load_le(bytes + covered, 4);
    h->computed_crc = crc_of(bytes, covered);
    return 0;
}

const char *model_kind_name(uint32_t kind)
{
    for (size_t i = 0; i < model_piece_count; i++)
        if (model_pieces[i].file_kind == kind)
            return model_pieces[i].name;
    return "unknown";
}

/* Try each piece that reads the file's kind (its own, then legacy ones). */
static int load_any(const unsigned char *bytes, size_t len, uint32_t kind,
                    model *m)
{
    int status = AMEM_E_FORMAT;
    for (size_t i = 0; i < model_piece_count; i++) {
        const model_piece *piece = &model_pieces[i];
        if (piece->file_kind != kind && piece->legacy_kind != kind)
            continue;
        void *handle = NULL;
        status = piece->load_mem(bytes, len, &handle);
        if (status == AMEM_OK) {
            m->piece = piece;
            m->handle = handle;
            return AMEM_OK;
        }
    }
    return status;
}

static int check_header(const char *path, const model_header *h)
{
    if (h->version > model_current_version())
        return cli_fail("%s: format version %u is newer than this libassocmem "
                        "(%s) reads (up to %u)", path, h->version,
                        amem_version_string(), (unsigned)model_current_version());
    if (!h->complete)
        return cli_fail("%s: the header announces %llu payload bytes, the file "
                        "holds %zu (truncated or trailing data)", path,
                        (unsigned long long)h->payload_len,
                        h->file_len - MODEL_HEADER_SIZE - 4);
    if (h->stored_crc != h->computed_crc)
        return cli_fail("%s: checksum mismatch (stored 0x%08x, computed 0x%08x)",
                        path, (unsigned)h->stored_crc, (unsigned)h->computed_crc);
    return 0;
}

int model_open(const char *path, model *m, model_header *header)
{
    unsigned char *bytes;
    size_t len;
    model_header h;
    char err[256];
    m->piece = NULL;
    m->handle = NULL;
    if (cli_read_file(path, MODEL_MAX_FILE_SIZE, &bytes, &len) != 0)
        return AMEM_EXIT_FAIL;
    int rc = model_parse_header(bytes, len, &h, err, sizeof err) != 0
                 ? cli_fail("%s: %s", path, err) : check_header(path, &h);
    if (header != NULL)
        *header = h;
    if (rc == 0) {
        int status = load_any(bytes, len, h.kind, m);
        if (status != AMEM_OK)
            rc = cli_fail("%s: %s model: %s", path, model_kind_name(h.kind),
                          amem_last_error());
    }
    free(bytes);
    return rc;
}

int model_open_hopfield(const char *path, model *m)
{
    if (model_open(path, m, NULL) != 0)
        return AMEM_EXIT_FAIL;
    if (m->piece->file_kind == model_hopfield_piece.file_kind)
        return 0;
    int rc = cli_fail("%s holds a %s model; this command works on Hopfield "
                      "models", path, m->piece->name);
    model_close(m);
    return rc;
}

void model_close(model *m)
{
    if (m->piece != NULL && m->handle != NULL)
        m->piece->release(m->handle);
    m->handle = NULL;
}

const char *model_setting_name(const model_piece *piece, int param, char *buf,
                               size_t buflen)
{
    if (param >= 0 && (size_t)param < piece->setting_name_count &&
        piece->setting_names[param] != NULL)
        return piece->setting_names[param];
    snprintf(buf, buflen, "setting_%d", param);
    return buf;
}

int model_setting_index(const model_piece *piece, const char *name)
{
    char buf[32];
    for (int p = 0; piece->bounds(p, NULL, NULL, NULL) == AMEM_OK; p++)
        if (strcmp(name, model_setting_name(piece, p, buf, sizeof buf)) == 0)
            return p;
    return -1;
}

int model_apply_setting(model *m, const char *assignment)
{
    const char *eq = strchr(assignment, '=');
    char name[64];
    double value;
    if (eq == NULL || eq == assignment || (size_t)(eq - assignment) >= sizeof name)
        return cli_usage("--set wants NAME=VALUE, got '%s'", assignment);
    memcpy(name, assignment, (size_t)(eq - assignment));
    name[eq - assignment] = '\0';
    int param = model_setting_index(m->piece, name);
    if (param < 0)
        return cli_usage("a %s has no setting '%s' (amem info lists them)",
                         m->piece->name, name);
    if (cli_parse_double(eq + 1, &value) != 0)
        return cli_usage("--set %s: '%s' is not a number", name, eq + 1);
    int status = m->piece->set(m->handle, param, value);
    if (status != AMEM_OK)
        return cli_lib_fail(name, status);
    return 0;
}
