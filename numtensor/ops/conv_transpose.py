"""Transposed convolution (conv_transpose1d, conv_transpose2d) and unfold / fold.

A transposed convolution is the adjoint of a convolution: conv_transpose(x, w) is the
gradient, with respect to its input, of the convolution conv(y, w) whose output has x's
shape.  PyTorch's transposed weight (C_in, C_out / groups, KH, KW) is exactly that
convolution's weight (its C_out is our C_in), so the forward is convolution.py's
conv_input_grad (W^T @ x per group, then col2im) with the convolution's geometry:
stride, padding, dilation and groups as given, and its output (OH, OW) = our input's
spatial size.  The output size (H - 1)*stride - 2*padding + dilation*(k - 1) +
output_padding + 1 is the image that col2im sums into; output_padding only enlarges it
(windows that reach into that margin read zeros in the convolution, so nothing is
added there).  A bias is added afterwards, broadcast over the output.

The gradients come from the same pieces, each differentiable (so double backward works):
grad_input = conv(grad, w) (the convolution's forward), grad_weight = the convolution's
weight gradient with the roles of input and output gradient swapped, grad_bias = grad
summed over batch and positions.

unfold is im2col with one group and PyTorch's (N, C*KH*KW, L) layout, written by the
backend's im2col primitive straight into a contiguous result; fold is col2im reading the
(N, C*KH*KW, L) input in place.  Each one's gradient is the other.

Faster with a new primitive: the bias could be added inside col2im (one pass over the
output less), and col2im could read integer and complex operands without a new dtype
specialisation of its kernel.
"""
import collections.abc
import operator

from .. import _dtype
from .._backends import backend_for, plan
from .._tensor import operand
from ..autograd.derivatives import attach, derivative
from ._common import empty, require_tensor, scalar_type_name, shape_str
from .convolution import (ConvGeometry, _as4d, _as4d_shape, _compute_dtype, _conv_input_grad,
                          _from4d, _view, conv_weight_grad, convolution)
from .dispatch import cast, run_elementwise
from ..amp.autocast_mode import lower_precision

# the dtypes PyTorch's CPU build sends to oneDNN, whose dtype errors are worded differently
_ONEDNN_DTYPES = ("float32", "float16")


# ---- the differentiable transposed convolution ----------------------------------------------
def conv_transpose(x, w, bias, geo, out_hw):
    """conv_transpose of x (N, C_in, *spatial) with w (C_in, C_out/G, *kernel) (checked by the
    caller) into the spatial size out_hw (2-D; height 1 for 1-D); autograd records
    ConvolutionBackward0, as PyTorch's."""
    kdtype = _compute_dtype(x)
    x4, w4 = _as4d(cast(x, kdtype), geo.dims), _as4d(cast(w, kdtype), geo.dims)
    cout = w._shape[1] * geo.groups
    y4 = _conv_input_grad(x4, w4, (x._shape[0], cout) + tuple(out_hw), geo)
    if bias is not None and y4.numel():
        b = cast(bias, kdtype)
        # bias (C_out,) seen as (1, C_out, 1, 1), added in place to the fresh output
        b4 = _view(b, (1, cout, 1, 1), (0, b._strides[0], 0, 0))
        run_elementwise("add", (y4, b4), kdtype, kdtype, out=y4)
    y = cast(_from4d(y4, geo.dims), x.dtype)
    return attach(_conv_transpose_backward, y, (x, w, bias), geo=geo, w_shape=w._shape)


@derivative("ConvolutionBackward0", inputs=("input", "weight", "bias"),
            saves={"input": ("weight",), "weight": ("input",)})
def _conv_transpose_backward(ctx, grad):
    need = ctx.needs_input_grad
    geo = ctx.geo
    # the adjoint of conv_input_grad(., w) is the convolution with w
    gx = convolution(grad, ctx.weight, None, geo) if need[0] else None
    # conv(y, w) has input y (our output) and output gradient x (our input)
    gw = conv_weight_grad(grad, ctx.input, ctx.w_shape, geo) if need[1] else None
    gb = grad.sum((0,) + tuple(range(2, grad.ndim))) if need[2] else None
    return gx, gw, gb


