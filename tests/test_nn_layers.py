"""Layers against torch.nn with the same weights: outputs, gradients, running statistics,
reprs; default initialisation and nn.init."""
import math
import warnings

import numpy as np
import pytest

import numtensor as nt
from nn_helpers import (arr, assert_close, assert_grads_close, copy_weights, raises_like, randn,
                        torch)

tnn = torch.nn
nnn = nt.nn


def run_pair(make, x, steps=1, train=True, seed=0):
    """Build the module in both libraries with torch's weights, run forward/backward
    `steps` times on x, and compare outputs, input gradients, parameter gradients and
    the state (running statistics)."""
    torch.manual_seed(seed)
    m_t = make(tnn)
    m_n = make(nnn)
    copy_weights(m_n, m_t)
    m_n.train(train)
    m_t.train(train)
    for step in range(steps):
        xs = []
        for lib in (nt, torch):
            t = lib.tensor(x * (step + 1))
            if t.dtype.is_floating_point:
                t.requires_grad_(True)
            xs.append(t)
        out_n, out_t = m_n(xs[0]), m_t(xs[1])
        assert_close(out_n, out_t, atol=1e-5, rtol=1e-5)
        g = randn(*out_t.shape, seed=step + 7)
        if out_t.requires_grad:
            out_n.backward(nt.tensor(g))
            out_t.backward(torch.tensor(g))
            if xs[1].requires_grad:
                assert_close(xs[0].grad, xs[1].grad, atol=1e-5, rtol=1e-4)
            assert_grads_close(m_n, m_t)
    for (name, got), want in zip(m_n.state_dict().items(), m_t.state_dict().values()):
        assert_close(got, want, atol=1e-5, rtol=1e-5, msg=name)
    assert repr(m_n) == repr(m_t)
    return m_n, m_t


