"""conv3d and the 3-D poolings (max, average, adaptive average, adaptive max), composed
of numtensor's 2-D convolution and pooling primitives.

conv3d: the depth taps of the kernel fold into the channels.  The input is padded along
depth and its depth windows are taken with unfold (N, C, OD, H, W, KD); laid out as
(N*OD, C*KD, H, W) they are OD depth slices, each holding every tap of its window as
channels, and the weight (Cout, C/G, KD, KH, KW) read as (Cout, C/G*KD, KH, KW) is a
2-D kernel over them (a group's channels stay contiguous: channel c*KD + kd).  So one
call of the im2col/GEMM conv2d does the whole 3-D convolution (stride, padding and
dilation in H and W are conv2d's own, the bias rides in its GEMM); autograd runs through
unfold, the copies and conv2d, all differentiable, and the whole is recorded as one node
ConvolutionBackward0, as in PyTorch.

Poolings separate by dim: a window of a 3-D pooling is a product of 1-D windows, so a
2-D pooling over (H, W) of the (N, C*D, H, W) planes followed by a pooling over D (the
2-D primitive again, on (N*C, 1, D, OH*OW) with (KD, 1) windows) gives the 3-D one.
Max pooling keeps, at each step, the first maximum in scan order, so the combined index
d*H*W + h*W + w is PyTorch's; the values are then gathered at those indices (the gather's
backward scatters the gradient to them, exactly MaxPool3DWithIndicesBackward0's rule).
Average pooling sums both stages (divisor 1) and divides once by PyTorch's divisor,
which is also a product of per-dim window sizes (count_include_pad, ceil_mode) or
divisor_override; integer input is divided with truncation, as PyTorch's kernel does.
"""
import numbers

from .. import _dtype
from .._tensor import Tensor
from ..autograd.derivatives import composite
from ..autograd.grad_mode import no_grad
from ..ops._common import scalar_type_name, shape_str
from ..ops import pooling as _pool
from ..ops.convolution import _conv_args, conv2d as _conv2d
from .._type_names import python_type_name

__all__ = ["conv3d", "max_pool3d", "max_pool3d_with_indices", "avg_pool3d",
           "adaptive_avg_pool3d", "adaptive_max_pool3d", "adaptive_max_pool3d_with_indices"]