# ---- PyTorch's argument parsing ------------------------------------------------------------
def _is_int(v):
    return hasattr(v, "__index__") and not isinstance(v, bool) and getattr(v, "ndim", 0) == 0


def _int_list(fname, arg, position, value, n=None):
    """value as a tuple of ints, worded as PyTorch's argument parser rejects it.  An int
    repeats n times where n is given (an int[n] parameter)."""
    where = f"argument '{arg}' (position {position})"
    if n is not None and _is_int(value):
        return (operator.index(value),) * n
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"{fname}(): {where} must be tuple of ints, not {type(value).__name__}")
    out = []
    for i, v in enumerate(value):
        if not _is_int(v) and not (i and isinstance(v, bool)):
            if i == 0:
                raise TypeError(f"{fname}(): {where} must be tuple of ints, but found element "
                                f"of type {type(v).__name__} at pos 0")
            raise TypeError(f"{fname}(): argument '{arg}' failed to unpack the object at pos "
                            f"{i + 1} with error \"type must be tuple of ints,but got "
                            f"{type(v).__name__}\"")
        out.append(operator.index(v))
    return tuple(out)


# ---- conv_transpose1d / conv_transpose2d: checks and errors, in PyTorch's order -------------
def _expand(values, wdims):
    """stride/padding/dilation/output_padding given as 1 or wdims values, as wdims values."""
    out = {}
    for what, v in values.items():
        if len(v) != 1 and len(v) != wdims:
            raise RuntimeError(f"expected {what} to be a single integer value or a list of "
                               f"{wdims} values to match the convolution dimensions, but got "
                               f"{what}={shape_str(v)}")
        out[what] = v * wdims if len(v) == 1 else v
    return out


def _check_shapes(x_shape, weight, bias, groups, p):
    """PyTorch's check_shape_forward for a transposed convolution."""
    if any(v < 0 for v in p["padding"]):
        raise RuntimeError("negative padding is not supported")
    if any(v < 0 for v in p["output_padding"]):
        raise RuntimeError("negative output_padding is not supported")
    if any(v <= 0 for v in p["stride"]):
        raise RuntimeError("non-positive stride is not supported")
    if any(v < 0 for v in p["dilation"]):
        raise RuntimeError("dilation should be greater than zero")
    ws = weight._shape
    if len(x_shape) != len(ws):
        raise RuntimeError(f"Expected {len(ws)}-dimensional input for {len(ws)}-dimensional "
                           f"weight {shape_str(ws)}, but got {len(x_shape)}-dimensional input of "
                           f"size {shape_str(x_shape)} instead")
    if ws[0] < groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at "
                           f"dimension 0, but got weight of size {shape_str(ws)} instead")
    if ws[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at "
                           f"dimension 0, but got weight of size [{shape_str(ws)}] instead")
    if x_shape[1] != ws[0]:
        raise RuntimeError(f"Given transposed=1, weight of size {shape_str(ws)}, expected "
                           f"input{shape_str(x_shape)} to have {ws[0]} channels, but got "
                           f"{x_shape[1]} channels instead")
    cout = ws[1] * groups
    if bias is not None and (bias.ndim != 1 or bias._shape[0] != cout):
        raise RuntimeError(f"Given transposed=1, weight of size {shape_str(ws)}, expected bias to "
                           f"be 1-dimensional with {cout} elements, but got bias of size "
                           f"{shape_str(bias._shape)} instead")


