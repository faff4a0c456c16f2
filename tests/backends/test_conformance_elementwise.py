"""Backend conformance: the element-wise primitives map, zip, where and fill.

Part of the backend conformance suite (see backend_helpers.py): every test runs once per
backend present, and CI runs the suite again with NUMBA_ENABLE_CUDASIM=1 for the CUDA
backend under Numba's simulator.  NumPy is the reference; float16 is computed in
float32 and rounded at the store, so its reference is NumPy in float32, then cast.
Each primitive is run through the flat kernel (contiguous operands), the broadcast-flat
one (one operand read at a single element), the strided one (stepped and transposed
operands, stride-0 broadcasting), a 0-d and an empty problem.
"""
import numpy as np
import pytest

from numtensor._backends import scalar_ops

from backend_helpers import (ALL_DTYPES, BOOL, COMPLEX, F16, F32, F64, FLOATS, I8, I16, I32, I64,
                             INTS, NUMERIC, REAL, U8, C64, C128, ELEMENTWISE_GRAIN, assert_values,
                             cast, check_out, dtype_id, ew_plan, is_cpu, large_elementwise,
                             make_out, place, place_broadcast, rng_for, values)

SHAPE = (6, 7)


def kernel_dtype(dtype):
    """The dtype element-wise kernels compute in: float16 in float32."""
    return F32 if dtype == F16 else np.dtype(dtype)


def as_kernel_scalar(value, dtype):
    """A Python number parameter as the kernel sees it: converted to the compute dtype."""
    return cast(np.array(value), kernel_dtype(dtype))[()]


def as_operand_scalar(value, dtype, op):
    """A Python number operand as the kernel sees it: a float16 kernel's operand is first a
    float16 value (PyTorch's wrapped number), then computed in float32, but for the ops
    that PyTorch computes with the number itself (mul, div: FLOAT16_NUMBER_UNROUNDED)."""
    if dtype == np.float16 and op not in scalar_ops.FLOAT16_NUMBER_UNROUNDED:
        return np.float32(np.float16(value))
    return as_kernel_scalar(value, dtype)


def reference(fn, out_dtype, *arrays):
    """fn over the arrays in their compute dtype, the result converted to out_dtype."""
    work = [a.astype(kernel_dtype(a.dtype)) if isinstance(a, np.ndarray) else a for a in arrays]
    with np.errstate(all="ignore"):
        return cast(fn(*work), out_dtype)


def tolerance(dtype, exact):
    """Exact where the kernel does what NumPy does (IEEE add, mul, div, compares...);
    complex products may round differently (how a product is contracted: an ulp of the
    product's terms, which stays absolute when a sum cancels, as in a + alpha * b of
    terms near 2, where float32's ulp is 2.4e-7); libm-class functions within a few
    units in the last place."""
    dtype = np.dtype(dtype)
    if dtype.kind in "biu" or (exact and dtype.kind != "c"):
        return {}
    return {F16: dict(rtol=1e-3, atol=1e-4), F32: dict(rtol=2e-6, atol=1e-7), C64: dict(rtol=2e-6, atol=2.5e-7),
            F64: dict(rtol=1e-14, atol=1e-300), C128: dict(rtol=1e-14, atol=1e-300)}[np.dtype(dtype)]


def plant_specials(x, specials):
    """x with the first few elements replaced by edge values (NaN, -0.0, inf...)."""
    x = x.copy()
    flat = x.reshape(-1)
    k = min(len(flat), len(specials))
    flat[:k] = np.array(specials[:k]).astype(x.dtype)
    return x


FLOAT_SPECIALS = [np.nan, -0.0, np.inf, -np.inf, 0.0, -np.nan]


