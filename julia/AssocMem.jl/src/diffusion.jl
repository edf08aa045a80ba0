# ---- Diffusion associative memory (include/assocmem/diffusion.h) ------------------
#
# Included by AssocMem.jl after the Hopfield section; uses its helpers
# (_f32, _columns, _same_size, _null, _fail, _constant, _take_bytes, check).
# States are columns: a d × n matrix holds n states.

"""
    Diffusion(dim; settings...)
    Diffusion(f, dim; ...)               # do-block: closed afterwards

A diffusion model over stored d-dimensional patterns (exact score) or a
learned score network. Settings by name, e.g. `process = :vp, gamma = 0.8,
sampler = :sde, steps = 300, seed = 1` (values resolve to
`AMEM_DIFFUSION_<SETTING>_<VALUE>`). Freed by `close(m)` or the finalizer.
"""
mutable struct Diffusion
    ptr::Ptr{amem_diffusion}
    dim::Int

    function Diffusion(ptr::Ptr{amem_diffusion})
        m = new(ptr, 0)
        finalizer(close, m)
        d = Ref{Csize_t}(0)
        check(amem_diffusion_dim(ptr, d))
        m.dim = d[]
        return m
    end
end

_diffusion_param(p::Integer) = p
_diffusion_param(p) = _constant("AMEM_DIFFUSION_", p, "setting")

function Diffusion(dim::Integer; settings...)
    out = Ref{Ptr{amem_diffusion}}(C_NULL)
    check(amem_diffusion_create(dim, out))
    m = Diffusion(out[])
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

function Diffusion(f::Function, dim::Integer; kwargs...)
    m = Diffusion(dim; kwargs...)
    try
        return f(m)
    finally
        close(m)
    end
end

function Base.close(m::Diffusion)
    if m.ptr != C_NULL
        amem_diffusion_free(m.ptr)
        m.ptr = C_NULL
    end
    return nothing
end

_ptr(m::Diffusion) = m.ptr == C_NULL ? throw(ArgumentError("Diffusion is closed")) : m.ptr

function Base.show(io::IO, m::Diffusion)
    m.ptr == C_NULL ? print(io, "Diffusion(closed)") :
        print(io, "Diffusion(dim=", m.dim, ", stored=", stored_count(m), ")")
end

function setting!(m::Diffusion, param, value)
    v = value isa Union{Symbol,AbstractString} ?
        _constant(string("AMEM_DIFFUSION_", uppercase(string(param)), "_"), value,
                  "value of $param") : value
    check(amem_diffusion_set(_ptr(m), _diffusion_param(param), Float64(v)))
    return m
end

function setting(m::Diffusion, param)
    v = Ref{Cdouble}(0)
    check(amem_diffusion_get(_ptr(m), _diffusion_param(param), v))
    return v[]
end

"(min, max, integer) of a Diffusion setting."
function diffusion_param_bounds(param)
    lo, hi, int = Ref{Cdouble}(0), Ref{Cdouble}(0), Ref{Cint}(0)
    check(amem_diffusion_param_bounds(_diffusion_param(param), lo, hi, int))
    return (lo[], hi[], int[] != 0)
end

"Append patterns (d × N, or one d-vector) to the stored set."
function store!(m::Diffusion, patterns::AbstractVecOrMat{<:Real})
    x, n = _columns(patterns, m.dim, "patterns")
    check(amem_diffusion_store(_ptr(m), x, n))
    return m
end

"Forget the stored patterns (settings and a trained network are kept)."
clear!(m::Diffusion) = (check(amem_diffusion_clear(_ptr(m))); m)

function stored_count(m::Diffusion)
    n = Ref{Csize_t}(0)
    check(amem_diffusion_count(_ptr(m), n))
    return Int(n[])
end

"The stored patterns as d × N."
function stored_patterns(m::Diffusion)
    out = Matrix{Float32}(undef, m.dim, stored_count(m))
    check(amem_diffusion_get_patterns(_ptr(m), out))
    return out
end

"θ_t = exp(-a t) of the handle's process."
function diffusion_theta(m::Diffusion, t::Real)
    v = Ref{Cdouble}(0)
    check(amem_diffusion_theta(_ptr(m), t, v))
    return v[]
