"""tensor_split / hsplit / vsplit / dsplit, take, take_along_dim, atleast_Nd,
column_stack / dstack / row_stack, kron, tensordot, tril_indices / triu_indices, rot90,
index_fill, index_copy, block_diag and vander (numtensor/ops/more_shapes.py).

Differential against torch: the same lambda runs on both libraries (values, dtypes,
shapes, strides of views, exception types), on 0-d, empty and non-contiguous inputs;
gradients are compared with torch's.
"""
import warnings

import numpy as np
import pytest

import numtensor as nt
from autograd_helpers import assert_grads_match_torch, random_arrays
from core_helpers import check, check_raises, rand_array

import torch  # noqa: E402  (required: CI fails without the oracle)

RNG = np.random.default_rng(7)
X234 = rand_array(RNG, (2, 3, 4), np.float32)
X34 = rand_array(RNG, (3, 4), np.float32)
A6 = np.arange(6)


def grads(fn, *shapes):
    """fn's gradients (and values) on float64 leaves agree with torch's."""
    assert_grads_match_torch(torch, fn, random_arrays(shapes), check_name=False)


def weighted(pieces):
    """One tensor from a tuple of views: each piece's sum times its position + 1."""
    return sum((p.sum() * (i + 1) for i, p in enumerate(pieces)), pieces[0].sum() * 0)


# ---- tensor_split / hsplit / vsplit / dsplit ------------------------------------------
@pytest.mark.parametrize("arg", [1, 3, 4, 7, [], [2], (1, 4), [-2, 1, 10], [3, 1], [0, 0, 6]])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_tensor_split(arg, dim):
    x = rand_array(RNG, (6, 5), np.int32)
    check(lambda lib, t: lib.tensor_split(t, arg, dim), x, strides=True)
    check(lambda lib, t: t.tensor_split(arg, dim=dim), x, strides=True)


def test_tensor_split_inputs():
    check(lambda lib, t: lib.tensor_split(t.t(), 2, 1), X34, strides=True)  # non-contiguous
    check(lambda lib, t: lib.tensor_split(t[:, ::2], [1], -1), X34, strides=True)
    check(lambda lib, t: lib.tensor_split(t, 3), np.zeros((0, 2)), strides=True)
    check(lambda lib, t: lib.tensor_split(t, lib.tensor(4)), A6)
    check(lambda lib, t: lib.tensor_split(t, lib.tensor([1, 4])), A6)
    check(lambda lib, t: lib.tensor_split(t, (lib.tensor(1), 4)), A6)
    check(lambda lib, t: lib.tensor_split(t, sections=4), A6)
    check(lambda lib, t: lib.tensor_split(t, indices=[4], dim=0), A6)
    check(lambda lib, t: t.tensor_split(tensor_indices_or_sections=lib.tensor([2])), A6)
    assert type(nt.tensor_split(nt.arange(4), 2)) is tuple
    assert nt.tensor_split(nt.arange(4), 2)[1]._base is not None  # views


@pytest.mark.parametrize("call", [
    lambda lib, t: lib.tensor_split(t[0, 0, 0], 2),           # 0-d
    lambda lib, t: lib.tensor_split(t, 0),
    lambda lib, t: lib.tensor_split(t, -1),
    lambda lib, t: lib.tensor_split(t, 2, 3),                 # dim out of range
    lambda lib, t: lib.tensor_split(t, 2.0),
    lambda lib, t: lib.tensor_split(t, [1.0]),
    lambda lib, t: lib.tensor_split(t),
    lambda lib, t: lib.tensor_split(t, 2, sections=2),
    lambda lib, t: lib.tensor_split(t, sections=[1]),
    lambda lib, t: lib.tensor_split(t, lib.tensor([1], dtype=lib.int32)),
    lambda lib, t: lib.tensor_split(t, lib.tensor([1.0])),
    lambda lib, t: lib.tensor_split(t, lib.tensor([[1]])),
    lambda lib, t: lib.tensor_split(t, 2, bogus=1),
    lambda lib, t: lib.tensor_split([1, 2], 2),
    lambda lib, t: lib.hsplit([1, 2], 2),
])
def test_tensor_split_errors(call):
    check_raises(call, X234)


