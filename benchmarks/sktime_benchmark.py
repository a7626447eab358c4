"""FlowFM in sktime's own ClassificationBenchmark, on BasicMotions (bundled with sktime).

The worked example of docs/sktime.md: three sktime-native estimators in one
``ClassificationBenchmark`` task (shuffled 3-fold CV over all 80 series, accuracy;
sktime 1.2's benchmark splits X only, so KFold, not StratifiedKFold), at small CPU
settings (tiny models, few epochs) so that it runs in minutes::

    python benchmarks/sktime_benchmark.py

- ``FlowFM-finetune``: ``FlowFMSktimeClassifier`` trained supervised only (no pretraining);
- ``FlowFM-pretrain+finetune``: the same after ``pretrain`` on the unlabelled series of the
  whole dataset (labels unused; clone keeps the pretrained state across folds);
- ``FlowFM-probe``: ``FlowFMSktimeTransformer * LogisticRegression``, the encoder
  pretrained on each training fold.

Writes ``benchmarks/results/sktime_benchmark.{md,json,csv}``.
"""

from __future__ import annotations

import tempfile

from _report import RESULTS, machine, markdown_table, write_report
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import KFold
from sktime.benchmarking.classification import ClassificationBenchmark
from sktime.datasets import load_basic_motions

from tsfm.sktime import FlowFMSktimeClassifier, FlowFMSktimeTransformer

COMMON = {"model": "tiny", "random_state": 0}


def basic_motions():
    """BasicMotions as sktime loads it: 80 series, 6 channels x 100 points, 4 classes."""
    return load_basic_motions(return_type="pd-multiindex")


def benchmark() -> ClassificationBenchmark:
    bench = ClassificationBenchmark()
    bench.add_estimator(FlowFMSktimeClassifier(max_epochs=30, **COMMON),
                        estimator_id="FlowFM-finetune")
    pretrained = FlowFMSktimeClassifier(max_epochs=30, pretrain_epochs=50, **COMMON)
    pretrained.pretrain(basic_motions()[0])
    bench.add_estimator(pretrained, estimator_id="FlowFM-pretrain+finetune")
    bench.add_estimator(FlowFMSktimeTransformer(max_epochs=50, **COMMON)
                        * LogisticRegression(max_iter=1000), estimator_id="FlowFM-probe")
    bench.add_task(basic_motions, KFold(3, shuffle=True, random_state=0),
                   [accuracy_score], task_id="BasicMotions")
    return bench


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        frame = benchmark().run(f"{directory}/results.csv")
    if len(frame) != 3:
        raise RuntimeError(f"the benchmark returned {len(frame)} of 3 results; see the log")
    rows = [{"estimator": row["model_id"], "accuracy": row["accuracy_score_mean"],
             "std": row["accuracy_score_std"], "fit_s": row["fit_time_mean"]}
            for _, row in frame.iterrows()]
    table = markdown_table(rows, [("estimator", "estimator", ""),
                                  ("accuracy", "accuracy (mean of 3 folds)", ".3f"),
                                  ("std", "std", ".3f"), ("fit_s", "fit time (s)", ".1f")])
    print(table)
    write_report(RESULTS, "sktime_benchmark", "FlowFM in sktime's ClassificationBenchmark",
                 ["BasicMotions, shuffled 3-fold CV (KFold), accuracy; tiny models on CPU.",
                  table],
                 rows, machine())


if __name__ == "__main__":
    main()
