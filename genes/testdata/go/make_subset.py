#!/usr/bin/env python3
"""Derives genes/testdata/go from Debian's r-bioc-go.db and r-bioc-org.hs.eg.db 3.16.0-1.

  make_subset.py ROOT OUTDIR   (ROOT: where the two .deb files were extracted with dpkg-deb -x)

Terms: "sensory perception of pain" (GO:0019233) and "response to pain" (GO:0048265), their
descendants and their ancestors in BP (every relation type); the relations among them; the direct
human annotations (gene symbol, term, evidence) to the two terms and their descendants; and, for
the two terms, org.Hs.eg.db's own propagated members (go_bp_all) with their evidence codes.
"""
import os
import sqlite3
import sys

root, out = sys.argv[1], sys.argv[2]
lib = os.path.join(root, "usr/lib/R/site-library")
G = sqlite3.connect(os.path.join(lib, "GO.db/extdata/GO.sqlite"))
O = sqlite3.connect(os.path.join(lib, "org.Hs.eg.db/extdata/org.Hs.eg.sqlite"))
seeds = ["GO:0019233", "GO:0048265"]
edges = G.execute("SELECT c.go_id, p.go_id, r.relationship_type FROM go_bp_parents r JOIN go_term c ON c._id = r._id JOIN go_term p ON p._id = r._parent_id").fetchall()


def closure(start, up):
    seen, stack = set(start), list(start)
    while stack:
        x = stack.pop()
        for c, p, _ in edges:
            a, b = (c, p) if up else (p, c)
            if a == x and b not in seen:
                seen.add(b)
                stack.append(b)
    return seen


down = closure(seeds, False)
names = dict(G.execute("SELECT go_id, term FROM go_term WHERE ontology = 'BP'").fetchall())
terms = {t for t in down | closure(seeds, True) if t in names}
with open(os.path.join(out, "go_terms.tsv"), "w") as f:
    f.write("go_id\tontology\tterm\n")
    for t in sorted(terms):
        f.write(f"{t}\tBP\t{names[t]}\n")
with open(os.path.join(out, "go_edges.tsv"), "w") as f:
    f.write("child\tparent\trelation\n")
    for c, p, r in sorted(edges):
        if c in terms and p in terms:
            f.write(f"{c}\t{p}\t{r}\n")
ann = O.execute("SELECT i.symbol, g.go_id, g.evidence FROM go_bp g JOIN gene_info i ON i._id = g._id").fetchall()
with open(os.path.join(out, "go_annotations.tsv"), "w") as f:
    f.write("gene\tgo_id\tevidence\n")
    for row in sorted(set(a for a in ann if a[1] in down)):
        f.write("\t".join(row) + "\n")
with open(os.path.join(out, "go_bp_all_members.tsv"), "w") as f:
    f.write("go_id\tgene\tevidence\n")
    for s in seeds:
        for g, e in sorted(set(O.execute("SELECT i.symbol, g.evidence FROM go_bp_all g JOIN gene_info i ON i._id = g._id WHERE g.go_id = ?", (s,)).fetchall())):
            f.write(f"{s}\t{g}\t{e}\n")
src = [f"GO.sqlite {n} {v}" for n, v in G.execute("SELECT name, value FROM metadata WHERE name IN ('GOSOURCEDATE','GOEGSOURCEDATE')")]
src += [f"org.Hs.eg.sqlite {n} {v}" for n, v in O.execute("SELECT name, value FROM metadata WHERE name IN ('GOSOURCEDATE','EGSOURCEDATE','GOEGSOURCEDATE')")]
open(os.path.join(out, "go_source.txt"), "w").write("; ".join(src) + "\n")
