"""Choosing the default conditional sampler: guided inpainting vs the trained conditioner.

Validation windows only: the tuning subjects of HAPT and SmartFallMM are split, every
other one, into the subjects ``_observed_model.py`` tunes the observation conditioner
on and the validation subjects scored here; no held-out subject is used. Both
mechanisms sample ``flowfm-wrist-small`` (the second one after ``fit_observed``) with
the same solver (midpoint, 10 steps), 30 draws, ``condition="observed"``. Two tasks
per window: the last 2 s hidden (forecasting from 8 s) and one gap of 0.5 to 3 s on all
axes (imputation, the gaps of ``tasks_imputation.py``). Metrics on the hidden points:
MAE of the median draw and the sample CRPS ``E|X - y| - E|X - X'| / 2``, in g. ::

    python benchmarks/tasks_mechanisms.py --windows 40
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _observed_model import DATASETS, PRETRAINED, split_tuning, tuned_model
from _report import RESULTS, machine, markdown_table, write_report
from _tasks_data import load, pick
from tasks_imputation import gaps

from tsfm import FlowFMSignalGenerator

HORIZON = 60
MECHANISMS = ("guided_inpainting", "observation_conditioner")


def sample_crps(draws: np.ndarray, truth: np.ndarray, hidden: np.ndarray) -> float:
    """Mean sample CRPS over the hidden points; ``draws`` (S, n, C, T), ``truth`` (n, C, T)."""
    d, y = draws[:, hidden], truth[hidden]
    spread = np.abs(d[:, None] - d[None]).mean(axis=(0, 1))
    return float((np.abs(d - y).mean(axis=0) - 0.5 * spread).mean())


def masks(test: np.ndarray) -> dict[str, np.ndarray]:
    """Boolean hidden-point masks (n, C, T) of the two tasks."""
    n, _, T = test.shape
    future = np.zeros(test.shape, dtype=bool)
    future[..., T - HORIZON:] = True
    gap = np.zeros(test.shape, dtype=bool)
    for i, (start, length) in enumerate(gaps(n, T, seed=2)):
        gap[i, :, start:start + length] = True
    return {"forecast 2 s": future, "gap 0.5-3 s": gap}


def run(n_windows: int, n_draws: int) -> tuple[list[dict], list[str]]:
    directory, record = tuned_model()
    generators = {
        "guided_inpainting": FlowFMSignalGenerator(pretrained=PRETRAINED, device="cpu").fit(),
        "observation_conditioner": FlowFMSignalGenerator(pretrained=directory,
                                                         device="cpu").fit(),
    }
    notes = [f"observation conditioner: {record['windows']} windows of the fitting subjects, "
             f"settings {record['settings']}, tuned in {record['seconds']:.0f} s; epoch loss "
             f"{record['losses'][0]:.3f} -> {record['losses'][-1]:.3f}"]
    rows = []
    for name in DATASETS:
        X, groups, _ = load(name)
        fit, validation = split_tuning(groups)
        test = X[pick(validation, n_windows, seed=3)]
        notes.append(f"{name}: {len(test)} windows of {len(set(groups[validation]))} "
                     f"validation subjects (tuned on {len(set(groups[fit]))} others)")
        for task, hidden in masks(test).items():
            X_obs = np.where(hidden, np.nan, test).astype(np.float32)
            for method in MECHANISMS:
                start = time.time()
                draws = generators[method].sample_observed(X_obs, n_draws=n_draws,
                                                           method=method, random_state=0)
                median = np.median(draws, axis=0)
                rows.append({"dataset": name, "task": task, "mechanism": method,
                             "MAE": float(np.abs(median - test)[hidden].mean()),
                             "CRPS": sample_crps(draws, test, hidden),
                             "seconds": time.time() - start})
    return rows, notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--windows", type=int, default=40, help="validation windows per dataset")
    parser.add_argument("--draws", type=int, default=30)
    args = parser.parse_args()
    rows, notes = run(args.windows, args.draws)
    table = markdown_table(rows, [("dataset", "dataset", ""), ("task", "task", ""),
                                  ("mechanism", "mechanism", ""), ("MAE", "MAE (g)", ".4f"),
                                  ("CRPS", "CRPS (g)", ".4f"), ("seconds", "time (s)", ".1f")])
    wins = {m: 0 for m in MECHANISMS}
    lines = []
    for name in DATASETS:
        for task in ("forecast 2 s", "gap 0.5-3 s"):
            pair = {r["mechanism"]: r for r in rows if r["dataset"] == name and r["task"] == task}
            best = min(MECHANISMS, key=lambda m: pair[m]["CRPS"])
            wins[best] += 1
            lines.append(f"- {name}, {task}: lower CRPS with {best} "
                         f"({pair['guided_inpainting']['CRPS']:.4f} guided vs "
                         f"{pair['observation_conditioner']['CRPS']:.4f} trained)")
    chosen = max(MECHANISMS, key=lambda m: (wins[m], m == "observation_conditioner"))
    lines.append(f"\nDefault chosen on these validation subjects: **{chosen}** (lower CRPS in "
                 f"{wins[chosen]} of 4 dataset-task pairs).")
    sections = ["Validation subjects only (half of the tuning subjects); the held-out "
                "subjects are scored in tasks_forecasting.py and tasks_imputation.py.",
                "\n".join(f"- {n}" for n in notes), table, "\n".join(lines)]
    print(write_report(RESULTS, "tasks_mechanisms", "Conditional sampling: which mechanism",
                       sections, rows, machine()).read_text())


if __name__ == "__main__":
    main()
