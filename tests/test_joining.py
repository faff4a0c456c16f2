"""Joining, splitting and index-driven ops against PyTorch, forward and backward."""
import numpy as np
import pytest

import numtensor as nt

import torch  # noqa: E402  (required: CI fails without the oracle)


def _both(arr, requires_grad=False):
    arr = np.asarray(arr)
    a, b = nt.from_numpy(arr.copy()), torch.from_numpy(arr.copy())
    if requires_grad:
        a.requires_grad_()
        b.requires_grad_()
    return a, b


def _same(got, want):
    if isinstance(want, (tuple, list)):
        assert isinstance(got, (tuple, list)) and len(got) == len(want)
        for g, w in zip(got, want):
            _same(g, w)
        return
    assert isinstance(got, nt.Tensor)
    assert tuple(got.shape) == tuple(want.shape), (tuple(got.shape), tuple(want.shape))
    assert str(got.dtype) == str(want.dtype), (got.dtype, want.dtype)
    np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-6)


def _rand(*shape, seed=0, dtype=np.float32):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def check(fn, *arrays, grad=False, permute=False):
    """fn(lib, *tensors) on numtensor and torch: same forward and (optionally) gradients."""
    pairs = [_both(a, requires_grad=grad) for a in arrays]
    ins_a = [p[0] for p in pairs]
    ins_b = [p[1] for p in pairs]
    if permute:
        ins_a = [t.t() for t in ins_a]
        ins_b = [t.t() for t in ins_b]
    got, want = fn(nt, *ins_a), fn(torch, *ins_b)
    _same(got, want)
    if grad:
        outs_a = got if isinstance(got, (tuple, list)) else (got,)
        outs_b = want if isinstance(want, (tuple, list)) else (want,)
        for k, (oa, ob) in enumerate(zip(outs_a, outs_b)):
            w = _rand(*ob.shape, seed=10 + k).astype(np.float64)
            oa_loss = (oa * nt.from_numpy(w.astype(str(oa.dtype).split(".")[-1]))).sum()
            ob_loss = (ob * torch.from_numpy(w.astype(str(ob.dtype).split(".")[-1]))).sum()
            oa_loss.backward(retain_graph=True)
            ob_loss.backward(retain_graph=True)
        for (a, b) in pairs:
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-5, atol=1e-6)
    return got


# ---- cat / stack -----------------------------------------------------------------------
@pytest.mark.parametrize("dim", [0, 1, -1, -2])
def test_cat_dims(dim):
    check(lambda L, x, y: L.cat((x, y), dim=dim), _rand(2, 3), _rand(2, 3, seed=1), grad=True)
    check(lambda L, x, y: L.cat([x, y, x], dim), _rand(3, 3), _rand(3, 3, seed=1),
          grad=True, permute=True)


def test_cat_default_dim_and_lists():
    check(lambda L, x, y: L.cat([x, y]), _rand(2, 3), _rand(4, 3, seed=1))
    check(lambda L, x: L.cat((x,)), _rand(2, 3))


def test_cat_promotes_dtypes():
    for da, db in [(np.int64, np.float32), (np.int32, np.int64), (np.bool_, np.int64),
                   (np.float32, np.float64)]:
        check(lambda L, x, y: L.cat((x, y), 1), _rand(2, 2).astype(da),
              _rand(2, 3, seed=1).astype(db))


def test_cat_skips_legacy_empty_vectors():
    a = nt.cat([nt.zeros(0), nt.ones(2, 3)])
    assert tuple(a.shape) == (2, 3)


def test_cat_errors():
    with pytest.raises(RuntimeError) as e:
        nt.cat([nt.zeros(2, 2), nt.zeros(3, 3)], 1)
    assert str(e.value) == ("Sizes of tensors must match except in dimension 1. Expected size 2 "
                            "but got size 3 for tensor number 1 in the list.")
    with pytest.raises(RuntimeError) as e:
        nt.cat([nt.zeros(2, 2), nt.zeros(2)], 0)
    with pytest.raises(RuntimeError) as w:
        torch.cat([torch.zeros(2, 2), torch.zeros(2)], 0)
    assert str(e.value) == str(w.value)
    with pytest.raises(IndexError, match="Dimension out of range"):
        nt.cat([nt.zeros(2, 2)], 2)
    with pytest.raises(RuntimeError, match="expected a non-empty list of Tensors"):
        nt.cat([])
    with pytest.raises(TypeError):
        nt.cat(nt.zeros(2))


