"""NumPy interop, Python conversions, and the printed form of real tensors (vs torch)."""
import math

import numpy as np
import pytest

import numtensor as nt
from core_helpers import check, check_raises

import torch  # noqa: E402  (required: CI fails without the oracle)


# ---- numpy() ----------------------------------------------------------------------
def test_numpy_shares_memory_both_ways():
    t = nt.zeros(2, 3)
    a = t.numpy()
    assert isinstance(a, np.ndarray) and a.dtype == np.float32 and a.shape == (2, 3)
    a[0, 1] = 5
    assert t[0, 1].item() == 5
    t[1, 2] = 7
    assert a[1, 2] == 7


@pytest.mark.parametrize("fn", [
    lambda lib, t: t.t(),
    lambda lib, t: t[:, ::2],
    lambda lib, t: t[1],
    lambda lib, t: t[:, 1],
    lambda lib, t: t.unsqueeze(1),
    lambda lib, t: t[:1].expand(3, 4),
    lambda lib, t: t.permute(1, 0)[1:, ::3],
    lambda lib, t: t[0, 0],
])
def test_numpy_of_view_keeps_strides(fn):
    base = np.arange(12, dtype=np.float64).reshape(3, 4)
    v = fn(nt, nt.from_numpy(base.copy()))
    w = fn(torch, torch.from_numpy(base.copy()))
    a, b = v.numpy(), w.numpy()
    assert a.shape == b.shape and a.strides == b.strides and a.dtype == b.dtype
    np.testing.assert_array_equal(a, b)
    if 0 not in w.stride():
        a[...] = -1  # the array is a window on the tensor's storage
        assert (v.numpy() == -1).all()


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int8", "int16", "int32", "int64",
                                   "float16", "float32", "float64", "complex64"])
def test_numpy_dtypes(dtype):
    t = nt.ones(2, dtype=getattr(nt, dtype))
    assert t.numpy().dtype == torch.ones(2, dtype=getattr(torch, dtype)).numpy().dtype


def test_numpy_errors():
    check_raises(lambda lib: lib.ones(2, requires_grad=True).numpy())
    assert nt.ones(2, requires_grad=True).detach().numpy().tolist() == [1, 1]


def test_np_asarray_and_array():
    t = nt.arange(6.).view(2, 3)
    a = np.asarray(t)
    assert a.dtype == np.float32 and a.shape == (2, 3)
    a[0, 0] = 9
    assert t[0, 0].item() == 9
    np.testing.assert_array_equal(np.array(t.t()), [[9, 3], [1, 4], [2, 5]])
    assert np.asarray(t, dtype=np.int64).dtype == np.int64
    assert float(np.sum(np.asarray(nt.ones(4)))) == 4.0


def test_numpy_arrays_as_operands():
    # torch refuses an ndarray on the left (TypeError); numpy scalars are numbers
    check_raises(lambda lib: np.ones(3, np.float32) + lib.ones(3))
    check(lambda lib, t: np.float64(2.5) * t, np.ones(3, np.float32))
    check(lambda lib, t: t + np.int64(2), np.ones(3, np.int64))


# ---- item / float / int / bool / tolist / len ----------------------------------------------
@pytest.mark.parametrize("make", [
    lambda lib: lib.tensor(2.5), lambda lib: lib.tensor([3]), lambda lib: lib.tensor([[True]]),
    lambda lib: lib.tensor(7, dtype=lib.int32), lambda lib: lib.tensor(1.5, dtype=lib.float64),
    lambda lib: lib.tensor(200, dtype=lib.uint8), lambda lib: lib.tensor(0.1),
    lambda lib: lib.tensor(2.5, dtype=lib.float16), lambda lib: lib.tensor(-3.7),
    lambda lib: lib.tensor([[1, 2]])[0, 1], lambda lib: lib.tensor(float("nan")),
])
def test_item_and_python_numbers(make):
    a, b = make(nt), make(torch)
    for conv in (lambda t: t.item(), float, int, bool, complex):
        try:
            want = conv(b)
        except Exception as e:
            with pytest.raises(type(e)):
                conv(a)
            continue
        got = conv(a)
        assert type(got) is type(want)
        if isinstance(want, (float, complex)) and want != want:  # nan
            assert got != got
        else:
            assert got == want


@pytest.mark.parametrize("fn", [
    lambda lib: lib.tensor([1., 2.]).item(),
    lambda lib: float(lib.tensor([1., 2.])),
    lambda lib: int(lib.tensor([1, 2])),
    lambda lib: bool(lib.tensor([True, False])),
    lambda lib: lib.zeros(0).item(),
    lambda lib: float(lib.zeros(0)),
    lambda lib: bool(lib.zeros(0)),
    lambda lib: len(lib.tensor(1.)),
    lambda lib: iter(lib.tensor(1.)),
])
def test_conversion_errors(fn):
    check_raises(fn)


def test_index_protocol():
    assert [10, 20, 30][nt.tensor(1)] == 20
    assert list(range(10))[nt.tensor(2):nt.tensor(5)] == [2, 3, 4]
    check_raises(lambda lib: [1, 2][lib.tensor(1.)])


