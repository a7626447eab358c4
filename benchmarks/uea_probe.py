"""Linear probe on UEA motion data: FlowFM embeddings vs an untrained encoder vs raw series.

For each dataset (archive train/test split) and seed:

- ``raw-lr``: StandardScaler + LogisticRegression on the flattened raw series;
- ``random-probe``: the same probe on an untrained encoder (``max_epochs=0``);
- ``flowfm-probe``: the same probe on FlowFM pretrained on the training series only
  (labels unused), with the paper's DGS 0.5;
- ``flowfm-probe-dgs0``: the same without DGS (mask_prob=0), for reference;
- ``flowfm-probe-cv``: mask_prob in {0, 0.5} and epochs in {100, 300} chosen by
  ``GridSearchCV`` with 3 stratified folds of the training split only (pretraining
  inside each fold), then refitted on the whole training split;
- ``flowfm-probe-aug``: the FlowFM candidate (training-time augmentation and a longer
  schedule, DGS 0.5) with the best train-only CV accuracy in
  ``results/uea_train_cv.json`` (run ``uea_train_cv.py`` first; the row is left out for
  a dataset it has not cross-validated). The test split plays no part in choosing it.

Settings are fixed in advance, not tuned on the test split: the ``tiny`` preset, a
patch size of round(T / 10) (10 tokens per series), 100 epochs, batch 32, AdamW
lr 1e-3, LogisticRegression(C=1). Torch runs on one thread.

Usage::

    python benchmarks/uea_train_cv.py --datasets RacketSports BasicMotions --n-jobs 2
    python benchmarks/uea_probe.py --datasets RacketSports BasicMotions --seeds 0 1 2 --n-jobs 2
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from _report import RESULTS, machine, markdown_table, write_report
from _uea import baselines, common_params, flowfm_candidates, load, probe, selected_candidate
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline

from tsfm import FlowFMTransformer

EPOCHS = 100


def methods(n_timepoints: int, seed: int, selected: str | None,
            n_jobs: int = 1) -> dict[str, Pipeline]:
    """The pipelines compared; ``selected`` names the train-CV winner (None: no such row)."""
    common = common_params(n_timepoints, seed)
    pipes = {
        **baselines(n_timepoints, seed),
        "flowfm-probe": probe(FlowFMTransformer(max_epochs=EPOCHS, mask_prob=0.5, **common)),
        "flowfm-probe-dgs0": probe(FlowFMTransformer(max_epochs=EPOCHS, mask_prob=0.0,
                                                     **common)),
        "flowfm-probe-cv": GridSearchCV(
            probe(FlowFMTransformer(max_epochs=EPOCHS, **common)),
            {"flowfmtransformer__mask_prob": [0.0, 0.5],
             "flowfmtransformer__max_epochs": [EPOCHS, 3 * EPOCHS]},
            cv=StratifiedKFold(3, shuffle=True, random_state=seed),
            n_jobs=n_jobs,
        ),
    }
    if selected is not None:
        pipes["flowfm-probe-aug"] = flowfm_candidates(n_timepoints, seed)[selected]
    return pipes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["RacketSports", "BasicMotions"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--n-jobs", type=int, default=1,
                        help="grid-search fits in parallel (joblib), one torch thread each")
    args = parser.parse_args()
    torch.set_num_threads(1)
    rows = []
    for name in args.datasets:
        (X_train, y_train), (X_test, y_test) = load(name)
        selected = selected_candidate(name)
        for seed in args.seeds:
            for method, pipe in methods(X_train.shape[2], seed, selected, args.n_jobs).items():
                start = time.perf_counter()
                pred = pipe.fit(X_train, y_train).predict(X_test)
                chosen = getattr(pipe, "best_params_", "")
                if method == "flowfm-probe-aug":
                    chosen = selected
                rows.append({
                    "dataset": name, "method": method, "seed": seed, "chosen": str(chosen),
                    "accuracy": accuracy_score(y_test, pred),
                    "macro_f1": f1_score(y_test, pred, average="macro"),
                    "seconds": time.perf_counter() - start,
                })
                print(rows[-1], flush=True)
    summary = []
    for name in args.datasets:
        for method in dict.fromkeys(r["method"] for r in rows if r["dataset"] == name):
            sel = [r for r in rows if r["dataset"] == name and r["method"] == method]
            acc = np.array([r["accuracy"] for r in sel])
            f1 = np.array([r["macro_f1"] for r in sel])
            summary.append({
                "dataset": name, "method": method,
                "accuracy": f"{acc.mean():.3f} ± {acc.std():.3f}",
                "macro-F1": f"{f1.mean():.3f} ± {f1.std():.3f}",
                "seconds": float(np.mean([r["seconds"] for r in sel])),
            })
    table = markdown_table(summary, [("dataset", "dataset", ""), ("method", "method", ""),
                                     ("accuracy", "test accuracy", ""),
                                     ("macro-F1", "test macro-F1", ""),
                                     ("seconds", "fit s", ".0f")])
    print(table)
    sections = [
        __doc__.split("Usage::")[0].strip(),
        f"Mean ± SD over seeds {args.seeds}; archive train/test split; pretraining sees only "
        "the training series, without labels.",
        table,
    ]
    path = write_report(RESULTS, "uea_probe", "Linear probe on UEA motion data", sections,
                        rows, machine())
    print(f"written to {path}")


if __name__ == "__main__":
    main()
