"""Peer for freesurfer's live test: nibabel reads the real fsaverage5 annotations and writes a
FreeSurfer triangle surface and a curvature file (from the real fsaverage5 pial GIFTI), then reads
them back as read_geometry and read_morph_data do.

usage: nibabel_surface.py in.json out.json   (in: {"annot": [paths], "gifti": path, "dir": folder})
"""
import json
import os
import sys

import nibabel as nib
import numpy as np
from nibabel import freesurfer as fs

with open(sys.argv[1]) as f:
    cfg = json.load(f)

out = {"annot": {}}
for path in cfg["annot"]:
    labels, ctab, names = fs.read_annot(path)
    out["annot"][path] = {"labels": labels.tolist(), "names": [n.decode() for n in names],
                          "ctab": ctab.tolist()}

g = nib.load(cfg["gifti"])
coords = g.darrays[0].data.astype(np.float32)
faces = g.darrays[1].data.astype(np.int32)
surf = os.path.join(cfg["dir"], "lh.pial")
fs.write_geometry(surf, coords, faces, create_stamp="created by painmark's test")
curv = os.path.join(cfg["dir"], "lh.thickness")
fs.write_morph_data(curv, np.linalg.norm(coords, axis=1).astype(np.float32), fnum=len(faces))
v, f = fs.read_geometry(surf)
out["surface"] = {"path": surf, "vertices": v.astype(float).ravel().tolist(), "faces": f.ravel().tolist()}
out["morph"] = {"path": curv, "values": fs.read_morph_data(curv).astype(float).tolist()}
with open(sys.argv[2], "w") as fh:
    json.dump(out, fh)
