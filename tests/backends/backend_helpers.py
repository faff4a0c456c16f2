"""Shared pieces of the backend conformance suite (tests/backends/).

The suite checks every primitive of numtensor._backends.base.Backend directly, against
NumPy, on every backend present.  It builds its inputs only through a backend's own
storage primitives (allocate / from_host / to_host / write_from_host) and the planner
(numtensor._backends.plan), so the same tests run unchanged on any backend.

BACKENDS always holds the CPU backend.  It adds the CUDA backend by itself once
numtensor._backends.cuda.cuda_backend() returns one (today it raises
NotImplementedError) and numba.cuda reports a device.  CI runs the suite a second time
in its own process with NUMBA_ENABLE_CUDASIM=1, where Numba's CUDA simulator stands in
for the GPU:

    NUMBA_ENABLE_CUDASIM=1 python -m pytest -q tests/backends

Sizes stay tiny so the simulator can run them; the cases above the CPU's parallel grain
(numtensor._backends.cpu.GRAIN) run on the CPU backend only (see `large`).

An operand here is what the plans describe: a buffer, the element offset of the first
element, and shape and strides in elements.  `place` lays a NumPy array out in a fresh
buffer with a chosen layout (contiguous, with an offset, stepped, transposed) and fills
the gaps with junk, so that `check_out` can tell both that every element was written
right and that nothing outside the operand was touched.
"""
import warnings
import zlib

import numpy as np
import pytest

from numtensor._backends import plan
from numtensor._backends.cpu import ELEMENTWISE_GRAIN, GRAIN

# ---- dtypes -------------------------------------------------------------------------------
BOOL = np.dtype(np.bool_)
U8, I8, I16, I32, I64 = (np.dtype(t) for t in (np.uint8, np.int8, np.int16, np.int32, np.int64))
F16, F32, F64 = (np.dtype(t) for t in (np.float16, np.float32, np.float64))
C64, C128 = np.dtype(np.complex64), np.dtype(np.complex128)

INTS = [U8, I8, I16, I32, I64]
FLOATS = [F16, F32, F64]
COMPLEX = [C64, C128]
ALL_DTYPES = [BOOL] + INTS + FLOATS + COMPLEX
NUMERIC = INTS + FLOATS + COMPLEX   # everything arithmetic is defined on
REAL = INTS + FLOATS                # everything ordered


def nt_dtype(np_dtype):
    """The numtensor dtype object of a NumPy dtype (compute_dtype speaks numtensor dtypes)."""
    from numtensor import _dtype
    return {BOOL: _dtype.bool_, U8: _dtype.uint8, I8: _dtype.int8, I16: _dtype.int16,
            I32: _dtype.int32, I64: _dtype.int64, F16: _dtype.float16, F32: _dtype.float32,
            F64: _dtype.float64, C64: _dtype.complex64, C128: _dtype.complex128}[np.dtype(np_dtype)]


def dtype_id(value):
    """Test ids: dtypes by name, anything else as itself."""
    return np.dtype(value).name if isinstance(value, (np.dtype, type)) else str(value)


# ---- the backends present ---------------------------------------------------------------------
def _cpu_backend():
    from numtensor._backends.cpu import cpu_backend
    return cpu_backend


def _cuda_backend():
    """numtensor's CUDA backend when it exists and numba.cuda has a device (or the
    simulator); None otherwise.  A backend that exists but fails to start raises: the
    suite must not quietly test less than it should."""
    try:
        from numba import cuda
        available = cuda.is_available()
    except Exception:  # numba.cuda cannot even look for a device here
        return None
    if not available:
        return None
    from numtensor._backends import cuda as nt_cuda
    try:
        return nt_cuda.cuda_backend()
    except NotImplementedError:
        return None


def discover_backends():
    found = [_cpu_backend()]
    cuda_backend = _cuda_backend()
    if cuda_backend is not None:
        found.append(cuda_backend)
    return found


BACKENDS = discover_backends()


def is_cpu(backend):
    return backend.name == "cpu"


def large(backend):
    """Skip unless the backend is the CPU one: cases above the parallel grain exist to
    reach the CPU's parallel kernels, and the CUDA simulator is far too slow for them."""
    if not is_cpu(backend):
        pytest.skip("sizes above the CPU's parallel grain run on the CPU backend only")
    return GRAIN


