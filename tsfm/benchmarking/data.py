"""The windows a benchmark runs on and its outer, subject-wise folds."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import GroupKFold, StratifiedKFold

#: windowing of the shared HAR datasets, fixed before any result was seen: the paper's
#: 30 Hz / 10 s windows; HAPT keeps its 6 activities (the transitions are unlabelled);
#: RacketSports keeps the archive's 3 s cases at 10 Hz, with a 3-sample (0.3 s) patch.
DATASET_SETTINGS: dict[str, dict[str, Any]] = {
    "hapt": {"load": {"rate": 30, "window_seconds": 10, "transitions": False}},
    "adl": {"load": {"rate": 30, "window_seconds": 10}},
    "uea:RacketSports": {"load": {}, "patch_size": 3},
}


@dataclass
class BenchmarkData:
    """Labelled windows with subject groups.

    Attributes
    ----------
    name : str
    X : ndarray of shape (n_windows, n_channels, n_timepoints), float32
    y : ndarray of shape (n_windows,) of str
    groups : ndarray of shape (n_windows,) of str
        Subject id of each window.
    split : ndarray of shape (n_windows,) of {"train", "test"} or None
        A fixed archive split, used instead of ``GroupKFold`` when the dataset has no
        subject ids (UEA).
    info : dict
        Provenance of the windows (``WindowedDataset.info`` and the loading options).
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    groups: np.ndarray
    split: np.ndarray | None = None
    info: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.X = np.asarray(self.X, dtype=np.float32)
        self.y = np.asarray(self.y).astype(str)
        self.groups = np.asarray(self.groups).astype(str)
        if self.X.ndim != 3:
            raise ValueError(
                f"X must have shape (n_windows, n_channels, n_timepoints), got {self.X.shape}"
            )
        if not len(self.X) == len(self.y) == len(self.groups):
            raise ValueError(
                f"X, y and groups must have the same length, got {len(self.X)}, "
                f"{len(self.y)} and {len(self.groups)}"
            )

    @property
    def has_subjects(self) -> bool:
        """Whether ``groups`` are subjects (False for an archive split)."""
        return self.split is None


def load_benchmark_data(name: str, data_dir: str | Path | None = None,
                        **options: Any) -> BenchmarkData:
    """Load a dataset with its benchmark windowing (see :data:`DATASET_SETTINGS`).

    Parameters
    ----------
    name : str
        A ``tsfm.datasets`` adapter name, e.g. ``"hapt"``, ``"adl"``,
        ``"uea:RacketSports"``.
    data_dir : str or Path, optional
    **options
        Passed to :func:`tsfm.datasets.load_dataset`, overriding the defaults.

    Returns
    -------
    BenchmarkData

    Raises
    ------
    ValueError
        For an unknown dataset name (the message lists the valid ones), or data with
        fewer than two subjects and no archive split.
    """
    from tsfm.datasets import list_datasets, load_dataset

    base = name.partition(":")[0]
    names = list_datasets()["name"].tolist()
    if base not in names:
        raise ValueError(f"unknown dataset {name!r}; valid names: {sorted(names)} "
                         "(UEA problems as 'uea:<Problem>')")
    load = {**DATASET_SETTINGS.get(name, {}).get("load", {}), **options}
    ds = load_dataset(name, data_dir=data_dir, **load)
    labelled = np.array([label is not None for label in ds.y])
    split = None
    if ds.info.get("subject_ids") is False and "split" in ds.metadata:
        split = ds.metadata["split"].to_numpy()[labelled].astype(str)
    info = {**ds.info, "load_options": load}
    data = BenchmarkData(name=name, X=ds.X[labelled], y=ds.y[labelled],
                         groups=ds.groups[labelled], split=split, info=info)
    if split is None and len(set(data.groups)) < 2:
        raise ValueError(f"{name!r} has {len(set(data.groups))} subject(s); subject-wise "
                         "cross-validation needs at least 2")
    return data


def make_folds(data: BenchmarkData, n_folds: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Outer folds: subject-wise ``GroupKFold``, or the archive split when there is one.

    Parameters
    ----------
    data : BenchmarkData
    n_folds : int
        Number of ``GroupKFold`` folds; ignored for an archive split (one fold).

    Returns
    -------
    list of (train_index, test_index)
        Index arrays into ``data.X``; no subject appears on both sides of a fold.

    Raises
    ------
    ValueError
        If there are fewer subjects than folds.
    """
    if data.split is not None:
        return [(np.flatnonzero(data.split == "train"), np.flatnonzero(data.split == "test"))]
    n_subjects = len(set(data.groups))
    if n_folds < 2 or n_folds > n_subjects:
        raise ValueError(f"n_folds must be between 2 and the number of subjects "
                         f"({n_subjects}), got {n_folds}")
    splitter = GroupKFold(n_splits=n_folds)
    return [(train, test) for train, test in splitter.split(data.X, data.y, data.groups)]


def inner_cv(data: BenchmarkData, train_index: np.ndarray, n_folds: int, seed: int):
    """The nested search's splitter and groups over one outer fold's training windows.

    ``GroupKFold`` over the training subjects; stratified K-fold where there are no
    subject ids (an archive split) or too few training subjects.

    Returns
    -------
    cv : splitter
    groups : ndarray of shape (len(train_index),) or None
    description : str
    """
    groups = data.groups[train_index]
    if data.has_subjects and len(set(groups)) >= n_folds:
        return (GroupKFold(n_splits=n_folds), groups,
                f"GroupKFold({n_folds}) over training subjects")
    cv = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    return cv, None, f"StratifiedKFold({n_folds}) over training windows (no subject ids)"
