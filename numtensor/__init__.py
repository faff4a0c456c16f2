"""numtensor: PyTorch's tensor API on Numba-compiled kernels.

`import numtensor as torch` and introductory PyTorch code runs unchanged.  Nothing
is compiled at import: kernels are generated and compiled on first use and cached.
"""
import builtins as _builtins

from . import _aliasing
from . import _dtype
from ._dtype import (dtype, bool_ as bool, uint8, int8, int16, int32, int64, float16, float32,  # noqa: F401
                     float64, complex64, complex128, get_default_dtype, set_default_dtype,
                     promote_types)
from ._device import device, set_default_device, get_default_device  # noqa: F401
from ._finfo import finfo, iinfo  # noqa: F401
from ._size import Size  # noqa: F401
from ._tensor import Tensor  # noqa: F401
from ._storage import TypedStorage  # noqa: F401
from ._layout import (layout, memory_format, strided, contiguous_format, preserve_format,  # noqa: F401
                      channels_last, channels_last_3d)
from . import _methods, _printing

_methods.install()
_printing.install()
_aliasing.install()  # `import torch.nn` under sys.modules["torch"] = numtensor: no second copy

from ._creation import (tensor, as_tensor, asarray, from_numpy, empty, zeros, ones, full,  # noqa: E402,F401
                        eye, arange, linspace, logspace, zeros_like, ones_like, empty_like,
                        full_like, empty_strided)
from ._creation import range_ as range  # noqa: E402,F401
from ._random import (manual_seed, seed, initial_seed, get_rng_state, set_rng_state,  # noqa: E402,F401
                      Generator, default_generator, rand, randn, randint, randperm, rand_like,
                      randn_like, randint_like, normal, bernoulli, multinomial)
from .ops.elementwise import (add, sub, mul, div, true_divide, divide, multiply, subtract,  # noqa: E402,F401
                              floor_divide, remainder, fmod, pow, atan2, maximum, minimum, eq, ne,
                              lt, le, gt, ge, less, less_equal, greater, greater_equal, not_equal,
                              logical_and, logical_or, logical_xor, logical_not, bitwise_and,
                              bitwise_or, bitwise_xor, bitwise_not, where, neg, negative, abs,
                              absolute, exp, expm1, log, log2, log10, log1p, sqrt, rsqrt, sin, cos,
                              tan, asin, acos, atan, sinh, cosh, tanh, sigmoid, relu, clamp, clip,
                              floor, ceil, trunc, fix, round, sign, reciprocal, square, isnan,
                              isinf, isfinite, rsub, conj, conj_physical, resolve_conj, is_conj)
from .ops.reductions import (sum, mean, prod, amax, amin, argmax, argmin, max, min, var, std,  # noqa: E402,F401
                             norm, dist, logsumexp, cumsum, cumprod, all, any, equal,
                             count_nonzero, aminmax, var_mean, std_mean)
from .ops.views import (flatten, unflatten, transpose, swapaxes, swapdims, t,  # noqa: E402,F401
                        narrow, select, squeeze, unsqueeze, as_strided, detach, movedim, moveaxis,
                        broadcast_to, broadcast_tensors)
from .ops.copy import clone  # noqa: E402,F401
from .ops.composite import (isclose, allclose, clamp_min, clamp_max, addcmul, addcdiv, lerp,  # noqa: E402,F401
                            exp2, positive, deg2rad, rad2deg)
from .ops.elementwise import asin as arcsin, acos as arccos, atan as arctan  # noqa: E402,F401
from .ops.joining import (cat, concat, concatenate, stack, hstack, vstack, split, chunk,  # noqa: E402,F401
                          unbind, index_select, fliplr, flipud, roll,
                          masked_fill, masked_select, gather, scatter, scatter_add, index_add,
                          nonzero, argwhere)
from .ops.advanced_indexing import index_put  # noqa: E402,F401
# torch.sin_(x), torch.clamp_(x, 0, 1), torch.zero_(x) ...: the module-level in-place spellings
from .ops import inplace_twins as _inplace_twins  # noqa: E402
globals().update(_inplace_twins.FUNCTIONS)
# the rarer ops (torch.erf, torch.diff, torch.kron ...) load on first use: see _lazy_ops.py
from ._lazy_ops import FUNCTION_MODULE as _LAZY_FUNCTIONS, load as _load_ops  # noqa: E402
from .ops.sorting import (sort, argsort, msort, topk, kthvalue, unique, unique_consecutive,  # noqa: E402,F401
                          searchsorted, bucketize, bincount, histc)
