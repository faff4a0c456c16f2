"""The CPU generator is PyTorch's: after the same manual_seed, the same calls give PyTorch's
values bit for bit (and get_rng_state PyTorch's bytes), whatever the call mixes.

Each case runs one function of the library (numtensor or torch) from seed 1234 and
compares every tensor it returns; the draws inside one case follow each other, so a
case also checks that each call consumes as many words of the stream as PyTorch's.
"""
import math

import numpy as np
import pytest

import numtensor as nt

import torch  # noqa: E402  (required: CI fails without the oracle)


def _host(x):
    if isinstance(x, (nt.Tensor, torch.Tensor)):
        return np.ascontiguousarray(x.detach().numpy())
    return np.asarray(x)


def _run(lib, case, seed=1234):
    lib.manual_seed(seed)
    out = case(lib)
    return [_host(x) for x in (out if isinstance(out, tuple) else (out,))]


CASES = {
    "rand": lambda T: (T.rand(5), T.rand(10, 100), T.rand(37, dtype=T.float64),
                       T.rand(37, dtype=T.float16)),
    "uniform_": lambda T: (T.empty(333).uniform_(-0.3, 0.8),
                           T.empty(333, dtype=T.float64).uniform_(-0.3, 0.8),
                           T.empty(4, 5).t().uniform_(2, 3)),
    # below 16 elements one at a time, the second normal of a pair kept for the next call
    "randn small": lambda T: (T.randn(3), T.randn(1), T.randn(2), T.randn(5, dtype=T.float64)),
    # from 16 on in blocks of 16, a tail block redrawn
    "randn blocks": lambda T: (T.randn(16), T.randn(33), T.randn(2, 500),
                               T.randn(100, dtype=T.float64), T.randn(17, dtype=T.float64)),
    "normal_": lambda T: (T.empty(100).normal_(1.5, 0.3), T.empty(5).normal_(1.5, 0.3),
                          T.empty(100, dtype=T.float64).normal_(1.5, 0.3),
                          T.empty(5, dtype=T.float64).normal_(-1.0, 2.5),
                          T.empty(20, 3).t().normal_()),
    "normal tensors": lambda T: (T.normal(T.arange(20.), 0.5), T.normal(2.0, T.ones(20) * 3),
                                 T.normal(T.zeros(20), T.ones(20)),
                                 T.normal(0.0, 1.0, (4, 5))),
    "randint": lambda T: (T.randint(0, 10, (20,)), T.randint(-5, 2 ** 40, (7,)),
                          T.randint(3, (4, 4)), T.randint(0, 2 ** 28 - 1, (3,)),
                          T.randint(0, 2 ** 28, (3,)), T.randint(0, 2 ** 31, (3,), dtype=T.int32)),
    "random_": lambda T: (T.empty(5, dtype=T.int64).random_(), T.empty(5, dtype=T.int32).random_(),
                          T.empty(5).random_(), T.empty(5, dtype=T.float64).random_(),
                          T.empty(5, dtype=T.bool).random_(), T.empty(5, dtype=T.uint8).random_(),
                          T.empty(5, dtype=T.int16).random_(-3, 3), T.empty(5).random_(7)),
    "randperm": lambda T: (T.randperm(1), T.randperm(10), T.randperm(1000),
                           T.randperm(6, dtype=T.float32)),
    "bernoulli": lambda T: (T.bernoulli(T.full((100,), 0.3)),
                            T.bernoulli(T.full((100,), 0.3, dtype=T.float64)),
                            T.empty(100).bernoulli_(0.4), T.empty(10, dtype=T.int64).bernoulli_(0.5),
                            T.rand(7, 3).bernoulli()),
    "dropout": lambda T: (T.nn.functional.dropout(T.ones(50, 4), 0.3),
                          T.nn.Dropout(0.5)(T.arange(24.).reshape(4, 6))),
    "exponential_": lambda T: (T.empty(100).exponential_(), T.empty(100, dtype=T.float64).exponential_(3.0),
                               T.empty(3).exponential_(0.25)),
    "multinomial": lambda T: (T.multinomial(T.tensor([0.1, 0.2, 0.3, 0.4]), 50, True),
                              T.multinomial(T.tensor([[0.1, 0.2, 0.3, 0.4], [1., 1, 1, 1]]), 1),
                              T.multinomial(T.tensor([0.1, 0.2, 0.3, 0.4, 2.0]), 3),
                              T.multinomial(T.tensor([[1., 2, 3], [3., 0, 1]], dtype=T.float64), 7, True),
                              T.tensor([0., 5, 1]).multinomial(2)),
    "likes": lambda T: (T.rand_like(T.ones(3, 7)), T.randn_like(T.ones(20, dtype=T.float64)),
                        T.randint_like(T.ones(6), 4, 9)),
    "layer initialisation": lambda T: tuple(
        p.detach() for m in (T.nn.Linear(5, 3), T.nn.Conv2d(2, 4, 3), T.nn.Conv1d(3, 2, 2),
                             T.nn.Embedding(6, 3), T.nn.BatchNorm2d(3))
        for p in m.parameters()),
    "nn.init": lambda T: (T.nn.init.xavier_uniform_(T.empty(4, 6)), T.nn.init.xavier_normal_(T.empty(4, 6)),
                          T.nn.init.kaiming_normal_(T.empty(20, 3)), T.nn.init.normal_(T.empty(3), 0, 0.01),
                          T.nn.init.uniform_(T.empty(30), -0.1, 0.1)),
    "distributions": lambda T: (
        T.distributions.Normal(T.zeros(20), T.ones(20)).sample(),
        T.distributions.Normal(T.tensor([1.0, 2.0]), 0.5).rsample((3,)),
        T.distributions.Categorical(T.tensor([0.2, 0.8])).sample((10,)),
        T.distributions.Categorical(T.tensor([0.2, 0.3, 0.5])).sample(),
        T.distributions.Multinomial(10, T.tensor([1 / 6.] * 6)).sample(),
        T.distributions.Multinomial(1000, T.tensor([0.5, 0.5])).sample((3,)),
        T.distributions.Bernoulli(0.3 * T.ones(20)).sample(),
        T.distributions.Uniform(0., 2.).sample((20,))),
    "rng state bytes": lambda T: (T.randn(3), T.get_rng_state(), T.randint(0, 5, (700,)),
                                  T.get_rng_state()),
    "data": lambda T: tuple(
        T.tensor(batch) for batch in
        list(T.utils.data.DataLoader(list(range(10)), batch_size=4, shuffle=True)) +
        [list(T.utils.data.random_split(range(10), [7, 3])[0])]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_same_values_as_pytorch(name):
    want = _run(torch, CASES[name])
    got = _run(nt, CASES[name])
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want)):
        assert g.dtype == w.dtype and g.shape == w.shape, (name, i)
        assert np.array_equal(g.view(np.uint8), w.view(np.uint8)), (name, i, g, w)


