"""``.npy`` shards for corpora too large for memory (Capture-24).

Layout of a shard directory::

    manifest.json          # format version, shapes, shard list, dataset info
    X-00000.npy            # float32 (n_windows_in_shard, n_channels, n_timepoints)
    metadata-00000.csv     # one row per window of that shard
    ...

Written by :func:`write_shards` (``tsfm prepare``), read by :class:`ShardDataset`.
Training and :func:`channel_stats` read windows with ``os.pread`` rather than through
memory maps: the pages of a memory map that were read count towards the process's
resident memory until the kernel reclaims them, so it would grow with the corpus
(3.6 GB after one epoch over 1 M windows); read pages stay in the kernel's page cache.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch.utils.data
from sklearn.preprocessing import StandardScaler

from tsfm.datasets.errors import ShardError
from tsfm.datasets.windowing import WindowBatch

MANIFEST = "manifest.json"
FORMAT_VERSION = 1


def _write_shard(out_dir: Path, index: int, X: np.ndarray, metadata: pd.DataFrame) -> dict:
    x_name, meta_name = f"X-{index:05d}.npy", f"metadata-{index:05d}.csv"
    np.save(out_dir / x_name, np.ascontiguousarray(X, dtype=np.float32))
    metadata.to_csv(out_dir / meta_name, index=False)
    return {"file": x_name, "metadata": meta_name, "n_windows": int(len(X))}


def write_shards(
    batches: Iterable[WindowBatch],
    out_dir: str | Path,
    shard_size: int = 65536,
    info: dict[str, Any] | None = None,
) -> Path:
    """Write windows to ``.npy`` shards plus a JSON manifest, streaming.

    At most ``shard_size`` windows plus one batch are held in memory at a time.

    Parameters
    ----------
    batches : iterable of WindowBatch
        E.g. a :class:`~tsfm.datasets.loading.WindowStream`; each batch holds ``X`` of
        shape (n_windows, n_channels, n_timepoints) and one metadata row per window.
    out_dir : str or Path
        Created if needed; must not already hold a manifest.
    shard_size : int, default 65536
        Windows per shard (the last shard may hold fewer).
    info : dict, optional
        Dataset description stored in the manifest. If ``batches`` has an ``info()``
        method (a ``WindowStream``) and ``info`` is None, its result is stored.

    Returns
    -------
    Path
        The manifest file.

    Raises
    ------
    FileExistsError
        If ``out_dir`` already holds a manifest.
    ValueError
        If the batches disagree in window shape, or hold no window at all.
    """
    if shard_size < 1:
        raise ValueError(f"shard_size must be at least 1, got {shard_size}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if (out_dir / MANIFEST).exists():
        raise FileExistsError(
            f"{out_dir / MANIFEST} exists; choose an empty --out directory or delete it"
        )
    shards: list[dict] = []
    pending_X: list[np.ndarray] = []
    pending_meta: list[pd.DataFrame] = []
    pending = 0
    shape: tuple[int, int] | None = None
    classes: set[str] = set()
    subjects: set[str] = set()

    def flush(limit: int) -> None:
        nonlocal pending_X, pending_meta, pending
        X = np.concatenate(pending_X)
        meta = pd.concat(pending_meta, ignore_index=True)
        shards.append(_write_shard(out_dir, len(shards), X[:limit], meta.iloc[:limit]))
        pending_X, pending_meta = [X[limit:]], [meta.iloc[limit:]]
        pending = len(X) - limit

    for batch in batches:
        if not len(batch.X):
            continue
        if shape is None:
            shape = batch.X.shape[1:]
        elif batch.X.shape[1:] != shape:
            raise ValueError(f"window shape changed from {shape} to {batch.X.shape[1:]}")
        pending_X.append(batch.X)
        pending_meta.append(batch.metadata)
        pending += len(batch.X)
        classes.update(a for a in batch.metadata["activity"] if isinstance(a, str))
        subjects.update(s for s in batch.metadata["subject"] if isinstance(s, str))
        while pending >= shard_size:
            flush(shard_size)
    if pending:
        flush(pending)
    if shape is None:
        raise ValueError("no windows to write")
    if info is None and hasattr(batches, "info"):
        info = batches.info()
    manifest = {
        "format_version": FORMAT_VERSION,
        "n_windows": int(sum(s["n_windows"] for s in shards)),
        "n_channels": int(shape[0]),
        "n_timepoints": int(shape[1]),
        "dtype": "float32",
        "classes": sorted(classes),
        "n_subjects": len(subjects),
        "shards": shards,
        "info": info or {},
    }
    path = out_dir / MANIFEST
    path.write_text(json.dumps(manifest, indent=2, default=str))
    return path


class ShardDataset(torch.utils.data.Dataset):
    """Windows read lazily from a shard directory written by :func:`write_shards`.

    Parameters
    ----------
    path : str or Path
        The shard directory (or its ``manifest.json``).

    Attributes
    ----------
    manifest : dict
    n_channels, n_timepoints : int

    Examples
    --------
    >>> ds = ShardDataset("shards/capture24")  # doctest: +SKIP
    >>> ds[0].shape  # doctest: +SKIP
    (3, 300)
    """

    def __init__(self, path: str | Path) -> None:
        path = Path(path)
        self.root = path.parent if path.name == MANIFEST else path
        manifest_path = self.root / MANIFEST
        if not manifest_path.is_file():
            raise FileNotFoundError(
                f"{manifest_path} not found; create shards with `tsfm prepare <name> "
                f"--data-dir ... --out {self.root}`"
            )
        self.manifest = json.loads(manifest_path.read_text())
        self.n_channels = int(self.manifest["n_channels"])
        self.n_timepoints = int(self.manifest["n_timepoints"])
        sizes = [s["n_windows"] for s in self.manifest["shards"]]
        self._offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        self._arrays: list[np.ndarray | None] = [None] * len(sizes)
        self._files: list[Any] = [None] * len(sizes)
        self._data_offsets = [0] * len(sizes)
        self._metadata: pd.DataFrame | None = None
        for k in range(len(sizes)):
            self._check_shard(k)

    def _check_shard(self, k: int) -> None:
        """Check shard ``k``'s file against the manifest from its header and size alone.

        Raises
        ------
        tsfm.datasets.errors.ShardError
            If the file is missing, unreadable, truncated, or holds another shape or
            dtype than the manifest says.
        """
        entry = self.manifest["shards"][k]
        file = self.root / entry["file"]
        expected = (int(entry["n_windows"]), self.n_channels, self.n_timepoints)
        fix = (f"re-create the shard directory with `tsfm prepare ... --out {self.root}` "
               "(training on the other shards alone would silently drop its windows)")
        try:
            with open(file, "rb") as stream:
                version = np.lib.format.read_magic(stream)
                read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                               else np.lib.format.read_array_header_2_0)
                shape, fortran, dtype = read_header(stream)
                offset = stream.tell()
            size = file.stat().st_size
        except FileNotFoundError:
            raise ShardError(f"shard {k} ({file}) is missing; {fix}") from None
        except (OSError, ValueError) as exc:
            raise ShardError(f"shard {k} ({file}) is corrupt ({exc}); {fix}") from None
        if shape != expected or dtype != np.float32 or fortran:
            raise ShardError(
                f"shard {k} ({file}) holds {dtype} of shape {shape}, but the manifest says "
                f"float32 of shape {expected}; {fix}"
            )
        self._data_offsets[k] = offset
        needed = offset + int(np.prod(expected)) * 4
        if size < needed:
            raise ShardError(
                f"shard {k} ({file}) is truncated: {size} bytes where {needed} are "
                f"needed; {fix}"
            )

    def shard(self, k: int) -> np.ndarray:
        """Shard ``k`` as a read-only memory map of shape (n, n_channels, n_timepoints)."""
        if self._arrays[k] is None:
            file = self.root / self.manifest["shards"][k]["file"]
            self._arrays[k] = np.load(file, mmap_mode="r")
        return self._arrays[k]

    def read_rows(self, k: int, rows) -> np.ndarray:
        """Windows ``rows`` of shard ``k``, float32 of shape (len(rows), C, T).

        Read with ``os.pread`` (one call for an ascending run of rows, else one per
        row), not through a memory map, so that they do not stay in this process's
        resident memory.

        Raises
        ------
        tsfm.datasets.errors.ShardError
            If the file became shorter than the manifest says after it was opened.
        """
        rows = np.asarray(rows, dtype=np.int64).reshape(-1)
        out = np.empty((len(rows), self.n_channels, self.n_timepoints), dtype=np.float32)
        if not len(rows):
            return out
        if self._files[k] is None:
            self._files[k] = open(self.root / self.manifest["shards"][k]["file"], "rb",  # noqa: SIM115 (kept open for pread; closed with the dataset)
                                  buffering=0)
        size = out[0].nbytes
        run = rows[-1] - rows[0] + 1 == len(rows) and bool((np.diff(rows) == 1).all())
        pieces = [(0, rows[0], len(rows))] if run else [(j, r, 1) for j, r in enumerate(rows)]
        for j, row, count in pieces:
            data = os.pread(self._files[k].fileno(), count * size,
                            self._data_offsets[k] + int(row) * size)
            if len(data) != count * size:
                raise ShardError(
                    f"shard {k} ({self._files[k].name}) ended early: windows {row}-"
                    f"{row + count - 1} are missing; re-create the shard directory with "
                    f"`tsfm prepare ... --out {self.root}`")
            out[j : j + count] = np.frombuffer(data, dtype=np.float32).reshape(
                count, self.n_channels, self.n_timepoints)
        return out

    def __len__(self) -> int:
        return int(self._offsets[-1])

    def __getitem__(self, index: int) -> np.ndarray:
        """Window ``index`` as a float32 array of shape (n_channels, n_timepoints)."""
        n = len(self)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError(f"index {index} out of range for {n} windows")
        k = int(np.searchsorted(self._offsets, index, side="right") - 1)
        return self.read_rows(k, [index - self._offsets[k]])[0]

    def __getitems__(self, indices) -> np.ndarray:
        """Windows ``indices`` as one float32 array of shape (n, n_channels, n_timepoints).

        What a ``DataLoader`` calls for a whole batch (a sequence of its windows).
        """
        n = len(self)
        index = np.asarray(indices, dtype=np.int64).reshape(-1)
        index = np.where(index < 0, index + n, index)
        if index.size and not (0 <= index.min() and index.max() < n):
            bad = int(index[(index < 0) | (index >= n)][0])
            raise IndexError(f"index {bad} out of range for {n} windows")
        out = np.empty((len(index), self.n_channels, self.n_timepoints), dtype=np.float32)
        shard_of = np.searchsorted(self._offsets, index, side="right") - 1
        for k in np.unique(shard_of):
            where = np.flatnonzero(shard_of == k)
            out[where] = self.read_rows(int(k), index[where] - self._offsets[k])
        return out

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_arrays"] = [None] * len(self._arrays)  # memory maps reopen in each worker
        state["_files"] = [None] * len(self._files)  # and so do files
        return state

    @property
    def metadata(self) -> pd.DataFrame:
        """All windows' metadata (subject, activity, source, start_time...), read once."""
        if self._metadata is None:
            frames = [
                pd.read_csv(self.root / s["metadata"], dtype={"subject": str, "activity": str})
                for s in self.manifest["shards"]
            ]
            self._metadata = pd.concat(frames, ignore_index=True)
        return self._metadata

    @property
    def y(self) -> np.ndarray:
        """Activity label per window, ``None`` where unlabelled; shape (n_windows,)."""
        labels = self.metadata["activity"]
        return labels.astype(object).where(labels.notna(), None).to_numpy()

    @property
    def groups(self) -> np.ndarray:
        """Subject id per window; shape (n_windows,).

        In a corpus (metadata with a ``dataset`` column) the id is prefixed with the
        dataset, ``"hapt/1"``, so that subjects of different datasets never merge.
        """
        subjects = self.metadata["subject"]
        if "dataset" in self.metadata:
            subjects = self.metadata["dataset"] + "/" + subjects
        return subjects.to_numpy(dtype=object)


