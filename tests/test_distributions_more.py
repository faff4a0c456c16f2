"""Exponential, Laplace, Gamma, Beta, Dirichlet, Poisson, Geometric, OneHotCategorical,
Independent, MultivariateNormal and kl_divergence against torch.distributions: scores,
moments, cdf/icdf, KL, reprs and validation errors exactly (float32 and float64, broadcast
batch shapes); sampling by statistics over many draws; rsample gradients against torch's
on the same draws, or against the analytic derivative of the expectation."""
import itertools
import math

import numpy as np
import pytest

import numtensor as nt
from nn_helpers import arr, raises_like, torch

TD = torch.distributions
DTYPES = ("float32", "float64")


def _t(lib, dtype):
    """A tensor constructor of lib with the given dtype name."""
    dt = getattr(lib, dtype)
    return lambda values: lib.tensor(values, dtype=dt)


def _close(got, want, dtype, what=""):
    wide = dtype == "float32" or want.dtype == torch.float32  # numbers become float32
    tol = dict(rtol=2e-5, atol=2e-5) if wide else dict(rtol=1e-10, atol=1e-10)
    assert tuple(got.shape) == tuple(want.shape), (what, tuple(got.shape), tuple(want.shape))
    assert str(got.dtype) == str(want.dtype), (what, got.dtype, want.dtype)
    np.testing.assert_allclose(arr(got), arr(want), equal_nan=True, err_msg=what, **tol)


# each case: (distribution, a value to score, points of [0, 1] for icdf or None)
CASES = {
    "exponential": (lambda T, D: D.Exponential(T([[0.5], [2.0]])),
                    lambda T: T([0.0, 0.3, 4.0]), True),
    "exponential_scalar": (lambda T, D: D.Exponential(1.5), lambda T: T([0.2, 2.0]), True),
    "laplace": (lambda T, D: D.Laplace(T([0.5, -2.0, 0.0]), T([[1.0], [0.25]])),
                lambda T: T([[0.3], [-3.0]]), True),
    "laplace_scalar": (lambda T, D: D.Laplace(1.0, 2.0), lambda T: T([-1.0, 1.0, 7.0]), True),
    "gamma": (lambda T, D: D.Gamma(T([[0.3], [1.0], [2.5], [40.0]]), T([0.5, 3.0])),
              lambda T: T([[0.05, 1.0], [2.0, 30.0]]).unsqueeze(1), None),
    "gamma_scalar": (lambda T, D: D.Gamma(2.0, 0.5), lambda T: T([0.1, 4.0, 9.0]), None),
    "beta": (lambda T, D: D.Beta(T([[0.3], [1.0], [2.5], [40.0]]), T([0.5, 3.0])),
             lambda T: T([[0.05, 0.5], [0.9, 0.999]]).unsqueeze(1), None),
    "beta_scalar": (lambda T, D: D.Beta(0.5, 2.0), lambda T: T([0.01, 0.5]), None),
    "dirichlet": (lambda T, D: D.Dirichlet(T([[0.5, 2.0, 3.0], [0.2, 0.3, 0.4]])),
                  lambda T: T([0.2, 0.3, 0.5]), None),
    "poisson": (lambda T, D: D.Poisson(T([[0.0], [0.5], [4.0], [120.0]])),
                lambda T: T([0.0, 1.0, 3.0, 110.0]), None),
    "poisson_scalar": (lambda T, D: D.Poisson(3.0), lambda T: T([0.0, 2.0, 7.0]), None),
    "geometric": (lambda T, D: D.Geometric(T([[0.5, 0.05, 1.0]])),
                  lambda T: T([[0.0], [1.0], [6.0]]), None),
    "geometric_logits": (lambda T, D: D.Geometric(logits=T([-2.0, 0.0, 3.0])),
                         lambda T: T([0.0, 4.0, 1.0]), None),
    "one_hot_categorical": (lambda T, D: D.OneHotCategorical(T([[0.2, 0.5, 0.3],
                                                                [0.0, 0.1, 0.9]])),
                            lambda T: T([[[0.0, 1.0, 0.0]], [[0.0, 0.0, 1.0]]]), None),
    "one_hot_categorical_logits": (lambda T, D: D.OneHotCategorical(logits=T([1.0, -1.0])),
                                   lambda T: T([1.0, 0.0]), None),
    "independent_normal": (lambda T, D: D.Independent(D.Normal(T([[0.0, 1.0, 2.0]] * 2),
                                                               T([1.0, 0.5, 2.0])), 1),
                           lambda T: T([0.3, 1.0, -1.0]), None),
    "independent_gamma_2": (lambda T, D: D.Independent(D.Gamma(T([[1.0, 2.0], [3.0, 0.5]]),
                                                               T([1.0, 2.0])), 2),
                            lambda T: T([[[0.3, 1.0], [2.0, 0.1]]] * 3), None),
    "mvn_covariance": (lambda T, D: D.MultivariateNormal(
        T([1.0, -1.0, 0.5]), T([[2.0, 0.3, 0.1], [0.3, 1.0, -0.2], [0.1, -0.2, 0.5]])),
        lambda T: T([[0.0, 0.0, 0.0], [1.0, -2.0, 3.0]]), None),
    "mvn_precision_batched": (lambda T, D: D.MultivariateNormal(
        T([[0.0, 1.0], [2.0, -1.0], [0.5, 0.5]]), precision_matrix=T([[2.0, 0.5], [0.5, 1.0]])),
        lambda T: T([[[0.3, 1.0]], [[1.0, 0.0]]]), None),
    "mvn_scale_tril_broadcast": (lambda T, D: D.MultivariateNormal(
        T([0.0, 1.0]), scale_tril=T([[[1.5, 0.0], [0.4, 0.7]], [[0.5, 0.0], [-1.0, 2.0]]])),
        lambda T: T([[1.0, 2.0]]), None),
}

