"""Creation and random functions take exactly torch's parameters (issue 15).

Each case runs the same lambda on numtensor and on torch and compares the result's
shape, dtype, requires_grad and memory layout, or the exception type (and, for an
unknown keyword, the message).
"""
import warnings

import numpy as np
import pytest

import numtensor as nt

import torch  # noqa: E402  (required: CI fails without the oracle)


def outcome(fn, lib):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            r = fn(lib)
        except Exception as e:  # noqa: BLE001 - the type is what is compared
            return ("raises", type(e).__name__)
    if isinstance(r, (lib.Tensor,)):
        return (tuple(r.shape), str(r.dtype), r.requires_grad, r.stride(), r.is_leaf)
    return r


X = {"nt": nt.ones(2, 3), "torch": torch.ones(2, 3)}


def x(lib):
    return X["nt" if lib is nt else "torch"]


CASES = [
    lambda T: T.rand(size=(3, 4)),
    lambda T: T.randn(size=(3, 4), dtype=T.float64),
    lambda T: T.zeros(size=(2, 5)),
    lambda T: T.ones(size=[2]),
    lambda T: T.empty(size=(0, 3)),
    lambda T: T.zeros(2, size=(2,)),
    lambda T: T.zeros(),
    lambda T: T.zeros(()),
    lambda T: T.zeros((2, 3), (4,)),
    lambda T: T.zeros(2, dtyp=T.int64),
    lambda T: T.ones(2, requires_grad=True),
    lambda T: T.zeros(2, layout=T.strided),
    lambda T: T.zeros(2, layout=None, pin_memory=False),
    lambda T: T.zeros(2, pin_memory=True),
    lambda T: T.tensor([1.0], pin_memory=True),
    lambda T: T.empty(2, 3, 4, 5, memory_format=T.channels_last),
    lambda T: T.empty(2, 3, 4, 5, 6, memory_format=T.channels_last_3d),
    lambda T: T.empty(2, 3, memory_format=T.channels_last),
    lambda T: T.empty(2, memory_format=T.preserve_format),
    lambda T: T.empty(2, 3, memory_format=T.contiguous_format),
    lambda T: T.normal(0, 0.01, size=(2, 1), requires_grad=True),
    lambda T: T.normal(mean=0.0, std=1.0, size=(2,)),
    lambda T: T.normal(x(T), 1.0),
    lambda T: T.normal(mean=x(T)),
    lambda T: T.normal(x(T), x(T)),
    lambda T: T.normal(0.0, 1.0),
    lambda T: T.normal(0.0, 1.0, (2,), generator=T.Generator()),
    lambda T: T.rand(2, generator=T.Generator().manual_seed(3)),
    lambda T: T.rand(2, generator=3),
    lambda T: T.randint(low=0, high=5, size=(2,)),
    lambda T: T.randint(high=5, size=(2,)),
    lambda T: T.randint(5, (3,), dtype=T.int32),
    lambda T: T.randint(5),
    lambda T: T.randint(0, 5, 3),
    lambda T: T.randperm(n=5),
    lambda T: T.randperm(5, dtype=T.float32, requires_grad=True),
    lambda T: T.full(size=(2, 2), fill_value=3),
    lambda T: T.full((2,), 1.5, requires_grad=True),
    lambda T: T.full(2, 1.0),
    lambda T: T.eye(n=3, m=2),
    lambda T: T.eye(-1),
    lambda T: T.eye(2, -1),
    lambda T: T.arange(end=5),
    lambda T: T.arange(start=1, end=5, step=2, dtype=T.float64),
    lambda T: T.arange(5, requires_grad=True),
    lambda T: T.arange(5.0, requires_grad=True),
    lambda T: T.linspace(start=0, end=1, steps=5, requires_grad=True),
    lambda T: T.logspace(start=0, end=1, steps=4, base=2.0),
    lambda T: T.empty_strided(size=(2, 3), stride=(1, 2)),
    lambda T: T.empty_strided((2,), (1, 1)),
    lambda T: T.zeros_like(input=x(T)),
    lambda T: T.ones_like(x(T).t()),
    lambda T: T.ones_like(x(T).t(), memory_format=T.contiguous_format),
    lambda T: T.empty_like(x(T), dtype=T.int16, requires_grad=False),
    lambda T: T.full_like(input=x(T), fill_value=2.0, requires_grad=True),
    lambda T: T.full_like(x(T).t(), 7, dtype=T.int64),
    lambda T: T.rand_like(input=x(T)),
    lambda T: T.randn_like(x(T).t(), generator=T.Generator()),
    lambda T: T.randint_like(input=x(T), high=5),
    lambda T: T.randint_like(x(T), 1, 5, dtype=T.int64),
    lambda T: T.zeros_like(x(T), dtyp=T.int64),
    lambda T: T.zeros_like([1, 2]),
    lambda T: T.bernoulli(input=x(T) / 2),
    lambda T: T.bernoulli(x(T) / 2, p=0.25),
    lambda T: T.multinomial(input=T.ones(3), num_samples=2, replacement=True),
    lambda T: T.tensor(data=[1, 2]),
    lambda T: T.tensor([1, 2], T.float64),
    lambda T: T.as_tensor(data=[1, 2], dtype=T.float64),
    lambda T: T.as_tensor([1, 2], T.float64),
    lambda T: T.asarray(obj=[1.0, 2.0], requires_grad=True),
    lambda T: T.asarray([1.0], copy=True),
    lambda T: T.from_numpy(ndarray=np.zeros(2)),
    lambda T: x(T).new_zeros(size=(4,)),
    lambda T: x(T).new_zeros(2, 3),
    lambda T: x(T).new_ones((2,), dtype=T.int64, requires_grad=False),
    lambda T: x(T).new_empty(size=(1, 2), layout=T.strided, pin_memory=False),
    lambda T: x(T).new_full(size=(2,), fill_value=3),
    lambda T: x(T).new_tensor(data=[1, 2], requires_grad=True),
    lambda T: x(T).new_zeros(2, dtyp=T.int64),
    lambda T: T.zeros(2).uniform_(**{"from": 2.0, "to": 3.0}),
    lambda T: T.zeros(2).uniform_(from_=2.0),
    lambda T: T.zeros(2).normal_(mean=1.0, std=2.0, generator=T.Generator()),
    lambda T: T.zeros(2).random_(to=5),
    lambda T: T.zeros(2).random_(**{"from": 1, "to": 5}),
    lambda T: T.zeros(2).exponential_(lambd=2.0),
    lambda T: T.zeros(2).bernoulli_(p=0.5),
    lambda T: T.zeros(2).bernoulli(p=0.5),
    lambda T: T.ones(3).multinomial(num_samples=2),
    lambda T: T.ones(3).multinomial(2, out=None),
    lambda T: T.manual_seed(seed=1) is not None,
    lambda T: T.set_rng_state(new_state=T.get_rng_state()),
    lambda T: T.zeros(2, 3, out=T.empty(2, 3, dtype=T.int64)),
    lambda T: T.zeros(2, dtype=T.int64, out=T.empty(2)),
    lambda T: T.arange(4, out=T.empty(0)),
    lambda T: T.rand(3, out=T.empty(3, dtype=T.float64)),
    lambda T: T.randint(0, 4, (3,), out=T.empty(3, dtype=T.int64)),
    lambda T: T.randperm(3, out=T.empty(3, dtype=T.int64)),
    lambda T: T.eye(2, out=T.empty(2, 2)),
    lambda T: T.linspace(0, 1, 3, out=T.empty(3)),
    lambda T: T.full((2,), 1.0, out=T.empty(2)),
    lambda T: T.zeros(2, out=[1, 2]),
]


