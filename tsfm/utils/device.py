"""The ``device`` parameter of every estimator: ``"auto"``, ``"cpu"``, ``"cuda"``…"""

from __future__ import annotations

import numpy as np
import torch

from tsfm.exceptions import ConfigError


def resolve_device(device: str) -> str:
    """Resolve a ``device`` parameter to a torch device string.

    Parameters
    ----------
    device : str
        ``"auto"`` picks CUDA when available, else the CPU; anything else must parse
        as a torch device that exists on this machine.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        For an unknown device, or CUDA asked for where there is none.
    """
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    try:
        parsed = torch.device(device)
    except (RuntimeError, TypeError):
        raise ValueError(
            f"device must be 'auto', 'cpu', 'cuda' or 'cuda:N', got {device!r}"
        ) from None
    if parsed.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was asked for but CUDA is not available; "
            "use device='auto' or 'cpu'"
        )
    return str(parsed)


#: the ``precision`` values of training: float32, bfloat16 or float16 autocast
PRECISIONS = ("fp32", "bf16", "fp16")


def check_precision(precision) -> str:
    """Check a ``precision`` parameter: ``"fp32"``, ``"bf16"`` or ``"fp16"`` (autocast).

    Raises
    ------
    tsfm.exceptions.ConfigError
        For anything else.
    """
    if not isinstance(precision, str) or precision not in PRECISIONS:
        raise ConfigError(
            "precision must be 'fp32', 'bf16' (bfloat16 autocast) or 'fp16' (float16 "
            f"autocast with gradient scaling), got {precision!r}"
        )
    return precision


def check_compile(compile) -> bool:
    """Check a ``compile`` parameter: a bool (numpy bools included).

    Raises
    ------
    tsfm.exceptions.ConfigError
        For anything else, e.g. the string ``"yes"``.
    """
    if not isinstance(compile, bool | np.bool_):
        raise ConfigError(f"compile must be True or False, got {compile!r}")
    return bool(compile)
