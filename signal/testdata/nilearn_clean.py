#!/usr/bin/env python3
"""nilearn.signal.clean's documented steps, with numpy 1.24 and scipy 1.10, for painmark's tests.

  nilearn_clean.py CASES.json OUT.json

nilearn is not packaged for Debian, so this script follows its steps (NUMERICS.md §3 and
nilearn/signal.py): cosine drift terms over the full run (nilearn's create_cosine_drift, constant
dropped); censored volumes interpolated by scipy's CubicSpline before Butterworth filtering (or
censored otherwise); detrend (mean, then the unit-norm centred ramp) of signals and confounds;
Butterworth with scipy.signal.butter(output="sos", fs) and sosfiltfilt(padtype="odd") on both, cut-
offs clipped below Nyquist as nilearn's _check_wn; censoring; confounds standardized (or divided by
max |.|); projection with scipy.linalg.qr(pivoting=True), keeping |R_ii| > 100 eps; standardize with
the mean added back after filtering. Runs are cleaned independently and stacked.
"""
import json
import sys

import numpy as np
from scipy import linalg, signal
from scipy.interpolate import CubicSpline

EPS = np.finfo(np.float64).eps


def detrend(x):
    x = x - x.mean(axis=0)
    if x.shape[0] == 1:
        return x
    reg = np.arange(x.shape[0], dtype=np.float64)
    reg -= reg.mean()
    std = np.sqrt((reg ** 2).sum())
    if not std < EPS:
        reg /= std
    return x - np.outer(reg, reg @ x)


def standardize(x, how):
    if how in (None, "none", False) or x.shape[0] == 1:
        return x.copy()
    if how in ("zscore", "zscore_sample"):
        x = x - x.mean(axis=0)
        std = x.std(axis=0, ddof=1 if how == "zscore_sample" else 0)
        std[std < EPS] = 1.0
        return x / std
    if how == "psc":
        m = x.mean(axis=0)
        bad = np.abs(m) < EPS
        out = (x - m) / np.abs(m) * 100
        out[:, bad] = 0
        return out
    raise ValueError(how)


def cosine_drift(n, tr, high_pass):
    frame_times = np.arange(n) * tr
    dt = (frame_times[-1] - frame_times[0]) / (n - 1)
    order = min(n - 1, int(np.floor(2 * n * high_pass * dt)))
    out = np.zeros((n, order + 1))
    norm = np.sqrt(2.0 / n)
    t = np.arange(n)
    for k in range(1, order + 1):
        out[:, k - 1] = norm * np.cos((np.pi / n) * (t + 0.5) * k)
    out[:, -1] = 1.0
    return out[:, :-1]


def check_wn(f, nyq):
    if f >= nyq:
        return nyq - nyq * 10 * EPS
    if f < 0:
        return nyq * EPS
    return f


def butter(x, tr, low, high, order):
    nyq = 0.5 / tr
    wn = []
    if high:
        btype = "high"
        wn.append(check_wn(high, nyq))
    if low:
        btype = "low"
        wn.append(check_wn(low, nyq))
    if len(wn) == 2:
        btype = "band"
        if wn[0] == wn[1]:
            return x
    else:
        wn = wn[0]
    sos = signal.butter(order, wn, btype=btype, output="sos", fs=1.0 / tr)
    return signal.sosfiltfilt(sos, x, axis=0, padtype="odd")


def interpolate(x, mask, tr, extrapolate):
    times = np.arange(x.shape[0]) * tr
    keep = np.zeros(x.shape[0], bool)
    keep[mask] = True
    spline = CubicSpline(times[mask], x[mask, :], extrapolate=extrapolate)
    out = x.copy()
    out[~keep, :] = spline(times)[~keep, :]
    return out


def clean_run(sig, conf, mask, o):
    filt = o["filter"]
    if filt == "butterworth" and not o["low_pass"] and not o["high_pass"]:
        filt = "none"
    if filt == "cosine":
        drift = cosine_drift(sig.shape[0], o["tr"], o["high_pass"])
        if drift.shape[1] > 0:
            conf = drift if conf is None else np.hstack((conf, drift))
    if mask is not None:
        mask = np.asarray(mask)
        if filt == "butterworth":
            sig = interpolate(sig, mask, o["tr"], o["extrapolate"])
            if conf is not None:
                conf = interpolate(conf, mask, o["tr"], o["extrapolate"])
            if not o["extrapolate"]:
                sig = sig[mask[0]:mask[-1] + 1]
                if conf is not None:
                    conf = conf[mask[0]:mask[-1] + 1]
                mask = mask - mask[0]
        else:
            sig = sig[mask]
            if conf is not None:
                conf = conf[mask]
            mask = None
    mean = sig.mean(axis=0)
    if o["detrend"]:
        sig = detrend(sig)
        if conf is not None:
            conf = detrend(conf)
    if filt == "butterworth":
        sig = butter(sig, o["tr"], o["low_pass"], o["high_pass"], o["order"])
        if conf is not None:
            conf = butter(conf, o["tr"], o["low_pass"], o["high_pass"], o["order"])
        if mask is not None:
            sig = sig[mask]
            if conf is not None:
                conf = conf[mask]
    if conf is not None:
        if o["standardize_confounds"]:
            conf = standardize(conf, "zscore")
        else:
            mx = np.max(np.abs(conf), axis=0)
            mx[mx == 0] = 1
            conf = conf / mx
        Q, R, _ = linalg.qr(conf, mode="economic", pivoting=True)
        Q = Q[:, np.abs(np.diag(R)) > EPS * 100.0]
        sig = sig - Q @ (Q.T @ sig)
    if (o["detrend"] and o["standardize"] == "psc") or filt == "butterworth":
        sig = sig + mean
    return standardize(sig, o["standardize"])


def clean(case):
    o = case["options"]
    sig = np.array(case["signals"], dtype=np.float64)
    conf = None if case["confounds"] is None else np.array(case["confounds"], dtype=np.float64)
    mask = case["mask"]
    runs = case["runs"]
    if runs is None:
        return clean_run(sig, conf, mask, o)
    runs = np.asarray(runs)
    parts = []
    for r in np.unique(runs):
        idx = np.where(runs == r)[0]
        local = None
        if mask is not None:
            pos = {t: i for i, t in enumerate(idx)}
            local = [pos[t] for t in mask if t in pos]
        parts.append(clean_run(sig[idx], None if conf is None else conf[idx], local, o))
    return np.vstack(parts)


def main():
    with open(sys.argv[1]) as fh:
        cases = json.load(fh)
    out = [clean(c).tolist() for c in cases]
    with open(sys.argv[2], "w") as fh:
        json.dump(out, fh)


if __name__ == "__main__":
    main()
