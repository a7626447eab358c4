"""GridSearchCV(n_jobs=2) over a tsfm pipeline on joblib's loky backend (and dask).

Each loky worker is a fresh process; ``parallel_config(inner_max_num_threads=k)`` sets
``OMP_NUM_THREADS`` and friends in it before torch is imported, so that N workers do
not each start a pool of all cores. The scorer ``torch_threads`` reads the thread
count inside the worker that fitted and scored the pipeline.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from joblib import parallel_config
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from tsfm import FlowFMTransformer

ARCH = {"depth": 1, "width": 16, "heads": 2, "patch_size": 8}


def torch_threads(estimator, X, y) -> float:
    """A 'score': torch's intra-op thread count in the process that scores."""
    return float(torch.get_num_threads())


def _data():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 12)
    t = np.linspace(0, 1, 32)
    X = np.sin(2 * np.pi * (2 + 2 * y[:, None, None]) * t) + 0.3 * rng.standard_normal(
        (24, 2, 32))
    return X.astype(np.float32), y


def _search(**options) -> GridSearchCV:
    pipe = Pipeline([
        ("emb", FlowFMTransformer(model="tiny", encoder=ARCH, velocity=ARCH, max_epochs=1,
                                  batch_size=8, device="cpu", random_state=0)),
        ("clf", LogisticRegression(max_iter=200)),
    ])
    return GridSearchCV(pipe, {"emb__encoder__depth": [1, 2]}, cv=2, n_jobs=2,
                        scoring={"accuracy": "accuracy", "threads": torch_threads},
                        refit="accuracy", error_score="raise", **options)


@pytest.mark.parametrize("threads", [2, pytest.param(1, marks=pytest.mark.slow)])
def test_loky_workers_use_the_thread_limit(threads):
    X, y = _data()
    with parallel_config(backend="loky", inner_max_num_threads=threads):
        search = _search().fit(X, y)
    assert search.cv_results_["mean_test_threads"].tolist() == [threads, threads]
    assert set(search.cv_results_["param_emb__encoder__depth"]) == {1, 2}
    assert search.best_estimator_.predict(X).shape == (24,)


@pytest.mark.slow
def test_dask_backend_runs_the_search():
    distributed = pytest.importorskip("dask.distributed")
    X, y = _data()
    with distributed.Client(n_workers=2, threads_per_worker=1, processes=True), \
            parallel_config(backend="dask"):
        search = _search().fit(X, y)
    assert len(search.cv_results_["mean_test_accuracy"]) == 2
