"""Peer for the vertex-level parcel nulls: neuromaps' baum and cornblath (neuromaps/nulls/nulls.py
and nulls/spins.py, v0.0.5), step by step with numpy and scipy: vertex spins by the "original"
matching, cKDTree(coords @ rot).query(coords, 1); Baum = scipy.stats.mode of the spun labels of
each parcel's vertices with the medial wall (label 0) left out, -1 (no value) where none;
Cornblath = parcel data painted on the vertices (medial wall NaN), spun, and averaged per parcel
ignoring NaN, as neuromaps' vertices_to_parcels.

usage: neuromaps_surface_nulls.py in.json out.json
in: {"left": [[x,y,z]...], "right": ..., "labels_left": [parcel+1 or 0 per vertex], "labels_right": ...,
     "rotations": [[TL, TR] ...], "y": [value per parcel, null for NaN]}
"""
import json
import sys

import numpy as np
from scipy import stats
from scipy.spatial import cKDTree

with open(sys.argv[1]) as f:
    cfg = json.load(f)

coords = [np.asarray(cfg["left"]), np.asarray(cfg["right"])]
labels = np.hstack([np.asarray(cfg["labels_left"]), np.asarray(cfg["labels_right"])])
offset = [0, len(coords[0])]
y = np.asarray([np.nan if v is None else v for v in cfg["y"]], dtype=float)
parcels = np.arange(1, len(y) + 1)

baum, cornblath = [], []
for rots in cfg["rotations"]:
    spin = np.hstack([cKDTree(coords[h] @ np.asarray(rots[h])).query(coords[h], 1)[1] + offset[h] for h in range(2)])
    spun_labels = labels[spin]
    b = []
    for p in parcels:
        av = spun_labels[labels == p]
        av = av[av != 0]
        if len(av) == 0:
            b.append(None)
            continue
        mode = stats.mode(av, keepdims=False).mode  # the smallest of the most frequent labels
        v = y[mode - 1]
        b.append(None if np.isnan(v) else float(v))
    baum.append(b)
    vert = np.append([np.nan], y)[labels]  # label 0 (medial wall) -> NaN
    spun = vert[spin]
    c = []
    for p in parcels:
        v = spun[labels == p]
        c.append(float(np.nanmean(v)) if np.isfinite(v).any() else None)
    cornblath.append(c)

with open(sys.argv[2], "w") as f:
    json.dump({"baum": baum, "cornblath": cornblath}, f)
