"""scripts/gen-sweep: every public function is swept, a function without a
recipe stops the generator, and the header comments are read right."""

import importlib.machinery
import importlib.util
import os
import types

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
SCRIPT = os.path.join(ROOT, "scripts", "gen-sweep")


@pytest.fixture(scope="module")
def gs():
    loader = importlib.machinery.SourceFileLoader("gen_sweep", SCRIPT)
    spec = importlib.util.spec_from_loader("gen_sweep", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def plan(gs):
    api, plan, _ = gs.generate()
    return api, {fn.name: (fn, cases, optional)
                 for fn, _, _, cases, optional in plan}


def test_every_public_function_is_swept(plan):
    api, by_name = plan
    assert sorted(by_name) == sorted(fn.name for fn in api.functions)
    for fn, cases, _ in by_name.values():
        assert cases[0].kind == "base" and cases[0].expect_ok
        swept = {c.arg.name for c in cases[1:]}
        pointers = {p.name for p in fn.params if p.ctype.pointers}
        assert pointers <= swept, fn.name


def test_missing_recipe_is_an_error(gs):
    recipes = gs.load_recipes()
    trimmed = types.SimpleNamespace(**{k: getattr(recipes, k)
                                       for k in dir(recipes)
                                       if k.isupper()})
    trimmed.FUNCTIONS = dict(recipes.FUNCTIONS)
    del trimmed.FUNCTIONS["amem_hopfield_recall"]
    with pytest.raises(gs.GenError, match="amem_hopfield_recall has no recipe"):
        gs.generate(recipes=trimmed)


def test_stale_list_entry_is_an_error(gs, tmp_path):
    listed = tmp_path / "list.txt"
    listed.write_text("amem_hopfield_recall n 12345 no such value\n")
    with pytest.raises(gs.GenError, match="matches no case"):
        gs.generate(list_file=str(listed))


@pytest.mark.parametrize("name, optional, required", [
    ("amem_hopfield_recall", {"clamp", "steps", "weights"},
     {"h", "queries", "out"}),
    ("amem_vae_loss", {"recon", "kl"}, {"v", "images"}),
    ("amem_bootstrap_mean", {"mean", "lo", "hi"}, {"values"}),
    ("amem_kvmem_tape_back_write", {"d_key", "d_value", "d_q", "rule_grad"},
     {"tape"}),
    ("amem_kvmem_param_bounds", {"min", "max", "integer"}, set()),
    ("amem_tvt_write", {"value"}, {"h", "key"}),
])
def test_optional_pointers_from_comments(plan, name, optional, required):
    _, by_name = plan
    found = by_name[name][2]
    assert optional <= found
    assert not (required & found)


def test_documented_statuses_narrow_the_expectation(plan):
    _, by_name = plan
    cases = by_name["amem_hopfield_set"][1]
    nonfinite = [c for c in cases if c.kind == "float"]
    assert nonfinite and all(c.expected == ["NONFINITE", "RANGE", "ARG"]
                             for c in nonfinite)
    enum = [c for c in cases if c.kind == "int"]
    assert {c.value for c in enum} == {"-1", "INT_MIN", "12", "INT_MAX"}
    assert all(c.expected == ["ARG", "RANGE"] for c in enum)
