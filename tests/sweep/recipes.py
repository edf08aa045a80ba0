"""How to make a valid call of every public function, for scripts/gen-sweep.

The sweep makes one valid call of each function, then breaks one argument
at a time. A parameter's valid value is, in this order:
  FUNCTIONS[fn][param]          a C expression for this function
  HANDLES[type]                 a handle argument (a fresh fixture)
  CALLBACKS[type]               a callback that never cancels
  an output scratch buffer      any non-const pointer to a scalar
  INPUTS[(type, name or '*')]   a const input buffer with valid content
  SCALARS[(type, name)]         a scalar by name
The fixtures (sw_*) are in tests/sweep/fixtures.c; SW_D = 4 (dimension),
SW_M = 3 (value dimension), SW_SLOTS = 3, SW_N = 2 (items per call).

Every public function needs an entry in FUNCTIONS, even an empty one: the
generator stops on a function without one, so a new function is swept
from its first build. Keys starting with '_' in an entry:
  _enum      {param: enum name}: sweep the values outside the enum
  _range     {param: (lo, hi)}: sweep the integers outside [lo, hi]
             (None = unbounded)
  _zero_ok   size_t parameters for which 0 is valid
  _trusted   size_t lengths of a caller buffer the library cannot check
             (not swept with huge values: a length larger than the buffer
             is the caller's contract, like any pointer/length pair)
  _optional  pointers NULL may be given for, although the function's own
             comment does not say so (the reason beside each)
  _required  pointers the comment heuristics would wrongly call optional
  _nan_ok    float input arrays in which NaN is valid (not swept with NaN)
  _returns   'value' for an int that is not a status, 'text' for a
             string that may be empty
"""

HANDLES = {
    "amem_hopfield": "sw_hopfield(AMEM_HOPFIELD_MODERN, 0, 1)",
    "amem_dam": "sw_dam(1)",
    "amem_kvmem": "sw_kvmem()",
    "amem_kvmem_tape": "sw_tape(2)",
    "amem_tvt": "sw_tvt()",
    "amem_vae": "sw_vae(1)",
    "amem_diffusion": "sw_diffusion(1)",
    "amem_probe": "sw_probe(1)",
}

# The image a failed call must leave unchanged, for handles without
# save_mem (the others are compared by their save_mem image).
IMAGES = {
    "amem_kvmem_tape": "sw_image_tape",
}

CALLBACKS = {
    "amem_progress_fn": "sw_progress",
    "amem_error_fn": "sw_error_of",
}

# void * parameters that carry the caller's data to a callback: never
# dereferenced by the library, so NULL is always valid.
USER = {"user", "progress_user"}

INPUTS = {
    ("float", "*"): "sw_pm(%d)" % 0,
    ("float", "clamp"): "sw_mask(0)",
    ("float", "mask"): "sw_mask(0)",
    ("float", "q"): "sw_unit(0)",
    ("float", "rotations"): "sw_rotations()",
    ("float", "images"): "sw_unit(0)",
    ("int32_t", "labels"): "sw_labels()",
    ("int32_t", "exceptions"): "sw_labels()",
    ("int32_t", "factors"): "sw_zeros_i32()",
    ("double", "*"): "sw_values()",
    ("long", "*"): "sw_counts()",
    ("void", "user"): "&sw_user",
    ("void", "progress_user"): "&sw_user",
}

SCALARS = {
    ("size_t", "n"): "SW_N",
    ("size_t", "count"): "SW_N",
    ("size_t", "dim"): "SW_D",
    ("uint64_t", "seed"): "1",
}


def settings(piece, param, value, enum=None):
    """set/get/param_bounds of a piece: a valid param and value."""
    enum = enum or "amem_%s_param" % piece
    return {
        "set": {"param": param, "value": value, "_enum": {"param": enum}},
        "get": {"param": param, "_enum": {"param": enum}},
        "param_bounds": {"param": param, "_enum": {"param": enum}},
    }