@pytest.mark.parametrize("dim", [0, 1, 2, -1])
def test_stack(dim):
    check(lambda L, x, y: L.stack((x, y), dim), _rand(2, 3), _rand(2, 3, seed=1), grad=True)
    out = nt.stack([nt.ones(2), nt.zeros(2)], dim % 2)
    assert out.grad_fn is None


def test_stack_grad_fn_and_errors():
    x = nt.ones(2, requires_grad=True)
    assert nt.stack([x, x]).grad_fn.name() == "StackBackward0"
    assert nt.cat([x, x]).grad_fn.name() == "CatBackward0"
    with pytest.raises(RuntimeError) as e:
        nt.stack([nt.zeros(2), nt.zeros(3)])
    with pytest.raises(RuntimeError) as w:
        torch.stack([torch.zeros(2), torch.zeros(3)])
    assert str(e.value) == str(w.value)


def test_lecture_cat_prints_like_torch():
    out = []
    for L in (nt, torch):
        X = L.arange(12, dtype=L.float32).reshape((3, 4))
        Y = L.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])
        out.append(repr((L.cat((X, Y), dim=0), L.cat((X, Y), dim=1))))
    assert out[0] == out[1]


# ---- split / chunk / unbind -------------------------------------------------------------
@pytest.mark.parametrize("arg,dim", [(2, 0), (3, 0), (1, 1), ([1, 4], 0), ([2, 0, 1], 1), (5, -1)])
def test_split(arg, dim):
    got = check(lambda L, x: L.split(x, arg, dim), _rand(5, 3), grad=True)
    check(lambda L, x: x.split(arg, dim), _rand(5, 3))
    x = nt.from_numpy(_rand(5, 3))
    for piece in x.split(arg, dim):  # pieces are views
        assert piece.untyped_storage() is x.untyped_storage()
    assert isinstance(got, tuple)


def test_split_grad_fn_names():
    x = nt.ones(4, requires_grad=True)
    assert x.split(2)[0].grad_fn.name() == "SplitBackward0"
    assert x.split([1, 3])[1].grad_fn.name() == "SplitWithSizesBackward0"


def test_split_errors():
    with pytest.raises(RuntimeError) as e:
        nt.ones(5).split([1, 2])
    with pytest.raises(RuntimeError) as w:
        torch.ones(5).split([1, 2])
    assert str(e.value) == str(w.value)


def test_lecture_split_batches():
    train_input = nt.arange(10.0).reshape(5, 2)
    want = torch.arange(10.0).reshape(5, 2).split(2)
    _same(train_input.split(2), want)


@pytest.mark.parametrize("chunks,dim", [(2, 0), (3, 0), (4, 1), (6, 0)])
def test_chunk(chunks, dim):
    check(lambda L, x: L.chunk(x, chunks, dim), _rand(5, 4), grad=True)
    check(lambda L, x: x.chunk(chunks, dim), _rand(5, 4), permute=True)


def test_split_and_chunk_of_empty_dims():
    check(lambda L, x: x.chunk(3), np.zeros(0, np.float32))
    check(lambda L, x: x.chunk(2, 1), np.zeros((0, 2), np.float32))
    check(lambda L, x: x.split(2), np.zeros(0, np.float32))
    for fn in (lambda L: L.zeros(3).chunk(0), lambda L: L.zeros(3).split(0)):
        with pytest.raises(RuntimeError) as w:
            fn(torch)
        with pytest.raises(RuntimeError) as e:
            fn(nt)
        assert str(e.value) == str(w.value)


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_unbind(dim):
    check(lambda L, x: L.unbind(x, dim), _rand(3, 2), grad=True)
    check(lambda L, x: x.unbind(dim), _rand(3, 2), permute=True)


