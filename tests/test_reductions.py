"""Reductions and scans against real torch: all elements, dims, keepdim, views, errors."""
import numpy as np
import pytest

import numtensor as nt
from core_helpers import check, check_raises, rand_array

import torch  # noqa: E402  (required: CI fails without the oracle)

LAYOUTS = {
    "contiguous": lambda t: t,
    "permuted": lambda t: t.permute(2, 0, 1),
    "stepped": lambda t: t[:, ::2, 1:],
    "expanded": lambda t: t[:, :1, :].expand(-1, 3, -1),
}
BASE = {"contiguous": (2, 3, 4), "permuted": (3, 4, 2), "stepped": (2, 6, 5), "expanded": (2, 1, 4)}

FLOAT_REDUCTIONS = {
    "sum": lambda t, **kw: t.sum(**kw),
    "mean": lambda t, **kw: t.mean(**kw),
    "std": lambda t, **kw: t.std(**kw),
    "var": lambda t, **kw: t.var(**kw),
    "prod": lambda t, **kw: t.prod(**kw),
    "amax": lambda t, **kw: t.amax(**kw),
    "amin": lambda t, **kw: t.amin(**kw),
    "logsumexp": lambda t, **kw: t.logsumexp(**kw),
    "norm": lambda t, **kw: t.norm(**kw),
}


def dim_kwargs(name, nd):
    """The dim/keepdim combinations each reduction accepts in torch."""
    out = [{}] if name not in ("logsumexp",) else []
    for keepdim in (False, True):
        for d in list(range(-nd, nd)) + [(0, 1), [0, -1], (1, 2), (0, 1, 2)][: max(0, nd - 0)]:
            if isinstance(d, (tuple, list)) and (max(d) >= nd or name == "prod"):
                continue
            out.append({"dim": d, "keepdim": keepdim})
    return out


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("name", list(FLOAT_REDUCTIONS))
def test_float_reductions(name, layout):
    rng = np.random.default_rng(len(name))
    a = rand_array(rng, BASE[layout], "float32")
    for kw in dim_kwargs(name, 3):
        check(lambda lib, t: FLOAT_REDUCTIONS[name](LAYOUTS[layout](t), **kw), a, atol=1e-4, rtol=1e-4)


@pytest.mark.parametrize("name", ["sum", "mean", "std", "var", "amax", "amin", "prod", "norm"])
def test_float64_and_0d(name):
    a = np.random.default_rng(1).random((3, 2))
    for kw in dim_kwargs(name, 2):
        check(lambda lib, t: FLOAT_REDUCTIONS[name](t, **kw), a)
    for kw in ({}, {"dim": 0}, {"dim": -1, "keepdim": True}):
        if name in ("amax", "amin") and not kw:
            continue
        check(lambda lib, t: FLOAT_REDUCTIONS[name](t, **kw), np.array(2.5, np.float32))


@pytest.mark.parametrize("dtype", ["int64", "uint8", "bool"])
def test_integer_reductions(dtype):
    a = rand_array(np.random.default_rng(2), (3, 4), dtype)
    for fn in (lambda lib, t: t.sum(), lambda lib, t: t.sum(0), lambda lib, t: t.sum(dim=1, keepdim=True),
               lambda lib, t: t.prod(1), lambda lib, t: t.prod(), lambda lib, t: t.amax(0),
               lambda lib, t: t.amin(), lambda lib, t: t.max(), lambda lib, t: t.min(1),
               lambda lib, t: t.argmax(), lambda lib, t: t.argmin(0), lambda lib, t: t.cumsum(1),
               lambda lib, t: t.all(), lambda lib, t: t.any(1), lambda lib, t: t.sum(dtype=lib.float64),
               lambda lib, t: t.cumsum(0, dtype=lib.float32), lambda lib, t: t.mean(),
               lambda lib, t: t.mean(0), lambda lib, t: t.std(), lambda lib, t: t.norm(),
               lambda lib, t: t.logsumexp(0)):
        check(fn, a)


