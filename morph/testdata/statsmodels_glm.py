#!/usr/bin/env python3
"""statsmodels 0.13.5 OLS per region for painmark's tests.

  statsmodels_glm.py IN.json OUT.json

IN: {"x": design rows (intercept first), "y": regions x subjects}. OUT: per region params, bse,
tvalues, pvalues, df_resid; and the Benjamini-Hochberg q of the second coefficient's p-values.
"""
import json
import sys

import numpy as np
import statsmodels.api as sm
from statsmodels.stats.multitest import multipletests

d = json.load(open(sys.argv[1]))
X = np.array(d["x"])
out = []
for y in d["y"]:
    r = sm.OLS(np.array(y), X).fit()
    out.append({"params": r.params.tolist(), "bse": r.bse.tolist(), "t": r.tvalues.tolist(), "p": r.pvalues.tolist(), "df": float(r.df_resid)})
q = multipletests([o["p"][1] for o in out], method="fdr_bh")[1].tolist()
json.dump({"regions": out, "q": q}, open(sys.argv[2], "w"))
