#!/usr/bin/env python3
"""Derive painmark's built-in region tables from the published files in ../shared/data.

  make_tables.py SHARED_DATA_DIR

mist122/regions.tsv  MIST_122 parcel information (label, name, centroid) joined with PAINTeR's
                     relabelled order and module names (atlas_relabeled.tsv): rows in PAINTeR's
                     order, the column order of its ROI time series after the global signal.
mist122/MIST_122.nii.gz  copied byte for byte.
dk68/regions.tsv     the 68 Desikan-Killiany cortical regions in ENIGMA's order, with fsaverage5
                     sphere centroids, the modal von Economo-Koskinas class and the modal Yeo-7
                     network (both derived, not official tables; see DATA.md).
Plain standard-library Python: no peer is involved, only file joins.
"""
import csv
import os
import shutil
import sys

here = os.path.dirname(os.path.abspath(__file__))
shared = sys.argv[1]


def rows(path, delim=","):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh, delimiter=delim))


def hemi_of(name):
    if name.startswith("L_") or name.startswith("left"):
        return "left"
    if name.startswith("R_") or name.startswith("right"):
        return "right"
    return "bilateral"


# MIST-122
info = {int(r["roi"]): r for r in rows(os.path.join(shared, "painter-bochum/atlas/MIST/Parcel_Information/MIST_122.csv"), ";")}
relabel = rows(os.path.join(shared, "painter-bochum/atlas/atlas_relabeled.tsv"), "\t")
with open(os.path.join(here, "mist122", "regions.tsv"), "w", newline="") as fh:
    w = csv.writer(fh, delimiter="\t", lineterminator="\n")
    w.writerow(["index", "name", "full_name", "hemisphere", "system", "network", "x", "y", "z"])
    for r in relabel:
        roi = int(r["index"])  # atlas_relabeled.tsv: unnamed new order, MIST index, label, module
        m = info[roi]
        assert m["label"] == r["labels"], (roi, m["label"], r["labels"])
        w.writerow([roi, m["label"], m["name"], hemi_of(m["label"]), "brain", r["modules"], m["x"], m["y"], m["z"]])
shutil.copyfile(os.path.join(shared, "painter-bochum/atlas/MIST/Parcellations/MIST_122.nii.gz"),
                os.path.join(here, "mist122", "MIST_122.nii.gz"))

# DK-68
cent = rows(os.path.join(shared, "enigma/derived/dk68_fsa5_sphere_centroids.csv"))
eco = {r["region"]: r for r in rows(os.path.join(shared, "enigma/derived/dk68_economo_koskinas_class_mode.csv"))}
yeo = {r["region"]: r for r in rows(os.path.join(shared, "enigma/derived/dk68_yeo7_mode_via_schaefer400_conte69.csv"))}
with open(os.path.join(here, "dk68", "regions.tsv"), "w", newline="") as fh:
    w = csv.writer(fh, delimiter="\t", lineterminator="\n")
    w.writerow(["index", "name", "hemisphere", "system", "network", "sphere_x", "sphere_y", "sphere_z", "cyto_class"])
    for i, r in enumerate(cent):
        name = r["region"]
        w.writerow([i + 1, name, {"lh": "left", "rh": "right"}[r["hemi"]], "brain", yeo[name]["yeo7_mode"],
                    r["x"], r["y"], r["z"], eco[name]["economo_koskinas_class_mode"]])
