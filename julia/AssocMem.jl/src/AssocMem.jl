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

The library path is `ENV["ASSOCMEM_LIBRARY"]` if set, else the repository's
`lib/libassocmem.so`, else `libassocmem` on the system search path. It is
fixed when the package is compiled.
"""
module AssocMem

export AssocMemError, version, version_number, set_num_threads,
       get_num_threads, last_error, strerror,
       Hopfield, store!, store_pairs!, clear!, stored_count, recall, recall_bam,
       replay,
       energy, softmax_weights, setting, setting!, param_bounds,
       build_index!, drop_index!, index_lists, recall_pruned,
       save, save_mem, load_hopfield, load_hopfield_mem,
       read_idx_images, read_idx_labels, set_idx_gzip_cap, get_idx_gzip_cap,
       random_patterns, correlated_patterns,
       mask_bernoulli, mask_fraction, corrupt_zero, corrupt_gaussian,
       corrupt_flip, corrupt_mix, hamming, mse, pearson, pearson_overall,
       progress_cfunction,
       # dam.jl
       Dam, dam_param_bounds, reset!, dam_weights, set_weights!, perturb, evaluate,
       set_data!, data_count, train!, training_progress, item_record, load_dam,
       load_dam_mem,
       # diffusion.jl
       Diffusion, diffusion_param_bounds, stored_patterns, diffusion_theta, noise_std,
       t_start, forward, network_info, score, log_density,
       load_diffusion, load_diffusion_mem,
       # kvmem.jl
       KVMemory, kvmem_param_bounds, write!, write_many!, next_slot, last_gamma,
       memory_keys, memory_values, stability, episode,
       load_kvmem, load_kvmem_mem,
       KVTape, tape_begin!, tape_write!, tape_read, tape_count, tape_back_read!,
       tape_back_write!, tape_backward!,
       # tvt.jl
       TVT, tvt_param_bounds, read_params, set_read_params!, load_tvt, load_tvt_mem,
       # vae.jl
       Vae, vae_param_bounds, add_encoder_conv!, set_decoder_input!, add_decoder_conv!,
       build!, is_built, input_shape, input_dim, latent_dim, param_count, layer_count,
       loss, encode, decode, reconstruct, sample, interpolate, arithmetic, replays,
       consolidate!, load_vae, load_vae_mem,
       # probes.jl
       Probe, probe_param_bounds, fit!, predict, scores, accuracy, class_count,
       support_count, tsne, probe_kind, feature_count, load_probe, load_probe_mem,
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

# ---- errors -------------------------------------------------------------------

"""
    AssocMemError(status, name, detail)

