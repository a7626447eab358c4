"""UCI HAPT v2.1 ``RawData``: the raw, un-windowed signals of the UCI-HAR recordings."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from tsfm.datasets.adapter import DatasetAdapter, DownloadSource, natural_key
from tsfm.datasets.recording import LabelInterval, Recording
from tsfm.datasets.text_tables import read_numeric_table, rows_on_line_grid

FILE_PATTERN = re.compile(r"^acc_exp(\d+)_user(\d+)\.txt$")

#: activity_labels.txt of HAPT v2.1
ACTIVITIES = {
    1: "WALKING",
    2: "WALKING_UPSTAIRS",
    3: "WALKING_DOWNSTAIRS",
    4: "SITTING",
    5: "STANDING",
    6: "LAYING",
    7: "STAND_TO_SIT",
    8: "SIT_TO_STAND",
    9: "SIT_TO_LIE",
    10: "LIE_TO_SIT",
    11: "STAND_TO_LIE",
    12: "LIE_TO_STAND",
}
#: activities 7..12 are postural transitions
TRANSITIONS = frozenset(range(7, 13))
#: the official UCI-HAR / HAPT test volunteers; the other 21 are train
TEST_SUBJECTS = frozenset({2, 4, 9, 10, 12, 13, 18, 20, 24})


class HAPTAdapter(DatasetAdapter):
    """UCI HAPT v2.1 raw signals: 30 volunteers, 6 activities + 6 transitions, 50 Hz.

    One recording per experiment (``acc_expXX_userYY.txt`` and the matching
    ``gyro_...`` file); ``labels.txt`` gives 1-based, inclusive activity intervals.
    Stretches between intervals are unlabelled. ``metadata`` has the official
    train/test ``split`` and the ``experiment`` number.

    Parameters
    ----------
    transitions : bool, default True
        Keep the six postural transitions (STAND_TO_SIT...). False keeps only the six
        UCI-HAR activities; the transitions then count as unlabelled.
    """

    name = "hapt"
    title = "Smartphone-Based Recognition of Human Activities and Postural Transitions (HAPT)"
    citation = (
        "J.-L. Reyes-Ortiz, L. Oneto, A. Sama, X. Parra, D. Anguita. Transition-Aware Human "
        "Activity Recognition Using Smartphones. Neurocomputing 171:754-767, 2016."
    )
    licence = (
        "Distributed AS-IS, any commercial use is prohibited, cite the paper (dataset "
        "README.txt). UCI lists it as CC BY 4.0; respect the stricter README."
    )
    homepage = "https://archive.ics.uci.edu/dataset/341"
    downloads = (
        DownloadSource(
            "https://archive.ics.uci.edu/static/public/341/"
            "smartphone+based+recognition+of+human+activities+and+postural+transitions.zip",
            "hapt.zip",
            no_sha256_because=(
                "UCI publishes no checksum for its zips; "
                "the key files below are pinned instead"
            ),
        ),
    )
    key_files_sha256 = {
        "acc_exp01_user01.txt": "75b2be56e5aaf0476cf7ecb6c53cc48093dafb490f98ec6f5ae21b466a32f97c",
        "acc_exp02_user01.txt": "4d2d252ae1749e49148516fdb8fbc858ca475cbed3e8e4530dd078ca93e08b20",
    }
    original_rate = 50.0
    placement = "waist (smartphone on a belt)"
    sensor = "Samsung Galaxy S II accelerometer and gyroscope"
    sensors = ("acc", "gyro")
    stored_units = {"acc": "g", "gyro": "rad/s"}
    expected_files = (
        "RawData/labels.txt and RawData/acc_expXX_userYY.txt (+ gyro_expXX_userYY.txt)"
    )

    def __init__(self, transitions: bool = True) -> None:
        super().__init__()
        self.transitions = transitions

    def is_root(self, path: Path) -> bool:
        return (path / "labels.txt").is_file() and any(path.glob("acc_exp*_user*.txt"))

    def _experiments(self, root: Path) -> list[tuple[Path, int, int]]:
        found = []
        for path in sorted(root.glob("acc_exp*_user*.txt")):
            match = FILE_PATTERN.match(path.name)
            if match:
                found.append((path, int(match.group(1)), int(match.group(2))))
        return found

    def subjects(self, root: Path) -> list[str]:
        return sorted({str(user) for _, _, user in self._experiments(root)}, key=natural_key)

    def _labels(self, root: Path) -> dict[tuple[int, int], list[LabelInterval]]:
        table = read_numeric_table(root / "labels.txt", 5)
        self.counts["malformed_lines"] += table.malformed
        intervals: dict[tuple[int, int], list[LabelInterval]] = {}
        for exp, user, code, first, last in table.values.astype(np.int64):
            if int(code) not in ACTIVITIES:
                self.counts["unknown_activity_codes"] += 1
                continue
            if not self.transitions and int(code) in TRANSITIONS:
                continue
            interval = LabelInterval(int(first) - 1, int(last), ACTIVITIES[int(code)])
            intervals.setdefault((int(exp), int(user)), []).append(interval)
        return intervals

    def recordings(
        self, root: Path, channels: Sequence[str], subjects: Sequence[str] | None = None
    ) -> Iterator[Recording]:
        intervals = self._labels(root)
        for acc_path, exp, user in self._experiments(root):
            if subjects is not None and str(user) not in subjects:
                continue
            parts, names, units = [], [], []
            for sensor in channels:
                path = acc_path.with_name(acc_path.name.replace("acc_", f"{sensor}_", 1))
                table = read_numeric_table(path, 3)
                self.counts["malformed_lines"] += table.malformed
                parts.append(rows_on_line_grid(table).T)
                names += [f"{sensor}_{axis}" for axis in "xyz"]
                units += [self.stored_units[sensor]] * 3
            n = min(p.shape[1] for p in parts)
            self.counts["samples_without_all_sensors"] += sum(p.shape[1] - n for p in parts)
            yield Recording(
                subject=str(user),
                signals=np.concatenate([p[:, :n] for p in parts]),
                rate=self.original_rate,
                channel_names=names,
                units=units,
                labels=intervals.get((exp, user), []),
                source=str(acc_path.relative_to(root)),
                metadata={
                    "experiment": exp,
                    "split": "test" if user in TEST_SUBJECTS else "train",
                },
            )
