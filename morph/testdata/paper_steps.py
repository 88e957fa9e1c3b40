#!/usr/bin/env python3
"""Martins et al. (2022)'s subject-level tests transcribed with numpy, scipy and statsmodels, for
painmark's tests.

  paper_steps.py IN.json OUT.json

IN: {"data": subjects x regions x features, "x": design rows (intercept, case, covariates...),
"classes": one class label per region ("" for none)}. Steps: each subject's MS network (features
z-scored across regions, ddof 1; numpy.corrcoef between regions), regional MS (row means without the
diagonal), global MS (their mean); statsmodels OLS of each outcome on x, the case term (column 1).
OUT: the case term of global MS; each class's class-level MS (mean regional MS over its regions,
classes sorted) with its case term and the Benjamini-Hochberg q across classes; the case-control t
map with all features and with each feature left out, and scipy's Spearman rho of each with the
full map.
"""
import json
import sys

import numpy as np
import statsmodels.api as sm
from scipy.stats import spearmanr
from statsmodels.stats.multitest import multipletests

d = json.load(open(sys.argv[1]))
data = np.array(d["data"], dtype=float)
X = np.array(d["x"], dtype=float)
labels = d["classes"]


def regional_ms(features):
    out = []
    for subj in data[:, :, features]:
        z = (subj - subj.mean(axis=0)) / subj.std(axis=0, ddof=1)
        ms = np.corrcoef(z)
        n = ms.shape[0]
        out.append((ms.sum(axis=1) - np.diag(ms)) / (n - 1))
    return np.array(out)  # subjects x regions


def case_term(y):
    r = sm.OLS(y, X).fit()
    return {"beta": float(r.params[1]), "se": float(r.bse[1]), "t": float(r.tvalues[1]), "p": float(r.pvalues[1]), "df": float(r.df_resid)}


nf = data.shape[2]
reg = regional_ms(list(range(nf)))
out = {"global": case_term(reg.mean(axis=1))}
classes = sorted(set(c for c in labels if c != ""))
cls_vals = np.array([[row[[i for i, c in enumerate(labels) if c == k]].mean() for k in classes] for row in reg])
effects = [case_term(cls_vals[:, k]) for k in range(len(classes))]
q = multipletests([e["p"] for e in effects], method="fdr_bh")[1]
for e, qq in zip(effects, q):
    e["q"] = float(qq)
out["classes"] = classes
out["class_values"] = cls_vals.tolist()
out["class_effects"] = effects
full_t = np.array([case_term(reg[:, r])["t"] for r in range(reg.shape[1])])
out["full_t"] = full_t.tolist()
out["lofo_t"], out["lofo_rho"] = [], []
for f in range(nf):
    r = regional_ms([g for g in range(nf) if g != f])
    t = np.array([case_term(r[:, k])["t"] for k in range(r.shape[1])])
    out["lofo_t"].append(t.tolist())
    out["lofo_rho"].append(float(spearmanr(t, full_t).correlation))
json.dump(out, open(sys.argv[2], "w"))
