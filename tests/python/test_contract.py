"""scripts/check-contract: each rule fires on a header that breaks it and
stays quiet on one that keeps it; the real headers hold no new violation."""

import importlib.machinery
import importlib.util
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "scripts", "check-contract")


def load_checker():
    loader = importlib.machinery.SourceFileLoader("check_contract", SCRIPT)
    spec = importlib.util.spec_from_loader("check_contract", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


cc = load_checker()

COMMON = open(os.path.join(ROOT, "include", "assocmem", "common.h")).read()

# A piece that keeps every rule.
GOOD = """
#include "assocmem/common.h"
typedef struct amem_good amem_good;
enum amem_good_param { AMEM_GOOD_LEARNING_RATE = 0, AMEM_GOOD_SEED = 1 };
AMEM_API int amem_good_create(size_t dim, amem_good **out);
AMEM_API void amem_good_free(amem_good *h);
AMEM_API int amem_good_set(amem_good *h, int param, double value);
AMEM_API int amem_good_get(const amem_good *h, int param, double *value);
AMEM_API int amem_good_param_bounds(int param, double *min, double *max, int *integer);
AMEM_API int amem_good_save(const amem_good *h, const char *path);
AMEM_API int amem_good_save_mem(const amem_good *h, void **data, size_t *len);
AMEM_API int amem_good_load(const char *path, amem_good **out);
AMEM_API int amem_good_load_mem(const void *data, size_t len, amem_good **out);
AMEM_API int amem_good_recall(amem_good *h, const float *queries, size_t n,
                              const float *clamp, float *out, int *steps);
AMEM_API int amem_good_get_patterns(const amem_good *h, float *out);
AMEM_API int amem_good_clear(amem_good *h);
AMEM_API int amem_good_train(amem_good *h, size_t steps, amem_progress_fn progress,
                             void *user, double *loss);
#ifdef AMEM_EXPERIMENTAL_API
AMEM_API int amem_kvmem_tape_begin(amem_good *h);
#endif
"""

# The same piece with one broken rule per declaration.
BAD = """
#include "assocmem/common.h"
typedef struct amem_bad amem_bad;
enum amem_bad_param { AMEM_BAD_TRAIN_LR = 0, AMEM_BAD_PARAM_COUNT = 1 };
AMEM_API int amem_bad_create(size_t dim, amem_bad **out);
AMEM_API int amem_bad_free(amem_bad *h);
AMEM_API int amem_bad_set(amem_bad *h, int param, double value);
AMEM_API int amem_bad_get(const amem_bad *h, int param, double *value);
AMEM_API int amem_bad_param_bounds(int param, double *min, double *max, int *integer);
AMEM_API int amem_bad_save(const amem_bad *h, const char *path);
AMEM_API int amem_bad_load(const char *path, amem_bad **out);
AMEM_API int amem_bad_load_mem(const void *data, size_t len, amem_bad **out);
AMEM_API int amem_bad_recall(amem_bad *h, const float *queries, const float *clamp,
                             size_t n, float *out);
AMEM_API int amem_bad_patterns(const amem_bad *h, float *out);
AMEM_API int amem_bad_reset_network(amem_bad *h);
AMEM_API int amem_bad_train(amem_bad *h, int epochs, amem_progress_fn progress,
                            void *user);
AMEM_API int amem_kvmem_tape_end(amem_bad *h);
"""


def violations(tmp_path, text, name):
    d = tmp_path / "include"
    d.mkdir()
    (d / "common.h").write_text(COMMON)
    (d / name).write_text(text)
    gb = cc.load_parser()
    api = gb.parse_headers(str(d))
    headers = {p.name: p.read_text() for p in d.iterdir()}
    return set(cc.Checker(api, cc.gated_names(str(d)), headers).run())


def test_good_piece_passes(tmp_path):
    assert violations(tmp_path, GOOD, "good.h") == set()


def test_each_rule_fires(tmp_path):
    found = violations(tmp_path, BAD, "bad.h")
    assert found == {
        "C2 AMEM_BAD_TRAIN_LR synonym",
        "C8 AMEM_BAD_PARAM_COUNT count",
        "C5 amem_bad_free signature",
        "C10 amem_bad_free return",
        "C7 amem_bad_save_mem missing",
        "C9 amem_bad_recall mask-before-count",
        "C3 amem_bad_patterns getter",
        "C4 amem_bad_reset_network reset",
        "C14 amem_bad_train signature",
        "C17 amem_kvmem_tape_end gate",
    }


def test_headers_hold_no_new_violation():
    run = subprocess.run([sys.executable, SCRIPT], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
