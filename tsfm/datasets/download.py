"""Fetching archives over HTTP, verifying checksums and unpacking them safely.

This is the only module of :mod:`tsfm.datasets` that touches the network, and only
when a user passes ``download=True``.
"""

from __future__ import annotations

import hashlib
import tarfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from tsfm.datasets.errors import DatasetDownloadError

_CHUNK = 1 << 20


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def fetch(url: str, destination: Path, sha256: str | None = None, timeout: float = 60.0) -> Path:
    """Download ``url`` to ``destination``, verifying its SHA-256 when one is given.

    The file is written to ``destination`` + ``.part`` and renamed only once complete
    and verified, so an interrupted download never looks finished.

    Raises
    ------
    DatasetDownloadError
        When the URL cannot be reached (for example offline) or the checksum differs.
    """
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".part")
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(partial, "wb") as out:
            while chunk := response.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
    except (urllib.error.URLError, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise DatasetDownloadError(
            f"could not download {url} ({type(exc).__name__}: {exc}). If this machine is "
            f"offline, download that file on another machine and unpack it into "
            f"{destination.parent}, then load without download=True."
        ) from exc
    if sha256 is not None and digest.hexdigest() != sha256.lower():
        partial.unlink(missing_ok=True)
        raise DatasetDownloadError(
            f"checksum mismatch for {url}: expected sha256 {sha256}, got "
            f"{digest.hexdigest()}. The file was deleted; the source may have changed or "
            "the transfer was corrupted."
        )
    partial.replace(destination)
    return destination


def _check_member(root: Path, name: str) -> None:
    target = (root / name).resolve()
    if root.resolve() not in (target, *target.parents):
        raise DatasetDownloadError(f"archive member {name!r} would be written outside {root}")


def extract(archive: Path, destination: Path) -> list[Path]:
    """Unpack a ``.zip``, ``.tar``, ``.tar.gz`` or ``.tgz`` archive into ``destination``.

    Returns
    -------
    list of Path
        The files it unpacked.

    Raises
    ------
    DatasetDownloadError
        If the archive format is unknown, or a member would escape ``destination``.
    """
    archive, destination = Path(archive), Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:
            names = [info.filename for info in zf.infolist() if not info.is_dir()]
            for name in names:
                _check_member(destination, name)
            zf.extractall(destination)
    elif tarfile.is_tarfile(archive):
        with tarfile.open(archive) as tf:
            members = tf.getmembers()
            for member in members:
                _check_member(destination, member.name)
            tf.extractall(destination, filter="data")
            names = [m.name for m in members if m.isfile()]
    else:
        raise DatasetDownloadError(f"{archive} is neither a zip nor a tar archive")
    return [destination / name for name in names]


def _is_archive(path: Path) -> bool:
    return path.suffix == ".zip" or path.name.endswith((".tar.gz", ".tgz", ".tar"))


def extract_all(archive: Path, destination: Path, nested: bool = True) -> list[Path]:
    """Unpack ``archive`` and, if ``nested``, every archive it contained, recursively.

    Only archives that came out of ``archive`` are unpacked, never other files that
    happen to lie in ``destination``. Nested archives are unpacked next to themselves.

    Returns
    -------
    list of Path
        Every file unpacked, at any depth.
    """
    files = extract(archive, destination)
    if not nested:
        return files
    out = []
    for path in files:
        out.append(path)
        if _is_archive(path):
            out += extract_all(path, path.parent, nested=True)
    return out


def verify_files(root: Path, checksums: dict[str, str]) -> None:
    """Check the SHA-256 of files below ``root``.

    Parameters
    ----------
    root : Path
    checksums : dict
        Path relative to ``root`` -> expected hex SHA-256.

    Raises
    ------
    DatasetDownloadError
        Listing every missing file and every mismatch.
    """
    problems = []
    for relative, expected in checksums.items():
        path = Path(root) / relative
        if not path.is_file():
            problems.append(f"missing {relative}")
        elif sha256_file(path) != expected:
            problems.append(f"sha256 mismatch for {relative}")
    if problems:
        raise DatasetDownloadError(
            f"verification of the files in {root} failed: " + "; ".join(problems)
        )