LAYERS = {
    "linear": (lambda nn: nn.Linear(4, 3), (5, 4)),
    "linear_nobias": (lambda nn: nn.Linear(4, 3, bias=False), (2, 6, 4)),
    "linear_double": (lambda nn: nn.Linear(4, 3, dtype=getattr(
        nt if nn is nnn else torch, "float64")), None),
    "identity": (lambda nn: nn.Identity(), (3, 2)),
    "flatten": (lambda nn: nn.Flatten(), (2, 3, 4)),
    "flatten_dims": (lambda nn: nn.Flatten(0, 1), (2, 3, 4)),
    "unflatten": (lambda nn: nn.Unflatten(1, (2, 3)), (4, 6)),
    "relu": (lambda nn: nn.ReLU(), (3, 5)),
    "leaky_relu": (lambda nn: nn.LeakyReLU(0.1), (3, 5)),
    "gelu": (lambda nn: nn.GELU(), (3, 5)),
    "gelu_tanh": (lambda nn: nn.GELU("tanh"), (3, 5)),
    "sigmoid": (lambda nn: nn.Sigmoid(), (3, 5)),
    "tanh": (lambda nn: nn.Tanh(), (3, 5)),
    "softmax": (lambda nn: nn.Softmax(dim=1), (3, 5)),
    "log_softmax": (lambda nn: nn.LogSoftmax(1), (3, 5)),
    "layernorm": (lambda nn: nn.LayerNorm(5), (3, 5)),
    "layernorm_2d": (lambda nn: nn.LayerNorm([3, 5], eps=1e-3), (2, 3, 5)),
    "layernorm_plain": (lambda nn: nn.LayerNorm(5, elementwise_affine=False), (3, 5)),
    "layernorm_nobias": (lambda nn: nn.LayerNorm(5, bias=False), (3, 5)),
    "groupnorm": (lambda nn: nn.GroupNorm(2, 4), (3, 4, 5, 2)),
    "groupnorm_1d": (lambda nn: nn.GroupNorm(3, 6, eps=1e-3), (2, 6, 7)),
    "groupnorm_plain": (lambda nn: nn.GroupNorm(1, 4, affine=False), (3, 4)),
    "groupnorm_nobias": (lambda nn: nn.GroupNorm(4, 4, bias=False), (2, 4, 3, 3)),
    "mlp": (lambda nn: nn.Sequential(nn.Flatten(), nn.Linear(12, 8), nn.ReLU(), nn.Dropout(0.0),
                                     nn.Linear(8, 3)), (4, 3, 4)),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_matches_torch(name):
    make, shape = LAYERS[name]
    x = randn(*(shape or (5, 4)), dtype=np.float64 if shape is None else np.float32)
    run_pair(make, x)


def test_layer_on_non_contiguous_input():
    x = randn(6, 4).T.copy().T  # Fortran order: a transposed view once wrapped
    n = nt.from_numpy(np.asfortranarray(randn(5, 4)))
    assert not n.is_contiguous()
    m_t = tnn.Linear(4, 2)
    m_n = nnn.Linear(4, 2)
    copy_weights(m_n, m_t)
    assert_close(m_n(n), m_t(torch.from_numpy(arr(n).copy())), atol=1e-6)
    assert x.shape == (6, 4)


# ---- batch norm -------------------------------------------------------------------------
BATCHNORMS = {
    "bn1d": (lambda nn: nn.BatchNorm1d(3), (8, 3)),
    "bn1d_3d": (lambda nn: nn.BatchNorm1d(3, momentum=0.3), (4, 3, 5)),
    "bn1d_cumulative": (lambda nn: nn.BatchNorm1d(3, momentum=None), (6, 3)),
    "bn1d_plain": (lambda nn: nn.BatchNorm1d(3, affine=False, eps=1e-3), (6, 3)),
    "bn1d_no_stats": (lambda nn: nn.BatchNorm1d(3, track_running_stats=False), (6, 3)),
    "bn1d_nobias": (lambda nn: nn.BatchNorm1d(3, bias=False), (6, 3)),
    "bn2d": (lambda nn: nn.BatchNorm2d(3), (4, 3, 5, 5)),
    "bn2d_momentum": (lambda nn: nn.BatchNorm2d(3, momentum=0.5, eps=0.01), (2, 3, 4, 4)),
}


@pytest.mark.parametrize("train", [True, False])
@pytest.mark.parametrize("name", sorted(BATCHNORMS))
def test_batchnorm_matches_torch_over_several_steps(name, train):
    make, shape = BATCHNORMS[name]
    x = randn(*shape) * 2 + 0.5
    m_n, _ = run_pair(make, x, steps=3, train=train)
    if train and m_n.track_running_stats:
        assert int(m_n.num_batches_tracked) == 3


def test_batchnorm_eval_uses_running_statistics_then_train_again():
    torch.manual_seed(0)
    t = tnn.BatchNorm1d(4)
    n = nnn.BatchNorm1d(4)
    x = randn(16, 4) * 3 + 1
    for lib, m in ((nt, n), (torch, t)):
        for _ in range(5):
            m(lib.tensor(x))
        m.eval()
    assert_close(n(nt.tensor(x[:3])), t(torch.tensor(x[:3])), atol=1e-5)
    assert_close(n.running_var, t.running_var, atol=1e-5)


def test_batchnorm_input_checks():
    raises_like(lambda: nnn.BatchNorm1d(3)(nt.randn(2, 4)),
                lambda: tnn.BatchNorm1d(3)(torch.randn(2, 4)))
    raises_like(lambda: nnn.BatchNorm1d(3)(nt.randn(2, 3, 4, 5)),
                lambda: tnn.BatchNorm1d(3)(torch.randn(2, 3, 4, 5)))
    raises_like(lambda: nnn.BatchNorm2d(3)(nt.randn(2, 3, 4)),
                lambda: tnn.BatchNorm2d(3)(torch.randn(2, 3, 4)))
    raises_like(lambda: nnn.BatchNorm1d(3)(nt.randn(1, 3)),
                lambda: tnn.BatchNorm1d(3)(torch.randn(1, 3)))


def test_norm_reprs():
    makers = [lambda nn: nn.BatchNorm1d(3, affine=False, track_running_stats=False,
                                        momentum=None),
              lambda nn: nn.BatchNorm2d(8, eps=1e-3, bias=False),
              lambda nn: nn.LayerNorm([2, 3], elementwise_affine=False),
              lambda nn: nn.LayerNorm(4, bias=False),
              lambda nn: nn.GroupNorm(2, 4), lambda nn: nn.GroupNorm(3, 6, affine=False),
              lambda nn: nn.GroupNorm(2, 4, eps=1e-3, bias=False)]
    for make in makers:
        assert repr(make(nnn)) == repr(make(tnn))
        assert list(make(nnn).state_dict()) == list(make(tnn).state_dict())


# ---- dropout, embedding ---------------------------------------------------------------------
def test_dropout_module_train_and_eval():
    d = nnn.Dropout(0.25)
    assert repr(d) == repr(tnn.Dropout(0.25)) == "Dropout(p=0.25, inplace=False)"
    x = nt.ones(100, 100)
    nt.manual_seed(1)
    y = d(x)
    assert abs(float((y == 0).float().mean()) - 0.25) < 0.02
    assert d.eval()(x) is x
    assert nt.equal(nnn.Dropout(0.25, inplace=True).eval()(x), x)


def test_embedding_module():
    torch.manual_seed(0)
    e_t = tnn.Embedding(6, 3, padding_idx=1)
    e_n = nnn.Embedding(6, 3, padding_idx=1)
    assert float(e_n.weight[1].abs().sum()) == 0  # the padding row starts at zero
    copy_weights(e_n, e_t)
    idx = [[0, 1, 5], [1, 1, 2]]
    out_n, out_t = e_n(nt.tensor(idx)), e_t(torch.tensor(idx))
    assert_close(out_n, out_t)
    out_n.pow(2).sum().backward()
    out_t.pow(2).sum().backward()
    assert_close(e_n.weight.grad, e_t.weight.grad)
    assert repr(e_n) == repr(e_t)
    for kw in ({"max_norm": 1.0, "norm_type": 1.0}, {"scale_grad_by_freq": True},
               {"padding_idx": -2}):
        assert repr(nnn.Embedding(5, 2, **kw)) == repr(tnn.Embedding(5, 2, **kw))
    pre = nt.randn(4, 2)
    frozen = nnn.Embedding.from_pretrained(pre)
    assert not frozen.weight.requires_grad and nt.equal(frozen.weight, pre)
    assert nnn.Embedding.from_pretrained(pre, freeze=False).weight.requires_grad
    with pytest.raises(NotImplementedError, match="sparse"):
        nnn.Embedding(3, 2, sparse=True)(nt.tensor([0]))


def test_unflatten_argument_checks():
    raises_like(lambda: nnn.Unflatten(1, (2.0, 2)), lambda: tnn.Unflatten(1, (2.0, 2)))
    raises_like(lambda: nnn.Unflatten(1, 4), lambda: tnn.Unflatten(1, 4))
    assert repr(nnn.Unflatten(1, nt.Size([2, 2]))) == repr(tnn.Unflatten(1, torch.Size([2, 2])))


def test_module_reprs():
    makers = [lambda nn: nn.ReLU(inplace=True), lambda nn: nn.LeakyReLU(0.2, True),
              lambda nn: nn.GELU(), lambda nn: nn.Softmax(), lambda nn: nn.LogSoftmax(dim=-1),
              lambda nn: nn.Flatten(0, 2), lambda nn: nn.Linear(3, 4, bias=False),
              lambda nn: nn.Dropout(0.1, inplace=True), lambda nn: nn.Identity(),
              lambda nn: nn.Sigmoid(), lambda nn: nn.Tanh()]
    for make in makers:
        assert repr(make(nnn)) == repr(make(tnn))


# ---- initialisation --------------------------------------------------------------------------
def test_default_linear_init_range_and_reproducibility():
    nt.manual_seed(0)
    a = nnn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    w = arr(a.weight)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.002  # uniform(-b, b) has std b/sqrt(3)
    assert np.abs(arr(a.bias)).max() <= bound
    nt.manual_seed(0)
    b = nnn.Linear(400, 300)
    assert nt.equal(a.weight, b.weight) and nt.equal(a.bias, b.bias)
    c = nnn.Linear(400, 300)
    assert not nt.equal(b.weight, c.weight)


def test_default_embedding_and_norm_init():
    nt.manual_seed(0)
    e = arr(nnn.Embedding(1000, 20).weight)
    assert abs(e.mean()) < 0.02 and abs(e.std() - 1) < 0.02
    bn = nnn.BatchNorm1d(5)
    assert arr(bn.weight).tolist() == [1.0] * 5 and arr(bn.bias).tolist() == [0.0] * 5


@pytest.mark.parametrize("args", [("linear",), ("conv2d",), ("sigmoid",), ("tanh",), ("relu",),
                                  ("leaky_relu",), ("leaky_relu", 0.2), ("selu",)])
def test_calculate_gain(args):
    assert nnn.init.calculate_gain(*args) == pytest.approx(tnn.init.calculate_gain(*args))


def test_init_errors():
    raises_like(lambda: nnn.init.calculate_gain("foo"), lambda: tnn.init.calculate_gain("foo"))
    raises_like(lambda: nnn.init.calculate_gain("leaky_relu", "x"),
                lambda: tnn.init.calculate_gain("leaky_relu", "x"))
    raises_like(lambda: nnn.init.xavier_uniform_(nt.empty(3)),
                lambda: tnn.init.xavier_uniform_(torch.empty(3)))
    raises_like(lambda: nnn.init.kaiming_normal_(nt.empty(3, 2), mode="fan_avg"),
                lambda: tnn.init.kaiming_normal_(torch.empty(3, 2), mode="fan_avg"))
    with pytest.warns(UserWarning, match="no-op"):
        nnn.init.kaiming_uniform_(nt.empty(0, 3))


INITS = {
    "uniform_": (lambda init, t: init.uniform_(t, -2.0, 3.0), lambda s: (s.min() >= -2)
                 and (s.max() <= 3) and abs(s.mean() - 0.5) < 0.05),
    "normal_": (lambda init, t: init.normal_(t, 1.0, 0.5),
                lambda s: abs(s.mean() - 1) < 0.01 and abs(s.std() - 0.5) < 0.01),
    "constant_": (lambda init, t: init.constant_(t, 42), lambda s: (s == 42).all()),
    "zeros_": (lambda init, t: init.zeros_(t), lambda s: (s == 0).all()),
    "ones_": (lambda init, t: init.ones_(t), lambda s: (s == 1).all()),
    "xavier_uniform_": (lambda init, t: init.xavier_uniform_(t, gain=2.0),
                        lambda s: np.abs(s).max() <= 2 * math.sqrt(6 / 500)
                        and abs(s.std() - 2 * math.sqrt(2 / 500)) < 0.002),
    "xavier_normal_": (lambda init, t: init.xavier_normal_(t),
                       lambda s: abs(s.std() - math.sqrt(2 / 500)) < 0.002),
    "kaiming_uniform_": (lambda init, t: init.kaiming_uniform_(t, a=math.sqrt(5)),
                         lambda s: np.abs(s).max() <= 1 / math.sqrt(200)),
    "kaiming_normal_": (lambda init, t: init.kaiming_normal_(t, mode="fan_out",
                                                             nonlinearity="relu"),
                        lambda s: abs(s.std() - math.sqrt(2 / 300)) < 0.002),
}


@pytest.mark.parametrize("name", sorted(INITS))
def test_init_functions(name):
    fill, holds = INITS[name]
    p = nnn.Parameter(nt.empty(300, 200))
    assert fill(nnn.init, p) is p  # in place, under no_grad, on a leaf that requires grad
    assert p.requires_grad and p.grad_fn is None
    assert holds(arr(p))
    nt.manual_seed(5)
    a = fill(nnn.init, nt.empty(300, 200))
    nt.manual_seed(5)
    b = fill(nnn.init, nt.empty(300, 200))
    assert nt.equal(a, b)


def test_init_with_generator():
    g = nt.Generator().manual_seed(3)
    a = nnn.init.normal_(nt.empty(5), generator=g)
    g.manual_seed(3)
    assert nt.equal(a, nnn.init.normal_(nt.empty(5), generator=g))
    assert nt.equal(nnn.init.eye_(nt.empty(2, 3)), nt.eye(2, 3))


def test_d2l_style_custom_init_with_apply():
    def init_normal(module):
        if type(module) == nnn.Linear:  # noqa: E721 - as d2l writes it
            nnn.init.normal_(module.weight, mean=0, std=0.01)
            nnn.init.zeros_(module.bias)

    def my_init(module):
        if type(module) == nnn.Linear:  # noqa: E721
            nnn.init.uniform_(module.weight, -10, 10)
            module.weight.data *= module.weight.data.abs() >= 5

    net = nnn.Sequential(nnn.LazyLinear(8), nnn.ReLU(), nnn.LazyLinear(1))
    net(nt.rand(2, 4))
    net.apply(init_normal)
    assert float(net[0].weight.std()) < 0.03 and float(net[0].bias.abs().sum()) == 0
    net.apply(my_init)
    w = arr(net[0].weight)
    assert ((w == 0) | (np.abs(w) >= 5)).all()
    net[0].weight.data[:] += 1
    net[0].weight.data[0, 0] = 42
    assert net[0].weight[0, 0].item() == 42
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        shared = nnn.LazyLinear(8)
        tied = nnn.Sequential(nnn.LazyLinear(8), nnn.ReLU(), shared, nnn.ReLU(), shared,
                              nnn.ReLU(), nnn.LazyLinear(1))
        tied(nt.rand(2, 20))
        tied[2].weight.data[0, 0] = 100
        assert tied[2].weight.data[0, 0] == tied[4].weight.data[0, 0]
        assert len(list(tied.parameters())) == 6


def test_group_norm_errors_match_torch():
    raises_like(lambda: nnn.GroupNorm(3, 4), lambda: tnn.GroupNorm(3, 4))
    for args in (((2, 4, 3, 3), 3, None), ((4,), 2, None), ((2, 4, 3, 3), 2, (3,)),
                 ((2, 4, 3, 3), 2, (4, 1))):
        shape, groups, wshape = args
        raises_like(lambda: nt.nn.functional.group_norm(nt.randn(*shape), groups,
                                         None if wshape is None else nt.ones(*wshape)),
                    lambda: torch.nn.functional.group_norm(
                        torch.randn(*shape), groups, None if wshape is None else torch.ones(*wshape)))