def unary_layouts(backend, x, out_dtype, rng):
    """(case, input operand, output operand, the input's values at the problem's shape)."""
    shape = x.shape
    yield "contiguous", place(backend, x, rng=rng), make_out(backend, shape, out_dtype, rng=rng), x
    yield ("stepped -> transposed", place(backend, x, "stepped", rng),
           make_out(backend, shape, out_dtype, "transposed", rng), x)
    small = x[:, 2:3]
    yield ("broadcast", place_broadcast(backend, small, shape, "offset", rng),
           make_out(backend, shape, out_dtype, "stepped", rng), np.broadcast_to(small, shape))
    z = x.reshape(-1)[1].reshape(())
    yield "0-d", place(backend, z, "offset", rng), make_out(backend, (), out_dtype, "offset", rng), z
    yield ("empty", place(backend, x[:0], rng=rng),
           make_out(backend, (0,) + shape[1:], out_dtype, "stepped", rng), x[:0])


# ---- map ------------------------------------------------------------------------------------------
def _clamp_params(dtype):
    if dtype.kind == "u":
        return (2, 7)
    if dtype.kind == "i":
        return (-3, 5)
    return (-2.5, 3.25)


# Every dtype runs through a few ops of each primitive (neg, logical_not, relu/clamp; add,
# add_scaled, eq, lt); the other ops on a sample of dtypes, to keep the suite quick.
# op -> (dtypes, params(dtype), numpy reference(x, *params), output dtype(dtype) or None,
#        exact, input range, NaN and other specials allowed in the input)
MAP_CASES = {
    "neg": (NUMERIC, lambda dt: (), lambda x: -x, None, True, (-9, 10), True),
    "abs": ([I8, I64, F16, F32, F64], lambda dt: (), np.abs, None, True, (-9, 10), True),
    "square": ([U8, I32, F16, F64, C64, C128], lambda dt: (), lambda x: x * x, None, True, (-9, 10), True),
    "relu": (REAL, lambda dt: (0,), lambda x, p0: np.maximum(x, p0), None, True, (-9, 10), True),
    "clamp": (REAL, _clamp_params, lambda x, lo, hi: np.minimum(np.maximum(x, lo), hi), None,
              True, (-9, 10), True),
    "sign": ([U8, I8, F16, F64], lambda dt: (0,), lambda x, p0: np.sign(x), None, True, (-9, 10), False),
    "logical_not": (ALL_DTYPES, lambda dt: (0,), lambda x, p0: x == p0, lambda dt: BOOL, True,
                    (-2, 3), True),
    "isnan": (FLOATS, lambda dt: (), np.isnan, lambda dt: BOOL, True, (-9, 10), True),
    "floor": (FLOATS, lambda dt: (), np.floor, None, True, (-9, 10), False),  # specials: tested below
    "exp": (FLOATS, lambda dt: (), np.exp, None, False, (-5, 5), True),
    "sqrt": (FLOATS, lambda dt: (), np.sqrt, None, False, (0, 10), True),
    "tanh": ([F16, F32], lambda dt: (), np.tanh, None, False, (-4, 4), True),
    "sigmoid": ([F16, F64], lambda dt: (), lambda x: 1 / (1 + np.exp(-x)), None, False, (-6, 6), False),
    "complex_exp": (COMPLEX, lambda dt: (), np.exp, None, False, (-3, 3), False),
    "complex_sqrt": (COMPLEX, lambda dt: (), np.sqrt, None, False, (-9, 10), False),
}
MAP_PARAMS = [(op, dt) for op, case in MAP_CASES.items() for dt in case[0]]


def _map_input(op, dtype, rng, shape=SHAPE):
    dtypes, params, fn, out_dt, exact, (lo, hi), specials = MAP_CASES[op]
    x = values(rng, shape, dtype, lo, hi)
    if specials and dtype.kind == "f":
        x = plant_specials(x, FLOAT_SPECIALS)
    return x


@pytest.mark.parametrize("op,dtype", MAP_PARAMS, ids=[f"{o}-{d.name}" for o, d in MAP_PARAMS])
def test_map(backend, op, dtype):
    dtypes, params_of, fn, out_dt, exact, _, _ = MAP_CASES[op]
    rng = rng_for("map", op, dtype)
    out_dtype = out_dt(dtype) if out_dt else dtype
    params = params_of(dtype)
    kparams = [as_kernel_scalar(p, dtype) for p in params]
    x = _map_input(op, dtype, rng)
    for case, xin, out, xv in unary_layouts(backend, x, out_dtype, rng):
        backend.map(op, ew_plan(xv.shape, xin, out), xin.op, out.op, params)
        check_out(out, reference(lambda a: fn(a, *kparams), out_dtype, xv),
                  err_msg=f"{op} {case}", **tolerance(out_dtype, exact))


