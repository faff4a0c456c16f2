"""Creation ops and random draws, against real torch."""
import numpy as np
import pytest

import numtensor as nt
from core_helpers import assert_same, check_raises

import torch  # noqa: E402  (required: CI fails without the oracle)


def same(fn):
    """fn(lib) gives the same tensor (shape, dtype, values) in numtensor and torch,
    or raises the same exception type."""
    try:
        want = fn(torch)
    except Exception as e:
        with pytest.raises(type(e)):
            fn(nt)
        return
    assert_same(fn(nt), want)


# ---- tensor() -----------------------------------------------------------------------
@pytest.mark.parametrize("data", [
    [1, 2, 3], [1.0, 2, 3], [[1, 2], [3, 4]], [True, False], [[True], [False]], 5, 2.5, True,
    [], [[]], [[], []], [[1.5, 2], [3, 4]], [[[1]], [[2]]], (1, 2), [(1, 2), (3, 4)],
    [1, 2.5, True], [True, 2], [2 ** 40], [-1, 0],
    np.array([1.5, 2.5]), np.array([1, 2], np.int32), np.array([[1, 2]], np.uint8),
    np.array(3.0), np.float64(2.5), np.int64(3), np.array([True]), np.float32(1.5),
    [np.float32(1.5), 2], np.arange(6.).reshape(2, 3).T, np.array([1 + 2j]),
    [1 + 1j, 2],
])
def test_tensor_infers_like_torch(data):
    same(lambda lib: lib.tensor(data))


@pytest.mark.parametrize("dtype", ["float64", "int32", "bool", "uint8", "float16", "int64"])
def test_tensor_with_dtype(dtype):
    same(lambda lib: lib.tensor([[0, 1.5], [2, -3.7]], dtype=getattr(lib, dtype)))
    same(lambda lib: lib.tensor(np.array([0, 1, 2]), dtype=getattr(lib, dtype)))


def test_tensor_float64_array_stays_float64_and_copies():
    a = np.array([1.0, 2.0])
    t = nt.tensor(a)
    assert t.dtype is nt.float64
    a[0] = 5
    assert t[0].item() == 1.0


def test_tensor_keywords():
    t = nt.tensor([1.0, 2.0], dtype=nt.float64, device="cpu", requires_grad=True)
    assert t.requires_grad and t.is_leaf and t.dtype is nt.float64
    assert nt.tensor([1, 2], device=nt.device("cpu")).device.type == "cpu"


@pytest.mark.parametrize("data", [[[1, 2], [3]], [[1], 2], [1, [2]], [[[1, 2]], [[3]]]])
def test_ragged_data_raises(data):
    check_raises(lambda lib: lib.tensor(data))


@pytest.mark.parametrize("data", ["abc", ["a", "b"], [1, "a"], {1: 2}, object(), [None]])
def test_wrong_data_type_raises(data):
    check_raises(lambda lib: lib.tensor(data))


# ---- from_numpy -------------------------------------------------------------------
@pytest.mark.parametrize("arr", [
    np.arange(6.).reshape(2, 3), np.arange(6, dtype=np.int32), np.arange(12.).reshape(3, 4).T,
    np.arange(20.).reshape(4, 5)[::2, 1::2], np.array(3.5), np.zeros((0, 3)),
    np.array([True, False]), np.arange(8, dtype=np.int16).reshape(2, 2, 2).transpose(2, 0, 1),
])
def test_from_numpy_shares_memory(arr):
    t = nt.from_numpy(arr)
    w = torch.from_numpy(arr)
    assert tuple(t.shape) == tuple(w.shape) and str(t.dtype) == str(w.dtype)
    assert t.stride() == w.stride()
    np.testing.assert_array_equal(t.numpy(), arr)
    if arr.size:
        arr[(0,) * arr.ndim] = 1
        assert t.numpy()[(0,) * arr.ndim] == 1
        t.fill_(0)
        assert not arr.any()


def test_from_numpy_errors():
    check_raises(lambda lib: lib.from_numpy([1, 2]))
    check_raises(lambda lib: lib.from_numpy(np.arange(3.)[::-1]))
    check_raises(lambda lib: lib.from_numpy(np.array(["a"])))


# ---- factories -------------------------------------------------------------------
SIZES = [((2, 3),), ([2, 3],), (2, 3), ((),), ((0, 2),), (4,), "size"]


@pytest.mark.parametrize("size", SIZES, ids=repr)
@pytest.mark.parametrize("factory", ["zeros", "ones"])
def test_zeros_ones_sizes(factory, size):
    def fn(lib):
        args = (lib.Size([2, 3]),) if size == "size" else size
        return getattr(lib, factory)(*args)
    same(fn)


