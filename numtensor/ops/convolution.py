"""Convolution (conv1d, conv2d): im2col + BLAS GEMM forward, col2im + GEMM backward.

A convolution of x (N, C, H, W) with weights (Cout, C/groups, KH, KW) is a matrix
product once every receptive field of x is copied into a column matrix (the backend's
im2col primitive): per group, weights (Cout/G, K) @ columns (K, P), K = C/G*KH*KW the
field size and P = OH*OW the output positions.  The columns are laid out (G, K, N*P),
so that the weight gradient is one product for the whole batch.  The forward reads them
as N matrices (K, P) with leading dim N*P and runs one product per sample, weights
broadcast over the batch, written straight into the (N, Cout, OH, OW) result (the
lecture's first layer: 1.73 -> 1.19 ms, the transposing copy of a batch-wide product
gone).  With fewer than PER_SAMPLE_FROM positions a sample, where that many small products
cost more than the copy, one product per group covers the batch, (Cout, N, P), and one
transposing copy gives the result.  A shallow field (no more rows than positions, the
lecture's first layer) with PER_SAMPLE_FROM positions or more lays its columns out
sample by sample instead, (N, G, K, P): each forward product reads one contiguous block
(0.79 -> 0.52 ms on that layer), and the weight gradient is a product per sample,
grad (Cout/G, P) @ columns^T, summed over the batch by a product with a row of ones
(1.5 -> 0.7 ms, grad read in place instead of copied into channel order).

A bias rides in the GEMM: the weights get the bias as one more column and the columns
a row of ones, so no pass over the output adds it.

Backward (ConvolutionBackward0): grad_input = col2im(W^T @ grad), grad_weight =
grad @ columns^T (the forward's columns are saved, so im2col runs once), and the row of
ones turns the bias's gradient into one more column of that product.  A conv1d is a conv2d with H = 1.  The gradient functions are ops
with derivatives of their own (ConvolutionBackwardBackward0), so double backward
works: each of the three is linear in each argument and their adjoints are each other.

Deep convolutions with one group (32+ output channels, a field of 64+ rows: the
lecture's second layer) take another layout: x copied channels-last (N, H, W, C), so
that a receptive field's row of taps is one run of KW*C elements, and the columns
row-major (N*P, K) with a field ordered (i, j, c), filled by runs of KW*C; then one
product columns @ weights^T gives (N*P, Cout).  On the lecture's second layer the
columns took 0.5 ms instead of 1.3-3.4 and the product 1.1-1.7 ms instead of 2.5-3.3.
With few positions a sample (from 2 to CHANNELS_LAST_PER_SAMPLE_BELOW) the forward
runs one product per sample instead, weights @ that sample's columns transposed, written
straight into the result (the lecture's second layer 1.25-1.29 -> 0.95-1.01 ms).
"""
import numbers
import warnings

from .. import _dtype
from .._alloc import fill_, zeros
from .._backends import backend_for, plan
from .._tensor import Tensor, make_tensor, operand
from ..autograd.derivatives import attach, derivative
from ..autograd.grad_mode import is_grad_enabled
from ._common import empty, shape_str
from .._type_names import python_type_name
from .copy import contiguous_values
from .dispatch import cast, copy_into
from .linalg_ops import _product
from ..amp.autocast_mode import lower_precision


class ConvGeometry:
    """The hyper-parameters of one convolution, as 2-D tuples (conv1d: height 1).
    padding is the padding before each spatial dim; out is the output (OH, OW)."""
    __slots__ = ("stride", "padding", "dilation", "groups", "out", "dims")

    def __init__(self, stride, padding, dilation, groups, out, dims):
        self.stride, self.padding, self.dilation = stride, padding, dilation
        self.groups, self.out, self.dims = groups, out, dims


# ---- raw computations (4-D tensors of the compute dtype; no autograd) ------------------------
def _view(x, shape, strides, offset=None):
    return make_tensor(x._storage, x._offset if offset is None else offset, tuple(shape),
                       tuple(strides))


