"""The base class of dataset adapters: finding, describing and parsing one published dataset.

An adapter only reads a dataset's original files into
:class:`~tsfm.datasets.recording.Recording` objects. Unit conversion, gap handling,
resampling and windowing are shared (:mod:`tsfm.datasets.windowing`), so every
adapter gets exactly the same preprocessing.

Adapters are plugins: a package registers its adapter classes with the
``tsfm_register_dataset_adapters`` hook in the ``tsfm`` entry-point group.
"""

from __future__ import annotations

import inspect
import re
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from tsfm.datasets.download import check_file_name, extract_all, fetch, verify_files
from tsfm.datasets.errors import DatasetNotFoundError
from tsfm.datasets.recording import Recording

#: how deep below the data directory an adapter looks for its files
SEARCH_DEPTH = 3


@dataclass(frozen=True)
class DownloadSource:
    """One file to fetch for ``download=True``.

    Attributes
    ----------
    url : str
        Official download location.
    filename : str
        Name to save it under in the data directory.
    sha256 : str or None
        Checksum of the archive where the publisher states one (or where it is
        otherwise known); ``None`` where it is not, in which case the extracted key
        files (:attr:`DatasetAdapter.key_files_sha256`) are verified instead.
    no_sha256_because : str
        Why ``sha256`` is None (e.g. "the publisher states no checksum and the archive
        could not be fetched to compute one"), so an unpinned archive is a documented
        decision, never an omission.
    """

    url: str
    filename: str
    sha256: str | None = None
    no_sha256_because: str = ""


