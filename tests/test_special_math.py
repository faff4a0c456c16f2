"""The special functions (erf ... i0, copysign, fmax ...) and numtensor.special against
PyTorch: values incl. special points, dtypes, methods, in-place forms, out=, gradients."""
import math

import pytest
import torch

import numtensor as nt

SPECIAL = [-7.5, -3.5, -2.0, -1.0, -0.5, -0.0, 0.0, 1e-8, 0.3, 0.5, 0.999, 1.0, 1.0000001,
           1.4616321449683622, 2.0, 5.5, 7.0, 29.9, 30.0, 45.0, 200.0,
           math.inf, -math.inf, math.nan]


def _values():
    g = torch.Generator().manual_seed(0)
    return SPECIAL + (torch.randn(40, generator=g, dtype=torch.float64) * 4).tolist()


def _nt(t):
    return nt.tensor(t.tolist(), dtype=getattr(nt, str(t.dtype).split(".")[1]))


def _torch(t):
    return torch.tensor(t.tolist(), dtype=getattr(torch, str(t.dtype).split(".")[1]))


def _close(got, want, rtol, atol):
    got = _torch(got)
    assert got.dtype == want.dtype and got.shape == want.shape
    torch.testing.assert_close(got, want, rtol=rtol, atol=atol, equal_nan=True)


UNARY = ["erf", "erfc", "lgamma", "asinh", "acosh", "atanh", "arcsinh", "arccosh", "arctanh",
         "frac", "sinc", "digamma", "i0", "erfinv"]
# float64 tolerances: the composed ones within a few ulps of PyTorch's
TOL64 = {"digamma": (1e-12, 1e-13), "i0": (1e-12, 0), "erfinv": (1e-12, 0)}


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_unary_values(name, dtype):
    vals = _values()
    if name == "erfinv":
        vals = [v / 8 for v in vals] + [-1.0, 1.0, 0.9999999, -0.99999999999, 0.99999999999999,
                                        1 - 2.0 ** -53, 1.5, -2.0]
    x = torch.tensor(vals, dtype=getattr(torch, dtype))
    want = getattr(torch, name)(x)
    if dtype == "float64":
        rtol, atol = TOL64.get(name, (1e-14, 1e-15))
    else:
        # sinc: PyTorch's float32 sin(pi x) leaves ~3e-8 at the integers
        rtol, atol = 2e-6, (1e-7 if name == "sinc" else 1e-30)
    if name == "digamma" and dtype == "float32":
        rtol, atol = 1e-5, 1e-6  # PyTorch's float32 digamma is computed in float32
    if name == "erfinv" and dtype == "float32":
        rtol = 1e-5
    _close(getattr(nt, name)(_nt(x)), want, rtol, atol)


def test_float16_and_promotion():
    x = torch.tensor([-2.0, -0.5, 0.0, 0.5, 1.5, 3.0], dtype=torch.float16)
    for name in ("erf", "erfc", "lgamma", "asinh", "atanh", "frac", "sinc"):
        _close(getattr(nt, name)(_nt(x)), getattr(torch, name)(x), 2e-3, 1e-3)
    xi = torch.tensor([0, 1, 2, 3, -1])
    for name in ("erf", "erfc", "lgamma", "asinh", "acosh", "atanh", "sinc", "digamma", "i0",
                 "erfinv"):
        got = getattr(nt, name)(_nt(xi))
        assert got.dtype == nt.float32
        _close(got, getattr(torch, name)(xi), 1e-6, 1e-7)
    with pytest.raises(NotImplementedError):
        nt.frac(nt.tensor([1, 2]))
    assert nt.erf(nt.tensor([True, False])).dtype == nt.float32


def test_methods_inplace_out():
    x = torch.tensor([0.1, 0.5, 0.9], dtype=torch.float64)
    for name in ("erf", "erfc", "erfinv", "lgamma", "asinh", "atanh", "arcsinh", "arctanh",
                 "frac", "sinc", "digamma", "i0"):
        want = getattr(torch, name)(x)
        _close(getattr(_nt(x), name)(), want, 1e-12, 0)
        y = _nt(x)
        assert getattr(y, name + "_")() is y
        _close(y, want, 1e-12, 0)
        out = nt.empty(3, dtype=nt.float64)
        assert getattr(nt, name)(_nt(x), out=out) is out
        _close(out, want, 1e-12, 0)
        with pytest.raises(TypeError):
            getattr(nt, name)(_nt(x), foo=1)
    y = _nt(x + 1)
    assert nt.acosh_(y) is y
    _close(y, torch.acosh(x + 1), 1e-14, 0)
    _close(_nt(x).polygamma(1), x.polygamma(1), 1e-8, 0)  # PyTorch: ~1e-9 (test_polygamma)
    with pytest.raises(RuntimeError):
        nt.erf_(nt.tensor([1, 2]))  # a float result cannot go into an int tensor


