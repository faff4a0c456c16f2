"""The element-wise activations of nn.functional beyond relu/gelu/softplus: ELU family,
SiLU/Mish, the hard (piecewise-linear) ones, the shrinkages, threshold, PReLU, GLU, RReLU.

Each is composed of public tensor ops.  Where PyTorch runs the function as one op with
its own backward node (EluBackward0, HardtanhBackward0, ...), the composition sits
inside `composite`, so grad_fn reads as in PyTorch.  The kinks follow PyTorch's slopes:
`where` picks the branch whose derivative PyTorch uses at the boundary (hardtanh has
slope 0 at min_val and max_val, elu slope alpha at 0, ...).  The in-place forms compute
the result out of place and copy it into the input, as leaky_relu does.
"""
from ..autograd.derivatives import composite
from ..autograd.grad_mode import no_grad
from .functional import _require_float, _where, _wrap_dim

# SELU's constants (Klambauer et al., "Self-Normalizing Neural Networks")
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _apply(function, input, inplace, *args):
    """function(input, *args), written into input when inplace.  The in-place form
    computes from a clone, so that the graph saves nothing that the write modifies."""
    if inplace:
        return input.copy_(function(input.clone(), *args))
    return function(input, *args)


# ---- ELU family ---------------------------------------------------------------------------
def _elu_core(input, alpha, scale, input_scale):
    # expm1 of the non-positive part only: the discarded branch never overflows
    negative = (input.clamp(max=0) * input_scale).expm1() * (alpha * scale)
    return _where(input > 0, input * scale if scale != 1.0 else input, negative)


@composite("EluBackward0")
def _elu(input, alpha, scale):
    return _elu_core(input, alpha, scale, 1.0)


@composite("CeluBackward0")
def _celu(input, alpha):
    return _elu_core(input, alpha, 1.0, 1.0 / alpha)


def elu(input, alpha=1.0, inplace=False):
    _require_float(input, "elu_cpu")
    return _apply(_elu, input, inplace, alpha, 1.0)


def elu_(input, alpha=1.0):
    return elu(input, alpha, inplace=True)


def selu(input, inplace=False):
    _require_float(input, "elu_cpu")
    return _apply(_elu, input, inplace, _SELU_ALPHA, _SELU_SCALE)


def selu_(input):
    return selu(input, inplace=True)


def celu(input, alpha=1.0, inplace=False):
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    _require_float(input, "elu_cpu")
    return _apply(_celu, input, inplace, alpha)


def celu_(input, alpha=1.0):
    return celu(input, alpha, inplace=True)


# ---- smooth gates -----------------------------------------------------------------------------
@composite("SiluBackward0")
def _silu(input):
    return input * input.sigmoid()


def silu(input, inplace=False):
    _require_float(input, "silu_cpu")
    return _apply(_silu, input, inplace)


@composite("MishBackward0")
def _mish(input):
    from .functional import softplus
    return input * softplus(input).tanh()


def mish(input, inplace=False):
    _require_float(input, "mish_cpu")
    return _apply(_mish, input, inplace)


# ---- piecewise-linear ------------------------------------------------------------------------
@composite("HardtanhBackward0")
def _hardtanh(input, min_val, max_val):
    # slope 1 strictly inside (min_val, max_val), 0 on and beyond the edges
    inside = _where(input >= max_val, max_val, input)
    return _where(input <= min_val, min_val, inside)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if not input.dtype.is_floating_point:  # integers clamp and stay integers
        result = input.clamp(min_val, max_val).to(input.dtype)
        return input.copy_(result) if inplace else result
    return _apply(_hardtanh, input, inplace, min_val, max_val)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input, inplace=False):
    return hardtanh(input, 0.0, 6.0, inplace)


@composite("HardsigmoidBackward0")
def _hardsigmoid(input):
    ramp = _where(input >= 3.0, 1.0, input / 6.0 + 0.5)
    return _where(input <= -3.0, 0.0, ramp)


def hardsigmoid(input, inplace=False):
    _require_float(input, "hardsigmoid_cpu")
    return _apply(_hardsigmoid, input, inplace)


