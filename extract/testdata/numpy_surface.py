"""Parcel means of CIFTI dtseries + dlabel and GIFTI func + label pairs, from nibabel's reading
and numpy: the peer of extract.CIFTIParcellate and extract.GIFTIParcellate.

Parcels follow the label keys in increasing order, key 0 left out, labels without grayordinates
in the data left out; with "structures", every voxel structure of the dtseries with unlabelled
voxels becomes one more parcel (named after the structure)."""
import json, sys
import numpy as np
import nibabel as nib

cases = json.load(open(sys.argv[1]))
out = []


def gkeys(ax):
    keys = []
    for name, sl, bm in ax.iter_structures():
        for vm, v, vox in zip(bm.volume_mask, bm.vertex, bm.voxel):
            keys.append((name, tuple(int(a) for a in vox)) if vm else (name, int(v)))
    return keys


for c in cases:
    if c["kind"] == "cifti":
        data = nib.load(c["data"])
        lab = nib.load(c["labels"])
        x = data.get_fdata()
        lk = lab.get_fdata()[c.get("map", 0)].astype(int)
        lax = lab.header.get_axis(1)
        dax = data.header.get_axis(1)
        key_of = dict(zip(gkeys(lax), lk))
        dkeys = gkeys(dax)
        keys = np.array([key_of.get(k, 0) for k in dkeys])
        names = {}
        for key, (name, _rgba) in lab.header.get_axis(0).label[c.get("map", 0)].items():
            names[key] = name
        cols, outnames = [], []
        for k in sorted(set(keys[keys > 0])):
            cols.append(x[:, keys == k].mean(axis=1))
            outnames.append(names.get(k, str(k)))
        if c.get("structures"):
            for name, sl, bm in dax.iter_structures():
                if bm.volume_mask.sum() == 0:
                    continue
                idx = np.arange(sl.start, sl.stop if sl.stop is not None else len(dkeys))
                idx = idx[keys[idx] <= 0]
                if len(idx):
                    cols.append(x[:, idx].mean(axis=1))
                    outnames.append(name.replace("CIFTI_STRUCTURE_", ""))
        out.append({"names": outnames, "data": np.column_stack(cols).ravel().tolist(), "cols": len(cols)})
    else:
        cols, outnames = [], []
        for f, l in zip(c["funcs"], c["labels"]):
            x = np.column_stack([d.data for d in nib.load(f).darrays]).astype(np.float64)  # vertices x frames
            lg = nib.load(l)
            keys = lg.darrays[0].data.astype(int)
            names = lg.labeltable.get_labels_as_dict()
            for k in sorted(set(keys[keys > 0])):
                cols.append(x[keys == k].mean(axis=0))
                outnames.append(names.get(k, str(k)))
        out.append({"names": outnames, "data": np.column_stack(cols).ravel().tolist(), "cols": len(cols)})
json.dump(out, open(sys.argv[2], "w"))
