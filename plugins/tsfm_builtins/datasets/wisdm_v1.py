"""WISDM Activity Prediction v1.1 (``WISDM_ar_v1.1_raw.txt``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from tsfm.datasets.adapter import DatasetAdapter, DownloadSource, natural_key
from tsfm.datasets.recording import LabelInterval, Recording
from tsfm.datasets.text_tables import parse_lines

RAW_FILE = "WISDM_ar_v1.1_raw.txt"
ACTIVITIES = ("Walking", "Jogging", "Upstairs", "Downstairs", "Sitting", "Standing")


class WISDMv1Adapter(DatasetAdapter):
    """WISDM v1.1: 36 users, 6 activities, phone in the front trouser pocket, 20 Hz.

    Lines read ``user,activity,timestamp,x,y,z;`` with accelerations in m/s^2
    (converted to g). The real file has malformed lines (several records run
    together, missing values, empty fields): each is skipped and counted in
    ``info["drops"]["malformed_lines"]``, and its place becomes a missing sample so
    its neighbours are never merged. The timestamps are unreliable (zeros, jumps),
    so samples are taken in file order at the nominal 20 Hz; each contiguous run of
    one user and activity is one recording.
    """

    name = "wisdm_v1"
    title = "WISDM Activity Prediction dataset v1.1"
    citation = (
        "J. R. Kwapisz, G. M. Weiss, S. A. Moore. Activity Recognition using Cell Phone "
        "Accelerometers. ACM SIGKDD Explorations 12(2):74-82, 2010."
    )
    licence = (
        "Free for research with citation of Kwapisz et al. 2010 (WISDM Lab terms in "
        "readme.txt); no formal open licence."
    )
    homepage = "https://www.cis.fordham.edu/wisdm/dataset.php"
    downloads = (
        DownloadSource(
            "https://www.cis.fordham.edu/wisdm/includes/datasets/latest/WISDM_ar_latest.tar.gz",
            "WISDM_ar_latest.tar.gz",
            no_sha256_because=(
                "Fordham states no checksum and "
                "no copy was at hand offline to pin one"
            ),
        ),
    )
    original_rate = 20.0
    placement = "front trouser pocket (smartphone)"
    sensor = "Android smartphone accelerometer"
    stored_units = {"acc": "m/s^2"}
    expected_files = RAW_FILE

    def is_root(self, path: Path) -> bool:
        return (path / RAW_FILE).is_file()

    def _runs(self, root: Path) -> list[tuple[str, str, np.ndarray, np.ndarray]]:
        """(user, activity, line numbers, values of shape (n, 3)) per contiguous run."""
        lines = (root / RAW_FILE).read_text(errors="replace").splitlines()
        rows, numbers, malformed, _ = parse_lines(lines, 6, ",", ";", numeric=(0, 3, 4, 5))
        self.counts["malformed_lines"] += malformed
        runs: list[tuple[str, str, list[int], list[list[str]]]] = []
        for number, row in zip(numbers, rows, strict=True):
            user, activity = str(int(float(row[0]))), row[1]
            if activity not in ACTIVITIES:
                self.counts["unknown_activities"] += 1
                continue
            if runs and runs[-1][0] == user and runs[-1][1] == activity:
                runs[-1][2].append(number)
                runs[-1][3].append(row[3:])
            else:
                runs.append((user, activity, [number], [row[3:]]))
        return [
            (u, a, np.array(n), np.array(v, dtype=np.float64)) for u, a, n, v in runs
        ]

    def subjects(self, root: Path) -> list[str]:
        users = {user for user, *_ in self._runs(root)}
        self.reset_counts()
        return sorted(users, key=natural_key)

    def recordings(
        self, root: Path, channels: Sequence[str], subjects: Sequence[str] | None = None
    ) -> Iterator[Recording]:
        for user, activity, numbers, values in self._runs(root):
            if subjects is not None and user not in subjects:
                continue
            offsets = numbers - numbers[0]
            signals = np.full((3, int(offsets[-1]) + 1), np.nan)
            signals[:, offsets] = values.T
            yield Recording(
                subject=user,
                signals=signals,
                rate=self.original_rate,
                channel_names=["acc_x", "acc_y", "acc_z"],
                units=["m/s^2"] * 3,
                labels=[LabelInterval(0, signals.shape[1], activity)],
                source=f"{RAW_FILE} (lines {numbers[0]}-{numbers[-1]})",
            )
