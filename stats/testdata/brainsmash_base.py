"""Peer for the variogram-matching surrogates: BrainSMASH's Base generator (Burt et al. 2020,
brainsmash/mapgen/base.py and kernels.py), step by step with numpy and scikit-learn's
LinearRegression, with the random permutations and normal draws given (so that both sides use the
same ones).

usage: brainsmash_base.py in.json out.json
in: {"x": [...], "D": [[...]], "kernel": "exp", "resample": false, "perms": [[...]], "noise": [[...]]}
"""
import json
import sys

import numpy as np
from sklearn.linear_model import LinearRegression

with open(sys.argv[1]) as f:
    cfg = json.load(f)

x = np.asarray(cfg["x"], dtype=float)
D = np.asarray(cfg["D"], dtype=float)
deltas = np.linspace(0.1, 0.9, 9)
pv, nh = 25, 25
kernels = {
    "exp": lambda d: np.exp(-d / d.max(axis=-1)[:, np.newaxis]),
    "gaussian": lambda d: np.exp(-1.25 * np.square(d / d.max(axis=-1)[:, np.newaxis])),
    "invdist": lambda d: 1.0 / d,
    "uniform": lambda d: np.ones(d.shape) / d.shape[-1],
}
kernel = kernels[cfg["kernel"]]
n = x.size
ikn = np.arange(n)[:, None]
triu = np.triu_indices(n, k=1)
u = D[triu]


def variogram(m):
    return 0.5 * np.square(np.subtract.outer(m, m))[triu]


uidx = np.where(u < np.percentile(u, pv))[0]
disort = np.argsort(D, axis=-1)
jkn, dkn = {}, {}
for delta in deltas:
    k = int(delta * n)
    jkn[delta] = disort[:, 1:k + 1]
    dkn[delta] = D[(ikn, jkn[delta])]
utrunc = u[uidx]
h = np.linspace(utrunc.min(), utrunc.max(), nh)
b = 3.0 * (h[1] - h[0])


def smooth_variogram(v):
    uu, vv = u[uidx], v[uidx]
    w = np.exp(-np.square(2.68 * np.abs(uu - h[:, None]) / b) / 2)
    return np.nansum(w * vv[None, :], axis=1) / np.nansum(w, axis=1)


def smooth_map(m, delta):
    w = kernel(dkn[delta])
    return (w * m[jkn[delta]]).sum(axis=1) / w.sum(axis=1)


smvar = smooth_variogram(variogram(x))
surrs = []
for perm, noise in zip(cfg["perms"], cfg["noise"]):
    xperm = x[np.asarray(perm)]
    res = []
    for delta in deltas:
        sm = smooth_variogram(variogram(smooth_map(xperm, delta)))
        lm = LinearRegression(fit_intercept=True).fit(np.expand_dims(sm, -1), smvar)
        pred = lm.predict(np.expand_dims(sm, -1))
        res.append((lm.intercept_, lm.coef_[0], np.sum(np.square(smvar - pred))))
    alphas, betas, residuals = np.array(res, dtype=float).T
    iopt = np.argmin(residuals)
    surr = np.sqrt(np.abs(betas[iopt])) * smooth_map(xperm, deltas[iopt]) + np.sqrt(np.abs(alphas[iopt])) * np.asarray(noise)
    if cfg["resample"]:
        sorted_map = np.sort(x)
        np.put(surr, np.argsort(surr), sorted_map)
    else:
        surr = surr - surr.mean()
    surrs.append(surr.tolist())
with open(sys.argv[2], "w") as f:
    json.dump({"target": smvar.tolist(), "surrogates": surrs}, f)
