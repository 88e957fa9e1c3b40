"""Peer for template matching: nibabel reads the 4D image and mask, numpy forms every voxel's
connectivity profile (np.corrcoef over voxels, N x N) and its spatial Pearson correlation with
each template; the assignment is the argmax.

usage: numpy_template_match.py in.json out.json   (in: {"path", "mask", "templates": [[...]]})
"""
import json
import sys

import nibabel as nib
import numpy as np

with open(sys.argv[1]) as f:
    cfg = json.load(f)
vol = np.asarray(nib.load(cfg["path"]).get_fdata(), dtype=np.float64)
mask = np.asarray(nib.load(cfg["mask"]).get_fdata()) >= 0.5
ijk = np.argwhere(mask)
ijk = ijk[np.lexsort((ijk[:, 0], ijk[:, 1], ijk[:, 2]))]  # x fastest, as painmark
data = vol[ijk[:, 0], ijk[:, 1], ijk[:, 2], :]  # voxels x time
profiles = np.corrcoef(data)  # N x N
T = np.asarray(cfg["templates"])  # K x N
sim = np.array([[np.corrcoef(profiles[v], T[k])[0, 1] for v in range(len(data))] for k in range(len(T))])
with open(sys.argv[2], "w") as f:
    json.dump({"similarity": sim.tolist(), "assign": sim.argmax(axis=0).tolist()}, f)
