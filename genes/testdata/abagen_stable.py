#!/usr/bin/env python3
"""abagen.correct.keep_stable_genes (abagen 0.1.3) transcribed with pandas and numpy, and abagen's
donor aggregation, for painmark's tests (abagen itself is not installed here).

  abagen_stable.py IN.json OUT.json

IN: {"files": donor CSVs (label column, then genes), "threshold", "percentile", "rank"}.
OUT: each gene's stability, the kept genes, the cutoff, and the kept genes' donor mean per label
(pandas groupby mean, NaN skipped).
"""
import itertools
import json
import sys

import numpy as np
import pandas as pd

d = json.load(open(sys.argv[1]))
expression = [pd.read_csv(f, index_col=0) for f in d["files"]]
for_corr = [e.rank() for e in expression] if d["rank"] else expression


def efficient_corr(x, y):  # abagen.utils.efficient_corr: column-wise Pearson
    x, y = np.asarray(x, float), np.asarray(y, float)
    xz = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    yz = (y - y.mean(axis=0)) / y.std(axis=0, ddof=1)
    return (xz * yz).sum(axis=0) / (len(x) - 1)


n = len(expression)
gene_corrs = np.zeros((expression[0].shape[1], sum(range(n))))
for k, (s1, s2) in enumerate(itertools.combinations(range(n), 2)):
    regions = np.intersect1d(for_corr[s1].dropna(axis=0, how="all").index, for_corr[s2].dropna(axis=0, how="all").index)
    with np.errstate(invalid="ignore", divide="ignore"):
        gene_corrs[:, k] = efficient_corr(for_corr[s1].loc[regions], for_corr[s2].loc[regions])
with np.errstate(invalid="ignore"):
    import warnings
    warnings.simplefilter("ignore")
    stab = np.nan_to_num(np.nanmean(gene_corrs, axis=1))
threshold = d["threshold"]
if d["percentile"]:
    threshold = np.percentile(stab, threshold * 100)
keep = stab >= threshold
kept = [e.iloc[:, keep] for e in expression]
mean = pd.concat(kept).groupby(level=0, sort=False).mean()
json.dump({"stability": stab.tolist(), "kept": [str(g) for g in expression[0].columns[keep]], "cutoff": float(threshold),
           "labels": [str(i) for i in mean.index], "mean": [[None if np.isnan(v) else float(v) for v in row] for row in mean.to_numpy()]},
          open(sys.argv[2], "w"))
