#!/usr/bin/env python3
"""scikit-learn 1.2.1's RandomForestRegressor and DecisionTreeRegressor, for painmark's tests.

  sklearn_forest.py IN.json OUT.json

IN: a list of {"x": rows, "y": values, "x_new": rows, "forest": bool, "n_estimators",
"max_depth" (0: None), "min_samples_split", "min_samples_leaf", "max_features" (string as
painmark takes it), "bootstrap", "random_state", "loo_k"}.
OUT: per case, the predictions for x_new, feature_importances_, and the first tree's node arrays
(children_left, children_right, feature, threshold, value, impurity, weighted_n_node_samples);
with loo_k > 0 also the leave-one-out predictions of Pipeline(RobustScaler, SelectKBest(f_regression,
loo_k), the model) on x, y (the CSps study's random-forest baseline).
"""
import json
import sys

import numpy as np
from sklearn.ensemble import RandomForestRegressor
from sklearn.feature_selection import SelectKBest, f_regression
from sklearn.model_selection import LeaveOneOut, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import RobustScaler
from sklearn.tree import DecisionTreeRegressor


def max_features(s):
    if s in ("sqrt", "log2"):
        return s
    if s == "":
        return 1.0
    return float(s) if "." in s else int(s)


out = []
for c in json.load(open(sys.argv[1])):
    X, y = np.array(c["x"]), np.array(c["y"])
    kw = dict(max_depth=c["max_depth"] or None, min_samples_split=c["min_samples_split"],
              min_samples_leaf=c["min_samples_leaf"], max_features=max_features(c["max_features"]),
              random_state=c["random_state"])
    if c["forest"]:
        m = RandomForestRegressor(n_estimators=c["n_estimators"], bootstrap=c["bootstrap"], **kw).fit(X, y)
        tree = m.estimators_[0].tree_
    else:
        m = DecisionTreeRegressor(**kw).fit(X, y)
        tree = m.tree_
    loo = None
    if c.get("loo_k"):
        pipe = make_pipeline(RobustScaler(), SelectKBest(f_regression, k=c["loo_k"]), m)
        loo = cross_val_predict(pipe, X, y, cv=LeaveOneOut()).tolist()
    out.append({
        "loo": loo,
        "pred": m.predict(np.array(c["x_new"])).tolist(),
        "importances": m.feature_importances_.tolist(),
        "left": tree.children_left.tolist(),
        "right": tree.children_right.tolist(),
        "feature": tree.feature.tolist(),
        "threshold": tree.threshold.tolist(),
        "value": tree.value[:, 0, 0].tolist(),
        "impurity": tree.impurity.tolist(),
        "weighted": tree.weighted_n_node_samples.tolist(),
    })
json.dump(out, open(sys.argv[2], "w"))