def test_int32_reductions():
    a = rand_array(np.random.default_rng(2), (3, 4), "int32")
    for fn in (lambda lib, t: t.sum(), lambda lib, t: t.sum(1), lambda lib, t: t.max(0),
               lambda lib, t: t.argmin(), lambda lib, t: t.cumsum(0), lambda lib, t: t.prod()):
        check(fn, a)


def test_mean_of_int_raises():
    check_raises(lambda lib: lib.tensor([1, 2]).mean(), match="mean(): could not infer output dtype")
    check(lambda lib, t: t.mean(dtype=lib.float64), np.array([1, 2, 4]))


@pytest.mark.parametrize("fn", [
    lambda lib, t: t.max(),
    lambda lib, t: t.min(),
    lambda lib, t: t.max(0),
    lambda lib, t: t.max(dim=1),
    lambda lib, t: t.max(-1, keepdim=True),
    lambda lib, t: t.min(0, True),
    lambda lib, t: lib.max(t, 1),
    lambda lib, t: lib.min(t, dim=0, keepdim=True),
    lambda lib, t: t.argmax(),
    lambda lib, t: t.argmax(1),
    lambda lib, t: t.argmin(dim=0, keepdim=True),
    lambda lib, t: lib.argmax(t, dim=-1),
    lambda lib, t: t.t().max(1),
    lambda lib, t: t[:, ::2].argmin(1),
    lambda lib, t: lib.max(t, lib.zeros(1)),
    lambda lib, t: t.max(lib.tensor(0.5)),
])
def test_max_min_arg(fn):
    a = np.random.default_rng(3).permutation(12).reshape(3, 4).astype(np.float32)
    check(fn, a)


def test_max_dim_named_tuple():
    for lib in (nt, torch):
        r = lib.tensor([[1., 5.], [7., 2.]]).max(1)
        values, indices = r
        assert r.values is r[0] and r.indices is r[1]
        assert values.tolist() == [5., 7.] and indices.tolist() == [1, 0]
        assert indices.dtype == lib.int64
        m = lib.tensor([[1., 5.], [7., 2.]]).min(dim=0)
        assert m.values.tolist() == [1., 2.] and m.indices.tolist() == [0, 1]
    assert type(nt.zeros(2, 2).max(0)).__name__ == type(torch.zeros(2, 2).max(0)).__name__
    assert repr(nt.tensor([[1., 5.], [7., 2.]]).max(1)) == repr(torch.tensor([[1., 5.], [7., 2.]]).max(1))


def test_ties_pick_the_first_index():
    a = np.array([[1, 3, 3], [2, 2, 0]], np.float32)
    check(lambda lib, t: t.argmax(1), a)
    check(lambda lib, t: t.max(1), a)
    check(lambda lib, t: t.argmin(), a)


def test_nan_propagates():
    a = np.array([[1, np.nan, 3], [2, 2, 0]], np.float32)
    for fn in (lambda lib, t: t.sum(1), lambda lib, t: t.amax(1), lambda lib, t: t.max(),
               lambda lib, t: t.max(1), lambda lib, t: t.argmin(1), lambda lib, t: t.mean(0)):
        check(fn, a)


@pytest.mark.parametrize("fn", [
    lambda lib, t: t.std(0, unbiased=False),
    lambda lib, t: t.var(unbiased=False),
    lambda lib, t: t.var(1, keepdim=True),
    lambda lib, t: t.std(dim=(0, 1)),
    lambda lib, t: t.var(correction=0),
    lambda lib, t: t.std(1, correction=2),
    lambda lib, t: lib.std(t),
    lambda lib, t: lib.var(t, 0),
    lambda lib, t: t[:1].std(0),
])
def test_std_var(fn):
    check(fn, np.random.default_rng(4).random((3, 4)).astype(np.float32), atol=1e-5)