@pytest.mark.parametrize("fname", ["hsplit", "vsplit", "dsplit"])
@pytest.mark.parametrize("shape", [(), (6,), (6, 4), (2, 6, 4), (4, 2, 6, 2), (0, 2, 2)])
@pytest.mark.parametrize("arg", [2, 3, 0, -2, [1, -1, 5]])
def test_directional_split(fname, shape, arg):
    x = rand_array(RNG, shape, np.float64)
    check(lambda lib, t: getattr(lib, fname)(t, arg), x, strides=True)
    check(lambda lib, t: getattr(t, fname)(arg), x, strides=True)


def test_directional_split_keywords():
    check(lambda lib, t: lib.hsplit(t, sections=2), X34)
    check(lambda lib, t: lib.vsplit(t, indices=[1]), X34)
    check(lambda lib, t: t.dsplit(indices=[1]), X234)
    check_raises(lambda lib, t: lib.hsplit(t, lib.tensor([1])), X34)  # no tensor overload


def test_split_grads():
    grads(lambda lib, t: weighted(lib.tensor_split(t, [1, 3], 1)), (3, 5))
    grads(lambda lib, t: weighted(lib.tensor_split(t, [3, 1])), (4, 2))  # overlapping views
    grads(lambda lib, t: weighted(t.tensor_split(3)), (7,))
    grads(lambda lib, t: weighted(lib.hsplit(t, 2)), (3, 4))
    grads(lambda lib, t: weighted(lib.dsplit(t, [1])), (2, 2, 3))


# ---- take / take_along_dim ----------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.int16, np.bool_])
def test_take(dtype):
    x = rand_array(RNG, (3, 4), dtype)
    idx = np.array([[0, -1], [11, 5], [-12, 3]])
    check(lambda lib, t, i: lib.take(t, i), x, idx)
    check(lambda lib, t, i: t.take(i), x, idx)
    check(lambda lib, t, i: lib.take(t.t(), i), x, idx)             # non-contiguous
    check(lambda lib, t, i: lib.take(t, i[0, 1]), x, idx)           # 0-d index: a copy
    check(lambda lib, t, i: lib.take(t[0, 0], i[:0]), x, idx)        # 0-d input, empty index
    check(lambda lib, t, i: t.take(index=i), x, idx)


def test_take_is_a_copy():
    x = nt.arange(4)
    y = nt.take(x, nt.tensor(2))
    y += 10
    assert x.tolist() == [0, 1, 2, 3]


@pytest.mark.parametrize("call", [
    lambda lib, t: lib.take(t, lib.tensor([12])),
    lambda lib, t: lib.take(t, lib.tensor([[0], [-13]])),
    lambda lib, t: lib.take(t, lib.tensor([0], dtype=lib.int32)),
    lambda lib, t: lib.take(t, [0]),
    lambda lib, t: lib.take(t[:0], lib.tensor([0])),
    lambda lib, t: lib.take(t, lib.tensor([0]), out=lib.empty(0, dtype=lib.long)),
])
def test_take_errors(call):
    check_raises(call, X34)


def test_take_out():
    check(lambda lib, t: lib.take(t, lib.tensor([1, 2]), out=lib.empty(0)), X34)


@pytest.mark.parametrize("dim", [0, 1, -1, 2])
def test_take_along_dim(dim):
    x = rand_array(RNG, (2, 3, 4), np.float64)
    idx = RNG.integers(0, 2, (1, 3, 2))       # broadcasts against x on the other dims
    check(lambda lib, t, i: lib.take_along_dim(t, i, dim), x, idx)
    check(lambda lib, t, i: t.take_along_dim(i, dim), x, idx)
    check(lambda lib, t, i: lib.take_along_dim(t.transpose(0, 2), i.transpose(0, 2), dim),
          x, idx)
    check(lambda lib, t, i: lib.take_along_dim(t, lib.argsort(t, dim), dim), x, idx)