# ---- conv3d --------------------------------------------------------------------------------
def _conv3d_args(input, weight, bias, stride, padding, dilation, groups):
    # one call deeper than conv2d's, so that _conv_args's 'same' warning names the caller
    try:
        return _conv_args("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)
    except NotImplementedError as e:  # the dtype check names the 2-D kernel
        raise NotImplementedError(str(e).replace("slow_conv2d", "slow_conv3d")) from None


def _conv3d_compute(x, weight, bias, stride, before, after, dilation, groups, out_depth):
    from .functional import pad
    n, c = x.shape[0], x.shape[1]
    cout, cg, kd, kh, kw = weight.shape
    sd, sh, sw = stride
    dd, dh, dw = dilation
    # pad depth (and H, W where the padding is one-sided: 'same' with an even span);
    # symmetric H, W padding is conv2d's own
    if before[1:] == after[1:]:
        hw_pad, pads = tuple(before[1:]), (0, 0, 0, 0, before[0], after[0])
    else:
        hw_pad, pads = (0, 0), (before[2], after[2], before[1], after[1], before[0], after[0])
    if any(pads):
        x = pad(x, pads)
    span = dd * (kd - 1) + 1
    taps = x.unfold(2, span, sd)                   # (N, C, OD, H', W', span)
    if dd > 1:
        taps = taps[..., ::dd]
    h, w = taps.shape[3], taps.shape[4]
    # (N, OD, C, KD, H', W'): the depth slices, each window's taps as channels
    planes = taps.permute(0, 2, 1, 5, 3, 4).reshape(n * out_depth, c * kd, h, w)
    y = _conv2d(planes, weight.reshape(cout, cg * kd, kh, kw), bias, (sh, sw), hw_pad, (dh, dw),
                groups)
    oh, ow = y.shape[2], y.shape[3]
    return y.reshape(n, out_depth, cout, oh, ow).permute(0, 2, 1, 3, 4).contiguous()


_CONV3D = composite("ConvolutionBackward0")(_conv3d_compute)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-D convolution of input (N, C, D, H, W) or (C, D, H, W) with weight
    (Cout, C/groups, KD, KH, KW)."""
    batched, geo = _conv3d_args(input, weight, bias, stride, padding, dilation, groups)
    before = after = tuple(geo.padding)
    if isinstance(padding, str) and padding == "same":
        total = [d * (k - 1) for d, k in zip(geo.dilation, weight.shape[2:])]
        after = tuple(t - b for t, b in zip(total, before))
    x = input if batched else input.unsqueeze(0)
    y = _CONV3D(x, weight, bias, tuple(geo.stride), before, after, tuple(geo.dilation),
                geo.groups, geo.out[0])
    return y if batched else y.squeeze(0)


# ---- argument checks of the 3-D poolings, in PyTorch's order --------------------------------
def _check_tensor(name, input):
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not "
                        f"{python_type_name(input)}")


def _triple(value, message, allow_empty=False):
    n = len(value)
    if n == 1:
        return value * 3
    if n == 3 or (allow_empty and n == 0):
        return value
    raise RuntimeError(message)


def _half(v):
    """C++'s integer v / 2 (truncating toward zero)."""
    return int(v / 2)


def _output_size(size, k, s, p, d, ceil_mode):
    """PyTorch's pooling_output_shape, with its checks."""
    if s == 0:
        raise RuntimeError("stride should not be zero")
    if p < 0:
        raise RuntimeError(f"pad must be non-negative, but got pad: {p}")
    if p > _half((k - 1) * d + 1):
        raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                           f"pad={p}, kernel_size={k} and dilation={d}")
    from .._backends import plan
    return plan.pool_output_size(size, k, s, p, d, ceil_mode)


def _pool3d_geometry(name, fn_name, input, kernel_size, stride, padding, dilation, ceil_mode,
                     check_input_size=False, divisor_override=None):
    """(kernel, stride, padding, dilation, output (OD, OH, OW)) as PyTorch checks them."""
    avg = name.startswith("avg")
    must = "must" if avg else "must either"
    kernel = _triple(_pool._ints(name, "kernel_size", kernel_size, 2),
                     f"{name}: kernel_size {must} be a single int, or a tuple of three ints")
    stride = () if stride is None else _pool._ints(name, "stride", stride, 3)
    stride = _triple(stride, f"{name}: stride {must} be omitted, a single int, or a tuple of "
                             f"three ints", allow_empty=True) or kernel
    padding = _triple(_pool._ints(name, "padding", padding, 4),
                      f"{name}: padding {must} be a single int, or a tuple of three ints")
    if avg:
        dilation = (1, 1, 1)
    else:
        dilation = _triple(_pool._ints(name, "dilation", dilation, 5),
                           f"{name}: dilation must be either a single int, or a tuple of three "
                           f"ints")
    if input.ndim not in (4, 5):
        raise RuntimeError("non-empty 4D or 5D (batch mode) tensor expected for input")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    spatial = input.shape[-3:]
    out = tuple(_output_size(n, k, s, p, d, bool(ceil_mode))
                for n, k, s, p, d in zip(spatial, kernel, stride, padding, dilation))
    for i in range(input.ndim):
        if input.ndim == 5 and i == 0:
            continue
        if input.shape[i] <= 0:
            raise RuntimeError(f"{fn_name}: Expected input's non-batch dimensions to have "
                               f"positive length, but input has a shape of "
                               f"{shape_str(input.shape)} and non-batch dimension "
                               f"{input.shape[i]} has length zero!")
    (kt, kh, kw), (st, sh, sw), (pt, ph, pw), (dt, dh, dw) = kernel, stride, padding, dilation
    if kt <= 0 or kh <= 0 or kw <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kT: {kt} kH: {kh} "
                           f"kW: {kw}")
    if st <= 0 or sh <= 0 or sw <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got dT: {st} dH: {sh} "
                           f"dW: {sw}")
    if dt <= 0 or dh <= 0 or dw <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilationT: {dt} "
                           f"dilationH: {dh} dilationW: {dw}")
    if kt // 2 < pt or kw // 2 < pw or kh // 2 < ph:
        raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but got "
                           f"kT: {kt} kW: {kw} kH: {kh} padT: {pt} padW: {pw} padH: {ph}")
    it, ih, iw = spatial
    if check_input_size and (it < kt or ih < kh or iw < kw):
        raise RuntimeError(f"input image (T: {it} H: {ih} W: {iw}) smaller than kernel size "
                           f"(kT: {kt} kH: {kh} kW: {kw})")
    if any(o < 1 for o in out):
        c = input.shape[-4]
        raise RuntimeError(f"Given input size: ({c}x{it}x{ih}x{iw}). Calculated output size: "
                           f"({c}x{out[0]}x{out[1]}x{out[2]}). Output size is too small")
    return kernel, stride, padding, dilation, out


