#!/usr/bin/env python3
"""ROI signals computed with nibabel 5.0 + numpy 1.24 (+ scipy 1.10), for painmark's extract tests.

  numpy_extract.py CASES.json OUT.json

Each case names a 4D image and a masker:
  labels:  a label image (resampled onto the data grid with scipy.ndimage.affine_transform(order=0)
           as nilearn's resample_to_img(interpolation="nearest") does, when grids differ) and a
           reduction per region and volume: np.mean, np.median, np.sum, np.min, np.max, np.std,
           np.var (nan-versions when non-finite values are allowed);
  maps:    a 4D map image on the data grid; np.linalg.lstsq(maps, data) (nilearn's
           NiftiMapsMasker) or the weighted mean sum(w*x)/sum(w);
  spheres: voxels whose centres are within the radius of each seed, plus the voxel at the seed's
           rounded voxel coordinates (nilearn's NiftiSpheresMasker), averaged.
Data are read with get_fdata() (float64).
"""
import json
import sys

import nibabel as nib
import numpy as np
from scipy import ndimage

RED = {"mean": np.mean, "median": np.median, "sum": np.sum, "minimum": np.min, "maximum": np.max,
       "standard_deviation": np.std, "variance": np.var}
NANRED = {"mean": np.nanmean, "median": np.nanmedian, "sum": np.nansum, "minimum": np.nanmin,
          "maximum": np.nanmax, "standard_deviation": np.nanstd, "variance": np.nanvar}


def labels_on_grid(atlas, img):
    lab = nib.load(atlas)
    data = np.asanyarray(lab.dataobj)
    if data.ndim > 3:
        data = data[..., 0]
    if lab.shape[:3] == img.shape[:3] and np.allclose(lab.affine, img.affine, atol=1e-6, rtol=0):
        return data
    A = np.linalg.inv(lab.affine) @ img.affine
    M, b = A[:3, :3], A[:3, 3]
    if np.all(np.diag(np.diag(M)) == M):
        M = np.diag(M)
    return ndimage.affine_transform(data, M, offset=b, output_shape=img.shape[:3], order=0, mode="constant", cval=0)


def run(case):
    img = nib.load(case["data"])
    data = img.get_fdata()
    T = data.shape[3]
    X = data.reshape(-1, T, order="F")
    kind = case["kind"]
    if kind == "labels":
        lab = labels_on_grid(case["atlas"], img).reshape(-1, order="F")
        red = (NANRED if case.get("allow_nonfinite") else RED)[case["strategy"]]
        out = np.empty((T, len(case["labels"])))
        for j, l in enumerate(case["labels"]):
            vox = X[lab == l]
            out[:, j] = red(vox, axis=0) if vox.shape[0] else np.nan
        return out
    if kind == "maps":
        maps = nib.load(case["atlas"]).get_fdata().reshape(-1, nib.load(case["atlas"]).shape[3], order="F")
        if case["strategy"] == "lstsq":
            return np.linalg.lstsq(maps, X, rcond=None)[0].T
        return (maps.T @ X / maps.sum(axis=0)[:, None]).T
    if kind == "spheres":
        shape = img.shape[:3]
        ijk = np.array(np.unravel_index(np.arange(int(np.prod(shape))), shape, order="F")).T
        xyz = nib.affines.apply_affine(img.affine, ijk)
        inv = np.linalg.inv(img.affine)
        out = np.empty((T, len(case["seeds"])))
        for j, s in enumerate(case["seeds"]):
            sel = np.sum((xyz - np.asarray(s)) ** 2, axis=1) <= case["radius"] ** 2
            near = np.round(nib.affines.apply_affine(inv, s)).astype(int)
            if np.all(near >= 0) and np.all(near < shape):
                sel[np.ravel_multi_index(tuple(near), shape, order="F")] = True
            out[:, j] = X[sel].mean(axis=0)
        return out
    raise ValueError(kind)


def main():
    with open(sys.argv[1]) as fh:
        cases = json.load(fh)
    with open(sys.argv[2], "w") as fh:
        json.dump([np.where(np.isnan(r), None, r).tolist() for r in (run(c) for c in cases)], fh)


if __name__ == "__main__":
    main()
