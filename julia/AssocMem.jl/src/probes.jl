# ---- Linear/kernel probes and t-SNE (include/assocmem/probes.h) ---------------------
#
# Included by AssocMem.jl; uses its helpers (_f32, _fail, _constant, check,
# progress_cfunction). Items are columns: a dim × n matrix holds n items.
# Labels are Int32 class numbers in [0, 65535], as given to `fit!`.

"""
    Probe(kind; settings...)        # kind :svc or :softmax
    Probe(f, kind; ...)             # do-block: closed afterwards

A classifier probe (RBF SVC or softmax regression). Settings by name, e.g.
`c = 10, multiclass = :ovr, epochs = 100` (values resolve to
`AMEM_PROBE_<VALUE>`). Freed by `close(p)` or the finalizer.
"""
mutable struct Probe
    ptr::Ptr{amem_probe}

    function Probe(ptr::Ptr{amem_probe})
        p = new(ptr)
        finalizer(close, p)
        return p
    end
end

_probe_param(p::Integer) = p
_probe_param(p) = _constant("AMEM_PROBE_", p, "setting")

function Probe(kind; settings...)
    k = kind isa Integer ? kind : _constant("AMEM_PROBE_", kind, "probe kind")
    out = Ref{Ptr{amem_probe}}(C_NULL)
    check(amem_probe_create(k, out))
    p = Probe(out[])
    try
        for (name, value) in settings
            setting!(p, name, value)
        end
    catch
        close(p)
        rethrow()
    end
    return p
end

function Probe(f::Function, kind; kwargs...)
    p = Probe(kind; kwargs...)
    try
        return f(p)
    finally
        close(p)
    end
end

function Base.close(p::Probe)
    if p.ptr != C_NULL
        amem_probe_free(p.ptr)
        p.ptr = C_NULL
    end
    return nothing
end

_ptr(p::Probe) = p.ptr == C_NULL ? throw(ArgumentError("Probe is closed")) : p.ptr

function Base.show(io::IO, p::Probe)
    p.ptr == C_NULL ? print(io, "Probe(closed)") :
        print(io, "Probe(classes=", class_count(p), ")")
end

function setting!(p::Probe, param, value)
    v = value isa Union{Symbol,AbstractString} ?
        _constant("AMEM_PROBE_", value, "value of $param") : value
    check(amem_probe_set(_ptr(p), _probe_param(param), Float64(v)))
    return p
end

function setting(p::Probe, param)
    v = Ref{Cdouble}(0)
    check(amem_probe_get(_ptr(p), _probe_param(param), v))
    return v[]
end

"(min, max, integer) of a Probe setting."
function probe_param_bounds(param)
    lo, hi, int = Ref{Cdouble}(0), Ref{Cdouble}(0), Ref{Cint}(0)
    check(amem_probe_param_bounds(_probe_param(param), lo, hi, int))
    return (lo[], hi[], int[] != 0)
end

"(Float32 dim × n matrix, dim, n) of items; a vector is one item."
function _items(x::AbstractVecOrMat{<:Real})
    a = _f32(x)
    a isa Vector && (a = reshape(a, :, 1))
    return a, size(a, 1), size(a, 2)
end

function _probe_labels(labels, n)
    l = Vector{Int32}(labels)
    length(l) == n || _fail(AMEM_E_DIM, "$(length(l)) labels for $n items")
    return l
end

"Fit on items (dim × n) with n labels, replacing an earlier fit."
function fit!(p::Probe, x::AbstractVecOrMat{<:Real}, labels::AbstractVector{<:Integer})
    a, dim, n = _items(x)
    check(amem_probe_fit(_ptr(p), a, _probe_labels(labels, n), n, dim, C_NULL, C_NULL))
    return p
end

"Predicted labels (Vector{Int32}) of items (dim × n)."
function predict(p::Probe, x::AbstractVecOrMat{<:Real})
    a, dim, n = _items(x)
    out = Vector{Int32}(undef, n)
    check(amem_probe_predict(_ptr(p), a, n, dim, out))
    return out
end

"Per-class scores (classes × n) of items (dim × n)."
function scores(p::Probe, x::AbstractVecOrMat{<:Real})
    a, dim, n = _items(x)
    out = Matrix{Float32}(undef, class_count(p), n)
    check(amem_probe_scores(_ptr(p), a, n, dim, out))
    return x isa AbstractVector ? out[:, 1] : out
end

"Fraction of items (dim × n) predicted as their label."
function accuracy(p::Probe, x::AbstractVecOrMat{<:Real}, labels::AbstractVector{<:Integer})
    a, dim, n = _items(x)
    acc = Ref{Cdouble}(0)
    check(amem_probe_accuracy(_ptr(p), a, _probe_labels(labels, n), n, dim, acc))
    return acc[]
end

"Number of classes of the fit (0 before)."
function class_count(p::Probe)
    n = Ref{Csize_t}(0)
    check(amem_probe_classes(_ptr(p), n))
    return Int(n[])
end

"The probe kind (`AMEM_PROBE_SVC` or `AMEM_PROBE_SOFTMAX`)."
function probe_kind(p::Probe)
    k = Ref{Cint}(0)
    check(amem_probe_kind(_ptr(p), k))
    return Int(k[])
end

"Features per item of the fit (0 before `fit!`)."
function feature_count(p::Probe)
    n = Ref{Csize_t}(0)
    check(amem_probe_dim(_ptr(p), n))
    return Int(n[])
end

save(p::Probe, path::AbstractString) = check(amem_probe_save(_ptr(p), String(path)))

save_mem(p::Probe) = _take_bytes((d, n) -> amem_probe_save_mem(_ptr(p), d, n))

"A probe (fitted or not) read from a file written by `save`."
function load_probe(path::AbstractString)
    out = Ref{Ptr{amem_probe}}(C_NULL)
    check(amem_probe_load(String(path), out))
    return Probe(out[])
end

function load_probe_mem(bytes::AbstractVector{UInt8})
    buf = Vector{UInt8}(bytes)
    out = Ref{Ptr{amem_probe}}(C_NULL)
    check(amem_probe_load_mem(buf, length(buf), out))
    return Probe(out[])
end

"SVC support vectors over all machines (0 for softmax)."
function support_count(p::Probe)
    n = Ref{Csize_t}(0)
    check(amem_probe_support_count(_ptr(p), n))
    return Int(n[])
end

"""
    tsne(x; out_dim = 2, perplexity = 30, iterations = 1000, seed = 0,
         progress = nothing) -> out_dim × n

Exact t-SNE embedding of points (dim × n). `progress(stage, done, total,
kl)` returning true cancels.
"""
function tsne(x::AbstractMatrix{<:Real}; out_dim::Integer = 2, perplexity::Real = 30,
              iterations::Integer = 1000, seed::Integer = 0, progress = nothing)
    a, dim, n = _items(x)
    out_dim >= 1 || _fail(AMEM_E_RANGE, "out_dim must be >= 1, got $out_dim")
    y = Matrix{Float32}(undef, out_dim, n)
    if progress === nothing
        check(amem_tsne(a, n, dim, out_dim, perplexity, iterations, UInt64(seed), y,
                        C_NULL, C_NULL))
    else
        cf = progress_cfunction(progress)
        GC.@preserve cf check(amem_tsne(a, n, dim, out_dim, perplexity, iterations,
                                        UInt64(seed), y, cf, C_NULL))
    end
    return y
end
