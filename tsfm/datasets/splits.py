"""Subject-wise train/test splits of a :class:`~tsfm.datasets.WindowedDataset`."""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import GroupShuffleSplit

from tsfm.datasets.windowed_dataset import WindowedDataset


def train_test_split_subjects(
    dataset: WindowedDataset,
    test_size: float = 0.25,
    random_state: int | None = 0,
    official: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split the labelled windows so that no subject is in both parts.

    Parameters
    ----------
    dataset : WindowedDataset
    test_size : float, default 0.25
        Fraction of subjects (not windows) held out, when no official split is used.
    random_state : int or None, default 0
        Seed of :class:`sklearn.model_selection.GroupShuffleSplit`.
    official : bool, default True
        Use the dataset's official train/test split (``metadata["split"]``: HAPT,
        UCI-HAR, UEA) where it has one.

    Returns
    -------
    X_train : ndarray of shape (n_train, n_channels, n_timepoints)
    y_train : ndarray of shape (n_train,)
    X_test : ndarray of shape (n_test, n_channels, n_timepoints)
    y_test : ndarray of shape (n_test,)

    Raises
    ------
    ValueError
        If the labelled windows come from fewer than two subjects.
    """
    labelled = np.array([label is not None for label in dataset.y])
    X, y, groups = dataset.X[labelled], dataset.y[labelled], dataset.groups[labelled]
    split = dataset.metadata.get("split")
    if official and split is not None:
        split = split.to_numpy()[labelled]
        if {"train", "test"} <= set(split):
            train, test = split == "train", split == "test"
            return X[train], y[train], X[test], y[test]
    if len(set(groups)) < 2:
        raise ValueError(
            f"a subject-wise split needs at least two subjects; the labelled windows of "
            f"{dataset.info.get('name')!r} come from {len(set(groups))}"
        )
    splitter = GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=random_state)
    train_index, test_index = next(splitter.split(X, y, groups))
    return X[train_index], y[train_index], X[test_index], y[test_index]
