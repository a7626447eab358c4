"""A continuous recording of one subject, as read from a dataset's original files.

Adapters only parse files into :class:`Recording` objects; resampling, unit
conversion, gap handling and windowing are shared by all adapters.
"""

from __future__ import annotations

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
