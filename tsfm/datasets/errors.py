"""Exceptions raised while finding, downloading and windowing datasets."""

from __future__ import annotations


class DatasetNotFoundError(FileNotFoundError):
    """The data directory is missing, or holds none of the files an adapter expects.

    The message names the directory, lists the expected files and says where to
    download them.
    """


class DatasetDownloadError(OSError):
    """A download failed (offline, HTTP error) or its checksum did not match."""


class WindowTooLongError(ValueError):
    """The requested window is longer than every (gap-free) recording of the dataset."""
