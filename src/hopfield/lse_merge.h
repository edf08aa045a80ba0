/*
 * Private: the one merge of partial softmax states.
 *
 * A part of the stored patterns (a score block, a job's pattern range, an
 * MPI rank's shard) leaves per query row its maximum score M_k, its sum
 * L_k = sum e^(s - M_k) and its accumulator acc_k = sum e^(s - M_k) v.
 * Parts merge exactly by log-sum-exp (Milakov & Gimelshein 2018, "Online
 * normalizer calculation for softmax"):
 *     M = max_k M_k,  w_k = e^(M_k - M),
 *     L = sum_k w_k L_k,  acc = sum_k w_k acc_k,  softmax step = acc / L.
 * amem__lse_weight is w_k: the rescale of the streamed update in
 * separation.c (a block's new maximum), the job merge in softmax_fused.c
 * and the rank merge of libassocmem-mpi (src/mpi/merge.c) all use it. An
 * empty part (M_k = -inf, L_k = 0) weighs 0, also when every part is
 * empty.
 */
#ifndef AMEM_HOPFIELD_LSE_MERGE_H
#define AMEM_HOPFIELD_LSE_MERGE_H

#include <math.h>

static inline float amem__lse_weight(float part_max, float top)
{
    return part_max == -INFINITY ? 0.0f : expf(part_max - top);
}

#endif
