"""Training from data that does not fit in memory: shard directories and torch Datasets.

``FlowFMPretrainer.fit`` (and ``FlowFMTransformer.fit`` when it pretrains) accept,
instead of an array, a directory written by ``tsfm prepare`` or any
``torch.utils.data.Dataset`` whose items are arrays of shape (n_channels,
n_timepoints). Normalisation statistics are then computed in one streaming pass and
skorch reads the windows batch by batch.
"""

from __future__ import annotations

import os

import numpy as np
import torch
from torch.utils.data import Dataset

from tsfm.training.normalization import ChannelStandardizer


def is_stream(X) -> bool:
    """Whether ``X`` is a shard directory or a torch Dataset rather than in-memory data."""
    return isinstance(X, str | os.PathLike | Dataset)


def open_stream(X) -> Dataset:
    """Open a shard directory as a :class:`tsfm.datasets.ShardDataset`; pass Datasets through.

    Raises
    ------
    ValueError
        If the dataset is empty or its first item is not a finite (C, T) array.
    """
    if isinstance(X, str | os.PathLike):
        from tsfm.datasets import ShardDataset

        X = ShardDataset(X)
    if len(X) == 0:
        raise ValueError("the dataset is empty; it needs at least one window")
    first = np.asarray(X[0])
    if first.ndim != 2:
        raise ValueError(
            f"dataset items must be arrays of shape (n_channels, n_timepoints), got shape "
            f"{first.shape} for item 0"
        )
    return X


def item_shape(dataset: Dataset) -> tuple[int, int]:
    """``(n_channels, n_timepoints)`` of the dataset's items."""
    return tuple(np.asarray(dataset[0]).shape)


def fit_standardizer(dataset: Dataset) -> ChannelStandardizer:
    """Per-channel statistics in one streaming pass over ``dataset``."""
    from tsfm.datasets import channel_stats

    mean, scale = channel_stats(dataset)
    return ChannelStandardizer(mean=mean.astype(np.float64), scale=scale.astype(np.float64))


class StandardizedDataset(Dataset):
    """Items of ``dataset`` standardised per channel, checked, as skorch ``(X, y)`` pairs.

    A ``DataLoader`` reads a whole batch at once through :meth:`__getitems__`: the
    windows are read together (by the dataset's own ``__getitems__`` where it has one,
    as :class:`tsfm.datasets.ShardDataset` does), then checked and standardised as one
    (n, C, T) array, not window by window.

    Parameters
    ----------
    dataset : torch Dataset
        Items of shape (n_channels, n_timepoints).
    standardizer : ChannelStandardizer
    """

    def __init__(self, dataset: Dataset, standardizer: ChannelStandardizer):
        self.dataset = dataset
        self.standardizer = standardizer
        self.shape = item_shape(dataset)

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        return self.__getitems__([index])[0]

    def _read(self, indices: list[int]) -> np.ndarray:
        """The raw windows ``indices``, float32 of shape (n, C, T); shapes checked."""
        read_batch = getattr(self.dataset, "__getitems__", None)
        if read_batch is not None:
            batch = np.asarray(read_batch(indices), dtype=np.float32)
            if batch.shape[1:] == self.shape:
                return batch
            items = list(batch)
        else:
            items = [np.asarray(self.dataset[i], dtype=np.float32) for i in indices]
        for index, item in zip(indices, items, strict=True):
            if item.shape != self.shape:
                raise ValueError(
                    f"dataset item {index} has shape {item.shape}, but item 0 has "
                    f"{self.shape}; all windows must have the same number of channels and "
                    "timepoints"
                )
        return np.stack(items)

    def __getitems__(self, indices) -> list[tuple[torch.Tensor, int]]:
        """A batch: the standardised windows ``indices`` (each (C, T)) with dummy targets.

        Raises
        ------
        ValueError
            Naming the first item of another shape, or with NaN or inf values.
        tsfm.exceptions.NonFiniteError
            If a standardised value lies beyond the range the network can take.
        """
        indices = [int(i) for i in indices]
        batch = self._read(indices)
        finite = np.isfinite(batch).all(axis=(1, 2))
        if not finite.all():
            raise ValueError(
                f"dataset item {indices[int(np.argmin(finite))]} contains NaN or inf values; "
                "clean the data or re-create the shards"
            )
        standardized = torch.from_numpy(self.standardizer.transform(batch))
        return [(window, 0) for window in standardized]
