"""Fetching dataset archives with pooch: checksums, safe unpacking, clear errors.

This is the only module of :mod:`tsfm.datasets` that touches the network, and only
when a user passes ``download=True``. :func:`pooch.retrieve` downloads to a temporary
file and moves it into place only once complete and, where a SHA-256 is pinned,
verified; :class:`pooch.Unzip` and :class:`pooch.Untar` unpack.
"""

from __future__ import annotations

import tarfile
import warnings
import zipfile
from pathlib import Path

import pooch
import requests

from tsfm.datasets.errors import DatasetDownloadError, DatasetParameterError


class UnverifiedDownloadWarning(UserWarning):
    """An archive was fetched over plain http without a pinned checksum."""


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file."""
    return pooch.file_hash(str(path), alg="sha256")


def check_file_name(name: str) -> str:
    """``name`` if it is a plain file name that stays inside its folder.

    Raises
    ------
    DatasetParameterError
        For a name with a path separator, ``.`` or ``..``, or an empty name.
    """
    if not name or name in (".", "..") or Path(name).name != name or "\\" in name:
        raise DatasetParameterError(
            f"download file name {name!r} is not a plain file name: it would be written "
            "outside data_dir. Use a name without '/', '\\\\' or '..'"
        )
    return name


def fetch(url: str, destination: str | Path, sha256: str | None = None) -> Path:
    """Download ``url`` to ``destination`` with :func:`pooch.retrieve`, checking its SHA-256.

    Nothing is downloaded when ``destination`` already exists with the pinned checksum
    (or exists and no checksum is pinned).

    Parameters
    ----------
    url : str
    destination : str or Path
        Where the file goes.
    sha256 : str, optional
        Expected hex SHA-256. ``None`` where the publisher states none: then a plain
        ``http://`` URL warns with :class:`UnverifiedDownloadWarning`.

    Returns
    -------
    Path
        ``destination``.

    Raises
    ------
    DatasetDownloadError
        When the URL cannot be reached (for example offline) or the checksum differs;
        nothing is left at ``destination`` then.
    """
    destination = Path(destination)
    if sha256 is None and url.startswith("http://"):
        warnings.warn(
            f"{url} is served over plain http and no checksum is pinned for it, so the "
            "download cannot be verified; compare it with the publisher's copy",
            UnverifiedDownloadWarning,
            stacklevel=2,
        )
    try:
        path = pooch.retrieve(
            url,
            known_hash=None if sha256 is None else f"sha256:{sha256.lower()}",
            fname=destination.name,
            path=destination.parent,
        )
    except ValueError as exc:
        if "hash" not in str(exc):  # pooch: "SHA256 hash of downloaded file ... does not match"
            raise DatasetDownloadError(f"could not download {url}: {exc}") from exc
        raise DatasetDownloadError(
            f"checksum mismatch for {url}: {exc} The download was discarded; the source may "
            "have changed or the transfer was corrupted. Try again, or report it if it persists."
        ) from exc
    except (requests.exceptions.RequestException, OSError) as exc:
        raise DatasetDownloadError(
            f"could not download {url} ({type(exc).__name__}: {exc}). If this machine is "
            f"offline, download that file on another machine and unpack it into "
            f"{destination.parent}, then load without download=True."
        ) from exc
    return Path(path)


def _members(archive: Path) -> tuple[list[str], type[pooch.processors.ExtractorProcessor]]:
    """Names of the files in ``archive`` and the pooch processor that unpacks it."""
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:
            return [info.filename for info in zf.infolist() if not info.is_dir()], pooch.Unzip
    if tarfile.is_tarfile(archive):
        with tarfile.open(archive) as tf:
            return [m.name for m in tf.getmembers() if m.isfile()], pooch.Untar
    raise DatasetDownloadError(f"{archive} is neither a zip nor a tar archive")


def extract(archive: str | Path, destination: str | Path) -> list[Path]:
    """Unpack a ``.zip``, ``.tar``, ``.tar.gz`` or ``.tgz`` archive into ``destination``.

    Returns
    -------
    list of Path
        The files of this archive, unpacked (not other files in ``destination``).

    Raises
    ------
    DatasetDownloadError
        If the archive format is unknown, or a member would land outside
        ``destination`` (then nothing is unpacked).
    """
    archive, destination = Path(archive), Path(destination)
    names, processor = _members(archive)
    root = destination.resolve()
    for name in names:
        target = (root / name).resolve()
        if root not in (target, *target.parents):
            raise DatasetDownloadError(
                f"archive member {name!r} of {archive.name} would be written outside "
                f"{destination}; the archive was not unpacked"
            )
    processor(extract_dir=str(root))(str(archive.resolve()), "download", None)
    return [destination / name for name in names]


def _is_archive(path: Path) -> bool:
    return path.suffix == ".zip" or path.name.endswith((".tar.gz", ".tgz", ".tar"))


def extract_all(archive: str | Path, destination: str | Path, nested: bool = True) -> list[Path]:
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


def verify_files(root: str | Path, checksums: dict[str, str]) -> None:
    """Check the SHA-256 of files below ``root``.

    Parameters
    ----------
    root : str or Path
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
