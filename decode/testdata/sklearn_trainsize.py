"""DEIPP's learning curve (analysis_predict_rating_func_trainsize.m) transcribed with numpy and
scikit-learn, for the draws painmark made: for each training size and repeat, every session k is
predicted by PCA + lars_path (lasso) + LinearRegression on the relaxed selection (the nested
peer's path_models) trained on the drawn sessions, with the number of components fold k chose;
the repeat's r pools every session's bins."""
import json, sys
import numpy as np
from sklearn.decomposition import PCA
from sklearn.linear_model import LinearRegression, lars_path

d = json.load(open(sys.argv[1]))
x, y, sess = np.array(d["x"]), np.array(d["y"]), np.array(d["sessions"])
order, comps = d["order"], d["components"]


def path_models(xtr, ytr):
    pca = PCA(svd_solver="full").fit(xtr)
    s = pca.transform(xtr)
    _, _, coefs = lars_path(s, ytr - ytr.mean(), method="lasso")
    seen, models = {0}, []
    for kn in range(coefs.shape[1]):
        sel = np.flatnonzero(coefs[:, kn])
        if len(sel) in seen:
            continue
        seen.add(len(sel))
        models.append((pca, sel, LinearRegression().fit(s[:, sel], ytr)))
    return models


out = []
for size in d["draws"]:  # sizes, then repeats, then held-out sessions
    rows = []
    for rep in size:
        pred = np.zeros(len(y))
        for k, s in enumerate(order):
            others = [o for o in order if o != s]
            tr = np.flatnonzero(np.isin(sess, [others[i] for i in rep[k]]))
            te = np.flatnonzero(sess == s)
            ms = path_models(x[tr], y[tr])
            pca, sel, lr = ms[max(0, min(comps[k] - 1, len(ms) - 1))]
            pred[te] = lr.predict(pca.transform(x[te])[:, sel])
        rows.append({"r": float(np.corrcoef(pred, y)[0, 1]), "pred": pred.tolist()})
    out.append(rows)
json.dump(out, open(sys.argv[2], "w"))
