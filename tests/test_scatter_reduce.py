"""scatter_reduce / index_reduce (numtensor/ops/scatter_reduce.py) against real torch:
values for every dtype, include_self, empty and 0-d cases, non-contiguous operands,
gradients (named ScatterReduceBackward0 / IndexReduceBackward0), gradcheck, errors,
in-place forms and out=."""
import numpy as np
import pytest

import numtensor as nt
from autograd_helpers import assert_grads_match_torch
from core_helpers import check, check_raises

import torch  # noqa: E402  (the oracle)

pytestmark = pytest.mark.filterwarnings("ignore:index_reduce\\(\\) is in beta")

REDUCES = ("sum", "prod", "mean", "amax", "amin")
INDEX_REDUCES = ("prod", "mean", "amax", "amin")
DTYPES = (np.float64, np.float32, np.int64, np.int32, np.int16, np.uint8, np.float16,
          np.bool_, np.complex64)


def _values(rng, shape, dtype):
    """Small values with many ties (and zeros), suited to dtype."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return rng.random(shape) < 0.6
    if dtype.kind == "u":
        return rng.integers(0, 4, shape).astype(dtype)
    if dtype.kind == "c":
        return (rng.integers(-2, 3, shape) + 1j * rng.integers(-2, 3, shape)).astype(dtype)
    return rng.integers(-3, 4, shape).astype(dtype)


def _scatter_case(rng, dtype):
    nd = int(rng.integers(1, 4))
    shape = tuple(int(n) for n in rng.integers(1, 5, nd))
    d = int(rng.integers(-nd, nd))
    ish = tuple(int(rng.integers(1, s + 1)) if j != d % nd else int(rng.integers(1, 7))
                for j, s in enumerate(shape))
    src_shape = tuple(n + int(rng.integers(0, 2)) for n in ish)  # src may be larger
    idx = rng.integers(0, shape[d], ish)
    return d, _values(rng, shape, dtype), idx, _values(rng, src_shape, dtype)


def _index_case(rng, dtype):
    nd = int(rng.integers(1, 4))
    shape = tuple(int(n) for n in rng.integers(1, 5, nd))
    d = int(rng.integers(-nd, nd))
    k = int(rng.integers(0, 6))
    src_shape = list(shape)
    src_shape[d] = k
    return d, _values(rng, shape, dtype), rng.integers(0, shape[d], k), _values(rng, src_shape,
                                                                               dtype)


def _tol(dtype):
    return dict(atol=2e-2, rtol=2e-2) if dtype == np.float16 else {}


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda t: np.dtype(t).name)
def test_scatter_reduce_values(dtype):
    rng = np.random.default_rng(int(np.dtype(dtype).num))
    for _ in range(6):
        d, x, idx, s = _scatter_case(rng, dtype)
        for reduce in REDUCES:
            for inc in (True, False):
                check(lambda L, a, i, b: L.scatter_reduce(a, d, i, b, reduce, include_self=inc),
                      x, idx, s, **_tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda t: np.dtype(t).name)
def test_index_reduce_values(dtype):
    rng = np.random.default_rng(100 + int(np.dtype(dtype).num))
    for _ in range(6):
        d, x, idx, s = _index_case(rng, dtype)
        for reduce in INDEX_REDUCES:
            for inc in (True, False):
                check(lambda L, a, i, b: L.index_reduce(a, d, i, b, reduce, include_self=inc),
                      x, idx, s, **_tol(dtype))


def test_integer_mean_floors():
    x = np.array([5, 7, 9, 2])
    i = np.array([0, 0, 1, 1, 2])
    s = np.array([1, 2, -3, -4, 6])
    for inc in (True, False):
        got = check(lambda L, a, ii, b: L.scatter_reduce(a, 0, ii, b, "mean", include_self=inc),
                    x, i, s)
        check(lambda L, a, ii, b: L.index_reduce(a, 0, ii, b, "mean", include_self=inc), x, i, s)
    assert got.tolist() == [1, -4, 6, 2]


def test_nan_propagates():
    nan = float("nan")
    x = np.array([1.0, nan, 5.0, 0.0])
    i = np.array([0, 0, 1, 1, 2, 2])
    s = np.array([nan, 2.0, 3.0, 1.0, -1.0, nan])
    for reduce in REDUCES:
        for inc in (True, False):
            check(lambda L, a, ii, b: L.scatter_reduce(a, 0, ii, b, reduce, include_self=inc),
                  x, i, s)
            if reduce != "sum":
                check(lambda L, a, ii, b: L.index_reduce(a, 0, ii, b, reduce, include_self=inc),
                      x, i, s)
    m = np.array([[nan, 1, 2], [3, nan, -1.0]])
    for d in (0, 1):
        for reduce in ("amax", "amin"):
            check(lambda L, a, b: L.scatter_reduce(a, d, L.zeros(2, 3, dtype=L.long), b, reduce),
                  np.zeros((2, 3)), m)


def test_empty_and_zero_dim():
    x = np.arange(12.0).reshape(3, 4)
    for reduce in REDUCES:
        check(lambda L, a: L.scatter_reduce(a, 0, L.zeros(0, 2, dtype=L.long), L.ones(2, 2),
                                            reduce), x)
        check(lambda L, a: L.scatter_reduce(a, 1, L.zeros(0, dtype=L.long), L.ones(2, 2),
                                            reduce, include_self=False), x)
        check(lambda L: L.scatter_reduce(L.tensor(2.0), 0, L.tensor([0, 0]),
                                         L.tensor([3.0, 5.0]), reduce))
        check(lambda L: L.scatter_reduce(L.tensor(2.0), -1, L.tensor(0), L.tensor(3.0), reduce,
                                         include_self=False))
        check(lambda L: L.scatter_reduce(L.zeros(3, 0), 0, L.zeros(1, 0, dtype=L.long),
                                         L.ones(1, 0), reduce))
    for reduce in INDEX_REDUCES:
        check(lambda L, a: L.index_reduce(a, 0, L.tensor([], dtype=L.long), L.ones(0, 4),
                                          reduce), x)
        check(lambda L, a: L.index_reduce(a, 1, L.tensor([], dtype=L.long), L.ones(3, 0),
                                          reduce, include_self=False), x)
        check(lambda L: L.index_reduce(L.tensor(2.0), 0, L.tensor(0), L.tensor(3.0), reduce))
        check(lambda L: L.index_reduce(L.tensor([2.0, 4.0]), 0, L.tensor([1, 1]),
                                       L.tensor([3.0, 6.0]), reduce))
        check(lambda L, a: L.index_reduce(a, 0, L.tensor(2), L.ones(1, 4) * 3, reduce), x)


def test_noncontiguous_and_int32_index():
    rng = np.random.default_rng(7)
    x = _values(rng, (4, 5), np.float64)
    s = _values(rng, (5, 6), np.float64)
    idx = rng.integers(0, 5, (3, 4))
    for reduce in REDUCES:
        for inc in (True, False):
            # transposed input, sliced src, transposed int32 index
            check(lambda L, a, i, b: L.scatter_reduce(
                a.t(), 1, i.t().contiguous().t().int(), b[:, ::2], reduce, include_self=inc),
                x, idx.T.copy(), s)
    iv = rng.integers(0, 5, 4)
    for reduce in INDEX_REDUCES:
        for inc in (True, False):
            check(lambda L, a, i, b: L.index_reduce(a.t(), 0, i[::2].int(), b[:, ::2].t(),
                                                    reduce, include_self=inc),
                  x, np.repeat(iv, 2), s[:4])


def test_methods_and_keywords():
    rng = np.random.default_rng(3)
    d, x, idx, s = _scatter_case(rng, np.float64)
    check(lambda L, a, i, b: a.scatter_reduce(dim=d, index=i, src=b, reduce="amax",
                                              include_self=False), x, idx, s)
    check(lambda L, a, i, b: L.scatter_reduce(input=a, dim=d, index=i, src=b, reduce="prod"),
          x, idx, s)
    d, x, idx, s = _index_case(rng, np.float64)
    check(lambda L, a, i, b: a.index_reduce(dim=d, index=i, source=b, reduce="mean",
                                            include_self=False), x, idx, s)
    check(lambda L, a, i, b: L.index_reduce(input=a, dim=d, index=i, source=b, reduce="amin"),
          x, idx, s)


# ---- in-place forms and out= ------------------------------------------------------------
def test_inplace():
    rng = np.random.default_rng(11)
    d, x, idx, s = _scatter_case(rng, np.float32)
    for reduce in REDUCES:
        def fn(L, a, i, b):
            r = a.scatter_reduce_(d, i, b, reduce, include_self=False)
            assert r is a
            return a
        check(fn, x, idx, s)
    d, x, idx, s = _index_case(rng, np.int64)
    for reduce in INDEX_REDUCES:
        def fn(L, a, i, b):
            r = a.index_reduce_(d, i, b, reduce)
            assert r is a
            return a
        check(fn, x, idx, s)
    # into a non-contiguous view: its base sees the result
    check(lambda L, a: (a.t().index_reduce_(1, L.tensor([0, 2, 0]), L.ones(4, 3) * 2, "prod"),
                        a)[1], np.arange(1.0, 13.0).reshape(3, 4))


def test_inplace_grads():
    def fn(L, a, b):
        y = a * 2
        y.scatter_reduce_(1, L.tensor([[0, 0, 2], [1, 1, 1]]), b, "amax")
        return y
    assert_grads_match_torch(torch, fn, [np.array([[1.0, 4, 2], [3, 0, 5]]),
                                         np.array([[1.0, 6, 2], [4, 4, 0]])])

    def fn2(L, a, b):
        y = a * 1
        y.index_reduce_(0, L.tensor([1, 1]), b, "prod", include_self=False)
        return y
    assert_grads_match_torch(torch, fn2, [np.array([[1.0, 4], [3, 0]]),
                                          np.array([[2.0, 0], [3, 5]])])


def test_out():
    x, s = np.arange(6.0).reshape(2, 3), np.arange(1.0, 7.0).reshape(2, 3)
    idx = np.array([[0, 1, 0], [1, 1, 0]])

    def fn(L, a, i, b):
        o = L.empty(0)
        r = L.scatter_reduce(a, 0, i, b, "mean", include_self=False, out=o)
        assert r is o
        return o
    check(fn, x, idx, s)

    def fn2(L, a, b):
        o = L.empty(2, 3)
        r = L.index_reduce(a, 1, L.tensor([2, 2, 0]), b, "amax", out=o)
        assert r is o
        return o
    check(fn2, x, s)
    check_raises(lambda L, a, i, b: L.scatter_reduce(a, 0, i, b, "sum", out=L.empty(2, 3).long()),
                 x, idx, s, match="Expected out tensor to have dtype double, but got long int")
    check_raises(lambda L, a, b: L.index_reduce(a, 0, L.tensor([0, 0]), b, "prod",
                                                out=L.empty(2, 3).float()),
                 x, s, match="Expected out tensor to have dtype double, but got float")
    check_raises(lambda L, a, i, b: L.scatter_reduce(a.requires_grad_(), 0, i, b, "sum",
                                                     out=L.empty(2, 3).double()),
                 x, idx, s, match="scatter_reduce(): functions with out=... arguments don't")
    check_raises(lambda L, a, b: L.index_reduce(a, 0, L.tensor([0, 0]), b.requires_grad_(),
                                                "prod", out=L.empty(2, 3).double()),
                 x, s, match="index_reduce(): functions with out=... arguments don't")


# ---- gradients ----------------------------------------------------------------------------
@pytest.mark.parametrize("reduce", REDUCES)
def test_scatter_reduce_grads(reduce):
    rng = np.random.default_rng(5)
    for k in range(8):
        nd = int(rng.integers(1, 4))
        shape = tuple(int(n) for n in rng.integers(1, 4, nd))
        d = int(rng.integers(0, nd))
        ish = tuple(int(rng.integers(1, s + 1)) if j != d else int(rng.integers(1, 6))
                    for j, s in enumerate(shape))
        idx = rng.integers(0, shape[d], ish)
        # integer values: ties (amax/amin share the gradient) and zeros (prod)
        x = rng.integers(-2, 3, shape).astype(np.float64)
        s = rng.integers(-2, 3, ish).astype(np.float64)
        for inc in (True, False):
            assert_grads_match_torch(
                torch, lambda L, a, b: L.scatter_reduce(a, d, L.tensor(idx), b, reduce,
                                                        include_self=inc),
                [x, s], layout=("contiguous", "transposed", "sliced")[k % 3])


@pytest.mark.parametrize("reduce", INDEX_REDUCES)
def test_index_reduce_grads(reduce):
    rng = np.random.default_rng(6)
    for k in range(8):
        nd = int(rng.integers(1, 4))
        shape = tuple(int(n) for n in rng.integers(1, 4, nd))
        d = int(rng.integers(0, nd))
        n = int(rng.integers(1, 5))
        idx = rng.integers(0, shape[d], n)
        src_shape = list(shape)
        src_shape[d] = n
        x = rng.integers(-2, 3, shape).astype(np.float64)
        s = rng.integers(-2, 3, src_shape).astype(np.float64)
        for inc in (True, False):
            assert_grads_match_torch(
                torch, lambda L, a, b: L.index_reduce(a, d, L.tensor(idx), b, reduce,
                                                      include_self=inc),
                [x, s], layout=("contiguous", "transposed", "sliced")[k % 3])


def test_grad_ties_and_zeros():
    x = np.array([3.0, 0.0, 1.0])
    s = np.array([3.0, 3.0, 0.0, 0.0, 2.0])
    i = np.array([0, 0, 1, 1, 2])
    for reduce in REDUCES:
        for inc in (True, False):
            assert_grads_match_torch(torch, lambda L, a, b: L.scatter_reduce(
                a, 0, L.tensor(i), b, reduce, include_self=inc), [x, s])
            if reduce != "sum":
                assert_grads_match_torch(torch, lambda L, a, b: L.index_reduce(
                    a, 0, L.tensor(i), b, reduce, include_self=inc), [x, s])


def test_max_min_aliases():
    """PyTorch's scatter_reduce takes "max" and "min" too (forward only)."""
    x, s, i = np.array([0.0, 5, 1]), np.array([1.0, 2, -3, 7]), np.array([0, 0, 1, 1])
    for reduce in ("max", "min"):
        for inc in (True, False):
            check(lambda L, a, ii, b: L.scatter_reduce(a, 0, ii, b, reduce, include_self=inc),
                  x, i, s)

        def fn(L, a, ii, b):
            a, b = a.requires_grad_(), b.requires_grad_()
            return L.autograd.grad(L.scatter_reduce(a, 0, ii, b, reduce).sum(), (a, b))
        check_raises(fn, x, i, s, match="Expected 'reduce' to be one of 'sum', 'prod', 'mean', "
                                        f"'amax', 'amin' but got {reduce}.")


