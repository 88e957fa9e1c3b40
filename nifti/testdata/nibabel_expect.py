#!/usr/bin/env python3
"""nibabel's reading of NIfTI files, recorded as JSON for painmark's Go tests.

Run with Debian's /usr/bin/python3 (nibabel 5.0, numpy 1.24).

  nibabel_expect.py gen OUTDIR            write the small fixture images and their expectations
  nibabel_expect.py expect OUTDIR FILE... write expectations for existing files (one JSON each)

Each JSON holds what nibabel reports for the file: shape, datatype, byte order, pixdim, zooms,
affine (img.affine, i.e. header.get_best_affine()), qform/sform codes, the raw scl_slope/scl_inter
and get_slope_inter(), units, TR, extension codes, the SHA-256 of get_fdata() as little-endian
float64 bytes in NIfTI (Fortran) order, the data themselves (hex) when small, and nan-aware
min/max/mean/std. Nothing here is typed in: every expected value is nibabel's own output.
"""
import hashlib
import json
import os
import struct
import sys

import nibabel as nib
from nibabel.openers import ImageOpener
import numpy as np

SMALL = 1 << 16  # voxels below which the data are stored in the JSON


def _num(x):
    x = float(x)
    if np.isnan(x):
        return "nan"
    if np.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def describe(path, name=None):
    img = nib.load(path)
    if isinstance(img, nib.Cifti2Image):  # nibabel's CIFTI class hides the NIfTI-2 container
        img = nib.Nifti2Image.from_filename(path)
    # img.header is nibabel's in-memory copy (scaling moved into the data proxy, vox_offset reset);
    # the on-disk header is what a reader must agree with.
    with ImageOpener(path) as fobj:
        hdr = img.header_class.from_fileobj(fobj)
    out = {
        "file": os.path.abspath(path),
        "name": name or os.path.basename(path),
        "version": 2 if isinstance(hdr, nib.Nifti2Header) else 1,
        "shape": [int(s) for s in img.shape],
        "datatype": str(nib.nifti1.data_type_codes.label[int(hdr["datatype"])]),
        "byteorder": hdr.endianness,
        "pixdim": [_num(v) for v in hdr["pixdim"]],
        "zooms": [_num(v) for v in hdr.get_zooms()],
        "affine": [[_num(v) for v in row] for row in img.affine],
        "qform_code": int(hdr["qform_code"]),
        "sform_code": int(hdr["sform_code"]),
        "scl_slope": _num(hdr["scl_slope"]),
        "scl_inter": _num(hdr["scl_inter"]),
        "slope_inter": [None if v is None else _num(v) for v in hdr.get_slope_inter()],
        "xyzt_units": list(hdr.get_xyzt_units()),
        "vox_offset": int(hdr["vox_offset"]),
        "descrip": hdr["descrip"].item().split(b"\x00")[0].decode("latin-1"),  # a C string
        "intent_code": int(hdr["intent_code"]),
        "extensions": [int(e.get_code()) for e in hdr.extensions],
    }
    dt = img.get_data_dtype()
    if dt.fields is not None:  # RGB / RGBA
        out["rgb"] = True
        return out
    if dt.kind == "c":
        data = np.asanyarray(img.dataobj).astype(np.complex128)
        out["complex"] = True
        flat = np.asarray(data, dtype="<c16").ravel(order="F")
    else:
        data = img.get_fdata()
        flat = np.asarray(data, dtype="<f8").ravel(order="F")
    raw = flat.tobytes()
    out["data_sha256"] = hashlib.sha256(raw).hexdigest()
    if flat.size <= SMALL:
        out["data_hex"] = raw.hex()
    if dt.kind != "c":
        finite = np.isfinite(flat)
        out["n_nonfinite"] = int((~finite).sum())
        if finite.any():
            f = flat[finite]
            out["stats"] = {"min": float(f.min()), "max": float(f.max()),
                            "mean": float(f.mean()), "std": float(f.std())}
    return out


