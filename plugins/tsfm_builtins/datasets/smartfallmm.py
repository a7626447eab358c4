"""SmartFallMM (Texas State University): wrist accelerometer trials of activities and falls."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from tsfm.datasets.adapter import DatasetAdapter, natural_key
from tsfm.datasets.errors import DatasetParameterError
from tsfm.datasets.gaps import split_at_clock_gaps, to_regular_grid
from tsfm.datasets.recording import LabelInterval, Recording
from tsfm.datasets.text_tables import parse_lines

#: activity code of the file name -> label (README table)
ACTIVITIES = {
    1: "drinking_water",
    2: "pick_up_object",
    3: "put_on_take_off_jacket",
    4: "stepping_up",
    5: "sweeping_floor",
    6: "washing_hand",
    7: "waving_hand",
    8: "tug_walking",
    9: "sit_stand",
    10: "backfall",
    11: "frontfall",
    12: "leftfall",
    13: "rightfall",
    14: "rotatefall",
}
#: activity codes 10..14 are falls (performed by the young group only)
FALL_CODES = frozenset(range(10, 15))
GROUPS = ("young", "old")
FILE_PATTERN = re.compile(r"^S(\d+)A(\d+)T(\d+)\.csv$")
#: the time field of each device's lines, as published
TIME_PATTERNS = {
    "watch": r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?",
    "meta_wrist": r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?",
}
EPOCH = pd.Timestamp(0)
#: a pause of the clock longer than this starts a new recording
CLOCK_BREAK_SECONDS = 5.0


@dataclass(frozen=True)
class Layout:
    """How one device's files are laid out.

    Attributes
    ----------
    rate : float
        Nominal sampling rate in Hz (README).
    unit : str
        Unit of the x, y, z columns.
    n_columns : int
        Fields per line.
    time_column : int
        Field holding the date and time.
    xyz : slice
        Fields holding x, y, z.
    """

    rate: float
    unit: str
    n_columns: int
    time_column: int
    xyz: slice


#: watch: ``time,x,y,z`` in m/s^2; meta_wrist: ``epoch_ms,iso_time,elapsed_s,x,y,z`` in g
LAYOUTS = {
    "watch": Layout(32.0, "m/s^2", 4, 0, slice(1, 4)),
    "meta_wrist": Layout(50.0, "g", 6, 1, slice(3, 6)),
}
DEVICE_OPTIONS = (*LAYOUTS, "both")


def _normalise_groups(groups: str | Sequence[str]) -> tuple[str, ...]:
    chosen = (groups,) if isinstance(groups, str) else tuple(groups)
    if not chosen or any(g not in GROUPS for g in chosen):
        raise DatasetParameterError(
            f"groups must be 'young', 'old' or both for 'smartfallmm', got {groups!r}. Pass "
            "e.g. groups=('young', 'old') (the default) or groups='old'."
        )
    return tuple(g for g in GROUPS if g in chosen)


class SmartFallMMAdapter(DatasetAdapter):
    """SmartFallMM wrist accelerometers: 16 young + 24 old participants, 14 activities.

    Reads ``{young,old}/accelerometer/{watch,meta_wrist}/SxxAyyTzz.csv``: participant
    ``xx``, activity ``yy``, trial ``zz``. Each trial file is one recording, labelled
    throughout with its activity (codes 1-14 of the README; 10-14 are falls, listed in
    :attr:`fall_activities`). Lines have no header:

    * ``watch``: ``YYYY-MM-DD hh:mm:ss.sss,x,y,z`` in m/s^2 (converted to g), nominally
      32 Hz; the timestamps are irregular and repeat;
    * ``meta_wrist``: ``epoch_ms,YYYY-MM-DDThh:mm:ss.sss,elapsed_s,x,y,z`` in g, 50 Hz.
      The time comes from the ISO field: in some files a spreadsheet rounded the epoch
      field to six significant digits (``1.65843E+12``, ``1685040000000.0``).

    Samples go on a grid at the nominal rate by their timestamps (repeated and
    backward timestamps are dropped and counted); clock jumps over 5 s split a trial
    into several recordings, shorter ones become gaps for the shared gap handling.
    Lines whose field count, numbers or time field do not follow the published layout
    are skipped and counted as ``malformed_lines``. Times are the devices' local wall
    clock, read as if UTC (the time zone is not stated). In the real files the watch's
    rate varies between trials (about 32 to over 90 samples/s) and its samples arrive in
    bursts, so the 32 Hz grid drops about 62 % of them (``docs/datasets/smartfallmm.md``).

    Subjects are ``"S01"`` ... ``"S47"`` from the file names (the young and old groups
    use different numbers; a number found in both groups would become
    ``"young-Sxx"`` / ``"old-Sxx"``). Metadata: ``device``, ``age_group``,
    ``activity_code``, ``trial`` and ``is_fall``.

    Licence: none is stated by the dataset. No download: the repository
    (``txst-cs-smartfall/SmartFallMM-Dataset``) names no archive; copy the four
    accelerometer folders under the data directory.

    Parameters
    ----------
    device : {"watch", "meta_wrist", "both"}, default "watch"
        The smartwatch, the MetaMotion wrist sensor, or both (each file then being its
        own recording, at its own rate).
    groups : str or sequence of str, default ("young", "old")
        Participant groups to read.
    """

    name = "smartfallmm"
    title = "SmartFallMM: wrist accelerometers of young and older adults (daily activities, falls)"
    citation = (
        "SmartFallMM: A Multimodal Dataset Collected with Commodity Devices. Texas State "
        "University (A. Ngu et al.); paper forthcoming per the dataset README. Repository "
        "txst-cs-smartfall/SmartFallMM-Dataset."
    )
    licence = (
        "No licence is stated by the dataset. Research use with citation only; do not "
        "redistribute the data, and any model trained on it must say so and must not be "
        "presented as if the data carried an open licence."
    )
    homepage = "https://github.com/txst-cs-smartfall/SmartFallMM-Dataset"
    placement = "wrist (smartwatch / MetaMotion sensor; which wrist is not stated)"
    sensor = "smartwatch and MetaMotion wrist accelerometers"
    original_rate = 32.0
    stored_units = {"acc": "m/s^2"}
    expected_files = "{young,old}/accelerometer/{watch,meta_wrist}/SxxAyyTzz.csv"
    #: activity labels that are falls
    fall_activities: ClassVar[frozenset[str]] = frozenset(ACTIVITIES[c] for c in FALL_CODES)

    def __init__(self, device: str = "watch", groups: str | Sequence[str] = GROUPS) -> None:
        super().__init__()
        if device not in DEVICE_OPTIONS:
            raise DatasetParameterError(
                f"device must be one of {DEVICE_OPTIONS} for 'smartfallmm', got {device!r}. "
                "The phone and hip sensors are not read by this adapter."
            )
        self.device = device
        self.groups = _normalise_groups(groups)
        if device == "both":
            self.stored_units = {"acc": "m/s^2 (watch) / g (meta_wrist)"}
        else:
            self.original_rate = LAYOUTS[device].rate
            self.stored_units = {"acc": LAYOUTS[device].unit}

    def _devices(self) -> list[str]:
        return list(LAYOUTS) if self.device == "both" else [self.device]

    def describe(self) -> dict[str, Any]:
        """As :meth:`DatasetAdapter.describe`, plus ``device_rates``; ``original_rate`` is
        None for ``device="both"`` (32 Hz watch, 50 Hz meta_wrist)."""
        facts = super().describe()
        facts["device_rates"] = {d: LAYOUTS[d].rate for d in self._devices()}
        if self.device == "both":
            facts["original_rate"] = None
        return facts

    def is_root(self, path: Path) -> bool:
        return any(
            any((path / group / "accelerometer" / device).glob("S*A*T*.csv"))
            for group in GROUPS
            for device in LAYOUTS
        )

    def _subject_ids(self, root: Path) -> dict[tuple[str, int], str]:
        """(group, participant number) -> subject id, over every group and device."""
        numbers: dict[str, set[int]] = {group: set() for group in GROUPS}
        for group in GROUPS:
            for device in LAYOUTS:
                for path in (root / group / "accelerometer" / device).glob("S*A*T*.csv"):
                    match = FILE_PATTERN.match(path.name)
                    if match:
                        numbers[group].add(int(match.group(1)))
        shared = numbers["young"] & numbers["old"]
        return {
            (group, n): f"{group}-S{n:02d}" if n in shared else f"S{n:02d}"
            for group in GROUPS
            for n in numbers[group]
        }

    def _files(self, root: Path) -> list[tuple[Path, str, str, str, int, int]]:
        """(path, subject, group, device, activity code, trial) of the selected files."""
        ids = self._subject_ids(root)
        found = []
        for group in self.groups:
            for device in self._devices():
                for path in (root / group / "accelerometer" / device).glob("S*A*T*.csv"):
                    match = FILE_PATTERN.match(path.name)
                    if not match:
                        continue
                    number, code, trial = (int(g) for g in match.groups())
                    found.append((path, ids[(group, number)], group, device, code, trial))
        order = list(LAYOUTS)
        return sorted(found, key=lambda f: (natural_key(f[1]), f[4], f[5], order.index(f[3])))

    def subjects(self, root: Path) -> list[str]:
        return sorted({f[1] for f in self._files(root)}, key=natural_key)

    def _read(self, path: Path, layout: Layout, device: str) -> tuple[np.ndarray, np.ndarray]:
        """Parse one trial file.

        Returns
        -------
        times : ndarray of shape (n_rows,)
            Seconds since 1970 on the device's wall clock.
        values : ndarray of shape (3, n_rows)
            x, y, z in ``layout.unit``.
        """
        lines = path.read_text(errors="replace").splitlines()
        numeric = tuple(i for i in range(layout.n_columns) if i != layout.time_column)
        rows, _, malformed, _ = parse_lines(lines, layout.n_columns, ",", numeric=numeric)
        stamps = pd.Series([row[layout.time_column] for row in rows], dtype=str)
        good = np.array(stamps.str.fullmatch(TIME_PATTERNS[device]), dtype=bool)
        times = pd.to_datetime(stamps[good], format="ISO8601", errors="coerce")
        seconds = np.full(len(rows), np.nan)
        seconds[good] = (times - EPOCH).dt.total_seconds().to_numpy(dtype=np.float64)
        good &= ~np.isnan(seconds)
        self.counts["malformed_lines"] += malformed + int((~good).sum())
        values = np.array([row[layout.xyz] for row in rows], dtype=np.float64).reshape(-1, 3)
        return seconds[good], values[good].T

    def recordings(
        self, root: Path, channels: Sequence[str], subjects: Sequence[str] | None = None
    ) -> Iterator[Recording]:
        for path, subject, group, device, code, trial in self._files(root):
            if subjects is not None and subject not in subjects:
                continue
            if code not in ACTIVITIES:
                self.counts["unknown_activity_codes"] += 1
                continue
            layout = LAYOUTS[device]
            times, values = self._read(path, layout, device)
            if times.size == 0:
                self.counts["files_without_a_valid_line"] += 1
            metadata = {
                "device": device,
                "age_group": group,
                "activity_code": code,
                "trial": trial,
                "is_fall": code in FALL_CODES,
            }
            for a, b in split_at_clock_gaps(times, CLOCK_BREAK_SECONDS):
                grid, dropped, _ = to_regular_grid(times[a:b], values[:, a:b], layout.rate)
                self.counts["duplicate_or_out_of_order_samples"] += dropped
                yield Recording(
                    subject=subject,
                    signals=grid,
                    rate=layout.rate,
                    channel_names=["acc_x", "acc_y", "acc_z"],
                    units=[layout.unit] * 3,
                    labels=[LabelInterval(0, grid.shape[1], ACTIVITIES[code])],
                    source=str(path.relative_to(root)),
                    start_time=float(times[a]),
                    metadata=dict(metadata),
                )
