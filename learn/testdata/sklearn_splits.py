#!/usr/bin/env python3
"""scikit-learn 1.2.1's deterministic splitters for painmark's tests.

  sklearn_splits.py IN.json OUT.json

IN: a list of {"kind": "kfold"|"shuffled"|"repeated"|"stratified"|"groupkfold"|"logo", "n", "k",
"groups", "seed", "repeats", "shuffle"} (stratified uses "groups" as class labels); OUT: for each,
the test indices of every fold in order.
"""
import json
import sys

import numpy as np
from sklearn.model_selection import GroupKFold, KFold, LeaveOneGroupOut, RepeatedKFold, StratifiedKFold

out = []
for c in json.load(open(sys.argv[1])):
    X = np.zeros((c["n"], 1))
    if c["kind"] == "kfold":
        folds = KFold(n_splits=c["k"]).split(X)
    elif c["kind"] == "shuffled":
        folds = KFold(n_splits=c["k"], shuffle=True, random_state=c["seed"]).split(X)
    elif c["kind"] == "repeated":
        folds = RepeatedKFold(n_splits=c["k"], n_repeats=c["repeats"], random_state=c["seed"]).split(X)
    elif c["kind"] == "stratified":
        cv = StratifiedKFold(n_splits=c["k"], shuffle=c["shuffle"], random_state=c["seed"] if c["shuffle"] else None)
        folds = cv.split(X, c["groups"])
    elif c["kind"] == "groupkfold":
        folds = GroupKFold(n_splits=c["k"]).split(X, groups=c["groups"])
    else:
        folds = LeaveOneGroupOut().split(X, groups=c["groups"])
    out.append([test.tolist() for _, test in folds])
json.dump(out, open(sys.argv[2], "w"))
