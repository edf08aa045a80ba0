"""Python that explains itself: every public member has a docstring, and
help() of a class says what its header's settings table says."""

import enum
import inspect
import pydoc
import re
import types

import pytest

import assocmem as am
from assocmem import _ffi

PUBLIC_MODULES = [am, am.data, am.probes, am.scenes, am.capacity,
                  am.diffusion, am.hopfield, am.dam, am.vae, am.kvmem,
                  am.errors, am.progress]
SETTINGS_CLASSES = [am.Hopfield, am.Dam, am.Diffusion, am.Vae, am.Probe,
                    am.KVMemory, am.TVT]


def public_members():
    """(qualified name, object) of every public function, class, method and
    property of the package's public modules."""
    seen = {}
    for module in PUBLIC_MODULES:
        names = getattr(module, "__all__", None) or [
            n for n in vars(module) if not n.startswith("_")]
        for name in names:
            obj = getattr(module, name)
            if isinstance(obj, types.ModuleType) or not callable(obj):
                continue
            if not (getattr(obj, "__module__", "") or "").startswith("assocmem"):
                continue
            seen["%s.%s" % (module.__name__, name)] = obj
            if inspect.isclass(obj) and not issubclass(obj, enum.Enum):
                for attr, value in vars_with_bases(obj):
                    seen["%s.%s.%s" % (module.__name__, name, attr)] = value
    return sorted(seen.items())


def vars_with_bases(cls):
    for klass in cls.__mro__:
        if not klass.__module__.startswith("assocmem"):
            continue
        for attr, value in vars(klass).items():
            if attr.startswith("_") and attr not in ("__init__",):
                continue
            if attr == "__init__" or isinstance(value, (property, classmethod,
                                                         staticmethod)) \
                    or inspect.isfunction(value):
                yield attr, value


def doc_of(obj):
    if isinstance(obj, (classmethod, staticmethod)):
        obj = obj.__func__
    return (obj.__doc__ or "").strip()


def test_every_public_member_has_a_docstring():
    missing = [name for name, obj in public_members()
               if not name.endswith(".__init__") and not doc_of(obj)]
    assert not missing, "no docstring: " + ", ".join(missing)


def test_the_walk_sees_the_members_it_should():
    names = dict(public_members())
    for expected in ("assocmem.Hopfield.recall", "assocmem.Probe.fit",
                     "assocmem.Probe.classes", "assocmem.tsne",
                     "assocmem.KVMemory.lambda_", "assocmem.Vae.encode",
                     "assocmem.progress.interruptible"):
        assert expected in names


@pytest.mark.parametrize("cls", SETTINGS_CLASSES, ids=lambda c: c.__name__)
def test_help_answers_what_the_header_answers(cls):
    table = _ffi.SETTINGS[cls._C + "param"]
    text = pydoc.render_doc(cls, renderer=pydoc.plaintext)
    text = " ".join(re.sub(r"\n\s*\|", " ", text).split())  # unwrap
    signature = inspect.signature(cls)
    for name, row in table.items():
        attr = name.lower() + ("_" if name == "LAMBDA" else "")
        assert attr in signature.parameters, attr
        prop = getattr(cls, attr)
        docs = [text]
        if isinstance(prop, property):  # else a method of the same name
            docs.append(" ".join(prop.__doc__.split()))
        # the meaning, less the C enum reference (Python lists the names)
        words = re.sub(r"AMEM_\w+_\*\s*|AMEM_\w+ / AMEM_\w+\s*", "",
                       row["meaning"]).split()
        for doc in docs:
            if row["range"].startswith("["):
                assert row["range"] in doc, (name, row["range"])
            if row["kinds"]:
                assert "used by " + row["kinds"] in doc, name
            if words:
                assert " ".join(words[:3]) in doc, (name, words[:3])
            assert ("Default %s" % row["default"] in doc
                    or "default %r" % row["default"].lower() in doc), name


def test_keyword_defaults_are_the_library_defaults():
    h = am.Hopfield("classical", 8)
    for name, param in inspect.signature(am.Hopfield).parameters.items():
        if param.kind == param.KEYWORD_ONLY and name != "seed":
            value = h.get(name)
            shown = param.default
            if isinstance(value, enum.Enum):
                value = value.name.lower()
            assert value == shown, (name, value, shown)
