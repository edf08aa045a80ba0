# ---- Convolutional VAE and consolidation (include/assocmem/vae.h) --------------------
#
# Images are columns of a D × n matrix, D = C·H·W; a W × H × C × n array (the
# C n × C × H × W layout) is accepted and reshaped. Latent vectors are K × n.
# Lifecycle, settings, persistence and `train_steps!` come from handles.jl.

"""
    Vae(channels, height, width; settings...)     # unbuilt: add layers, build!
    Vae(preset; seed = 0)                          # :seed2022, :color64, :digits28
    Vae(f, args...; ...)                           # do-block: closed afterwards

A convolutional variational autoencoder. Settings by name, e.g.
`latent = 20, activation = :leaky_relu, loss = :bce`. Train with
`set_data!` then `train_steps!` (`steps_per_epoch` converts epochs).
"""
@handle Vae amem_vae "AMEM_VAE_" input_dim::Int

_init!(v::Vae) = (v.input_dim = _query(amem_vae_input_dim, v.ptr); v)

"Constant prefix of the named values of a setting."
const _VAE_VALUE_PREFIX = Dict("ACTIVATION" => "AMEM_VAE_ACT_",
                               "OPTIMIZER" => "AMEM_VAE_OPT_",
                               "REPLAY_NOISE" => "AMEM_VAE_NOISE_")

function _value_prefix(::Type{Vae}, param)
    p = uppercase(string(param))
    return get(_VAE_VALUE_PREFIX, p, string("AMEM_VAE_", p, "_"))
end

Vae(channels::Integer, height::Integer, width::Integer; settings...) =
    _configured(_create(out -> amem_vae_create(channels, height, width, out), Vae), settings)

function Vae(preset::_Name; seed::Integer = 0)
    p = _named("AMEM_VAE_PRESET_", preset, "preset")
    return _create(out -> amem_vae_create_preset(p, UInt64(seed), out), Vae)
end

_ctrain(v::Vae, steps, fn, user, loss) = amem_vae_train(_ptr(v), steps, fn, user, loss)

step_count(v::Vae) = _query(amem_vae_step_count, v)

steps_per_epoch(v::Vae) = _query(amem_vae_steps_per_epoch, v)

"Append an encoder convolution (before `build!`)."
function add_encoder_conv!(v::Vae, filters::Integer, kernel::Integer;
                           stride::Integer = 1, padding::Integer = 0)
    check(amem_vae_add_encoder_conv(_ptr(v), filters, kernel, stride, padding))
    return v
end

"Shape (channels, height, width) produced by the decoder's dense layer."
function set_decoder_input!(v::Vae, channels::Integer, height::Integer, width::Integer)
    check(amem_vae_set_decoder_input(_ptr(v), channels, height, width))
    return v
end

"Append a decoder layer: nearest upsampling by `upsample`, then a convolution."
function add_decoder_conv!(v::Vae, filters::Integer, kernel::Integer;
                           upsample::Integer = 1, stride::Integer = 1, padding::Integer = 0)
    check(amem_vae_add_decoder_conv(_ptr(v), upsample, filters, kernel, stride, padding))
    return v
end

"Check the architecture, allocate and initialise the parameters from :seed."
build!(v::Vae) = (check(amem_vae_build(_ptr(v))); v)

is_built(v::Vae) = _query(amem_vae_is_built, v, Cint) != 0

"(channels, height, width) of the images."
function input_shape(v::Vae)
    c, h, w = Ref{Csize_t}(0), Ref{Csize_t}(0), Ref{Csize_t}(0)
    check(amem_vae_input_shape(_ptr(v), c, h, w))
    return (Int(c[]), Int(h[]), Int(w[]))
end

"D = C·H·W."
input_dim(v::Vae) = _query(amem_vae_input_dim, v)

"K, the latent dimension."
latent_dim(v::Vae) = _query(amem_vae_latent_dim, v)

"Trainable parameters (0 before build)."
param_count(v::Vae) = _query(amem_vae_param_count, v)

"(encoder, decoder) conv layers added."
function layer_count(v::Vae)
    e, d = Ref{Csize_t}(0), Ref{Csize_t}(0)
    check(amem_vae_layer_count(_ptr(v), e, d))
    return (Int(e[]), Int(d[]))
end

"(D × n Float32 matrix, n) of images given as a D-vector, D × n or W × H × C × n."
function _images(v::Vae, x::AbstractArray{<:Real}, what = "images")
    a = _f32(x)
    ndims(a) > 2 && (a = reshape(a, v.input_dim, :))
    return _columns(a, v.input_dim, what)
end

_one(x, out) = x isa AbstractVector ? out[:, 1] : out

"Copy the training images (D × n) into the handle (C `amem_vae_set_data`)."
function set_data!(v::Vae, images::AbstractArray{<:Real})
    x, n = _images(v, images)
    check(amem_vae_set_data(_ptr(v), x, n))
    return v
