"""Static checks of julia/AssocMem.jl (Julia is not installed here).

Every C call in the module names a function that the generated ffi.jl
declares, with the number of arguments ffi.jl declares; the calls that the
`@handle` macro generates are checked for every handle kind it declares;
every call of a function the module defines passes a number of positional
arguments one of its methods accepts; every library function is reachable
from Julia; callbacks go through the exception-safe entry points of
callbacks.jl; no exported name collides with StatsBase, StatsAPI, FileIO or
Flux; blocks balance; and where the tree-sitter Julia grammar is installed
(cd julia/tools && npm ci), every file parses."""

import os
import re
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PKG = os.path.join(ROOT, "julia", "AssocMem.jl")
TOOLS = os.path.join(ROOT, "julia", "tools")

# Calls written against C signatures that the headers do not declare yet: the
# trainer contract of docs/api.md (C13, C14). name -> argument count. Such a
# call is checked against this count instead of ffi.jl's; delete an entry
# once the regenerated ffi.jl declares the function with this count.
PENDING = {}

# Library functions the module leaves to the raw ffi.jl wrappers: the
# experimental data-parallel hook (a C reduction callback per step).
UNWRAPPED = re.compile(r"_set_data_parallel$")

# Helpers that take a C function as their first argument, and how many
# arguments they call it with (common.jl, data.jl, diffusion.jl).
HIGHER_ORDER = {"_query": 2, "_metric": 6, "_schedule": 3}

# Splats that stand for a (function pointer, user pointer) pair (callbacks.jl).
PAIR_SPLATS = re.compile(r"^_(progress|error)_args\([^()]*\)\.\.\.$")

TRAINED = ("Dam", "Vae", "Diffusion", "KVMemory", "TVT")


def read(rel):
    with open(os.path.join(PKG, rel)) as f:
        return f.read()


def module_sources():
    """{file name: text} of AssocMem.jl and every file it includes but ffi.jl."""
    main = read("src/AssocMem.jl")
    parts = re.findall(r'^\s*include\("(\w+\.jl)"\)', main, flags=re.M)
    files = {"AssocMem.jl": main}
    files.update({p: read("src/" + p) for p in parts if p != "ffi.jl"})
    return files


def strip_code(src):
    """The source without docstrings, string contents and comments."""
    src = re.sub(r'"""(.*?)"""', '""', src, flags=re.S)
    src = re.sub(r'"(\\.|[^"\\])*"', '""', src)
    return re.sub(r"#.*", "", src)


def ffi():
    text = read("src/ffi.jl")
    functions = {name: _arity(args) for name, args in
                 re.findall(r"^function (amem_\w+)\(([^)]*)\)", text, flags=re.M)}
    types = set(re.findall(r"^mutable struct (amem_\w+) end", text, flags=re.M))
    types |= set(re.findall(r"^const (amem_\w+) = Ptr\{Cvoid\}", text, flags=re.M))
    constants = set(re.findall(r"^const (AMEM_\w+) =", text, flags=re.M))
    return functions, types, constants


def _arity(args):
    return len([a for a in args.split(",") if a.strip()])


def call_args(code, open_paren):
    """The top-level arguments of the call whose '(' is at code[open_paren]."""
    depth, start, args = 0, open_paren + 1, []
    for i in range(open_paren, len(code)):
        ch = code[i]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                args.append(code[start:i])
                return [a.strip() for a in args if a.strip()]
        elif ch == "," and depth == 1:
            args.append(code[start:i])
            start = i + 1
    raise AssertionError("unclosed call at offset %d" % open_paren)


def count_args(args, where):
    n = 0
    for a in args:
        if PAIR_SPLATS.match(a):
            n += 2
        else:
            assert not a.endswith("..."), "%s: unknown splat %r in a C call" % (where, a)
            n += 1
    return n


def handle_template(code):
    """{C function suffix: argument count} of the calls in `macro handle`."""
    body = code[code.index("macro handle("):]
    body = body[:body.index("\nend\n")]
    calls = {}
    for m in re.finditer(r"\$\(c\(:(\w+)\)\)\(", body):
        calls[m.group(1)] = count_args(call_args(body, m.end() - 1), "@handle")
    return calls


