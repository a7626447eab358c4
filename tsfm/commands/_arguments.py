"""argparse types and pre-flight checks shared by the ``tsfm`` subcommands.

A ``type=`` callable rejects a bad value while the command line is parsed, before
any data is loaded or a model trained; argparse then prints
``tsfm <command>: error: argument --x: <message>`` and exits with status 2.
Checks that need more than one argument, or the machine (is CUDA there?), belong in
each command's pre-flight function, which raises the ordinary tsfm errors.
"""

from __future__ import annotations

import argparse
from pathlib import Path


class IntAtLeast:
    """argparse type: an integer no smaller than ``minimum``.

    Parameters
    ----------
    minimum : int
    """

    def __init__(self, minimum: int):
        self.minimum = minimum

    def __call__(self, text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < self.minimum:
            wanted = {0: "a non-negative integer", 1: "a positive integer"}.get(
                self.minimum, f"an integer >= {self.minimum}"
            )
            raise argparse.ArgumentTypeError(f"must be {wanted}, got {text!r}")
        return value

    def __repr__(self) -> str:
        return f"IntAtLeast({self.minimum})"


positive_int = IntAtLeast(1)
non_negative_int = IntAtLeast(0)


def _nearest_existing(path: Path) -> Path | None:
    """``path`` or its closest ancestor that exists; None if none does."""
    return next((p for p in (path, *path.parents) if p.exists()), None)


def output_dir(text: str) -> Path:
    """argparse type: a directory to write into, existing or not.

    Rejects a path that is an existing file, or lies below one.
    """
    path = Path(text).expanduser()
    existing = _nearest_existing(path)
    if existing is not None and not existing.is_dir():
        where = "is" if existing == path else f"lies below {str(existing)!r}, which is"
        raise argparse.ArgumentTypeError(
            f"{text!r} {where} an existing file, not a directory; pass a directory path"
        )
    return path


class OutputFile:
    """argparse type: a file to write, whose parent may not exist yet.

    Parameters
    ----------
    suffix : str or None
        The suffix the file name must end in (e.g. ``".npy"``); None accepts any.
    """

    def __init__(self, suffix: str | None = None):
        self.suffix = suffix

    def __call__(self, text: str) -> Path:
        path = Path(text).expanduser()
        if self.suffix is not None and path.suffix != self.suffix:
            raise argparse.ArgumentTypeError(
                f"must be a file name ending in {self.suffix}, got {text!r}"
            )
        if path.is_dir():
            raise argparse.ArgumentTypeError(
                f"{text!r} is an existing directory; pass a file path inside it"
            )
        existing = _nearest_existing(path.parent)
        if existing is not None and not existing.is_dir():
            raise argparse.ArgumentTypeError(
                f"{text!r} lies below {str(existing)!r}, which is a file, not a directory"
            )
        return path

    def __repr__(self) -> str:
        return f"OutputFile({self.suffix!r})"


def existing_file(text: str) -> Path:
    """argparse type: a file that exists."""
    path = Path(text).expanduser()
    if not path.is_file():
        state = "is a directory" if path.is_dir() else "does not exist"
        raise argparse.ArgumentTypeError(f"{text!r} {state}; pass an existing file")
    return path


def check_device(device: str) -> str:
    """Resolve ``--device`` now, so that a missing GPU is reported before any work.

    Raises
    ------
    ValueError
        For a malformed device, or CUDA asked for on a machine without it.
    """
    from tsfm.estimators._base import resolve_device

    return resolve_device(device)