@pytest.mark.parametrize("op", ["floor", "ceil", "trunc"])
@pytest.mark.parametrize("dtype", FLOATS, ids=dtype_id)
def test_map_rounding_keeps_nan_inf_and_huge_values(backend, op, dtype):
    x = np.array([np.nan, np.inf, -np.inf, 3e4 if dtype == F16 else 1e20, -2.5, -0.0], dtype)
    xin, out = place(backend, x), make_out(backend, x.shape, dtype)
    backend.map(op, ew_plan(x.shape, xin, out), xin.op, out.op)
    check_out(out, reference(getattr(np, op), dtype, x))


@pytest.mark.parametrize("dtype", REAL, ids=dtype_id)
def test_map_clamp_with_low_above_high_gives_high_everywhere(backend, dtype):
    x = values(rng_for("clamp_inverted", dtype), SHAPE, dtype, 0, 10)
    lo, hi = (7, 2) if dtype.kind == "u" else (3, -2)
    xin, out = place(backend, x), make_out(backend, SHAPE, dtype)
    backend.map("clamp", ew_plan(SHAPE, xin, out), xin.op, out.op, (lo, hi))
    check_out(out, np.full(SHAPE, hi))


@pytest.mark.parametrize("op,dtype", [("neg", F16), ("exp", F32), ("relu", I64), ("isnan", F64)],
                         ids=dtype_id)
