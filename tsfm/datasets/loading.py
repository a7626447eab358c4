"""``load_dataset`` and ``list_datasets``: one call from published files to windows."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tsfm.datasets.adapter import DatasetAdapter, natural_key
from tsfm.datasets.errors import DatasetNotFoundError, WindowTooLongError
from tsfm.datasets.parameters import check_adapter_options, check_dataset_name, check_windowing
from tsfm.datasets.windowed_dataset import WindowedDataset
from tsfm.datasets.windowing import WindowBatch, WindowSpec, window_recordings
from tsfm.plugins import get_plugin, list_plugins

#: environment variable naming the data directory when ``data_dir`` is not given
DATA_ENV_VAR = "TSFM_DATA"


def resolve_data_dir(data_dir: str | Path | None) -> Path | None:
    """``data_dir`` if given, else ``$TSFM_DATA``, else None."""
    if data_dir is not None:
        return Path(data_dir).expanduser()
    env = os.environ.get(DATA_ENV_VAR, "").strip()
    return Path(env).expanduser() if env else None


def get_adapter(name: str, **options: Any) -> DatasetAdapter:
    """Create the adapter registered under ``name``.

    ``"family:problem"`` names (``"uea:RacketSports"``) pass ``problem`` to the
    ``family`` adapter.

    Raises
    ------
    ValueError
        For an unknown name; the message lists the available names.
    DatasetParameterError
        For a name that is not a plain registry name (``"uea:../x"``), an option the
        adapter does not take, or an option value of the wrong type.
    """
    base, problem = check_dataset_name(name)
    cls = get_plugin("dataset", base)
    if problem:
        options = {"problem": problem, **options}
    return cls(**check_adapter_options(cls, options))


@dataclass
class WindowStream:
    """Windows of one dataset, produced recording by recording.

    Iterate it to get one :class:`~tsfm.datasets.windowing.WindowBatch` per recording;
    memory holds one recording at a time. After iteration, :meth:`info` describes
    the result.

    Attributes
    ----------
    adapter : DatasetAdapter
    root : Path or None
        Folder the files were read from.
    spec : WindowSpec
    channels : tuple of str
    subjects : list of str or None
    counts : collections.Counter
        What the shared preprocessing dropped or repaired.
    """

    adapter: DatasetAdapter
    root: Path | None
    spec: WindowSpec
    channels: tuple[str, ...]
    subjects: list[str] | None
    overlap: float
    counts: Counter = field(default_factory=Counter)
    channel_names: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[WindowBatch]:
        self.counts = Counter()
        self.adapter.reset_counts()
        records = self.adapter.recordings(self.root, self.channels, self.subjects)
        for recording, batch in window_recordings(records, self.spec, self.counts):
            if not self.channel_names:
                self.channel_names = list(recording.channel_names)
                self.units = [
                    "g" if n.startswith("acc") else u
                    for n, u in zip(recording.channel_names, recording.units, strict=True)
                ]
            if not self.adapter.has_subjects:
                batch.metadata["subject"] = None
            yield batch
        self.check_not_empty()

    def check_not_empty(self) -> None:
        """Raise when nothing was windowed, saying why.

        Raises
        ------
        WindowTooLongError
            If the window is longer than every gap-free recording.
        ValueError
            If there were recordings long enough but no window was produced.
        """
        if self.counts["windows"]:
            return
        longest = self.counts["longest_segment_timepoints"]
        if longest < self.spec.n_timepoints:
            raise WindowTooLongError(
                f"the window ({self.spec.n_timepoints} samples = "
                f"{self.spec.n_timepoints / self.spec.rate:g} s at {self.spec.rate:g} Hz) is "
                f"longer than every gap-free recording of {self.adapter.name!r} (longest: "
                f"{longest} samples = {longest / self.spec.rate:g} s, "
                f"{self.counts['recordings']} recordings read). Use a shorter window_seconds."
            )
        raise ValueError(
            f"no labelled window of {self.spec.n_timepoints} samples fits inside any "
            f"labelled interval of {self.adapter.name!r}; use a shorter window_seconds, or "
            "labelled_only=False with continuous=True to window across label boundaries."
        )

    def info(self) -> dict[str, Any]:
        """Provenance and processing facts for ``WindowedDataset.info``."""
        info = self.adapter.describe()
        drops = dict(self.adapter.counts)
        not_drops = {"windows", "recordings", "longest_segment_timepoints", "windowed_seconds"}
        drops.update({k: int(v) for k, v in self.counts.items() if k not in not_drops})
        info.update(
            rate=self.spec.rate,
            window_seconds=self.spec.n_timepoints / self.spec.rate,
            n_timepoints=self.spec.n_timepoints,
            overlap=self.overlap,
            stride_seconds=self.spec.step / self.spec.rate,
            max_gap_seconds=self.spec.max_gap_seconds,
            labelled_only=self.spec.labelled_only,
            continuous=self.spec.continuous,
            channels=list(self.channel_names),
            units=list(self.units),
            n_recordings=int(self.counts["recordings"]),
            windowed_hours=float(self.counts["windowed_seconds"]) / 3600.0,
            drops=drops,
            data_dir=str(self.root) if self.root is not None else None,
        )
        return info


def stream_windows(
    name: str,
    data_dir: str | Path | None = None,
    *,
    rate: float | None = None,
    window_seconds: float | None = None,
    overlap: float = 0.0,
    stride_seconds: float | None = None,
    channels: Sequence[str] | None = None,
    labelled_only: bool = True,
    continuous: bool = False,
    max_subjects: int | None = None,
    max_gap_seconds: float = 0.5,
    download: bool = False,
    **options: Any,
) -> WindowStream:
    """Prepare to window a dataset recording by recording; see :func:`load_dataset`.

    Returns
    -------
    WindowStream
        Iterate it for one :class:`WindowBatch` per recording.
    """
    params = check_windowing(
        rate=rate,
        window_seconds=window_seconds,
        overlap=overlap,
        stride_seconds=stride_seconds,
        max_subjects=max_subjects,
        max_gap_seconds=max_gap_seconds,
        labelled_only=labelled_only,
        continuous=continuous,
        download=download,
    )
    adapter = get_adapter(name, **options)
    channels = adapter.check_channels(adapter.sensors[:1] if channels is None else channels)
    root: Path | None = None
    if adapter.requires_data_dir:
        directory = resolve_data_dir(data_dir)
        if directory is None:
            raise DatasetNotFoundError(
                f"no data directory for {name!r}: pass data_dir=... or set the "
                f"{DATA_ENV_VAR} environment variable. Expected: {adapter.expected_files}."
            )
        root = adapter.download(directory) if params.download else adapter.locate(directory)
    subjects = None
    if params.max_subjects is not None:
        subjects = adapter.subjects(root)[: params.max_subjects]
    rate = params.rate
    if rate is None:
        rate = adapter.default_rate or adapter.original_rate
    window_seconds = params.window_seconds
    if window_seconds is None:
        window_seconds = adapter.default_window_seconds or adapter.native_window_seconds(root)
    spec = WindowSpec.from_seconds(
        rate,
        window_seconds,
        params.overlap,
        params.max_gap_seconds,
        params.labelled_only,
        stride_seconds=params.stride_seconds,
        continuous=params.continuous,
    )
    return WindowStream(adapter, root, spec, channels, subjects, params.overlap)


def load_dataset(
    name: str,
    data_dir: str | Path | None = None,
    *,
    rate: float | None = None,
    window_seconds: float | None = None,
    overlap: float = 0.0,
    stride_seconds: float | None = None,
    channels: Sequence[str] | None = None,
    labelled_only: bool = True,
    continuous: bool = False,
    max_subjects: int | None = None,
    max_gap_seconds: float = 0.5,
    download: bool = False,
    **options: Any,
) -> WindowedDataset:
    """Read a published dataset from its original files and cut it into windows.

    Parameters
    ----------
    name : str
        A registered adapter (see :func:`list_datasets`), e.g. ``"adl"``, ``"hapt"``,
        or ``"uea:RacketSports"``.
    data_dir : str or Path, optional
        Folder holding the dataset (or a parent of it, searched 3 levels deep).
        Defaults to the ``TSFM_DATA`` environment variable.
    rate : float, optional
        Target rate in Hz, at most ``MAX_RATE_HZ`` (10 kHz). Default: the adapter's
        (30 Hz for wearable recordings, as in the FlowFM paper; the original rate for
        pre-segmented archives).
    window_seconds : float, optional
        Window duration. Default: 10 s for recordings; the segment length for
        pre-segmented archives (UEA, UCI-HAR).
    overlap : float, default 0.0
        Fraction of a window shared with the next one, in ``[0, 1)``.
    stride_seconds : float, optional
        Distance between consecutive window starts in seconds, instead of ``overlap``
        (``window_seconds=10, stride_seconds=2`` gives a window every 2 s, so a 14 s
        recording gives 3). Give ``overlap`` or ``stride_seconds``, not both.
    channels : sequence of str, optional
        ``("acc",)`` (the default for wearable datasets) or ``("acc", "gyro")`` where
        the dataset has both; archives of unknown sensors (UEA) offer ``("all",)``.
    labelled_only : bool, default True
        False keeps windows from unlabelled stretches too (label ``None``), for
        pretraining.
    continuous : bool, default False
        True steps windows through each gap-free stretch of signal across label
        boundaries (for pretraining; a window keeps a label only when it lies inside one
        labelled interval, else None). False starts windows at each labelled interval
        and keeps them inside it.
    max_subjects : int, optional
        Read only the first subjects, in natural order of their ids.
    max_gap_seconds : float, default 0.5
        Gaps (NaN, dropped packets) up to this long are linearly interpolated; longer
        ones cut the recording.
    download : bool, default False
        Fetch and verify the dataset into ``data_dir`` when it is not there.
    **options
        Adapter options, e.g. ``transitions=False`` for ``"hapt"``.

    Returns
    -------
    WindowedDataset
        ``X`` of shape (n_windows, n_channels, n_timepoints), float32.

    Raises
    ------
    ValueError
        Unknown dataset name (the message lists the available ones).
    DatasetParameterError
        A ``ValueError`` and ``TypeError``: an argument or adapter option out of its
        range or of the wrong type (NaN or infinite ``rate``, ``max_subjects=1.5``,
        ``transitions="no"``...), or a name that is not a plain registry name.
    DatasetNotFoundError
        Missing directory or none of the expected files (the message lists them).
    WindowTooLongError
        The window is longer than every recording.
    """
    stream = stream_windows(
        name,
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
        **options,
    )
    batches = [batch for batch in stream if len(batch.X)]
    X = np.concatenate([b.X for b in batches])
    metadata = pd.concat([b.metadata for b in batches], ignore_index=True)
    y = metadata["activity"].to_numpy(dtype=object)
    if stream.adapter.has_subjects:
        groups = metadata["subject"].to_numpy(dtype=object)
    else:
        groups = metadata["split"].to_numpy(dtype=object)
    info = stream.info()
    info.update(
        n_windows=int(len(X)),
        n_subjects=int(metadata["subject"].nunique()) if stream.adapter.has_subjects else None,
        classes=sorted({label for label in y if label is not None}),
    )
    return WindowedDataset(X, y, groups, metadata, info)


def list_datasets(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Every registered dataset adapter and whether its data was found.

    Parameters
    ----------
    data_dir : str or Path, optional
        Where to look; defaults to the ``TSFM_DATA`` environment variable.

    Returns
    -------
    DataFrame
        One row per adapter: ``name``, ``title``, ``placement``, ``original_rate``,
        ``sensors``, ``found`` (bool) and ``location`` (the folder found, or None).
    """
    directory = resolve_data_dir(data_dir)
    rows = []
    for plugin in list_plugins("dataset"):
        adapter = plugin.cls()
        location = None
        if not adapter.requires_data_dir:
            location = "(bundled)"
        elif directory is not None:
            try:
                location = str(adapter.locate(directory))
            except DatasetNotFoundError:
                location = None
        rows.append(
            {
                "name": plugin.name,
                "title": adapter.title,
                "placement": adapter.placement,
                "original_rate": adapter.original_rate,
                "sensors": ",".join(adapter.sensors),
                "found": location is not None,
                "location": location,
            }
        )
    frame = pd.DataFrame(rows)
    frame["location"] = pd.Series([row["location"] for row in rows], dtype=object)  # None, not NaN
    return frame.sort_values("name", key=lambda s: s.map(natural_key)).reset_index(drop=True)
