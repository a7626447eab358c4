"""The ``device`` parameter of every estimator: ``"auto"``, ``"cpu"``, ``"cuda"``…"""

from __future__ import annotations

import torch


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
