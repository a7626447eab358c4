"""The ``tsfm`` command line: argument checks before any work, one-line errors, plugins."""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from plugin_env import on_sys_path, write_distribution

import tsfm.cli
from tsfm.cli import build_parser, main
from tsfm.commands.demo import output_directory
from tsfm.exceptions import TsfmError
from tsfm.plugins import PluginLoadError


@pytest.fixture
def no_demo_work(monkeypatch):
    """Make loading the demo's data fail loudly: a rejected argument must stop earlier."""

    def load_demo_data(*args, **kwargs):
        raise AssertionError("the demo loaded its data before checking its arguments")

    monkeypatch.setattr("tsfm.commands.demo.load_demo_data", load_demo_data)


@pytest.fixture
def no_bench_work(monkeypatch):
    """Make loading the benchmark's data fail loudly."""

    def load_benchmark_data(*args, **kwargs):
        raise AssertionError("the benchmark loaded its data before checking its arguments")

    monkeypatch.setattr("tsfm.benchmarking.load_benchmark_data", load_benchmark_data)


@pytest.fixture
def no_cuda(monkeypatch):
    monkeypatch.setattr("torch.cuda.is_available", lambda: False)


def test_help_returns_zero_instead_of_raising_system_exit(capsys):
    assert main(["--help"]) == 0
    assert "usage: tsfm" in capsys.readouterr().out


def test_every_subcommand_is_registered():
    subparsers = next(a for a in build_parser()._actions
                      if isinstance(a, argparse._SubParsersAction))
    assert {"bench", "demo", "generate", "plugins", "prepare"} <= set(subparsers.choices)


@pytest.mark.parametrize("error", [
    FileExistsError("[Errno 17] File exists: 'x'"),
    NotADirectoryError("[Errno 20] Not a directory: 'x/y'"),
    PluginLoadError("tsfm plugin 'p' failed to load"),
    TsfmError("a tsfm error"),
])
def test_user_errors_are_reported_in_one_line_with_status_2(error, monkeypatch, capsys):
    def failing(args):
        raise error

    def parser() -> argparse.ArgumentParser:
        root = argparse.ArgumentParser(prog="tsfm")
        sub = root.add_subparsers(dest="command", required=True)
        sub.add_parser("fail").set_defaults(func=failing)
        return root

    monkeypatch.setattr(tsfm.cli, "build_parser", parser)
    assert main(["fail"]) == 2
    assert capsys.readouterr().err == f"tsfm fail: error: {error}\n"


def test_an_unexpected_error_keeps_its_traceback(monkeypatch):
    def failing(args):
        raise KeyError("a bug")

    def parser() -> argparse.ArgumentParser:
        root = argparse.ArgumentParser(prog="tsfm")
        root.add_subparsers(dest="command").add_parser("fail").set_defaults(func=failing)
        return root

    monkeypatch.setattr(tsfm.cli, "build_parser", parser)
    with pytest.raises(KeyError, match="a bug"):
        main(["fail"])


# --- demo -------------------------------------------------------------------------------


def test_demo_rejects_patch_size_zero_while_parsing(no_demo_work, capsys):
    assert main(["demo", "--patch-size", "0"]) == 2
    err = capsys.readouterr().err
    assert "tsfm demo: error: argument --patch-size: must be a positive integer, got '0'" in err


def test_demo_rejects_an_unknown_model_preset_while_parsing(no_demo_work, capsys):
    assert main(["demo", "--model", "huge"]) == 2
    assert "argument --model: invalid choice: 'huge'" in capsys.readouterr().err


def test_demo_rejects_an_existing_file_as_output_directory(no_demo_work, tmp_path, capsys):
    (tmp_path / "taken").write_text("")
    assert main(["demo", "--out", str(tmp_path / "taken")]) == 2
    err = capsys.readouterr().err
    assert f"argument --out: '{tmp_path / 'taken'}' is an existing file, not a directory" in err


def test_demo_rejects_an_output_directory_below_a_file(no_demo_work, tmp_path, capsys):
    (tmp_path / "taken").write_text("")
    assert main(["demo", "--out", str(tmp_path / "taken" / "sub")]) == 2
    assert "lies below" in capsys.readouterr().err


def test_demo_rejects_cuda_on_a_machine_without_it_before_loading_data(
    no_demo_work, no_cuda, capsys
):
    assert main(["demo", "--device", "cuda"]) == 2
    assert capsys.readouterr().err == (
        "tsfm demo: error: device='cuda' was asked for but CUDA is not available; "
        "use device='auto' or 'cpu'\n")


