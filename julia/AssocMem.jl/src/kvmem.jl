# ---- Key-value memory with local third factors (include/assocmem/kvmem.h) ----------
#
# Items are columns: keys d × n, values m × n, hidden activations N × n.
# Lifecycle, settings, persistence and `train_steps!` come from handles.jl.

"""
    KVMemory(key_dim, slots, value_dim = key_dim; settings...)
    KVMemory(f, key_dim, slots, value_dim = key_dim; ...)   # do-block

Key-value memory with `slots` hidden units. Settings by name, e.g.
`local_factor = :random, p = 0.2, value_decay = :passive, beta = 10`
(values resolve to `AMEM_KVMEM_<SETTING>_<VALUE>`, or for `value_decay`
to `AMEM_KVMEM_DECAY_<VALUE>`). `train_steps!` meta-learns the plasticity
rule on episodes drawn from the handle's generator.
"""
@handle KVMemory amem_kvmem "AMEM_KVMEM_" key_dim::Int slots::Int value_dim::Int

function _init!(m::KVMemory)
    m.key_dim = _query(amem_kvmem_key_dim, m.ptr)
    m.slots = _query(amem_kvmem_slots, m.ptr)
    m.value_dim = _query(amem_kvmem_value_dim, m.ptr)
    return m
end

KVMemory(key_dim::Integer, slots::Integer, value_dim::Integer = key_dim; settings...) =
    _configured(_create(out -> amem_kvmem_create(key_dim, slots, value_dim, out), KVMemory),
                settings)

_value_prefix(::Type{KVMemory}, param) = uppercase(string(param)) == "VALUE_DECAY" ?
    "AMEM_KVMEM_DECAY_" : string("AMEM_KVMEM_", uppercase(string(param)), "_")

_ctrain(m::KVMemory, steps, fn, user, loss) =
    amem_kvmem_train(_ptr(m), steps, fn, user, loss)

step_count(m::KVMemory) = _query(amem_kvmem_step_count, m)

"Forget the meta-learning Adam moments and step count (C `amem_kvmem_reset`)."
reinit!(m::KVMemory) = (check(amem_kvmem_reset(_ptr(m))); m)

"Optional value matrix (m × n) or nothing for autoassociative use."
_kv_values(m::KVMemory, values, n) = values === nothing ? nothing :
    (v = _columns(values, m.value_dim, "values"); v[2] == n ? v[1] :
        _fail(AMEM_E_DIM, "$n keys but $(v[2]) values"))

"Optional per-item third factors q (n floats) or nothing (all 1)."
function _kv_q(q, n)
    q === nothing && return nothing
    v = Vector{Float32}(q isa Real ? fill(q, n) : q)
    length(v) == n || _fail(AMEM_E_DIM, "q has $(length(v)) entries, expected $n")
    return v
end

"""
    write!(m, key, value = nothing; q = 1.0)

Store one item (a d-vector key, an m-vector value or `nothing` for the key
itself) with global third factor `q` (0 = do not store).
"""
function write!(m::KVMemory, key::AbstractVector{<:Real}, value = nothing; q::Real = 1.0)
    k, _ = _columns(key, m.key_dim, "key")
    v = value === nothing ? nothing : _columns(value, m.value_dim, "value")[1]
    check(amem_kvmem_write(_ptr(m), k, _null(v), q))
    return m
end

"""
    write_many!(m, keys, values = nothing; q = nothing)

Write the columns of `keys` (d × n) in order, with values (m × n) or the
keys themselves, and optional third factors `q` (a number or n values).
Everything is validated before the first write.
"""
function write_many!(m::KVMemory, keys::AbstractVecOrMat{<:Real}, values = nothing; q = nothing)
    k, n = _columns(keys, m.key_dim, "keys")
    v, qq = _kv_values(m, values, n), _kv_q(q, n)
    check(amem_kvmem_write_many(_ptr(m), k, _null(v), _null(qq), n))
    return m
end

"""
    read(m::KVMemory, queries; hidden = false)

Outputs (m × n) for queries (d × n, or one d-vector); with `hidden = true`
also the softmax activations (N × n).
"""
function Base.read(m::KVMemory, queries::AbstractVecOrMat{<:Real}; hidden::Bool = false)
    q, n = _columns(queries, m.key_dim, "queries")
    out = Matrix{Float32}(undef, m.value_dim, n)
    h = hidden ? Matrix{Float32}(undef, m.slots, n) : nothing
    check(amem_kvmem_read(_ptr(m), q, n, out, _null(h)))
    return _result(queries isa AbstractVector, out, h)
