#!/usr/bin/env python3
"""scikit-learn 1.2.1's Ridge and PCA for painmark's tests.

  sklearn_linear.py IN.json OUT.json

IN: a list of {"x": rows, "y": values, "alpha": ridge alpha, "k": PCA components}. OUT: per case,
Ridge(alpha) coef_ and intercept_, and PCA(n_components=k, svd_solver="full") components_,
explained_variance_, explained_variance_ratio_, singular_values_ and the transformed training data.
"""
import json
import sys

import numpy as np
from sklearn.decomposition import PCA
from sklearn.linear_model import Ridge

out = []
for c in json.load(open(sys.argv[1])):
    X, y = np.array(c["x"]), np.array(c["y"])
    r = Ridge(alpha=c["alpha"]).fit(X, y)
    p = PCA(n_components=c["k"], svd_solver="full").fit(X)
    out.append({"ridge_coef": r.coef_.tolist(), "ridge_intercept": float(r.intercept_),
                "components": p.components_.tolist(), "explained_variance": p.explained_variance_.tolist(),
                "explained_variance_ratio": p.explained_variance_ratio_.tolist(),
                "singular_values": p.singular_values_.tolist(), "transformed": p.transform(X).tolist()})
json.dump(out, open(sys.argv[2], "w"))
