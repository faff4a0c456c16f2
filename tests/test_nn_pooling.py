"""Pooling against torch: max_pool1d/2d (indices included), avg_pool1d/2d, adaptive
average and max pooling, their layers and reprs, on random geometries (stride, padding,
dilation, ceil mode, count_include_pad, divisor_override), non-contiguous inputs, float32,
float64 and integers; NaN propagation; every error PyTorch raises; gradcheck and
gradgradcheck of each gradient."""
import numpy as np
import pytest

import numtensor as nt
from nn_helpers import arr, assert_close, raises_like, randn, torch

F_nt, F_t = nt.nn.functional, torch.nn.functional


def _layout(lib, a, layout):
    if layout == "transposed":
        return lib.tensor(np.ascontiguousarray(np.swapaxes(a, -1, -2))).transpose(-1, -2)
    if layout == "sliced":
        wide = np.zeros(a.shape[:-1] + (2 * a.shape[-1],), dtype=a.dtype)
        wide[..., ::2] = a
        return lib.tensor(wide)[..., ::2]
    if layout == "expanded":  # a broadcast batch: stride 0
        return lib.tensor(a[:1]).expand(*a.shape)
    return lib.tensor(a)


def run_pool(name, x, *args, layout="contiguous", tol=1e-6, **kw):
    """F.<name>(x, *args, **kw) in both libraries: values (and indices), input gradient,
    node name."""
    results = []
    for lib, F in ((nt, F_nt), (torch, F_t)):
        xt = _layout(lib, x, layout)
        if x.dtype.kind == "f":
            xt = xt.detach().requires_grad_(True)
        out = getattr(F, name)(xt, *args, **kw)
        values, indices = out if isinstance(out, tuple) else (out, None)
        grad = None
        if values.requires_grad:
            g = randn(*values.shape, seed=5, dtype=x.dtype)
            values.backward(lib.tensor(g))
            grad = xt.grad
        results.append((values, indices, grad))
    (v_n, i_n, g_n), (v_t, i_t, g_t) = results
    assert_close(v_n, v_t, atol=tol, rtol=tol, msg="values")
    assert v_n.dtype.is_floating_point == v_t.dtype.is_floating_point
    if i_t is not None:
        assert i_n.dtype is nt.int64
        np.testing.assert_array_equal(arr(i_n), arr(i_t))
    assert_close(g_n, g_t, atol=tol * 10, rtol=tol * 10, msg="input gradient")
    if v_t.grad_fn is not None:
        assert type(v_n.grad_fn).__name__ == type(v_t.grad_fn).__name__
    return v_n