@pytest.mark.parametrize("fn", [
    lambda lib, t: t.norm(),
    lambda lib, t: t.norm(1),
    lambda lib, t: t.norm(p=3),
    lambda lib, t: t.norm(float("inf")),
    lambda lib, t: t.norm(2, dim=1),
    lambda lib, t: t.norm(1, 0, keepdim=True),
    lambda lib, t: t.norm(dim=(0, 1)),
    lambda lib, t: t.norm(p=0.5, dim=-1),
    lambda lib, t: lib.norm(t),
    lambda lib, t: lib.dist(t, t * 2),
    lambda lib, t: lib.dist(t, lib.zeros(4), 1),
    lambda lib, t: t.dist(t[0], p=float("inf")),
])
def test_norm_and_dist(fn):
    check(fn, np.random.default_rng(5).random((3, 4)).astype(np.float32) - 0.5, atol=1e-5)


@pytest.mark.parametrize("fn", [
    lambda lib, t: t.cumsum(0),
    lambda lib, t: t.cumsum(dim=1),
    lambda lib, t: t.cumsum(-1),
    lambda lib, t: lib.cumsum(t, 0),
    lambda lib, t: t.t().cumsum(1),
    lambda lib, t: t[:, ::2].cumsum(0),
    lambda lib, t: t.logsumexp(1),
    lambda lib, t: t.logsumexp((0, 1)),
    lambda lib, t: t.logsumexp(0, keepdim=True),
    lambda lib, t: lib.logsumexp(t * 100, 1),
    lambda lib, t: t.all(),
    lambda lib, t: (t > 0).all(1),
    lambda lib, t: (t > 0).any(),
    lambda lib, t: (t > 0).any(0, keepdim=True),
    lambda lib, t: lib.all(t > -1),
    lambda lib, t: lib.any(t > 10),
])
def test_scans_logsumexp_all_any(fn):
    check(fn, np.random.default_rng(6).random((3, 4)).astype(np.float32) - 0.5, atol=1e-5)


def test_equal():
    for lib in (nt, torch):
        a = lib.tensor([1., 2.])
        assert lib.equal(a, lib.tensor([1., 2.])) is True
        assert lib.equal(a, lib.tensor([1., 3.])) is False
        assert lib.equal(a, lib.tensor([[1., 2.]])) is False
        assert a.equal(a.clone()) is True


def test_numpy_spellings():
    a = np.random.default_rng(7).random((2, 3)).astype(np.float32)
    for fn in (lambda lib, t: t.sum(axis=1), lambda lib, t: t.sum(axis=0, keepdims=True),
               lambda lib, t: t.mean(axis=1), lambda lib, t: t.mean(1, keepdims=True),
               lambda lib, t: t.std(axis=0), lambda lib, t: t.var(axis=1, keepdims=True),
               lambda lib, t: lib.sum(t, axis=(0, 1)), lambda lib, t: t.amax(axis=0) if lib is torch
               else t.amax(0)):
        check(fn, a)


def test_sum_dims_as_list_and_tuple():
    a = np.random.default_rng(8).random((2, 3, 4)).astype(np.float32)
    for d in ([0, 2], (1, 2), [-1], (0, 1, 2), [2, 0]):
        check(lambda lib, t: t.sum(d), a, atol=1e-5)
        check(lambda lib, t: t.mean(d, keepdim=True), a, atol=1e-5)
        check(lambda lib, t: t.amax(d), a)


def test_empty_reductions():
    e = np.zeros((0, 3), np.float32)
    for fn in (lambda lib, t: t.sum(), lambda lib, t: t.sum(0), lambda lib, t: t.prod(0),
               lambda lib, t: t.mean(), lambda lib, t: t.amax(1), lambda lib, t: t.amax(),
               lambda lib, t: t.max(0), lambda lib, t: t.argmax(), lambda lib, t: t.all(),
               lambda lib, t: t.any(0), lambda lib, t: t.cumsum(0)):
        check(fn, e)


@pytest.mark.parametrize("fn", [
    lambda lib: lib.zeros(2, 3).sum(2),
    lambda lib: lib.zeros(2, 3).sum(-3),
    lambda lib: lib.zeros(2, 3).mean((0, 5)),
    lambda lib: lib.zeros(2, 3).max(2),
    lambda lib: lib.zeros(2, 3).argmax(3),
    lambda lib: lib.zeros(2, 3).std(4),
    lambda lib: lib.zeros(2, 3).cumsum(2),
    lambda lib: lib.zeros(2, 3).sum("a"),
    lambda lib: lib.zeros(2, 3).max("a"),
    lambda lib: lib.zeros(2, 3).sum(1.5),
    lambda lib: lib.zeros(2, 3).sum((0, 0)),
    lambda lib: lib.zeros(2, 3).std(dtype=lib.int64),
    lambda lib: lib.tensor([1, 2]).std(),
    lambda lib: lib.tensor([1, 2]).norm(),
])
def test_reduction_errors(fn):
    check_raises(fn)


