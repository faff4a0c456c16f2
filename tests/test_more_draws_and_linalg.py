"""cauchy_, log_normal_, geometric_, matrix_exp, cholesky_solve, cholesky_inverse and
mvlgamma against PyTorch: the draws give PyTorch's exact numbers after the same seed."""
import numpy as np
import pytest

import numtensor as nt
from nn_helpers import raises_like

import torch  # noqa: E402  (required: CI fails without the oracle)

DRAWS = [("cauchy_", (0.5, 2.0)), ("log_normal_", (0.3, 0.7)), ("geometric_", (0.3,)),
         ("cauchy_", ()), ("log_normal_", ()), ("geometric_", (0.9,))]


def _pair(a, dtype=np.float64, requires_grad=False):
    a = np.asarray(a, dtype=dtype)
    return (nt.tensor(a).requires_grad_(requires_grad),
            torch.tensor(a).requires_grad_(requires_grad))


def _close(ours, theirs, rtol=1e-5, atol=1e-6):
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=rtol, atol=atol)


# ---- random fills -------------------------------------------------------------------------
@pytest.mark.parametrize("name,args", DRAWS)
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("shape", [(5,), (40,), (30, 20)])
def test_draws_are_pytorchs_stream(name, args, dtype, shape):
    torch.manual_seed(11)
    want = getattr(torch.empty(shape, dtype=getattr(torch, dtype)), name)(*args)
    after = torch.randn(3, dtype=torch.float64)
    nt.manual_seed(11)
    got = getattr(nt.empty(shape, dtype=getattr(nt, dtype)), name)(*args)
    assert np.array_equal(got.numpy(), want.numpy(), equal_nan=True)
    # the generator is left where PyTorch's is (cached Box-Muller value included)
    assert np.array_equal(nt.randn(3, dtype=nt.float64).numpy(), after.numpy())


@pytest.mark.parametrize("name,args", DRAWS[:3])
def test_draws_into_a_transposed_tensor_and_with_a_generator(name, args):
    want = getattr(torch.empty(6, 5).t(), name)(*args, generator=torch.Generator().manual_seed(3))
    gen = nt.Generator().manual_seed(3)
    got = getattr(nt.empty(6, 5).t(), name)(*args, generator=gen)
    assert np.array_equal(got.numpy(), want.numpy())


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8"])
def test_geometric_fills_integers(dtype):
    torch.manual_seed(2)
    want = torch.empty(50, dtype=getattr(torch, dtype)).geometric_(0.2)
    nt.manual_seed(2)
    got = nt.empty(50, dtype=getattr(nt, dtype)).geometric_(0.2)
    assert np.array_equal(got.numpy(), want.numpy())


def test_draw_statistics():
    nt.manual_seed(0)
    n = 200000
    c = nt.empty(n, dtype=nt.float64).cauchy_(1.0, 2.0)
    # the Cauchy's quartiles are median -+ sigma
    q = np.quantile(c.numpy(), [0.25, 0.5, 0.75])
    np.testing.assert_allclose(q, [-1.0, 1.0, 3.0], atol=0.05)
    logs = nt.log(nt.empty(n, dtype=nt.float64).log_normal_(0.5, 0.8))
    assert abs(logs.mean().item() - 0.5) < 0.01 and abs(logs.std().item() - 0.8) < 0.01
    g = nt.empty(n, dtype=nt.float64).geometric_(0.25)
    assert g.min().item() == 1
    assert abs(g.mean().item() - 4.0) < 0.05 and abs(g.var().item() - 12.0) < 0.5