A library call failed. `status` is the negative `AMEM_E_*` code, `name` its
constant name and `detail` the `amem_last_error()` sentence.
"""
struct AssocMemError <: Exception
    status::Int
    name::String
    detail::String
end

AssocMemError(status::Integer, detail::AbstractString) =
    AssocMemError(Int(status), get(AMEM_STATUS_NAMES, Int(status), "AMEM_E_UNKNOWN"),
                  String(detail))

function Base.showerror(io::IO, e::AssocMemError)
    print(io, "AssocMemError: ", e.name, " (",
          get(AMEM_STATUS_MESSAGES, e.status, "unknown status"), ")")
    isempty(e.detail) || print(io, ": ", e.detail)
end

"The detail sentence of the last failed call on this thread."
last_error() = unsafe_string(amem_last_error())

"The library's message for a status code."
strerror(status::Integer) = unsafe_string(amem_strerror(status))

"Throw an AssocMemError for a nonzero status."
function check(status::Integer)
    status == AMEM_OK || throw(AssocMemError(status, last_error()))
    return nothing
end

_fail(status, detail) = throw(AssocMemError(status, detail))

# ---- library-wide ---------------------------------------------------------------

"Version string of the loaded library."
version() = unsafe_string(amem_version_string())

"AMEM_VERSION_NUMBER of the loaded library (major*10000 + minor*100 + patch)."
version_number() = Int(amem_version_number())

"Threads used by BLAS and the library's loops (n >= 1)."
set_num_threads(n::Integer) = check(amem_set_num_threads(n))

get_num_threads() = Int(amem_get_num_threads())

# ---- arrays ---------------------------------------------------------------------

_f32(x::Array{Float32}) = x
_f32(x::AbstractArray{<:Real}) = Array{Float32}(x)

_null(x) = x === nothing ? C_NULL : x

"(Float32 array, number of columns) of a d-vector or d × n matrix."
function _columns(x::AbstractVecOrMat{<:Real}, rows::Integer, what)
    a = _f32(x)
    size(a, 1) == rows ||
        _fail(AMEM_E_DIM, "$what has $(size(a, 1)) rows, expected $rows (one pattern per column)")
    size(a, 2) >= 1 || _fail(AMEM_E_DIM, "$what has no columns")
    return a, size(a, 2)
end

function _same_size(x, ref, what)
    a = _f32(x)
    if a isa Vector && ref isa Matrix
        a = repeat(a, 1, size(ref, 2))
    end
    size(a) == size(ref) ||
        _fail(AMEM_E_DIM, "$what has size $(size(a)), expected $(size(ref))")
    return a
end

_first(a::AbstractVector) = a[1]
_first(a::AbstractMatrix) = a[:, 1]

"out alone, or (out, extras...) for the extras that were requested."
function _result(single::Bool, out, extras...)
    given = Any[e for e in extras if e !== nothing]
    if single
        out = out[:, 1]
        given = Any[_first(e) for e in given]
    end
    return isempty(given) ? out : (out, given...)
end

# ---- Hopfield ---------------------------------------------------------------------

"""
    Hopfield(kind, dim; value_dim = 0, settings...)
    Hopfield(f, kind, dim; ...)          # do-block: closed afterwards

A Hopfield-family network. `kind` is `:classical`, `:dense_poly`,
`:dense_rect`, `:dense_exp` or `:modern` (or an `AMEM_HOPFIELD_*` value).
`value_dim > 0` makes it heteroassociative (BAM for `:classical`). Settings
are given by name, e.g. `beta = 8.0, max_steps = 3, update = :sync`; the
modern kind takes `similarity = :dot | :cosine | :euclidean | :manhattan` and
`separation = :softmax | :argmax | :poly | :identity` (recall =
P · sep(sim(Y, x)), Millidge et al. 2022).
The C handle is freed by `close(h)` or by the finalizer.
"""
mutable struct Hopfield
    ptr::Ptr{amem_hopfield}
    kind::Int
    dim::Int
    value_dim::Int

    function Hopfield(ptr::Ptr{amem_hopfield})
        h = new(ptr, 0, 0, 0)
        finalizer(close, h)
        k, d, m = Ref{Cint}(0), Ref{Csize_t}(0), Ref{Csize_t}(0)
        check(amem_hopfield_kind(ptr, k))
        check(amem_hopfield_dim(ptr, d))
        check(amem_hopfield_value_dim(ptr, m))
        h.kind, h.dim, h.value_dim = k[], d[], m[]
        return h
    end
end

function _constant(prefix::AbstractString, name, what::AbstractString)
    sym = Symbol(prefix, uppercase(replace(string(name), "-" => "_")))
    isdefined(@__MODULE__, sym) || _fail(AMEM_E_ARG, "unknown $what $(repr(name))")
    return getfield(@__MODULE__, sym)
end

_kind(k::Integer) = k
_kind(k) = _constant("AMEM_HOPFIELD_", k, "kind")
_param(p::Integer) = p
_param(p) = _constant("AMEM_HOPFIELD_", p, "setting")

function Hopfield(kind, dim::Integer; value_dim::Integer = 0, settings...)
    dim >= 1 || _fail(AMEM_E_DIM, "dim must be >= 1, got $dim")
    value_dim >= 0 || _fail(AMEM_E_DIM, "value_dim must be >= 0, got $value_dim")
    out = Ref{Ptr{amem_hopfield}}(C_NULL)
    check(amem_hopfield_create(_kind(kind), dim, value_dim, out))
    h = Hopfield(out[])
    try
        for (name, value) in settings
            setting!(h, name, value)
        end
    catch
        close(h)
        rethrow()
    end
    return h
end

function Hopfield(f::Function, kind, dim::Integer; kwargs...)
    h = Hopfield(kind, dim; kwargs...)
    try
        return f(h)
    finally
        close(h)
    end
end

"Free the C handle now; later calls on `h` throw. Safe to repeat."
function Base.close(h::Hopfield)
    if h.ptr != C_NULL
        amem_hopfield_free(h.ptr)
        h.ptr = C_NULL
    end
    return nothing
end

_ptr(h::Hopfield) = h.ptr == C_NULL ? throw(ArgumentError("Hopfield is closed")) : h.ptr

_output_dim(h::Hopfield) = h.value_dim > 0 ? h.value_dim : h.dim
_energy_dim(h::Hopfield) =
    h.kind == AMEM_HOPFIELD_CLASSICAL && h.value_dim > 0 ? h.dim + h.value_dim : h.dim

function Base.show(io::IO, h::Hopfield)
    if h.ptr == C_NULL
        print(io, "Hopfield(closed)")
    else
        print(io, "Hopfield(kind=", h.kind, ", dim=", h.dim, ", value_dim=",
              h.value_dim, ", stored=", stored_count(h), ")")
    end
end

"""
    setting!(h, name, value)

