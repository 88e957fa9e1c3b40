"""Peer for Moran spectral randomization: BrainSpace's compute_mem (spectrum "nonzero") and
spectral_randomization (brainspace/null_models/moran.py), step by step with numpy/scipy, with the
random draws given (signs; permutations, odd-map signs and angles) and the Moran eigenvector maps
given for the randomization (eigenvectors are defined up to sign).

usage: brainspace_moran.py in.json out.json
in: {"w": [[...]], "tol": 1e-6, "x": [...], "mem": [[...]] (parcels x maps),
     "signs": [[...]], "perms": [[...]], "odd": [...], "phi": [[...]]}
"""
import json
import sys

import numpy as np
from scipy.spatial.distance import cdist

with open(sys.argv[1]) as f:
    cfg = json.load(f)

a = np.asarray(cfg["w"], dtype=float)
if not np.allclose(a, a.T):
    a = (a + a.T) / 2
m = a.mean(axis=0, keepdims=True)
ac = a.mean() - m - m.T
ac += a
w, v = np.linalg.eigh(ac)
w, v = w[::-1], v[:, ::-1]
nonzero = np.abs(w) >= cfg["tol"]
w, v = w[nonzero], v[:, nonzero]

x = np.atleast_2d(np.asarray(cfg["x"], dtype=float)).T
mem = np.asarray(cfg["mem"], dtype=float)
n_comp = mem.shape[1]
rxv = 1 - cdist(x.T, mem.T, "correlation").T
x_mean, x_std = x.mean(axis=0), x.std(axis=0, ddof=1)
scale = np.sqrt(x.shape[0] - 1) * x_std

single = []
for signs in cfg["signs"]:
    r2 = rxv * np.asarray(signs)[:, None]
    single.append((x_mean + (mem @ r2) * scale)[:, 0].tolist())
pair = []
n_pairs = n_comp // 2
n_top = 2 * n_pairs
rsq = rxv ** 2
for p, odd, phi in zip(cfg["perms"], cfg["odd"], cfg["phi"]):
    p = np.asarray(p)
    r2 = np.empty(rxv.shape)
    ia, ib = p[:n_pairs], p[n_pairs:n_top]
    if n_top != n_comp:
        r2[p[-1]] = rxv[p[-1]] * odd
    phi = np.asarray(phi)[:, None]
    r2[ia] = r2[ib] = np.sqrt(rsq[ia] + rsq[ib])
    r2[ia] *= np.cos(phi)
    r2[ib] *= np.sin(phi)
    pair.append((x_mean + (mem @ r2) * scale)[:, 0].tolist())

with open(sys.argv[2], "w") as f:
    json.dump({"values": w.tolist(), "vectors": v.tolist(), "singleton": single, "pair": pair}, f)
