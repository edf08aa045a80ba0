"""assocmem: Python bindings of libassocmem, the associative-memory library.

A pure ctypes package over the library's public C ABI. Arrays go in and come
out as NumPy float32 (C-contiguous; inputs are converted only when they are
not already), status codes become exceptions (AssocMemError subclasses
carrying the library's detail sentence), and handles are freed by close(),
a `with` block or the garbage collector.

    import assocmem as am
    x = am.random_patterns(100, 64, seed=1)
    with am.Hopfield("modern", 64, beta=8.0) as net:
        net.store(x)
        cue, known = am.corrupt_zero(x, 0.5, seed=2)
        y = net.recall(cue, clamp=known)

The library is found through $ASSOCMEM_LIBRARY, then the repository's
lib/libassocmem.so, then the system search path.
"""

from . import data, probes, scenes
from ._core import (__version__, get_num_threads, last_error, library_path,
                    set_num_threads, strerror, version, version_info)
from ._ffi import ENUMS, STATUS_MESSAGES
from .data import (correlated_patterns, corrupt_flip, corrupt_gaussian,
                   corrupt_mix, corrupt_zero, hamming, mask_bernoulli,
                   mask_fraction, mse, pearson, pearson_overall,
                   random_patterns, read_idx_images, read_idx_labels,
                   get_idx_gzip_cap, set_idx_gzip_cap)
from .errors import (ArgumentError, AssocMemError, CancelledError,
                     DimensionError, FormatError, InputOutputError,
                     InternalError, NonFiniteError, NullArgumentError,
                     OutOfMemoryError, RangeError, StateError,
                     UnsupportedError)
from .dam import Dam
from .hopfield import (Direction, Hopfield, Kind, Noise, Order, Param,
                       Separation, Similarity, Update, param_bounds)
from . import capacity, diffusion
from .capacity import bootstrap_mean, capacity_bootstrap, capacity_search
from .diffusion import Diffusion
from .kvmem import (HISTORY_COLUMNS, KVMemory, KVParam, KVTape, RULE_PARAMS,
                    TVT, TVTParam)
from .probes import Probe, tsne
from .progress import ProgressCallback, progress_callback
from ._train import TrainResult
from .vae import Vae

__all__ = [
    "TrainResult",
    "__version__", "version", "version_info", "library_path",
    "set_num_threads", "get_num_threads", "strerror", "last_error",
    "ENUMS", "STATUS_MESSAGES", "data",
    "Dam",
    "Hopfield", "Kind", "Param", "Update", "Order", "Noise", "Similarity",
    "Separation", "Direction", "param_bounds",
    "Diffusion", "diffusion", "capacity", "capacity_search", "bootstrap_mean",
    "capacity_bootstrap",
    "KVMemory", "KVTape", "TVT", "KVParam", "TVTParam", "RULE_PARAMS",
    "HISTORY_COLUMNS",
    "ProgressCallback", "progress_callback",
    "Vae", "Probe", "tsne", "probes", "scenes",
    "AssocMemError", "NullArgumentError", "ArgumentError", "DimensionError",
    "RangeError", "NonFiniteError", "OutOfMemoryError", "InputOutputError",
    "FormatError", "CancelledError", "StateError", "UnsupportedError",
    "InternalError",
] + data.__all__