Change a setting: `setting!(h, :beta, 8.0)`, `setting!(h, :update, :sync)`,
`setting!(h, :similarity, :euclidean)`, `setting!(h, :separation, :argmax)`.
Named values resolve to `AMEM_HOPFIELD_<NAME>_<VALUE>` (for `similarity` and
`separation`: `AMEM_HOPFIELD_SIM_<VALUE>` and `AMEM_HOPFIELD_SEP_<VALUE>`).
"""
function setting!(h::Hopfield, param, value)
    v = if value isa Union{Symbol,AbstractString}
        _constant(_value_prefix(param), value, "value of $param")
    else
        value
    end
    check(amem_hopfield_set(_ptr(h), _param(param), Float64(v)))
    return h
end

# Prefix of a setting's named values (the modern store's framework settings
# use the short SIM_/SEP_ names of their C enums).
function _value_prefix(param)
    name = uppercase(string(param))
    name == "SIMILARITY" && return "AMEM_HOPFIELD_SIM_"
    name == "SEPARATION" && return "AMEM_HOPFIELD_SEP_"
    return string("AMEM_HOPFIELD_", name, "_")
end

"The value of a setting (as Float64): `setting(h, :beta)`."
function setting(h::Hopfield, param)
    v = Ref{Cdouble}(0)
    check(amem_hopfield_get(_ptr(h), _param(param), v))
    return v[]
end

"(min, max, integer) of a setting."
function param_bounds(param)
    lo, hi, int = Ref{Cdouble}(0), Ref{Cdouble}(0), Ref{Cint}(0)
    check(amem_hopfield_param_bounds(_param(param), lo, hi, int))
    return (lo[], hi[], int[] != 0)
end

"Number of items stored (Hebbian writes for :classical)."
function stored_count(h::Hopfield)
    n = Ref{Csize_t}(0)
    check(amem_hopfield_count(_ptr(h), n))
    return Int(n[])
end

"Store patterns (d × N, or one d-vector) one-shot."
function store!(h::Hopfield, patterns::AbstractVecOrMat{<:Real})
    x, n = _columns(patterns, h.dim, "patterns")
    check(amem_hopfield_store(_ptr(h), x, n))
    return h
end

"Store key/value pairs (d × N keys, m × N values) in a heteroassociative network."
function store_pairs!(h::Hopfield, keys::AbstractVecOrMat{<:Real},
                      values::AbstractVecOrMat{<:Real})
    k, n = _columns(keys, h.dim, "keys")
    v, nv = _columns(values, h.value_dim, "values")
    n == nv || _fail(AMEM_E_DIM, "$n keys but $nv values")
    check(amem_hopfield_store_pairs(_ptr(h), k, v, n))
    return h
end

"Forget everything stored (settings are kept)."
clear!(h::Hopfield) = (check(amem_hopfield_clear(_ptr(h))); h)

"""
    recall(h, queries; clamp = nothing, steps = false, weights = false)

