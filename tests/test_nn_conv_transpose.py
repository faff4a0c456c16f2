"""conv_transpose1d / conv_transpose2d, nn.ConvTranspose1d / ConvTranspose2d (and their lazy
forms), unfold / fold and nn.Unfold / nn.Fold against torch: outputs and the gradients of
input, weight and bias over strides, paddings, output_padding, dilation and groups, batched
and unbatched, non-contiguous inputs; forward's output_size; fold(unfold(x)) round trips;
gradcheck and double backward; same-seed initialisation; reprs; PyTorch's errors."""
import numpy as np
import pytest

import numtensor as nt
from nn_helpers import arr, assert_close, copy_weights, raises_like, randn, torch
from signature_helpers import compare as compare_keywords, numtensor_keywords, torch_keywords

F_nt, F_t = nt.nn.functional, torch.nn.functional


def _layout(lib, a, layout):
    """a as a lib tensor: contiguous, last two dims swapped in memory, or every other
    element of a wider buffer."""
    if layout == "transposed":
        return lib.tensor(np.ascontiguousarray(np.swapaxes(a, -1, -2))).transpose(-1, -2)
    if layout == "sliced":
        wide = np.zeros(a.shape[:-1] + (2 * a.shape[-1],), dtype=a.dtype)
        wide[..., ::2] = a
        return lib.tensor(wide)[..., ::2]
    return lib.tensor(a)


def run_both(fn, arrays, layout="contiguous", atol=1e-5, rtol=1e-5, seed=11):
    """fn(lib, F, *tensors) in both libraries (None arrays stay None): the same output, grad_fn
    name and gradients of every tensor for one random output gradient."""
    results = []
    for lib, F in ((nt, F_nt), (torch, F_t)):
        ts = [None if a is None else _layout(lib, a, layout if i == 0 else "contiguous")
              .requires_grad_(True) for i, a in enumerate(arrays)]
        y = fn(lib, F, *ts)
        y.backward(lib.tensor(randn(*y.shape, seed=seed, dtype=arrays[0].dtype)))
        results.append((y, [None if t is None else t.grad for t in ts]))
    (y_n, grads_n), (y_t, grads_t) = results
    assert_close(y_n, y_t, atol=atol, rtol=rtol, msg="output")
    assert y_n.dtype == getattr(nt, str(y_t.dtype).split(".")[1])
    assert type(y_n.grad_fn).__name__ == type(y_t.grad_fn).__name__
    for i, (got, want) in enumerate(zip(grads_n, grads_t)):
        assert_close(got, want, atol=atol * 10, rtol=rtol * 10, msg=f"grad of argument {i}")
    return y_n


def _conv_t(fn_name, **kw):
    return lambda lib, F, x, w, b: getattr(F, fn_name)(x, w, b, **kw)


# ---- conv_transpose: outputs and gradients ------------------------------------------------------
CASES = [  # (x shape, w shape, bias, keywords)
    ((2, 4, 5, 6), (4, 3, 3, 3), True, dict()),
    ((2, 4, 5, 6), (4, 3, 3, 2), True, dict(stride=2)),
    ((2, 4, 5, 6), (4, 3, 3, 2), False, dict(stride=(2, 3), padding=(1, 0), output_padding=(1, 2))),
    ((2, 4, 5, 6), (4, 2, 3, 3), True, dict(stride=2, padding=1, output_padding=1, groups=2)),
    ((2, 6, 4, 5), (6, 1, 2, 3), True, dict(groups=3, dilation=(2, 1), padding=(1, 2))),
    ((1, 4, 5, 6), (4, 3, 3, 3), True, dict(dilation=2, output_padding=1)),  # op < dilation
    ((3, 2, 4, 4), (2, 5, 4, 4), False, dict(stride=3, padding=2, output_padding=2, dilation=2)),
    ((4, 5, 6), (4, 2, 3, 3), True, dict(stride=2, padding=1)),               # unbatched
    ((2, 4, 7), (4, 3, 3), True, dict()),                                      # conv_transpose1d
    ((2, 4, 7), (4, 2, 3), True, dict(stride=2, padding=1, output_padding=1, groups=2)),
    ((3, 4, 6), (4, 2, 2), False, dict(stride=3, padding=2, output_padding=2, dilation=3)),
    ((4, 7), (4, 2, 3), True, dict(stride=2, dilation=2)),                     # unbatched 1-d
]