end

"Zero K, V and the stability flags (settings, RNG and training state kept)."
clear!(m::KVMemory) = (check(amem_kvmem_clear(_ptr(m))); m)

"Write calls with q > 0 since creation or the last clear."
stored_count(m::KVMemory) = _query(amem_kvmem_count, m)

"The slot (1-based) the next SEQUENTIAL write will use."
next_slot(m::KVMemory) = _query(amem_kvmem_next_slot, m) + 1

"The local third factor γ (N values, 0 or 1) of the last write."
function last_gamma(m::KVMemory)
    g = Vector{Float32}(undef, m.slots)
    check(amem_kvmem_get_last_gamma(_ptr(m), g))
    return g
end

"The key matrix as d × N (column i = key row of slot i)."
function memory_keys(m::KVMemory)
    k = Matrix{Float32}(undef, m.key_dim, m.slots)
    check(amem_kvmem_get_keys(_ptr(m), k))
    return k
end

"The slot values as m × N (column i = value of slot i)."
function memory_values(m::KVMemory)
    v = Matrix{Float32}(undef, m.value_dim, m.slots)
    check(amem_kvmem_get_values(_ptr(m), v))
    return v
end

"(key_frozen, value_frozen): the meta-plasticity flags as Bool vectors (N each)."
function stability(m::KVMemory)
    kf, vf = Vector{Cint}(undef, m.slots), Vector{Cint}(undef, m.slots)
    check(amem_kvmem_stability(_ptr(m), kf, vf))
    return (kf .!= 0, vf .!= 0)
end

"""
    episode(m, keys, queries, targets; values = nothing, q = nothing)
        -> (outputs, loss, accuracy, grad)

One write-then-read episode from an empty memory with the current rule:
keys d × T, values m × T (or the keys), queries d × R, targets m × R.
Returns the raw outputs (m × R), loss, accuracy and the gradient of the loss
with respect to the rule parameters (`AMEM_KVMEM_RULE_COUNT` values, then p).
"""
function episode(m::KVMemory, keys::AbstractVecOrMat{<:Real},
                 queries::AbstractVecOrMat{<:Real}, targets::AbstractVecOrMat{<:Real};
                 values = nothing, q = nothing)
    k, t = _columns(keys, m.key_dim, "keys")
    v, qq = _kv_values(m, values, t), _kv_q(q, t)
    x, r = _columns(queries, m.key_dim, "queries")
    y, ry = _columns(targets, m.value_dim, "targets")
    r == ry || _fail(AMEM_E_DIM, "$r queries but $ry targets")
    out = Matrix{Float32}(undef, m.value_dim, r)
    loss, acc = Ref{Cdouble}(0), Ref{Cdouble}(0)
    grad = Vector{Float64}(undef, AMEM_KVMEM_RULE_COUNT + 1)
    check(amem_kvmem_episode(_ptr(m), k, _null(v), _null(qq), t, x, y, r,
                             out, loss, acc, grad))
    return (out, loss[], acc[], grad)
end

# ---- Episode tape: gradients through the memory for a controller -------------

"""
    KVTape(m::KVMemory, max_writes, max_reads)

Records one episode at a time (writes and reads in any interleaving, from an
empty memory with `m`'s rule) and walks it back for the gradient of a loss
with respect to every key, value, q and query, and the rule parameters.
Per episode: `tape_begin!(tape, m)`, `tape_write!`/`tape_read`, then either
`tape_backward!(tape, d_out)` or, last operation first,
`tape_back_read!`/`tape_back_write!` (recurrent controllers). Freed by
`close(tape)` or the finalizer. Experimental in C (`AMEM_EXPERIMENTAL_API`).
"""
mutable struct KVTape <: Handle
    ptr::Ptr{amem_kvmem_tape}
    key_dim::Int
    slots::Int
    value_dim::Int

    function KVTape(m::KVMemory, max_writes::Integer, max_reads::Integer)
        out = Ref{Ptr{amem_kvmem_tape}}(C_NULL)
        check(amem_kvmem_tape_create(_ptr(m), max_writes, max_reads, out))
        t = new(out[], m.key_dim, m.slots, m.value_dim)
        finalizer(close, t)
        return t
    end