@pytest.mark.parametrize("seed", [0, 1, 42, 2 ** 32 + 5, 2 ** 63 + 3, -7])
def test_seeds(seed):
    case = lambda T: (T.randn(40), T.rand(3), T.initial_seed(), T.get_rng_state())
    for g, w in zip(_run(nt, case, seed), _run(torch, case, seed)):
        assert np.array_equal(g, w)


def test_twist_boundary_and_long_stream():
    # past several twists (624 words each), values and state stay PyTorch's
    case = lambda T: (T.rand(623), T.rand(1), T.rand(1), T.randn(5000), T.randperm(3000),
                      T.randn(7), T.get_rng_state())
    for g, w in zip(_run(nt, case), _run(torch, case)):
        assert np.array_equal(g, w)


def test_generator_objects_and_state_round_trip():
    g, tg = nt.Generator().manual_seed(9), torch.Generator().manual_seed(9)
    assert np.array_equal(nt.rand(7, generator=g).numpy(), torch.rand(7, generator=tg).numpy())
    # a state saved by PyTorch restores numtensor's generator, and the other way round
    nt_state = g.get_state()
    assert np.array_equal(nt_state.numpy(), tg.get_state().numpy())
    tg.set_state(torch.from_numpy(nt_state.numpy()))
    g2 = nt.Generator().set_state(nt.tensor(tg.get_state().numpy()))
    assert np.array_equal(nt.randn(5, generator=g2).numpy(), torch.randn(5, generator=tg).numpy())
    # the default generator is untouched by draws from another one
    nt.manual_seed(3)
    torch.manual_seed(3)
    nt.rand(4, generator=g2)
    assert np.array_equal(nt.rand(2).numpy(), torch.rand(2).numpy())
    # fork_rng restores the state
    with nt.random.fork_rng():
        nt.randn(100)
    assert np.array_equal(nt.rand(2).numpy(), torch.rand(2).numpy())


