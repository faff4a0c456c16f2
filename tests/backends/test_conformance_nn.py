"""Conformance of the neural-network primitives of every backend present: im2col, col2im,
max_pool (+ indices), max_pool_backward, avg_pool, avg_pool_backward, softmax,
softmax_backward, nll_loss and nll_loss_backward, called directly with plans, on contiguous, strided and offset
operands, and compared with NumPy references written out loop by loop.

Operands are made and read only through the backend's storage primitives (from_host,
allocate, to_host), so the same tests run on any device.
"""
import itertools
import math

import numpy as np
import pytest

from backend_helpers import BACKENDS, large
from numtensor._backends import plan


@pytest.fixture(params=BACKENDS, ids=lambda b: b.name)
def be(request):
    return request.param


def put(be, array, offset=0, strides=None):
    """A flat buffer holding `array` at `offset` with the given element strides
    (default: contiguous); returns ((buffer, offset), strides)."""
    array = np.asarray(array)
    if strides is None:
        strides = plan.contiguous_strides(array.shape)
    size = offset + 1 + sum((n - 1) * s for n, s in zip(array.shape, strides)) if array.size else offset
    host = np.full(max(size, 1), 77, dtype=array.dtype)  # junk between the elements
    for idx in itertools.product(*(range(n) for n in array.shape)):
        host[offset + sum(i * s for i, s in zip(idx, strides))] = array[idx]
    return (be.from_host(host), offset), tuple(strides)


def get(be, operand, shape, strides=None):
    """The elements of an operand of `shape` (contiguous unless strides are given)."""
    buf, offset = operand
    strides = strides or plan.contiguous_strides(shape)
    n = offset + 1 + sum((k - 1) * s for k, s in zip(shape, strides)) if math.prod(shape) else 0
    host = np.array(be.to_host(buf, 0, n), copy=True)
    out = np.empty(shape, dtype=host.dtype)
    for idx in itertools.product(*(range(k) for k in shape)):
        out[idx] = host[offset + sum(i * s for i, s in zip(idx, strides))]
    return out


def fresh(be, n, dtype, offset=0):
    return (be.allocate(offset + n, np.dtype(dtype)), offset)


def _rng(seed=0):
    return np.random.default_rng(seed)


# ---- im2col / col2im ------------------------------------------------------------------
def im2col_reference(x, kernel, stride, padding, dilation, out_hw):
    n, c, h, w = x.shape
    kh, kw = kernel
    oh, ow = out_hw
    cols = np.zeros((n, c * kh * kw, oh * ow), dtype=x.dtype)
    for b, ch, i, j, y, z in itertools.product(range(n), range(c), range(kh), range(kw),
                                               range(oh), range(ow)):
        ih = y * stride[0] - padding[0] + i * dilation[0]
        iw = z * stride[1] - padding[1] + j * dilation[1]
        if 0 <= ih < h and 0 <= iw < w:
            cols[b, (ch * kh + i) * kw + j, y * ow + z] = x[b, ch, ih, iw]
    return cols


def col2im_reference(cols, shape, kernel, stride, padding, dilation, out_hw):
    n, c, h, w = shape
    kh, kw = kernel
    oh, ow = out_hw
    x = np.zeros(shape, dtype=cols.dtype)
    for b, ch, i, j, y, z in itertools.product(range(n), range(c), range(kh), range(kw),
                                               range(oh), range(ow)):
        ih = y * stride[0] - padding[0] + i * dilation[0]
        iw = z * stride[1] - padding[1] + j * dilation[1]
        if 0 <= ih < h and 0 <= iw < w:
            x[b, ch, ih, iw] += cols[b, (ch * kh + i) * kw + j, y * ow + z]
    return x


CONV_CASES = [
    # shape, kernel, stride, padding, dilation, extra padding after (asymmetric)
    ((2, 3, 6, 5), (3, 2), (1, 1), (0, 0), (1, 1), (0, 0)),
    ((2, 2, 7, 7), (3, 3), (2, 1), (1, 2), (1, 2), (0, 0)),
    ((1, 2, 5, 6), (2, 4), (1, 1), (0, 1), (1, 1), (1, 2)),     # 'same' with even kernels
    ((3, 1, 4, 9), (1, 3), (1, 3), (0, 1), (1, 2), (0, 0)),
    ((2, 2, 3, 3), (3, 3), (1, 1), (2, 2), (2, 2), (0, 0)),     # windows mostly padding
]


