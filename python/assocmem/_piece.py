"""What the classes over the library's handles share.

- int_enum / member: Python enums built from the generated C enums, and
  members looked up from a member, an int or a name in any case.
- Settings: set()/get()/settings()/param_bounds() over a piece's
  amem_<piece>_set/get/param_bounds, values converted to and from the
  named enums, all-or-nothing set(), and one property per setting.
- Persistent: save()/save_mem()/load()/load_mem(), copy and pickle through
  the file image.
- StoreShape: the dim and value_dim properties of a pattern store.

A subclass names its C prefix in _C ("amem_dam_"), its settings enum in
Param and the settings whose values are named in _VALUE_ENUMS.
"""

import ctypes
import enum
import inspect
import textwrap
import keyword
import operator
import os
import re
import sys

from . import _ffi
from ._arrays import fail, seed
from ._handle import Handle
from ._lib import lib
from .errors import PYTHON_NAMES, check


def int_enum(cname, prefix, clsname, exclude=()):
    """An IntEnum of the C enum cname, member names without prefix, that
    belongs to the calling module (so that its members pickle)."""
    members = {k[len(prefix):]: v for k, v in _ffi.ENUMS[cname].items()
               if k not in exclude}
    module = sys._getframe(1).f_globals.get("__name__", __name__)
    cls = enum.IntEnum(clsname, members, module=module)
    cls.__doc__ = "The values of C enum %s (%s), by name without %s." % (
        cname, _header_of(cname), prefix)
    return cls


def _header_of(cname):
    """The header that declares a C enum (from the function table)."""
    piece = cname.split("_")[1] if cname.count("_") > 1 else ""
    for name, entry in _ffi.FUNCTIONS.items():
        if name.startswith("amem_%s_" % piece):
            return entry[3]
    return "common.h"


def member(cls, value, where):
    """An enum member from a member, an int or a name (any case, - for _)."""
    if isinstance(value, str):
        key = value.strip().upper().replace("-", "_")
        if key not in cls.__members__:
            key = key.rstrip("_")  # lambda_ for LAMBDA (a Python keyword)
        if key in cls.__members__:
            return cls[key]
        names = ", ".join(repr(n.lower()) for n in cls.__members__)
        fail(_ffi.AMEM_E_ARG, where, "unknown %s %r (one of %s)"
             % (cls.__name__.lower(), value, names))
    try:
        return cls(operator.index(value))
    except (TypeError, ValueError):
        fail(_ffi.AMEM_E_ARG, where, "invalid %s %r"
             % (cls.__name__.lower(), value))


class _Piece(Handle):
    _C = None  # C prefix, e.g. "amem_dam_"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls._C:
            PYTHON_NAMES.setdefault(cls._C, cls.__name__)

    @classmethod
    def _fn(cls, name):
        return getattr(lib, cls._C + name)

    @classmethod
    def _where(cls, method):
        return "%s.%s" % (cls.__name__, method)


class Settings(_Piece):
    """Settings by name: set("beta", 5), set(beta=5), get("beta"),
    settings(), and a property per setting (obj.beta = 5)."""

    Param = None      # IntEnum of the settings
    _VALUE_ENUMS = {}  # Param member -> IntEnum of its named values

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.Param is None:
            return
        for p in cls.Param:
            name = _attribute_name(p)
            if not hasattr(cls, name):
                setattr(cls, name, _setting_property(cls, p))
        _document_settings(cls)

    @classmethod
    def param_bounds(cls, param):
        """(min, max, integer) of a setting: its inclusive range and whether
        it must be a whole number."""
        p = member(cls.Param, param, cls._where("param_bounds"))
        lo, hi, integer = ctypes.c_double(), ctypes.c_double(), ctypes.c_int()
        check(cls._fn("param_bounds")(int(p), ctypes.byref(lo),
                                      ctypes.byref(hi), ctypes.byref(integer)))
        return lo.value, hi.value, bool(integer.value)

    def _to_double(self, p, value, where):
        if p.name == "SEED":
            return float(seed(value, where, 53))
        if p in self._VALUE_ENUMS:
            return float(member(self._VALUE_ENUMS[p], value, where))
        if isinstance(value, (str, bytes)):
            fail(_ffi.AMEM_E_ARG, where, "%s takes a number, got %r"
                 % (p.name.lower(), value))
        return float(value)

    def _from_double(self, p, value):
        if p in self._VALUE_ENUMS:
            try:
                return self._VALUE_ENUMS[p](int(value))
            except ValueError:
                return int(value)
        lo, hi, integer = self.param_bounds(p)
        if integer:
            return bool(value) if (lo, hi) == (0.0, 1.0) else int(value)
        return value

    def set(self, param=None, value=None, **settings):
        """Change settings: set("beta", 8.0) or set(beta=8.0, seed=3).

        All or nothing: if one value is refused, the earlier ones of the
        same call are restored before the exception propagates.
        """
        items = list(settings.items())
        if param is not None:
            items.insert(0, (param, value))
        h, where, done = self._h(), self._where("set"), []
        setter = self._fn("set")
        try:
            for name, v in items:
                p = member(self.Param, name, where)
                old = self._get_double(p)
                check(setter(h, int(p), self._to_double(p, v, where)))
                done.append((p, old))
        except BaseException:
            for p, old in reversed(done):
                setter(h, int(p), old)
            raise

    def _get_double(self, p):
        v = ctypes.c_double()
        check(self._fn("get")(self._h(), int(p), ctypes.byref(v)))
        return v.value

    def get(self, param):
        """A setting's value: float, int, bool (0/1 flags) or enum member."""
        p = member(self.Param, param, self._where("get"))
        return self._from_double(p, self._get_double(p))

    def settings(self):
        """Every setting as a {name: value} dict (the property names:
        lower case, lambda_ for a keyword)."""
        return {_attribute_name(p): self.get(p) for p in self.Param}


