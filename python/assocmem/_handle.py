"""Ownership of a C handle: close(), context manager and finalizer."""

import weakref


class Handle:
    """Owns one library handle and frees it exactly once.

    The handle is released by close(), by leaving a `with` block, or by the
    garbage collector (weakref.finalize) — whichever comes first; the
    others then do nothing. A closed object raises ValueError when used.
    """

    _ptr = None
    _finalizer = None

    def _adopt(self, ptr, free):
        """Take ownership of ptr (a ctypes pointer), freed with free(ptr)."""
        self._ptr = ptr
        self._finalizer = weakref.finalize(self, free, ptr)

    def close(self):
        """Free the handle now. Safe to call more than once."""
        if self._finalizer is not None:
            self._finalizer()
        self._ptr = None

    @property
    def closed(self):
        """True once close() ran (or the `with` block ended)."""
        return self._ptr is None

    def _h(self):
        """The live pointer; ValueError after close()."""
        if self._ptr is None:
            raise ValueError("%s is closed" % type(self).__name__)
        return self._ptr

    def __enter__(self):
        self._h()
        return self

    def __exit__(self, *exc):
        self.close()
        return False