def _out_hw(shape, kernel, stride, padding, dilation, after):
    return tuple((shape[2 + d] + padding[d] + after[d] - dilation[d] * (kernel[d] - 1) - 1)
                 // stride[d] + 1 for d in range(2))


@pytest.mark.parametrize("layout", ["per_sample", "batch_wide"])
@pytest.mark.parametrize("x_layout", ["contiguous", "strided"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
@pytest.mark.parametrize("case", range(len(CONV_CASES)))
def test_im2col_and_col2im(be, case, dtype, x_layout, layout):
    shape, kernel, stride, padding, dilation, after = CONV_CASES[case]
    out_hw = _out_hw(shape, kernel, stride, padding, dilation, after)
    x = (_rng(case).standard_normal(shape) * 10).astype(dtype)
    xs = None
    if x_layout == "strided":  # channels last, with gaps, at an offset
        n, c, h, w = shape
        xs = (h * w * c * 2, 2, w * c * 2, c * 2)
    xop, xs = put(be, x, offset=3 if xs else 0, strides=xs)
    n, c = shape[:2]
    k, p = c * kernel[0] * kernel[1], out_hw[0] * out_hw[1]
    cols_strides = (k * p, p, 1) if layout == "per_sample" else (p, n * p, 1)
    pl = plan.conv(shape, xs, kernel, stride, padding, dilation, out_hw, cols_strides)
    assert pl.ncols == n * k * p and (pl.oh, pl.ow) == out_hw
    cols = fresh(be, n * k * p, dtype, offset=5)
    be.im2col(pl, xop, cols)
    got = get(be, cols, (n, k, p), cols_strides)
    want = im2col_reference(x, kernel, stride, padding, dilation, out_hw)
    np.testing.assert_array_equal(got, want)

    # col2im: the adjoint, into an image of any strides (here: the transposed plane)
    c_values = (_rng(case + 1).standard_normal((n, k, p)) * 10).astype(dtype)
    cop, _ = put(be, c_values, offset=2, strides=cols_strides)
    out_strides = (c * shape[2] * shape[3], shape[2] * shape[3], 1, shape[2])
    pl2 = plan.conv(shape, out_strides, kernel, stride, padding, dilation, out_hw, cols_strides)
    img = fresh(be, n * c * shape[2] * shape[3], dtype, offset=1)
    be.col2im(pl2, cop, img)
    got = get(be, img, shape, out_strides)
    want = col2im_reference(c_values, shape, kernel, stride, padding, dilation, out_hw)
    if dtype == np.int64:
        np.testing.assert_array_equal(got, want)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-5 if dtype == np.float32 else 1e-12,
                                   atol=1e-4 if dtype == np.float32 else 1e-10)


def with_ones_rows(cols, groups):
    """Reference columns (N, K, P) with a row of ones after each group's rows."""
    n, k, p = cols.shape
    kg = k // groups
    parts = []
    for g in range(groups):
        parts += [cols[:, g * kg:(g + 1) * kg], np.ones((n, 1, p), cols.dtype)]
    return np.concatenate(parts, axis=1)


@pytest.mark.parametrize("layout", ["per_sample", "batch_wide"])
@pytest.mark.parametrize("groups", [1, 2, 4])
def test_im2col_rows_of_ones_for_the_bias(be, groups, layout):
    shape, kernel = (3, 4, 5, 6), (2, 3)
    x = _rng(7).standard_normal(shape).astype(np.float64)
    xop, xs = put(be, x, offset=1)
    out_hw = (5, 4)                                   # padding (1, 0) before, nothing after
    n, c = shape[:2]
    k, p = c * 6 + groups, 20
    cols_strides = (k * p, p, 1) if layout == "per_sample" else (p, n * p, 1)
    pl = plan.conv(shape, xs, kernel, (1, 1), (1, 0), (1, 1), out_hw, cols_strides, groups, True)
    assert pl.k == k and pl.ncols == n * k * p
    cols = fresh(be, n * k * p, np.float64)
    be.im2col(pl, xop, cols)
    want = with_ones_rows(im2col_reference(x, kernel, (1, 1), (1, 0), (1, 1), out_hw), groups)
    got = get(be, cols, (n, k, p), cols_strides)
    np.testing.assert_array_equal(got, want)
    # col2im reads such columns skipping the ones
    img = fresh(be, x.size, np.float64)
    be.col2im(pl, cols, img)
    np.testing.assert_allclose(
        get(be, img, shape),
        col2im_reference(im2col_reference(x, kernel, (1, 1), (1, 0), (1, 1), out_hw), shape,
                         kernel, (1, 1), (1, 0), (1, 1), out_hw), rtol=1e-12)


def test_im2col_large_enough_for_the_parallel_kernel(be):
    large(be)  # the CPU's parallel kernel; far too slow for the CUDA simulator
    shape, kernel = (8, 4, 20, 20), (3, 3)
    x = _rng(3).standard_normal(shape).astype(np.float32)
    xop, xs = put(be, x)
    out_hw = (18, 18)
    k, p = 36, 324
    for cols_strides in ((k * p, p, 1), (p, 8 * p, 1)):
        pl = plan.conv(shape, xs, kernel, (1, 1), (0, 0), (1, 1), out_hw, cols_strides)
        cols = fresh(be, 8 * k * p, np.float32)
        be.im2col(pl, xop, cols)
        np.testing.assert_array_equal(get(be, cols, (8, k, p), cols_strides),
                                      im2col_reference(x, kernel, (1, 1), (0, 0), (1, 1), out_hw))
        img = fresh(be, x.size, np.float32)
        be.col2im(pl, cols, img)
        np.testing.assert_allclose(get(be, img, shape),
                                   col2im_reference(im2col_reference(x, kernel, (1, 1), (0, 0),
                                                                     (1, 1), out_hw),
                                                    shape, kernel, (1, 1), (0, 0), (1, 1), out_hw),
                                   rtol=1e-5, atol=1e-5)


# ---- pooling ---------------------------------------------------------------------------------
def windows(pl):
    fh, ch, dh, fw, cw, dw = (t.tolist() for t in pl.tables)
    _, _, _, _, _, _, DH, DW = pl.geometry.tolist()
    for oh in range(pl.oh):
        for ow in range(pl.ow):
            rows = [fh[oh] + t * DH for t in range(ch[oh])]
            cols = [fw[ow] + t * DW for t in range(cw[ow])]
            yield oh, ow, rows, cols, dh[oh] * dw[ow]


def max_pool_reference(x, pl):
    n, c = x.shape[:2]
    y = np.empty((n, c, pl.oh, pl.ow), dtype=x.dtype)
    idx = np.empty((n, c, pl.oh, pl.ow), dtype=np.int64)
    w = x.shape[3]
    for b, ch in itertools.product(range(n), range(c)):
        for oh, ow, rows, cols, _ in windows(pl):
            best, where = None, None
            for r, q in itertools.product(rows, cols):
                v = x[b, ch, r, q]
                if best is None or v > best or v != v:  # the last NaN wins
                    best, where = v, r * w + q
            y[b, ch, oh, ow], idx[b, ch, oh, ow] = best, where
    return y, idx


def avg_pool_reference(x, pl):
    n, c = x.shape[:2]
    y = np.empty((n, c, pl.oh, pl.ow), dtype=x.dtype)
    for b, ch in itertools.product(range(n), range(c)):
        for oh, ow, rows, cols, div in windows(pl):
            total = sum(x[b, ch, r, q] for r, q in itertools.product(rows, cols))
            d = pl.divisor or div
            if x.dtype.kind == "i":
                y[b, ch, oh, ow] = int(total / d) if abs(total) < 2 ** 52 else total // d
            else:
                y[b, ch, oh, ow] = total / d
    return y


POOL_CASES = [
    # kernel, stride, padding, dilation, ceil_mode, count_include_pad, divisor
    ((3, 3), (3, 3), (0, 0), (1, 1), False, True, 0),
    ((2, 3), (1, 2), (1, 1), (2, 1), True, True, 0),
    ((3, 2), (2, 2), (1, 1), (1, 1), True, False, 0),
    ((2, 2), (1, 1), (0, 1), (1, 1), False, True, 3),
]


def _pool_plan(case, shape, x_strides, y_strides, dilated=True):
    kernel, stride, padding, dilation, ceil_mode, include, divisor = POOL_CASES[case]
    if not dilated:  # average pooling has no dilation
        dilation = (1, 1)
    return plan.pool(shape, kernel, stride, padding, dilation, ceil_mode, include, divisor,
                     x_strides, y_strides)


@pytest.mark.parametrize("x_layout", ["contiguous", "strided"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.int32])
@pytest.mark.parametrize("case", range(len(POOL_CASES)))
def test_max_pool_and_backward(be, case, dtype, x_layout):
    shape = (2, 3, 7, 6)
    x = (_rng(case).standard_normal(shape) * 100).astype(dtype)
    if dtype in (np.float32, np.float64):
        x[0, 0, 1, 1] = np.nan
        x[1, 2, 3:5, 3:5] = -np.inf
    xs = None if x_layout == "contiguous" else (2, 2 * 7 * 6 * 2, 6 * 2 * 2, 2 * 2)
    xop, xs = put(be, x, offset=4, strides=xs)
    pl = _pool_plan(case, shape, xs, plan.contiguous_strides((2, 3, 1, 1)))
    pl = _pool_plan(case, shape, xs, plan.contiguous_strides((2, 3, pl.oh, pl.ow)))
    yshape = (2, 3, pl.oh, pl.ow)
    y, idx = fresh(be, math.prod(yshape), dtype, 1), fresh(be, math.prod(yshape), np.int64, 2)
    be.max_pool(pl, xop, y, idx)
    want_y, want_idx = max_pool_reference(x, pl)
    np.testing.assert_array_equal(get(be, y, yshape), want_y)
    np.testing.assert_array_equal(get(be, idx, yshape), want_idx)

    if dtype not in (np.float32, np.float64):
        return
    # backward: gradient strided (broadcast over the batch), result written at any strides
    g = _rng(9).standard_normal(yshape[1:]).astype(dtype)
    gop, gs = put(be, g, offset=3)
    gstrides = (0,) + gs
    out_strides = plan.contiguous_strides(shape)
    pl_b = _pool_plan(case, shape, out_strides, gstrides)
    gx = fresh(be, math.prod(shape), dtype, 6)
    be.max_pool_backward(pl_b, gop, idx, gx)
    want = np.zeros(shape, dtype)
    for b, ch, oh, ow in itertools.product(*(range(k) for k in yshape)):
        i = want_idx[b, ch, oh, ow]
        want[b, ch, i // shape[3], i % shape[3]] += g[ch, oh, ow]
    np.testing.assert_allclose(get(be, gx, shape), want, rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
@pytest.mark.parametrize("case", range(len(POOL_CASES)))
def test_avg_pool_and_backward(be, case, dtype):
    shape = (2, 2, 7, 6)
    x = (_rng(case).standard_normal(shape) * 100).astype(dtype)
    xop, xs = put(be, x, offset=2, strides=(2 * 7 * 6, 7 * 6, 1, 7))  # planes transposed
    probe = _pool_plan(case, shape, xs, (1, 1, 1, 1), dilated=False)
    yshape = (2, 2, probe.oh, probe.ow)
    pl = _pool_plan(case, shape, xs, plan.contiguous_strides(yshape), dilated=False)
    y = fresh(be, math.prod(yshape), dtype)
    be.avg_pool(pl, xop, y)
    want = avg_pool_reference(x, pl)
    if dtype == np.int64:
        np.testing.assert_array_equal(get(be, y, yshape), want)
        return
    np.testing.assert_allclose(get(be, y, yshape), want, rtol=1e-6)
    g = _rng(4).standard_normal(yshape).astype(dtype)
    gop, gs = put(be, g, offset=1)
    pl_b = _pool_plan(case, shape, plan.contiguous_strides(shape), gs, dilated=False)
    gx = fresh(be, math.prod(shape), dtype, 3)
    be.avg_pool_backward(pl_b, gop, gx)
    want = np.zeros(shape, dtype)
    for b, ch in itertools.product(range(2), range(2)):
        for oh, ow, rows, cols, div in windows(pl):
            for r, q in itertools.product(rows, cols):
                want[b, ch, r, q] += g[b, ch, oh, ow] / (pl.divisor or div)
    np.testing.assert_allclose(get(be, gx, shape), want, rtol=1e-5, atol=1e-6)


def test_adaptive_windows_cover_the_input(be):
    shape = (1, 2, 7, 5)
    x = _rng(2).standard_normal(shape).astype(np.float64)
    xop, xs = put(be, x)
    pl = plan.adaptive_pool(shape, (3, 4), xs, plan.contiguous_strides((1, 2, 3, 4)))
    y = fresh(be, 24, np.float64)
    be.avg_pool(pl, xop, y)
    want = np.empty((1, 2, 3, 4))
    for oh, ow in itertools.product(range(3), range(4)):
        r0, r1 = (oh * 7) // 3, -((-(oh + 1) * 7) // 3)
        c0, c1 = (ow * 5) // 4, -((-(ow + 1) * 5) // 4)
        want[0, :, oh, ow] = x[0, :, r0:r1, c0:c1].mean(axis=(1, 2))
    np.testing.assert_allclose(get(be, y, (1, 2, 3, 4)), want, rtol=1e-12)


# ---- softmax ---------------------------------------------------------------------------------
@pytest.mark.parametrize("log", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape,dim", [((5, 7), 1), ((3, 4, 70), 1), ((6,), 0), ((2, 1, 3), 1),
                                       ((40, 1000), 1), ((1001, 37), 1), ((300, 3, 40), 0)])
def test_softmax_and_backward(be, shape, dim, dtype, log):
    x = (_rng(1).standard_normal(shape) * 20).astype(dtype)
    xop, _ = put(be, x, offset=3)
    pl = plan.softmax(shape, dim)
    out = fresh(be, x.size, dtype, offset=2)
    be.softmax(pl, xop, out, log)
    xd = x.astype(np.float64)
    m = xd.max(axis=dim, keepdims=True)
    e = np.exp(xd - m)
    ref = (xd - m) - np.log(e.sum(axis=dim, keepdims=True)) if log else e / e.sum(axis=dim, keepdims=True)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    got = get(be, out, shape)
    np.testing.assert_allclose(got, ref, rtol=tol, atol=tol)

    g = _rng(2).standard_normal(shape).astype(dtype)
    gop, _ = put(be, g, offset=1)
    yop, _ = put(be, got, offset=4)
    gx = fresh(be, x.size, dtype)
    be.softmax_backward(pl, gop, yop, gx, log)
    y = got.astype(np.float64)
    if log:
        want = g - np.exp(y) * g.sum(axis=dim, keepdims=True)
    else:
        want = y * (g - (g * y).sum(axis=dim, keepdims=True))
    np.testing.assert_allclose(get(be, gx, shape), want, rtol=tol * 10, atol=tol * 10)


def test_softmax_special_values(be):
    x = np.array([[np.nan, 1.0, 2.0], [-np.inf, 0.0, 1.0], [1e4, -1e4, 0.0]], dtype=np.float32)
    xop, _ = put(be, x)
    pl = plan.softmax(x.shape, 1)
    for log in (False, True):
        out = fresh(be, x.size, np.float32)
        be.softmax(pl, xop, out, log)
        got = get(be, out, x.shape)
        assert np.isnan(got[0]).all()
        assert (got[1, 0] == 0.0) if not log else (got[1, 0] == -np.inf)
        assert np.isfinite(got[1, 1:]).all() and np.isfinite(got[2]).all() or log


# ---- nll_loss --------------------------------------------------------------------------------
def nll_reference(x, t, w, ignore_index, reduction):
    """(per-row losses or their sum / weighted mean, total weight), in float64."""
    n = len(t)
    keep = np.array([k != ignore_index for k in t], dtype=bool)
    safe = np.where(keep, t, 0)
    wt = (np.ones(x.shape[1]) if w is None else w.astype(np.float64))[safe] * keep
    rows = -x.astype(np.float64)[np.arange(n), safe] * wt
    if reduction == "none":
        return rows, None
    total = wt.sum()
    return (rows.sum() / total if reduction == "mean" else rows.sum()), total


@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n,c,ignore_index", [(7, 5, -100), (40, 3, 1), (1, 4, -100),
                                              (300, 10, 0)])
def test_nll_loss_and_backward(be, n, c, ignore_index, dtype, weighted, reduction):
    rng = _rng(3)
    x = rng.standard_normal((n, c)).astype(dtype)
    t = rng.integers(0, c, n)
    if n > 2:
        t[::3] = ignore_index if ignore_index < 0 else t[::3]
    w = rng.random(c).astype(dtype) + 0.5 if weighted else None
    xop, _ = put(be, x, offset=3)
    top, _ = put(be, t, offset=2)
    wop = put(be, w, offset=1)[0] if weighted else None
    out = fresh(be, n if reduction == "none" else 1, dtype, offset=2)
    total = None if reduction == "none" else fresh(be, 1, dtype, offset=1)
    assert be.nll_loss(xop, top, wop, n, c, ignore_index, reduction, out, total) is None
    want, want_total = nll_reference(x, t, w, ignore_index, reduction)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    got = get(be, out, (n,) if reduction == "none" else (1,))
    np.testing.assert_allclose(got, np.reshape(want, got.shape), rtol=tol, atol=tol)
    if total is not None:
        np.testing.assert_allclose(get(be, total, (1,)), [want_total], rtol=tol)

    g = rng.standard_normal(n if reduction == "none" else 1).astype(dtype)
    gop, _ = put(be, g, offset=4)
    gx = fresh(be, n * c, dtype, offset=5)
    be.nll_loss_backward(gop, top, wop, n, c, ignore_index, reduction, total, gx)
    keep = t != ignore_index
    wt = (np.ones(c) if w is None else w.astype(np.float64))[np.where(keep, t, 0)] * keep
    per_row = g.astype(np.float64) if reduction == "none" else np.full(n, g[0] / (
        want_total if reduction == "mean" else 1.0))
    want_gx = np.zeros((n, c))
    want_gx[np.arange(n)[keep], t[keep]] = -(wt * per_row)[keep]
    np.testing.assert_allclose(get(be, gx, (n, c)), want_gx, rtol=tol, atol=tol)


@pytest.mark.parametrize("reduction", ["none", "mean"])
def test_nll_loss_reports_the_first_target_out_of_range(be, reduction):
    x = np.zeros((6, 4), np.float32)
    t = np.array([1, -100, 2, 7, -3, 9])
    xop, _ = put(be, x)
    top, _ = put(be, t)
    out = fresh(be, 6, np.float32)
    total = fresh(be, 1, np.float32)
    assert be.nll_loss(xop, top, None, 6, 4, -100, reduction, out, total) == 7
    t[3] = 3
    top, _ = put(be, t)
    assert be.nll_loss(xop, top, None, 6, 4, -100, reduction, out, total) == -3


def test_nll_loss_of_an_empty_batch(be):
    xop, top = fresh(be, 1, np.float32), fresh(be, 1, np.int64)
    for reduction, want in (("sum", 0.0), ("mean", np.nan)):
        out, total = fresh(be, 1, np.float32), fresh(be, 1, np.float32)
        assert be.nll_loss(xop, top, None, 0, 4, -100, reduction, out, total) is None
        np.testing.assert_array_equal(get(be, out, (1,)), [want])
        np.testing.assert_array_equal(get(be, total, (1,)), [0.0])
