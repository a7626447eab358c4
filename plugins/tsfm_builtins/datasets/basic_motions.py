"""BasicMotions as bundled with sktime: no download, no data directory."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from tsfm.datasets.adapter import DatasetAdapter
from tsfm.datasets.recording import LabelInterval, Recording

SPLITS = ("train", "test")


class BasicMotionsAdapter(DatasetAdapter):
    """UEA BasicMotions (4 classes, 6 dims, 100 samples at 10 Hz) from sktime's own copy.

    Loaded with :func:`sktime.datasets.load_basic_motions`, so it works offline with
    no ``data_dir``; labels are as sktime returns them. Like every UEA problem it has
    no subject ids: ``groups`` holds the official train/test split.
    """

    name = "basic_motions"
    title = "UEA BasicMotions (sktime's bundled copy)"
    citation = (
        "A. Bagnall et al. The UEA multivariate time series classification archive, 2018. "
        "arXiv:1811.00075."
    )
    licence = "Archive terms (research use with citation); sktime code is BSD-3-Clause."
    homepage = "https://www.timeseriesclassification.com/description.php?Dataset=BasicMotions"
    original_rate = 10.0
    placement = "wrist"
    sensor = "smartwatch accelerometer + gyroscope"
    sensors = ("all",)
    stored_units = {"all": "as published"}
    has_subjects = False
    requires_data_dir = False
    default_rate = None
    default_window_seconds = None
    expected_files = "nothing: bundled with sktime"

    def is_root(self, path: Path) -> bool:
        return True

    def subjects(self, root: Path | None) -> list[str]:
        return list(SPLITS)

    def native_window_seconds(self, root: Path | None) -> float:
        return 100 / self.original_rate

    def describe(self) -> dict:
        info = super().describe()
        info["groups"] = "official train/test split (the archive has no subject ids)"
        return info

    def recordings(
        self, root: Path | None, channels: Sequence[str], subjects: Sequence[str] | None = None
    ) -> Iterator[Recording]:
        from sktime.datasets import load_basic_motions

        for split in SPLITS:
            if subjects is not None and split not in subjects:
                continue
            X, y = load_basic_motions(split=split, return_type="numpy3D")
            for i, (case, label) in enumerate(zip(X, y, strict=True)):
                yield Recording(
                    subject=split,
                    signals=case,
                    rate=self.original_rate,
                    channel_names=[f"dim_{d}" for d in range(case.shape[0])],
                    units=["as published"] * case.shape[0],
                    labels=[LabelInterval(0, case.shape[1], str(label))],
                    source=f"sktime:BasicMotions_{split.upper()}",
                    metadata={"split": split, "case": i},
                )