MOMENTS = ("mean", "mode", "variance", "stddev", "entropy")
PARAMETERS = ("rate", "loc", "scale", "concentration", "concentration1", "concentration0",
              "probs", "logits", "scale_tril", "covariance_matrix", "precision_matrix")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_scores_moments_cdf_and_shapes_match_torch(name, dtype):
    make, value, icdf = CASES[name]
    # a scalar parameter becomes a float32 tensor (the default dtype) whatever the value's
    # dtype, so what is computed from it carries float32 rounding, and PyTorch's own
    # float32 log and exp round a value differently on AVX2 and on AVX-512 cores
    tol_dtype = "float32" if name.endswith("_scalar") else dtype
    d_n, d_t = make(_t(nt, dtype), nt.distributions), make(_t(torch, dtype), TD)
    assert repr(d_n) == repr(d_t)
    assert d_n.batch_shape == d_t.batch_shape and d_n.event_shape == d_t.event_shape
    assert repr(d_n.support) == repr(d_t.support)
    assert d_n.has_rsample == d_t.has_rsample
    assert {k: repr(v) for k, v in d_n.arg_constraints.items()} == \
        {k: repr(v) for k, v in d_t.arg_constraints.items()}
    v_n, v_t = value(_t(nt, dtype)), value(_t(torch, dtype))
    _close(d_n.log_prob(v_n), d_t.log_prob(v_t), tol_dtype, "log_prob")
    for attr in MOMENTS:
        try:
            want = getattr(d_t, attr)
            want = want() if attr == "entropy" else want
        except NotImplementedError:
            with pytest.raises(NotImplementedError):
                got = getattr(d_n, attr)
                got() if attr == "entropy" else got
            continue
        got = getattr(d_n, attr)
        _close(got() if attr == "entropy" else got, want, tol_dtype, attr)
    for attr in PARAMETERS:
        if hasattr(d_t, attr):
            _close(getattr(d_n, attr), getattr(d_t, attr), tol_dtype, attr)
    if hasattr(type(d_t), "cdf") and type(d_t).cdf is not TD.Distribution.cdf:
        _close(d_n.cdf(v_n), d_t.cdf(v_t), tol_dtype, "cdf")
    if icdf:
        q = [0.0, 0.1, 0.5, 0.93]
        _close(d_n.icdf(_t(nt, dtype)(q).reshape(-1, *[1] * len(d_n.batch_shape))),
               d_t.icdf(_t(torch, dtype)(q).reshape(-1, *[1] * len(d_t.batch_shape))),
               tol_dtype, "icdf")
    for shape in ((), (4,), (2, 3)):
        s_n, s_t = d_n.sample(shape), d_t.sample(shape)
        assert tuple(s_n.shape) == tuple(s_t.shape) and str(s_n.dtype) == str(s_t.dtype)
        assert not s_n.requires_grad
        assert bool(d_n.support.check(s_n).all())
    e_n, e_t = d_n.expand((2,) + tuple(d_n.batch_shape)), d_t.expand((2,) + tuple(d_t.batch_shape))
    assert repr(e_n) == repr(e_t) and e_n.batch_shape == e_t.batch_shape
    s_n = e_n.sample((3,))
    assert tuple(s_n.shape) == tuple(e_t.sample((3,)).shape)
    _close(e_n.log_prob(s_n), e_t.log_prob(torch.from_numpy(arr(s_n))), tol_dtype,
           "expanded log_prob")


