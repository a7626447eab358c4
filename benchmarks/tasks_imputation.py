"""Gap imputation on held-out subjects' windows: FlowFM vs interpolation and sktime's Imputer.

One gap of 0.5 to 3 s (15 to 90 points, uniform) per 10 s window, on all three axes
(a dropout of the sensor), at a uniform position that leaves 1 s on either side.
Methods: ``FlowFMImputer(pretrained="flowfm-wrist-small", n_samples=30)`` with guided
inpainting, and with the trained observation conditioner (the same model after
``fit_observed`` on the fitting half of the tuning subjects, ``_observed_model.py``,
cached under ``$TSFM_SCRATCH``); linear and
cubic-spline interpolation (scipy ``make_interp_spline``, k=1 and k=3, on the
observed points of the window); sktime's ``Imputer`` with ``method="drift"`` and
``"nearest"``. MAE (g) on the gap points, by gap length. ::

    python benchmarks/tasks_imputation.py --windows 60
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from _observed_model import tuned_model
from _report import RESULTS, machine, markdown_table, write_report
from _tasks_data import RATE, load, pick, split_subjects
from scipy.interpolate import make_interp_spline
from sktime.transformations.series.impute import Imputer

from tsfm.sktime import FlowFMImputer

BINS = [(0.5, 1.0), (1.0, 2.0), (2.0, 3.01)]
FLOWFM = ("FlowFM (guided inpainting)", "FlowFM (trained conditioner)")


def gaps(n: int, T: int, seed: int = 0) -> list[tuple[int, int]]:
    """(start, length) of one gap of 15-90 points per window, 30 points from the ends."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(int(0.5 * RATE), 3 * RATE + 1, size=n)
    return [(int(rng.integers(RATE, T - RATE - length)), int(length)) for length in lengths]


def spline(window: np.ndarray, known: np.ndarray, k: int) -> np.ndarray:
    t = np.arange(window.shape[-1])
    return np.stack([make_interp_spline(t[known], ch[known], k=k)(t) for ch in window])


def impute_all(X: np.ndarray, holes: list[tuple[int, int]],
               tuned) -> dict[str, list[np.ndarray]]:
    first = pd.DataFrame(X[0].T.astype(np.float64))
    flowfm = {
        FLOWFM[0]: FlowFMImputer(pretrained="flowfm-wrist-small", n_samples=30, device="cpu",
                                 method="guided_inpainting", random_state=0).fit(first),
        FLOWFM[1]: FlowFMImputer(pretrained=tuned, n_samples=30, device="cpu",
                                 method="observation_conditioner", random_state=0).fit(first),
    }
    methods = {**{key: [] for key in FLOWFM}, "linear": [], "spline": [],
               "sktime Imputer(drift)": [], "sktime Imputer(nearest)": []}
    for window, (start, length) in zip(X, holes, strict=True):
        gappy = window.copy()
        gappy[:, start:start + length] = np.nan
        known = np.isfinite(gappy[0])
        frame = pd.DataFrame(gappy.T.astype(np.float64), columns=["x", "y", "z"])
        for key, imputer in flowfm.items():
            methods[key].append(imputer.transform(frame).to_numpy().T)
        methods["linear"].append(spline(gappy, known, 1))
        methods["spline"].append(spline(gappy, known, 3))
        for how in ("drift", "nearest"):
            out = Imputer(method=how).fit_transform(frame)
            methods[f"sktime Imputer({how})"].append(out.to_numpy().T)
    return methods


def run(n_windows: int) -> tuple[list[dict], list[str]]:
    tuned, record = tuned_model()
    rows, notes = [], [f"trained conditioner: fit_observed on {record['windows']} windows of "
                       f"the fitting half of the tuning subjects, {record['settings']}"]
    for name in ("hapt", "smartfallmm"):
        X, groups, _ = load(name)
        _, held_out = split_subjects(groups)
        test = X[pick(held_out, n_windows, seed=1)]
        holes = gaps(len(test), test.shape[-1])
        notes.append(f"{name}: {len(test)} windows of {len(set(groups[held_out]))} held-out "
                     "subjects, one gap each")
        seconds = np.array([length for _, length in holes]) / RATE
        for method, filled in impute_all(test, holes, tuned).items():
            errors = np.array([np.abs(f[:, s:s + n] - w[:, s:s + n]).mean()
                               for f, w, (s, n) in zip(filled, test, holes, strict=True)])
            row = {"dataset": name, "method": method, "all gaps": errors.mean()}
            for low, high in BINS:
                inside = (seconds >= low) & (seconds < high)
                row[f"{low:g}-{min(high, 3):g} s"] = errors[inside].mean()
                row[f"n {low:g}-{min(high, 3):g} s"] = int(inside.sum())
            rows.append(row)
    return rows, notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--windows", type=int, default=60, help="held-out windows per dataset")
    args = parser.parse_args()
    rows, notes = run(args.windows)
    bins = [f"{low:g}-{min(high, 3):g} s" for low, high in BINS]
    table = markdown_table(rows, [("dataset", "dataset", ""), ("method", "method", ""),
                                  ("all gaps", "MAE all gaps (g)", ".4f")]
                           + [(b, f"MAE {b} (g)", ".4f") for b in bins])
    counts = ", ".join(f"{b}: {rows[0]['n ' + b]}" for b in bins)
    verdicts = []
    for name in sorted({r["dataset"] for r in rows}):
        linear = next(r for r in rows if r["dataset"] == name and r["method"] == "linear")
        for key in FLOWFM:
            mine = next(r for r in rows if r["dataset"] == name and r["method"] == key)
            for b in bins[1:]:
                verdicts.append(f"- {name}, gaps {b}: {key} {mine[b]:.4f} vs linear "
                                f"{linear[b]:.4f} -> "
                                f"{'met' if mine[b] < linear[b] else 'MISSED'}")
    sections = ["One 0.5-3 s gap on all axes per held-out 10 s window; MAE on the gap.",
                "\n".join(f"- {n}" for n in notes) + f"\n- gaps per length bin (per dataset): "
                f"{counts}", table,
                "Target (beat linear interpolation on gaps of >= 1 s):\n\n" + "\n".join(verdicts)]
    print(write_report(RESULTS, "tasks_imputation", "Imputing gaps in wrist acceleration",
                       sections, rows, machine()).read_text())


if __name__ == "__main__":
    main()
