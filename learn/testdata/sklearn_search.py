#!/usr/bin/env python3
"""scikit-learn 1.2.1's grid search run to convergence, for painmark's path search tests.

  sklearn_search.py IN.json OUT.json

IN: a list of {"x": rows, "y": values, "k": [...], "alpha": [...], "l1_ratio": [...], "scoring":
name, "folds": number of leading leave-one-out folds}. For each fold and each candidate of
ParameterGrid (GridSearchCV's order) a Pipeline(RobustScaler, SelectKBest(f_regression),
ElasticNet(max_iter=100000, tol=1e-10)) is fitted on the fold's training samples and scored on its
test sample, as GridSearchCV does, recording whether ElasticNet converged (n_iter_ < max_iter):
where scikit-learn stops at max_iter its numbers are not the converged answer and are not compared.
OUT: per case, the fold x candidate scores and convergence flags, best_index_ by GridSearchCV's rule
(highest mean, first among ties), and the best candidate refitted on all samples.
"""
import json
import sys
import warnings

import numpy as np
from sklearn.feature_selection import SelectKBest, f_regression
from sklearn.linear_model import ElasticNet
from sklearn.metrics import mean_absolute_error, mean_squared_error
from sklearn.model_selection import LeaveOneOut, ParameterGrid
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import RobustScaler

warnings.simplefilter("ignore")  # non-convergence is reported through the flags instead
MAX_ITER = 100000


def pipe(p):
    return Pipeline([("scaler", RobustScaler()), ("fsel", SelectKBest(f_regression)),
                     ("model", ElasticNet(max_iter=MAX_ITER, tol=1e-10))]).set_params(**p)


out = []
for d in json.load(open(sys.argv[1])):
    X, y = np.array(d["x"]), np.array(d["y"])
    loss = mean_absolute_error if d["scoring"] == "neg_mean_absolute_error" else mean_squared_error
    grid = list(ParameterGrid({"fsel__k": d["k"], "model__alpha": d["alpha"], "model__l1_ratio": d["l1_ratio"]}))
    scores, converged = [], []
    for train, test in list(LeaveOneOut().split(X))[: d["folds"]]:
        s, c = [], []
        for p in grid:
            m = pipe(p).fit(X[train], y[train])
            s.append(-float(loss(y[test], m.predict(X[test]))))
            c.append(bool(m.named_steps["model"].n_iter_ < MAX_ITER))
        scores.append(s)
        converged.append(c)
    mean = np.mean(np.array(scores), axis=0)
    best = int(np.argmax(mean))  # the first maximum, as rankdata(method="min") + argmin
    model = pipe(grid[best]).fit(X, y).named_steps["model"]
    out.append({"fold_scores": scores, "converged": converged, "best": best, "coef": model.coef_.tolist(),
                "intercept": float(model.intercept_), "refit_converged": bool(model.n_iter_ < MAX_ITER)})
json.dump(out, open(sys.argv[2], "w"))
