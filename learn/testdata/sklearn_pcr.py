#!/usr/bin/env python3
"""Principal-component regression with lasso selection and relaxed refit, composed from
scikit-learn 1.2.1's PCA, lars_path and LinearRegression, for painmark's tests.

  sklearn_pcr.py IN.json OUT.json

IN: a list of {"x": rows, "y": values, "k": components}. For each case: PCA(n_components=k,
svd_solver="full") scores, lars_path(scores, y - mean(y), method="lasso"), and at each knot whose
number of nonzero components is seen for the first time, LinearRegression on those components'
scores; the weights projected back to the features (coef @ components_) with the intercept
intercept_ - mean_ @ w. OUT: per case, the list of {"selected", "alpha", "coef", "intercept"}.
"""
import json
import sys
import warnings

import numpy as np
from sklearn.decomposition import PCA
from sklearn.linear_model import LinearRegression, lars_path

warnings.simplefilter("ignore")
out = []
for c in json.load(open(sys.argv[1])):
    X, y = np.array(c["x"]), np.array(c["y"])
    pca = PCA(n_components=c["k"], svd_solver="full").fit(X)
    s = pca.transform(X)
    alphas, _, coefs = lars_path(s, y - y.mean(), method="lasso")
    seen, models = {0}, []
    for kn in range(coefs.shape[1]):
        sel = np.flatnonzero(coefs[:, kn])
        if len(sel) in seen:
            continue
        seen.add(len(sel))
        lr = LinearRegression().fit(s[:, sel], y)
        w = lr.coef_ @ pca.components_[sel]
        models.append({"selected": sorted(int(v) for v in sel), "alpha": float(alphas[kn]), "coef": w.tolist(),
                       "intercept": float(lr.intercept_ - pca.mean_ @ w)})
    out.append(models)
json.dump(out, open(sys.argv[2], "w"))