def persistence(piece, handle_expr=None):
    """save / save_mem / load / load_mem of a piece."""
    rec = {
        "save": {"path": "sw_tmp_path()"},
        "save_mem": {},
        "load": {"path": 'sw_path("%s")' % piece},
        "load_mem": {"data": 'sw_image("%s", &sw_len)' % piece,
                     "len": "sw_len", "_trusted": ["len"]},
    }
    if handle_expr:
        rec["save"]["h"] = handle_expr
        rec["save_mem"]["h"] = handle_expr
    return rec


def piece(prefix, entries):
    return {"amem_%s_%s" % (prefix, k): v for k, v in entries.items()}


FUNCTIONS = {}

# ---- common.h --------------------------------------------------------------
FUNCTIONS.update({
    "amem_strerror": {"status": "0", "_range": {"status": (-12, 0)}},
    "amem_last_error": {"_returns": "text"},  # "" when nothing failed
    "amem_version_number": {"_returns": "value"},
    "amem_version_string": {},
    "amem_set_num_threads": {"n": "1", "_range": {"n": (1, None)}},
    "amem_get_num_threads": {"_returns": "value"},
    "amem_free": {"p": "sw_library_buffer()"},
})

# ---- capacity.h ---------------------------------------------------------------
FUNCTIONS.update({
    "amem_capacity_search": {
        "n_min": "1", "n_max": "5", "threshold": "0.035",
        "method": "AMEM_CAPACITY_BISECT",
        "_enum": {"method": "amem_capacity_method"},
        "_range": {"n_min": (1, None), "n_max": (1, None)}},
    "amem_bootstrap_mean": {"n": "4", "resamples": "10", "level": "0.9"},
    "amem_capacity_bootstrap": {
        "n_counts": "2", "reps": "3", "threshold": "0.5",
        "resamples": "10", "level": "0.9"},
})

# ---- dam.h ----------------------------------------------------------------------
FUNCTIONS.update(piece("dam", {
    "create": {"visible": "SW_D", "hidden": "SW_SLOTS"},
    "free": {"h": "sw_dam(0)"},
    "visible": {}, "hidden": {},
    "reset": {}, "set_weights": {},
    "get_weights": {"normalized": "1", "_range": {"normalized": (0, 1)}},
    "recall": {"cues": "sw_pm(0)"},
    "energy": {}, "perturb": {"items": "sw_pm(0)"},
    "evaluate": {"items": "sw_pm(0)"},
    "set_data": {"items": "sw_pm(0)", "n": "3"},
    "data_count": {},
    "train": {"steps": "1"},
    "steps_per_epoch": {}, "step_count": {},
    # NULL (local training) is the documented valid value.
    "set_data_parallel": {"dp": "NULL", "_optional": ["dp"]},
    "get_item_record": {"which": "AMEM_DAM_RECORD_LOSS",
                    "_enum": {"which": "amem_dam_record"}},
}))
FUNCTIONS.update(piece("dam", settings("dam", "AMEM_DAM_MAX_STEPS", "10")))
FUNCTIONS.update(piece("dam", persistence("dam")))

# ---- data.h -------------------------------------------------------------------------
# The corruption functions' mask is optional per the section comment above
# them ("The optional mask ... may be NULL").
_CORRUPT_MASK = {"_optional": ["mask"]}
FUNCTIONS.update({
    "amem_idx_read_images": {"path": 'sw_path("idx_images")'},
    "amem_idx_read_images_mem": {"data": "sw_idx_images(&sw_len)",
                                 "len": "sw_len", "_trusted": ["len"]},
    "amem_idx_read_labels": {"path": 'sw_path("idx_labels")'},
    "amem_idx_read_labels_mem": {"data": "sw_idx_labels(&sw_len)",
                                 "len": "sw_len", "_trusted": ["len"]},
    "amem_idx_set_gzip_cap": {"min_bytes": "AMEM_IDX_GZIP_MIN_BYTES",
                              "ratio": "AMEM_IDX_GZIP_RATIO"},
    "amem_idx_get_gzip_cap": {},
    "amem_patterns_random": {},
    "amem_patterns_correlated": {"redraw": "0.5"},
    "amem_mask_bernoulli": {"p": "0.5"},
    "amem_mask_fraction": {"fraction": "0.5"},
    "amem_corrupt_zero": dict(_CORRUPT_MASK, fraction="0.5"),
    "amem_corrupt_gaussian": dict(_CORRUPT_MASK, fraction="0.5",
                                  mean="0.5", sd="1.0"),
    "amem_corrupt_flip": dict(_CORRUPT_MASK, fraction="0.5"),
    "amem_corrupt_mix": {"theta": "0.5"},
    "amem_metric_hamming": {},
    "amem_metric_pearson": {},
    "amem_metric_mse": {},
})

