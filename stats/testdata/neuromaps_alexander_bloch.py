"""Peer for the dense surface spin null: neuromaps' alexander_bloch on vertex data
(neuromaps/nulls/nulls.py: data[gen_spinsamples(coords, hemi, method="original")], spins.py),
step by step with numpy and scipy for given rotations: in each hemisphere, vertex i takes the
value of the rotated vertex nearest it, cKDTree(coords @ rot).query(coords, 1).

usage: neuromaps_alexander_bloch.py in.json out.json
in: {"left": [[x,y,z]...], "right": ..., "rotations": [[TL, TR] ...], "x": [value per vertex, left first]}
out: {"nulls": [[value per vertex] per rotation]}
"""
import json
import sys

import numpy as np
from scipy.spatial import cKDTree

with open(sys.argv[1]) as f:
    cfg = json.load(f)

coords = [np.asarray(cfg["left"]), np.asarray(cfg["right"])]
offset = [0, len(coords[0])]
x = np.asarray(cfg["x"], dtype=float)
nulls = []
for rots in cfg["rotations"]:
    spin = np.hstack([cKDTree(coords[h] @ np.asarray(rots[h])).query(coords[h], 1)[1] + offset[h] for h in range(2)])
    nulls.append(x[spin].tolist())

with open(sys.argv[2], "w") as f:
    json.dump({"nulls": nulls}, f)