def test_dim_error_text():
    check_raises(lambda lib: lib.zeros(2, 3).sum(2),
                 match="Dimension out of range (expected to be in range of [-2, 1], but got 2)")


def test_random_shapes_against_torch():
    rng = np.random.default_rng(9)
    for trial in range(20):
        nd = int(rng.integers(1, 4))
        shape = tuple(int(s) for s in rng.integers(1, 5, nd))
        a = rand_array(rng, shape, "float64")
        d = int(rng.integers(-nd, nd))
        keep = bool(rng.integers(0, 2))
        check(lambda lib, t: t.sum(d, keepdim=keep), a)
        check(lambda lib, t: t.mean(d, keepdim=keep), a)
        check(lambda lib, t: t.max(d, keepdim=keep), a)
        check(lambda lib, t: t.argmin(d, keepdim=keep), a)
        check(lambda lib, t: t.std(d, keepdim=keep), a)
        check(lambda lib, t: t.cumsum(d), a)
        check(lambda lib, t: t.prod(d, keepdim=keep), a)


@pytest.mark.parametrize("shape,dim", [((65, 40), 0), ((40000, 3), 0), ((5, 7, 900), (0, 2)),
                                       ("transposed", 1), ((2 ** 20 + 5,), None),
                                       ((1100, 1000), 1), ((2000, 100), 1)])
def test_float32_sums_across_strides_are_correctly_rounded(shape, dim):
    """float32 sums whose reduced dims are not inside the kept ones (PyTorch's column-wise
    orders are not reproduced), whole sums from 2**20 elements on and sums with several
    outputs from 2**17 on, accumulate in float64:
    each result is
    the float64 sum rounded once, serial and parallel, whatever the CPU's vector width
    (a float32 accumulator misses it by an ulp or more on these)."""
    rng = np.random.default_rng(7)
    if shape == "transposed":  # rows of the transpose: a reduction across strides
        a = (rng.standard_normal((300, 200)) * 100).astype(np.float32).T
    else:
        a = (rng.standard_normal(shape) * 100).astype(np.float32)
    exact = a.astype(np.float64).sum(axis=dim).astype(np.float32)
    t = nt.tensor(np.ascontiguousarray(a.T)).t() if shape == "transposed" else nt.tensor(a)
    got = t.sum(dim) if dim is not None else t.sum()
    np.testing.assert_array_equal(got.numpy(), exact)
    mean = t.mean(dim) if dim is not None else t.mean()
    count = a.size // exact.size
    np.testing.assert_allclose(mean.numpy(), exact / np.float32(count), rtol=1e-7)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape,dim", [((65, 40), None), ((65, 40), 1), ((200, 5), 1),
                                       ((50, 7), -1), ((3, 40000), 1), ((300001,), None),
                                       ((40000,), None), ((5, 7, 900), 2), ((5, 7, 900), (1, 2)),
                                       ((1000, 64), 1), ((1310, 100), 1), ((0,), None),
                                       ((4, 0), 1)])
