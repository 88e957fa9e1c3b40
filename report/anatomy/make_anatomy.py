"""Writes the anatomical underlays of painmark's report figures (SOURCE.md says what and why).

Run from the repository root with nibabel and numpy:
    python3 report/anatomy/make_anatomy.py ../shared/peers/nilearn-0.10.3/nilearn/datasets/data ../shared/data/pam50/template

Layout of each .bin (gzip-compressed, little-endian): 3 uint32 (shape, x fastest), 12 float32 (the
first three rows of the voxel-to-mm affine), then one uint8 volume per channel.
"""
import gzip
import struct
import sys

import nibabel as nib
import numpy as np


def write(path, shape, affine, channels):
    with gzip.GzipFile(path, "wb", compresslevel=9, mtime=0) as f:
        f.write(struct.pack("<3I", *shape))
        f.write(struct.pack("<12f", *np.asarray(affine[:3], dtype=np.float64).ravel()))
        for c in channels:
            f.write(np.asarray(c, dtype=np.uint8).ravel(order="F").tobytes())


mni_dir, pam_dir = sys.argv[1], sys.argv[2]
# MNI ICBM152 2009a nonlinear symmetric T1, skull-stripped (nilearn's converted copy, 1 mm,
# 0-255): 2 x 2 x 2 block means on a 2 mm grid whose voxel centres are the blocks' centres.
t1 = nib.load(f"{mni_dir}/mni_icbm152_t1_tal_nlin_sym_09a_converted.nii.gz")
d = np.asarray(t1.dataobj, dtype=np.float64)
s = [n // 2 for n in d.shape]
d = d[: 2 * s[0], : 2 * s[1], : 2 * s[2]].reshape(s[0], 2, s[1], 2, s[2], 2).mean(axis=(1, 3, 5))
A = t1.affine.copy()
A[:3, :3] *= 2
A[:3, 3] += 0.5 * np.diag(t1.affine)[:3]
write("report/anatomy/mni152_2mm.bin.gz", s, A, [np.round(d)])

# PAM50 cervical cord (De Leener et al. 2018), 0.5 mm -> 1 mm (2 x 2 x 2 blocks: cord where most
# of the block is cord, grey matter where the mean GM probability is at least 0.5, the spinal level
# by majority), from z = -200 mm (below C8) to the top of the cord mask.
cord = nib.load(f"{pam_dir}/PAM50_cord.nii.gz")
A0 = cord.affine
c = np.asarray(cord.dataobj) > 0
gm = np.asarray(nib.load(f"{pam_dir}/PAM50_gm.nii.gz").dataobj, dtype=np.float64)
lev = np.asarray(nib.load(f"{pam_dir}/PAM50_spinal_levels.nii.gz").dataobj).astype(np.int64)
inv = np.linalg.inv(A0)
zlo = int(np.floor((inv @ [0, 0, -200, 1])[2]))
ii, jj, kk = np.nonzero(c)
box = [(ii.min() - 10, ii.max() + 11), (jj.min() - 10, jj.max() + 11), (zlo, c.shape[2])]
sl = tuple(slice(a, a + 2 * ((b - a) // 2)) for a, b in box)
shape = [(b - a) // 2 for a, b in box]


def blocks(v):
    v = v[sl]
    return v.reshape(shape[0], 2, shape[1], 2, shape[2], 2)


label = np.where(blocks(c.astype(np.float64)).mean(axis=(1, 3, 5)) >= 0.5, 1, 0)
label[(label == 1) & (blocks(gm).mean(axis=(1, 3, 5)) >= 0.5)] = 2
lv = blocks(lev).max(axis=(1, 3, 5))
A = A0.copy()
A[:3, :3] = A0[:3, :3] * 2
A[:3, 3] = (A0 @ [box[0][0] + 0.5, box[1][0] + 0.5, box[2][0] + 0.5, 1])[:3]
write("report/anatomy/pam50_cervical_1mm.bin.gz", shape, A, [label, lv])
print("mni", s, "pam50", shape)
