"""Backend conformance: storage primitives and the strided copy with cast.

Part of the backend conformance suite (see backend_helpers.py): every test runs once per
backend present, and CI runs the suite again with NUMBA_ENABLE_CUDASIM=1 for the CUDA
backend under Numba's simulator.  NumPy is the reference.
"""
import numpy as np
import pytest

from backend_helpers import (ALL_DTYPES, BOOL, F16, F32, F64, I64, I32, U8, C64, C128,
                             Operand, cast, check_out, dtype_id, ew_plan, large_elementwise, make_out, place,
                             place_broadcast, rng_for, same_bits, values)
from numtensor._backends import plan

SPANS = [(0, 0), (0, 1), (5, 7), (22, 1), (0, 23), (23, 0)]


def _bit_patterns(rng, n, dtype):
    """n values of dtype made of arbitrary bits (NaN payloads, -0.0, subnormals), except
    bool, whose only valid bytes are 0 and 1."""
    dtype = np.dtype(dtype)
    if dtype == BOOL:
        return rng.integers(0, 2, n).astype(bool)
    return rng.integers(0, 256, n * dtype.itemsize, dtype=np.uint8).view(dtype)


# ---- storage ----------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_allocate_gives_a_buffer_of_the_dtype_and_length(backend, dtype):
    for n in (0, 1, 17):
        buf = backend.allocate(n, dtype)
        assert buf.dtype == dtype
        host = backend.to_host(buf, 0, n)
        assert host.dtype == dtype and host.shape == (n,)


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_from_host_and_to_host_spans_round_trip(backend, dtype):
    data = _bit_patterns(rng_for("spans", dtype), 23, dtype)
    buf = backend.from_host(data.copy())
    assert buf.dtype == dtype
    for start, count in SPANS:
        got = np.array(backend.to_host(buf, start, count))
        assert got.dtype == dtype and got.shape == (count,)
        assert same_bits(got, data[start:start + count]), (start, count)


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_write_from_host_writes_only_its_span(backend, dtype):
    rng = rng_for("write", dtype)
    data = _bit_patterns(rng, 23, dtype)
    patch = _bit_patterns(rng, 6, dtype)
    buf = backend.from_host(data.copy())
    backend.write_from_host(buf, 4, patch.copy())
    backend.write_from_host(buf, 23, patch[:0].copy())  # an empty write at the very end
    expected = data.copy()
    expected[4:10] = patch
    assert same_bits(np.array(backend.to_host(buf, 0, 23)), expected)
    # into a fresh allocation: the round trip every creation from host data takes
    fresh = backend.allocate(6, dtype)
    backend.write_from_host(fresh, 0, patch.copy())
    assert same_bits(np.array(backend.to_host(fresh, 0, 6)), patch)


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_copy_span_is_a_memcpy_between_offsets(backend, dtype):
    rng = rng_for("copy_span", dtype)
    src_data = _bit_patterns(rng, 20, dtype)
    dst_data = _bit_patterns(rng, 20, dtype)
    src, dst = backend.from_host(src_data.copy()), backend.from_host(dst_data.copy())
    backend.copy_span((src, 3), (dst, 5), 9)
    backend.copy_span((src, 0), (dst, 0), 0)  # nothing
    expected = dst_data.copy()
    expected[5:14] = src_data[3:12]
    assert same_bits(np.array(backend.to_host(dst, 0, 20)), expected)
    assert same_bits(np.array(backend.to_host(src, 0, 20)), src_data)


def test_copy_span_above_the_grain(backend):
    n = large_elementwise(backend) + 1000
    data = _bit_patterns(rng_for("copy_span_large"), n + 7, F16)
    src, dst = backend.from_host(data.copy()), backend.allocate(n + 2, F16)
    backend.copy_span((src, 7), (dst, 2), n)
    assert same_bits(np.array(backend.to_host(dst, 2, n)), data[7:])


# ---- copy with cast ------------------------------------------------------------------------------
def _range_of(dtype):
    if dtype == BOOL:
        return 0, 1
    info = np.iinfo(dtype)
    return int(info.min), int(info.max)


def _float_specials(src):
    """Values that test the rounding of every float conversion."""
    tiny = float(np.finfo(src).tiny)
    out = [0.0, -0.0, np.nan, np.inf, -np.inf, 1.0, -2.5, tiny, tiny / 4, 0.1,
           1 + 2 ** -11, 1 + 3 * 2 ** -11, 1 + 2 ** -11 + 2 ** -20,  # float16 ties and near-ties
           65504.0, 65519.0, 65520.0, 2 ** -25, 3 * 2 ** -26, 2 ** -24 * 1.5]
    if src != F16:
        out += [1 + 2 ** -24, 1 + 2 ** -24 + 2 ** -40, 3.4e38, 1e-45, 1e300, -1e-320]
    return out


