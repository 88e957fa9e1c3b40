"""Lee et al.'s nested leave-one-session-out decoder composed of scikit-learn's own parts.

The peer of painmark's decode (--selection components) in the extended suite and in bench/decode:
per fold PCA (svd_solver="full"), lars_path(method="lasso") over the component scores, one
LinearRegression refit on the selected scores for each number of components (relaxed lasso);
inner leave-one-session-out chooses the number of components by the pooled prediction-outcome r.
"""
import json, sys, time
import numpy as np
from sklearn.decomposition import PCA
from sklearn.linear_model import LinearRegression, lars_path
if sys.argv[1].endswith(".json"):  # the extended suite: in.json (x, y, sessions) and out.json
    data = json.load(open(sys.argv[1]))
    x, y, sess, folds = np.array(data["x"]), np.array(data["y"]), np.array(data["sessions"]), len(set(data["sessions"]))
else:  # the benchmark: x.npy y.npy sessions.json folds, answer on stdout
    x, y = np.load(sys.argv[1]), np.load(sys.argv[2])
    sess = np.array(json.load(open(sys.argv[3])))
    folds = int(sys.argv[4])
order = list(dict.fromkeys(sess.tolist()))

def path_models(xtr, ytr):
    # DEIPP's model: PCA, lasso path over the scores (LARS), relaxed OLS per number of components.
    pca = PCA(svd_solver="full").fit(xtr)
    s = pca.transform(xtr)
    _, _, coefs = lars_path(s, ytr - ytr.mean(), method="lasso")
    seen, models = {0}, []
    for kn in range(coefs.shape[1]):
        sel = np.flatnonzero(coefs[:, kn])
        if len(sel) in seen:
            continue
        seen.add(len(sel))
        lr = LinearRegression().fit(s[:, sel], ytr)
        models.append((pca, sel, lr))
    return models

def predict(m, x):
    pca, sel, lr = m
    return lr.predict(pca.transform(x)[:, sel])

t0 = time.perf_counter()
preds, bins = [], []
for s in order[:folds]:
    tr, te = np.flatnonzero(sess != s), np.flatnonzero(sess == s)
    inner_p, inner_y = [], []
    for si in dict.fromkeys(sess[tr].tolist()):
        itr, ite = tr[sess[tr] != si], tr[sess[tr] == si]
        ms = path_models(x[itr], y[itr])
        inner_p.append(np.array([predict(m, x[ite]) for m in ms]))
        inner_y.append(y[ite])
    kmax = min(p.shape[0] for p in inner_p)
    truth = np.concatenate(inner_y)
    rs = [np.corrcoef(np.concatenate([p[k] for p in inner_p]), truth)[0, 1] for k in range(kmax)]
    best = int(np.argmax(rs))
    ms = path_models(x[tr], y[tr])
    preds += predict(ms[min(best, len(ms) - 1)], x[te]).tolist()
    bins += te.tolist()
secs = time.perf_counter() - t0
answer = json.dumps({"seconds": secs, "predictions": preds, "bins": bins})
if sys.argv[1].endswith(".json"):
    open(sys.argv[2], "w").write(answer)
else:
    print(answer)