end

_cfree(t::KVTape) = amem_kvmem_tape_free(t.ptr)

"Start a new episode with `m`'s current rule (RANDOM draws seeded from `m`)."
tape_begin!(t::KVTape, m::KVMemory) = (check(amem_kvmem_tape_begin(_ptr(t), _ptr(m))); t)

"Record one write: a d-vector key, an m-vector value (or `nothing`), q >= 0."
function tape_write!(t::KVTape, key::AbstractVector{<:Real}, value = nothing; q::Real = 1.0)
    k, _ = _columns(key, t.key_dim, "key")
    v = value === nothing ? nothing : _columns(value, t.value_dim, "value")[1]
    check(amem_kvmem_tape_write(_ptr(t), k, _null(v), q))
    return t
end

"Record reads of queries (d × n or a d-vector); returns the raw outputs."
function tape_read(t::KVTape, queries::AbstractVecOrMat{<:Real})
    q, n = _columns(queries, t.key_dim, "queries")
    out = Matrix{Float32}(undef, t.value_dim, n)
    check(amem_kvmem_tape_read(_ptr(t), q, n, out, C_NULL))
    return queries isa AbstractVector ? vec(out) : out
end

"(writes, read queries, operations not yet walked back) of the episode."
function tape_count(t::KVTape)
    w, r, left = Ref{Csize_t}(0), Ref{Csize_t}(0), Ref{Csize_t}(0)
    check(amem_kvmem_tape_count(_ptr(t), w, r, left))
    return (Int(w[]), Int(r[]), Int(left[]))
end

"Walk back the last operation, a read, given dL/d(its outputs); returns dL/d(its queries)."
function tape_back_read!(t::KVTape, d_out::AbstractVecOrMat{<:Real})
    g, n = _columns(d_out, t.value_dim, "d_out")
    dq = Matrix{Float32}(undef, t.key_dim, n)
    check(amem_kvmem_tape_back_read(_ptr(t), g, dq))
    return d_out isa AbstractVector ? vec(dq) : dq
end

"""
    tape_back_write!(t) -> (d_key, d_value, d_q, rule_grad)

Walk back the last operation, a write. `rule_grad` is this write's share of
the rule gradient (`AMEM_KVMEM_RULE_COUNT` values, then p).
"""
function tape_back_write!(t::KVTape)
    dk, dv = Vector{Float32}(undef, t.key_dim), Vector{Float32}(undef, t.value_dim)
    dq, rg = Ref{Cdouble}(0), zeros(Float64, AMEM_KVMEM_RULE_COUNT + 1)
    check(amem_kvmem_tape_back_write(_ptr(t), dk, dv, dq, rg))
    return (dk, dv, dq[], rg)
end

"""
    tape_backward!(t, d_out) -> (d_keys, d_values, d_q, d_queries, rule_grad)

Walk the whole episode back: `d_out` (m × R) is dL/d(every read output) in
recording order; returns d × T, m × T, T, d × R and the rule gradient.
"""
function tape_backward!(t::KVTape, d_out::AbstractVecOrMat{<:Real})
    T, R, _ = tape_count(t)
    g = Matrix{Float32}(reshape(d_out, t.value_dim, :))
    size(g, 2) == R || _fail(AMEM_E_DIM, "d_out has $(size(g, 2)) columns, expected $R")
    dk, dv = Matrix{Float32}(undef, t.key_dim, T), Matrix{Float32}(undef, t.value_dim, T)
    dq, dx = Vector{Float32}(undef, T), Matrix{Float32}(undef, t.key_dim, R)
    rg = Vector{Float64}(undef, AMEM_KVMEM_RULE_COUNT + 1)
    check(amem_kvmem_tape_backward(_ptr(t), g, dk, dv, dq, dx, rg))
    return (dk, dv, dq, dx, rg)
end

"The record of the last training step (`AMEM_KVMEM_HISTORY_COLS` floats; callable from a progress function)."
function last_step(m::KVMemory)
    out = Vector{Float32}(undef, AMEM_KVMEM_HISTORY_COLS)
    check(amem_kvmem_get_last_step(_ptr(m), out))
    return out
end
