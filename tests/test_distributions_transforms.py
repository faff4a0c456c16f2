"""Transforms, TransformedDistribution, LogNormal, HalfNormal, Cauchy, Gumbel, StudentT,
Chi2 and Binomial against torch.distributions: transform values, inverses and log-dets;
scores, moments, cdf/icdf, KL, reprs and validation errors (float32 and float64, broadcast
parameters); gradients of log_prob against torch's; rsample gradients on torch's own draws
where the random streams agree, else by the reparameterisation formula; sampling by
statistics over many draws."""
import inspect
import itertools
import math

import numpy as np
import pytest

import numtensor as nt
from nn_helpers import arr, raises_like, torch

TD = torch.distributions
DTYPES = ("float32", "float64")


def _t(lib, dtype):
    dt = getattr(lib, dtype)
    return lambda values: lib.tensor(values, dtype=dt)


def _close(got, want, dtype, what="", rtol=None):
    wide = dtype == "float32" or want.dtype == torch.float32
    tol = dict(rtol=2e-5, atol=2e-5) if wide else dict(rtol=1e-10, atol=1e-10)
    if rtol is not None:
        tol["rtol"] = rtol
    assert tuple(got.shape) == tuple(want.shape), (what, tuple(got.shape), tuple(want.shape))
    assert str(got.dtype) == str(want.dtype), (what, got.dtype, want.dtype)
    np.testing.assert_allclose(arr(got), arr(want), equal_nan=True, err_msg=what, **tol)


# ---- transforms ----------------------------------------------------------------------------
# each: (transform maker, input maker): inputs inside the domain, parameters broadcast
TRANSFORMS = {
    "exp": (lambda T, M: M.ExpTransform(), lambda T: T([[-3.0, 0.0, 2.5]])),
    "affine_numbers": (lambda T, M: M.AffineTransform(1.5, -2.0),
                       lambda T: T([-1.0, 0.0, 3.0])),
    "affine_broadcast": (lambda T, M: M.AffineTransform(T([[0.5], [-1.0]]), T([2.0, -0.5, 3.0])),
                         lambda T: T([0.3, -2.0, 1.0])),
    "affine_event_dim": (lambda T, M: M.AffineTransform(T([1.0, 2.0]), T([[0.5, -3.0]]),
                                                        event_dim=1),
                         lambda T: T([[0.3, -2.0], [1.0, 4.0], [0.0, 0.1]])),
    "sigmoid": (lambda T, M: M.SigmoidTransform(), lambda T: T([-40.0, -2.0, 0.0, 3.0, 15.0])),
    "tanh": (lambda T, M: M.TanhTransform(), lambda T: T([-3.0, -0.5, 0.0, 0.7, 2.0])),
    "power": (lambda T, M: M.PowerTransform(T([[2.0], [-0.5], [3.0]])),
              lambda T: T([0.2, 1.0, 4.0])),
    "power_number": (lambda T, M: M.PowerTransform(2.5), lambda T: T([0.2, 1.0, 4.0])),
    "softmax": (lambda T, M: M.SoftmaxTransform(),
                lambda T: T([[0.1, -2.0, 3.0], [1.0, 1.0, 1.0]])),
    "abs": (lambda T, M: M.AbsTransform(), lambda T: T([-2.0, 0.0, 1.5])),
    "compose": (lambda T, M: M.ComposeTransform([M.AffineTransform(0.5, T([2.0, -1.0, 0.3])),
                                                 M.TanhTransform(),
                                                 M.AffineTransform(1.0, 0.5)]),
                lambda T: T([[-0.3, 0.1, 0.2], [0.2, 0.0, -1.0]])),
    "compose_event": (lambda T, M: M.ComposeTransform([M.ExpTransform(),
                                                       M.AffineTransform(0.0, T([1.0, 2.0]),
                                                                         event_dim=1)]),
                      lambda T: T([[0.3, -1.0], [2.0, 0.0]])),
    "compose_empty": (lambda T, M: M.ComposeTransform([]), lambda T: T([1.0, -2.0])),
    "inverse_sigmoid": (lambda T, M: M.SigmoidTransform().inv, lambda T: T([0.01, 0.5, 0.9])),
}


