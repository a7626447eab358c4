"""Safe model files: a JSON config plus safetensors weights. Nothing is unpickled."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

CONFIG_NAME = "config.json"
WEIGHTS_NAME = "model.safetensors"
FORMAT = "tsfm.flowfm"
FORMAT_VERSION = 1


class CheckpointError(ValueError):
    """A model directory is missing, corrupt, or does not match the model."""


def save_checkpoint(directory, *, config: dict[str, Any], state_dict: dict) -> Path:
    """Write ``config.json`` and ``model.safetensors`` into ``directory``.

    Parameters
    ----------
    directory : str or Path
        Created if missing.
    config : dict
        JSON-serialisable configuration (model, normalisation, estimator params).
    state_dict : dict of str to tensor
        Module weights; moved to CPU before writing.

    Returns
    -------
    Path
    """
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    tensors = {key: value.detach().cpu().contiguous() for key, value in state_dict.items()}
    save_file(tensors, path / WEIGHTS_NAME, metadata={"format": FORMAT})
    payload = {"format": FORMAT, "format_version": FORMAT_VERSION, **config}
    (path / CONFIG_NAME).write_text(json.dumps(payload, indent=2))
    return path


def load_checkpoint(directory) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    """Read a directory written by :func:`save_checkpoint`; tensors land on the CPU.

    Raises
    ------
    CheckpointError
        If a file is missing, not valid JSON or safetensors, or of another format.
    """
    path = Path(directory)
    expected = f"{CONFIG_NAME} and {WEIGHTS_NAME} (written by save_pretrained)"
    if not path.is_dir():
        raise CheckpointError(f"model directory {str(path)!r} does not exist; expected {expected}")
    missing = [name for name in (CONFIG_NAME, WEIGHTS_NAME) if not (path / name).is_file()]
    if missing:
        raise CheckpointError(
            f"{str(path)!r} is not a tsfm model directory: missing {missing}; expected {expected}"
        )
    try:
        config = json.loads((path / CONFIG_NAME).read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CheckpointError(
            f"corrupt {CONFIG_NAME} in {str(path)!r}: {exc}; re-create it with save_pretrained"
        ) from None
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise CheckpointError(
            f"{str(path / CONFIG_NAME)!r} is not a tsfm model config (format "
            f"{config.get('format') if isinstance(config, dict) else None!r}, expected {FORMAT!r})"
        )
    if config.get("format_version", 0) > FORMAT_VERSION:
        raise CheckpointError(
            f"{str(path)!r} was written by a newer tsfm (format version "
            f"{config['format_version']} > {FORMAT_VERSION}); upgrade tsfm to load it"
        )
    try:
        state_dict = load_file(path / WEIGHTS_NAME, device="cpu")
    except (SafetensorError, OSError, ValueError) as exc:
        raise CheckpointError(
            f"corrupt weights file {str(path / WEIGHTS_NAME)!r}: {exc}; re-create it with "
            "save_pretrained"
        ) from None
    return config, state_dict


def load_weights(module: torch.nn.Module, state_dict: dict, *, source) -> None:
    """Load ``state_dict`` into ``module`` strictly, raising a readable mismatch error."""
    expected = module.state_dict()
    problems = []
    missing = sorted(set(expected) - set(state_dict))
    unexpected = sorted(set(state_dict) - set(expected))
    shapes = [
        f"{key}: file {tuple(state_dict[key].shape)} vs config {tuple(value.shape)}"
        for key, value in expected.items()
        if key in state_dict and state_dict[key].shape != value.shape
    ]
    if missing:
        problems.append(f"missing weights {missing[:3]} ({len(missing)} in all)")
    if unexpected:
        problems.append(f"unexpected weights {unexpected[:3]} ({len(unexpected)} in all)")
    if shapes:
        problems.append(f"size mismatches {shapes[:3]} ({len(shapes)} in all)")
    if problems:
        raise CheckpointError(
            f"weights in {str(source)!r} do not match the model in its config: "
            f"{'; '.join(problems)}. The files were probably mixed from different models; "
            "re-create them with save_pretrained"
        )
    module.load_state_dict(state_dict, strict=True)