@pytest.mark.parametrize("i", range(len(CASES)))
def test_conv_transpose_matches_torch(i):
    xs, ws, bias, kw = CASES[i]
    x, w = randn(*xs, seed=i), randn(*ws, seed=i + 50)
    b = randn(ws[1] * kw.get("groups", 1), seed=i + 99) if bias else None
    run_both(_conv_t(f"conv_transpose{len(ws) - 2}d", **kw), [x, w, b], atol=1e-5, rtol=1e-5)


def _random_case(rng, dims):
    groups = int(rng.choice([1, 1, 2, 3]))
    cin, cout = groups * int(rng.integers(1, 4)), groups * int(rng.integers(1, 4))
    k = tuple(int(v) for v in rng.integers(1, 5, dims))
    stride = tuple(int(v) for v in rng.integers(1, 4, dims))
    dilation = tuple(int(v) for v in rng.integers(1, 3, dims))
    padding = tuple(int(rng.integers(0, 3)) for _ in range(dims))
    output_padding = tuple(int(rng.integers(0, max(s, d))) for s, d in zip(stride, dilation))
    size = tuple(int(v) for v in rng.integers(2 + max(padding), 7, dims))
    return dict(x=(int(rng.integers(1, 4)), cin) + size, w=(cin, cout // groups) + k,
                bias=bool(rng.integers(0, 2)),
                kw=dict(stride=stride, padding=padding, output_padding=output_padding,
                        dilation=dilation, groups=groups))


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("dims", [1, 2])
def test_conv_transpose_random_geometry_and_layouts(dims, seed):
    rng = np.random.default_rng(300 + 10 * dims + seed)
    case = _random_case(rng, dims)
    dtype = np.float64 if seed == 4 else np.float32
    x, w = randn(*case["x"], seed=seed, dtype=dtype), randn(*case["w"], seed=seed + 7, dtype=dtype)
    b = randn(case["w"][1] * case["kw"]["groups"], seed=seed + 8, dtype=dtype) \
        if case["bias"] else None
    layout = ("contiguous", "transposed", "sliced")[seed % 3]
    tol = 1e-5 if dtype == np.float32 else 1e-10
    run_both(_conv_t(f"conv_transpose{dims}d", **case["kw"]), [x, w, b], layout, tol, tol)


def test_conv_transpose_deep_layers():
    """Many channels: the input gradient's convolution takes the channels-last layout."""
    x, w = randn(2, 40, 5, 4, seed=1), randn(40, 36, 3, 3, seed=2)
    run_both(_conv_t("conv_transpose2d", stride=2, padding=1, output_padding=1),
             [x, w, randn(36, seed=3)], atol=1e-4, rtol=1e-4)


def test_conv_transpose_integer_half_and_empty_batch():
    x = np.arange(2 * 3 * 4 * 4).reshape(2, 3, 4, 4) % 7 - 3
    w = np.arange(3 * 2 * 3 * 3).reshape(3, 2, 3, 3) % 5 - 2
    got = F_nt.conv_transpose2d(nt.tensor(x), nt.tensor(w), nt.tensor([1, -2]), stride=2)
    want = F_t.conv_transpose2d(torch.tensor(x), torch.tensor(w), torch.tensor([1, -2]), stride=2)
    assert got.dtype is nt.int64
    np.testing.assert_array_equal(arr(got), arr(want))
    xh, wh = randn(2, 3, 4, 4, seed=1), randn(3, 2, 3, 3, seed=2)
    got = F_nt.conv_transpose2d(nt.tensor(xh).half(), nt.tensor(wh).half(), padding=1)
    want = F_t.conv_transpose2d(torch.tensor(xh).half(), torch.tensor(wh).half(), padding=1)
    assert got.dtype is nt.float16
    np.testing.assert_allclose(arr(got).astype(np.float32), arr(want).astype(np.float32),
                               atol=2e-2, rtol=2e-2)
    # a float64 input takes a float32 bias (PyTorch's slow kernel casts it)
    xd = randn(1, 3, 2, 2, seed=3, dtype=np.float64)
    wd = randn(3, 2, 2, 2, seed=4, dtype=np.float64)
    bf = randn(2, seed=5)
    assert_close(F_nt.conv_transpose2d(nt.tensor(xd), nt.tensor(wd), nt.tensor(bf)),
                 F_t.conv_transpose2d(torch.tensor(xd), torch.tensor(wd), torch.tensor(bf)))
    x0 = nt.zeros(0, 3, 4, 4, requires_grad=True)
    w0 = nt.ones(3, 2, 3, 3, requires_grad=True)
    b0 = nt.ones(2, requires_grad=True)
    y = F_nt.conv_transpose2d(x0, w0, b0, stride=2)
    assert tuple(y.shape) == (0, 2, 9, 9)
    y.sum().backward()
    assert tuple(x0.grad.shape) == (0, 3, 4, 4) and float(w0.grad.abs().sum()) == 0.0
    assert float(b0.grad.abs().sum()) == 0.0
    # PyTorch's path for an empty batch checks neither output_padding nor dtypes
    for kw in (dict(output_padding=1), dict()):
        w_n, w_t = nt.ones(4, 3, 3, 3).double(), torch.ones(4, 3, 3, 3).double()
        assert tuple(F_nt.conv_transpose2d(nt.zeros(0, 4, 3, 3), w_n, **kw).shape) == \
            tuple(F_t.conv_transpose2d(torch.zeros(0, 4, 3, 3), w_t, **kw).shape)


def test_conv_transpose_is_the_adjoint_of_conv():
    """<conv(y, w), x> == <y, conv_transpose(x, w)>, output_padding covering every y size."""
    x, w = nt.tensor(randn(2, 4, 3, 4, seed=1, dtype=np.float64)), \
        nt.tensor(randn(4, 3, 3, 2, seed=2, dtype=np.float64))
    for op in (0, 1):
        y = F_nt.conv_transpose2d(x, w, stride=2, padding=1, output_padding=op)
        probe = nt.tensor(randn(*y.shape, seed=3, dtype=np.float64))
        lhs = float((F_nt.conv2d(probe, w, stride=2, padding=1) * x).sum())
        assert abs(lhs - float((probe * y).sum())) < 1e-9 * max(1.0, abs(lhs))


# ---- gradients: gradcheck, double backward -------------------------------------------------------
@pytest.mark.parametrize("kw", [dict(stride=2, padding=1, output_padding=1),
                                dict(groups=2, dilation=(2, 1), output_padding=(1, 0))])
def test_conv_transpose2d_gradcheck_and_gradgradcheck(kw):
    x = nt.tensor(randn(1, 4, 2, 3, seed=1, dtype=np.float64), requires_grad=True)
    w = nt.tensor(randn(4, 1, 2, 2, seed=2, dtype=np.float64), requires_grad=True)
    b = nt.tensor(randn(kw.get("groups", 1), seed=3, dtype=np.float64), requires_grad=True)
    fn = lambda x, w, b: F_nt.conv_transpose2d(x, w, b, **kw)  # noqa: E731
    assert nt.autograd.gradcheck(fn, (x, w, b))
    assert nt.autograd.gradgradcheck(fn, (x, w, b))


def test_conv_transpose1d_gradcheck():
    x = nt.tensor(randn(2, 2, 4, seed=4, dtype=np.float64), requires_grad=True)
    w = nt.tensor(randn(2, 3, 3, seed=5, dtype=np.float64), requires_grad=True)
    b = nt.tensor(randn(3, seed=6, dtype=np.float64), requires_grad=True)
    assert nt.autograd.gradcheck(
        lambda x, w, b: F_nt.conv_transpose1d(x, w, b, stride=3, padding=1, output_padding=2),
        (x, w, b))


def test_conv_transpose_double_backward_matches_torch():
    x, w = randn(2, 2, 3, 3, seed=1, dtype=np.float64), randn(2, 3, 3, 3, seed=2, dtype=np.float64)
    out = []
    for lib, F in ((nt, F_nt), (torch, F_t)):
        xt, wt = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        y = F.conv_transpose2d(xt, wt, stride=2, padding=1, output_padding=1)
        gx, gw = lib.autograd.grad((y * y).sum(), (xt, wt), create_graph=True)
        ((gx * gx).sum() + (gw * gw).sum()).backward()
        out.append((gx, gw, xt.grad, wt.grad))
    for got, want in zip(*out):
        assert_close(got, want, atol=1e-9, rtol=1e-9)


# ---- modules -------------------------------------------------------------------------------------
MODULES = {
    "t2d": (lambda nn: nn.ConvTranspose2d(3, 4, 3), (2, 3, 4, 5)),
    "t2d_full": (lambda nn: nn.ConvTranspose2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 0),
                                               output_padding=(1, 0), groups=2, bias=False,
                                               dilation=(1, 2)), (2, 4, 4, 5)),
    "t2d_unbatched": (lambda nn: nn.ConvTranspose2d(2, 3, 2, stride=2), (2, 3, 4)),
    "t1d": (lambda nn: nn.ConvTranspose1d(3, 5, 3, stride=2, padding=1, output_padding=1),
            (2, 3, 6)),
    "t1d_groups": (lambda nn: nn.ConvTranspose1d(4, 2, 2, groups=2, dilation=2), (4, 5)),
    "autoencoder": (lambda nn: nn.Sequential(
        nn.Conv2d(1, 4, 3, stride=2, padding=1), nn.ReLU(),
        nn.ConvTranspose2d(4, 1, 3, stride=2, padding=1, output_padding=1), nn.Sigmoid()),
        (2, 1, 8, 8)),
}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_conv_transpose_module_matches_torch(name):
    """Same seed, same parameters as PyTorch's; same output, gradients and repr."""
    make, shape = MODULES[name]
    torch.manual_seed(5)
    m_t = make(torch.nn)
    nt.manual_seed(5)
    m_n = make(nt.nn)
    for (pname, p_n), (_, p_t) in zip(m_n.named_parameters(), m_t.named_parameters()):
        np.testing.assert_array_equal(arr(p_n), arr(p_t), err_msg=pname)
    x = randn(*shape, seed=3)
    xs = [lib.tensor(x, requires_grad=True) for lib in (nt, torch)]
    y_n, y_t = m_n(xs[0]), m_t(xs[1])
    assert_close(y_n, y_t, atol=1e-5, rtol=1e-5)
    g = randn(*y_t.shape, seed=4)
    y_n.backward(nt.tensor(g))
    y_t.backward(torch.tensor(g))
    assert_close(xs[0].grad, xs[1].grad, atol=1e-5, rtol=1e-5)
    got = dict(m_n.named_parameters())
    for pname, p in m_t.named_parameters():
        assert_close(got[pname].grad, p.grad, atol=1e-4, rtol=1e-4, msg=pname)
    assert repr(m_n) == repr(m_t)