def _eval_transform(name, lib, M, dtype):
    make, inputs = TRANSFORMS[name]
    T = _t(lib, dtype)
    tr = make(T, M)
    x = inputs(T)
    y = tr(x)
    out = {"y": y, "x_back": tr.inv(y), "repr": repr(tr), "inv_repr": repr(tr.inv),
           "domain": repr(tr.domain), "codomain": repr(tr.codomain),
           "bijective": tr.bijective, "event_dim": tr.domain.event_dim,
           "codomain_event_dim": tr.codomain.event_dim,
           "shape": tuple(tr.forward_shape(x.shape)),
           "inv_shape": tuple(tr.inverse_shape(y.shape))}
    try:
        sign = tr.sign
        out["sign"] = sign if isinstance(sign, int) else arr(sign).tolist()
    except NotImplementedError:
        out["sign"] = "none"
    try:
        out["ladj"] = tr.log_abs_det_jacobian(x, y)
        out["inv_ladj"] = tr.inv.log_abs_det_jacobian(y, x)
    except NotImplementedError:
        out["ladj"] = "none"
    return out


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(TRANSFORMS))
def test_transforms_match_torch(name, dtype):
    got = _eval_transform(name, nt, nt.distributions.transforms, dtype)
    want = _eval_transform(name, torch, TD.transforms, dtype)
    assert set(got) == set(want)
    for key, w in want.items():
        if isinstance(w, torch.Tensor):
            _close(got[key], w, dtype, key)
        else:
            assert got[key] == w, (key, got[key], w)


def test_transform_objects():
    M = nt.distributions.transforms
    t = M.ExpTransform()
    assert t.inv.inv is t and t.inv == M.ExpTransform().inv and t != M.SigmoidTransform()
    assert M.AffineTransform(1.0, 2.0) == M.AffineTransform(1.0, 2.0)
    assert M.AffineTransform(1.0, nt.tensor([2.0])) != M.AffineTransform(1.0, nt.tensor([3.0]))
    assert M.PowerTransform(nt.tensor(2.0)) == M.PowerTransform(2.0)
    c = M.ComposeTransform([M.ExpTransform(), M.AffineTransform(0.0, 2.0)])
    assert c.inv.inv is c and c == M.ComposeTransform([M.ExpTransform(),
                                                       M.AffineTransform(0.0, 2.0)])
    assert M.identity_transform == M.ComposeTransform([])
    assert nt.distributions.identity_transform is M.identity_transform
    # cache_size=1: the inverse of the last output is the input itself
    s = M.SigmoidTransform(cache_size=1)
    x = nt.tensor([50.0])
    assert s.inv(s(x)) is x
    assert M.SigmoidTransform().with_cache(1)._cache_size == 1
    with pytest.raises(ValueError, match="cache_size must be 0 or 1"):
        M.ExpTransform(cache_size=2)
    with pytest.raises(ValueError, match="Please use either"):
        _event_dim_mismatch(M)
    for name in ("Transform", "ExpTransform", "AffineTransform", "SigmoidTransform",
                 "TanhTransform", "PowerTransform", "SoftmaxTransform", "AbsTransform",
                 "ComposeTransform"):
        assert list(inspect.signature(getattr(M, name)).parameters) == list(
            inspect.signature(getattr(TD.transforms, name)).parameters), name
        assert getattr(nt.distributions, name) is getattr(M, name)


def _event_dim_mismatch(M):
    class _Vectorise(M.Transform):
        domain = nt.distributions.constraints.real
        codomain = nt.distributions.constraints.independent(
            nt.distributions.constraints.real, 1)
    return _Vectorise().event_dim


def test_transform_gradients_match_torch():
    """log_abs_det_jacobian and the maps themselves, differentiated in x and parameters."""
    grads = []
    for lib, M in ((nt, nt.distributions.transforms), (torch, TD.transforms)):
        T = _t(lib, "float64")
        x = T([-1.5, 0.2, 2.0]).requires_grad_()
        p = T([0.5, 1.0, 2.0]).requires_grad_()
        loc, scale = T([0.1, -0.2, 0.3]).requires_grad_(), T([2.0, -0.5, 1.5]).requires_grad_()
        total = 0
        for tr in (M.ExpTransform(), M.SigmoidTransform(), M.TanhTransform(),
                   M.AffineTransform(loc, scale), M.SigmoidTransform().inv,
                   M.ComposeTransform([M.AffineTransform(loc, scale), M.ExpTransform(),
                                       M.PowerTransform(p)])):
            xin = x.sigmoid() if isinstance(tr, type(M.SigmoidTransform().inv)) else x
            y = tr(xin)
            total = total + y.sum() + tr.log_abs_det_jacobian(xin, y).sum()
        total.backward()
        grads.append([arr(t.grad) for t in (x, p, loc, scale)])
    for g, w in zip(*grads):
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)