def test_take_along_dim_cases():
    x = rand_array(RNG, (3, 4), np.int64)
    check(lambda lib, t: lib.take_along_dim(t, lib.tensor([0, 11, 5])), x)        # flattened
    check(lambda lib, t: lib.take_along_dim(t, lib.tensor([[-1], [4], [-5]]), 1), x)  # modulo
    check(lambda lib, t: lib.take_along_dim(t, lib.tensor([[1]], dtype=lib.int32)), x)
    check(lambda lib, t: lib.take_along_dim(t, lib.tensor([[1]], dtype=lib.int32), 0), x)
    check(lambda lib, t: lib.take_along_dim(t[0, 0], lib.tensor(0)), x)          # 0-d input
    check(lambda lib, t: lib.take_along_dim(t[:0], lib.tensor([[0]])[:0], 0), x)  # empty
    check(lambda lib, t: lib.take_along_dim(t, lib.tensor([[1]]), 1,
                                            out=lib.empty(0, dtype=lib.long)), x)


@pytest.mark.parametrize("call", [
    lambda lib, t: lib.take_along_dim(t, lib.tensor([0])[None], 2),
    lambda lib, t: lib.take_along_dim(t, lib.tensor([0])),                   # ndim: ok flat
    lambda lib, t: lib.take_along_dim(t, lib.tensor([[0]]).expand(4, 1), 1),
    lambda lib, t: lib.take_along_dim(t, lib.tensor([[0]], dtype=lib.int16), 1),
    lambda lib, t: lib.take_along_dim(t, lib.tensor([[0.0]]), 1),
    lambda lib, t: lib.take_along_dim(t, lib.tensor([-1])),
    lambda lib, t: lib.take_along_dim(t, lib.tensor([[0], [1], [1]]), 0,
                                      out=lib.empty(0, dtype=lib.long)),
    lambda lib, t: lib.take_along_dim(t[0, 0], lib.tensor(0), 0),
    lambda lib, t: lib.take_along_dim(t, [0]),
])
def test_take_along_dim_checks(call):
    check(call, X34)


def test_take_grads():
    grads(lambda lib, t: lib.take(t, lib.tensor([[0, 5], [5, -1]])), (2, 3))
    grads(lambda lib, t: lib.take_along_dim(t, lib.tensor([[[0], [2], [-1]]]), 2), (2, 3, 4))
    grads(lambda lib, t: lib.take_along_dim(t, lib.tensor([1, 1, 4])), (2, 3))


# ---- atleast_Nd -----------------------------------------------------------------------------
@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("shape", [(), (3,), (0,), (2, 3), (2, 1, 3), (1, 2, 3, 1)])
def test_atleast(n, shape):
    x = rand_array(RNG, shape, np.int8)
    fname = f"atleast_{n}d"
    check(lambda lib, t: getattr(lib, fname)(t), x, strides=True)
    check(lambda lib, t: getattr(lib, fname)(t, t[..., ::2]), x, strides=True)
    check(lambda lib, t: getattr(lib, fname)([t]), x, strides=True)
    check(lambda lib, t: getattr(lib, fname)(), x)
    check(lambda lib, t: getattr(lib, fname)(t, 1), x)
    check(lambda lib, t: getattr(lib, fname)(1), x)
    t = nt.from_numpy(x)
    if t.ndim >= n:
        assert getattr(nt, fname)(t) is t  # returned as is, as torch does


def test_atleast_grads():
    grads(lambda lib, t: lib.atleast_3d(t), (4,))
    grads(lambda lib, t: lib.atleast_2d(t[0, 0]), (2, 2))