def test_conv_transpose_module_reprs_and_attributes():
    for cls, args, kw in [("ConvTranspose2d", (16, 33, (3, 5)),
                           dict(stride=(2, 1), padding=(4, 2))),
                          ("ConvTranspose2d", (16, 33, 3), dict(stride=2)),
                          ("ConvTranspose2d", (2, 4, 3), dict(output_padding=1, stride=2,
                                                            dilation=2, groups=2, bias=False)),
                          ("ConvTranspose1d", (3, 6, 4), dict(padding=2, output_padding=(1,),
                                                            stride=3))]:
        a, b = getattr(nt.nn, cls)(*args, **kw), getattr(torch.nn, cls)(*args, **kw)
        assert repr(a) == repr(b)
        for attr in ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation",
                     "groups", "padding_mode", "transposed", "output_padding",
                     "_reversed_padding_repeated_twice"):
            assert getattr(a, attr) == getattr(b, attr), attr
        assert [n for n, _ in a.named_parameters()] == [n for n, _ in b.named_parameters()]
        assert tuple(a.weight.shape) == tuple(b.weight.shape)
    assert repr(nt.nn.ConvTranspose2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2))) == \
        "ConvTranspose2d(16, 33, kernel_size=(3, 5), stride=(2, 1), padding=(4, 2))"


