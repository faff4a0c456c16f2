"""F.affine_grid and F.grid_sample against real PyTorch: values, gradients w.r.t. input,
grid and theta, graph nodes, warnings and errors."""
import itertools
import warnings
import zlib

import numpy as np
import pytest

import numtensor as nt
import numtensor.nn.functional as NF


def _torch():
    import torch  # the oracle is required: a missing torch fails, never skips
    return torch


def _libs():
    torch = _torch()
    return ((nt, NF), (torch, torch.nn.functional))


_TOL = {"float32": dict(rtol=1e-4, atol=1e-4), "float64": dict(rtol=1e-10, atol=1e-10)}


def _grid_values(rng, shape):
    """Grid points mostly in and around [-1, 1] (outside too, for the padding modes), some
    at exact corners, pixel centres and beyond the reflection span."""
    g = rng.uniform(-3.5, 3.5, shape)
    special = rng.random(shape) < 0.2
    g[special] = rng.choice([-1.0, 1.0, 0.0, -0.5, 0.5, 2.0, -3.0], size=int(special.sum()))
    return g


def _run_grid_sample(lib, F, x, g, w, dtype, **kw):
    dt = getattr(lib, dtype)
    xt = lib.tensor(x, dtype=dt, requires_grad=True)
    gt = lib.tensor(g, dtype=dt, requires_grad=True)
    y = F.grid_sample(xt, gt, **kw)
    (y * lib.tensor(w, dtype=dt)).sum().backward()
    return (y.detach().numpy(), xt.grad.numpy(), gt.grad.numpy(), type(y.grad_fn).__name__,
            [None if n is None else type(n).__name__ for n, _ in y.grad_fn.next_functions])


def _compare(x, g, dtype, **kw):
    rng = np.random.default_rng(7)
    w = rng.standard_normal(x.shape[:2] + g.shape[1:-1])
    got, want = (_run_grid_sample(lib, F, x, g, w, dtype, **kw) for lib, F in _libs())
    for name, a, b in zip(("output", "input grad", "grid grad"), got[:3], want[:3]):
        np.testing.assert_allclose(a, b, err_msg=name, **_TOL[dtype])
    assert got[3:] == want[3:]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("mode,padding_mode,align_corners",
                         list(itertools.product(("bilinear", "nearest"),
                                                ("zeros", "border", "reflection"),
                                                (True, False))))
def test_grid_sample_2d_values_and_gradients_match_torch(mode, padding_mode, align_corners,
                                                         dtype):
    rng = np.random.default_rng(zlib.crc32(f"{mode}{padding_mode}{align_corners}{dtype}".encode()))
    n, c = int(rng.integers(1, 3)), int(rng.integers(1, 4))
    h, w = (int(s) for s in rng.integers(1, 7, 2))
    ho, wo = (int(s) for s in rng.integers(1, 6, 2))
    x = rng.standard_normal((n, c, h, w))
    g = _grid_values(rng, (n, ho, wo, 2))
    _compare(x, g, dtype, mode=mode, padding_mode=padding_mode, align_corners=align_corners)


@pytest.mark.parametrize("mode,padding_mode,align_corners",
                         [("bilinear", "zeros", False), ("bilinear", "border", True),
                          ("bilinear", "reflection", False), ("bilinear", "reflection", True),
                          ("nearest", "zeros", True), ("nearest", "reflection", False)])
def test_grid_sample_3d_values_and_gradients_match_torch(mode, padding_mode, align_corners):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 2, 3, 4, 5))
    g = _grid_values(rng, (2, 2, 3, 4, 3))
    _compare(x, g, "float64", mode=mode, padding_mode=padding_mode,
             align_corners=align_corners)


@pytest.mark.parametrize("size", [(1, 1), (1, 5), (4, 1)])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
def test_grid_sample_unit_size_inputs_match_torch(size, padding_mode):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((1, 2) + size)
    g = _grid_values(rng, (1, 3, 4, 2))
    for align_corners in (True, False):
        _compare(x, g, "float64", padding_mode=padding_mode, align_corners=align_corners)


