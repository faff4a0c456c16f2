"""numtensor/ops/copy_variants.py against PyTorch: the *_copy ops, diagonal_scatter,
as_strided_scatter, the window functions, is_signed, scalar_tensor, get_device, typename,
put / put_ and frexp: values, dtypes, shapes, contiguity, gradients, node names, errors."""
import numpy as np
import pytest

import numtensor as nt
from nn_helpers import raises_like

import torch

RNG = np.random.default_rng(7)


def _pair(shape, transposed=False, dtype=np.float32, grad=True):
    """The same random values in both libraries; transposed: a non-contiguous view."""
    a = RNG.standard_normal(shape[::-1] if transposed else shape).astype(dtype)
    x, y = nt.tensor(a), torch.tensor(a)
    if transposed:
        x, y = x.permute(*reversed(range(a.ndim))), y.permute(*reversed(range(a.ndim)))
    if grad:
        x, y = x.detach().requires_grad_(), y.detach().requires_grad_()
    return x, y


def _same(ours, theirs, **tol):
    assert ours.dtype == getattr(nt, str(theirs.dtype).split(".")[1])
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), **tol)


def _outputs(r):
    return list(r) if isinstance(r, (tuple, list)) else [r]


COPIES = [  # (name, args after input, shape)
    ("view_copy", ((12,),), (3, 4)), ("t_copy", (), (3, 4)),
    ("transpose_copy", (0, 2), (2, 3, 4)), ("permute_copy", ((2, 0, 1),), (2, 3, 4)),
    ("unsqueeze_copy", (1,), (3, 4)), ("squeeze_copy", (), (3, 1, 4)),
    ("squeeze_copy", (1,), (3, 1, 4)), ("squeeze_copy", ((0, 1),), (3, 1, 4)),
    ("expand_copy", ((2, 3, 4),), (3, 1)), ("diagonal_copy", (1, 0, 1), (4, 5)),
    ("select_copy", (1, 2), (3, 4)), ("slice_copy", (1, 1, 4, 2), (3, 5)),
    ("unfold_copy", (1, 2, 1), (3, 4)), ("alias_copy", (), (3, 4)),
    ("as_strided_copy", ((2, 2), (1, 2)), (3, 4)),
    ("split_copy", (2,), (5, 3)), ("split_with_sizes_copy", ([1, 3], 1), (2, 4)),
    ("unbind_copy", (1,), (2, 3)),
]


@pytest.mark.parametrize("transposed", [False, True])
@pytest.mark.parametrize("name,args,shape", COPIES)
def test_copy_ops_match_torch(name, args, shape, transposed):
    x, y = _pair(shape, transposed)
    if name == "as_strided_copy" and transposed:
        x, y = (x.detach().contiguous().requires_grad_(),  # strides address storage: same
                y.detach().contiguous().requires_grad_())  # layout in both
    ours, theirs = _outputs(getattr(nt, name)(x, *args)), _outputs(getattr(torch, name)(y, *args))
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        _same(o, t)
        assert o.is_contiguous() and o.data_ptr() != x.data_ptr()
        assert type(o.grad_fn).__name__ == type(t.grad_fn).__name__
    w = [RNG.standard_normal(tuple(t.shape)).astype(np.float32) for t in theirs]
    sum((o * nt.tensor(a)).sum() for o, a in zip(ours, w)).backward()
    sum((t * torch.tensor(a)).sum() for t, a in zip(theirs, w)).backward()
    _same(x.grad, y.grad, rtol=1e-5, atol=1e-6)


def test_view_copy_dtype_complex_views_and_detach_copy():
    x, y = _pair((3, 4))
    _same(nt.view_copy(x, nt.int32), torch.view_copy(y, torch.int32))
    assert nt.view_copy(x, nt.float64).grad_fn is None
    z = RNG.standard_normal((3, 2)).astype(np.float32)
    _same(nt.view_as_complex_copy(nt.tensor(z)), torch.view_as_complex_copy(torch.tensor(z)))
    c, d = nt.view_as_complex(nt.tensor(z)), torch.view_as_complex(torch.tensor(z))
    _same(nt.view_as_real_copy(c), torch.view_as_real_copy(d))
    raises_like(lambda: nt.view_as_complex_copy(x), lambda: torch.view_as_complex_copy(y))
    r, s = nt.detach_copy(x), torch.detach_copy(y)
    _same(r, s)
    assert r.requires_grad and type(r.grad_fn).__name__ == type(s.grad_fn).__name__
    raises_like(lambda: r.sum().backward(), lambda: s.sum().backward())


