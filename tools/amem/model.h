/*
 * amem: model files of every piece, through the public load/save/get calls.
 *
 * The container (docs/architecture.md, "Model file format"): magic
 * "AMEMMODL", format version (u32 LE), piece kind (u32 LE: 1 Hopfield,
 * 2 key-value, 3 DAM, 4 VAE, 5 diffusion, 6 TVT, 7 probe; older files hold
 * TVT under 2), payload length (u64 LE),
 * payload, CRC-32 of everything before it. The tool reads the header itself
 * (to name the piece and the version, and to check the checksum) and leaves
 * the payload to the library's loader of that piece.
 */
#ifndef AMEM_TOOL_MODEL_H
#define AMEM_TOOL_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MODEL_HEADER_SIZE 24u
#define MODEL_MAX_FILE_SIZE ((size_t)1 << 30)

typedef struct model_header {
    uint32_t version, kind;
    uint64_t payload_len;
    uint32_t stored_crc, computed_crc; /* computed over the bytes present */
    size_t file_len;
    int complete; /* the file is exactly as long as the header says */
} model_header;

/* One piece's public calls, with handles as void *. */
typedef struct model_piece {
    const char *name;
    uint32_t file_kind;
    uint32_t legacy_kind; /* another kind older files use for it, or 0 */
    int (*load_mem)(const void *data, size_t len, void **out);
    int (*save)(const void *h, const char *path);
    void (*release)(void *h);
    int (*get)(const void *h, int param, double *value);
    int (*set)(void *h, int param, double value);
    int (*bounds)(int param, double *min, double *max, int *integer);
    const char *const *setting_names;
    size_t setting_name_count;
    void (*describe)(const void *h, FILE *out);
} model_piece;

typedef struct model {
    const model_piece *piece;
    void *handle;
} model;

/* Every piece, in file-kind order; the Hopfield piece on its own (store,
 * recall and energy work on it). */
extern const model_piece model_pieces[];
extern const size_t model_piece_count;
extern const model_piece model_hopfield_piece;

/* Hopfield kinds by name ("classical", "poly", "rect", "exp", "modern"):
 * the enum value, or -1 for an unknown name; and back ("unknown"). */
int model_hopfield_kind_from_name(const char *name);
const char *model_hopfield_kind_name(int kind);

/* The format version the linked library writes (read from the header of a
 * small model it saves to memory), or 0 if that fails. */
uint32_t model_current_version(void);

/* Parse the 24-byte header and the trailing CRC; 0, or -1 with err. */
int model_parse_header(const unsigned char *bytes, size_t len, model_header *h,
                       char *err, size_t errlen);

/* Name of a piece kind number ("hopfield", ...; "unknown" otherwise). */
const char *model_kind_name(uint32_t kind);

/*
 * Read and load a model file of any piece into *m (and its header into
 * *header when not NULL). Reports failures itself; returns 0 or EXIT_FAIL.
 */
int model_open(const char *path, model *m, model_header *header);

/* model_open, refusing any piece but a Hopfield network; 0 or EXIT_FAIL. */
int model_open_hopfield(const char *path, model *m);

/* Release a model's handle (NULL handle allowed). */
void model_close(model *m);

/* A setting's number from its name (as printed by `amem info`), or -1. */
int model_setting_index(const model_piece *piece, const char *name);

/* The name of setting `param` into buf ("setting_<n>" if unnamed). */
const char *model_setting_name(const model_piece *piece, int param, char *buf,
                               size_t buflen);

/* Apply "NAME=VALUE" to a handle; 0 or a reported EXIT_USAGE/EXIT_FAIL. */
int model_apply_setting(model *m, const char *assignment);

#endif
