# ---- One handle layer for every piece ------------------------------------------------
#
# Every handle kind `amem_<piece>` of the C library has the same lifecycle,
# settings and persistence calls (docs/api.md, C5-C7). `@handle` declares the
# Julia type of one kind and binds those calls once; everything below is
# written once for all kinds. A piece file adds only what is special to it:
# its constructor, the fields it caches (`_init!`), named values that do not
# follow `<PREFIX><SETTING>_<VALUE>` (`_value_prefix`) and its own calls.

"A C handle owned by Julia: freed by `close` or by the finalizer."
abstract type Handle end

"""
    @handle T amem_piece "AMEM_PIECE_" field::Type ...

Declare `mutable struct T <: Handle` holding a `Ptr{amem_piece}` and the
given cached fields, with a finalizer, and bind the C functions every handle
kind has: `amem_piece_free`, `_set`, `_get`, `_param_bounds`, `_save`,
`_save_mem`, `_load`, `_load_mem`. Settings are the constants
`AMEM_PIECE_<NAME>`. A docstring written before `@handle` documents `T`.
"""
macro handle(T, cname, prefix, fields...)
    c(suffix) = Symbol(cname, "_", suffix)
    return esc(quote
        Base.@__doc__ mutable struct $T <: Handle
            ptr::Ptr{$cname}
            $(fields...)
            function $T(ptr::Ptr{$cname})
                h = new(ptr)
                finalizer(close, h)
                return h
            end
        end
        _out_ref(::Type{$T}) = Ref{Ptr{$cname}}(C_NULL)
        _prefix(::Type{$T}) = $prefix
        _cfree(h::$T) = $(c(:free))(h.ptr)
        _cset(h::$T, param, value) = $(c(:set))(_ptr(h), param, value)
        _cget(h::$T, param, value) = $(c(:get))(_ptr(h), param, value)
        _cbounds(::Type{$T}, param, lo, hi, int) = $(c(:param_bounds))(param, lo, hi, int)
        _csave(h::$T, path) = $(c(:save))(_ptr(h), path)
        _csave_mem(h::$T, data, len) = $(c(:save_mem))(_ptr(h), data, len)
        _cload(::Type{$T}, path, out) = $(c(:load))(path, out)
        _cload_mem(::Type{$T}, data, len, out) = $(c(:load_mem))(data, len, out)
    end)
end

# ---- lifecycle ------------------------------------------------------------------------

"The C pointer of an open handle; a closed one throws ArgumentError."
_ptr(h::Handle) =
    h.ptr == C_NULL ? throw(ArgumentError("$(nameof(typeof(h))) is closed")) : h.ptr

"Free the C handle now; later calls on `h` throw ArgumentError. Safe to repeat."
function Base.close(h::Handle)
    if h.ptr != C_NULL
        _cfree(h)
        h.ptr = C_NULL
    end
    return nothing
end

"Fill the fields a kind caches from its C handle (dimensions); nothing by default."
_init!(h::Handle) = h

"Wrap a new C pointer: the Julia object owns it from here on."
function _adopt(::Type{T}, ptr) where {T<:Handle}
    h = T(ptr)
    try
        _init!(h)
    catch
        close(h)
        rethrow()
    end
    return h
end

"Call `make(out)`, a C constructor writing a new handle into `out`, and wrap it."
function _create(make, ::Type{T}) where {T<:Handle}
    out = _out_ref(T)
    check(make(out))
    return _adopt(T, out[])
end

"Apply settings given by name to a new handle; on failure free it and rethrow."
function _configured(h::Handle, settings)
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

"Do-block form of every constructor: `T(args...) do h ... end` closes `h` afterwards."
function (::Type{T})(f::Function, args...; kwargs...) where {T<:Handle}
    h = T(args...; kwargs...)
    try
        return f(h)
    finally
        close(h)
    end
end

"`Dam(visible=10, hidden=5)`: the kind and its cached dimensions, or `Dam(closed)`."
function Base.show(io::IO, h::T) where {T<:Handle}
    cached = fieldnames(T)[2:end]
    print(io, nameof(T), "(")
    if h.ptr == C_NULL || isempty(cached)
        print(io, h.ptr == C_NULL ? "closed" : "open")
    else
        join(io, ("$f=$(getfield(h, f))" for f in cached), ", ")
    end
    print(io, ")")
end

# ---- settings -------------------------------------------------------------------------

_param(::Type{T}, p) where {T<:Handle} = _named(_prefix(T), p, "$(nameof(T)) setting")

