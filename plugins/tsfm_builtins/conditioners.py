"""Representation conditioning (with and without DGS) and text conditioning."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from tsfm.generative.conditioner import Conditioner
from tsfm.plugins.hookspecs import hookimpl


class RepresentationConditioner(Conditioner):
    """Linear projection of the encoder's representation r, always present."""

    name = "representation"
    supports_masking = False


class DGSConditioner(Conditioner):
    """Representation conditioning with Dynamic Guidance Switching (paper Sec. 4.1.1).

    During training each sample's representation is replaced by the zero vector with
    probability ``mask_prob``, so one network learns both the conditional and the
    unconditional (null-condition) field. The null condition is what classifier-free
    guidance contrasts against.
    """

    name = "dgs"
    supports_masking = True

    def keep_mask(self, n: int, device: torch.device | None = None) -> torch.Tensor:
        """Bernoulli(1 - mask_prob) draws of shape (n,): 1 keeps r, 0 masks it."""
        return (torch.rand(n, device=device) >= self.mask_prob).float()

    def forward(self, value: torch.Tensor | None, n: int | None = None) -> torch.Tensor:
        if value is not None and self.training and self.mask_prob > 0:
            value = value * self.keep_mask(len(value), value.device).unsqueeze(1).to(value.dtype)
        return super().forward(value, n=n)


class TextConditioner(Conditioner):
    """Text embedding of a frozen Hugging Face language model, linearly projected.

    A prompt's embedding is the attention-masked mean of the language model's last
    hidden states (:class:`tsfm.text.embedder.TextEmbedder`, cached per unique prompt);
    the learned projection maps it to the velocity network's width. The projection
    starts at zero, so before tuning a text model is exactly the model it was tuned from.

    Parameters
    ----------
    in_features : int
        Width of the language model's embeddings.
    width : int
        Width of the velocity network.
    mask_prob : float, default=0.0
        Must be 0: the text is never masked.
    text_encoder : str, default="minilm"
        Short name, local directory or Hugging Face id of the language model (saved
        with the model).
    embedder : tsfm.text.embedder.TextEmbedder, optional
        The loaded language model; :meth:`embed` needs it.
    """

    name = "text"
    supports_masking = False
    input = "text"

    def __init__(self, *, in_features: int, width: int, mask_prob: float = 0.0,
                 text_encoder: str = "minilm", embedder=None):
        super().__init__(in_features=in_features, width=width, mask_prob=mask_prob)
        nn.init.zeros_(self.projection.weight)
        nn.init.zeros_(self.projection.bias)
        self.text_encoder = text_encoder
        if embedder is not None and embedder.dim != in_features:
            raise ValueError(
                f"text encoder {text_encoder!r} gives {embedder.dim}-dimensional embeddings, "
                f"but the conditioner expects {in_features}"
            )
        self.embedder = embedder

    @classmethod
    def from_text_encoder(cls, text_encoder: str, *, width: int, device: str = "cpu"):
        """Load the language model and build a conditioner for its embedding width."""
        from tsfm.text.embedder import load_embedder

        embedder = load_embedder(text_encoder, device=device)
        return cls(in_features=embedder.dim, width=width, text_encoder=text_encoder,
                   embedder=embedder)

    def embed(self, prompts: Sequence[str]) -> torch.Tensor:
        """Language-model embeddings of shape (n, in_features) on the projection's device."""
        if self.embedder is None:
            raise RuntimeError("this text conditioner has no language model; build it with "
                               "TextConditioner.from_text_encoder")
        vectors = self.embedder.embed(prompts)
        return torch.as_tensor(vectors, device=self.projection.weight.device)


@hookimpl
def tsfm_register_conditioners() -> list[type]:
    return [RepresentationConditioner, DGSConditioner, TextConditioner]
