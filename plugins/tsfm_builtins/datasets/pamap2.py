"""PAMAP2 Physical Activity Monitoring, ``Protocol/subject10x.dat``: the wrist IMU."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from tsfm.datasets.adapter import DatasetAdapter, DownloadSource, natural_key
from tsfm.datasets.gaps import to_regular_grid
from tsfm.datasets.recording import Recording, intervals_from_codes
from tsfm.datasets.text_tables import read_numeric_table

#: activity ids of the PAMAP2 readme; 0 ("other", transient activities) is unlabelled
ACTIVITIES = {
    1: "lying",
    2: "sitting",
    3: "standing",
    4: "walking",
    5: "running",
    6: "cycling",
    7: "Nordic walking",
    9: "watching TV",
    10: "computer work",
    11: "car driving",
    12: "ascending stairs",
    13: "descending stairs",
    16: "vacuum cleaning",
    17: "ironing",
    18: "folding laundry",
    19: "house cleaning",
    20: "playing soccer",
    24: "rope jumping",
}
N_COLUMNS = 54
#: 0-based columns: timestamp (s), activityID, then the hand (wrist) IMU's
#: 3-axis +-16 g accelerometer (m/s^2) and gyroscope (rad/s)
TIME, ACTIVITY = 0, 1
HAND_COLUMNS = {"acc": [4, 5, 6], "gyro": [10, 11, 12]}
FILE_PATTERN = re.compile(r"^subject(\d+)\.dat$")


class PAMAP2Adapter(DatasetAdapter):
    """PAMAP2 protocol recordings: 9 subjects, 18 activities, wrist IMU at 100 Hz.

    Each ``subject10x.dat`` (54 space-separated columns) is one recording. Samples go
    on a 100 Hz grid by their timestamps; ``NaN`` IMU values (dropped wireless
    packets) and missing timestamps are gaps for the shared gap handling. The heart
    rate column (NaN between its ~9 Hz readings) is not used. Activity id 0 is
    unlabelled. Subject attributes live only in ``subjectInformation.pdf`` and are
    not read.

    Parameters
    ----------
    optional : bool, default False
        Also read ``Optional/`` (extra activities recorded by some subjects).
    """

    name = "pamap2"
    title = "PAMAP2 Physical Activity Monitoring"
    citation = (
        "A. Reiss, D. Stricker. Introducing a New Benchmarked Dataset for Activity "
        "Monitoring. 16th International Symposium on Wearable Computers (ISWC), 2012."
    )
    licence = "CC BY 4.0 (UCI Machine Learning Repository, dataset 231)."
    homepage = "https://archive.ics.uci.edu/dataset/231"
    downloads = (
        DownloadSource(
            "https://archive.ics.uci.edu/static/public/231/pamap2+physical+activity+monitoring.zip",
            "pamap2.zip",
            no_sha256_because=(
                "UCI publishes no checksum for its zips and "
                "no copy was at hand offline to pin one"
            ),
        ),
    )
    original_rate = 100.0
    placement = "wrist of the dominant arm"
    sensor = "Colibri wireless IMU (Trivisio), +-16 g accelerometer and gyroscope"
    sensors = ("acc", "gyro")
    stored_units = {"acc": "m/s^2", "gyro": "rad/s"}
    expected_files = "PAMAP2_Dataset/Protocol/subject101.dat ... subject109.dat"

    def __init__(self, optional: bool = False) -> None:
        super().__init__()
        self.optional = optional

    def is_root(self, path: Path) -> bool:
        return any((path / "Protocol").glob("subject*.dat"))

    def _files(self, root: Path) -> list[tuple[Path, str]]:
        folders = ["Protocol", "Optional"] if self.optional else ["Protocol"]
        files = []
        for folder in folders:
            for path in sorted((root / folder).glob("subject*.dat")):
                match = FILE_PATTERN.match(path.name)
                if match:
                    files.append((path, match.group(1)))
        return files

    def subjects(self, root: Path) -> list[str]:
        return sorted({s for _, s in self._files(root)}, key=natural_key)

    def recordings(
        self, root: Path, channels: Sequence[str], subjects: Sequence[str] | None = None
    ) -> Iterator[Recording]:
        columns = [c for sensor in channels for c in HAND_COLUMNS[sensor]]
        for path, subject in self._files(root):
            if subjects is not None and subject not in subjects:
                continue
            table = read_numeric_table(path, N_COLUMNS)
            self.counts["malformed_lines"] += table.malformed
            times = table.values[:, TIME]
            values = table.values[:, [ACTIVITY, *columns]].T
            grid, dropped, _ = to_regular_grid(times, values, self.original_rate)
            self.counts["duplicate_or_out_of_order_samples"] += dropped
            yield Recording(
                subject=subject,
                signals=grid[1:],
                rate=self.original_rate,
                channel_names=[f"{s}_{axis}" for s in channels for axis in "xyz"],
                units=[self.stored_units[s] for s in channels for _ in "xyz"],
                labels=intervals_from_codes(grid[0], ACTIVITIES),
                source=str(path.relative_to(root)),
                start_time=float(times[0]) if len(times) else 0.0,
            )