Run the dynamics from queries (d × n, or one d-vector). `clamp` is a 0/1
array of the same size (or one d-vector for all queries): entries marked 1
keep their cue value. Returns the final states (d × n, or m × n when
heteroassociative), or a tuple with the step counts and/or the softmax
weights (N × n, :modern only) when requested.
"""
function recall(h::Hopfield, queries::AbstractVecOrMat{<:Real};
                clamp = nothing, steps::Bool = false, weights::Bool = false)
    q, n = _columns(queries, h.dim, "queries")
    c = clamp === nothing ? nothing : _same_size(clamp, q, "clamp")
    out = Matrix{Float32}(undef, _output_dim(h), n)
    st = steps ? Vector{Cint}(undef, n) : nothing
    w = weights ? Matrix{Float32}(undef, stored_count(h), n) : nothing
    check(amem_hopfield_recall(_ptr(h), q, n, _null(c), out, _null(st), _null(w)))
    return _result(queries isa AbstractVector, out, st, w)
end

"""
    recall_bam(h, cues; direction = :key_to_value, clamp = nothing, steps = false)

Bidirectional recall on a BAM (`:classical` with `value_dim > 0`). `cues`
are keys (d × n) for `direction = :key_to_value` or values (m × n) for
`:value_to_key` (or one vector). `clamp` is a 0/1 array shaped like the
cues: entries marked 1 keep their cue value. Returns `(keys, values)`, the
settled layers of both sides (every entry -1 or +1 except clamped cue
entries), and the round trips per cue as a third element when
`steps = true`.
"""
function recall_bam(h::Hopfield, cues::AbstractVecOrMat{<:Real};
                    direction = :key_to_value, clamp = nothing,
                    steps::Bool = false)
    dir = direction isa Integer ? direction :
          _constant("AMEM_HOPFIELD_", direction, "direction")
    cue_len = dir == AMEM_HOPFIELD_KEY_TO_VALUE ? h.dim : h.value_dim
    cue_len >= 1 || _fail(AMEM_E_UNSUPPORTED, "not a BAM (value_dim 0)")
    q, n = _columns(cues, cue_len, "cues")
    c = clamp === nothing ? nothing : _same_size(clamp, q, "clamp")
    keys = Matrix{Float32}(undef, h.dim, n)
    values = Matrix{Float32}(undef, h.value_dim, n)
    st = steps ? Vector{Cint}(undef, n) : nothing
    check(amem_hopfield_recall_bam(_ptr(h), q, n, dir, _null(c), keys, values,
                                   _null(st)))
    if cues isa AbstractVector
        keys, values = keys[:, 1], values[:, 1]
        st = st === nothing ? nothing : st[1]
    end
    return st === nothing ? (keys, values) : (keys, values, st)
end

"""
    replay(h, n; cues = false, steps = false)

Recall from `n` random cues drawn from the network's RNG (settings :seed and
:noise). Returns the states, or a tuple with the cues and/or step counts.
"""
function replay(h::Hopfield, n::Integer; cues::Bool = false, steps::Bool = false)
    n >= 1 || _fail(AMEM_E_DIM, "n must be >= 1, got $n")
    out = Matrix{Float32}(undef, _output_dim(h), n)
    cu = cues ? Matrix{Float32}(undef, h.dim, n) : nothing
    st = steps ? Vector{Cint}(undef, n) : nothing
    check(amem_hopfield_replay(_ptr(h), n, out, _null(cu), _null(st)))
    return _result(false, out, cu, st)
end

"Energies of states (d × n; (d + m) × n for a BAM), a Float64 per column."
function energy(h::Hopfield, states::AbstractVecOrMat{<:Real})
    s, n = _columns(states, _energy_dim(h), "states")
    e = Vector{Float64}(undef, n)
    check(amem_hopfield_energy(_ptr(h), s, n, e))
    return states isa AbstractVector ? e[1] : e
end

"Separation weights sep(sim(Y, x)) (N × n) of states (d × n), by default
softmax(b Y x); :modern only."
function softmax_weights(h::Hopfield, states::AbstractVecOrMat{<:Real})
    s, n = _columns(states, h.dim, "states")
    w = Matrix{Float32}(undef, stored_count(h), n)
    check(amem_hopfield_weights(_ptr(h), s, n, w))
    return states isa AbstractVector ? w[:, 1] : w
end

"""
    build_index!(h, nlist; progress = nothing)