def natural_key(text: str) -> tuple:
    """Sort key that orders ``"s2"`` before ``"s10"``."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


class DatasetAdapter:
    """Reads one published dataset in its original format.

    Subclasses set the class attributes below, implement :meth:`is_root`,
    :meth:`recordings` and usually :meth:`subjects`, and take their
    dataset-specific options as keyword arguments of ``__init__``.

    Attributes
    ----------
    name : str
        Registry name, e.g. ``"hapt"``.
    title, citation, licence, homepage : str
        What ``info`` reports. Licences differ between datasets.
    downloads : tuple of DownloadSource
        What ``download=True`` fetches.
    key_files_sha256 : dict
        Path relative to the dataset root -> SHA-256, verified after a download.
    original_rate : float
        Sampling rate of the files, in Hz.
    placement, sensor : str
        Where the device was worn and what it was.
    sensors : tuple of str
        Sensors an adapter can return: ``("acc",)`` or ``("acc", "gyro")``.
    stored_units : dict
        Sensor -> unit in the files (``"g"``, ``"m/s^2"``, ``"milli-g"``, ``"rad/s"``...).
    expected_files : str
        Human description of the files looked for, used in error messages.
    has_subjects : bool
        False where the dataset has no subject ids (then ``groups`` holds the split).
    requires_data_dir : bool
        False for data bundled with a Python package.
    default_rate, default_window_seconds : float or None
        Used when ``load_dataset`` is not given them; None means the original rate and
        the dataset's own segment length (pre-segmented datasets).
    counts : collections.Counter
        What parsing skipped (malformed lines, unknown labels...), reset by :meth:`reset_counts`.
    """

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    citation: ClassVar[str] = ""
    licence: ClassVar[str] = ""
    homepage: ClassVar[str] = ""
    downloads: ClassVar[tuple[DownloadSource, ...]] = ()
    key_files_sha256: ClassVar[dict[str, str]] = {}
    extract_nested_archives: ClassVar[bool] = True
    original_rate: ClassVar[float] = 0.0
    placement: ClassVar[str] = ""
    sensor: ClassVar[str] = ""
    sensors: ClassVar[tuple[str, ...]] = ("acc",)
    stored_units: ClassVar[dict[str, str]] = {"acc": "g"}
    expected_files: ClassVar[str] = ""
    has_subjects: ClassVar[bool] = True
    requires_data_dir: ClassVar[bool] = True
    default_rate: ClassVar[float | None] = 30.0
    default_window_seconds: ClassVar[float | None] = 10.0

    def __init__(self) -> None:
        self.counts: Counter = Counter()

    # ----------------------------------------------------------------- to override
    def is_root(self, path: Path) -> bool:
        """Whether ``path`` is the folder the dataset's files are read from."""
        raise NotImplementedError

    def subjects(self, root: Path) -> list[str]:
        """All subject ids, in natural order (default: parse every recording)."""
        found = {rec.subject for rec in self.recordings(root, ("acc",))}
        return sorted(found, key=natural_key)

    def recordings(
        self, root: Path, channels: Sequence[str], subjects: Sequence[str] | None = None
    ) -> Iterator[Recording]:
        """Parse the files below ``root`` into recordings, one at a time.

        Parameters
        ----------
        root : Path
            Folder for which :meth:`is_root` is true.
        channels : sequence of str
            Sensors to read, a subset of :attr:`sensors`, in this order.
        subjects : sequence of str or None
            Only these subjects; None reads all.

        Yields
        ------
        Recording
        """
        raise NotImplementedError

    def native_window_seconds(self, root: Path) -> float | None:
        """Length of the dataset's own segments for pre-segmented datasets, else None."""
        return None

    # ------------------------------------------------------------------ shared
    def reset_counts(self) -> None:
        """Forget the counts of a previous parse."""
        self.counts = Counter()

    def check_channels(self, channels: Sequence[str]) -> tuple[str, ...]:
        """Validate requested sensors against :attr:`sensors`.

        Raises
        ------
        ValueError
            Naming the unsupported sensor and the supported ones.
        """
        channels = (channels,) if isinstance(channels, str) else tuple(channels)
        unknown = [c for c in channels if c not in self.sensors]
        if not channels or unknown:
            raise ValueError(
                f"dataset {self.name!r} provides sensors {self.sensors}; got channels="
                f"{channels!r}. Pass e.g. channels=('acc',)."
            )
        return channels

    def options(self) -> dict[str, Any]:
        """The keyword arguments this adapter was created with."""
        names = inspect.signature(type(self).__init__).parameters
        return {k: getattr(self, k) for k in names if k != "self" and hasattr(self, k)}

    def describe(self) -> dict[str, Any]:
        """Static facts for ``info``: citation, licence, rate, placement, sensor, units."""
        return {
            "name": self.name,
            "title": self.title,
            "citation": self.citation,
            "licence": self.licence,
            "homepage": self.homepage,
            "download_urls": [source.url for source in self.downloads],
            "original_rate": self.original_rate,
            "placement": self.placement,
            "sensor": self.sensor,
            "original_units": dict(self.stored_units),
            "subject_ids": self.has_subjects,
            "options": self.options(),
        }

    def locate(self, data_dir: str | Path) -> Path:
        """Find the dataset's folder: ``data_dir`` itself or a folder below it.

        Raises
        ------
        DatasetNotFoundError
            If ``data_dir`` does not exist or holds none of the expected files; the
            message lists what was expected and where to download it.
        """
        data_dir = Path(data_dir).expanduser()
        if not data_dir.is_dir():
            raise DatasetNotFoundError(
                f"data directory {data_dir} does not exist. Create it and put the "
                f"{self.title} files there ({self.expected_files}), download them from "
                f"{self._where()}, or pass download=True."
            )
        queue = deque([(data_dir, 0)])
        while queue:
            path, depth = queue.popleft()
            if self.is_root(path):
                return path
            if depth < SEARCH_DEPTH:
                try:
                    children = sorted(p for p in path.iterdir() if p.is_dir())
                except OSError:
                    continue
                queue.extend((c, depth + 1) for c in children if not c.name.startswith("."))
        raise DatasetNotFoundError(
            f"no {self.title} files found in {data_dir} (searched it and its subfolders "
            f"{SEARCH_DEPTH} levels deep). Expected: {self.expected_files}. Download them from "
            f"{self._where()} and unpack them there, or pass download=True."
        )

    def _where(self) -> str:
        urls = [source.url for source in self.downloads] or [self.homepage]
        return " and ".join(urls)

    def download(self, data_dir: str | Path) -> Path:
        """Fetch, verify and unpack the dataset into ``data_dir`` unless already there.

        Returns
        -------
        Path
            The dataset's folder (see :meth:`locate`).

        Raises
        ------
        DatasetDownloadError
            Offline, on an HTTP error, or when a checksum does not match.
        DatasetParameterError
            If a download's file name would place it outside ``data_dir``.
        """
        data_dir = Path(data_dir).expanduser()
        try:
            return self.locate(data_dir)
        except DatasetNotFoundError:
            pass
        names = [check_file_name(source.filename) for source in self.downloads]
        data_dir.mkdir(parents=True, exist_ok=True)
        for source, name in zip(self.downloads, names, strict=True):
            archive = fetch(source.url, data_dir / name, source.sha256)
            extract_all(archive, data_dir, nested=self.extract_nested_archives)
        root = self.locate(data_dir)
        verify_files(root, self.key_files_sha256)
        return root
