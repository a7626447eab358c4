"""Reading numeric text tables line by line, skipping and counting malformed lines.

A malformed line (wrong number of fields, a field that is not a number, a line cut
short by truncation) is never merged with its neighbours: it is dropped, and counted.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd


@dataclass
class Table:
    """Rows parsed from a text file.

    Attributes
    ----------
    values : ndarray of shape (n_rows, n_columns), float64
        One row per well-formed line; ``NaN`` where the file says ``NaN``.
    line_numbers : ndarray of shape (n_rows,), int
        1-based line number of each row in the file.
    malformed : int
        Non-empty lines skipped because they were malformed.
    examples : list of str
        Up to three of the skipped lines, for error messages.
    """

    values: np.ndarray
    line_numbers: np.ndarray
    malformed: int = 0
    examples: list[str] = field(default_factory=list)


def _split(line: str, separator: str | None, terminator: str | None) -> list[str]:
    line = line.strip()
    if terminator and line.endswith(terminator):
        line = line[: -len(terminator)]
    return line.split(separator)


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def parse_lines(
    lines: list[str],
    n_columns: int,
    separator: str | None = None,
    terminator: str | None = None,
    numeric: tuple[int, ...] | None = None,
) -> tuple[list[list[str]], list[int], int, list[str]]:
    """Split lines into fields, keeping only those with exactly ``n_columns`` fields.

    Parameters
    ----------
    lines : list of str
    n_columns : int
    separator : str or None
        Field separator; None splits on runs of whitespace.
    terminator : str or None
        A record terminator to strip from the end of each line (``";"`` in WISDM).
    numeric : tuple of int or None
        Columns that must parse as numbers; None means all of them.

    Returns
    -------
    rows : list of list of str
    line_numbers : list of int
        1-based numbers of the kept lines.
    malformed : int
    examples : list of str
    """
    rows, numbers, examples = [], [], []
    malformed = 0
    check = range(n_columns) if numeric is None else numeric
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        tokens = [t.strip() for t in _split(line, separator, terminator)]
        if len(tokens) != n_columns or not all(tokens[i] and _is_number(tokens[i]) for i in check):
            malformed += 1
            if len(examples) < 3:
                examples.append(f"line {number}: {line.strip()[:80]!r}")
            continue
        rows.append(tokens)
        numbers.append(number)
    return rows, numbers, malformed, examples


def _fields_per_line(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Whitespace-separated field count of every line, vectorised.

    Returns
    -------
    counts : ndarray of shape (n_lines,)
    numbers : ndarray of shape (n_lines,)
        1-based line numbers.
    """
    buf = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(buf == 10)
    blank = (buf <= 32)  # space, tab, CR, LF and other control bytes
    starts = np.flatnonzero(~blank[1:] & blank[:-1]) + 1
    if buf.size and not blank[0]:
        starts = np.concatenate([[0], starts])
    n_lines = newlines.size + (1 if buf.size and buf[-1] != 10 else 0)
    counts = np.bincount(np.searchsorted(newlines, starts), minlength=n_lines)
    return counts, np.arange(1, n_lines + 1)


def read_numeric_table(
    path: str | Path,
    n_columns: int,
    separator: str | None = None,
    terminator: str | None = None,
) -> Table:
    """Read a text file of numbers, one record per line.

    Whitespace-separated files whose every non-blank line has ``n_columns`` numeric
    fields take a fast path (a vectorised field count, then pandas' C parser);
    anything else is parsed line by line, skipping and counting malformed lines.

    Parameters
    ----------
    path : str or Path
    n_columns : int
        The number of fields of a well-formed line.
    separator : str or None
        None splits on whitespace (HMP, HAPT, PAMAP2, Opportunity, UCI-HAR).
    terminator : str or None
        Stripped from the end of each line.

    Returns
    -------
    Table
    """
    data = Path(path).read_bytes()
    if separator is None and terminator is None:
        counts, numbers = _fields_per_line(data)
        filled = counts > 0
        if filled.any() and (counts[filled] == n_columns).all():
            try:
                frame = pd.read_csv(
                    io.BytesIO(data), sep=r"\s+", header=None, dtype=np.float64, engine="c"
                )
            except (ValueError, pd.errors.ParserError):
                frame = None
            if frame is not None and frame.shape == (int(filled.sum()), n_columns):
                return Table(frame.to_numpy(), numbers[filled].astype(np.int64))
    lines = data.decode("utf-8", errors="replace").splitlines()
    rows, kept, malformed, examples = parse_lines(lines, n_columns, separator, terminator)
    values = np.array(rows, dtype=np.float64).reshape(len(rows), n_columns)
    return Table(values, np.array(kept, dtype=np.int64), malformed, examples)


def rows_on_line_grid(table: Table) -> np.ndarray:
    """Rows placed at their line positions, NaN rows where a line was malformed or blank.

    For files with one sample per line, a skipped line is a missing sample: keeping
    its place (as NaN) stops its neighbours from being merged, and the shared gap
    handling interpolates or cuts it.

    Returns
    -------
    ndarray of shape (last_line - first_line + 1, n_columns), float64
    """
    if len(table.line_numbers) == 0:
        return table.values
    offsets = table.line_numbers - table.line_numbers[0]
    grid = np.full((int(offsets[-1]) + 1, table.values.shape[1]), np.nan)
    grid[offsets] = table.values
    return grid
