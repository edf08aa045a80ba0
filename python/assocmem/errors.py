"""Exceptions: one class per library status code.

Every failing call raises a subclass of AssocMemError carrying
    .status   the negative AMEM_E_* code
    .name     its constant name ("AMEM_E_DIM")
    .message  the generic message of the code ("dimension mismatch")
    .detail   the amem_last_error() sentence of the failed call (or the
              Python-side check's sentence)
Each subclass also derives from the matching built-in exception, so
`except ValueError` catches bad arguments and data.
"""

import re

from . import _ffi
from ._lib import lib

_STATUS_NAMES = {v: k for k, v in _ffi.ENUMS["amem_status"].items()}


class AssocMemError(Exception):
    """A libassocmem call failed; see .status, .name, .detail."""

    def __init__(self, status, detail=""):
        self.status = status
        self.name = _STATUS_NAMES.get(status, "AMEM_E_UNKNOWN(%d)" % status)
        self.message = _ffi.STATUS_MESSAGES.get(status, "unknown status")
        self.detail = detail
        text = "%s (%s)" % (self.name, self.message)
        super().__init__(text + (": " + detail if detail else ""))

    def __reduce__(self):
        return (type(self), (self.status, self.detail))


class NullArgumentError(AssocMemError, ValueError):
    """AMEM_E_NULL: a required argument was missing."""


class ArgumentError(AssocMemError, ValueError):
    """AMEM_E_ARG: an invalid argument (unknown kind, mask not 0/1, ...)."""


class DimensionError(AssocMemError, ValueError):
    """AMEM_E_DIM: a size is zero, too large or does not match."""


class RangeError(AssocMemError, ValueError):
    """AMEM_E_RANGE: a value is outside its documented range."""


class NonFiniteError(AssocMemError, ValueError):
    """AMEM_E_NONFINITE: the input holds NaN or infinity."""


class OutOfMemoryError(AssocMemError, MemoryError):
    """AMEM_E_NOMEM: an allocation failed."""


class InputOutputError(AssocMemError, OSError):
    """AMEM_E_IO: a file could not be read or written."""


class FormatError(AssocMemError, ValueError):
    """AMEM_E_FORMAT: a malformed, truncated or unsupported file."""


class CancelledError(AssocMemError):
    """AMEM_E_CANCELLED: a progress callback stopped the work."""


class StateError(AssocMemError, RuntimeError):
    """AMEM_E_STATE: the handle cannot do this now (nothing stored, ...)."""


class UnsupportedError(AssocMemError, ValueError):
    """AMEM_E_UNSUPPORTED: the operation does not apply to this kind."""


class InternalError(AssocMemError, RuntimeError):
    """AMEM_E_INTERNAL: a bug in the library; please report it."""


ERROR_CLASSES = {
    _ffi.AMEM_E_NULL: NullArgumentError,
    _ffi.AMEM_E_ARG: ArgumentError,
    _ffi.AMEM_E_DIM: DimensionError,
    _ffi.AMEM_E_RANGE: RangeError,
    _ffi.AMEM_E_NONFINITE: NonFiniteError,
    _ffi.AMEM_E_NOMEM: OutOfMemoryError,
    _ffi.AMEM_E_IO: InputOutputError,
    _ffi.AMEM_E_FORMAT: FormatError,
    _ffi.AMEM_E_CANCELLED: CancelledError,
    _ffi.AMEM_E_STATE: StateError,
    _ffi.AMEM_E_UNSUPPORTED: UnsupportedError,
    _ffi.AMEM_E_INTERNAL: InternalError,
}


def error(status, detail=""):
    """The exception object for a status code (not raised)."""
    return ERROR_CLASSES.get(status, AssocMemError)(status, detail)


def last_error():
    """The detail sentence of the last failed call on this thread."""
    return lib.amem_last_error().decode("utf-8", "replace")


#: C prefixes of the classes ("amem_dam_" -> "Dam"), registered by the
#: classes themselves, so that messages name the Python call.
PYTHON_NAMES = {}
_C_NAME = re.compile(r"\bamem_([a-z0-9]+)_([a-z0-9_]+)\b")


def python_names(text):
    """text with the C functions it names replaced by the Python methods
    ("amem_dam_load_mem: ..." -> "Dam.load_mem: ...")."""
    def repl(m):
        cls = PYTHON_NAMES.get("amem_%s_" % m.group(1))
        return "%s.%s" % (cls, m.group(2)) if cls else m.group(0)
    return _C_NAME.sub(repl, text)


def check(status):
    """Raise the exception for a nonzero status, with amem_last_error()
    (its C function names turned into the Python ones)."""
    if status != _ffi.AMEM_OK:
        raise error(status, python_names(last_error()))
    return status


__all__ = ["AssocMemError", "ERROR_CLASSES", "error", "check"] + [
    cls.__name__ for cls in ERROR_CLASSES.values()]