from .ops.tensor_algebra import (diagonal, diag, diag_embed, tril, triu, trace, cross,  # noqa: E402,F401
                                 einsum, meshgrid, cartesian_prod)
from .ops.linalg_ops import matmul, mm, addmm, mv, bmm, dot, outer, ger, inner  # noqa: E402,F401
from .ops.decompositions import inverse, torch_det as det  # noqa: E402,F401
from .ops.shape_args import reshape, permute, flip, tile  # noqa: E402,F401
from .ops.complex_views import real, imag, view_as_real, view_as_complex  # noqa: E402,F401
from .ops.conversion import numpy as _numpy  # noqa: E402,F401
from .ops.dispatch import run_elementwise as _run_elementwise  # noqa: E402,F401
from ._backends.plan import broadcast_shapes as _broadcast_shapes  # noqa: E402
from . import accelerator, autograd, backends, cuda, return_types, random, _tensor_str  # noqa: E402,F401
from . import amp  # noqa: E402,F401
from .amp.autocast_mode import autocast, is_autocast_enabled, get_autocast_dtype  # noqa: E402,F401
from ._global_switches import (use_deterministic_algorithms,  # noqa: E402,F401
                               are_deterministic_algorithms_enabled,
                               is_deterministic_algorithms_warn_only_enabled,
                               set_float32_matmul_precision, get_float32_matmul_precision,
                               compile, set_warn_always, is_warn_always_enabled,
                               set_flush_denormal, set_default_tensor_type)
from ._legacy_types import TYPES as _LEGACY_TYPES  # noqa: E402
from ._printing import set_printoptions  # noqa: E402,F401
from ._threads import (set_num_threads, get_num_threads, init_num_threads,  # noqa: E402,F401
                       get_num_interop_threads, set_num_interop_threads)
from . import linalg  # noqa: E402,F401
from .autograd import no_grad, enable_grad, set_grad_enabled, is_grad_enabled, inference_mode  # noqa: E402,F401
from .autograd.grad_mode import (is_inference_mode_enabled, is_anomaly_enabled,  # noqa: E402,F401
                                 is_anomaly_check_nan_enabled, set_anomaly_enabled)

# dtype aliases
half, float, double = float16, float32, float64  # noqa: A001
short, int, long = int16, int32, int64  # noqa: A001
cfloat, cdouble = complex64, complex128

# says what it is, and stays a valid PEP 440 version for packaging.version.parse:
# numtensor's release with the local label "numtensor"
__version__ = "0.1.0+numtensor"
globals().update(_LEGACY_TYPES)  # FloatTensor, LongTensor, ... (see _legacy_types.py)


def broadcast_shapes(*shapes):
    """torch.broadcast_shapes, with its own error text (which names the argument)."""
    shapes = [(s,) if isinstance(s, _builtins.int) else tuple(s) for s in shapes]
    result = [1] * _builtins.max((len(s) for s in shapes), default=0)
    for k, shape in enumerate(shapes):
        for i in _builtins.range(-1, -len(shape) - 1, -1):
            if shape[i] == 1 or shape[i] == result[i]:
                continue
            if result[i] != 1:
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {shape[i]} at {i}! Mismatching "
                    f"argument at index {k} had {shape}; but expected shape should be "
                    f"broadcastable to {result}")
            result[i] = shape[i]
    return Size(result)


# nn, optim, utils and distributions are plain Python built on the ops above; they load on
# first use, so `import numtensor` stays fast.
_LAZY_SUBMODULES = ("nn", "optim", "utils", "distributions", "special", "testing")
_SERIALIZATION = ("save", "load")


def __getattr__(name):
    import importlib
    if name in _LAZY_SUBMODULES:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    if name in _SERIALIZATION:
        value = getattr(importlib.import_module(".serialization", __name__), name)
        globals()[name] = value
        return value
    if name in _LAZY_FUNCTIONS:
        return _load_ops(_LAZY_FUNCTIONS[name]).FUNCTIONS[name]
    raise AttributeError(f"module 'numtensor' has no attribute '{name}'")


def __dir__():
    return sorted(set(globals()) | set(_LAZY_SUBMODULES) | set(_SERIALIZATION) |
                  set(_LAZY_FUNCTIONS))


def softmax(input, dim, dtype=None):
    """Softmax along dim: exp(x) / sum(exp(x)), computed stably."""
    from .nn.functional import softmax as softmax_
    return softmax_(input, dim, dtype=dtype)


def log_softmax(input, dim, dtype=None):
    """log(softmax(x)) along dim, computed stably (x - max - log(sum(exp(x - max))))."""
    from .nn.functional import log_softmax as log_softmax_
    return log_softmax_(input, dim, dtype=dtype)


