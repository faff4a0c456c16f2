"""Pooling: max_pool1d/2d (with indices), avg_pool1d/2d, adaptive_avg_pool1d/2d and
adaptive_max_pool1d/2d, each a backend primitive with a registry gradient.

The windows of every pooling are tables built once per geometry by the planner
(plan.pool, plan.adaptive_pool): first input row/column, count, divisor factor.  Max
pooling keeps the position of each window's maximum (the indices PyTorch returns), and
its backward adds each gradient at that position.  The backward ops are themselves
differentiable (both are linear in the gradient): max pooling's is a gather at the
indices, average pooling's is average pooling again.

A (C, H, W) input is pooled as a batch of one; 1-D poolings are 2-D ones of height 1,
recorded as PyTorch records them (unsqueeze, the 2-D pooling, squeeze).
"""
import numbers

from .. import _dtype
from .._backends import backend_for, plan
from .._tensor import make_tensor, operand
from ..autograd.derivatives import attach, derivative
from ._common import empty, require_tensor, scalar_type_name, shape_str
from .dispatch import cast


class PoolGeometry:
    """One pooling's hyper-parameters (2-tuples) and its kind: 'max', 'avg',
    'adaptive_max' or 'adaptive_avg'.  out: (OH, OW) of an adaptive pooling."""
    __slots__ = ("kind", "kernel", "stride", "padding", "dilation", "ceil_mode",
                 "count_include_pad", "divisor", "out")

    def __init__(self, kind, kernel=(1, 1), stride=(1, 1), padding=(0, 0), dilation=(1, 1),
                 ceil_mode=False, count_include_pad=True, divisor=0, out=None):
        self.kind, self.kernel, self.stride, self.padding = kind, kernel, stride, padding
        self.dilation, self.ceil_mode = dilation, ceil_mode
        self.count_include_pad, self.divisor, self.out = count_include_pad, divisor, out

    def plan(self, shape, x_strides, y_strides):
        if self.kind.startswith("adaptive"):
            return plan.adaptive_pool(shape, self.out, x_strides, y_strides)
        return plan.pool(shape, self.kernel, self.stride, self.padding, self.dilation,
                         self.ceil_mode, self.count_include_pad, self.divisor, x_strides,
                         y_strides)

    def output_hw(self, hw):
        if self.out is not None:
            return self.out
        return tuple(plan.pool_output_size(hw[d], self.kernel[d], self.stride[d], self.padding[d],
                                           self.dilation[d], self.ceil_mode) for d in range(2))


# ---- raw helpers: 3-D tensors as a batch of one --------------------------------------------------
def _as4d(t):
    if t.ndim == 4:
        return t
    return make_tensor(t._storage, t._offset, (1,) + t._shape, (0,) + t._strides)


def _like(t4, ndim):
    """A 4-D result viewed with the caller's rank (3: drop the batch of one)."""
    if ndim == 4:
        return t4
    return make_tensor(t4._storage, t4._offset, t4._shape[1:], t4._strides[1:])


def _compute(x, name):
    if x.dtype is _dtype.bool_ or x.dtype.is_complex:
        raise NotImplementedError(f"\"{name}\" not implemented for '{scalar_type_name(x.dtype)}'")
    return cast(x, backend_for(x.device).compute_dtype("pool", x.dtype))


# ---- max pooling ---------------------------------------------------------------------------
def max_pool(x, geo, node):
    """(values, int64 indices) of a max pooling of x ((C, H, W) or (N, C, H, W), checked);
    autograd records `node` (MaxPool2DWithIndicesBackward0 / AdaptiveMaxPool2DBackward0)."""
    xk = _as4d(_compute(x, "max_pool2d"))
    n, c, h, w = xk._shape
    oh, ow = geo.output_hw((h, w))
    y = empty((n, c, oh, ow), xk.dtype, x.device)
    idx = empty((n, c, oh, ow), _dtype.int64, x.device)
    p = geo.plan(xk._shape, xk._strides, y._strides)
    backend_for(x.device).max_pool(p, operand(xk), operand(y), operand(idx))
    y, idx = _like(cast(y, x.dtype), x.ndim), _like(idx, x.ndim)
    attach(node, (y, idx), (x,), indices=idx, geo=geo, x_shape=x._shape)
    return y, idx


