"""numtensor.nn: modules, parameters, functional layers and initialisers (PyTorch's API).

Convolution and pooling layers (Conv1d/Conv2d, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d,
LazyConv2d) are not available yet: they need dedicated backend kernels.
"""
from .parameter import Parameter, UninitializedParameter, UninitializedBuffer  # noqa: F401
from .modules import *  # noqa: F401,F403
from .modules import __all__ as _modules_all
from . import functional, init  # noqa: F401

__all__ = ["Parameter", "UninitializedParameter", "UninitializedBuffer", "functional", "init",
           *_modules_all]
