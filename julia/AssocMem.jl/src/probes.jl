# ---- Linear/kernel probes and t-SNE (include/assocmem/probes.h) ---------------------
#
# Items are columns: a dim × n matrix holds n items. Labels are Int32 class
# numbers in [0, 65535], as given to `fit_probe!`. Lifecycle, settings and
# persistence come from handles.jl.

"""
    Probe(kind; settings...)        # kind :svc or :softmax
    Probe(f, kind; ...)             # do-block: closed afterwards

A classifier probe (RBF SVC or softmax regression). Settings by name, e.g.
`c = 10, multiclass = :ovr, epochs = 100` (values resolve to
`AMEM_PROBE_<VALUE>`).
"""
@handle Probe amem_probe "AMEM_PROBE_"

_value_prefix(::Type{Probe}, param) = "AMEM_PROBE_"

function Probe(kind::_Name; settings...)
    k = _named("AMEM_PROBE_", kind, "probe kind")
    return _configured(_create(out -> amem_probe_create(k, out), Probe), settings)
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

"Fit on items (dim × n) with n labels, replacing an earlier fit; `progress(stage, done, total, metric)` may return true to cancel."
function fit_probe!(p::Probe, x::AbstractVecOrMat{<:Real}, labels::AbstractVector{<:Integer};
                    progress = nothing)
    a, dim, n = _items(x)
    ys = _probe_labels(labels, n)
    _with_progress(progress) do fn, user
        amem_probe_fit(_ptr(p), a, ys, n, dim, fn, user)
    end
    return p
end

"Predicted labels (Vector{Int32}) of items (dim × n)."
function predict_labels(p::Probe, x::AbstractVecOrMat{<:Real})
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
class_count(p::Probe) = _query(amem_probe_classes, p)

"The probe kind (`AMEM_PROBE_SVC` or `AMEM_PROBE_SOFTMAX`)."
probe_kind(p::Probe) = _query(amem_probe_kind, p, Cint)

"Features per item of the fit (0 before `fit_probe!`)."
feature_count(p::Probe) = _query(amem_probe_dim, p)

"SVC support vectors over all machines (0 for softmax)."
support_count(p::Probe) = _query(amem_probe_support_count, p)

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
    _with_progress(progress) do fn, user
        amem_tsne(a, n, dim, out_dim, perplexity, iterations, UInt64(seed), y, fn, user)
    end
    return y
end