@pytest.mark.parametrize("shape,output_size", [
    ((1, 4, 6), [1, 4, 12]), ((1, 4, 6), [11]), ((4, 6), (12,)), ((4, 6), [4, 11]),
])
def test_conv_transpose_forward_output_size(shape, output_size):
    x = randn(*shape, seed=1)
    mods = []
    for lib in (nt, torch):
        lib.manual_seed(0)
        mods.append(lib.nn.ConvTranspose1d(4, 4, 3, stride=2, padding=1))
    y_n = mods[0](nt.tensor(x), output_size=output_size)
    y_t = mods[1](torch.tensor(x), output_size=output_size)
    assert_close(y_n, y_t)


def test_conv_transpose2d_output_size_from_a_downsampling_conv():
    """PyTorch's doc example: upsample(h, output_size=input.size()) restores the size."""
    x = randn(1, 4, 11, 12, seed=2)
    outs = []
    for lib in (nt, torch):
        lib.manual_seed(0)
        down = lib.nn.Conv2d(4, 4, 3, stride=2, padding=1)
        up = lib.nn.ConvTranspose2d(4, 4, 3, stride=2, padding=1)
        xt = lib.tensor(x)
        outs.append(up(down(xt), output_size=xt.size()))
    assert tuple(outs[0].shape) == (1, 4, 11, 12)
    assert_close(outs[0], outs[1], atol=1e-5)