# ---- column_stack / dstack / row_stack ----------------------------------------------------
@pytest.mark.parametrize("fname", ["column_stack", "dstack", "row_stack"])
def test_stacks(fname):
    fn = lambda lib: getattr(lib, fname)  # noqa: E731
    a, b = rand_array(RNG, (3,), np.int32), rand_array(RNG, (3, 2), np.float32)
    check(lambda lib, s, t: fn(lib)([s, s]), a, b)
    check(lambda lib, s, t: fn(lib)((s[0], s[1])), a, b)           # 0-d
    check(lambda lib, s, t: fn(lib)([t, t.t().t()]), a, b)
    check(lambda lib, s, t: fn(lib)([s, t]), a, b)                   # mixed shapes and dtypes
    check(lambda lib, s, t: fn(lib)([t[:0], t[:0]]), a, b)           # empty
    check(lambda lib, s, t: fn(lib)([t, t], out=lib.empty(0, dtype=lib.float64)), a, b)
    check(lambda lib, s, t: fn(lib)([]), a, b)
    check(lambda lib, s, t: fn(lib)(t), a, b)
    check(lambda lib, s, t: fn(lib)([t, 1]), a, b)
    grads(lambda lib, s, t: fn(lib)([s, t[:, 0]]), (3,), (3, 2))


def test_row_stack_warns_as_torch():
    for lib in (torch, nt):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lib.row_stack([lib.ones(2)])
        if lib is torch:
            want = [type(m.message) for m in w]
        else:
            assert [type(m.message) for m in w] == want


# ---- kron / tensordot ---------------------------------------------------------------------
@pytest.mark.parametrize("sa,sb", [((), ()), ((2,), (3,)), ((2, 3), (3,)), ((2,), (2, 2, 2)),
                                   ((0, 2), (3, 1)), ((2, 1, 3), (1, 2, 2))])
def test_kron(sa, sb):
    a, b = rand_array(RNG, sa, np.int64), rand_array(RNG, sb, np.float32)
    check(lambda lib, s, t: lib.kron(s, t), a, b)
    check(lambda lib, s, t: s.kron(t), a, a)
    check(lambda lib, s, t: lib.kron(t, s, out=lib.empty(0)), a, b)
    if len(sa) == 2:
        check(lambda lib, s, t: lib.kron(s[:, ::2], t), a, b)          # non-contiguous


def test_kron_of_transposed():
    """torch's kron raises for a transposed input (its result cannot be viewed);
    numtensor computes it."""
    with pytest.raises(RuntimeError):
        torch.kron(torch.ones(2, 3).t(), torch.ones(3))
    a = nt.arange(6.0).reshape(2, 3)
    assert nt.equal(nt.kron(a.t(), nt.arange(3.0)), nt.kron(a.t().contiguous(), nt.arange(3.0)))


def test_kron_cases():
    check(lambda lib, s: lib.kron(s > 0, s > 1), X34)               # bool
    check(lambda lib, s: lib.kron(s, s, out=lib.empty(0, dtype=lib.long)), X34)
    check(lambda lib, s: lib.kron(s, [1]), X34)
    grads(lambda lib, s, t: lib.kron(s, t), (2, 3), (2,))
    with pytest.raises(RuntimeError):
        nt.kron(nt.ones(2, requires_grad=True), nt.ones(2), out=nt.empty(0))


@pytest.mark.parametrize("dims", [0, 1, 2, ([1, 2], [0, 1]), [[2], [1]], ([-1], [-2]), ((), ()),
                                  ([2, 1], [1, 0])])
def test_tensordot(dims):
    a, b = rand_array(RNG, (2, 3, 4), np.float64), rand_array(RNG, (3, 4, 5), np.float64)
    check(lambda lib, s, t: lib.tensordot(s, t, dims), a, b)
    check(lambda lib, s, t: lib.tensordot(s.transpose(0, 2).transpose(0, 2), t, dims=dims), a, b)


def test_tensordot_cases():
    a, b = rand_array(RNG, (2, 3), np.int32), rand_array(RNG, (3, 2), np.int32)
    check(lambda lib, s, t: lib.tensordot(s, t, 1), a, b)                     # integers
    check(lambda lib, s, t: lib.tensordot(s, t), a, b)                        # default dims=2
    check(lambda lib, s, t: lib.tensordot(s, t, lib.tensor(1)), a, b)
    check(lambda lib, s, t: lib.tensordot(s, t, lib.tensor([[1], [0]])), a, b)
    check(lambda lib, s, t: lib.tensordot(s[:, :1], t, ([1], [0])), a, b)     # size 1 vs 3
    check(lambda lib, s, t: lib.tensordot(s, t[:1], ([1], [0])), a, b)
    check(lambda lib, s, t: lib.tensordot(s[0, 0], t[0, 0], 0), a, b)        # 0-d
    check(lambda lib, s, t: lib.tensordot(s[:0], t, 1), a, b)                 # empty
    check(lambda lib, s, t: lib.tensordot(s, t, 1, out=lib.empty(0, dtype=lib.int32)), a, b)
    grads(lambda lib, s, t: lib.tensordot(s, t, ([0, 2], [2, 1])), (2, 3, 4), (5, 4, 2))
    grads(lambda lib, s, t: lib.tensordot(s, t, ([1], [0])), (2, 1), (3, 2))