def test_copy_ops_out_and_errors():
    x, y = _pair((3, 4), grad=False)
    o, p = nt.empty(0), torch.empty(0)
    assert nt.t_copy(x, out=o) is o
    torch.t_copy(y, out=p)
    _same(o, p)
    outs = [nt.empty(2, 4), nt.empty(1, 4)]
    assert nt.split_copy(x, 2, out=outs) is None
    _same(outs[1], torch.split_copy(y, 2)[1])
    raises_like(lambda: nt.t_copy(x, out=nt.empty(0, dtype=nt.float64)),
                lambda: torch.t_copy(y, out=torch.empty(0, dtype=torch.float64)))
    xr, yr = _pair((3, 4))
    _same(nt.t_copy(xr, out=nt.empty(0)), torch.t_copy(yr, out=torch.empty(0)))
    raises_like(lambda: nt.t_copy(x, out=nt.empty(0, requires_grad=True)),
                lambda: torch.t_copy(y, out=torch.empty(0, requires_grad=True)))
    raises_like(lambda: nt.split_copy(x, 2, out=[nt.empty(0)]),
                lambda: torch.split_copy(y, 2, out=[torch.empty(0)]))
    raises_like(lambda: nt.unbind_copy(x, out=[nt.empty(0)]),
                lambda: torch.unbind_copy(y, out=[torch.empty(0)]))
    raises_like(lambda: nt.split_copy(x, [1, 2]), lambda: torch.split_copy(y, [1, 2]))
    raises_like(lambda: nt.view_copy(x, (5,)), lambda: torch.view_copy(y, (5,)))
    raises_like(lambda: nt.slice_copy(x, 1, 0, None, 0), lambda: torch.slice_copy(y, 1, 0, None, 0))
    raises_like(lambda: nt.view_as_real_copy(x), lambda: torch.view_as_real_copy(y))
    with pytest.raises(TypeError):
        nt.t_copy(x, bad=1)
    with pytest.raises(TypeError):
        nt.expand_copy(x, (3, 4), bad=1)


@pytest.mark.parametrize("transposed", [False, True])
def test_diagonal_scatter(transposed):
    x, y = _pair((4, 5), transposed)
    s, t = _pair((3,))
    for ours, theirs in [(nt.diagonal_scatter(x, s, 2), torch.diagonal_scatter(y, t, 2)),
                         (x.diagonal_scatter(s, -1), y.diagonal_scatter(t, -1))]:
        _same(ours, theirs)
        assert ours.stride() == theirs.stride()
        assert type(ours.grad_fn).__name__ == type(theirs.grad_fn).__name__
        (ours * nt.arange(20.).view(ours.shape)).sum().backward()
        (theirs * torch.arange(20.).view(theirs.shape)).sum().backward()
        _same(x.grad, y.grad)
        _same(s.grad, t.grad)
    raises_like(lambda: nt.diagonal_scatter(x, nt.zeros(2)),
                lambda: torch.diagonal_scatter(y, torch.zeros(2)))


