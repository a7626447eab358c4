"""The README quick start, run exactly as written, on UEA RacketSports and BasicMotions.

The quick start pretrains ``FlowFMPretrainer(model="tiny", mask_prob=0.5,
augmentation={"crop_scale": 0.7}, max_epochs=1000)`` on the training series, every
other setting at its default (``patch_size="auto"``, batch 64, AdamW 1e-3), then fits
``FlowFMTransformer(pretrained=...)`` + ``LogisticRegression(max_iter=1000)``. This
script does that on the archive's train/test split, against ``LogisticRegression`` on
the flattened raw series (the baseline a new user compares with), the same probe on an
untrained encoder, and the short paper setting (20 epochs, no crops), for 3 seeds::

    python benchmarks/readme_quickstart.py

Writes ``benchmarks/results/readme_quickstart.{md,json,csv}``.
"""

from __future__ import annotations

import tempfile

import numpy as np
from _report import RESULTS, machine, markdown_table, write_report
from _uea import flatten, load
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer

from tsfm import FlowFMPretrainer, FlowFMTransformer

DATASETS = ("RacketSports", "BasicMotions")
SEEDS = (0, 1, 2)


#: the README's pretraining settings: crops and a long schedule, the setting chosen by
#: train-only cross-validation in benchmarks/uea_train_cv.py (never by the test split)
README_SETTINGS = {"model": "tiny", "mask_prob": 0.5, "augmentation": {"crop_scale": 0.7},
                   "max_epochs": 1000}
#: the earlier quick start (paper setting, 20 epochs), kept as a row for comparison
SHORT_SETTINGS = {"model": "tiny", "mask_prob": 0.5, "max_epochs": 20}


def quickstart_score(X_train, y_train, X_test, y_test, seed: int, settings: dict) -> float:
    """The README's pretrain -> save -> Pipeline(transformer, LR) score."""
    pre = FlowFMPretrainer(**settings, random_state=seed)
    pre.fit(X_train)
    with tempfile.TemporaryDirectory() as directory:
        pre.save_pretrained(f"{directory}/my-model")
        pipe = Pipeline([("emb", FlowFMTransformer(pretrained=f"{directory}/my-model")),
                         ("clf", LogisticRegression(max_iter=1000))])
        return float(pipe.fit(X_train, y_train).score(X_test, y_test))


def main() -> None:
    rows = []
    for name in DATASETS:
        (X_train, y_train), (X_test, y_test) = load(name)
        raw = make_pipeline(FunctionTransformer(flatten), LogisticRegression(max_iter=1000))
        raw_score = float(raw.fit(X_train, y_train).score(X_test, y_test))
        quick = [quickstart_score(X_train, y_train, X_test, y_test, s, README_SETTINGS)
                 for s in SEEDS]
        short = [quickstart_score(X_train, y_train, X_test, y_test, s, SHORT_SETTINGS)
                 for s in SEEDS]
        untrained = [quickstart_score(X_train, y_train, X_test, y_test, s,
                                      {**SHORT_SETTINGS, "max_epochs": 0}) for s in SEEDS]
        row = {"dataset": name, "raw_lr": raw_score,
               "untrained": float(np.mean(untrained)), "untrained_sd": float(np.std(untrained)),
               "short": float(np.mean(short)),
               "quickstart": float(np.mean(quick)), "quickstart_sd": float(np.std(quick)),
               "quickstart_per_seed": " / ".join(f"{q:.3f}" for q in quick)}
        row["beats_raw"] = row["quickstart"] > raw_score
        rows.append(row)
        print(row, flush=True)
    table = markdown_table(rows, [
        ("dataset", "dataset", ""), ("raw_lr", "raw series + LR", ".3f"),
        ("untrained", "untrained encoder", ".3f"), ("short", "20 epochs, no crops", ".3f"),
        ("quickstart", "README quick start", ".3f"),
        ("quickstart_sd", "SD (3 seeds)", ".3f"), ("quickstart_per_seed", "per seed", ""),
        ("beats_raw", "beats raw series", ""),
    ])
    path = write_report(RESULTS, "readme_quickstart", "README quick start on UEA motion data",
                        ["Test accuracy on the archive split; mean of seeds 0, 1, 2.", table],
                        rows, machine())
    print(table)
    print(path)


if __name__ == "__main__":
    main()
