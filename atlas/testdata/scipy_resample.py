#!/usr/bin/env python3
"""nilearn's nearest-neighbour resampling of a label image, for painmark's Go tests.

  scipy_resample.py SOURCE TARGET OUT.npy

Resamples SOURCE's labels onto TARGET's voxel grid exactly as nilearn.image.resample_to_img(...,
interpolation="nearest") does (nilearn is not packaged for Debian, so its steps are reproduced
with nibabel 5.0 and scipy 1.10): A = inv(source_affine) @ target_affine; a diagonal 3x3 part is
passed as a vector; scipy.ndimage.affine_transform(order=0, mode="constant", cval=0). The labels
are written as float64 in NIfTI (Fortran) order.
"""
import sys

import nibabel as nib
import numpy as np
from scipy import ndimage

src = nib.load(sys.argv[1])
tgt = nib.load(sys.argv[2])
data = np.asanyarray(src.dataobj)
if data.ndim > 3:
    data = data[..., 0]
A = np.linalg.inv(src.affine) @ tgt.affine
M, b = A[:3, :3], A[:3, 3]
if np.all(np.diag(np.diag(M)) == M):
    M = np.diag(M)
out = ndimage.affine_transform(data, M, offset=b, output_shape=tgt.shape[:3], order=0, mode="constant", cval=0)
np.save(sys.argv[3], out.astype("<f8").ravel(order="F"))
