"""GeoTec SPSW (Matey-Sanz et al., 2023): smartwatch and smartphone TUG executions at ~100 Hz."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tsfm.datasets.adapter import DatasetAdapter, natural_key
from tsfm.datasets.errors import DatasetParameterError
from tsfm.datasets.gaps import split_at_clock_gaps, to_regular_grid
from tsfm.datasets.recording import Recording, intervals_from_codes
from tsfm.datasets.text_tables import parse_lines

#: header of every ``sXX_YY_{sp,sw}.csv`` (the README's column list misnames the gyroscope)
COLUMNS = ("x_acc", "y_acc", "z_acc", "x_gyro", "y_gyro", "z_gyro", "timestamp", "label")
#: per-sample labels, in the order of the executed sequence
ACTIVITIES = ("SEATED", "STANDING_UP", "WALKING", "TURNING", "SITTING_DOWN")
CODES = {label: code for code, label in enumerate(ACTIVITIES, start=1)}
#: option value -> file-name suffix
DEVICES = {"watch": "sw", "phone": "sp"}
DEVICE_OPTIONS = ("watch", "phone", "both")
FILE_PATTERN = re.compile(r"^(s\d+)_(\d+)_(sp|sw)\.csv$")
SUBJECTS_FILE = "subjects_info.csv"
EXECUTIONS_FILE = "executions_info.csv"
SENSOR_COLUMNS = {"acc": slice(0, 3), "gyro": slice(3, 6)}
#: a pause of the clock longer than this starts a new recording (none in the real files)
CLOCK_BREAK_SECONDS = 5.0
SEX = {"M": "male", "F": "female"}
HAND = {"R": "right", "L": "left"}
TURN = {"l": "left", "r": "right"}


def _number(text: Any) -> int | float | None:
    """``"54"`` -> 54, ``"1.5"`` -> 1.5, anything else -> None."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return int(value) if value.is_integer() else value


def _table(path: Path) -> list[dict[str, str]]:
    """Rows of a small CSV as dicts of stripped strings; empty where the file is absent."""
    if not path.is_file():
        return []
    frame = pd.read_csv(path, dtype=str, skipinitialspace=True).fillna("")
    return [{k.strip(): v.strip() for k, v in row.items()} for row in frame.to_dict("records")]