def test_lazy_conv_transpose_infers_in_channels():
    for lazy, eager, x in [
            (nt.nn.LazyConvTranspose2d(8, 3, stride=2, output_padding=1),
             torch.nn.ConvTranspose2d(3, 8, 3, stride=2, output_padding=1),
             randn(2, 3, 4, 4, seed=1)),
            (nt.nn.LazyConvTranspose1d(4, 2, groups=2, bias=False),
             torch.nn.ConvTranspose1d(6, 4, 2, groups=2, bias=False), randn(6, 5, seed=2))]:
        assert repr(lazy).startswith("Lazy")
        y = lazy(nt.tensor(x))
        assert type(lazy).__name__ == type(eager).__name__
        assert repr(lazy) == repr(eager)
        assert tuple(lazy.weight.shape) == tuple(eager.weight.shape)
        copy_weights(lazy, eager)
        assert_close(lazy(nt.tensor(x)), eager(torch.tensor(x)), atol=1e-5)
        assert tuple(y.shape) == tuple(eager(torch.tensor(x)).shape)
    assert repr(nt.nn.LazyConvTranspose2d(32, 5)) == repr(torch.nn.LazyConvTranspose2d(32, 5))


# ---- unfold / fold -------------------------------------------------------------------------------
BLOCKS = [  # (image shape, keywords)
    ((2, 3, 5, 6), dict(kernel_size=2)),
    ((2, 3, 5, 6), dict(kernel_size=(2, 3), padding=1, stride=2, dilation=(1, 2))),
    ((1, 2, 7, 4), dict(kernel_size=(3, 1), stride=(2, 1), dilation=(2, 1), padding=(0, 1))),
    ((3, 5, 6), dict(kernel_size=3, padding=1)),                              # unbatched
    ((2, 1, 6, 6), dict(kernel_size=2, stride=2)),                            # non-overlapping
]


@pytest.mark.parametrize("i", range(len(BLOCKS)))
def test_unfold_and_fold_match_torch(i):
    shape, kw = BLOCKS[i]
    x = randn(*shape, seed=i)
    layout = ("contiguous", "transposed", "sliced")[i % 3]
    cols = run_both(lambda lib, F, x: F.unfold(x, **kw), [x], layout)
    assert cols.is_contiguous()
    c = randn(*cols.shape, seed=i + 20)
    run_both(lambda lib, F, c: F.fold(c, shape[-2:], **kw), [c], layout)
    # the round trip: fold(unfold(x)) == x * (how many blocks cover each pixel)
    run_both(lambda lib, F, x: F.fold(F.unfold(x, **kw), shape[-2:], **kw), [x])


def test_fold_of_unfold_divides_out_to_the_input():
    x = nt.tensor(randn(2, 3, 5, 6, seed=1))
    kw = dict(kernel_size=(2, 3), padding=1, stride=1)
    divisor = F_nt.fold(F_nt.unfold(nt.ones_like(x), **kw), (5, 6), **kw)
    assert_close(F_nt.fold(F_nt.unfold(x, **kw), (5, 6), **kw) / divisor, x)
    # non-overlapping blocks: fold is unfold's inverse
    assert_close(F_nt.fold(F_nt.unfold(x[..., :4, :6], 2, stride=2), (4, 6), 2, stride=2),
                 x[..., :4, :6])


def test_unfold_fold_gradcheck_and_gradgradcheck():
    x = nt.tensor(randn(1, 2, 3, 4, seed=1, dtype=np.float64), requires_grad=True)
    kw = dict(kernel_size=(2, 2), dilation=(1, 2), padding=1, stride=(2, 1))
    assert nt.autograd.gradcheck(lambda x: F_nt.unfold(x, **kw), (x,))
    assert nt.autograd.gradgradcheck(lambda x: F_nt.unfold(x, **kw) ** 2, (x,))
    c = nt.tensor(randn(*F_nt.unfold(x, **kw).shape, seed=2, dtype=np.float64),
                  requires_grad=True)
    assert nt.autograd.gradcheck(lambda c: F_nt.fold(c, (3, 4), **kw), (c,))
    assert nt.autograd.gradgradcheck(lambda c: F_nt.fold(c, (3, 4), **kw) ** 2, (c,))


