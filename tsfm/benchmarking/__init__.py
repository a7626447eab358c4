"""Benchmark machinery: HAR evaluation of FlowFM and baselines as scikit-learn estimators.

The protocol (subject-wise ``GroupKFold``, pretraining on the training folds only,
nested ``GridSearchCV`` over training subjects, fixed seeds) is implemented in
:func:`run_benchmark`; ``tsfm bench har`` and ``benchmarks/har.py`` are thin
front ends to it. See ``docs/har_benchmark.md``. Starting from a pretrained model
(``config.pretrained``) is in :mod:`tsfm.benchmarking.pretrained`; the transfer
benchmark over four datasets (leave-one-dataset-out models, :mod:`~tsfm.benchmarking.loo`)
in :mod:`tsfm.benchmarking.transfer`; see ``docs/transfer.md``.
"""

from tsfm.benchmarking.config import BenchmarkConfig
from tsfm.benchmarking.data import BenchmarkData, load_benchmark_data, make_folds
from tsfm.benchmarking.methods import METHODS, resolve_methods
from tsfm.benchmarking.protocol import run_benchmark
from tsfm.benchmarking.report import write_report

__all__ = [
    "METHODS",
    "BenchmarkConfig",
    "BenchmarkData",
    "load_benchmark_data",
    "make_folds",
    "resolve_methods",
    "run_benchmark",
    "write_report",
]
