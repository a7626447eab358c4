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


def write_generator_module(site: Path, module: str, generator_names: list[str]) -> Path:
    """Write ``<module>.py`` registering one trivial generator class per name.

    Each class is called ``Fake<i>`` and its docstring names the module, so a test can
    tell which plugin won.
    """
    classes = "".join(
        f"class Fake{i}(Objective):\n    \"\"\"Fake generator from {module}.\"\"\"\n\n"
        f"    name = {name!r}\n\n\n"
        for i, name in enumerate(generator_names)
    )
    listed = ", ".join(f"Fake{i}" for i in range(len(generator_names)))
    path = site / f"{module}.py"
    path.write_text(
        "from tsfm.generative.objective import Objective\n"
        "from tsfm.plugins.hookspecs import hookimpl\n\n\n"
        f"{classes}@hookimpl\ndef tsfm_register_objectives():\n    return [{listed}]\n"
    )
    return path


@contextlib.contextmanager
def on_sys_path(*paths: Path) -> Iterator[None]:
    """Put ``paths`` on sys.path and rediscover plugins; undo both afterwards.

    Modules imported from ``paths`` are forgotten afterwards, so the next test can
    reuse a module name with other contents.
    """
    sys.path[:0] = [str(p) for p in paths]
    reload_plugins()
    try:
        yield
    finally:
        for p in paths:
            sys.path.remove(str(p))
        roots = tuple(str(p) for p in paths)
        for name, module in list(sys.modules.items()):
            if (getattr(module, "__file__", None) or "").startswith(roots):
                del sys.modules[name]
        reload_plugins()