def c_calls():
    """[(C function, argument count, file)] of every C call in the module."""
    sources = {name: strip_code(src) for name, src in module_sources().items()}
    template = handle_template(sources["handles.jl"])
    calls = []
    for name, code in sources.items():
        for m in re.finditer(r"\b(amem_\w+)\(", code):
            calls.append((m.group(1), count_args(call_args(code, m.end() - 1), name), name))
        for m in re.finditer(r"\b(%s)\(\s*(amem_\w+)\s*," % "|".join(HIGHER_ORDER), code):
            calls.append((m.group(2), HIGHER_ORDER[m.group(1)], name))
        for m in re.finditer(r"^@handle\s+\w+\s+(amem_\w+)\b", code, flags=re.M):
            calls += [(m.group(1) + "_" + s, n, name) for s, n in template.items()]
    return calls


def test_every_c_call_matches_ffi():
    functions, _, _ = ffi()
    calls = c_calls()
    assert len(calls) > 150
    for fn, n, where in calls:
        expected = PENDING.get(fn, functions.get(fn))
        assert expected is not None, "%s calls %s, which ffi.jl does not declare" % (where, fn)
        assert n == expected, "%s calls %s with %d arguments, expected %d" % (
            where, fn, n, expected)


def test_handle_template_binds_the_common_calls():
    template = handle_template(strip_code(module_sources()["handles.jl"]))
    assert template == {"free": 1, "set": 3, "get": 3, "param_bounds": 4, "save": 2,
                        "save_mem": 3, "load": 2, "load_mem": 3}
    code = strip_code("\n".join(module_sources().values()))
    kinds = re.findall(r"^@handle\s+(\w+)\s+amem_(\w+)\b", code, flags=re.M)
    assert {k for k, _ in kinds} == {"Hopfield", "Dam", "Diffusion", "KVMemory", "TVT",
                                     "Vae", "Probe"}


def test_higher_order_helpers_call_with_their_counts():
    code = strip_code("\n".join(module_sources().values()))
    for helper, n in HIGHER_ORDER.items():
        body = code[code.index("function %s(f," % helper):]
        body = body[:body.index("\nend\n")]
        calls = [m.end() - 1 for m in re.finditer(r"\bf\(", body)]
        assert len(calls) == 1, helper
        assert count_args(call_args(body, calls[0]), helper) == n, helper


def test_c_functions_are_referenced_only_by_calls():
    """A bare C function name may only be handed to a helper in HIGHER_ORDER."""
    functions, types, _ = ffi()
    code = strip_code("\n".join(module_sources().values()))
    code = re.sub(r"\b(%s)\(\s*amem_\w+\s*," % "|".join(HIGHER_ORDER), "", code)
    code = re.sub(r"^@handle\s+\w+\s+amem_\w+", "", code, flags=re.M)
    bare = set(re.findall(r"\b(amem_\w+)\b(?!\()", code)) - types
    assert bare == set()


def test_module_uses_only_generated_constants():
    _, _, constants = ffi()
    code = strip_code("\n".join(module_sources().values()))
    used = set(re.findall(r"\b(AMEM_[A-Z0-9_]*[A-Z0-9])\b", code))
    assert used <= constants
    assert 'include("ffi.jl")' in module_sources()["AssocMem.jl"]


def test_every_library_function_is_reachable():
    functions, _, _ = ffi()
    reached = {fn for fn, _, _ in c_calls()}
    assert {fn for fn in functions if not UNWRAPPED.search(fn)} - reached == set()


def test_trained_kinds_bind_the_trainer():
    code = strip_code("\n".join(module_sources().values()))
    for kind in TRAINED:
        assert re.search(r"^_ctrain\(\w+::%s," % kind, code, flags=re.M), kind
        assert re.search(r"^step_count\(\w+::%s\)" % kind, code, flags=re.M), kind
    assert "train!(" not in code.replace("train_steps!(", "")


def test_callbacks_never_unwind_through_c():
    """Only callbacks.jl makes C callbacks: plain @cfunctions whose bodies catch."""
    sources = {n: strip_code(s) for n, s in module_sources().items()}
    for name, code in sources.items():
        if name != "callbacks.jl":
            assert "@cfunction" not in code, name
    cb = sources["callbacks.jl"]
    entries = re.findall(r"@cfunction\((\w+),", cb)
    assert sorted(entries) == ["_error_entry", "_progress_entry"]
    assert "$" not in "".join(re.findall(r"@cfunction\([^\n]*", cb))
    for entry in entries:
        body = cb[cb.index("function %s(" % entry):]
        body = body[:body.index("\nend\n")]
        assert re.search(r"\btry\b.*\bcatch e\b.*cb\.failure = e", body, flags=re.S), entry
    # every C call that takes a progress callback gets it from the safe pair
    functions = read("src/ffi.jl")
    takes_progress = set(re.findall(r"^function (amem_\w+)\([^)]*\bprogress\b", functions,
                                    flags=re.M))
    for name, code in sources.items():
        for m in re.finditer(r"\b(amem_\w+)\(", code):
            if m.group(1) in takes_progress:
                args = call_args(code, m.end() - 1)
                assert "fn" in args or any(PAIR_SPLATS.match(a) for a in args), (
                    name, m.group(1), args)