# ---- index_select / repeat / tile / flip -------------------------------------------------
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_index_select(dim):
    idx = np.array([2, 0, 2, 1])
    check(lambda L, x: L.index_select(x, dim, L.from_numpy(idx.copy())), _rand(3, 3), grad=True)
    check(lambda L, x: x.index_select(dim, L.from_numpy(idx.copy())), _rand(3, 3), permute=True)
    x = nt.ones(3, 3, requires_grad=True)
    assert x.index_select(0, nt.tensor([0])).grad_fn.name() == "IndexSelectBackward0"


def test_index_select_errors():
    with pytest.raises(IndexError, match="index out of range in self"):
        nt.zeros(3).index_select(0, nt.tensor([3]))
    with pytest.raises(IndexError, match="index out of range in self"):
        torch.zeros(3).index_select(0, torch.tensor([3]))


@pytest.mark.parametrize("reps", [(2,), (2, 3), (1, 1), (2, 1, 3), (0, 2)])
def test_repeat(reps):
    check(lambda L, x: x.repeat(*reps), _rand(2, 3) if len(reps) > 1 else _rand(3), grad=True)
    if len(reps) >= 2:
        check(lambda L, x: x.repeat(reps), _rand(3, 2), permute=True, grad=True)


def test_repeat_lecture_and_errors():
    a, b = nt.arange(10), torch.arange(10)
    _same(a[None, :].repeat(10, 1), b[None, :].repeat(10, 1))
    _same(a[:, None].repeat(1, 10), b[:, None].repeat(1, 10))
    x = nt.ones(2, requires_grad=True)
    assert x.repeat(2).grad_fn.name() == "RepeatBackward0"
    with pytest.raises(RuntimeError) as e:
        nt.ones(2, 2).repeat(2)
    with pytest.raises(RuntimeError) as w:
        torch.ones(2, 2).repeat(2)
    assert str(e.value) == str(w.value)


@pytest.mark.parametrize("dims", [(2,), (2, 2), (3, 1, 2)])
def test_tile(dims):
    check(lambda L, x: L.tile(x, dims), _rand(2, 3), grad=True)


@pytest.mark.parametrize("dims", [(0,), (1,), (0, 1), (-1,)])
def test_flip(dims):
    check(lambda L, x: L.flip(x, dims), _rand(3, 4), grad=True)
    check(lambda L, x: x.flip(dims), _rand(3, 4), permute=True)


# ---- masked_fill / gather / scatter / index_add / nonzero ----------------------------------
def test_masked_fill():
    m = _rand(3, 4, seed=5) > 0
    check(lambda L, x: x.masked_fill(L.from_numpy(m.copy()), -1.5), _rand(3, 4), grad=True)
    check(lambda L, x: L.masked_fill(x, L.from_numpy(m[0].copy()), 2), _rand(3, 4), grad=True)
    check(lambda L, x: x.masked_fill(L.from_numpy(m.T.copy()), 0.0), _rand(3, 4), permute=True)
    check(lambda L, x: x.masked_fill(L.from_numpy(m.copy()), 7), _rand(3, 4).astype(np.int64))
    # PyTorch's two overloads: a number fill has one edge, a tensor fill two
    import torch
    for L in (nt, torch):
        x, v = L.ones(2, requires_grad=True), L.tensor(3.0, requires_grad=True)
        by_number = x.masked_fill(L.tensor([True, False]), 0).grad_fn
        by_tensor = x.masked_fill(L.tensor([True, False]), v).grad_fn
        assert (by_number.name(), len(by_number.next_functions)) == ("MaskedFillBackward0", 1)
        assert (by_tensor.name(), len(by_tensor.next_functions)) == ("MaskedFillBackward1", 2)


def test_masked_fill_tensor_value_gradient():
    m = np.array([[True, False], [True, True]])
    check(lambda L, x, v: x.masked_fill(L.from_numpy(m.copy()), v.sum()), _rand(2, 2),
          _rand(3, seed=2), grad=True)


