"""Global efficiency and modularity as the Brain Connectivity Toolbox defines them (efficiency_wei,
modularity_und), the peer of connectome.GlobalEfficiency and connectome.Modularity: efficiency from
scipy's shortest paths on the inverse weights; modularity_und transcribed from BCT's MATLAB code
(bctpy's copy aliases mod_asgn to mod_asgn_iter during fine tuning; MATLAB copies, as here)."""
import json, sys
import numpy as np
from scipy.sparse.csgraph import shortest_path


def efficiency_wei(w):
    n = len(w)
    L = np.where(w > 0, 1 / np.where(w > 0, w, 1), 0)
    d = shortest_path(L, method="FW", directed=False)
    with np.errstate(divide="ignore"):
        e = 1 / d
    np.fill_diagonal(e, 0)
    return float(np.sum(e) / (n * n - n))


def modularity_und(A, gamma=1.0):
    n = len(A)
    k = A.sum(axis=0)
    m = k.sum()
    B = A - gamma * np.outer(k, k) / m
    modules = []

    def recur(module):
        nm = len(module)
        modmat = B[np.ix_(module, module)].copy()
        modmat -= np.diag(modmat.sum(axis=0))
        vals, vecs = np.linalg.eigh(modmat)
        v = vecs[:, int(np.argmax(vals))]
        s = np.where(v >= 0, 1.0, -1.0)
        q = s @ modmat @ s
        if q > 0:
            qmax = q
            np.fill_diagonal(modmat, 0)
            it = np.ones(nm, bool)
            si = s.copy()
            while it.any():
                qit = qmax - 4 * si * (modmat @ si)
                cand = np.where(it, qit, -np.inf)
                imax = int(np.argmax(cand))
                qmax = cand[imax]
                si[imax] = -si[imax]
                it[imax] = False
                if qmax > q:
                    q = qmax
                    s = si.copy()
            if abs(s.sum()) == nm:
                modules.append(module)
            else:
                recur(module[s == 1])
                recur(module[s == -1])
        else:
            modules.append(module)

    recur(np.arange(n))
    ci = np.zeros(n, int)
    for c, mod in enumerate(modules):
        ci[mod] = c + 1
    same = ci[:, None] == ci[None, :]
    first = {}  # modules numbered by their first node (discovery order depends on eigenvector signs)
    canon = [first.setdefault(c, len(first) + 1) for c in ci]
    return canon, float(np.sum(B * same) / m)


out = []
for c in json.load(open(sys.argv[1])):
    w = np.array(c["w"]).reshape(c["n"], c["n"])
    ci, q = modularity_und(w)
    out.append({"efficiency": efficiency_wei(w), "modules": ci, "q": q})
json.dump(out, open(sys.argv[2], "w"))