@pytest.mark.parametrize("call", [
    lambda lib, s, t: lib.tensordot(s, t, -1),
    lambda lib, s, t: lib.tensordot(s, t, 3),
    lambda lib, s, t: lib.tensordot(s, t, 1.5),
    lambda lib, s, t: lib.tensordot(s, t, (0, 0)),
    lambda lib, s, t: lib.tensordot(s, t, ([1], [1], [1])),
    lambda lib, s, t: lib.tensordot(s, t, ([1], [0, 1])),
    lambda lib, s, t: lib.tensordot(s, t, ([1, 1], [0, 0])),
    lambda lib, s, t: lib.tensordot(s, t, ([2], [0])),
    lambda lib, s, t: lib.tensordot(s, t, ([0], [0])),
    lambda lib, s, t: lib.tensordot(s, t.double(), 1),
    lambda lib, s, t: lib.tensordot(s, t, lib.tensor([[1], [0], [0]])),
    lambda lib, s, t: lib.tensordot(s, t, lib.tensor([1, 0])),
    lambda lib, s, t: lib.tensordot(s, t, 1, out=lib.empty(0, dtype=lib.long)),
    lambda lib, s, t: lib.tensordot(s, t, 1, bogus=1),
])
def test_tensordot_errors(call):
    check(call, rand_array(RNG, (2, 3), np.float32), rand_array(RNG, (3, 2), np.float32))


# ---- tril_indices / triu_indices ------------------------------------------------------------
@pytest.mark.parametrize("fname", ["tril_indices", "triu_indices"])
@pytest.mark.parametrize("row,col", [(3, 3), (3, 5), (5, 2), (0, 3), (3, 0), (1, 1)])
@pytest.mark.parametrize("offset", [0, 1, -2, 10, -10])
def test_triangle_indices(fname, row, col, offset):
    check(lambda lib: getattr(lib, fname)(row, col, offset), strides=True)


@pytest.mark.parametrize("fname", ["tril_indices", "triu_indices"])
def test_triangle_indices_options(fname):
    check(lambda lib: getattr(lib, fname)(4, 3, dtype=lib.int32, device="cpu"))
    check(lambda lib: getattr(lib, fname)(row=4, col=3, offset=1, layout=lib.strided))
    for call in (lambda lib: getattr(lib, fname)(-1, 3),
                 lambda lib: getattr(lib, fname)(3, -1),
                 lambda lib: getattr(lib, fname)(3.0, 3),
                 lambda lib: getattr(lib, fname)(3, 3, 1.0),
                 lambda lib: getattr(lib, fname)(3, 3, dtype=lib.float32),
                 lambda lib: getattr(lib, fname)(3, 3, dtype=lib.int8),
                 lambda lib: getattr(lib, fname)(3, 3, bogus=1)):
        check(call)


# ---- rot90 ----------------------------------------------------------------------------------
@pytest.mark.parametrize("k", [-5, -1, 0, 1, 2, 3, 4, 6])
@pytest.mark.parametrize("dims", [(0, 1), [1, 0], [0, 2], (-1, 1), [2, -3]])
def test_rot90(k, dims):
    check(lambda lib, t: lib.rot90(t, k, dims), X234, strides=True)
    check(lambda lib, t: t.rot90(k, dims), X234, strides=True)
    check(lambda lib, t: lib.rot90(t.transpose(0, 2), k, dims), X234, strides=True)