def _check_dtypes(name, input, weight, bias):
    """PyTorch's dtype errors: float32/float16 inputs go to oneDNN, which words them as
    'Input type ... should be the same'; the others to the slow kernel."""
    onednn = input.dtype.name in _ONEDNN_DTYPES
    for what, t in (("weight", weight), ("bias", bias)):
        if t is None or t.dtype is input.dtype:
            continue
        if onednn:
            raise RuntimeError(f"Input type ({input.type()}) and {what} type ({t.type()}) should "
                               f"be the same or input should be a MKLDNN tensor and {what} is a "
                               f"dense tensor")
        if what == "weight":
            raise RuntimeError(f"expected scalar type {scalar_type_name(input.dtype)} but found "
                               f"{scalar_type_name(t.dtype)}")
        if not _dtype.can_cast(t.dtype, input.dtype):  # the slow kernel casts a bias
            raise RuntimeError(f"result type {scalar_type_name(t.dtype)} can't be cast to the "
                               f"desired output type {scalar_type_name(input.dtype)}")
    if input.dtype is _dtype.bool_ or input.dtype.is_complex:
        raise NotImplementedError(f"\"slow_conv_transpose{name[-2:]}_out_cpu\" not implemented "
                                  f"for '{scalar_type_name(input.dtype)}'")


def _hw(values, fill):
    """A geometry's values as 2-D ones: a 1-D convolution runs as a 2-D one whose height
    is `fill` (1 for sizes, strides and dilations, 0 for paddings)."""
    return (fill,) * (2 - len(values)) + tuple(values)


