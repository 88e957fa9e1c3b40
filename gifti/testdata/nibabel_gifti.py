"""Peer for gifti's live test: nibabel reads the real GIFTI files and writes new ones in every
inline encoding (with a label table), and reports every array as nibabel sees it.

usage: nibabel_gifti.py in.json out.json   (in: {"real": [paths], "dir": folder for new files})
"""
import json
import os
import sys

import nibabel as nib
import numpy as np

with open(sys.argv[1]) as f:
    cfg = json.load(f)

rng = np.random.default_rng(7)
written = []
for enc in ["ASCII", "Base64Binary", "GZipBase64Binary"]:
    for endian in ["LittleEndian", "BigEndian"]:
        if enc == "ASCII" and endian == "BigEndian":
            continue
        shape = nib.gifti.GiftiDataArray(rng.normal(size=(50,)).astype(np.float32), intent="NIFTI_INTENT_SHAPE",
                                         datatype="NIFTI_TYPE_FLOAT32", encoding=enc, endian=endian)
        labels = nib.gifti.GiftiDataArray(rng.integers(0, 3, size=50).astype(np.int32), intent="NIFTI_INTENT_LABEL",
                                          datatype="NIFTI_TYPE_INT32", encoding=enc, endian=endian)
        matrix = nib.gifti.GiftiDataArray(rng.normal(size=(7, 4)), intent="NIFTI_INTENT_NONE",
                                          datatype="NIFTI_TYPE_FLOAT64", encoding=enc, endian=endian)
        table = nib.gifti.GiftiLabelTable()
        for key, name, rgba in [(0, "???", (0, 0, 0, 0)), (1, "precentral", (0.2, 0.4, 0.6, 1)), (2, "postcentral", (1, 0.5, 0.25, 1))]:
            lab = nib.gifti.GiftiLabel(key, *rgba)
            lab.label = name
            table.labels.append(lab)
        img = nib.gifti.GiftiImage(darrays=[shape, labels, matrix], labeltable=table)
        path = os.path.join(cfg["dir"], "written_%s_%s.gii" % (enc, endian))
        nib.save(img, path)
        written.append(path)

out = {}
for path in cfg["real"] + written:
    img = nib.load(path)
    arrays = []
    for da in img.darrays:
        arrays.append({"intent": nib.nifti1.intent_codes.niistring[da.intent], "dims": list(da.data.shape),
                       "data": np.asarray(da.data, dtype=float).ravel().tolist()})
    labels = [[l.key, l.label, l.red, l.green, l.blue, l.alpha] for l in img.labeltable.labels]
    out[path] = {"arrays": arrays, "labels": labels}
with open(sys.argv[2], "w") as f:
    json.dump(out, f)
