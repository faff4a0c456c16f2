"""distributions against torch.distributions: log_prob, entropy, moments, shapes, reprs and
validation errors exactly; sampling by statistics over many draws."""
import math

import numpy as np
import pytest

import numtensor as nt
from nn_helpers import arr, raises_like, torch

TD = torch.distributions


def _both(make):
    return make(nt, nt.distributions), make(torch, TD)


CASES = {
    "bernoulli_probs": (lambda lib, D: D.Bernoulli(lib.tensor([0.1, 0.5, 0.93])),
                        lambda lib: lib.tensor([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]])),
    "bernoulli_logits": (lambda lib, D: D.Bernoulli(logits=lib.tensor([[-3.0, 0.0], [2.0, 40.0]])),
                         lambda lib: lib.tensor([1.0, 0.0])),
    "bernoulli_scalar": (lambda lib, D: D.Bernoulli(0.3), lambda lib: lib.tensor([1.0, 0.0])),
    "categorical_probs": (lambda lib, D: D.Categorical(lib.tensor([[0.2, 0.3, 0.5],
                                                                   [0.7, 0.0, 0.3]])),
                          lambda lib: lib.tensor([[2, 1], [0, 0]])),
    "categorical_unnormalised": (lambda lib, D: D.Categorical(lib.tensor([1.0, 2.0, 5.0])),
                                 lambda lib: lib.tensor([0, 2, 1])),
    "categorical_logits": (lambda lib, D: D.Categorical(logits=lib.tensor([[1.0, -2.0, 0.5]])),
                           lambda lib: lib.tensor([2])),
    "multinomial": (lambda lib, D: D.Multinomial(10, lib.tensor([0.2, 0.3, 0.5])),
                    lambda lib: lib.tensor([[2.0, 3.0, 5.0], [0.0, 0.0, 10.0]])),
    "multinomial_batch": (lambda lib, D: D.Multinomial(4, logits=lib.tensor([[0.0, 1.0],
                                                                            [2.0, -1.0]])),
                          lambda lib: lib.tensor([[1.0, 3.0], [4.0, 0.0]])),
    "multinomial_zero_prob": (lambda lib, D: D.Multinomial(3, lib.tensor([0.0, 0.4, 0.6])),
                              lambda lib: lib.tensor([0.0, 1.0, 2.0])),
    "normal": (lambda lib, D: D.Normal(lib.tensor([0.0, 1.0, -2.0]), lib.tensor([1.0, 0.5, 3.0])),
               lambda lib: lib.tensor([[0.3, 2.0, -10.0]])),
    "normal_scalar": (lambda lib, D: D.Normal(1.5, 2.0), lambda lib: lib.tensor([0.0, 7.0])),
    "normal_broadcast": (lambda lib, D: D.Normal(lib.zeros(2, 1), lib.tensor([1.0, 2.0, 3.0])),
                         lambda lib: lib.tensor(0.5)),
    "uniform": (lambda lib, D: D.Uniform(lib.tensor([0.0, -1.0]), lib.tensor([2.0, 5.0])),
                lambda lib: lib.tensor([[0.5, 4.9], [1.9, -1.0]])),
    "uniform_scalar": (lambda lib, D: D.Uniform(-1.0, 3.0), lambda lib: lib.tensor(2.0)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_scores_moments_and_shapes_match_torch(name):
    make, value = CASES[name]
    d_n, d_t = _both(make)
    assert repr(d_n) == repr(d_t)
    assert d_n.batch_shape == d_t.batch_shape and d_n.event_shape == d_t.event_shape
    np.testing.assert_allclose(arr(d_n.log_prob(value(nt))), arr(d_t.log_prob(value(torch))),
                               rtol=1e-5, atol=1e-6)
    for attr in ("mean", "variance", "stddev", "entropy", "probs", "logits", "mode"):
        try:
            want = getattr(d_t, attr)
        except (NotImplementedError, AttributeError):
            continue
        want = want() if callable(want) else want
        got = getattr(d_n, attr)
        got = got() if callable(got) else got
        assert tuple(got.shape) == tuple(want.shape), attr
        np.testing.assert_allclose(arr(got), arr(want), rtol=1e-5, atol=1e-6, equal_nan=True,
                                   err_msg=attr)
    for shape in ((), (4,), (2, 3)):
        s = d_n.sample(shape)
        assert tuple(s.shape) == tuple(d_t.sample(shape).shape)
        assert str(s.dtype) == str(d_t.sample(shape).dtype)
        assert not s.requires_grad


def test_cdf_icdf_and_enumerate_support():
    for make, v in ((lambda lib, D: D.Normal(lib.tensor([0.0, 1.0]), lib.tensor([1.0, 2.0])),
                     lambda lib: lib.tensor([[-7.0, 0.3], [0.0, 9.0]])),
                    (lambda lib, D: D.Uniform(lib.tensor([0.0, -1.0]), lib.tensor([2.0, 5.0])),
                     lambda lib: lib.tensor([0.5, 4.9]))):
        d_n, d_t = _both(make)
        np.testing.assert_allclose(arr(d_n.cdf(v(nt))), arr(d_t.cdf(v(torch))), atol=1e-6)
    u_n, u_t = _both(lambda lib, D: D.Uniform(-1.0, 3.0))
    assert u_n.icdf(nt.tensor(0.25)).item() == u_t.icdf(torch.tensor(0.25)).item()
    for make in (lambda lib, D: D.Bernoulli(lib.tensor([0.2, 0.5])),
                 lambda lib, D: D.Categorical(lib.tensor([[0.2, 0.8], [0.5, 0.5]]))):
        d_n, d_t = _both(make)
        for expand in (True, False):
            np.testing.assert_array_equal(arr(d_n.enumerate_support(expand)),
                                          arr(d_t.enumerate_support(expand)))
            assert str(d_n.enumerate_support(expand).dtype) == \
                str(d_t.enumerate_support(expand).dtype)


def test_log_prob_gradients_match_torch():
    grads = []
    for lib, D in ((nt, nt.distributions), (torch, TD)):
        loc = lib.tensor([0.5, -1.0], requires_grad=True)
        scale = lib.tensor([1.5, 0.3], requires_grad=True)
        p = lib.tensor([0.2, 0.7], requires_grad=True)
        logits = lib.tensor([[0.1, 1.0, -1.0]], requires_grad=True)
        total = (D.Normal(loc, scale).log_prob(lib.tensor([1.0, 2.0])).sum()
                 + D.Normal(loc, scale).entropy().sum()
                 + D.Bernoulli(p).log_prob(lib.tensor([1.0, 0.0])).sum()
                 + D.Bernoulli(p).entropy().sum()
                 + D.Categorical(logits=logits).log_prob(lib.tensor([2])).sum()
                 + D.Categorical(logits=logits).entropy().sum()
                 + D.Multinomial(5, logits=logits).log_prob(lib.tensor([1.0, 3.0, 1.0])).sum())
        total.backward()
        grads.append([arr(t.grad) for t in (loc, scale, p, logits)])
    for g, w in zip(*grads):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def test_log_prob_gradcheck():
    D = nt.distributions

    def f64(*values):
        return [np.asarray(v, dtype=np.float64) for v in values]
    value = nt.tensor([0.3, -1.2], dtype=nt.float64)
    assert nt.autograd.gradcheck(lambda loc, scale: D.Normal(loc, scale).log_prob(value),
                                 [nt.tensor(v, requires_grad=True) for v in
                                  f64([0.1, 0.5], [1.3, 0.7])])
    assert nt.autograd.gradcheck(lambda loc, scale: D.Normal(loc, scale).cdf(value),
                                 [nt.tensor(v, requires_grad=True) for v in
                                  f64([0.1, 0.5], [1.3, 0.7])])
    ones = nt.tensor([1.0, 0.0], dtype=nt.float64)
    assert nt.autograd.gradcheck(lambda p: D.Bernoulli(p).log_prob(ones) + D.Bernoulli(p).entropy(),
                                 [nt.tensor([0.3, 0.8], dtype=nt.float64, requires_grad=True)])
    counts = nt.tensor([2.0, 0.0, 5.0], dtype=nt.float64)
    assert nt.autograd.gradcheck(
        lambda lg: D.Multinomial(7, logits=lg).log_prob(counts) + D.Categorical(logits=lg).entropy(),
        [nt.tensor([0.2, -1.0, 0.5], dtype=nt.float64, requires_grad=True)])


def test_lgamma_accuracy():
    lgamma = nt.lgamma  # the one the distributions use
    x = np.concatenate([np.linspace(0.5, 10, 40), [20.0, 101.0, 1001.0, 1e5]])
    got = arr(lgamma(nt.tensor(x, dtype=nt.float64)))
    want = np.array([math.lgamma(v) for v in x])
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-13)
    big = nt.distributions.Multinomial(1000, nt.tensor([0.25, 0.75], dtype=nt.float64))
    ref = TD.Multinomial(1000, torch.tensor([0.25, 0.75], dtype=torch.float64))
    assert big.log_prob(nt.tensor([260.0, 740.0], dtype=nt.float64)).item() == pytest.approx(
        ref.log_prob(torch.tensor([260.0, 740.0], dtype=torch.float64)).item(), rel=1e-12)
    # torch's own value is off by 2e-4 here; SciPy sums the same series exactly
    import scipy.stats as stats
    assert big.entropy().item() == pytest.approx(stats.multinomial(1000, [0.25, 0.75]).entropy(),
                                                 rel=1e-8)


