"""Missing samples: placing timestamped samples on a regular grid, and filling or cutting gaps.

A sample is missing when any of its channels is NaN. Gaps up to a tolerance are
linearly interpolated; longer gaps, and gaps at either end, cut the recording into
gap-free segments that are windowed separately.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class GapReport:
    """What :func:`fill_or_cut_gaps` did to one recording.

    Attributes
    ----------
    interpolated_samples : int
        Missing samples filled by linear interpolation (gaps within the tolerance).
    cut_samples : int
        Missing samples in gaps longer than the tolerance or at either end, removed.
    gaps_cut : int
        Number of gaps that cut the recording.
    """

    interpolated_samples: int = 0
    cut_samples: int = 0
    gaps_cut: int = 0


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """``[start, stop)`` of each run of True in a 1-D boolean array."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def fill_or_cut_gaps(
    signals: np.ndarray, max_gap: int
) -> tuple[np.ndarray, list[tuple[int, int]], GapReport]:
    """Interpolate gaps of at most ``max_gap`` samples; cut the recording at longer ones.

    Parameters
    ----------
    signals : ndarray of shape (n_channels, n_samples)
        NaN marks missing values.
    max_gap : int
        Longest run of missing samples (in samples) that is interpolated.

    Returns
    -------
    filled : ndarray of shape (n_channels, n_samples), float64
        Copy of ``signals`` with short interior gaps filled; long gaps keep their NaN.
    segments : list of (start, stop)
        Gap-free ``[start, stop)`` sample ranges of ``filled``, in order.
    report : GapReport
    """
    filled = np.asarray(signals, dtype=np.float64).copy()
    n = filled.shape[1]
    missing = np.isnan(filled).any(axis=0)
    report = GapReport()
    if not missing.any():
        return filled, ([(0, n)] if n else []), report
    segments: list[tuple[int, int]] = []
    segment_start = 0
    for start, stop in _runs(missing):
        length = stop - start
        interior = start > 0 and stop < n
        if interior and length <= max_gap:
            left, right = filled[:, start - 1], filled[:, stop]
            frac = (np.arange(1, length + 1) / (length + 1))[None, :]
            filled[:, start:stop] = left[:, None] + frac * (right - left)[:, None]
            report.interpolated_samples += length
            continue
        report.cut_samples += length
        report.gaps_cut += 1
        if start > segment_start:
            segments.append((segment_start, start))
        segment_start = stop
    if segment_start < n:
        segments.append((segment_start, n))
    return filled, segments, report


def to_regular_grid(
    timestamps: np.ndarray,
    values: np.ndarray,
    rate: float,
    start: float | None = None,
    length: int | None = None,
) -> tuple[np.ndarray, int, int]:
    """Place timestamped samples on a regular grid, leaving NaN where samples are missing.

    Each sample goes to the grid point nearest its time. Samples that land on an
    already filled grid point, go back in time, or fall outside the grid are dropped
    and counted.

    Parameters
    ----------
    timestamps : ndarray of shape (n_samples,)
        Sample times in seconds.
    values : ndarray of shape (n_channels, n_samples)
    rate : float
        Nominal sampling rate in Hz.
    start : float, optional
        Time of grid point 0; default ``timestamps[0]``.
    length : int, optional
        Number of grid points; default up to the last sample.

    Returns
    -------
    grid : ndarray of shape (n_channels, n_grid), float64
        ``grid[:, k]`` is the sample at ``start + k / rate``; NaN where none.
    n_dropped : int
        Duplicate, out-of-order or out-of-grid samples dropped.
    n_missing : int
        Grid points without a sample.
    """
    timestamps = np.asarray(timestamps, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    if timestamps.size == 0:
        return np.empty((values.shape[0], length or 0)) * np.nan, 0, length or 0
    start = timestamps[0] if start is None else start
    index = np.rint((timestamps - start) * rate).astype(np.int64)
    running_max = np.maximum.accumulate(index)
    keep = np.ones(index.size, dtype=bool)
    keep[1:] = index[1:] > running_max[:-1]
    keep &= index >= 0
    if length is None:
        length = int(index[keep].max()) + 1 if keep.any() else 0
    keep &= index < length
    grid = np.full((values.shape[0], length), np.nan)
    grid[:, index[keep]] = values[:, keep]
    return grid, int((~keep).sum()), int(length - keep.sum())


def split_at_clock_gaps(timestamps: np.ndarray, max_gap: float) -> list[tuple[int, int]]:
    """``[start, stop)`` index ranges of ``timestamps`` with no gap longer than ``max_gap``.

    Used before :func:`to_regular_grid` so that a recording paused for hours does not
    become hours of NaN.
    """
    timestamps = np.asarray(timestamps, dtype=np.float64)
    if timestamps.size == 0:
        return []
    breaks = np.flatnonzero(np.abs(np.diff(timestamps)) > max_gap) + 1
    edges = [0, *breaks.tolist(), timestamps.size]
    return list(zip(edges[:-1], edges[1:], strict=True))
