"""The convolutional variational autoencoder of Spens & Burgess (2022):
class Vae, trained on images or on replays of a Hopfield teacher.

Images are float32, usually in [0, 1], channel-planar: any array whose
rows hold channels*height*width values is accepted ((n, C, H, W),
(n, C*H*W), or one image); images come back as (n, C, H, W). See
include/assocmem/vae.h for the model, the loss, the settings and ranges.
"""

import ctypes

import numpy as np

from . import _ffi
from ._arrays import seed as _seed
from ._arrays import fail, fptr, size
from ._lib import lib
from ._piece import Persistent, Settings, int_enum, member
from .errors import check
from .progress import interruptible, progress_callback

_PREFIX = "AMEM_VAE_"
_HANDLE_P = ctypes.POINTER(_ffi.amem_vae)

#: Settings (enum amem_vae_param).
Param = int_enum("amem_vae_param", _PREFIX, "Param")
#: Presets (enum amem_vae_preset): SEED2022, COLOR64, DIGITS28.
Preset = int_enum("amem_vae_preset", _PREFIX + "PRESET_", "Preset")
Pool = int_enum("amem_vae_pool", _PREFIX + "POOL_", "Pool")
Activation = int_enum("amem_vae_activation", _PREFIX + "ACT_", "Activation")
Output = int_enum("amem_vae_output", _PREFIX + "OUTPUT_", "Output")
Loss = int_enum("amem_vae_loss", _PREFIX + "LOSS_", "Loss")
Optimizer = int_enum("amem_vae_optimizer", _PREFIX + "OPT_", "Optimizer")
Noise = int_enum("amem_vae_noise", _PREFIX + "NOISE_", "Noise")

_VALUE_ENUMS = {Param.POOL: Pool, Param.ACTIVATION: Activation,
                Param.OUTPUT: Output, Param.LOSS: Loss,
                Param.OPTIMIZER: Optimizer, Param.REPLAY_NOISE: Noise}


