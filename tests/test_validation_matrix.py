"""docs/validation.md's matrix of entry point x bad input, checked cell by cell.

The table is parsed from the documentation; every cell that is not ``n/a`` calls the
entry point with a generated input and checks the outcome: ``ok`` (returns, with
finite output) or the named exception (the raised class or one of its bases).
"""

from __future__ import annotations

import json
import re
import shutil
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file, save_file
from scipy import sparse

from tsfm import FlowFMClassifier, FlowFMPretrainer, FlowFMSignalGenerator, FlowFMTransformer
from tsfm.datasets import load_dataset

DOC = Path(__file__).resolve().parents[1] / "docs" / "validation.md"
PATCH = {"patch_size": 8}
TINY = {"model": "tiny", "device": "cpu", "max_epochs": 1, "random_state": 0, "batch_size": 8,
        "encoder": PATCH, "velocity": PATCH}
TINY_CLASSIFIER = {k: v for k, v in TINY.items() if k != "velocity"}


# -- the table ------------------------------------------------------------------------
def read_matrix(path: Path = DOC) -> dict[str, dict[str, str]]:
    """``{entry point: {input kind: cell}}`` from the table under "## The matrix"."""
    lines = path.read_text().split("## The matrix", 1)[1].strip().splitlines()
    rows = lines[: next((i for i, line in enumerate(lines) if not line.startswith("|")),
                        len(lines))]
    table = [[cell.strip().strip("`") for cell in row.strip("|").split("|")] for row in rows]
    header, body = table[0], table[2:]  # table[1] is the |---| line
    matrix = {}
    for row in body:
        if len(row) != len(header):
            raise ValueError(f"row {row[0]!r} of {path} has {len(row)} cells, not {len(header)}")
        matrix[row[0]] = dict(zip(header[1:], row[1:], strict=True))
    return matrix


MATRIX = read_matrix()


# -- the inputs -----------------------------------------------------------------------
def _panel() -> np.ndarray:
    return np.random.default_rng(0).normal(size=(8, 3, 40)).astype(np.float32)


def _with(value: float) -> np.ndarray:
    X = _panel()
    X[1, 2, 3] = value
    return X


PANELS: dict[str, Callable[[], object]] = {
    "valid": _panel,
    "NaN": lambda: _with(np.nan),
    "inf": lambda: _with(np.inf),
    "1e30": lambda: _panel() * 1e30,
    "wrong ndim": lambda: _panel()[..., np.newaxis],
    "empty": lambda: _panel()[:0],
    "wrong channels": lambda: np.concatenate([_panel(), _panel()[:, :1]], axis=1),
    "too short": lambda: _panel()[:, :, :5],
    "non-numeric": lambda: _panel().astype(str),
    "complex": lambda: _panel().astype(np.complex64),
    "sparse": lambda: sparse.csr_matrix(_panel()[:, 0]),
}


def _edit_weights(directory: Path, edit) -> Path:
    weights = load_file(directory / "model.safetensors")
    name = next(k for k, v in weights.items() if v.is_floating_point() and v.numel() > 1)
    weights[name] = edit(weights[name].clone())
    save_file(weights, directory / "model.safetensors")
    return directory


def _set_first(value: float):
    def edit(tensor: torch.Tensor) -> torch.Tensor:
        tensor.view(-1)[0] = value
        return tensor
    return edit


def _edit_config(directory: Path, edit) -> Path:
    path = directory / "config.json"
    config = json.loads(path.read_text())
    edit(config)
    path.write_text(json.dumps(config))
    return directory


def _raise_channels(config: dict) -> None:
    config["model"]["n_channels"] += 1


def _stringify_normalisation(config: dict) -> None:
    for key, values in config["normalization"].items():
        config["normalization"][key] = [str(v) for v in values]


def _truncate(directory: Path) -> Path:
    path = directory / "model.safetensors"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return directory


def _empty(directory: Path) -> Path:
    shutil.rmtree(directory)
    directory.mkdir()
    return directory


#: kind -> edit of a copy of a saved model directory
DIRECTORIES: dict[str, Callable[[Path], Path]] = {
    "valid": lambda d: d,
    "NaN": lambda d: _edit_weights(d, _set_first(float("nan"))),
    "inf": lambda d: _edit_weights(d, _set_first(float("inf"))),
    "wrong ndim": lambda d: _edit_weights(d, lambda t: t.unsqueeze(0)),
    "empty": _empty,
    "wrong channels": lambda d: _edit_config(d, _raise_channels),
    "too short": _truncate,
    "non-numeric": lambda d: _edit_config(d, _stringify_normalisation),
}