# ---- distributions -------------------------------------------------------------------------
# each: (distribution, a value to score, whether icdf is compared)
CASES = {
    "lognormal": (lambda T, D: D.LogNormal(T([[0.5], [-1.0]]), T([1.0, 0.3, 2.0])),
                  lambda T: T([0.2, 1.0, 7.0]), True),
    "lognormal_scalar": (lambda T, D: D.LogNormal(0.0, 1.5), lambda T: T([0.1, 3.0]), True),
    "halfnormal": (lambda T, D: D.HalfNormal(T([[1.0], [0.25]])), lambda T: T([0.0, 0.3, 4.0]),
                   True),
    "halfnormal_scalar": (lambda T, D: D.HalfNormal(2.0), lambda T: T([0.5, 3.0]), True),
    "cauchy": (lambda T, D: D.Cauchy(T([0.5, -2.0, 0.0]), T([[1.0], [0.25]])),
               lambda T: T([[0.3], [-30.0]]), True),
    "cauchy_scalar": (lambda T, D: D.Cauchy(1.0, 2.0), lambda T: T([-1.0, 1.0, 70.0]), True),
    "gumbel": (lambda T, D: D.Gumbel(T([0.5, -2.0, 0.0]), T([[1.0], [0.25]])),
               lambda T: T([[0.3], [0.2]]), True),
    "gumbel_scalar": (lambda T, D: D.Gumbel(1.0, 2.0), lambda T: T([-1.0, 1.0, 7.0]), True),
    "studentt": (lambda T, D: D.StudentT(T([[0.5], [1.5], [3.0], [30.0]]), T([0.0, 1.0]),
                                         T([1.0, 0.5])),
                 lambda T: T([[-0.3, 4.0]]), None),
    "studentt_scalar": (lambda T, D: D.StudentT(4.0), lambda T: T([-1.0, 0.5]), None),
    "chi2": (lambda T, D: D.Chi2(T([[0.5], [1.0], [2.0], [7.0]])), lambda T: T([0.05, 1.0, 9.0]),
             None),
    "chi2_scalar": (lambda T, D: D.Chi2(3.0), lambda T: T([0.5, 4.0]), None),
    "binomial": (lambda T, D: D.Binomial(T([[5.0], [10.0]]), T([0.0, 0.2, 0.7, 1.0])),
                 lambda T: T([[0.0, 2.0, 5.0, 5.0]]), None),
    "binomial_logits": (lambda T, D: D.Binomial(7, logits=T([-30.0, -1.0, 0.0, 2.0, 30.0])),
                        lambda T: T([0.0, 3.0, 7.0, 4.0, 7.0]), None),
    "binomial_default": (lambda T, D: D.Binomial(probs=T([0.3, 0.6])), lambda T: T([1.0, 0.0]),
                         None),
    "transformed_logistic": (
        lambda T, D: D.TransformedDistribution(
            D.Uniform(T([0.0, 0.0]), T([1.0, 1.0])),
            [D.SigmoidTransform().inv, D.AffineTransform(T([0.5, -1.0]), T([[2.0], [0.5]]))]),
        lambda T: T([0.3, -2.0]), True),
    "transformed_decreasing": (
        lambda T, D: D.TransformedDistribution(
            D.Normal(T([0.5, -1.0]), T([1.0, 2.0])),
            [D.AffineTransform(1.0, -2.0), D.ExpTransform()]),
        lambda T: T([0.3, 2.0]), None),
    "transformed_event": (
        lambda T, D: D.TransformedDistribution(
            D.Normal(T([[0.5, -1.0], [0.0, 1.0]]), 1.0),
            D.AffineTransform(T([0.0, 1.0]), T([2.0, 0.5]), event_dim=1)),
        lambda T: T([0.3, 2.0]), None),
    "normal": (lambda T, D: D.Normal(T([[0.5], [-1.0]]), T([1.0, 2.0, 0.3])),
               lambda T: T([0.3, -2.0, 1.0]), True),
    "transformed_tanh": (
        lambda T, D: D.TransformedDistribution(D.Normal(T([0.5, -1.0]), T([1.0, 2.0])),
                                               [D.TanhTransform()]),
        lambda T: T([0.3, -0.9]), None),
}

