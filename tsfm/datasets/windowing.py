"""Cutting recordings into fixed-length windows: the preprocessing shared by all adapters.

For each :class:`~tsfm.datasets.recording.Recording`:

1. accelerometer channels are converted to g;
2. gaps of at most ``max_gap_seconds`` are interpolated, longer ones cut the recording
   into gap-free segments;
3. each segment is resampled to the target rate with an anti-aliasing filter;
4. labelled windows are placed from the start of each labelled interval, stepping by
   ``window * (1 - overlap)``, and kept only when they lie entirely inside that interval
   (hence inside one recording of one subject). With ``labelled_only=False`` the
   stretches outside every interval are windowed the same way, with label ``None``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tsfm.datasets.gaps import fill_or_cut_gaps
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
    """

    rate: float
    n_timepoints: int
    step: int
    max_gap_seconds: float = 0.5
    labelled_only: bool = True

    @classmethod
    def from_seconds(
        cls,
        rate: float,
        window_seconds: float,
        overlap: float = 0.0,
        max_gap_seconds: float = 0.5,
        labelled_only: bool = True,
    ) -> WindowSpec:
        """Build a spec from a window duration and a fractional overlap in ``[0, 1)``."""
        if not 0.0 <= overlap < 1.0:
            raise ValueError(f"overlap must be in [0, 1), got {overlap}")
        if rate <= 0 or window_seconds <= 0:
            raise ValueError(
                f"rate and window_seconds must be positive, got {rate} and {window_seconds}"
            )
        n_timepoints = int(round(window_seconds * rate))
        if n_timepoints < 1:
            raise ValueError(f"a {window_seconds} s window at {rate} Hz holds no sample")
        step = max(1, int(round(n_timepoints * (1.0 - overlap))))
        return cls(rate, n_timepoints, step, max_gap_seconds, labelled_only)


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
        ``intervals_shorter_than_window`` and ``windows``.

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
    factor = spec.rate / recording.rate
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
        stretches: list[tuple[int, int, str | None]] = []
        for interval in recording.labels:
            a, b = max(interval.start, seg_start), min(interval.stop, seg_stop)
            if b > a:
                stretches.append((a, b, interval.label))
        if not spec.labelled_only:
            gaps = _unlabelled_stretches(recording.labels, seg_start, seg_stop)
            stretches += [(a, b, None) for a, b in gaps]
        stretches.sort(key=lambda stretch: stretch[0])
        for a, b, label in stretches:
            lo, hi = _map_interval(a - seg_start, b - seg_start, factor, length)
            if b == seg_stop:  # an interval reaching the segment's end keeps all of it
                hi = length
            starts = range(lo, hi - n + 1, spec.step)
            if not starts and label is not None:
                counts["intervals_shorter_than_window"] += 1
            for s in starts:
                windows.append(resampled[:, s : s + n])
                time = recording.start_time + (seg_start / recording.rate) + s / spec.rate
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