def test_rot90_cases():
    check(lambda lib, t: lib.rot90(t), X34, strides=True)
    check(lambda lib, t: t.rot90(), X34, strides=True)
    check(lambda lib, t: lib.rot90(t[:0], 1), X34, strides=True)
    check(lambda lib, t: lib.rot90(t > 0, 1), X34)
    grads(lambda lib, t: lib.rot90(t, 1, [0, 2]), (2, 3, 4))
    grads(lambda lib, t: lib.rot90(t, 2), (2, 3))
    grads(lambda lib, t: lib.rot90(t, 3), (2, 3))
    grads(lambda lib, t: lib.rot90(t, 0), (2, 3))


@pytest.mark.parametrize("call", [
    lambda lib, t: lib.rot90(t[0, 0]),
    lambda lib, t: lib.rot90(t, 1, [0, 1, 2]),
    lambda lib, t: lib.rot90(t, 1, [1, 1]),
    lambda lib, t: lib.rot90(t, 1, [0, -3]),
    lambda lib, t: lib.rot90(t, 1, [0, 3]),
    lambda lib, t: lib.rot90(t, 1, [-4, 1]),
    lambda lib, t: lib.rot90(t, 1.0),
    lambda lib, t: lib.rot90(t, 1, 0),
    lambda lib, t: lib.rot90([[1]]),
])
def test_rot90_errors(call):
    check_raises(call, X234)


# ---- index_fill -----------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.uint8, np.bool_])
@pytest.mark.parametrize("dim,index", [(0, [0, 2]), (1, [-1]), (-1, [3, 0, 3]), (1, []),
                                       (0, 1)])
def test_index_fill(dtype, dim, index):
    x = rand_array(RNG, (3, 4), dtype)
    idx = np.array(index, dtype=np.int64)
    check(lambda lib, t, i: lib.index_fill(t, dim, i, 1), x, idx)
    check(lambda lib, t, i: t.index_fill(dim, i, lib.tensor(0)), x, idx)
    check(lambda lib, t, i: t.t().index_fill(dim, i, True), x, idx)       # non-contiguous
    check(lambda lib, t, i: t.clone().index_fill_(dim, i, 7), x, idx)
    check(lambda lib, t, i: t.t().clone().t().index_fill_(dim, index=i, value=0), x, idx)


def test_index_fill_cases():
    i = np.array([1])
    check(lambda lib, t, i: lib.index_fill(t[0, 0], 0, i[:1] - 1, 5.0), X34, i)   # 0-d
    check(lambda lib, t, i: lib.index_fill(t[0, 0], -1, i[0] - 1, 5.0), X34, i)
    check(lambda lib, t, i: lib.index_fill(t[:0], 1, i, 5.0), X34, i)             # empty
    check(lambda lib, t, i: lib.index_fill(t.long(), 1, i, 5.7), X34, i)           # truncates
    check(lambda lib, t, i: lib.index_fill(t, 1, i, lib.tensor(2.5, dtype=lib.float64)), X34, i)
    check(lambda lib, t, i: t[:, 1:].index_fill_(1, i, -1.0), X34, i)             # a view
    x = nt.zeros(2, 3)
    v = x[:, :2]
    v.index_fill_(1, nt.tensor([1]), 4.0)
    assert x.tolist() == [[0, 4, 0], [0, 4, 0]]


@pytest.mark.parametrize("call", [
    lambda lib, t: lib.index_fill(t, 1, lib.tensor([4]), 1.0),
    lambda lib, t: lib.index_fill(t, 1, lib.tensor([0, -5]), 1.0),
    lambda lib, t: lib.index_fill(t, 2, lib.tensor([0]), 1.0),
    lambda lib, t: lib.index_fill(t, 1, lib.tensor([0], dtype=lib.int32), 1.0),
    lambda lib, t: lib.index_fill(t, 1, lib.tensor([[0]]), 1.0),
    lambda lib, t: lib.index_fill(t, 1, lib.tensor([0]), lib.tensor([1.0])),
    lambda lib, t: lib.index_fill(t, 1, lib.tensor([0]), 1j),
    lambda lib, t: lib.index_fill(t, 1, [0], 1.0),
    lambda lib, t: lib.index_fill(t[0, 0], 0, lib.tensor([1]), 1.0),
    lambda lib, t: t.requires_grad_().index_fill_(0, lib.tensor([1]), 1.0),
])
def test_index_fill_errors(call):
    check_raises(call, X34)