def test_polygamma():
    import mpmath
    x = torch.tensor([-2.5, -0.5, 0.25, 1.0, 3.0, 12.0, 100.0], dtype=torch.float64)
    _close(nt.polygamma(0, _nt(x)), torch.polygamma(0, x), 1e-12, 1e-13)
    # PyTorch's trigamma is good to ~1e-9 only: n = 1 is checked against mpmath as well
    got = nt.polygamma(1, _nt(x))
    _close(got, torch.polygamma(1, x), 1e-8, 0)
    exact = torch.tensor([float(mpmath.psi(1, v)) for v in x.tolist()], dtype=torch.float64)
    _close(got, exact, 1e-13, 0)
    with pytest.raises(TypeError):
        nt.polygamma(1.0, _nt(x))


def test_bool_predicates():
    x = torch.tensor([math.inf, -math.inf, math.nan, 0.0, -1.0])
    for name in ("isposinf", "isneginf", "isreal"):
        got = getattr(nt, name)(_nt(x))
        assert got.tolist() == getattr(torch, name)(x).tolist()
        assert getattr(_nt(x), name)().tolist() == getattr(x, name)().tolist()
        assert getattr(nt, name)(nt.tensor([1, 2])).tolist() == \
            getattr(torch, name)(torch.tensor([1, 2])).tolist()
    out = nt.empty(5, dtype=nt.bool)
    assert nt.isposinf(_nt(x), out=out) is out and out.tolist() == torch.isposinf(x).tolist()
    with pytest.raises(RuntimeError):
        nt.isneginf(_nt(x), out=nt.empty(5))
    c = torch.tensor([1 + 0j, 1 + 1j, 0j])
    assert nt.isreal(nt.tensor([1 + 0j, 1 + 1j, 0j])).tolist() == torch.isreal(c).tolist()


def test_binary_values():
    a = torch.tensor([1.0, -2.0, 0.0, -0.0, math.nan, math.inf, 3.0, math.nan], dtype=torch.float64)
    b = torch.tensor([-1.0, 2.0, -0.0, 1.0, 2.0, math.nan, math.nan, math.nan], dtype=torch.float64)
    for name in ("copysign", "fmax", "fmin", "xlog1py"):
        fn = getattr(torch.special, name) if name == "xlog1py" else getattr(torch, name)
        want = fn(a, b)
        mine = nt.special.xlog1py if name == "xlog1py" else getattr(nt, name)
        got = mine(_nt(a), _nt(b))
        _close(got, want, 1e-15, 0)
        if name == "copysign":  # the sign of -0.0 too
            assert nt.signbit(got).tolist() == torch.signbit(want).tolist()
    assert not hasattr(nt, "xlog1py") and not hasattr(torch, "xlog1py")
    ai, bi = torch.tensor([1, -3, 5]), torch.tensor([2, 2, -7])
    for name in ("fmax", "fmin", "copysign"):
        got = getattr(nt, name)(_nt(ai), _nt(bi))
        want = getattr(torch, name)(ai, bi)
        assert str(got.dtype).split(".")[1] == str(want.dtype).split(".")[1]
        _close(got, want, 0, 0)
        _close(getattr(_nt(ai), name)(_nt(bi)), want, 0, 0)
    _close(nt.copysign(_nt(a), -1.0), torch.copysign(a, -1.0), 0, 0)
    y = _nt(a)
    assert y.copysign_(_nt(b)) is y
    _close(y, torch.copysign(a, b), 0, 0)
    out = nt.empty(8, dtype=nt.float64)
    assert nt.fmax(_nt(a), _nt(b), out=out) is out
    _close(out, torch.fmax(a, b), 0, 0)
    _close(nt.special.xlog1py(2.0, _nt(b)), torch.special.xlog1py(2.0, b), 1e-15, 0)


def _grad_pair(name, x, *rest, fn_nt=None, fn_t=None):
    xt = x.clone().requires_grad_()
    yt = (fn_t or getattr(torch, name))(xt, *rest)
    yt.sum().backward()
    xn = _nt(x).requires_grad_()
    yn = (fn_nt or getattr(nt, name))(xn, *[_nt(r) if isinstance(r, torch.Tensor) else r
                                          for r in rest])
    assert type(yn.grad_fn).__name__ == type(yt.grad_fn).__name__
    yn.sum().backward()
    return xn.grad, xt.grad


@pytest.mark.parametrize("name", ["erf", "erfc", "erfinv", "lgamma", "asinh", "acosh", "atanh",
                                  "frac", "sinc", "digamma", "i0", "copysign", "fmax", "fmin"])
