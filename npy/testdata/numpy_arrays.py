#!/usr/bin/env python3
"""numpy's side of painmark's .npy tests (run with Debian's /usr/bin/python3, numpy 1.24).

  numpy_arrays.py gen OUTDIR     numpy writes arrays of every supported dtype, order and format
                                 version, with expected.json: C-order float64 values as hex
  numpy_arrays.py check DIR      numpy reads the arrays painmark wrote (DIR/go-*.npy) and compares
                                 them with DIR/go-expected.json; exits 1 on any difference
"""
import json
import os
import sys

import numpy as np


def gen(outdir):
    os.makedirs(outdir, exist_ok=True)
    rng = np.random.default_rng(7)
    cases = {}

    def put(name, arr, version=None):
        path = os.path.join(outdir, name + ".npy")
        if version is None:
            np.save(path, arr)
        else:
            with open(path, "wb") as fh:
                np.lib.format.write_array(fh, arr, version=version)
        c = np.ascontiguousarray(arr).astype("<f8").ravel(order="C")
        cases[name] = {"shape": list(arr.shape), "dtype": arr.dtype.str,
                       "fortran": bool(np.isfortran(arr)), "hex": c.tobytes().hex()}

    base = rng.normal(0, 50, (3, 4, 5))
    for dt in ["<f8", "<f4", ">f8", ">f4", "<i8", "<i4", "<i2", "|i1", "<u8", "<u4", ">u2", "|u1", ">i4"]:
        put("dt" + dt.replace("<", "le-").replace(">", "be-").replace("|", ""), base.astype(dt) if dt[1] == "f" else (np.abs(np.round(base)) if dt[1] == "u" else np.round(base)).astype(dt))
    put("bool", base > 0)
    put("fortran-2d", np.asfortranarray(rng.normal(size=(7, 3))))
    put("fortran-3d", np.asfortranarray(base))
    put("vector", rng.normal(size=11))
    put("scalar", np.array(3.5))
    put("empty", np.zeros((0, 4)))
    put("v2", rng.normal(size=(2, 3)), version=(2, 0))
    put("v3", rng.normal(size=(2, 3)), version=(3, 0))
    put("int64-extremes", np.array([-(2**53), 2**53, 0, -1], dtype="<i8"))
    with open(os.path.join(outdir, "expected.json"), "w") as fh:
        json.dump(cases, fh, indent=1, sort_keys=True)


def check(d):
    with open(os.path.join(d, "go-expected.json")) as fh:
        cases = json.load(fh)
    bad = 0
    for name, c in cases.items():
        arr = np.load(os.path.join(d, name + ".npy"))
        want = np.frombuffer(bytes.fromhex(c["hex"]), dtype="<f8").reshape(c["shape"])
        if arr.dtype.str != c["dtype"] or list(arr.shape) != c["shape"] or not np.array_equal(arr.astype("<f8"), want):
            print("MISMATCH", name, arr.dtype.str, arr.shape, c["dtype"], c["shape"])
            bad += 1
    print("numpy read %d arrays written by painmark, %d mismatches" % (len(cases), bad))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "gen":
        gen(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "check":
        check(sys.argv[2])
    else:
        sys.exit(__doc__)