MOMENTS = ("mean", "mode", "variance", "stddev", "entropy")
PARAMETERS = ("loc", "scale", "df", "total_count", "probs", "logits", "concentration", "rate")


def _get(d, attr):
    value = getattr(d, attr)
    return value() if attr == "entropy" else value


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
            want = _get(d_t, attr)
        except NotImplementedError:
            with pytest.raises(NotImplementedError):
                _get(d_n, attr)
            continue
        _close(_get(d_n, attr), want, tol_dtype, attr)
    for attr in PARAMETERS:
        if hasattr(d_t, attr):
            _close(getattr(d_n, attr), getattr(d_t, attr), tol_dtype, attr)
    try:
        want = d_t.cdf(v_t)
    except Exception:
        raises_like(lambda: d_n.cdf(v_n), lambda: d_t.cdf(v_t))
    else:
        _close(d_n.cdf(v_n), want, tol_dtype, "cdf")
    if icdf:
        q = [0.01, 0.1, 0.5, 0.93]
        shape = (-1,) + (1,) * len(d_n.batch_shape)
        _close(d_n.icdf(_t(nt, dtype)(q).reshape(shape)),
               d_t.icdf(_t(torch, dtype)(q).reshape(shape)), tol_dtype, "icdf", rtol=1e-4)
    for shape in ((), (4,), (2, 3)):
        s_n, s_t = d_n.sample(shape), d_t.sample(shape)
        assert tuple(s_n.shape) == tuple(s_t.shape) and str(s_n.dtype) == str(s_t.dtype)
        assert not s_n.requires_grad
        assert bool(d_n.support.check(s_n).all())
    e_n = d_n.expand((2,) + tuple(d_n.batch_shape))
    e_t = d_t.expand((2,) + tuple(d_t.batch_shape))
    assert type(e_n).__name__ == type(d_n).__name__
    assert repr(e_n) == repr(e_t) and e_n.batch_shape == e_t.batch_shape
    s_n = e_n.sample((3,))
    assert tuple(s_n.shape) == tuple(e_t.sample((3,)).shape)
    _close(e_n.log_prob(s_n), e_t.log_prob(torch.from_numpy(arr(s_n))), tol_dtype,
           "expanded log_prob")


def test_signatures_and_exports_match_torch():
    for name in ("LogNormal", "HalfNormal", "Cauchy", "Gumbel", "StudentT", "Chi2", "Binomial",
                 "TransformedDistribution"):
        got = inspect.signature(getattr(nt.distributions, name))
        want = inspect.signature(getattr(TD, name))
        assert [(p.name, p.default) for p in got.parameters.values()] == \
            [(p.name, p.default) for p in want.parameters.values()], name
        assert name in nt.distributions.__all__
    from numtensor.distributions.transformed_distribution import TransformedDistribution
    from numtensor.distributions.log_normal import LogNormal
    assert issubclass(LogNormal, TransformedDistribution)
    assert issubclass(nt.distributions.Chi2, nt.distributions.Gamma)


def test_softmax_transformed_normal_shapes():
    """A transform over vectors makes the base's last batch dim an event dim."""
    for lib, D in ((nt, nt.distributions), (torch, TD)):
        d = D.TransformedDistribution(D.Normal(lib.zeros(4, 3), 1.0), D.SoftmaxTransform())
        assert tuple(d.batch_shape) == (4,) and tuple(d.event_shape) == (3,)
        assert repr(d.support) == "Simplex()"
        s = d.sample((5,))
        assert tuple(s.shape) == (5, 4, 3)
        np.testing.assert_allclose(arr(s.sum(-1)), 1.0, rtol=1e-5)
        with pytest.raises(NotImplementedError):
            d.log_prob(s)


def test_binomial_enumerate_support_and_entropy_errors():
    for lib, D in ((nt, nt.distributions), (torch, TD)):
        d = D.Binomial(lib.tensor([3.0, 3.0]), lib.tensor([0.2, 0.5]))
        assert tuple(d.enumerate_support().shape) == (4, 2)
        assert tuple(d.enumerate_support(False).shape) == (4, 1)
        assert d.has_enumerate_support
    raises_like(lambda: nt.distributions.Binomial(nt.tensor([2.0, 3.0]), 0.5).entropy(),
                lambda: TD.Binomial(torch.tensor([2.0, 3.0]), 0.5).entropy())
    raises_like(lambda: nt.distributions.Binomial(nt.tensor([2.0, 3.0]), 0.5).enumerate_support(),
                lambda: TD.Binomial(torch.tensor([2.0, 3.0]), 0.5).enumerate_support())