@pytest.mark.parametrize("dtype", ["int64", "bool", "float64", "uint8"])
def test_factories_with_dtype(dtype):
    for f in (lambda lib: lib.zeros(2, 2, dtype=getattr(lib, dtype)),
              lambda lib: lib.ones((3,), dtype=getattr(lib, dtype), device="cpu"),
              lambda lib: lib.full((2, 2), 1, dtype=getattr(lib, dtype)),
              lambda lib: lib.eye(3, dtype=getattr(lib, dtype)),
              lambda lib: lib.arange(4, dtype=getattr(lib, dtype)),
              lambda lib: lib.tensor([1, 2.5, float("nan")], dtype=getattr(lib, dtype))):
        same(f)


def test_empty_has_shape_and_dtype():
    for args, kw in [((2, 3), {}), (([4],), {"dtype": "int32"}), (((),), {}), ((0,), {"dtype": "bool"})]:
        kw_nt = {k: getattr(nt, v) for k, v in kw.items()}
        kw_t = {k: getattr(torch, v) for k, v in kw.items()}
        a, b = nt.empty(*args, **kw_nt), torch.empty(*args, **kw_t)
        assert tuple(a.shape) == tuple(b.shape) and str(a.dtype) == str(b.dtype)
        assert a.stride() == b.stride()


@pytest.mark.parametrize("fn", [
    lambda lib: lib.full((2, 3), 7),
    lambda lib: lib.full((2,), 2.5),
    lambda lib: lib.full([2, 2], True),
    lambda lib: lib.full((3,), -1, dtype=lib.float64),
    lambda lib: lib.full((), 4.0),
    lambda lib: lib.eye(3),
    lambda lib: lib.eye(2, 4),
    lambda lib: lib.eye(4, 2),
    lambda lib: lib.eye(0),
    lambda lib: lib.arange(5),
    lambda lib: lib.arange(2, 7),
    lambda lib: lib.arange(1, 10, 3),
    lambda lib: lib.arange(10, 0, -3),
    lambda lib: lib.arange(0, 1, 0.1),
    lambda lib: lib.arange(5.),
    lambda lib: lib.arange(-1.5, 1.5, 0.5),
    lambda lib: lib.arange(0, 5, 2, dtype=lib.float32),
    lambda lib: lib.arange(0.5, 3),
    lambda lib: lib.arange(3, 3),
    lambda lib: lib.linspace(0, 1, 5),
    lambda lib: lib.linspace(-1, 1, 11),
    lambda lib: lib.linspace(3, 3, 1),
    lambda lib: lib.linspace(0, 10, 0),
    lambda lib: lib.linspace(0, 10, 4, dtype=lib.float64),
    lambda lib: lib.linspace(0, 10, 6, dtype=lib.int64),
    lambda lib: lib.linspace(1, 4, 4),
])
def test_sequence_factories(fn):
    same(fn)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_linspace_and_arange_are_bit_exact(dtype):
    # a last-ulp difference shows in print (-1.4901e-08 instead of 0.0000)
    for args in [(-1, 1, 11), (-1, 1, 7), (-1, 1, 21), (-5, 5, 100), (-3.14, 3.14, 9), (0, 1, 11),
                 (-1 / 3, 2 / 7, 9), (2.5, -1.25, 6)]:
        a = nt.linspace(*args, dtype=getattr(nt, dtype))
        b = torch.linspace(*args, dtype=getattr(torch, dtype))
        np.testing.assert_array_equal(a.numpy(), b.numpy())
        assert repr(a) == repr(b)
    for args in [(0, 1, 0.1), (-1, 1, 0.25), (0.5, 3), (10, 0, -1.5)]:
        np.testing.assert_array_equal(nt.arange(*args, dtype=getattr(nt, dtype)).numpy(),
                                      torch.arange(*args, dtype=getattr(torch, dtype)).numpy())


def test_like_factories():
    base_nt = nt.arange(6, dtype=nt.int32).view(2, 3).t()
    base_t = torch.arange(6, dtype=torch.int32).view(2, 3).t()
    for f in (lambda lib, b: lib.zeros_like(b), lambda lib, b: lib.ones_like(b),
              lambda lib, b: lib.full_like(b, 7), lambda lib, b: lib.zeros_like(b, dtype=lib.float64),
              lambda lib, b: lib.ones_like(b, dtype=lib.bool), lambda lib, b: lib.full_like(b, 2.5),
              lambda lib, b: lib.full_like(b.float(), 2.5)):
        assert_same(f(nt, base_nt), f(torch, base_t))
    e = nt.empty_like(base_nt)
    assert tuple(e.shape) == (3, 2) and e.dtype is nt.int32


