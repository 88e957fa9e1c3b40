#!/usr/bin/env python3
"""pandas' reading of tables, for painmark's Go tests (Debian's /usr/bin/python3, pandas 1.5).

  pandas_tables.py OUTDIR FILE...   one JSON per file: column count, each column's pandas dtype
                                    kind and values (float64 as hex; NaN where pandas sees missing)

Separator by extension (.csv → ',', or ';' when the header line has ';' and no ',' as painmark
sniffs; otherwise tab), pandas' default na_values, and
float_precision='round_trip' so that numbers are correctly rounded (pandas' default C parser
may be off in the last bit; painmark parses correctly rounded).
"""
import gzip
import json
import os
import sys

import numpy as np
import pandas as pd


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    for i, path in enumerate(sys.argv[2:]):
        sep = "," if path.replace(".gz", "").endswith(".csv") else "\t"
        if sep == ",":  # painmark's rule: a .csv whose header has ';' but no ',' is ';'-separated
            opener = gzip.open if path.endswith(".gz") else open
            with opener(path, "rt", encoding="utf-8", errors="replace") as fh:
                header = fh.readline()
            if "," not in header and ";" in header:
                sep = ";"
        try:
            df = pd.read_csv(path, sep=sep, float_precision="round_trip", low_memory=False)
        except pd.errors.ParserError as e:  # not a rectangular table: painmark must refuse it too
            with open(os.path.join(outdir, "%04d.json" % i), "w") as fh:
                json.dump({"file": os.path.abspath(path), "error": str(e)}, fh)
            continue
        cols = []
        for j in range(df.shape[1]):
            s = df.iloc[:, j]
            c = {"kind": s.dtype.kind}
            if s.dtype.kind in "iuf":
                c["hex"] = np.asarray(s, dtype="<f8").tobytes().hex()
            else:
                c["missing"] = [bool(v) for v in s.isna()]
            cols.append(c)
        with open(os.path.join(outdir, "%04d.json" % i), "w") as fh:
            json.dump({"file": os.path.abspath(path), "rows": int(df.shape[0]), "columns": cols}, fh)


if __name__ == "__main__":
    main()