def test_enumerate_support_and_straight_through():
    for expand in (True, False):
        n = nt.distributions.OneHotCategorical(nt.tensor([[0.2, 0.8], [0.5, 0.5]]))
        t = TD.OneHotCategorical(torch.tensor([[0.2, 0.8], [0.5, 0.5]]))
        np.testing.assert_array_equal(arr(n.enumerate_support(expand)),
                                      arr(t.enumerate_support(expand)))
    probs = nt.tensor([0.2, 0.3, 0.5], requires_grad=True)
    d = nt.distributions.OneHotCategoricalStraightThrough(probs)
    s = d.rsample((5,))
    assert tuple(s.shape) == (5, 3) and set(arr(s).ravel()) <= {0.0, 1.0}
    (s * nt.tensor([1.0, 2.0, 3.0])).sum().backward()
    # the normalisation probs / probs.sum() is inside the straight-through path
    tp = torch.tensor([0.2, 0.3, 0.5], requires_grad=True)
    (TD.OneHotCategoricalStraightThrough(tp).rsample((5,)) * torch.tensor([1.0, 2.0, 3.0])
     ).sum().backward()
    np.testing.assert_allclose(arr(probs.grad), arr(tp.grad), rtol=1e-5, atol=1e-6)
    ind = nt.distributions.Independent(nt.distributions.Bernoulli(nt.tensor([0.3, 0.6])), 1)
    assert not ind.has_enumerate_support
    with pytest.raises(NotImplementedError):
        ind.enumerate_support()


@pytest.mark.parametrize("dtype", DTYPES)
def test_gamma_cdf_over_a_grid(dtype):
    a = np.array([0.05, 0.5, 1.0, 3.0, 20.0, 300.0])[:, None]
    x = np.array([0.0, 1e-4, 0.2, 1.0, 2.5, 10.0, 30.0, 290.0, 400.0])
    got = nt.distributions.Gamma(_t(nt, dtype)(a), 1.0).cdf(_t(nt, dtype)(x))
    want = TD.Gamma(_t(torch, dtype)(a), 1.0).cdf(_t(torch, dtype)(x))
    np.testing.assert_allclose(arr(got), arr(want), atol=1e-6 if dtype == "float32" else 1e-9)


# ---- special functions, gradients --------------------------------------------------------
def test_lgamma_digamma_match_torch():
    from numtensor.distributions.gamma import digamma, lgamma
    x = np.concatenate([np.logspace(-5, 7, 300), [0.5, 1.0, 2.0, 3.0, 10.0]])
    for dtype in DTYPES:
        xn, xt = _t(nt, dtype)(x), _t(torch, dtype)(x)
        tol = 3e-6 if dtype == "float32" else 1e-13
        for fn, ref in ((lgamma, torch.lgamma), (digamma, torch.digamma)):
            got, want = arr(fn(xn)), arr(ref(xt))
            np.testing.assert_allclose(got, want, rtol=tol, atol=tol)
    assert arr(digamma(nt.tensor([0.0])))[0] == -math.inf
    assert arr(lgamma(nt.tensor([0.0])))[0] == math.inf


def test_score_gradients_match_torch():
    """log_prob, entropy and cdf of the new families, differentiated through the composed
    lgamma/digamma/gammainc, against torch's analytic derivatives."""
    grads = []
    for lib, D in ((nt, nt.distributions), (torch, TD)):
        T = _t(lib, "float64")
        c, r = T([0.7, 2.5, 30.0]).requires_grad_(), T([1.5, 0.4, 2.0]).requires_grad_()
        loc, scale = T([0.5, -1.0, 0.0]).requires_grad_(), T([1.0, 0.3, 2.0]).requires_grad_()
        p = T([0.2, 0.5, 0.9]).requires_grad_()
        L = T([[1.5, 0.0], [0.4, 0.7]]).requires_grad_()
        value = T([0.3, 1.2, 14.0])
        total = (D.Gamma(c, r).log_prob(value).sum() + D.Gamma(c, r).entropy().sum()
                 + D.Gamma(2.0, r).cdf(value).sum()
                 + D.Beta(c, r).log_prob(T([0.1, 0.5, 0.99])).sum()
                 + D.Beta(c, r).entropy().sum()
                 + D.Exponential(r).log_prob(value).sum() + D.Exponential(r).entropy().sum()
                 + D.Exponential(r).cdf(value).sum()
                 + D.Laplace(loc, scale).log_prob(value).sum()
                 + D.Laplace(loc, scale).cdf(value).sum()
                 + D.Laplace(loc, scale).entropy().sum()
                 + D.Poisson(c).log_prob(T([0.0, 2.0, 31.0])).sum()
                 + D.Geometric(p).log_prob(T([0.0, 3.0, 1.0])).sum()
                 + D.Geometric(p).entropy().sum()
                 + D.MultivariateNormal(loc[:2], scale_tril=L).log_prob(
                     T([[1.0, 2.0], [0.0, -1.0]])).sum()
                 + D.MultivariateNormal(loc[:2], L @ L.T).entropy()
                 + D.kl_divergence(D.Gamma(c, r), D.Gamma(r, c)).sum()
                 + D.kl_divergence(D.Beta(c, r), D.Beta(r, c)).sum())
        total.backward()
        grads.append([arr(t.grad) for t in (c, r, loc, scale, p, L)])
    for g, w in zip(*grads):
        np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-10)


def test_gamma_cdf_has_no_concentration_gradient_like_torch():
    c = nt.tensor([2.0], requires_grad=True)
    with pytest.raises(NotImplementedError, match="igamma: input"):
        nt.distributions.Gamma(c, 1.0).cdf(nt.tensor([1.0])).sum().backward()