# ---- diffusion.h ---------------------------------------------------------------------
FUNCTIONS.update(piece("diffusion", {
    "create": {},
    "free": {"h": "sw_diffusion(0)"},
    "dim": {},
    "store": {"patterns": "sw_pm(0)"},
    "clear": {}, "count": {}, "get_patterns": {},
    "theta": {"t": "0.5"}, "noise_std": {"t": "0.5"},
    "t_start": {"theta": "0.5"},
    "forward": {"t": "0.5"},
    "train": {"steps": "2"},
    "step_count": {},
    # NULL (local training) is the documented valid value.
    "set_data_parallel": {"dp": "NULL", "_optional": ["dp"]},
    "network_info": {}, "reset": {},
    "score": {"t": "0.5"}, "weights": {"t": "0.5"},
    "log_density": {"t": "0.5"},
    "recall": {"queries": "sw_pm(0)"},
    # two independent +-1 rows of 4, spreads in [0, 1]; r = 0 is the
    # isotropic density
    "set_semantic": {"mean": "sw_pm(0)", "directions": "sw_pm(0)",
                     "spreads": "sw_unit(0)", "r": "2", "_zero_ok": ["r"]},
    # "Any output may be NULL" (diffusion.h)
    "get_semantic": {"_optional": ["mean", "directions", "spreads", "r"]},
}))
FUNCTIONS.update(piece("diffusion", settings("diffusion",
                                             "AMEM_DIFFUSION_STEPS", "7")))
FUNCTIONS.update(piece("diffusion", persistence("diffusion")))

# ---- hopfield.h -------------------------------------------------------------------
FUNCTIONS.update(piece("hopfield", {
    "create": {"kind": "AMEM_HOPFIELD_MODERN", "value_dim": "0",
               "_enum": {"kind": "amem_hopfield_kind"},
               "_zero_ok": ["value_dim"]},
    "free": {"h": "sw_hopfield(AMEM_HOPFIELD_MODERN, 0, 0)"},
    "kind": {}, "dim": {}, "value_dim": {},
    "store": {"h": "sw_hopfield(AMEM_HOPFIELD_MODERN, 0, 0)",
              "patterns": "sw_pm(0)"},
    "store_pairs": {"h": "sw_hopfield(AMEM_HOPFIELD_MODERN, SW_M, 0)"},
    "clear": {}, "count": {},
    "recall": {"queries": "sw_pm(0)"},
    "recall_partial": {"h": "sw_hopfield(AMEM_HOPFIELD_MODERN, SW_M, 1)",
                       "queries": "sw_pm(0)"},
    "recall_bam": {"h": "sw_hopfield(AMEM_HOPFIELD_CLASSICAL, SW_M, 1)",
                   "cues": "sw_pm(0)",
                   "direction": "AMEM_HOPFIELD_KEY_TO_VALUE",
                   "_enum": {"direction": "amem_hopfield_direction"},
                   "_required": ["cues"]},
    "replay": {},
    "energy": {}, "weights": {},
    "append": {"keys": "sw_pm(0)", "values": "NULL",
               "ids": "(const uint64_t[]){10, 11}",
               # NULL for autoassociative stores (values are then unread)
               "_optional": ["values"], "_nan_ok": ["values"]},
    "remove": {"ids": "(const uint64_t[]){0, 1}"},
    "get_patterns": {"ids": "(const uint64_t[]){0, 1}"},
    "get_ids": {"first": "0", "_zero_ok": ["first"]},
    "recall_topk": {"queries": "sw_pm(0)", "k": "2"},
    "load_mapped": {"path": 'sw_path("hopfield")'},
    "is_mapped": {},
    "build_index": {"nlist": "2"},
    "drop_index": {}, "index_lists": {},
    "recall_pruned": {"h": "sw_hopfield_indexed()", "queries": "sw_pm(0)"},
}))
FUNCTIONS.update(piece("hopfield", settings("hopfield",
                                            "AMEM_HOPFIELD_MAX_STEPS", "5")))
