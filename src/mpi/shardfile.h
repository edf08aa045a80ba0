/* Private: the files of one shard (shardfile.c). */
#ifndef AMEM_MPI_SHARDFILE_H
#define AMEM_MPI_SHARDFILE_H

#include "mpi_impl.h"

/* data to path through a temporary file, fsync and rename. */
int amem_mpi__write_atomic(const char *fn, const char *path, const void *data,
                           size_t len);
/* A whole file into a new buffer (*data, *len; freed with free). */
int amem_mpi__read_file(const char *fn, const char *path, unsigned char **data,
                        size_t *len);
uint32_t amem_mpi__crc(const void *data, size_t len);
/* The ids file image of n ids, or NULL (no memory). */
unsigned char *amem_mpi__ids_image(const uint64_t *ids, size_t n, size_t *len);
/* Parse an ids file image that must hold n ids. */
int amem_mpi__ids_parse(const char *fn, const unsigned char *buf, size_t len,
                        size_t n, uint64_t *ids);

/* The rows of a shard's model-file image, loaded by the core and copied out
 * in storage order through its public calls. */
typedef struct shard_rows {
    amem_hopfield *shard; /* the loaded shard (settings) */
    size_t n, d, m;
    float *keys, *values; /* n x d and n x m, owned */
} shard_rows;

int amem_mpi__shard_rows(const char *fn, const unsigned char *img, size_t len,
                         shard_rows *out);
/* Frees what amem_mpi__shard_rows made (also after a failure). */
void amem_mpi__shard_rows_free(shard_rows *rows);

#endif
