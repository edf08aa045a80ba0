"""scripts/gen-bindings: completeness against the headers and the built
library, freshness of the generated files, and tricky prototypes."""

import ctypes
import importlib.machinery
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import types

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "scripts", "gen-bindings")
HEADERS = os.path.join(ROOT, "include", "assocmem")
LIBRARY = os.path.join(ROOT, "lib", "libassocmem.so")


def load_generator():
    loader = importlib.machinery.SourceFileLoader("gen_bindings", SCRIPT)
    spec = importlib.util.spec_from_loader("gen_bindings", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


gen = load_generator()


def run(*args):
    return subprocess.run([sys.executable, SCRIPT, *args], cwd=ROOT,
                          capture_output=True, text=True)


def api_names_by_grep():
    """AMEM_API prototypes found by a plain text scan, independently."""
    names = set()
    for name in os.listdir(HEADERS):
        with open(os.path.join(HEADERS, name)) as f:
            text = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
        for decl in re.findall(r"^\s*AMEM_API\b([^;]*);", text, flags=re.M):
            names.add(re.search(r"(\w+)\s*\(", decl).group(1))
    return names


# ---- the real headers ---------------------------------------------------------

def test_finds_every_api_function_in_the_headers():
    api = gen.parse_headers(HEADERS)
    parsed = [f.name for f in api.functions]
    assert len(parsed) == len(set(parsed))
    assert set(parsed) == api_names_by_grep()


@pytest.mark.skipif(not os.path.exists(LIBRARY), reason="run make first")
def test_parsed_functions_match_exported_symbols():
    out = subprocess.run(["nm", "-D", "--defined-only", LIBRARY],
                         capture_output=True, text=True, check=True).stdout
    exported = {line.split()[-1].split("@")[0] for line in out.splitlines()
                if line.split()[-1].startswith("amem_")}
    parsed = {f.name for f in gen.parse_headers(HEADERS).functions}
    assert parsed == exported


def test_generated_files_are_up_to_date():
    result = run("--check")
    assert result.returncode == 0, result.stderr


def test_generated_python_matches_headers():
    from assocmem import _ffi
    api = gen.parse_headers(HEADERS)
    assert list(_ffi.FUNCTIONS) == [f.name for f in api.functions]
    for f in api.functions:
        restype, argtypes, names, header = _ffi.FUNCTIONS[f.name]
        assert names == tuple(p.name for p in f.params) and header == f.header
        assert len(argtypes) == len(f.params)
    statuses = _ffi.ENUMS["amem_status"]
    assert statuses["AMEM_OK"] == 0 and statuses["AMEM_E_INTERNAL"] == -12
    assert set(_ffi.STATUS_MESSAGES) == set(statuses.values())
    assert _ffi.AMEM_IDX_MAX_BYTES == 1 << 30
    assert _ffi.AMEM_VERSION_NUMBER == (_ffi.AMEM_VERSION_MAJOR * 10000
                                        + _ffi.AMEM_VERSION_MINOR * 100
                                        + _ffi.AMEM_VERSION_PATCH)
    assert _ffi.AMEM_HOPFIELD_MODERN == 4 and _ffi.AMEM_HOPFIELD_NOISE == 11


def test_generated_julia_has_one_wrapper_per_function():
    with open(os.path.join(ROOT, gen.JL_OUT)) as f:
        text = f.read()
    for fn in gen.parse_headers(HEADERS).functions:
        assert text.count("\nfunction %s(" % fn.name) == 1
        assert text.count("@ccall libassocmem.%s(" % fn.name) == 1
    assert "const AMEM_E_NONFINITE = -5" in text
    assert "const AMEM_IDX_MAX_BYTES = 1073741824" in text
    assert "mutable struct amem_hopfield end" in text


# ---- a scratch tree: staleness and new functions ------------------------------

@pytest.fixture
def scratch(tmp_path):
    """A copy of the headers and generated files, to edit freely."""
    shutil.copytree(HEADERS, tmp_path / "include" / "assocmem")
    for rel in (gen.PY_OUT, gen.JL_OUT):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(os.path.join(ROOT, rel), tmp_path / rel)
    return tmp_path


def run_in(root, *args):
    return subprocess.run([sys.executable, SCRIPT, "--root", str(root), *args],
                          capture_output=True, text=True)


def test_check_detects_a_stale_file_and_regeneration_fixes_it(scratch):
    assert run_in(scratch, "--check").returncode == 0
    header = scratch / "include" / "assocmem" / "zzz_new.h"
    header.write_text(
        '#include "assocmem/common.h"\n'
        "typedef struct amem_thing amem_thing;\n"
        "AMEM_API int amem_thing_create(size_t slots, amem_thing **out);\n"
        "AMEM_API int amem_thing_train(amem_thing *t, const float *x,\n"
        "                              size_t n, amem_progress_fn progress,\n"
        "                              void *user);\n")
    stale = run_in(scratch, "--check")
    assert stale.returncode == 1 and "_ffi.py" in stale.stderr
    assert run_in(scratch).returncode == 0
    assert run_in(scratch, "--check").returncode == 0
    py = (scratch / gen.PY_OUT).read_text()
    assert "'amem_thing_train': (_c.c_int, [_c.POINTER(amem_thing), " \
           "_c.POINTER(_c.c_float), _c.c_size_t, amem_progress_fn, " \
           "_c.c_void_p]" in py
    jl = (scratch / gen.JL_OUT).read_text()
    assert ("@ccall libassocmem.amem_thing_train(t::Ptr{amem_thing}, "
            "x::Ptr{Cfloat}, n::Csize_t, progress::amem_progress_fn, "
            "user::Ptr{Cvoid})::Cint") in jl


def test_unknown_type_is_an_error_naming_the_place(scratch):
    header = scratch / "include" / "assocmem" / "bad.h"
    header.write_text("AMEM_API int amem_bad(struct timeval *tv);\n")
    result = run_in(scratch, "--check")
    assert result.returncode == 2
    assert "bad.h:1" in result.stderr and "amem_bad" in result.stderr


# ---- tricky prototypes ----------------------------------------------------------

TRICKY = r'''
#ifndef X_H
#define X_H
#include "assocmem/common.h"
/* AMEM_API int amem_in_a_comment(int x); must be ignored */
// AMEM_API int amem_line_comment(void);
typedef struct amem_gizmo amem_gizmo;
typedef float amem_real;
#define AMEM_GIZMO_LIMIT ((size_t)1 << 20)
#define AMEM_GIZMO_SCALE 2.5f
#define AMEM_GIZMO_NAME "giz/*mo*/"
#define AMEM_GIZMO_MASK (0x0FU | 0x10)
#define AMEM_GIZMO_MACRO(x) ((x) + 1)
enum amem_gizmo_mode {
    AMEM_GIZMO_A,            /* 0 */
    AMEM_GIZMO_B = 1 << 3,
    AMEM_GIZMO_C,            /* 9 */
    AMEM_GIZMO_D = AMEM_GIZMO_C - 10,
    AMEM_GIZMO_COUNT_        /* private sentinel */
};
AMEM_API int
amem_gizmo_create(int mode,
                  size_t  dim /* inline comment */,
                  const amem_gizmo *const template_,
                  amem_gizmo **out);
AMEM_API void amem_gizmo_free(amem_gizmo *g);
AMEM_API const char *amem_gizmo_name(const amem_gizmo *g);
AMEM_API int amem_gizmo_fit(amem_gizmo *g, const float x[], size_t n,
    amem_progress_fn progress, void *user,
    int (*filter)(void *user, int index));
AMEM_API int amem_gizmo_mixed(unsigned long a, uint64_t b, int32_t c,
    double d, float *restrict e, int32_t **f, void **g, amem_real h,
    unsigned, const char *);
AMEM_API uint64_t amem_gizmo_seed(void);
#endif
'''


@pytest.fixture
def tricky(tmp_path):
    inc = tmp_path / "include" / "assocmem"
    inc.mkdir(parents=True)
    shutil.copy(os.path.join(HEADERS, "common.h"), inc / "common.h")
    (inc / "gizmo.h").write_text(TRICKY)
    return gen.parse_headers(str(inc))


def fn(api, name):
    return next(f for f in api.functions if f.name == name)


def sig(f):
    return [(p.name, p.ctype.c()) for p in f.params]


def test_tricky_prototypes_parse(tricky):
    names = [f.name for f in tricky.functions if f.header == "gizmo.h"]
    assert names == ["amem_gizmo_create", "amem_gizmo_free", "amem_gizmo_name",
                     "amem_gizmo_fit", "amem_gizmo_mixed", "amem_gizmo_seed"]
    create = fn(tricky, "amem_gizmo_create")
    assert create.ret.c() == "int" and create.line == 21
    assert sig(create) == [("mode", "int"), ("dim", "size_t"),
                           ("template_", "const amem_gizmo *"),
                           ("out", "amem_gizmo **")]
    assert fn(tricky, "amem_gizmo_name").ret.c() == "const char *"
    assert fn(tricky, "amem_gizmo_seed").params == []
    fit = fn(tricky, "amem_gizmo_fit")
    assert sig(fit)[:5] == [("g", "amem_gizmo *"), ("x", "const float *"),
                            ("n", "size_t"), ("progress", "amem_progress_fn"),
                            ("user", "void *")]
    assert fit.params[5].name == "filter"
    assert fit.params[5].c() == "int (*filter)(void *user, int index)"
    mixed = fn(tricky, "amem_gizmo_mixed")
    assert sig(mixed) == [
        ("a", "unsigned long"), ("b", "uint64_t"), ("c", "int32_t"),
        ("d", "double"), ("e", "float *"), ("f", "int32_t **"),
        ("g", "void **"), ("h", "amem_real"), ("arg9", "unsigned"),
        ("arg10", "const char *")]


def test_tricky_constants(tricky):
    consts = dict(tricky.constants())
    assert consts["AMEM_GIZMO_LIMIT"] == 1 << 20
    assert consts["AMEM_GIZMO_SCALE"] == 2.5
    assert consts["AMEM_GIZMO_NAME"] == "giz/*mo*/"
    assert consts["AMEM_GIZMO_MASK"] == 0x1F
    assert "AMEM_GIZMO_MACRO" not in consts and "AMEM_API" not in consts
    modes = dict(next(m for n, m, _ in tricky.enums if n == "amem_gizmo_mode"))
    assert modes == {"AMEM_GIZMO_A": 0, "AMEM_GIZMO_B": 8, "AMEM_GIZMO_C": 9,
                     "AMEM_GIZMO_D": -1}
    status = dict(next(m for n, m, _ in tricky.enums if n == "amem_status"))
    assert status["AMEM_E_NONFINITE"] == -5 and "AMEM_STATUS_MIN_" not in status
    assert tricky.status_messages[-5] == "non-finite value in input"
    assert tricky.handles == ["amem_gizmo"]
    assert [cb.name for cb in tricky.callbacks] == ["amem_progress_fn", "amem_reduce_fn"]


def test_tricky_python_rendering_is_valid_ctypes(tricky):
    module = types.ModuleType("tricky_ffi")
    exec(compile(gen.render_python(tricky), "tricky_ffi", "exec"),
         module.__dict__)
    c = ctypes
    restype, argtypes, names, header = module.FUNCTIONS["amem_gizmo_mixed"]
    assert restype is c.c_int and header == "gizmo.h"
    assert argtypes[:4] == [c.c_ulong, c.c_uint64, c.c_int32, c.c_double]
    assert argtypes[4] == c.POINTER(c.c_float)
    assert argtypes[5] == c.POINTER(c.POINTER(c.c_int32))
    assert argtypes[6] == c.POINTER(c.c_void_p)
    assert argtypes[7:] == [c.c_float, c.c_uint, c.c_char_p]
    handle = c.POINTER(module.amem_gizmo)
    _, create_args, _, _ = module.FUNCTIONS["amem_gizmo_create"]
    assert create_args == [c.c_int, c.c_size_t, handle, c.POINTER(handle)]
    assert module.FUNCTIONS["amem_gizmo_name"][0] is c.c_char_p
    assert module.FUNCTIONS["amem_gizmo_free"][0] is None
    assert module.FUNCTIONS["amem_gizmo_seed"][:2] == (c.c_uint64, [])
    fit_args = module.FUNCTIONS["amem_gizmo_fit"][1]
    assert fit_args[3] is module.amem_progress_fn
    assert fit_args[5]._restype_ is c.c_int
    assert fit_args[5]._argtypes_ == (c.c_void_p, c.c_int)
    assert module.AMEM_GIZMO_C == 9 and module.AMEM_GIZMO_NAME == "giz/*mo*/"
    assert module.ENUMS["amem_gizmo_mode"]["AMEM_GIZMO_D"] == -1


def test_tricky_julia_rendering(tricky):
    text = gen.render_julia(tricky)
    assert ("@ccall libassocmem.amem_gizmo_mixed(a::Culong, b::UInt64, "
            "c::Int32, d::Cdouble, e::Ptr{Cfloat}, f::Ptr{Ptr{Int32}}, "
            "g::Ptr{Ptr{Cvoid}}, h::Cfloat, arg9::Cuint, "
            "arg10::Cstring)::Cint") in text
    assert "@ccall libassocmem.amem_gizmo_name(g::Ptr{amem_gizmo})::Cstring" in text
    assert "@ccall libassocmem.amem_gizmo_seed()::UInt64" in text
    assert "@ccall libassocmem.amem_gizmo_free(g::Ptr{amem_gizmo})::Cvoid" in text
    assert ("progress::amem_progress_fn, user::Ptr{Cvoid}, "
            "filter::Ptr{Cvoid})::Cint") in text
    assert 'const AMEM_GIZMO_NAME = "giz/*mo*/"' in text
    assert "const AMEM_GIZMO_LIMIT = 1048576" in text


def test_reserved_julia_names_are_renamed(tmp_path):
    inc = tmp_path / "include" / "assocmem"
    inc.mkdir(parents=True)
    (inc / "r.h").write_text("AMEM_API int amem_r(int end, double function);\n")
    text = gen.render_julia(gen.parse_headers(str(inc)))
    assert "function amem_r(end_, function_)" in text
    assert "end_::Cint, function_::Cdouble" in text


# ---- settings tables ------------------------------------------------------------

def test_every_setting_of_every_header_has_meaning_default_and_range():
    api = gen.parse_headers(HEADERS)
    enums = {name: members for name, members, _ in api.enums}
    assert set(api.settings) == {n for n in enums if n.endswith("_param")}
    for enum, rows in api.settings.items():
        assert len(rows) == len(enums[enum])
        for name, row in rows.items():
            assert row["default"], (enum, name)
            assert row["range"] or row["choices"] or enum == "amem_probe_param" \
                and name == "MULTICLASS", (enum, name)
    hop = api.settings["amem_hopfield_param"]
    assert hop["BETA"] == {"meaning": "inverse temp.", "default": "1",
                           "range": "[1e-6, 1e6]", "kinds": "MODERN",
                           "choices": ""}
    assert hop["DEGREE"]["kinds"] == "DENSE_POLY/RECT, MODERN with POLY"
    assert hop["UPDATE"]["choices"] == "AMEM_HOPFIELD_UPDATE_*"
    kv = api.settings["amem_kvmem_param"]
    assert kv["ADVANCE"]["default"] == "EVERY_WRITE"
    assert kv["TRAIN_MASK"]["meaning"].endswith("AMEM_KVMEM_ETA_K + k (11 bits)")
    vae = api.settings["amem_vae_param"]
    assert vae["EPOCHS"]["default"] == "50"
    assert "[-1,1] to [0,1]" in vae["REPLAY_OFFSET"]["meaning"]


def test_a_setting_without_a_row_is_an_error(scratch):
    path = scratch / "include" / "assocmem" / "probes.h"
    text = path.read_text()
    path.write_text(text.replace(" *   L2             SOFTMAX weight decay", " *"))
    result = run_in(scratch, "--check")
    assert result.returncode == 2 and "no row for L2" in result.stderr


def test_stubs_are_fresh_and_give_settings_as_typed_keywords():
    outputs = gen.generate(ROOT)[1]
    stubs = {k: v for k, v in outputs.items() if k.endswith(".pyi")}
    assert "python/assocmem/hopfield.pyi" in stubs
    for rel, text in stubs.items():
        with open(os.path.join(ROOT, rel)) as f:
            assert f.read() == text, "%s is stale: run scripts/gen-bindings" % rel
    hop = stubs["python/assocmem/hopfield.pyi"]
    assert "beta: float = ..." in hop and "max_steps: int = ..." in hop
    assert "update: Union[str, int] = ..." in hop
    assert "lambda_: float = ..." in stubs["python/assocmem/kvmem.pyi"]