def test_grid_sample_gradcheck_bilinear():
    from numtensor.autograd import gradcheck
    rng = np.random.default_rng(11)
    x = nt.tensor(rng.standard_normal((1, 2, 3, 4)), requires_grad=True)
    g = nt.tensor(rng.uniform(-1.3, 1.3, (1, 2, 3, 2)), requires_grad=True)
    for padding_mode in ("zeros", "border", "reflection"):
        for align_corners in (True, False):
            assert gradcheck(lambda a, b: NF.grid_sample(
                a, b, padding_mode=padding_mode, align_corners=align_corners), (x, g))


def test_grid_sample_nearest_gives_the_grid_a_zero_gradient():
    x = nt.randn(1, 1, 3, 3)
    g = nt.rand(1, 2, 2, 2, requires_grad=True)
    y = NF.grid_sample(x, g, mode="nearest", align_corners=False)
    assert y.requires_grad and type(y.grad_fn).__name__ == "GridSampler2DBackward0"
    y.sum().backward()
    assert g.grad is not None and not g.grad.any()


def test_grid_sample_without_grad_and_edges():
    x, g = nt.randn(1, 1, 3, 3), nt.rand(1, 2, 2, 2)
    assert NF.grid_sample(x, g, align_corners=True).grad_fn is None
    x.requires_grad_()
    y = NF.grid_sample(x, g, align_corners=True)
    (acc, _), (none, _) = y.grad_fn.next_functions
    assert acc.variable is x and none is None
    with nt.no_grad():
        assert not NF.grid_sample(x, g, align_corners=True).requires_grad


def test_grid_sample_half_and_empty_shapes_match_torch():
    for lib, F in _libs():
        x = lib.ones(2, 3, 4, 5)
        g = lib.zeros(2, 6, 7, 2)
        assert F.grid_sample(x.half(), g.half(), align_corners=False).dtype == lib.float16
        assert tuple(F.grid_sample(x[:0], g[:0], align_corners=False).shape) == (0, 3, 6, 7)
        assert tuple(F.grid_sample(x[:, :0], g, align_corners=False).shape) == (2, 0, 6, 7)
        assert tuple(F.grid_sample(x, g[:, :0], align_corners=False).shape) == (2, 3, 0, 7)
    rng = np.random.default_rng(2)
    x, g = rng.standard_normal((1, 2, 3, 4)), rng.uniform(-1, 1, (1, 2, 2, 2))
    got, want = (F.grid_sample(lib.tensor(x).half(), lib.tensor(g).half(), align_corners=True)
                 .float().numpy() for lib, F in _libs())
    np.testing.assert_allclose(got, want, rtol=2e-3, atol=2e-3)


_GRID_ERRORS = [
    "F.grid_sample(x, g[:1], align_corners=False)",
    "F.grid_sample(x, g[..., :1], align_corners=False)",
    "F.grid_sample(x[0], g[0], align_corners=False)",
    "F.grid_sample(x, g.double(), align_corners=False)",
    "F.grid_sample(x.double(), g, align_corners=False)",
    "F.grid_sample(x.long(), g.long(), align_corners=False)",
    "F.grid_sample(x.bool(), g, align_corners=False)",
    "F.grid_sample(x, g.long(), align_corners=False)",
    "F.grid_sample(x, g, mode='foo')",
    "F.grid_sample(x, g, padding_mode='foo')",
    "F.grid_sample(x[:, :, :0], g, align_corners=False)",
    "F.grid_sample(x, g[:, :, :, None], align_corners=False)",
    "F.grid_sample(x[:, :, :, :, None], g, align_corners=False)",
    "F.grid_sample(x[..., None, None], g[..., None, None, :1].expand(2, 6, 7, 1, 1, 4), "
    "align_corners=False)",
    "F.grid_sample(x[..., None].long(), g[:, :, :, None, :1].expand(2, 6, 7, 1, 3).long(), "
    "align_corners=False)",
    "F.grid_sample(x[..., None], g[:, :, :, None, :1].expand(2, 6, 7, 1, 3), mode='bicubic', "
    "align_corners=False)",
    "F.grid_sample(x, g)",
    "F.affine_grid(th, (2, 3, 4), align_corners=False)",
    "F.affine_grid(th, (2, 3, 4, 5, 6), align_corners=False)",
    "F.affine_grid(th.long(), (2, 3, 4, 5), align_corners=False)",
    "F.affine_grid(th, (3, 3, 4, 5), align_corners=False)",
    "F.affine_grid(th, (2, 3, 0, 5), align_corners=False)",
    "F.affine_grid(th, [2, 0, 4, 5], False)",
    "F.affine_grid(th, L.Size((2, 3, 0, 5)), False)",
    "F.affine_grid(th, (2, 3, 1, 5), align_corners=True)",
    "F.affine_grid(th, (2, 3, 4, 5))",
    "F.affine_grid(th[0], (2, 3, 4, 5), False)",
]