def _max_pool_grad(ctx, g, _g_indices=None):
    return (max_pool_backward(g, ctx.indices, ctx.x_shape, ctx.geo),)


_max_pool_node = derivative("MaxPool2DWithIndicesBackward0", saves=("indices",))(_max_pool_grad)
_adaptive_max_pool_node = derivative("AdaptiveMaxPool2DBackward0", saves=("indices",))(
    _max_pool_grad)


def max_pool_backward(g, indices, x_shape, geo):
    """The input gradient of a max pooling: g added at the recorded maxima (differentiable)."""
    gk = _as4d(cast(g, backend_for(g.device).compute_dtype("pool", g.dtype)))
    x4 = (1,) + tuple(x_shape) if len(x_shape) == 3 else tuple(x_shape)
    gx = empty(x4, gk.dtype, g.device)
    p = geo.plan(x4, gx._strides, gk._strides)
    backend_for(g.device).max_pool_backward(p, operand(gk), operand(_as4d(indices)), operand(gx))
    gx = _like(cast(gx, g.dtype), len(x_shape))
    return attach(_max_pool_backward_node, gx, (g,), indices=indices)


@derivative("MaxPool2DWithIndicesBackwardBackward0", inputs=("grad_output",), saves=("indices",))
def _max_pool_backward_node(ctx, gg):
    """The adjoint of adding at the indices: reading at them."""
    idx = ctx.indices
    lead = idx._shape[:-2]
    flat_idx = idx.reshape(*lead, -1)
    picked = gg.reshape(*gg.shape[:-2], -1).gather(-1, flat_idx)
    return (picked.reshape(idx.shape),)


# ---- average pooling -----------------------------------------------------------------------
def avg_pool(x, geo, node):
    """Average pooling of x ((C, H, W) or (N, C, H, W), checked); autograd records `node`
    (AvgPool2DBackward0 / AdaptiveAvgPool2DBackward0)."""
    xk = _as4d(_compute(x, "avg_pool2d" if geo.kind == "avg" else "adaptive_avg_pool2d"))
    n, c, h, w = xk._shape
    oh, ow = geo.output_hw((h, w))
    y = empty((n, c, oh, ow), xk.dtype, x.device)
    p = geo.plan(xk._shape, xk._strides, y._strides)
    backend_for(x.device).avg_pool(p, operand(xk), operand(y))
    y = _like(cast(y, x.dtype), x.ndim)
    return attach(node, y, (x,), geo=geo, x_shape=x._shape)


def _avg_pool_grad(ctx, g):
    return (avg_pool_backward(g, ctx.x_shape, ctx.geo),)


_avg_pool_node = derivative("AvgPool2DBackward0")(_avg_pool_grad)
_adaptive_avg_pool_node = derivative("AdaptiveAvgPool2DBackward0")(_avg_pool_grad)


def avg_pool_backward(g, x_shape, geo):
    """The input gradient of an average pooling (differentiable: its adjoint is the
    pooling itself)."""
    gk = _as4d(cast(g, backend_for(g.device).compute_dtype("pool", g.dtype)))
    x4 = (1,) + tuple(x_shape) if len(x_shape) == 3 else tuple(x_shape)
    gx = empty(x4, gk.dtype, g.device)
    p = geo.plan(x4, gx._strides, gk._strides)
    backend_for(g.device).avg_pool_backward(p, operand(gk), operand(gx))
    gx = _like(cast(gx, g.dtype), len(x_shape))
    return attach(_avg_pool_backward_node, gx, (g,), geo=geo)


@derivative("AvgPool2DBackwardBackward0", inputs=("grad_output",))
def _avg_pool_backward_node(ctx, gg):
    node = _avg_pool_node if ctx.geo.kind == "avg" else _adaptive_avg_pool_node
    return (avg_pool(gg, ctx.geo, node),)