def _close_paren(code, open_paren):
    depth = 0
    for i in range(open_paren, len(code)):
        if code[i] in "([{":
            depth += 1
        elif code[i] in ")]}":
            depth -= 1
            if depth == 0:
                return i
    raise AssertionError("unclosed call at offset %d" % open_paren)


def _is_keyword(arg):
    return re.match(r"^\w+\s*=[^=]", arg) is not None


def julia_methods(code):
    """{name: [(least, most) positional arguments]} of the module's methods."""
    methods = {}
    for m in re.finditer(r"^\s*(function\s+)?(?:Base\.)?([A-Za-z_]\w*!?)\(", code, flags=re.M):
        end = _close_paren(code, m.end() - 1)
        after = code[end + 1:end + 120]
        if not m.group(1) and not re.match(r"\s*(where\s*\{[^}]*\}\s*)?=(?!=)", after):
            continue  # a call, not a definition
        positional = code[m.end():end].split(";")[0]
        args = call_args("(" + positional + ")", 0) if positional.strip() else []
        least = len([a for a in args if "=" not in a and not a.endswith("...")])
        most = 10 ** 6 if any(a.endswith("...") for a in args) else len(args)
        methods.setdefault(m.group(2), []).append((least, most))
    # constructors the code does not spell as methods
    for kind in re.findall(r"^@handle\s+(\w+)", code, flags=re.M):
        methods.setdefault(kind, []).append((1, 1))
    for struct, n in (("AssocMemError", 3), ("_Callback", 2), ("KVTape", 3)):
        methods.setdefault(struct, []).append((n, n))
    return methods


def test_calls_of_module_functions_match_a_method():
    """Every call of a function the module defines passes a number of
    positional arguments that one of its methods accepts (a do-block adds
    one)."""
    code = strip_code("\n".join(module_sources().values()))
    methods = julia_methods(code)
    checked = 0
    for m in re.finditer(r"(?<![\w.:])([A-Za-z_]\w*!?)\(", code):
        if m.group(1) not in methods:
            continue
        positional = []
        for a in call_args(code, m.end() - 1):
            head, semicolon, _ = a.partition(";")
            head = head.strip()
            if head and not _is_keyword(head):
                positional.append(head)
            if semicolon:
                break
        if any(a.endswith("...") for a in positional):
            continue
        n = len(positional)
        if re.match(r"[ \t]*do\b", code[_close_paren(code, m.end() - 1) + 1:]):
            n += 1
        assert any(lo <= n <= hi for lo, hi in methods[m.group(1)]), (
            m.group(1), n, code[m.start():m.start() + 80])
        checked += 1
    assert checked > 300