# ---- gradients -----------------------------------------------------------------------------
def test_score_gradients_match_torch():
    grads = []
    for lib, D in ((nt, nt.distributions), (torch, TD)):
        T = _t(lib, "float64")
        loc, scale = T([0.5, -1.0, 0.0]).requires_grad_(), T([1.0, 0.3, 2.0]).requires_grad_()
        df = T([0.7, 2.5, 30.0]).requires_grad_()
        p = T([0.2, 0.5, 0.9]).requires_grad_()
        logits = T([-1.0, 0.0, 2.0]).requires_grad_()
        pos, real = T([0.3, 1.2, 14.0]), T([0.3, -1.2, 4.0])
        counts = T([0.0, 3.0, 6.0])
        total = (D.LogNormal(loc, scale).log_prob(pos).sum()
                 + D.LogNormal(loc, scale).entropy().sum()
                 + D.LogNormal(loc, scale).cdf(pos).sum()
                 + D.LogNormal(loc, scale).mean.sum() + D.LogNormal(loc, scale).variance.sum()
                 + D.HalfNormal(scale).log_prob(pos).sum() + D.HalfNormal(scale).cdf(pos).sum()
                 + D.HalfNormal(scale).entropy().sum()
                 + D.Cauchy(loc, scale).log_prob(real).sum() + D.Cauchy(loc, scale).cdf(real).sum()
                 + D.Cauchy(loc, scale).icdf(T([0.1, 0.5, 0.8])).sum()
                 + D.Cauchy(loc, scale).entropy().sum()
                 + D.Gumbel(loc, scale).log_prob(real).sum() + D.Gumbel(loc, scale).cdf(real).sum()
                 + D.Gumbel(loc, scale).icdf(T([0.1, 0.5, 0.8])).sum()
                 + D.Gumbel(loc, scale).entropy().sum()
                 + D.StudentT(df, loc, scale).log_prob(real).sum()
                 + D.StudentT(df, loc, scale).entropy().sum()
                 + D.StudentT(df + 2.5, loc, scale).variance.sum()
                 + D.Chi2(df).log_prob(pos).sum() + D.Chi2(df).entropy().sum()
                 + D.Binomial(6, p).log_prob(counts).sum() + D.Binomial(6, p).entropy().sum()
                 + D.Binomial(6, logits=logits).log_prob(counts).sum()
                 + D.kl_divergence(D.Gumbel(loc, scale), D.Gumbel(scale, df)).sum()
                 + D.kl_divergence(D.LogNormal(loc, scale), D.LogNormal(df, scale)).sum())
        total.backward()
        grads.append([arr(t.grad) for t in (loc, scale, df, p, logits)])
    for g, w in zip(*grads):
        np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-10)


def test_rsample_gradients_on_torch_draws():
    """LogNormal, HalfNormal and Gumbel transform torch's own normal/uniform stream: the same
    draws and gradients after the same seed."""
    def run(lib, D, dtype):
        T = _t(lib, dtype)
        loc, scale = T([0.5, -1.0]).requires_grad_(), T([1.0, 0.3]).requires_grad_()
        lib.manual_seed(11)
        draws = (D.LogNormal(loc, scale).rsample((40,)), D.HalfNormal(scale).rsample((40,)),
                 D.Gumbel(loc, scale).rsample((40,)),
                 D.TransformedDistribution(D.Normal(loc, scale),
                                           [D.TanhTransform(), D.AffineTransform(1.0, scale)]
                                           ).rsample((40,)))
        sum((d * d).sum() for d in draws).backward()
        return [arr(d) for d in draws] + [arr(t.grad) for t in (loc, scale)]
    for dtype in DTYPES:
        tol = 1e-5 if dtype == "float32" else 1e-12
        for g, w in zip(run(nt, nt.distributions, dtype), run(torch, TD, dtype)):
            np.testing.assert_allclose(g, w, rtol=tol, atol=tol)


