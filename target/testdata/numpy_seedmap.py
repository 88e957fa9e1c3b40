"""Peer for target's seed maps: nibabel reads a 4D NIfTI (with its mask) or a CIFTI-2 dtseries,
numpy finds the brainordinates within the radius of the seed coordinate (voxel centres through
the affine), averages their time series and correlates it with every brainordinate's (Pearson),
z = arctanh(r).

usage: numpy_seedmap.py in.json out.json
in: {"path": ..., "mask": path or "", "centre": [x, y, z], "radius": mm}
"""
import json
import sys

import nibabel as nib
import numpy as np

with open(sys.argv[1]) as f:
    cfg = json.load(f)
img = nib.load(cfg["path"])
if cfg["path"].endswith(".dtseries.nii"):
    bm = img.header.get_axis(1)
    data = np.asarray(img.get_fdata(), dtype=np.float64)  # time x brainordinates
    ijk = bm.voxel
    xyz = nib.affines.apply_affine(bm.affine, ijk)
else:
    vol = np.asarray(img.get_fdata(), dtype=np.float64)
    mask = np.asarray(nib.load(cfg["mask"]).get_fdata()) >= 0.5
    ijk = np.argwhere(mask)
    # painmark orders voxels with x fastest (NIfTI order): sort by (k, j, i)
    ijk = ijk[np.lexsort((ijk[:, 0], ijk[:, 1], ijk[:, 2]))]
    data = vol[ijk[:, 0], ijk[:, 1], ijk[:, 2], :].T
    xyz = nib.affines.apply_affine(img.affine, ijk)
members = np.where(np.linalg.norm(xyz - np.asarray(cfg["centre"]), axis=1) <= cfg["radius"])[0]
seed = data[:, members].mean(axis=1)
sc = seed - seed.mean()
dc = data - data.mean(axis=0)
r = (dc * sc[:, None]).sum(axis=0) / np.sqrt((dc ** 2).sum(axis=0) * (sc ** 2).sum())
with np.errstate(divide="ignore"):
    z = np.arctanh(r)
with open(sys.argv[2], "w") as f:
    json.dump({"members": members.tolist(), "r": r.tolist(), "z": [None if not np.isfinite(v) else float(v) for v in z]}, f)
