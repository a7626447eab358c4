"""Model directories: a JSON config plus safetensors weights. Nothing is unpickled.

Writing is atomic: both files are written into a temporary directory beside the target,
which is then renamed into place (an existing model directory is swapped out whole), so
a crash never leaves new weights beside an old config. Reading checks the files' size,
JSON nesting, and the weights' names, shapes, dtypes and finiteness; the configuration
itself is validated by the caller's schema (see :mod:`tsfm.io.flowfm_config`) before
any network is built.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from tsfm.exceptions import CheckpointError
from tsfm.io.atomic import atomic_directory
from tsfm.io.json_file import read_json

#: file names of a FlowFM model directory (written by ``save_pretrained``)
CONFIG_NAME = "config.json"
WEIGHTS_NAME = "model.safetensors"

__all__ = [
    "CONFIG_NAME",
    "WEIGHTS_NAME",
    "CheckpointError",
    "load_weights",
    "read_config",
    "read_weights",
    "save_model_dir",
]


def _write_config(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _kept_files(path: Path, names: set[str]) -> list[Path]:
    """The files of an existing ``path`` to carry into its replacement.

    Nothing is replaced but a new or empty directory, or a model directory (one that
    holds both model files); the latter's other top-level files (a model card, plots)
    are kept. Anything else is refused, so that a mistyped path never swaps out, say, a
    home directory.
    """
    if not path.exists():
        return []
    if not path.is_dir():
        raise FileExistsError(
            f"{str(path)!r} exists and is not a directory; save the model to a new path"
        )
    items = list(path.iterdir())
    others = sorted(item for item in items if item.name not in names)
    if others and not all((path / name).is_file() for name in names):
        raise FileExistsError(
            f"refusing to replace {str(path)!r}: it is not a model directory (it lacks "
            f"{sorted(names)}) and holds other files ({[p.name for p in others[:5]]}); save "
            "the model to a new or empty directory"
        )
    folders = [item.name for item in others if not item.is_file() or item.is_symlink()]
    if folders:
        raise FileExistsError(
            f"refusing to replace the model directory {str(path)!r}: it holds folders or "
            f"links ({folders[:5]}) that saving would have to move; move them out first"
        )
    return others


def _carry(files: list[Path], staging: Path) -> None:
    """Hard-link (or else copy) ``files`` into ``staging``, a sibling directory."""
    for item in files:
        try:
            os.link(item, staging / item.name)
        except OSError:
            shutil.copy2(item, staging / item.name)


def save_model_dir(
    directory,
    *,
    config: dict[str, Any],
    state_dict: dict[str, torch.Tensor],
    config_name: str = CONFIG_NAME,
    weights_name: str = WEIGHTS_NAME,
    metadata: dict[str, str] | None = None,
) -> Path:
    """Write ``config_name`` and ``weights_name`` into ``directory`` atomically.

    Parameters
    ----------
    directory : str or Path
        Created if missing. An existing model directory (one holding both files) is
        replaced as a whole, keeping its other top-level files (a model card, plots);
        a non-empty directory that is not a model directory is refused.
    config : dict
        JSON-serialisable configuration (strict JSON: no NaN or infinity).
    state_dict : dict of str to tensor
        Weights; moved to the CPU before writing.
    config_name, weights_name : str
        File names.
    metadata : dict of str to str, optional
        Stored in the safetensors header.

    Returns
    -------
    Path

    Raises
    ------
    FileExistsError
        If ``directory`` exists and is neither empty nor a model directory, or holds
        sub-folders.
    """
    path = Path(directory)
    text = json.dumps(config, indent=2, allow_nan=False)  # fails before touching the disk
    tensors = {key: value.detach().cpu().contiguous() for key, value in state_dict.items()}
    kept = _kept_files(path, {config_name, weights_name})
    with atomic_directory(path) as staging:
        _carry(kept, staging)
        save_file(tensors, staging / weights_name, metadata=metadata)
        _write_config(staging / config_name, text)
    return path


def _expect_files(path: Path, names: tuple[str, ...], *, kind: str, writer: str) -> None:
    expected = f"{' and '.join(names)} (written by {writer})"
    if not path.is_dir():
        raise CheckpointError(
            f"{kind} directory {str(path)!r} does not exist; expected {expected}"
        )
    missing = [name for name in names if not (path / name).is_file()]
    if missing:
        raise CheckpointError(
            f"{str(path)!r} is not a {kind} directory: missing {missing}; expected {expected}"
        )


def read_config(
    directory,
    *,
    config_name: str = CONFIG_NAME,
    weights_name: str = WEIGHTS_NAME,
    kind: str = "tsfm model",
    writer: str = "save_pretrained",
) -> Any:
    """Check that both files exist and parse the config safely (see :func:`read_json`).

    Parameters
    ----------
    directory : str or Path
    config_name, weights_name : str
    kind : str
        What the directory holds, for messages.
    writer : str
        The method that writes such directories, for messages.

    Returns
    -------
    The parsed JSON value; the caller validates it.

    Raises
    ------
    tsfm.exceptions.CheckpointError
    """
    path = Path(directory)
    _expect_files(path, (config_name, weights_name), kind=kind, writer=writer)
    return read_json(path / config_name, fix=f"re-create it with {writer}")


def read_weights(
    directory,
    *,
    weights_name: str = WEIGHTS_NAME,
    kind: str = "tsfm model",
    writer: str = "save_pretrained",
) -> dict[str, torch.Tensor]:
    """Load the safetensors weights onto the CPU.

    Raises
    ------
    tsfm.exceptions.CheckpointError
        If the file is not valid safetensors.
    """
    path = Path(directory) / weights_name
    try:
        return load_file(path, device="cpu")
    except (SafetensorError, OSError, ValueError) as exc:
        raise CheckpointError(
            f"corrupt {kind}: weights file {str(path)!r} is not valid safetensors ({exc}); "
            f"re-create it with {writer}"
        ) from None


def _weight_problems(expected: dict[str, torch.Tensor], given: dict[str, torch.Tensor]):
    missing = sorted(set(expected) - set(given))
    unexpected = sorted(set(given) - set(expected))
    common = [key for key in expected if key in given]
    shapes = [
        f"{key}: file {tuple(given[key].shape)} vs config {tuple(expected[key].shape)}"
        for key in common
        if given[key].shape != expected[key].shape
    ]
    dtypes = [
        f"{key}: file {given[key].dtype} vs model {expected[key].dtype}"
        for key in common
        if given[key].dtype != expected[key].dtype
    ]
    non_finite = [
        key
        for key in common
        if given[key].is_floating_point() and not bool(torch.isfinite(given[key]).all())
    ]
    for label, items in (
        ("missing weights", missing),
        ("unexpected weights", unexpected),
        ("size mismatches", shapes),
        ("dtype mismatches", dtypes),
        ("NaN or inf values in", non_finite),
    ):
        if items:
            yield f"{label} {items[:3]} ({len(items)} in all)"


def load_weights(
    module: torch.nn.Module, state_dict: dict, *, source, writer: str = "save_pretrained"
) -> None:
    """Load ``state_dict`` into ``module`` strictly, after checking every tensor.

    Names, shapes and dtypes must match the module's own state dict exactly (nothing
    is cast), and floating-point tensors must be finite.

    Raises
    ------
    tsfm.exceptions.CheckpointError
        Naming the offending tensors.
    """
    problems = list(_weight_problems(module.state_dict(), state_dict))
    if problems:
        raise CheckpointError(
            f"weights in {str(source)!r} do not match the model in its config: "
            f"{'; '.join(problems)}. The files were probably damaged or mixed from "
            f"different models; re-create them with {writer}"
        )
    module.load_state_dict(state_dict, strict=True)