def test_standard_gamma_and_dirichlet_grads_match_torch():
    """The implicit reparameterisation gradients, on the same draws as torch's."""
    from numtensor.distributions.beta import dirichlet_grad
    from numtensor.distributions.gamma import standard_gamma_grad
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    alpha = rng.uniform(0.02, 12.0, 3000)
    alpha[:300] *= 20  # Rice's expansion, alpha > 8
    beta = rng.uniform(0.02, 12.0, 3000)
    beta[:300] *= 20
    for dtype in DTYPES:
        a_t = _t(torch, dtype)(alpha)
        x_t = torch._standard_gamma(a_t)
        got = standard_gamma_grad(_t(nt, dtype)(alpha), _t(nt, dtype)(arr(x_t)))
        np.testing.assert_allclose(arr(got), arr(torch._standard_gamma_grad(a_t, x_t)),
                                   rtol=1e-12 if dtype == "float64" else 1e-5)
        b_t = _t(torch, dtype)(beta)
        x_t = TD.Beta(a_t, b_t).sample()
        got = dirichlet_grad(_t(nt, dtype)(arr(x_t)), _t(nt, dtype)(alpha),
                             _t(nt, dtype)(alpha + beta))
        # torch keeps part of its float32 series in float32
        np.testing.assert_allclose(arr(got), arr(torch._dirichlet_grad(x_t, a_t, a_t + b_t)),
                                   rtol=1e-11 if dtype == "float64" else 2e-4, atol=1e-30)


def test_rsample_gradients_on_torch_draws():
    """Exponential, Laplace and MultivariateNormal draw PyTorch's stream: the same draws
    and the same gradients as torch after the same seed."""
    def run(lib, D):
        T = _t(lib, "float32")
        rate = T([0.5, 2.0]).requires_grad_()
        loc, scale = T([0.5, -1.0]).requires_grad_(), T([1.0, 0.3]).requires_grad_()
        L = T([[1.5, 0.0], [0.4, 0.7]]).requires_grad_()
        lib.manual_seed(7)
        draws = (D.Exponential(rate).rsample((50,)), D.Laplace(loc, scale).rsample((50,)),
                 D.MultivariateNormal(loc, scale_tril=L).rsample((50,)))
        sum((d * d).sum() for d in draws).backward()
        return [arr(d) for d in draws] + [arr(t.grad) for t in (rate, loc, scale, L)]
    for g, w in zip(run(nt, nt.distributions), run(torch, TD)):
        np.testing.assert_allclose(g, w, rtol=2e-5, atol=2e-5)


def test_gamma_and_beta_rsample_gradients():
    """Per draw: d x / d theta from the implicit-gradient formulas (checked against torch's
    above) composed by autograd; on average: the derivative of the known mean."""
    from numtensor.distributions.beta import dirichlet_grad
    from numtensor.distributions.gamma import standard_gamma_grad
    D = nt.distributions
    nt.manual_seed(0)
    c = nt.tensor([0.4, 2.0, 15.0], dtype=nt.float64, requires_grad=True)
    r = nt.tensor([2.0, 0.5, 1.0], dtype=nt.float64, requires_grad=True)
    x = D.Gamma(c, r).rsample((20000,))
    assert x.requires_grad and tuple(x.shape) == (20000, 3)
    x.sum().backward()
    std = x.detach() * r.detach()
    dx_dc = standard_gamma_grad(c.detach().expand(std.shape), std) / r.detach()
    np.testing.assert_allclose(arr(c.grad), arr(dx_dc.sum(0)), rtol=1e-10)
    np.testing.assert_allclose(arr(r.grad), arr((-x.detach() / r.detach()).sum(0)), rtol=1e-10)
    # E[x] = c / r: d/dc = 1 / r, within a few standard errors of the mean of the draws
    n = x.shape[0]
    per_draw = arr(dx_dc)
    se = per_draw.std(0) / math.sqrt(n)
    assert (np.abs(per_draw.mean(0) - 1 / arr(r)) < 4 * se + 1e-12).all()

    a = nt.tensor([0.5, 2.0, 20.0], dtype=nt.float64, requires_grad=True)
    b = nt.tensor([3.0, 2.0, 9.0], dtype=nt.float64, requires_grad=True)
    y = D.Beta(a, b).rsample((20000,))
    assert y.requires_grad and tuple(y.shape) == (20000, 3)
    y.sum().backward()
    yd = y.detach()
    ad, bd = a.detach().expand(yd.shape), b.detach().expand(yd.shape)
    da = dirichlet_grad(yd, ad, ad + bd) * (1 - yd)
    db = -dirichlet_grad(1 - yd, bd, ad + bd) * yd
    np.testing.assert_allclose(arr(a.grad), arr(da.sum(0)), rtol=1e-10)
    np.testing.assert_allclose(arr(b.grad), arr(db.sum(0)), rtol=1e-10)
    A, B = arr(a), arr(b)
    for per_draw, want in ((arr(da), B / (A + B) ** 2), (arr(db), -A / (A + B) ** 2)):
        se = per_draw.std(0) / math.sqrt(per_draw.shape[0])
        assert (np.abs(per_draw.mean(0) - want) < 4 * se).all(), (per_draw.mean(0), want)
    # Dirichlet: the gradients keep the draws on the simplex
    conc = nt.tensor([0.5, 1.0, 4.0], dtype=nt.float64, requires_grad=True)
    z = D.Dirichlet(conc).rsample((100,))
    assert np.allclose(arr(z.sum(-1)), 1.0)
    z.sum().backward()
    np.testing.assert_allclose(arr(conc.grad), 0.0, atol=1e-9)


