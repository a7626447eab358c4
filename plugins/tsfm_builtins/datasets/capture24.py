"""Capture-24: free-living wrist accelerometry (Axivity AX3, 100 Hz), ``P0xx.csv.gz``."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from tsfm.datasets.adapter import DatasetAdapter, DownloadSource, natural_key
from tsfm.datasets.gaps import split_at_clock_gaps, to_regular_grid
from tsfm.datasets.recording import Recording, intervals_from_codes

DICTIONARY = "annotation-label-dictionary.csv"
METADATA = "metadata.csv"
FILE_PATTERN = re.compile(r"^(P\d+)\.csv\.gz$")
COLUMNS = ["time", "x", "y", "z", "annotation"]
CHUNK_ROWS = 2_000_000
CLOCK_BREAK_SECONDS = 60.0
EPOCH = pd.Timestamp(0, tz="UTC")


def parse_times(text: pd.Series) -> np.ndarray:
    """Capture-24 time strings (``2016-11-13 02:18:00.000000+0000 [Europe/London]``) -> s."""
    clean = text.astype(str).str.replace(r"\s*\[.*\]$", "", regex=True)
    stamps = pd.to_datetime(clean, utc=True, format="ISO8601", errors="coerce")
    return ((stamps - EPOCH).dt.total_seconds()).to_numpy(dtype=np.float64)


class Capture24Adapter(DatasetAdapter):
    """Capture-24: 151 participants, ~24 h free-living each, wrist Axivity AX3 at 100 Hz (g).

    Each ``P<nnn>.csv.gz`` (``time,x,y,z,annotation``) is read in chunks of 2 M rows
    and placed on a 100 Hz grid by its timestamps; device gaps become NaN for the
    shared gap handling, clock pauses over 60 s split the recording. Free-text
    annotations are mapped through ``annotation-label-dictionary.csv``; annotations
    missing from it are unlabelled and counted. ``metadata.csv`` gives ``age``
    (group) and ``sex``. Mostly used unlabelled (``labelled_only=False``) for
    pretraining; prefer ``tsfm prepare capture24`` to loading it into memory.

    Parameters
    ----------
    label_scheme : str, default "Walmsley2020"
        Column ``label:<scheme>`` of the dictionary. ``"Walmsley2020"`` has the 4
        classes sleep, sedentary, light, moderate-vigorous; ``"Willetts2018"`` has 6.
    """

    name = "capture24"
    title = "Capture-24: activity tracker dataset for human activity recognition"
    citation = (
        "S. Chan, H. Yuan, C. Tong, A. Acquah, A. Schonfeldt, J. Gershuny, A. Doherty. "
        "CAPTURE-24: A large dataset of wrist-worn activity tracker data collected in the "
        "wild for human activity recognition. Scientific Data 11:1135, 2024. "
        "doi:10.5287/bodleian:NGx0JOMP5"
    )
    licence = "CC BY 4.0 (Oxford University Research Archive)."
    homepage = "https://github.com/OxWearables/capture24"
    downloads = (
        DownloadSource(
            "https://ora.ox.ac.uk/objects/uuid:99d7c092-d865-4a19-b096-cc16440cd001/files/rpr76f381b",
            "capture24.zip",
            no_sha256_because=(
                "ORA (Oxford) states no checksum and "
                "no copy was at hand offline to pin one"
            ),
        ),
    )
    original_rate = 100.0
    placement = "dominant wrist"
    sensor = "Axivity AX3 tri-axial accelerometer, +-8 g"
    stored_units = {"acc": "g"}
    expected_files = "capture24/P001.csv.gz ... P151.csv.gz and annotation-label-dictionary.csv"

    def __init__(self, label_scheme: str = "Walmsley2020") -> None:
        super().__init__()
        self.label_scheme = label_scheme

    def is_root(self, path: Path) -> bool:
        return (path / DICTIONARY).is_file() and any(path.glob("P*.csv.gz"))

    def _files(self, root: Path) -> list[tuple[Path, str]]:
        files = []
        for path in root.glob("P*.csv.gz"):
            match = FILE_PATTERN.match(path.name)
            if match:
                files.append((path, match.group(1)))
        return sorted(files, key=lambda f: natural_key(f[1]))

    def subjects(self, root: Path) -> list[str]:
        return [pid for _, pid in self._files(root)]

    def _dictionary(self, root: Path) -> dict[str, str]:
        frame = pd.read_csv(root / DICTIONARY, dtype=str)
        column = f"label:{self.label_scheme}"
        if column not in frame.columns:
            schemes = [c.removeprefix("label:") for c in frame.columns if c.startswith("label:")]
            raise ValueError(f"label_scheme {self.label_scheme!r} not in {DICTIONARY}: {schemes}")
        return dict(zip(frame["annotation"], frame[column], strict=True))

    def _attributes(self, root: Path) -> dict[str, dict]:
        path = root / METADATA
        if not path.is_file():
            return {}
        frame = pd.read_csv(path, dtype=str)
        return {row.pop("pid"): row for row in frame.to_dict("records")}

    def _read(self, path: Path, mapping: dict[str, str], names: list[str]):
        times, values, codes = [], [], []
        code_of = {label: i + 1 for i, label in enumerate(names)}
        reader = pd.read_csv(
            path, usecols=COLUMNS, dtype={"annotation": "category"}, chunksize=CHUNK_ROWS
        )
        for chunk in reader:
            t = parse_times(chunk["time"])
            xyz = chunk[["x", "y", "z"]].apply(pd.to_numeric, errors="coerce").to_numpy()
            bad = np.isnan(t) | np.isnan(xyz).any(axis=1)
            self.counts["malformed_lines"] += int(bad.sum())
            annotation = chunk["annotation"].astype(object)
            known = annotation.isna() | annotation.isin(list(mapping))
            self.counts["samples_with_unknown_annotation"] += int((~known).sum())
            labels = annotation.map(mapping).map(code_of).fillna(0).to_numpy(dtype=np.float64)
            times.append(t[~bad])
            values.append(xyz[~bad].T)
            codes.append(labels[~bad])
        return np.concatenate(times), np.concatenate(values, axis=1), np.concatenate(codes)

    def recordings(
        self, root: Path, channels: Sequence[str], subjects: Sequence[str] | None = None
    ) -> Iterator[Recording]:
        mapping = self._dictionary(root)
        names = sorted({v for v in mapping.values() if isinstance(v, str)})
        attributes = self._attributes(root)
        for path, pid in self._files(root):
            if subjects is not None and pid not in subjects:
                continue
            times, values, codes = self._read(path, mapping, names)
            for a, b in split_at_clock_gaps(times, CLOCK_BREAK_SECONDS):
                grid, dropped, _ = to_regular_grid(
                    times[a:b], np.vstack([codes[a:b], values[:, a:b]]), self.original_rate
                )
                self.counts["duplicate_or_out_of_order_samples"] += dropped
                yield Recording(
                    subject=pid,
                    signals=grid[1:],
                    rate=self.original_rate,
                    channel_names=["acc_x", "acc_y", "acc_z"],
                    units=["g"] * 3,
                    labels=intervals_from_codes(grid[0], dict(enumerate(names, start=1))),
                    source=path.name,
                    start_time=float(times[a]),
                    metadata=dict(attributes.get(pid, {})),
                )
