"""Cutting recordings into fixed-length windows: the preprocessing shared by all adapters.

For each :class:`~tsfm.datasets.recording.Recording`:

1. accelerometer channels are converted to g;
2. gaps of at most ``max_gap_seconds`` are interpolated, longer ones cut the recording
   into gap-free segments;
3. each segment is resampled to the target rate with an anti-aliasing filter;
4. labelled windows are placed from the start of each labelled interval, stepping by
   ``window * (1 - overlap)`` (or by ``stride_seconds``), and kept only when they lie
   entirely inside that interval (hence inside one recording of one subject). With
   ``labelled_only=False`` the stretches outside every interval are windowed the same
   way, with label ``None``. With ``continuous=True`` (pretraining corpora) windows
   step through each gap-free segment across label boundaries instead; a window is
   labelled only when it lies inside one interval.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tsfm.datasets.errors import DatasetParameterError
from tsfm.datasets.gaps import fill_or_cut_gaps
from tsfm.datasets.parameters import check_windowing
from tsfm.datasets.recording import LabelInterval, Recording
from tsfm.datasets.resampling import resample
from tsfm.datasets.units import channels_to_g

#: metadata columns present for every dataset, in this order
BASE_COLUMNS = ("subject", "activity", "source", "start_time")


@dataclass
class WindowSpec:
    """Target rate and window geometry.

    Attributes
    ----------
    rate : float
        Target sampling rate in Hz.
    n_timepoints : int
        Window length in samples at ``rate``.
    step : int
        Distance between consecutive window starts, in samples at ``rate``.
    max_gap_seconds : float
        Longest gap that is interpolated instead of cut.
    labelled_only : bool
        Drop windows outside every labelled interval.
    continuous : bool
        Place windows every ``step`` through each gap-free segment, across label
        boundaries (for pretraining), instead of from the start of each labelled
        interval. A window keeps a label only when it lies inside one labelled
        interval; otherwise its label is None.
    """

    rate: float
    n_timepoints: int
    step: int
    max_gap_seconds: float = 0.5
    labelled_only: bool = True
    continuous: bool = False

    @classmethod
    def from_seconds(
        cls,
        rate: float,
        window_seconds: float,
        overlap: float = 0.0,
        max_gap_seconds: float = 0.5,
        labelled_only: bool = True,
        stride_seconds: float | None = None,
        continuous: bool = False,
    ) -> WindowSpec:
        """Build a spec from a window duration and either an overlap or a stride.

        Parameters
        ----------
        rate : float
            Target rate in Hz, in ``(0, MAX_RATE_HZ]``.
        window_seconds : float
            Window duration; at least one sample at ``rate``.
        overlap : float, default 0.0
            Fraction of a window shared with the next one, in ``[0, 1)``.
        max_gap_seconds : float, default 0.5
        labelled_only : bool, default True
        stride_seconds : float, optional
            Seconds between window starts, instead of ``overlap``.
        continuous : bool, default False
            See :class:`WindowSpec`.

        Raises
        ------
        DatasetParameterError
            For an argument out of its range, a window or stride shorter than one
            sample, or both ``overlap`` and ``stride_seconds``.
        """
        params = check_windowing(
            rate=rate,
            window_seconds=window_seconds,
            overlap=overlap,
            stride_seconds=stride_seconds,
            max_gap_seconds=max_gap_seconds,
            labelled_only=labelled_only,
            continuous=continuous,
        )
        if params.rate is None or params.window_seconds is None:
            raise DatasetParameterError("WindowSpec.from_seconds needs a rate and window_seconds")
        rate, window_seconds = params.rate, params.window_seconds
        n_timepoints = int(round(window_seconds * rate))
        if n_timepoints < 1:
            raise DatasetParameterError(
                f"a window_seconds={window_seconds} s window at rate={rate} Hz holds no sample; "
                f"use window_seconds >= {1 / rate:g}"
            )
        if params.stride_seconds is None:
            step = max(1, int(round(n_timepoints * (1.0 - params.overlap))))
        elif params.overlap:
            raise DatasetParameterError(
                f"give overlap or stride_seconds, not both (got overlap={params.overlap} and "
                f"stride_seconds={params.stride_seconds})"
            )
        else:
            step = int(round(params.stride_seconds * rate))
            if step < 1:
                raise DatasetParameterError(
                    f"stride_seconds={params.stride_seconds} is shorter than one sample at "
                    f"rate={rate} Hz; use stride_seconds >= {1 / rate:g}"
                )
        return cls(
            rate,
            n_timepoints,
            step,
            params.max_gap_seconds,
            params.labelled_only,
            params.continuous,
        )


@dataclass
class WindowBatch:
    """The windows cut from one recording.

    Attributes
    ----------
    X : ndarray of shape (n_windows, n_channels, n_timepoints), float32
    metadata : DataFrame with n_windows rows
        Columns ``subject``, ``activity`` (None when unlabelled), ``source``,
        ``start_time`` (seconds) and the recording's subject attributes.
    """

    X: np.ndarray
    metadata: pd.DataFrame


def _map_interval(start: int, stop: int, factor: float, length: int) -> tuple[int, int]:
    """Map ``[start, stop)`` in original samples to resampled samples, shrinking inward."""
    new_start = min(length, max(0, math.ceil(start * factor - 1e-9)))
    new_stop = min(length, max(0, math.floor(stop * factor + 1e-9)))
    return new_start, new_stop


def _unlabelled_stretches(labels: list[LabelInterval], start: int, stop: int) -> list[tuple]:
    """Parts of ``[start, stop)`` covered by no labelled interval."""
    covered = np.zeros(stop - start, dtype=bool)
    for interval in labels:
        a, b = max(interval.start, start), min(interval.stop, stop)
        if b > a:
            covered[a - start : b - start] = True
    padded = np.concatenate([[True], covered, [True]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(start + a, start + b) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _segment_intervals(
    recording: Recording, seg_start: int, seg_stop: int, length: int, spec: WindowSpec
) -> list[tuple[int, int, str | None]]:
    """The labelled (and, unless ``labelled_only``, unlabelled) stretches of a segment.

    Returns ``(lo, hi, label)`` in samples of the resampled segment (``length`` long),
    sorted by start; label None marks an unlabelled stretch.
    """
    factor = spec.rate / recording.rate
    stretches: list[tuple[int, int, str | None]] = []
    for interval in recording.labels:
        a, b = max(interval.start, seg_start), min(interval.stop, seg_stop)
        if b > a:
            stretches.append((a, b, interval.label))
    if not spec.labelled_only and not spec.continuous:
        gaps = _unlabelled_stretches(recording.labels, seg_start, seg_stop)
        stretches += [(a, b, None) for a, b in gaps]
    mapped = []
    for a, b, label in sorted(stretches, key=lambda stretch: stretch[0]):
        lo, hi = _map_interval(a - seg_start, b - seg_start, factor, length)
        if b == seg_stop:  # an interval reaching the segment's end keeps all of it
            hi = length
        mapped.append((lo, hi, label))
    return mapped


def _interval_starts(
    recording: Recording, seg_start: int, seg_stop: int, length: int, spec: WindowSpec,
    counts: Counter,
) -> Iterator[tuple[int, str | None]]:
    """Window starts stepping from the start of each stretch, inside it."""
    n = spec.n_timepoints
    for lo, hi, label in _segment_intervals(recording, seg_start, seg_stop, length, spec):
        starts = range(lo, hi - n + 1, spec.step)
        if not starts and label is not None:
            counts["intervals_shorter_than_window"] += 1
        for start in starts:
            yield start, label


def _continuous_starts(
    recording: Recording, seg_start: int, seg_stop: int, length: int, spec: WindowSpec,
    counts: Counter,
) -> Iterator[tuple[int, str | None]]:
    """Window starts stepping through the whole segment; label only if inside one interval."""
    n = spec.n_timepoints
    intervals = _segment_intervals(recording, seg_start, seg_stop, length, spec)
    for start in range(0, length - n + 1, spec.step):
        inside = [label for lo, hi, label in intervals if lo <= start and start + n <= hi]
        label = inside[0] if inside else None
        if label is None and spec.labelled_only:
            continue
        yield start, label


def window_recording(recording: Recording, spec: WindowSpec, counts: Counter) -> WindowBatch:
    """Cut one recording into windows.

    Parameters
    ----------
    recording : Recording
        Signals of shape (n_channels, n_samples) at the recording's own rate.
    spec : WindowSpec
    counts : collections.Counter
        Updated in place with what was dropped: ``interpolated_samples``,
        ``cut_samples``, ``gaps_cut``, ``segments_shorter_than_window``,
        ``intervals_shorter_than_window``, ``windows`` and ``windowed_seconds`` (the
        duration of the gap-free segments at least one window long).

    Returns
    -------
    WindowBatch
        Possibly with zero windows.
    """
    signals, _ = channels_to_g(recording.signals, recording.channel_names, recording.units)
    max_gap = int(round(spec.max_gap_seconds * recording.rate))
    filled, segments, report = fill_or_cut_gaps(signals, max_gap)
    counts["interpolated_samples"] += report.interpolated_samples
    counts["cut_samples"] += report.cut_samples
    counts["gaps_cut"] += report.gaps_cut
    windows: list[np.ndarray] = []
    rows: list[tuple] = []
    n = spec.n_timepoints
    for seg_start, seg_stop in segments:
        resampled = resample(filled[:, seg_start:seg_stop], recording.rate, spec.rate)
        length = resampled.shape[1]
        counts["longest_segment_timepoints"] = max(counts["longest_segment_timepoints"], length)
        if length < n:
            counts["segments_shorter_than_window"] += 1
            continue
        counts["windowed_seconds"] += length / spec.rate
        place = _continuous_starts if spec.continuous else _interval_starts
        for start, label in place(recording, seg_start, seg_stop, length, spec, counts):
            windows.append(resampled[:, start : start + n])
            time = recording.start_time + (seg_start / recording.rate) + start / spec.rate
            rows.append((recording.subject, label, recording.source, time))
    counts["windows"] += len(windows)
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(BASE_COLUMNS)
    metadata = pd.DataFrame(
        {
            name: pd.Series(values, dtype=np.float64 if name == "start_time" else object)
            for name, values in zip(BASE_COLUMNS, columns, strict=True)
        }
    )
    for key, value in recording.metadata.items():
        metadata[key] = [value] * len(rows)
    n_channels = filled.shape[0]
    X = (
        np.stack(windows).astype(np.float32)
        if windows
        else np.empty((0, n_channels, n), dtype=np.float32)
    )
    return WindowBatch(X, metadata)


def window_recordings(
    recordings: Iterable[Recording], spec: WindowSpec, counts: Counter
) -> Iterator[tuple[Recording, WindowBatch]]:
    """Window recordings one by one, so a large corpus never sits in memory at once.

    Yields
    ------
    recording : Recording
    batch : WindowBatch
        Its windows (possibly none).
    """
    for recording in recordings:
        counts["recordings"] += 1
        yield recording, window_recording(recording, spec, counts)