# ---- argument parsing, as PyTorch's parsers do it -------------------------------------------
def _ints(name, arg, value, position):
    """An int or a sequence of ints as a tuple; TypeError as PyTorch's parser words it."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return (int(value),)
    if isinstance(value, (tuple, list)) and all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value):
        return tuple(int(v) for v in value)
    raise TypeError(f"{name}(): argument '{arg}' (position {position}) must be tuple of ints, "
                    f"not {type(value).__name__}")


def _pair(name, what, value, allow_empty=False):
    """1 or 2 ints as a pair; PyTorch's RuntimeError for another count."""
    n = len(value)
    if n == 1:
        return value * 2
    if n == 2 or (allow_empty and n == 0):
        return value
    if what == "stride":
        raise RuntimeError(f"{name}: stride must either be omitted, a single int, or a tuple of "
                           f"two ints")
    verb = "be either" if what == "dilation" else "either be"
    raise RuntimeError(f"{name}: {what} must {verb} a single int, or a tuple of two ints")


def _check_pool_input(x, name):
    if x.ndim not in (3, 4) or any(s == 0 for s in x._shape[-3:]):
        if x.ndim in (3, 4):
            raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with optional 0 dim batch "
                               f"size for input, but got:{shape_str(x._shape)}")
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")


def _window_geometry(name, input, kernel_size, stride, padding, dilation, ceil_mode):
    kernel = _pair(name, "kernel_size", _ints(name, "kernel_size", kernel_size, 2))
    stride = () if stride is None else _ints(name, "stride", stride, 3)
    stride = _pair(name, "stride", stride, allow_empty=True) or kernel
    padding = _pair(name, "padding", _ints(name, "padding", padding, 4))
    dilation = _pair(name, "dilation", _ints(name, "dilation", dilation, 5))
    if any(k <= 0 for k in kernel):
        if any(s == 0 for s in stride):
            raise RuntimeError("stride should not be zero")
        raise RuntimeError(f"kernel size should be greater than zero, but got kH: {kernel[0]} "
                           f"kW: {kernel[1]}")
    if any(s <= 0 for s in stride):
        raise RuntimeError("stride should not be zero")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"dilation should be greater than zero, but got dilationH: "
                           f"{dilation[0]} dilationW: {dilation[1]}")
    if any(p < 0 for p in padding):
        raise RuntimeError(f"pad must be non-negative, but got pad: {min(padding)}")
    for k, p, d in zip(kernel, padding, dilation):
        if p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={p}, kernel_size={k} and dilation={d}")
    if padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but got "
                           f"padW = {padding[1]}, padH = {padding[0]}, kW = {kernel[1]}, "
                           f"kH = {kernel[0]}")
    _check_pool_input(input, name)
    return kernel, stride, padding, dilation


def _check_output_size(input, geo):
    c, h, w = input._shape[-3:]
    oh, ow = geo.output_hw((h, w))
    if oh < 1 or ow < 1:
        raise RuntimeError(f"Given input size: ({c}x{h}x{w}). Calculated output size: "
                           f"({c}x{oh}x{ow}). Output size is too small")


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    """Max pooling over (H, W) windows of a (C, H, W) or (N, C, H, W) input; returns
    (values, indices), indices the flat positions ih*W + iw of the maxima."""
    require_tensor("max_pool2d", "input", 1, input)
    kernel, stride, padding, dilation = _window_geometry(
        "max_pool2d", input, kernel_size, stride, padding, dilation, ceil_mode)
    geo = PoolGeometry("max", kernel, stride, padding, dilation, bool(ceil_mode))
    _check_output_size(input, geo)
    return max_pool(input, geo, _max_pool_node)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """Max pooling over (H, W) windows; with return_indices, also the maxima's positions."""
    values, indices = max_pool2d_with_indices(input, kernel_size, stride, padding, dilation,
                                              ceil_mode)
    return (values, indices) if return_indices else values


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """Average pooling over (H, W) windows of a (C, H, W) or (N, C, H, W) input."""
    require_tensor("avg_pool2d", "input", 1, input)
    if input.ndim < 3:
        from ._common import wrap_dim
        wrap_dim(-3, input.ndim)  # PyTorch's IndexError
    kernel, stride, padding, dilation = _window_geometry(
        "avg_pool2d", input, kernel_size, stride, padding, 1, ceil_mode)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    if not input.dtype.is_floating_point and input.dtype is not _dtype.int64:
        raise NotImplementedError(f"\"avg_pool2d\" not implemented for "
                                  f"'{scalar_type_name(input.dtype)}'")
    geo = PoolGeometry("avg", kernel, stride, padding, dilation, bool(ceil_mode),
                       bool(count_include_pad), int(divisor_override or 0))
    _check_output_size(input, geo)
    return avg_pool(input, geo, _avg_pool_node)