@pytest.mark.parametrize("case", range(len(CASES)))
def test_same_outcome_as_torch(case):
    fn = CASES[case]
    assert outcome(fn, nt) == outcome(fn, torch)


def test_unknown_keyword_message():
    for fn, name in [(lambda T: T.zeros(2, dtyp=T.int64), "zeros"),
                     (lambda T: T.rand(2, sized=3), "rand"),
                     (lambda T: T.full((2,), 1, fill=2), "full"),
                     (lambda T: T.randn_like(T.ones(2), dtyp=1), "randn_like")]:
        with pytest.raises(TypeError) as e:
            fn(nt)
        assert "unexpected keyword argument" in str(e.value) and name in str(e.value)


def test_out_is_filled_and_returned():
    out = nt.empty(2, 3)
    r = nt.ones(2, 3, out=out)
    assert r is out and out.tolist() == [[1.0] * 3] * 2
    grown = nt.ones(1)
    with pytest.warns(UserWarning, match="was resized"):
        nt.zeros(2, 2, out=grown)
    assert grown.shape == (2, 2) and grown.tolist() == [[0.0, 0.0], [0.0, 0.0]]
    seeded = nt.empty(4)
    nt.manual_seed(5)
    nt.rand(4, out=seeded)
    nt.manual_seed(5)
    assert seeded.tolist() == nt.rand(4).tolist()


def test_generator_makes_draws_reproducible():
    a = nt.randn(5, generator=nt.Generator().manual_seed(7))
    b = nt.randn(5, generator=nt.Generator().manual_seed(7))
    assert a.tolist() == b.tolist()
    assert nt.rand_like(a, generator=nt.Generator().manual_seed(1)).tolist() == \
        nt.rand(5, generator=nt.Generator().manual_seed(1)).tolist()


def test_layout_and_memory_format_objects():
    assert repr(nt.strided) == "torch.strided"
    assert repr(nt.contiguous_format) == "torch.contiguous_format"
    assert repr(nt.preserve_format) == "torch.preserve_format"
    assert repr(nt.channels_last) == "torch.channels_last"
    assert isinstance(nt.strided, nt.layout) and isinstance(nt.channels_last, nt.memory_format)
    with pytest.raises(TypeError):
        nt.zeros(2, layout="strided")