def test_requires_grad_keyword():
    for f in (lambda lib: lib.zeros(2, requires_grad=True),
              lambda lib: lib.ones(2, 2, requires_grad=True),
              lambda lib: lib.full((2,), 1.0, requires_grad=True),
              lambda lib: lib.empty(3, requires_grad=True),
              lambda lib: lib.rand(3, requires_grad=True),
              lambda lib: lib.randn(3, requires_grad=True),
              lambda lib: lib.arange(3., requires_grad=True),
              lambda lib: lib.linspace(0, 1, 3, requires_grad=True),
              lambda lib: lib.zeros_like(lib.zeros(2), requires_grad=True)):
        t = f(nt)
        assert t.requires_grad and t.is_leaf and t.grad_fn is None
    check_raises(lambda lib: lib.zeros(2, dtype=lib.int64, requires_grad=True))


@pytest.mark.parametrize("fn", [
    lambda lib: lib.zeros("a"),
    lambda lib: lib.zeros(2, "a"),
    lambda lib: lib.ones(2.5),
    lambda lib: lib.zeros(-1),
    lambda lib: lib.arange(0, 5, 0),
    lambda lib: lib.arange(5, 0, 1),
    lambda lib: lib.arange("a"),
    lambda lib: lib.linspace(0, 1, -1),
])
def test_factory_errors(fn):
    check_raises(fn)


# ---- random -----------------------------------------------------------------------
RANDOM_DRAWS = {
    "rand": lambda: nt.rand(3, 4),
    "randn": lambda: nt.randn((5,)),
    "randint": lambda: nt.randint(0, 10, (6,)),
    "randint_high": lambda: nt.randint(5, (2, 2)),
    "randperm": lambda: nt.randperm(8),
    "rand_like": lambda: nt.rand_like(nt.zeros(2, 3, dtype=nt.float64)),
    "randn_like": lambda: nt.randn_like(nt.zeros(4)),
    "random_to": lambda: nt.empty(5, dtype=nt.int64).random_(7),
    "random_from_to": lambda: nt.empty(5).random_(3, 9),
    "normal_": lambda: nt.empty(6).normal_(2.0, 0.5),
    "uniform_": lambda: nt.empty(6, dtype=nt.float64).uniform_(-1, 1),
    "bernoulli_": lambda: nt.empty(64).bernoulli_(0.3),
}


@pytest.mark.parametrize("name", list(RANDOM_DRAWS))
def test_manual_seed_reproduces(name):
    draw = RANDOM_DRAWS[name]
    nt.manual_seed(123)
    a = draw()
    b = draw()
    nt.manual_seed(123)
    c = draw()
    d = draw()
    np.testing.assert_array_equal(a.numpy(), c.numpy())
    np.testing.assert_array_equal(b.numpy(), d.numpy())
    nt.manual_seed(124)
    e = draw()
    if a.numel() > 4:
        assert not np.array_equal(a.numpy(), e.numpy())


def test_manual_seed_sequences_all_draws():
    def sequence():
        nt.manual_seed(7)
        return [f().numpy().copy() for f in RANDOM_DRAWS.values()]
    for x, y in zip(sequence(), sequence()):
        np.testing.assert_array_equal(x, y)


def test_random_dtypes_and_shapes():
    nt.manual_seed(0)
    assert nt.rand(2, 3).dtype is nt.float32 and nt.rand(2, 3).shape == (2, 3)
    assert nt.randn(4, dtype=nt.float64).dtype is nt.float64
    assert nt.randint(0, 5, (3,)).dtype is nt.int64
    assert nt.randint(0, 5, (3,), dtype=nt.int32).dtype is nt.int32
    assert nt.randperm(4).dtype is nt.int64
    assert nt.rand([2, 2]).shape == (2, 2) and nt.rand(nt.Size([3])).shape == (3,)
    assert nt.rand(()).shape == ()
    assert nt.rand_like(nt.zeros(2, dtype=nt.float64)).dtype is nt.float64


def test_random_ranges_and_moments():
    nt.manual_seed(2024)
    u = nt.rand(10000).numpy()
    assert u.min() >= 0 and u.max() < 1
    assert abs(u.mean() - 0.5) < 0.02 and abs(u.var() - 1 / 12) < 0.01
    n = nt.randn(10000).numpy()
    assert abs(n.mean()) < 0.05 and abs(n.std() - 1) < 0.05
    r = nt.randint(-3, 4, (10000,)).numpy()
    assert r.min() == -3 and r.max() == 3 and abs(r.mean()) < 0.1
    p = nt.randperm(50).numpy()
    assert sorted(p.tolist()) == list(range(50))
    g = nt.empty(10000, dtype=nt.float64).normal_(3.0, 2.0).numpy()
    assert abs(g.mean() - 3) < 0.1 and abs(g.std() - 2) < 0.1
    v = nt.empty(10000).uniform_(-2, 6).numpy()
    assert v.min() >= -2 and v.max() < 6 and abs(v.mean() - 2) < 0.1
    b = nt.empty(10000).bernoulli_(0.25).numpy()
    assert set(np.unique(b).tolist()) == {0.0, 1.0} and abs(b.mean() - 0.25) < 0.02
    k = nt.empty(10000, dtype=nt.int64).random_(5).numpy()
    assert k.min() == 0 and k.max() == 4
    k2 = nt.empty(10000, dtype=nt.int32).random_(10, 20).numpy()
    assert k2.min() == 10 and k2.max() == 19


