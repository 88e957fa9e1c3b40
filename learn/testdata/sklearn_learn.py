#!/usr/bin/env python3
"""scikit-learn 1.2.1's estimators on given data, for painmark's learn tests.

  sklearn_learn.py CASES.json OUT.json

Per case (X, y, alpha, l1_ratio, k): RobustScaler (center_, scale_), StandardScaler (mean_, scale_),
f_regression F, SelectKBest(f_regression, k) support, ElasticNet(alpha, l1_ratio, max_iter=100000,
tol=1e-10) coef_/intercept_/n_iter_ on the raw data, the Pipeline(RobustScaler, SelectKBest,
ElasticNet) predictions on the training data and cross_val_predict with LeaveOneOut.
"""
import json
import sys

import numpy as np
from sklearn.feature_selection import SelectKBest, f_regression
from sklearn.linear_model import ElasticNet
from sklearn.model_selection import LeaveOneOut, cross_val_predict
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import RobustScaler, StandardScaler


def run(c):
    X, y = np.array(c["x"]), np.array(c["y"])
    rs = RobustScaler().fit(X)
    ss = StandardScaler().fit(X)
    F, _ = f_regression(X, y)
    sel = SelectKBest(f_regression, k=c["k"]).fit(X, y).get_support(indices=True)
    en = ElasticNet(alpha=c["alpha"], l1_ratio=c["l1_ratio"], max_iter=100000, tol=1e-10).fit(X, y)
    pipe = Pipeline([("scaler", RobustScaler()), ("fsel", SelectKBest(f_regression, k=c["k"])),
                     ("model", ElasticNet(alpha=c["alpha"], l1_ratio=c["l1_ratio"], max_iter=100000, tol=1e-10))])
    loo = cross_val_predict(pipe, X, y, cv=LeaveOneOut())
    pipe.fit(X, y)
    return {"robust_center": rs.center_.tolist(), "robust_scale": rs.scale_.tolist(),
            "standard_mean": ss.mean_.tolist(), "standard_scale": ss.scale_.tolist(),
            "f": F.tolist(), "selected": sel.tolist(), "coef": en.coef_.tolist(),
            "intercept": float(en.intercept_), "pipe_pred": pipe.predict(X).tolist(), "loo": loo.tolist()}


def main():
    with open(sys.argv[1]) as fh:
        cases = json.load(fh)
    with open(sys.argv[2], "w") as fh:
        json.dump([run(c) for c in cases], fh)


if __name__ == "__main__":
    main()
