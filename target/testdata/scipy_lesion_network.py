"""Peer for lesion network mapping: nibabel reads each normative run and the mask, numpy
correlates the lesion's mean time series (mask voxels) with every brain voxel, z = arctanh(r), and
scipy.stats.ttest_1samp tests z against 0 over the runs.

usage: scipy_lesion_network.py in.json out.json   (in: {"runs": [...], "mask", "lesion"})
"""
import json
import sys

import nibabel as nib
import numpy as np
from scipy import stats

with open(sys.argv[1]) as f:
    cfg = json.load(f)
mask = np.asarray(nib.load(cfg["mask"]).get_fdata()) >= 0.5
lesion = np.asarray(nib.load(cfg["lesion"]).get_fdata()) >= 0.5
ijk = np.argwhere(mask)
ijk = ijk[np.lexsort((ijk[:, 0], ijk[:, 1], ijk[:, 2]))]
inl = lesion[ijk[:, 0], ijk[:, 1], ijk[:, 2]]
zs = []
for path in cfg["runs"]:
    vol = np.asarray(nib.load(path).get_fdata(), dtype=np.float64)
    data = vol[ijk[:, 0], ijk[:, 1], ijk[:, 2], :].T  # time x voxels
    seed = data[:, inl].mean(axis=1)
    sc = seed - seed.mean()
    dc = data - data.mean(axis=0)
    r = (dc * sc[:, None]).sum(axis=0) / np.sqrt((dc ** 2).sum(axis=0) * (sc ** 2).sum())
    with np.errstate(divide="ignore"):
        zs.append(np.arctanh(r))
zs = np.array(zs)
finite = np.isfinite(zs).all(axis=0)
t, p = stats.ttest_1samp(zs[:, finite], 0, axis=0)
with open(sys.argv[2], "w") as f:
    json.dump({"finite": finite.tolist(), "t": t.tolist(), "p": p.tolist(), "lesion": int(inl.sum())}, f)