def test_inplace_random_returns_self_and_keeps_storage():
    x = nt.zeros(3, 4)
    ptr = x.data_ptr()
    for y in (x.uniform_(), x.normal_(), x.bernoulli_(0.5), x.random_(5), x.random_(1, 3)):
        assert y is x and x.data_ptr() == ptr
    t = x.t()
    t.normal_()
    assert t.data_ptr() == ptr and x.numpy().std() > 0


def test_random_errors():
    check_raises(lambda lib: lib.zeros(3, dtype=lib.int64).normal_())
    check_raises(lambda lib: lib.zeros(3).random_(5, 2))
    check_raises(lambda lib: lib.zeros(3).bernoulli_(1.5))
    check_raises(lambda lib: lib.randint(5, 2, (3,)))


def test_float_arange_values_are_pytorchs_bit_for_bit():
    """float32/float64 arange as PyTorch's CPU kernel fills it (vectors of its width, a
    base per vector, chunks per thread above its grain): the same bits, so that a value
    such as arange(-8.0, 8.0, 0.1)[80] is 4.4e-16 in both (relu's gradient there is 1),
    where a plain start + i * step gives 0.0."""
    # (the vector width is 32 bytes whatever torch.backends.cpu.get_cpu_capability()
    # says: this test passes on AVX2 and AVX-512 machines alike)
    rng = np.random.default_rng(11)
    cases = [(-8.0, 8.0, 0.1), (-5.5, 1.0, 0.1), (0, 1, 0.01), (1, 0, -0.03)]
    cases += [(float(rng.uniform(-10, 0)), float(rng.uniform(0, 10)), float(rng.uniform(1e-3, 0.3)))
              for _ in range(12)]
    # sizes around PyTorch's parallel grain (32768) split the fill among threads
    cases += [(-3.0, -3.0 + n * 0.37, 0.37) for n in (32768, 32769, 40001, 100003)]
    for start, end, step in cases:
        for name in ("float32", "float64"):
            want = torch.arange(start, end, step, dtype=getattr(torch, name)).numpy()
            got = nt.arange(start, end, step, dtype=getattr(nt, name)).numpy()
            assert got.shape == want.shape, (start, end, step, name)
            assert np.array_equal(got, want), (start, end, step, name,
                                               np.flatnonzero(got != want)[:5])
    x = nt.arange(-8.0, 8.0, 0.1, requires_grad=True)
    nt.relu(x).backward(nt.ones_like(x))
    assert x.grad[80].item() == 1.0


@pytest.mark.parametrize("n", [0, 1, 10, 300_000])  # 300_000 float32: a pooled buffer
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int64", "bool", "complex64"])
def test_zeros_are_zero_in_every_dtype_and_size(n, dtype):
    same(lambda lib: lib.zeros(n, dtype=getattr(lib, dtype)))
    same(lambda lib: lib.full((n,), 0, dtype=getattr(lib, dtype)))
    # a recycled big buffer holds old data: zeros must still be zeros
    junk = nt.full((n,), 7, dtype=getattr(nt, dtype))
    del junk
    assert not nt.zeros(n, dtype=getattr(nt, dtype)).any().item()


def test_full_of_negative_zero_keeps_the_sign():
    same(lambda lib: lib.full((3,), -0.0))
    assert np.signbit(nt.full((3,), -0.0).numpy()).all()


def test_float16_from_doubles_rounds_through_float32_as_torch():
    """PyTorch makes a double a float16 through float32 (c10::Half's constructor takes a
    float): where float32's rounding lands on a float16 tie, that differs from rounding
    once (-0.27429199 gives -0.2744, not -0.2742).  Lists, arrays and as_tensor."""
    values = np.random.default_rng(4).standard_normal(12000)
    assert np.float16(np.float32(-0.27429199)) != np.float16(-0.27429199)
    for make in (lambda L: L.tensor(values, dtype=L.float16),
                 lambda L: L.tensor(values.tolist(), dtype=L.float16),
                 lambda L: L.as_tensor(values, dtype=L.float16),
                 lambda L: L.tensor([-0.27429199], dtype=L.float16)):
        np.testing.assert_array_equal(make(nt).numpy(), make(torch).numpy())
