"""HMP / "Dataset for ADL Recognition with Wrist-worn Accelerometer" (Bruno et al., UCI 283)."""

from __future__ import annotations

import calendar
import re
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from tsfm.datasets.adapter import DatasetAdapter, DownloadSource, natural_key
from tsfm.datasets.recording import LabelInterval, Recording
from tsfm.datasets.text_tables import read_numeric_table, rows_on_line_grid

#: ``Accelerometer-<YYYY-MM-DD-HH-MM-SS>-<hmp>-<volunteer>[_<n>].txt`` (MANUAL.txt, Sec. 4.1);
#: the ``_<n>`` suffix appears in the ``_MODEL`` folders only
FILE_PATTERN = re.compile(
    r"^Accelerometer-(\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2})-([a-z_]+)-([fm]\d+)(?:_\d+)?\.txt$"
)
SEX = {"f": "female", "m": "male"}


class ADLAdapter(DatasetAdapter):
    """HMP wrist accelerometer ADL dataset: 16 volunteers, 14 activities, 32 Hz.

    Each trial file is one labelled recording. Values are 6-bit codes 0..63 for
    -1.5 g .. +1.5 g, converted with ``-1.5 + 3 * code / 63``. The volunteer (``f1``,
    ``m3``...) comes from the file name, and so does the sex.

    Parameters
    ----------
    include_model : bool, default False
        Also read the ``*_MODEL`` folders. They hold the trials the authors used to
        build their models and repeat activities of the same volunteers, so they must
        stay out of evaluation folds.
    """

    name = "adl"
    title = "Dataset for ADL Recognition with Wrist-worn Accelerometer (HMP)"
    citation = (
        "B. Bruno, F. Mastrogiovanni, A. Sgorbissa, T. Vernazza, R. Zaccaria. Analysis of "
        "human behavior recognition algorithms based on acceleration data. IEEE ICRA 2013, "
        "pp. 1602-1607; B. Bruno, F. Mastrogiovanni, A. Sgorbissa. A public domain dataset "
        "for ADL recognition using wrist-placed accelerometers. IEEE RO-MAN 2014."
    )
    licence = (
        "Research use and modification allowed; commercial use or redistribution must be "
        "arranged with the authors (dataset README.txt, Sec. 5). UCI lists it as CC BY 4.0."
    )
    homepage = "https://archive.ics.uci.edu/dataset/283"
    downloads = (
        DownloadSource(
            "https://archive.ics.uci.edu/static/public/283/"
            "dataset+for+adl+recognition+with+wrist+worn+accelerometer.zip",
            "adl_hmp.zip",
            no_sha256_because=(
                "UCI publishes no checksum for its zips; "
                "the key files below are pinned instead"
            ),
        ),
    )
    key_files_sha256 = {
        "Brush_teeth/Accelerometer-2011-04-11-13-28-18-brush_teeth-f1.txt": (
            "233deba9a793334c9cfe9996ebadf9dd5fe782ea44b3b7dc20592d79f042c573"
        ),
        "Brush_teeth/Accelerometer-2011-05-30-10-34-16-brush_teeth-m1.txt": (
            "eb0f7e95c46a293ca75e20cf989d92c171b866aa5ff0eb1cddefb22a075ce6ea"
        ),
    }
    original_rate = 32.0
    placement = "right wrist"
    sensor = "tri-axial accelerometer, 6 bits per axis, +-1.5 g"
    stored_units = {"acc": "hmp-code"}
    expected_files = (
        "HMP_Dataset/<Activity>/Accelerometer-<YYYY-MM-DD-HH-MM-SS>-<activity>-<volunteer>.txt "
        "(14 activity folders such as Walk/, Climb_stairs/)"
    )

    def __init__(self, include_model: bool = False) -> None:
        super().__init__()
        self.include_model = include_model

    def is_root(self, path: Path) -> bool:
        return any(path.glob("*/Accelerometer-*.txt"))

    def _files(self, root: Path) -> list[tuple[Path, re.Match]]:
        files = []
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            if folder.name.endswith("_MODEL") and not self.include_model:
                continue
            for path in sorted(folder.glob("*.txt")):
                match = FILE_PATTERN.match(path.name)
                if match:
                    files.append((path, match))
        return files

    def subjects(self, root: Path) -> list[str]:
        return sorted({m.group(3) for _, m in self._files(root)}, key=natural_key)

    def recordings(
        self, root: Path, channels: Sequence[str], subjects: Sequence[str] | None = None
    ) -> Iterator[Recording]:
        for path, match in self._files(root):
            stamp, activity, volunteer = match.groups()
            if subjects is not None and volunteer not in subjects:
                continue
            table = read_numeric_table(path, 3)
            self.counts["malformed_lines"] += table.malformed
            codes = rows_on_line_grid(table).T
            out_of_range = (codes < 0) | (codes > 63)
            self.counts["out_of_range_codes"] += int(out_of_range.any(axis=0).sum())
            codes[:, out_of_range.any(axis=0)] = float("nan")
            start = calendar.timegm(time.strptime(stamp, "%Y-%m-%d-%H-%M-%S"))
            yield Recording(
                subject=volunteer,
                signals=codes,
                rate=self.original_rate,
                channel_names=["acc_x", "acc_y", "acc_z"],
                units=["hmp-code"] * 3,
                labels=[LabelInterval(0, codes.shape[1], activity)],
                source=str(path.relative_to(root)),
                start_time=float(start),
                metadata={"sex": SEX[volunteer[0]], "model_trial": path.parent.name.endswith(
                    "_MODEL")},
            )
