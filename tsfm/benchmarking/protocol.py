"""The benchmark loop: seeds x outer folds x methods, with per-fold pretraining."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Memory
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GridSearchCV

from tsfm.benchmarking.config import BenchmarkConfig
from tsfm.benchmarking.data import BenchmarkData, inner_cv, make_folds
from tsfm.benchmarking.methods import Method, build_estimator, check_pretrained
from tsfm.benchmarking.pretrained import (
    ModelSpec,
    describe_model,
    fit_to_model,
    pretrained_encoders,
)
from tsfm.benchmarking.pretraining import (
    PRETRAINING_SOURCE,
    PretrainedEncoder,
    pretrain_encoder,
)
from tsfm.datasets.adapter import natural_key

__all__ = ["PRETRAINING_SOURCE", "BenchmarkResult", "run_benchmark"]


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
    model : ModelSpec or None
        The pretrained model the run started from (``config.pretrained``).
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
    model: ModelSpec | None = None


def _fit(estimator, X, y, groups):
    if isinstance(estimator, GridSearchCV):
        return estimator.fit(X, y, groups=groups)
    return estimator.fit(X, y)


def _budget(estimator) -> dict:
    """Supervised epochs actually run, and the search's choice (or "fixed")."""
    if isinstance(estimator, GridSearchCV):
        return {"finetune_epochs": 0, "best_params": repr(estimator.best_params_)}
    return {"finetune_epochs": len(estimator.history_), "best_params": "fixed (no search)"}


def _model_name(method: Method, config: BenchmarkConfig, model: ModelSpec | None) -> str:
    """The ``model`` column: the preset of the method's network, empty for the baselines."""
    if method.kind in ("minirocket", "features-rf"):
        return ""
    if model is not None and (method.kind == "scratch" or method.encoder is not None):
        return f"{model.preset} ({model.reference})"
    return config.model


def run_benchmark(
    data: BenchmarkData,
    methods: list[Method],
    config: BenchmarkConfig,
    work_dir: str | Path,
    *,
    pretrain: Callable[..., PretrainedEncoder] | None = None,
    log: Callable[[str], None] = print,
    keep_encoders: bool = True,
) -> BenchmarkResult:
    """Evaluate ``methods`` on ``data`` with subject-wise cross-validation.

    For each seed and outer fold, every encoder the methods need is pretrained on
    the fold's training windows only (``pretrain`` receives their indices), saved,
    and loaded by path; each method is then fitted on the training windows (nested
    ``GridSearchCV`` over training subjects where it has hyperparameters) and scored
    on the test fold.

    With ``config.pretrained`` nothing is pretrained: the windows are resampled to the
    model's rate (:func:`~tsfm.benchmarking.pretrained.fit_to_model`), ``flowfm-probe``
    and ``flowfm-finetune`` start from the model, and ``random-probe`` and ``scratch``
    take its architecture (see :mod:`tsfm.benchmarking.pretrained`).

    Parameters
    ----------
    data : BenchmarkData
    methods : list of Method
    config : BenchmarkConfig
    work_dir : str or Path
        Pretrained encoders go to ``work_dir/encoders/seed<s>/fold<k>/<encoder>``.
    pretrain : callable, optional
        ``pretrain(spec, X, index, config=, seed=, directory=)``; default
        :func:`~tsfm.benchmarking.pretraining.pretrain_encoder`, or
        :func:`~tsfm.benchmarking.pretrained.pretrained_encoders` of
        ``config.pretrained``.
    log : callable, default=print
        Progress messages.
    keep_encoders : bool, default=True
        Keep the encoders on disk; otherwise only seed 0 / fold 0's FlowFM encoder
        (for the t-SNE figure) is kept. A pretrained model is never deleted.

    Returns
    -------
    BenchmarkResult

    Raises
    ------
    ValueError
        With ``config.pretrained``, for a method that pretrains its own encoder or
        windows that do not fit the model (see ``fit_to_model``).
    """
    work_dir = Path(work_dir)
    started = time.perf_counter()
    model = None
    if config.pretrained is not None:
        check_pretrained(methods)
        model = describe_model(config.pretrained, default_rate=config.model_rate)
        shape = data.X.shape
        data = fit_to_model(data, model)
        log(f"starting from {model.describe()}; windows {shape[1:]} -> {data.X.shape[1:]}")
    if pretrain is None:
        pretrain = pretrain_encoder if model is None else pretrained_encoders(model)
    architecture = None if model is None else model.architecture()
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
                    "training windows" if model is None else
                    f"seed {seed} fold {fold}: encoder {spec.key} "
                    f"{'from' if spec.trained else 'untrained, architecture of'} "
                    f"{model.reference}")
                encoders[spec] = pretrain(spec, data.X, train, config=config, seed=seed,
                                          directory=fold_dir / spec.key)
            cv, groups, cv_text = inner_cv(data, train, config.inner_folds, seed)
            memory = Memory(cache_dir, verbose=0)
            for method in methods:
                encoder = encoders.get(method.encoder)
                estimator = build_estimator(
                    method, config, seed=seed, memory=memory, cv=cv, architecture=architecture,
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
                    "pretraining_source": "" if encoder is None else encoder.source,
                    **_budget(estimator),
                    "fit_seconds": fit_seconds, "predict_seconds": predict_seconds,
                    "model": _model_name(method, config, model),
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
                    mine = encoder.directory.is_relative_to(fold_dir)
                    if mine and (tsne is None or encoder.directory != tsne[0]):
                        shutil.rmtree(encoder.directory, ignore_errors=True)
    return BenchmarkResult(
        rows=pd.DataFrame(rows),
        predictions=pd.concat(predictions, ignore_index=True) if predictions else
        pd.DataFrame(),
        folds=folds, data=data, config=config, methods=methods, inner_cv=cv_text,
        tsne_encoder=tsne, seconds=time.perf_counter() - started, model=model)
