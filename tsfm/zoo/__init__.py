"""Named pretrained models shipped inside the package, and resolving ``pretrained=``.

``pretrained`` may be a registered name (weights inside the installed package: no
network), a local model directory, or a Hugging Face Hub repo id (``"org/name"``,
fetched through :mod:`huggingface_hub` and its cache).
"""

from tsfm.zoo.registry import PretrainedModel, list_pretrained, model_directory

__all__ = ["PretrainedModel", "list_pretrained", "model_directory"]
