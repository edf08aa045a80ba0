# ---- Hopfield-family networks (include/assocmem/hopfield.h) -------------------------

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
@handle Hopfield amem_hopfield "AMEM_HOPFIELD_" kind::Int dim::Int value_dim::Int

function _init!(h::Hopfield)
    h.kind = _query(amem_hopfield_kind, h.ptr, Cint)
    h.dim = _query(amem_hopfield_dim, h.ptr)
    h.value_dim = _query(amem_hopfield_value_dim, h.ptr)
    return h
end

# The modern store's framework settings use the short SIM_/SEP_ value names.
function _value_prefix(::Type{Hopfield}, param)
    name = uppercase(string(param))
    name == "SIMILARITY" && return "AMEM_HOPFIELD_SIM_"
    name == "SEPARATION" && return "AMEM_HOPFIELD_SEP_"
    return string("AMEM_HOPFIELD_", name, "_")
end

function Hopfield(kind::_Name, dim::Integer; value_dim::Integer = 0, settings...)
    dim >= 1 || _fail(AMEM_E_DIM, "dim must be >= 1, got $dim")
    value_dim >= 0 || _fail(AMEM_E_DIM, "value_dim must be >= 0, got $value_dim")
    k = _named("AMEM_HOPFIELD_", kind, "kind")
    h = _create(out -> amem_hopfield_create(k, dim, value_dim, out), Hopfield)
    return _configured(h, settings)
end

_output_dim(h::Hopfield) = h.value_dim > 0 ? h.value_dim : h.dim
_energy_dim(h::Hopfield) =
    h.kind == AMEM_HOPFIELD_CLASSICAL && h.value_dim > 0 ? h.dim + h.value_dim : h.dim

"Number of items stored (Hebbian writes for :classical)."
stored_count(h::Hopfield) = _query(amem_hopfield_count, h)

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
    c = _mask(clamp, q)
    out = Matrix{Float32}(undef, _output_dim(h), n)
    st = steps ? Vector{Cint}(undef, n) : nothing
    w = weights ? Matrix{Float32}(undef, stored_count(h), n) : nothing
    check(amem_hopfield_recall(_ptr(h), q, n, _null(c), out, _null(st), _null(w)))
    return _result(queries isa AbstractVector, out, st, w)
end

"""
    recall_partial(h, queries; clamp = nothing) -> (row_max, row_sum, keys, values)

The unnormalised parts of one softmax step of a `:modern` network (softmax
separation): per query (column) the maximum score, the sum of
e^(s - max), and the weighted sums of the stored keys (d × n) and, for a
heteroassociative network, of the values (m × n; `nothing` otherwise).
Parts of stores split in two merge by log-sum-exp, and `keys ./ row_sum'`
is one recall step (hopfield.h, amem_hopfield_recall_partial).
"""
function recall_partial(h::Hopfield, queries::AbstractVecOrMat{<:Real};
                        clamp = nothing)
    q, n = _columns(queries, h.dim, "queries")
    c = _mask(clamp, q)
    mx, sm = Vector{Float32}(undef, n), Vector{Float32}(undef, n)
    wk = Matrix{Float32}(undef, h.dim, n)
    wv = h.value_dim > 0 ? Matrix{Float32}(undef, h.value_dim, n) : nothing
    check(amem_hopfield_recall_partial(_ptr(h), q, n, _null(c), mx, sm, wk,
                                       _null(wv)))
    return (mx, sm, wk, wv)
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
    dir = _named("AMEM_HOPFIELD_", direction, "direction")
    cue_len = dir == AMEM_HOPFIELD_KEY_TO_VALUE ? h.dim : h.value_dim
    cue_len >= 1 || _fail(AMEM_E_UNSUPPORTED, "not a BAM (value_dim 0)")
    q, n = _columns(cues, cue_len, "cues")
    c = _mask(clamp, q)
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
    _count(n)
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

# ---- ids, compressed keys, mapped stores --------------------------------------------

"A modern store whose saved file is mapped read-only (not read into memory)."
load_hopfield_mapped(path::AbstractString) =
    _create(out -> amem_hopfield_load_mapped(String(path), out), Hopfield)

"True for a store opened with `load_hopfield_mapped`."
is_mapped(h::Hopfield) = _query(amem_hopfield_is_mapped, h, Cint) != 0

"""
    append_patterns!(h, keys; values = nothing, ids = nothing)

Add patterns (columns of `keys`; `values` for a heteroassociative store)
with the given `ids` (unique, not stored yet) or assigned ones; returns the
ids of the new patterns.
"""
function append_patterns!(h::Hopfield, keys::AbstractVecOrMat{<:Real};
                          values = nothing, ids = nothing)
    k, n = _columns(keys, h.dim, "keys")
    v = values === nothing ? C_NULL : first(_columns(values, h.value_dim, "values"))
    given = ids === nothing ? C_NULL : Vector{UInt64}(ids)
    out = Vector{UInt64}(undef, n)
    check(amem_hopfield_append(_ptr(h), k, v, given, n, out))
    return out
end

"Delete the patterns with these ids (the last ones move into their rows)."
function remove_patterns!(h::Hopfield, ids)
    u = Vector{UInt64}(ids)
    check(amem_hopfield_remove(_ptr(h), u, length(u)))
    return h
end

"The keys (columns) of the patterns with these ids; with values: (keys, values)."
function get_patterns(h::Hopfield, ids)
    u = Vector{UInt64}(ids)
    keys = Matrix{Float32}(undef, h.dim, length(u))
    values = h.value_dim > 0 ? Matrix{Float32}(undef, h.value_dim, length(u)) : nothing
    check(amem_hopfield_get_patterns(_ptr(h), u, length(u), keys, _null(values)))
    return values === nothing ? keys : (keys, values)
end

"The ids of the stored patterns in storage order."
function pattern_ids(h::Hopfield)
    n = stored_count(h)
    out = Vector{UInt64}(undef, n)
    n > 0 && check(amem_hopfield_get_ids(_ptr(h), 0, n, out))
    return out
end

"The k best ids and separation weights of each query (k x n each)."
function recall_topk(h::Hopfield, queries::AbstractVecOrMat{<:Real}, k::Integer)
    q, n = _columns(queries, h.dim, "queries")
    ids = Matrix{UInt64}(undef, k, n)
    w = Matrix{Float32}(undef, k, n)
    check(amem_hopfield_recall_topk(_ptr(h), q, n, k, ids, w))
    return ids, w
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
    _with_progress((fn, user) -> amem_hopfield_build_index(_ptr(h), nlist, fn, user),
                   progress)
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
    t, s = Int.(top) .+ 1, Int.(scored)
    queries isa AbstractVector && return (out[:, 1], t[1], s[1], bound[1])
    return (out, t, s, bound)
end
