"""Backend conformance: reduce, arg_reduce and scan.

Part of the backend conformance suite (see backend_helpers.py): every test runs once per
backend present, and CI runs the suite again with NUMBA_ENABLE_CUDASIM=1 for the CUDA
backend under Numba's simulator.  NumPy is the reference.  The layouts below reach each
schedule of the CPU backend (reduction_kernels.py): rows (the reduced dims innermost),
cols (a contiguous kept dim innermost), several unmergeable reduced dims, and, above the
grain, the chunked full reduction and the parallel twins.  float16 runs only where the
backend's compute_dtype says it computes these primitives in float16.
"""
import numpy as np
import pytest

from backend_helpers import (ALL_DTYPES, BOOL, F16, F32, F64, I64, NUMERIC, REAL, U8, C64, C128,
                             cast, check_out, dtype_id, large,
                             make_out, place, place_broadcast, require_compute_dtype, rng_for,
                             values)
from numtensor._backends import plan

SHAPE = (4, 5, 6)


def _tol(dtype, n=1):
    dtype = np.dtype(dtype)
    if dtype.kind in "biu":
        return {}
    eps = {F16: 1e-3, F32: 1e-6, C64: 1e-6}.get(dtype, 1e-14)
    return dict(rtol=eps * max(8, n), atol=eps * max(8, n))