def write_json(outdir, name, info):
    with open(os.path.join(outdir, name + ".json"), "w") as fh:
        json.dump(info, fh, indent=1, sort_keys=True)
        fh.write("\n")


def patch_scaling(path, slope, inter, version, endian):
    """Write scl_slope/scl_inter into an uncompressed file (nibabel recomputes scaling on save)."""
    with open(path, "r+b") as fh:
        if version == 1:
            fh.seek(112)
            fh.write(struct.pack(endian + "ff", slope, inter))
        else:
            fh.seek(176)
            fh.write(struct.pack(endian + "dd", slope, inter))


def gen(outdir):
    os.makedirs(outdir, exist_ok=True)
    rng = np.random.default_rng(20261122)
    shape = (3, 4, 5, 2)
    n = int(np.prod(shape))
    aff = np.array([[-2.0, 0.1, 0.0, 90.5], [0.05, 2.0, -0.2, -126.25], [0.0, 0.3, 2.5, -72.0], [0, 0, 0, 1]])
    ints = np.arange(n).reshape(shape, order="F")
    values = {
        "uint8": (ints * 2) % 256,
        "int8": (ints * 3) % 256 - 128,
        "int16": ints * 271 - 16000,
        "uint16": ints * 541,
        "int32": ints * 17_000_003 - 2_000_000_000,
        "uint32": ints * 35_000_017,
        "int64": ints * 76_861_433_640_456_465 - (2**62),
        "uint64": np.uint64(2**64 - 1) - ints.astype(np.uint64) * np.uint64(153_722_867_280_912_930),
        "float32": rng.normal(100, 30, shape),
        "float64": rng.normal(0, 1e-3, shape),
        "complex64": rng.normal(size=shape) + 1j * rng.normal(size=shape),
        "complex128": rng.normal(size=shape) + 1j * rng.normal(size=shape),
    }
    npdt = {"uint8": np.uint8, "int8": np.int8, "int16": np.int16, "uint16": np.uint16,
            "int32": np.int32, "uint32": np.uint32, "int64": np.int64, "uint64": np.uint64,
            "float32": np.float32, "float64": np.float64,
            "complex64": np.complex64, "complex128": np.complex128}

    def save(name, arr, version=1, endian="<", gz=False, affine=aff, qcode=1, scode=2,
             units=("mm", "sec"), ext=False, scale=None):
        klass = nib.Nifti1Image if version == 1 else nib.Nifti2Image
        hklass = nib.Nifti1Header if version == 1 else nib.Nifti2Header
        hdr = hklass(endianness=endian)
        hdr.set_data_dtype(arr.dtype)
        img = klass(arr, affine, header=hdr)
        img.set_qform(affine if qcode else None, code=qcode)
        img.set_sform(affine if scode else None, code=scode)
        img.header.set_xyzt_units(*units)
        if len(arr.shape) > 3:
            img.header["pixdim"][4] = 2.0 if units[1] == "sec" else 2000.0
        img.header["descrip"] = b"painmark fixture " + name.encode()
        if ext:
            img.header.extensions.append(nib.nifti1.Nifti1Extension("comment", b"painmark extension test"))
            img.header.extensions.append(nib.nifti1.Nifti1Extension(40, b"\x01\x02\x03" * 10))
        fname = name + (".nii.gz" if gz else ".nii")
        path = os.path.join(outdir, fname)
        nib.save(img, path)
        if scale is not None:
            patch_scaling(path, scale[0], scale[1], version, endian)
        write_json(outdir, name, describe(path, fname))

    for dt, v in values.items():
        save("dt-" + dt, np.asarray(v).astype(npdt[dt]))
    for dt in ("int16", "float32", "float64", "int64", "uint16"):
        save("be-" + dt, np.asarray(values[dt]).astype(npdt[dt]), endian=">")
    for dt in ("int8", "int16", "float32", "float64", "uint64", "complex64"):
        save("v2-" + dt, np.asarray(values[dt]).astype(npdt[dt]), version=2)
    save("v2-be-float32", values["float32"].astype(np.float32), version=2, endian=">")
    save("gz-int16", values["int16"].astype(np.int16), gz=True)
    save("gz-v2-float32", values["float32"].astype(np.float32), version=2, gz=True)
    # affine choice: sform only, qform only, neither (base affine), reflected qform (qfac = -1)
    save("affine-sform-only", values["float32"].astype(np.float32), qcode=0, scode=4)
    save("affine-qform-only", values["float32"].astype(np.float32), qcode=1, scode=0)
    save("affine-none", values["float32"].astype(np.float32), qcode=0, scode=0)
    rot = np.array([[0.0, -1.5, 0, 10], [1.5, 0, 0, -20], [0, 0, -3.0, 30], [0, 0, 0, 1]])
    save("affine-qfac-neg", values["int16"].astype(np.int16), affine=rot, qcode=1, scode=0)
    c, s = np.cos(0.3), np.sin(0.3)
    obl = np.array([[c * 1.1, -s * 1.1, 0, -5.5], [s * 1.1, c * 1.1, 0, 7.25], [0, 0, 2.2, -3.0], [0, 0, 0, 1]])
    save("affine-qform-oblique", values["int16"].astype(np.int16), affine=obl, qcode=2, scode=0)
    # scaling: integer storage with slope and intercept, float storage with slope
    save("scl-uint8", values["uint8"].astype(np.uint8), scale=(0.5, -10.0))
    save("scl-int16-be", values["int16"].astype(np.int16), endian=">", scale=(2.5, 100.0))
    save("scl-float32", values["float32"].astype(np.float32), scale=(3.0, 0.0))
    save("scl-zero-slope", values["int16"].astype(np.int16), scale=(0.0, 7.0))
    save("scl-nan-slope", values["int16"].astype(np.int16), scale=(float("nan"), 0.0))
    save("scl-v2-int32", values["int32"].astype(np.int32), version=2, scale=(1e-3, 0.25))
    # units, extensions, dimensions
    save("units-msec", values["int16"].astype(np.int16), units=("micron", "msec"))
    save("ext-comment", values["int16"].astype(np.int16), ext=True)
    save("ext-v2", values["float32"].astype(np.float32), version=2, ext=True)
    save("dim-3d", values["float32"][..., 0].astype(np.float32))
    save("dim-2d", values["float32"][..., 0, 0].astype(np.float32))
    save("dim-5d", values["float32"].reshape(3, 4, 5, 1, 2).astype(np.float32))
    nan = values["float32"].astype(np.float32).copy()
    nan[1, 2, 3, 1] = np.nan
    nan[0, 0, 0, 0] = np.inf
    save("nonfinite-float32", nan)
    rgb = np.zeros((3, 4, 2), dtype=[("R", "u1"), ("G", "u1"), ("B", "u1")])
    save("dt-rgb", rgb)
    # .hdr/.img pairs (magic ni1/ni2, data in the .img from offset 0)
    for name, klass, hklass, endian, dt in (("pair-v1-int16", nib.Nifti1Pair, nib.Nifti1Header, "<", "int16"),
                                            ("pair-v2-be-float32", nib.Nifti2Pair, nib.Nifti2Header, ">", "float32")):
        hdr = hklass(endianness=endian)
        arr = np.asarray(values[dt]).astype(npdt[dt])
        hdr.set_data_dtype(arr.dtype)
        img = klass(arr, aff, header=hdr)
        img.header.set_xyzt_units("mm", "sec")
        path = os.path.join(outdir, name + ".hdr")
        nib.save(img, path)
        write_json(outdir, name, describe(path, name + ".hdr"))


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "gen":
        gen(sys.argv[2])
    elif len(sys.argv) >= 4 and sys.argv[1] == "expect":
        outdir = sys.argv[2]
        os.makedirs(outdir, exist_ok=True)
        for i, path in enumerate(sys.argv[3:]):
            name = "%03d-%s" % (i, os.path.basename(path).split(".")[0])
            write_json(outdir, name, describe(path))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