def _torch_as_strided_scatter(b, t, size, stride, offset=None):
    """PyTorch's as_strided_scatter spelled as a clone and a write, whose gradients are
    the true ones: PyTorch 2.13's AsStridedScatterBackward0 gives input the gradient at
    the overwritten positions instead of the kept ones, and src the gradient of the
    wrong positions when input is a view with a storage offset."""
    whole = b.as_strided((b.untyped_storage().nbytes() // b.element_size(),), (1,), 0).clone()
    view = whole.as_strided(size, stride, b.storage_offset() if offset is None else offset)
    view.copy_(t)
    return whole.as_strided(b.shape, b.stride(), b.storage_offset())


@pytest.mark.parametrize("sliced", [False, True])
def test_as_strided_scatter(sliced):
    for off in (None, 1):
        x, y = _pair((3, 4))
        s, t = _pair((2, 2))
        y2, t2 = y.detach().clone().requires_grad_(), t.detach().clone().requires_grad_()
        a, b, b2 = (x[1:], y[1:], y2[1:]) if sliced else (x, y, y2)
        ours = (a.as_strided_scatter(s, (2, 2), (1, 2), off) if off else
                nt.as_strided_scatter(a, s, (2, 2), (1, 2)))
        theirs = torch.as_strided_scatter(b, t, (2, 2), (1, 2), off)
        spelled = _torch_as_strided_scatter(b2, t2, (2, 2), (1, 2), off)
        _same(ours, theirs)
        _same(ours, spelled)
        assert ours.stride() == theirs.stride()
        assert type(ours.grad_fn).__name__ == type(theirs.grad_fn).__name__
        for r in (ours, theirs, spelled):
            (r * r).sum().backward()
        _same(s.grad, t2.grad, rtol=1e-5)
        _same(x.grad, y2.grad, rtol=1e-5)
        if not sliced:  # PyTorch's src gradient ignores a sliced input's storage offset
            _same(s.grad, t.grad, rtol=1e-5)
    raises_like(lambda: nt.as_strided_scatter(x, nt.zeros(3), (2, 2), (1, 2)),
                lambda: torch.as_strided_scatter(y, torch.zeros(3), (2, 2), (1, 2)))


WINDOWS = ["hann_window", "hamming_window", "blackman_window", "bartlett_window",
           "kaiser_window"]


@pytest.mark.parametrize("name", WINDOWS)
def test_windows(name):
    for n in (0, 1, 2, 5, 8, 33):
        for periodic in (True, False):
            for dt in ("float32", "float64"):
                ours = getattr(nt, name)(n, periodic, dtype=getattr(nt, dt))
                theirs = getattr(torch, name)(n, periodic, dtype=getattr(torch, dt))
                _same(ours, theirs, rtol=1e-6 if dt == "float32" else 1e-13, atol=1e-7)
    _same(getattr(nt, name)(6), getattr(torch, name)(6), rtol=1e-6, atol=1e-7)
    assert getattr(nt, name)(4, requires_grad=True).requires_grad
    for bad in (dict(window_length=-1), dict(window_length=4, dtype="int64"),
                dict(window_length=4, dtype="int32")):
        kw = dict(bad)
        ours, theirs = dict(kw), dict(kw)
        for k in ("dtype", "layout"):
            if k in kw:
                ours[k], theirs[k] = getattr(nt, kw[k]), getattr(torch, kw[k])
        raises_like(lambda: getattr(nt, name)(**ours), lambda: getattr(torch, name)(**theirs))
    raises_like(lambda: getattr(nt, name)(3.0), lambda: getattr(torch, name)(3.0))
    with pytest.raises(TypeError):
        getattr(nt, name)(3, out=nt.empty(3))
    _same(getattr(nt, name)(5, pin_memory=False), getattr(torch, name)(5, pin_memory=False),
          rtol=1e-6, atol=1e-7)
    raises_like(lambda: getattr(nt, name)(5, pin_memory=True),
                lambda: getattr(torch, name)(5, pin_memory=True))


def test_window_extra_parameters():
    _same(nt.hamming_window(7, False, 0.6, 0.3), torch.hamming_window(7, False, 0.6, 0.3),
          rtol=1e-6)
    _same(nt.kaiser_window(9, True, 5.0, dtype=nt.float64),
          torch.kaiser_window(9, True, 5.0, dtype=torch.float64), rtol=1e-12)


def test_small_helpers():
    for dt in ("float32", "int64", "uint8", "bool", "int8"):
        x = nt.zeros(2, dtype=getattr(nt, dt))
        assert nt.is_signed(x) == torch.is_signed(torch.zeros(2, dtype=getattr(torch, dt)))
        assert nt.typename(x) == torch.typename(torch.zeros(2, dtype=getattr(torch, dt)))
    assert nt.get_device(nt.ones(1)) == -1 == torch.get_device(torch.ones(1))
    for obj in (3, "s", int, [1]):
        assert nt.typename(obj) == torch.typename(obj)
    for s, kw in [(3, {}), (True, {}), (2.5, {}), (3, {"dtype": "int64"}),
                  (1 + 2j, {"dtype": "complex64"})]:
        ours = nt.scalar_tensor(s, **{k: getattr(nt, v) for k, v in kw.items()})
        theirs = torch.scalar_tensor(s, **{k: getattr(torch, v) for k, v in kw.items()})
        _same(ours, theirs)
    assert nt.scalar_tensor(2, requires_grad=True).requires_grad
    raises_like(lambda: nt.scalar_tensor(1j), lambda: torch.scalar_tensor(1j))
    with pytest.raises(TypeError):
        nt.scalar_tensor(1, out=nt.empty(()))
    with pytest.raises(TypeError):
        nt.is_signed(3)


@pytest.mark.parametrize("transposed", [False, True])
def test_put(transposed):
    x, y = _pair((3, 4), transposed)
    s, t = _pair((2, 2))
    idx = [[0, -1], [5, 7]]
    for acc in (False, True):
        ours = nt.put(x, nt.tensor(idx), s, accumulate=acc)
        theirs = torch.put(y, torch.tensor(idx), t, accumulate=acc)
        _same(ours, theirs)
        assert ours.stride() == theirs.stride()
        assert type(ours.grad_fn).__name__ == type(theirs.grad_fn).__name__
        (ours * ours).sum().backward()
        (theirs * theirs).sum().backward()
        _same(x.grad, y.grad, rtol=1e-5)
        _same(s.grad, t.grad, rtol=1e-5)
    _same(x.put(nt.tensor([1, 1]), s[0], True), y.put(torch.tensor([1, 1]), t[0], True))
    a, b = x.detach().clone(), y.detach().clone()
    assert a.put_(nt.tensor([2, 3]), nt.tensor([9.0, 8.0])) is a
    b.put_(torch.tensor([2, 3]), torch.tensor([9.0, 8.0]))
    _same(a, b)
    xd, yd = x.detach(), y.detach()
    for index, source in [([0, 12], [1.0, 2.0]), ([0, -13], [1.0, 2.0]), ([0, 1], [1.0, 2.0, 3.0]),
                          ([0, 1], [1, 2])]:
        raises_like(lambda: nt.put(xd, nt.tensor(index), nt.tensor(source)),
                    lambda: torch.put(yd, torch.tensor(index), torch.tensor(source)))
    raises_like(lambda: nt.put(xd, nt.tensor([0], dtype=nt.int32), nt.tensor([1.0])),
                lambda: torch.put(yd, torch.tensor([0], dtype=torch.int32), torch.tensor([1.0])))
    raises_like(lambda: nt.empty(0).put_(nt.tensor([0]), nt.tensor([1.0])),
                lambda: torch.empty(0).put_(torch.tensor([0]), torch.tensor([1.0])))


@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_frexp(dt):
    tiny = [1e-40, 1e-45] if dt == "float32" else [1e-310, 5e-324]
    big = 3.0e38 if dt == "float32" else 1.7e308
    vals = [0.0, -0.0, 1.0, 3.0, -5.5, 0.75, 1 - 2 ** -24, 2.0 ** 20, big, -big,
            float("inf"), -float("inf"), float("nan")] + tiny
    vals += list(RNG.standard_normal(20) * 10.0 ** RNG.integers(-30, 30, 20))
    a = np.array(vals, dtype=dt)
    ours, theirs = nt.frexp(nt.tensor(a)), torch.frexp(torch.tensor(a))
    assert type(ours).__name__ == "frexp" and ours._fields == ("mantissa", "exponent")
    _same(ours.mantissa, theirs.mantissa, rtol=0, atol=0)
    _same(ours.exponent, theirs.exponent, rtol=0, atol=0)
    m, e = nt.tensor(a).frexp()
    _same(m, theirs[0], rtol=0)
    x, y = _pair((3, 4), True)
    ours, theirs = nt.frexp(x), torch.frexp(y)
    assert type(ours.mantissa.grad_fn).__name__ == type(theirs.mantissa.grad_fn).__name__
    ours.mantissa.sum().backward()
    theirs.mantissa.sum().backward()
    _same(x.grad, y.grad)
    raises_like(lambda: nt.frexp(nt.tensor([1, 2])), lambda: torch.frexp(torch.tensor([1, 2])))


def test_frexp_float16_and_out():
    a = np.array([0.0, 1.5, -3.0, 6e-8, 65504.0], dtype=np.float16)
    ours, theirs = nt.frexp(nt.tensor(a)), torch.frexp(torch.tensor(a))
    _same(ours.mantissa, theirs.mantissa, rtol=0)
    _same(ours.exponent, theirs.exponent, rtol=0)
    m, e = nt.empty(0), nt.empty(0, dtype=nt.int32)
    r = nt.frexp(nt.tensor([4.0]), out=(m, e))
    assert r.mantissa is m and e.tolist() == [3]