def test_prod_double_backward_with_zeros():
    """Two zeros reduced into one position: PyTorch refuses the double backward (src's)."""
    def fn(L, a, b):
        a, b = a.requires_grad_(), b.requires_grad_()
        g = L.autograd.grad(L.scatter_reduce(a, 0, L.tensor([0, 0, 1]), b, "prod").sum(),
                            (a, b), create_graph=True)
        assert type(g[1].grad_fn).__name__ == "Error"
        return L.autograd.grad(g[1].sum(), b)
    check_raises(fn, np.array([1.0, 2.0]), np.array([0.0, 0.0, 3.0]),
                 match="scatter_reduce(): Double backward is unsupported for src when >1 zeros "
                       "in src are scattered to the same position in self")

    def fn2(L, a, b):
        a, b = a.requires_grad_(), b.requires_grad_()
        g = L.autograd.grad(L.index_reduce(a, 0, L.tensor([1, 1]), b, "prod").sum(),
                            (a, b), create_graph=True)
        return L.autograd.grad(g[1].sum(), b)
    check_raises(fn2, np.array([1.0, 2.0]), np.array([0.0, 0.0]),
                 match="index_reduce(): Double backward is unsupported for source when >1 "
                       "zeros in source are scattered to the same position in self")
    # one zero: the double backward runs, as in PyTorch
    check(lambda L, a, b: L.autograd.grad(L.autograd.grad(
        L.scatter_reduce(a.requires_grad_(), 0, L.tensor([0, 0, 1]), b.requires_grad_(),
                         "prod").sum(), b, create_graph=True)[0].sum(), (a, b)),
        np.array([1.5, 2.0]), np.array([0.0, 4.0, 3.0]))


