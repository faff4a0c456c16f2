"""numtensor.nn: modules, parameters, functional layers and initialisers (PyTorch's API)."""
from .parameter import Parameter, UninitializedParameter, UninitializedBuffer  # noqa: F401
from .modules import (Module, Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict,  # noqa: F401
                      Identity, Linear,
                      LazyLinear, Conv1d, Conv2d, LazyConv1d, LazyConv2d, MaxPool1d, MaxPool2d,
                      AvgPool1d, AvgPool2d, AdaptiveAvgPool1d, AdaptiveAvgPool2d,
                      AdaptiveMaxPool1d, AdaptiveMaxPool2d, ReLU, LeakyReLU, GELU, Sigmoid, Tanh, Softmax, LogSoftmax,
                      BatchNorm1d, BatchNorm2d, LazyBatchNorm1d, LazyBatchNorm2d, LayerNorm, GroupNorm,
                      Dropout, Embedding, Flatten, Unflatten, LazyModuleMixin,
                      CrossEntropyLoss, NLLLoss, MSELoss, L1Loss, BCELoss, BCEWithLogitsLoss)
from .modules import (ELU, SELU, CELU, SiLU, Mish, ReLU6, Hardtanh, Hardsigmoid,  # noqa: F401
                      Hardswish, Hardshrink, Softshrink, Tanhshrink, Softsign, Softplus,
                      Threshold, PReLU, GLU, LogSigmoid, Softmin, Softmax2d, RReLU,
                      CosineSimilarity, PairwiseDistance, Upsample, SmoothL1Loss, HuberLoss,
                      KLDivLoss, SoftMarginLoss, MarginRankingLoss, HingeEmbeddingLoss,
                      CosineEmbeddingLoss, TripletMarginLoss, PoissonNLLLoss, GaussianNLLLoss,
                      MultiLabelSoftMarginLoss)
from .modules import (RNNBase, RNN, LSTM, GRU, RNNCellBase, RNNCell, LSTMCell,  # noqa: F401
                      GRUCell)
from .modules import (MultiheadAttention, Transformer, TransformerEncoder,  # noqa: F401
                      TransformerDecoder, TransformerEncoderLayer, TransformerDecoderLayer)
from .modules import (ConvTranspose1d, ConvTranspose2d, LazyConvTranspose1d,  # noqa: F401
                      LazyConvTranspose2d, Unfold, Fold)
from .modules import (Bilinear, BatchNorm3d, LazyBatchNorm3d, InstanceNorm1d,  # noqa: F401
                      InstanceNorm2d, InstanceNorm3d, LazyInstanceNorm1d, LazyInstanceNorm2d,
                      LazyInstanceNorm3d, RMSNorm, LocalResponseNorm)
from .modules import (Dropout1d, Dropout2d, Dropout3d, UpsamplingNearest2d,  # noqa: F401
                      UpsamplingBilinear2d, PixelShuffle, PixelUnshuffle, ChannelShuffle,
                      CircularPad1d, CircularPad2d, CircularPad3d, ConstantPad1d, ConstantPad2d,
                      ConstantPad3d, ReflectionPad1d, ReflectionPad2d, ReflectionPad3d,
                      ReplicationPad1d, ReplicationPad2d, ReplicationPad3d, ZeroPad1d, ZeroPad2d,
                      ZeroPad3d)
from .modules import (Conv3d, LazyConv3d, MaxPool3d, AvgPool3d,  # noqa: F401
                      AdaptiveAvgPool3d, AdaptiveMaxPool3d)
from .modules import AlphaDropout, FeatureAlphaDropout, EmbeddingBag  # noqa: F401
from .modules import __all__ as _modules_all
from . import functional, init, utils  # noqa: F401

__all__ = ["Parameter", "UninitializedParameter", "UninitializedBuffer", "functional", "init", "utils",
           *_modules_all]
