"""conv1d / conv2d and nn.Conv1d / Conv2d / LazyConv1d / LazyConv2d against torch: outputs
and gradients of input, weight and bias on random geometries (stride, padding including
'same'/'valid', dilation, groups), non-contiguous inputs, float32 and float64; padding
modes; reprs; default initialisation; every error PyTorch raises; gradcheck and
gradgradcheck of ConvolutionBackward0."""
import math
import warnings

import numpy as np
import pytest

import numtensor as nt
from nn_helpers import arr, assert_close, copy_weights, raises_like, randn, torch

F_nt, F_t = nt.nn.functional, torch.nn.functional


def _layout(lib, a, layout):
    """a as a lib tensor: contiguous, with its last two dims swapped in memory, or every
    other element of a wider buffer."""
    if layout == "transposed":
        return lib.tensor(np.ascontiguousarray(np.swapaxes(a, -1, -2))).transpose(-1, -2)
    if layout == "sliced":
        wide = np.zeros(a.shape[:-1] + (2 * a.shape[-1],), dtype=a.dtype)
        wide[..., ::2] = a
        return lib.tensor(wide)[..., ::2]
    return lib.tensor(a)


def run_conv(fn_name, x, w, b, layout="contiguous", atol=1e-5, rtol=1e-5, **kw):
    """The same conv in both libraries: outputs and the gradients of x, w and b."""
    results = []
    for lib, F in ((nt, F_nt), (torch, F_t)):
        xt = _layout(lib, x, layout).requires_grad_(True)
        wt = lib.tensor(w, requires_grad=True)
        bt = None if b is None else lib.tensor(b, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y = getattr(F, fn_name)(xt, wt, bt, **kw)
        g = randn(*y.shape, seed=11, dtype=x.dtype)
        y.backward(lib.tensor(g))
        results.append((y, xt.grad, wt.grad, None if b is None else bt.grad))
    (y_n, *grads_n), (y_t, *grads_t) = results
    assert_close(y_n, y_t, atol=atol, rtol=rtol, msg="output")
    assert y_n.is_contiguous()
    for name, got, want in zip(("input", "weight", "bias"), grads_n, grads_t):
        assert_close(got, want, atol=atol * 10, rtol=rtol * 10, msg=f"grad of {name}")
    assert type(y_n.grad_fn).__name__ == type(y_t.grad_fn).__name__


def _random_case(rng, dims):
    groups = int(rng.choice([1, 1, 2, 3]))
    cin = groups * int(rng.integers(1, 4))
    cout = groups * int(rng.integers(1, 4))
    k = tuple(int(v) for v in rng.integers(1, 5, dims))
    stride = tuple(int(v) for v in rng.integers(1, 4, dims))
    dilation = tuple(int(v) for v in rng.integers(1, 3, dims))
    padding = tuple(int(rng.integers(0, 3)) for _ in range(dims))
    size = tuple(int(d * (kk - 1) + 1 + rng.integers(0, 7)) for d, kk in zip(dilation, k))
    n = int(rng.integers(1, 4))
    return dict(x=(n, cin) + size, w=(cout, cin // groups) + k, bias=bool(rng.integers(0, 2)),
                kw=dict(stride=stride, padding=padding, dilation=dilation, groups=groups))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("dims", [1, 2])
def test_conv_random_geometry_matches_torch(dims, seed, dtype):
    rng = np.random.default_rng(100 * dims + seed)
    case = _random_case(rng, dims)
    x = randn(*case["x"], seed=seed, dtype=dtype)
    w = randn(*case["w"], seed=seed + 50, dtype=dtype)
    b = randn(case["w"][0], seed=seed + 99, dtype=dtype) if case["bias"] else None
    layout = ("contiguous", "transposed", "sliced")[seed % 3]
    tol = 1e-4 if dtype == np.float32 else 1e-10
    run_conv(f"conv{dims}d", x, w, b, layout, atol=tol, rtol=tol, **case["kw"])


@pytest.mark.parametrize("seed", range(6))
def test_conv2d_short_output_rows_with_a_bigger_batch(seed):
    """Output rows shorter than the batch: im2col then walks the batch innermost."""
    rng = np.random.default_rng(700 + seed)
    case = _random_case(rng, 2)
    n = int(rng.integers(9, 14))
    x = randn(n, *case["x"][1:], seed=seed)
    w = randn(*case["w"], seed=seed + 50)
    b = randn(case["w"][0], seed=seed + 99) if case["bias"] else None
    layout = ("contiguous", "transposed", "sliced")[seed % 3]
    run_conv("conv2d", x, w, b, layout, atol=1e-4, rtol=1e-4, **case["kw"])


@pytest.mark.parametrize("seed", range(8))
def test_shallow_fields_with_many_positions_take_per_sample_columns(seed):
    """16+ output positions a sample and a field no deeper than that: the columns are
    laid out sample by sample and the weight gradient is a product per sample summed
    over the batch.  Groups, bias, conv1d and a gradient that is not contiguous (expanded
    from a sum, or a transposed view) all reach that path."""
    rng = np.random.default_rng(900 + seed)
    dims = 1 + seed % 2
    groups = int(rng.choice([1, 2, 3]))
    cin, cout = groups * int(rng.integers(1, 3)), groups * int(rng.integers(1, 4))
    k = tuple(int(v) for v in rng.integers(1, 4, dims))
    size = tuple(int(v) for v in rng.integers(6, 12, dims)) if dims == 2 else (int(rng.integers(20, 40)),)
    x = randn(int(rng.integers(1, 5)), cin, *size, seed=seed)
    w = randn(cout, cin // groups, *k, seed=seed + 50)
    b = randn(cout, seed=seed + 99) if seed % 4 else None
    kw = dict(groups=groups, padding=int(rng.integers(0, 2)))
    grads = []
    for lib, F in ((nt, F_nt), (torch, F_t)):
        xt, wt = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        bt = None if b is None else lib.tensor(b, requires_grad=True)
        y = getattr(F, f"conv{dims}d")(xt, wt, bt, **kw)
        assert math.prod(y.shape[2:]) >= 16
        if seed % 3 == 0:
            y.sum().backward()                      # an expanded (stride 0) gradient
        else:
            (y.transpose(0, 1) * lib.tensor(randn(*y.transpose(0, 1).shape, seed=7))).sum().backward()
        grads.append((y, xt.grad, wt.grad, None if bt is None else bt.grad))
    for got, want in zip(*grads):
        assert_close(got, want, atol=1e-4, rtol=1e-4)


@pytest.mark.parametrize("shapes,groups", [
    (((100, 1, 28, 28), (32, 1, 5, 5)), 1),   # the lecture's first layer: per-sample products
    (((10, 32, 8, 8), (64, 32, 5, 5)), 1),    # its second: batch-wide products
    (((4, 6, 9, 9), (6, 1, 3, 3)), 6),        # depthwise
    (((3, 8, 6, 7), (64, 4, 4, 4)), 2),       # grouped, 32 channels and 64 rows per group:
    (((5, 9, 7, 6), (96, 3, 5, 5)), 3),       # the product runs columns^T @ weights^T
    (((6, 4, 10, 10), (6, 2, 3, 3)), 2),      # grouped, 64 positions: per-sample products
    (((12, 3, 5, 5), (4, 3, 3, 3)), 1),       # 9 positions: one product for the batch
    (((7, 32, 4, 4), (64, 32, 3, 3)), 1),     # deep field, 4 positions: per-sample products
    (((7, 32, 3, 3), (64, 32, 3, 3)), 1),     # deep field, 1 position: one product
    (((3, 32, 10, 10), (40, 32, 3, 3)), 1),   # deep field, 64 positions: one product
])
def test_conv2d_lecture_shapes(shapes, groups):
    x, w = randn(*shapes[0], seed=1), randn(*shapes[1], seed=2)
    run_conv("conv2d", x, w, randn(shapes[1][0], seed=3), atol=1e-4, rtol=1e-4, groups=groups)


def _channels_last(lib, a):
    """a (N, C, H, W) as a lib tensor stored channels-last (its strides (HWC, 1, WC, C))."""
    return lib.tensor(np.ascontiguousarray(np.moveaxis(a, 1, -1))).permute(0, 3, 1, 2)


@pytest.mark.parametrize("x_shape,w_shape,kw,layout", [
    ((9, 32, 8, 8), (64, 32, 5, 5), dict(), "contiguous"),   # the lecture's second layer
    ((7, 40, 9, 11), (48, 40, 3, 3), dict(padding=1), "transposed"),
    ((5, 33, 10, 9), (32, 33, 3, 2), dict(stride=2, padding=(2, 1), dilation=(1, 2)), "sliced"),
    ((3, 64, 7, 7), (40, 64, 2, 2), dict(padding="same"), "contiguous"),
    ((6, 36, 9, 9), (32, 36, 3, 3), dict(stride=(2, 1), dilation=2), "channels-last"),
    ((4, 32, 8, 8), (32, 32, 3, 3), dict(padding=1), "channels-last"),
    ((4, 32, 12), (36, 32, 3), dict(padding=2), "sliced"),     # conv1d
])
@pytest.mark.parametrize("bias", [True, False])
def test_conv_one_group_deep_field_matches_torch(x_shape, w_shape, kw, layout, bias):
    """One group, 32+ output channels and a field of 64+ rows: the columns are built from
    a channels-last copy of x (or from x itself, when it is stored so) and the product
    runs row-major; outputs and all three gradients against PyTorch."""
    x, w = randn(*x_shape, seed=21), randn(*w_shape, seed=22)
    b = randn(w_shape[0], seed=23) if bias else None
    fn = f"conv{len(x_shape) - 2}d"
    if layout != "channels-last":
        run_conv(fn, x, w, b, layout, atol=1e-4, rtol=1e-4, **kw)
        return
    results = []
    for lib, F in ((nt, F_nt), (torch, F_t)):
        xt = _channels_last(lib, x).requires_grad_(True)
        wt = lib.tensor(w, requires_grad=True)
        bt = None if b is None else lib.tensor(b, requires_grad=True)
        y = getattr(F, fn)(xt, wt, bt, **kw)
        y.backward(lib.tensor(randn(*y.shape, seed=24)))
        results.append((y, xt.grad, wt.grad, None if b is None else bt.grad))
    for got, want in zip(*results):
        if want is not None:
            assert_close(got, want, atol=1e-3, rtol=1e-4)


@pytest.mark.parametrize("kw", [dict(), dict(stride=2, padding=1, dilation=(1, 2))])
def test_conv_one_group_deep_field_gradcheck(kw):
    x = nt.tensor(randn(2, 8, 5, 6, seed=25, dtype=np.float64), requires_grad=True)
    w = nt.tensor(randn(32, 8, 3, 3, seed=26, dtype=np.float64), requires_grad=True)
    b = nt.tensor(randn(32, seed=27, dtype=np.float64), requires_grad=True)
    assert nt.autograd.gradcheck(lambda x, w, b: F_nt.conv2d(x, w, b, **kw), (x, w, b))
    assert nt.autograd.gradcheck(lambda x, w: F_nt.conv2d(x, w, **kw), (x, w))


@pytest.mark.parametrize("padding,kernel,dilation", [
    ("same", (3, 3), 1), ("same", (4, 3), 1), ("same", (4, 2), (1, 2)), ("valid", (3, 2), 1),
    ("same", (2, 5), (3, 1))])
def test_conv2d_padding_strings(padding, kernel, dilation):
    x, w = randn(2, 3, 9, 8, seed=4, dtype=np.float64), randn(4, 3, *kernel, seed=5, dtype=np.float64)
    run_conv("conv2d", x, w, None, padding=padding, dilation=dilation, atol=1e-10, rtol=1e-10)


def test_conv1d_same_padding_and_unbatched_inputs():
    x, w = randn(3, 10, seed=6, dtype=np.float64), randn(5, 3, 4, seed=7, dtype=np.float64)
    run_conv("conv1d", x, w, randn(5, seed=8, dtype=np.float64), padding="same",
             atol=1e-10, rtol=1e-10)
    x2 = randn(3, 7, 6, seed=9, dtype=np.float64)
    run_conv("conv2d", x2, randn(2, 3, 3, 3, seed=1, dtype=np.float64), None, padding=1,
             atol=1e-10, rtol=1e-10)


def test_conv_same_padding_warns_about_even_kernels():
    with pytest.warns(UserWarning, match="padding='same' with even kernel lengths"):
        F_nt.conv2d(nt.ones(1, 1, 5, 5), nt.ones(1, 1, 2, 2), padding="same")


def test_conv_integer_and_half_inputs():
    x = np.arange(2 * 3 * 5 * 5).reshape(2, 3, 5, 5) % 7 - 3
    w = np.arange(4 * 3 * 2 * 2).reshape(4, 3, 2, 2) % 5 - 2
    got = F_nt.conv2d(nt.tensor(x), nt.tensor(w), stride=2, padding=1)
    want = F_t.conv2d(torch.tensor(x), torch.tensor(w), stride=2, padding=1)
    assert got.dtype is nt.int64
    np.testing.assert_array_equal(arr(got), arr(want))
    xh, wh = randn(2, 3, 6, 6, seed=1), randn(4, 3, 3, 3, seed=2)
    got = F_nt.conv2d(nt.tensor(xh).half(), nt.tensor(wh).half())
    want = F_t.conv2d(torch.tensor(xh).half(), torch.tensor(wh).half())
    assert got.dtype is nt.float16
    np.testing.assert_allclose(arr(got).astype(np.float32), arr(want).astype(np.float32),
                               atol=2e-2, rtol=2e-2)


def test_conv_empty_batch_and_channels():
    y = F_nt.conv2d(nt.zeros(0, 3, 5, 5), nt.ones(2, 3, 3, 3), nt.ones(2))
    assert tuple(y.shape) == (0, 2, 3, 3)
    x = nt.zeros(0, 3, 5, 5, requires_grad=True)
    w = nt.ones(2, 3, 3, 3, requires_grad=True)
    F_nt.conv2d(x, w).sum().backward()
    assert tuple(x.grad.shape) == (0, 3, 5, 5) and float(w.grad.abs().sum()) == 0.0


# ---- gradients: gradcheck, double backward, saved tensors -----------------------------------------
@pytest.mark.parametrize("kw", [
    dict(), dict(stride=2, padding=1), dict(dilation=2, padding=(2, 1), groups=2),
    dict(padding="same"), dict(stride=(1, 2), padding=(0, 2))])
def test_conv2d_gradcheck(kw):
    x = nt.tensor(randn(2, 4, 6, 5, seed=1, dtype=np.float64), requires_grad=True)
    w = nt.tensor(randn(4, 4 // kw.get("groups", 1), 3, 3, seed=2, dtype=np.float64),
                  requires_grad=True)
    b = nt.tensor(randn(4, seed=3, dtype=np.float64), requires_grad=True)
    assert nt.autograd.gradcheck(lambda x, w, b: F_nt.conv2d(x, w, b, **kw), (x, w, b))


def test_conv1d_gradcheck_and_gradgradcheck():
    x = nt.tensor(randn(2, 2, 7, seed=4, dtype=np.float64), requires_grad=True)
    w = nt.tensor(randn(3, 2, 3, seed=5, dtype=np.float64), requires_grad=True)
    b = nt.tensor(randn(3, seed=6, dtype=np.float64), requires_grad=True)
    fn = lambda x, w, b: F_nt.conv1d(x, w, b, stride=2, padding=1)  # noqa: E731
    assert nt.autograd.gradcheck(fn, (x, w, b))
    assert nt.autograd.gradgradcheck(fn, (x, w, b))


@pytest.mark.parametrize("shape", [((2, 3, 5, 5), (2, 3, 3, 3)), ((2, 3, 3, 3), (4, 3, 2, 2))])
def test_conv2d_gradgradcheck_both_layouts(shape):
    x = nt.tensor(randn(*shape[0], seed=7, dtype=np.float64), requires_grad=True)
    w = nt.tensor(randn(*shape[1], seed=8, dtype=np.float64), requires_grad=True)
    assert nt.autograd.gradgradcheck(lambda x, w: F_nt.conv2d(x, w, padding=1), (x, w))


def test_double_backward_matches_torch():
    x, w = randn(2, 2, 5, 5, seed=1, dtype=np.float64), randn(3, 2, 3, 3, seed=2, dtype=np.float64)
    out = []
    for lib, F in ((nt, F_nt), (torch, F_t)):
        xt, wt = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        y = F.conv2d(xt, wt, stride=2, padding=1)
        gx, = lib.autograd.grad((y * y).sum(), xt, create_graph=True)
        (gx * gx).sum().backward()
        out.append((gx, xt.grad, wt.grad))
    for got, want in zip(*out):
        assert_close(got, want, atol=1e-9, rtol=1e-9)


def test_conv_backward_detects_in_place_change_of_its_input():
    x = nt.randn(1, 1, 4, 4, requires_grad=True)
    h = x * 1
    y = F_nt.conv2d(h, nt.randn(1, 1, 2, 2, requires_grad=True))
    h.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


# ---- modules ---------------------------------------------------------------------------------
MODULES = {
    "conv2d": (lambda nn: nn.Conv2d(3, 4, 3), (2, 3, 7, 6)),
    "conv2d_full": (lambda nn: nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 2),
                                         dilation=(1, 2), groups=2, bias=False), (2, 4, 8, 9)),
    "conv2d_same": (lambda nn: nn.Conv2d(2, 3, 4, padding="same"), (2, 2, 6, 5)),
    "conv2d_reflect": (lambda nn: nn.Conv2d(2, 3, 3, padding=1, padding_mode="reflect"),
                       (2, 2, 5, 6)),
    "conv2d_replicate": (lambda nn: nn.Conv2d(2, 3, 3, padding=(2, 1),
                                              padding_mode="replicate"), (1, 2, 5, 6)),
    "conv2d_circular": (lambda nn: nn.Conv2d(2, 3, 3, padding=1, padding_mode="circular"),
                        (2, 2, 5, 6)),
    "conv2d_reflect_same": (lambda nn: nn.Conv2d(2, 3, 4, padding="same",
                                                 padding_mode="reflect"), (1, 2, 6, 6)),
    "conv1d": (lambda nn: nn.Conv1d(3, 5, 3, stride=2, padding=1), (2, 3, 9)),
    "conv1d_same_circular": (lambda nn: nn.Conv1d(2, 2, 3, padding="same",
                                                  padding_mode="circular"), (2, 2, 7)),
    "conv1d_unbatched": (lambda nn: nn.Conv1d(3, 2, 2, dilation=2), (3, 8)),
    "lecture_convnet": (lambda nn: nn.Sequential(
        nn.Conv2d(1, 32, 5), nn.MaxPool2d(3), nn.ReLU(), nn.Conv2d(32, 64, 5), nn.MaxPool2d(2),
        nn.ReLU(), nn.Flatten(), nn.Linear(256, 200), nn.ReLU(), nn.Linear(200, 10)),
        (5, 1, 28, 28)),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(MODULES))
def test_conv_module_matches_torch(name, dtype):
    make, shape = MODULES[name]
    torch.manual_seed(0)
    m_t = make(torch.nn)
    m_n = make(nt.nn)
    if dtype == np.float64:
        m_t.double()
        m_n.double()
    copy_weights(m_n, m_t)
    x = randn(*shape, seed=3, dtype=dtype)
    xs = [lib.tensor(x, requires_grad=True) for lib in (nt, torch)]
    y_n, y_t = m_n(xs[0]), m_t(xs[1])
    tol = 1e-4 if dtype == np.float32 else 1e-10
    assert_close(y_n, y_t, atol=tol, rtol=tol)
    g = randn(*y_t.shape, seed=4, dtype=dtype)
    y_n.backward(nt.tensor(g))
    y_t.backward(torch.tensor(g))
    assert_close(xs[0].grad, xs[1].grad, atol=tol, rtol=tol)
    got = dict(m_n.named_parameters())
    for pname, p in m_t.named_parameters():
        assert_close(got[pname].grad, p.grad, atol=tol * 10, rtol=tol * 10, msg=pname)
    assert repr(m_n) == repr(m_t)


def test_conv_module_reprs_and_attributes():
    for args, kw in [((1, 32, 5), {}), ((2, 4, (3, 5)), dict(stride=2, padding=1, dilation=2,
                                                            groups=2, bias=False)),
                     ((2, 4, 3), dict(padding_mode="reflect")), ((2, 4, 3), dict(padding="valid"))]:
        a, b = nt.nn.Conv2d(*args, **kw), torch.nn.Conv2d(*args, **kw)
        assert repr(a) == repr(b)
        for attr in ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation",
                     "groups", "padding_mode", "transposed", "output_padding",
                     "_reversed_padding_repeated_twice"):
            assert getattr(a, attr) == getattr(b, attr), attr
        assert [n for n, _ in a.named_parameters()] == [n for n, _ in b.named_parameters()]
        assert tuple(a.weight.shape) == tuple(b.weight.shape)
    assert repr(nt.nn.Conv1d(3, 4, 3, padding="same")) == repr(torch.nn.Conv1d(3, 4, 3, padding="same"))


def test_conv_default_init_range_and_reproducibility():
    nt.manual_seed(0)
    a = nt.nn.Conv2d(16, 64, 5)
    bound = 1 / math.sqrt(16 * 25)
    w = arr(a.weight)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.002
    assert np.abs(arr(a.bias)).max() <= bound
    nt.manual_seed(0)
    np.testing.assert_array_equal(arr(nt.nn.Conv2d(16, 64, 5).weight), w)


def test_lazy_conv_infers_in_channels():
    for lazy, eager, x in [(nt.nn.LazyConv2d(8, 3, padding=1), torch.nn.Conv2d(3, 8, 3, padding=1),
                            randn(2, 3, 6, 6, seed=1)),
                           (nt.nn.LazyConv1d(4, 2, stride=2), torch.nn.Conv1d(5, 4, 2, stride=2),
                            randn(5, 9, seed=2))]:
        before = repr(lazy)
        assert before.startswith("Lazy") and "(0, " in before
        y = lazy(nt.tensor(x))
        assert type(lazy).__name__ == type(eager).__name__
        assert repr(lazy) == repr(eager)
        copy_weights(lazy, eager)
        assert_close(lazy(nt.tensor(x)), eager(torch.tensor(x)), atol=1e-5)
        assert tuple(y.shape) == tuple(eager(torch.tensor(x)).shape)
    assert repr(nt.nn.LazyConv2d(32, 5)) == repr(torch.nn.LazyConv2d(32, 5))


# ---- errors ------------------------------------------------------------------------------------------
def _x(*s):
    return randn(*s, seed=0)


ERRORS = [
    lambda lib, F: lib.nn.Conv2d(1, 32, 5)(lib.tensor(_x(100, 3, 28, 28))),
    lambda lib, F: F.conv2d(lib.tensor(_x(2, 4, 5, 5)), lib.tensor(_x(6, 2, 3, 3)), groups=3),
    lambda lib, F: F.conv2d(lib.tensor(_x(5, 5)), lib.tensor(_x(6, 4, 3, 3))),
    lambda lib, F: F.conv1d(lib.tensor(_x(2, 4, 5, 5)), lib.tensor(_x(6, 4, 3))),
    lambda lib, F: F.conv2d(lib.tensor(_x(2, 4, 2, 2)), lib.tensor(_x(6, 4, 3, 3))),
    lambda lib, F: F.conv1d(lib.tensor(_x(2, 4, 5)), lib.tensor(_x(6, 4, 9))),
    lambda lib, F: F.conv2d(lib.tensor(_x(2, 4, 5, 5)).double(), lib.tensor(_x(6, 4, 3, 3))),
    lambda lib, F: F.conv2d(lib.tensor(_x(2, 4, 5, 5)), lib.tensor(_x(6, 4, 3, 3)).double()),
    lambda lib, F: F.conv2d(lib.tensor(_x(2, 4, 5, 5)), lib.tensor(_x(6, 4, 3, 3)),
                            lib.tensor(_x(6)).double()),
    lambda lib, F: F.conv2d(lib.tensor(_x(2, 4, 5, 5)), lib.tensor(_x(6, 4, 3, 3)), stride=0),
    lambda lib, F: F.conv2d(lib.tensor(_x(2, 4, 5, 5)), lib.tensor(_x(6, 4, 3, 3)), padding=-1),
    lambda lib, F: F.conv2d(lib.tensor(_x(2, 4, 5, 5)), lib.tensor(_x(6, 4, 3, 3)), dilation=0),
    lambda lib, F: F.conv2d(lib.tensor(_x(1, 2, 5, 5)), lib.tensor(_x(2, 1, 3, 3)), groups=0),
    lambda lib, F: F.conv2d(lib.tensor(_x(1, 2, 5, 5)), lib.tensor(_x(3, 1, 3, 3)), groups=2),
    lambda lib, F: F.conv2d(lib.tensor(_x(2, 4, 5, 5)), lib.tensor(_x(0, 4, 3, 3))),
    lambda lib, F: F.conv2d(lib.tensor(_x(2, 4, 5, 5)), lib.tensor(_x(6, 4, 3, 3)),
                            padding="same", stride=2),
    lambda lib, F: F.conv2d(lib.tensor(_x(2, 4, 5, 5)), lib.tensor(_x(6, 4, 3, 3)), padding="foo"),
    lambda lib, F: F.conv2d(lib.tensor(_x(2, 4, 5, 5)), lib.tensor(_x(6, 4, 3, 3)),
                            lib.tensor(_x(5))),
    lambda lib, F: F.conv2d(lib.tensor(_x(2, 4, 5, 5)), lib.tensor(_x(6, 4, 3, 3)),
                            lib.tensor(_x(6, 1))),
    lambda lib, F: F.conv2d(lib.tensor(_x(2, 4, 5, 5)), lib.tensor(_x(6, 4, 3, 3)), stride=(1, 2, 3)),
    lambda lib, F: F.conv2d(lib.tensor(_x(2, 4, 5, 5)), lib.tensor(_x(6, 4, 3))),
    lambda lib, F: F.conv2d(lib.tensor(_x(2, 4, 5, 5)), lib.tensor(_x(6, 4, 3, 3, 3))),
    lambda lib, F: F.conv1d(lib.tensor(_x(2, 4, 5)), lib.tensor(_x(6, 4, 3, 3))),
    lambda lib, F: F.conv1d(lib.tensor(_x(2, 4, 5)), lib.tensor(_x(6, 4, 3)), stride=(1, 1)),
    lambda lib, F: F.conv2d(lib.tensor(_x(2, 4, 5, 5)).bool(), lib.tensor(_x(6, 4, 3, 3)).bool()),
    lambda lib, F: lib.nn.Conv2d(2, 4, 3, padding="same", stride=2),
    lambda lib, F: lib.nn.Conv2d(2, 4, 3, groups=3),
    lambda lib, F: lib.nn.Conv2d(3, 4, 3, groups=3),
    lambda lib, F: lib.nn.Conv2d(3, 3, 3, groups=0),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_conv_errors_match_torch(i):
    raises_like(lambda: ERRORS[i](nt, F_nt), lambda: ERRORS[i](torch, F_t))


def test_conv_argument_type_errors():
    x, w = nt.ones(1, 1, 4, 4), nt.ones(1, 1, 2, 2)
    for call in (lambda: F_nt.conv2d(x, w, padding=1.5), lambda: F_nt.conv2d(x, w, stride="a"),
                 lambda: F_nt.conv2d(x, [1]), lambda: F_nt.conv2d([1], w),
                 lambda: F_nt.conv2d(x, w, groups=1.5)):
        with pytest.raises(TypeError, match="received an invalid combination of arguments"):
            call()
    with pytest.raises(TypeError, match="unexpected keyword argument 'foo'"):
        F_nt.conv2d(x, w, foo=1)
    # torch prints these sets in hash order, which changes from run to run
    with pytest.raises(ValueError, match="padding_mode must be one of .*, but got "
                                         "padding_mode='foo'"):
        nt.nn.Conv2d(3, 3, 3, padding_mode="foo")
    with pytest.raises(ValueError, match="Invalid padding string 'foo', should be one of"):
        nt.nn.Conv2d(3, 3, 3, padding="foo")
