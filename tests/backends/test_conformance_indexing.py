"""Backend conformance: index_offsets, gather/scatter, gather_dim/scatter_dim and masks.

Part of the backend conformance suite (see backend_helpers.py): every test runs once per
backend present, and CI runs the suite again with NUMBA_ENABLE_CUDASIM=1 for the CUDA
backend under Numba's simulator.  The references follow base.Backend's definitions
element by element (where each (p, j, q) lives in the buffer, in serial order) and are
cross-checked against NumPy's advanced indexing.
"""
import numpy as np
import pytest

from backend_helpers import (ALL_DTYPES, BOOL, C128, C64, F16, F32, F64, I8, I32, I64, U8,
                             Operand, cast, check_out, check_untouched, dtype_id, large, make_out, place,
                             place_broadcast, positions, rng_for, same_bits, values)
from numtensor._backends import plan


def _offsets_operand(backend, offsets, rng):
    """An int64 operand of element offsets (what index_offsets produces), at an offset."""
    return place(backend, np.asarray(offsets, np.int64).reshape(-1), "offset", rng)


# ---- index_offsets ------------------------------------------------------------------------------
def _run_index_offsets(backend, index, size, stride, out, accumulate):
    p = plan.elementwise(out.shape, (index.strides, out.strides))
    return backend.index_offsets(p, index.op, size, stride, out.op, accumulate)


@pytest.mark.parametrize("dtype", [I64, I32], ids=dtype_id)
@pytest.mark.parametrize("layout", ["contiguous", "stepped", "transposed"])
def test_index_offsets_wraps_negative_indices(backend, dtype, layout):
    rng = rng_for("index_offsets", dtype, layout)
    idx = rng.integers(-7, 7, (3, 4)).astype(dtype)
    index = place(backend, idx, layout, rng)
    out = make_out(backend, (3, 4), I64, "offset", rng)
    assert _run_index_offsets(backend, index, 7, 5, out, False) is None
    check_out(out, np.where(idx < 0, idx + 7, idx).astype(np.int64) * 5)


def test_index_offsets_accumulates_broadcast_index_tensors(backend):
    """x[i0, i1] with i0 of shape (3, 1) and i1 of shape (1, 4): one call per index
    tensor, the second adding to the first (accumulate)."""
    rng = rng_for("index_offsets_acc")
    i0 = rng.integers(-5, 5, (3, 1)).astype(np.int64)
    i1 = rng.integers(-6, 6, (1, 4)).astype(np.int32)
    out = make_out(backend, (3, 4), I64, "offset", rng)
    a = place_broadcast(backend, i0, (3, 4), "stepped", rng)
    b = place_broadcast(backend, i1, (3, 4), "offset", rng)
    assert _run_index_offsets(backend, a, 5, 30, out, False) is None
    assert _run_index_offsets(backend, b, 6, 2, out, True) is None
    check_out(out, (np.where(i0 < 0, i0 + 5, i0) * 30 + np.where(i1 < 0, i1 + 6, i1) * 2))


@pytest.mark.parametrize("layout", ["contiguous", "transposed"])
def test_index_offsets_reports_the_first_bad_value(backend, layout):
    """Out-of-range values are reported, not raised: the first in the index's row-major
    order (the order of the contiguous offsets it writes)."""
    idx = np.zeros((3, 4), np.int64)
    idx[2, 0] = -9   # after (1, 2) in row-major order
    idx[1, 2] = 7
    index = place(backend, idx, layout)
    out = make_out(backend, (3, 4), I64)
    assert _run_index_offsets(backend, index, 7, 1, out, False) == 7
    for bad in (-8, 7, 10 ** 12, -(10 ** 12)):
        one = place(backend, np.array([0, 6, -7, bad, 1]), "stepped")
        out = make_out(backend, (5,), I64)
        assert _run_index_offsets(backend, one, 7, 1, out, False) == bad
    empty = place(backend, np.zeros(0, np.int64))
    assert _run_index_offsets(backend, empty, 0, 1, make_out(backend, (0,), I64), False) is None