class GeoTecAdapter(DatasetAdapter):
    """GeoTec SPSW: 23 subjects, 5 per-sample activities, smartwatch and smartphone, ~100 Hz.

    Reads ``DATA/sXX/sXX_YY_{sw,sp}.csv`` (one execution of a Timed-Up-and-Go-like
    sequence per file, watch ``sw`` and phone ``sp``) with the header
    ``x_acc,y_acc,z_acc,x_gyro,y_gyro,z_gyro,timestamp,label``: accelerations in m/s^2
    (converted to g), angular velocities in rad/s, UNIX time in ms, and one label per
    sample (SEATED, STANDING_UP, WALKING, TURNING, SITTING_DOWN). The sampling interval
    is irregular, so samples go on a 100 Hz grid by their timestamps; repeated
    timestamps are dropped and counted, and the grid points left empty become gaps for
    the shared gap handling. Each file is one recording (clock pauses over 5 s would
    split it; the published files have none). Malformed lines are skipped and counted.

    ``DATA/subjects_info.csv`` gives the subject attributes ``age``, ``sex``,
    ``height_cm``, ``weight_kg`` and ``dominant_hand``, and ``DATA/executions_info.csv``
    the ``phone_orientation``, ``first_turn`` and ``second_turn`` of each execution; all
    are metadata columns, with ``device`` and ``execution``. Subjects are the folder
    names ``"s01"`` ... ``"s23"``.

    The activities last 0.5-3 s, so a labelled window must be short (about 1 s); a
    10 s window fits no activity. For pretraining on whole executions pass
    ``labelled_only=False, continuous=True`` to ``load_dataset``.

    No download: the dataset's README names a Zenodo record (doi:10.5281/zenodo.8398688)
    and the GitHub repository, but no archive URL we could state; put ``DATA/`` (from
    the repository ``GeoTecINIT/sp-sw-har-dataset``) under the data directory.

    Parameters
    ----------
    device : {"watch", "phone", "both"}, default "watch"
        The smartwatch (``*_sw.csv``), the smartphone in the trouser pocket
        (``*_sp.csv``), or both, each file then being its own recording.
    """

    name = "geotec"
    title = "GeoTec SPSW: inertial measurements of smartphones and smartwatches for HAR"
    citation = (
        "M. Matey-Sanz, S. Casteleyn, C. Granell. Dataset of inertial measurements of "
        "smartphones and smartwatches for human activity recognition. Data in Brief "
        "51:109809, 2023. doi:10.1016/j.dib.2023.109809. Zenodo doi:10.5281/zenodo.8398688."
    )
    licence = "CC BY 4.0 (dataset repository README and Zenodo record)."
    homepage = "https://github.com/GeoTecINIT/sp-sw-har-dataset"
    original_rate = 100.0
    placement = "wrist (smartwatch; which wrist is not stated) / trouser pocket (smartphone)"
    sensor = "smartwatch and smartphone accelerometer and gyroscope"
    sensors = ("acc", "gyro")
    stored_units = {"acc": "m/s^2", "gyro": "rad/s"}
    expected_files = "DATA/sXX/sXX_YY_sw.csv, DATA/sXX/sXX_YY_sp.csv and DATA/subjects_info.csv"

    def __init__(self, device: str = "watch") -> None:
        super().__init__()
        if device not in DEVICE_OPTIONS:
            raise DatasetParameterError(
                f"device must be one of {DEVICE_OPTIONS} for 'geotec', got {device!r}. Pass "
                "device='watch' (*_sw.csv), 'phone' (*_sp.csv) or 'both'."
            )
        self.device = device

    def is_root(self, path: Path) -> bool:
        return (path / SUBJECTS_FILE).is_file() or any(path.glob("s*/s*_*_s[pw].csv"))

    def _devices(self) -> list[str]:
        return list(DEVICES) if self.device == "both" else [self.device]

    def _files(self, root: Path) -> list[tuple[Path, str, int, str]]:
        """(path, subject, execution, device) in natural order of subject, execution, device."""
        suffixes = {DEVICES[d]: d for d in self._devices()}
        found = []
        for path in root.glob("s*/s*_*_s[pw].csv"):
            match = FILE_PATTERN.match(path.name)
            if match and match.group(3) in suffixes and path.parent.name == match.group(1):
                found.append((path, match.group(1), int(match.group(2)), suffixes[match.group(3)]))
        order = list(DEVICES)
        return sorted(found, key=lambda f: (natural_key(f[1]), f[2], order.index(f[3])))

    def subjects(self, root: Path) -> list[str]:
        return sorted({subject for _, subject, _, _ in self._files(root)}, key=natural_key)

    def _subject_attributes(self, root: Path) -> dict[str, dict[str, Any]]:
        """Subject id -> age, sex, height_cm, weight_kg, dominant_hand (subjects_info.csv)."""
        return {
            row.get("subject_id", ""): {
                "age": _number(row.get("age")),
                "sex": SEX.get(row.get("gender", "")),
                "height_cm": _number(row.get("height")),
                "weight_kg": _number(row.get("weight")),
                "dominant_hand": HAND.get(row.get("dominant_hand", "")),
            }
            for row in _table(root / SUBJECTS_FILE)
        }

    def _execution_attributes(self, root: Path) -> dict[str, dict[str, Any]]:
        """``"s01_01"`` -> phone_orientation, first_turn, second_turn (executions_info.csv)."""
        return {
            row.get("execution_id", ""): {
                "phone_orientation": row.get("orientation") or None,
                "first_turn": TURN.get(row.get("first_turn", "")),
                "second_turn": TURN.get(row.get("second_turn", "")),
            }
            for row in _table(root / EXECUTIONS_FILE)
        }

    def _read(self, path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """Parse one file.

        Returns
        -------
        times : ndarray of shape (n_rows,)
            Seconds since 1970.
        values : ndarray of shape (6, n_rows)
            acc x, y, z (m/s^2) and gyro x, y, z (rad/s).
        codes : ndarray of shape (n_rows,)
            Label code (1..5; 0 for an unknown label).
        None where the header is not the published one.
        """
        lines = path.read_text(errors="replace").splitlines()
        if not lines or tuple(field.strip() for field in lines[0].split(",")) != COLUMNS:
            self.counts["files_with_unexpected_header"] += 1
            return None
        rows, _, malformed, _ = parse_lines(lines[1:], len(COLUMNS), ",", numeric=tuple(range(7)))
        self.counts["malformed_lines"] += malformed
        numbers = np.array([row[:7] for row in rows], dtype=np.float64).reshape(len(rows), 7)
        codes = np.array([CODES.get(row[7], 0) for row in rows], dtype=np.float64)
        self.counts["samples_with_unknown_label"] += int((codes == 0).sum())
        return numbers[:, 6] / 1000.0, numbers[:, :6].T, codes

    def recordings(
        self, root: Path, channels: Sequence[str], subjects: Sequence[str] | None = None
    ) -> Iterator[Recording]:
        people = self._subject_attributes(root)
        executions = self._execution_attributes(root)
        columns = np.concatenate([np.arange(6)[SENSOR_COLUMNS[s]] for s in channels])
        names = dict(enumerate(ACTIVITIES, start=1))
        for path, subject, execution, device in self._files(root):
            if subjects is not None and subject not in subjects:
                continue
            parsed = self._read(path)
            if parsed is None:
                continue
            times, values, codes = parsed
            if subject not in people:
                self.counts["recordings_without_subject_attributes"] += 1
            metadata = {
                "device": device,
                "execution": execution,
                **people.get(subject, {}),
                **executions.get(f"{subject}_{execution:02d}", {}),
            }
            for a, b in split_at_clock_gaps(times, CLOCK_BREAK_SECONDS):
                grid, dropped, _ = to_regular_grid(
                    times[a:b], np.vstack([codes[a:b], values[:, a:b]]), self.original_rate
                )
                self.counts["duplicate_or_out_of_order_samples"] += dropped
                yield Recording(
                    subject=subject,
                    signals=grid[1 + columns],
                    rate=self.original_rate,
                    channel_names=[f"{s}_{axis}" for s in channels for axis in "xyz"],
                    units=[self.stored_units[s] for s in channels for _ in "xyz"],
                    labels=intervals_from_codes(grid[0], names),
                    source=str(path.relative_to(root)),
                    start_time=float(times[a]),
                    metadata=dict(metadata),
                )