def test_rsample_is_differentiable():
    loc = nt.tensor([1.0, -2.0], requires_grad=True)
    scale = nt.tensor([0.5, 2.0], requires_grad=True)
    nt.manual_seed(0)
    s = nt.distributions.Normal(loc, scale).rsample((1000,))
    assert s.requires_grad and tuple(s.shape) == (1000, 2)
    s.sum().backward()
    assert loc.grad.tolist() == [1000.0, 1000.0]
    nt.manual_seed(0)
    eps = nt.randn(1000, 2)
    np.testing.assert_allclose(arr(scale.grad), arr(eps.sum(0)), rtol=1e-4)
    low, high = nt.tensor(0.0, requires_grad=True), nt.tensor(2.0, requires_grad=True)
    u = nt.distributions.Uniform(low, high).rsample((500,))
    u.mean().backward()
    assert low.grad.item() + high.grad.item() == pytest.approx(1.0)
    assert not nt.distributions.Normal(loc, scale).sample().requires_grad
    with pytest.raises(NotImplementedError):
        nt.distributions.Bernoulli(0.3).rsample()


# ---- statistics of samples ---------------------------------------------------------------------
def test_sample_statistics():
    nt.manual_seed(0)
    n = 20000
    normal = nt.distributions.Normal(nt.tensor([2.0, -1.0]), nt.tensor([0.5, 3.0])).sample((n,))
    np.testing.assert_allclose(arr(normal.mean(0)), [2.0, -1.0], atol=0.06)
    np.testing.assert_allclose(arr(normal.std(0)), [0.5, 3.0], rtol=0.03)
    uni = arr(nt.distributions.Uniform(-1.0, 3.0).sample((n,)))
    assert uni.min() >= -1.0 and uni.max() < 3.0 and abs(uni.mean() - 1.0) < 0.04
    bern = arr(nt.distributions.Bernoulli(nt.tensor([0.1, 0.8])).sample((n,)))
    assert set(np.unique(bern)) <= {0.0, 1.0}
    np.testing.assert_allclose(bern.mean(0), [0.1, 0.8], atol=0.015)
    p = np.array([0.1, 0.2, 0.7])
    cat = arr(nt.distributions.Categorical(nt.tensor(p)).sample((n,)))
    np.testing.assert_allclose(np.bincount(cat, minlength=3) / n, p, atol=0.015)
    counts = arr(nt.distributions.Multinomial(12, nt.tensor(p)).sample((5000,)))
    assert (counts.sum(-1) == 12).all()
    np.testing.assert_allclose(counts.mean(0), 12 * p, rtol=0.03)
    np.testing.assert_allclose(counts.var(0), 12 * p * (1 - p), rtol=0.08)


