"""Run the Python blocks of README.md and docs/*.md as tests, with sybil.

Conventions for documentation authors:

- Every fenced ``python`` block runs, in order, in one namespace per file (so with
  pytest-xdist use ``--dist loadfile``), from a fresh temporary working directory
  (so ``"my-model/"`` is written there). A
  ``shared`` folder beside it links to ``../shared`` when that exists, so paths such as
  ``"../shared/data/UCI_HAPT"`` work as they do from the repository root.
- Blocks in other languages (``bash``, ``toml``, output tables) are not run.
- Prefer blocks that define their own small data, so that a reader can copy them.
  Settings in blocks must stay small: all blocks together run in under a minute.
- ``<!-- slow -->`` on the line before a block marks it ``slow``: it runs only with
  ``python -m pytest -m slow`` (for full benchmarks and other long runs).
- ``<!-- skip: next "reason" -->`` (sybil's own directive) never runs the next block;
  use it only for blocks that cannot run here, e.g. ones that need another package.
  ``<!-- skip: next if(shared_data_missing, reason="needs ../shared/data/...") -->``
  skips a block that reads the real datasets where ``../shared/data`` is absent.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from sybil import Sybil
from sybil.integration.pytest import SybilItem
from sybil.parsers.markdown import PythonCodeBlockParser, SkipParser

REPO_ROOT = Path(__file__).resolve().parent
SHARED = REPO_ROOT.parent / "shared"
#: the HTML comment that marks the next block as slow
SLOW_MARKER = "<!-- slow -->"


def _setup(namespace: dict) -> None:
    """Enter a fresh working directory with ``../shared`` linked beside it; one torch thread."""
    import torch

    root = Path(tempfile.mkdtemp(prefix="tsfm-docs-"))
    work = root / "work"
    work.mkdir()
    if SHARED.is_dir():
        (root / "shared").symlink_to(SHARED, target_is_directory=True)
    namespace["shared_data_missing"] = not (SHARED / "data").is_dir()
    namespace["__docs_state__"] = (os.getcwd(), root, torch.get_num_threads())
    torch.set_num_threads(1)
    os.chdir(work)


def _teardown(namespace: dict) -> None:
    import torch

    cwd, root, threads = namespace.pop("__docs_state__")
    os.chdir(cwd)
    torch.set_num_threads(threads)
    shutil.rmtree(root, ignore_errors=True)


class _DocsSybil(Sybil):
    """Sybil for README.md and the top level of docs/ (docs/datasets/ is not run)."""

    def should_parse(self, path: Path) -> bool:
        path = Path(path).resolve()
        return path == REPO_ROOT / "README.md" or (
            path.parent == REPO_ROOT / "docs" and path.suffix == ".md"
        )


pytest_collect_file = _DocsSybil(
    parsers=[PythonCodeBlockParser(), SkipParser()],
    setup=_setup,
    teardown=_teardown,
).pytest()


def is_slow(item: SybilItem) -> bool:
    """Whether the block of a sybil item follows a ``<!-- slow -->`` line."""
    before = item.example.document.text[: item.example.start].rstrip()
    return before.endswith(SLOW_MARKER)


@pytest.hookimpl(tryfirst=True)  # before pytest's own -m selection sees the items
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if isinstance(item, SybilItem) and is_slow(item):
            item.add_marker(pytest.mark.slow)