FUNCTIONS.update(piece("hopfield", persistence("hopfield")))

# ---- kvmem.h ---------------------------------------------------------------------------
FUNCTIONS.update(piece("kvmem", {
    "create": {"key_dim": "SW_D", "slots": "SW_SLOTS", "value_dim": "SW_D"},
    "free": {},
    "key_dim": {}, "slots": {}, "value_dim": {},
    "write": {"key": "sw_pm(0)", "value": "sw_pm(0)", "q": "1.0"},
    "write_many": {"keys": "sw_pm(0)", "values": "sw_pm(0)"},
    "read": {"queries": "sw_pm(0)"},
    "clear": {}, "count": {}, "next_slot": {}, "get_last_gamma": {},
    "get_keys": {}, "get_values": {}, "stability": {},
    "episode": {"keys": "sw_pm(0)", "values": "sw_pm(0)", "T": "2",
                "queries": "sw_pm(0)", "targets": "sw_pm(0)", "R": "2"},
    "tape_create": {"max_writes": "4", "max_reads": "4"},
    "tape_free": {"tape": "sw_tape(0)"},
    "tape_begin": {"tape": "sw_tape(0)"},
    "tape_write": {"tape": "sw_tape(1)", "key": "sw_pm(0)",
                   "value": "sw_pm(0)", "q": "1.0"},
    "tape_read": {"tape": "sw_tape(1)", "queries": "sw_pm(0)"},
    "tape_count": {},
    "tape_back_read": {"d_out": "sw_pm(0)"},
    "tape_back_write": {"tape": "sw_tape(3)"},
    "tape_backward": {"d_out": "sw_pm(0)"},
    "train": {"steps": "1"},
    "step_count": {}, "get_last_step": {"h": "sw_kvmem_trained()"},
    "set_data_parallel": {"dp": "NULL", "_optional": ["dp"]},
    "reset": {},
}))
FUNCTIONS.update(piece("kvmem", settings("kvmem", "AMEM_KVMEM_BETA", "2")))
FUNCTIONS.update(piece("kvmem", persistence("kvmem")))

# ---- probes.h ---------------------------------------------------------------------------
FUNCTIONS.update(piece("probe", {
    "create": {"kind": "AMEM_PROBE_SVC",
               "_enum": {"kind": "amem_probe_kind"}},
    "free": {"p": "sw_probe(0)"},
    "fit": {"p": "sw_probe(0)", "x": "sw_pm(0)", "n": "4"},
    "predict": {"x": "sw_pm(0)"},
    "scores": {"x": "sw_pm(0)"},
    "accuracy": {"x": "sw_pm(0)"},
    "classes": {}, "support_count": {},
    "kind": {}, "dim": {},
}))
FUNCTIONS.update(piece("probe", persistence("probe")))
FUNCTIONS.update(piece("probe", settings("probe", "AMEM_PROBE_C", "2")))
# "settings, as for amem_hopfield": any of min, max, integer may be NULL.
FUNCTIONS["amem_probe_param_bounds"]["_optional"] = ["min", "max", "integer"]
FUNCTIONS["amem_tsne"] = {"x": "sw_pm(0)", "n": "4", "out_dim": "2",
                          "perplexity": "1.0", "iterations": "250"}

# ---- scenes.h ------------------------------------------------------------------------------
FUNCTIONS.update({
    "amem_shapes3d_levels": {"factor": "AMEM_SHAPES3D_SHAPE",
                             "_enum": {"factor": "amem_shapes3d_factor"}},
    "amem_shapes3d_render": {"count": "1"},
    "amem_shapes3d_generate": {"count": "1"},
    "amem_solids_render": {"count": "1", "size": "8"},
    "amem_solids_generate": {"count": "1", "size": "8"},
})