def pixel_shuffle(input, upscale_factor):
    """(*, C*r*r, H, W) -> (*, C, H*r, W*r) (see numtensor.nn.functional.pixel_shuffle)."""
    from .nn._functional_shuffle import pixel_shuffle as pixel_shuffle_
    return pixel_shuffle_(input, upscale_factor)


def pixel_unshuffle(input, downscale_factor):
    """(*, C, H*r, W*r) -> (*, C*r*r, H, W), pixel_shuffle's inverse."""
    from .nn._functional_shuffle import pixel_unshuffle as pixel_unshuffle_
    return pixel_unshuffle_(input, downscale_factor)


def channel_shuffle(input, groups):
    """Interleave the channels of `groups` groups (see nn.ChannelShuffle)."""
    from .nn._functional_shuffle import channel_shuffle as channel_shuffle_
    return channel_shuffle_(input, groups)


def bilinear(input1, input2, weight, bias=None):
    """x1^T A x2 + b for each output feature (see numtensor.nn.functional.bilinear)."""
    from .nn._functional_norms import bilinear as bilinear_
    return bilinear_(input1, input2, weight, bias)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution (see numtensor.nn.functional.conv1d)."""
    from .ops.convolution import conv1d as conv1d_
    return conv1d_(input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution (see numtensor.nn.functional.conv2d)."""
    from .ops.convolution import conv2d as conv2d_
    return conv2d_(input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-D convolution (see numtensor.nn.functional.conv3d)."""
    from .nn._functional_3d import conv3d as conv3d_
    return conv3d_(input, weight, bias, stride, padding, dilation, groups)


def max_pool3d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """Max pooling over (D, H, W) windows (see numtensor.nn.functional.max_pool3d)."""
    from .nn._functional_3d import max_pool3d as pool
    return pool(input, kernel_size, stride if stride != () else None, padding, dilation, ceil_mode)


def max_pool1d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """Max pooling over the last dim (see numtensor.nn.functional.max_pool1d)."""
    from .ops.pooling import max_pool1d as pool
    return pool(input, kernel_size, stride if stride != () else None, padding, dilation, ceil_mode)


def max_pool2d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """Max pooling over (H, W) windows (see numtensor.nn.functional.max_pool2d)."""
    from .ops.pooling import max_pool2d as pool
    return pool(input, kernel_size, stride if stride != () else None, padding, dilation, ceil_mode)


def max_pool1d_with_indices(input, kernel_size, stride=(), padding=0, dilation=1,
                            ceil_mode=False):
    """(values, indices) of a max pooling over the last dim."""
    from .ops.pooling import max_pool1d_with_indices as pool
    return pool(input, kernel_size, stride if stride != () else None, padding, dilation, ceil_mode)


def avg_pool1d(input, kernel_size, stride=(), padding=0, ceil_mode=False, count_include_pad=True):
    """Average pooling over the last dim (see numtensor.nn.functional.avg_pool1d)."""
    from .ops.pooling import avg_pool1d as pool
    return pool(input, kernel_size, stride if stride != () else None, padding, ceil_mode,
                count_include_pad)


def adaptive_avg_pool1d(input, output_size):
    """Average pooling of the last dim to output_size."""
    from .ops.pooling import adaptive_avg_pool1d as pool
    return pool(input, output_size)


def adaptive_max_pool1d(input, output_size):
    """(values, indices) of a max pooling of the last dim to output_size."""
    from .ops.pooling import adaptive_max_pool1d_with_indices as pool
    return pool(input, output_size)


def is_tensor(obj, /):
    """True if obj is a numtensor Tensor."""
    return isinstance(obj, Tensor)


def numel(input):
    """The number of elements of input."""
    return input.numel()


def result_type(tensor, other):
    """The dtype an arithmetic op on tensor and other (tensors or numbers) would return."""
    return _dtype.result_type(tensor, other)


def can_cast(from_, to):
    """True if casting from_ to `to` is allowed by PyTorch's casting rules."""
    return _dtype.can_cast(from_, to)


def is_floating_point(input):
    """True if input's dtype is a floating-point type."""
    return input.dtype.is_floating_point


def is_complex(input):
    """True if input's dtype is a complex type."""
    return input.dtype.is_complex


from . import _docstrings  # noqa: E402
_docstrings.fill(globals())
from .ops import axis_keywords as _axis_keywords  # noqa: E402
_axis_keywords.install(globals(), Tensor)  # x.argmax(axis=1), as PyTorch's parser allows
