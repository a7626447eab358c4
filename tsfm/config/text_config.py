"""The saved form of a model's text conditioning (the ``text`` section of config.json)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from tsfm.config.model_config import MAX_WIDTH
from tsfm.config.types import FrozenModel, Integer, Number
from tsfm.plugins import get_plugin

#: the two tuning settings of paper Table 2
TEXT_CONDITIONS = ("text+rep", "text")


class TextConfig(FrozenModel):
    """How a model was tuned for text, and which language model embeds its prompts.

    Attributes
    ----------
    conditioner : str
        The text conditioner plugin (one whose ``input`` is ``"text"``).
    text_encoder : str
        Short name, local directory or Hugging Face id of the language model.
    embedding_dim : int
        Width of its embeddings (the projection's input); checked when loading.
    condition : {"text+rep", "text"}
        ``"text+rep"``: tuned on text plus the frozen encoder's representation, the
        latter dropped with ``rep_drop_prob``; ``"text"``: text alone.
    rep_drop_prob : float
        Probability of dropping the representation during ``"text+rep"`` tuning.
    n_timepoints : int or None
        Length of the windows the model was tuned on, when it differs from the
        pretraining length (e.g. 1 s activity windows of a model pretrained on 10 s);
        the model then generates windows of this length. None (not written): the
        pretraining length.
    """

    conditioner: str
    text_encoder: Annotated[str, Field(min_length=1, max_length=4096)]
    embedding_dim: Annotated[
        Integer, Field(ge=1, le=MAX_WIDTH, description=f"must be an integer in [1, {MAX_WIDTH}]")
    ]
    condition: Literal["text+rep", "text"]
    rep_drop_prob: Annotated[
        Number, Field(ge=0, le=1, description="must be a probability in [0, 1]")
    ]
    n_timepoints: Annotated[
        Integer | None, Field(ge=1, description="must be a positive integer or null")
    ] = None

    @field_validator("conditioner")
    @classmethod
    def _text_conditioner(cls, name: str) -> str:
        kind = getattr(get_plugin("conditioner", name), "input", "representation")
        if kind != "text":
            raise ValueError(f"conditioner {name!r} conditions on {kind}, not on text")
        return name