def _as5d(input):
    return input if input.ndim == 5 else input.unsqueeze(0)


def _like(t, input):
    return t if input.ndim == 5 else t.squeeze(0)


# ---- max pooling ---------------------------------------------------------------------------
def _combine_indices(plane_idx, depth_idx, n, c, d, hw, out_hw, out):
    """Flat indices d*H*W + (h*W + w) from the (H, W) stage's indices (N, C*D, OH, OW) and
    the depth stage's (N*C, 1, OD, OH*OW) ones (d*OH*OW + p)."""
    depth_idx = depth_idx.reshape(n * c, out[0] * out_hw)
    flat = plane_idx.reshape(n * c, d * out_hw).gather(1, depth_idx)
    depth = depth_idx.div(out_hw, rounding_mode="floor")
    return (depth * hw + flat).reshape(n, c, *out)


def _gather_values(x, idx):
    """x ((N,) C, D, H, W) read at the flat indices idx ((N,) C, OD, OH, OW)."""
    lead = tuple(x.shape[:-3])
    return x.reshape(*lead, -1).gather(-1, idx.reshape(*lead, -1)).reshape(idx.shape)


_MAX_POOL3D_VALUES = composite("MaxPool3DWithIndicesBackward0")(_gather_values)
_ADAPTIVE_MAX_POOL3D_VALUES = composite("AdaptiveMaxPool3DBackward0")(_gather_values)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    """(values, indices) of max pooling over (D, H, W) windows of a (C, D, H, W) or
    (N, C, D, H, W) input; indices are the flat positions d*H*W + h*W + w of the maxima."""
    return _max_pool3d("max_pool3d_with_indices", input, kernel_size, stride, padding,
                       dilation, ceil_mode)


def _max_pool3d(name, input, kernel_size, stride, padding, dilation, ceil_mode):
    _check_tensor(name, input)
    kernel, stride, padding, dilation, out = _pool3d_geometry(
        "max_pool3d", "max_pool3d_with_indices_out_cpu_template()", input, kernel_size, stride,
        padding, dilation, ceil_mode)
    if input.dtype is _dtype.bool_ or input.dtype.is_complex:
        raise NotImplementedError(f"\"max_pool3d\" not implemented for "
                                  f"'{scalar_type_name(input.dtype)}'")
    x = _as5d(input)
    n, c, d, h, w = x.shape
    with no_grad():
        planes, plane_idx = _pool.max_pool2d_with_indices(
            x.reshape(n, c * d, h, w), kernel[1:], stride[1:], padding[1:], dilation[1:],
            ceil_mode)
        out_hw = out[1] * out[2]
        values, depth_idx = _pool.max_pool2d_with_indices(
            planes.reshape(n * c, 1, d, out_hw), (kernel[0], 1), (stride[0], 1),
            (padding[0], 0), (dilation[0], 1), ceil_mode)
        idx = _combine_indices(plane_idx, depth_idx, n, c, d, h * w, out_hw, out)
    idx = _like(idx, input)
    if input.requires_grad:
        return _MAX_POOL3D_VALUES(input, idx), idx
    return _like(values.reshape(n, c, *out), input), idx


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """Max pooling over (D, H, W) windows; with return_indices, also the maxima's flat
    positions d*H*W + h*W + w."""
    values, indices = _max_pool3d("max_pool3d_with_indices" if return_indices else "max_pool3d",
                                  input, kernel_size, stride, padding, dilation, ceil_mode)
    return (values, indices) if return_indices else values


