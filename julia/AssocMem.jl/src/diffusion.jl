# ---- Diffusion associative memory (include/assocmem/diffusion.h) ------------------
#
# States are columns: a d × n matrix holds n states. Lifecycle, settings,
# persistence and `train_steps!` come from handles.jl.

"""
    Diffusion(dim; settings...)
    Diffusion(f, dim; ...)               # do-block: closed afterwards

A diffusion model over stored d-dimensional patterns (exact score) or a
learned score network, trained by `train_steps!` on the stored patterns.
Settings by name, e.g. `process = :vp, gamma = 0.8, sampler = :sde,
steps = 300, seed = 1` (values resolve to `AMEM_DIFFUSION_<SETTING>_<VALUE>`).
"""
@handle Diffusion amem_diffusion "AMEM_DIFFUSION_" dim::Int

_init!(m::Diffusion) = (m.dim = _query(amem_diffusion_dim, m.ptr); m)

Diffusion(dim::Integer; settings...) =
    _configured(_create(out -> amem_diffusion_create(dim, out), Diffusion), settings)

_ctrain(m::Diffusion, steps, fn, user, loss) =
    amem_diffusion_train(_ptr(m), steps, fn, user, loss)

step_count(m::Diffusion) = _query(amem_diffusion_step_count, m)

"Drop the learned network; the next `train_steps!` starts from a fresh one."
reinit!(m::Diffusion) = (check(amem_diffusion_reset(_ptr(m))); m)

"Append patterns (d × N, or one d-vector) to the stored set."
function store!(m::Diffusion, patterns::AbstractVecOrMat{<:Real})
    x, n = _columns(patterns, m.dim, "patterns")
    check(amem_diffusion_store(_ptr(m), x, n))
    return m
end

"Forget the stored patterns (settings and a trained network are kept)."
clear!(m::Diffusion) = (check(amem_diffusion_clear(_ptr(m))); m)

stored_count(m::Diffusion) = _query(amem_diffusion_count, m)

"The stored patterns as d × N."
function stored_patterns(m::Diffusion)
    out = Matrix{Float32}(undef, m.dim, stored_count(m))
    check(amem_diffusion_get_patterns(_ptr(m), out))
    return out
end

"Call `f(ptr, x, out)` (a schedule query at one time or level) and return the value."
function _schedule(f, m::Diffusion, x::Real)
    v = Ref{Cdouble}(0)
    check(f(_ptr(m), x, v))
    return v[]
end

"θ_t = exp(-a t) of the handle's process."
diffusion_theta(m::Diffusion, t::Real) = _schedule(amem_diffusion_theta, m, t)

"Noise standard deviation s_t of the forward process at time t."
noise_std(m::Diffusion, t::Real) = _schedule(amem_diffusion_noise_std, m, t)

"The time t with θ_t = theta."
t_start(m::Diffusion, theta::Real) = _schedule(amem_diffusion_t_start, m, theta)

"θ_t x0 + s_t ε for clean states x0 (d × n), ε from the handle's RNG."
function forward(m::Diffusion, x0::AbstractVecOrMat{<:Real}, t::Real)
    x, n = _columns(x0, m.dim, "x0")
    out = Matrix{Float32}(undef, m.dim, n)
    check(amem_diffusion_forward(_ptr(m), x, n, t, out))
    return x0 isa AbstractVector ? out[:, 1] : out
end

"(hidden, layers, params) of the learned network (zeros without one); training steps: `step_count`."
function network_info(m::Diffusion)
    h, l, p = Ref{Csize_t}(0), Ref{Csize_t}(0), Ref{Csize_t}(0)
    check(amem_diffusion_network_info(_ptr(m), h, l, p))
    return (Int(h[]), Int(l[]), Int(p[]))
end