def test_index_fill_expanded_warns():
    got = []
    for lib in (torch, nt):
        x = lib.arange(8.0).reshape(1, 2, 4).expand(3, 2, 4)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            x.index_fill_(2, lib.tensor([1, 3]), -1.0)
        got.append((x.tolist(), [str(m.message)[:40] for m in w]))
    assert got[0] == got[1]


def test_index_fill_grads():
    grads(lambda lib, t: lib.index_fill(t, 1, lib.tensor([0, 2, 0]), 3.0), (3, 4))
    grads(lambda lib, t, v: lib.index_fill(t, 0, lib.tensor([2, 0, 2]), v[0]), (3, 4), (1,))
    grads(lambda lib, t, v: (t * 1).index_fill_(1, lib.tensor([1]), v[0]), (3, 4), (1,))


# ---- index_copy -----------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float64, np.int32, np.bool_])
@pytest.mark.parametrize("dim,index", [(0, [2, 0]), (1, [3]), (-1, [1, 0, 2]), (1, []), (0, 1)])
def test_index_copy(dtype, dim, index):
    x = rand_array(RNG, (3, 4), dtype)
    idx = np.array(index, dtype=np.int64)
    shape = list(x.shape)
    shape[dim] = idx.size
    src = rand_array(RNG, shape, dtype)
    check(lambda lib, t, i, s: lib.index_copy(t, dim, i, s), x, idx, src)
    check(lambda lib, t, i, s: t.index_copy(dim, i, source=s), x, idx, src)
    check(lambda lib, t, i, s: t.t().t().index_copy(dim, i, s.t().t()), x, idx, src)
    check(lambda lib, t, i, s: t.clone().index_copy_(dim, i, s), x, idx, src)
    check(lambda lib, t, i, s: lib.index_copy(t, dim, i, s, out=lib.empty(0, dtype=t.dtype)),
          x, idx, src)


def test_index_copy_cases():
    check(lambda lib, t: lib.index_copy(t, 0, lib.tensor([2]), lib.tensor(9)), A6)     # 0-d source
    check(lambda lib, t: lib.index_copy(t[0], 0, lib.tensor([0]), t[1:2]), A6)          # 0-d self
    check(lambda lib, t: lib.index_copy(t[0], 0, lib.tensor(0), t[1]), A6)
    check(lambda lib, t: lib.index_copy(t.reshape(2, 3)[:0], 1, lib.tensor([0]),
                                        t.reshape(2, 3)[:0, :1]), A6)                   # empty
    check(lambda lib, t: t.reshape(2, 3)[:, 1:].index_copy_(1, lib.tensor([1]),
                                                             t.reshape(2, 3)[:, :1] * 0), A6)


@pytest.mark.parametrize("call", [
    lambda lib, t: lib.index_copy(t, 1, lib.tensor([-1]), lib.ones(3, 1)),
    lambda lib, t: lib.index_copy(t, 1, lib.tensor([4]), lib.ones(3, 1)),
    lambda lib, t: lib.index_copy(t, 1, lib.tensor([0], dtype=lib.int32), lib.ones(3, 1)),
    lambda lib, t: lib.index_copy(t, 1, lib.tensor([[0]]), lib.ones(3, 1)),
    lambda lib, t: lib.index_copy(t, 1, lib.tensor([0, 1]), lib.ones(3, 1)),
    lambda lib, t: lib.index_copy(t, 1, lib.tensor([0]), lib.ones(3, 1, dtype=lib.float64)),
    lambda lib, t: lib.index_copy(t, 1, lib.tensor([0]), lib.ones(3)),
    lambda lib, t: lib.index_copy(t, 1, lib.tensor([0]), lib.ones(2, 1)),
    lambda lib, t: lib.index_copy(t, 0, lib.tensor([0, 1]), lib.tensor(1.0)),
    lambda lib, t: lib.index_copy(t, 0, lib.tensor([0]), lib.tensor(1.0)),
    lambda lib, t: lib.index_copy(t, 2, lib.tensor([0]), lib.ones(3, 1)),
    lambda lib, t: lib.index_copy(t, 1, lib.tensor([0]), lib.ones(3, 1),
                                  out=lib.empty(0, dtype=lib.long)),
    lambda lib, t: t.requires_grad_().index_copy_(1, lib.tensor([0]), lib.ones(3, 1)),
    lambda lib, t: t.index_copy(1, lib.tensor([0]), tensor=lib.ones(3, 1)),
])
def test_index_copy_errors(call):
    check_raises(call, X34)


