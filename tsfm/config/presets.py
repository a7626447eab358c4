"""Model size presets: the depth, width and heads of the encoder and velocity network.

The patch size is not part of a preset: it depends on the series length and defaults
to ``"auto"`` (see :func:`tsfm.config.patch_size.auto_patch_size`).
"""

from __future__ import annotations

#: Architecture of each preset. ``encoder`` is the ViT-1D representation encoder,
#: ``velocity`` the DiT-1D velocity network.
PRESETS: dict[str, dict[str, dict[str, int]]] = {
    "tiny": {
        "encoder": {"depth": 2, "width": 64, "heads": 4},
        "velocity": {"depth": 2, "width": 64, "heads": 4},
    },
    "small": {
        "encoder": {"depth": 4, "width": 128, "heads": 4},
        "velocity": {"depth": 4, "width": 128, "heads": 4},
    },
    "base": {
        "encoder": {"depth": 8, "width": 256, "heads": 8},
        "velocity": {"depth": 8, "width": 256, "heads": 8},
    },
}


def check_preset(model: str) -> str:
    """Return ``model`` if it names a preset.

    Raises
    ------
    ValueError
        Naming the valid presets.
    """
    if model not in PRESETS:
        raise ValueError(f"unknown model preset {model!r}; valid presets: {sorted(PRESETS)}")
    return model