# ---- statistics of samples -----------------------------------------------------------------
def _check_moments(draws, mean, var, k=4.5):
    """Sample mean and variance within k standard errors (estimated from the draws)."""
    draws = np.asarray(draws, dtype=np.float64)
    n = draws.shape[0]
    se_mean = np.sqrt(var / n)
    assert (np.abs(draws.mean(0) - mean) <= k * se_mean).all(), (draws.mean(0), mean)
    centred = (draws - draws.mean(0)) ** 2
    se_var = centred.std(0) / np.sqrt(n)
    assert (np.abs(draws.var(0) - var) <= k * se_var).all(), (draws.var(0), var)


def test_sample_statistics():
    D = nt.distributions
    nt.manual_seed(0)
    n = 20000
    cases = [D.Exponential(nt.tensor([0.5, 3.0])),
             D.Laplace(nt.tensor([1.0, -2.0]), nt.tensor([0.5, 3.0])),
             D.Gamma(nt.tensor([0.1, 0.6, 1.0, 4.0, 50.0]), nt.tensor([1.0, 2.0, 0.5, 1.0, 3.0])),
             D.Beta(nt.tensor([0.2, 1.0, 5.0, 30.0]), nt.tensor([0.5, 1.0, 2.0, 40.0])),
             D.Poisson(nt.tensor([0.0, 0.3, 2.0, 9.5, 10.0, 35.0, 1000.0])),
             D.Geometric(nt.tensor([0.05, 0.5, 0.9]))]
    for d in cases:
        draws = d.sample((n,))
        assert tuple(draws.shape) == (n,) + tuple(d.batch_shape)
        assert bool(d.support.check(draws).all())
        _check_moments(arr(draws), arr(d.mean), arr(d.variance))
    rs = D.Gamma(nt.tensor([0.3, 5.0]), 1.0).rsample((n,))
    _check_moments(arr(rs.detach()), np.array([0.3, 5.0]), np.array([0.3, 5.0]))
    mvn = D.MultivariateNormal(nt.tensor([1.0, -1.0]),
                               nt.tensor([[2.0, 0.6], [0.6, 0.5]]))
    draws = arr(mvn.sample((n,)))
    np.testing.assert_allclose(draws.mean(0), [1.0, -1.0], atol=0.05)
    np.testing.assert_allclose(np.cov(draws.T), [[2.0, 0.6], [0.6, 0.5]], atol=0.06)
    oh = arr(D.OneHotCategorical(nt.tensor([0.1, 0.2, 0.7])).sample((n,)))
    assert (oh.sum(-1) == 1).all()
    np.testing.assert_allclose(oh.mean(0), [0.1, 0.2, 0.7], atol=0.015)


def test_sampled_distributions_match_the_cdf():
    """Empirical CDFs (Gamma, Beta) and frequencies (Poisson) within a few standard
    errors of the exact values: the rejection samplers draw the right shape."""
    import scipy.stats as stats
    D = nt.distributions
    nt.manual_seed(1)
    n = 20000
    for c in (0.2, 1.7, 12.0):
        x = arr(D.Gamma(nt.tensor(c, dtype=nt.float64), 1.0).sample((n,)))
        for q in (0.1, 0.5, 0.9):
            point = stats.gamma(c).ppf(q)
            assert abs((x <= point).mean() - q) < 4.5 * math.sqrt(q * (1 - q) / n)
    for a, b in ((0.3, 0.6), (2.0, 5.0)):
        x = arr(D.Beta(nt.tensor(a, dtype=nt.float64), b).sample((n,)))
        for q in (0.1, 0.5, 0.9):
            point = stats.beta(a, b).ppf(q)
            assert abs((x <= point).mean() - q) < 4.5 * math.sqrt(q * (1 - q) / n)
    for rate in (1.5, 25.0):
        d = D.Poisson(nt.tensor(rate, dtype=nt.float64))
        x = arr(d.sample((n,)))
        ks = np.arange(int(rate + 4 * math.sqrt(rate)) + 1, dtype=np.float64)
        pmf = np.exp(arr(d.log_prob(nt.tensor(ks))))
        freq = np.array([(x == k).mean() for k in ks])
        assert (np.abs(freq - pmf) < 4.5 * np.sqrt(pmf * (1 - pmf) / n) + 1e-4).all()


