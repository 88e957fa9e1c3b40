"""Parcel matchings of rotated spheres as neuromaps' gen_spinsamples computes them with scipy.

Input JSON: coords (parcels x 3, one hemisphere), rotations (each 3 x 3; rotated = coords @ rot),
costs (square matrices). Output JSON: for each rotation the "hungarian" matching
(scipy.optimize.linear_sum_assignment on scipy.spatial.distance_matrix(coords, coords @ rot)) and
the "original" one (cKDTree(coords @ rot).query(coords)) and BrainSpace's inverse one
(cKDTree(coords).query(coords @ rot)); for each cost matrix its optimal
assignment and total cost.
"""
import json
import sys

import numpy as np
from scipy import optimize, spatial

data = json.load(open(sys.argv[1]))
coords = np.array(data["coords"])
out = {"hungarian": [], "nearest": [], "nearest_rotated": [], "assignments": [], "totals": []}
for rot in data["rotations"]:
    rotated = coords @ np.array(rot)
    dist = spatial.distance_matrix(coords, rotated)
    _, col = optimize.linear_sum_assignment(dist)
    out["hungarian"].append(col.tolist())
    _, col = spatial.cKDTree(rotated).query(coords, 1)
    out["nearest"].append(col.tolist())
    _, col = spatial.cKDTree(coords).query(rotated, 1)  # BrainSpace's direction
    out["nearest_rotated"].append(col.tolist())
for c in data["costs"]:
    c = np.array(c)
    row, col = optimize.linear_sum_assignment(c)
    out["assignments"].append(col.tolist())
    out["totals"].append(float(c[row, col].sum()))
json.dump(out, open(sys.argv[2], "w"))
