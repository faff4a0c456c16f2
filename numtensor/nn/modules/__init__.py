"""The nn layers, one small module per family."""
from .module import Module  # noqa: F401
from .container import Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict  # noqa: F401
from .linear import Identity, Linear, LazyLinear, Bilinear  # noqa: F401
from .conv import Conv1d, Conv2d, LazyConv1d, LazyConv2d  # noqa: F401
from .conv import Conv3d, LazyConv3d  # noqa: F401
from .conv import (ConvTranspose1d, ConvTranspose2d, LazyConvTranspose1d,  # noqa: F401
                   LazyConvTranspose2d, Unfold, Fold)
from .pooling import (MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d,  # noqa: F401
                      AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool1d, AdaptiveMaxPool2d)
from .pooling import (MaxPool3d, AvgPool3d, AdaptiveAvgPool3d, AdaptiveMaxPool3d)  # noqa: F401
from .activation import ReLU, LeakyReLU, GELU, Sigmoid, Tanh, Softmax, LogSoftmax  # noqa: F401
from .activation import (ELU, SELU, CELU, SiLU, Mish, ReLU6, Hardtanh, Hardsigmoid,  # noqa: F401
                         Hardswish, Hardshrink, Softshrink, Tanhshrink, Softsign, Softplus,
                         Threshold, PReLU, GLU, LogSigmoid, Softmin, Softmax2d, RReLU)
from .distance import CosineSimilarity, PairwiseDistance  # noqa: F401
from .upsampling import Upsample, UpsamplingNearest2d, UpsamplingBilinear2d  # noqa: F401
from .normalization import (BatchNorm1d, BatchNorm2d, LazyBatchNorm1d,  # noqa: F401
                            LazyBatchNorm2d, LayerNorm, GroupNorm)
from .normalization import (BatchNorm3d, LazyBatchNorm3d, InstanceNorm1d,  # noqa: F401
                            InstanceNorm2d, InstanceNorm3d, LazyInstanceNorm1d,
                            LazyInstanceNorm2d, LazyInstanceNorm3d, RMSNorm, LocalResponseNorm)
from .dropout import (Dropout, Dropout1d, Dropout2d, Dropout3d, AlphaDropout,  # noqa: F401
                      FeatureAlphaDropout)
from .padding import (CircularPad1d, CircularPad2d, CircularPad3d, ConstantPad1d,  # noqa: F401
                      ConstantPad2d, ConstantPad3d, ReflectionPad1d, ReflectionPad2d,
                      ReflectionPad3d, ReplicationPad1d, ReplicationPad2d, ReplicationPad3d,
                      ZeroPad1d, ZeroPad2d, ZeroPad3d)
from .pixelshuffle import PixelShuffle, PixelUnshuffle, ChannelShuffle  # noqa: F401
from .sparse import Embedding, EmbeddingBag  # noqa: F401
from .rnn import RNNBase, RNN, LSTM, GRU, RNNCellBase, RNNCell, LSTMCell, GRUCell  # noqa: F401
from .transformer import (MultiheadAttention, Transformer, TransformerDecoder,  # noqa: F401
                          TransformerDecoderLayer, TransformerEncoder, TransformerEncoderLayer)
from .flatten import Flatten, Unflatten  # noqa: F401
from .lazy import LazyModuleMixin  # noqa: F401
from .loss import (CrossEntropyLoss, NLLLoss, MSELoss, L1Loss, BCELoss,  # noqa: F401
                   BCEWithLogitsLoss)
from .loss import (SmoothL1Loss, HuberLoss, KLDivLoss, SoftMarginLoss,  # noqa: F401
                   MarginRankingLoss, HingeEmbeddingLoss, CosineEmbeddingLoss, TripletMarginLoss,
                   PoissonNLLLoss, GaussianNLLLoss, MultiLabelSoftMarginLoss)

__all__ = ["Module", "Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict", "Identity",
           "Linear", "LazyLinear",
           "Conv1d", "Conv2d", "LazyConv1d", "LazyConv2d", "MaxPool1d", "MaxPool2d", "AvgPool1d",
           "AvgPool2d", "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveMaxPool1d",
           "AdaptiveMaxPool2d",
           "ReLU", "LeakyReLU", "GELU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax",
           "BatchNorm1d", "BatchNorm2d", "LazyBatchNorm1d", "LazyBatchNorm2d", "LayerNorm", "GroupNorm",
           "Dropout", "Embedding", "Flatten", "Unflatten", "LazyModuleMixin",
           "CrossEntropyLoss", "NLLLoss", "MSELoss", "L1Loss", "BCELoss", "BCEWithLogitsLoss",
           "ELU", "SELU", "CELU", "SiLU", "Mish", "ReLU6", "Hardtanh", "Hardsigmoid",
           "Hardswish", "Hardshrink", "Softshrink", "Tanhshrink", "Softsign", "Softplus",
           "Threshold", "PReLU", "GLU", "LogSigmoid", "Softmin", "Softmax2d", "RReLU",
           "CosineSimilarity", "PairwiseDistance", "Upsample",
           "SmoothL1Loss", "HuberLoss", "KLDivLoss", "SoftMarginLoss", "MarginRankingLoss",
           "HingeEmbeddingLoss", "CosineEmbeddingLoss", "TripletMarginLoss", "PoissonNLLLoss",
           "GaussianNLLLoss", "MultiLabelSoftMarginLoss",
           "RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]
__all__ += ["ConvTranspose1d", "ConvTranspose2d", "LazyConvTranspose1d", "LazyConvTranspose2d",
            "Unfold", "Fold", "MultiheadAttention", "Transformer", "TransformerEncoder",
            "TransformerDecoder", "TransformerEncoderLayer", "TransformerDecoderLayer"]
__all__ += ["Bilinear", "BatchNorm3d", "LazyBatchNorm3d", "InstanceNorm1d", "InstanceNorm2d",
            "InstanceNorm3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d", "LazyInstanceNorm3d",
            "RMSNorm", "LocalResponseNorm"]
__all__ += ["Dropout1d", "Dropout2d", "Dropout3d", "UpsamplingNearest2d", "UpsamplingBilinear2d",
            "PixelShuffle", "PixelUnshuffle", "ChannelShuffle",
            "CircularPad1d", "CircularPad2d", "CircularPad3d", "ConstantPad1d", "ConstantPad2d",
            "ConstantPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
            "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "ZeroPad1d", "ZeroPad2d",
            "ZeroPad3d"]
__all__ += ["Conv3d", "LazyConv3d", "MaxPool3d", "AvgPool3d", "AdaptiveAvgPool3d",
            "AdaptiveMaxPool3d"]
__all__ += ["AlphaDropout", "FeatureAlphaDropout", "EmbeddingBag"]