def _reduce_input(op, dtype, rng, shape):
    if op == "prod":
        if dtype.kind in "fc":
            x = values(rng, shape, dtype, 0.5, 1.5)
        else:
            x = values(rng, shape, dtype, -2, 3)
    elif op in ("all", "any"):
        # mostly nonzero, with zeros in some lines and whole lines of zeros / nonzeros
        x = values(rng, shape, dtype, 1, 4)
        flat = x.reshape(-1)
        flat[rng.integers(0, flat.size, flat.size // 6)] = 0
        if x.ndim == 3 and dtype != BOOL:
            x[1, :, :] = 0
            x[:, 2, :] = cast(3, dtype)
    else:
        x = values(rng, shape, dtype)
    if op in ("amax", "amin") and dtype.kind == "f" and x.size > 12:
        flat = x.reshape(-1)
        flat[[3, 40, 41]] = np.nan  # NaN propagates into those lines
    return x


def _reduce_reference(op, x, dims, out_dtype):
    dims = tuple(dims)
    with np.errstate(all="ignore"):
        if op == "sum":
            return np.add.reduce(x, axis=dims, dtype=x.dtype)
        if op == "prod":
            return np.multiply.reduce(x, axis=dims, dtype=x.dtype)
        if op == "amax":
            return np.maximum.reduce(x, axis=dims) if x.size else x.sum(axis=dims)
        if op == "amin":
            return np.minimum.reduce(x, axis=dims) if x.size else x.sum(axis=dims)
        nz = x != 0
        return cast(np.all(nz, axis=dims) if op == "all" else np.any(nz, axis=dims), out_dtype)


def run_reduce(backend, op, x_operand, dims, out_dtype, rng, x_values):
    dims = tuple(sorted(dims))
    kept = tuple(n for d, n in enumerate(x_operand.shape) if d not in dims)
    p = plan.reduce(x_operand.shape, x_operand.strides, dims)
    out = make_out(backend, kept, out_dtype, "offset", rng)
    backend.reduce(op, p, x_operand.op, out.op)
    nred = int(np.prod([x_operand.shape[d] for d in dims]))
    check_out(out, _reduce_reference(op, x_values, dims, out_dtype), err_msg=f"{op} dims={dims} {p}",
              **_tol(out_dtype, nred))
    return p


REDUCE_DTYPES = {
    "sum": NUMERIC, "prod": NUMERIC, "amax": [BOOL] + REAL, "amin": [BOOL] + REAL,
    "all": ALL_DTYPES, "any": ALL_DTYPES,
}
REDUCE_PARAMS = [(op, dt) for op, dts in REDUCE_DTYPES.items() for dt in dts]

# (x layout, reduced dims, the CPU schedule it reaches)
REDUCE_LAYOUTS = [
    ("contiguous", (2,), "rows"),
    ("contiguous", (0,), "cols"),
    ("contiguous", (1,), "cols, two kept dims"),
    ("contiguous", (0, 1), "cols, merged reduced dims"),
    ("contiguous", (0, 2), "rows, two reduced dims"),
    ("contiguous", (0, 1, 2), "all dims"),
    ("transposed", (0,), "rows on a transposed x"),
    ("transposed", (2,), "cols on a transposed x"),
    ("transposed", (0, 1, 2), "all dims, transposed"),
    ("stepped", (1,), "stepped"),
    ("stepped", (0, 2), "stepped, two reduced dims"),
]


def _out_dtype(op, dtype):
    if op in ("all", "any"):
        return U8 if dtype == U8 else BOOL   # all/any of uint8 give uint8, as in PyTorch
    return dtype


@pytest.mark.parametrize("op,dtype", REDUCE_PARAMS, ids=[f"{o}-{d.name}" for o, d in REDUCE_PARAMS])
def test_reduce(backend, op, dtype):
    require_compute_dtype(backend, "reduce", dtype)  # all/any: x in it, out bool/uint8
    rng = rng_for("reduce", op, dtype)
    out_dtype = _out_dtype(op, dtype)
    x = _reduce_input(op, dtype, rng, SHAPE)
    schedules = set()
    for layout, dims, what in REDUCE_LAYOUTS:
        p = run_reduce(backend, op, place(backend, x, layout, rng), dims, out_dtype, rng, x)
        schedules.add((p.kshape != (), len(p.rshape)))
    assert schedules >= {(True, 1), (True, 2), (False, 1)}  # kept/none kept, 1/2 reduced dims
    # a broadcast x (stride 0 on dim 1): reduced and kept
    small = x[:, :1, :]
    xb = place_broadcast(backend, small, SHAPE, "offset", rng)
    for dims in [(1,), (0, 1, 2), (2,)]:
        run_reduce(backend, op, xb, dims, out_dtype, rng, np.broadcast_to(small, SHAPE))
    # 0-d: nothing reduced
    x0 = x.reshape(-1)[5].reshape(())
    run_reduce(backend, op, place(backend, x0, "offset", rng), (), out_dtype, rng, x0)


@pytest.mark.parametrize("op,dtype", [("sum", F32), ("sum", I64), ("prod", C128), ("all", F64),
                                      ("any", BOOL), ("any", U8)], ids=dtype_id)
def test_reduce_over_an_empty_dim_gives_the_identity(backend, op, dtype):
    rng = rng_for("reduce_empty", op, dtype)
    out_dtype = _out_dtype(op, dtype)
    x = values(rng, (0, 5), dtype)
    expected = {"sum": 0, "prod": 1, "all": True, "any": False}[op]
    xin = place(backend, x, rng=rng)
    out = make_out(backend, (5,), out_dtype, "offset", rng)
    backend.reduce(op, plan.reduce((0, 5), xin.strides, (0,)), xin.op, out.op)
    check_out(out, np.full(5, expected))
    # no kept element at all: nothing is written
    out = make_out(backend, (0,), out_dtype, "offset", rng)
    backend.reduce(op, plan.reduce((0, 5), xin.strides, (1,)), xin.op, out.op)
    check_out(out, np.zeros(0))


@pytest.mark.parametrize("op,dtype", [("sum", F32), ("sum", F64), ("sum", I64), ("amax", F32),
                                      ("amin", F64), ("prod", C64), ("all", BOOL), ("any", F32)],
                         ids=dtype_id)
def test_reduce_above_the_grain(backend, op, dtype):
    """The parallel schedules: the chunked full reduction (contiguous and stepped), rows,
    cols with few outputs (split reduced rows) and with many."""
    n = large(backend)
    rng = rng_for("reduce_large", op, dtype)
    out_dtype = _out_dtype(op, dtype)
    for shape, layout, dims in [((2 * n + 5,), "contiguous", (0,)),
                                ((n + 3,), "stepped", (0,)),
                                ((n // 64 + 1, 64), "contiguous", (0, 1)),
                                ((n // 50 + 1, 50), "contiguous", (1,)),
                                ((n // 3 + 1, 3), "contiguous", (0,)),
                                ((60, n // 60 + 1), "contiguous", (0,)),
                                ((70, n // 70 + 1), "transposed", (1,))]:
        x = _reduce_input(op, dtype, rng, shape)
        if op in ("amax", "amin"):
            x.reshape(-1)[[7, x.size // 2]] = np.nan
        run_reduce(backend, op, place(backend, x, layout, rng), dims, out_dtype, rng, x)


# ---- arg_reduce -------------------------------------------------------------------------------------
ARG_PARAMS = [(op, dt) for op in ("max", "min") for dt in [BOOL] + REAL]


def _arg_reference(op, x, dim):
    idx = (np.argmax if op == "max" else np.argmin)(x, axis=dim)  # first position; NaN wins
    return np.take_along_axis(x, np.expand_dims(idx, dim), dim).squeeze(dim), idx


def run_arg_reduce(backend, op, xin, dim, rng, xv):
    kept = tuple(n for d, n in enumerate(xin.shape) if d != dim)
    vals = make_out(backend, kept, xin.dtype, "offset", rng)
    idx = make_out(backend, kept, np.int64, "offset", rng)
    backend.arg_reduce(op, plan.arg_reduce(xin.shape, xin.strides, dim), xin.op, vals.op, idx.op)
    ev, ei = _arg_reference(op, xv, dim)
    check_out(vals, ev, err_msg=f"arg{op} values dim={dim}")
    check_out(idx, ei, err_msg=f"arg{op} indices dim={dim}")


@pytest.mark.parametrize("op,dtype", ARG_PARAMS, ids=[f"{o}-{d.name}" for o, d in ARG_PARAMS])
def test_arg_reduce_gives_the_first_extreme_and_nan_wins(backend, op, dtype):
    require_compute_dtype(backend, "arg_reduce", dtype)
    rng = rng_for("arg", op, dtype)
    x = values(rng, SHAPE, dtype, -3, 4)  # few distinct values: ties everywhere
    if dtype.kind == "f":
        x[1, 2, 3] = x[1, 2, 5] = np.nan  # two NaNs in one line along dim 2: the first wins
        x[2, 0, 0] = np.nan
        x[0, 3, 1] = np.inf
    for layout in ("contiguous", "transposed", "stepped"):
        xin = place(backend, x, layout, rng)
        for dim in range(3):
            run_arg_reduce(backend, op, xin, dim, rng, x)
    row = x[1, 2]
    run_arg_reduce(backend, op, place(backend, row, "stepped", rng), 0, rng, row)  # one output
    small = x[:, :1, :]
    run_arg_reduce(backend, op, place_broadcast(backend, small, SHAPE, rng=rng), 1, rng,
                   np.broadcast_to(small, SHAPE))  # broadcast along the reduced dim: index 0
    empty = x[:, :0, :]
    run_arg_reduce(backend, op, place(backend, empty, rng=rng), 0, rng, empty)  # nothing kept


@pytest.mark.parametrize("op,dtype", [("max", F32), ("min", I64)], ids=dtype_id)
def test_arg_reduce_above_the_grain(backend, op, dtype):
    n = large(backend)
    rng = rng_for("arg_large", op, dtype)
    x = values(rng, (n // 40 + 1, 40), dtype, -50, 50)
    if dtype.kind == "f":
        x[5, 7] = np.nan
    for layout in ("contiguous", "transposed"):
        xin = place(backend, x, layout, rng)
        run_arg_reduce(backend, op, xin, 1, rng, x)
        run_arg_reduce(backend, op, xin, 0, rng, x)


# ---- scan ----------------------------------------------------------------------------------------------
SCAN_PARAMS = [(op, dt) for op in ("sum", "prod") for dt in NUMERIC]


def run_scan(backend, op, xin, out_layout, dim, rng, xv):
    out = make_out(backend, xin.shape, xin.dtype, out_layout, rng)
    backend.scan(op, plan.scan(xin.shape, xin.strides, out.strides, dim), xin.op, out.op)
    fn = np.cumsum if op == "sum" else np.cumprod
    with np.errstate(all="ignore"):
        expected = fn(xv, axis=dim, dtype=xv.dtype)
    check_out(out, expected, err_msg=f"cum{op} dim={dim} out {out_layout}",
              **_tol(xin.dtype, xin.shape[dim] if xin.shape else 1))


@pytest.mark.parametrize("op,dtype", SCAN_PARAMS, ids=[f"{o}-{d.name}" for o, d in SCAN_PARAMS])
def test_scan(backend, op, dtype):
    require_compute_dtype(backend, "scan", dtype)
    rng = rng_for("scan", op, dtype)
    x = values(rng, SHAPE, dtype, 0.5, 1.5) if op == "prod" and dtype.kind in "fc" else \
        values(rng, SHAPE, dtype, -3, 4)
    for x_layout, out_layout in [("contiguous", "contiguous"), ("transposed", "stepped"),
                                 ("stepped", "transposed")]:
        xin = place(backend, x, x_layout, rng)
        for dim in range(3):
            run_scan(backend, op, xin, out_layout, dim, rng, x)
    small = x[:1]
    run_scan(backend, op, place_broadcast(backend, small, SHAPE, rng=rng), "offset", 0, rng,
             np.broadcast_to(small, SHAPE))
    for empty in (x[:, :0], x[:0]):  # an empty scanned dim, no lines at all
        run_scan(backend, op, place(backend, empty, rng=rng), "stepped", 1, rng, empty)


@pytest.mark.parametrize("op,dtype", [("sum", F64), ("prod", I64)], ids=dtype_id)
def test_scan_above_the_grain(backend, op, dtype):
    n = large(backend)
    rng = rng_for("scan_large", op, dtype)
    x = values(rng, (n // 30 + 1, 30), dtype, -2, 3)
    for dim in (0, 1):
        run_scan(backend, op, place(backend, x, "transposed", rng), "contiguous", dim, rng, x)


# ---- whole_sum_route: the fast path of sum() and mean() ---------------------------------
@pytest.mark.parametrize("dtype", [F32, F64], ids=dtype_id)
def test_whole_sum_route(backend, dtype):
    """The route's one-element buffer holds the sum of n dense elements from an offset,
    the value reduce gives over the same elements (one element, a few, and on the CPU a
    run long enough for the vector cascade and one past the size of a single run)."""
    from backend_helpers import is_cpu
    rng = rng_for("whole_sum_route", dtype)
    route = backend.whole_sum_route(dtype)
    sizes = [1, 13] + ([1000, 40000] if is_cpu(backend) else [])
    for n in sizes:
        x = values(rng, (n,), dtype)
        operand = place(backend, x, "offset", rng)
        got = np.array(backend.to_host(route(operand.buf, operand.offset, n), 0, 1))
        assert got.dtype == dtype and got.shape == (1,)
        out = make_out(backend, (), dtype)
        backend.reduce("sum", plan.reduce((n,), (1,), (0,)), operand.op, out.op)
        want = np.array(backend.to_host(out.buf, out.offset, 1))
        assert np.array_equal(got, want), n  # the same kernel's order: the same bits
        np.testing.assert_allclose(got[0], x.astype(np.float64).sum(), **_tol(dtype, n))


# ---- reduce_route: the kept path of a reduction geometry met again ------------------------
ROUTE_CASES = [("sum", F32), ("sum", F64), ("sum", I64), ("prod", C128), ("amax", F32),
               ("amin", I64), ("all", F64), ("any", BOOL)]


@pytest.mark.parametrize("op,dtype", ROUTE_CASES, ids=dtype_id)
def test_reduce_route(backend, op, dtype):
    """The route returns a fresh buffer of the plan's outputs holding what reduce writes
    (the same bits), run three times on one plan (the CPU backend calls its kernel's
    compiled entry after the first call on plain buffers), over the layouts that reach
    each schedule, a broadcast x, an empty reduced dim (the identity) and, on the CPU, plans above the
    parallel grain."""
    from backend_helpers import is_cpu
    require_compute_dtype(backend, "reduce", dtype)
    rng = rng_for("reduce_route", op, dtype)
    out_dtype = _out_dtype(op, dtype)
    x = _reduce_input(op, dtype, rng, SHAPE)
    cases = [(place(backend, x, layout, rng), dims, x) for layout, dims, _ in REDUCE_LAYOUTS]
    small = x[:, :1, :]
    cases.append((place_broadcast(backend, small, SHAPE, "offset", rng), (1, 2),
                  np.broadcast_to(small, SHAPE)))
    if op not in ("amax", "amin"):  # (which the ops layer refuses over an empty dim)
        empty = values(rng, (0, 5), dtype)
        cases.append((place(backend, empty, rng=rng), (0,), empty))
    if is_cpu(backend):
        n = large(backend)
        for shape, dims in [((n // 50 + 1, 50), (1,)), ((2 * n + 5,), (0,)),
                            ((n // 3 + 1, 3), (0,)), ((300, 3 * n // 50), (1,))]:
            big = _reduce_input(op, dtype, rng, shape)
            cases.append((place(backend, big, "offset", rng), dims, big))
    for operand, dims, x_values in cases:
        p = plan.reduce(operand.shape, operand.strides, dims)
        route = backend.reduce_route(op, p, np.dtype(dtype), np.dtype(out_dtype))
        expected = _reduce_reference(op, x_values, dims, out_dtype).reshape(-1)
        out = make_out(backend, (p.nout,), out_dtype)
        backend.reduce(op, p, operand.op, out.op)
        want = np.array(backend.to_host(out.buf, out.offset, p.nout))
        for call in range(3):
            buf = route(operand.buf, operand.offset, call > 0)
            got = np.array(backend.to_host(buf, 0, p.nout))
            case = f"{op} dims={dims} {p} call {call}"
            assert got.dtype == out_dtype and got.shape == (p.nout,), case
            assert np.array_equal(got, want, equal_nan=dtype.kind in "fc"), case
            np.testing.assert_allclose(got.astype(np.complex128 if dtype.kind == "c" else float),
                                       expected.astype(np.complex128 if dtype.kind == "c" else float),
                                       err_msg=case, **_tol(out_dtype, p.nred))