# ---- tvt.h --------------------------------------------------------------------------------
FUNCTIONS.update(piece("tvt", {
    "create": {"key_dim": "SW_D", "slots": "SW_SLOTS", "value_dim": "SW_D"},
    "free": {},
    "key_dim": {}, "slots": {}, "value_dim": {},
    "write": {"key": "sw_pm(0)", "value": "sw_pm(0)"},
    # n writes as amem_tvt_write, whose value may be NULL
    "write_many": {"keys": "sw_pm(0)", "values": "sw_pm(0)",
                   "_optional": ["values"]},
    "read": {"queries": "sw_pm(0)"},
    "clear": {}, "count": {},
    "get_read_params": {},
    "set_read_params": {"A": "sw_pm(0)", "a": "sw_pm(0)", "u": "sw_pm(0)",
                        "c": "sw_pm(0)"},
    "train": {"steps": "1"},
    "step_count": {}, "get_last_step": {"h": "sw_tvt_trained()"},
    "set_data_parallel": {"dp": "NULL", "_optional": ["dp"]},
}))
FUNCTIONS.update(piece("tvt", settings("tvt", "AMEM_TVT_LEARNING_RATE", "0.01")))
# "Settings: as amem_kvmem_set/get/param_bounds": any pointer may be NULL.
FUNCTIONS["amem_tvt_param_bounds"]["_optional"] = ["min", "max", "integer"]
# "progress, user and loss as in amem_kvmem_train", where they are optional.
FUNCTIONS["amem_tvt_train"]["_optional"] = ["progress", "loss"]
FUNCTIONS.update(piece("tvt", persistence("tvt")))

# ---- vae.h -----------------------------------------------------------------------------------
_UNBUILT = "sw_vae(0)"
FUNCTIONS.update(piece("vae", {
    "create": {"channels": "1", "height": "4", "width": "4"},
    "create_preset": {"preset": "AMEM_VAE_PRESET_DIGITS28",
                      "_enum": {"preset": "amem_vae_preset"},
                      "_range": {"seed": (0, 2**53)}},
    "free": {"v": _UNBUILT},
    "add_encoder_conv": {"v": _UNBUILT, "filters": "2", "kernel": "3",
                         "stride": "1", "padding": "1",
                         "_zero_ok": ["padding"]},
    "set_decoder_input": {"v": _UNBUILT, "channels": "1", "height": "4",
                          "width": "4"},
    "add_decoder_conv": {"v": _UNBUILT, "upsample": "1", "filters": "1",
                         "kernel": "3", "stride": "1", "padding": "1",
                         "_zero_ok": ["padding"]},
    "build": {"v": _UNBUILT},
    "is_built": {}, "input_shape": {}, "input_dim": {}, "latent_dim": {},
    "param_count": {}, "layer_count": {},
    "set_data": {"images": "sw_unit(0)"},
    "data_count": {}, "steps_per_epoch": {}, "step_count": {},
    "train": {"steps": "1"},
    "set_data_parallel": {"dp": "NULL", "_optional": ["dp"]},
    "loss": {}, "encode": {},
    "decode": {"z": "sw_pm(0)"},
    "reconstruct": {},
    "recall": {"fill": "0.0f"},
    "sample": {},
    "interpolate": {"a": "sw_unit(0)", "b": "sw_unit(1)", "steps": "3"},
    "arithmetic": {"a": "sw_unit(0)", "b": "sw_unit(1)", "c": "sw_unit(2)"},
    "replays": {"teacher": "sw_teacher()"},
    # "Progress ... and *loss behave as in amem_vae_train", where each may
    # be NULL.
    "consolidate": {"teacher": "sw_teacher()", "n_replays": "2",
                    "steps": "1", "_optional": ["progress", "loss"]},
}))
FUNCTIONS.update(piece("vae", settings("vae", "AMEM_VAE_KL_WEIGHT", "0.5")))
FUNCTIONS.update(piece("vae", persistence("vae")))
