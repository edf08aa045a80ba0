"""
    AssocMem

Julia bindings of libassocmem, the associative-memory library: a thin layer
over the `@ccall` wrappers in `ffi.jl`, which `scripts/gen-bindings`
generates from the C headers.

Layout: the C library takes row-major `N × d` float arrays (one pattern per
row). A Julia `d × N` `Matrix{Float32}` (one pattern per *column*) has
exactly that memory layout, so patterns are passed as `d × N` matrices with
no transpose and no copy. Results come back the same way (`d × N`, or `N × n`
for softmax weights: one column per query). Other element types or
non-contiguous arrays are converted to `Array{Float32}` first.

Every handle kind (`Hopfield`, `Dam`, `Diffusion`, `KVMemory`, `TVT`, `Vae`,
`Probe`) shares one interface from `handles.jl`: settings by name, `close`
and a finalizer, a do-block constructor, `savemodel`/`loadmodel`,
`save_mem`/`load_mem`, `param_bounds`; the trained ones share `train_steps!`.

The library path is `ENV["ASSOCMEM_LIBRARY"]` if set, else the repository's
`lib/libassocmem.so`, else `libassocmem` on the system search path. It is
fixed when the package is compiled.
"""
module AssocMem

export AssocMemError, version, version_number, set_num_threads,
       get_num_threads, last_error, strerror,
       # handles.jl: every handle kind
       setting, setting!, param_bounds, savemodel, loadmodel, save_mem, load_mem,
       train_steps!, step_count, steps_per_epoch,
       # hopfield.jl
       Hopfield, store!, store_pairs!, clear!, stored_count, recall, recall_bam,
       recall_partial, replay, energy, softmax_weights,
       append_patterns!, remove_patterns!, get_patterns, pattern_ids,
       recall_topk, load_hopfield_mapped, is_mapped,
       build_index!, drop_index!, index_lists, recall_pruned,
       # data.jl
       read_idx_images, read_idx_labels, set_idx_gzip_cap, get_idx_gzip_cap,
       random_patterns, correlated_patterns,
       mask_bernoulli, mask_fraction, corrupt_zero, corrupt_gaussian,
       corrupt_flip, corrupt_mix, hamming, mean_squared_error, pearson,
       pearson_overall,
       # dam.jl
       Dam, reinit!, dam_weights, set_weights!, perturb, evaluate,
       set_data!, data_count, item_record,
       # diffusion.jl
       Diffusion, stored_patterns, diffusion_theta, noise_std, t_start, forward,
       network_info, diffusion_score, log_density, set_semantic!, semantic,
       # kvmem.jl
       KVMemory, write!, write_many!, next_slot, last_gamma, memory_keys,
       memory_values, stability, episode,
       KVTape, tape_begin!, tape_write!, tape_read, tape_count, tape_back_read!,
       tape_back_write!, tape_backward!,
       # tvt.jl
       TVT, read_params, set_read_params!, last_step,
       # vae.jl
       Vae, add_encoder_conv!, set_decoder_input!, add_decoder_conv!,
       build!, is_built, input_shape, input_dim, latent_dim, param_count, layer_count,
       loss_terms, encode, decode, reconstruct, sample_images, interpolate,
       arithmetic, replays, consolidate!,
       # probes.jl
       Probe, fit_probe!, predict_labels, scores, accuracy, class_count,
       support_count, tsne, probe_kind, feature_count,
       # scenes.jl
       shapes3d_levels, shapes3d_render, shapes3d_generate, solids_render,
       solids_generate,
       # capacity.jl
       capacity_search, bootstrap_mean, capacity_bootstrap

function _find_library()
    path = get(ENV, "ASSOCMEM_LIBRARY", "")
    isempty(path) || return path
    repo = normpath(joinpath(@__DIR__, "..", "..", "..", "lib", "libassocmem.so"))
    return isfile(repo) ? repo : "libassocmem"
end

"Path (or name) of the C library the wrappers call."
const libassocmem = _find_library()

include("ffi.jl")
include("common.jl")     # errors, array helpers, library-wide calls
include("callbacks.jl")  # progress and error callbacks that never unwind through C
include("handles.jl")    # the one handle layer every piece uses
include("hopfield.jl")
include("data.jl")
include("dam.jl")
include("diffusion.jl")
include("kvmem.jl")
include("tvt.jl")
include("vae.jl")
include("probes.jl")
include("scenes.jl")
include("capacity.jl")

end # module