class Vae(Settings, Persistent):
    """A convolutional VAE.

    Vae(channels, height, width, **settings) makes an empty model: add
    layers with add_encoder_conv / set_decoder_input / add_decoder_conv,
    then build(). Vae.preset("color64", seed=0) gives a built preset
    ("seed2022", "color64", "digits28"). Settings by name: latent=20,
    loss="l1", epochs=10, ...; also as properties (v.kl_weight = 0.5).
    """

    _C = "amem_vae_"
    Param = Param
    _VALUE_ENUMS = _VALUE_ENUMS

    def __init__(self, channels, height, width, **settings):
        where = "Vae"
        dims = [size(d, n, where) for d, n in
                ((channels, "channels"), (height, "height"), (width, "width"))]
        out = _HANDLE_P()
        check(lib.amem_vae_create(*dims, ctypes.byref(out)))
        self._own(out)
        if settings:
            try:
                self.set(**settings)
            except BaseException:
                self.close()
                raise

    def _own(self, ptr):
        self._adopt(ptr, lib.amem_vae_free)
        c, h, w = ctypes.c_size_t(), ctypes.c_size_t(), ctypes.c_size_t()
        check(lib.amem_vae_input_shape(ptr, ctypes.byref(c), ctypes.byref(h),
                                       ctypes.byref(w)))
        self._shape = (c.value, h.value, w.value)
        self._dim = c.value * h.value * w.value

    @classmethod
    def _from_ptr(cls, ptr):
        self = cls.__new__(cls)
        self._own(ptr)
        return self

    @classmethod
    def preset(cls, name, seed=None):
        """A built preset model (Preset member, int or name); its initial
        weights come from seed (an int below 2^53, a
        numpy.random.Generator, or None for fresh randomness)."""
        p = member(Preset, name, "Vae.preset")
        out = _HANDLE_P()
        check(lib.amem_vae_create_preset(int(p), _seed(seed, "Vae.preset", 53),
                                         ctypes.byref(out)))
        return cls._from_ptr(out)

    # ---- architecture ------------------------------------------------------

    def add_encoder_conv(self, filters, kernel, stride=1, padding=0):
        """Append an encoder convolution: `filters` output channels, a
        kernel x kernel window, stride, zero padding on every side (Keras
        'valid' = 0; 'same' at stride 1 and an odd kernel = kernel // 2).
        Before build() only. Returns self."""
        check(lib.amem_vae_add_encoder_conv(self._h(), filters, kernel,
                                            stride, padding))
        return self

    def set_decoder_input(self, channels, height, width):
        """The shape (channels x height x width) the decoder's dense layer
        makes from z. Default: the image's shape without decoder convs,
        else the last encoder feature map's. Returns self."""
        check(lib.amem_vae_set_decoder_input(self._h(), channels, height,
                                             width))
        return self

    def add_decoder_conv(self, upsample, filters, kernel, stride=1, padding=0):
        """Append a decoder layer: nearest upsampling by `upsample` (1 =
        none), then a convolution as add_encoder_conv. The last one must
        produce the image's shape (checked by build()). Returns self."""
        check(lib.amem_vae_add_decoder_conv(self._h(), upsample, filters,
                                            kernel, stride, padding))
        return self

    def build(self):
        """Allocate and initialise the parameters (from the SEED setting)."""
        check(lib.amem_vae_build(self._h()))
        return self

    def _size_query(self, cfunc):
        n = ctypes.c_size_t()
        check(cfunc(self._h(), ctypes.byref(n)))
        return n.value

    @property
    def input_shape(self):
        """(channels, height, width)."""
        return self._shape

    @property
    def input_dim(self):
        """Values per image: channels x height x width."""
        return self._dim

    @property
    def latent_dim(self):
        """Latent size K (the LATENT setting)."""
        return self._size_query(lib.amem_vae_latent_dim)

    @property
    def param_count(self):
        """Trainable parameters (after build())."""
        return self._size_query(lib.amem_vae_param_count)

    @property
    def built(self):
        """Whether build() ran (the architecture is then fixed)."""
        b = ctypes.c_int()
        check(lib.amem_vae_is_built(self._h(), ctypes.byref(b)))
        return bool(b.value)

    @property
    def layer_count(self):
        """(encoder conv layers, decoder conv layers)."""
        e, d = ctypes.c_size_t(), ctypes.c_size_t()
        check(lib.amem_vae_layer_count(self._h(), ctypes.byref(e),
                                       ctypes.byref(d)))
        return e.value, d.value

    def __repr__(self):
        if self.closed:
            return "<Vae (closed)>"
        return "Vae(%d, %d, %d) latent %d, %s" % (
            *self._shape, self.latent_dim,
            "%d parameters" % self.param_count if self.built else "not built")

    # ---- settings ----------------------------------------------------------


    # ---- arrays ------------------------------------------------------------

    def _rows(self, x, name, where, cols=None):
        """x as float32 rows: images (n, C, H, W) or (n, C*H*W), one image
        (C, H, W) or (C*H*W,); with cols, vectors (n, cols) or (cols,).
        Any other shape is refused, naming the accepted ones."""
        a = np.ascontiguousarray(x, dtype=np.float32)
        if cols is not None:
            ok = a.ndim in (1, 2) and a.shape[-1] == cols and a.size > 0
            accepted = "(n, %d) or (%d,)" % (cols, cols)
        else:
            c, h, w = self._shape
            ok = a.size > 0 and (a.shape[1:] == (c, h, w) or a.shape == (c, h, w)
                                 or (a.ndim in (1, 2) and a.shape[-1] == self._dim))
            accepted = "(n, %d, %d, %d) images or (n, %d) rows" % (
                c, h, w, self._dim)
            if not ok and a.ndim == 4 and a.shape[1:] == (h, w, c):
                accepted += " (channels first: x.transpose(0, 3, 1, 2))"
        if not ok:
            fail(_ffi.AMEM_E_DIM, where, "%s has shape %s; expected %s"
                 % (name, np.shape(x), accepted))
        return a.reshape(-1, cols or self._dim)

    def _images(self, n):
        return np.empty((n, *self._shape), np.float32)

    # ---- training ----------------------------------------------------------

    def _run(self, cfunc, progress, *args):
        cb = progress_callback(progress)
        epochs, loss = ctypes.c_size_t(), ctypes.c_double()
        tail = (ctypes.byref(epochs), ctypes.byref(loss))
        if cb is None:
            check(cfunc(self._h(), *args, _ffi.amem_progress_fn(), None,
                        *tail))
        else:
            check(cb.run(cfunc, self._h(), *args, cb, None, *tail))
        return epochs.value, loss.value

    def train(self, images, progress=None):
        """Train on images; returns (epochs run, last epoch's mean loss).
        progress(stage, done, total, metric) -> truthy cancels."""
        x = self._rows(images, "images", "Vae.train")
        return self._run(lib.amem_vae_train, progress, fptr(x), x.shape[0])

    def consolidate(self, teacher, n_replays, progress=None):
        """Teacher-student consolidation: train only on the Hopfield
        teacher's replays (see REPLAY_* settings). Returns (epochs, loss).

        progress: None, True (a progress line) or fn(stage, done, total,
        loss) -> bool; Ctrl-C raises KeyboardInterrupt and keeps the
        finished epochs (the model stays usable)."""
        n = size(n_replays, "n_replays", "Vae.consolidate")
        epochs, loss = ctypes.c_size_t(), ctypes.c_double()
        with interruptible(progress) as cb:
            check(lib.amem_vae_consolidate(self._h(), teacher._h(), n, cb,
                                           None, ctypes.byref(epochs),
                                           ctypes.byref(loss)))
        return epochs.value, loss.value

    def replays(self, teacher, n):
        """n replay targets from the teacher, as consolidation makes them."""
        n = size(n, "n", "Vae.replays")
        out = self._images(n)
        check(lib.amem_vae_replays(self._h(), teacher._h(), n, fptr(out)))
        return out

    def loss(self, images):
        """(reconstruction, KL) of images in inference mode."""
        x = self._rows(images, "images", "Vae.loss")
        r, k = ctypes.c_double(), ctypes.c_double()
        check(lib.amem_vae_loss(self._h(), fptr(x), x.shape[0],
                                ctypes.byref(r), ctypes.byref(k)))
        return r.value, k.value

    # ---- inference -----------------------------------------------------------

    def encode(self, images, return_logvar=False):
        """mu (n x K), or (mu, log sigma^2)."""
        x = self._rows(images, "images", "Vae.encode")
        k = self.latent_dim
        mu = np.empty((x.shape[0], k), np.float32)
        lv = np.empty_like(mu) if return_logvar else None
        check(lib.amem_vae_encode(self._h(), fptr(x), x.shape[0], fptr(mu),
                                  fptr(lv)))
        return (mu, lv) if return_logvar else mu

    def decode(self, z):
        """Images (n, C, H, W) decoded from latents z (n x K or one K)."""
        z = self._rows(z, "z", "Vae.decode", self.latent_dim)
        out = self._images(z.shape[0])
        check(lib.amem_vae_decode(self._h(), fptr(z), z.shape[0], fptr(out)))
        return out

    def reconstruct(self, images):
        """decode(encode(images)): the reconstructions (n, C, H, W)."""
        x = self._rows(images, "images", "Vae.reconstruct")
        out = self._images(x.shape[0])
        check(lib.amem_vae_reconstruct(self._h(), fptr(x), x.shape[0],
                                       fptr(out)))
        return out

    def recall(self, images, mask=None, fill=0.0):
        """Recall from partial input: entries where mask is 0 become fill."""
        x = self._rows(images, "images", "Vae.recall")
        m = None if mask is None else self._rows(mask, "mask", "Vae.recall")
        if m is not None and m.shape != x.shape:
            fail(_ffi.AMEM_E_DIM, "Vae.recall", "mask shape differs from images")
        out = self._images(x.shape[0])
        check(lib.amem_vae_recall(self._h(), fptr(x), x.shape[0], fptr(m),
                                  float(fill), fptr(out)))
        return out

    def sample(self, n, return_z=False):
        """n images decoded from z ~ N(0, I) ("imagination")."""
        n = size(n, "n", "Vae.sample")
        out = self._images(n)
        z = np.empty((n, self.latent_dim), np.float32) if return_z else None
        check(lib.amem_vae_sample(self._h(), n, fptr(out), fptr(z)))
        return (out, z) if return_z else out

    def interpolate(self, a, b, steps):
        """steps images on the latent line from item a to item b."""
        xa = self._rows(a, "a", "Vae.interpolate")[:1]
        xb = self._rows(b, "b", "Vae.interpolate")[:1]
        out = self._images(int(steps) if int(steps) > 0 else 1)
        check(lib.amem_vae_interpolate(self._h(), fptr(xa), fptr(xb),
                                       int(steps), fptr(out)))
        return out

    def arithmetic(self, a, b, c):
        """decode(mu(a) - mu(b) + mu(c)) per row."""
        xs = [self._rows(v, n, "Vae.arithmetic") for v, n in
              ((a, "a"), (b, "b"), (c, "c"))]
        if len({x.shape for x in xs}) != 1:
            fail(_ffi.AMEM_E_DIM, "Vae.arithmetic", "a, b, c differ in shape")
        out = self._images(xs[0].shape[0])
        check(lib.amem_vae_arithmetic(self._h(), *map(fptr, xs),
                                      xs[0].shape[0], fptr(out)))
        return out


param_bounds = Vae.param_bounds