end

"Noise standard deviation s_t of the forward process at time t."
function noise_std(m::Diffusion, t::Real)
    v = Ref{Cdouble}(0)
    check(amem_diffusion_noise_std(_ptr(m), t, v))
    return v[]
end

"The time t with θ_t = theta."
function t_start(m::Diffusion, theta::Real)
    v = Ref{Cdouble}(0)
    check(amem_diffusion_t_start(_ptr(m), theta, v))
    return v[]
end

"θ_t x0 + s_t ε for clean states x0 (d × n), ε from the handle's RNG."
function forward(m::Diffusion, x0::AbstractVecOrMat{<:Real}, t::Real)
    x, n = _columns(x0, m.dim, "x0")
    out = Matrix{Float32}(undef, m.dim, n)
    check(amem_diffusion_forward(_ptr(m), x, n, t, out))
    return x0 isa AbstractVector ? out[:, 1] : out
end

"""
    train!(m::Diffusion, iterations; progress = nothing) -> loss

Train the learned score network for `iterations` Adam steps; returns the
last loss. `progress(stage, done, total, loss)` returning true cancels.
"""
function train!(m::Diffusion, iterations::Integer; progress = nothing)
    loss = Ref{Cdouble}(0)
    if progress === nothing
        check(amem_diffusion_train(_ptr(m), iterations, C_NULL, C_NULL, loss))
    else
        cf = progress_cfunction(progress)
        GC.@preserve cf check(amem_diffusion_train(_ptr(m), iterations, cf, C_NULL, loss))
    end
    return loss[]
end

"(hidden, layers, params, iterations) of the learned network (zeros without one)."
function network_info(m::Diffusion)
    h, l, p = Ref{Csize_t}(0), Ref{Csize_t}(0), Ref{Csize_t}(0)
    it = Ref{Clong}(0)
    check(amem_diffusion_network_info(_ptr(m), h, l, p, it))
    return (Int(h[]), Int(l[]), Int(p[]), Int(it[]))
end

"Drop the learned network; the next `train!` starts from a fresh one."
reset!(m::Diffusion) = (check(amem_diffusion_reset(_ptr(m))); m)

"∇ₓ log p_t(x) of states (d × n) at time t > 0."
function score(m::Diffusion, states::AbstractVecOrMat{<:Real}, t::Real)
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
    recall(m::Diffusion, queries; clamp = nothing, trajectory = false)

Run the reverse sampler from queries (d × n). `clamp` (0/1, same size or one
d-vector) marks known entries. With `trajectory = true` also returns the
d × n × (STEPS + 1) array of states.
"""
function recall(m::Diffusion, queries::AbstractVecOrMat{<:Real};
                clamp = nothing, trajectory::Bool = false)
    q, n = _columns(queries, m.dim, "queries")
    c = clamp === nothing ? nothing : _same_size(clamp, q, "clamp")
    out = Matrix{Float32}(undef, m.dim, n)
    tr = trajectory ?
        Array{Float32}(undef, m.dim, n, Int(setting(m, :steps)) + 1) : nothing
    check(amem_diffusion_recall(_ptr(m), q, n, _null(c), out, _null(tr)))
    single = queries isa AbstractVector
    res = single ? out[:, 1] : out
    tr === nothing && return res
    return res, (single ? tr[:, 1, :] : tr)
end

save(m::Diffusion, path::AbstractString) = check(amem_diffusion_save(_ptr(m), String(path)))

save_mem(m::Diffusion) = _take_bytes((d, l) -> amem_diffusion_save_mem(_ptr(m), d, l))

function load_diffusion(path::AbstractString)
    out = Ref{Ptr{amem_diffusion}}(C_NULL)
    check(amem_diffusion_load(String(path), out))
    return Diffusion(out[])
end

function load_diffusion_mem(bytes::AbstractVector{UInt8})
    buf = Vector{UInt8}(bytes)
    out = Ref{Ptr{amem_diffusion}}(C_NULL)
    check(amem_diffusion_load_mem(buf, length(buf), out))
    return Diffusion(out[])
end