def channel_stats(
    dataset: torch.utils.data.Dataset, batch_size: int = 4096
) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel mean and standard deviation over all windows and time points, streaming.

    Parameters
    ----------
    dataset : torch Dataset
        Items are arrays of shape (n_channels, n_timepoints), e.g. a
        :class:`ShardDataset`; a ``ShardDataset`` is read shard by shard.
    batch_size : int, default 4096
        Windows per :meth:`sklearn.preprocessing.StandardScaler.partial_fit` call.

    Returns
    -------
    mean : ndarray of shape (n_channels,), float32
    scale : ndarray of shape (n_channels,), float32
        Standard deviation; 1 for a constant channel (as in ``StandardScaler``).
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    scaler = StandardScaler()

    def update(windows: np.ndarray) -> None:
        windows = np.asarray(windows, dtype=np.float64)
        scaler.partial_fit(windows.transpose(0, 2, 1).reshape(-1, windows.shape[1]))

    if isinstance(dataset, ShardDataset):
        for k, entry in enumerate(dataset.manifest["shards"]):
            size = int(entry["n_windows"])
            for start in range(0, size, batch_size):
                update(dataset.read_rows(k, np.arange(start, min(size, start + batch_size))))
    else:
        n = len(dataset)
        for start in range(0, n, batch_size):
            update(np.stack([dataset[i] for i in range(start, min(n, start + batch_size))]))
    if not hasattr(scaler, "mean_"):
        raise ValueError("channel_stats needs at least one window")
    return scaler.mean_.astype(np.float32), scaler.scale_.astype(np.float32)
