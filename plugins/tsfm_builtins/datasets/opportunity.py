"""OPPORTUNITY Activity Recognition (UCI) ``dataset/S<n>-<run>.dat``: a lower-arm IMU."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from tsfm.datasets.adapter import DatasetAdapter, DownloadSource, natural_key
from tsfm.datasets.gaps import to_regular_grid
from tsfm.datasets.recording import Recording, intervals_from_codes
from tsfm.datasets.text_tables import read_numeric_table

N_COLUMNS = 250
#: 0-based columns (column_names.txt numbers them from 1): MILLISEC, the
#: InertialMeasurementUnit RLA / LLA accX..accZ (milli g), and two label tracks
TIME = 0
WRIST_ACC = {"RLA": [63, 64, 65], "LLA": [89, 90, 91]}
LABEL_COLUMNS = {"locomotion": 243, "gestures": 249}
#: label_legend.txt
LOCOMOTION = {1: "Stand", 2: "Walk", 4: "Sit", 5: "Lie"}
GESTURES = {
    406516: "Open Door 1",
    406517: "Open Door 2",
    404516: "Close Door 1",
    404517: "Close Door 2",
    406520: "Open Fridge",
    404520: "Close Fridge",
    406505: "Open Dishwasher",
    404505: "Close Dishwasher",
    406519: "Open Drawer 1",
    404519: "Close Drawer 1",
    406511: "Open Drawer 2",
    404511: "Close Drawer 2",
    406508: "Open Drawer 3",
    404508: "Close Drawer 3",
    408512: "Clean Table",
    407521: "Drink from Cup",
    405506: "Toggle Switch",
}
LABEL_NAMES = {"locomotion": LOCOMOTION, "gestures": GESTURES}
FILE_PATTERN = re.compile(r"^S(\d+)-(ADL\d+|Drill)\.dat$")


class OpportunityAdapter(DatasetAdapter):
    """OPPORTUNITY: 4 subjects, 5 ADL runs + 1 drill run each, 30 Hz, lower-arm IMU.

    Each ``S<n>-<run>.dat`` (250 space-separated columns) is one recording. The
    accelerometer of the InertialMeasurementUnit on the right (RLA) or left (LLA)
    lower arm, stored in milli g, is converted to g. Samples go on a 30 Hz grid by
    the MILLISEC column; ``NaN`` values (sensor dropouts) are gaps for the shared gap
    handling. Label code 0 (null class) is unlabelled.

    Parameters
    ----------
    labels : {"locomotion", "gestures"}, default "locomotion"
        Locomotion (4 classes: Stand, Walk, Sit, Lie) or mid-level gestures of both
        arms (17 classes).
    wrist : {"RLA", "LLA"}, default "RLA"
        Right or left lower-arm IMU.
    drill : bool, default True
        Include the scripted ``Drill`` runs.
    """

    name = "opportunity"
    title = "OPPORTUNITY Activity Recognition"
    citation = (
        "D. Roggen, A. Calatroni, M. Rossi, T. Holleczek, K. Foerster, G. Troester, P. "
        "Lukowicz, D. Bannach, G. Pirkl, A. Ferscha et al. Collecting complex activity "
        "datasets in highly rich networked sensor environments. INSS 2010."
    )
    licence = "CC BY 4.0 (UCI Machine Learning Repository, dataset 226)."
    homepage = "https://archive.ics.uci.edu/dataset/226"
    downloads = (
        DownloadSource(
            "https://archive.ics.uci.edu/static/public/226/opportunity+activity+recognition.zip",
            "opportunity.zip",
            no_sha256_because=(
                "UCI publishes no checksum for its zips and "
                "no copy was at hand offline to pin one"
            ),
        ),
    )
    original_rate = 30.0
    placement = "lower arm (RLA right by default, or LLA left), near the wrist"
    sensor = "Xsens InertialMeasurementUnit accelerometer"
    stored_units = {"acc": "milli-g"}
    expected_files = "OpportunityUCIDataset/dataset/S1-ADL1.dat ... S4-Drill.dat"

    def __init__(self, labels: str = "locomotion", wrist: str = "RLA", drill: bool = True) -> None:
        super().__init__()
        self.labels = labels
        self.wrist = wrist
        self.drill = drill

    def is_root(self, path: Path) -> bool:
        return any(path.glob("S[0-9]-ADL[0-9].dat"))

    def _files(self, root: Path) -> list[tuple[Path, str, str]]:
        files = []
        for path in root.glob("S*-*.dat"):
            match = FILE_PATTERN.match(path.name)
            if match and (self.drill or match.group(2) != "Drill"):
                files.append((path, match.group(1), match.group(2)))
        return sorted(files, key=lambda f: (natural_key(f[1]), natural_key(f[2])))

    def subjects(self, root: Path) -> list[str]:
        return sorted({f"S{s}" for _, s, _ in self._files(root)}, key=natural_key)

    def recordings(
        self, root: Path, channels: Sequence[str], subjects: Sequence[str] | None = None
    ) -> Iterator[Recording]:
        if self.labels not in LABEL_COLUMNS:
            raise ValueError(f"labels must be one of {tuple(LABEL_COLUMNS)}, got {self.labels!r}")
        if self.wrist not in WRIST_ACC:
            raise ValueError(f"wrist must be one of {tuple(WRIST_ACC)}, got {self.wrist!r}")
        for path, number, run in self._files(root):
            subject = f"S{number}"
            if subjects is not None and subject not in subjects:
                continue
            table = read_numeric_table(path, N_COLUMNS)
            self.counts["malformed_lines"] += table.malformed
            times = table.values[:, TIME] / 1000.0
            columns = [LABEL_COLUMNS[self.labels], *WRIST_ACC[self.wrist]]
            grid, dropped, _ = to_regular_grid(times, table.values[:, columns].T, 30.0)
            self.counts["duplicate_or_out_of_order_samples"] += dropped
            yield Recording(
                subject=subject,
                signals=grid[1:],
                rate=self.original_rate,
                channel_names=["acc_x", "acc_y", "acc_z"],
                units=["milli-g"] * 3,
                labels=intervals_from_codes(grid[0], LABEL_NAMES[self.labels]),
                source=str(path.relative_to(root)),
                metadata={"run": run, "wrist": self.wrist},
            )
