# ---- Dense associative memory (include/assocmem/dam.h) ---------------------------
#
# Included by AssocMem.jl after the Hopfield section; uses its helpers
# (_f32, _columns, _same_size, _null, _fail, _constant, check). Items are
# columns: an N × n matrix holds n items.

"""
    Dam(visible, hidden; settings...)
    Dam(f, visible, hidden; ...)         # do-block: closed afterwards

Dense associative memory of Tyulmankov et al. (2023) with N = `visible`
and M = `hidden` units. Settings by name, e.g. `beta = 5, seed = 1,
balance = :sample, signal = :neg_entropy, gamma = 5`; giving `seed` redraws
the initial weights from it. Freed by `close(net)` or the finalizer.
"""
mutable struct Dam
    ptr::Ptr{amem_dam}
    visible::Int
    hidden::Int

    function Dam(ptr::Ptr{amem_dam})
        d = new(ptr, 0, 0)
        finalizer(close, d)
        n, m = Ref{Csize_t}(0), Ref{Csize_t}(0)
        check(amem_dam_visible(ptr, n))
        check(amem_dam_hidden(ptr, m))
        d.visible, d.hidden = n[], m[]
        return d
    end
end

_dam_param(p::Integer) = p
_dam_param(p) = _constant("AMEM_DAM_", p, "setting")

function Dam(visible::Integer, hidden::Integer; settings...)
    out = Ref{Ptr{amem_dam}}(C_NULL)
    check(amem_dam_create(visible, hidden, out))
    d = Dam(out[])
    try
        for (name, value) in settings
            setting!(d, name, value)
        end
        haskey(settings, :seed) && reset!(d)
    catch
        close(d)
        rethrow()
    end
    return d
end

function Dam(f::Function, visible::Integer, hidden::Integer; kwargs...)
    d = Dam(visible, hidden; kwargs...)
    try
        return f(d)
    finally
        close(d)
    end
end

function Base.close(d::Dam)
    if d.ptr != C_NULL
        amem_dam_free(d.ptr)
        d.ptr = C_NULL
    end
    return nothing
end

_ptr(d::Dam) = d.ptr == C_NULL ? throw(ArgumentError("Dam is closed")) : d.ptr

function setting!(d::Dam, param, value)
    v = if value isa Union{Symbol,AbstractString}
        _constant(string("AMEM_DAM_", uppercase(string(param)), "_"), value,
                  "value of $param")
    else
        value
    end
    check(amem_dam_set(_ptr(d), _dam_param(param), Float64(v)))
    return d
end

function setting(d::Dam, param)
    v = Ref{Cdouble}(0)
    check(amem_dam_get(_ptr(d), _dam_param(param), v))
    return v[]
end

"(min, max, integer) of a Dam setting."
function dam_param_bounds(param)
    lo, hi, int = Ref{Cdouble}(0), Ref{Cdouble}(0), Ref{Cint}(0)
    check(amem_dam_param_bounds(_dam_param(param), lo, hi, int))
    return (lo[], hi[], int[] != 0)
end

"Redraw the weights from the RNG and clear the trainer state."
reset!(d::Dam) = (check(amem_dam_reset(_ptr(d))); d)

"The weights as N × M (column μ = ξ_μ; unit columns unless normalized = false)."
function dam_weights(d::Dam; normalized::Bool = true)
    w = Matrix{Float32}(undef, d.visible, d.hidden)
    check(amem_dam_get_weights(_ptr(d), w, Cint(normalized)))
    return w
end

"Replace the raw weights (N × M, column μ = row μ of W)."
function set_weights!(d::Dam, w::AbstractMatrix{<:Real})
    a = _f32(w)
    size(a) == (d.visible, d.hidden) ||
        _fail(AMEM_E_DIM, "weights have size $(size(a)), expected $((d.visible, d.hidden))")
    check(amem_dam_set_weights(_ptr(d), a))
    return d
end

"""
    recall(d::Dam, cues; clamp = nothing, steps = false, hidden = false)

Fixed points from cues (N × n); optional convergence times and final hidden
activations (M × n).
"""
function recall(d::Dam, cues::AbstractVecOrMat{<:Real}; clamp = nothing,
                steps::Bool = false, hidden::Bool = false)
    q, n = _columns(cues, d.visible, "cues")
    c = clamp === nothing ? nothing : _same_size(clamp, q, "clamp")
    out = Matrix{Float32}(undef, d.visible, n)
    st = steps ? Vector{Cint}(undef, n) : nothing
    hid = hidden ? Matrix{Float32}(undef, d.hidden, n) : nothing
    check(amem_dam_recall(_ptr(d), q, n, _null(c), out, _null(st), _null(hid)))
    return _result(cues isa AbstractVector, out, st, hid)
