"""The transfer benchmark: pretrained models against per-fold pretraining and baselines.

On each dataset, three runs of :func:`~tsfm.benchmarking.run_benchmark` share the same
windows and the same subject-wise folds:

* from the dataset's **leave-one-dataset-out** model (:func:`~tsfm.benchmarking.loo.loo_model`):
  ``transfer-probe (LOO)``, ``transfer-finetune (LOO)`` and ``random-probe`` (its
  architecture, untrained);
* from the **shipped** model, whose corpus held the dataset's windows (unlabelled):
  ``transfer-probe (in corpus)``, ``transfer-finetune (in corpus)`` and ``scratch`` (its
  architecture, trained supervised only);
* **per fold**: ``flowfm-probe`` (pretrained on the training folds only, the quick
  budget), ``minirocket`` and ``features-rf``.

See ``docs/transfer.md`` and ``benchmarks/transfer.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from tsfm.benchmarking.config import BenchmarkConfig
from tsfm.benchmarking.data import BenchmarkData, load_benchmark_data
from tsfm.benchmarking.loo import LOOBudget, LOOModel, loo_model
from tsfm.benchmarking.methods import FLOWFM, METHODS, RANDOM, Method
from tsfm.benchmarking.protocol import BenchmarkResult, run_benchmark

#: loading options of each dataset, fixed before any result was seen. All at the models'
#: 30 Hz, accelerometer only (their channels, in g), wrist devices where there is a
#: choice. HAPT and ADL keep the models' 10 s windows. Most SmartFallMM trials are
#: shorter than 10 s, so 4 s windows (all 14 classes, the 5 falls included). GeoTec's
#: activities last 0.7-2.5 s (median), so 1 s windows: at 2 s only 4 classes are left,
#: 2 of them with fewer than 10 windows.
TRANSFER_DATASETS: dict[str, dict[str, Any]] = {
    "hapt": {"rate": 30, "window_seconds": 10, "transitions": False, "channels": ["acc"]},
    "adl": {"rate": 30, "window_seconds": 10, "channels": ["acc"]},
    "smartfallmm": {"rate": 30, "window_seconds": 4, "device": "both", "channels": ["acc"]},
    "geotec": {"rate": 30, "window_seconds": 1, "device": "watch", "channels": ["acc"]},
}

#: where a method's encoder or architecture comes from
SOURCES = ("loo", "shipped", "per-fold")


@dataclass(frozen=True)
class TransferMethod:
    """A row of the transfer table and the run it belongs to.

    Attributes
    ----------
    key : str
        Its ``--methods`` name.
    method : Method
        What ``run_benchmark`` fits; ``method.name`` is the table's label.
    source : {"loo", "shipped", "per-fold"}
    """

    key: str
    method: Method
    source: str


def _transfer(key: str, kind: str, label: str, source: str, description: str,
              features: str = "representation") -> TransferMethod:
    group = "transfer" if kind == "probe" else "fine-tuning"
    return TransferMethod(key, Method(label, kind, FLOWFM, group, description, features), source)


def _reuse(key: str, source: str, description: str | None = None) -> TransferMethod:
    method = METHODS[key]
    return TransferMethod(key, method if description is None else
                          replace(method, description=description), source)


#: every method of the transfer table, in table order
TRANSFER_METHODS: dict[str, TransferMethod] = {m.key: m for m in [
    _transfer("loo-probe", "probe", "transfer-probe (LOO)", "loo",
              "frozen encoder of a model pretrained on the corpus without this dataset + "
              "StandardScaler + LogisticRegression (C by nested GridSearchCV)"),
    _transfer("corpus-probe", "probe", "transfer-probe (in corpus)", "shipped",
              "frozen encoder of the shipped model, whose pretraining corpus held this "
              "dataset's windows (labels unused) + the same probe"),
    _reuse("flowfm-probe", "per-fold",
           "encoder pretrained per fold on the training folds' windows (quick budget) + the "
           "same probe"),
    _reuse("random-probe", "loo",
           "untrained encoder of the LOO model's architecture + the same probe (sanity floor)"),
    _transfer("loo-probe-layers", "probe", "transfer-probe, all blocks (LOO)", "loo",
              "as transfer-probe (LOO), reading every encoder block's mean-pooled tokens "
              "beside the representation (FlowFMTransformer(features='layers'))", "layers"),
    TransferMethod("random-probe-layers", Method(
        "random-probe, all blocks", "probe", RANDOM, "transfer",
        "as random-probe, reading every block's pooled tokens too (features='layers')",
        "layers"), "loo"),
    _transfer("loo-finetune", "finetune", "transfer-finetune (LOO)", "loo",
              "FlowFMClassifier from the LOO model, all weights trained"),
    _transfer("corpus-finetune", "finetune", "transfer-finetune (in corpus)", "shipped",
              "FlowFMClassifier from the shipped model, all weights trained"),
    _reuse("scratch", "shipped",
           "the shipped model's architecture, randomly initialised, trained supervised with "
           "the fine-tuning budget"),
    _reuse("minirocket", "per-fold"),
    _reuse("features-rf", "per-fold"),
]}


def resolve_transfer_methods(names: str | list[str] | None) -> list[TransferMethod]:
    """Transfer methods from a comma-separated list of keys, or ``all`` (None).

    Raises
    ------
    ValueError
        For an unknown key; the message lists the valid ones.
    """
    if names is None or names == "all":
        return list(TRANSFER_METHODS.values())
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    unknown = [n for n in names if n not in TRANSFER_METHODS and n != "all"]
    if unknown or not names:
        raise ValueError(f"unknown transfer method(s) {unknown}; valid: "
                         f"{', '.join(TRANSFER_METHODS)} or all")
    if "all" in names:
        return list(TRANSFER_METHODS.values())
    return [m for key, m in TRANSFER_METHODS.items() if key in names]


def resolve_datasets(names: str | list[str] | None) -> list[str]:
    """Dataset names from a comma-separated list, or all of :data:`TRANSFER_DATASETS`.

    Raises
    ------
    ValueError
        For a dataset without transfer settings; the message lists the valid ones.
    """
    if names is None or names == "all":
        return list(TRANSFER_DATASETS)
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    unknown = [n for n in names if n not in TRANSFER_DATASETS]
    if unknown or not names:
        raise ValueError(f"no transfer settings for {unknown}; valid datasets: "
                         f"{', '.join(TRANSFER_DATASETS)}")
    return [n for n in TRANSFER_DATASETS if n in names]


@dataclass
class TransferResult:
    """One dataset's transfer runs.

    Attributes
    ----------
    dataset : str
    rows : DataFrame
        ``results.csv`` rows of every run, with a ``source`` column.
    data : BenchmarkData
        The windows every method saw.
    runs : dict of str to BenchmarkResult
        By source.
    loo : LOOModel or None
    """

    dataset: str
    rows: pd.DataFrame
    data: BenchmarkData
    runs: dict[str, BenchmarkResult] = field(default_factory=dict)
    loo: LOOModel | None = None


def run_transfer(dataset: str, methods: list[TransferMethod], config: BenchmarkConfig,
                 work_dir: str | Path, *, data_dir: str | Path | None,
                 shipped: str | None, loo_budget: LOOBudget, cache_dir: str | Path,
                 max_subjects: int | None = None, threads: int | None = None,
                 log: Callable[[str], None] = print) -> TransferResult:
    """Run the transfer methods on one dataset (see the module docstring).

    Parameters
    ----------
    dataset : str
        A key of :data:`TRANSFER_DATASETS`.
    methods : list of TransferMethod
    config : BenchmarkConfig
        Folds, seeds, search grids, fine-tuning budget and the per-fold pretraining
        budget; its ``pretrained`` is set per run.
    work_dir : str or Path
        Encoders of the runs go to ``work_dir/<dataset>/<source>/``.
    data_dir : str or Path or None
        Folder holding the datasets.
    shipped : str or None
        The shipped model (name or directory); needed by the ``shipped`` methods.
    loo_budget : LOOBudget
        Budget of the leave-one-dataset-out model (its ``max_subjects`` also limits
        the corpus).
    cache_dir : str or Path
        Corpora and runs of the leave-one-dataset-out models.
    max_subjects : int, optional
        Only the dataset's first subjects (smoke runs).
    threads : int, optional
        Torch threads of this process (one per joblib worker).
    log : callable, default=print

    Returns
    -------
    TransferResult

    Raises
    ------
    ValueError
        If a ``shipped`` method is asked for without ``shipped``.
    """
    if threads is not None:
        import torch

        torch.set_num_threads(threads)

    def say(message: str) -> None:
        log(f"[{dataset}] {message}")

    sources = {m.source for m in methods}
    if "shipped" in sources and shipped is None:
        names = [m.key for m in methods if m.source == "shipped"]
        raise ValueError(f"methods {names} start from the shipped model; pass --pretrained "
                         "NAME_OR_DIR (e.g. /work/runs/wrist-small/model) or leave them out")
    data = load_benchmark_data(dataset, data_dir, max_subjects=max_subjects,
                               **TRANSFER_DATASETS[dataset])
    say(f"{data.X.shape} windows, {len(set(data.groups))} subjects, {len(set(data.y))} classes")
    work_dir = Path(work_dir) / dataset
    result = TransferResult(dataset, pd.DataFrame(), data)
    starts: dict[str, str | None] = {"per-fold": None, "shipped": shipped}
    if "loo" in sources:
        result.loo = loo_model(dataset, cache_dir, data_dir=data_dir, budget=loo_budget,
                               log=say)
        starts["loo"] = str(result.loo.directory)
    for source in SOURCES:
        chosen = [m.method for m in methods if m.source == source]
        if not chosen:
            continue
        say(f"{source} run: {', '.join(m.name for m in chosen)}")
        # the per-fold run (the last) gets the windows the pretrained runs resampled
        seen = next(iter(result.runs.values())).data if result.runs else data
        run = run_benchmark(seen, chosen, replace(config, pretrained=starts[source]),
                            work_dir / source, log=say, keep_encoders=False)
        if run.data.X.shape != next(iter(result.runs.values()), run).data.X.shape:
            raise RuntimeError(f"the {source} run saw windows of another shape "
                               f"{run.data.X.shape}; every run must see the same windows")
        result.runs[source] = run
    rows = pd.concat([r.rows.assign(source=s) for s, r in result.runs.items()],
                     ignore_index=True)
    order = [m.method.name for m in TRANSFER_METHODS.values()]
    result.rows = rows.sort_values(
        ["method", "seed", "fold"], key=lambda c: c.map(order.index) if c.name == "method"
        else c, kind="stable").reset_index(drop=True)
    result.data = next(iter(result.runs.values())).data
    return result


def run_all(datasets: list[str], *, n_jobs: int = 1, **kwargs: Any) -> list[TransferResult]:
    """:func:`run_transfer` on every dataset, ``n_jobs`` datasets at a time (joblib).

    Each worker runs torch on one thread, unless ``threads`` is given.
    """
    from joblib import Parallel, delayed

    kwargs.setdefault("threads", 1)
    return Parallel(n_jobs=n_jobs)(delayed(run_transfer)(name, **kwargs) for name in datasets)