end

"(recon, kl) of images in inference mode; the total is recon + kl_weight·kl."
function loss_terms(v::Vae, images::AbstractArray{<:Real})
    x, n = _images(v, images)
    r, k = Ref{Cdouble}(0), Ref{Cdouble}(0)
    check(amem_vae_loss(_ptr(v), x, n, r, k))
    return (r[], k[])
end

"μ (K × n) of images; with `logvar = true` also log σ² (K × n)."
function encode(v::Vae, images::AbstractArray{<:Real}; logvar::Bool = false)
    x, n = _images(v, images)
    k = latent_dim(v)
    mu = Matrix{Float32}(undef, k, n)
    lv = logvar ? Matrix{Float32}(undef, k, n) : nothing
    check(amem_vae_encode(_ptr(v), x, n, mu, _null(lv)))
    return _result(images isa AbstractVector, mu, lv)
end

"Images (D × n) decoded from latent vectors z (K × n)."
function decode(v::Vae, z::AbstractVecOrMat{<:Real})
    a, n = _columns(z, latent_dim(v), "z")
    out = Matrix{Float32}(undef, v.input_dim, n)
    check(amem_vae_decode(_ptr(v), a, n, out))
    return _one(z, out)
end

"decode(μ(images)), D × n."
function reconstruct(v::Vae, images::AbstractArray{<:Real})
    x, n = _images(v, images)
    out = Matrix{Float32}(undef, v.input_dim, n)
    check(amem_vae_reconstruct(_ptr(v), x, n, out))
    return _one(images, out)
end

"""
    recall(v::Vae, images; mask = nothing, fill = 0)

Recall from partial input: entries where `mask` (0/1, same size) is 0 are set
to `fill` before encoding; `mask = nothing` takes the images as partial.
"""
function recall(v::Vae, images::AbstractArray{<:Real}; mask = nothing, fill::Real = 0)
    x, n = _images(v, images)
    m = mask === nothing ? nothing : _mask(reshape(_f32(mask), size(x, 1), :), x, "mask")
    out = Matrix{Float32}(undef, v.input_dim, n)
    check(amem_vae_recall(_ptr(v), x, n, _null(m), fill, out))
    return _one(images, out)
end

"`n` images decoded from z ~ N(0, I); `z = true` also returns the z (K × n)."
function sample_images(v::Vae, n::Integer; z::Bool = false)
    _count(n)
    out = Matrix{Float32}(undef, v.input_dim, n)
    zz = z ? Matrix{Float32}(undef, latent_dim(v), n) : nothing
    check(amem_vae_sample(_ptr(v), n, out, _null(zz)))
    return _result(false, out, zz)
end

"`steps` images (D × steps) between the latent means of images a and b."
function interpolate(v::Vae, a::AbstractArray{<:Real}, b::AbstractArray{<:Real}, steps::Integer)
    x, na = _images(v, a, "a")
    y, nb = _images(v, b, "b")
    na == 1 && nb == 1 || _fail(AMEM_E_DIM, "a and b must be one image each")
    steps >= 2 || _fail(AMEM_E_DIM, "steps must be >= 2, got $steps")
    out = Matrix{Float32}(undef, v.input_dim, steps)
    check(amem_vae_interpolate(_ptr(v), x, y, steps, out))
    return out
end

"decode(μ(a) − μ(b) + μ(c)) per column (D × n each)."
function arithmetic(v::Vae, a::AbstractArray{<:Real}, b::AbstractArray{<:Real},
                    c::AbstractArray{<:Real})
    x, n = _images(v, a, "a")
    y, nb = _images(v, b, "b")
    z, nc = _images(v, c, "c")
    n == nb == nc || _fail(AMEM_E_DIM, "a, b and c have $n, $nb and $nc images")
    out = Matrix{Float32}(undef, v.input_dim, n)
    check(amem_vae_arithmetic(_ptr(v), x, y, z, n, out))
    return _one(a, out)
end

"`n` replay targets (D × n) from a Hopfield teacher, as consolidation makes them."
function replays(v::Vae, teacher::Hopfield, n::Integer)
    _count(n)
    out = Matrix{Float32}(undef, v.input_dim, n)
    check(amem_vae_replays(_ptr(v), _ptr(teacher), n, out))
    return out
end

"""
    consolidate!(v, teacher::Hopfield, n_replays; progress = nothing)
        -> (epochs_run, final_loss)

Teacher–student consolidation: train only on the teacher's replays.
"""
function consolidate!(v::Vae, teacher::Hopfield, n_replays::Integer; progress = nothing)
    ep, loss = Ref{Csize_t}(0), Ref{Cdouble}(0)
    _with_progress(progress) do fn, user
        amem_vae_consolidate(_ptr(v), _ptr(teacher), n_replays, fn, user, ep, loss)
    end
    return (Int(ep[]), loss[])
end
