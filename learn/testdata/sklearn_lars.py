#!/usr/bin/env python3
"""scikit-learn 1.2.1's lars_path(method="lasso") for painmark's tests.

  sklearn_lars.py IN.json OUT.json

IN: a list of {"x": rows, "y": values}; OUT: per case, alphas, active and coefs (knots x features).
"""
import json
import sys
import warnings

import numpy as np
from sklearn.linear_model import lars_path

warnings.simplefilter("ignore")
out = []
for c in json.load(open(sys.argv[1])):
    alphas, active, coefs = lars_path(np.array(c["x"]), np.array(c["y"]), method="lasso")
    out.append({"alphas": alphas.tolist(), "active": [int(a) for a in active], "coefs": coefs.T.tolist()})
json.dump(out, open(sys.argv[2], "w"))