def test_masked_fill_inplace_and_errors():
    a, b = _both(_rand(3, 4))
    ma, mb = _both(_rand(3, 4, seed=1) > 0)
    assert a.masked_fill_(ma, 5.0) is a
    b.masked_fill_(mb, 5.0)
    _same(a, b)
    with pytest.raises(RuntimeError) as e:
        nt.ones(2).masked_fill(nt.ones(2), 0)
    with pytest.raises(RuntimeError) as w:
        torch.ones(2).masked_fill(torch.ones(2), 0)
    assert str(e.value) == str(w.value)
    # in place on a non-leaf keeps the history
    xs = []
    for L in (nt, torch):
        x = L.from_numpy(_rand(3, 4)).requires_grad_()
        y = x * 2
        y.masked_fill_(L.from_numpy(_rand(3, 4, seed=1) > 0), 0.0)
        y.sum().backward()
        xs.append(x.grad.numpy())
    np.testing.assert_allclose(xs[0], xs[1])


GATHER_INDEX = np.array([[0, 2, 2], [1, 0, 1]])


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_gather(dim):
    check(lambda L, x: L.gather(x, dim, L.from_numpy(GATHER_INDEX.copy())), _rand(3, 4),
          grad=True)
    check(lambda L, x: x.gather(dim, L.from_numpy(GATHER_INDEX.copy())), _rand(4, 3),
          permute=True, grad=True)
    x = nt.ones(3, 3, requires_grad=True)
    assert x.gather(0, nt.tensor([[0]])).grad_fn.name() == "GatherBackward0"


def test_gather_errors():
    # a negative index is out of bounds for gather and scatter (indexing wraps it)
    for args in [(0, np.array([[5]])), (0, np.array([0])), (0, np.array([[0, 0, 0, 0, 0]])),
                 (1, np.array([[-1]])), (0, np.array([[0, 1], [-3, 0]]))]:
        dim, idx = args
        with pytest.raises(RuntimeError) as w:
            torch.zeros(3, 4).gather(dim, torch.from_numpy(idx))
        with pytest.raises(RuntimeError) as e:
            nt.zeros(3, 4).gather(dim, nt.from_numpy(idx))
        assert str(e.value) == str(w.value)


@pytest.mark.parametrize("dim", [0, 1])
def test_scatter_and_scatter_add(dim):
    idx = np.array([[0, 2, 1], [2, 0, 0]])
    src = _rand(2, 3, seed=4)
    check(lambda L, x, s: L.scatter(x, dim, L.from_numpy(idx.copy()), s), _rand(3, 3), src,
          grad=True)
    check(lambda L, x, s: L.scatter_add(x, dim, L.from_numpy(idx.copy()), s), _rand(3, 3), src,
          grad=True)
    check(lambda L, x: x.scatter(dim, L.from_numpy(idx.copy()), 2.5), _rand(3, 3))
    big_src = _rand(3, 4, seed=9)  # src may be larger than index
    check(lambda L, x, s: x.scatter(dim, L.from_numpy(idx.copy()), s), _rand(3, 3), big_src)


@pytest.mark.parametrize("name", ["scatter", "scatter_add"])
def test_scatter_takes_no_negative_index(name):
    idx = np.array([[0, -1, 1]])
    errors = []
    for lib in (torch, nt):
        x = lib.zeros(2, 3)
        with pytest.raises(RuntimeError) as e:
            getattr(x, name)(1, lib.from_numpy(idx.copy()), lib.ones(1, 3))
        errors.append(str(e.value))
        assert (x.numpy() == 0).all()  # nothing written
    assert errors[0] == errors[1]