"The score ∇ₓ log p_t(x) of states (d × n) at time t > 0."
function diffusion_score(m::Diffusion, states::AbstractVecOrMat{<:Real}, t::Real)
    s, n = _columns(states, m.dim, "states")
    out = Matrix{Float32}(undef, m.dim, n)
    check(amem_diffusion_score(_ptr(m), s, n, t, out))
    return states isa AbstractVector ? out[:, 1] : out
end

"Exact-score softmax weights h_t(x) (N × n) of states (d × n) at time t > 0."
function softmax_weights(m::Diffusion, states::AbstractVecOrMat{<:Real}, t::Real)
    s, n = _columns(states, m.dim, "states")
    w = Matrix{Float32}(undef, stored_count(m), n)
    check(amem_diffusion_weights(_ptr(m), s, n, t, w))
    return states isa AbstractVector ? w[:, 1] : w
end

"Exact log p_t(x) of states (d × n) at time t > 0, a Float64 per column."
function log_density(m::Diffusion, states::AbstractVecOrMat{<:Real}, t::Real)
    s, n = _columns(states, m.dim, "states")
    out = Vector{Float64}(undef, n)
    check(amem_diffusion_log_density(_ptr(m), s, n, t, out))
    return states isa AbstractVector ? out[1] : out
end

"""
    set_semantic!(m::Diffusion, mean = nothing, directions = nothing, spreads = nothing)

Give the semantic density (weight `semantic_weight`, Eqs. 24-25) a mean and a
manifold N(mean, c I + Σ_k spreads[k]² q_k q_kᵀ), c = `semantic_var`: `mean`
a d-vector (`nothing` = 0), `directions` d × r (one direction per column,
orthonormalised by the library in order; `nothing` = none), `spreads` r
values ≥ 0. `set_semantic!(m)` restores the isotropic N(0, c I).
"""
function set_semantic!(m::Diffusion, mean = nothing, directions = nothing,
                       spreads = nothing)
    mv = mean === nothing ? nothing : _columns(mean, m.dim, "mean")[1]
    q, r = directions === nothing ? (nothing, 0) :
        _columns(directions, m.dim, "directions")
    sp = r == 0 ? nothing : _f32(spreads === nothing ? Float32[] : spreads)
    sp === nothing || length(sp) == r ||
        _fail(AMEM_E_DIM, "spreads has $(length(sp)) values, expected $r")
    check(amem_diffusion_set_semantic(_ptr(m), _null(mv), _null(q), _null(sp), r))
    return m
end

"The semantic manifold in use: (mean, directions d × r orthonormal, spreads)."
function semantic(m::Diffusion)
    r = Ref{Csize_t}(0)
    check(amem_diffusion_get_semantic(_ptr(m), C_NULL, C_NULL, C_NULL, r))
    mean = Vector{Float32}(undef, m.dim)
    q = Matrix{Float32}(undef, m.dim, r[])
    sp = Vector{Float32}(undef, r[])
    check(amem_diffusion_get_semantic(_ptr(m), mean, q, sp, r))
    return mean, q, sp
end

"""
    recall(m::Diffusion, queries; clamp = nothing, trajectory = false)

Run the reverse sampler from queries (d × n). `clamp` (0/1, same size or one
d-vector) marks known entries. With `trajectory = true` also returns the
d × n × (STEPS + 1) array of states.
"""
function recall(m::Diffusion, queries::AbstractVecOrMat{<:Real};
                clamp = nothing, trajectory::Bool = false)
    q, n = _columns(queries, m.dim, "queries")
    c = _mask(clamp, q)
    out = Matrix{Float32}(undef, m.dim, n)
    tr = trajectory ?
        Array{Float32}(undef, m.dim, n, Int(setting(m, :steps)) + 1) : nothing
    check(amem_diffusion_recall(_ptr(m), q, n, _null(c), out, _null(tr)))
    single = queries isa AbstractVector
    res = single ? out[:, 1] : out
    tr === nothing && return res
    return res, (single ? tr[:, 1, :] : tr)
end