"Prefix of the constants naming the values of a setting (`AMEM_<PIECE>_<SETTING>_`)."
_value_prefix(::Type{T}, param) where {T<:Handle} =
    string(_prefix(T), uppercase(string(param)), "_")

_value(::Type{T}, param, v::Real) where {T<:Handle} = v
_value(::Type{T}, param, v::Union{Symbol,AbstractString}) where {T<:Handle} =
    _constant(_value_prefix(T, param), v, "value of $param")

"""
    setting!(h, name, value)

Change a setting of any handle: `setting!(net, :beta, 8.0)`,
`setting!(net, :update, :sync)`. Names are the lower-case `AMEM_<PIECE>_*`
setting names; a named value resolves to `AMEM_<PIECE>_<SETTING>_<VALUE>`
(exceptions are listed in docs/julia.md).
"""
function setting!(h::T, param, value) where {T<:Handle}
    check(_cset(h, _param(T, param), Float64(_value(T, param, value))))
    return h
end

"The value of a setting (as Float64): `setting(h, :beta)`."
function setting(h::T, param) where {T<:Handle}
    v = Ref{Cdouble}(0)
    check(_cget(h, _param(T, param), v))
    return v[]
end

"`(min, max, integer)` of a setting of a handle kind: `param_bounds(Dam, :beta)`."
function param_bounds(::Type{T}, param) where {T<:Handle}
    lo, hi, int = Ref{Cdouble}(0), Ref{Cdouble}(0), Ref{Cint}(0)
    check(_cbounds(T, _param(T, param), lo, hi, int))
    return (lo[], hi[], int[] != 0)
end

param_bounds(h::Handle, param) = param_bounds(typeof(h), param)

# ---- persistence ----------------------------------------------------------------------

"Write the handle to a file (atomically)."
savemodel(h::Handle, path::AbstractString) = check(_csave(h, String(path)))

"The file image of the handle as a byte vector."
save_mem(h::Handle) = _take_bytes((data, len) -> _csave_mem(h, data, len))

"A handle of kind `T` read from a file written by `savemodel`: `loadmodel(Dam, path)`."
loadmodel(::Type{T}, path::AbstractString) where {T<:Handle} =
    _create(out -> _cload(T, String(path), out), T)

"A handle of kind `T` from a file image (`save_mem`)."
function load_mem(::Type{T}, bytes::AbstractVector{UInt8}) where {T<:Handle}
    buf = Vector{UInt8}(bytes)
    return _create(out -> _cload_mem(T, buf, length(buf), out), T)
end

# ---- scalar queries -------------------------------------------------------------------

_query(f, h::Handle, ::Type{T} = Csize_t) where {T} = _query(f, _ptr(h), T)

# ---- training (docs/api.md, C13-C15) -----------------------------------------------

"""
    train_steps!(h, steps; progress = nothing) -> (steps, loss, step_count)

Train a `Dam`, `Vae`, `Diffusion`, `KVMemory` or `TVT` for `steps`
optimizer steps (one update on one minibatch each, 1 ≤ steps ≤
`AMEM_MAX_STEPS_PER_CALL`) on the data it holds (`set_data!` for `Dam` and
`Vae`). Returns the steps finished in this call, the mean loss of the last
finished step (NaN if none) and `step_count(h)`, the steps since creation or
the last `reinit!`. `progress(stage, done, total, loss)` is called with
`done`/`total` in steps and returns `true` to cancel; cancelling (or an
exception thrown by `progress`, which is rethrown) keeps the finished steps
and leaves the handle usable. For epochs, `steps = epochs * steps_per_epoch(h)`.
"""
function train_steps!(h::Handle, steps::Integer; progress = nothing)
    steps >= 1 || _fail(AMEM_E_RANGE, "steps must be >= 1, got $steps")
    before = step_count(h)
    loss = Ref{Cdouble}(NaN)
    _with_progress((fn, user) -> _ctrain(h, steps, fn, user, loss), progress)
    after = step_count(h)
    return (steps = after - before, loss = loss[], step_count = after)
end

_not_trained(h) = throw(ArgumentError("$(nameof(typeof(h))) has no trainer"))
_ctrain(h::Handle, steps, fn, user, loss) = _not_trained(h)

"Optimizer steps since creation or the last `reinit!` (saved with the handle)."
step_count(h::Handle) = _not_trained(h)

"Optimizer steps in one pass over the attached data (`Dam`, `Vae`)."
steps_per_epoch(h::Handle) = throw(ArgumentError("$(nameof(typeof(h))) does not train in epochs"))