def test_geometric_samples_are_torch_draws():
    nt.manual_seed(5)
    torch.manual_seed(5)
    np.testing.assert_array_equal(
        arr(nt.distributions.Geometric(nt.tensor([0.3, 0.01])).sample((200,))),
        arr(TD.Geometric(torch.tensor([0.3, 0.01])).sample((200,))))
    nt.manual_seed(5)
    torch.manual_seed(5)
    np.testing.assert_array_equal(
        arr(nt.distributions.Exponential(nt.tensor([0.3, 4.0])).sample((200,))),
        arr(TD.Exponential(torch.tensor([0.3, 4.0])).sample((200,))))


def test_sampling_is_reproducible_under_manual_seed():
    for make in (lambda D: D.Gamma(nt.tensor([0.5, 3.0]), 1.0),
                 lambda D: D.Beta(nt.tensor([0.5, 3.0]), 2.0),
                 lambda D: D.Poisson(nt.tensor([0.5, 30.0]))):
        d = make(nt.distributions)
        nt.manual_seed(42)
        a = d.sample((50,))
        nt.manual_seed(42)
        assert nt.equal(a, d.sample((50,)))


# ---- kl_divergence -------------------------------------------------------------------------
FAMILIES = {
    "Bernoulli": (lambda T, D: D.Bernoulli(T([0.2, 0.0, 1.0, 0.7])),
                  lambda T, D: D.Bernoulli(T([0.5, 0.3, 1.0, 0.0]))),
    "Beta": (lambda T, D: D.Beta(T([0.5, 2.0, 3.0, 1.0]), T([1.5, 0.3, 2.0, 4.0])),
             lambda T, D: D.Beta(T([[1.0], [4.0]]), T([0.7, 2.0, 3.0, 1.0]))),
    "Categorical": (lambda T, D: D.Categorical(T([[0.2, 0.8, 0.0], [0.3, 0.3, 0.4]])),
                    lambda T, D: D.Categorical(T([[0.1, 0.1, 0.8], [0.0, 0.5, 0.5]]))),
    "Dirichlet": (lambda T, D: D.Dirichlet(T([[0.2, 0.8, 2.0], [0.3, 0.3, 0.4]])),
                  lambda T, D: D.Dirichlet(T([1.0, 2.0, 0.5]))),
    "Exponential": (lambda T, D: D.Exponential(T([0.5, 2.0, 1.0, 3.0])),
                    lambda T, D: D.Exponential(T([[1.0], [0.2]]))),
    "Gamma": (lambda T, D: D.Gamma(T([0.5, 2.0, 3.0, 1.0]), T([1.5, 0.3, 2.0, 4.0])),
              lambda T, D: D.Gamma(T([[2.0], [0.7]]), T([1.0, 2.0, 0.5, 3.0]))),
    "Geometric": (lambda T, D: D.Geometric(T([0.5, 0.2, 0.9, 0.1])),
                  lambda T, D: D.Geometric(logits=T([0.0, 1.0, -1.0, 2.0]))),
    "Laplace": (lambda T, D: D.Laplace(T([0.5, -2.0, 0.0, 1.0]), T([1.5, 0.3, 2.0, 4.0])),
                lambda T, D: D.Laplace(T([[0.0], [1.0]]), T([1.0, 2.0, 0.5, 3.0]))),
    "Normal": (lambda T, D: D.Normal(T([0.5, -2.0, 0.1, 1.0]), T([1.5, 0.3, 2.0, 4.0])),
               lambda T, D: D.Normal(T([[0.0], [1.0]]), T([1.0, 2.0, 0.5, 3.0]))),
    "Poisson": (lambda T, D: D.Poisson(T([0.5, 2.0, 3.0, 1.0])),
                lambda T, D: D.Poisson(T([[1.0], [4.0]]))),
    "Uniform": (lambda T, D: D.Uniform(T([0.1, -2.0, 0.5, 0.2]), T([0.5, 0.3, 0.9, 0.8])),
                lambda T, D: D.Uniform(T([0.0, -3.0, 0.6, 0.1]), T([1.0, 1.0, 0.8, 0.9]))),
    "OneHotCategorical": (lambda T, D: D.OneHotCategorical(T([[0.2, 0.8, 0.0], [0.3, 0.3, 0.4]])),
                          lambda T, D: D.OneHotCategorical(T([0.1, 0.1, 0.8]))),
    "MultivariateNormal": (
        lambda T, D: D.MultivariateNormal(T([[0.2, 0.8], [0.3, 0.3]]),
                                          T([[2.0, 0.5], [0.5, 1.0]])),
        lambda T, D: D.MultivariateNormal(T([1.0, -1.0]), scale_tril=T(
            [[[1.0, 0.0], [0.3, 0.5]], [[2.0, 0.0], [-1.0, 1.0]]]))),
    "Independent": (lambda T, D: D.Independent(D.Normal(T([[0.2, 0.8], [0.3, 0.3]]),
                                                        T([1.0, 2.0])), 1),
                    lambda T, D: D.Independent(D.Normal(T([1.0, 0.0]), T([[0.5, 1.0]])), 1)),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_kl_same_family_matches_torch(name, dtype):
    make_p, make_q = FAMILIES[name]
    T_n, T_t = _t(nt, dtype), _t(torch, dtype)
    p_n, q_n = make_p(T_n, nt.distributions), make_q(T_n, nt.distributions)
    p_t, q_t = make_p(T_t, TD), make_q(T_t, TD)
    _close(nt.distributions.kl_divergence(p_n, q_n), TD.kl_divergence(p_t, q_t), dtype, "p||q")
    _close(nt.distributions.kl_divergence(q_n, p_n), TD.kl_divergence(q_t, p_t), dtype, "q||p")
    _close(nt.distributions.kl.kl_divergence(p_n, p_n), TD.kl_divergence(p_t, p_t), dtype, "p||p")


_CROSS = ["Bernoulli", "Beta", "Exponential", "Gamma", "Laplace", "Normal", "Poisson",
          "Uniform", "Geometric"]


def test_kl_across_families_matches_torch_or_its_error():
    """Every ordered pair: the same values, or the same exception and message.  (Equal
    batch shapes: torch's masked assignments fail on some broadcast pairs.)"""
    for a, b in itertools.permutations(_CROSS, 2):
        def kl(lib, D):
            T = _t(lib, "float64")
            return D.kl_divergence(FAMILIES[a][0](T, D), FAMILIES[b][0](T, D))
        try:
            want = kl(torch, TD)
        except Exception:
            raises_like(lambda: kl(nt, nt.distributions), lambda: kl(torch, TD))
            continue
        _close(kl(nt, nt.distributions), want, "float64", f"{a} || {b}")


def test_register_kl_dispatch():
    D = nt.distributions

    class MyNormal(D.Normal):
        pass

    p, q = MyNormal(0.0, 1.0), D.Normal(1.0, 2.0)
    assert D.kl_divergence(p, q).item() == pytest.approx(
        TD.kl_divergence(TD.Normal(0.0, 1.0), TD.Normal(1.0, 2.0)).item())

    @D.register_kl(MyNormal, D.Normal)
    def _mine(p, q):
        return nt.tensor(-1.0)

    assert D.kl_divergence(p, q).item() == -1.0
    assert D.kl_divergence(q, p).item() != -1.0  # (Normal, MyNormal) still the general one
    del D.kl._KL_REGISTRY[MyNormal, D.Normal]
    D.kl._KL_MEMOIZE.clear()
    assert D.kl_divergence(p, q).item() != -1.0


# ---- validation ----------------------------------------------------------------------------
INVALID = [
    lambda L, D: D.Exponential(L.tensor([0.5, -2.0])),
    lambda L, D: D.Exponential(0.0),
    lambda L, D: D.Exponential(1.0).log_prob(L.tensor(-1.0)),
    lambda L, D: D.Exponential(1.0).cdf(L.tensor([-1.0])),
    lambda L, D: D.Laplace(0.0, -1.0),
    lambda L, D: D.Laplace(L.tensor([float("nan")]), 1.0),
    lambda L, D: D.Laplace(L.zeros(2), 1.0).log_prob(L.zeros(3)),
    lambda L, D: D.Gamma(L.tensor([0.5, -2.0]), 1.0),
    lambda L, D: D.Gamma(1.0, 0.0),
    lambda L, D: D.Gamma(1.0, 2.0).log_prob(L.tensor([-1.0])),
    lambda L, D: D.Gamma(1.0, 2.0).cdf(L.tensor([-1.0])),
    lambda L, D: D.Beta(L.tensor([0.5, -2.0]), 1.0),
    lambda L, D: D.Beta(-1.0, 1.0),
    lambda L, D: D.Beta(1.0, 1.0).log_prob(L.tensor(1.5)),
    lambda L, D: D.Dirichlet(L.tensor(1.0)),
    lambda L, D: D.Dirichlet(L.tensor([1.0, 0.0])),
    lambda L, D: D.Dirichlet(L.tensor([1.0, 2.0])).log_prob(L.tensor([0.5, 0.6])),
    lambda L, D: D.Poisson(L.tensor([-0.5])),
    lambda L, D: D.Poisson(L.tensor([0.5])).log_prob(L.tensor([0.5])),
    lambda L, D: D.Poisson(L.tensor([0.5])).log_prob(L.tensor([-1.0])),
    lambda L, D: D.Geometric(L.tensor([0.0, 0.5])),
    lambda L, D: D.Geometric(L.tensor([1.5, 0.5])),
    lambda L, D: D.Geometric(),
    lambda L, D: D.Geometric(0.5, 0.2),
    lambda L, D: D.Geometric(0.5).log_prob(L.tensor(-1.0)),
    lambda L, D: D.Geometric(0.5).log_prob(L.tensor(1.5)),
    lambda L, D: D.OneHotCategorical(L.tensor([0.5, -0.5])),
    lambda L, D: D.OneHotCategorical(L.tensor(0.5)),
    lambda L, D: D.OneHotCategorical(L.tensor([0.5, 0.5])).log_prob(L.tensor([1.0, 1.0])),
    lambda L, D: D.OneHotCategorical(L.tensor([0.5, 0.5])).log_prob(L.tensor([1.0, 0.0, 0.0])),
    lambda L, D: D.Independent(D.Normal(0.0, 1.0), 1),
    lambda L, D: D.Independent(D.Normal(L.zeros(3), 1.0), 1).log_prob(L.zeros(2)),
    lambda L, D: D.Independent(D.Exponential(L.ones(3)), 1).log_prob(L.tensor([1.0, -1.0, 1.0])),
    lambda L, D: D.MultivariateNormal(L.tensor(0.0), L.eye(1)),
    lambda L, D: D.MultivariateNormal(L.zeros(2)),
    lambda L, D: D.MultivariateNormal(L.zeros(2), L.eye(2), scale_tril=L.eye(2)),
    lambda L, D: D.MultivariateNormal(L.zeros(2), L.zeros(2)),
    lambda L, D: D.MultivariateNormal(L.zeros(2), scale_tril=L.zeros(2)),
    lambda L, D: D.MultivariateNormal(L.zeros(2), precision_matrix=L.zeros(2)),
    lambda L, D: D.MultivariateNormal(L.zeros(2), L.tensor([[1.0, 2.0], [2.0, 1.0]])),
    lambda L, D: D.MultivariateNormal(L.zeros(2), L.tensor([[1.0, 2.0], [0.0, 1.0]])),
    lambda L, D: D.MultivariateNormal(L.zeros(2), precision_matrix=L.tensor([[1.0, 2.0],
                                                                             [2.0, 1.0]])),
    lambda L, D: D.MultivariateNormal(L.zeros(2), scale_tril=L.tensor([[1.0, 2.0], [0.0, 1.0]])),
    lambda L, D: D.MultivariateNormal(L.zeros(2), scale_tril=L.tensor([[-1.0, 0.0], [0.0, 1.0]])),
    lambda L, D: D.MultivariateNormal(L.tensor([0.0, float("nan")]), L.eye(2)),
    lambda L, D: D.MultivariateNormal(L.zeros(2), L.eye(2)).log_prob(L.zeros(3)),
    lambda L, D: D.MultivariateNormal(L.zeros(2), L.eye(2)).log_prob(L.tensor([0.0, math.nan])),
    lambda L, D: D.kl_divergence(D.Normal(0.0, 1.0), D.Bernoulli(0.3)),
    lambda L, D: D.kl_divergence(D.Laplace(0.0, 1.0), D.Bernoulli(0.3)),
    lambda L, D: D.kl_divergence(D.Poisson(1.0), D.Exponential(0.3)),
    lambda L, D: D.kl_divergence(D.Categorical(L.tensor([0.5, 0.5])), D.Normal(0.0, 1.0)),
    lambda L, D: D.kl_divergence(D.MultivariateNormal(L.zeros(2), L.eye(2)),
                                 D.MultivariateNormal(L.zeros(3), L.eye(3))),
    lambda L, D: D.kl_divergence(D.Independent(D.Normal(L.zeros(2, 2), 1.0), 1),
                                 D.Independent(D.Normal(L.zeros(2, 2), 1.0), 2)),
]


@pytest.mark.parametrize("case", range(len(INVALID)))
def test_validation_errors_match_torch(case):
    raises_like(lambda: INVALID[case](nt, nt.distributions), lambda: INVALID[case](torch, TD))


def test_validate_args_false_skips_checks():
    D = nt.distributions
    assert math.isnan(D.Gamma(1.0, -1.0, validate_args=False).log_prob(nt.tensor(1.0)).item())
    got = D.Poisson(2.0, validate_args=False).log_prob(nt.tensor(0.5)).item()
    assert got == pytest.approx(TD.Poisson(2.0, validate_args=False).log_prob(
        torch.tensor(0.5)).item())
    got = D.Exponential(2.0, validate_args=False).log_prob(nt.tensor(-1.0)).item()
    assert got == pytest.approx(math.log(2.0) + 2.0)
    d = D.MultivariateNormal(nt.zeros(2), scale_tril=nt.tensor([[1.0, 2.0], [0.0, 1.0]]),
                             validate_args=False)
    assert tuple(d.sample((3,)).shape) == (3, 2)


def test_drop_in_module_paths():
    from numtensor.distributions.kl import kl_divergence, register_kl  # noqa: F401
    from numtensor.distributions.multivariate_normal import MultivariateNormal  # noqa: F401
    from numtensor.distributions.one_hot_categorical import OneHotCategorical  # noqa: F401
    from numtensor.distributions import constraints  # noqa: F401
    for name in ("Exponential", "Laplace", "Gamma", "Beta", "Dirichlet", "Poisson",
                 "Geometric", "OneHotCategorical", "Independent", "MultivariateNormal",
                 "kl_divergence", "register_kl"):
        assert name in nt.distributions.__all__ and hasattr(TD, name)