def test_sampling_is_reproducible_under_manual_seed():
    d = nt.distributions.Multinomial(10, nt.tensor([0.5, 0.5]))
    nt.manual_seed(42)
    a = d.sample((5,))
    nt.manual_seed(42)
    assert nt.equal(a, d.sample((5,)))


def test_d2l_coin_tosses():
    """d2l 2.6: from torch.distributions.multinomial import Multinomial."""
    from numtensor.distributions.multinomial import Multinomial
    fair_probs = nt.tensor([0.5, 0.5])
    nt.manual_seed(0)
    tosses = Multinomial(100, fair_probs).sample()
    assert tosses.dtype is nt.float32 and tosses.sum().item() == 100.0
    assert abs((tosses / 100)[0].item() - 0.5) < 0.2
    counts = Multinomial(1, fair_probs).sample((10000,))
    assert tuple(counts.shape) == (10000, 2)
    cum_counts = counts.cumsum(dim=0)
    estimates = cum_counts / cum_counts.sum(dim=1, keepdims=True)
    estimates = estimates.numpy()
    assert estimates.shape == (10000, 2) and abs(estimates[-1, 0] - 0.5) < 0.02
    dice = Multinomial(10, nt.ones([6]) / 6).sample((500,))
    assert tuple(dice.shape) == (500, 6) and (dice.sum(1) == 10).all()


