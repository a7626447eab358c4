"""Public wearable and time-series datasets, from their published files to model-ready windows.

>>> from tsfm.datasets import load_dataset, list_datasets
>>> ds = load_dataset("adl", data_dir="HMP_Dataset", rate=30, window_seconds=10)  # doctest: +SKIP
>>> ds.X.shape, ds.classes_, ds.groups  # doctest: +SKIP

Every adapter is a plugin (``tsfm_register_dataset_adapters`` hook); the built-in ones
live in ``tsfm_builtins.datasets``. Preprocessing (unit conversion to g, gap filling,
anti-aliased resampling, windowing) is shared by all adapters. :func:`build_corpus`
writes several datasets, windowed alike, to one shard directory for pretraining.
"""

from tsfm.datasets.adapter import DatasetAdapter, DownloadSource
from tsfm.datasets.corpus import (
    CORPORA,
    WRIST_CORPUS,
    DatasetSpec,
    build_corpus,
    corpus_table,
)
from tsfm.datasets.errors import (
    DatasetDownloadError,
    DatasetNotFoundError,
    DatasetParameterError,
    WindowTooLongError,
)
from tsfm.datasets.loading import (
    DATA_ENV_VAR,
    WindowStream,
    get_adapter,
    list_datasets,
    load_dataset,
    stream_windows,
)
from tsfm.datasets.model_input import to_model_input
from tsfm.datasets.recording import LabelInterval, Recording
from tsfm.datasets.splits import train_test_split_subjects
from tsfm.datasets.windowed_dataset import WindowedDataset
from tsfm.datasets.windowing import WindowBatch, WindowSpec

#: names defined in tsfm.datasets.shards, which imports torch: loaded on first use
_SHARDS = ("ShardDataset", "channel_stats", "write_shards")


def __getattr__(name: str):
    if name in _SHARDS:
        from tsfm.datasets import shards

        return getattr(shards, name)
    raise AttributeError(f"module 'tsfm.datasets' has no attribute {name!r}")


__all__ = [
    "CORPORA",
    "DATA_ENV_VAR",
    "DatasetAdapter",
    "DatasetDownloadError",
    "DatasetNotFoundError",
    "DatasetParameterError",
    "DatasetSpec",
    "DownloadSource",
    "LabelInterval",
    "Recording",
    "ShardDataset",
    "WindowBatch",
    "WindowSpec",
    "WindowStream",
    "WindowTooLongError",
    "WindowedDataset",
    "WRIST_CORPUS",
    "build_corpus",
    "channel_stats",
    "corpus_table",
    "get_adapter",
    "list_datasets",
    "load_dataset",
    "stream_windows",
    "to_model_input",
    "train_test_split_subjects",
    "write_shards",
]