def _output_size(x_shape, kernel, p, empty_batch):
    """The slow kernel's checks of kernel, dilation and output_padding (PyTorch skips the
    latter for an empty batch), then the output's spatial size (2-D)."""
    (kh, kw), (sh, sw), (dh, dw) = _hw(kernel, 1), _hw(p["stride"], 1), _hw(p["dilation"], 1)
    (ph, pw), (oph, opw) = _hw(p["padding"], 0), _hw(p["output_padding"], 0)
    if kh <= 0 or kw <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kernel_height: {kh} "
                           f"kernel_width: {kw}")
    if dh <= 0 or dw <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilation_height: {dh}, "
                           f"dilation_width: {dw}")
    if not empty_batch and not ((opw < sw or opw < dw) and (oph < sh or oph < dh)):
        raise RuntimeError(f"output padding must be smaller than either stride or dilation, but "
                           f"got output_padding_height: {oph} output_padding_width: {opw} "
                           f"stride_height: {sh} stride_width: {sw} dilation_height: {dh} "
                           f"dilation_width: {dw}")
    h, w = _hw(x_shape[2:], 1)
    out = ((h - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1,
           (w - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1)
    if out[0] < 1 or out[1] < 1:
        raise RuntimeError(f"Given input size per channel: ({h} x {w}). Calculated output size "
                           f"per channel: ({out[0]} x {out[1]}). Output size is too small")
    return out, ((sh, sw), (ph, pw), (dh, dw))


def _conv_transpose_args(name, dims, input, weight, bias, stride, padding, output_padding,
                         groups, dilation):
    """Check PyTorch's conv_transpose arguments in its order; returns (batched, geometry,
    output (OH, OW))."""
    require_tensor(name, "input", 1, input)
    require_tensor(name, "weight", 2, weight)
    require_tensor(name, "bias", 3, bias, optional=True)
    given = {"stride": _int_list(name, "stride", 4, stride, dims),
             "padding": _int_list(name, "padding", 5, padding, dims),
             "dilation": _int_list(name, "dilation", 8, dilation, dims),
             "output_padding": _int_list(name, "output_padding", 6, output_padding, dims)}
    if not _is_int(groups):
        raise TypeError(f"{name}(): argument 'groups' (position 7) must be int, not "
                        f"{type(groups).__name__}")
    groups = operator.index(groups)
    if input.ndim not in (dims + 1, dims + 2):
        raise RuntimeError(f"Expected {dims + 1}D (unbatched) or {dims + 2}D (batched) input to "
                           f"{name}, but got input of size: {shape_str(input._shape)}")
    batched = input.ndim == dims + 2
    x_shape = input._shape if batched else (1,) + input._shape
    if weight.ndim < 3:
        raise RuntimeError("weight should have at least three dimensions")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    p = _expand(given, weight.ndim - 2)
    _check_shapes(x_shape, weight, bias, groups, p)
    empty_batch = x_shape[0] == 0  # PyTorch's path for it checks no dtypes
    if not empty_batch:
        _check_dtypes(name, input, weight, bias)
    if not empty_batch and 0 in x_shape[2:]:
        raise RuntimeError(f"Only zero batch or zero channel inputs are supported, but got input "
                           f"shape: {shape_str(_as4d_shape(x_shape, dims))}")
    out, (stride, padding, dilation) = _output_size(x_shape, weight._shape[2:], p, empty_batch)
    geo = ConvGeometry(stride, padding, dilation, groups, _hw(x_shape[2:], 1), dims)
    return batched, geo, out


def _conv_transpose_nd(name, dims, input, weight, bias, stride, padding, output_padding, groups,
                       dilation):
    from . import views
    batched, geo, out = _conv_transpose_args(name, dims, input, weight, bias, stride, padding,
                                             output_padding, groups, dilation)
    x = input if batched else views.unsqueeze(input, 0)
    y = conv_transpose(x, weight, bias, geo, out)
    return y if batched else views.squeeze(y, 0)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """1-D transposed convolution of input (N, C_in, L) or (C_in, L) with weight
    (C_in, C_out / groups, K): the gradient of conv1d with respect to its input."""
    input, weight, bias = lower_precision(input, weight, bias)  # (autocast)
    return _conv_transpose_nd("conv_transpose1d", 1, input, weight, bias, stride, padding,
                              output_padding, groups, dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """2-D transposed convolution of input (N, C_in, H, W) or (C_in, H, W) with weight
    (C_in, C_out / groups, KH, KW): the gradient of conv2d with respect to its input."""
    input, weight, bias = lower_precision(input, weight, bias)  # (autocast)
    return _conv_transpose_nd("conv_transpose2d", 2, input, weight, bias, stride, padding,
                              output_padding, groups, dilation)


# ---- unfold (im2col) and fold (col2im) --------------------------------------------------------
class _Blocks:
    """The sliding blocks of unfold / fold: kernel, dilation, padding and stride as pairs,
    and the image's spatial size (H, W) with the blocks' grid (OH, OW)."""
    __slots__ = ("kernel", "dilation", "padding", "stride", "image", "grid")

    def __init__(self, kernel, dilation, padding, stride, image, grid):
        self.kernel, self.dilation, self.padding, self.stride = kernel, dilation, padding, stride
        self.image, self.grid = image, grid

    def plan(self, image_shape, image_strides, cols_strides):
        return plan.conv(tuple(image_shape), tuple(image_strides), self.kernel, self.stride,
                         self.padding, self.dilation, self.grid, tuple(cols_strides))


def _block_dtype(fname, t):
    """The dtype unfold / fold compute in: PyTorch's CPU kernels take floating and complex
    tensors and bool (copied or summed exactly in float32 here)."""
    dt = t.dtype
    if dt is _dtype.bool_:
        return _dtype.float32
    if not (dt.is_floating_point or dt.is_complex):
        raise NotImplementedError(f"\"{fname}_out_cpu\" not implemented for "
                                  f"'{scalar_type_name(dt)}'")
    return _compute_dtype(t)


def _im2col(x, blocks):
    """x (C, H, W) or (N, C, H, W) as its blocks' columns (C*KH*KW, L) or (N, C*KH*KW, L)."""
    kdtype = _block_dtype("im2col", x)
    x4 = cast(x, kdtype)
    if x.ndim == 3:
        x4 = _view(x4, (1,) + x4._shape, (0,) + x4._strides)
    n, c = x4._shape[:2]
    k = c * blocks.kernel[0] * blocks.kernel[1]
    p = blocks.grid[0] * blocks.grid[1]
    cols = empty((n, k, p), kdtype, x.device)
    if cols.numel():
        pl = blocks.plan(x4._shape, x4._strides, cols._strides)
        backend_for(x.device).im2col(pl, operand(x4), operand(cols))
    if x.ndim == 3:
        cols = _view(cols, (k, p), cols._strides[1:])
    return cast(cols, x.dtype)


def _col2im(cols, blocks):
    """The adjoint of _im2col: columns (C*KH*KW, L) or (N, C*KH*KW, L) summed into the image
    (C, H, W) or (N, C, H, W)."""
    kdtype = _block_dtype("col2im", cols)
    c3 = cast(cols, kdtype)
    if cols.ndim == 2:
        c3 = _view(c3, (1,) + c3._shape, (0,) + c3._strides)
    n, k = c3._shape[:2]
    c = k // (blocks.kernel[0] * blocks.kernel[1])
    image = empty((n, c) + blocks.image, kdtype, cols.device)
    if image.numel():
        pl = blocks.plan(image._shape, image._strides, c3._strides)
        backend_for(cols.device).col2im(pl, operand(c3), operand(image))
    if cols.ndim == 2:
        image = _view(image, image._shape[1:], image._strides[1:])
    return cast(image, cols.dtype)


def unfold_blocks(x, blocks):
    """unfold of a checked x; autograd records Im2ColBackward0."""
    return attach(_unfold_backward, _im2col(x, blocks), (x,), blocks=blocks)


@derivative("Im2ColBackward0")
def _unfold_backward(ctx, grad):
    return (fold_blocks(grad, ctx.blocks),)


def fold_blocks(cols, blocks):
    """fold of checked columns; autograd records Col2ImBackward0."""
    return attach(_fold_backward, _col2im(cols, blocks), (cols,), blocks=blocks)


@derivative("Col2ImBackward0")
def _fold_backward(ctx, grad):
    return (unfold_blocks(grad, ctx.blocks),)


def _pair(fname, arg, position, value):
    """F.unfold's _pair (an iterable as a tuple, anything else twice), then PyTorch's parse
    of an int[2] argument and its length check."""
    value = tuple(value) if isinstance(value, collections.abc.Iterable) else (value, value)
    value = _int_list(fname, arg, position, value)
    if len(value) != 2:
        raise RuntimeError(f"It is expected {arg} equals to 2, but got size {len(value)}")
    return value


def _check_positive(what, label, pair):
    if pair[0] <= 0 or pair[1] <= 0:
        raise RuntimeError(f"{what} should be greater than zero, but got {label}_height: "
                           f"{pair[0]} {label}_width: {pair[1]}")


def _check_padding(padding):
    if padding[0] < 0 or padding[1] < 0:
        raise RuntimeError(f"padding should be non-negative, but got pad_height: {padding[0]} "
                           f"pad_width: {padding[1]}")


def _grid(size, kernel, dilation, padding, stride):
    """The number of blocks along each spatial dim (floor division, as PyTorch's div_rtn)."""
    return tuple((n + 2 * p - (d * (k - 1) + 1)) // s + 1
                 for n, k, d, p, s in zip(size, kernel, dilation, padding, stride))


def _check_unfold_input(input):
    """PyTorch's im2col input check: it reads sizes 1 and 2 before it checks the dims."""
    nd = input.ndim
    for d in (1, 2):
        if d >= nd:
            if nd == 0:
                raise IndexError(f"Dimension specified as {d} but tensor has no dimensions")
            raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, "
                             f"{nd - 1}], but got {d})")
    s = input._shape
    valid = s[1] != 0 and s[2] != 0 and (s[0] != 0 if nd == 3 else nd != 4 or s[3] != 0)
    if nd not in (3, 4) or not valid:
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and "
                           f"other non-zero dimensions for input, but got: {shape_str(s)}")


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Extract sliding local blocks from a (N, C, H, W) or (C, H, W) input: the result is
    (N, C*KH*KW, L) (or (C*KH*KW, L)), one column per block, L blocks (im2col)."""
    require_tensor("im2col", "input", 1, input)
    kernel = _pair("im2col", "kernel_size", 2, kernel_size)
    dilation = _pair("im2col", "dilation", 3, dilation)
    padding = _pair("im2col", "padding", 4, padding)
    stride = _pair("im2col", "stride", 5, stride)
    _check_positive("kernel size", "kernel", kernel)
    _check_positive("dilation", "dilation", dilation)
    _check_padding(padding)
    _check_positive("stride", "stride", stride)
    _check_unfold_input(input)
    image = input._shape[-2:]
    grid = _grid(image, kernel, dilation, padding, stride)
    if grid[0] < 1 or grid[1] < 1:
        raise RuntimeError(f"Given input with spatial size ({image[0]}, {image[1]}), "
                           f"kernel_size=({kernel[0]}, {kernel[1]}), dilation=({dilation[0]}, "
                           f"{dilation[1]}), padding=({padding[0]}, {padding[1]}), calculated "
                           f"shape of the array of sliding blocks as ({grid[0]}, {grid[1]}), but "
                           f"its components must be at least one.")
    _block_dtype("im2col", input)
    return unfold_blocks(input, _Blocks(kernel, dilation, padding, stride, image, grid))


def _fold_geometry(input, image, kernel, dilation, padding, stride):
    """PyTorch's col2im shape checks; returns the blocks' grid."""
    s, nd = input._shape, input.ndim
    if not ((nd == 2 and s[0] != 0 and s[1] != 0) or (nd == 3 and s[1] != 0 and s[2] != 0)):
        raise RuntimeError(f"Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch "
                           f"size and non-zero dimensions for input, but got: {shape_str(s)}")
    planes, length = s[-2], s[-1]
    if planes % (kernel[0] * kernel[1]):
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product "
                           f"of kernel_size, but got input.size(1)={planes} and "
                           f"kernel_size=({kernel[0]}, {kernel[1]}).")
    grid = _grid(image, kernel, dilation, padding, stride)
    given = (f"Given output_size=({image[0]}, {image[1]}), kernel_size=({kernel[0]}, "
             f"{kernel[1]}), dilation=({dilation[0]}, {dilation[1]}), padding=({padding[0]}, "
             f"{padding[1]}), stride=({stride[0]}, {stride[1]}), ")
    if length != grid[0] * grid[1]:
        raise RuntimeError(f"{given}expected size of input's dimension 2 to match the calculated "
                           f"number of sliding blocks {grid[0]} * {grid[1]} = "
                           f"{grid[0] * grid[1]}, but got input.size(2)={length}.")
    if grid[0] < 1 or grid[1] < 1:
        raise RuntimeError(f"{given}calculated shape of the array of sliding blocks as "
                           f"({grid[0]}, {grid[1]}), which is too small (non-positive)")
    if image[0] < 1 or image[1] < 1:
        raise RuntimeError(f"Expected output spatial size to be positive, but got: "
                           f"output_size=({image[0]}, {image[1]}).")
    return grid


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Combine sliding local blocks (N, C*KH*KW, L) or (C*KH*KW, L) into an image
    (N, C, *output_size) or (C, *output_size), summing where blocks overlap (col2im)."""
    require_tensor("col2im", "input", 1, input)
    image = _pair("col2im", "output_size", 2, output_size)
    kernel = _pair("col2im", "kernel_size", 3, kernel_size)
    dilation = _pair("col2im", "dilation", 4, dilation)
    padding = _pair("col2im", "padding", 5, padding)
    stride = _pair("col2im", "stride", 6, stride)
    _check_positive("kernel size", "kernel", kernel)
    _check_positive("stride", "stride", stride)
    _check_positive("dilation", "dilation", dilation)
    _check_padding(padding)
    grid = _fold_geometry(input, image, kernel, dilation, padding, stride)
    _block_dtype("col2im", input)
    return fold_blocks(input, _Blocks(kernel, dilation, padding, stride, image, grid))
