"""numtensor.nn: modules, parameters, functional layers and initialisers (PyTorch's API).

Convolution and pooling layers (Conv1d/Conv2d, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d,
LazyConv2d) are not available yet: they need dedicated backend kernels.
"""
from .parameter import Parameter, UninitializedParameter, UninitializedBuffer  # noqa: F401
from .modules import (Module, Sequential, ModuleList, ModuleDict, Identity, Linear,  # noqa: F401
                      LazyLinear, ReLU, LeakyReLU, GELU, Sigmoid, Tanh, Softmax, LogSoftmax,
                      BatchNorm1d, BatchNorm2d, LazyBatchNorm1d, LazyBatchNorm2d, LayerNorm,
                      Dropout, Embedding, Flatten, Unflatten, LazyModuleMixin,
                      CrossEntropyLoss, NLLLoss, MSELoss, L1Loss, BCELoss, BCEWithLogitsLoss)
from .modules import __all__ as _modules_all
from . import functional, init, utils  # noqa: F401

__all__ = ["Parameter", "UninitializedParameter", "UninitializedBuffer", "functional", "init", "utils",
           *_modules_all]
