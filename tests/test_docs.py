"""The documentation's conventions: slow blocks, and code that matches the CLI it explains.

The blocks themselves run through sybil (see the repository's conftest.py).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser

import tsfm.benchmarking
from tsfm.benchmarking import BenchmarkData
from tsfm.cli import main

REPO_ROOT = Path(__file__).resolve().parents[1]
HAR_DOC = REPO_ROOT / "docs" / "har_benchmark.md"


def python_blocks(path: Path) -> list[str]:
    """Source of every Python block of a Markdown file, in order."""
    document = Sybil([PythonCodeBlockParser()]).parse(path)
    return [str(example.parsed) for example in document.examples()]


def har_from_python_block() -> str:
    (block,) = [b for b in python_blocks(HAR_DOC) if "run_benchmark(" in b]
    return block


def toy_data(name: str) -> BenchmarkData:
    """12 windows of 4 subjects, or (``uea:*``) the same with an archive train/test split."""
    rng = np.random.default_rng(0)
    y = np.array(["rest", "walk"] * 6)
    groups = np.repeat(["s1", "s2", "s3", "s4"], 3)
    split = np.array(["train", "test"] * 6) if name.startswith("uea:") else None
    return BenchmarkData(name=name, X=rng.normal(size=(12, 3, 30)), y=y, groups=groups,
                         split=split)


@pytest.fixture
def spy(monkeypatch):
    """Record what load_benchmark_data and run_benchmark receive, without running anything."""
    calls = []

    def load(name, data_dir=None, **options):
        calls.append(("load", name, str(data_dir), options))
        return toy_data(name)

    def run(data, methods, config, out_dir):
        calls.append(("run", data.name, [m.name for m in methods], config, Path(out_dir)))
        return "result"

    def report(result, out_dir, *, command="", figures=True):
        calls.append(("report", Path(out_dir), figures))
        return {"summary": Path(out_dir) / "summary.md"}

    monkeypatch.setattr(tsfm.benchmarking, "load_benchmark_data", load)
    monkeypatch.setattr(tsfm.benchmarking, "run_benchmark", run)
    monkeypatch.setattr(tsfm.benchmarking, "write_report", report)
    return calls


@pytest.mark.parametrize(("dataset", "data_dir"), [
    ("hapt", "../shared/data/UCI_HAPT"),
    ("uea:RacketSports", "../shared/data/UEA_motion"),  # one archive split: 3 seeds, patch 3
])
def test_har_python_block_configures_the_same_run_as_the_cli(spy, dataset, data_dir,
                                                             tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the CLI checks (and may create) its --out folder
    block = har_from_python_block()
    line = 'dataset, data_dir, out = "hapt", "../shared/data/UCI_HAPT", "results/hapt/"'
    assert line in block
    exec(block.replace(line, f"dataset, data_dir, out = {dataset!r}, {data_dir!r}, 'results/x/'"),
         {})
    from_python = spy[:]
    spy.clear()
    assert main(["bench", "har", "--dataset", dataset, "--data-dir", data_dir, "--quick",
                 "--out", "results/x/"]) == 0
    assert from_python == spy
    config = spy[1][3]
    if dataset.startswith("uea:"):
        assert (config.seeds, config.patch_size) == ((0, 1, 2), 3)


def run_collection(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:randomly",
         str(HAR_DOC), *args], cwd=REPO_ROOT, capture_output=True, text=True, check=False,
    )
    return result.stdout


def test_a_block_marked_slow_is_left_out_by_default():
    line = HAR_DOC.read_text().splitlines().index("<!-- slow -->") + 2  # the block's fence
    assert f"har_benchmark.md::line:{line}," not in run_collection()
    assert f"har_benchmark.md::line:{line}," in run_collection("-m", "slow")