def _columns(x, kernel, geo, ones, sample_major=False):
    """The im2col buffer of x, (G, K, N*P), or (N, G, K, P) when sample_major; with
    `ones`, each group's rows end with a row of ones (the bias's)."""
    n, c = x._shape[:2]
    p = geo.out[0] * geo.out[1]
    k = c * kernel[0] * kernel[1] + (geo.groups if ones else 0)
    # strides of (sample, row, position); a group's rows follow the previous group's
    strides = (k * p, p, 1) if sample_major else (p, n * p, 1)
    pl = plan.conv(x._shape, x._strides, kernel, geo.stride, geo.padding, geo.dilation, geo.out,
                   strides, geo.groups, ones)
    cols = empty((n * k * p,), x.dtype, x.device)
    backend_for(x.device).im2col(pl, operand(x), operand(cols))
    return cols


class _Columns:
    """x's columns as the weight gradient multiplies them, and the strides of a field's
    (c, i, j) index along a row of them: either by_position, G matrices (N*P, rows of a
    group) for one batch-wide product, or by_sample, (N, G, rows of a group, P) for one
    product per sample."""
    __slots__ = ("by_position", "field_strides", "by_sample")

    def __init__(self, by_position, field_strides, by_sample=None):
        self.by_position, self.field_strides = by_position, field_strides
        self.by_sample = by_sample


def _grouped_columns(cols, n, p, kg, g, kernel):
    """The (G, K, N*P) column buffer of _columns as _Columns."""
    return _Columns(_view(cols, (g, n * p, kg), (kg * n * p, 1, n * p)),
                    (kernel[0] * kernel[1], kernel[1], 1))


