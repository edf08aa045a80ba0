# ---- Capacity search and bootstrap intervals (include/assocmem/capacity.h) ----------

_capacity_method(m) = _named("AMEM_CAPACITY_", m, "capacity method")

"""
    capacity_search(error_of, n_min, n_max, threshold; method = :bisect,
                    progress = nothing) -> (capacity, evaluations)

The largest n in `n_min:n_max` with `error_of(n) <= threshold`; `method` is
`:scan_up`, `:bisect` or `:scan_down` (`AMEM_CAPACITY_*`). `error_of`
returning NaN or a negative value cancels. `progress(stage, done, total,
error)` returning true cancels. An exception thrown by `error_of` or
`progress` cancels the search and is rethrown when it has stopped.
"""
function capacity_search(error_of, n_min::Integer, n_max::Integer, threshold::Real;
                         method = :bisect, progress = nothing)
    cap, evals = Ref{Clong}(0), Ref{Clong}(0)
    ecb, pcb = _Callback(error_of), _callback(progress)
    status = GC.@preserve ecb pcb amem_capacity_search(_error_args(ecb)..., n_min, n_max,
        threshold, _capacity_method(method), cap, evals, _progress_args(pcb)...)
    _rethrow_failure(ecb)
    _rethrow_failure(pcb)
    check(status)
    return (Int(cap[]), Int(evals[]))
end

"""
    bootstrap_mean(values; resamples = 1000, level = 0.95, seed = 0) -> (mean, lo, hi)

The mean of `values` and its percentile bootstrap interval.
"""
function bootstrap_mean(values::AbstractVector{<:Real}; resamples::Integer = 1000,
                        level::Real = 0.95, seed::Integer = 0)
    v = Vector{Float64}(values)
    m, lo, hi = Ref{Cdouble}(0), Ref{Cdouble}(0), Ref{Cdouble}(0)
    check(amem_bootstrap_mean(v, length(v), resamples, level, UInt64(seed), m, lo, hi))
    return (m[], lo[], hi[])
end

"""
    capacity_bootstrap(counts, errors, threshold; resamples = 1000,
                       level = 0.95, seed = 0) -> (capacity, lo, hi)

Capacity from a grid of measured errors: `errors` is `reps × length(counts)`
(column i holds the repeated measurements at `counts[i]`, the C row-major
`n_counts × reps` array), with a bootstrap interval over repetitions.
"""
function capacity_bootstrap(counts::AbstractVector{<:Integer}, errors::AbstractMatrix{<:Real},
                            threshold::Real; resamples::Integer = 1000,
                            level::Real = 0.95, seed::Integer = 0)
    c = Vector{Clong}(counts)
    e = Matrix{Float64}(errors)
    size(e, 2) == length(c) ||
        _fail(AMEM_E_DIM, "errors has $(size(e, 2)) columns, expected $(length(c)) (one per count)")
    cap, lo, hi = Ref{Cdouble}(0), Ref{Cdouble}(0), Ref{Cdouble}(0)
    check(amem_capacity_bootstrap(c, length(c), e, size(e, 1), threshold, resamples,
                                  level, UInt64(seed), cap, lo, hi))
    return (cap[], lo[], hi[])
end
