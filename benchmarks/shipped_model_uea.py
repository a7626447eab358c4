"""The shipped wrist model, frozen, on UEA motion data it never saw (what ``tsfm demo`` does).

For BasicMotions and RacketSports (smartwatch accelerometer and gyroscope, 10 Hz),
the accelerometer axes are divided by 9.81 (both archives state no unit; their values
read as m/s², BasicMotions' without gravity) and resampled to the model's 30 Hz with
``tsfm.datasets.to_model_input``. Then, on the archive's train/test split:

- ``shipped``: ``FlowFMTransformer(pretrained="flowfm-wrist-small")`` + StandardScaler +
  LogisticRegression, nothing tuned (one run: the model is fixed);
- ``untrained``: the same probe on an untrained encoder of the same architecture
  (seeds 0, 1, 2);
- ``raw (acc)``: StandardScaler + LogisticRegression on the flattened accelerometer
  input the encoders see; ``raw (all channels)``: the same on all 6 original channels::

    python benchmarks/shipped_model_uea.py

Writes ``benchmarks/results/shipped_model_uea.{md,json,csv}``.
"""

from __future__ import annotations

import numpy as np
from _report import RESULTS, machine, markdown_table, write_report
from _uea import flatten, load
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from tsfm import FlowFMTransformer
from tsfm.benchmarking.pretrained import describe_model
from tsfm.datasets import to_model_input

MODEL = "flowfm-wrist-small"
DATASETS = ("BasicMotions", "RacketSports")
RATE = 10.0
SEEDS = (0, 1, 2)


def probe(embedder):
    return make_pipeline(embedder, StandardScaler(), LogisticRegression(max_iter=5000))


def raw():
    return make_pipeline(FunctionTransformer(flatten), StandardScaler(),
                         LogisticRegression(max_iter=5000))


def main() -> None:
    model = describe_model(MODEL)
    rows = []
    for name in DATASETS:
        (X_train, y_train), (X_test, y_test) = load(name)

        def model_input(X):
            return to_model_input(X[:, :3] / 9.81, rate=RATE, model_rate=model.rate)

        A_train, A_test = model_input(X_train), model_input(X_test)

        def score(pipe, train=A_train, test=A_test, y_train=y_train, y_test=y_test):
            return float(pipe.fit(train, y_train).score(test, y_test))

        untrained = [score(probe(FlowFMTransformer(max_epochs=0, random_state=seed,
                                                   **model.architecture())))
                     for seed in SEEDS]
        row = {"dataset": name, "model_input": "x".join(map(str, A_train.shape[1:])),
               "shipped": score(probe(FlowFMTransformer(pretrained=MODEL))),
               "untrained": float(np.mean(untrained)), "untrained_sd": float(np.std(untrained)),
               "raw_acc": score(raw()), "raw_all": score(raw(), X_train, X_test)}
        rows.append(row)
        print(row, flush=True)
    table = markdown_table(rows, [
        ("dataset", "dataset", ""), ("model_input", "model input (C x T)", ""),
        ("shipped", f"{MODEL} (frozen)", ".3f"), ("untrained", "untrained encoder", ".3f"),
        ("untrained_sd", "SD (3 seeds)", ".3f"), ("raw_acc", "raw (acc) + LR", ".3f"),
        ("raw_all", "raw (all channels) + LR", ".3f"),
    ])
    path = write_report(RESULTS, "shipped_model_uea",
                        f"{MODEL}, frozen, on UEA motion data",
                        ["Test accuracy on the archive split. The model never saw these "
                         "datasets; nothing was tuned on them.", table], rows, machine())
    print(table)
    print(path)


if __name__ == "__main__":
    main()