def test_float_sums_of_contiguous_runs_are_pytorchs(shape, dim, dtype):
    """sum() and mean() of float32/float64 below 2**20 elements, and sums over trailing dims
    below 2**17, add in PyTorch's order (its vectors, cascade and per-thread chunks): the
    same bits, so that printed losses and d2l's `tensor([1.0000, 1.0000])` agree; also
    for several runs per output and for runs at a stride."""
    rng = np.random.default_rng(11)
    a = (rng.standard_normal(shape) * 100).astype(dtype)
    cases = [(nt.tensor(a), torch.from_numpy(a))]
    if len(shape) == 2 and shape[1] > 3:
        # rows of a wider tensor (runs that do not coalesce), and runs at a stride
        cases.append((nt.tensor(a)[:, 1:-1], torch.from_numpy(a)[:, 1:-1]))
        cases.append((nt.tensor(a)[:, ::2], torch.from_numpy(a)[:, ::2]))
    for x, tx in cases:
        for f in (lambda m, t: t.sum(dim) if dim is not None else t.sum(),
                  lambda m, t: t.mean(dim) if dim is not None else t.mean()):
            want = f(torch, tx).numpy()
            got = f(nt, x).numpy()
            assert got.dtype == want.dtype and got.shape == want.shape
            assert np.array_equal(got, want, equal_nan=True), (shape, dim, got - want)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_sums_of_every_run_length_are_pytorchs(dtype):
    """Every path of the contiguous-run sum against PyTorch, bit for bit: runs shorter than
    a vector, runs of 1 to 16 rows of 4 vectors (the register helper) with 0 to 3 vectors
    and 0 to lanes-1 elements left over, 16 and 17 rows (where the cascade folds a level),
    longer runs, and runs at a stride; as row sums of a matrix and as whole sums."""
    lanes = 8 if dtype == "float32" else 4
    lengths = sorted(set(range(1, 4 * lanes * 3 + 2)) |
                     {16 * 4 * lanes + d for d in (-1, 0, 1, lanes, 4 * lanes - 1, 4 * lanes,
                                                    4 * lanes + 1)} | {2000, 5003})
    rng = np.random.default_rng(5)
    for n in lengths:
        a = (rng.standard_normal((6, 2 * n)) * 100).astype(dtype)
        for x, tx in ((nt.tensor(a)[:, :n], torch.from_numpy(a)[:, :n]),      # rows
                      (nt.tensor(a)[:, ::2], torch.from_numpy(a)[:, ::2])):    # at a stride
            assert np.array_equal(x.sum(1).numpy(), tx.sum(1).numpy()), (n, x.stride())
        flat = a[0, :n].copy()
        assert np.array_equal(nt.tensor(flat).sum().numpy(), torch.from_numpy(flat).sum().numpy()), n


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_whole_sums_and_means_of_dense_tensors_take_the_prepared_route(dtype):
    """sum() and mean() of a dense float tensor go straight to the backend's prepared
    route: PyTorch's values bit for bit, for tensors the backend allocated and tensors
    over NumPy's memory, at an offset, of any rank, past the size of one run (the route
    then reduces as the general path does), with gradients; other layouts and dtypes
    take the general path with the same values."""
    from numtensor.ops import dispatch
    dispatch._sum_routes.clear()
    rng = np.random.default_rng(11)
    for shape in [(), (1,), (7,), (3, 5, 7), (40, 1000), (70000,)]:
        a = np.asarray(rng.standard_normal(shape) * 100, dtype=dtype)
        ta = torch.from_numpy(a)
        for x in (nt.tensor(a), nt.from_numpy(a)):  # allocated here / NumPy's memory
            assert np.array_equal(x.sum().numpy(), ta.sum().numpy()), shape
            assert np.array_equal(x.mean().numpy(), ta.mean().numpy()), shape
        assert any(key[0] == getattr(nt, dtype) for key in dispatch._sum_routes)
    a = (rng.standard_normal(50) * 100).astype(dtype)
    x, tx = nt.tensor(a)[3:], torch.from_numpy(a)[3:]  # a dense view at an offset
    assert np.array_equal(x.sum().numpy(), tx.sum().numpy())
    m = (rng.standard_normal((6, 9)) * 100).astype(dtype)  # not dense: the general path
    assert np.array_equal(nt.tensor(m).t().sum().numpy(), torch.from_numpy(m).t().sum().numpy())
    for name in ("sum", "mean"):
        w = nt.tensor(a, requires_grad=True)
        tw = torch.tensor(a, requires_grad=True)
        y, ty = getattr(w, name)(), getattr(tw, name)()
        assert y.grad_fn.name() == ty.grad_fn.name()
        (y * 3).backward()
        (ty * 3).backward()
        np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-6)
    # the fast path's dtypes only; others as before (int64 sums to int64, mean refuses)
    i = nt.arange(10)
    assert i.sum().dtype == nt.int64 and int(i.sum()) == 45
    with pytest.raises(RuntimeError, match="mean\\(\\): could not infer output dtype"):
        i.mean()


