#!/usr/bin/env python3
"""scikit-learn 1.2.1 / scipy 1.10 connectivity for painmark's tests (Debian's /usr/bin/python3).

  sklearn_connectivity.py CASES.json OUT.json

Per case (a list of subjects' T x p series and assume_centered):
  lw, shrinkage:    sklearn.covariance.LedoitWolf(assume_centered=...).fit(x) of each subject
  partial:          nilearn's prec_to_partial(scipy.linalg.inv(lw)) (kind="partial correlation")
  correlation:      nilearn's kind="correlation": x z-scored with ddof 1, LedoitWolf, cov_to_corr
  tangent:          nilearn's kind="tangent" steps (_geometric_mean max_iter=30 tol=1e-7, whitening
                    mean^-1/2, logm of whitened covariances) with scipy.linalg.eigh
  vec, vec_diag:    nilearn's sym_matrix_to_vec of the partial correlations without / with diagonal
"""
import json
import sys

import numpy as np
from scipy import linalg
from sklearn.covariance import LedoitWolf


def cov_to_corr(c):
    d = 1.0 / np.sqrt(np.diag(c))
    out = c * d * d[:, None]
    np.fill_diagonal(out, 1.0)
    return out


def prec_to_partial(p):
    out = -cov_to_corr(p)
    np.fill_diagonal(out, 1.0)
    return out


def form_symmetric(f, vals, vecs):
    return (vecs * f(vals)).dot(vecs.T)


def map_eig(f, m):
    vals, vecs = linalg.eigh(m)
    return form_symmetric(f, vals, vecs)


def geometric_mean(mats, max_iter=30, tol=1e-7):
    mats = np.array(mats)
    gmean = np.mean(mats, axis=0)
    norm_old, step = np.inf, 1.0
    for _ in range(max_iter):
        vals, vecs = linalg.eigh(gmean)
        inv_sqrt = form_symmetric(np.sqrt, 1.0 / vals, vecs)
        logs = [map_eig(np.log, inv_sqrt.dot(m).dot(inv_sqrt)) for m in mats]
        logs_mean = np.mean(logs, axis=0)
        norm = np.linalg.norm(logs_mean)
        vals_log, vecs_log = linalg.eigh(logs_mean)
        sqrt_g = form_symmetric(np.sqrt, vals, vecs)
        gmean = sqrt_g.dot(form_symmetric(np.exp, vals_log * step, vecs_log)).dot(sqrt_g)
        if norm < norm_old:
            norm_old = norm
        elif norm > norm_old:
            step = step / 2.0
            norm = norm_old
        if norm / gmean.size < tol:
            break
    return gmean


def vec(sym, discard_diagonal):
    n = sym.shape[0]
    s = sym.copy()
    if not discard_diagonal:
        s.flat[:: n + 1] /= np.sqrt(2)
    mask = np.tril(np.ones((n, n))).astype(bool)
    if discard_diagonal:
        mask.flat[:: n + 1] = False
    return s[mask]


def run(case):
    xs = [np.array(x, dtype=np.float64) for x in case["subjects"]]
    ac = case["assume_centered"]
    out = {"lw": [], "shrinkage": [], "partial": [], "correlation": [], "vec": [], "vec_diag": []}
    covs = []
    for x in xs:
        est = LedoitWolf(assume_centered=ac).fit(x)
        covs.append(est.covariance_)
        out["lw"].append(est.covariance_.ravel().tolist())
        out["shrinkage"].append(float(est.shrinkage_))
        part = prec_to_partial(linalg.inv(est.covariance_))
        out["partial"].append(part.ravel().tolist())
        z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
        out["correlation"].append(cov_to_corr(LedoitWolf(assume_centered=ac).fit(z).covariance_).ravel().tolist())
        out["vec"].append(vec(part, True).tolist())
        out["vec_diag"].append(vec(part, False).tolist())
    gmean = geometric_mean(covs)
    white = map_eig(lambda v: 1.0 / np.sqrt(v), gmean)
    out["tangent"] = [map_eig(np.log, white.dot(c).dot(white)).ravel().tolist() for c in covs]
    return out


def main():
    with open(sys.argv[1]) as fh:
        cases = json.load(fh)
    with open(sys.argv[2], "w") as fh:
        json.dump([run(c) for c in cases], fh)


if __name__ == "__main__":
    main()