@pytest.mark.parametrize("make", [
    lambda lib: lib.arange(6).view(2, 3), lambda lib: lib.tensor(2.5), lambda lib: lib.tensor([]),
    lambda lib: lib.tensor([[True, False]]), lambda lib: lib.arange(6.).view(2, 3).t(),
    lambda lib: lib.tensor([1.5], dtype=lib.float64), lambda lib: lib.zeros(2, 0, 3),
    lambda lib: lib.tensor([1, 2], dtype=lib.uint8),
])
def test_tolist_and_len(make):
    a, b = make(nt), make(torch)
    assert a.tolist() == b.tolist()
    assert type(a.tolist()) is type(b.tolist())
    if b.dim():
        assert len(a) == len(b)
        assert [x.tolist() for x in a] == [x.tolist() for x in b]


# ---- printing through the real Tensor repr ------------------------------------------
REPRS = [
    lambda lib: lib.tensor(3.5), lambda lib: lib.tensor(3), lambda lib: lib.tensor(True),
    lambda lib: lib.tensor([0., 1., 2.]), lambda lib: lib.tensor([1.5, -2.25, 3.0]),
    lambda lib: lib.arange(6).view(2, 3), lambda lib: lib.arange(24.).view(2, 3, 4),
    lambda lib: lib.arange(2000), lambda lib: lib.arange(2000.).view(40, 50) / 7,
    lambda lib: lib.linspace(0, 1, 100), lambda lib: lib.tensor([1e-8, 1.0]),
    lambda lib: lib.tensor([1e10, 1.0]), lambda lib: lib.tensor([float("nan"), float("inf"), 1.0]),
    lambda lib: lib.tensor([1, 2], dtype=lib.int32), lambda lib: lib.tensor([1., 2.], dtype=lib.float64),
    lambda lib: lib.tensor([1, 2], dtype=lib.uint8), lambda lib: lib.tensor([0.5], dtype=lib.float16),
    lambda lib: lib.zeros(0), lambda lib: lib.zeros(2, 0), lambda lib: lib.zeros(0, dtype=lib.int64),
    lambda lib: lib.tensor([[True, False], [False, True]]), lambda lib: lib.ones(3, 1, 1, 2),
    lambda lib: lib.ones(2, requires_grad=True), lambda lib: lib.tensor(1.5, requires_grad=True),
    lambda lib: lib.ones(2, dtype=lib.float64, requires_grad=True),
    lambda lib: lib.arange(12.).view(3, 4).t(), lambda lib: lib.arange(12.).view(3, 4)[:, ::2],
    lambda lib: lib.tensor([-0.0, 0.0]), lambda lib: lib.tensor([123456789.0]),
    lambda lib: lib.tensor([[1.0, -1.0], [100.0, 0.001]]), lambda lib: lib.full((2, 2), 7),
    lambda lib: lib.eye(3), lambda lib: lib.arange(20.).view(4, 5) ** 3,
    lambda lib: lib.tensor([[1.0, 2.0]]).expand(3, 2),
]


@pytest.mark.parametrize("make", REPRS)
def test_tensor_repr_matches_torch(make):
    a, b = make(nt), make(torch)
    assert repr(a) == repr(b)
    assert str(a) == str(b)


def test_reprs_of_sizes_devices_dtypes():
    assert repr(nt.zeros(2, 3).shape) == repr(torch.zeros(2, 3).shape)
    assert repr(nt.zeros(()).shape) == repr(torch.zeros(()).shape)
    assert repr(nt.Size([4])) == repr(torch.Size([4]))
    assert str(nt.zeros(2, 3).size()) == str(torch.zeros(2, 3).size())
    assert repr(nt.device("cuda", 0)) == repr(torch.device("cuda", 0))
    assert repr(nt.zeros(1).device) == repr(torch.zeros(1).device)
    assert repr(nt.float16) == repr(torch.float16)
    assert f"{nt.tensor(2.5):.2f}" == f"{torch.tensor(2.5):.2f}"
    assert f"{nt.tensor([1., 2.])}" == f"{torch.tensor([1., 2.])}"
    assert nt.zeros(2, 3).size(1) == 3 and nt.zeros(2, 3).size(-2) == 2
    assert nt.zeros(2, 3).shape[1:] == torch.Size([3])
    assert nt.Size([2, 3]).numel() == 6
    assert nt.zeros(2, 3).shape == (2, 3) and nt.zeros(2, 3).shape == torch.Size([2, 3])


def test_repr_of_results_with_grad_fn():
    a = nt.ones(2, requires_grad=True) * 2
    b = torch.ones(2, requires_grad=True) * 2
    assert repr(a) == repr(b)


def test_random_tensors_print_like_torch():
    """Seeded random shapes, magnitudes and dtypes: the printed text must match torch."""
    rng = np.random.default_rng(42)
    for trial in range(120):
        nd = int(rng.integers(0, 4))
        shape = tuple(int(s) for s in rng.integers(0 if trial % 10 == 0 else 1, 6, nd))
        dtype = ["float32", "float64", "int64", "int32", "bool", "float16", "uint8"][trial % 7]
        scale = 10.0 ** int(rng.integers(-6, 9))
        values = rng.standard_normal(shape) * scale
        if trial % 3 == 0:
            values = np.round(values)
        if dtype == "uint8":
            values = np.abs(values) % 256
        with np.errstate(over="ignore", invalid="ignore"):
            arr = np.asarray(values.astype(dtype))
        a, b = nt.from_numpy(arr.copy()), torch.from_numpy(arr.copy())
        assert repr(a) == repr(b), (shape, dtype, scale)
        if nd >= 2:
            assert repr(a.t() if nd == 2 else a.transpose(0, 2)) == \
                repr(b.t() if nd == 2 else b.transpose(0, 2))
