"""Choose pretraining settings for small UEA corpora by cross-validation on the training split.

The archive's test split is never read here. Each candidate pipeline (the same linear
probe as ``uea_probe.py``) is scored by stratified 5-fold cross-validation of the
training split, repeated for two fold shuffles / model seeds; FlowFM is pretrained
inside each fold on that fold's training windows only (labels unused).

Candidates (kept from an exploratory train-only CV of the same kind, which also tried
per-series scaling, random 3-D rotations of the accelerometer and gyroscope axes,
jitter alone, several noise draws per window and a separate encoder learning rate;
none of those beat the crops):

- ``raw-lr`` and ``random-probe``: the baselines of ``uea_probe.py``;
- ``flowfm``: the paper's setting (DGS 0.5, no augmentation), 100 epochs;
- ``flowfm-crop``: random resized crops (``augmentation={"crop_scale": 0.7}``);
- ``flowfm-crop-jitter``: crops plus Gaussian jitter of 0.1 (standardised units);

the augmented ones at 300 and 1000 epochs (augmentation is what lets a longer
schedule run without the velocity network memorising a few hundred windows). The
FlowFM candidate with the best mean CV accuracy is what ``uea_probe.py`` reports as
``flowfm-probe-aug``.

Usage::

    python benchmarks/uea_train_cv.py --datasets RacketSports BasicMotions --n-jobs 2
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from _report import RESULTS, machine, markdown_table, write_report
from _uea import baselines, flowfm_candidates, load
from sklearn.model_selection import StratifiedKFold, cross_val_score


def candidates(n_timepoints: int, seed: int) -> dict:
    return {**baselines(n_timepoints, seed), **flowfm_candidates(n_timepoints, seed)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["RacketSports"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--n-jobs", type=int, default=1,
                        help="folds scored in parallel (joblib), one torch thread each")
    args = parser.parse_args()
    torch.set_num_threads(1)
    rows = []
    for name in args.datasets:
        (X_train, y_train), _ = load(name)  # the test split is not used
        for seed in args.seeds:
            cv = StratifiedKFold(args.folds, shuffle=True, random_state=seed)
            for method, pipe in candidates(X_train.shape[2], seed).items():
                start = time.perf_counter()
                scores = cross_val_score(pipe, X_train, y_train, cv=cv, n_jobs=args.n_jobs)
                rows.append({"dataset": name, "method": method, "seed": seed,
                             "cv_accuracy": float(scores.mean()),
                             "seconds": time.perf_counter() - start})
                print(rows[-1], flush=True)
    summary = []
    for name in args.datasets:
        for method in candidates(30, 0):
            sel = [r["cv_accuracy"] for r in rows
                   if r["dataset"] == name and r["method"] == method]
            summary.append({"dataset": name, "method": method, "mean": float(np.mean(sel)),
                            "per_seed": " ".join(f"{v:.3f}" for v in sel), "selected": ""})
        flowfm = [r for r in summary if r["dataset"] == name and r["method"].startswith("flowfm")]
        best = max(flowfm, key=lambda r: r["mean"])
        best["selected"] = "best FlowFM"
    table = markdown_table(summary, [("dataset", "dataset", ""), ("method", "candidate", ""),
                                     ("mean", "train-CV accuracy", ".3f"),
                                     ("per_seed", "per seed", ""), ("selected", "", "")])
    print(table)
    sections = [
        __doc__.split("Usage::")[0].strip(),
        f"Mean over seeds {args.seeds} of the {args.folds}-fold CV accuracy on the "
        "training split.",
        table,
    ]
    path = write_report(RESULTS, "uea_train_cv", "Train-only CV of pretraining settings",
                        sections, rows, machine())
    print(f"written to {path}")


if __name__ == "__main__":
    main()
