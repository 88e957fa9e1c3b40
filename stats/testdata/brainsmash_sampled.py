"""Peer for the sampled variogram-matching surrogates: BrainSMASH's Sampled generator (Burt et al.
2020, brainsmash/mapgen/sampled.py and kernels.py), step by step with numpy and scikit-learn's
LinearRegression, with the random permutations, samples and normal draws given (so that both sides
use the same ones). The sorted distance and index matrices are built as BrainSMASH's txt2memmap
does (np.argsort of each row).

usage: brainsmash_sampled.py in.json out.json
in: {"x": [...], "D": [[...]], "knn": 100, "kernel": "exp", "resample": false,
     "perms": [[...]], "samples": [[...]], "noise": [[...]]}
"""
import json
import sys

import numpy as np
from sklearn.linear_model import LinearRegression

with open(sys.argv[1]) as f:
    cfg = json.load(f)

x = np.asarray(cfg["x"], dtype=float)
Dfull = np.asarray(cfg["D"], dtype=float)
knn = int(cfg["knn"])
deltas = np.arange(0.3, 1., 0.2)
pv, nh = 70, 25
kernels = {
    "exp": lambda d: np.exp(-d / d.max(axis=-1)[:, np.newaxis]),
    "gaussian": lambda d: np.exp(-1.25 * np.square(d / d.max(axis=-1)[:, np.newaxis])),
    "invdist": lambda d: 1.0 / d,
    "uniform": lambda d: np.ones(d.shape) / d.shape[-1],
}
kernel = kernels[cfg["kernel"]]
index = np.argsort(Dfull, axis=-1)
Dsorted = np.take_along_axis(Dfull, index, axis=-1)
D = Dsorted[:, 1:knn + 1]
index = index[:, 1:knn + 1].astype(np.int32)
dmax = np.percentile(D, pv)
h = np.linspace(D.min(), dmax, nh)
b = 3 * (h[1] - h[0])


def variogram(m, idx):
    return 0.5 * np.square(m[idx][:, None] - m[index[idx, :]])


def smooth_variogram(u, v):
    w = np.exp(-np.square(2.68 * np.abs(u - h[:, None]) / b) / 2)
    return np.nansum(w * v[None, :], axis=1) / np.nansum(w, axis=1)


def smooth_map(m, k):
    w = kernel(D[:, :k])
    return (w * m[index[:, :k]]).sum(axis=1) / w.sum(axis=1)


surrs = []
for perm, sample, noise in zip(cfg["perms"], cfg["samples"], cfg["noise"]):
    xperm = x[np.asarray(perm)]
    idx = np.asarray(sample)
    v = variogram(x, idx)
    u = D[idx, :]
    uidx = np.where(u < dmax)
    smvar = smooth_variogram(u[uidx], v[uidx])
    res = []
    for d in deltas:
        k = int(d * knn)
        vperm = variogram(smooth_map(xperm, k), idx)
        sm = smooth_variogram(u[uidx], vperm[uidx])
        lm = LinearRegression(fit_intercept=True).fit(np.expand_dims(sm, -1), smvar)
        pred = lm.predict(np.expand_dims(sm, -1))
        res.append((lm.intercept_, lm.coef_.item(), np.sum(np.square(smvar - pred))))
    alphas, betas, residuals = np.array(res, dtype=float).T
    iopt = np.argmin(residuals)
    kopt = int(deltas[iopt] * knn)
    surr = np.sqrt(np.abs(betas[iopt])) * smooth_map(xperm, kopt) + np.sqrt(np.abs(alphas[iopt])) * np.asarray(noise)
    if cfg["resample"]:
        np.put(surr, np.argsort(surr), np.sort(x))
    else:
        surr = surr - np.nanmean(surr)
    surrs.append(surr.tolist())
with open(sys.argv[2], "w") as f:
    json.dump({"surrogates": surrs}, f)