def test_state_errors():
    with pytest.raises(RuntimeError, match="CPUGeneratorImplState of size 5056"):
        nt.set_rng_state(nt.zeros(10, dtype=nt.uint8))
    with pytest.raises(RuntimeError, match="ByteTensor"):
        nt.set_rng_state(nt.zeros(5056, dtype=nt.int64))
    bad = nt.get_rng_state()
    bad[8:12] = 0  # words left = 0: not a state PyTorch's engine can be in
    with pytest.raises(RuntimeError, match="mt19937"):
        nt.set_rng_state(bad)
    with pytest.raises(RuntimeError, match="Overflow"):
        nt.manual_seed(2 ** 64)


def test_statistics_of_the_transforms():
    # loose checks that would catch a broken transform even if PyTorch changed its own
    nt.manual_seed(0)
    x = nt.randn(200_000, dtype=nt.float64).numpy()
    assert abs(x.mean()) < 0.01 and abs(x.std() - 1) < 0.01
    u = nt.rand(200_000).numpy()
    assert u.min() >= 0 and u.max() < 1 and abs(u.mean() - 0.5) < 0.005
    e = nt.empty(200_000, dtype=nt.float64).exponential_(2.0).numpy()
    assert abs(e.mean() - 0.5) < 0.01
    # the Cephes log and sincos path (float32, blocks of 16) over many uniforms
    y = nt.randn(100_000).numpy().astype(np.float64)
    assert abs(y.mean()) < 0.02 and abs(y.var() - 1) < 0.02
    assert math.isfinite(y.max()) and math.isfinite(y.min())


@pytest.mark.parametrize("make", [
    lambda T: T.empty(3).exponential_(0.0), lambda T: T.empty(3).exponential_(-1.0),
    lambda T: T.empty(3).exponential_(float("nan")),
    lambda T: T.empty(3, dtype=T.int64).exponential_(),
    lambda T: T.multinomial(T.tensor([0., 0.]), 2, True),
    lambda T: T.multinomial(T.tensor([[1., 1.], [0., 0.]]), 1),
    lambda T: T.multinomial(T.tensor([1., -1., 2.]), 2, True),
    lambda T: T.multinomial(T.tensor([1., float("inf")]), 2, True),
    lambda T: T.multinomial(T.tensor([1., float("nan")]), 2, True),
    lambda T: T.multinomial(T.tensor([1., float("nan")]), 1),
    lambda T: T.multinomial(T.tensor([1., -2.]), 2),
    lambda T: T.multinomial(T.ones(1, 0), 1, True),
    lambda T: T.multinomial(T.ones(1, 0), 1),
    lambda T: T.bernoulli(T.tensor([0.5, 1.5])),
    lambda T: T.empty(2).bernoulli_(T.tensor([float("nan"), 0.5]))])
def test_argument_errors_are_pytorchs(make):
    """Each bad argument raises PyTorch's RuntimeError with PyTorch's text."""
    errors = []
    for lib in (torch, nt):
        with pytest.raises(RuntimeError) as info:
            make(lib)
        errors.append(str(info.value))
    assert errors[0] == errors[1]