def _attribute_name(p):
    """The Python name of a setting: lower case, keywords with a trailing
    underscore (lambda_)."""
    name = p.name.lower()
    return name + "_" if keyword.iskeyword(name) else name


def _table(cls):
    """The header's settings table of a class: {NAME: row}, header."""
    enum_name = cls._C + "param"
    return (_ffi.SETTINGS.get(enum_name, {}),
            _ffi.SETTINGS_HEADERS.get(enum_name, "?"))


def _choices(cls, p):
    values = cls._VALUE_ENUMS.get(p)
    return [m.name.lower() for m in values] if values else []


def _setting_text(cls, p, row):
    """One sentence per fact the header gives about a setting."""
    meaning = row.get("meaning", "")
    choices = _choices(cls, p)
    if choices:
        meaning = _strip_choices_ref(meaning)
        default = row["default"].lower()
        facts = ["One of %s" % ", ".join(repr(c) for c in choices),
                 "default %r" % default]
    else:
        facts = ["Default %s" % row.get("default", "?")]
        if row.get("range") == "0/1":
            facts.append("a flag (0/1, False/True)")
        elif row.get("range"):
            facts.append("range %s" % row["range"])
    if row.get("kinds"):
        facts.append("used by %s" % row["kinds"])
    text = (meaning.rstrip(".") + ". ") if meaning else ""
    return text + "; ".join(facts) + "."


def _strip_choices_ref(text):
    """'AMEM_X_* (arch)' -> '(arch)': the Python names are listed instead."""
    return re.sub(r"AMEM_\w+_\*\s*|AMEM_\w+ / AMEM_\w+\s*", "", text).strip()


def _setting_property(cls, p):
    def getter(self):
        return self.get(p)

    def setter(self, value):
        self.set(p, value)
    rows, header = _table(cls)
    row = rows.get(p.name, {})
    doc = "%s (%s): %s" % (p.name, header, _setting_text(cls, p, row))
    return property(getter, setter, doc=doc)


class HeaderDefault:
    """A default as the header words it (shown in signatures); leaving the
    keyword out keeps the library's default."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text


def _python_default(cls, p, row):
    text = row.get("default", "")
    if _choices(cls, p):
        return text.lower()
    try:
        value = float(text)
    except ValueError:
        return HeaderDefault(text or "library default")
    if row.get("range") == "0/1":
        return bool(value)
    return int(value) if "int" in row.get("range", "") else value


def _document_settings(cls):
    """Append the header's settings table to the class docstring and give
    the class a signature with one keyword per setting."""
    rows, header = _table(cls)
    lines = ["", "Settings (keywords of the constructor, properties, set() and "
             "get(); from %s):" % header]
    keywords = []
    for p in cls.Param:
        name, row = _attribute_name(p), rows.get(p.name, {})
        lines += textwrap.wrap(_setting_text(cls, p, row), 78,
                               initial_indent="    %-20s " % name,
                               subsequent_indent=" " * 25)
        keywords.append(inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY,
            default=_python_default(cls, p, row)))
    cls.__doc__ = (inspect.cleandoc(cls.__doc__ or "") + "\n" +
                   "\n".join(lines))
    try:
        init = inspect.signature(cls.__init__)
    except (TypeError, ValueError):
        return
    params = [q for q in list(init.parameters.values())[1:]
              if q.kind != q.VAR_KEYWORD]
    if len(params) + 1 == len(init.parameters):
        return  # no **settings
    cls.__signature__ = init.replace(parameters=params + keywords)


def _load_image(cls, data):
    return cls.load_mem(data)


class Persistent(_Piece):
    """save()/load() to files, save_mem()/load_mem() to bytes; copy(),
    copy.deepcopy() and pickle go through the file image. A subclass
    provides _from_ptr(ptr) to wrap a loaded handle."""

    def save(self, path):
        """Write the model to a file (atomically)."""
        check(self._fn("save")(self._h(), os.fsencode(path)))

    def save_mem(self):
        """The saved file image as bytes."""
        data, n = ctypes.c_void_p(), ctypes.c_size_t()
        check(self._fn("save_mem")(self._h(), ctypes.byref(data),
                                   ctypes.byref(n)))
        try:
            return ctypes.string_at(data, n.value)
        finally:
            lib.amem_free(data)

    @classmethod
    def _handle_type(cls):
        return ctypes.POINTER(getattr(_ffi, cls._C.rstrip("_")))

    @classmethod
    def load(cls, path):
        """A model read from a file written by save()."""
        out = cls._handle_type()()
        check(cls._fn("load")(os.fsencode(path), ctypes.byref(out)))
        return cls._from_ptr(out)

    @classmethod
    def load_mem(cls, data):
        """A model from a bytes-like file image (save_mem())."""
        buf = data if isinstance(data, bytes) else bytes(memoryview(data))
        out = cls._handle_type()()
        check(cls._fn("load_mem")(buf, len(buf), ctypes.byref(out)))
        return cls._from_ptr(out)

    def copy(self):
        """An independent copy (through the file image)."""
        return type(self).load_mem(self.save_mem())

    __copy__ = copy

    def __deepcopy__(self, memo):
        return self.copy()

    def __reduce__(self):
        return (_load_image, (type(self), self.save_mem()))


class StoreShape:
    """dim and value_dim of a pattern store (from its _dim and _vdim)."""

    _dim = 0
    _vdim = 0

    @property
    def dim(self):
        """Pattern (key) dimension d."""
        return self._dim

    @property
    def value_dim(self):
        """Value dimension m (0 for an autoassociative store)."""
        return self._vdim
