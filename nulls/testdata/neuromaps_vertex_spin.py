"""Peer for the vertex-level spin of dense surface maps: neuromaps' alexander_bloch on vertex
data (neuromaps/nulls/nulls.py and nulls/spins.py, v0.0.5), step by step with numpy and scipy:
spins by the "original" matching, cKDTree(coords @ rot).query(coords, 1) per hemisphere over every
sphere vertex; the data painted on the sphere's vertices (NaN off the map: the medial wall), the
null map data[spin] read back at the map's vertices.

usage: neuromaps_vertex_spin.py in.json out.json
in: {"left": [[x,y,z]...], "right": ..., "vertices_left": [sphere vertex of each brainordinate],
     "vertices_right": ..., "rotations": [[TL, TR] ...], "x": [value per brainordinate, left then right]}
out: {"nulls": [[value or null per brainordinate] per rotation]}
"""
import json
import sys

import numpy as np
from scipy.spatial import cKDTree

with open(sys.argv[1]) as f:
    cfg = json.load(f)

coords = [np.asarray(cfg["left"]), np.asarray(cfg["right"])]
verts = [np.asarray(cfg["vertices_left"], dtype=int), np.asarray(cfg["vertices_right"], dtype=int)]
x = np.asarray(cfg["x"], dtype=float)
full = [np.full(len(c), np.nan) for c in coords]
full[0][verts[0]] = x[: len(verts[0])]
full[1][verts[1]] = x[len(verts[0]):]

nulls = []
for rots in cfg["rotations"]:
    out = []
    for h in range(2):
        spin = cKDTree(coords[h] @ np.asarray(rots[h])).query(coords[h], 1)[1]
        out.append(full[h][spin][verts[h]])
    null = np.hstack(out)
    nulls.append([None if np.isnan(v) else float(v) for v in null])

with open(sys.argv[2], "w") as f:
    json.dump({"nulls": nulls}, f)
