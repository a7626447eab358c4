"""Public wearable and time-series datasets, from their published files to model-ready windows.

>>> from tsfm.datasets import load_dataset, list_datasets
>>> ds = load_dataset("adl", data_dir="HMP_Dataset", rate=30, window_seconds=10)  # doctest: +SKIP
>>> ds.X.shape, ds.classes_, ds.groups  # doctest: +SKIP

Every adapter is a plugin (``tsfm_register_dataset_adapters`` hook); the built-in ones
live in ``tsfm_builtins.datasets``. Preprocessing (unit conversion to g, gap filling,
anti-aliased resampling, windowing) is shared by all adapters. :func:`build_corpus`
writes several datasets, windowed alike, to one shard directory for pretraining.
"""

from __future__ import annotations

import importlib

#: public name -> the submodule that defines it. Nothing is imported with the package
#: (PEP 562): pandas, scipy and torch load when a name is first used, so that
#: ``tsfm --help`` and ``import tsfm.datasets.errors`` stay fast.
_LAZY = {
    **dict.fromkeys(("DatasetAdapter", "DownloadSource"), "adapter"),
    **dict.fromkeys(("CORPORA", "WRIST_CORPUS", "DatasetSpec", "build_corpus",
                     "corpus_table"), "corpus"),
    **dict.fromkeys(("DatasetDownloadError", "DatasetNotFoundError",
                     "DatasetParameterError", "ShardError", "WindowTooLongError"), "errors"),
    **dict.fromkeys(("DATA_ENV_VAR", "WindowStream", "get_adapter", "list_datasets",
                     "load_dataset", "stream_windows"), "loading"),
    "to_model_input": "model_input",
    **dict.fromkeys(("LabelInterval", "Recording"), "recording"),
    "train_test_split_subjects": "splits",
    "WindowedDataset": "windowed_dataset",
    **dict.fromkeys(("WindowBatch", "WindowSpec"), "windowing"),
    **dict.fromkeys(("ShardDataset", "channel_stats", "write_shards"), "shards"),
}


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(f"tsfm.datasets.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'tsfm.datasets' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


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
    "ShardError",
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