def large_elementwise(backend):
    """large() for the element-wise kernels (map, zip, where, fill, copy), whose parallel
    twins start at a grain of their own."""
    large(backend)
    return ELEMENTWISE_GRAIN


def require_compute_dtype(backend, primitive, dtype):
    """Skip a case in a dtype the backend does not run `primitive` in (float16 on the
    CPU: the ops layer converts such operands to compute_dtype first)."""
    if backend.compute_dtype(primitive, nt_dtype(dtype)) is not nt_dtype(dtype):
        pytest.skip(f"{backend.name} computes {primitive} of {np.dtype(dtype).name} in "
                    f"{backend.compute_dtype(primitive, nt_dtype(dtype))}")


# ---- host values ---------------------------------------------------------------------------------
def rng_for(*key):
    """A generator seeded from the test's parameters: every case is reproducible (crc32,
    not hash(): string hashes change from one process to the next)."""
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def junk(rng, n, dtype):
    """n arbitrary values of dtype, used where nothing may be read or written."""
    dtype = np.dtype(dtype)
    if dtype == BOOL:
        return rng.integers(0, 2, n).astype(bool)
    if dtype.kind in "iu":
        return rng.integers(0 if dtype.kind == "u" else -99, 100, n).astype(dtype)
    vals = rng.uniform(-900.0, 900.0, n)
    if dtype.kind == "c":
        vals = vals + 1j * rng.uniform(-900.0, 900.0, n)
    return vals.astype(dtype)


def values(rng, shape, dtype, low=-9, high=10):
    """Random values of dtype: small integers for integer types, non-integral floats
    (and complex numbers with both parts set) otherwise."""
    dtype = np.dtype(dtype)
    if dtype == BOOL:
        return rng.integers(0, 2, shape).astype(bool)
    if dtype.kind == "u":
        return rng.integers(max(low, 0), max(high, 1), shape).astype(dtype)
    if dtype.kind == "i":
        return rng.integers(low, high, shape).astype(dtype)
    x = rng.uniform(low, high, shape)
    if dtype.kind == "c":
        x = x + 1j * rng.uniform(low, high, shape)
    return x.astype(dtype)


def cast(array, dtype):
    """array.astype(dtype) without NumPy's warnings for the conversions PyTorch defines
    (complex to real drops the imaginary part, float16 overflows to inf)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(array).astype(dtype)


# ---- operands ---------------------------------------------------------------------------------------
class Operand:
    """A strided operand on a backend: buffer, element offset, shape and strides in
    elements; `length` is the buffer's size and `initial` the host copy it was built
    from (the junk in its gaps included)."""

    def __init__(self, backend, buf, offset, shape, strides, initial):
        self.backend = backend
        self.buf = buf
        self.offset = offset
        self.shape = tuple(shape)
        self.strides = tuple(strides)
        self.initial = initial
        self.length = len(initial)
        self.dtype = initial.dtype

    @property
    def op(self):
        """The (buffer, offset) pair the primitives take."""
        return (self.buf, self.offset)

    @property
    def size(self):
        return int(np.prod(self.shape, dtype=np.int64))

    def host(self):
        """The whole buffer, copied to the host."""
        return np.array(self.backend.to_host(self.buf, 0, self.length))

    def positions(self):
        return positions(self.offset, self.shape, self.strides)

    def logical(self):
        """The operand's elements as a NumPy array of its shape."""
        return self.host()[self.positions()]


def positions(offset, shape, strides):
    """The buffer position of every element of a strided view, as an array of its shape."""
    pos = np.full(tuple(shape), offset, np.int64)
    for d, (n, s) in enumerate(zip(shape, strides)):
        step = (np.arange(n, dtype=np.int64) * s).reshape((1,) * d + (n,) + (1,) * (len(shape) - d - 1))
        pos = pos + step
    return pos


LAYOUTS = ("contiguous", "offset", "stepped", "transposed")