def test_grad_src_larger_than_index():
    """torch refuses the backward when src is larger than index."""
    x = np.zeros((2, 3))
    s = np.arange(8.0).reshape(2, 4)
    idx = np.array([[0, 1, 0], [2, 2, 1]])
    for reduce in REDUCES:
        def fn(L, a, b, i):
            a, b = a.requires_grad_(), b.requires_grad_()
            out = L.scatter_reduce(a, 1, i, b, reduce)
            return L.autograd.grad(out.sum(), (a, b))
        check_raises(fn, x, s, idx,
                     match="got [2, 3] but expected shape compatible with [2, 4]"
                     if reduce in ("sum", "mean") else "must match the size of tensor b")


def test_gradcheck():
    rng = np.random.default_rng(9)
    x = nt.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    s = nt.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    idx = nt.tensor(rng.integers(0, 3, (3, 4)))
    s2 = nt.tensor(rng.standard_normal((3, 5)), requires_grad=True)
    iv = nt.tensor([2, 0, 2, 2, 1])
    for reduce in REDUCES:
        for inc in (True, False):
            assert nt.autograd.gradcheck(
                lambda a, b: nt.scatter_reduce(a, 0, idx, b, reduce, include_self=inc), (x, s))
            if reduce != "sum":
                assert nt.autograd.gradcheck(
                    lambda a, b: nt.index_reduce(a, 1, iv[:4] % 4, b[:, :4], reduce,
                                                 include_self=inc), (x, s2))