def test_demo_rejects_an_unknown_dataset_before_loading_data(no_demo_work, capsys):
    assert main(["demo", "--dataset", "nope"]) == 2
    assert capsys.readouterr().err.startswith(
        "tsfm demo: error: unknown dataset 'nope'; available datasets: 'adl'")


def test_demo_writes_into_a_new_temporary_directory_by_default():
    assert build_parser().parse_args(["demo"]).out is None
    first, second = output_directory(None), output_directory(None)
    assert first != second
    assert first.parent == Path(tempfile.gettempdir()) and first.name.startswith("tsfm-demo-")
    assert first.is_dir() and not any(first.iterdir())
    assert output_directory(Path("mine")) == Path("mine")
    first.rmdir()
    second.rmdir()


# --- bench ------------------------------------------------------------------------------


def bench(tmp_path: Path, *extra: str) -> int:
    return main(["bench", "har", "--dataset", "basic_motions", "--out", str(tmp_path / "b"),
                 *extra])


def test_bench_rejects_threads_zero_while_parsing(no_bench_work, tmp_path, capsys):
    assert bench(tmp_path, "--threads", "0") == 2
    assert "argument --threads: must be a positive integer, got '0'" in capsys.readouterr().err


def test_bench_rejects_a_single_fold_while_parsing(no_bench_work, tmp_path, capsys):
    assert bench(tmp_path, "--folds", "1") == 2
    assert "argument --folds: must be an integer >= 2, got '1'" in capsys.readouterr().err


def test_bench_rejects_negative_seeds_while_parsing(no_bench_work, tmp_path, capsys):
    assert bench(tmp_path, "--seeds", "0,-1") == 2
    assert "--seeds must be comma-separated non-negative integers" in capsys.readouterr().err


def test_bench_rejects_an_unknown_model_preset_while_parsing(no_bench_work, tmp_path, capsys):
    assert bench(tmp_path, "--model", "huge") == 2
    assert "argument --model: invalid choice: 'huge'" in capsys.readouterr().err


def test_bench_rejects_an_existing_file_as_output_directory(no_bench_work, tmp_path, capsys):
    (tmp_path / "taken").write_text("")
    assert main(["bench", "har", "--dataset", "basic_motions", "--out",
                 str(tmp_path / "taken")]) == 2
    assert "is an existing file, not a directory" in capsys.readouterr().err


def test_bench_rejects_cuda_on_a_machine_without_it_before_loading_data(
    no_bench_work, no_cuda, tmp_path, capsys
):
    assert bench(tmp_path, "--device", "cuda") == 2
    assert "tsfm bench: error: device='cuda' was asked for but CUDA is not available" in (
        capsys.readouterr().err)


# --- plugins ----------------------------------------------------------------------------


def test_plugins_prints_a_table_of_every_kind(capsys):
    assert main(["plugins"]) == 0
    header, *rows = capsys.readouterr().out.splitlines()
    assert header.split() == ["name", "kind", "distribution", "version", "summary"]
    cells = {tuple(row.split()[:3]) for row in rows}
    assert ("flow_matching", "objective", "tsfm") in cells
    assert ("dgs", "conditioner", "tsfm") in cells
    assert ("basic_motions", "dataset", "tsfm") in cells


def test_plugins_lists_one_kind(capsys):
    assert main(["plugins", "--kind", "objective"]) == 0
    rows = capsys.readouterr().out.splitlines()[1:]
    assert [row.split()[:2] for row in rows] == [["diffusion", "objective"],
                                                 ["flow_matching", "objective"]]


def test_plugins_reports_a_broken_plugin_in_strict_mode_in_one_line(
    tmp_path, monkeypatch, capsys
):
    write_distribution(tmp_path, "tsfm-broken", "1.0", {"broken": "tsfm_no_such_module_xyz"})
    monkeypatch.setenv("TSFM_STRICT_PLUGINS", "1")
    with on_sys_path(tmp_path):
        assert main(["plugins"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tsfm plugins: error: tsfm plugin 'broken'")
    assert err.count("\n") == 1


def test_import_and_the_command_line_parser_do_not_load_torch():
    heavy = ("torch", "skorch", "transformers", "sktime", "sklearn", "scipy", "pandas")
    code = ("import sys, tsfm; from tsfm.cli import build_parser; build_parser(); "
            f"print(sorted(m for m in {heavy!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_corpus_names_of_the_parser_match_the_corpora():
    from tsfm.datasets.corpus import CORPORA
    from tsfm.datasets.corpus_names import CORPUS_NAMES

    assert CORPUS_NAMES == tuple(sorted(CORPORA))