def test_unfold_fold_dtypes_and_empty_batch():
    x = randn(1, 2, 4, 4, seed=1)
    for cast in (lambda t: t.half(), lambda t: t > 0, lambda t: t.double()):
        got, want = F_nt.unfold(cast(nt.tensor(x)), 2), F_t.unfold(cast(torch.tensor(x)), 2)
        assert str(got.dtype) == str(want.dtype)
        np.testing.assert_array_equal(arr(got), arr(want))
        got, want = F_nt.fold(cast(nt.tensor(x[0])), 3, 2), F_t.fold(cast(torch.tensor(x[0])), 3, 2)
        assert str(got.dtype) == str(want.dtype)
        np.testing.assert_allclose(arr(got).astype(np.float64), arr(want).astype(np.float64),
                                   rtol=1e-3, atol=1e-3)
    assert tuple(F_nt.unfold(nt.zeros(0, 2, 4, 4), 2).shape) == (0, 8, 9)
    assert tuple(F_nt.fold(nt.zeros(0, 8, 9), 4, 2).shape) == (0, 2, 4, 4)


def test_unfold_fold_modules():
    for make, shape in [(lambda nn: nn.Unfold(kernel_size=(2, 3), padding=1, stride=2),
                         (2, 3, 5, 6)),
                        (lambda nn: nn.Unfold([2, 2]), (3, 4, 4)),
                        (lambda nn: nn.Fold(output_size=(4, 5), kernel_size=2), (2, 8, 12)),
                        (lambda nn: nn.Fold((3, 3), 2, dilation=2, padding=1), (4, 9))]:
        m_n, m_t = make(nt.nn), make(torch.nn)
        assert repr(m_n) == repr(m_t)
        x = randn(*shape, seed=1)
        assert_close(m_n(nt.tensor(x)), m_t(torch.tensor(x)))


# ---- errors --------------------------------------------------------------------------------------
def _x(*s, dtype=np.float32):
    return randn(*s, seed=0, dtype=dtype)


def _d(*s):
    return _x(*s, dtype=np.float64)