def test_index_copy_grads():
    grads(lambda lib, t, s: lib.index_copy(t, 1, lib.tensor([3, 0]), s), (3, 4), (3, 2))
    grads(lambda lib, t, s: (t * 1).index_copy_(0, lib.tensor([1]), s), (3, 4), (1, 4))


# ---- block_diag / vander --------------------------------------------------------------------
def test_block_diag():
    a, b = rand_array(RNG, (2, 3), np.float32), rand_array(RNG, (4,), np.int32)
    check(lambda lib, s, t: lib.block_diag(s, t, s[0, 0], t[:1]), a, b)
    check(lambda lib, s, t: lib.block_diag(s.t(), t[::2]), a, b)
    check(lambda lib, s, t: lib.block_diag(t, t[0]), a, b)                   # 0-d: its dtype
    check(lambda lib, s, t: lib.block_diag(s[0, 0].double(), t), a, b)       # 0-d of higher kind
    check(lambda lib, s, t: lib.block_diag(s[:0], t[:0], s[:, :0]), a, b)    # empty blocks
    check(lambda lib, s, t: lib.block_diag(s > 0, t > 0), a, b)
    check(lambda lib, s, t: lib.block_diag(), a, b)
    check(lambda lib, s, t: lib.block_diag(s, s[None]), a, b)
    check(lambda lib, s, t: lib.block_diag([s]), a, b)
    grads(lambda lib, s, t: lib.block_diag(s, t, s[0, 0]), (2, 3), (2,))


def test_vander():
    x = rand_array(RNG, (4,), np.float64)
    for dtype in (np.float64, np.float32, np.int8, np.int64, np.bool_):
        xs = x.astype(dtype)
        check(lambda lib, t: lib.vander(t), xs)
        check(lambda lib, t: lib.vander(t[::2], N=4, increasing=True), xs)
    for n in (0, 1, 2):
        check(lambda lib, t: lib.vander(t, n), x)
    check(lambda lib, t: lib.vander(t[:0]), x)
    check(lambda lib, t: lib.vander(t, -1), x)
    check(lambda lib, t: lib.vander(t[0]), x)
    check(lambda lib, t: lib.vander(t[None]), x)
    # torch's own vander cannot backward (an in-place cumprod): compare with powers
    grads(lambda lib, t: lib.vander(t, 4) if lib is nt else t[:, None] ** lib.arange(3, -1, -1),
          (3,))
    grads(lambda lib, t: lib.vander(t, 3, increasing=True) if lib is nt
          else t[:, None] ** lib.arange(3), (4,))


def test_names_and_docs():
    for name in ("tensor_split", "hsplit", "vsplit", "dsplit", "take", "take_along_dim",
                 "atleast_1d", "atleast_2d", "atleast_3d", "column_stack", "dstack", "row_stack",
                 "kron", "tensordot", "tril_indices", "triu_indices", "rot90", "index_fill",
                 "index_copy", "block_diag", "vander"):
        assert getattr(nt, name).__doc__.strip()
    for name in ("tensor_split", "hsplit", "vsplit", "dsplit", "take", "take_along_dim", "kron",
                 "rot90", "index_fill", "index_fill_", "index_copy", "index_copy_"):
        assert getattr(nt.Tensor, name).__doc__.strip()