def _group_weights(w, g, transposed=False):
    """w (Cout, Cg, KH, KW) as G matrices (Cout/G, K), or their transposes, batch dim G."""
    cout = w._shape[0]
    k = w._shape[1] * w._shape[2] * w._shape[3]
    w = contiguous_values(w)
    if transposed:
        return _view(w, (g, k, cout // g), ((cout // g) * k, 1, k))
    return _view(w, (g, cout // g, k), ((cout // g) * k, k, 1))


def _weights_with_bias(w, bias, g):
    """G matrices (Cout/G, K + 1): each group's weights with its bias as the last column,
    which multiplies the columns' row of ones."""
    cout = w._shape[0]
    k = w._shape[1] * w._shape[2] * w._shape[3]
    wb = empty((g, cout // g, k + 1), w.dtype, w.device)
    copy_into(_view(wb, (g, cout // g, k), wb._strides), _group_weights(w, g))
    copy_into(_view(wb, (g, cout // g), wb._strides[:2], wb._offset + k),
              _view(bias, (g, cout // g), ((cout // g) * bias._strides[0], bias._strides[0])))
    return wb


def _conv(x, w, geo, bias=None):
    """y = conv(x, w) (+ bias): x (N, C, H, W), w (Cout, C/G, KH, KW) -> (N, Cout, OH, OW).
    A bias rides in the GEMM (weights with a bias column times columns with a row of
    ones).  Returns (y, columns)."""
    n = x._shape[0]
    cout = w._shape[0]
    g = geo.groups
    oh, ow = geo.out
    p = oh * ow
    ones = bias is not None
    kg = w._shape[1] * w._shape[2] * w._shape[3] + ones   # rows per group
    cg = cout // g
    if n and g == 1 and _positions_first(cg, kg, x.dtype):
        return _conv_channels_last(x, w, geo, bias)
    if n and p >= PER_SAMPLE_FROM and kg <= p and not _positions_first(cg, kg, x.dtype):
        # a shallow field (the lecture's first layer): the columns sample by sample, so
        # that each product reads a contiguous (K, P) block (0.79 -> 0.52 ms on that
        # layer: rows N*P apart cost TLB and cache misses in the BLAS's packing)
        cols = _columns(x, w._shape[2:], geo, ones, sample_major=True)
        by_sample = _view(cols, (n, g, kg, p), (g * kg * p, kg * p, p, 1))
        wg = _weights_with_bias(w, bias, g) if ones else _group_weights(w, g)
        y = _product(_view(wg, (1, g, cg, kg), (0,) + wg._strides), by_sample, (n, g))
        return (_view(y, (n, cout, oh, ow), plan.contiguous_strides((n, cout, oh, ow))),
                _Columns(None, (w._shape[2] * w._shape[3], w._shape[3], 1), by_sample))
    cols = _columns(x, w._shape[2:], geo, ones)
    columns = _grouped_columns(cols, n, p, kg, g, w._shape[2:])
    if n == 0:
        return empty((0, cout, oh, ow), x.dtype, x.device), columns
    wg = _weights_with_bias(w, bias, g) if ones else _group_weights(w, g)
    if p >= PER_SAMPLE_FROM and not _positions_first(cg, kg, x.dtype):
        # one product per sample, written straight into y: the weights (batch stride 0)
        # times that sample's P columns of each row (leading dim N*P)
        y = _product(_view(wg, (1, g, cg, kg), (0,) + wg._strides),
                     _view(cols, (n, g, kg, p), (p, kg * n * p, n * p, 1)), (n, g))
        return _view(y, (n, cout, oh, ow), plan.contiguous_strides((n, cout, oh, ow))), columns
    y = empty((n, cout, oh, ow), x.dtype, x.device)
    if _positions_first(cg, kg, x.dtype):
        # the same product transposed, columns^T @ weights^T: (G, N*P, Cout/G)
        b = _view(cols, (g, n * p, kg), (kg * n * p, 1, n * p))
        # weights^T copied row-major (a small copy): with columns^T read in place, the
        # product is the gemm variant the backward already uses, not one more compiled one
        wt = empty((g, kg, cg), wg.dtype, wg.device)
        copy_into(wt, _view(wg, (g, kg, cg), (wg._strides[0], wg._strides[2], wg._strides[1])))
        by_position = _product(b, wt, (g,))
        src_strides = (p * cg, n * p * cg, 1, ow * cg, cg)
    else:  # few positions a sample: one product for the whole batch, then a transposing copy
        b = _view(cols, (g, kg, n * p), (kg * n * p, n * p, 1))
        by_position = _product(wg, b, (g,))                  # (G, Cout/G, N*P)
        src_strides = (p, n * p * cg, n * p, ow, 1)
    # (N, G, Cout/G, OH, OW) views of the product and of y
    copy_into(_view(y, (n, g, cg, oh, ow), (cout * p, cg * p, p, ow, 1)),
              _view(by_position, (n, g, cg, oh, ow), src_strides))
    return y, columns


PER_SAMPLE_FROM = 16  # output positions a sample from which _conv runs a product per sample
# ... and below which the channels-last layout does (measured on 2 AVX-512 cores with 32-64
# channels: 4, 16 and 36 positions 1.4-2x faster than one product and a transposing copy;
# 1 and 64-196 positions 5-20% slower)
CHANNELS_LAST_PER_SAMPLE_BELOW = 48


def _channels_last_image(x, kernel, geo):
    """x (N, C, H, W) as a channels-last image, zero-padded where windows reach outside
    it: (image, its (N, H, W, C) strides, the offset of the first window's corner)."""
    n, c, h, w = x._shape
    (ph, pw), (oh, ow) = geo.padding, geo.out
    hp = plan.padded_extent(h, ph, oh, kernel[0], geo.stride[0], geo.dilation[0])
    wp = plan.padded_extent(w, pw, ow, kernel[1], geo.stride[1], geo.dilation[1])
    padded = ph or pw or hp > h or wp > w
    if not padded and x._strides == (h * w * c, 1, w * c, c):  # already channels-last
        return x, (h * w * c, w * c, c, 1), x._offset
    image = (zeros if padded else empty)((n, hp, wp, c), x.dtype, x.device)
    strides = (hp * wp * c, wp * c, c, 1)
    copy_into(_view(image, (n, c, h, w), (strides[0], 1, strides[1], strides[2]),
                    ph * strides[1] + pw * c), x)
    return image, strides, 0


def _conv_channels_last(x, w, geo, bias):
    """_conv with one group through channels-last columns (see the module's docstring)."""
    n, c = x._shape[:2]
    cout, _, kh, kw = w._shape
    oh, ow = geo.out
    p = oh * ow
    ones = bias is not None
    k = c * kh * kw + ones
    image, (sn, sy, sx, _), origin = _channels_last_image(x, (kh, kw), geo)
    cols = empty((n * p * k,), x.dtype, x.device)
    (sh, sw), (dh, dw) = geo.stride, geo.dilation
    copy_into(_view(cols, (n, oh, ow, kh, kw, c), (p * k, ow * k, k, kw * c, c, 1)),
              _view(image, (n, oh, ow, kh, kw, c), (sn, sh * sy, sw * sx, dh * sy, dw * sx, 1),
                    origin))
    wt = empty((k, cout), w.dtype, w.device)  # weights^T, rows in the field's (i, j, c) order
    copy_into(_view(wt, (cout, c, kh, kw), (1, cout, kw * c * cout, c * cout)), w)
    if ones:  # the columns' last entry is 1, the weights' last row the bias
        # a one broadcast down the strided column: the copy kernel this function has
        # compiled already, where fill_ would compile its strided kernel on a cold cache
        copy_into(_view(cols, (n * p,), (k,), k - 1), fill_(empty((1,), x.dtype, x.device), 1))
        copy_into(_view(wt, (cout,), (1,), (k - 1) * cout), bias)
    by_position = _view(cols, (1, n * p, k), (n * p * k, k, 1))
    if 1 < p < CHANNELS_LAST_PER_SAMPLE_BELOW:
        # one product per sample, weights (Cout, K) times that sample's columns read
        # transposed, written straight into y
        y = _product(_view(wt, (1, cout, k), (0, 1, cout)), _view(cols, (n, k, p), (p * k, 1, k)),
                     (n,))
        y = _view(y, (n, cout, oh, ow), plan.contiguous_strides((n, cout, oh, ow)))
    else:  # one product for the batch, (N*P, Cout), and a transposing copy into y
        product = _product(by_position, _view(wt, (1, k, cout), (k * cout, cout, 1)), (1,))
        y = empty((n, cout, oh, ow), x.dtype, x.device)
        ps = product._strides  # (1, N*P, Cout)
        copy_into(y, _view(product, (n, cout, oh, ow), (p * ps[1], ps[2], ow * ps[1], ps[1])))
    return y, _Columns(by_position, (1, kw * c, c))


def _positions_first(cout_per_group, rows, dtype):
    """Whether the forward product runs as columns^T @ weights^T (N*P rows) rather than
    weights @ columns (Cout/G rows).  With 32 or more output channels and a deep field
    (rows of the columns, K >= 64) SciPy's OpenBLAS sgemm measured 10-35% faster that way
    on 2 AVX-512 cores, which pays for reordering (N, P, Cout) into (N, Cout, P): conv
    forward 7.0 -> 6.2 ms on the lecture's second layer, 20.8 -> 16.7 ms on (32, 64, 14,
    14) with 128 3x3 filters.  A shallow field (the lecture's first layer, K = 26) gains
    nothing and keeps the plain order."""
    return dtype.is_floating_point and cout_per_group >= 32 and rows >= 64


def _grad_by_channel(grad):
    """grad (N, Cout, OH, OW) copied into (Cout, N*P) order, for the batch-wide products."""
    n, cout, oh, ow = grad._shape
    out = empty((cout, n, oh, ow), grad.dtype, grad.device)
    copy_into(out, _view(grad, (cout, n, oh, ow), (grad._strides[1], grad._strides[0]) +
                         grad._strides[2:]))
    return out


def _conv_input_grad(grad, w, x_shape, geo):
    """The gradient of conv(x, w) with respect to x, for the output gradient grad."""
    n, c = x_shape[:2]
    cout = w._shape[0]
    g = geo.groups
    p = geo.out[0] * geo.out[1]
    gx = empty(x_shape, grad.dtype, grad.device)
    if n == 0:
        return gx
    wt = _group_weights(w, g, transposed=True)        # (G, K, Cout/G)
    by_channel = _grad_by_channel(grad)
    b = _view(by_channel, (g, cout // g, n * p), ((cout // g) * n * p, n * p, 1))
    cols = _product(wt, b, (g,))                       # (G, K, N*P)
    pl = plan.conv(tuple(x_shape), gx._strides, tuple(w._shape[2:]), geo.stride, geo.padding,
                   geo.dilation, geo.out, (p, n * p, 1), g, False)
    backend_for(gx.device).col2im(pl, operand(cols), operand(gx))
    return gx


def _conv_weight_grad(x, grad, w_shape, geo, cols=None, ones=False):
    """The gradients of conv(x, w) (+ bias) with respect to w and, when the columns carry
    rows of ones (`ones`), the bias: (grad_weight, grad_bias or None).  cols: x's columns
    from the forward, if at hand (built here otherwise, without ones)."""
    n = x._shape[0]
    cout = w_shape[0]
    g = geo.groups
    p = geo.out[0] * geo.out[1]
    if cols is None:
        ones = False
    k = w_shape[1] * w_shape[2] * w_shape[3]
    kg = k + ones
    if n == 0:
        return zeros(w_shape, grad.dtype, grad.device), \
            zeros((cout,), grad.dtype, grad.device) if ones else None
    if cols is None:
        cols = _grouped_columns(_columns(x, w_shape[2:], geo, False), n, p, kg, g, w_shape[2:])
    if cols.by_sample is not None:
        # per sample grad (Cout/G, P) @ columns^T (P, K), both read in place, then the
        # samples' products summed (the lecture's first layer: 1.5 -> 0.7 ms, without
        # copying grad into channel order)
        grad = contiguous_values(grad)
        s = cols.by_sample._strides
        parts = _product(_view(grad, (n, g, cout // g, p), (cout * p, (cout // g) * p, p, 1)),
                         _view(cols.by_sample, (n, g, p, kg), (s[0], s[1], s[3], s[2])), (n, g))
        # summed over the batch by one more product, ones (1, N) @ parts (N, G*Cout/G*K):
        # the GEMM kernel is compiled already, a reduction over dim 0 would cost a cold
        # first training step 2 s more
        m = g * (cout // g) * kg
        unit = fill_(empty((1, 1, n), parts.dtype, parts.device), 1)
        gw = _view(_product(unit, _view(parts, (1, n, m), (n * m, m, 1)), (1,)),
                   (g, cout // g, kg), (m // g, kg, 1))    # (G, Cout/G, K (+1))
    else:
        by_channel = _grad_by_channel(grad)
        a = _view(by_channel, (g, cout // g, n * p), ((cout // g) * n * p, n * p, 1))
        gw = _product(a, cols.by_position, (g,))         # (G, Cout/G, K (+1))
    if not ones and cols.field_strides == (w_shape[2] * w_shape[3], w_shape[3], 1):
        return _view(gw, w_shape, plan.contiguous_strides(w_shape)), None
    # the weights' gradient gathered from the field's order, without the bias column
    weight = empty(w_shape, grad.dtype, grad.device)
    unit = gw._strides[2]
    copy_into(_view(weight, (g, cout // g) + tuple(w_shape[1:]),
                    ((cout // g) * k, k) + plan.contiguous_strides(w_shape[1:])),
              _view(gw, (g, cout // g) + tuple(w_shape[1:]),
                    gw._strides[:2] + tuple(f * unit for f in cols.field_strides)))
    if not ones:
        return weight, None
    bias = empty((cout,), grad.dtype, grad.device)
    copy_into(_view(bias, (g, cout // g), (cout // g, 1)),
              _view(gw, (g, cout // g), gw._strides[:2], gw._offset + k))
    return weight, bias


# ---- the differentiable ops ----------------------------------------------------------------
def _as4d(t, dims):
    """A conv1d operand (N, C, L) as (N, C, 1, L) (a raw view, no autograd)."""
    if dims == 2:
        return t
    return _view(t, t._shape[:2] + (1,) + t._shape[2:], t._strides[:2] + (0,) + t._strides[2:])


def _from4d(t, dims):
    if dims == 2:
        return t
    return _view(t, t._shape[:2] + t._shape[3:], t._strides[:2] + t._strides[3:])


def _as4d_shape(shape, dims):
    return tuple(shape) if dims == 2 else tuple(shape[:2]) + (1,) + tuple(shape[2:])


def _compute_dtype(t):
    return backend_for(t.device).compute_dtype("conv", t.dtype)


def convolution(x, w, bias, geo):
    """conv of x (N, C, *spatial) with w (checked by the caller); autograd records
    ConvolutionBackward0."""
    kdtype = _compute_dtype(x)
    x4, w4 = _as4d(cast(x, kdtype), geo.dims), _as4d(cast(w, kdtype), geo.dims)
    b = cast(bias, kdtype) if bias is not None else None
    y4, cols = _conv(x4, w4, geo, b)
    y = cast(_from4d(y4, geo.dims), x.dtype)
    return attach(_convolution_backward, y, (x, w, bias), columns=cols, geo=geo,
                  x_shape=x._shape, w_shape=w._shape, ones=b is not None)


@derivative("ConvolutionBackward0", inputs=("input", "weight", "bias"),
            saves={"input": ("weight",), "weight": ("input", "columns")})
def _convolution_backward(ctx, grad):
    need = ctx.needs_input_grad
    geo = ctx.geo
    gx = conv_input_grad(grad, ctx.weight, ctx.x_shape, geo) if need[0] else None
    gw = gb = None
    if need[1] and not is_grad_enabled():
        # the saved columns give the weight's gradient, and with their rows of ones the
        # bias's too, in one GEMM
        kdtype = _compute_dtype(grad)
        g4 = _as4d(cast(grad, kdtype), geo.dims)
        gw4, gb = _conv_weight_grad(_as4d(cast(ctx.input, kdtype), geo.dims), g4,
                                    _as4d_shape(ctx.w_shape, geo.dims), geo, ctx.columns,
                                    ctx.ones)
        gw = cast(_from4d(gw4, geo.dims), grad.dtype)
        gb = cast(gb, grad.dtype) if gb is not None and need[2] else None
    elif need[1]:  # create_graph: the differentiable form
        gw = conv_weight_grad(ctx.input, grad, ctx.w_shape, geo)
    if need[2] and gb is None:
        gb = grad.sum((0,) + tuple(range(2, grad.ndim)))
    return gx, gw, gb


def conv_input_grad(grad, w, x_shape, geo):
    """d conv(x, w) / dx applied to grad (x_shape: x's shape); differentiable."""
    kdtype = _compute_dtype(grad)
    g4, w4 = _as4d(cast(grad, kdtype), geo.dims), _as4d(cast(w, kdtype), geo.dims)
    gx4 = _conv_input_grad(g4, w4, _as4d_shape(x_shape, geo.dims), geo)
    gx = cast(_from4d(gx4, geo.dims), grad.dtype)
    return attach(_conv_input_grad_backward, gx, (grad, w), geo=geo, x_shape=tuple(x_shape),
                  w_shape=w._shape)


@derivative("ConvolutionBackwardBackward0", inputs=("grad_output", "weight"),
            saves={"grad_output": ("weight",), "weight": ("grad_output",)})
def _conv_input_grad_backward(ctx, ggx):
    need = ctx.needs_input_grad
    d_grad = convolution(ggx, ctx.weight, None, ctx.geo) if need[0] else None
    d_w = conv_weight_grad(ggx, ctx.grad_output, ctx.w_shape, ctx.geo) if need[1] else None
    return d_grad, d_w


def conv_weight_grad(x, grad, w_shape, geo):
    """d conv(x, w) / dw applied to grad.  Differentiable."""
    kdtype = _compute_dtype(grad)
    x4, g4 = _as4d(cast(x, kdtype), geo.dims), _as4d(cast(grad, kdtype), geo.dims)
    gw4, _ = _conv_weight_grad(x4, g4, _as4d_shape(w_shape, geo.dims), geo)
    gw = cast(_from4d(gw4, geo.dims), grad.dtype)
    return attach(_conv_weight_grad_backward, gw, (x, grad), geo=geo, x_shape=x._shape,
                  w_shape=tuple(w_shape))


@derivative("ConvolutionBackwardBackward0", inputs=("input", "grad_output"),
            saves={"input": ("grad_output",), "grad_output": ("input",)})
def _conv_weight_grad_backward(ctx, ggw):
    need = ctx.needs_input_grad
    d_x = conv_input_grad(ctx.grad_output, ggw, ctx.x_shape, ctx.geo) if need[0] else None
    d_grad = convolution(ctx.input, ggw, None, ctx.geo) if need[1] else None
    return d_x, d_grad


# ---- PyTorch's conv1d / conv2d: argument checks and errors -----------------------------------
_TYPE_NAME = {"float16": "torch.HalfTensor", "float32": "torch.FloatTensor",
              "float64": "torch.DoubleTensor"}


def _invalid_arguments(name, args, kwargs):
    got = ", ".join([python_type_name(a) if not isinstance(a, Tensor) else "Tensor" for a in args]
                    + [f"{k}={python_type_name(v)}" for k, v in kwargs.items()])
    return TypeError(
        f"{name}() received an invalid combination of arguments - got ({got}), but expected one "
        f"of:\n * (Tensor input, Tensor weight, Tensor bias = None, tuple of ints stride = 1, "
        f"tuple of ints padding = 0, tuple of ints dilation = 1, int groups = 1)\n"
        f" * (Tensor input, Tensor weight, Tensor bias = None, tuple of ints stride = 1, "
        f"str padding = \"valid\", tuple of ints dilation = 1, int groups = 1)\n")


def _is_int(v):
    return type(v) is int or isinstance(v, numbers.Integral) and not isinstance(v, bool)


def _int_tuple(value, n):
    """An int or a sequence of ints as a tuple (an int repeats n times); None if invalid."""
    if type(value) is int:  # the common spellings first: this runs on every call
        return (value,) * n
    if type(value) is tuple and all(type(v) is int for v in value):
        return value
    if _is_int(value):
        return (int(value),) * n
    if isinstance(value, (tuple, list)) and all(_is_int(v) for v in value):
        return tuple(int(v) for v in value)
    return None


def _conv_args(name, dims, input, weight, bias, stride, padding, dilation, groups):
    """Check PyTorch's conv arguments in its order; returns (batched, ConvGeometry)."""
    positional = (input, weight)
    named = {k: v for k, v in (("bias", bias), ("stride", stride), ("padding", padding),
                               ("dilation", dilation), ("groups", groups))}
    bad = {k: v for k, v in named.items() if
           (k == "bias" and v is not None and not isinstance(v, Tensor)) or
           (k in ("stride", "dilation") and _int_tuple(v, dims) is None) or
           (k == "padding" and not isinstance(v, str) and _int_tuple(v, dims) is None) or
           (k == "groups" and not _is_int(v))}
    if not isinstance(input, Tensor) or not isinstance(weight, Tensor) or bad:
        raise _invalid_arguments(name, [a for a in positional], bad)
    stride, dilation = _int_tuple(stride, dims), _int_tuple(dilation, dims)
    pad_string = padding if isinstance(padding, str) else None
    if pad_string is not None and pad_string not in ("same", "valid"):
        raise RuntimeError(f"Invalid padding string: '{pad_string}'")
    padding = (0,) * dims if pad_string is not None else _int_tuple(padding, dims)
    if input.ndim not in (dims + 1, dims + 2):
        raise RuntimeError(f"Expected {dims + 1}D (unbatched) or {dims + 2}D (batched) input to "
                           f"{name}, but got input of size: {shape_str(input._shape)}")
    batched = input.ndim == dims + 2
    x_shape = input._shape if batched else (1,) + input._shape
    if weight.ndim < 3:
        raise RuntimeError("weight should have at least three dimensions")
    wdims = weight.ndim - 2
    given = {"stride": stride, "padding": padding, "dilation": dilation}
    for what, v in given.items():
        if len(v) != 1 and len(v) != wdims:
            raise RuntimeError(f"expected {what} to be a single integer value or a list of "
                               f"{wdims} values to match the convolution dimensions, but got "
                               f"{what}={shape_str(v)}")
        given[what] = v * wdims if len(v) == 1 else v
    stride, padding, dilation = given["stride"], given["padding"], given["dilation"]
    if len(x_shape) != weight.ndim:
        raise RuntimeError(f"Expected {weight.ndim}-dimensional input for {weight.ndim}-dimensional "
                           f"weight {shape_str(weight._shape)}, but got {len(x_shape)}-dimensional "
                           f"input of size {shape_str(x_shape)} instead")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")
    if weight._shape[0] == 0:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least 1 at dimension "
                           f"0, but got weight of size {shape_str(weight._shape)} instead")
    if weight._shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at "
                           f"dimension 0, but got weight of size [{shape_str(weight._shape)}] "
                           f"instead")
    if x_shape[1] != weight._shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {shape_str(weight._shape)}, "
                           f"expected input{shape_str(x_shape)} to have "
                           f"{weight._shape[1] * groups} channels, but got {x_shape[1]} channels "
                           f"instead")
    if bias is not None and (bias.ndim != 1 or bias._shape[0] != weight._shape[0]):
        raise RuntimeError(f"Given weight of size {shape_str(weight._shape)}, expected bias to be "
                           f"1-dimensional with {weight._shape[0]} elements, but got bias of size "
                           f"{shape_str(bias._shape)} instead")
    _check_dtypes(input, weight, bias)
    kernel = weight._shape[2:]
    after = padding
    if pad_string == "same":
        if any(s != 1 for s in stride):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        total = [d * (k - 1) for d, k in zip(dilation, kernel)]
        padding = tuple(t // 2 for t in total)
        after = tuple(t - t // 2 for t in total)
        if any(t % 2 for t in total):
            warnings.warn("Using padding='same' with even kernel lengths and odd dilation may "
                          "require a zero-padded copy of the input be created", UserWarning,
                          stacklevel=4)
    spatial = x_shape[2:]
    padded = [n + p + a for n, p, a in zip(spatial, padding, after)]
    effective = [d * (k - 1) + 1 for d, k in zip(dilation, kernel)]
    if any(e > n for e, n in zip(effective, padded)):
        raise RuntimeError(f"Calculated padded input size per channel: "
                           f"({' x '.join(str(n) for n in padded)}). Kernel size: "
                           f"({' x '.join(str(k) for k in effective)}). Kernel size can't be "
                           f"greater than actual input size")
    out = tuple((n - e) // s + 1 for n, e, s in zip(padded, effective, stride))
    if dims == 1:
        stride, padding, dilation, out = ((1,) + stride, (0,) + padding, (1,) + dilation,
                                          (1,) + out)
    return batched, ConvGeometry(stride, padding, dilation, int(groups), out, dims)


def _check_dtypes(input, weight, bias):
    if input.dtype is not weight.dtype:
        if input.dtype.is_floating_point and weight.dtype.is_floating_point and \
                input.dtype.itemsize < weight.dtype.itemsize:
            raise RuntimeError(f"Input type ({_TYPE_NAME.get(input.dtype.name, input.type())}) "
                               f"and weight type ({_TYPE_NAME.get(weight.dtype.name, weight.type())})"
                               f" should be the same or input should be a MKLDNN tensor and "
                               f"weight is a dense tensor")
        from ._common import scalar_type_name
        raise RuntimeError(f"expected scalar type {scalar_type_name(input.dtype)} but found "
                           f"{scalar_type_name(weight.dtype)}")
    if bias is not None and bias.dtype is not input.dtype:
        raise RuntimeError(f"Input type ({input.dtype.name.replace('float32', 'float').replace('float64', 'double')}) "
                           f"and bias type ({bias.dtype.name.replace('float32', 'float').replace('float64', 'double')}) "
                           f"should be the same")
    if input.dtype is _dtype.bool_ or input.dtype.is_complex:
        from ._common import scalar_type_name
        raise NotImplementedError(f"\"slow_conv2d_cpu\" not implemented for "
                                  f"'{scalar_type_name(input.dtype)}'")


def _conv_nd(name, dims, input, weight, bias, stride, padding, dilation, groups):
    from . import views
    batched, geo = _conv_args(name, dims, input, weight, bias, stride, padding, dilation, groups)
    x = input if batched else views.unsqueeze(input, 0)
    y = convolution(x, weight, bias, geo)
    return y if batched else views.squeeze(y, 0)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution of input (N, C, L) or (C, L) with weight (Cout, C/groups, K)."""
    input, weight, bias = lower_precision(input, weight, bias)  # (autocast)
    return _conv_nd("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution of input (N, C, H, W) or (C, H, W) with weight (Cout, C/groups, KH, KW)."""
    input, weight, bias = lower_precision(input, weight, bias)  # (autocast)
    return _conv_nd("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)
