"""Static consistency of julia/AssocMem.jl (Julia is not installed here):
every C function and constant the module uses exists in the generated
ffi.jl, and every library function is reachable from Julia."""

import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PKG = os.path.join(ROOT, "julia", "AssocMem.jl")


def read(rel):
    with open(os.path.join(PKG, rel)) as f:
        return f.read()


def module_files():
    """AssocMem.jl and every file it includes, except the generated ffi.jl."""
    main = read("src/AssocMem.jl")
    parts = re.findall(r'^\s*include\("(\w+\.jl)"\)', main, flags=re.M)
    return [main] + [read("src/" + p) for p in parts if p != "ffi.jl"]


def test_module_uses_only_generated_names():
    ffi, module = read("src/ffi.jl"), "\n".join(module_files())
    functions = set(re.findall(r"^function (amem_\w+)\(", ffi, flags=re.M))
    constants = set(re.findall(r"^const (AMEM_\w+) =", ffi, flags=re.M))
    used_functions = set(re.findall(r"\b(amem_\w+)\(", module))
    code = re.sub(r'"(\\.|[^"\\])*"', '""', module)
    used_constants = set(re.findall(r"\b(AMEM_[A-Z0-9_]*[A-Z0-9])\b", code))
    assert used_functions <= functions
    assert used_constants <= constants
    assert 'include("ffi.jl")' in module
    # every library function is reachable through a Julia function
    assert functions - set(re.findall(r"\b(amem_\w+)\b", code)) == set()


def test_project_names_the_module():
    project = read("Project.toml")
    assert 'name = "AssocMem"' in project
    assert re.search(r'uuid = "[0-9a-f-]{36}"', project)


def test_balanced_blocks():
    """A crude syntax check: in each file, block openers and `end` balance."""
    for src in module_files():
        _check_balanced(src)


def _check_balanced(src):
    src = re.sub(r'"""(.*?)"""', '""', src, flags=re.S)
    src = re.sub(r'"(\\.|[^"\\])*"', '""', src)
    src = re.sub(r"#.*", "", src)
    openers = len(re.findall(
        r"^\s*(?:module|function|if|for|while|try|let|begin|struct|mutable struct)\b",
        src, flags=re.M))
    openers += len(re.findall(r"=\s*if\b", src))
    ends = len(re.findall(r"\bend\b", src))
    assert openers == ends