@pytest.mark.parametrize("dtype", [I64, I32], ids=dtype_id)
def test_index_offsets_without_wrapping_refuse_negative_indices(backend, dtype):
    """wrap=False (index_select): values in [0, size) only; the first value out of that
    range, negative ones included, is reported."""
    rng = rng_for("index_offsets_nowrap", dtype)
    idx = rng.integers(0, 7, 40).astype(dtype)
    index = place(backend, idx, "stepped", rng)
    out = make_out(backend, (40,), I64, "offset", rng)
    p = plan.elementwise((40,), (index.strides, out.strides))
    assert backend.index_offsets(p, index.op, 7, 3, out.op, False, wrap=False) is None
    check_out(out, idx.astype(np.int64) * 3)
    idx[25], idx[31] = -1, 7
    index = place(backend, idx, "stepped", rng)
    assert backend.index_offsets(p, index.op, 7, 3, out.op, False, wrap=False) == -1


def test_index_offsets_without_wrapping_above_the_grain(backend):
    n = large(backend) * 3
    rng = rng_for("index_offsets_nowrap_large")
    big = rng.integers(0, 100, n)
    big[n // 2 + 3] = -100  # in range with wrapping, not without
    index = place(backend, big, rng=rng)
    p = plan.elementwise((n,), (index.strides, (1,)))
    assert backend.index_offsets(p, index.op, 100, 1, make_out(backend, (n,), I64).op, False,
                                 wrap=False) == -100
    assert backend.index_offsets(p, index.op, 100, 1, make_out(backend, (n,), I64).op,
                                 False) is None


def test_index_offsets_above_the_grain(backend):
    n = large(backend) * 3
    rng = rng_for("index_offsets_large")
    idx = rng.integers(-100, 100, n)
    index = place(backend, idx, "stepped", rng)
    out = make_out(backend, (n,), I64, rng=rng)
    assert _run_index_offsets(backend, index, 100, 3, out, False) is None
    check_out(out, np.where(idx < 0, idx + 100, idx) * 3)
    idx[n - 5] = 500      # in the last chunk
    idx[n // 2 + 3] = -200  # the first one, in a middle chunk
    index = place(backend, idx, rng=rng)
    assert _run_index_offsets(backend, index, 100, 3, make_out(backend, (n,), I64), False) == -200


# ---- gather / scatter through an IndexPlan ----------------------------------------------------------
class Geometry:
    """x (a strided operand) indexed along the adjacent dims `dims` by index arrays
    (already broadcast to one shape): the IndexPlan and every element's buffer position."""

    def __init__(self, x, dims, indices):
        self.x = x
        self.dims = dims
        self.indices = indices
        shape, strides = x.shape, x.strides
        lo, hi = dims[0], dims[-1] + 1
        self.pre_shape, self.pre_strides = shape[:lo], strides[:lo]
        self.post_shape, self.post_strides = shape[hi:], strides[hi:]
        self.bshape = indices[0].shape
        offs = np.zeros(self.bshape, np.int64)
        for d, idx in zip(dims, indices):
            offs += np.where(idx < 0, idx + shape[d], idx).astype(np.int64) * strides[d]
        self.offsets = offs.reshape(-1)
        self.P = int(np.prod(self.pre_shape, dtype=np.int64))
        self.J = self.offsets.size
        self.Q = int(np.prod(self.post_shape, dtype=np.int64))
        self.plan = plan.index(tuple(self.pre_shape), tuple(self.pre_strides), self.J,
                               tuple(self.post_shape), tuple(self.post_strides))

    def element_positions(self):
        """pos[p, j, q] = x.offset + pre(p) + offsets[j] + post(q)."""
        pre = positions(0, self.pre_shape, self.pre_strides).reshape(-1)
        post = positions(0, self.post_shape, self.post_strides).reshape(-1)
        return (self.x.offset + pre[:, None, None] + self.offsets[None, :, None]
                + post[None, None, :])

    def numpy_result(self, logical):
        key = (slice(None),) * len(self.pre_shape) + tuple(self.indices)
        return logical[key].reshape(self.P, self.J, self.Q)


def _geometries(backend, dtype, rng):
    """(name, Geometry): every shape of IndexPlan the ops layer makes."""
    x1 = values(rng, (9,), dtype)
    yield "1-d", Geometry(place(backend, x1, "offset", rng), (0,),
                          [rng.integers(-9, 9, (5,))])
    x3 = values(rng, (3, 7, 4), dtype)
    yield "pre and post", Geometry(place(backend, x3, rng=rng), (1,),
                                   [rng.integers(-7, 7, (2, 3))])
    x4 = values(rng, (3, 7, 4, 5), dtype)
    yield "post not mergeable", Geometry(place(backend, x4, "stepped", rng), (1,),
                                         [rng.integers(-7, 7, (4,))])
    yield "pre not mergeable", Geometry(place(backend, x4, "transposed", rng), (2,),
                                        [rng.integers(-4, 4, (3,))])
    yield "two index dims", Geometry(place(backend, x4, "offset", rng), (1, 2),
                                     [np.broadcast_to(rng.integers(-7, 7, (3, 1)), (3, 2)),
                                      np.broadcast_to(rng.integers(-4, 4, (1, 2)), (3, 2))])
    yield "leading index", Geometry(place(backend, x3, "stepped", rng), (0,),
                                    [np.array([2, -1, 0, 2])])
    yield "no index", Geometry(place(backend, x3, rng=rng), (1,), [np.zeros((0,), np.int64)])
    yield "empty pre", Geometry(place(backend, values(rng, (0, 7, 4), dtype), rng=rng), (1,),
                                [np.array([1, 2])])


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_gather(backend, dtype):
    rng = rng_for("gather", dtype)
    for name, g in _geometries(backend, dtype, rng):
        offsets = _offsets_operand(backend, g.offsets, rng)
        out = make_out(backend, (g.P, g.J, g.Q), dtype, "offset", rng)
        backend.gather(g.plan, g.x.op, offsets.op, out.op)
        expected = g.x.initial[g.element_positions()]
        assert same_bits(expected, g.numpy_result(g.x.logical())), name  # the harness itself
        check_out(out, expected, err_msg=name)


def _scatter_reference(g, value, accumulate):
    host = g.x.initial.copy()
    pos = g.element_positions().reshape(-1)
    vals = np.broadcast_to(np.asarray(value, host.dtype), (g.P, g.J, g.Q)).reshape(-1)
    if accumulate:
        with np.errstate(all="ignore"):
            np.add.at(host, pos, vals)  # in order, unbuffered: duplicates add up
    else:
        for p, v in zip(pos, vals):  # serial order: the last write wins
            host[p] = v
    return host


def _scatter_values(dtype, rng, shape):
    if dtype == BOOL:
        return rng.integers(0, 2, shape).astype(bool)
    return values(rng, shape, dtype, -9, 10) if dtype.kind != "f" else \
        cast(rng.uniform(-9, 10, shape) * (1 + 2 ** -9), dtype)


def _check_scatter(backend, g, value, accumulate, name):
    """Run scatter on g with value (an array of (P, J, Q) or a Python scalar)."""
    if isinstance(value, np.ndarray):
        v = place(backend, value.reshape(-1), "offset")
        arg = v.op
    else:
        arg = value
    offsets = _offsets_operand(backend, g.offsets, np.random.default_rng(0))
    backend.scatter(g.plan, g.x.op, offsets.op, arg, accumulate)
    expected = _scatter_reference(g, value, accumulate)
    got = g.x.host()
    if accumulate and backend.name == "cuda" and got.dtype in (F32, F64):
        # CUDA adds float duplicates with atomics, in whatever order the threads run (as
        # PyTorch's CUDA index_put_ with accumulate): the sum is right, its last bits are not
        # fixed
        np.testing.assert_allclose(got, expected, rtol=1e-12 if got.dtype == F64 else 1e-5,
                                   atol=0, err_msg=name)
        return
    assert same_bits(got, expected) or np.array_equal(got, expected, equal_nan=True), \
        f"{name}: {got} != {expected}"


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_scatter_last_write_wins(backend, dtype):
    rng = rng_for("scatter", dtype)
    for name, g in _geometries(backend, dtype, rng):
        _check_scatter(backend, g, _scatter_values(dtype, rng, (g.P, g.J, g.Q)), False, name)
    # duplicates: the later position in the index wins
    x = values(rng, (3, 6, 2), dtype)
    g = Geometry(place(backend, x, "transposed", rng), (1,), [np.array([4, 1, -2, 1, 4, 4])])
    _check_scatter(backend, g, _scatter_values(dtype, rng, (g.P, g.J, g.Q)), False, "duplicates")
    # a Python scalar value, converted to dst's dtype
    scalar = {"b": True, "u": 200, "i": -5, "f": 1 / 3, "c": 1 - 2j}[dtype.kind]
    g = Geometry(place(backend, x, "stepped", rng), (1,), [np.array([0, 5, -1, 2])])
    _check_scatter(backend, g, cast(np.array(scalar).astype(F32 if dtype == F16 else dtype), dtype)
                   [()].item(), False, "scalar")


@pytest.mark.parametrize("dtype", [BOOL, U8, I8, I32, I64, F16, F32, F64, C64], ids=dtype_id)
def test_scatter_accumulates_duplicates(backend, dtype):
    """Repeated offsets add up in order (integers wrap, float16 adds in float32 and rounds
    each time, bool saturates at True); on CUDA float32/float64 duplicates add up in any
    order (atomics), to the same sum up to rounding."""
    rng = rng_for("scatter_acc", dtype)
    idx = np.array([3, 1, 3, -3, 3, 0, 1])
    for name, layout, shape, dims in [("pre and post", "transposed", (3, 5, 2), (1,)),
                                      ("1-d", "offset", (5,), (0,)),
                                      ("post not mergeable", "stepped", (2, 5, 3, 2), (1,))]:
        x = _scatter_values(dtype, rng, shape)
        g = Geometry(place(backend, x, layout, rng), dims, [idx])
        value = _scatter_values(dtype, rng, (g.P, g.J, g.Q))
        if dtype in (U8, I8):
            value = cast(rng.integers(60, 127, value.shape), dtype)  # sums wrap
        _check_scatter(backend, g, value, True, name)
    g = Geometry(place(backend, _scatter_values(dtype, rng, (4,)), "offset", rng), (0,), [idx % 4])
    _check_scatter(backend, g, True if dtype == BOOL else 3, True, "scalar")


@pytest.mark.parametrize("dtype", [F32, I64, BOOL], ids=dtype_id)
def test_gather_and_scatter_above_the_grain(backend, dtype):
    large(backend)
    rng = rng_for("gather_large", dtype)
    x = values(rng, (400, 120), dtype)
    idx = rng.integers(-120, 120, (110,))
    idx[[3, 50, 100]] = 7  # duplicates
    for layout in ("contiguous", "transposed"):
        g = Geometry(place(backend, x, layout, rng), (1,), [idx])
        out = make_out(backend, (g.P, g.J, g.Q), dtype, rng=rng)
        backend.gather(g.plan, g.x.op, _offsets_operand(backend, g.offsets, rng).op, out.op)
        check_out(out, g.x.initial[g.element_positions()], err_msg=layout)
        _check_scatter(backend, g, _scatter_values(dtype, rng, (g.P, g.J, g.Q)), False, layout)
        g = Geometry(place(backend, x, layout, rng), (1,), [idx])
        _check_scatter(backend, g, _scatter_values(dtype, rng, (g.P, g.J, g.Q)), True, layout)
    # post columns above the grain: work split by column blocks
    x = values(rng, (6, 9000), dtype)
    g = Geometry(place(backend, x, "offset", rng), (0,), [np.array([1, 4, 1, -1, 1])])
    _check_scatter(backend, g, _scatter_values(dtype, rng, (g.P, g.J, g.Q)), True, "columns")


def test_index_offsets_feed_gather_like_advanced_indexing(backend):
    """x[i0, i1] for a stepped x: offsets from index_offsets, then gather."""
    rng = rng_for("chain")
    x = values(rng, (5, 6, 3), F64)
    xo = place(backend, x, "stepped", rng)
    i0 = rng.integers(-5, 5, (2, 1))
    i1 = rng.integers(-6, 6, (1, 4))
    offsets = make_out(backend, (2, 4), I64, rng=rng)
    for k, (idx, d) in enumerate([(i0, 0), (i1, 1)]):
        index = place_broadcast(backend, idx, (2, 4), "offset", rng)
        assert _run_index_offsets(backend, index, x.shape[d], xo.strides[d], offsets, k > 0) is None
    p = plan.index((), (), 8, (3,), (xo.strides[2],))
    out = make_out(backend, (1, 8, 3), F64, rng=rng)
    backend.gather(p, xo.op, offsets.op, out.op)
    check_out(out, x[i0, i1].reshape(1, 8, 3))


# ---- gather_dim / scatter_dim (torch.gather / torch.scatter) --------------------------------------
def _dim_plan(shape, dim, size, self_op, index_op, other):
    other_strides = other.strides if hasattr(other, "strides") else (0,) * len(shape)
    return plan.dim_index(tuple(shape), dim, size, tuple(self_op.strides), tuple(index_op.strides),
                          tuple(other_strides))


def _dim_coordinates(shape, dim, idx):
    """For every position c of the index: c with c[dim] replaced by wrap(idx[c])."""
    coords = list(np.indices(idx.shape))
    coords[dim] = np.where(idx < 0, idx + shape[dim], idx)
    return tuple(coords)


def _gather_dim_reference(x, dim, idx):
    return x[_dim_coordinates(x.shape, dim, idx)]


def _scatter_dim_reference(x, dim, idx, src, accumulate):
    """torch.scatter(_add), each line along dim written in order: duplicates add up in
    order, or the later position wins."""
    out = x.copy()
    target = _dim_coordinates(x.shape, dim, idx)
    src = np.broadcast_to(np.asarray(src, x.dtype), idx.shape)
    if accumulate:
        with np.errstate(all="ignore"):
            np.add.at(out, target, src)  # unbuffered, in row-major order
        return out
    flat = np.ravel_multi_index(target, x.shape).reshape(-1)
    # the last write to each element: its first occurrence in the reversed order
    dests, first = np.unique(flat[::-1], return_index=True)
    out.reshape(-1)[dests] = src.reshape(-1)[flat.size - 1 - first]
    return out


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_gather_dim(backend, dtype):
    rng = rng_for("gather_dim", dtype)
    x = values(rng, (4, 5, 6), dtype)
    for x_layout, idx_layout, out_layout in [("contiguous", "contiguous", "contiguous"),
                                             ("stepped", "transposed", "stepped"),
                                             ("transposed", "stepped", "transposed")]:
        xin = place(backend, x, x_layout, rng)
        for dim in range(3):
            ishape = [3, 4, 5]
            ishape[dim] = 7  # longer than x along dim (repeats), shorter elsewhere
            size = x.shape[dim]
            idx = rng.integers(0, size, ishape)
            index = place(backend, idx, idx_layout, rng)
            out = make_out(backend, tuple(ishape), dtype, out_layout, rng)
            p = _dim_plan(ishape, dim, size, xin, index, out)
            assert backend.gather_dim(p, xin.op, index.op, out.op) is None
            check_out(out, _gather_dim_reference(x, dim, idx), err_msg=f"dim {dim} {x_layout}")
    # an empty index gathers nothing
    index = place(backend, np.zeros((0, 5, 6), np.int64))
    out = make_out(backend, (0, 5, 6), dtype)
    assert backend.gather_dim(_dim_plan((0, 5, 6), 0, 4, xin, index, out), xin.op, index.op,
                              out.op) is None
    check_out(out, np.zeros((0, 5, 6)))


def test_gather_dim_of_0d_operands(backend):
    """A 0-d operand has one position, 0; -1 is out of bounds (torch.gather takes no
    negative indices, unlike indexing)."""
    x = place(backend, np.array(2.5), "offset")
    p = plan.dim_index((), 0, 1, (), (), ())
    index = place(backend, np.array(0), "offset")
    out = make_out(backend, (), F64, "offset")
    assert backend.gather_dim(p, x.op, index.op, out.op) is None
    check_out(out, np.array(2.5))
    index = place(backend, np.array(-1), "offset")
    assert backend.gather_dim(p, x.op, index.op, make_out(backend, (), F64, "offset").op) == -1


@pytest.mark.parametrize("bad", [6, -1, -7, 100])
def test_gather_dim_reports_a_bad_index(backend, bad):
    rng = rng_for("gather_dim_bad", bad)
    x = place(backend, values(rng, (4, 6), F32), "transposed", rng)
    idx = rng.integers(0, 6, (4, 3))
    idx[2, 1] = bad
    index = place(backend, idx, "stepped", rng)
    out = make_out(backend, (4, 3), F32)
    assert backend.gather_dim(_dim_plan((4, 3), 1, 6, x, index, out), x.op, index.op, out.op) == bad


@pytest.mark.parametrize("primitive", ["gather_dim", "scatter_dim"])
def test_dim_index_reports_the_first_bad_value_in_row_major_order(backend, primitive):
    idx = np.array([[0, 9], [7, 0], [0, 0]])
    x = place(backend, np.zeros((3, 2)))
    index = place(backend, idx)
    other = make_out(backend, (3, 2), F64)
    p = _dim_plan((3, 2), 0, 3, x, index, other)
    if primitive == "gather_dim":
        assert backend.gather_dim(p, x.op, index.op, other.op) == 9
    else:
        assert backend.scatter_dim(p, x.op, index.op, other.op, False) == 9


@pytest.mark.parametrize("primitive", ["gather_dim", "scatter_dim"])
@pytest.mark.parametrize("dim", [0, 1])
def test_dim_index_reports_the_first_bad_value_in_row_major_order_above_the_grain(
        backend, primitive, dim):
    """The parallel check splits the lines into ranges: the first bad value in row-major
    order may sit in a later range (dim 0: lines are columns) or an earlier one."""
    rows = large(backend) // 2 + 8
    idx = np.zeros((rows, 2), np.int64)
    if dim == 0:  # line 0 holds a bad value at row 5, line 1 one earlier in row-major order
        idx[5, 0], idx[1, 1] = 7, 9
    else:         # rows are lines: row 100's comes first, a later chunk's must not win
        idx[rows - 3, 0], idx[100, 1] = 7, 9
    size = 3 if dim == 0 else 2
    shape = (rows, 2)
    x = place(backend, np.zeros(shape))
    index = place(backend, idx)
    other = make_out(backend, shape, F64)
    p = _dim_plan(shape, dim, size, x, index, other)
    if primitive == "gather_dim":
        assert backend.gather_dim(p, x.op, index.op, other.op) == 9
    else:
        assert backend.scatter_dim(p, x.op, index.op, other.op, False) == 9


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_scatter_dim(backend, dtype):
    """Duplicates along a line: the last write wins."""
    rng = rng_for("scatter_dim", dtype)
    for x_layout, idx_layout, src_layout in [("contiguous", "contiguous", "contiguous"),
                                             ("stepped", "transposed", "stepped"),
                                             ("transposed", "stepped", "transposed")]:
        for dim in range(3):
            x = values(rng, (4, 5, 6), dtype)
            ishape = [3, 4, 5]
            size = x.shape[dim]
            ishape[dim] = 6  # duplicates along dim, for sure when size is 4 or 5
            idx = rng.integers(0, size, ishape)
            src = values(rng, (7, 7, 7), dtype)  # larger than the index: only a corner is read
            dst = place(backend, x, x_layout, rng)
            index = place(backend, idx, idx_layout, rng)
            srco = place(backend, src, src_layout, rng)
            srcv = Operand(backend, srco.buf, srco.offset, tuple(ishape), srco.strides, srco.initial)
            p = _dim_plan(ishape, dim, size, dst, index, srcv)
            assert backend.scatter_dim(p, dst.op, index.op, srcv.op, False) is None
            expected = _scatter_dim_reference(x, dim, idx, src[:ishape[0], :ishape[1], :ishape[2]], False)
            check_out(dst, expected, err_msg=f"dim {dim} {x_layout}")
    # a scalar src
    x = values(rng, (4, 5), dtype)
    scalar = {"b": True, "u": 7, "i": -3, "f": 0.5, "c": 2 - 1j}[dtype.kind]
    dst = place(backend, x, "stepped", rng)
    idx = rng.integers(0, 5, (4, 3))
    index = place(backend, idx, rng=rng)
    assert backend.scatter_dim(_dim_plan((4, 3), 1, 5, dst, index, scalar), dst.op, index.op,
                               scalar, False) is None
    check_out(dst, _scatter_dim_reference(x, 1, idx, np.asarray(scalar, dtype)[()], False))


@pytest.mark.parametrize("dtype", [BOOL, I8, I64, F16, F32, C128], ids=dtype_id)
def test_scatter_dim_accumulates(backend, dtype):
    rng = rng_for("scatter_dim_acc", dtype)
    x = _scatter_values(dtype, rng, (4, 5, 6))
    for dim in range(3):
        size = x.shape[dim]
        ishape = [4, 5, 6]
        ishape[dim] = 9
        idx = rng.integers(0, size, ishape)
        src = _scatter_values(dtype, rng, tuple(ishape))
        if dtype == I8:
            src = cast(rng.integers(60, 127, src.shape), dtype)
        dst = place(backend, x, "transposed", rng)
        index = place(backend, idx, "stepped", rng)
        srco = place(backend, src, "offset", rng)
        assert backend.scatter_dim(_dim_plan(ishape, dim, size, dst, index, srco), dst.op,
                                   index.op, srco.op, True) is None
        check_out(dst, _scatter_dim_reference(x, dim, idx, src, True), err_msg=f"dim {dim}")
    scalar = True if dtype == BOOL else 2
    dst = place(backend, x, rng=rng)
    idx = rng.integers(0, 5, (4, 7, 6))
    index = place(backend, idx, rng=rng)
    assert backend.scatter_dim(_dim_plan((4, 7, 6), 1, 5, dst, index, scalar), dst.op, index.op,
                               scalar, True) is None
    check_out(dst, _scatter_dim_reference(x, 1, idx, np.asarray(scalar, dtype)[()], True),
              err_msg="scalar")


@pytest.mark.parametrize("accumulate", [False, True])
@pytest.mark.parametrize("bad", [5, -1])
def test_scatter_dim_bad_index_is_reported_and_leaves_dst_untouched(backend, accumulate, bad):
    rng = rng_for("scatter_dim_bad", accumulate, bad)
    dst = place(backend, values(rng, (4, 5), F64), "stepped", rng)
    idx = rng.integers(0, 5, (4, 5))
    idx[3, 4] = bad  # the last element: everything before it is valid
    index = place(backend, idx, "transposed", rng)
    src = place(backend, values(rng, (4, 5), F64), rng=rng)
    p = _dim_plan((4, 5), 1, 5, dst, index, src)
    assert backend.scatter_dim(p, dst.op, index.op, src.op, accumulate) == bad
    check_untouched(dst)
    # along dim 0 (size 4), a scalar src
    idx = rng.integers(0, 4, (4, 5))
    bad0 = 4 if bad > 0 else -1
    idx[3, 4] = bad0
    index = place(backend, idx, "transposed", rng)
    assert backend.scatter_dim(_dim_plan((4, 5), 0, 4, dst, index, 1.5), dst.op, index.op, 1.5,
                               accumulate) == bad0
    check_untouched(dst)


def test_gather_dim_and_scatter_dim_above_the_grain(backend):
    large(backend)
    rng = rng_for("dim_large")
    x = values(rng, (300, 200), F32)
    for dim in (0, 1):
        size = x.shape[dim]
        ishape = (300, 150) if dim == 1 else (250, 200)
        idx = rng.integers(0, size, ishape)
        xin = place(backend, x, "transposed", rng)
        index = place(backend, idx, rng=rng)
        out = make_out(backend, ishape, F32, rng=rng)
        assert backend.gather_dim(_dim_plan(ishape, dim, size, xin, index, out), xin.op, index.op,
                                  out.op) is None
        check_out(out, _gather_dim_reference(x, dim, idx), err_msg=f"gather dim {dim}")
        src = values(rng, ishape, F32)
        srco = place(backend, src, rng=rng)
        for accumulate in (False, True):
            dst = place(backend, x, "transposed", rng)
            assert backend.scatter_dim(_dim_plan(ishape, dim, size, dst, index, srco), dst.op,
                                       index.op, srco.op, accumulate) is None
            check_out(dst, _scatter_dim_reference(x, dim, idx, src, accumulate),
                      err_msg=f"scatter dim {dim} accumulate={accumulate}")
        idx[ishape[0] - 1, 3] = size  # a bad index in the last line: reported, nothing written
        index = place(backend, idx, rng=rng)
        dst = place(backend, x, rng=rng)
        assert backend.scatter_dim(_dim_plan(ishape, dim, size, dst, index, srco), dst.op,
                                   index.op, srco.op, False) == size
        check_untouched(dst)


# ---- masks --------------------------------------------------------------------------------------
def _mask_operand(backend, mask, dtype, rng):
    """A contiguous bool/uint8 mask at an offset in its buffer."""
    return place(backend, np.asarray(mask).astype(dtype).reshape(-1), "offset", rng)


def _mask_cases(rng, shape, k):
    """Masks over the first k dims: random, all false, all true."""
    mshape = shape[:k]
    yield "random", rng.integers(0, 2, mshape).astype(bool)
    yield "all false", np.zeros(mshape, bool)
    yield "all true", np.ones(mshape, bool)


MASK_GEOMETRIES = [((4, 5, 6), 2, "contiguous"), ((4, 5, 6), 3, "transposed"),
                   ((4, 5, 6), 1, "stepped"), ((4, 5, 6), 2, "transposed"), ((7,), 1, "offset")]


def _mask_plan(x, k):
    return plan.mask(tuple(x.shape[:k]), tuple(x.strides[:k]), tuple(x.shape[k:]),
                     tuple(x.strides[k:]))


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_mask_count_gather_and_coordinates(backend, dtype):
    rng = rng_for("mask_gather", dtype)
    for shape, k, layout in MASK_GEOMETRIES:
        x = values(rng, shape, dtype)
        xin = place(backend, x, layout, rng)
        for name, mask in _mask_cases(rng, shape, k):
            for mdt in (BOOL, U8):
                m = _mask_operand(backend, mask, mdt, rng)
                count = backend.mask_count(m.op, mask.size)
                assert count.total == int(mask.sum()), (name, mdt)
                q = int(np.prod(shape[k:], dtype=np.int64))
                out = make_out(backend, (count.total, q), dtype, "offset", rng)
                backend.mask_gather(count, m.op, _mask_plan(xin, k), xin.op, out.op)
                check_out(out, x[mask].reshape(count.total, q), err_msg=f"{shape} {k} {name}")
                coords = make_out(backend, (count.total, k), I64, "offset", rng)
                backend.mask_coordinates(count, m.op, mask.shape, coords.op)
                check_out(coords, np.argwhere(mask), err_msg=f"nonzero {name}")


def test_mask_count_treats_every_nonzero_uint8_as_true(backend):
    mask = np.array([0, 1, 2, 255, 0, 7], np.uint8)
    m = place(backend, mask, "offset")
    count = backend.mask_count(m.op, 6)
    assert count.total == 4
    x = place(backend, np.arange(6.0))
    out = make_out(backend, (4, 1), F64)
    backend.mask_gather(count, m.op, plan.mask((6,), (1,), (), ()), x.op, out.op)
    check_out(out, np.array([[1.0], [2.0], [3.0], [5.0]]))


def test_mask_coordinates_of_a_0d_mask_writes_nothing(backend):
    m = _mask_operand(backend, np.array(True), BOOL, None)
    count = backend.mask_count(m.op, 1)
    assert count.total == 1
    coords = make_out(backend, (1, 0), I64, "offset")
    backend.mask_coordinates(count, m.op, (), coords.op)
    check_out(coords, np.zeros((1, 0)))


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_mask_scatter(backend, dtype):
    rng = rng_for("mask_scatter", dtype)
    scalar = {"b": True, "u": 9, "i": -4, "f": 0.25, "c": 1 + 1j}[dtype.kind]
    for shape, k, layout in MASK_GEOMETRIES:
        for name, mask in _mask_cases(rng, shape, k):
            q = int(np.prod(shape[k:], dtype=np.int64))
            total = int(mask.sum())
            x = values(rng, shape, dtype)
            m = _mask_operand(backend, mask, U8 if name == "random" else BOOL, rng)
            count = backend.mask_count(m.op, mask.size)
            dst = place(backend, x, layout, rng)
            value = values(rng, (total, q), dtype)
            v = place(backend, value.reshape(-1), "offset", rng)
            backend.mask_scatter(count, m.op, _mask_plan(dst, k), dst.op, v.op)
            expected = x.copy()
            expected[mask] = value.reshape((total,) + shape[k:])
            check_out(dst, expected, err_msg=f"{shape} {k} {name}")
            dst = place(backend, x, layout, rng)
            backend.mask_scatter(count, m.op, _mask_plan(dst, k), dst.op, scalar)
            expected = x.copy()
            expected[mask] = scalar
            check_out(dst, expected, err_msg=f"{shape} {k} {name} scalar")


def test_masks_above_the_grain(backend):
    n = large(backend)
    rng = rng_for("mask_large")
    shape = (n // 50 + 401, 50, 2)
    mask = rng.random(shape[:2]) < 0.3
    x = values(rng, shape, F32)
    for layout in ("contiguous", "transposed"):
        xin = place(backend, x, layout, rng)
        m = _mask_operand(backend, mask, BOOL, rng)
        count = backend.mask_count(m.op, mask.size)
        assert count.total == int(mask.sum())
        out = make_out(backend, (count.total, 2), F32, rng=rng)
        backend.mask_gather(count, m.op, _mask_plan(xin, 2), xin.op, out.op)
        check_out(out, x[mask], err_msg=layout)
        coords = make_out(backend, (count.total, 2), I64, rng=rng)
        backend.mask_coordinates(count, m.op, mask.shape, coords.op)
        check_out(coords, np.argwhere(mask))
        value = values(rng, (count.total, 2), F32)
        backend.mask_scatter(count, m.op, _mask_plan(xin, 2), xin.op, place(backend, value.reshape(-1)).op)
        expected = x.copy()
        expected[mask] = value
        check_out(xin, expected, err_msg=layout)
    flat_mask = rng.random(3 * n) < 0.5  # the one-dim, one-column fast path
    xf = values(rng, (3 * n,), F64)
    xin, m = place(backend, xf, "stepped", rng), _mask_operand(backend, flat_mask, U8, rng)
    count = backend.mask_count(m.op, flat_mask.size)
    out = make_out(backend, (count.total, 1), F64, rng=rng)
    backend.mask_gather(count, m.op, _mask_plan(xin, 1), xin.op, out.op)
    check_out(out, xf[flat_mask].reshape(-1, 1))