def test_gradients_and_nodes(name):
    x = torch.tensor([-0.7, -0.2, 0.0, 0.3, 0.8], dtype=torch.float64)
    rest = ()
    if name == "acosh":
        x = x + 2.0
    if name in ("lgamma", "digamma"):
        x = torch.tensor([-2.5, -0.3, 0.4, 1.0, 6.5, 20.0], dtype=torch.float64)
    if name in ("copysign", "fmax", "fmin"):
        rest = (torch.tensor([1.0, -0.2, -1.0, math.nan, 0.8], dtype=torch.float64),)
    if name == "i0":
        x = torch.tensor([-40.0, -3.0, 0.0, 0.5, 12.0, 35.0], dtype=torch.float64)
    got, want = _grad_pair(name, x, *rest)
    # digamma's gradient is trigamma, PyTorch's good to ~1e-9 (test_polygamma)
    _close(got, want, 1e-8 if name == "digamma" else 1e-11, 1e-13)


def test_xlog1py_gradient_and_gradcheck():
    a = torch.tensor([0.0, 1.5, -2.0], dtype=torch.float64)
    b = torch.tensor([0.5, -0.5, 3.0], dtype=torch.float64)
    at, bt = a.clone().requires_grad_(), b.clone().requires_grad_()
    yt = torch.special.xlog1py(at, bt)
    yt.sum().backward()
    an, bn = _nt(a).requires_grad_(), _nt(b).requires_grad_()
    yn = nt.special.xlog1py(an, bn)
    assert type(yn.grad_fn).__name__ == type(yt.grad_fn).__name__
    yn.sum().backward()
    _close(an.grad, at.grad, 1e-14, 0)
    _close(bn.grad, bt.grad, 1e-14, 0)


@pytest.mark.parametrize("fn, lo, hi", [
    (nt.erf, -2, 2), (nt.erfc, -2, 2), (nt.erfinv, -0.9, 0.9), (nt.lgamma, 0.2, 5),
    (nt.asinh, -3, 3), (nt.acosh, 1.5, 4), (nt.atanh, -0.9, 0.9), (nt.frac, 0.1, 0.9),
    (nt.sinc, -2, 2), (nt.digamma, 0.3, 8), (nt.i0, -40, 40)])
def test_gradcheck(fn, lo, hi):
    x = nt.linspace(lo, hi, 7, dtype=nt.float64).requires_grad_()
    assert nt.autograd.gradcheck(fn, (x,))


def test_gradcheck_binary():
    a = nt.tensor([0.3, -1.2, 2.0], dtype=nt.float64).requires_grad_()
    b = nt.tensor([0.5, 0.7, -0.4], dtype=nt.float64).requires_grad_()
    for fn in (nt.fmax, nt.fmin, nt.copysign, nt.special.xlog1py):
        assert nt.autograd.gradcheck(fn, (a, b))


def test_special_namespace():
    x = torch.tensor([[-1.5, 0.0, 0.25], [0.5, 2.0, 3.0]], dtype=torch.float64)
    p = torch.tensor([0.1, 0.5, 0.9], dtype=torch.float64)
    xn, pn = _nt(x), _nt(p)
    for name in ("erf", "erfc", "expit", "exp2", "expm1", "log1p", "gammaln", "digamma",
                 "psi", "sinc", "ndtr", "round", "entr", "i0"):
        _close(getattr(nt.special, name)(xn), getattr(torch.special, name)(x), 1e-12, 1e-14)
        out = nt.empty((2, 3), dtype=nt.float64)
        assert getattr(nt.special, name)(xn, out=out) is out
        with pytest.raises(TypeError):
            getattr(nt.special, name)(xn, bogus=1)
    for name in ("erfinv", "logit"):
        _close(getattr(nt.special, name)(pn), getattr(torch.special, name)(p), 1e-12, 0)
    _close(nt.special.logit(pn, eps=0.2), torch.special.logit(p, eps=0.2), 1e-12, 0)
    _close(nt.special.xlogy(xn, 2.0), torch.special.xlogy(x, 2.0), 1e-14, 0)
    _close(nt.special.xlog1py(xn, xn), torch.special.xlog1py(x, x), 1e-14, 0)
    _close(nt.special.logsumexp(xn, 1), torch.special.logsumexp(x, 1), 1e-14, 0)
    _close(nt.special.logsumexp(xn, 0, True), torch.special.logsumexp(x, 0, True), 1e-14, 0)
    _close(nt.special.softmax(xn, 1), torch.special.softmax(x, 1), 1e-14, 0)
    _close(nt.special.log_softmax(xn, 0, dtype=nt.float32),
           torch.special.log_softmax(x, 0, dtype=torch.float32), 1e-6, 0)
    _close(nt.special.round(xn * 1.234, decimals=2), torch.special.round(x * 1.234, decimals=2),
           0, 1e-12)
    e = torch.tensor([-1.0, 0.0, 0.5])
    _close(nt.special.entr(_nt(e)), torch.special.entr(e), 1e-6, 0)
    with pytest.raises(TypeError):
        nt.special.softmax(xn, 1, torch.float32)