# Names exported by StatsBase (which re-exports StatsAPI's), FileIO and Flux
# (its own exports, those of Flux.Train and Flux.Losses, and the NNlib and
# Optimisers names it re-exports), read from their sources in 2026.
FOREIGN_EXPORTS = set("""
AbstractDataTransform AbstractHistogram AbstractWeights AnalyticWeights CoefTable
ConvergenceException CovarianceEstimator CronbachAlpha ECDF FrequencyWeights Histogram
L1dist L2dist Linfdist ProbabilityWeights RegressionModel SimpleCovariance
StatisticalModel UnitRangeTransform UnitWeights Weights ZScoreTransform addcounts!
adjr2 aic aicc autocor autocor! autocov autocov! aweights bic coef coefnames
coeftable competerank confint cooksdistance cor cor2cov corkendall corspearman counteq
countmap countne counts cov cov2cor cronbachalpha crosscor crosscor! crosscov crosscov!
crossentropy crossmodelmatrix cumulant denserank describe deviance dof dof_residual
ecdf entropy eweights fit fit! fitted fweights genmean genvar geomean gkldiv harmmean
indexmap indicatormat informationmatrix inverse_rle iqr isfitted islinear kldivergence
kurtosis levelsmap leverage loglikelihood mad maxad mean mean! mean_and_cov mean_and_std
mean_and_var meanad meanresponse median median! middle midpoints mode modelmatrix modes
moment msd mss nobs nquantile nulldeviance nullloglikelihood ordinalrank pacf pacf!
pairwise pairwise! partialcor percentile percentilerank predict predict! proportionmap
proportions psnr pweights quantile quantile! quantilerank r2 renyientropy residuals
response responsename rle rmsd rss sample sample! samplepair scattermat score sem
skewness span sqL2dist standardize std stderror summarystats tiedrank totalvar trim
trim! trimvar uweights var variation vcov weights wmean wmedian wquantile wsample
wsample! zscore zscore! params params! loss reset!
DataFormat File Formatted Stream add_format add_loader add_saver del_format
file_extension filename load loadstreaming magic metadata query save savestreaming
skipmagic stream unknown
Chain Dense Embedding EmbeddingBag Maxout SkipConnection Parallel PairwiseFusion
RNNCell LSTMCell GRUCell GRUv3Cell RNN LSTM GRU GRUv3 Recurrence SamePad Conv CrossCor
ConvTranspose DepthwiseConv AdaptiveMaxPool AdaptiveMeanPool GlobalMaxPool
GlobalMeanPool MaxPool MeanPool Dropout AlphaDropout LayerNorm BatchNorm InstanceNorm
GroupNorm WeightNorm MultiHeadAttention Upsample PixelShuffle fmap cpu gpu f32 f64 f16
bf16 BFloat16 rand32 randn32 zeros32 ones32 testmode! trainmode! gradient withgradient
get_device setup train! trainstep! trainstep_withgradient! update! loadmodel! state
binary_focal_loss binarycrossentropy dice_coeff_loss focal_loss hinge_loss huber_loss
label_smoothing logitbinarycrossentropy logitcrossentropy mae mse msle poisson_loss
siamese_contrastive_loss squared_hinge_loss tversky_loss
AMSGrad AdaBelief AdaDelta AdaGrad AdaMax Adam AdamW Descent Momentum NAdam Nesterov
OAdam RAdam RMSProp Rprop Lion SignDecay WeightDecay ClipGrad ClipNorm OptimiserChain
destructure trainables freeze! thaw! adjust!
conv dropout logsoftmax logsumexp softmax sigmoid gelu maxpool meanpool upsample_nearest
batched_mul pad_zeros
""".split())


def test_exports_do_not_collide_with_common_packages():
    main = strip_code(module_sources()["AssocMem.jl"])
    block = main[main.index("export"):main.index("\nfunction _find_library")]
    exported = {n.strip() for n in block[len("export"):].split(",") if n.strip()}
    assert "Hopfield" in exported and "train_steps!" in exported
    assert exported & FOREIGN_EXPORTS == set()


def test_project_names_the_module():
    project = read("Project.toml")
    assert 'name = "AssocMem"' in project
    assert re.search(r'uuid = "[0-9a-f-]{36}"', project)


BLOCK_OPENERS = {"module", "baremodule", "function", "macro", "if", "for", "while", "try",
                 "let", "begin", "quote", "do", "struct", "abstract", "primitive"}


def test_balanced_blocks():
    """Every block opener has its `end`, `end` closes only blocks, and brackets
    balance. `for`/`if` directly inside brackets (comprehensions, generators)
    and `begin`/`end` inside [] (indexing) do not count as blocks."""
    for name, src in module_sources().items():
        _check_balanced(name, strip_code(src))


def _check_balanced(name, code):
    stack = []
    for tok in re.finditer(r"[A-Za-z_][A-Za-z_0-9!]*|[()\[\]{}]", code):
        t = tok.group(0)
        inside_bracket = bool(stack) and stack[-1] in "([{"
        if t in "([{":
            stack.append(t)
        elif t in ")]}":
            assert stack and stack[-1] == {")": "(", "]": "[", "}": "{"}[t], (name, tok.start())
            stack.pop()
        elif t == "end":
            if stack and stack[-1] == "[":
                continue  # a[end]
            assert stack and stack[-1] == "block", (name, tok.start())
            stack.pop()
        elif t in BLOCK_OPENERS:
            if t in ("for", "if") and inside_bracket:
                continue  # comprehension or generator
            if t == "begin" and stack and stack[-1] == "[":
                continue  # a[begin]
            if t in ("abstract", "primitive") and not code.startswith(" type", tok.end()):
                continue
            stack.append("block")
    assert stack == [], name


@pytest.mark.skipif(shutil.which("node") is None
                    or not os.path.isdir(os.path.join(TOOLS, "node_modules", "web-tree-sitter")),
                    reason="Julia grammar not installed: (cd julia/tools && npm ci)")
def test_julia_grammar_parses_every_file():
    """A real parser: the tree-sitter Julia grammar finds no syntax error."""
    run = subprocess.run(["node", os.path.join(TOOLS, "parse-check.mjs")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
