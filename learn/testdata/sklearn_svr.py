#!/usr/bin/env python3
"""scikit-learn 1.2.1's SVR (libsvm epsilon-SVR) run to convergence, for painmark's tests.

  sklearn_svr.py IN.json OUT.json

IN: a list of {"x": rows, "y": values, "x_new": rows, "kernel", "c", "epsilon"} (gamma "scale");
OUT: per case, intercept_, the predictions for x_new, the number of support vectors and, for the
linear kernel, coef_. tol 1e-12: the converged answer.
"""
import json
import sys

import numpy as np
from sklearn.svm import SVR

out = []
for c in json.load(open(sys.argv[1])):
    X, y = np.array(c["x"]), np.array(c["y"])
    m = SVR(kernel=c["kernel"], C=c["c"], epsilon=c["epsilon"], gamma="scale", tol=1e-12).fit(X, y)
    r = {"intercept": float(m.intercept_[0]), "pred": m.predict(np.array(c["x_new"])).tolist(), "n_support": int(len(m.support_))}
    if c["kernel"] == "linear":
        r["coef"] = m.coef_[0].tolist()
    out.append(r)
json.dump(out, open(sys.argv[2], "w"))
