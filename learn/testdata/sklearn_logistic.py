#!/usr/bin/env python3
"""scikit-learn 1.2.1's binary LogisticRegression (l2) run to convergence, for painmark's tests.

  sklearn_logistic.py IN.json OUT.json

IN: a list of {"x": rows, "y": 0/1 values, "c": C}; OUT: per case, coef_, intercept_, n_iter_ and
predict_proba[:, 1] on the training data. The solver is newton-cg with tol 1e-12 (it stops on the
largest gradient entry only): the default lbfgs also stops when the objective's relative decrease
falls below scipy's ftol (2.2e-9), which leaves coefficients about 1e-3 from the minimiser when
there are more features than samples, so its answer is not the converged one.
"""
import json
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression

out = []
for c in json.load(open(sys.argv[1])):
    X, y = np.array(c["x"]), np.array(c["y"])
    m = LogisticRegression(C=c["c"], solver="newton-cg", tol=1e-12, max_iter=100000).fit(X, y)
    out.append({"coef": m.coef_[0].tolist(), "intercept": float(m.intercept_[0]), "n_iter": int(m.n_iter_[0]),
                "proba": m.predict_proba(X)[:, 1].tolist()})
json.dump(out, open(sys.argv[2], "w"))
