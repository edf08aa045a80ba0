# ---- Synthetic scenes: Shapes3D-like and symmetric solids (include/assocmem/scenes.h)
#
# Experimental in C (`AMEM_EXPERIMENTAL_API`): may change in any release.
# Images come back in the C layout read column-major: Shapes3D scenes as a
# 64 × 64 × 3 × count array (x, y, channel, scene), solids as
# size × size × count. Factor rows are columns (6 × count Int32).
# Rotations are 3 × 3 × count with rotations[:, :, i] the matrix R_i
# (each is transposed to the C row-major layout on the way).

_shapes3d_factor(f) = _named("AMEM_SHAPES3D_", f, "Shapes3D factor")

"Number of levels of a Shapes3D factor (`:floor_hue`, ..., `:orientation`)."
shapes3d_levels(factor) = _query(amem_shapes3d_levels, _shapes3d_factor(factor), Cint)

"Render scenes from factor levels (6 × count, one column per scene)."
function shapes3d_render(factors::AbstractVecOrMat{<:Integer})
    f = Matrix{Int32}(reshape(factors, AMEM_SHAPES3D_FACTOR_COUNT, :))
    count = size(f, 2)
    count >= 1 || _fail(AMEM_E_DIM, "no factor columns")
    s = AMEM_SHAPES3D_SIZE
    images = Array{Float32}(undef, s, s, AMEM_SHAPES3D_CHANNELS, count)
    check(amem_shapes3d_render(f, count, images))
    return images
end

"(images 64 × 64 × 3 × count, factors 6 × count) with factors drawn from seed."
function shapes3d_generate(count::Integer; seed::Integer = 0)
    count >= 1 || _fail(AMEM_E_DIM, "count must be >= 1, got $count")
    s = AMEM_SHAPES3D_SIZE
    images = Array{Float32}(undef, s, s, AMEM_SHAPES3D_CHANNELS, count)
    factors = Matrix{Int32}(undef, AMEM_SHAPES3D_FACTOR_COUNT, count)
    check(amem_shapes3d_generate(count, UInt64(seed), images, factors))
    return images, factors
end

"Rotations 3 × 3 × count (R_i = r[:, :, i]) as the C count × 9 row-major array."
function _rotations_c(r::AbstractArray{<:Real,3})
    size(r, 1) == 3 && size(r, 2) == 3 ||
        _fail(AMEM_E_DIM, "rotations must be 3 × 3 × count, got $(size(r))")
    return Array{Float32}(permutedims(r, (2, 1, 3)))
end

"""
    solids_render(labels, rotations; size = 64) -> size × size × count

Render solids (`AMEM_SOLID_*` labels) under rotations (3 × 3 × count).
"""
function solids_render(labels::AbstractVector{<:Integer}, rotations::AbstractArray{<:Real,3};
                       size::Integer = 64)
    l = Vector{Int32}(labels)
    r = _rotations_c(rotations)
    Base.size(r, 3) == length(l) ||
        _fail(AMEM_E_DIM, "$(length(l)) labels but $(Base.size(r, 3)) rotations")
    images = Array{Float32}(undef, size, size, length(l))
    check(amem_solids_render(l, r, length(l), size, images))
    return images
end

"(images size × size × count, labels, rotations 3 × 3 × count) drawn from seed."
function solids_generate(count::Integer; size::Integer = 64, seed::Integer = 0)
    count >= 1 || _fail(AMEM_E_DIM, "count must be >= 1, got $count")
    images = Array{Float32}(undef, size, size, count)
    labels = Vector{Int32}(undef, count)
    rc = Array{Float32}(undef, 3, 3, count)
    check(amem_solids_generate(count, size, UInt64(seed), images, labels, rc))
    return images, labels, permutedims(rc, (2, 1, 3))
end