def test_cauchy_and_studentt_rsample_gradients():
    """Own streams: the gradients of loc + scale * eps are 1 and eps per draw; StudentT's df
    gradient is finite and averages to d E[|Y|] / d df."""
    D = nt.distributions
    nt.manual_seed(0)
    loc = nt.tensor([0.5, -1.0], dtype=nt.float64, requires_grad=True)
    scale = nt.tensor([1.0, 0.3], dtype=nt.float64, requires_grad=True)
    for d in (D.Cauchy(loc, scale), D.StudentT(nt.tensor([3.0, 8.0], dtype=nt.float64), loc,
                                                  scale)):
        loc.grad = scale.grad = None
        y = d.rsample((200,))
        assert y.requires_grad and tuple(y.shape) == (200, 2)
        y.sum().backward()
        np.testing.assert_allclose(arr(loc.grad), [200.0, 200.0])
        eps = (arr(y) - arr(loc)) / arr(scale)
        np.testing.assert_allclose(arr(scale.grad), eps.sum(0), rtol=1e-10)
    # E|Y| for StudentT(df): 2 sqrt(df) Gamma((df+1)/2) / (sqrt(pi) (df-1) Gamma(df/2))
    df = nt.tensor([4.0, 9.0], dtype=nt.float64, requires_grad=True)
    n = 40000
    D.StudentT(df).rsample((n,)).abs().mean(0).sum().backward()

    def mean_abs(v):
        return 2 * math.sqrt(v) * math.exp(math.lgamma((v + 1) / 2) - math.lgamma(v / 2)) / (
            math.sqrt(math.pi) * (v - 1))
    want = [(mean_abs(v + 1e-5) - mean_abs(v - 1e-5)) / 2e-5 for v in (4.0, 9.0)]
    np.testing.assert_allclose(arr(df.grad), want, atol=0.012)


# ---- statistics of samples -----------------------------------------------------------------
def _check_moments(draws, mean, var, k=4.5):
    draws = np.asarray(draws, dtype=np.float64)
    n = draws.shape[0]
    assert (np.abs(draws.mean(0) - mean) <= k * np.sqrt(var / n)).all(), (draws.mean(0), mean)
    se_var = ((draws - draws.mean(0)) ** 2).std(0) / np.sqrt(n)
    assert (np.abs(draws.var(0) - var) <= k * se_var + 1e-12).all(), (draws.var(0), var)


def test_sample_statistics():
    D = nt.distributions
    nt.manual_seed(0)
    n = 20000
    cases = [D.LogNormal(nt.tensor([0.5, -1.0]), nt.tensor([0.3, 0.6])),
             D.HalfNormal(nt.tensor([0.5, 3.0])),
             D.Gumbel(nt.tensor([1.0, -2.0]), nt.tensor([0.5, 3.0])),
             D.StudentT(nt.tensor([9.0, 30.0]), nt.tensor([1.0, 0.0]), nt.tensor([2.0, 0.5])),
             D.Chi2(nt.tensor([0.5, 3.0, 40.0])),
             D.Binomial(nt.tensor([0.0, 1.0, 5.0, 30.0, 30.0, 100.0, 100.0, 1000.0, 8.0]),
                        nt.tensor([0.3, 0.5, 0.3, 0.2, 0.8, 0.05, 0.5, 0.97, 1.0])),
             D.Binomial(nt.tensor(60.0, dtype=nt.float64), logits=nt.tensor(0.4,
                                                                             dtype=nt.float64))]
    for d in cases:
        draws = d.sample((n,))
        assert tuple(draws.shape) == (n,) + tuple(d.batch_shape)
        assert str(draws.dtype) == str(d.mean.dtype)
        assert bool(d.support.check(draws).all())
        _check_moments(arr(draws), arr(d.mean), arr(d.variance))
    rs = D.LogNormal(nt.tensor([0.0]), nt.tensor([0.5])).rsample((n,))
    _check_moments(arr(rs), np.array([math.exp(0.125)]),
                   np.array([math.expm1(0.25) * math.exp(0.25)]))