def _fill_cases(lib):
    f = lambda **kw: lib.ones(3, **kw)  # noqa: E731
    return [
        lambda: f(dtype=lib.int64).cauchy_(), lambda: f(dtype=lib.bool).cauchy_(),
        lambda: f(dtype=lib.complex64).cauchy_(), lambda: f().cauchy_(0, 0),
        lambda: f().cauchy_(0, -1.5), lambda: f().cauchy_(0, float("nan")),
        lambda: f(dtype=lib.int64).cauchy_(0, -1),
        lambda: f(dtype=lib.int64).log_normal_(), lambda: f(dtype=lib.complex64).log_normal_(),
        lambda: f().log_normal_(1, 0), lambda: f().log_normal_(1, -2),
        lambda: f(dtype=lib.int64).log_normal_(0, -1),
        lambda: f(dtype=lib.bool).geometric_(0.5), lambda: f(dtype=lib.complex64).geometric_(0.5),
        lambda: f().geometric_(0), lambda: f().geometric_(1), lambda: f().geometric_(1.5),
        lambda: f(dtype=lib.bool).geometric_(2), lambda: f().cauchy_(generator=1),
        lambda: f(requires_grad=True).cauchy_(),
        lambda: f(requires_grad=True).log_normal_(),
    ]


@pytest.mark.parametrize("i", range(len(_fill_cases(torch))))
def test_fill_errors(i):
    raises_like(_fill_cases(nt)[i], _fill_cases(torch)[i])


# ---- matrix_exp ----------------------------------------------------------------------------
@pytest.mark.parametrize("dtype,tol", [(np.float64, 1e-10), (np.float32, 2e-5)])
@pytest.mark.parametrize("scale", [0.1, 1.0, 8.0])
def test_matrix_exp_matches_torch(dtype, tol, scale):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 4, 4)) * scale
    a[1] *= 0.01  # matrices of different norms in one batch
    ours, theirs = _pair(a, dtype)
    want = torch.matrix_exp(theirs)
    _close(nt.matrix_exp(ours), want, rtol=tol, atol=tol * max(1.0, want.abs().max().item()))
    _close(ours.matrix_exp(), want, rtol=tol, atol=tol * max(1.0, want.abs().max().item()))


def test_matrix_exp_small_cases():
    for a in (np.zeros((0, 0)), np.array([[2.0]]), np.zeros((2, 0, 0)), np.eye(3) * 3):
        ours, theirs = _pair(a)
        assert tuple(nt.matrix_exp(ours).shape) == tuple(torch.matrix_exp(theirs).shape)
        _close(nt.matrix_exp(ours), torch.matrix_exp(theirs), rtol=1e-12)


def test_matrix_exp_gradient():
    rng = np.random.default_rng(1)
    for s in (0.3, 4.0):
        A = nt.tensor(rng.standard_normal((2, 3, 3)) * s, dtype=nt.float64, requires_grad=True)
        assert nt.autograd.gradcheck(nt.matrix_exp, (A,))
    ours, theirs = _pair(rng.standard_normal((3, 3)), requires_grad=True)
    nt.matrix_exp(ours).sum().backward()
    torch.matrix_exp(theirs).sum().backward()
    _close(ours.grad, theirs.grad, rtol=1e-10, atol=1e-10)


def _matrix_exp_cases(lib):
    return [lambda: lib.matrix_exp(lib.ones(3)), lambda: lib.matrix_exp(lib.ones(2, 3)),
            lambda: lib.matrix_exp(lib.ones(2, 2, dtype=lib.long)),
            lambda: lib.matrix_exp([[1.0]])]


@pytest.mark.parametrize("i", range(4))
def test_matrix_exp_errors(i):
    raises_like(_matrix_exp_cases(nt)[i], _matrix_exp_cases(torch)[i])


# ---- cholesky_solve / cholesky_inverse ------------------------------------------------------
def _spd_factor(batch, n, upper, seed=0):
    rng = np.random.default_rng(seed)
    m = rng.standard_normal(batch + (n, n))
    a = m @ np.swapaxes(m, -1, -2) + n * np.eye(n)
    L = np.linalg.cholesky(a)
    return np.swapaxes(L, -1, -2).copy() if upper else L


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize("bshape,lbatch", [((4, 2), ()), ((3, 4, 2), (3,)), ((5, 4, 1), (2, 1)),
                                          ((4, 3), (2,))])
