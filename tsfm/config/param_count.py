"""The parameter count a model configuration implies, computed without building it.

A configuration read from a model directory is untrusted: an encoder depth of 10^4
once took 25 s and 950 MB before anything failed. Counting the parameters of
:class:`tsfm.nn.ViT1D` and :class:`tsfm.nn.DiT1D` in closed form lets the schema reject
oversized models in microseconds. ``tests/test_config.py`` checks every formula
against the built modules.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tsfm.config.model_config import EncoderConfig, VelocityConfig

#: largest model (encoder plus velocity network) a configuration may describe; the
#: "base" preset has about 16 M on 6-channel, 300-sample windows
MAX_PARAMETERS = 200_000_000

#: width of the sinusoidal time features of :class:`tsfm.nn.timestep.TimestepEmbedder`
TIME_FREQUENCY_DIM = 256


def _linear(n_in: int, n_out: int) -> int:
    return n_in * n_out + n_out


def _attention_and_mlp(width: int, mlp_ratio: float) -> int:
    """Multi-head attention (q, k, v and output projections) and the two-layer MLP."""
    hidden = int(width * mlp_ratio)
    return 3 * _linear(width, width) + _linear(width, width) + _linear(width, hidden) + _linear(
        hidden, width
    )


def _patch_and_position(arch, n_channels: int, n_timepoints: int) -> int:
    """Conv1d patch embedding and the learned positional embedding."""
    patch_embed = n_channels * arch.width * arch.patch_size + arch.width
    return patch_embed + math.ceil(n_timepoints / arch.patch_size) * arch.width


def encoder_parameters(arch: EncoderConfig, n_channels: int, n_timepoints: int) -> int:
    """Parameters of :class:`tsfm.nn.ViT1D` for this architecture and data shape.

    Parameters
    ----------
    arch : EncoderConfig
    n_channels, n_timepoints : int

    Returns
    -------
    int
    """
    layer_norm = 2 * arch.width
    block = _attention_and_mlp(arch.width, arch.mlp_ratio) + 2 * layer_norm
    cls_token = arch.width if arch.pooling == "cls" else 0
    return (
        _patch_and_position(arch, n_channels, n_timepoints)
        + cls_token
        + arch.depth * block
        + layer_norm
    )


def velocity_parameters(arch: VelocityConfig, n_channels: int, n_timepoints: int) -> int:
    """Parameters of :class:`tsfm.nn.DiT1D` for this architecture and data shape.

    Its LayerNorms have no affine parameters; each adaLN-Zero block adds a
    ``width -> 6 width`` modulation and the final layer a ``width -> 2 width`` one.

    Parameters
    ----------
    arch : VelocityConfig
    n_channels, n_timepoints : int

    Returns
    -------
    int
    """
    width = arch.width
    time_embed = _linear(TIME_FREQUENCY_DIM, width) + _linear(width, width)
    block = _attention_and_mlp(width, arch.mlp_ratio) + _linear(width, 6 * width)
    final = _linear(width, 2 * width) + _linear(width, arch.patch_size * n_channels)
    return (
        _patch_and_position(arch, n_channels, n_timepoints)
        + time_embed
        + arch.depth * block
        + final
    )
