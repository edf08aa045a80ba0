"""Large batches in chunks, so that Ctrl-C and progress work on calls that
take no progress callback in C (recall of many queries)."""

import time

from . import _ffi
from ._core import get_num_threads
from .errors import CancelledError
from .progress import interruptible

#: Wall time one chunk aims at (seconds): Ctrl-C is answered within about
#: this long.
CHUNK_SECONDS = 0.05


def min_chunk_rows():
    """The smallest chunk: 256 rows per worker thread, the batch size from
    which a recall's result does not depend on how the batch is split
    (hopfield.h)."""
    return 256 * max(1, get_num_threads())


def run_in_chunks(n, call, progress, stage):
    """call(start, stop) over consecutive row ranges covering [0, n).

    The chunk grows or shrinks so that one call takes about CHUNK_SECONDS
    (never below min_chunk_rows()). Between chunks, progress is reported
    (stage, rows done, n) and SIGINT is answered: KeyboardInterrupt; a
    progress callable that returns true raises CancelledError.
    """
    rows = min_chunk_rows()
    with interruptible(progress) as cb:
        start = 0
        while start < n:
            stop = min(n, start + rows)
            began = time.monotonic()
            call(start, stop)
            took = time.monotonic() - began
            start = stop
            if cb.report(stage, start, n) and start < n:
                raise CancelledError(_ffi.AMEM_E_CANCELLED,
                                     "%s cancelled after %d of %d rows"
                                     % (stage, start, n))
            if took > 0:
                rows = max(min_chunk_rows(),
                           int(rows * min(2.0, CHUNK_SECONDS / took)))