end

"E(v) = −β⁻¹ log Σ exp(β ξ̂·g(v)) of states (N × n)."
function energy(d::Dam, states::AbstractVecOrMat{<:Real})
    s, n = _columns(states, d.visible, "states")
    e = Vector{Float64}(undef, n)
    check(amem_dam_energy(_ptr(d), s, n, e))
    return states isa AbstractVector ? e[1] : e
end

"(cues, clamp): the training perturbation of items (N × n)."
function perturb(d::Dam, items::AbstractVecOrMat{<:Real})
    x, n = _columns(items, d.visible, "items")
    cues, clamp = similar(x, Float32, size(x)), similar(x, Float32, size(x))
    check(amem_dam_perturb(_ptr(d), x, n, cues, clamp))
    return cues, clamp
end

_labels(l, n) = l === nothing ? nothing :
    (length(l) == n ? Vector{Int32}(l) : _fail(AMEM_E_DIM, "exceptions has $(length(l)) entries, expected $n"))

"Evaluation loss of Eq. 2: (regular, exception, eval)."
function evaluate(d::Dam, items::AbstractVecOrMat{<:Real}, exceptions = nothing;
                  seed::Integer = 0)
    x, n = _columns(items, d.visible, "items")
    lab = _labels(exceptions, n)
    r, e, ev = Ref{Cdouble}(0), Ref{Cdouble}(0), Ref{Cdouble}(0)
    check(amem_dam_evaluate(_ptr(d), x, _null(lab), n, UInt64(seed), C_NULL, r, e, ev))
    return (r[], e[], ev[])
end

"Copy the training set (N × n) and optional 0/1 exception labels."
function set_data!(d::Dam, items::AbstractVecOrMat{<:Real}, exceptions = nothing)
    x, n = _columns(items, d.visible, "items")
    check(amem_dam_set_data(_ptr(d), x, _null(_labels(exceptions, n)), n))
    return d
end

function data_count(d::Dam)
    n = Ref{Csize_t}(0)
    check(amem_dam_data_count(_ptr(d), n))
    return Int(n[])
end

"Train for `epochs` epochs; `progress(stage, done, total, loss)` returning true cancels."
function train!(d::Dam, epochs::Integer; progress = nothing)
    if progress === nothing
        check(amem_dam_train(_ptr(d), epochs, C_NULL, C_NULL))
    else
        cf = progress_cfunction(progress)
        GC.@preserve cf check(amem_dam_train(_ptr(d), epochs, cf, C_NULL))
    end
    return d
end

"(epochs, Adam steps) done so far."
function training_progress(d::Dam)
    e, s = Ref{Clong}(0), Ref{Clong}(0)
    check(amem_dam_progress(_ptr(d), e, s))
    return (Int(e[]), Int(s[]))
end

"A per-item record (`:loss`, `:time`, `:entropy`, `:max`, `:norm`, `:signal`, `:alpha`, `:weight`, `:uses`)."
function item_record(d::Dam, which)
    r = which isa Integer ? which : _constant("AMEM_DAM_RECORD_", which, "record")
    out = Vector{Float32}(undef, data_count(d))
    check(amem_dam_get_item_record(_ptr(d), r, out))
    return out
end

save(d::Dam, path::AbstractString) = check(amem_dam_save(_ptr(d), String(path)))

function save_mem(d::Dam)
    data, len = Ref{Ptr{Cvoid}}(C_NULL), Ref{Csize_t}(0)
    check(amem_dam_save_mem(_ptr(d), data, len))
    try
        return copy(unsafe_wrap(Array, Ptr{UInt8}(data[]), Int(len[])))
    finally
        amem_free(data[])
    end
end

function load_dam(path::AbstractString)
    out = Ref{Ptr{amem_dam}}(C_NULL)
    check(amem_dam_load(String(path), out))
    return Dam(out[])
end

function load_dam_mem(bytes::AbstractVector{UInt8})
    buf = Vector{UInt8}(bytes)
    out = Ref{Ptr{amem_dam}}(C_NULL)
    check(amem_dam_load_mem(buf, length(buf), out))
    return Dam(out[])
end