def copy_source(rng, shape, src, dst):
    """Values of dtype `src` whose conversion to `dst` PyTorch defines: float to integer
    only within the target's range (no NaN or inf), the rest anything, edge cases first."""
    n = int(np.prod(shape))
    if src == BOOL:
        x = rng.integers(0, 2, n).astype(bool)
    elif src.kind in "iu":
        lo, hi = _range_of(src)
        x = rng.integers(lo, hi, n, endpoint=True, dtype=src)
        specials = [0, 1, lo, hi, lo + 1, hi - 1]
        if src == I64:
            specials += [2 ** 60 + 2 ** 36 + 1, 2 ** 53 + 1, 2 ** 24 + 1, 2049, 65520, -70000]
        x[:len(specials)] = specials
    else:
        real_dtype = np.dtype(F16 if src == F16 else (F32 if src in (F32, C64) else F64))
        if dst.kind in "iu":
            lo, hi = _range_of(dst)
            bound = 6e4 if real_dtype == F16 else 1e9
            lo, hi = max(lo, -bound) + 1, min(hi, bound) - 1
            x = rng.uniform(lo, hi, n)
            specials = [-0.0, 0.5, 0.99, 2.5, 3.7, lo + 0.5, hi - 0.5] + \
                       ([-0.5, -2.5, -3.7] if dst.kind == "i" else [-0.5])
        else:
            x = rng.uniform(-1000, 1000, n) * 10.0 ** rng.integers(-6, 3, n)
            specials = _float_specials(real_dtype)
        specials = specials[:n]
        x[:len(specials)] = specials
        if src.kind == "c":
            imag = rng.uniform(-10, 10, n)
            imag[:3] = [1.0, 0.0, -0.0][:n]
            x = x + 1j * imag
            if dst == BOOL and n > 3:
                x[3] = complex(0.0, 1.0)  # a zero real part: still != 0
        x = cast(x, src)
    return x.reshape(shape)


PAIRS = [(s, d) for s in ALL_DTYPES for d in ALL_DTYPES]


@pytest.mark.parametrize("src_dt,dst_dt", PAIRS, ids=[f"{s.name}-{d.name}" for s, d in PAIRS])
def test_copy_converts_like_pytorch_in_every_layout(backend, src_dt, dst_dt):
    """float to integer truncates toward zero, anything to bool is != 0, complex to real
    takes the real part, float16 rounds to nearest even: exactly NumPy's astype on the
    values PyTorch defines."""
    rng = rng_for("copy", src_dt, dst_dt)
    shape = (3, 4, 5)
    x = copy_source(rng, shape, src_dt, dst_dt)
    expected = cast(x, dst_dt)

    # contiguous -> contiguous: one flat run
    src, out = place(backend, x, rng=rng), make_out(backend, shape, dst_dt, rng=rng)
    p = ew_plan(shape, src, out)
    assert p.flat == (1,)
    backend.copy(p, src.op, out.op)
    check_out(out, expected, err_msg="contiguous")

    # stepped -> transposed, both with offsets: the strided kernel
    src, out = place(backend, x, "stepped", rng), make_out(backend, shape, dst_dt, "transposed", rng)
    p = ew_plan(shape, src, out)
    assert p.flat is None
    backend.copy(p, src.op, out.op)
    check_out(out, expected, err_msg="stepped -> transposed")

    # a broadcast source (stride 0 on dims 1 and 0) into a stepped output
    small = x[:1, :, 2:3]
    src = place_broadcast(backend, small, shape, "offset", rng)
    out = make_out(backend, shape, dst_dt, "stepped", rng)
    backend.copy(ew_plan(shape, src, out), src.op, out.op)
    check_out(out, np.broadcast_to(cast(small, dst_dt), shape), err_msg="broadcast")

    # a 0-d source, read at its offset everywhere / into a 0-d output
    zero_d = x.reshape(-1)[7:8].reshape(())
    src = place_broadcast(backend, zero_d, (2, 3), "offset", rng)
    out = make_out(backend, (2, 3), dst_dt, "transposed", rng)
    backend.copy(ew_plan((2, 3), src, out), src.op, out.op)
    check_out(out, np.broadcast_to(cast(zero_d, dst_dt), (2, 3)), err_msg="0-d broadcast")
    src, out = place(backend, zero_d, "offset", rng), make_out(backend, (), dst_dt, "offset", rng)
    backend.copy(ew_plan((), src, out), src.op, out.op)
    check_out(out, cast(zero_d, dst_dt), err_msg="0-d")

    # empty: nothing is read or written
    src = place(backend, x[:0], rng=rng)
    out = make_out(backend, (0, 4, 5), dst_dt, "stepped", rng)
    backend.copy(ew_plan((0, 4, 5), src, out), src.op, out.op)
    check_out(out, cast(x[:0], dst_dt), err_msg="empty")


@pytest.mark.parametrize("src_dt,dst_dt", [(F32, F16), (F16, F32), (F64, I32), (C64, F64),
                                           (I64, BOOL), (U8, F16), (F16, F16), (C128, C128)],
                         ids=dtype_id)
def test_copy_above_the_grain(backend, src_dt, dst_dt):
    n = large_elementwise(backend)
    rng = rng_for("copy_large", src_dt, dst_dt)
    shape = (n // 64 + 3, 64)
    x = copy_source(rng, shape, src_dt, dst_dt)
    src, out = place(backend, x, rng=rng), make_out(backend, shape, dst_dt, rng=rng)
    backend.copy(ew_plan(shape, src, out), src.op, out.op)
    check_out(out, cast(x, dst_dt), err_msg="flat")
    src, out = place(backend, x, "stepped", rng), make_out(backend, shape, dst_dt, "transposed", rng)
    backend.copy(ew_plan(shape, src, out), src.op, out.op)
    check_out(out, cast(x, dst_dt), err_msg="strided")


def test_copy_within_one_buffer_between_disjoint_spans(backend):
    """src and out may share a buffer when they do not overlap (docstring)."""
    data = values(rng_for("same_buffer"), 40, F64)
    op = place(backend, data)
    src = Operand(backend, op.buf, 0, (4, 5), (5, 1), op.initial)
    dst = Operand(backend, op.buf, 20, (4, 5), (1, 4), op.initial)  # the transposed layout
    backend.copy(plan.elementwise((4, 5), (src.strides, dst.strides)), src.op, dst.op)
    expected = op.initial.copy()
    expected[20:40] = data[:20].reshape(4, 5).T.ravel()
    assert same_bits(op.host(), expected)
