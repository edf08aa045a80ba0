# ---- Dense associative memory (include/assocmem/dam.h) ---------------------------
#
# Items are columns: an N × n matrix holds n items. Lifecycle, settings,
# persistence and `train_steps!` come from handles.jl.

"""
    Dam(visible, hidden; settings...)
    Dam(f, visible, hidden; ...)         # do-block: closed afterwards

Dense associative memory of Tyulmankov et al. (2023) with N = `visible`
and M = `hidden` units. Settings by name, e.g. `beta = 5, seed = 1,
balance = :sample, signal = :neg_entropy, gamma = 5`; giving `seed` redraws
the initial weights from it. Train with `set_data!` then `train_steps!`.
"""
@handle Dam amem_dam "AMEM_DAM_" visible::Int hidden::Int

function _init!(d::Dam)
    d.visible = _query(amem_dam_visible, d.ptr)
    d.hidden = _query(amem_dam_hidden, d.ptr)
    return d
end

function Dam(visible::Integer, hidden::Integer; settings...)
    d = _configured(_create(out -> amem_dam_create(visible, hidden, out), Dam), settings)
    haskey(settings, :seed) || return d
    try
        return reinit!(d)
    catch
        close(d)
        rethrow()
    end
end

_ctrain(d::Dam, steps, fn, user, loss) = amem_dam_train(_ptr(d), steps, fn, user, loss)

step_count(d::Dam) = _query(amem_dam_step_count, d)

steps_per_epoch(d::Dam) = _query(amem_dam_steps_per_epoch, d)

"Redraw the weights from the RNG and clear the trainer state (C `amem_dam_reset`)."
reinit!(d::Dam) = (check(amem_dam_reset(_ptr(d))); d)

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
    c = _mask(clamp, q)
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

function _labels(l, n)
    l === nothing && return nothing
    length(l) == n || _fail(AMEM_E_DIM, "exceptions has $(length(l)) entries, expected $n")
    return Vector{Int32}(l)
end

"Evaluation loss of Eq. 2: (regular, exception, eval)."
function evaluate(d::Dam, items::AbstractVecOrMat{<:Real}, exceptions = nothing;
                  seed::Integer = 0)
    x, n = _columns(items, d.visible, "items")
    lab = _labels(exceptions, n)
    r, e, ev = Ref{Cdouble}(0), Ref{Cdouble}(0), Ref{Cdouble}(0)
    check(amem_dam_evaluate(_ptr(d), x, _null(lab), n, UInt64(seed), C_NULL, r, e, ev))
    return (r[], e[], ev[])
end

"Copy the training set (N × n) and optional 0/1 exception labels into the handle."
function set_data!(d::Dam, items::AbstractVecOrMat{<:Real}, exceptions = nothing)
    x, n = _columns(items, d.visible, "items")
    check(amem_dam_set_data(_ptr(d), x, _null(_labels(exceptions, n)), n))
    return d
end

data_count(d::Dam) = _query(amem_dam_data_count, d)

"(epochs, Adam steps) done so far."
function training_progress(d::Dam)
    e, s = Ref{Clong}(0), Ref{Clong}(0)
    check(amem_dam_progress(_ptr(d), e, s))
    return (Int(e[]), Int(s[]))
end

"A per-item record (`:loss`, `:time`, `:entropy`, `:max`, `:norm`, `:signal`, `:alpha`, `:weight`, `:uses`)."
function item_record(d::Dam, which)
    r = _named("AMEM_DAM_RECORD_", which, "record")
    out = Vector{Float32}(undef, data_count(d))
    check(amem_dam_get_item_record(_ptr(d), r, out))
    return out
end
