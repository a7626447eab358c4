"""The benchmark loop: seeds x outer folds x methods, with per-fold pretraining."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Memory
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GridSearchCV

from tsfm.benchmarking.config import BenchmarkConfig
from tsfm.benchmarking.data import BenchmarkData, inner_cv, make_folds
from tsfm.benchmarking.methods import Method, build_estimator
from tsfm.benchmarking.pretraining import PretrainedEncoder, pretrain_encoder
from tsfm.datasets.adapter import natural_key

#: the honest default: pretraining sees only the outer fold's training windows
PRETRAINING_SOURCE = "training folds' windows (labels unused); never the test fold"


@dataclass
class BenchmarkResult:
    """What :func:`run_benchmark` measured.

    Attributes
    ----------
    rows : DataFrame
        One row per method x fold x seed (the content of ``results.csv``).
    predictions : DataFrame
        ``seed, fold, method, window, y_true, y_pred`` for every test window.
    folds : list of (train_index, test_index)
    data : BenchmarkData
    config : BenchmarkConfig
    methods : list of Method
    inner_cv : str
        Description of the nested search's splitter.
    tsne_encoder : (Path, ndarray, ndarray) or None
        FlowFM encoder directory of seed 0 / fold 0, with that fold's train and test indices.
    seconds : float
        Wall time of the whole run.
    """

    rows: pd.DataFrame
    predictions: pd.DataFrame
    folds: list
    data: BenchmarkData
    config: BenchmarkConfig
    methods: list[Method]
    inner_cv: str
    tsne_encoder: tuple | None = None
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)


def _fit(estimator, X, y, groups):
    if isinstance(estimator, GridSearchCV):
        return estimator.fit(X, y, groups=groups)
    return estimator.fit(X, y)


def _budget(estimator) -> dict:
    """Supervised epochs actually run, and the search's choice (or "fixed")."""
    if isinstance(estimator, GridSearchCV):
        return {"finetune_epochs": 0, "best_params": repr(estimator.best_params_)}
    return {"finetune_epochs": len(estimator.history_), "best_params": "fixed (no search)"}


def run_benchmark(
    data: BenchmarkData,
    methods: list[Method],
    config: BenchmarkConfig,
    work_dir: str | Path,
    *,
    pretrain: Callable[..., PretrainedEncoder] = pretrain_encoder,
    log: Callable[[str], None] = print,
    keep_encoders: bool = True,
) -> BenchmarkResult:
    """Evaluate ``methods`` on ``data`` with subject-wise cross-validation.

    For each seed and outer fold, every encoder the methods need is pretrained on
    the fold's training windows only (``pretrain`` receives their indices), saved,
    and loaded by path; each method is then fitted on the training windows (nested
    ``GridSearchCV`` over training subjects where it has hyperparameters) and scored
    on the test fold.

    Parameters
    ----------
    data : BenchmarkData
    methods : list of Method
    config : BenchmarkConfig
    work_dir : str or Path
        Pretrained encoders go to ``work_dir/encoders/seed<s>/fold<k>/<encoder>``.
    pretrain : callable, default=pretrain_encoder
        ``pretrain(spec, X, index, config=, seed=, directory=)``.
    log : callable, default=print
        Progress messages.
    keep_encoders : bool, default=True
        Keep the encoders on disk; otherwise only seed 0 / fold 0's FlowFM encoder
        (for the t-SNE figure) is kept.

    Returns
    -------
    BenchmarkResult
    """
    work_dir = Path(work_dir)
    started = time.perf_counter()
    folds = make_folds(data, config.n_folds)
    specs = list(dict.fromkeys(m.encoder for m in methods if m.encoder is not None))
    cache_dir = work_dir / "cache"
    rows, predictions, tsne, cv_text = [], [], None, ""
    for seed in config.seeds:
        for fold, (train, test) in enumerate(folds):
            fold_dir = work_dir / "encoders" / f"seed{seed}" / f"fold{fold}"
            encoders = {}
            for spec in specs:
                log(f"seed {seed} fold {fold}: pretraining {spec.key} on {len(train)} "
                    "training windows")
                encoders[spec] = pretrain(spec, data.X, train, config=config, seed=seed,
                                          directory=fold_dir / spec.key)
            cv, groups, cv_text = inner_cv(data, train, config.inner_folds, seed)
            memory = Memory(cache_dir, verbose=0)
            for method in methods:
                encoder = encoders.get(method.encoder)
                estimator = build_estimator(
                    method, config, seed=seed, memory=memory, cv=cv,
                    encoder_dir=None if encoder is None else encoder.directory)
                start = time.perf_counter()
                _fit(estimator, data.X[train], data.y[train], groups)
                fit_seconds = time.perf_counter() - start
                start = time.perf_counter()
                y_pred = np.asarray(estimator.predict(data.X[test])).astype(str)
                predict_seconds = time.perf_counter() - start
                y_true = data.y[test]
                row = {
                    "dataset": data.name, "method": method.name, "group": method.group,
                    "seed": seed, "fold": fold,
                    "accuracy": accuracy_score(y_true, y_pred),
                    "macro_f1": f1_score(y_true, y_pred, average="macro"),
                    "n_train_subjects": len(set(data.groups[train])) if data.has_subjects
                    else None,
                    "n_test_subjects": len(set(data.groups[test])) if data.has_subjects
                    else None,
                    "n_train_windows": len(train), "n_test_windows": len(test),
                    "test_subjects": " ".join(sorted(set(data.groups[test]), key=natural_key))
                    if data.has_subjects else "archive TEST split",
                    "encoder": "" if method.encoder is None else method.encoder.key,
                    "pretrain_epochs": 0 if encoder is None else encoder.epochs,
                    "pretrain_seconds": 0.0 if encoder is None else encoder.seconds,
                    "pretrain_windows": 0 if encoder is None else encoder.n_windows,
                    "pretraining_source": "" if encoder is None else PRETRAINING_SOURCE,
                    **_budget(estimator),
                    "fit_seconds": fit_seconds, "predict_seconds": predict_seconds,
                    "model": config.model if method.kind != "minirocket" and
                    method.kind != "features-rf" else "",
                    "inner_cv": cv_text if isinstance(estimator, GridSearchCV) else "",
                }
                rows.append(row)
                predictions.append(pd.DataFrame({
                    "seed": seed, "fold": fold, "method": method.name, "window": test,
                    "y_true": y_true, "y_pred": y_pred}))
                log(f"seed {seed} fold {fold}: {method.name:24s} acc {row['accuracy']:.3f} "
                    f"F1 {row['macro_f1']:.3f} ({fit_seconds:.1f} s)")
            flow = next((e for s, e in encoders.items() if s.key == "flowfm-mask0.5"), None)
            if tsne is None and flow is not None:
                tsne = (flow.directory, train, test)
            shutil.rmtree(cache_dir, ignore_errors=True)
            if not keep_encoders:
                for encoder in encoders.values():
                    if tsne is None or encoder.directory != tsne[0]:
                        shutil.rmtree(encoder.directory, ignore_errors=True)
    return BenchmarkResult(
        rows=pd.DataFrame(rows),
        predictions=pd.concat(predictions, ignore_index=True) if predictions else
        pd.DataFrame(),
        folds=folds, data=data, config=config, methods=methods, inner_cv=cv_text,
        tsne_encoder=tsne, seconds=time.perf_counter() - started)
