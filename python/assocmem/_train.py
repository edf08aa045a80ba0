"""The one result type of every ``train`` method."""

import ctypes
from typing import NamedTuple

from ._arrays import size
from .errors import check
from .progress import interruptible


class TrainResult(NamedTuple):
    """What a ``train`` call did.

    steps       optimizer steps finished in this call
    loss        mean loss of the last finished step (nan if none)
    step_count  optimizer steps since creation or the last ``reset()``
    """

    steps: int
    loss: float
    step_count: int


def run_train(cfunc, args, steps, progress, step_count, where):
    """Call cfunc(*args, steps, progress, user, &loss), the C train shape
    (docs/api.md C14), and return its TrainResult; step_count() reads the
    handle's counter. progress as interruptible() takes it; a cancelled or
    interrupted call raises (its finished steps kept)."""
    steps = size(steps, "steps", where)
    loss = ctypes.c_double()
    before = step_count()
    with interruptible(progress) as cb:
        check(cfunc(*args, steps, cb, None, ctypes.byref(loss)))
    after = step_count()
    return TrainResult(after - before if after >= before else after,
                       loss.value, after)