def test_sampled_distributions_match_the_cdf():
    """Empirical CDFs (Cauchy, StudentT with heavy tails) and frequencies (Binomial) within a
    few standard errors of the exact values."""
    D = nt.distributions
    nt.manual_seed(1)
    n = 20000
    for d, d_t in ((D.Cauchy(1.0, 2.0), TD.Cauchy(1.0, 2.0)),
                   (D.StudentT(1.5, 0.5, 2.0), None), (D.Gumbel(0.0, 1.0), TD.Gumbel(0.0, 1.0))):
        x = arr(d.sample((n,)))
        for q in (0.1, 0.5, 0.9):
            if d_t is None:
                import scipy.stats as stats
                point = stats.t(1.5, loc=0.5, scale=2.0).ppf(q)
            else:
                point = d_t.icdf(torch.tensor(q)).item()
            assert abs((x <= point).mean() - q) < 4.5 * math.sqrt(q * (1 - q) / n)
    for count, p in ((12.0, 0.3), (200.0, 0.4), (50.0, 0.9)):
        d = D.Binomial(nt.tensor(count, dtype=nt.float64), nt.tensor(p, dtype=nt.float64))
        x = arr(d.sample((n,)))
        ks = np.arange(count + 1)
        pmf = np.exp(arr(d.log_prob(nt.tensor(ks))))
        freq = np.array([(x == k).mean() for k in ks])
        assert (np.abs(freq - pmf) < 4.5 * np.sqrt(pmf * (1 - pmf) / n) + 2e-4).all()


def test_sampling_is_reproducible_under_manual_seed():
    for d in (nt.distributions.Binomial(nt.tensor([5.0, 300.0]), 0.3),
              nt.distributions.StudentT(nt.tensor([2.0, 5.0])),
              nt.distributions.Cauchy(0.0, 1.0)):
        nt.manual_seed(42)
        a = d.sample((50,))
        nt.manual_seed(42)
        assert nt.equal(a, d.sample((50,)))


# ---- kl_divergence -------------------------------------------------------------------------
FAMILIES = {
    "LogNormal": lambda T, D, k: D.LogNormal(T([0.5, -2.0, 0.1, 1.0]) * k, T([1.5, 0.3, 2.0, 4.0])),
    "HalfNormal": lambda T, D, k: D.HalfNormal(T([1.5, 0.3, 2.0, 4.0]) * k),
    "Cauchy": lambda T, D, k: D.Cauchy(T([0.5, -2.0, 0.1, 1.0]) * k, T([1.5, 0.3, 2.0, 4.0])),
    "Gumbel": lambda T, D, k: D.Gumbel(T([0.5, -2.0, 0.1, 1.0]) * k, T([1.5, 0.3, 2.0, 4.0])),
    "Binomial": lambda T, D, k: D.Binomial(T([5.0, 5.0, 3.0, 4.0]), T([0.2, 0.0, 1.0, 0.7]) * k),
    "Chi2": lambda T, D, k: D.Chi2(T([1.5, 0.3, 2.0, 4.0]) * k),
    "StudentT": lambda T, D, k: D.StudentT(T([1.5, 0.3, 2.0, 4.0]) * k),
    "Normal": lambda T, D, k: D.Normal(T([0.5, -2.0, 0.1, 1.0]) * k, T([1.5, 0.3, 2.0, 4.0])),
    "Exponential": lambda T, D, k: D.Exponential(T([0.5, 2.0, 1.0, 3.0]) * k),
    "Gamma": lambda T, D, k: D.Gamma(T([0.5, 2.0, 3.0, 1.0]) * k, T([1.5, 0.3, 2.0, 4.0])),
    "Uniform": lambda T, D, k: D.Uniform(T([0.1, -2.0, 0.5, 0.2]), T([0.5, 0.3, 0.9, 0.8]) * k),
    "Beta": lambda T, D, k: D.Beta(T([0.5, 2.0, 3.0, 1.0]) * k, T([1.5, 0.3, 2.0, 4.0])),
    "Poisson": lambda T, D, k: D.Poisson(T([0.5, 2.0, 3.0, 1.0]) * k),
    "Tanh": lambda T, D, k: D.TransformedDistribution(D.Normal(T([0.5, -2.0, 0.1, 1.0]) * k, 1.0),
                                                      D.TanhTransform()),
}


def test_kl_pairs_match_torch_or_its_error():
    """Every ordered pair (and each family with itself, other parameters): the same values,
    or the same exception type and message."""
    for a, b in itertools.chain(itertools.permutations(FAMILIES, 2),
                                ((f, f) for f in FAMILIES)):
        def kl(lib, D, a=a, b=b):
            T = _t(lib, "float64")
            return D.kl_divergence(FAMILIES[a](T, D, 1.0), FAMILIES[b](T, D, 0.9 if a == b
                                                                         else 1.0))
        try:
            want = kl(torch, TD)
        except Exception:
            raises_like(lambda: kl(nt, nt.distributions), lambda: kl(torch, TD))
            continue
        _close(kl(nt, nt.distributions), want, "float64", f"{a} || {b}")
    raises_like(lambda: nt.distributions.kl_divergence(
        nt.distributions.Binomial(3, 0.5), nt.distributions.Binomial(4, 0.5)),
        lambda: TD.kl_divergence(TD.Binomial(3, 0.5), TD.Binomial(4, 0.5)))