#: kind -> keyword arguments of load_dataset("basic_motions", ...)
DATASET_ARGS: dict[str, Callable[[Path], dict]] = {
    "valid": lambda tmp: {},
    "NaN": lambda tmp: {"rate": float("nan")},
    "inf": lambda tmp: {"window_seconds": float("inf")},
    "1e30": lambda tmp: {"rate": 1e30},
    "empty": lambda tmp: {"name": "uea:BasicMotions", "data_dir": tmp},
    "wrong channels": lambda tmp: {"channels": ("gyro",)},
    "too short": lambda tmp: {"window_seconds": 20.0},
    "non-numeric": lambda tmp: {"rate": "fast"},
    "complex": lambda tmp: {"rate": 1j},
}


# -- the entry points -----------------------------------------------------------------
@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """Tiny fitted models, fitted once for the whole module."""
    X, y = _panel(), np.array([0, 1] * 4)
    pre = FlowFMPretrainer(**TINY).fit(X)
    directory = pre.save_pretrained(tmp_path_factory.mktemp("model") / "tiny")
    return {
        "X": X, "y": y, "pre": pre, "directory": directory,
        "emb": FlowFMTransformer(pretrained=pre).fit(X),
        "clf": FlowFMClassifier(**TINY_CLASSIFIER).fit(X, y),
        "gen": FlowFMSignalGenerator(pretrained=pre, solver="euler", steps=2).fit(),
    }


def _labels(X, y) -> np.ndarray:
    return np.resize(y, X.shape[0])


def _copy(models, tmp_path) -> Path:
    return Path(shutil.copytree(models["directory"], tmp_path / "model"))


#: entry point -> (input makers by kind, call(models, input, tmp_path))
ENTRY_POINTS = {
    "FlowFMPretrainer.fit": (PANELS, lambda m, X, _: FlowFMPretrainer(**TINY).fit(X)),
    "FlowFMPretrainer.embed": (PANELS, lambda m, X, _: m["pre"].embed(X)),
    "FlowFMPretrainer.from_pretrained": (
        DIRECTORIES,
        lambda m, edit, tmp: FlowFMPretrainer.from_pretrained(edit(_copy(m, tmp)), device="cpu"),
    ),
    "FlowFMTransformer.fit": (PANELS, lambda m, X, _: FlowFMTransformer(**TINY).fit(X)),
    "FlowFMTransformer.transform": (PANELS, lambda m, X, _: m["emb"].transform(X)),
    "FlowFMClassifier.fit": (
        PANELS, lambda m, X, _: FlowFMClassifier(**TINY_CLASSIFIER).fit(X, _labels(X, m["y"]))
    ),
    "FlowFMClassifier.predict": (PANELS, lambda m, X, _: m["clf"].predict(X)),
    "FlowFMClassifier.predict_proba": (PANELS, lambda m, X, _: m["clf"].predict_proba(X)),
    "FlowFMSignalGenerator.fit": (
        PANELS, lambda m, X, _: FlowFMSignalGenerator(pretrained=m["pre"]).fit(X)
    ),
    "FlowFMSignalGenerator.sample": (
        PANELS, lambda m, X, _: m["gen"].sample(max(X.shape[0], 1), condition=X, random_state=0)
    ),
    "tsfm.datasets.load_dataset": (
        DATASET_ARGS,
        lambda m, make, tmp: load_dataset(**{"name": "basic_motions", **make(tmp)}),
    ),
}


# -- the checks -----------------------------------------------------------------------
def test_the_table_lists_every_entry_point_and_input_kind():
    assert list(MATRIX) == list(ENTRY_POINTS)
    for entry, cells in MATRIX.items():
        assert list(cells) == list(PANELS), entry


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_a_cell_is_n_a_exactly_where_the_kind_has_no_input(entry):
    makers = ENTRY_POINTS[entry][0]
    not_applicable = {kind for kind, cell in MATRIX[entry].items() if cell == "n/a"}
    assert not_applicable == set(PANELS) - set(makers)


def _cells():
    for entry, cells in MATRIX.items():
        for kind, expected in cells.items():
            if expected != "n/a":
                yield pytest.param(entry, kind, expected, id=f"{entry}-{kind}")


def _finite(result) -> bool:
    arrays = result if isinstance(result, tuple) else (result,)
    return all(np.isfinite(a).all() for a in arrays
               if isinstance(a, np.ndarray) and a.dtype.kind in "fc")


@pytest.mark.parametrize(("entry", "kind", "expected"), _cells())
def test_cell(models, tmp_path, entry, kind, expected):
    makers, call = ENTRY_POINTS[entry]
    made = makers[kind]
    argument = made if entry in ("FlowFMPretrainer.from_pretrained",
                                 "tsfm.datasets.load_dataset") else made()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = call(models, argument, tmp_path)
    except Exception as exc:  # noqa: BLE001 - the class is the point of the check
        raised = [cls.__name__ for cls in type(exc).__mro__]
        assert expected in raised, (
            f"{entry} with {kind} input raised {type(exc).__name__} ({exc}); the table says "
            f"{expected}"
        )
        assert re.search(r"\w", str(exc)), "the error message is empty"
        return
    assert expected == "ok", f"{entry} with {kind} input returned; the table says {expected}"
    assert _finite(result), f"{entry} with {kind} input returned NaN or inf"
