# ---- Errors, array helpers and library-wide calls (include/assocmem/common.h) ----

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

"The one error checker: throw an AssocMemError (with `amem_last_error()`) for a nonzero status."
function check(status::Integer)
    status == AMEM_OK || throw(AssocMemError(status, last_error()))
    return nothing
end

"Throw an AssocMemError for a mistake found on the Julia side."
_fail(status, detail) = throw(AssocMemError(status, detail))

"Version string of the loaded library."
version() = unsafe_string(amem_version_string())

"AMEM_VERSION_NUMBER of the loaded library (major*10000 + minor*100 + patch)."
version_number() = Int(amem_version_number())

"Threads used by BLAS and the library's loops (n >= 1)."
set_num_threads(n::Integer) = check(amem_set_num_threads(n))

get_num_threads() = Int(amem_get_num_threads())

# ---- names of constants ---------------------------------------------------------

"The constant `<prefix><NAME>` for a name given as a Symbol or string."
function _constant(prefix::AbstractString, name, what::AbstractString)
    sym = Symbol(prefix, uppercase(replace(string(name), "-" => "_")))
    isdefined(@__MODULE__, sym) || _fail(AMEM_E_ARG, "unknown $what $(repr(name))")
    return getfield(@__MODULE__, sym)
end

"A kind, preset or setting given by name or by its constant."
const _Name = Union{Symbol,AbstractString,Integer}

_named(prefix, x::Integer, what) = x
_named(prefix, x, what) = _constant(prefix, x, what)

# ---- scalar queries and library-owned buffers -------------------------------------

"Call `f(ptr, out)` (a C query writing one value of type `T`), check it, return the value."
function _query(f, ptr, ::Type{T} = Csize_t) where {T}
    out = Ref{T}(0)
    check(f(ptr, out))
    return T <: Integer ? Int(out[]) : out[]
end

"""
Call `f(data::Ref{Ptr{Cvoid}}, len::Ref{Csize_t})` (a `*_save_mem`), check
its status and return the image as a byte vector, freeing the C buffer.
"""
function _take_bytes(f)
    data, len = Ref{Ptr{Cvoid}}(C_NULL), Ref{Csize_t}(0)
    check(f(data, len))
    return _take(Ptr{UInt8}(data[]), (Int(len[]),))
end

"Copy a library-allocated array and release it with amem_free."
function _take(p::Ptr{T}, dims) where {T}
    try
        return copy(unsafe_wrap(Array, p, dims))
    finally
        amem_free(p)
    end
end

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

"x as Float32 with the size of ref (a vector is repeated for every column)."
function _same_size(x, ref, what)
    a = _f32(x)
    if a isa Vector && ref isa Matrix
        a = repeat(a, 1, size(ref, 2))
    end
    size(a) == size(ref) ||
        _fail(AMEM_E_DIM, "$what has size $(size(a)), expected $(size(ref))")
    return a
end

"The optional clamp or mask of queries q: nothing, or a Float32 array shaped like q."
_mask(m, q, what = "clamp") = m === nothing ? nothing : _same_size(m, q, what)

"A count n >= 1 given by the caller."
_count(n::Integer, what = "n") = n >= 1 ? n : _fail(AMEM_E_DIM, "$what must be >= 1, got $n")

_first(a::AbstractVector) = a[1]
_first(a::AbstractMatrix) = a[:, 1]

"out alone, or (out, extras...) for the extras that were requested."
function _result(single::Bool, out, extras...)
    given = Any[e for e in extras if e !== nothing]
    if single
        out = _first(out)
        given = Any[_first(e) for e in given]
    end
    return isempty(given) ? out : (out, given...)
end
