"""Reading a JSON file that may come from anyone: bounded in size and nesting depth.

Python's parser recurses once per nesting level, so a document of ``[[[[…]]]]`` 10^5
levels deep raises ``RecursionError`` rather than a parse error; a huge file would be
read into memory whole. :func:`read_json` turns both, and every other defect, into a
:class:`tsfm.exceptions.CheckpointError` that names the file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tsfm.exceptions import CheckpointError

#: largest accepted configuration file (a 10,000-channel normalisation takes ~0.5 MB)
MAX_JSON_BYTES = 16 * 2**20
#: deepest accepted nesting of objects and arrays (tsfm writes at most 4 levels)
MAX_JSON_DEPTH = 32


def json_depth(value: Any) -> int:
    """Nesting depth of a parsed JSON value, without recursion.

    A scalar has depth 0, ``[1]`` and ``{}`` depth 1, ``[[1]]`` depth 2.
    """
    deepest = 0
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth + 1)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def read_json(path: Path, *, fix: str) -> Any:
    """Parse the JSON file at ``path``.

    Parameters
    ----------
    path : Path
    fix : str
        What to do about a bad file, appended to error messages (e.g. "re-create it
        with save_pretrained").

    Returns
    -------
    The parsed value (any JSON type).

    Raises
    ------
    tsfm.exceptions.CheckpointError
        If the file is larger than :data:`MAX_JSON_BYTES`, not UTF-8 JSON, or nested
        deeper than :data:`MAX_JSON_DEPTH`.
    """
    size = path.stat().st_size
    if size > MAX_JSON_BYTES:
        raise CheckpointError(
            f"{str(path)!r} is {size:,} bytes, more than a tsfm configuration can be "
            f"({MAX_JSON_BYTES:,}); it is not a tsfm file, {fix}"
        )
    try:
        value = json.loads(path.read_bytes().decode("utf-8"))
    except RecursionError:
        raise CheckpointError(
            f"{str(path)!r} nests arrays or objects too deeply to parse (at most "
            f"{MAX_JSON_DEPTH} levels are allowed); {fix}"
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CheckpointError(
            f"corrupt {path.name} in {str(path.parent)!r}: {exc}; {fix}"
        ) from None
    depth = json_depth(value)
    if depth > MAX_JSON_DEPTH:
        raise CheckpointError(
            f"{str(path)!r} nests arrays or objects {depth} levels deep, more than the "
            f"{MAX_JSON_DEPTH} allowed; {fix}"
        )
    return value