ERRORS = [
    lambda lib, F: F.conv_transpose2d(lib.tensor(_x(2, 5, 3, 3)), lib.tensor(_x(4, 3, 3, 3))),
    lambda lib, F: lib.nn.ConvTranspose2d(4, 3, 3)(lib.tensor(_x(2, 5, 3, 3))),
    lambda lib, F: F.conv_transpose2d(lib.tensor(_x(2, 3, 3, 3)), lib.tensor(_x(3, 3, 3, 3)),
                                      groups=2),
    lambda lib, F: F.conv_transpose2d(lib.tensor(_x(2, 4, 3, 3)), lib.tensor(_x(4, 3, 3, 3)),
                                      groups=8),
    lambda lib, F: F.conv_transpose2d(lib.tensor(_x(2, 4, 3, 3)), lib.tensor(_x(4, 3, 3, 3)),
                                      output_padding=1),
    lambda lib, F: F.conv_transpose2d(lib.tensor(_x(2, 4, 3, 3)), lib.tensor(_x(4, 3, 3, 3)),
                                      stride=2, output_padding=(1, 2)),
    lambda lib, F: F.conv_transpose1d(lib.tensor(_x(2, 4, 3)), lib.tensor(_x(4, 3, 3)),
                                      output_padding=1),
    lambda lib, F: F.conv_transpose2d(lib.tensor(_x(2, 4, 3, 3)), lib.tensor(_x(4, 3, 3, 3)),
                                      lib.tensor(_x(4))),
    lambda lib, F: F.conv_transpose2d(lib.tensor(_x(2, 4, 3, 3)), lib.tensor(_x(4, 3, 3, 3)),
                                      lib.tensor(_x(3, 1))),
    lambda lib, F: F.conv_transpose2d(lib.tensor(_x(4, 3)), lib.tensor(_x(4, 3, 3, 3))),
    lambda lib, F: F.conv_transpose1d(lib.tensor(_x(2, 4, 3, 3)), lib.tensor(_x(4, 3, 3))),
    lambda lib, F: F.conv_transpose2d(lib.tensor(_x(2, 4, 3, 3)), lib.tensor(_x(4, 3, 3))),
    lambda lib, F: F.conv_transpose2d(lib.tensor(_x(2, 4, 3, 3)), lib.tensor(_x(4, 3))),
    lambda lib, F: F.conv_transpose1d(lib.tensor(_x(2, 4, 3)), lib.tensor(_x(4, 3, 3, 3))),
    lambda lib, F: F.conv_transpose2d(lib.tensor(_x(2, 4, 3, 3)), lib.tensor(_x(4, 3, 3, 3)),
                                      stride=0),
    lambda lib, F: F.conv_transpose2d(lib.tensor(_x(2, 4, 3, 3)), lib.tensor(_x(4, 3, 3, 3)),
                                      padding=-1),
    lambda lib, F: F.conv_transpose2d(lib.tensor(_x(2, 4, 3, 3)), lib.tensor(_x(4, 3, 3, 3)),
                                      output_padding=-1),
    lambda lib, F: F.conv_transpose2d(lib.tensor(_x(2, 4, 3, 3)), lib.tensor(_x(4, 3, 3, 3)),
                                      dilation=-1),
    lambda lib, F: F.conv_transpose2d(lib.tensor(_d(2, 4, 3, 3)), lib.tensor(_d(4, 3, 3, 3)),
                                      dilation=0),
    lambda lib, F: F.conv_transpose2d(lib.tensor(_x(2, 4, 3, 3)), lib.tensor(_x(4, 3, 3, 3)),
                                      groups=0),
    lambda lib, F: F.conv_transpose2d(lib.tensor(_x(2, 4, 3, 3)), lib.tensor(_x(4, 3, 3, 3)),
                                      stride=(1, 2, 3)),
    lambda lib, F: F.conv_transpose1d(lib.tensor(_x(2, 4, 3)), lib.tensor(_x(4, 3, 3)),
                                      stride=(2, 2)),
    lambda lib, F: F.conv_transpose2d(lib.tensor(_d(2, 4, 3, 3)), lib.tensor(_x(4, 3, 3, 3))),
    lambda lib, F: F.conv_transpose2d(lib.tensor(_x(2, 4, 3, 3)), lib.tensor(_d(4, 3, 3, 3))),
    lambda lib, F: F.conv_transpose2d(lib.tensor(_x(2, 4, 3, 3)), lib.tensor(_x(4, 3, 3, 3)),
                                      lib.tensor(_d(3))),
    lambda lib, F: F.conv_transpose2d(lib.tensor(_x(2, 4, 3, 3)).bool(),
                                      lib.tensor(_x(4, 3, 3, 3)).bool()),
    lambda lib, F: F.conv_transpose2d(lib.tensor(_d(2, 4, 1, 1)), lib.tensor(_d(4, 3, 1, 1)),
                                      padding=1),
    lambda lib, F: F.conv_transpose1d(lib.tensor(_d(2, 4, 2)), lib.tensor(_d(4, 3, 1)), padding=1),
    lambda lib, F: F.conv_transpose2d(lib.tensor(_d(2, 4, 3, 3)), lib.tensor(_d(4, 3, 0, 3))),
    lambda lib, F: F.conv_transpose2d(lib.tensor(_x(2, 4, 0, 3)), lib.tensor(_x(4, 3, 3, 3))),
    lambda lib, F: F.conv_transpose2d(lib.tensor(_x(2, 0, 3, 3)), lib.tensor(_x(0, 3, 3, 3))),
    lambda lib, F: lib.nn.ConvTranspose2d(2, 4, 3, padding_mode="reflect"),
    lambda lib, F: lib.nn.ConvTranspose1d(3, 4, 3, groups=2),
    lambda lib, F: lib.nn.ConvTranspose1d(4, 3, 3, stride=2)(lib.tensor(_x(1, 4, 6)),
                                                             output_size=[15]),
    lambda lib, F: lib.nn.ConvTranspose1d(4, 3, 3, stride=2)(lib.tensor(_x(1, 4, 6)),
                                                             output_size=[1, 13]),
    # unfold / fold
    lambda lib, F: F.unfold(lib.tensor(_x(1, 2, 3, 5)), (4, 7)),
    lambda lib, F: F.unfold(lib.tensor(_x(1, 2, 3, 5)), (6, 7), padding=1, stride=2),
    lambda lib, F: F.unfold(lib.tensor(_x(5, 6)), 2),
    lambda lib, F: F.unfold(lib.tensor(_x(5)), 2),
    lambda lib, F: F.unfold(lib.tensor(_x(1, 2, 3, 5, 6)), 2),
    lambda lib, F: F.unfold(lib.tensor(_x(0, 3, 5)), 2),
    lambda lib, F: F.unfold(lib.tensor(_x(1, 0, 3, 3)), 2),
    lambda lib, F: F.unfold(lib.tensor(_x(1, 2, 3, 3)), 0, stride=0),
    lambda lib, F: F.unfold(lib.tensor(_x(1, 2, 3, 3)), 1, stride=0, dilation=0),
    lambda lib, F: F.unfold(lib.tensor(_x(1, 2, 3, 3)), 1, stride=0, padding=-1),
    lambda lib, F: F.unfold(lib.tensor(_x(1, 2, 3, 3)), 1, stride=0),
    lambda lib, F: F.unfold(lib.tensor(_x(1, 2, 3, 3)), (2,)),
    lambda lib, F: F.unfold(lib.tensor(_x(1, 2, 3, 3)), 2, dilation=(1, 1, 1)),
    lambda lib, F: F.unfold(lib.tensor(_x(1, 2, 3, 3)), 1.5),
    lambda lib, F: F.unfold(lib.tensor(_x(1, 2, 3, 3)), 2, stride=(1, 1.5)),
    lambda lib, F: F.unfold(lib.tensor(_x(1, 2, 3, 3)).long(), 2),
    lambda lib, F: F.unfold([1], 2),
    lambda lib, F: F.fold(lib.tensor(_x(2, 12, 19)), (5, 6), 2),
    lambda lib, F: F.fold(lib.tensor(_x(2, 13, 20)), (5, 6), 2),
    lambda lib, F: F.fold(lib.tensor(_x(2, 12, 20)), (5, 6, 7), 2),
    lambda lib, F: F.fold(lib.tensor(_x(1, 12, 20, 1)), (5, 6), 2),
    lambda lib, F: F.fold(lib.tensor(_x(2, 12, 0)), (5, 6), 2),
    lambda lib, F: F.fold(lib.tensor(_x(2, 12, 20)), (5, 6), 1, stride=0, dilation=0),
    lambda lib, F: F.fold(lib.tensor(_x(2, 12, 20)), (5, 6), 1, dilation=0, padding=-1),
    lambda lib, F: F.fold(lib.tensor(_x(2, 12, 1)), (0, 0), 2),
    lambda lib, F: F.fold(lib.tensor(_x(2, 3, 6)), (0, 1), 1, padding=1),
    lambda lib, F: F.fold(lib.tensor(_x(2, 12, 20)), 2.0, 1),
    lambda lib, F: F.fold(lib.tensor(_x(2, 12, 20)).long(), (5, 6), 2),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors_match_torch(i):
    raises_like(lambda: ERRORS[i](nt, F_nt), lambda: ERRORS[i](torch, F_t))


def test_argument_type_errors():
    x, w = nt.ones(1, 1, 4, 4), nt.ones(1, 1, 2, 2)
    for call, match in [(lambda: F_nt.conv_transpose2d(x, w, padding=1.5), "'padding'"),
                        (lambda: F_nt.conv_transpose2d(x, w, stride="a"), "'stride'"),
                        (lambda: F_nt.conv_transpose2d(x, w, output_padding=True), "'output_"),
                        (lambda: F_nt.conv_transpose2d(x, [1]), "'weight'"),
                        (lambda: F_nt.conv_transpose2d([1], w), "'input'"),
                        (lambda: F_nt.conv_transpose2d(x, w, [1]), "'bias'"),
                        (lambda: F_nt.conv_transpose2d(x, w, groups=1.5), "'groups'")]:
        with pytest.raises(TypeError, match=f"conv_transpose2d\\(\\): argument {match}"):
            call()
    for call in (lambda: F_nt.conv_transpose2d(x, w, foo=1), lambda: F_nt.unfold(x, 2, foo=1),
                 lambda: F_nt.fold(x, 2, 2, foo=1), lambda: nt.nn.ConvTranspose2d(1, 1, 2, foo=1),
                 lambda: nt.nn.Fold(2, 2, foo=1)):
        with pytest.raises(TypeError, match="unexpected keyword argument 'foo'"):
            call()


# ---- signatures ----------------------------------------------------------------------------------
def _plain(sig):
    return [(p.name, p.kind, p.default) for p in sig.parameters.values()]


def test_signatures_match_torch():
    import inspect
    for name in ("conv_transpose1d", "conv_transpose2d", "unfold", "fold"):
        assert name in F_nt.__all__
        ours, theirs = getattr(F_nt, name), getattr(F_t, name)
        try:
            want = inspect.signature(theirs)
        except (TypeError, ValueError):  # a builtin: its documented keywords
            assert compare_keywords(numtensor_keywords(ours), torch_keywords(theirs, name)) == ""
            continue
        assert _plain(inspect.signature(ours)) == _plain(want), name
    for name in ("ConvTranspose1d", "ConvTranspose2d", "LazyConvTranspose1d",
                 "LazyConvTranspose2d", "Unfold", "Fold"):
        ours, theirs = getattr(nt.nn, name), getattr(torch.nn, name)
        assert name in nt.nn.__all__
        assert _plain(inspect.signature(ours.__init__)) == \
            _plain(inspect.signature(theirs.__init__)), name
        assert _plain(inspect.signature(ours.forward)) == \
            _plain(inspect.signature(theirs.forward)), name