def test_repeated_reduction_geometries_give_the_values_of_a_first_call():
    """A reduction keeps each geometry's shapes and plan (and a row sum its kernel call) for
    the next call: the calls that find them, on new values, give the bits a call without
    them gives (and PyTorch's values, shapes and strides), for several ops, dims, keepdim
    and layouts."""
    from numtensor.ops import reductions
    from numtensor._backends import cpu
    rng = np.random.default_rng(23)
    cases = [("sum", 1, False), ("sum", 0, True), ("sum", (0, 2), False), ("mean", -1, True),
             ("amax", 1, False), ("prod", 0, False), ("sum", 2, True), ("sum", -1, False)]
    for op, dim, keepdim in cases:
        for transposed in (False, True):
            for call in range(3):
                a = (rng.standard_normal((6, 5, 4)) * 10).astype(np.float32)
                x, tx = nt.from_numpy(a.copy()), torch.from_numpy(a.copy())
                if transposed:
                    x, tx = x.transpose(0, 2), tx.transpose(0, 2)
                ours = getattr(x, op)(dim, keepdim=keepdim)
                reductions._planned.clear()
                cpu._fixed_calls.clear()
                fresh = getattr(x, op)(dim, keepdim=keepdim)
                assert np.array_equal(ours.numpy(), fresh.numpy()), (op, dim, keepdim, call)
                theirs = getattr(tx, op)(dim, keepdim=keepdim)
                assert tuple(ours.shape) == tuple(theirs.shape) and ours.stride() == theirs.stride()
                np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-4)
                getattr(x, op)(dim, keepdim=keepdim)  # fills the caches for the next call


@pytest.mark.parametrize("n", [4 * 32768 + 1, 9 * 32768 + 100])
def test_large_whole_sums_over_four_runs(n):
    """A whole sum from 2**17 elements on reads four runs a quarter of the input apart in
    each work item, then the chunks left over one by one: a large element in any run or
    in the leftover counts once, in float32 and float64; the other whole reductions
    (one run) still find a NaN or the extreme wherever it lies."""
    rng = np.random.default_rng(n)
    base = rng.uniform(0.5, 1.5, n)
    quarter = (n // 32768) // 4 * 32768
    for spot in [5, quarter + 7, 2 * quarter + 11, 3 * quarter + 13, n - 1]:
        for dtype in ("float32", "float64"):
            a = base.astype(dtype)
            a[spot] = 1e4
            check(lambda lib, t: t.sum(), a)
        b = base.astype("float32")
        b[spot] = np.nan
        check(lambda lib, t: t.amax(), b)
        b[spot] = -9.0
        check(lambda lib, t: t.amin(), b)


@pytest.mark.parametrize("rows", [4 * 1000 + 3, 4 * 129])
def test_large_row_sums_four_rows_at_a_time(rows):
    """A matrix's parallel row sums (from 2**17 elements on) take four rows a quarter of
    the rows apart in one loop, then the rows left over one by one: a large element in
    a row of any quarter or of the leftover lands in that row's sum only, in int64,
    float32 and float64 (rows of 33 and 1000 elements)."""
    cols = 33 if rows > 1000 else 1000
    assert rows * cols >= 2 ** 17
    quarter = rows // 4
    rng = np.random.default_rng(rows)
    base = rng.uniform(0.5, 1.5, (rows, cols))
    for row in [0, quarter - 1, quarter, 2 * quarter + 5, 3 * quarter + 1, rows - 1]:
        for dtype in ("float32", "float64", "int64"):
            a = (base * 10 if dtype == "int64" else base).astype(dtype)
            a[row, cols // 2] = 10 ** 4
            check(lambda lib, t: t.sum(1), a)
            check(lambda lib, t: t.sum(-1, keepdim=True), a[:, ::-1])  # rows at a stride