Build the IVF index of pruned recall (:modern only; see `docs/hopfield.md`):
`nlist` k-means lists (settings :kmeans_steps, :kmeans_sample, :seed).
`progress(stage, done, total, objective)` returning true cancels. A later
store or clear drops the index; it is not saved.
"""
function build_index!(h::Hopfield, nlist::Integer; progress = nothing)
    nlist >= 1 || _fail(AMEM_E_DIM, "nlist must be >= 1, got $nlist")
    pf = progress === nothing ? nothing : progress_cfunction(progress)
    check(GC.@preserve pf amem_hopfield_build_index(_ptr(h), nlist, _null(pf), C_NULL))
    return h
end

"Free the index of pruned recall (none: nothing happens)."
drop_index!(h::Hopfield) = (check(amem_hopfield_drop_index(_ptr(h))); h)

"Lists of the current index; 0 when there is none."
function index_lists(h::Hopfield)
    n = Ref{Csize_t}(0)
    check(amem_hopfield_index_lists(_ptr(h), n))
    return Int(n[])
end

"""
    recall_pruned(h, queries) -> (states, top, scored, bound)

Recall through the index: each step scores the patterns of the :nprobe
best lists only. Returns the states (d × n or m × n), the stored position
(1-based) of each query's best-scoring pattern, the patterns scored and the
bound on the softmax weight left out (NaN for the identity separation).
"""
function recall_pruned(h::Hopfield, queries::AbstractVecOrMat{<:Real})
    q, n = _columns(queries, h.dim, "queries")
    out = Matrix{Float32}(undef, _output_dim(h), n)
    top, scored = Vector{Csize_t}(undef, n), Vector{Csize_t}(undef, n)
    bound = Vector{Float64}(undef, n)
    check(amem_hopfield_recall_pruned(_ptr(h), q, n, out, C_NULL, top, scored, bound))
    single = queries isa AbstractVector
    t, s = Int.(top) .+ 1, Int.(scored)
    return single ? (out[:, 1], t[1], s[1], bound[1]) : (out, t, s, bound)
end

"Write the network to a file (atomically)."
save(h::Hopfield, path::AbstractString) = check(amem_hopfield_save(_ptr(h), String(path)))

"The saved file image as a byte vector."
function save_mem(h::Hopfield)
    data, len = Ref{Ptr{Cvoid}}(C_NULL), Ref{Csize_t}(0)
    check(amem_hopfield_save_mem(_ptr(h), data, len))
    try
        return copy(unsafe_wrap(Array, Ptr{UInt8}(data[]), Int(len[])))
    finally
        amem_free(data[])
    end
end

"""
Call `f(data::Ref{Ptr{Cvoid}}, len::Ref{Csize_t})` (a `*_save_mem`), check
its status and return the image as a byte vector, freeing the C buffer.
"""
function _take_bytes(f)
    data, len = Ref{Ptr{Cvoid}}(C_NULL), Ref{Csize_t}(0)
    check(f(data, len))
    try
        return copy(unsafe_wrap(Array, Ptr{UInt8}(data[]), Int(len[])))
    finally
        amem_free(data[])
    end
end

"A network read from a file written by `save`."
function load_hopfield(path::AbstractString)
    out = Ref{Ptr{amem_hopfield}}(C_NULL)
    check(amem_hopfield_load(String(path), out))
    return Hopfield(out[])
end

"A network from a file image (`save_mem`)."
function load_hopfield_mem(bytes::AbstractVector{UInt8})
    buf = Vector{UInt8}(bytes)
    out = Ref{Ptr{amem_hopfield}}(C_NULL)
    check(amem_hopfield_load_mem(buf, length(buf), out))
    return Hopfield(out[])
end

# ---- data: IDX files --------------------------------------------------------------

"Copy a library-allocated array and release it with amem_free."
function _take(p::Ptr{T}, dims) where {T}
    try
        return copy(unsafe_wrap(Array, p, dims))
    finally
        amem_free(p)
    end
end

"""
    read_idx_images(path_or_bytes) -> Array{Float32,3}

