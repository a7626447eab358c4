"""The result of :func:`tsfm.datasets.load_dataset`: windows, labels, groups and provenance."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd


@dataclass
class WindowedDataset:
    """Model-ready windows of one dataset.

    Attributes
    ----------
    X : ndarray of shape (n_windows, n_channels, n_timepoints), float32
        Accelerometer channels in g, gyroscope channels in the dataset's unit.
    y : ndarray of shape (n_windows,), object
        Activity label (str) per window; ``None`` for unlabelled windows, which only
        appear with ``labelled_only=False``.
    groups : ndarray of shape (n_windows,), object
        Subject id per window, for :class:`sklearn.model_selection.GroupKFold`. For
        datasets without subject ids (UEA) it holds the official split instead.
    metadata : DataFrame with n_windows rows
        ``subject``, ``activity``, ``source`` (file relative to the dataset folder),
        ``start_time`` (seconds from the start of the recording or, where the format
        has a clock, Unix time) and the subject attributes the dataset has.
    info : dict
        Name, title, citation, licence, original and target rate, placement, sensor,
        channel names, units, and ``drops``: counts of what was dropped or repaired.
    """

    X: np.ndarray
    y: np.ndarray
    groups: np.ndarray
    metadata: pd.DataFrame
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def classes_(self) -> np.ndarray:
        """Sorted labels present in ``y`` (unlabelled windows excluded)."""
        return np.array(sorted({label for label in self.y if label is not None}), dtype=object)

    @property
    def n_channels(self) -> int:
        """Number of channels, ``X.shape[1]``."""
        return int(self.X.shape[1])

    @property
    def n_timepoints(self) -> int:
        """Window length in samples, ``X.shape[2]``."""
        return int(self.X.shape[2])

    def __len__(self) -> int:
        """Number of windows."""
        return int(self.X.shape[0])

    def __repr__(self) -> str:
        return (
            f"WindowedDataset(name={self.info.get('name')!r}, X={self.X.shape}, "
            f"rate={self.info.get('rate')} Hz, subjects={len(set(self.groups))}, "
            f"classes={len(self.classes_)})"
        )