def _adaptive_size(name, input, output_size, dims):
    if isinstance(output_size, numbers.Integral) and not isinstance(output_size, bool):
        size = (int(output_size),) * dims
    elif output_size is None:
        size = (None,) * dims
    else:
        size = tuple(output_size)
    if len(size) != dims:
        raise RuntimeError(f"{name}: output_size must be {dims}")
    spatial = input._shape[-dims:]
    size = tuple(s if o is None else int(o) for o, s in zip(size, spatial))
    if any(o < 0 for o in size):
        raise RuntimeError(f"{name}: elements of output_size must be greater than or equal to 0 "
                           f"but received {{{', '.join(str(o) for o in size)}}}")
    return size


def _check_adaptive_input(name, input):
    if input.ndim not in (3, 4):
        sep = ": " if "max" in name else " "
        raise RuntimeError(f"{name}(): Expected 3D or 4D tensor, but got{sep}{shape_str(input._shape)}")
    for d in (input.ndim - 2, input.ndim - 1):
        if input._shape[d] == 0:
            raise RuntimeError(f"{name}(): Expected input to have non-zero size for non-batch "
                               f"dimensions, but input has sizes {shape_str(input._shape)} with "
                               f"dimension {d} being empty")


def adaptive_avg_pool2d(input, output_size):
    """Average pooling to a fixed (OH, OW): window o spans [floor(o*H/OH), ceil((o+1)*H/OH))."""
    require_tensor("adaptive_avg_pool2d", "input", 1, input)
    _check_adaptive_input("adaptive_avg_pool2d", input)
    size = _adaptive_size("adaptive_avg_pool2d", input, output_size, 2)
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"adaptive_avg_pool2d\" not implemented for "
                                  f"'{scalar_type_name(input.dtype)}'")
    if size == (1, 1):  # PyTorch takes the mean (its graph shows MeanBackward1)
        return input.mean((-1, -2), keepdim=True)
    geo = PoolGeometry("adaptive_avg", out=size)
    return avg_pool(input, geo, _adaptive_avg_pool_node)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    require_tensor("adaptive_max_pool2d", "input", 1, input)
    _check_adaptive_input("adaptive_max_pool2d", input)
    size = _adaptive_size("adaptive_max_pool2d", input, output_size, 2)
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"adaptive_max_pool2d\" not implemented for "
                                  f"'{scalar_type_name(input.dtype)}'")
    geo = PoolGeometry("adaptive_max", out=size)
    return max_pool(input, geo, _adaptive_max_pool_node)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max pooling to a fixed (OH, OW), with the maxima's positions if return_indices."""
    values, indices = adaptive_max_pool2d_with_indices(input, output_size)
    return (values, indices) if return_indices else values


# ---- 1-D forms: 2-D poolings of height 1 ----------------------------------------------------
def _one_int(name, arg, value, dim_error):
    v = (int(value),) if isinstance(value, numbers.Integral) and not isinstance(value, bool) \
        else tuple(value)
    if len(v) != 1:
        raise RuntimeError(dim_error(len(v)))
    return v[0]