def test_scatter_inplace_forms():
    idx = np.array([[0, 1, 0]])
    for name in ("scatter_", "scatter_add_"):
        a, b = _both(np.zeros((2, 3), np.float32))
        sa, sb = _both(np.array([[1.0, 2.0, 3.0]], np.float32))
        ra = getattr(a, name)(0, nt.from_numpy(idx.copy()), sa)
        getattr(b, name)(0, torch.from_numpy(idx.copy()), sb)
        assert ra is a
        _same(a, b)
    # repeated targets: scatter_add sums, scatter keeps the last value
    a = nt.zeros(3).scatter_add_(0, nt.tensor([1, 1, 1]), nt.tensor([1.0, 2.0, 3.0]))
    assert a.tolist() == [0.0, 6.0, 0.0]
    a = nt.zeros(3).scatter_(0, nt.tensor([1, 1, 1]), nt.tensor([1.0, 2.0, 3.0]))
    assert a.tolist() == [0.0, 3.0, 0.0]


SCATTER_ERRORS = [
    lambda L: L.zeros(3, 4).scatter(0, L.tensor([0]), L.zeros(3, 4)),
    lambda L: L.zeros(3, 4).scatter_add(0, L.tensor([[5]]), L.zeros(3, 4)),
    lambda L: L.zeros(3, 4).scatter(0, L.tensor([[0, 0, 0, 0, 0]]), L.zeros(3, 4)),
    lambda L: L.zeros(3, 4).scatter(0, L.tensor([[0, 0]]), L.zeros(1, 1)),
    lambda L: L.zeros(3, 4).index_add_(0, L.tensor([0]), L.zeros(2, 4)),
    lambda L: L.zeros(3, 4).index_add_(0, L.tensor([0]), L.zeros(1, 4, dtype=L.float64)),
    lambda L: L.zeros(3).index_add_(0, L.tensor([5]), L.zeros(1)),
]


@pytest.mark.parametrize("fn", SCATTER_ERRORS, ids=[str(i) for i in range(len(SCATTER_ERRORS))])
def test_scatter_and_index_add_errors(fn):
    with pytest.raises(Exception) as w:
        fn(torch)
    with pytest.raises(w.type) as e:
        fn(nt)
    assert str(e.value) == str(w.value)


def test_index_add():
    idx = np.array([0, 2, 0])
    src = _rand(3, 4, seed=3)
    a, b = _both(_rand(3, 4))
    assert a.index_add_(0, nt.from_numpy(idx.copy()), nt.from_numpy(src.copy())) is a
    b.index_add_(0, torch.from_numpy(idx.copy()), torch.from_numpy(src.copy()))
    _same(a, b)
    check(lambda L, x, s: L.index_add(x, 1, L.from_numpy(np.array([3, 3])), s, alpha=2.0),
          _rand(3, 4), _rand(3, 2, seed=1), grad=True)


@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 2)])
def test_nonzero(shape):
    arr = (np.random.default_rng(2).integers(0, 3, shape) * (np.arange(np.prod(shape)).reshape(shape) % 2))
    check(lambda L, x: L.nonzero(x), arr)
    check(lambda L, x: x.nonzero(as_tuple=True), arr)
    check(lambda L, x: L.nonzero(x > 0), arr.astype(np.float32))
    check(lambda L, x: L.where(x > 0), arr.astype(np.float32))


def test_nonzero_edge_cases():
    check(lambda L, x: L.nonzero(x), np.zeros((2, 3)))
    check(lambda L, x: L.nonzero(x), np.array(3.0))
    check(lambda L, x: L.nonzero(x.t()), np.eye(3, 4))


# ---- numerical gradient checks (float64) ------------------------------------------------
GRADCHECK = [
    lambda x: nt.cat((x, x * 2), 1),
    lambda x: nt.stack((x, x), 0),
    lambda x: x.split([1, 2], 0)[1],
    lambda x: x.chunk(2, 1)[0],
    lambda x: x.unbind(1)[1],
    lambda x: x.index_select(0, nt.tensor([2, 0, 2])),
    lambda x: x.repeat(2, 1, 2),
    lambda x: x.masked_fill(x > 0, 0.5),
    lambda x: x.gather(1, nt.tensor([[0, 0], [1, 0], [1, 1]])),
    lambda x: nt.zeros(3, 2, dtype=nt.float64).scatter(0, nt.tensor([[2, 0]]), x),
    lambda x: nt.zeros(3, 2, dtype=nt.float64).scatter_add(0, nt.tensor([[2, 2]]), x),
    lambda x: x.flip(0),
    lambda x: nt.tile(x, (2,)),
]