@pytest.mark.parametrize("expr", _GRID_ERRORS)
def test_errors_and_warnings_match_torch(expr):
    def outcome(L, F):
        x, g = L.ones(2, 3, 4, 5), L.zeros(2, 6, 7, 2)
        th = L.ones(2, 2, 3)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = ("ok", tuple(eval(expr).shape))
            except Exception as ex:  # the type and message are what is compared
                result = (type(ex).__name__, str(ex))
        # the warning points at the caller's line, as torch's stacklevel=2 does
        return result, [(w.category, str(w.message), w.filename) for w in caught]
    (nt_lib, nt_f), (torch, torch_f) = _libs()
    assert outcome(nt_lib, nt_f) == outcome(torch, torch_f)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("size", [(2, 3, 4, 5), (2, 1, 1, 6), (3, 2, 5, 1), (1, 1, 1, 1),
                                  (2, 3, 2, 3, 4), (1, 1, 1, 4, 1)])
@pytest.mark.parametrize("align_corners", [True, False])
def test_affine_grid_values_and_gradients_match_torch(size, align_corners, dtype):
    rng = np.random.default_rng(len(size))
    dims = len(size) - 2
    theta = rng.standard_normal((size[0], dims, dims + 1))
    results = []
    for lib, F in _libs():
        t = lib.tensor(theta, dtype=getattr(lib, dtype), requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unit sizes with align_corners warn
            y = F.affine_grid(t, size, align_corners=align_corners)
        weights = lib.tensor(np.random.default_rng(0).standard_normal(tuple(y.shape)),
                             dtype=getattr(lib, dtype))
        (y * weights).sum().backward()
        results.append((y.detach().numpy(), t.grad.numpy(), type(y.grad_fn).__name__,
                        [type(n).__name__ for n, _ in y.grad_fn.next_functions]))
    (got, got_grad, *got_graph), (want, want_grad, *want_graph) = results
    np.testing.assert_allclose(got, want, **_TOL[dtype])
    np.testing.assert_allclose(got_grad, want_grad, **_TOL[dtype])
    assert got_graph == want_graph


def test_affine_grid_then_grid_sample_spatial_transformer_matches_torch():
    rng = np.random.default_rng(9)
    theta = (np.array([[[0.9, -0.2, 0.1], [0.15, 1.1, -0.05]]])
             + 0.05 * rng.standard_normal((2, 2, 3)))
    image = rng.standard_normal((2, 3, 6, 7))
    results = []
    for lib, F in _libs():
        t = lib.tensor(theta, dtype=lib.float32, requires_grad=True)
        x = lib.tensor(image, dtype=lib.float32, requires_grad=True)
        grid = F.affine_grid(t, (2, 3, 5, 4), align_corners=False)
        y = F.grid_sample(x, grid, align_corners=False)
        (y * y).sum().backward()
        results.append((y.detach().numpy(), x.grad.numpy(), t.grad.numpy()))
    for got, want in zip(*results):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def test_gradcheck_affine_grid():
    from numtensor.autograd import gradcheck
    theta = nt.randn(2, 2, 3, dtype=nt.float64, requires_grad=True)
    assert gradcheck(lambda t: NF.affine_grid(t, (2, 1, 3, 4), align_corners=False), (theta,))
    theta3 = nt.randn(1, 3, 4, dtype=nt.float64, requires_grad=True)
    assert gradcheck(lambda t: NF.affine_grid(t, (1, 1, 2, 3, 2), align_corners=True), (theta3,))