def test_cholesky_solve_matches_torch(upper, bshape, lbatch):
    L = _spd_factor(lbatch, 4, upper)
    B = np.random.default_rng(1).standard_normal(bshape)
    for dtype, tol in ((np.float64, 1e-10), (np.float32, 1e-4)):
        (ob, tb), (ol, tl) = _pair(B, dtype), _pair(L, dtype)
        want = torch.cholesky_solve(tb, tl, upper)
        _close(nt.cholesky_solve(ob, ol, upper), want, rtol=tol, atol=tol)
        _close(ob.cholesky_solve(ol, upper=upper), want, rtol=tol, atol=tol)
        _close(nt.cholesky_solve(input=ob, input2=ol, upper=upper), want, rtol=tol, atol=tol)


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_inverse_matches_torch(upper):
    for batch in ((), (3,), (2, 2)):
        L = _spd_factor(batch, 5, upper, seed=len(batch))
        for dtype, tol in ((np.float64, 1e-10), (np.float32, 1e-4)):
            ours, theirs = _pair(L, dtype)
            want = torch.cholesky_inverse(theirs, upper)
            _close(nt.cholesky_inverse(ours, upper), want, rtol=tol, atol=tol)
            _close(ours.cholesky_inverse(upper=upper), want, rtol=tol, atol=tol)


def test_cholesky_gradients():
    L = nt.tensor(_spd_factor((2,), 3, False), requires_grad=True)
    B = nt.tensor(np.random.default_rng(2).standard_normal((2, 3, 2)), requires_grad=True)
    assert nt.autograd.gradcheck(lambda b, l: nt.cholesky_solve(b, l), (B, L))
    assert nt.autograd.gradcheck(lambda b, l: nt.cholesky_solve(b, l, True), (B, L))
    assert nt.autograd.gradcheck(nt.cholesky_inverse, (L,))


def test_cholesky_out():
    L = _spd_factor((), 3, False)
    (ob, tb), (ol, tl) = _pair(np.ones((3, 2))), _pair(L)
    out = nt.empty(0, dtype=nt.float64)
    assert nt.cholesky_solve(ob, ol, out=out) is out
    _close(out, torch.cholesky_solve(tb, tl))
    out = nt.empty(3, 3, dtype=nt.float64)
    assert nt.cholesky_inverse(ol, out=out) is out
    _close(out, torch.cholesky_inverse(tl))


def _cholesky_cases(lib):
    e, o = lib.eye, lib.ones
    return [
        lambda: lib.cholesky_solve(o(3), e(3)), lambda: lib.cholesky_solve(o(3, 1), o(3)),
        lambda: lib.cholesky_solve(o(3, 1), o(2, 3)), lambda: lib.cholesky_solve(o(2, 1), e(3)),
        lambda: lib.cholesky_solve(o(3, 1), e(3, dtype=lib.float64)),
        lambda: lib.cholesky_solve(o(3, 1, dtype=lib.long), e(3, dtype=lib.long)),
        lambda: lib.cholesky_solve(o(2, 3, 1), e(3).expand(4, 3, 3)),
        lambda: lib.cholesky_inverse(o(3)), lambda: lib.cholesky_inverse(o(2, 3)),
        lambda: lib.cholesky_inverse(o(2, 2, dtype=lib.long)),
    ]


@pytest.mark.parametrize("i", range(10))
def test_cholesky_errors(i):
    raises_like(_cholesky_cases(nt)[i], _cholesky_cases(torch)[i])


# ---- mvlgamma --------------------------------------------------------------------------------
@pytest.mark.parametrize("p", [1, 2, 5])
def test_mvlgamma_matches_torch(p):
    x = np.random.default_rng(p).uniform(p, p + 6, (3, 4))
    for dtype, tol in ((np.float64, 1e-12), (np.float32, 1e-5)):
        ours, theirs = _pair(x, dtype)
        want = torch.mvlgamma(theirs, p)
        _close(nt.mvlgamma(ours, p), want, rtol=tol, atol=tol)
        _close(ours.mvlgamma(p=p), want, rtol=tol, atol=tol)
        ours.mvlgamma_(p)
        _close(ours, want, rtol=tol, atol=tol)
    # below (p-1)/2 torch gives inf/nan terms rather than an error
    ours, theirs = _pair([0.1, 3.0])
    np.testing.assert_allclose(nt.mvlgamma(ours, 2).numpy(), torch.mvlgamma(theirs, 2).numpy())


