# ---- Data helpers: IDX files, generators, corruption, metrics (data.h) -------------

# ---- data: IDX files --------------------------------------------------------------

"""
    read_idx_images(path_or_bytes) -> Array{Float32,3}

Images of an IDX file (plain or gzip) scaled to [0, 1], as a
`width × height × count` array (the C `count × height × width` layout);
`reshape(x, :, count)` gives the `d × N` pattern matrix.
"""
function read_idx_images(source)
    p = Ref{Ptr{Cfloat}}(C_NULL)
    n, hgt, wid = Ref{Csize_t}(0), Ref{Csize_t}(0), Ref{Csize_t}(0)
    if source isa AbstractVector{UInt8}
        buf = Vector{UInt8}(source)
        check(amem_idx_read_images_mem(buf, length(buf), p, n, hgt, wid))
    else
        check(amem_idx_read_images(String(source), p, n, hgt, wid))
    end
    return _take(p[], (Int(wid[]), Int(hgt[]), Int(n[])))
end

"Labels of an IDX file (plain or gzip) as a Vector{Int32}."
function read_idx_labels(source)
    p, n = Ref{Ptr{Int32}}(C_NULL), Ref{Csize_t}(0)
    if source isa AbstractVector{UInt8}
        buf = Vector{UInt8}(source)
        check(amem_idx_read_labels_mem(buf, length(buf), p, n))
    else
        check(amem_idx_read_labels(String(source), p, n))
    end
    return _take(p[], (Int(n[]),))
end

"""
    set_idx_gzip_cap(min_bytes, ratio)

Decompression cap of the IDX readers, process-wide: gzip data of `n` bytes
may inflate to at most `max(min_bytes, ratio * n)` bytes (defaults 64 MiB
and 256); more is refused with `AMEM_E_FORMAT`.
"""
function set_idx_gzip_cap(min_bytes::Integer, ratio::Integer)
    (min_bytes >= 1 && ratio >= 1) ||
        _fail(AMEM_E_RANGE, "set_idx_gzip_cap: min_bytes and ratio must be >= 1")
    check(amem_idx_set_gzip_cap(min_bytes, ratio))
end

"The decompression cap of the IDX readers as `(min_bytes, ratio)`."
function get_idx_gzip_cap()
    min_bytes, ratio = Ref{Csize_t}(0), Ref{Csize_t}(0)
    check(amem_idx_get_gzip_cap(min_bytes, ratio))
    return (Int(min_bytes[]), Int(ratio[]))
end

# ---- data: generators (dim × count results, one pattern per column) ---------------

"dim × count matrix of i.i.d. ±1 patterns."
function random_patterns(dim::Integer, count::Integer; seed::Integer = 0)
    out = Matrix{Float32}(undef, dim, count)
    check(amem_patterns_random(out, count, dim, seed))
    return out
end

"(dim × count patterns around a random ±1 template, template)."
function correlated_patterns(dim::Integer, count::Integer, redraw::Real; seed::Integer = 0)
    out = Matrix{Float32}(undef, dim, count)
    template = Vector{Float32}(undef, dim)
    check(amem_patterns_correlated(out, count, dim, redraw, seed, template))
    return out, template
end

"dim × count mask of i.i.d. entries, 1 with probability p."
function mask_bernoulli(dim::Integer, count::Integer, p::Real; seed::Integer = 0)
    out = Matrix{Float32}(undef, dim, count)
    check(amem_mask_bernoulli(out, count, dim, p, seed))
    return out
end

"dim × count mask with exactly round(fraction * dim) ones per column."
function mask_fraction(dim::Integer, count::Integer, fraction::Real; seed::Integer = 0)
    out = Matrix{Float32}(undef, dim, count)
    check(amem_mask_fraction(out, count, dim, fraction, seed))
    return out
end

# ---- data: corruption (per column; mask 1 = entry left intact) --------------------

"(copy of x with round(fraction * d) entries per column zeroed, mask)."
function corrupt_zero(x::AbstractVecOrMat{<:Real}, fraction::Real; seed::Integer = 0)
    a = _f32(x); out = similar(a); mask = similar(a)
    check(amem_corrupt_zero(a, out, size(a, 2), size(a, 1), fraction, seed, mask))
    return out, mask
end

"(copy of x with round(fraction * d) entries per column drawn from N(mean, sd²), mask)."
function corrupt_gaussian(x::AbstractVecOrMat{<:Real}, fraction::Real;
                          mean::Real = 0.0, sd::Real = 1.0, seed::Integer = 0)
    a = _f32(x); out = similar(a); mask = similar(a)
    check(amem_corrupt_gaussian(a, out, size(a, 2), size(a, 1), fraction, mean,
                                sd, seed, mask))
    return out, mask
end

"(copy of x with round(fraction * d) entries per column negated, mask)."
function corrupt_flip(x::AbstractVecOrMat{<:Real}, fraction::Real; seed::Integer = 0)
    a = _f32(x); out = similar(a); mask = similar(a)
    check(amem_corrupt_flip(a, out, size(a, 2), size(a, 1), fraction, seed, mask))
    return out, mask
end

"θ x + sqrt(1 - θ²) ε with ε ~ N(0, 1) on every entry."
function corrupt_mix(x::AbstractVecOrMat{<:Real}, theta::Real; seed::Integer = 0)
    a = _f32(x); out = similar(a)
    check(amem_corrupt_mix(a, out, size(a, 2), size(a, 1), theta, seed))
    return out
end

# ---- data: metrics (per column = per pattern) -------------------------------------

function _pair(a, b)
    x, y = _f32(a), _f32(b)
    size(x) == size(y) || _fail(AMEM_E_DIM, "a has size $(size(x)) but b has size $(size(y))")
    return x, y
end

function _metric(f, a, b, per_pattern::Bool)
    x, y = _pair(a, b)
    rows = per_pattern ? Vector{Float32}(undef, size(x, 2)) : nothing
    m = Ref{Cdouble}(0)
    check(f(x, y, size(x, 2), size(x, 1), _null(rows), m))
    return per_pattern ? (m[], rows) : m[]
end

"Fraction of entries whose signs differ; `per_pattern=true` adds each column's."
hamming(a, b; per_pattern::Bool = false) = _metric(amem_metric_hamming, a, b, per_pattern)

"Mean squared difference; `per_pattern=true` adds each column's."
mean_squared_error(a, b; per_pattern::Bool = false) =
    _metric(amem_metric_mse, a, b, per_pattern)

"Mean over columns of the Pearson correlation; `per_pattern=true` adds each column's."
function pearson(a, b; per_pattern::Bool = false)
    x, y = _pair(a, b)
    rows = per_pattern ? Vector{Float32}(undef, size(x, 2)) : nothing
    m = Ref{Cdouble}(0)
    check(amem_metric_pearson(x, y, size(x, 2), size(x, 1), _null(rows), m, C_NULL))
    return per_pattern ? (m[], rows) : m[]
end

"Pearson correlation over all entries of a and b."
function pearson_overall(a, b)
    x, y = _pair(a, b)
    r = Ref{Cdouble}(0)
    check(amem_metric_pearson(x, y, size(x, 2), size(x, 1), C_NULL, C_NULL, r))
    return r[]
end