@composite("HardswishBackward0")
def _hardswish(input):
    # PyTorch's slopes: 0 up to -3, x/3 + 1/2 strictly between -3 and 3, 1 from 3 on
    ramp = _where(input < 3.0, input * (input + 3.0) / 6.0, input)
    return _where(input <= -3.0, 0.0, ramp)


def hardswish(input, inplace=False):
    _require_float(input, "hardswish_cpu")
    return _apply(_hardswish, input, inplace)


@composite("HardshrinkBackward0")
def _hardshrink(input, lambd):
    return _where((input > lambd) | (input < -lambd), input, 0.0)


def hardshrink(input, lambd=0.5):
    _require_float(input, "hardshrink_cpu")
    return _hardshrink(input, lambd)


@composite("SoftshrinkBackward0")
def _softshrink(input, lambd):
    return _where(input > lambd, input - lambd, _where(input < -lambd, input + lambd, 0.0))


def softshrink(input, lambd=0.5):
    _require_float(input, "softshrink_check")
    if not 0 <= lambd <= 3.4028234663852886e38 or lambd != lambd:
        raise RuntimeError(f"lambda must be in range [0, 3.40282e+38] for input dtype "
                           f"{_scalar_name(input)}, but found {lambd}")
    return _softshrink(input, lambd)


def _scalar_name(t):
    return t.dtype._tensor_type[:-len("Tensor")]


def tanhshrink(input):
    return input - input.tanh()


def softsign(input):
    return input / (input.abs() + 1)


@composite("ThresholdBackward0")
def _threshold(input, threshold, value):
    return _where(input > threshold, input, value)


def threshold(input, threshold, value, inplace=False):
    if input.dtype.is_floating_point:
        return _apply(_threshold, input, inplace, threshold, value)
    result = _where(input > threshold, input, value).to(input.dtype)
    return input.copy_(result) if inplace else result


_threshold_function = threshold  # the parameter named threshold hides it below


def threshold_(input, threshold, value):
    return _threshold_function(input, threshold, value, inplace=True)


# ---- parametric and gated ------------------------------------------------------------------
@composite("PreluKernelBackward0", inputs=("input", "weight"))
def _prelu(input, weight):
    if weight.numel() > 1:  # one slope per channel (dim 1)
        shape = [1] * input.ndim
        shape[1] = weight.numel()
        weight = weight.reshape(shape)
    else:
        weight = weight.reshape([])
    return _where(input > 0, input, input * weight)


def prelu(input, weight):
    channels = input.shape[1] if input.ndim >= 2 else 1
    if weight.numel() != 1 and (weight.ndim > 1 or weight.numel() != channels):
        raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found "
                           f"parameter numbers = {weight.numel()} and channel size = "
                           f"{channels}.")
    if weight.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: "
                           f"ndim = {weight.ndim}")
    return _prelu(input, weight)


@composite("GluBackward0")
def _glu(input, dim):
    first, second = input.chunk(2, dim)
    return first * second.sigmoid()


def glu(input, dim=-1):
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    dim = _wrap_dim(dim, input.ndim)
    _require_float(input, "glu_cpu")
    if input.shape[dim] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {dim} is size "
                           f"{input.shape[dim]}")
    return _glu(input, dim)


@composite("RreluWithNoiseBackward0")
def _rrelu(input, slope):
    # slope: a number (evaluation) or a tensor of random slopes (training)
    return _where(input > 0, input, input * slope)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Leaky ReLU whose negative slope is drawn uniformly from [lower, upper] for each
    element in training, and is (lower + upper) / 2 in evaluation."""
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    _require_float(input, "leaky_relu_cpu")
    if training:
        with no_grad():
            slope = input.new_empty(input.shape).uniform_(lower, upper)
    else:
        slope = (lower + upper) / 2
    return _apply(_rrelu, input, inplace, slope)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    return rrelu(input, lower, upper, training, inplace=True)


__all__ = ["elu", "elu_", "selu", "selu_", "celu", "celu_", "silu", "mish", "hardtanh",
           "hardtanh_", "relu6", "hardsigmoid", "hardswish", "hardshrink", "softshrink",
           "tanhshrink", "softsign", "threshold", "threshold_", "prelu", "glu", "rrelu",
           "rrelu_"]
