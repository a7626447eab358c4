"""Any problem of the UEA/UCR time-series classification archives, from its ``.ts`` files."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from tsfm.datasets.adapter import DatasetAdapter, DownloadSource
from tsfm.datasets.recording import LabelInterval, Recording

#: sampling rates stated by the archive for the problems we know; others are unknown
KNOWN_RATES = {"BasicMotions": 10.0, "RacketSports": 10.0}
SPLITS = ("TRAIN", "TEST")


def parse_ts(path: Path) -> tuple[list[np.ndarray], list[str], int, list[str]]:
    """Read a ``.ts`` file (sktime format): ``#`` comments, ``@`` header, then one case a line.

    A case line holds the dimensions separated by ``:``, each a comma-separated
    series (``?`` = missing), and the class label last.

    Returns
    -------
    cases : list of ndarray of shape (n_dimensions, length)
    labels : list of str
    malformed : int
        Case lines skipped: wrong number of dimensions, a non-number, or unequal
        dimension lengths.
    examples : list of str
    """
    cases, labels, examples = [], [], []
    malformed, n_dims, in_data = 0, None, False
    for number, line in enumerate(path.read_text(errors="replace").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not in_data:
            key, _, value = line.partition(" ")
            if key.lower() == "@dimensions":
                n_dims = int(value)
            elif key.lower() == "@univariate" and value.strip().lower() == "true":
                n_dims = 1
            elif key.lower() == "@data":
                in_data = True
            continue
        *dims, label = line.split(":")
        try:
            if n_dims is not None and len(dims) != n_dims:
                raise ValueError(f"{len(dims)} dimensions instead of {n_dims}")
            series = [
                [float("nan") if v.strip() == "?" else float(v) for v in d.split(",")]
                for d in dims
            ]
            if not dims or len({len(s) for s in series}) != 1:
                raise ValueError("dimensions of unequal length")
        except ValueError:
            malformed += 1
            if len(examples) < 3:
                examples.append(f"{path.name} line {number}: {line[:60]!r}")
            continue
        cases.append(np.array(series, dtype=np.float64))
        labels.append(label.strip())
    return cases, labels, malformed, examples


class UEAAdapter(DatasetAdapter):
    """A UEA/UCR archive problem (``uea:RacketSports``): its fixed TRAIN/TEST split.

    Each case is one labelled recording; by default it is kept whole, at its own
    rate, as one window. The archive has no subject ids: ``groups`` holds the split
    (``"train"``/``"test"``), ``metadata["subject"]`` is None. Values are kept in the
    archive's (undocumented) units; no unit conversion happens.

    Parameters
    ----------
    problem : str, optional
        Archive problem name, e.g. ``"RacketSports"``; needed to load.
    original_rate : float, optional
        Sampling rate of the problem in Hz; known for BasicMotions and RacketSports
        (10 Hz), otherwise 1.0 is assumed and ``info`` says it is nominal.
    """

    name = "uea"
    citation = (
        "A. Bagnall, H. A. Dau, J. Lines, M. Flynn, J. Large, A. Bostrom, P. Southam, "
        "E. Keogh. The UEA multivariate time series classification archive, 2018. "
        "arXiv:1811.00075."
    )
    licence = (
        "Freely available for research with citation of the archive paper and the "
        "problem's own paper; no formal licence file ships with the .ts files."
    )
    homepage = "https://www.timeseriesclassification.com"
    sensors = ("all",)
    stored_units = {"all": "as published"}
    has_subjects = False
    default_rate = None
    default_window_seconds = None

    def __init__(self, problem: str | None = None, original_rate: float | None = None) -> None:
        super().__init__()
        self.problem = problem
        self._given_rate = original_rate

    @property
    def original_rate(self) -> float:
        """The given rate, else the archive's for known problems, else a nominal 1 Hz."""
        return self._given_rate or KNOWN_RATES.get(self.problem or "", 1.0)

    @property
    def title(self) -> str:
        return f"UEA/UCR archive problem {self.problem or '(any)'}"

    @property
    def expected_files(self) -> str:
        problem = self.problem or "<Problem>"
        return f"{problem}/{problem}_TRAIN.ts and {problem}_TEST.ts"

    @property
    def downloads(self) -> tuple[DownloadSource, ...]:
        if self.problem is None:
            return ()
        url = f"https://www.timeseriesclassification.com/aeon-toolkit/{self.problem}.zip"
        why = "the archive states no checksums for its problem zips"
        return (DownloadSource(url, f"{self.problem}.zip", no_sha256_because=why),)

    @property
    def placement(self) -> str:
        return "wrist" if self.problem in KNOWN_RATES else "problem-dependent"

    @property
    def sensor(self) -> str:
        if self.problem in KNOWN_RATES:
            return "smartwatch accelerometer + gyroscope"
        return "problem-dependent"

    def describe(self) -> dict:
        info = super().describe()
        info["rate_is_nominal"] = self._given_rate is None and self.problem not in KNOWN_RATES
        info["groups"] = "official TRAIN/TEST split (the archive has no subject ids)"
        return info

    def _files(self, path: Path) -> list[Path]:
        pattern = f"{self.problem}_*.ts" if self.problem else "*_TRAIN.ts"
        return sorted(path.glob(pattern))

    def is_root(self, path: Path) -> bool:
        if self.problem is None:
            return bool(self._files(path))
        return all((path / f"{self.problem}_{s}.ts").is_file() for s in SPLITS)

    def subjects(self, root: Path) -> list[str]:
        return ["train", "test"]

    def _cases(self, root: Path) -> Iterator[tuple[str, str, int, np.ndarray, str]]:
        if self.problem is None:
            raise ValueError(
                "the 'uea' adapter needs a problem: use a name like 'uea:RacketSports' or "
                "problem='RacketSports'"
            )
        for split in SPLITS:
            path = root / f"{self.problem}_{split}.ts"
            cases, labels, malformed, _ = parse_ts(path)
            self.counts["malformed_lines"] += malformed
            for i, (case, label) in enumerate(zip(cases, labels, strict=True)):
                yield split.lower(), path.name, i, case, label

    def native_window_seconds(self, root: Path) -> float:
        shortest = min(case.shape[1] for *_, case, _ in self._cases(root))
        self.reset_counts()
        return shortest / self.original_rate

    def recordings(
        self, root: Path, channels: Sequence[str], subjects: Sequence[str] | None = None
    ) -> Iterator[Recording]:
        for split, source, i, case, label in self._cases(root):
            if subjects is not None and split not in subjects:
                continue
            yield Recording(
                subject=split,
                signals=case,
                rate=self.original_rate,
                channel_names=[f"dim_{d}" for d in range(case.shape[0])],
                units=["as published"] * case.shape[0],
                labels=[LabelInterval(0, case.shape[1], label)],
                source=source,
                metadata={"split": split, "case": i},
            )