def _geometry(rng, pool):
    k = tuple(int(v) for v in rng.integers(1, 4, 2))
    stride = tuple(int(v) for v in rng.integers(1, 4, 2))
    dilation = tuple(int(v) for v in rng.integers(1, 3, 2)) if pool == "max" else (1, 1)
    padding = tuple(int(rng.integers(0, kk // 2 + 1)) for kk in k)
    size = tuple(int(d * (kk - 1) + 1 + rng.integers(0, 6)) for kk, d in zip(k, dilation))
    return k, stride, padding, dilation, size


LAYOUTS = ("contiguous", "transposed", "sliced", "expanded")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("seed", range(10))
def test_max_pool2d_random_geometry(seed, dtype):
    rng = np.random.default_rng(seed)
    k, stride, padding, dilation, size = _geometry(rng, "max")
    x = randn(2, 3, *size, seed=seed, dtype=dtype)
    run_pool("max_pool2d", x, k, stride, padding, dilation, ceil_mode=bool(seed % 2),
             return_indices=True, layout=LAYOUTS[seed % 4])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("seed", range(10))
def test_avg_pool2d_random_geometry(seed, dtype):
    rng = np.random.default_rng(50 + seed)
    k, stride, padding, _, size = _geometry(rng, "avg")
    x = randn(2, 3, *size, seed=seed, dtype=dtype)
    run_pool("avg_pool2d", x, k, stride, padding, ceil_mode=bool(seed % 2),
             count_include_pad=bool(seed % 3), divisor_override=(None, None, 3)[seed % 3],
             layout=LAYOUTS[seed % 4])


@pytest.mark.parametrize("out", [(3, 4), 2, (None, 3), (5, 5), (7, 1), (1, 1)])
@pytest.mark.parametrize("name", ["adaptive_avg_pool2d", "adaptive_max_pool2d"])
def test_adaptive_pool2d(name, out):
    x = randn(2, 3, 7, 5, seed=1, dtype=np.float64)
    kw = dict(return_indices=True) if "max" in name else {}
    run_pool(name, x, out, layout="transposed", tol=1e-10, **kw)
    run_pool(name, x[0], out, tol=1e-10, **kw)  # unbatched (C, H, W)


@pytest.mark.parametrize("case", [
    ("max_pool1d", (3,), dict(return_indices=True)), ("max_pool1d", (3, 2, 1, 2, True), {}),
    ("avg_pool1d", (3, 2, 1, True, False), {}), ("avg_pool1d", (2,), {}),
    ("adaptive_avg_pool1d", (4,), {}), ("adaptive_max_pool1d", (3,), dict(return_indices=True))])
def test_pool1d(case):
    name, args, kw = case
    x = randn(2, 3, 11, seed=2, dtype=np.float64)
    run_pool(name, x, *args, tol=1e-10, **kw)
    run_pool(name, x[0], *args, layout="sliced", tol=1e-10, **kw)


def test_lecture_pool_shape_and_unbatched_inputs():
    # large enough for the parallel kernels, forward and backward
    run_pool("max_pool2d", randn(10, 32, 24, 24, seed=3), 3, tol=1e-6)
    run_pool("avg_pool2d", randn(10, 32, 24, 24, seed=3), 3, 2, 1, tol=1e-5)
    run_pool("adaptive_avg_pool2d", randn(10, 32, 24, 24, seed=3), (5, 7), tol=1e-5)
    run_pool("max_pool2d", randn(3, 8, 8, seed=4), 2, return_indices=True)
    run_pool("avg_pool2d", randn(3, 8, 8, seed=4), 3, 2, 1)


def test_max_pool_nan_and_infinities():
    x = randn(1, 2, 6, 6, seed=7, dtype=np.float64)
    x[0, 0, 0, 1] = np.nan
    x[0, 0, 1, 0] = np.nan  # two NaNs in one window: torch reports the later one
    x[0, 1, 2:4, 2:4] = -np.inf
    x[0, 1, 4, 4] = np.inf
    run_pool("max_pool2d", x, 2, return_indices=True)
    run_pool("max_pool2d", x, 3, 1, 1, return_indices=True)
    run_pool("adaptive_max_pool2d", x, 4, return_indices=True)


def test_integer_pooling():
    x = (np.arange(2 * 3 * 7 * 6).reshape(2, 3, 7, 6) * 37 % 23 - 11).astype(np.int64)
    run_pool("max_pool2d", x, 2, 2, 1, return_indices=True)
    run_pool("avg_pool2d", x, 3, 2, 1)              # C++ division truncates toward zero
    run_pool("avg_pool2d", x, 2, divisor_override=3)
    run_pool("max_pool2d", x.astype(np.int32), (2, 3))
    run_pool("max_pool2d", (x % 200).astype(np.uint8), 2)


def test_half_pooling():
    x = randn(2, 3, 6, 6, seed=3)
    for name in ("max_pool2d", "avg_pool2d"):
        got = getattr(F_nt, name)(nt.tensor(x).half(), 2)
        want = getattr(F_t, name)(torch.tensor(x).half(), 2)
        assert got.dtype is nt.float16
        np.testing.assert_allclose(arr(got).astype(np.float32), arr(want).astype(np.float32),
                                   rtol=1e-3, atol=1e-3)


def test_empty_batch_pools():
    for name, args in (("max_pool2d", (2,)), ("avg_pool2d", (2,)), ("adaptive_avg_pool2d", (3,)),
                       ("adaptive_max_pool2d", (3,))):
        got = getattr(F_nt, name)(nt.zeros(0, 2, 6, 6), *args)
        want = getattr(F_t, name)(torch.zeros(0, 2, 6, 6), *args)
        assert tuple(got.shape) == tuple(want.shape)


def test_top_level_pooling_names():
    x = randn(2, 3, 9, seed=1)
    for name, args in (("max_pool1d", (3, 2)), ("avg_pool1d", (3,)), ("adaptive_avg_pool1d", (4,))):
        assert_close(getattr(nt, name)(nt.tensor(x), *args), getattr(torch, name)(torch.tensor(x), *args))
    v, i = nt.adaptive_max_pool1d(nt.tensor(x), 4)
    tv, ti = torch.adaptive_max_pool1d(torch.tensor(x), 4)
    assert_close(v, tv)
    np.testing.assert_array_equal(arr(i), arr(ti))
    x2 = randn(2, 3, 7, 7, seed=2)
    assert_close(nt.max_pool2d(nt.tensor(x2), 3, 2, 1), torch.max_pool2d(torch.tensor(x2), 3, 2, 1))
    with pytest.raises(TypeError):
        nt.max_pool2d(nt.tensor(x2), 2, return_indices=True)


# ---- gradients -------------------------------------------------------------------------------
GRAD_CASES = {
    "max_pool2d": lambda x: F_nt.max_pool2d(x, 2, 1, 1),
    "max_pool2d_dilated_ceil": lambda x: F_nt.max_pool2d(x, (2, 3), 2, 1, (1, 2), True),
    "avg_pool2d": lambda x: F_nt.avg_pool2d(x, 3, 2, 1, True, False),
    "avg_pool2d_divisor": lambda x: F_nt.avg_pool2d(x, 2, 1, divisor_override=3),
    "adaptive_avg_pool2d": lambda x: F_nt.adaptive_avg_pool2d(x, (3, 2)),
    "adaptive_max_pool2d": lambda x: F_nt.adaptive_max_pool2d(x, (2, 3)),
    "max_pool1d": lambda x: F_nt.max_pool1d(x.flatten(2), 3, 2),
    "avg_pool1d": lambda x: F_nt.avg_pool1d(x.flatten(2), 3, 2, 1),
}


@pytest.mark.parametrize("name", sorted(GRAD_CASES))
def test_pool_gradcheck_and_gradgradcheck(name):
    # distinct values, so that no maximum sits on a tie where finite differences jump
    values = np.random.default_rng(3).permutation(2 * 2 * 6 * 5).reshape(2, 2, 6, 5) / 7.0
    x = nt.tensor(values, requires_grad=True)
    assert nt.autograd.gradcheck(GRAD_CASES[name], (x,))
    assert nt.autograd.gradgradcheck(GRAD_CASES[name], (x,))


def test_max_pool_overlapping_windows_accumulate_gradient():
    x = np.zeros((1, 1, 4, 4))
    x[0, 0, 1, 1] = 5.0  # the maximum of four overlapping windows
    run_pool("max_pool2d", x, 2, 1, return_indices=True)


# ---- layers ------------------------------------------------------------------------------
LAYERS = [
    lambda nn: nn.MaxPool2d(3), lambda nn: nn.MaxPool2d(3, 2, 1, 2, True, True),
    lambda nn: nn.MaxPool2d((2, 3), stride=(1, 2)), lambda nn: nn.AvgPool2d(3),
    lambda nn: nn.AvgPool2d(3, 2, 1, True, False, 2), lambda nn: nn.AdaptiveAvgPool2d((5, 7)),
    lambda nn: nn.AdaptiveAvgPool2d(5), lambda nn: nn.AdaptiveAvgPool2d((None, 2)),
    lambda nn: nn.AdaptiveMaxPool2d(3), lambda nn: nn.AdaptiveMaxPool2d(3, return_indices=True),
    lambda nn: nn.MaxPool1d(2), lambda nn: nn.MaxPool1d(3, 2, 1, return_indices=True),
    lambda nn: nn.AvgPool1d(3), lambda nn: nn.AvgPool1d(3, 1, 1, False, False),
    lambda nn: nn.AdaptiveAvgPool1d(4), lambda nn: nn.AdaptiveMaxPool1d(4),
]


@pytest.mark.parametrize("i", range(len(LAYERS)))
def test_pool_layers_match_torch(i):
    m_n, m_t = LAYERS[i](nt.nn), LAYERS[i](torch.nn)
    assert repr(m_n) == repr(m_t)
    shape = (2, 3, 9) if "1d" in type(m_t).__name__ else (2, 3, 9, 8)
    x = randn(*shape, seed=i)
    out_n, out_t = m_n(nt.tensor(x)), m_t(torch.tensor(x))
    if isinstance(out_t, tuple):
        np.testing.assert_array_equal(arr(out_n[1]), arr(out_t[1]))
        out_n, out_t = out_n[0], out_t[0]
    assert_close(out_n, out_t)
    for attr in ("kernel_size", "stride", "padding", "dilation", "ceil_mode", "return_indices",
                 "count_include_pad", "divisor_override", "output_size"):
        if hasattr(m_t, attr):
            assert getattr(m_n, attr) == getattr(m_t, attr), attr


# ---- errors ------------------------------------------------------------------------------------------
def _x(*s):
    return randn(*s, seed=0)


ERRORS = [
    lambda lib, F: F.max_pool2d(lib.tensor(_x(2, 4, 5, 5)), 3, padding=2),
    lambda lib, F: F.max_pool2d(lib.tensor(_x(2, 4, 9, 9)), 3, padding=2, dilation=2),
    lambda lib, F: F.avg_pool2d(lib.tensor(_x(2, 4, 9, 9)).int(), 3),
    lambda lib, F: F.max_pool2d(lib.tensor(_x(2, 4, 2, 2)), 3),
    lambda lib, F: F.max_pool2d(lib.tensor(_x(5, 5)), 3),
    lambda lib, F: F.max_pool2d(lib.tensor(_x(2, 0, 5, 5)), 2),
    lambda lib, F: F.max_pool2d(lib.tensor(_x(2, 3, 0, 4)), 2),
    lambda lib, F: F.max_pool2d(lib.tensor(_x(1, 1, 4, 4)), 0),
    lambda lib, F: F.max_pool2d(lib.tensor(_x(1, 1, 4, 4)), 2, 0),
    lambda lib, F: F.max_pool2d(lib.tensor(_x(1, 1, 4, 4)), 0, stride=1),
    lambda lib, F: F.max_pool2d(lib.tensor(_x(1, 1, 4, 4)), 2, 1, 0, 0),
    lambda lib, F: F.max_pool2d(lib.tensor(_x(1, 1, 4, 4)), 2, padding=-1),
    lambda lib, F: F.max_pool2d(lib.tensor(_x(1, 1, 4, 4)), (2, 2, 2)),
    lambda lib, F: F.max_pool2d(lib.tensor(_x(1, 1, 4, 4)), 2, stride=(1, 2, 3)),
    lambda lib, F: F.max_pool2d(lib.tensor(_x(1, 1, 4, 4)), 2, padding=(1, 2, 3)),
    lambda lib, F: F.max_pool2d(lib.tensor(_x(1, 1, 4, 4)), 2, dilation=(1, 2, 3)),
    lambda lib, F: F.max_pool2d(lib.tensor(_x(1, 1, 4, 4)), 2.5),
    lambda lib, F: F.max_pool2d(lib.tensor(_x(1, 1, 4, 4)), "a"),
    lambda lib, F: F.max_pool2d([1], 2),
    lambda lib, F: F.max_pool2d(lib.tensor(_x(1, 1, 4, 4)).bool(), 2),
    lambda lib, F: F.avg_pool2d(lib.tensor(_x(1, 1, 4, 4)).bool(), 2),
    lambda lib, F: F.avg_pool2d(lib.tensor(_x(1, 1, 5, 5)), 0),
    lambda lib, F: F.avg_pool2d(lib.tensor(_x(1, 1, 5, 5)), 2, 0),
    lambda lib, F: F.avg_pool2d(lib.tensor(_x(1, 1, 5, 5)), 2, divisor_override=0),
    lambda lib, F: F.avg_pool2d(lib.tensor(_x(1, 1, 5, 5)), 6),
    lambda lib, F: F.avg_pool2d(lib.tensor(_x(2, 4, 5, 5)), 3, padding=2),
    lambda lib, F: F.avg_pool2d(lib.tensor(_x(4, 4)), 2),
    lambda lib, F: F.avg_pool2d(lib.tensor(_x(1, 1, 4, 4)), (2, 2, 2)),
    lambda lib, F: F.avg_pool2d(lib.tensor(_x(1, 1, 4, 4)), 2, stride=(1, 2, 3)),
    lambda lib, F: F.avg_pool2d(lib.tensor(_x(1, 1, 4, 4)), 2, padding=(1, 2, 3)),
    lambda lib, F: F.adaptive_avg_pool2d(lib.tensor(_x(5, 5)), 3),
    lambda lib, F: F.adaptive_avg_pool2d(lib.tensor(_x(2, 3, 5, 5)), (2, 3, 4)),
    lambda lib, F: F.adaptive_avg_pool2d(lib.tensor(_x(2, 3, 0, 5)), 2),
    lambda lib, F: F.adaptive_avg_pool2d(lib.tensor(_x(2, 3, 4, 4)), -1),
    lambda lib, F: F.adaptive_avg_pool2d(lib.tensor(_x(1, 1, 5, 5)).long(), 3),
    lambda lib, F: F.adaptive_max_pool2d(lib.tensor(_x(1, 1, 5, 5)).long(), 3),
    lambda lib, F: F.adaptive_max_pool2d(lib.tensor(_x(4, 4)), 2),
    lambda lib, F: F.max_pool1d(lib.tensor(_x(2, 3, 5, 5)), 2),
    lambda lib, F: F.max_pool1d(lib.tensor(_x(2, 3, 4)), 0),
    lambda lib, F: F.max_pool1d(lib.tensor(_x(2, 3, 4)), 2, stride=0),
    lambda lib, F: F.max_pool1d(lib.tensor(_x(2, 3, 4)), 2, padding=2),
    lambda lib, F: F.max_pool1d(lib.tensor(_x(2, 3, 4)), 5),
    lambda lib, F: F.max_pool1d(lib.tensor(_x(2, 3, 4)), (2, 2)),
    lambda lib, F: F.avg_pool1d(lib.tensor(_x(2, 3, 5, 5)), 2),
    lambda lib, F: F.avg_pool1d(lib.tensor(_x(2, 3, 4)), 5),
    lambda lib, F: F.avg_pool1d(lib.tensor(_x(2, 3, 4)), 0),
    lambda lib, F: F.avg_pool1d(lib.tensor(_x(2, 3, 4)), 2, padding=2),
    lambda lib, F: F.avg_pool1d(lib.tensor(_x(2, 3, 4)), (2, 2)),
    lambda lib, F: F.adaptive_avg_pool1d(lib.tensor(_x(2, 3, 4)), (2, 2)),
    lambda lib, F: F.adaptive_avg_pool1d(lib.tensor(_x(2, 3, 4, 5)), 2),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_pool_errors_match_torch(i):
    raises_like(lambda: ERRORS[i](nt, F_nt), lambda: ERRORS[i](torch, F_t))


def test_unknown_keyword_is_a_type_error():
    with pytest.raises(TypeError, match="unexpected keyword argument 'foo'"):
        F_nt.max_pool2d(nt.ones(1, 1, 4, 4), 2, foo=3)