# ---- validation ----------------------------------------------------------------------------
INVALID = [
    lambda L, D: D.LogNormal(0.0, -1.0),
    lambda L, D: D.LogNormal(L.tensor([math.nan]), 1.0),
    lambda L, D: D.LogNormal(0.0, 1.0).log_prob(L.tensor([-1.0])),
    lambda L, D: D.LogNormal(L.zeros(2), 1.0).log_prob(L.ones(3)),
    lambda L, D: D.HalfNormal(L.tensor([1.0, 0.0])),
    lambda L, D: D.HalfNormal(1.0).log_prob(L.tensor([-1.0])),
    lambda L, D: D.HalfNormal(1.0).cdf(L.tensor([-1.0])),
    lambda L, D: D.Cauchy(0.0, 0.0),
    lambda L, D: D.Cauchy(0.0, 1.0).log_prob(L.tensor([math.nan])),
    lambda L, D: D.Cauchy(0.0, 1.0).log_prob([0.0]),
    lambda L, D: D.Gumbel(0.0, -2.0),
    lambda L, D: D.Gumbel(L.tensor([math.nan]), 1.0),
    lambda L, D: D.Gumbel(L.tensor([0.5]), 0.25).cdf(L.tensor([-1.0])),
    lambda L, D: D.StudentT(-1.0),
    lambda L, D: D.StudentT(2.0, 0.0, -1.0),
    lambda L, D: D.StudentT(2.0, L.tensor([math.nan])),
    lambda L, D: D.Chi2(L.tensor([1.0, -1.0])),
    lambda L, D: D.Chi2(2.0).log_prob(L.tensor([-1.0])),
    lambda L, D: D.Binomial(5),
    lambda L, D: D.Binomial(5, 0.5, 0.0),
    lambda L, D: D.Binomial(5, L.tensor([1.5])),
    lambda L, D: D.Binomial(L.tensor([2.5]), L.tensor([0.5])),
    lambda L, D: D.Binomial(L.tensor([-1.0]), L.tensor([0.5])),
    lambda L, D: D.Binomial(5, L.tensor([0.5])).log_prob(L.tensor([6.0])),
    lambda L, D: D.Binomial(5, L.tensor([0.5])).log_prob(L.tensor([1.5])),
    lambda L, D: D.TransformedDistribution(D.Normal(0.0, 1.0), "exp"),
    lambda L, D: D.TransformedDistribution(D.Normal(0.0, 1.0), [D.ExpTransform(), "exp"]),
    lambda L, D: D.TransformedDistribution(D.Normal(0.0, 1.0), D.SoftmaxTransform()),
    lambda L, D: D.TransformedDistribution(D.Normal(0.0, 1.0), D.ExpTransform()).log_prob(
        L.tensor(-1.0)),
    lambda L, D: D.TransformedDistribution(D.Normal(0.0, 1.0), D.AbsTransform()).cdf(
        L.tensor(1.0)),
    lambda L, D: D.transforms.AffineTransform(0.0, 1.0, cache_size=3),
    lambda L, D: D.transforms.SoftmaxTransform().forward_shape(()),
]


@pytest.mark.parametrize("case", range(len(INVALID)))
def test_validation_errors_match_torch(case):
    raises_like(lambda: INVALID[case](nt, nt.distributions), lambda: INVALID[case](torch, TD))


def test_validate_args_false_skips_checks():
    D = nt.distributions
    assert math.isnan(D.LogNormal(0.0, -1.0, validate_args=False).log_prob(
        nt.tensor(1.0)).item())
    got = D.HalfNormal(1.0, validate_args=False).log_prob(nt.tensor(-1.0)).item()
    assert got == TD.HalfNormal(1.0, validate_args=False).log_prob(torch.tensor(-1.0)).item()
    got = D.Binomial(5, 0.5, validate_args=False).log_prob(nt.tensor(1.5)).item()
    assert got == pytest.approx(TD.Binomial(5, 0.5, validate_args=False).log_prob(
        torch.tensor(1.5)).item())