def test_map_above_the_grain(backend, op, dtype):
    n = large_elementwise(backend)
    dtypes, params_of, fn, out_dt, exact, _, _ = MAP_CASES[op]
    rng = rng_for("map_large", op, dtype)
    out_dtype = out_dt(dtype) if out_dt else dtype
    params = params_of(dtype)
    kparams = [as_kernel_scalar(p, dtype) for p in params]
    shape = (n // 100 + 1, 100)
    x = _map_input(op, dtype, rng, shape)
    expected = reference(lambda a: fn(a, *kparams), out_dtype, x)
    for layout_in, layout_out in [("contiguous", "contiguous"), ("stepped", "transposed")]:
        xin, out = place(backend, x, layout_in, rng), make_out(backend, shape, out_dtype, layout_out, rng)
        backend.map(op, ew_plan(shape, xin, out), xin.op, out.op, params)
        check_out(out, expected, err_msg=layout_in, **tolerance(out_dtype, exact))


# ---- zip ------------------------------------------------------------------------------------------
def _alpha(dtype):
    return {"c": 1.5 - 2j, "f": 2.5}.get(dtype.kind, 3)


ORDERED = [BOOL] + REAL

# op -> (dtypes, params(dtype), numpy reference(a, b, *params), output dtype or None,
#        exact, divisor must be nonzero)
ZIP_CASES = {
    "add": (NUMERIC, lambda dt: (), np.add, None, True, False),
    "sub": ([U8, I64, F16, F64, C64], lambda dt: (), np.subtract, None, True, False),
    "mul": ([I8, I32, F16, F32, C128], lambda dt: (), np.multiply, None, True, False),
    "div": (FLOATS + COMPLEX, lambda dt: (), np.divide, None, False, True),
    "floor_divide": ([I8, I64, F32, F64], lambda dt: (), np.floor_divide, None, True, True),
    "remainder": ([U8, I32, F32, F64], lambda dt: (), np.remainder, None, False, True),
    "maximum": ([U8, I16, F16, F32, F64], lambda dt: (), np.maximum, None, True, False),
    "minimum": ([I8, I64, F16, F64], lambda dt: (), np.minimum, None, True, False),
    "add_scaled": (NUMERIC, lambda dt: (_alpha(dt),), lambda a, b, p0: a + p0 * b, None, True, False),
    "eq": (ALL_DTYPES, lambda dt: (), np.equal, BOOL, True, False),
    "ne": ([BOOL, F16, C64], lambda dt: (), np.not_equal, BOOL, True, False),
    "lt": (ORDERED, lambda dt: (), np.less, BOOL, True, False),
    "ge": ([BOOL, I8, F16, F64], lambda dt: (), np.greater_equal, BOOL, True, False),
    "logical_and": ([BOOL, U8, F32, C128], lambda dt: (), np.logical_and, BOOL, True, False),
    "bitwise_xor": ([BOOL] + INTS, lambda dt: (), np.bitwise_xor, None, True, False),
}
ZIP_PARAMS = [(op, dt) for op, case in ZIP_CASES.items() for dt in case[0]]
# the ops that run every kernel variant (broadcast-flat, scalar first); the kernels are
# rendered from one template for every op, so the others skip those variants and the
# compile time they cost on a cold cache
EVERY_VARIANT = {"add", "add_scaled", "eq", "lt"}


def _zip_inputs(op, dtype, rng, shape_a, shape_b):
    nonzero = ZIP_CASES[op][5]
    a = values(rng, shape_a, dtype, -4, 5)
    b = values(rng, shape_b, dtype, -4, 5)
    if nonzero:
        b = np.where(b == 0, np.ones_like(b), b)
    if dtype.kind == "f" and op not in ("floor_divide", "remainder"):
        a = plant_specials(a, [np.nan, 1.0, -0.0, np.inf])
        b = plant_specials(b, [1.0, np.nan, 0.0, np.inf])
    return a, b


def _scalar_of(dtype):
    """A Python scalar operand; for small integer types one that wraps when converted."""
    if dtype == BOOL:
        return True
    if dtype in (U8, I8):
        return 300   # converted to the tensor's dtype, as PyTorch does: 44
    if dtype.kind in "iu":
        return 3
    if dtype.kind == "f":
        return 1 / 3
    return 0.5 - 1.25j


@pytest.mark.parametrize("op,dtype", ZIP_PARAMS, ids=[f"{o}-{d.name}" for o, d in ZIP_PARAMS])
def test_zip(backend, op, dtype):
    dtypes, params_of, fn, out_dt, exact, _ = ZIP_CASES[op]
    rng = rng_for("zip", op, dtype)
    out_dtype = out_dt or dtype
    params = params_of(dtype)
    kparams = [as_kernel_scalar(p, dtype) for p in params]

    def expect(a, b):
        return reference(lambda x, y: fn(x, y, *kparams), out_dtype, a, b)

    tol = tolerance(out_dtype, exact)

    def run(case, a, b, out, av, bv, flat=None):
        p = ew_plan(out.shape, *[o for o in (a, b) if hasattr(o, "op")], out)
        if flat is not None:
            assert p.flat == flat, (case, p)
        backend.zip(op, p, a.op if hasattr(a, "op") else a, b.op if hasattr(b, "op") else b,
                    out.op, params)
        check_out(out, expect(av, bv), err_msg=f"{op} {case}", **tol)

    # tensor - tensor, one shape, contiguous: the flat kernel
    a, b = _zip_inputs(op, dtype, rng, SHAPE, SHAPE)
    run("contiguous", place(backend, a, rng=rng), place(backend, b, "offset", rng),
        make_out(backend, SHAPE, out_dtype, rng=rng), a, b, flat=(1, 1))
    # transposed and stepped operands into a stepped output
    run("strided", place(backend, a, "transposed", rng), place(backend, b, "stepped", rng),
        make_out(backend, SHAPE, out_dtype, "stepped", rng), a, b, flat=None)
    # broadcasting (6, 1) with (1, 7), and a row (7,) against a (6, 7) matrix: stride 0
    a1, b1 = _zip_inputs(op, dtype, rng, (6, 1), (1, 7))
    run("broadcast both", place_broadcast(backend, a1, SHAPE, "offset", rng),
        place_broadcast(backend, b1, SHAPE, "stepped", rng),
        make_out(backend, SHAPE, out_dtype, "transposed", rng),
        np.broadcast_to(a1, SHAPE), np.broadcast_to(b1, SHAPE))
    row, _ = _zip_inputs(op, dtype, rng, (7,), (1,))
    run("row", place_broadcast(backend, row, SHAPE, "offset", rng), place(backend, b, rng=rng),
        make_out(backend, SHAPE, out_dtype, rng=rng), np.broadcast_to(row, SHAPE), b)
    # tensor - scalar and scalar - tensor: the scalar is converted to the compute dtype
    s = _scalar_of(dtype)  # never 0: a divisor too
    sv = as_operand_scalar(s, dtype, op)
    run("tensor-scalar", place(backend, a, "offset", rng), s,
        make_out(backend, SHAPE, out_dtype, rng=rng), a, sv, flat=(1,))
    if op in EVERY_VARIANT:
        run("scalar-tensor", s, place(backend, b, "transposed", rng),
            make_out(backend, SHAPE, out_dtype, "stepped", rng), sv, b)
        # one operand a single element read everywhere: the broadcast-flat kernels
        one = b.reshape(-1)[5:6].reshape(())
        run("flat (1, 0)", place(backend, a, rng=rng),
            place_broadcast(backend, one, SHAPE, "offset", rng),
            make_out(backend, SHAPE, out_dtype, rng=rng), a, np.broadcast_to(one, SHAPE), flat=(1, 0))
        run("flat (0, 1)", place_broadcast(backend, one, SHAPE, "offset", rng),
            place(backend, a, rng=rng), make_out(backend, SHAPE, out_dtype, rng=rng),
            np.broadcast_to(one, SHAPE), a, flat=(0, 1))
    # 0-d, and empty
    a0, b0 = a.reshape(-1)[4].reshape(()), b.reshape(-1)[6].reshape(())
    run("0-d", place(backend, a0, "offset", rng), place(backend, b0, rng=rng),
        make_out(backend, (), out_dtype, "offset", rng), a0, b0)
    run("empty", place(backend, a[:0], rng=rng), place_broadcast(backend, b[:1], (0, 7), rng=rng),
        make_out(backend, (0, 7), out_dtype, "stepped", rng), a[:0], b[:0])


@pytest.mark.parametrize("op,dtype", [("add", F16), ("mul", I32), ("lt", F64), ("add_scaled", C64)],
                         ids=dtype_id)
def test_zip_above_the_grain(backend, op, dtype):
    n = large_elementwise(backend)
    dtypes, params_of, fn, out_dt, exact, _ = ZIP_CASES[op]
    rng = rng_for("zip_large", op, dtype)
    out_dtype = out_dt or dtype
    params = params_of(dtype)
    kparams = [as_kernel_scalar(p, dtype) for p in params]
    shape = (n // 100 + 1, 100)
    a, b = _zip_inputs(op, dtype, rng, shape, shape)
    expected = reference(lambda x, y: fn(x, y, *kparams), out_dtype, a, b)
    for la, lb, lo in [("contiguous",) * 3, ("transposed", "stepped", "stepped")]:
        ain, bin_ = place(backend, a, la, rng), place(backend, b, lb, rng)
        out = make_out(backend, shape, out_dtype, lo, rng)
        backend.zip(op, ew_plan(shape, ain, bin_, out), ain.op, bin_.op, out.op, params)
        check_out(out, expected, err_msg=la, **tolerance(out_dtype, exact))
    s = _scalar_of(dtype)
    ain, out = place(backend, a, rng=rng), make_out(backend, shape, out_dtype, rng=rng)
    backend.zip(op, ew_plan(shape, ain, out), ain.op, s, out.op, params)
    check_out(out, reference(lambda x: fn(x, as_operand_scalar(s, dtype, op), *kparams), out_dtype, a),
              err_msg="scalar", **tolerance(out_dtype, exact))


# ---- dense routes (the small-op fast path) ---------------------------------------------------------
ROUTE_ZIP = [("add", F32), ("add", F16), ("add", I64), ("add_scaled", F64), ("eq", F32), ("lt", I32)]
ROUTE_MAP = [("neg", F32), ("relu", F16), ("clamp", I64), ("exp", F64), ("isnan", F32)]


def _route_sizes(backend):
    # empty, one element, a few, and (CPU) above the grain: the parallel twin
    return [0, 1, 13] + ([ELEMENTWISE_GRAIN + 5] if is_cpu(backend) else [])


def _run_route(backend, route, inputs, n, params, out_dtype, expected, rng, tol, case):
    """A route's fresh buffer holds expected; run into an offset output, it writes the
    same values there and nothing around them."""
    buf = route(inputs, None, n, params)
    fresh = np.array(backend.to_host(buf, 0, n))
    assert fresh.dtype == out_dtype and len(buf) == n, case
    assert_values(fresh, np.asarray(expected).reshape(-1), err_msg=f"{case} fresh", **tol)
    out = make_out(backend, (n,), out_dtype, "offset", rng)
    assert route(inputs, out.op, n, params) is out.buf
    check_out(out, expected, err_msg=f"{case} into out", **tol)


@pytest.mark.parametrize("op,dtype", ROUTE_ZIP, ids=[f"{o}-{d.name}" for o, d in ROUTE_ZIP])
def test_dense_route_zip(backend, op, dtype):
    """Every code pattern the ops layer's fast path asks for: both operands walked, one of
    them a single element read everywhere, a Python number second."""
    dtypes, params_of, fn, out_dt, exact, _ = ZIP_CASES[op]
    rng = rng_for("route_zip", op, dtype)
    out_dtype = out_dt or dtype
    params = params_of(dtype)
    kparams = [as_kernel_scalar(p, dtype) for p in params]
    tol = tolerance(out_dtype, exact)

    def expect(a, b):
        return reference(lambda x, y: fn(x, y, *kparams), out_dtype, a, b)

    s = _scalar_of(dtype)
    for n in _route_sizes(backend):
        a, b = _zip_inputs(op, dtype, rng, (n,), (n,))
        one, _ = _zip_inputs(op, dtype, rng, (1,), (1,))
        spread = np.broadcast_to(one.reshape(()), (n,))
        cases = [((1, 1), (place(backend, a, "offset", rng).op, place(backend, b, rng=rng).op),
                  expect(a, b)),
                 ((1, 0), (place(backend, a, rng=rng).op, place(backend, one, "offset", rng).op),
                  expect(a, spread)),
                 ((0, 1), (place(backend, one, "offset", rng).op, place(backend, b, rng=rng).op),
                  expect(spread, b)),
                 ((1, None), (place(backend, a, "offset", rng).op, s),
                  expect(a, as_operand_scalar(s, dtype, op)))]
        for codes, inputs, expected in cases:
            route = backend.dense_route(op, codes, dtype, out_dtype)
            _run_route(backend, route, inputs, n, params, out_dtype, expected, rng, tol,
                       f"{op} {codes} n={n}")


@pytest.mark.parametrize("op,dtype", ROUTE_MAP, ids=[f"{o}-{d.name}" for o, d in ROUTE_MAP])
def test_dense_route_map(backend, op, dtype):
    dtypes, params_of, fn, out_dt, exact, _, _ = MAP_CASES[op]
    rng = rng_for("route_map", op, dtype)
    out_dtype = out_dt(dtype) if out_dt else dtype
    params = params_of(dtype)
    kparams = [as_kernel_scalar(p, dtype) for p in params]
    route = backend.dense_route(op, (1,), dtype, out_dtype)
    for n in _route_sizes(backend):
        x = _map_input(op, dtype, rng, (n,))
        _run_route(backend, route, (place(backend, x, "offset", rng).op,), n, params, out_dtype,
                   reference(lambda v: fn(v, *kparams), out_dtype, x), rng,
                   tolerance(out_dtype, exact), f"{op} n={n}")


@pytest.mark.parametrize("op,dtype", ROUTE_ZIP, ids=[f"{o}-{d.name}" for o, d in ROUTE_ZIP])
def test_strided_route(backend, op, dtype):
    """The route the ops layer keeps for a plan it meets again (broadcast and strided
    operands): run three times on one plan (the CPU backend learns its kernel's compiled
    entry after the first), into a fresh buffer and into an output, with a number on
    either side; (CPU) a plan above the grain takes the general path."""
    dtypes, params_of, fn, out_dt, exact, _ = ZIP_CASES[op]
    rng = rng_for("strided_route", op, dtype)
    out_dtype = out_dt or dtype
    params = params_of(dtype)
    kparams = [as_kernel_scalar(p, dtype) for p in params]
    tol = tolerance(out_dtype, exact)
    s = _scalar_of(dtype)
    sv = as_operand_scalar(s, dtype, op)
    shapes = [(6, 7), (0, 7)] + ([(ELEMENTWISE_GRAIN // 64 + 3, 64)] if is_cpu(backend) else [])
    for shape in shapes:
        a, b = _zip_inputs(op, dtype, rng, shape, shape[1:])
        x = place(backend, a, "transposed" if shape[0] < 100 else "stepped", rng)
        row = place_broadcast(backend, b, shape, "offset", rng)
        for codes, inputs, tensors, expected in [
                ((1, 1), (x.op, row.op), (x, row),
                 reference(lambda u, v: fn(u, v, *kparams), out_dtype, a, np.broadcast_to(b, shape))),
                ((1, None), (x.op, s), (x,),
                 reference(lambda u: fn(u, sv, *kparams), out_dtype, a)),
                ((None, 1), (s, x.op), (x,),
                 reference(lambda u: fn(sv, u, *kparams), out_dtype, a))]:
            out = make_out(backend, shape, out_dtype, "stepped", rng)
            p = ew_plan(shape, *tensors, out)
            fresh_plan = ew_plan(shape, *tensors, make_out(backend, shape, out_dtype, rng=rng))
            route = backend.strided_route(op, p, codes, dtype, out_dtype)
            fresh_route = backend.strided_route(op, fresh_plan, codes, dtype, out_dtype)
            case = f"{op} {codes} {shape}"
            for _ in range(3):
                out = make_out(backend, shape, out_dtype, "stepped", rng)
                assert route(inputs, out.op, params) is out.buf
                check_out(out, expected, err_msg=f"{case} into out", **tol)
                buf = fresh_route(inputs, None, params)
                got = np.array(backend.to_host(buf, 0, int(np.prod(shape))))
                assert got.dtype == out_dtype, case
                assert_values(got, np.asarray(expected).reshape(-1), err_msg=f"{case} fresh", **tol)


# ---- where ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_where(backend, dtype):
    rng = rng_for("where", dtype)
    cond = rng.integers(0, 2, SHAPE).astype(bool)
    a, b = values(rng, SHAPE, dtype), values(rng, SHAPE, dtype)
    if dtype.kind == "f":
        a = plant_specials(a, [np.nan, -0.0])
    # scalars valid for the dtype (where converts, it does not wrap)
    s, t = {"b": (True, False), "u": (200, 3), "i": (-100, 7), "f": (1 / 3, -1.5),
            "c": (0.5 - 1.25j, 2.0)}[dtype.kind]
    sv, tv = as_kernel_scalar(s, dtype), as_kernel_scalar(t, dtype)

    def run(case, c, x, y, out, cv, xv, yv, flat=None):
        tensors = [o for o in (c, x, y) if hasattr(o, "op")]
        p = ew_plan(out.shape, *tensors, out)
        if flat is not None:
            assert p.flat == flat, (case, p)
        backend.where(p, *[o.op if hasattr(o, "op") else o for o in (c, x, y)], out.op)
        check_out(out, cast(np.where(cv, xv, yv), dtype), err_msg=case)

    run("contiguous", place(backend, cond, rng=rng), place(backend, a, "offset", rng),
        place(backend, b, rng=rng), make_out(backend, SHAPE, dtype, rng=rng), cond, a, b,
        flat=(1, 1, 1))
    run("strided", place(backend, cond, "stepped", rng), place(backend, a, "transposed", rng),
        place(backend, b, "stepped", rng), make_out(backend, SHAPE, dtype, "transposed", rng),
        cond, a, b, flat=None)
    c1 = cond[:, :1]
    run("broadcast condition", place_broadcast(backend, c1, SHAPE, "offset", rng),
        place_broadcast(backend, a[:1], SHAPE, rng=rng), place(backend, b, rng=rng),
        make_out(backend, SHAPE, dtype, "stepped", rng),
        np.broadcast_to(c1, SHAPE), np.broadcast_to(a[:1], SHAPE), b)
    run("tensor, scalar", place(backend, cond, rng=rng), place(backend, a, rng=rng), s,
        make_out(backend, SHAPE, dtype, rng=rng), cond, a, sv)
    run("scalar, tensor", place(backend, cond, "transposed", rng), s, place(backend, b, rng=rng),
        make_out(backend, SHAPE, dtype, "stepped", rng), cond, sv, b)
    run("scalar, scalar", place(backend, cond, rng=rng), s, t,
        make_out(backend, SHAPE, dtype, rng=rng), cond, sv, tv)
    c0 = np.array(True)
    run("0-d", place(backend, c0, "offset", rng), place(backend, a[0, 0], rng=rng),
        place(backend, b[1, 1], "offset", rng), make_out(backend, (), dtype, "offset", rng),
        c0, a[0, 0], b[1, 1])
    run("empty", place(backend, cond[:0], rng=rng), place(backend, a[:0], rng=rng),
        place(backend, b[:0], rng=rng), make_out(backend, (0, 7), dtype, "stepped", rng),
        cond[:0], a[:0], b[:0])


@pytest.mark.parametrize("dtype", [F16, F64, BOOL], ids=dtype_id)
def test_where_above_the_grain(backend, dtype):
    n = large_elementwise(backend)
    rng = rng_for("where_large", dtype)
    shape = (n // 100 + 1, 100)
    cond = rng.integers(0, 2, shape).astype(bool)
    a, b = values(rng, shape, dtype), values(rng, shape, dtype)
    for layout in ("contiguous", "transposed"):
        c, x, y = (place(backend, v, layout, rng) for v in (cond, a, b))
        out = make_out(backend, shape, dtype, "stepped" if layout != "contiguous" else layout, rng)
        backend.where(ew_plan(shape, c, x, y, out), c.op, x.op, y.op, out.op)
        check_out(out, np.where(cond, a, b), err_msg=layout)


# ---- fill -----------------------------------------------------------------------------------------
def _fill_value(dtype):
    return {"b": 2, "u": 200, "i": -7, "f": 1 / 3, "c": 0.1 + 2.5j}[dtype.kind]


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_fill(backend, dtype):
    """The value is converted to out's dtype (bool: != 0; float16 through float32)."""
    value = _fill_value(dtype)
    expected = cast(as_kernel_scalar(value, dtype), dtype)
    rng = rng_for("fill", dtype)
    for case, shape, layout, flat in [("contiguous", (4, 5), "contiguous", ()),
                                      ("offset", (4, 5), "offset", ()),
                                      ("stepped", (3, 4, 5), "stepped", None),
                                      ("transposed", (4, 5), "transposed", None),
                                      ("0-d", (), "offset", ()), ("empty", (0, 5), "stepped", None)]:
        out = make_out(backend, shape, dtype, layout, rng)
        p = ew_plan(shape, out)
        if flat is not None:
            assert p.flat == flat, (case, p)
        backend.fill(p, out.op, value)
        check_out(out, np.full(shape, expected), err_msg=case)


def test_fill_float16_rounds_through_float32(backend):
    """1 + 2**-11 + 2**-40 rounds up when cast straight to float16 but ties to 1.0 through
    float32, the path PyTorch's fill_ takes (torch.full((), v, dtype=torch.float16) is 1.0)."""
    out = make_out(backend, (3,), F16)
    backend.fill(ew_plan((3,), out), out.op, 1 + 2 ** -11 + 2 ** -40)
    check_out(out, np.ones(3, F16))


@pytest.mark.parametrize("dtype", [F16, I64, BOOL], ids=dtype_id)
def test_fill_above_the_grain(backend, dtype):
    n = large_elementwise(backend)
    rng = rng_for("fill_large", dtype)
    value = _fill_value(dtype)
    expected = cast(as_kernel_scalar(value, dtype), dtype)
    shape = (n // 100 + 1, 100)
    for layout in ("contiguous", "transposed"):
        out = make_out(backend, shape, dtype, layout, rng)
        backend.fill(ew_plan(shape, out), out.op, value)
        check_out(out, np.full(shape, expected), err_msg=layout)