def _layout(shape, layout):
    """(memory order outer-to-inner, step per dim, offset) of a named layout."""
    nd = len(shape)
    order, steps, offset = list(range(nd)), [1] * nd, 0
    if layout == "offset":
        offset = 5
    elif layout == "stepped":  # every other element of the inner dim, every third row
        if nd:
            steps[-1] = 2
            steps[0] *= 3 if nd > 1 else 1
        offset = 1
    elif layout == "transposed":  # the dims in reverse memory order (x.t() of a contiguous x)
        order = order[::-1]
        offset = 2
    elif layout != "contiguous":
        raise ValueError(layout)
    return order, steps, offset


def place(backend, array, layout="contiguous", rng=None):
    """An operand holding `array` in a fresh buffer laid out as `layout` (one of
    LAYOUTS), gaps and the offset's prefix filled with junk."""
    array = np.asarray(array)
    shape = array.shape
    order, steps, offset = _layout(shape, layout)
    strides = [0] * len(shape)
    span = 1
    for d in reversed(order):
        strides[d] = span * steps[d]
        span *= max(shape[d], 1) * steps[d]
    if array.size == 0:
        span = 1
    rng = rng if rng is not None else np.random.default_rng(len(shape))
    host = junk(rng, offset + span + 1, array.dtype)
    host[positions(offset, shape, strides).ravel()] = array.ravel()
    buf = backend.from_host(host.copy())  # the backend may adopt what it is handed
    return Operand(backend, buf, offset, shape, strides, host)


def place_broadcast(backend, small, shape, layout="contiguous", rng=None):
    """An operand of `shape` that reads `small` (broadcastable to shape) with stride 0 on
    every broadcast dim, as plan.broadcast_strides describes it."""
    base = place(backend, small, layout, rng)
    strides = plan.broadcast_strides(base.shape, base.strides, tuple(shape))
    return Operand(backend, base.buf, base.offset, shape, strides, base.initial)


def make_out(backend, shape, dtype, layout="contiguous", rng=None):
    """An output operand full of junk."""
    rng = rng if rng is not None else np.random.default_rng(7)
    return place(backend, junk(rng, int(np.prod(shape, dtype=np.int64)), dtype).reshape(shape),
                 layout, rng)


# ---- checks -------------------------------------------------------------------------------------------
def same_bits(a, b):
    a, b = np.ascontiguousarray(a), np.ascontiguousarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a.view(np.uint8), b.view(np.uint8))


def assert_values(got, expected, rtol=0.0, atol=0.0, err_msg=""):
    """got (of its dtype) equals expected (converted to it); NaN equals NaN.  With a
    tolerance, values compare as complex128/float64."""
    got = np.asarray(got)
    expected = cast(expected, got.dtype)
    assert got.shape == expected.shape, f"shape {got.shape} != {expected.shape} {err_msg}"
    if rtol == 0 and atol == 0:
        np.testing.assert_array_equal(got, expected, err_msg=err_msg)
    else:
        wide = C128 if got.dtype.kind == "c" else F64
        np.testing.assert_allclose(got.astype(wide), expected.astype(wide), rtol=rtol, atol=atol,
                                   err_msg=err_msg)


def check_out(out, expected, rtol=0.0, atol=0.0, err_msg=""):
    """out's elements equal expected, and every buffer element outside out is unchanged."""
    host = out.host()
    pos = out.positions()
    assert_values(host[pos], np.broadcast_to(np.asarray(expected), out.shape), rtol, atol, err_msg)
    untouched = np.ones(len(host), bool)
    untouched[pos.ravel()] = False
    assert same_bits(host[untouched], out.initial[untouched]), \
        f"a primitive wrote outside its output operand {err_msg}"


def check_untouched(operand, err_msg=""):
    """The whole buffer is as it was built."""
    assert same_bits(operand.host(), operand.initial), f"buffer changed {err_msg}"


# ---- plans --------------------------------------------------------------------------------------------
def ew_plan(shape, *operands):
    """The ElementwisePlan of tensor operands (inputs in order, then the output), each
    already of the problem's shape (broadcast dims with stride 0)."""
    for o in operands:
        assert o.shape == tuple(shape), (o.shape, shape)
    return plan.elementwise(tuple(shape), tuple(tuple(int(s) for s in o.strides) for o in operands))