def test_grad_fn_names_and_double_backward():
    for lib in (torch, nt):
        a = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        b = lib.tensor([4.0, 5.0], requires_grad=True)
        y = lib.scatter_reduce(a, 0, lib.tensor([0, 0]), b, "prod")
        assert type(y.grad_fn).__name__ == "ScatterReduceBackward0"
        z = a.index_reduce(0, lib.tensor([2, 2]), b, "mean")
        assert type(z.grad_fn).__name__ == "IndexReduceBackward0"
    for lib in (torch, nt):
        a = lib.tensor([1.5, 2.0], dtype=lib.float64, requires_grad=True)
        b = lib.tensor([2.0, -1.0, 3.0], dtype=lib.float64, requires_grad=True)
        g = lib.autograd.grad((lib.scatter_reduce(a, 0, lib.tensor([0, 0, 1]), b, "prod")
                               ** 2).sum(), b, create_graph=True)[0]
        gg = lib.autograd.grad(g.sum(), (a, b))
        if lib is torch:
            want = [t.numpy() for t in gg]
        else:
            for w, t in zip(want, gg):
                np.testing.assert_allclose(t.numpy(), w)


# ---- errors -------------------------------------------------------------------------------
X, SRC = np.zeros((3, 4)), np.ones((2, 4))
L_ = lambda L, v: L.tensor(v)  # noqa: E731
ERROR_CASES = [
    (lambda L, x, s: L.scatter_reduce(x, 0, L_(L, [[5, 0]]), s[:1, :2], "sum"),
     "index 5 is out of bounds for dimension 0 with size 3"),
    (lambda L, x, s: L.scatter_reduce(x, 0, L_(L, [[-1, 0]]), s[:1, :2], "amax"),
     "index -1 is out of bounds for dimension 0 with size 3"),
    (lambda L, x, s: L.scatter_reduce(x, 1, L_(L, [[1, 7]]), s[:1, :2], "prod",
                                      include_self=False),
     "index 7 is out of bounds for dimension 1 with size 4"),
    (lambda L, x, s: L.scatter_reduce(x, 0, L_(L, [[0.0, 0]]), s[:1, :2], "sum"),
     "scatter(): Expected dtype int32/int64 for index"),
    (lambda L, x, s: L.scatter_reduce(x, 0, L_(L, [[0, 0]]), s[:1, :2].float(), "sum"),
     "scatter(): Expected self.dtype to be equal to src.dtype"),
    (lambda L, x, s: L.scatter_reduce(x, 0, L.zeros(1, 5, dtype=L.long), L.ones(1, 5).double(),
                                      "sum"),
     "Expected index [1, 5] to be no larger than self [3, 4] apart from dimension 0 and to be "
     "no larger size than src [1, 5]"),
    (lambda L, x, s: L.scatter_reduce(x, 0, L.zeros(2, 3, dtype=L.long), s[:1], "mean"),
     "to be no larger size than src [1, 4]"),
    (lambda L, x, s: L.scatter_reduce(x, 0, L.zeros(2, dtype=L.long), s[0], "sum"),
     "Index tensor must have the same number of dimensions as self tensor"),
    (lambda L, x, s: L.scatter_reduce(x, 0, L.zeros(2, 2, dtype=L.long), s[0], "sum"),
     "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
    (lambda L, x, s: L.scatter_reduce(x[0], 0, L.zeros(2, dtype=L.long), s[:, :3], "sum"),
     "Index tensor must have the same number of dimensions as src tensor"),
    (lambda L, x, s: L.scatter_reduce(x, 2, L.zeros(2, 2, dtype=L.long), s, "sum"),
     "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    (lambda L, x, s: L.scatter_reduce(x, 0, L.zeros(1, 2, dtype=L.long), s, "add"),
     "reduce argument must be either sum, prod, mean, amax or amin, got add"),
    (lambda L, x, s: L.scatter_reduce(x, 0, L.zeros(0, 2, dtype=L.long), s, "foo"),
     "reduce argument must be either sum, prod, mean, amax or amin, got foo"),
    (lambda L, x, s: L.scatter_reduce(x, 0, L.zeros(1, 2, dtype=L.long), 1.0, "sum"),
     "scatter_reduce(): argument 'src' (position 4) must be Tensor, not float"),
    (lambda L, x, s: L.scatter_reduce(x, 0, [[0]], s, "sum"),
     "scatter_reduce(): argument 'index' (position 3) must be Tensor, not list"),
    (lambda L, x, s: L.scatter_reduce(x, 0, L.zeros(1, 2, dtype=L.long), s, 3),
     "scatter_reduce(): argument 'reduce' (position 5) must be str, not int"),
    (lambda L, x, s: L.scatter_reduce(x, 0.0, L.zeros(1, 2, dtype=L.long), s, "sum"),
     "scatter_reduce(): argument 'dim' (position 2) must be int, not float"),
    (lambda L, x, s: x.scatter_reduce(0.0, L.zeros(1, 2, dtype=L.long), s, "sum"),
     "scatter_reduce(): argument 'dim' (position 1) must be int, not float"),
    (lambda L, x, s: L.scatter_reduce(x, 0, L.zeros(1, 2, dtype=L.long), s, "sum",
                                      include_self=1),
     "scatter_reduce(): argument 'include_self' must be bool, not int"),
    (lambda L, x, s: x.scatter_reduce_(0, [0], s, "sum"),
     "scatter_reduce_(): argument 'index' (position 2) must be Tensor, not list"),
    (lambda L, x, s: L.scatter_reduce(x > 0, 0, L.zeros(1, 2, dtype=L.long), s > 0, "mean"),
     "\"scatter_gather_tensor_cpu_reduce_mean\" not implemented for 'Bool'"),
    (lambda L, x, s: L.scatter_reduce(x > 0, 0, L.zeros(0, 2, dtype=L.long), s > 0, "mean"),
     "\"div_floor_cpu\" not implemented for 'Bool'"),
    (lambda L, x, s: L.scatter_reduce(x.to(L.complex64), 0, L.zeros(1, 2, dtype=L.long),
                                      s.to(L.complex64), "amax"),
     "\"scatter_gather_tensor_cpu_reduce_amax\" not implemented for 'ComplexFloat'"),
    (lambda L, x, s: L.scatter_reduce(x.to(L.complex64), 0, L_(L, [[9]]), s.to(L.complex64), "amin",
                                      include_self=False),
     "index 9 is out of bounds for dimension 0 with size 3"),
    # index_reduce
    (lambda L, x, s: L.index_reduce(x, 0, L_(L, [5, 0]), s, "prod"),
     "index out of range in self"),
    (lambda L, x, s: L.index_reduce(x, 0, L_(L, [-1, 0]), s, "amax"),
     "index out of range in self"),
    (lambda L, x, s: L.index_reduce(x, 0, L_(L, [1, -1]), s, "amin", include_self=False),
     "index out of range in self"),
    (lambda L, x, s: L.index_reduce(x, 0, L_(L, [1, -5]), s, "mean", include_self=False),
     "index -5 is out of bounds for dimension 0 with size 3"),
    (lambda L, x, s: L.index_reduce(x, 0, L_(L, [1, 7]), s, "mean", include_self=False),
     "index 7 is out of bounds for dimension 0 with size 3"),
    (lambda L, x, s: L.index_reduce(x, 0, L_(L, [0, 0]), s, "sum"),
     "index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got sum."),
    (lambda L, x, s: L.index_reduce(x, 0, L_(L, [0, 0]), s.float(), "foo"),
     "index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got foo."),
    (lambda L, x, s: L.index_reduce(x, 0, L_(L, [[0, 0]]), s, "prod"),
     "index_reduce_(): Index is supposed to be a vector, but got dim: 2 with type: Long and "
     "size: [1, 2]"),
    (lambda L, x, s: L.index_reduce(x, 0, L_(L, [0.0, 0]), s, "prod"),
     "index_reduce_(): Expected dtype int32/int64 for index but got: Float"),
    (lambda L, x, s: L.index_reduce(x, 0, L_(L, [0, 0]), s[:, :3], "prod"),
     "source tensor shape must match self tensor shape, excluding the specified dimension. "
     "Got self.shape = [3, 4] source.shape = [2, 3]"),
    (lambda L, x, s: L.index_reduce(x, 0, L_(L, [0, 0, 1]), s, "prod"),
     "index_reduce_(): Number of indices (3) should be equal to source.size(dim): (2), for "
     "dim: 0"),
    (lambda L, x, s: L.index_reduce(x, 0, L_(L, [0, 0]), s.float(), "prod"),
     "index_reduce_(): self (Double) and source (Float) must have the same scalar type"),
    (lambda L, x, s: L.index_reduce(x, 1, L_(L, [0, 0]), s[0, :2], "prod"),
     "index_reduce_(): Indexing dim 1 is out of bounds of the source tensor with dim 1"),
    (lambda L, x, s: L.index_reduce(x, 0, L_(L, [0, 0]), s[0, 0], "prod"),
     "Dimension specified as 0 but tensor has no dimensions"),
    (lambda L, x, s: L.index_reduce(x, 0, L_(L, [1]), s[0, 0], "prod"),
     "Got self.shape = [3, 4] source.shape = []"),
    (lambda L, x, s: L.index_reduce(x[0, 0], 0, L_(L, [0, 0]), s[0, :2], "prod"),
     "Got self.shape = [] source.shape = [2]"),
    (lambda L, x, s: L.index_reduce(x, 2, L_(L, [0, 0]), s, "prod"),
     "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    (lambda L, x, s: L.index_reduce(x[0] > 0, 0, L_(L, [0, 0]), s[:, 0] > 0, "amax"),
     "\"index_func_\" not implemented for 'Bool'"),
    (lambda L, x, s: L.index_reduce(x > 0, 0, L_(L, [0, 0]), s > 0, "mean"),
     "\"div_floor_cpu\" not implemented for 'Bool'"),
    (lambda L, x, s: L.index_reduce(x.to(L.complex64), 0, L_(L, [1, 0]), s.to(L.complex64),
                                    "amin"),
     "\"minimum_cpu\" not implemented for 'ComplexFloat'"),
    (lambda L, x, s: L.index_reduce(x.to(L.complex64), 0, L_(L, [9, 0]), s.to(L.complex64),
                                    "amax"),
     "index out of range in self"),
    (lambda L, x, s: L.index_reduce(x[0].to(L.complex128), 0, L_(L, [0]),
                                    s[0, :1].to(L.complex128), "prod"),
     "\"index_func_\" not implemented for 'ComplexDouble'"),
    (lambda L, x, s: L.index_reduce(x > 0, 0, L_(L, [0, 0]), s > 0, "amin",
                                    include_self=False),
     "\"index_reduce_func_exclude_input_init\" not implemented for 'Bool'"),
    (lambda L, x, s: L.index_reduce([1], 0, L_(L, [0, 0]), s, "prod"),
     "index_reduce(): argument 'input' (position 1) must be Tensor, not list"),
    (lambda L, x, s: x.index_reduce_(0, L_(L, [0, 0]), 1.0, "prod"),
     "index_reduce_(): argument 'source' (position 3) must be Tensor, not float"),
    (lambda L, x, s: x.index_reduce_(0, L_(L, [0, 0]), s, 5),
     "index_reduce_(): argument 'reduce' (position 4) must be str, not int"),
    (lambda L, x, s: x.index_reduce(0, L_(L, [0, 0]), s, "prod", include_self=None),
     "index_reduce(): argument 'include_self' must be bool, not NoneType"),
    # in-place: leaf, overlapping self
    (lambda L, x, s: x.requires_grad_().scatter_reduce_(0, L.zeros(1, 2, dtype=L.long), s,
                                                        "sum"),
     "a leaf Variable that requires grad is being used in an in-place operation."),
    (lambda L, x, s: x.requires_grad_().index_reduce_(0, L_(L, [0, 0]), s, "prod"),
     "a leaf Variable that requires grad is being used in an in-place operation."),
    (lambda L, x, s: x[0].expand(2, 4).scatter_reduce_(0, L.zeros(1, 1, dtype=L.long),
                                                       s[:1, :1], "sum"),
     "more than one element of the written-to tensor refers to a single memory location"),
    (lambda L, x, s: x[0].expand(3, 4).index_reduce_(0, L_(L, [0, 0]), s, "prod"),
     "more than one element of the written-to tensor refers to a single memory location"),
]


@pytest.mark.parametrize("k", range(len(ERROR_CASES)))
def test_errors(k):
    fn, match = ERROR_CASES[k]
    check_raises(fn, X, SRC, match=match)


def test_registered():
    for name in ("scatter_reduce", "index_reduce"):
        assert callable(getattr(nt, name))
        for method in (name, name + "_"):
            assert getattr(nt.Tensor, method).__name__ == method