# ---- validation --------------------------------------------------------------------------------
INVALID = [
    lambda lib, D: D.Normal(lib.zeros(2), lib.tensor([1.0, -1.0])),
    lambda lib, D: D.Normal(0.0, -1.0),
    lambda lib, D: D.Normal(float("nan"), 1.0),
    lambda lib, D: D.Bernoulli(lib.tensor([0.3, 1.5])),
    lambda lib, D: D.Bernoulli(),
    lambda lib, D: D.Bernoulli(0.3, 0.2),
    lambda lib, D: D.Bernoulli(0.3).log_prob(lib.tensor(0.5)),
    lambda lib, D: D.Bernoulli(0.3).log_prob(0.5),
    lambda lib, D: D.Categorical(lib.tensor([0.2, -0.8])),
    lambda lib, D: D.Categorical(lib.tensor(0.2)),
    lambda lib, D: D.Categorical(logits=lib.tensor(0.2)),
    lambda lib, D: D.Categorical(lib.tensor([0.2, 0.8])).log_prob(lib.tensor(2)),
    lambda lib, D: D.Categorical(lib.tensor([[0.2, 0.8]] * 2)).log_prob(lib.tensor([1, 0, 1])),
    lambda lib, D: D.Multinomial(lib.tensor(10), lib.tensor([0.2, 0.8])),
    lambda lib, D: D.Multinomial(3, lib.tensor([0.2, 0.8])).log_prob(lib.tensor([3.0, 3.0])),
    lambda lib, D: D.Multinomial(3, lib.tensor([0.2, 0.8])).log_prob(lib.tensor([1.0, 1, 1])),
    lambda lib, D: D.Uniform(1.0, 0.0),
    lambda lib, D: D.Uniform(0.0, 1.0).log_prob(lib.tensor(2.0)),
    lambda lib, D: D.Normal(0.0, 1.0).log_prob(lib.tensor(float("nan"))),
    lambda lib, D: D.Normal(lib.zeros(2), 1.0).log_prob(lib.zeros(3)),
]


@pytest.mark.parametrize("case", range(len(INVALID)))
def test_validation_errors_match_torch(case):
    raises_like(lambda: INVALID[case](nt, nt.distributions), lambda: INVALID[case](torch, TD))


def test_validate_args_false_skips_checks():
    d = nt.distributions.Normal(0.0, -1.0, validate_args=False)
    assert math.isnan(d.log_prob(nt.tensor(0.0)).item())
    assert nt.distributions.Bernoulli(0.3, validate_args=False).log_prob(
        nt.tensor(0.5)).item() == pytest.approx(TD.Bernoulli(0.3, validate_args=False).log_prob(
            torch.tensor(0.5)).item())


def test_expand_and_support_reprs():
    for make in (lambda lib, D: D.Normal(0.0, 1.0), lambda lib, D: D.Bernoulli(0.3),
                 lambda lib, D: D.Categorical(lib.tensor([0.2, 0.8])),
                 lambda lib, D: D.Uniform(0.0, 1.0),
                 lambda lib, D: D.Multinomial(5, lib.tensor([0.2, 0.8]))):
        d_n, d_t = _both(make)
        assert repr(d_n.support) == repr(d_t.support)
        e_n, e_t = d_n.expand((3,)), d_t.expand((3,))
        assert e_n.batch_shape == e_t.batch_shape and repr(e_n) == repr(e_t)
        assert tuple(e_n.sample((2,)).shape) == tuple(e_t.sample((2,)).shape)
    assert {k: repr(v) for k, v in nt.distributions.Normal(0.0, 1.0).arg_constraints.items()} == \
        {k: repr(v) for k, v in TD.Normal(0.0, 1.0).arg_constraints.items()}
