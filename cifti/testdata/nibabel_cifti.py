"""Peer for cifti's live test: nibabel writes CIFTI-2 files (a dtseries of surface vertices and
subcortical voxels, a dscalar, a dlabel), and reports, for those, the real files and the files
painmark wrote, every axis and the data matrix as nibabel's cifti2 reads them.

usage: nibabel_cifti.py in.json out.json   (in: {"read": [paths], "dir": folder for new files})
"""
import json
import os
import sys

import nibabel as nib
import numpy as np
from nibabel import cifti2

with open(sys.argv[1]) as f:
    cfg = json.load(f)
rng = np.random.default_rng(3)

# Brain models: 40 vertices of a 100-vertex left cortex, 30 of the right, and two subcortical
# structures in a 10 x 12 x 9 grid at 2 mm.
affine = np.array([[-2, 0, 0, 9], [0, 2, 0, -11], [0, 0, 2, -7], [0, 0, 0, 1]], dtype=float)
left = cifti2.BrainModelAxis.from_surface(np.sort(rng.choice(100, 40, replace=False)), 100, "CortexLeft")
right = cifti2.BrainModelAxis.from_surface(np.sort(rng.choice(100, 30, replace=False)), 100, "CortexRight")
mask = np.zeros((10, 12, 9), dtype=bool)
mask[2:5, 3:6, 1:3] = True
thal = cifti2.BrainModelAxis.from_mask(mask, "ThalamusLeft", affine=affine)
mask2 = np.zeros((10, 12, 9), dtype=bool)
mask2[6:8, 7:9, 4:7] = True
put = cifti2.BrainModelAxis.from_mask(mask2, "PutamenRight", affine=affine)
bm = left + right + thal + put
series = cifti2.SeriesAxis(start=0.5, step=0.72, size=7, unit="second")
scalars = cifti2.ScalarAxis(["z", "t map"])
labels = cifti2.LabelAxis(["networks"], {0: ("???", (0, 0, 0, 0)), 1: ("SCAN", (0.8, 0.1, 0.1, 1)), 2: ("AMN", (0.1, 0.2, 0.9, 1))})
files = {
    "nib.dtseries.nii": (rng.normal(size=(7, len(bm))).astype(np.float32), (series, bm)),
    "nib.dscalar.nii": (rng.normal(size=(2, len(bm))).astype(np.float32), (scalars, bm)),
    "nib.dlabel.nii": (rng.integers(0, 3, size=(1, len(bm))).astype(np.int32), (labels, bm)),
}
paths = list(cfg["read"])
for name, (data, axes) in files.items():
    path = os.path.join(cfg["dir"], name)
    cifti2.Cifti2Image(data, header=axes).to_filename(path)
    paths.append(path)


def describe(ax):
    if isinstance(ax, cifti2.SeriesAxis):
        return {"type": "CIFTI_INDEX_TYPE_SERIES", "len": int(ax.size), "start": float(ax.start), "step": float(ax.step), "unit": ax.unit}
    if isinstance(ax, cifti2.LabelAxis):
        tables = [[[int(k), v[0], [float(c) for c in v[1]]] for k, v in sorted(t.items())] for t in ax.label]
        return {"type": "CIFTI_INDEX_TYPE_LABELS", "len": len(ax), "names": list(ax.name), "labels": tables}
    if isinstance(ax, cifti2.ScalarAxis):
        return {"type": "CIFTI_INDEX_TYPE_SCALARS", "len": len(ax), "names": list(ax.name)}
    if isinstance(ax, cifti2.BrainModelAxis):
        models = []
        for name, sl, b in ax.iter_structures():
            surface = b.surface_mask.all()
            models.append({"structure": name, "offset": int(sl.start or 0), "count": len(b),
                           "type": "CIFTI_MODEL_TYPE_SURFACE" if surface else "CIFTI_MODEL_TYPE_VOXELS",
                           "vertices": b.vertex.tolist() if surface else [],
                           "nvertices": int(b.nvertices[name]) if surface else 0,
                           "voxels": b.voxel.tolist() if not surface else []})
        out = {"type": "CIFTI_INDEX_TYPE_BRAIN_MODELS", "len": len(ax), "models": models}
        if ax.volume_shape is not None:
            out["volume"] = list(ax.volume_shape)
            out["affine"] = ax.affine.tolist()
        return out
    raise ValueError(type(ax))


out = {}
for path in paths:
    img = nib.load(path)
    out[path] = {"axes": [describe(img.header.get_axis(i)) for i in range(2)],
                 "data": np.asarray(img.get_fdata(), dtype=float).ravel().tolist(), "shape": list(img.shape)}
with open(sys.argv[2], "w") as f:
    json.dump(out, f)