@pytest.mark.parametrize("fn", GRADCHECK, ids=[str(i) for i in range(len(GRADCHECK))])
def test_gradcheck(fn):
    x = nt.from_numpy(np.random.default_rng(1).standard_normal((3, 2))).requires_grad_()
    assert nt.autograd.gradcheck(fn, (x,))


ROLLS = [(1, None), (-7, None), ((2,), (1,)), (1, 0), (-1, -1), (5, 1), ((1, -2), (0, 2)),
         ((3, 3), (1, 1)), (0, 2), (13, (2,))]


@pytest.mark.parametrize("permuted", [False, True])
@pytest.mark.parametrize("shifts,dims", ROLLS, ids=[str(i) for i in range(len(ROLLS))])
def test_roll_matches_torch_values_and_gradients(shifts, dims, permuted):
    arr = np.random.default_rng(3).standard_normal((3, 4, 5)).astype(np.float32)
    a, b = _both(arr, requires_grad=True)
    xa, xb = (a.permute(2, 0, 1), b.permute(2, 0, 1)) if permuted else (a, b)
    got, want = nt.roll(xa, shifts, dims), torch.roll(xb, shifts, dims)
    _same(got, want)
    assert got.stride() == want.stride()
    assert type(got.grad_fn).__name__ == type(want.grad_fn).__name__ == "RollBackward0"
    _same(xa.roll(shifts, dims), xb.roll(shifts, dims))
    weights = np.arange(got.numel(), dtype=np.float32).reshape(tuple(got.shape))
    (got * nt.from_numpy(weights)).sum().backward()
    (want * torch.from_numpy(weights)).sum().backward()
    _same(a.grad, b.grad)
    got.view(-1)[0] = 1234.0  # a fresh tensor, never a view of the input
    assert not (a == 1234.0).any().item()


def test_roll_edge_cases_and_errors_match_torch():
    for lib in (nt, torch):
        assert lib.roll(lib.tensor(5.0), 3).item() == 5.0
        assert tuple(lib.roll(lib.zeros(0, 3), 1, 0).shape) == (0, 3)
    _same(nt.roll(nt.arange(6), 2), torch.roll(torch.arange(6), 2))
    cases = [lambda lib, x: lib.roll(x, (1, 2)), lambda lib, x: lib.roll(x, (1, 2), 0),
             lambda lib, x: lib.roll(x, 1, 5), lambda lib, x: lib.roll(x, 1.5),
             lambda lib, x: x.roll(1, dims=0, foo=1)]
    for case in cases:
        errors = []
        for lib in (nt, torch):
            with pytest.raises((RuntimeError, IndexError, TypeError)) as err:
                case(lib, lib.arange(6).reshape(2, 3))
            errors.append((type(err.value), str(err.value)))
        assert errors[0] == errors[1]
    assert nt.autograd.gradcheck(lambda x: nt.roll(x, (1, -1), (0, 1)),
                                 (nt.randn(3, 4, dtype=nt.float64, requires_grad=True),))


def test_broadcast_tensors_are_views_with_torch_shapes_and_gradients():
    a, b = _both(np.ones((2, 1), np.float32), requires_grad=True)
    c, d = _both(np.arange(3, dtype=np.float32), requires_grad=True)
    got, want = nt.broadcast_tensors(a, c), torch.broadcast_tensors(b, d)
    assert type(got) is tuple
    _same(got, want)
    assert got[0]._base is a and type(got[0].grad_fn).__name__ == "ExpandBackward0"
    (got[0] * got[1]).sum().backward()
    (want[0] * want[1]).sum().backward()
    _same(a.grad, b.grad)
    _same(c.grad, d.grad)
    for lib in (nt, torch):
        with pytest.raises(RuntimeError, match=r"The size of tensor a \(2\) must match the size "
                                               r"of tensor b \(3\) at non-singleton dimension 0"):
            lib.broadcast_tensors(lib.zeros(2), lib.zeros(3))
