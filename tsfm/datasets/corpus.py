"""Pretraining corpora: several datasets, windowed alike, in one shard directory.

A corpus is a list of dataset specs. Each spec names an adapter and its options,
as a :class:`DatasetSpec`, a dict ``{"name": "geotec", "options": {"device": "both"}}``
or a string in query form, ``"geotec?device=both"`` (``&`` separates options; values
are read as JSON where they parse, ``true``, ``2``, ``["young", "old"]``, and as text
otherwise). The query form does not clash with the ``uea:<Problem>`` names:
``"uea:RacketSports?original_rate=10"``.

>>> from tsfm.datasets import WRIST_CORPUS, build_corpus
>>> corpus = build_corpus(WRIST_CORPUS, "corpus-wrist", data_dir="data",
...                       stride_seconds=2)  # doctest: +SKIP
>>> corpus_table(corpus)  # doctest: +SKIP

Every window keeps its provenance in metadata columns (:data:`PROVENANCE_COLUMNS`),
and the manifest has one section per dataset with its licence, citation, hours,
windows, subjects and devices.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

import pandas as pd

from tsfm.datasets.errors import DatasetParameterError
from tsfm.datasets.loading import WindowStream, stream_windows
from tsfm.datasets.parameters import check_dataset_name
from tsfm.datasets.plausibility import plausible_acceleration
from tsfm.datasets.windowing import WindowBatch

if TYPE_CHECKING:
    from tsfm.datasets.shards import ShardDataset

#: the first metadata columns of every corpus window, in this order; the datasets' own
#: columns (``age_group``, ``experiment``...) follow
PROVENANCE_COLUMNS = ("dataset", "subject", "activity", "source", "start_time", "device",
                      "licence")


@dataclass(frozen=True)
class DatasetSpec:
    """One dataset of a corpus: an adapter name and its options.

    Attributes
    ----------
    name : str
        Registry name, e.g. ``"geotec"`` or ``"uea:RacketSports"``.
    options : dict
        Adapter options, e.g. ``{"device": "both"}``.
    """

    name: str
    options: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def parse(cls, spec: str | Mapping[str, Any] | DatasetSpec) -> DatasetSpec:
        """Read a spec from its string form, a dict, or a :class:`DatasetSpec`.

        Raises
        ------
        DatasetParameterError
            For a malformed spec: an invalid name, a repeated option, an option without
            ``=``, or a dict with keys other than ``name`` and ``options``.
        """
        if isinstance(spec, DatasetSpec):
            return spec
        if isinstance(spec, Mapping):
            unknown = set(spec) - {"name", "options"}
            if unknown or "name" not in spec:
                raise DatasetParameterError(
                    f"a dataset spec dict needs a 'name' and may have 'options', got keys "
                    f"{sorted(spec)}; e.g. {{'name': 'geotec', 'options': {{'device': 'both'}}}}"
                )
            check_dataset_name(spec["name"])
            return cls(spec["name"], dict(spec.get("options") or {}))
        if not isinstance(spec, str):
            raise DatasetParameterError(
                f"a dataset spec is a str like 'geotec?device=both', a dict or a DatasetSpec, "
                f"got {spec!r}"
            )
        name, _, query = spec.partition("?")
        check_dataset_name(name)
        try:
            pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
        except ValueError:
            pairs = None
        keys = [key for key, _ in pairs or ()]
        if pairs is None or len(set(keys)) != len(keys):
            raise DatasetParameterError(
                f"malformed dataset spec {spec!r}: write NAME?KEY=VALUE&KEY=VALUE with each "
                "option once, e.g. 'smartfallmm?device=both&groups=old'"
            )
        return cls(name, {key: _value(text) for key, text in pairs})

    def __str__(self) -> str:
        if not self.options:
            return self.name
        query = {k: v if isinstance(v, str) else json.dumps(v) for k, v in self.options.items()}
        return f"{self.name}?{urlencode(query, safe=_READABLE)}"


#: characters left unescaped when a spec is written back as a string
_READABLE = '[]",:'


def _value(text: str) -> Any:
    """A query value: JSON where it parses (``true``, ``2``, ``["a"]``), else the text."""
    try:
        return json.loads(text)
    except ValueError:
        return text


#: All the wrist and body-worn accelerometer data of the shared folders, for pretraining
#: (use ``labelled_only=False``). ADL's ``*_MODEL`` folders stay out (the adapter's
#: default): 138 of their 140 files are verbatim excerpts of trials in the main
#: folders, so they would only repeat windows.
WRIST_CORPUS: tuple[DatasetSpec, ...] = (
    DatasetSpec("hapt"),
    DatasetSpec("adl"),
    DatasetSpec("geotec", {"device": "both"}),
    DatasetSpec("smartfallmm", {"device": "both"}),
)

#: named corpora for ``tsfm prepare --corpus NAME``
CORPORA: dict[str, tuple[DatasetSpec, ...]] = {"wrist": WRIST_CORPUS}


class CorpusStream:
    """The windows of several datasets in turn, with provenance columns.

    Iterate it for :class:`~tsfm.datasets.windowing.WindowBatch` objects (one per
    recording, so memory holds one recording at a time); afterwards :meth:`info`
    describes every dataset. Every dataset is located and its arguments checked on
    creation, before any window is cut.

    Parameters
    ----------
    specs : sequence of DatasetSpec
    data_dir : str or Path or None
        Folder holding every dataset (each is searched 3 levels deep).
    **windowing
        Arguments of :func:`~tsfm.datasets.stream_windows`, the same for all datasets.
    """

    def __init__(
        self, specs: Sequence[DatasetSpec], data_dir: str | Path | None, **windowing: Any
    ) -> None:
        self.specs = list(specs)
        self.streams: list[WindowStream] = [
            stream_windows(spec.name, data_dir, **windowing, **spec.options)
            for spec in self.specs
        ]
        self.summaries: dict[str, dict[str, Any]] = {}

    def __iter__(self) -> Iterator[WindowBatch]:
        self.summaries = {}
        channels: list[str] | None = None
        for spec, stream in zip(self.specs, self.streams, strict=True):
            adapter = stream.adapter
            subjects: set[str] = set()
            devices: set[str] = set()
            n_windows = 0
            n_implausible = 0
            for batch in stream:
                if channels is None:
                    channels = stream.channel_names
                elif stream.channel_names != channels:
                    raise ValueError(
                        f"dataset {spec.name!r} gives channels {stream.channel_names}, but the "
                        f"corpus has {channels}; choose channels every dataset provides, "
                        "e.g. channels=['acc']"
                    )
                keep = plausible_acceleration(batch.X, stream.units)
                n_implausible += int((~keep).sum())
                if not keep.all():
                    batch = WindowBatch(batch.X[keep], batch.metadata[keep].reset_index(drop=True))
                if not len(batch.X):
                    continue
                meta = batch.metadata
                if "device" not in meta:
                    meta["device"] = adapter.sensor
                meta["dataset"] = spec.name
                meta["licence"] = adapter.licence
                order = [*PROVENANCE_COLUMNS, *(c for c in meta if c not in PROVENANCE_COLUMNS)]
                n_windows += len(meta)
                subjects.update(s for s in meta["subject"] if isinstance(s, str))
                devices.update(str(d) for d in meta["device"])
                yield WindowBatch(batch.X, meta[order])
            info = stream.info()
            self.summaries[spec.name] = {
                "spec": str(spec),
                "options": dict(spec.options),
                "title": adapter.title,
                "licence": adapter.licence,
                "citation": adapter.citation,
                "homepage": adapter.homepage,
                "placement": adapter.placement,
                "original_rate": info["original_rate"],
                "hours": info["windowed_hours"],
                "windows": n_windows,
                "subjects": len(subjects),
                "devices": sorted(devices),
                "n_recordings": info["n_recordings"],
                "drops": {**info["drops"], "implausible_windows": n_implausible},
                "data_dir": info["data_dir"],
            }

    def info(self) -> dict[str, Any]:
        """The corpus description stored in ``manifest.json`` under ``info``."""
        spec = self.streams[0].spec
        first = self.streams[0]
        return {
            "kind": "corpus",
            "rate": spec.rate,
            "window_seconds": spec.n_timepoints / spec.rate,
            "stride_seconds": spec.step / spec.rate,
            "n_timepoints": spec.n_timepoints,
            "max_gap_seconds": spec.max_gap_seconds,
            "labelled_only": spec.labelled_only,
            "continuous": spec.continuous,
            "channels": list(first.channel_names),
            "units": list(first.units),
            "provenance_columns": list(PROVENANCE_COLUMNS),
            "datasets": self.summaries,
        }


def resolve_specs(
    datasets: Iterable[str | Mapping[str, Any] | DatasetSpec], exclude: Iterable[str] = ()
) -> list[DatasetSpec]:
    """Parse dataset specs and drop the excluded ones.

    Parameters
    ----------
    datasets : iterable of str, dict or DatasetSpec
    exclude : iterable of str
        Names of datasets to leave out (leave-one-dataset-out corpora).

    Returns
    -------
    list of DatasetSpec

    Raises
    ------
    DatasetParameterError
        For a malformed spec, a dataset named twice, an ``exclude`` naming a dataset
        that is not in the corpus, or when nothing is left after excluding.
    """
    if isinstance(datasets, str | Mapping | DatasetSpec):
        datasets = [datasets]
    specs = [DatasetSpec.parse(spec) for spec in datasets]
    names = [spec.name for spec in specs]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise DatasetParameterError(
            f"datasets {repeated} appear more than once in the corpus; list each once and "
            "choose its parts with options (e.g. 'geotec?device=both')"
        )
    exclude = [exclude] if isinstance(exclude, str) else list(exclude)
    unknown = sorted(set(exclude) - set(names))
    if unknown:
        raise DatasetParameterError(
            f"exclude names {unknown}, which are not in the corpus; the corpus has {names}"
        )
    kept = [spec for spec in specs if spec.name not in exclude]
    if not kept:
        raise DatasetParameterError(
            f"the corpus is empty: datasets {names} minus exclude={exclude} leaves none"
        )
    return kept


def build_corpus(
    datasets: Iterable[str | Mapping[str, Any] | DatasetSpec],
    out_dir: str | Path,
    data_dir: str | Path | None = None,
    *,
    rate: float = 30.0,
    window_seconds: float = 10.0,
    overlap: float = 0.0,
    stride_seconds: float | None = None,
    channels: Sequence[str] = ("acc",),
    labelled_only: bool = False,
    continuous: bool = True,
    max_subjects: int | None = None,
    max_gap_seconds: float = 0.5,
    exclude: Iterable[str] = (),
    shard_size: int = 65536,
    download: bool = False,
) -> ShardDataset:
    """Window several datasets alike and write them to one shard directory.

    Parameters
    ----------
    datasets : iterable of str, dict or DatasetSpec
        E.g. :data:`WRIST_CORPUS`, or ``["hapt", "geotec?device=both"]``.
    out_dir : str or Path
        Output folder; must not already hold a manifest.
    data_dir : str or Path, optional
        Folder holding every dataset; default ``$TSFM_DATA``.
    rate : float, default 30.0
        Target rate in Hz.
    window_seconds : float, default 10.0
    overlap : float, default 0.0
        Fraction of a window shared with the next one; or give ``stride_seconds``.
    stride_seconds : float, optional
        Seconds between window starts (e.g. 2 s, so that short recordings still give
        windows).
    channels : sequence of str, default ("acc",)
        Sensors; accelerometers are converted to g.
    labelled_only : bool, default False
        False keeps the unlabelled stretches too, as pretraining wants.
    continuous : bool, default True
        Step windows through each gap-free stretch of signal across label boundaries
        (a window keeps a label only when it lies inside one labelled interval). Needed
        for datasets of short labelled segments, such as GeoTec's few-second
        activities, to give 10 s windows at all.
    max_subjects : int, optional
        Only the first subjects of each dataset.
    max_gap_seconds : float, default 0.5
    exclude : iterable of str
        Datasets to leave out, for leave-one-dataset-out corpora.
    shard_size : int, default 65536
    download : bool, default False

    Returns
    -------
    ShardDataset
        Windows of shape (n_channels, n_timepoints); ``metadata`` starts with
        :data:`PROVENANCE_COLUMNS`; ``manifest["info"]["datasets"]`` describes each
        dataset.

    Raises
    ------
    DatasetParameterError
        For a bad argument or spec, an unknown ``exclude``, or an empty corpus.
    DatasetNotFoundError
        If a dataset is not found below ``data_dir`` (raised before anything is written).
    WindowTooLongError
        If a dataset gives no window.
    """
    specs = resolve_specs(datasets, exclude)
    stream = CorpusStream(
        specs,
        data_dir,
        rate=rate,
        window_seconds=window_seconds,
        overlap=overlap,
        stride_seconds=stride_seconds,
        channels=channels,
        labelled_only=labelled_only,
        continuous=continuous,
        max_subjects=max_subjects,
        max_gap_seconds=max_gap_seconds,
        download=download,
    )
    from tsfm.datasets.shards import ShardDataset, write_shards  # imports torch

    return ShardDataset(write_shards(stream, out_dir, shard_size=shard_size))


def corpus_table(corpus: ShardDataset | str | Path) -> pd.DataFrame:
    """Hours, windows, subjects and devices per dataset of a corpus.

    Parameters
    ----------
    corpus : ShardDataset or str or Path
        A corpus written by :func:`build_corpus` (or its folder).

    Returns
    -------
    DataFrame
        Indexed by dataset, columns ``hours``, ``windows``, ``subjects``, ``devices``,
        plus a ``total`` row.
    """
    from tsfm.datasets.shards import ShardDataset  # imports torch

    if not isinstance(corpus, ShardDataset):
        corpus = ShardDataset(corpus)
    datasets = corpus.manifest["info"].get("datasets")
    if not datasets:
        raise ValueError(f"{corpus.root} is not a corpus (its manifest has no datasets)")
    rows = {
        name: {
            "hours": round(facts["hours"], 2),
            "windows": facts["windows"],
            "subjects": facts["subjects"],
            "devices": ", ".join(facts["devices"]),
        }
        for name, facts in datasets.items()
    }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "dataset"
    table.loc["total"] = [
        round(table["hours"].sum(), 2), table["windows"].sum(), table["subjects"].sum(), ""
    ]
    return table