# ---- average pooling -----------------------------------------------------------------------
def _window_sizes(size, out, k, s, p, count_include_pad):
    """PyTorch's divisor factor along one dim for each output position."""
    sizes = []
    for o in range(out):
        start = o * s - p
        end = min(start + k, size + p)
        pool = end - start
        start, end = max(start, 0), min(end, size)
        sizes.append(pool if count_include_pad else end - start)
    return sizes


def _avg_pool3d_compute(input, kernel, stride, padding, ceil_mode, count_include_pad,
                        divisor_override, out):
    from .. import tensor
    x = _as5d(input)
    n, c, d, h, w = x.shape
    sums = _pool.avg_pool2d(x.reshape(n, c * d, h, w), kernel[1:], stride[1:], padding[1:],
                            ceil_mode, True, 1)
    out_hw = out[1] * out[2]
    sums = _pool.avg_pool2d(sums.reshape(n * c, 1, d, out_hw), (kernel[0], 1), (stride[0], 1),
                            (padding[0], 0), ceil_mode, True, 1).reshape(n, c, *out)
    if divisor_override is not None:
        divisor = int(divisor_override)
    else:
        per_dim = [_window_sizes(size, o, k, s, p, count_include_pad)
                   for size, o, k, s, p in zip((d, h, w), out, kernel, stride, padding)]
        if len({v for sizes in per_dim for v in sizes}) == 1:
            divisor = per_dim[0][0] * per_dim[1][0] * per_dim[2][0]
        else:
            td, th, tw = (tensor(v, dtype=sums.dtype, device=x.device) for v in per_dim)
            divisor = td.reshape(-1, 1, 1) * th.reshape(-1, 1) * tw
    sums = _like(sums, input)
    if sums.dtype.is_floating_point:
        return sums / divisor
    return sums.div(divisor, rounding_mode="trunc")


_AVG_POOL3D = composite("AvgPool3DBackward0")(_avg_pool3d_compute)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """Average pooling over (D, H, W) windows of a (C, D, H, W) or (N, C, D, H, W) input."""
    _check_tensor("avg_pool3d", input)
    kernel, stride, padding, _, out = _pool3d_geometry(
        "avg_pool3d", "avg_pool3d()", input, kernel_size, stride, padding, 1, ceil_mode,
        check_input_size=True, divisor_override=divisor_override)
    if not input.dtype.is_floating_point and input.dtype is not _dtype.int64:
        raise NotImplementedError(f"\"avg_pool3d_out_frame\" not implemented for "
                                  f"'{scalar_type_name(input.dtype)}'")
    return _AVG_POOL3D(input, kernel, stride, padding, bool(ceil_mode),
                       bool(count_include_pad), divisor_override, out)


# ---- adaptive poolings ---------------------------------------------------------------------
def _adaptive_size(output_size, input):
    """F.adaptive_*_pool3d's output_size with None filled from input (PyTorch's
    _list_with_default)."""
    if isinstance(output_size, numbers.Integral) and not isinstance(output_size, bool):
        return (int(output_size),) * 3
    size = tuple(output_size)
    if input.ndim <= len(size):
        raise ValueError(f"Input dimension should be at least {len(size) + 1}")
    return tuple(int(d) if v is None else int(v)
                 for v, d in zip(size, input.shape[-len(size):] if size else ()))


def _adaptive_avg_pool3d_compute(input, size):
    x = _as5d(input)
    n, c, d, h, w = x.shape
    od, oh, ow = size
    planes = _pool.adaptive_avg_pool2d(x.reshape(n, c * d, h, w), (oh, ow))
    pooled = _pool.adaptive_avg_pool2d(planes.reshape(n * c, 1, d, oh * ow), (od, oh * ow))
    return _like(pooled.reshape(n, c, od, oh, ow), input)


