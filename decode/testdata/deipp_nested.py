"""DEIPP's nested leave-one-session-out decoder, step by step in numpy and scikit-learn.

The peer of painmark's `decode --selection deipp`. It follows cocoanlab/DEIPP
analysis/analysis_predict_rating_func_modeling.m (algorithm LASSOOLSPCR, no held-out sessions,
param = n-2, ..., 1 as in analysis_predict_rating_modeling.m), replacing each MATLAB call by the
scikit-learn or numpy call that computes the same thing:

- [func_PC,~,~] = svd((X_tr - mean(X_tr))', 'econ'); scores = X_tr*func_PC with the last column
  dropped: numpy.linalg.svd of the centred training bins.
- lasso_rocha(Y_tr, scores) (CanlabCore; x and y centred and divided by sqrt(n)*std(., ddof=1),
  LARS-lasso, lambda = ||nx'(ny - nx*beta)||_inf at each step): scikit-learn's
  lars_path(method="lasso") on the same normalized data, whose alphas are lambda/n.
- N_rocha = the first step (after flipud of the steps with df > 0) whose number of nonzero
  coefficients is closest to each param; L_matlab = L_rocha*sqrt(n/(n-1))*std(Y_tr) + eps.
- MATLAB lasso(scores, Y_tr, 'Alpha', 1, 'Lambda', L_matlab) (standardizes each column by its
  population SD, centres y, minimizes ||y - Xb||^2/(2n) + lambda*||b||_1): scikit-learn's
  lasso_path on the standardized scores at the same penalties.
- The OLS refit with intercept on the selected raw scores ([ones, X(:,sel)] \\ Y_tr):
  LinearRegression.
- res.icv_bestidx = max over params of the pooled inner r (MATLAB's max: NaN ignored, first
  maximum); res.ocv_bestidx the same over the non-nested leave-one-session-out predictions,
  which picks the final model beta_best_edge.all.

Input JSON: x (bins x edges), y, sessions. Output JSON: L_matlab, the nested predictions, each
outer fold's chosen penalty and number of components, and the final model (weights on the edges,
intercept, penalty, components).
"""
import json
import sys

import numpy as np
from sklearn.linear_model import LinearRegression, lars_path, lasso_path

EPS = np.finfo(float).eps


def pcs(x_tr):
    _, _, vt = np.linalg.svd(x_tr - x_tr.mean(axis=0), full_matrices=False)
    return vt.T[:, :-1]  # func_PC without its last (null) column


def rocha_lambdas(y, s, params):
    n = len(y)
    nx = (s - s.mean(axis=0)) / (np.sqrt(n) * s.std(axis=0, ddof=1))
    ny = (y - y.mean()) / (np.sqrt(n) * y.std(ddof=1))
    alphas, _, coefs = lars_path(nx, ny, method="lasso")
    lam = alphas * n
    nnz = (coefs != 0).sum(axis=0)
    keep = nnz > 0
    lam, nnz = lam[keep][::-1], nnz[keep][::-1]
    steps = [int(np.argmin(np.abs(nnz - p))) for p in params]
    l_rocha = lam[steps]
    return l_rocha * np.sqrt(n / (n - 1)) * y.std(ddof=1) + EPS


def matlab_lasso_support(s, y, lambdas):
    """The nonzero pattern of MATLAB's lasso at each penalty (in the order given).

    Each penalty sits (eps) above a knot of the all-bins path, where the next component's
    coordinate-descent coefficient is roundoff (about 1e-15 here, where MATLAB's lasso gives
    exactly zero, as DEIPP's assertion on the all-bins fit requires): coefficients below 1e-12 of
    the largest are taken as zero."""
    sd = s.std(axis=0)
    z = (s - s.mean(axis=0)) / sd
    alphas, coefs, _ = lasso_path(z, y - y.mean(), alphas=lambdas, tol=1e-12, max_iter=100000)
    support = []
    for lam in lambdas:
        k = int(np.flatnonzero(alphas == lam)[0])
        c = np.abs(coefs[:, k])
        support.append(np.flatnonzero(c > 1e-12 * c.max()) if c.max() > 0 else np.array([], dtype=int))
    return support


def fit(x_tr, y_tr, lambdas):
    """One fold: the relaxed models at every penalty, as (func_PC, selected, OLS or mean)."""
    v = pcs(x_tr)
    s = x_tr @ v
    models = []
    for sel in matlab_lasso_support(s, y_tr, lambdas):
        if len(sel) == 0:
            models.append((v, sel, None, y_tr.mean()))
        else:
            models.append((v, sel, LinearRegression().fit(s[:, sel], y_tr), None))
    return models


def predict(m, x):
    v, sel, lr, mean = m
    if lr is None:
        return np.full(len(x), mean)
    return lr.predict((x @ v)[:, sel])


def best(preds, truth):
    rs = np.array([np.corrcoef(p, truth)[0, 1] if np.std(p) > 0 else np.nan for p in preds])
    return int(np.nanargmax(rs))


def main():
    data = json.load(open(sys.argv[1]))
    x, y = np.array(data["x"]), np.array(data["y"])
    sess = np.array(data["sessions"])
    order = list(dict.fromkeys(sess.tolist()))
    n = len(y)
    params = list(range(n - 2, 0, -1))

    # Training: all.
    v = pcs(x)
    lambdas = rocha_lambdas(y, x @ v, params)
    all_models = fit(x, y, lambdas)
    assert [len(m[1]) for m in all_models] == params, "DEIPP's assertion: the all-bins fit selects param components"

    # Training: CV (outer folds, every penalty) and NCV (inner folds).
    ocv = np.zeros((len(params), n))
    chosen, nested = [], np.zeros(n)
    outer_models = {}
    for k in order:
        tr, te = sess != k, sess == k
        ms = fit(x[tr], y[tr], lambdas)
        outer_models[k] = ms
        for p, m in enumerate(ms):
            ocv[p, te] = predict(m, x[te])
    for k in order:
        icv, truth = [[] for _ in params], []
        for kk in order:
            if kk == k:
                continue
            tr = (sess != k) & (sess != kk)
            te = sess == kk
            ms = fit(x[tr], y[tr], lambdas)
            for p, m in enumerate(ms):
                icv[p].extend(predict(m, x[te]))
            truth.extend(y[te])
        p = best([np.array(a) for a in icv], np.array(truth))
        te = sess == k
        nested[te] = ocv[p, te]
        chosen.append({"lambda": lambdas[p], "components": len(outer_models[k][p][1])})

    p = best(list(ocv), y)
    v_all, sel, lr, mean = all_models[p]
    if lr is None:
        w, b = np.zeros(x.shape[1]), mean
    else:
        w, b = v_all[:, sel] @ lr.coef_, lr.intercept_
    out = {"lambdas": lambdas.tolist(), "predictions": nested.tolist(), "chosen": chosen,
           "final": {"weights": w.tolist(), "intercept": float(b), "lambda": lambdas[p], "components": len(sel)}}
    json.dump(out, open(sys.argv[2], "w"))


main()
