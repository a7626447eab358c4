"""UCI-HAR v1.0 ``Inertial Signals``: 128-sample windows at 50 Hz with official splits."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from tsfm.datasets.adapter import DatasetAdapter, DownloadSource, natural_key
from tsfm.datasets.recording import LabelInterval, Recording
from tsfm.datasets.text_tables import read_numeric_table

ACTIVITIES = {
    1: "WALKING",
    2: "WALKING_UPSTAIRS",
    3: "WALKING_DOWNSTAIRS",
    4: "SITTING",
    5: "STANDING",
    6: "LAYING",
}
#: sensor -> file prefix in ``Inertial Signals`` (total_acc includes gravity)
SIGNAL_FILES = {"acc": "total_acc", "gyro": "body_gyro"}
WINDOW = 128
SPLITS = ("train", "test")


class UCIHARAdapter(DatasetAdapter):
    """UCI-HAR v1.0: 30 volunteers, 6 activities, pre-windowed 2.56 s at 50 Hz, 50 % overlap.

    Each row of ``Inertial Signals/total_acc_{x,y,z}_<split>.txt`` (g, gravity
    included) and ``body_gyro_*`` (rad/s) is one window, kept as one recording;
    ``subject_<split>.txt`` and ``y_<split>.txt`` give its volunteer and activity.
    ``metadata["split"]`` is the official train/test split. The windows were
    median- and 20 Hz low-pass-filtered by the authors.
    """

    name = "uci_har"
    title = "Human Activity Recognition Using Smartphones (UCI-HAR v1.0)"
    citation = (
        "D. Anguita, A. Ghio, L. Oneto, X. Parra, J. L. Reyes-Ortiz. A Public Domain Dataset "
        "for Human Activity Recognition Using Smartphones. ESANN 2013."
    )
    licence = (
        "Distributed AS-IS, any commercial use is prohibited, cite the paper (dataset "
        "README.txt). UCI lists it as CC BY 4.0; respect the stricter README."
    )
    homepage = "https://archive.ics.uci.edu/dataset/240"
    downloads = (
        DownloadSource(
            "https://archive.ics.uci.edu/static/public/240/"
            "human+activity+recognition+using+smartphones.zip",
            "uci_har.zip",
            no_sha256_because=(
                "UCI publishes no checksum for its zips and "
                "no copy was at hand offline to pin one"
            ),
        ),
    )
    original_rate = 50.0
    placement = "waist (smartphone on a belt)"
    sensor = "Samsung Galaxy S II accelerometer and gyroscope"
    sensors = ("acc", "gyro")
    stored_units = {"acc": "g", "gyro": "rad/s"}
    default_rate = None
    default_window_seconds = None
    expected_files = (
        "UCI HAR Dataset/{train,test}/subject_<split>.txt, y_<split>.txt and "
        "Inertial Signals/total_acc_{x,y,z}_<split>.txt (+ body_gyro_*)"
    )

    def is_root(self, path: Path) -> bool:
        return (path / "train" / "Inertial Signals").is_dir() and (
            path / "train" / "subject_train.txt"
        ).is_file()

    def native_window_seconds(self, root: Path) -> float:
        return WINDOW / self.original_rate

    def _column(self, root: Path, split: str, name: str) -> np.ndarray:
        table = read_numeric_table(root / split / f"{name}_{split}.txt", 1)
        self.counts["malformed_lines"] += table.malformed
        column = np.full(int(table.line_numbers.max(initial=0)), -1, dtype=np.int64)
        column[table.line_numbers - 1] = table.values[:, 0].astype(np.int64)
        return column

    def subjects(self, root: Path) -> list[str]:
        found = set()
        for split in SPLITS:
            found.update(str(s) for s in self._column(root, split, "subject") if s >= 0)
        self.reset_counts()
        return sorted(found, key=natural_key)

    def recordings(
        self, root: Path, channels: Sequence[str], subjects: Sequence[str] | None = None
    ) -> Iterator[Recording]:
        for split in SPLITS:
            subject_of = self._column(root, split, "subject")
            activity_of = self._column(root, split, "y")
            rows: dict[int, list[np.ndarray]] = {}
            names, units = [], []
            for sensor in channels:
                for axis in "xyz":
                    prefix = SIGNAL_FILES[sensor]
                    path = root / split / "Inertial Signals" / f"{prefix}_{axis}_{split}.txt"
                    table = read_numeric_table(path, WINDOW)
                    self.counts["malformed_lines"] += table.malformed
                    for line, values in zip(table.line_numbers, table.values, strict=True):
                        rows.setdefault(int(line), []).append(values)
                    names.append(f"{sensor}_{axis}")
                    units.append(self.stored_units[sensor])
            for line in sorted(rows):
                parts = rows[line]
                index = line - 1
                complete = len(parts) == len(names) and index < len(subject_of)
                code = int(activity_of[index]) if index < len(activity_of) else -1
                if not complete or subject_of[index] < 0 or code not in ACTIVITIES:
                    self.counts["windows_missing_a_file_row"] += 1
                    continue
                subject = str(subject_of[index])
                if subjects is not None and subject not in subjects:
                    continue
                yield Recording(
                    subject=subject,
                    signals=np.stack(parts),
                    rate=self.original_rate,
                    channel_names=names,
                    units=units,
                    labels=[LabelInterval(0, WINDOW, ACTIVITIES[code])],
                    source=f"{split}/Inertial Signals (row {line})",
                    start_time=0.0,
                    metadata={"split": split, "row": line},
                )
