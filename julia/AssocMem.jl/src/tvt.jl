# ---- TVT-style slot memory with a learned read (include/assocmem/tvt.h) -------------
#
# Included by AssocMem.jl; uses its helpers (_columns, _null, _fail,
# _constant, _result, _take_bytes, check, progress_cfunction). Items are
# columns: keys d × n, values m × n, read weights N × n.

"""
    TVT(key_dim, slots, value_dim = key_dim; settings...)
    TVT(f, key_dim, slots, value_dim = key_dim; ...)   # do-block

A memory of `slots` rows written in turn (row count mod N) and read with
learned parameters. Settings by name (`seed`, `sign_output`, `learning_rate`,
`batch_size`, ...). Freed by `close(m)` or the finalizer.
"""
mutable struct TVT
    ptr::Ptr{amem_tvt}
    key_dim::Int
    slots::Int
    value_dim::Int

    function TVT(ptr::Ptr{amem_tvt})
        m = new(ptr, 0, 0, 0)
        finalizer(close, m)
        d, n, v = Ref{Csize_t}(0), Ref{Csize_t}(0), Ref{Csize_t}(0)
        check(amem_tvt_key_dim(ptr, d))
        check(amem_tvt_slots(ptr, n))
        check(amem_tvt_value_dim(ptr, v))
        m.key_dim, m.slots, m.value_dim = d[], n[], v[]
        return m
    end
end

_tvt_param(p::Integer) = p
_tvt_param(p) = _constant("AMEM_TVT_", p, "setting")

function TVT(key_dim::Integer, slots::Integer, value_dim::Integer = key_dim; settings...)
    out = Ref{Ptr{amem_tvt}}(C_NULL)
    check(amem_tvt_create(key_dim, slots, value_dim, out))
    m = TVT(out[])
    try
        for (name, value) in settings
            setting!(m, name, value)
        end
    catch
        close(m)
        rethrow()
    end
    return m
end

function TVT(f::Function, key_dim::Integer, slots::Integer,
             value_dim::Integer = key_dim; kwargs...)
    m = TVT(key_dim, slots, value_dim; kwargs...)
    try
        return f(m)
    finally
        close(m)
    end
end

function Base.close(m::TVT)
    if m.ptr != C_NULL
        amem_tvt_free(m.ptr)
        m.ptr = C_NULL
    end
    return nothing
end

_ptr(m::TVT) = m.ptr == C_NULL ? throw(ArgumentError("TVT is closed")) : m.ptr

function Base.show(io::IO, m::TVT)
    m.ptr == C_NULL ? print(io, "TVT(closed)") :
        print(io, "TVT(key_dim=", m.key_dim, ", slots=", m.slots,
              ", value_dim=", m.value_dim, ", stored=", stored_count(m), ")")
end

function setting!(m::TVT, param, value::Real)
    check(amem_tvt_set(_ptr(m), _tvt_param(param), Float64(value)))
    return m
end

function setting(m::TVT, param)
    v = Ref{Cdouble}(0)
    check(amem_tvt_get(_ptr(m), _tvt_param(param), v))
    return v[]
end

"(min, max, integer) of a TVT setting."
function tvt_param_bounds(param)
    lo, hi, int = Ref{Cdouble}(0), Ref{Cdouble}(0), Ref{Cint}(0)
    check(amem_tvt_param_bounds(_tvt_param(param), lo, hi, int))
    return (lo[], hi[], int[] != 0)
end

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
function stored_count(m::TVT)
    n = Ref{Csize_t}(0)
    check(amem_tvt_count(_ptr(m), n))
    return Int(n[])
end

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

"""
    train!(m::TVT, steps; progress = nothing) -> history

`steps` Adam steps of the read parameters; the history is an
`AMEM_TVT_HISTORY_COLS × steps` matrix (step, loss, accuracy, mean strength).
"""
function train!(m::TVT, steps::Integer; progress = nothing)
    steps >= 1 || _fail(AMEM_E_DIM, "steps must be >= 1, got $steps")
    hist = Matrix{Float32}(undef, AMEM_TVT_HISTORY_COLS, steps)
    if progress === nothing
        check(amem_tvt_train(_ptr(m), steps, hist, C_NULL, C_NULL))
    else
        cf = progress_cfunction(progress)
        GC.@preserve cf check(amem_tvt_train(_ptr(m), steps, hist, cf, C_NULL))
    end
    return hist
end

save(m::TVT, path::AbstractString) = check(amem_tvt_save(_ptr(m), String(path)))

save_mem(m::TVT) = _take_bytes((d, l) -> amem_tvt_save_mem(_ptr(m), d, l))

function load_tvt(path::AbstractString)
    out = Ref{Ptr{amem_tvt}}(C_NULL)
    check(amem_tvt_load(String(path), out))
    return TVT(out[])
end

function load_tvt_mem(bytes::AbstractVector{UInt8})
    buf = Vector{UInt8}(bytes)
    out = Ref{Ptr{amem_tvt}}(C_NULL)
    check(amem_tvt_load_mem(buf, length(buf), out))
    return TVT(out[])
end
