"""Helpers that register fake or example distributions for plugin tests.

A distribution is made visible to ``importlib.metadata`` by writing its
``*.dist-info`` folder (METADATA and entry_points.txt) into a directory on
``sys.path``, which is exactly what pip leaves behind after an install.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

from tsfm.plugins import reload_plugins


def write_distribution(
    site: Path, name: str, version: str, entry_points: dict[str, str]
) -> Path:
    """Write ``<name>-<version>.dist-info`` with the given ``tsfm`` entry points."""
    dist_info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    )
    lines = ["[tsfm]"] + [f"{key} = {value}" for key, value in entry_points.items()]
    (dist_info / "entry_points.txt").write_text("\n".join(lines) + "\n")
    return dist_info


@contextlib.contextmanager
def on_sys_path(*paths: Path) -> Iterator[None]:
    """Put ``paths`` on sys.path and rediscover plugins; undo both afterwards."""
    sys.path[:0] = [str(p) for p in paths]
    reload_plugins()
    try:
        yield
    finally:
        for p in paths:
            sys.path.remove(str(p))
        reload_plugins()