_ADAPTIVE_AVG_POOL3D = composite("AdaptiveAvgPool3DBackward0")(_adaptive_avg_pool3d_compute)


def adaptive_avg_pool3d(input, output_size):
    """Average pooling to a fixed (OD, OH, OW): window o spans
    [floor(o*D/OD), ceil((o+1)*D/OD)) in each dim (None keeps the input's size)."""
    _check_tensor("adaptive_avg_pool3d", input)
    size = _adaptive_size(output_size, input)
    if len(size) != 3:
        raise RuntimeError("adaptive_avg_pool3d: output_size must be 3")
    if any(o < 0 for o in size):
        raise RuntimeError(f"adaptive_avg_pool3d: elements of output_size must be greater than "
                           f"or equal to 0 but received {{{size[0]}, {size[1]},{size[2]}}}")
    if size == (1, 1, 1):  # PyTorch takes the mean (its graph shows MeanBackward1)
        return input.mean((-1, -2, -3), keepdim=True)
    for i in range(1, input.ndim):
        if input.shape[i] == 0:
            raise RuntimeError(f"adaptive_avg_pool3d(): Expected input to have non-zero size for "
                               f"non-batch dimensions, but input has sizes "
                               f"{shape_str(input.shape)} with dimension {i} being empty")
    if input.ndim not in (4, 5):
        raise RuntimeError(f"adaptive_avg_pool3d(): Expected 4D or 5D tensor, but got "
                           f"{shape_str(input.shape)}")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"adaptive_avg_pool3d_cpu\" not implemented for "
                                  f"'{scalar_type_name(input.dtype)}'")
    return _ADAPTIVE_AVG_POOL3D(input, size)


def _adaptive_max_pool3d(input, output_size):
    _check_tensor("adaptive_max_pool3d", input)
    size = _adaptive_size(output_size, input)
    if input.ndim not in (4, 5):
        raise RuntimeError(f"adaptive_max_pool3d(): Expected 4D or 5D tensor, but got: "
                           f"{shape_str(input.shape)}")
    for i in range(1, input.ndim):
        if input.shape[i] == 0:
            raise RuntimeError(f"adaptive_max_pool3d(): Expected input to have non-zero size for "
                               f"non-batch dimensions, but input has sizes "
                               f"{shape_str(input.shape)} with dimension {i} being empty")
    if len(size) != 3:
        raise RuntimeError("adaptive_max_pool3d(): internal error: output_size.size() must be 3")
    if any(o < 0 for o in size):
        shape = tuple(input.shape[:-3]) + size
        raise RuntimeError(f"Trying to create tensor with negative dimension "
                           f"{min(size)}: {shape_str(shape)}")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"adaptive_max_pool3d_cpu\" not implemented for "
                                  f"'{scalar_type_name(input.dtype)}'")
    x = _as5d(input)
    n, c, d, h, w = x.shape
    od, oh, ow = size
    with no_grad():
        planes, plane_idx = _pool.adaptive_max_pool2d_with_indices(
            x.reshape(n, c * d, h, w), (oh, ow))
        values, depth_idx = _pool.adaptive_max_pool2d_with_indices(
            planes.reshape(n * c, 1, d, oh * ow), (od, oh * ow))
        idx = _combine_indices(plane_idx, depth_idx, n, c, d, h * w, oh * ow, size)
    idx = _like(idx, input)
    if input.requires_grad:
        return _ADAPTIVE_MAX_POOL3D_VALUES(input, idx), idx
    return _like(values.reshape(n, c, *size), input), idx


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    """(values, indices) of max pooling to a fixed (OD, OH, OW)."""
    return _adaptive_max_pool3d(input, output_size)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    """Max pooling to a fixed (OD, OH, OW), with the maxima's flat positions if
    return_indices."""
    values, indices = _adaptive_max_pool3d(input, output_size)
    return (values, indices) if return_indices else values
