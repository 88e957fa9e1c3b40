#!/usr/bin/env python3
"""Morphometric similarity computed with numpy, for painmark's tests.

  numpy_ms.py IN.json OUT.json

IN: {"data": subjects x regions x features}. OUT: per subject the MS matrix (numpy.corrcoef of the
regions' vectors of feature z-scores, each feature z-scored across regions with ddof 1), the
regional MS (row means without the diagonal) and the global MS (their mean).
"""
import json
import sys

import numpy as np

d = np.array(json.load(open(sys.argv[1]))["data"], dtype=float)
out = []
for subj in d:
    z = (subj - subj.mean(axis=0)) / subj.std(axis=0, ddof=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ms = np.corrcoef(z)
    n = ms.shape[0]
    reg = (np.nansum(ms, axis=1) - np.diag(ms)) / (n - 1)
    out.append({"ms": [[None if np.isnan(v) else float(v) for v in row] for row in ms], "regional": reg.tolist(), "global": float(reg.mean())})
json.dump(out, open(sys.argv[2], "w"))
