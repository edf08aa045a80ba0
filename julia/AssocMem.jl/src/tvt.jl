# ---- TVT-style slot memory with a learned read (include/assocmem/tvt.h) -------------
#
# Items are columns: keys d × n, values m × n, read weights N × n.
# Lifecycle, settings, persistence and `train_steps!` come from handles.jl.

"""
    TVT(key_dim, slots, value_dim = key_dim; settings...)
    TVT(f, key_dim, slots, value_dim = key_dim; ...)   # do-block

A memory of `slots` rows written in turn (row count mod N) and read with
learned parameters, trained by `train_steps!` on episodes from the handle's
generator. Settings by name (`seed`, `sign_output`, `learning_rate`,
`batch_size`, ...).
"""
@handle TVT amem_tvt "AMEM_TVT_" key_dim::Int slots::Int value_dim::Int

function _init!(m::TVT)
    m.key_dim = _query(amem_tvt_key_dim, m.ptr)
    m.slots = _query(amem_tvt_slots, m.ptr)
    m.value_dim = _query(amem_tvt_value_dim, m.ptr)
    return m
end

TVT(key_dim::Integer, slots::Integer, value_dim::Integer = key_dim; settings...) =
    _configured(_create(out -> amem_tvt_create(key_dim, slots, value_dim, out), TVT), settings)

_ctrain(m::TVT, steps, fn, user, loss) = amem_tvt_train(_ptr(m), steps, fn, user, loss)

step_count(m::TVT) = _query(amem_tvt_step_count, m)

"Store (key, value) in the next row; `value = nothing` stores the key (m = d)."
function write!(m::TVT, key::AbstractVector{<:Real}, value = nothing)
    k, _ = _columns(key, m.key_dim, "key")
    v = value === nothing ? nothing : _columns(value, m.value_dim, "value")[1]
    check(amem_tvt_write(_ptr(m), k, _null(v)))
    return m
end

"Write the columns of keys (d × n) with values (m × n) or the keys, in order."
function write_many!(m::TVT, keys::AbstractVecOrMat{<:Real}, values = nothing)
    k, n = _columns(keys, m.key_dim, "keys")
    v = nothing
    if values !== nothing
        v, nv = _columns(values, m.value_dim, "values")
        nv == n || _fail(AMEM_E_DIM, "$n keys but $nv values")
    end
    check(amem_tvt_write_many(_ptr(m), k, _null(v), n))
    return m
end

"Outputs (m × n) of queries (d × n); `weights = true` adds the read weights (N × n)."
function Base.read(m::TVT, queries::AbstractVecOrMat{<:Real}; weights::Bool = false)
    q, n = _columns(queries, m.key_dim, "queries")
    out = Matrix{Float32}(undef, m.value_dim, n)
    w = weights ? Matrix{Float32}(undef, m.slots, n) : nothing
    check(amem_tvt_read(_ptr(m), q, n, out, _null(w)))
    return _result(queries isa AbstractVector, out, w)
end

"Empty the rows and reset the write counter."
clear!(m::TVT) = (check(amem_tvt_clear(_ptr(m))); m)

"Writes since creation or the last clear."
stored_count(m::TVT) = _query(amem_tvt_count, m)

"""
    read_params(m::TVT) -> (A, a, u, c)

The learned read parameters: `A` is returned as the d × d matrix with
`A[i, j]` the C `A[i][j]` (this small parameter matrix is transposed on the
way in and out, unlike pattern matrices), `a` and `u` d-vectors, `c` a number.
"""
function read_params(m::TVT)
    d = m.key_dim
    at = Matrix{Float32}(undef, d, d)
    a, u, c = Vector{Float32}(undef, d), Vector{Float32}(undef, d), Ref{Cfloat}(0)
    check(amem_tvt_get_read_params(_ptr(m), at, a, u, c))
    return (permutedims(at), a, u, c[])
end

"Replace the read parameters (A d × d as in `read_params`); resets Adam."
function set_read_params!(m::TVT, A::AbstractMatrix{<:Real}, a::AbstractVector{<:Real},
                          u::AbstractVector{<:Real}, c::Real)
    d = m.key_dim
    size(A) == (d, d) && length(a) == d && length(u) == d ||
        _fail(AMEM_E_DIM, "expected A $d × $d, a and u of length $d")
    at = Matrix{Float32}(permutedims(A))
    check(amem_tvt_set_read_params(_ptr(m), at, Vector{Float32}(a), Vector{Float32}(u),
                                   Ref{Cfloat}(c)))
    return m
end

"The record of the last training step (`AMEM_TVT_HISTORY_COLS` floats; callable from a progress function)."
function last_step(m::TVT)
    out = Vector{Float32}(undef, AMEM_TVT_HISTORY_COLS)
    check(amem_tvt_get_last_step(_ptr(m), out))
    return out
end
