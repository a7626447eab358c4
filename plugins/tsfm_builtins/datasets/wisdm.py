"""WISDM Smartphone and Smartwatch Activity and Biometrics Dataset (2019), ``raw/`` files."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from tsfm.datasets.adapter import DatasetAdapter, DownloadSource, natural_key
from tsfm.datasets.gaps import split_at_clock_gaps, to_regular_grid
from tsfm.datasets.recording import LabelInterval, Recording
from tsfm.datasets.text_tables import parse_lines

#: activity_key.txt of the dataset (there is no code N)
ACTIVITIES = {
    "A": "walking",
    "B": "jogging",
    "C": "stairs",
    "D": "sitting",
    "E": "standing",
    "F": "typing",
    "G": "teeth",
    "H": "soup",
    "I": "chips",
    "J": "pasta",
    "K": "drinking",
    "L": "sandwich",
    "M": "kicking",
    "O": "catch",
    "P": "dribbling",
    "Q": "writing",
    "R": "clapping",
    "S": "folding",
}
FILE_PATTERN = re.compile(r"^data_(\d+)_(accel|gyro)_(watch|phone)\.txt$")
SENSOR_FOLDERS = {"acc": "accel", "gyro": "gyro"}
#: a pause of the clock longer than this starts a new recording
CLOCK_BREAK_SECONDS = 5.0


class WISDMAdapter(DatasetAdapter):
    """WISDM 2019: 51 subjects, 18 activities (codes A-S), 20 Hz, watch or phone.

    Files ``raw/<device>/<accel|gyro>/data_<subject>_<sensor>_<device>.txt`` hold lines
    ``subject,activity_code,timestamp_ns,x,y,z;``. Accelerometer values are m/s^2
    (converted to g), gyroscope rad/s. Samples are placed on a 20 Hz grid by their
    timestamps, per subject and activity; accelerometer and gyroscope share the grid.
    Clock pauses over 5 s start a new recording; shorter ones become gaps for the
    shared gap handling. Malformed lines are skipped and counted.

    Parameters
    ----------
    device : {"watch", "phone"}, default "watch"
        The smartwatch (wrist) or the smartphone (trouser pocket).
    """

    name = "wisdm"
    title = "WISDM Smartphone and Smartwatch Activity and Biometrics Dataset (2019)"
    citation = (
        "G. M. Weiss, K. Yoneda, T. Hayajneh. Smartphone and Smartwatch-Based Biometrics "
        "Using Activities of Daily Living. IEEE Access 7:133190-133202, 2019."
    )
    licence = "CC BY 4.0 (UCI Machine Learning Repository, dataset 507)."
    homepage = "https://archive.ics.uci.edu/dataset/507"
    downloads = (
        DownloadSource(
            "https://archive.ics.uci.edu/static/public/507/"
            "wisdm+smartphone+and+smartwatch+activity+and+biometrics+dataset.zip",
            "wisdm.zip",
            no_sha256_because=(
                "UCI publishes no checksum for its zips and "
                "no copy was at hand offline to pin one"
            ),
        ),
    )
    original_rate = 20.0
    placement = "dominant wrist (watch) / trouser pocket (phone)"
    sensor = "LG G Watch / Google Nexus 5, 5X or Samsung Galaxy S5"
    sensors = ("acc", "gyro")
    stored_units = {"acc": "m/s^2", "gyro": "rad/s"}
    expected_files = (
        "wisdm-dataset/raw/<watch|phone>/<accel|gyro>/data_<subject>_<sensor>_<device>.txt"
    )

    def __init__(self, device: str = "watch") -> None:
        super().__init__()
        self.device = device

    def _check(self) -> None:
        if self.device not in ("watch", "phone"):
            raise ValueError(f"device must be 'watch' or 'phone', got {self.device!r}")

    def is_root(self, path: Path) -> bool:
        return any(
            any((path / device / "accel").glob("data_*_accel_*.txt"))
            for device in ("watch", "phone")
        )

    def _file(self, root: Path, sensor: str, subject: str) -> Path:
        folder = SENSOR_FOLDERS[sensor]
        return root / self.device / folder / f"data_{subject}_{folder}_{self.device}.txt"

    def subjects(self, root: Path) -> list[str]:
        self._check()
        found = []
        for path in (root / self.device / "accel").glob("data_*_accel_*.txt"):
            match = FILE_PATTERN.match(path.name)
            if match:
                found.append(match.group(1))
        return sorted(found, key=natural_key)

    def _read(self, path: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Activity code -> (timestamps in s, values of shape (3, n)), in file order."""
        lines = path.read_text(errors="replace").splitlines()
        rows, _, malformed, _ = parse_lines(lines, 6, ",", ";", numeric=(2, 3, 4, 5))
        self.counts["malformed_lines"] += malformed
        by_code: dict[str, list[list[str]]] = {}
        for row in rows:
            if row[1] not in ACTIVITIES:
                self.counts["unknown_activity_codes"] += 1
                continue
            by_code.setdefault(row[1], []).append(row)
        out = {}
        for code, code_rows in by_code.items():
            numbers = np.array([r[2:] for r in code_rows], dtype=np.float64)
            out[code] = (numbers[:, 0] * 1e-9, numbers[:, 1:].T)
        return out

    def recordings(
        self, root: Path, channels: Sequence[str], subjects: Sequence[str] | None = None
    ) -> Iterator[Recording]:
        for subject in self.subjects(root):
            if subjects is not None and subject not in subjects:
                continue
            streams = {s: self._read(self._file(root, s, subject)) for s in channels}
            first = streams[channels[0]]
            for code in sorted(first):
                if any(code not in streams[s] for s in channels):
                    self.counts["activities_missing_a_sensor"] += 1
                    continue
                times, _ = first[code]
                for a, b in split_at_clock_gaps(times, CLOCK_BREAK_SECONDS):
                    start, stop = times[a], times[b - 1]
                    length = int(np.rint((stop - start) * self.original_rate)) + 1
                    if length > 2 * (b - a) + 100:
                        # timestamps too sparse for 20 Hz: a broken clock, not a gap
                        self.counts["segments_with_unreliable_clock"] += 1
                        continue
                    parts = []
                    for sensor in channels:
                        t, values = streams[sensor][code]
                        grid, dropped, _ = to_regular_grid(
                            t, values, self.original_rate, start=start, length=length
                        )
                        self.counts["duplicate_or_out_of_grid_samples"] += dropped
                        parts.append(grid)
                    yield Recording(
                        subject=subject,
                        signals=np.concatenate(parts),
                        rate=self.original_rate,
                        channel_names=[f"{s}_{axis}" for s in channels for axis in "xyz"],
                        units=[self.stored_units[s] for s in channels for _ in "xyz"],
                        labels=[LabelInterval(0, length, ACTIVITIES[code])],
                        source=str(self._file(root, channels[0], subject).relative_to(root)),
                        start_time=float(start),
                        metadata={"device": self.device, "activity_code": code},
                    )
