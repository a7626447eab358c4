"""Exceptions raised while finding, downloading and windowing datasets.

Each derives from :class:`tsfm.exceptions.TsfmError` and from the built-in exception a
user expects (``FileNotFoundError`` for missing data, ``ValueError`` for a bad value).
"""

from __future__ import annotations

from tsfm.exceptions import TsfmError


class DatasetNotFoundError(TsfmError, FileNotFoundError):
    """The data directory is missing, or holds none of the files an adapter expects.

    The message names the directory, lists the expected files and says where to
    download them.
    """


class DatasetDownloadError(TsfmError, OSError):
    """A download failed (offline, HTTP error) or its checksum did not match."""


class WindowTooLongError(TsfmError, ValueError):
    """The requested window is longer than every (gap-free) recording of the dataset."""


class DatasetParameterError(TsfmError, ValueError, TypeError):
    """An argument of ``load_dataset``, ``build_corpus`` or an adapter option is invalid.

    A :class:`ValueError` and a :class:`TypeError` at once (like scikit-learn's
    ``InvalidParameterError``), so either ``except`` clause catches it. The message
    names the parameter, the value given and the valid range.
    """


class ShardError(TsfmError, ValueError):
    """A shard of a shard directory is missing, truncated, or not what the manifest says.

    The message names the shard file and says how to re-create the directory; training
    never goes on with the other shards alone.
    """