def test_mvlgamma_integers_scalars_and_grad():
    ours, theirs = nt.tensor([3, 4]), torch.tensor([3, 4])
    got, want = nt.mvlgamma(ours, 2), torch.mvlgamma(theirs, 2)
    assert str(got.dtype) == str(want.dtype)
    _close(got, want)
    _close(nt.mvlgamma(nt.tensor(3.0), 3), torch.mvlgamma(torch.tensor(3.0), 3))
    x = nt.tensor(np.linspace(2.5, 6.0, 6), requires_grad=True)
    assert nt.autograd.gradcheck(lambda t: nt.mvlgamma(t, 3), (x,))
    out = nt.empty(2, dtype=nt.float64)
    assert nt.mvlgamma(nt.tensor([3.0, 4.0]), 2, out=out) is out
    _close(out, torch.mvlgamma(torch.tensor([3.0, 4.0]), 2))


def _mvlgamma_cases(lib):
    t = lib.tensor
    return [
        lambda: lib.mvlgamma(t([3.0]), 0), lambda: lib.mvlgamma(t([True]), 1),
        lambda: t([True]).mvlgamma_(0), lambda: t([3, 4]).mvlgamma_(2),
        lambda: lib.mvlgamma(t([3.0]), 2.0), lambda: t([1.0]).mvlgamma(1.5),
        lambda: t([1.0]).mvlgamma_(1.5), lambda: lib.mvlgamma([3.0], 1),
        lambda: lib.ones(2, requires_grad=True).mvlgamma_(1),
    ]


@pytest.mark.parametrize("i", range(9))
def test_mvlgamma_errors(i):
    raises_like(_mvlgamma_cases(nt)[i], _mvlgamma_cases(torch)[i])


def _bad_keywords(lib):
    """Refused by both (TypeError; Python's wording differs from torch's parser's)."""
    x = lambda: lib.ones(3)  # noqa: E731
    return [lambda: x().cauchy_(sigmas=1), lambda: x().log_normal_(0, 1, 2),
            lambda: x().geometric_(), lambda: x().geometric_(0.5, gen=None),
            lambda: lib.matrix_exp(A=lib.eye(2)), lambda: lib.eye(2).matrix_exp(lib.eye(2)),
            lambda: lib.cholesky_solve(B=x()[:, None], L=lib.eye(3)),
            lambda: lib.cholesky_inverse(L=lib.eye(2)), lambda: lib.eye(2).cholesky_inverse(up=1),
            lambda: lib.mvlgamma(x(), q=1), lambda: x().mvlgamma_(p=1, out=None)]


@pytest.mark.parametrize("i", range(11))
def test_unknown_keywords_are_refused(i):
    for lib in (torch, nt):
        with pytest.raises(TypeError):
            _bad_keywords(lib)[i]()


@pytest.mark.parametrize("batched", [False, True])
def test_cholesky_inverse_of_a_singular_factor(batched):
    def make(lib):
        z = lib.zeros(2, 2)
        return lib.stack([lib.eye(2), z]) if batched else z
    with pytest.raises(torch.linalg.LinAlgError) as want:
        torch.cholesky_inverse(make(torch))
    with pytest.raises(nt.linalg.LinAlgError) as got:
        nt.cholesky_inverse(make(nt))
    assert str(got.value) == str(want.value)


def test_cholesky_out_of_a_wider_dtype():
    L = _spd_factor((), 3, False)
    (ob, tb), (ol, tl) = _pair(np.ones((3, 1)), np.float32), _pair(L, np.float32)
    out = nt.empty(3, 1, dtype=nt.float64)
    _close(nt.cholesky_solve(ob, ol, out=out), torch.cholesky_solve(
        tb, tl, out=torch.empty(3, 1, dtype=torch.float64)), rtol=1e-5)
    assert out.dtype is nt.float64


@pytest.mark.parametrize("name,args", DRAWS[:3])
def test_a_fill_cuts_the_gradient_like_torch(name, args):
    for lib in (nt, torch):
        x = lib.ones(3, requires_grad=True)
        y = x * 2
        getattr(y, name)(*args)
        y.sum().backward()
        assert y.grad_fn.name() == "".join(
            w.capitalize() for w in name.rstrip("_").split("_")) + "Backward0"
        assert x.grad.tolist() == [0.0, 0.0, 0.0]
