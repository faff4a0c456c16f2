"""Regressions from the d2l.ai sweep (Dive into Deep Learning, PyTorch code run unchanged with
`import numtensor as torch`): each checks numtensor against real PyTorch."""
import copy
import pickle
import warnings

import numpy as np
import pytest

import numtensor as nt

import torch  # noqa: E402  (the oracle: required)


def same_bits(got, want):
    a, b = got.detach().numpy(), want.detach().numpy()
    assert a.dtype == b.dtype and a.shape == b.shape
    assert a.tobytes() == b.tobytes(), (a, b)


# ---- builders' guide, parameter management: type(net[2].bias) and type(X.shape) --------
def test_parameter_and_size_print_their_torch_class():
    for lib in (nt, torch):
        bias = lib.nn.Linear(8, 1).bias
        assert repr(type(bias)) == "<class 'torch.nn.parameter.Parameter'>"
        assert repr(type(lib.zeros(2, 3).shape)) == "<class 'torch.Size'>"


def test_size_and_parameter_still_pickle_and_copy():
    s = nt.zeros(2, 3).shape
    for back in (pickle.loads(pickle.dumps(s)), copy.deepcopy(s), copy.copy(s)):
        assert type(back) is nt.Size and back == (2, 3)
    p = nt.nn.Parameter(nt.ones(2))
    back = pickle.loads(pickle.dumps(p))
    assert type(back) is nt.nn.Parameter and back.requires_grad
    assert type(copy.deepcopy(p)) is nt.nn.Parameter


# ---- numerical stability / init: nn.init.trunc_normal_, orthogonal_, sparse_, dirac_ ----
@pytest.mark.parametrize("args", [dict(std=0.02), dict(), dict(mean=0.0, std=1.0, a=1.5, b=3.0),
                                  dict(mean=1.0, std=0.5, a=-1.0, b=1.2)])
def test_trunc_normal_draws_as_torch(args):
    got, want = [], []
    for lib, out in ((nt, got), (torch, want)):
        lib.manual_seed(0)
        out.append(lib.nn.init.trunc_normal_(lib.empty(40, 7), **args))
        out.append(lib.rand(3))  # the generator is left at the same place
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-6, atol=1e-7)
    lo, hi = args.get("a", -2.0), args.get("b", 2.0)
    assert bool(((got[0] >= lo) & (got[0] <= hi)).all())


def test_trunc_normal_warns_like_torch():
    for lib in (nt, torch):
        with pytest.warns(UserWarning, match="mean is more than 2 std from"):
            lib.nn.init.trunc_normal_(lib.empty(3), mean=10.0)


def test_orthogonal_sparse_dirac_as_torch():
    for make in (lambda lib: lib.nn.init.orthogonal_(lib.empty(3, 5)),
                 lambda lib: lib.nn.init.orthogonal_(lib.empty(5, 3), gain=2),
                 lambda lib: lib.nn.init.orthogonal_(lib.empty(2, 2, 3)),
                 lambda lib: lib.nn.init.sparse_(lib.empty(4, 3), 0.5),
                 lambda lib: lib.nn.init.dirac_(lib.empty(4, 2, 3, 3), groups=2),
                 lambda lib: lib.nn.init.dirac_(lib.empty(2, 3, 3))):
        nt.manual_seed(1)
        torch.manual_seed(1)
        np.testing.assert_allclose(make(nt).numpy(), make(torch).numpy(), rtol=1e-5, atol=1e-6)
    q = nt.nn.init.orthogonal_(nt.empty(4, 6))
    np.testing.assert_allclose((q @ q.T).numpy(), np.eye(4), atol=1e-5)


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.init.dirac_(lib.empty(2, 2)),
    lambda lib: lib.nn.init.dirac_(lib.empty(3, 2, 3), 2),
    lambda lib: lib.nn.init.orthogonal_(lib.empty(2)),
    lambda lib: lib.nn.init.sparse_(lib.empty(2, 2, 2), 0.1)])
def test_init_errors_as_torch(call):
    with pytest.raises(ValueError) as want:
        call(torch)
    with pytest.raises(ValueError) as got:
        call(nt)
    assert str(got.value) == str(want.value)


def test_deprecated_init_aliases_warn_and_forward():
    for lib in (nt, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            w = lib.nn.init.xavier_uniform(lib.empty(2, 3))
        assert w.shape == (2, 3)
        assert [(c.category, str(c.message)) for c in caught] == [
            (FutureWarning, "`nn.init.xavier_uniform` is now deprecated in favor of "
                            "`nn.init.xavier_uniform_`.")]
        assert lib.nn.init.normal.__name__ == "normal"


# ---- multilayer perceptrons: F.gelu's tail rounds as PyTorch's 1 + erf(x / sqrt 2) -------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_gelu_negative_tail_as_torch(dtype):
    x = np.arange(-8.0, 8.0, 0.1)[::20]  # d2l's activation plot points
    got = nt.nn.functional.gelu(nt.tensor(x, dtype=getattr(nt, dtype)))
    want = torch.nn.functional.gelu(torch.tensor(x, dtype=getattr(torch, dtype)))
    # PyTorch's float32 erf is a few ulps off near |x| = 3: 1 + erf may differ by a few
    # units of 6e-8 there
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6,
                               atol=1e-6 if dtype == "float32" else 0)
    if dtype == "float32":  # gelu(-8.) and gelu(-6.) are -0. in float32, not -5e-15 / -6e-9
        assert got[:2].tolist() == [0.0, 0.0] and np.signbit(got[:2].numpy()).all()


# ---- linear algebra: inverse is a solve against I, with PyTorch's signed zeros ------------
@pytest.mark.parametrize("m", [[[2.0, 0.0], [0.0, 4.0]], [[-2.0, 0.0], [0.0, 4.0]],
                               [[0.0, 2.0], [-4.0, 0.0]], [[3.0, 0, 0], [0, -2, 0], [0, 0, 5]]])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_inverse_signed_zeros_as_torch(m, dtype):
    got = nt.inverse(nt.tensor(m, dtype=getattr(nt, dtype)))
    want = torch.inverse(torch.tensor(m, dtype=getattr(torch, dtype)))
    same_bits(got, want)
    assert repr(got) == repr(want)


def test_inverse_batched_singular_and_grad_as_torch():
    x = np.random.default_rng(0).standard_normal((3, 4, 4))
    np.testing.assert_allclose(nt.linalg.inv(nt.tensor(x)).numpy(),
                               torch.linalg.inv(torch.tensor(x)).numpy(), rtol=1e-10, atol=1e-12)
    bad = [[[1.0, 2], [3, 4]], [[1.0, 2], [2, 4]]]
    with pytest.raises(RuntimeError) as want:
        torch.linalg.inv(torch.tensor(bad))
    with pytest.raises(RuntimeError) as got:
        nt.linalg.inv(nt.tensor(bad))
    assert str(got.value) == str(want.value)
    a = nt.tensor(x[0], requires_grad=True)
    t = torch.tensor(x[0], requires_grad=True)
    nt.linalg.inv(a).sum().backward()
    torch.linalg.inv(t).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-12)
    assert type(nt.linalg.inv(a).grad_fn).__name__ == "LinalgInvExBackward0"
