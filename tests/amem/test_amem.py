"""The amem command-line tool, driven as a user would from the shell.

Run by `make check-amem` with AMEM set to the binary and the Python package
on the path (to write inputs and to check results against the library).
"""

import gzip
import os
import struct
import subprocess
import zlib

import numpy as np
import pytest

import assocmem as am

AMEM = os.environ.get("AMEM", os.path.join(
    os.path.dirname(__file__), os.pardir, os.pardir, "build", "tools", "amem"))


def run(*args, cwd=None):
    return subprocess.run([AMEM] + [str(a) for a in args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def ok(*args, **kw):
    result = run(*args, **kw)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def patterns(tmp_path):
    x = am.random_patterns(40, 64, seed=3)
    np.save(tmp_path / "p.npy", x)
    return x


@pytest.fixture
def model(tmp_path, patterns):
    ok("store", "--kind", "modern", "--beta", "8", tmp_path / "p.npy",
       "-o", tmp_path / "mem.amem")
    return tmp_path / "mem.amem"


# ---- help and version ------------------------------------------------------

COMMANDS = ["info", "store", "recall", "remove", "energy", "convert",
            "bench"]


def test_top_level_help_lists_every_command():
    out = ok("--help").stdout
    for name in COMMANDS:
        assert "\n  %s " % name in out


@pytest.mark.parametrize("name", COMMANDS)
def test_each_command_has_help(name):
    assert ok(name, "--help").stdout.startswith("Usage: amem %s" % name)
    assert ok("help", name).stdout.startswith("Usage: amem %s" % name)


def test_version_is_the_library_version():
    assert ok("--version").stdout.strip().endswith(am.version())


# ---- store and recall --------------------------------------------------------

def test_store_then_recall_completes_masked_cues(tmp_path, patterns, model):
    cue, known = am.corrupt_zero(patterns, 0.5, seed=4)
    np.save(tmp_path / "c.npy", cue)
    np.save(tmp_path / "m.npy", known)
    ok("recall", model, tmp_path / "c.npy", "--mask", tmp_path / "m.npy",
       "--steps", tmp_path / "s.npy", "-o", tmp_path / "out.npy")
    out = np.load(tmp_path / "out.npy")
    assert out.dtype == np.float32 and out.shape == patterns.shape
    np.testing.assert_array_equal(np.sign(out), patterns)
    # Bit for bit what the library gives through the Python binding.
    net = am.Hopfield.load(str(model))
    np.testing.assert_array_equal(out, net.recall(cue, clamp=known))
    steps = np.load(tmp_path / "s.npy")
    assert steps.shape == (len(patterns), 1) and (steps >= 1).all()


def test_recall_settings_apply_to_the_run_only(tmp_path, patterns, model):
    before = model.read_bytes()
    np.save(tmp_path / "c.npy", patterns[:3])
    ok("recall", model, tmp_path / "c.npy", "--set", "max_steps=1",
       "-o", tmp_path / "out.npy")
    assert model.read_bytes() == before
    net = am.Hopfield.load(str(model))
    net.max_steps = 1
    np.testing.assert_array_equal(np.load(tmp_path / "out.npy"),
                                  net.recall(patterns[:3]))


def test_pruned_recall_with_every_list_is_the_exact_recall(tmp_path, patterns, model):
    np.save(tmp_path / "c.npy", patterns[:6])
    ok("recall", model, tmp_path / "c.npy", "--set", "max_steps=1",
       "--nprobe", "5", "--nlist", "5", "--scored", tmp_path / "n.npy",
       "--bound", tmp_path / "b.npy", "-o", tmp_path / "out.npy")
    net = am.Hopfield.load(str(model))
    net.max_steps = 1
    np.testing.assert_allclose(np.load(tmp_path / "out.npy"),
                               net.recall(patterns[:6]), atol=1e-5)
    assert (np.load(tmp_path / "n.npy") == len(patterns)).all()
    assert (np.load(tmp_path / "b.npy") == 0).all()


def test_pruned_recall_scores_fewer_and_refuses_bad_options(tmp_path, patterns, model):
    np.save(tmp_path / "c.npy", patterns[:6])
    ok("recall", model, tmp_path / "c.npy", "--nprobe", "1", "--nlist", "8",
       "--scored", tmp_path / "n.npy", "--bound", tmp_path / "b.npy",
       "-o", tmp_path / "out.npy")
    scored = np.load(tmp_path / "n.npy")
    bound = np.load(tmp_path / "b.npy")
    assert (scored < len(patterns)).all()
    assert ((bound >= 0) & (bound <= 1)).all()
    bad = run("recall", model, tmp_path / "c.npy", "--nprobe", "9",
              "--nlist", "8", "-o", tmp_path / "x.npy")
    assert bad.returncode != 0 and "NPROBE" in bad.stderr
    bad = run("recall", model, tmp_path / "c.npy", "--nlist", "8",
              "-o", tmp_path / "x.npy")
    assert bad.returncode != 0
    bad = run("recall", model, tmp_path / "c.npy", "--nprobe", "2",
              "--nlist", "41", "-o", tmp_path / "x.npy")
    assert bad.returncode != 0


def test_one_dimensional_cue_gives_one_dimensional_output(tmp_path, patterns, model):
    np.save(tmp_path / "c.npy", patterns[5])
    ok("recall", model, tmp_path / "c.npy", "-o", tmp_path / "out.npy")
    out = np.load(tmp_path / "out.npy")
    assert out.shape == (64,)
    np.testing.assert_array_equal(np.sign(out), patterns[5])


def test_float64_input_stores_the_same_model(tmp_path, patterns, model):
    np.save(tmp_path / "p64.npy", patterns.astype(np.float64))
    ok("store", "--kind", "modern", "--beta", "8", tmp_path / "p64.npy",
       "-o", tmp_path / "mem64.amem")
    assert (tmp_path / "mem64.amem").read_bytes() == model.read_bytes()


def test_npy_version_2_header_and_trailing_dims(tmp_path, patterns, model):
    with open(tmp_path / "p2.npy", "wb") as f:
        np.lib.format.write_array(f, patterns.reshape(40, 8, 8), version=(2, 0))
    ok("store", "-k", "modern", "-b", "8", tmp_path / "p2.npy",
       "-o", tmp_path / "mem2.amem")
    assert (tmp_path / "mem2.amem").read_bytes() == model.read_bytes()


def write_idx(path, images, compress=False):
    n, h, w = images.shape
    data = struct.pack(">BBBBIII", 0, 0, 8, 3, n, h, w) + images.tobytes()
    opener = gzip.open if compress else open
    with opener(path, "wb") as f:
        f.write(data)


@pytest.mark.parametrize("compress", [False, True])
def test_idx_images_are_stored_as_rows(tmp_path, compress):
    rng = np.random.default_rng(5)
    images = rng.integers(0, 256, size=(12, 4, 5), dtype=np.uint8)
    write_idx(tmp_path / "img.idx", images, compress)
    ok("store", "--kind", "classical", "--bipolar", "--limit", "10",
       tmp_path / "img.idx", "-o", tmp_path / "c.amem")
    net = am.Hopfield.load(str(tmp_path / "c.amem"))
    assert net.dim == 20 and net.count == 10
    x = 2 * (images[:10].reshape(10, 20).astype(np.float32) / 255) - 1
    reference = am.Hopfield("classical", 20)
    reference.store(x)
    probe = am.random_patterns(3, 20, seed=6)
    np.testing.assert_array_equal(net.recall(probe), reference.recall(probe))


def test_heteroassociative_store_with_values(tmp_path, patterns):
    values = am.random_patterns(40, 7, seed=8)
    np.save(tmp_path / "v.npy", values)
    ok("store", "-b", "8", tmp_path / "p.npy", "--values", tmp_path / "v.npy",
       "-o", tmp_path / "h.amem")
    np.save(tmp_path / "c.npy", patterns[:4])
    ok("recall", tmp_path / "h.amem", tmp_path / "c.npy", "-o", tmp_path / "o.npy")
    np.testing.assert_array_equal(np.sign(np.load(tmp_path / "o.npy")), values[:4])


def test_append_adds_to_an_existing_model(tmp_path, patterns, model):
    np.save(tmp_path / "more.npy", patterns[:5])
    ok("store", "--append", model, tmp_path / "more.npy", "-o", tmp_path / "more.amem")
    net = am.Hopfield.load(str(tmp_path / "more.amem"))
    assert net.count == 45 and net.beta == 8


# ---- info, energy, convert, bench ----------------------------------------------

def test_info_shows_kind_sizes_settings_and_checksum(model):
    out = ok("info", model).stdout
    lines = dict(line.split(None, 1) for line in out.splitlines() if " " in line.strip())
    assert lines["piece"] == "hopfield" and lines["kind"] == "modern"
    assert lines["dim"] == "64" and lines["stored"] == "40"
    assert lines["beta"] == "8" and lines["max_steps"] == "10"
    data = model.read_bytes()
    crc = struct.unpack("<I", data[-4:])[0]
    assert lines["checksum"] == "crc32 0x%08x (ok)" % crc
    assert lines["format"].startswith("version 1")


@pytest.mark.parametrize("make, name", [
    (lambda: am.KVMemory(8, 4, 3), "kvmem"), (lambda: am.TVT(8, 4, 3), "tvt"),
    (lambda: am.Dam(8, 4), "dam"), (lambda: am.Diffusion(8), "diffusion"),
    (lambda: am.Vae(1, 8, 8), "vae"), (lambda: am.Probe("svc"), "probe")])
def test_info_and_convert_read_every_piece(tmp_path, make, name):
    path = tmp_path / (name + ".amem")
    make().save(str(path))
    assert "type        %s\n" % name in ok("info", path).stdout
    ok("convert", path, "-o", tmp_path / "c.amem")
    assert (tmp_path / "c.amem").read_bytes() == path.read_bytes()


def test_convert_gives_a_legacy_tvt_file_its_own_kind(tmp_path):
    # Files written before TVT had a kind of its own hold it as kind 2.
    am.TVT(8, 4, 3).save(str(tmp_path / "new.amem"))
    new = (tmp_path / "new.amem").read_bytes()
    legacy = bytearray(new)
    legacy[12:16] = struct.pack("<I", 2)
    legacy[-4:] = struct.pack("<I", zlib.crc32(bytes(legacy[:-4])))
    (tmp_path / "old.amem").write_bytes(bytes(legacy))
    out = ok("info", tmp_path / "old.amem").stdout
    assert "type        tvt\n" in out and "(ok)" in out
    ok("convert", tmp_path / "old.amem", "-o", tmp_path / "conv.amem")
    assert (tmp_path / "conv.amem").read_bytes() == new


def test_info_of_an_array_file(tmp_path, patterns):
    assert "40 rows x 64 columns" in ok("info", tmp_path / "p.npy").stdout


def test_energy_matches_the_library(tmp_path, patterns, model):
    states = patterns[:6] * 0.5
    np.save(tmp_path / "s.npy", states)
    printed = [float(v) for v in ok("energy", model, tmp_path / "s.npy").stdout.split()]
    expected = am.Hopfield.load(str(model)).energy(states)
    np.testing.assert_array_equal(printed, expected)
    ok("energy", model, tmp_path / "s.npy", "-o", tmp_path / "e.npy")
    saved = np.load(tmp_path / "e.npy")
    assert saved.dtype == np.float64
    np.testing.assert_array_equal(saved, expected)


def test_convert_rewrites_in_place(tmp_path, model):
    before = model.read_bytes()
    ok("convert", model, "-o", model)
    assert model.read_bytes() == before


def test_bench_prints_figures():
    out = ok("bench", "--dim", "32", "--patterns", "64", "--queries", "16",
             "--repeats", "1").stdout
    figures = dict(line.split() for line in out.splitlines())
    assert float(figures["recall_queries_per_s"]) > 0
    assert 0 <= float(figures["recall_hamming_error"]) <= 1


# ---- bad input: nonzero exit and a message, no output left behind --------------

def corrupt(path, offset, data):
    raw = bytearray(path.read_bytes())
    raw[offset:offset + len(data)] = data
    path.write_bytes(bytes(raw))


def bad_inputs(tmp, model):
    """(arguments, exit status, words the message must contain)."""
    np.save(tmp / "ints.npy", np.arange(64, dtype=np.int32).reshape(1, 64))
    np.save(tmp / "fortran.npy", np.asfortranarray(np.ones((3, 64), np.float32)))
    np.save(tmp / "short.npy", np.ones((2, 63), np.float32))
    np.save(tmp / "halfmask.npy", np.full((40, 64), 0.5, np.float32))
    np.save(tmp / "nan.npy", np.full((2, 64), np.nan, np.float32))
    np.save(tmp / "cues.npy", np.ones((3, 64), np.float32))
    (tmp / "trunc.npy").write_bytes((tmp / "cues.npy").read_bytes()[:-5])
    (tmp / "junk.bin").write_bytes(b"hello world, not an array")
    (tmp / "trunc.amem").write_bytes(model.read_bytes()[:100])
    (tmp / "crc.amem").write_bytes(model.read_bytes())
    corrupt(tmp / "crc.amem", 200, b"\x01\x02")
    (tmp / "v2.amem").write_bytes(model.read_bytes())
    corrupt(tmp / "v2.amem", 8, struct.pack("<I", 2))
    am.Dam(64, 4).save(str(tmp / "dam.amem"))
    out = ["-o", tmp / "out.npy"]
    p = tmp / "p.npy"
    return [
        ([], 2, "Usage"), (["frobnicate"], 2, "unknown command"),
        (["store", "--bogus", p, "-o", tmp / "x.amem"], 2, "unrecognized option"),
        (["store", p], 2, "no output file"), (["store", "-k"], 2, "requires an argument"),
        (["store", "--kind", "weird", p, "-o", tmp / "x.amem"], 2, "unknown kind"),
        (["store", "--set", "nope=1", p, "-o", tmp / "x.amem"], 2, "no setting 'nope'"),
        (["store", "--beta", "abc", p, "-o", tmp / "x.amem"], 2, "not a number"),
        (["store", "--beta", "-1", p, "-o", tmp / "x.amem"], 1, "BETA"),
        (["store", "--limit", "0", p, "-o", tmp / "x.amem"], 2, "--limit"),
        (["store", tmp / "missing.npy", "-o", tmp / "x.amem"], 1, "No such file"),
        (["store", tmp / "ints.npy", "-o", tmp / "x.amem"], 1, "dtype '<i4'"),
        (["store", tmp / "fortran.npy", "-o", tmp / "x.amem"], 1, "Fortran"),
        (["store", tmp / "trunc.npy", "-o", tmp / "x.amem"], 1, "bytes of data"),
        (["store", tmp / "junk.bin", "-o", tmp / "x.amem"], 1, "IDX"),
        (["store", tmp / "nan.npy", "-o", tmp / "x.amem"], 1, "not finite"),
        (["store", "--append", model, tmp / "short.npy", "-o", tmp / "x.amem"], 1, "63"),
        (["recall", model], 2, "expected MODEL and CUES"),
        (["recall", model, tmp / "cues.npy"], 2, "no output file"),
        (["recall", p, tmp / "cues.npy"] + out, 1, "not a libassocmem model"),
        (["recall", tmp / "trunc.amem", tmp / "cues.npy"] + out, 1, "truncated"),
        (["recall", tmp / "crc.amem", tmp / "cues.npy"] + out, 1, "checksum"),
        (["recall", tmp / "v2.amem", tmp / "cues.npy"] + out, 1, "newer"),
        (["recall", tmp / "dam.amem", tmp / "cues.npy"] + out, 1, "Hopfield models"),
        (["recall", model, tmp / "short.npy"] + out, 1, "63 entries"),
        (["recall", model, tmp / "cues.npy", "-m", p] + out, 1, "mask"),
        (["recall", model, p, "-m", tmp / "halfmask.npy"] + out, 1, "recall"),
        (["recall", model, tmp / "cues.npy", "--set", "beta=0"] + out, 1, "BETA"),
        (["recall", model, tmp / "cues.npy", "--threads", "x"] + out, 2, "--threads"),
        (["energy", model], 2, "expected MODEL and STATES"),
        (["energy", model, tmp / "short.npy"], 1, "63 entries"),
        (["convert", model], 2, "no output file"),
        (["convert", model, "-o", tmp / "x.amem", "--to-version", "2"], 1, "version 1 only"),
        (["convert", tmp / "crc.amem", "-o", tmp / "x.amem"], 1, "checksum"),
        (["info"], 2, "no file given"), (["info", tmp / "crc.amem"], 1, "MISMATCH"),
        (["bench", "--dim", "0"], 2, "--dim"), (["bench", "extra"], 2, "unexpected"),
    ]


def test_bad_input_fails_with_a_message(tmp_path, patterns, model):
    for args, status, words in bad_inputs(tmp_path, model):
        result = run(*args)
        shown = " ".join(str(a) for a in args)
        assert result.returncode == status, (shown, result.returncode, result.stderr)
        assert words in result.stderr + result.stdout, (shown, result.stderr)
        if args and args[0] in COMMANDS and status != 0:
            assert result.stderr.startswith("amem"), (shown, result.stderr)
    assert not (tmp_path / "x.amem").exists()
    assert not (tmp_path / "out.npy").exists()


# ---- ids, compressed keys, mapped models -------------------------------------


def test_ids_remove_and_mapped_topk(tmp_path, patterns):
    mem, cut = tmp_path / "ids.amem", tmp_path / "cut.amem"
    ok("store", "--dtype", "int8", "--first-id", "100", tmp_path / "p.npy",
       "-o", mem)
    net = am.Hopfield.load(str(mem))
    assert net.dtype == am.hopfield.Dtype.INT8
    assert list(net.ids) == list(range(100, 140))
    ok("remove", mem, "--ids", "100,105", "-o", cut)
    assert am.Hopfield.load(str(cut)).count == 38
    np.save(tmp_path / "q.npy", patterns[1:4])
    ok("recall", "--mapped", "--topk", "2", "--top-ids", tmp_path / "i.npy",
       cut, tmp_path / "q.npy", "-o", tmp_path / "w.npy")
    ids, w = np.load(tmp_path / "i.npy"), np.load(tmp_path / "w.npy")
    assert list(ids[:, 0]) == [101, 102, 103]
    want_ids, want_w = am.Hopfield.load(str(cut)).recall_topk(patterns[1:4], 2)
    np.testing.assert_array_equal(ids, want_ids.astype(np.float64))
    np.testing.assert_array_equal(w, want_w)


def test_remove_refuses_unknown_ids_and_changes_nothing(tmp_path, model):
    before = model.read_bytes()
    result = run("remove", model, "--ids", "3,999", "-o", model)
    assert result.returncode == 1
    assert "999" in result.stderr and "not stored" in result.stderr
    assert model.read_bytes() == before
    assert run("store", "--dtype", "int4", model, "-o", model).returncode == 2
