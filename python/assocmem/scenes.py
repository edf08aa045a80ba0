"""Procedural stand-ins for Shapes3D and Symmetric Solids (they are not the
real data sets; say so where they are used). See include/assocmem/scenes.h.

    images, factors = shapes3d(100, seed=1)   # (100, 3, 64, 64), (100, 6)
    images, labels, rot = solids(100, 64, seed=1)
"""

import ctypes

import numpy as np

from . import _ffi
from ._arrays import fail, fptr, seed as _seed, size
from ._lib import lib
from .errors import check

_I32_P = ctypes.POINTER(ctypes.c_int32)
#: Factor names in column order of the factor rows.
SHAPES3D_FACTORS = ("floor_hue", "wall_hue", "object_hue", "scale", "shape",
                    "orientation")
#: Shape names by level.
SHAPES3D_SHAPES = ("cube", "cylinder", "sphere", "capsule")
#: Solid names by label.
SOLIDS = ("tetrahedron", "cube", "octahedron", "dodecahedron", "icosahedron")
_S = _ffi.AMEM_SHAPES3D_SIZE


def shapes3d_levels():
    """The level count of each factor, in SHAPES3D_FACTORS order."""
    out = []
    for k in range(len(SHAPES3D_FACTORS)):
        n = ctypes.c_int()
        check(lib.amem_shapes3d_levels(k, ctypes.byref(n)))
        out.append(n.value)
    return tuple(out)


def shapes3d(count, seed=None):
    """count random scenes: (images (count, 3, 64, 64), factors (count, 6))."""
    n = size(count, "count", "shapes3d")
    img = np.empty((n, 3, _S, _S), np.float32)
    f = np.empty((n, 6), np.int32)
    check(lib.amem_shapes3d_generate(n, _seed(seed, "shapes3d"), fptr(img),
                                     f.ctypes.data_as(_I32_P)))
    return img, f


def shapes3d_render(factors):
    """Scenes (n, 3, 64, 64) of given factor rows (n x 6 levels)."""
    f = np.ascontiguousarray(factors, dtype=np.int32).reshape(-1, 6)
    if f.shape[0] == 0:
        fail(_ffi.AMEM_E_DIM, "shapes3d_render", "no factor rows")
    img = np.empty((f.shape[0], 3, _S, _S), np.float32)
    check(lib.amem_shapes3d_render(f.ctypes.data_as(_I32_P), f.shape[0],
                                   fptr(img)))
    return img


def solids(count, image_size=64, seed=None):
    """count renderings: (images (count, S, S), labels, rotations (count,3,3))."""
    n = size(count, "count", "solids")
    s = size(image_size, "image_size", "solids")
    img = np.empty((n, s, s), np.float32)
    lab = np.empty(n, np.int32)
    rot = np.empty((n, 3, 3), np.float32)
    check(lib.amem_solids_generate(n, s, _seed(seed, "solids"), fptr(img),
                                   lab.ctypes.data_as(_I32_P), fptr(rot)))
    return img, lab, rot


def solids_render(labels, rotations, image_size=64):
    """Renderings of given solids under given rotation matrices."""
    lab = np.ascontiguousarray(labels, dtype=np.int32).reshape(-1)
    rot = np.ascontiguousarray(rotations, dtype=np.float32).reshape(-1, 9)
    if rot.shape[0] != lab.shape[0] or lab.shape[0] == 0:
        fail(_ffi.AMEM_E_DIM, "solids_render", "%d labels, %d rotations"
             % (lab.shape[0], rot.shape[0]))
    s = size(image_size, "image_size", "solids_render")
    img = np.empty((lab.shape[0], s, s), np.float32)
    check(lib.amem_solids_render(lab.ctypes.data_as(_I32_P), fptr(rot),
                                 lab.shape[0], s, fptr(img)))
    return img