def _check_1d_input(name, input):
    if input.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.ndim}-dimensional tensor "
                           f"for argument #1 'self' (while checking arguments for {name})")


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    require_tensor("max_pool1d", "input", 1, input)
    if input.ndim not in (2, 3):
        raise RuntimeError(f"max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 "
                           f"dim batch size for input, but got:{shape_str(input._shape)}")

    def one(arg, value):
        return _one_int("max_pool1d", arg, value, lambda n: (
            f"max_pool1d() {arg} must be an int, list of ints or tuple of ints of size 1 but got "
            f"size {n}"))
    k = one("kernel_size", kernel_size)
    s = k if stride is None or (isinstance(stride, (tuple, list)) and not stride) \
        else one("stride", stride)
    p, d = one("padding", padding), one("dilation", dilation)
    if k <= 0:
        raise RuntimeError(f"max_pool1d() kernel_size must be greater than zero, but got {k}")
    if s <= 0:
        raise RuntimeError(f"max_pool1d() stride must be greater than zero, but got {s}")
    if p < 0:
        raise RuntimeError(f"max_pool1d() padding must be non-negative, but got {p}")
    if p > k // 2:
        raise RuntimeError(f"max_pool1d() padding should be at most half of kernel size, but got "
                           f"padding={p} and kernel_size={k}")
    if d <= 0:
        raise RuntimeError(f"max_pool1d() dilation must be greater than zero, but got {d}")
    out = plan.pool_output_size(input._shape[-1], k, s, p, d, bool(ceil_mode))
    if out <= 0:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {out}")
    values, indices = max_pool2d_with_indices(input.unsqueeze(-2), (1, k), (1, s), (0, p), (1, d),
                                              ceil_mode)
    return values.squeeze(-2), indices.squeeze(-2)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """Max pooling over windows of the last dim of an (N, C, L) or (C, L) input."""
    values, indices = max_pool1d_with_indices(input, kernel_size, stride, padding, dilation,
                                              ceil_mode)
    return (values, indices) if return_indices else values


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    """Average pooling over windows of the last dim of an (N, C, L) or (C, L) input."""
    require_tensor("avg_pool1d", "input", 1, input)
    _check_1d_input("avg_pool1d", input)

    def one(arg, value):
        return _one_int("avg_pool1d", arg, value,
                        lambda n: f"avg_pool1d() argument '{arg}' should contain one int (got {n})")
    k = one("kernel_size", kernel_size)
    s = k if stride is None or (isinstance(stride, (tuple, list)) and not stride) \
        else one("stride", stride)
    p = one("padding", padding)
    out = avg_pool2d(input.unsqueeze(-2), (1, k), (1, s), (0, p), ceil_mode, count_include_pad)
    return out.squeeze(-2)


def adaptive_avg_pool1d(input, output_size):
    """Average pooling of the last dim to a fixed length."""
    require_tensor("adaptive_avg_pool1d", "input", 1, input)
    _check_1d_input("adaptive_avg_pool1d", input)
    n = _one_int("adaptive_avg_pool1d", "output_size", output_size, lambda n: (
        f"adaptive_avg_pool1d() argument 'output_size' should contain one int (got {n})"))
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1, n)).squeeze(-2)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    require_tensor("adaptive_max_pool1d", "input", 1, input)
    _check_1d_input("adaptive_max_pool1d", input)
    n = _one_int("adaptive_max_pool1d", "output_size", output_size, lambda n: (
        f"adaptive_max_pool1d() argument 'output_size' should contain one int (got {n})"))
    values, indices = adaptive_max_pool2d_with_indices(input.unsqueeze(-2), (1, n))
    return values.squeeze(-2), indices.squeeze(-2)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Max pooling of the last dim to a fixed length (with the maxima's positions if
    return_indices)."""
    values, indices = adaptive_max_pool1d_with_indices(input, output_size)
    return (values, indices) if return_indices else values