Images of an IDX file (plain or gzip) scaled to [0, 1], as a
`width × height × count` array (the C `count × height × width` layout);
`reshape(x, :, count)` gives the `d × N` pattern matrix.
"""
function read_idx_images(source)
    p = Ref{Ptr{Cfloat}}(C_NULL)
    n, hgt, wid = Ref{Csize_t}(0), Ref{Csize_t}(0), Ref{Csize_t}(0)
    if source isa AbstractVector{UInt8}
        buf = Vector{UInt8}(source)
        check(amem_idx_read_images_mem(buf, length(buf), p, n, hgt, wid))
    else
        check(amem_idx_read_images(String(source), p, n, hgt, wid))
    end
    return _take(p[], (Int(wid[]), Int(hgt[]), Int(n[])))
end

"Labels of an IDX file (plain or gzip) as a Vector{Int32}."
function read_idx_labels(source)
    p, n = Ref{Ptr{Int32}}(C_NULL), Ref{Csize_t}(0)
    if source isa AbstractVector{UInt8}
        buf = Vector{UInt8}(source)
        check(amem_idx_read_labels_mem(buf, length(buf), p, n))
    else
        check(amem_idx_read_labels(String(source), p, n))
    end
    return _take(p[], (Int(n[]),))
end

"""
    set_idx_gzip_cap(min_bytes, ratio)

