"""The one result type of every ``train`` method."""

from typing import NamedTuple


class TrainResult(NamedTuple):
    """What a ``train`` call did.

    steps       optimizer steps finished in this call
    loss        mean loss of the last finished step (nan if none)
    step_count  optimizer steps since creation or the last ``reset()``
    """

    steps: int
    loss: float
    step_count: int
