"""Model size presets and the routing of ``encoder__*`` / ``velocity__*`` overrides."""

from __future__ import annotations

from typing import Any

from tsfm.plugins import get_plugin
from tsfm.training.augmentation import check_augmentation

#: Architecture of each preset. ``encoder`` is the ViT-1D representation encoder,
#: ``velocity`` the DiT-1D velocity network. Patch size 10 is a third of a second at
#: the paper's 30 Hz.
PRESETS: dict[str, dict[str, dict[str, Any]]] = {
    "tiny": {
        "encoder": {"depth": 2, "width": 64, "heads": 4, "patch_size": 10},
        "velocity": {"depth": 2, "width": 64, "heads": 4, "patch_size": 10},
    },
    "small": {
        "encoder": {"depth": 4, "width": 128, "heads": 4, "patch_size": 10},
        "velocity": {"depth": 4, "width": 128, "heads": 4, "patch_size": 10},
    },
    "base": {
        "encoder": {"depth": 8, "width": 256, "heads": 8, "patch_size": 10},
        "velocity": {"depth": 8, "width": 256, "heads": 8, "patch_size": 10},
    },
}

DEFAULTS: dict[str, dict[str, Any]] = {
    "encoder": {"mlp_ratio": 4.0, "dropout": 0.0, "pooling": "mean"},
    "velocity": {"mlp_ratio": 4.0, "dropout": 0.0},
}

ROUTED_PREFIXES = tuple(f"{part}__" for part in DEFAULTS)


def split_overrides(params: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Group ``encoder__depth=2``-style keys into ``{"encoder": {"depth": 2}}``."""
    grouped: dict[str, dict[str, Any]] = {part: {} for part in DEFAULTS}
    for key, value in params.items():
        part, _, field = key.partition("__")
        grouped[part][field] = value
    return grouped


def resolve_conditioner(conditioner: str, mask_prob: float) -> str:
    """``"auto"`` means DGS when representations are masked, plain conditioning otherwise."""
    if conditioner == "auto":
        return "dgs" if mask_prob > 0 else "representation"
    return conditioner


def build_config(
    *,
    model: str,
    overrides: dict[str, Any],
    n_channels: int,
    n_timepoints: int,
    generator: str,
    conditioner: str,
    mask_prob: float,
    generator_params: dict[str, Any] | None = None,
    parts: tuple[str, ...] = ("encoder", "velocity"),
    augmentation: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Assemble and validate a model configuration.

    Parameters
    ----------
    model : {"tiny", "small", "base"}
    overrides : dict
        ``encoder__<field>`` / ``velocity__<field>`` keys overriding the preset.
    n_channels, n_timepoints : int
        Shape of the training series.
    generator, conditioner : str
        Plugin names; ``conditioner="auto"`` is resolved here.
    mask_prob : float
        DGS masking probability.
    generator_params : dict, optional
    parts : tuple of str, default=("encoder", "velocity")
        Networks to configure; a classifier needs only the encoder.
    augmentation : dict, optional
        Training-time augmentation (see :func:`tsfm.training.augmentation.check_augmentation`).

    Returns
    -------
    dict
        JSON-serialisable configuration accepted by :class:`tsfm.nn.FlowFMModule`.
    """
    if model not in PRESETS:
        raise ValueError(f"unknown model preset {model!r}; valid presets: {sorted(PRESETS)}")
    if not isinstance(mask_prob, int | float) or not 0.0 <= mask_prob < 1.0:
        raise ValueError(f"mask_prob must be a number in [0, 1), got {mask_prob!r}")
    conditioner = resolve_conditioner(conditioner, mask_prob)
    get_plugin("generator", generator)  # fail early, listing the installed names
    get_plugin("conditioner", conditioner)
    config: dict[str, Any] = {
        "n_channels": int(n_channels),
        "n_timepoints": int(n_timepoints),
        "generator": generator,
        "generator_params": dict(generator_params or {}),
        "conditioner": conditioner,
        "mask_prob": float(mask_prob),
        "augmentation": check_augmentation(augmentation),
    }
    grouped = split_overrides(overrides)
    stray = [part for part, fields in grouped.items() if fields and part not in parts]
    if stray:
        raise ValueError(f"overrides for {stray} are not used here; only {list(parts)} apply")
    for part in parts:
        fields = grouped[part]
        unknown = set(fields) - set(PRESETS[model][part]) - set(DEFAULTS[part])
        if unknown:
            valid = sorted({*PRESETS[model][part], *DEFAULTS[part]})
            raise ValueError(
                f"unknown {part} parameter(s) {sorted(unknown)}; valid {part}__ parameters: "
                f"{valid}"
            )
        config[part] = {**DEFAULTS[part], **PRESETS[model][part], **fields}
        _check_part(part, config[part], n_timepoints)
    return config


def _check_part(part: str, cfg: dict[str, Any], n_timepoints: int) -> None:
    for field in ("depth", "width", "heads", "patch_size"):
        value = cfg[field]
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{part}__{field} must be a positive integer, got {value!r}")
    if cfg["width"] % cfg["heads"]:
        raise ValueError(
            f"{part}__width={cfg['width']} must be divisible by {part}__heads={cfg['heads']}"
        )
    if n_timepoints < cfg["patch_size"]:
        raise ValueError(
            f"series of {n_timepoints} timepoints are shorter than one patch "
            f"({part}__patch_size={cfg['patch_size']}); use longer windows or set "
            f"{part}__patch_size to at most {n_timepoints}"
        )
