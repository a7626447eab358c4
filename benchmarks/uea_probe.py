"""Linear probe on UEA motion data: FlowFM embeddings vs an untrained encoder vs raw series.

For each dataset (archive train/test split) and seed:

- ``raw-lr``: StandardScaler + LogisticRegression on the flattened raw series;
- ``random-probe``: the same probe on an untrained encoder (``max_epochs=0``);
- ``flowfm-probe``: the same probe on FlowFM pretrained on the training series only
  (labels unused), with the paper's DGS 0.5;
- ``flowfm-probe-dgs0``: the same without DGS (mask_prob=0), for reference;
- ``flowfm-probe-cv``: mask_prob in {0, 0.5} and epochs in {100, 300} chosen by
  ``GridSearchCV`` with 3 stratified folds of the training split only (pretraining
  inside each fold), then refitted on the whole training split.

Settings are fixed in advance, not tuned on the test split: the ``tiny`` preset, a
patch size of round(T / 10) (10 tokens per series), 100 epochs, batch 32, AdamW
lr 1e-3, LogisticRegression(C=1). Torch runs on one thread.

Usage::

    python benchmarks/uea_probe.py --datasets RacketSports BasicMotions --seeds 0 1 2
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch
from _report import RESULTS, machine, markdown_table, write_report
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from tsfm import FlowFMTransformer

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "UEA_motion"
EPOCHS = 100


def load(name: str):
    from sktime.datasets import load_from_tsfile

    split = {}
    for part in ("TRAIN", "TEST"):
        X, y = load_from_tsfile(str(DATA / name / f"{name}_{part}.ts"),
                                return_data_type="numpy3D")
        split[part] = (X.astype(np.float32), y)
    return split["TRAIN"], split["TEST"]


def flatten(X: np.ndarray) -> np.ndarray:
    return X.reshape(len(X), -1)


def probe(embedder) -> Pipeline:
    return make_pipeline(embedder, StandardScaler(), LogisticRegression(C=1.0, max_iter=5000))


def methods(n_timepoints: int, seed: int) -> dict[str, Pipeline]:
    arch = {"patch_size": max(1, round(n_timepoints / 10))}
    common = {"model": "tiny", "encoder": arch, "velocity": arch, "batch_size": 32,
              "lr": 1e-3, "device": "cpu", "random_state": seed}
    return {
        "raw-lr": probe(FunctionTransformer(flatten)),
        "random-probe": probe(FlowFMTransformer(max_epochs=0, **common)),
        "flowfm-probe": probe(FlowFMTransformer(max_epochs=EPOCHS, mask_prob=0.5, **common)),
        "flowfm-probe-dgs0": probe(FlowFMTransformer(max_epochs=EPOCHS, mask_prob=0.0,
                                                     **common)),
        "flowfm-probe-cv": GridSearchCV(
            probe(FlowFMTransformer(max_epochs=EPOCHS, **common)),
            {"flowfmtransformer__mask_prob": [0.0, 0.5],
             "flowfmtransformer__max_epochs": [EPOCHS, 3 * EPOCHS]},
            cv=StratifiedKFold(3, shuffle=True, random_state=seed),
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["RacketSports", "BasicMotions"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    args = parser.parse_args()
    torch.set_num_threads(1)
    rows = []
    for name in args.datasets:
        (X_train, y_train), (X_test, y_test) = load(name)
        for seed in args.seeds:
            for method, pipe in methods(X_train.shape[2], seed).items():
                start = time.perf_counter()
                pred = pipe.fit(X_train, y_train).predict(X_test)
                chosen = getattr(pipe, "best_params_", "")
                rows.append({
                    "dataset": name, "method": method, "seed": seed, "chosen": str(chosen),
                    "accuracy": accuracy_score(y_test, pred),
                    "macro_f1": f1_score(y_test, pred, average="macro"),
                    "seconds": time.perf_counter() - start,
                })
                print(rows[-1], flush=True)
    summary = []
    for name in args.datasets:
        for method in methods(30, 0):
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