Decompression cap of the IDX readers, process-wide: gzip data of `n` bytes
may inflate to at most `max(min_bytes, ratio * n)` bytes (defaults 64 MiB
and 256); more is refused with `AMEM_E_FORMAT`.
"""
function set_idx_gzip_cap(min_bytes::Integer, ratio::Integer)
    (min_bytes >= 1 && ratio >= 1) ||
        _fail(AMEM_E_RANGE, "set_idx_gzip_cap: min_bytes and ratio must be >= 1")
    check(amem_idx_set_gzip_cap(min_bytes, ratio))
end

"The decompression cap of the IDX readers as `(min_bytes, ratio)`."
function get_idx_gzip_cap()
    min_bytes, ratio = Ref{Csize_t}(0), Ref{Csize_t}(0)
    check(amem_idx_get_gzip_cap(min_bytes, ratio))
    return (Int(min_bytes[]), Int(ratio[]))
end

# ---- data: generators (dim × count results, one pattern per column) ---------------

"dim × count matrix of i.i.d. ±1 patterns."
function random_patterns(dim::Integer, count::Integer; seed::Integer = 0)
    out = Matrix{Float32}(undef, dim, count)
    check(amem_patterns_random(out, count, dim, seed))
    return out
end

"(dim × count patterns around a random ±1 template, template)."
function correlated_patterns(dim::Integer, count::Integer, redraw::Real; seed::Integer = 0)
    out = Matrix{Float32}(undef, dim, count)
    template = Vector{Float32}(undef, dim)
    check(amem_patterns_correlated(out, count, dim, redraw, seed, template))
    return out, template
end

"dim × count mask of i.i.d. entries, 1 with probability p."
function mask_bernoulli(dim::Integer, count::Integer, p::Real; seed::Integer = 0)
    out = Matrix{Float32}(undef, dim, count)
    check(amem_mask_bernoulli(out, count, dim, p, seed))
    return out
end

"dim × count mask with exactly round(fraction * dim) ones per column."
function mask_fraction(dim::Integer, count::Integer, fraction::Real; seed::Integer = 0)
    out = Matrix{Float32}(undef, dim, count)
    check(amem_mask_fraction(out, count, dim, fraction, seed))
    return out
end

# ---- data: corruption (per column; mask 1 = entry left intact) --------------------

"(copy of x with round(fraction * d) entries per column zeroed, mask)."
function corrupt_zero(x::AbstractVecOrMat{<:Real}, fraction::Real; seed::Integer = 0)
    a = _f32(x); out = similar(a); mask = similar(a)
    check(amem_corrupt_zero(a, out, size(a, 2), size(a, 1), fraction, seed, mask))
    return out, mask
end

"(copy of x with round(fraction * d) entries per column drawn from N(mean, sd²), mask)."
function corrupt_gaussian(x::AbstractVecOrMat{<:Real}, fraction::Real;
                          mean::Real = 0.0, sd::Real = 1.0, seed::Integer = 0)
    a = _f32(x); out = similar(a); mask = similar(a)
    check(amem_corrupt_gaussian(a, out, size(a, 2), size(a, 1), fraction, mean,
                                sd, seed, mask))
    return out, mask
end

"(copy of x with round(fraction * d) entries per column negated, mask)."
function corrupt_flip(x::AbstractVecOrMat{<:Real}, fraction::Real; seed::Integer = 0)
    a = _f32(x); out = similar(a); mask = similar(a)
    check(amem_corrupt_flip(a, out, size(a, 2), size(a, 1), fraction, seed, mask))
    return out, mask
end

"θ x + sqrt(1 - θ²) ε with ε ~ N(0, 1) on every entry."
function corrupt_mix(x::AbstractVecOrMat{<:Real}, theta::Real; seed::Integer = 0)
    a = _f32(x); out = similar(a)
    check(amem_corrupt_mix(a, out, size(a, 2), size(a, 1), theta, seed))
    return out
end

# ---- data: metrics (per column = per pattern) -------------------------------------

function _pair(a, b)
    x, y = _f32(a), _f32(b)
    size(x) == size(y) || _fail(AMEM_E_DIM, "a has size $(size(x)) but b has size $(size(y))")
    return x, y
end

function _metric(f, a, b, per_pattern::Bool)
    x, y = _pair(a, b)
    rows = per_pattern ? Vector{Float32}(undef, size(x, 2)) : nothing
    m = Ref{Cdouble}(0)
    check(f(x, y, size(x, 2), size(x, 1), _null(rows), m))
    return per_pattern ? (m[], rows) : m[]
end

"Fraction of entries whose signs differ; `per_pattern=true` adds each column's."
hamming(a, b; per_pattern::Bool = false) = _metric(amem_metric_hamming, a, b, per_pattern)

"Mean squared difference; `per_pattern=true` adds each column's."
mse(a, b; per_pattern::Bool = false) = _metric(amem_metric_mse, a, b, per_pattern)

"Mean over columns of the Pearson correlation; `per_pattern=true` adds each column's."
function pearson(a, b; per_pattern::Bool = false)
    x, y = _pair(a, b)
    rows = per_pattern ? Vector{Float32}(undef, size(x, 2)) : nothing
    m = Ref{Cdouble}(0)
    check(amem_metric_pearson(x, y, size(x, 2), size(x, 1), _null(rows), m, C_NULL))
    return per_pattern ? (m[], rows) : m[]
end

"Pearson correlation over all entries of a and b."
function pearson_overall(a, b)
    x, y = _pair(a, b)
    r = Ref{Cdouble}(0)
    check(amem_metric_pearson(x, y, size(x, 2), size(x, 1), C_NULL, C_NULL, r))
    return r[]
end

# ---- progress callbacks -------------------------------------------------------------

"""
    progress_cfunction(f) -> Base.CFunction

Wrap `f(stage::String, done::Int, total::Int, metric::Float64)` as an
`amem_progress_fn`; `f` returns `true` to cancel. Keep the returned object
alive (`GC.@preserve`) while the library may call it, and pass it where a
function takes an `amem_progress_fn`.
"""
function progress_cfunction(f)
    function thunk(user::Ptr{Cvoid}, stage::Ptr{Cchar}, done::Clong, total::Clong,
                   metric::Cdouble)::Cint
        name = stage == C_NULL ? "" : unsafe_string(stage)
        return f(name, Int(done), Int(total), Float64(metric)) === true ? Cint(1) : Cint(0)
    end
    return @cfunction($thunk, Cint, (Ptr{Cvoid}, Ptr{Cchar}, Clong, Clong, Cdouble))
end

# ---- the other pieces, one file each (they use the helpers above) -----------------

include("dam.jl")
include("diffusion.jl")
include("kvmem.jl")
include("tvt.jl")
include("vae.jl")
include("probes.jl")
include("scenes.jl")
include("capacity.jl")

end # module
