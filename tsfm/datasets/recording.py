"""A continuous recording of one subject, as read from a dataset's original files.

Adapters only parse files into :class:`Recording` objects; resampling, unit
conversion, gap handling and windowing are shared by all adapters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class LabelInterval:
    """A labelled stretch ``[start, stop)`` of a recording, in samples at the original rate."""

    start: int
    stop: int
    label: str


@dataclass
class Recording:
    """One subject's uninterrupted recording at its original sampling rate.

    Attributes
    ----------
    subject : str
        Subject (volunteer) identifier; windows are grouped by it.
    signals : ndarray of shape (n_channels, n_samples)
        Raw values in ``units``; NaN marks missing samples (dropped packets).
    rate : float
        Original sampling rate in Hz.
    channel_names : list of str
        E.g. ``["acc_x", "acc_y", "acc_z"]``.
    units : list of str
        Unit of each channel as stored (``"g"``, ``"m/s^2"``, ``"rad/s"``, ``"code"``…).
    labels : list of LabelInterval
        Labelled intervals; samples outside every interval are unlabelled.
    source : str
        The file the recording came from, relative to the data directory.
    start_time : float
        Start of the recording in seconds (0.0 when the format has no clock).
    metadata : dict
        Subject attributes where the dataset has them (age, sex, height, weight,
        dominant hand…).
    """

    subject: str
    signals: np.ndarray
    rate: float
    channel_names: list[str]
    units: list[str]
    labels: list[LabelInterval] = field(default_factory=list)
    source: str = ""
    start_time: float = 0.0
    metadata: dict[str, Any] = field(default_factory=dict)


def intervals_from_codes(codes: np.ndarray, names: Mapping[int, str]) -> list[LabelInterval]:
    """Turn a per-sample label-code track into labelled intervals.

    Parameters
    ----------
    codes : ndarray of shape (n_samples,)
        Label code of each sample; NaN where a sample is missing (it takes the code
        of the sample before it, so a dropped packet does not split an activity).
    names : mapping of int to str
        Code -> label; codes not in it (0, "null", "other") are unlabelled.

    Returns
    -------
    list of LabelInterval
        Maximal runs of one known code, in order.
    """
    codes = np.asarray(codes, dtype=np.float64)
    if codes.size == 0:
        return []
    valid = ~np.isnan(codes)
    codes = codes[np.maximum.accumulate(np.where(valid, np.arange(codes.size), 0))]
    codes = np.where(np.isnan(codes), -1, codes).astype(np.int64)
    edges = np.flatnonzero(np.diff(codes)) + 1
    starts, stops = [0, *edges.tolist()], [*edges.tolist(), codes.size]
    return [
        LabelInterval(start, stop, names[int(codes[start])])
        for start, stop in zip(starts, stops, strict=True)
        if int(codes[start]) in names
    ]
