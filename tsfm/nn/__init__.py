"""PyTorch building blocks of FlowFM: the ViT-1D encoder and the DiT-1D velocity network."""

from tsfm.nn.dit1d import DiT1D
from tsfm.nn.flowfm import FlowFMModule
from tsfm.nn.heads import EncoderClassifier
from tsfm.nn.vit1d import ViT1D

__all__ = ["DiT1D", "EncoderClassifier", "FlowFMModule", "ViT1D"]
