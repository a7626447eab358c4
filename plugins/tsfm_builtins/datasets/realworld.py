"""RealWorld (HAR) 2016, Sztyler & Stuckenschmidt: per-subject, per-activity, per-position CSVs."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from tsfm.datasets.adapter import DatasetAdapter, DownloadSource, natural_key
from tsfm.datasets.gaps import split_at_clock_gaps, to_regular_grid
from tsfm.datasets.recording import LabelInterval, Recording

ACTIVITIES = (
    "climbingdown",
    "climbingup",
    "jumping",
    "lying",
    "running",
    "sitting",
    "standing",
    "walking",
)
POSITIONS = ("chest", "forearm", "head", "shin", "thigh", "upperarm", "waist")
#: ``acc_<activity>[_<session>]_<position>.csv``, inside ``acc_<activity>_csv.zip``
CSV_PATTERN = re.compile(r"^acc_([a-z]+?)(?:_(\d+))?_([a-z]+)\.csv$")
COLUMNS = ("id", "attr_time", "attr_x", "attr_y", "attr_z")
CLOCK_BREAK_SECONDS = 5.0


def _csv_members(data: bytes, name: str) -> Iterator[tuple[str, bytes]]:
    """CSV files in a zip archive, descending into zips nested inside it."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in sorted(archive.namelist()):
            base = member.rsplit("/", 1)[-1]
            if base.endswith(".zip"):
                yield from _csv_members(archive.read(member), f"{name}/{member}")
            elif base.endswith(".csv"):
                yield f"{name}/{member}", archive.read(member)


class RealWorldAdapter(DatasetAdapter):
    """RealWorld HAR: 15 subjects, 8 activities, 7 body positions, 50 Hz smartphones/watch.

    Reads ``proband<N>/data/acc_<activity>_csv.zip`` (or the already extracted
    ``acc_<activity>_<position>.csv``; zips nested inside are followed). Each CSV
    has the header ``id,attr_time,attr_x,attr_y,attr_z`` with ``attr_time`` in ms
    and accelerations in m/s^2. Samples go on a 50 Hz grid by time; each CSV is one
    labelled recording (clock pauses over 5 s split it).

    Parameters
    ----------
    position : str, default "forearm"
        Body position; ``"forearm"`` is the wrist-worn smartwatch.
    """

    name = "realworld"
    title = "RealWorld (HAR) 2016"
    citation = (
        "T. Sztyler, H. Stuckenschmidt. On-body Localization of Wearable Devices: An "
        "Investigation of Position-Aware Activity Recognition. IEEE PerCom 2016."
    )
    licence = (
        "Free for research with citation of Sztyler & Stuckenschmidt 2016 (University of "
        "Mannheim dataset page); no formal open licence stated."
    )
    homepage = "https://www.uni-mannheim.de/dws/research/projects/activity-recognition/dataset/dataset-realworld/"
    # Plain http: the host is only documented (dataset page, every public loader) under
    # http, and whether it answers https could not be checked offline. With no archive
    # checksum either, download=True warns that it cannot verify this file.
    downloads = (
        DownloadSource(
            "http://wifo5-14.informatik.uni-mannheim.de/sensor/dataset/realworld2016/"
            "realworld2016_dataset.zip",
            "realworld2016_dataset.zip",
            no_sha256_because=(
                "Mannheim states no checksum and "
                "no copy was at hand offline to pin one"
            ),
        ),
    )
    extract_nested_archives = False
    original_rate = 50.0
    placement = "forearm (wrist, smartwatch) by default; 7 positions available"
    sensor = "Samsung Galaxy S4 phones and LG G Watch R accelerometers"
    stored_units = {"acc": "m/s^2"}
    expected_files = "realworld2016_dataset/proband<N>/data/acc_<activity>_csv.zip"

    def __init__(self, position: str = "forearm") -> None:
        super().__init__()
        self.position = position

    def is_root(self, path: Path) -> bool:
        return any(path.glob("proband*/data/acc_*"))

    def _probands(self, root: Path) -> list[tuple[str, Path]]:
        found = []
        for folder in root.glob("proband*"):
            match = re.fullmatch(r"proband(\d+)", folder.name)
            if match and (folder / "data").is_dir():
                found.append((match.group(1), folder / "data"))
        return sorted(found, key=lambda item: natural_key(item[0]))

    def subjects(self, root: Path) -> list[str]:
        return [s for s, _ in self._probands(root)]

    def _csvs(self, folder: Path) -> Iterator[tuple[str, bytes]]:
        for path in sorted(folder.glob("acc_*_csv.zip")):
            yield from _csv_members(path.read_bytes(), path.name)
        for path in sorted(folder.glob("acc_*.csv")):
            yield path.name, path.read_bytes()

    def recordings(
        self, root: Path, channels: Sequence[str], subjects: Sequence[str] | None = None
    ) -> Iterator[Recording]:
        if self.position not in POSITIONS:
            raise ValueError(f"position must be one of {POSITIONS}, got {self.position!r}")
        for subject, folder in self._probands(root):
            if subjects is not None and subject not in subjects:
                continue
            for name, data in self._csvs(folder):
                match = CSV_PATTERN.match(name.rsplit("/", 1)[-1])
                if not match or match.group(3) != self.position:
                    continue
                activity, session = match.group(1), match.group(2)
                if activity not in ACTIVITIES:
                    self.counts["unknown_activities"] += 1
                    continue
                yield from self._recordings_of(subject, activity, session, name, data)

    def _recordings_of(
        self, subject: str, activity: str, session: str | None, name: str, data: bytes
    ) -> Iterator[Recording]:
        too_long: list[list[str]] = []
        frame = pd.read_csv(
            io.BytesIO(data), engine="python", on_bad_lines=lambda f: too_long.append(f)
        )
        self.counts["malformed_lines"] += len(too_long)
        if tuple(frame.columns) != COLUMNS:
            self.counts["files_with_unexpected_header"] += 1
            return
        numbers = frame[list(COLUMNS[1:])].apply(pd.to_numeric, errors="coerce")
        bad = numbers.isna().any(axis=1).to_numpy()
        self.counts["malformed_lines"] += int(bad.sum())
        values = numbers.to_numpy(dtype=np.float64)[~bad]
        times = values[:, 0] / 1000.0
        for a, b in split_at_clock_gaps(times, CLOCK_BREAK_SECONDS):
            grid, dropped, _ = to_regular_grid(times[a:b], values[a:b, 1:].T, self.original_rate)
            self.counts["duplicate_or_out_of_order_samples"] += dropped
            yield Recording(
                subject=subject,
                signals=grid,
                rate=self.original_rate,
                channel_names=["acc_x", "acc_y", "acc_z"],
                units=["m/s^2"] * 3,
                labels=[LabelInterval(0, grid.shape[1], activity)],
                source=f"proband{subject}/data/{name}",
                start_time=float(times[a]),
                metadata={"position": self.position, "session": int(session or 1)},
            )
