"""The CPU backend: flat NumPy buffers as storage, Numba kernels for compute.

It implements numtensor._backends.base.Backend.  Plans arrive canonical, so each method
only picks a kernel: the flat kernel when plan.flat says every operand is one
contiguous run (or one broadcast element), the strided one otherwise, and the serial
twin below GRAIN elements (ELEMENTWISE_GRAIN for element-wise kernels): waking the
worker threads costs more than such work.

Device policy that lives here and nowhere else:
  * float16 is computed in float32: element-wise kernels load and store float16 bit
    patterns themselves; the other primitives ask for float32 operands (compute_dtype);
  * bool and float16 move through gathers and scatters as uint8/uint16 bit patterns.
"""
import math
import os

import numpy as np

from .. import scalar_ops
from ..base import Backend
from . import allocator, team

GRAIN = 32768  # below this many elements, the serial twin beats waking the threads
# Element-wise kernels do little per element, so their threads pay off later.  Measured
# (earlier, threads asleep between kernels), serial against parallel: relu of 32K floats
# 9 vs 28 us, of 64K 13.5 vs 31, of 128K 26 vs 36, of 256K 88 vs 58; add of 128K 38 vs
# 37; exp of 64K 55 vs 60, of 128K 115 vs 96
ELEMENTWISE_GRAIN = 1 << 17
# ... but an op with a polynomial per element (exp, log, tanh, sigmoid: the modules
# elementwise_kernels marks COSTLY) gains from them on far smaller inputs: float32 exp
# serial against parallel, 8K 16.0 vs 12.7 us, 32K 53 vs 31, 64K 104 vs 59
COSTLY_ELEMENTWISE_GRAIN = 1 << 13
# A flat element-wise result of at least this many bytes is written with streaming
# stores (see stream_store.py): a + b of 1e7 float32 (40 MB) 3.6-3.9 -> 2.4-2.8 ms, of
# 4e6 (16 MB, which the last-level cache still holds for the next op) no faster
STREAM_BYTES = 32 << 20

# A small call whose serial twin is not compiled yet, while its parallel twin is, borrows
# the parallel one for the kernel's first BORROWED_CALLS small calls: a first training
# step then compiles one twin per element-wise kernel (and of the float products)
# instead of both (0.1-0.4 s each; a strided copy's serial twin 0.37 s).  A process that keeps making small calls compiles
# the serial twin after that.
BORROWED_CALLS = 64
_borrowed = {}  # serial twin -> small calls it has lent to its parallel twin


def _serial_after_fork():
    """In a forked child (a DataLoader worker, say): GNU OpenMP cannot run a parallel
    region in a process forked from one whose threads ran (Numba ends the child with
    "fork() called from a process already using GNU OpenMP"), so every kernel there takes
    its serial form: the size thresholds above move out of reach, no serial call borrows a
    parallel twin, the products and the PyTorch-order splits see one thread, and the index
    fills and col2im, which have only a parallel form elsewhere, use serial twins there
    (_FORKED).  One thread per worker is also what PyTorch's DataLoader workers use."""
    global GRAIN, ELEMENTWISE_GRAIN, COSTLY_ELEMENTWISE_GRAIN, BORROWED_CALLS, _FORKED
    GRAIN = ELEMENTWISE_GRAIN = COSTLY_ELEMENTWISE_GRAIN = 1 << 62
    BORROWED_CALLS = 0
    _FORKED = True
    _fixed_calls.clear()  # (some chose a parallel kernel)
    team.run_serially()


_FORKED = False
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_serial_after_fork)


def _borrows_parallel(serial, parallel):
    """Whether a small call should run on the parallel twin (see BORROWED_CALLS)."""
    if serial.overloads or not parallel.overloads:
        return False
    calls = _borrowed.get(serial, 0)
    if calls >= BORROWED_CALLS:
        return False
    _borrowed[serial] = calls + 1
    return True

# How long Numba's OpenMP threads spin after a parallel kernel before they sleep, in
# libgomp's spin iterations (GOMP_SPINCOUNT): about 0.1 ms here, longer than most gaps
# between the kernels of one training step.  Waking a sleeping thread costs about 55 us
# on this machine: with OpenMP's passive policy (no spin) a relu of 200K floats took
# 54-92 us against 10 us with the spin.  Measured against the passive policy: convnet
# step 12.3 -> 11.4 ms, MLP step 1.56 -> 1.08 ms.  The cost is with another process
# keeping a core busy, where a spinning thread takes turns from the one it waits for:
# add of 1e7 then takes 2.5x its quiet time (1.9x passive; 2.7x with a 30000 spin).
SPIN_COUNT = "10000"


def _start_threads_with_short_spin():
    """Start Numba's thread pool with a short spin (SPIN_COUNT), unless the user set an
    OpenMP wait policy or spin count.  libgomp reads them once, when it loads (here,
    unless another library loaded the same libgomp before), so they are set only for
    that moment."""
    if "OMP_WAIT_POLICY" in os.environ or "GOMP_SPINCOUNT" in os.environ:
        return
    os.environ["GOMP_SPINCOUNT"] = SPIN_COUNT
    try:
        from numba.np.ufunc import parallel
        parallel._launch_threads()
    except Exception:  # another Numba: its threads start on first use, as before
        pass
    finally:
        del os.environ["GOMP_SPINCOUNT"]


_start_threads_with_short_spin()

_F16 = np.dtype(np.float16)
_BOOL = np.dtype(np.bool_)
_F32 = np.float32
_F32_DTYPE = np.dtype(np.float32)
_F64_DTYPE = np.dtype(np.float64)
_TORCH_ARANGE_GRAIN = 32768  # PyTorch's arange splits among threads above this many
_F64_ZERO = np.float64(0)

# reduction combine expressions: acc is the running value, a the next element
_COMBINE = {
    "sum": "acc + a",
    "prod": "acc * a",
    "amax": "a if (a > acc or a != a) else acc",
    "amin": "a if (a < acc or a != a) else acc",
    "all": "acc and (a != 0)",
    "any": "acc or (a != 0)",
}

# the unit (1) / broadcast (0) patterns of tensor inputs with a flat kernel (see
# elementwise_kernels.flat_patterns), mapped to the names of its serial, parallel and
# streaming kernels
_FLAT_KERNELS = {codes: tuple("flat_" + "".join(map(str, codes)) + suffix
                              for suffix in ("", "_par", "_stream"))
                 for codes in [(), (1,), (0,), (1, 1), (0, 1), (1, 0), (1, 1, 1)]}
_ew_modules = {}
_red_modules = {}


_kernel_modules = {}


def _kernel_module(name):
    """numtensor._backends.cpu.<name>, imported on first use (kernel modules import
    Numba); later calls are a dict lookup, where a function-level import statement costs
    close to a microsecond on every call of a small op."""
    mod = _kernel_modules.get(name)
    if mod is None:
        import importlib
        mod = _kernel_modules[name] = importlib.import_module(f"{__name__}.{name}")
    return mod


def _movable(buf):
    """buf reinterpreted for pure data movement: Numba has no float16, and bools
    move as bytes."""
    if buf.dtype == _F16:
        return buf.view(np.uint16)
    if buf.dtype == _BOOL:
        return buf.view(np.uint8)
    return buf


def _kernel_type(np_dtype):
    """The NumPy scalar type a kernel computes in for buffers of np_dtype."""
    return _F32 if np_dtype == _F16 else np_dtype.type


_zero_param_cache = {}


def _zero_params(np_dtype):
    """(p0, p1) = (0, 0) in the kernel type of np_dtype: ops without parameters."""
    zeros = _zero_param_cache.get(np_dtype)
    if zeros is None:
        kt = _kernel_type(np_dtype)
        zeros = _zero_param_cache[np_dtype] = [kt(0), kt(0)]
    return zeros


# the largest finite value of each float kernel type: a number within it converts
# without the overflow check (a NumPy errstate costs five times the conversion)
_REAL_NUMBERS = (int, float)
_FLOAT_LIMITS = {np.float32: float(np.finfo(np.float32).max),
                 np.float64: float(np.finfo(np.float64).max)}


def _scalar(value, np_type):
    """A Python number as a kernel argument of np_type (wrapping like a cast, as PyTorch
    does for an integer scalar that does not fit an integer tensor's dtype)."""
    limit = _FLOAT_LIMITS.get(np_type)
    if limit is not None and type(value) in _REAL_NUMBERS and -limit <= value <= limit:
        return np_type(value)
    try:
        with np.errstate(over="ignore"):  # a float beyond the dtype's range is inf, silently
            return np_type(value)
    except (OverflowError, ValueError, TypeError):
        return np.array(value).astype(np_type)[()]


def _plain_signature(codes, in_np_dtype, out_np_dtype, zero):
    """The Numba argument types of a dense route's kernel call when every buffer is plain:
    per input an array and its offset (a number: one scalar), then the output array, its
    offset, the count and the two parameters."""
    import numba
    arr, out_arr, word, scalar = (numba.typeof(np.empty(0, in_np_dtype)),
                                  numba.typeof(np.empty(0, out_np_dtype)), numba.int64,
                                  numba.typeof(zero))
    walked = [t for c in codes if c is not None for t in (arr, word)]
    numbers = [scalar for c in codes if c is None]
    return tuple(walked + [out_arr, word, word] + numbers + [scalar, scalar])


def _strided_signature(codes, in_np_dtype, out_np_dtype, zero, strided):
    """The Numba argument types of a strided route's kernel call when every buffer is
    plain: per input an array and its offset (and its strides, for the strided kernel;
    a number: one scalar, after the output), then the output array, its offset and its
    strides (the strided kernel) or the count, the numbers, the two parameters and, for
    the strided kernel, the span [start, stop) it walks."""
    import numba
    arr, out_arr, word, scalar = (numba.typeof(np.empty(0, in_np_dtype)),
                                  numba.typeof(np.empty(0, out_np_dtype)), numba.int64,
                                  numba.typeof(zero))
    index = numba.typeof(np.empty(0, np.int64))
    walked = [t for c in codes if c is not None
              for t in ((arr, word, index) if strided else (arr, word))]
    numbers = [scalar for c in codes if c is None]
    head = [index] if strided else []
    return tuple(head + walked + [out_arr, word, index if strided else word] + numbers +
                 [scalar, scalar] + ([word, word] if strided else []))


def _float32_dtype():
    from ... import _dtype
    return _dtype.float32


_identities = {}


# PyTorch's CPU cumsum and cumprod carry a float32 (complex64) running value in double: a
# float32 one drifts by percents over a million terms (the start value sets the kernel's type)
_SCAN_ACCUMULATORS = {np.dtype(np.float32): np.dtype(np.float64),
                      np.dtype(np.complex64): np.dtype(np.complex128)}


def _identity(op, np_dtype):
    """The starting value of a reduction (cached per op and dtype)."""
    key = (op, np_dtype)
    value = _identities.get(key)
    if value is None:
        value = _identities[key] = _identity_value(op, np_dtype)
    return value


def _identity_value(op, np_dtype):
    if op in ("sum", "any"):
        return np_dtype.type(0)
    if op in ("prod", "all"):
        return np_dtype.type(1)
    if np_dtype.kind in "fc":
        return np_dtype.type(-np.inf if op == "amax" else np.inf)
    if np_dtype == _BOOL:
        return np.bool_(op == "amin")
    info = np.iinfo(np_dtype)
    return np_dtype.type(info.min if op == "amax" else info.max)


def _elementwise_module(op, arity, scalars, half_in, half_out):
    key = (op, arity, scalars, half_in, half_out)
    mod = _ew_modules.get(key)
    if mod is None:
        ek = _kernel_module("elementwise_kernels")  # imports numba: only on first use
        table = {0: {"fill": "p0"}, 1: scalar_ops.UNARY, 2: scalar_ops.BINARY,
                 3: scalar_ops.TERNARY}[arity]
        mod = ek.module(op, table[op], ek.Signature(arity, scalars, half_in, half_out))
        _ew_modules[key] = mod
    return mod


class MaskCount:
    """A counted mask: chunk size, each chunk's first output row, and the total."""
    __slots__ = ("chunk", "starts", "total", "n")

    def __init__(self, chunk, starts, total, n):
        self.chunk, self.starts, self.total, self.n = chunk, starts, total, n


class CpuBackend(Backend):
    name = "cpu"

    # ---- policy ---------------------------------------------------------------------
    def compute_dtype(self, primitive, dtype):
        return _float32_dtype() if dtype.name == "float16" else dtype

    # ---- storage --------------------------------------------------------------------
    def allocate(self, n, np_dtype):
        return allocator.empty(n, np_dtype)

    def allocate_zeroed(self, n, np_dtype):
        buf = allocator.zeroed(n, np_dtype)
        if buf is None:  # a big (pooled) buffer: the parallel fill kernel zeroes it
            return super().allocate_zeroed(n, np_dtype)
        return buf

    def from_host(self, array):
        return array if array.flags.c_contiguous else np.ascontiguousarray(array)

    def to_host(self, buffer, start, count):
        return buffer[start:start + count]

    def write_from_host(self, buffer, start, array):
        buffer[start:start + len(array)] = array

    def copy_span(self, src, dst, count):
        from .. import plan
        self.copy(plan.contiguous_elementwise(count, 1), src, dst)

    # ---- element-wise ---------------------------------------------------------------
    def _run(self, op, plan, inputs, out, params, dtype_of_scalars):
        """The kernel of element op `op` over plan; inputs are operands or scalars.
        dtype_of_scalars: the buffer dtype whose kernel type converts Python scalars."""
        n = plan.n
        if n == 0:
            return
        scalars = half_in = ()
        args = []
        for i, x in enumerate(inputs):
            if type(x) is tuple:
                buf = x[0]
                if buf.dtype.char == "e":  # float16 (a cheap test: this runs per operand)
                    half_in += (i,)
                    buf = buf.view(np.uint16)
                args.append(buf)
                args.append(x[1])
            else:
                scalars += (i,)
        obuf = out[0]
        half_out = obuf.dtype.char == "e"
        if half_out:
            obuf = obuf.view(np.uint16)
        key = (op, len(inputs), scalars, half_in, half_out)
        mod = _ew_modules.get(key) or _elementwise_module(*key)
        if scalars or params:
            kt = _kernel_type(dtype_of_scalars)
            if dtype_of_scalars.char == "e" and op not in scalar_ops.FLOAT16_NUMBER_UNROUNDED:
                # a Python number operand becomes a float16 value first, as PyTorch's wrapped
                # numbers do; the op then runs in float32 on float16 values
                with np.errstate(over="ignore"):  # beyond float16's range: inf, silently
                    tail = [_F32(np.float16(inputs[i])) for i in scalars]
            else:
                tail = [_scalar(inputs[i], kt) for i in scalars]
            tail += [_scalar(v, kt) for v in params] + [kt(0)] * (2 - len(params))
        else:
            tail = _zero_params(dtype_of_scalars)
        flat = plan.flat
        twins = _FLAT_KERNELS.get(flat) if flat is not None else None
        serial, parallel = (mod.strided, mod.strided_par) if twins is None else \
            (getattr(mod, twins[0]), getattr(mod, twins[1]))
        if n >= (COSTLY_ELEMENTWISE_GRAIN if mod.COSTLY else ELEMENTWISE_GRAIN):
            team.update()
            kernel = parallel
            if twins is not None and n * obuf.itemsize >= STREAM_BYTES:
                kernel = getattr(mod, twins[2])
        else:
            kernel = parallel if _borrows_parallel(serial, parallel) else serial
        try:
            if twins is not None:
                kernel(*args, obuf, out[1], n, *tail)
                return
            strided_args = []
            arrays = plan.stride_arrays
            for k in range(0, len(args), 2):
                strided_args += [args[k], args[k + 1], arrays[k // 2]]
            kernel(plan.shape_array, *strided_args, obuf, out[1], arrays[-1], *tail, 0, n)
        except Exception as e:
            _reraise_typing_error(e, op, dtype_of_scalars)

    def copy(self, plan, src, out):
        sdt, odt = src[0].dtype, out[0].dtype
        if sdt == odt:  # pure data movement: move bit patterns
            moved = _movable(src[0])
            self._run("identity", plan, ((moved, src[1]),), (_movable(out[0]), out[1]), (),
                      moved.dtype)
            return
        self._run(scalar_ops.conversion(sdt, odt), plan, (src,), out, (), sdt)

    def map(self, op, plan, x, out, params=()):
        self._run(op, plan, (x,), out, params, x[0].dtype)

    def zip(self, op, plan, a, b, out, params=()):
        self._run(op, plan, (a, b), out, params, (a if type(a) is tuple else b)[0].dtype)

    def where(self, plan, cond, a, b, out):
        self._run("where", plan, (cond, a, b), out, (), out[0].dtype)

    def fill(self, plan, out, value):
        self._run("fill", plan, (), out, (value,), out[0].dtype)

    def dense_route(self, op, codes, in_np_dtype, out_np_dtype):
        """The kernel resolved once: each call only converts Python numbers, picks the
        serial or parallel twin and allocates (see Backend.dense_route)."""
        if in_np_dtype.char == "e" or out_np_dtype.char == "e" or codes[0] is None:
            return super().dense_route(op, codes, in_np_dtype, out_np_dtype)  # general path
        numbers = tuple(i for i, c in enumerate(codes) if c is None)
        mod = _elementwise_module(op, len(codes), numbers, (), False)
        names = _FLAT_KERNELS[tuple(c for c in codes if c is not None)]
        # the serial, parallel and streaming kernels, indexed by the size class of a call
        kernels = tuple(getattr(mod, name) for name in names)
        serial, parallel = kernels[0], kernels[1]
        costly = mod.COSTLY
        out_itemsize = out_np_dtype.itemsize
        kt = _kernel_type(in_np_dtype)
        zero = kt(0)
        limit = _FLOAT_LIMITS.get(kt, -1.0)  # (-1.0: no float passes the range test)
        pooled_from = 0 if allocator._GUARD else allocator.MIN_BYTES // out_np_dtype.itemsize
        out_dtype, np_empty, pooled_empty = out_np_dtype, np.empty, allocator.empty

        def params_of(params):  # the op's p0, p1 in the kernel type
            return [_scalar(v, kt) for v in params] + [zero] * (2 - len(params))

        def failed(e):
            _reraise_typing_error(e, op, in_np_dtype)

        # Plain buffers (allocated here: 1-D, contiguous, aligned, writable) always take
        # the kernels' one compiled signature, so a call may skip Numba's dispatcher,
        # which types every argument again (a quarter of a 10-element add's time)
        signature = None if allocator._GUARD else _plain_signature(
            codes, in_np_dtype, out_np_dtype, zero)
        entries = [None, None, None]  # the kernels' compiled entries, once learned

        borrowing = True  # until the serial twin is compiled or lends no more
        update_team = team.update

        def borrows():
            nonlocal borrowing
            if serial.overloads:
                borrowing = False
            return _borrows_parallel(serial, parallel)

        def learn(big):
            """After a dispatcher call on plain buffers: keep that compiled entry."""
            compiled = kernels[big].overloads.get(signature)
            if compiled is not None:
                entries[big] = compiled.entry_point

        # the three shapes of call the ops layer's fast path makes; out: an operand to
        # write into, or None for a fresh buffer; plain: every buffer is plain
        if len(codes) == 1:
            def route(inputs, out, n, params, plain=False):
                (xb, xo), = inputs
                yb, yo = (np_empty(n, out_dtype) if n < pooled_from else
                          pooled_empty(n, out_dtype), 0) if out is None else out
                if n:
                    p0, p1 = params_of(params) if params else (zero, zero)
                    # the kernel: 0 serial, 1 parallel, 2 streaming
                    big = n >= (COSTLY_ELEMENTWISE_GRAIN if costly else ELEMENTWISE_GRAIN)
                    if big:
                        update_team()
                        big += n * out_itemsize >= STREAM_BYTES
                    elif borrowing:
                        big = borrows()
                    entry = entries[big] if plain else None
                    try:
                        if entry is not None:
                            entry(xb, xo, yb, yo, n, p0, p1)
                        else:
                            kernels[big](xb, xo, yb, yo, n, p0, p1)
                            if plain and signature:
                                learn(big)
                    except Exception as e:
                        failed(e)
                return yb
        elif numbers:
            def route(inputs, out, n, params, plain=False):
                (ab, ao), b = inputs
                yb, yo = (np_empty(n, out_dtype) if n < pooled_from else
                          pooled_empty(n, out_dtype), 0) if out is None else out
                if n:
                    p0, p1 = params_of(params) if params else (zero, zero)
                    # the kernel: 0 serial, 1 parallel, 2 streaming
                    big = n >= (COSTLY_ELEMENTWISE_GRAIN if costly else ELEMENTWISE_GRAIN)
                    if big:
                        update_team()
                        big += n * out_itemsize >= STREAM_BYTES
                    elif borrowing:
                        big = borrows()
                    entry = entries[big] if plain else None
                    if entry is None or type(b) is not float or not -limit <= b <= limit:
                        b = _scalar(b, kt)
                    # else a float within the kernel type's range: the compiled entry
                    # converts it as _scalar would, in a third of the time
                    try:
                        if entry is not None:
                            entry(ab, ao, yb, yo, n, b, p0, p1)
                        else:
                            kernels[big](ab, ao, yb, yo, n, b, p0, p1)
                            if plain and signature:
                                learn(big)
                    except Exception as e:
                        failed(e)
                return yb
        else:
            def route(inputs, out, n, params, plain=False):
                (ab, ao), (bb, bo) = inputs
                yb, yo = (np_empty(n, out_dtype) if n < pooled_from else
                          pooled_empty(n, out_dtype), 0) if out is None else out
                if n:
                    p0, p1 = params_of(params) if params else (zero, zero)
                    # the kernel: 0 serial, 1 parallel, 2 streaming
                    big = n >= (COSTLY_ELEMENTWISE_GRAIN if costly else ELEMENTWISE_GRAIN)
                    if big:
                        update_team()
                        big += n * out_itemsize >= STREAM_BYTES
                    elif borrowing:
                        big = borrows()
                    entry = entries[big] if plain else None
                    try:
                        if entry is not None:
                            entry(ab, ao, bb, bo, yb, yo, n, p0, p1)
                        else:
                            kernels[big](ab, ao, bb, bo, yb, yo, n, p0, p1)
                            if plain and signature:
                                learn(big)
                    except Exception as e:
                        failed(e)
                return yb
        return route

    def strided_route(self, op, plan, codes, in_np_dtype, out_np_dtype):
        """For a plan too small to share out (the calls whose Python path shows): the
        kernel, the plan's arrays and the call's shape resolved once, and after a first
        call on plain buffers the compiled entry itself (see dense_route): a (32, 10) +
        (10,) add's backend call 2.3 -> 1.3 us, and the whole add 6.1 -> 3.7 us.  Larger
        plans, float16 and empty ones take the general path (Backend.strided_route)."""
        if plan.n == 0 or in_np_dtype.char == "e" or out_np_dtype.char == "e":
            return super().strided_route(op, plan, codes, in_np_dtype, out_np_dtype)
        numbers = tuple(i for i, c in enumerate(codes) if c is None)
        mod = _elementwise_module(op, len(codes), numbers, (), False)
        if plan.n >= (COSTLY_ELEMENTWISE_GRAIN if mod.COSTLY else ELEMENTWISE_GRAIN):
            return super().strided_route(op, plan, codes, in_np_dtype, out_np_dtype)
        twins = _FLAT_KERNELS.get(plan.flat) if plan.flat is not None else None
        if twins is None:
            serial, parallel = mod.strided, mod.strided_par
            head = (plan.shape_array,)  # then per operand: buffer, offset, strides
            strides = plan.stride_arrays
        else:
            serial, parallel = getattr(mod, twins[0]), getattr(mod, twins[1])
            head, strides = (), None  # per operand: buffer, offset; after out: the count
        kt = _kernel_type(in_np_dtype)
        zero = kt(0)
        n = plan.n
        span = (0, n)
        signature = None if allocator._GUARD else _strided_signature(
            codes, in_np_dtype, out_np_dtype, zero, twins is None)
        entry = None
        borrowing = True  # until the serial kernel is compiled or lends no more
        small = n * out_np_dtype.itemsize < allocator.MIN_BYTES and not allocator._GUARD
        allocate = np.empty if small else allocator.empty  # (the pool's sizes, test mode)

        def route(inputs, out, params, plain=False):
            nonlocal entry, borrowing
            if out is None:
                out = (allocate(n, out_np_dtype), 0)
            args = list(head)
            tail = []
            k = 0
            for x in inputs:
                if type(x) is tuple:
                    args += x
                    if strides is not None:
                        args.append(strides[k])
                    k += 1
                else:
                    tail.append(_scalar(x, kt))
            args += out
            if strides is not None:
                args.append(strides[-1])
            else:
                args.append(n)
            args += tail
            args += [_scalar(v, kt) for v in params] + [zero] * (2 - len(params))
            if strides is not None:
                args += span  # the strided kernels' [start, stop)
            try:
                if entry is not None and plain:
                    entry(*args)
                    return out[0]
                kernel = serial
                if borrowing:
                    if serial.overloads:
                        borrowing = False
                    elif _borrows_parallel(serial, parallel):
                        kernel = parallel
                kernel(*args)
                if plain and signature and kernel is serial:
                    compiled = serial.overloads.get(signature)
                    if compiled is not None:
                        entry = compiled.entry_point
            except Exception as e:
                _reraise_typing_error(e, op, in_np_dtype)
            return out[0]
        return route

    # ---- reductions ---------------------------------------------------------------------
    def reduce(self, op, plan, x, out):
        if plan.nout == 0:
            return
        if plan.nout * plan.nred >= GRAIN:
            team.update()
        (xb, xo), (yb, yo) = x, out
        try:
            call = _fixed_calls.get((op, plan, xb.dtype, yb.dtype))
            if call is None:
                call = self._fixed_call(op, plan, xb.dtype, yb.dtype)
            if call is not False:
                fn, before, between, after = call
                fn(*before, xb, xo, *between, yb, yo, *after)
            else:
                self._scheduled_reduce(op, plan, xb, xo, yb, yo)
        except Exception as e:
            _reraise_typing_error(e, op, xb.dtype)

    @staticmethod
    def _fixed_call(op, plan, x_dtype, y_dtype):
        """The kernel of a reduction and its arguments, when they follow from the plan and
        the dtypes alone: (kernel, arguments before x's buffer and offset, those between
        them and out's, those after out's), kept per (op, plan, dtypes) in _fixed_calls;
        False for the schedules that follow the thread count at the call (a large whole
        sum in PyTorch's order, parallel column blocks: _scheduled_reduce)."""
        call = False
        if op == "sum" and plan.reduced_inside and x_dtype == y_dtype and \
                x_dtype in (_F32_DTYPE, _F64_DTYPE) and \
                0 < plan.nout * plan.nred < (_TORCH_ORDER_LIMIT if plan.nout == 1 else
                                             _TORCH_ORDER_ROWS_LIMIT):
            # the reduced dims inside the kept ones: float sums of their runs in PyTorch's
            # order, so that they are its values bit for bit (see cascade_sum_kernels.py)
            ck = _kernel_module("cascade_sum_kernels")
            lanes = _TORCH_VECTOR_BYTES // x_dtype.itemsize
            # the innermost reduced dim makes the runs; the others enumerate them
            n, stride = plan.rshape[-1], plan.rx[-1]
            nruns, nout = plan.nred // n, plan.nout
            whole = not plan.kshape
            kshape, kx, ky, rshape, rx = plan.arrays
            if whole and plan.nred < ck.TORCH_GRAIN and nruns == 1:
                call = (ck.one_run, (), (n, stride), (lanes,))
            elif not whole or plan.nred < ck.TORCH_GRAIN:
                # (a larger whole sum is split by the user's thread count)
                fn = ck.rows_par if nout > 1 and nout * plan.nred >= GRAIN else ck.rows
                call = (fn, (kshape, kx, ky, rshape[:-1], rx[:-1]), (n, stride),
                        (lanes, nout, nruns))
        else:
            mod = _red_modules.get(op)
            if mod is None:
                rk = _kernel_module("reduction_kernels")
                mod = _red_modules[op] = rk.reduce_module(op, _COMBINE[op])
            init = _identity(op, y_dtype)
            if op == "sum" and y_dtype == _F32_DTYPE:
                # float32 sums accumulate in float64 and round once at the end: as accurate
                # as PyTorch's cascade summation (so the same digits print), and independent
                # of the CPU's vector width; the sums stay memory-bound
                init = _F64_ZERO
            nout, nred = plan.nout, plan.nred
            par = nout * nred >= GRAIN
            if not plan.kshape and len(plan.rshape) == 1 and par:
                call = (mod.all_par, (nred, plan.rx[0]), (), (init,))
            elif not (plan.kshape and plan.kx[-1] == 1 and nred > 1 and min(plan.rx) > 1):
                fn = mod.rows_par if par and nout > 1 else mod.rows
                call = (fn, plan.arrays, (), (init,))
            elif not par:  # column blocks on one thread
                call = (mod.cols, plan.arrays, (), (init, *_column_blocking(plan, 1)))
        if len(_fixed_calls) > 4096:  # plans seen are few in practice; keep it bounded
            _fixed_calls.clear()
        _fixed_calls[op, plan, x_dtype, y_dtype] = call
        return call

    def _scheduled_reduce(self, op, plan, xb, xo, yb, yo):
        """The reductions whose schedule follows the thread count at the call (see
        _fixed_call): a large whole float sum in PyTorch's order, split by the user's
        thread count, and the parallel column blocks of a reduction over leading dims."""
        if op == "sum" and not plan.kshape and plan.reduced_inside:
            ck = _kernel_module("cascade_sum_kernels")
            # PyTorch splits a whole sum by its thread count: the user's count, whatever
            # the team that runs it (team.py), so that the value never depends on the load
            lanes = _TORCH_VECTOR_BYTES // xb.itemsize
            n, stride = plan.rshape[-1], plan.rx[-1]
            _, _, _, rshape, rx = plan.arrays
            threads = team.requested()
            if threads > 1:
                ck.all_chunked(rshape[:-1], rx[:-1], xb, xo, n, stride, yb, yo, lanes,
                               plan.nred // n, threads)
            else:
                ck.rows(*plan.arrays[:3], rshape[:-1], rx[:-1], xb, xo, n, stride, yb, yo,
                        lanes, plan.nout, plan.nred // n)
            return
        init = _F64_ZERO if op == "sum" and yb.dtype == _F32_DTYPE else _identity(op, yb.dtype)
        block, nchunk = _column_blocking(plan, _threads())
        _red_modules[op].cols_par(*plan.arrays, xb, xo, yb, yo, init, block, nchunk)

    def reduce_route(self, op, plan, x_np_dtype, out_np_dtype):
        """For a reduction whose kernel and arguments follow from the plan (_fixed_call):
        both resolved once, and after a first call on plain buffers the kernel's compiled
        entry.  Numba's dispatcher typed the ten arguments again on every call, with the
        caches a large reduction had just flushed: sum(dim=1) of 3000 x 3000 spent about
        25 us of its 650 outside the kernel.  Other reductions, empty ones and guarded
        buffers take the general path (Backend.reduce_route); so does every call in a
        forked child, whose kernels are serial (_serial_after_fork)."""
        general = super().reduce_route(op, plan, x_np_dtype, out_np_dtype)
        if plan.nout == 0 or allocator._GUARD:
            return general
        call = _fixed_calls.get((op, plan, x_np_dtype, out_np_dtype))
        if call is None:
            call = self._fixed_call(op, plan, x_np_dtype, out_np_dtype)
        if call is False:
            return general
        kernel, before, between, after = call
        call = _entry_call(kernel)
        nout = plan.nout
        large = nout * plan.nred >= GRAIN
        small = nout * out_np_dtype.itemsize < allocator.MIN_BYTES
        allocate = np.empty if small else allocator.empty  # (the pool's sizes)

        def route(buf, offset, plain=False):
            if large:
                if _FORKED:
                    return general(buf, offset, plain)
                team.update()
            out = allocate(nout, out_np_dtype)
            try:
                call((*before, buf, offset, *between, out, 0, *after), plain)
            except Exception as e:
                _reraise_typing_error(e, op, x_np_dtype)
            return out
        return route

    def whole_sum_route(self, np_dtype):
        """A float32/float64 sum of fewer than TORCH_GRAIN elements straight to the kernel
        reduce would run (_fixed_call: one run), and once it is compiled to its
        compiled entry (Numba's dispatcher types the seven arguments again on every call:
        a sixth of a 10-element sum's time); other sums through reduce."""
        general = super().whole_sum_route(np_dtype)
        if np_dtype not in (_F32_DTYPE, _F64_DTYPE) or allocator._GUARD:
            return general
        ck = _kernel_module("cascade_sum_kernels")
        lanes = _TORCH_VECTOR_BYTES // np_dtype.itemsize
        one_run, grain, np_empty = ck.one_run, ck.TORCH_GRAIN, np.empty
        import numba
        array, word = numba.typeof(np.empty(0, np_dtype)), numba.int64
        signature = (array, word, word, word, array, word, word)
        entry = None

        large = self._large_sum_route(np_dtype)

        def route(buf, offset, n, plain=False):
            nonlocal entry
            if n >= grain:
                if n >= _TORCH_ORDER_LIMIT and n >= GRAIN:
                    return large(buf, offset, n, plain)
                return general(buf, offset, n, plain)
            y = np_empty(1, np_dtype)
            if plain and entry is not None:
                entry(buf, offset, n, 1, y, 0, lanes)
            else:
                one_run(buf, offset, n, 1, y, 0, lanes)
                if plain:
                    compiled = one_run.overloads.get(signature)
                    entry = compiled.entry_point if compiled is not None else None
            return y
        return route

    @staticmethod
    def _large_sum_route(np_dtype):
        """The sum of n >= _TORCH_ORDER_LIMIT (and GRAIN) dense elements as reduce runs it
        (reduction_kernels' all_par, float32 accumulating in float64), the kernel resolved
        once and called through its compiled entry on plain buffers: reduce's checks and
        planning, and Numba's typing of the arguments, ran with caches the sum had just
        flushed, and came to about 20 us of a 1e7-element sum (700 us)."""
        mod = _red_modules.get("sum")
        if mod is None:
            rk = _kernel_module("reduction_kernels")
            mod = _red_modules["sum"] = rk.reduce_module("sum", _COMBINE["sum"])
        call = _entry_call(mod.all_par)
        init = _F64_ZERO if np_dtype == _F32_DTYPE else _identity("sum", np_dtype)

        def route(buf, offset, n, plain=False):
            team.update()
            y = np.empty(1, np_dtype)
            call((n, 1, buf, offset, y, 0, init), plain)
            return y
        return route

    def arg_reduce(self, op, plan, x, values, indices):
        rk = _kernel_module("reduction_kernels")
        if plan.nout == 0:
            return
        mod = rk.arg_module(op)
        fn = mod.arg_par if plan.nout * plan.n >= GRAIN and plan.nout > 1 else mod.arg
        kshape, kx, ky = plan.arrays
        fn(kshape, kx, ky, ky, plan.n, plan.t, x[0], x[1], values[0], values[1],
           indices[0], indices[1])

    def scan(self, op, plan, x, out):
        rk = _kernel_module("reduction_kernels")
        if plan.nout == 0 or plan.n == 0:
            return
        mod = rk.scan_module(op, _COMBINE[op])
        fn = mod.scan_par if plan.nout * plan.n >= GRAIN and plan.nout > 1 else mod.scan
        kshape, kx, ky = plan.arrays
        dt = out[0].dtype
        if op in ("sum", "prod"):  # the running value in PyTorch's CPU accumulator type
            dt = _SCAN_ACCUMULATORS.get(dt, dt)
        fn(kshape, kx, ky, plan.n, plan.tx, plan.ty, x[0], x[1], out[0], out[1],
           _identity(op, dt))

    # ---- matrix products ------------------------------------------------------------------
    def matmul(self, plan, a, b, out, accumulate=False):
        known = _kept_products.get((id(plan), out.dtype, accumulate))
        # (the plan kept alive: its id is its own; a kept batch may decline: False)
        if known is not None and known[0] is plan and known[1](a, b, out) is not False:
            return
        mk = _kernel_module("matmul_kernels")
        m, k, n = plan.m, plan.k, plan.n
        if m == 0 or n == 0 or plan.batch == 0:
            return
        if k == 0:  # an empty sum: BLAS would be handed zero leading dimensions
            if not accumulate:
                out[:plan.batch * m * n] = 0
            return
        if out.dtype.kind in "fc":
            if max(m, k, n) >= _BLAS_INT_LIMIT:
                raise RuntimeError(f"matmul: a matrix dimension of {max(m, k, n)} is beyond "
                                   f"the BLAS's 32-bit integers")
            consts = _gemm_constants.get((out.dtype, accumulate))
            if consts is None:
                consts = _make_gemm_constants(out.dtype, accumulate)
            # the buffers as bytes: one compiled kernel for the four dtypes
            args = (mk.KINDS[out.dtype], plan.layout_a == "t", plan.layout_b == "t",
                    a.view(_BYTE), plan.a_offsets, b.view(_BYTE), plan.b_offsets,
                    out.view(_BYTE), plan.out_offsets, out.itemsize, consts, m, k, n)
            inside = _float_products(mk, plan, args, out.dtype, accumulate)
            if not inside:
                _outside_buffer()
            _keep_serial_product(mk, plan, args, out.dtype, accumulate)
        else:
            if accumulate:
                raise NotImplementedError("matmul: accumulating integer products")
            fn = mk.int_gemm_par if plan.batch * m * n * k >= GRAIN else mk.int_gemm
            fn(a, plan.a_offsets, plan.a_rs, plan.a_cs, b, plan.b_offsets, plan.b_rs, out,
               plan.out_offsets, m, k, n)

    # ---- indexing -----------------------------------------------------------------------------
    def index_offsets(self, plan, index, size, stride, out, accumulate, wrap=True):
        ik = _kernel_module("index_kernels")
        n = plan.n
        if n == 0:
            return None
        fn = ik.index_offsets_par if n >= GRAIN else ik.index_offsets
        st = plan.stride_arrays
        bad = fn(plan.shape_array, index[0], index[1], st[0], out[0], out[1], n,
                 size, -size if wrap else 0, stride, accumulate)
        if bad < 0:
            return None
        # the value at flat position `bad` of the planned walk, read for the message
        rem, off = int(bad), index[1]
        for d in range(len(plan.shape) - 1, -1, -1):
            off += (rem % plan.shape[d]) * plan.strides[0][d]
            rem //= plan.shape[d]
        return int(index[0][off])

    def gather(self, plan, src, offsets, out):
        ik = _kernel_module("index_kernels")
        if plan.npre * plan.nidx * plan.nq == 0:
            return
        fn = ik.gather_par if plan.npre * plan.nidx * plan.nq >= GRAIN and \
            plan.npre * plan.nidx > 1 else ik.gather
        pre_shape, pre_strides, post_shape, post_strides = plan.arrays
        fn(_movable(src[0]), src[1], pre_shape, pre_strides, offsets[0], offsets[1], plan.nidx,
           plan.qstride, plan.nq, post_shape, post_strides, _movable(out[0]), out[1])

    def scatter(self, plan, dst, offsets, value, accumulate):
        ik = _kernel_module("index_kernels")
        total = plan.npre * plan.nidx * plan.nq
        if total == 0:
            return
        dbuf = _accumulable(dst[0]) if accumulate else _movable(dst[0])
        vals = _value_args(dbuf, value, dst[0].dtype)
        fn = ik.scatter_par if total >= GRAIN else ik.scatter
        pre_shape, pre_strides, post_shape, post_strides = plan.arrays
        fn(dbuf, dst[1], pre_shape, pre_strides, offsets[0], offsets[1], plan.nidx,
           plan.qstride, plan.nq, post_shape, post_strides, *vals, bool(accumulate))

    def _first_bad_dim_index(self, plan, index):
        ik = _kernel_module("index_kernels")
        shape, _, si, _ = plan.arrays
        fn = ik.check_dim_index_par if plan.n >= GRAIN and plan.nlines > 1 else ik.check_dim_index
        bad, value = fn(shape, plan.dim, plan.size, index[0], index[1], si, plan.nlines)
        return int(value) if bad else None

    def gather_dim(self, plan, src, index, out):
        ik = _kernel_module("index_kernels")
        if plan.n == 0:
            return None
        bad = self._first_bad_dim_index(plan, index)
        if bad is not None:
            return bad
        shape, ss, si, so = plan.arrays
        fn = ik.gather_dim_par if plan.n >= GRAIN and plan.nlines > 1 else ik.gather_dim
        fn(shape, plan.dim, plan.size, _movable(src[0]), src[1], ss, index[0], index[1], si,
           _movable(out[0]), out[1], so, plan.nlines)
        return None

    def scatter_dim(self, plan, dst, index, src, accumulate):
        ik = _kernel_module("index_kernels")
        if plan.n == 0:
            return None
        bad = self._first_bad_dim_index(plan, index)
        if bad is not None:  # checked before anything is written
            return bad
        dbuf = _accumulable(dst[0]) if accumulate else _movable(dst[0])
        vbuf, voff, scalar, use_scalar = _value_args(dbuf, src, dst[0].dtype)
        shape, sd, si, sv = plan.arrays
        fn = ik.scatter_dim_par if plan.n >= GRAIN and plan.nlines > 1 else ik.scatter_dim
        fn(shape, plan.dim, plan.size, dbuf, dst[1], sd, index[0], index[1], si, vbuf, voff,
           sv, scalar, use_scalar, bool(accumulate), plan.nlines)
        return None

    def mask_count(self, mask, n):
        ik = _kernel_module("index_kernels")
        nchunks = 1 if n < GRAIN else min(1024, max(1, n // 16384))
        chunk = max(1, -(-n // nchunks))
        counts = np.empty(nchunks, np.int64)
        fn = ik.mask_counts_par if nchunks > 1 else ik.mask_counts
        fn(_movable(mask[0]), mask[1], n, chunk, counts)
        starts = np.empty(nchunks + 1, np.int64)  # chunk c writes rows starts[c]..starts[c+1]
        starts[0] = 0
        if nchunks == 1:  # (NumPy's cumsum costs more than a small mask's count)
            starts[1] = counts[0]
        else:
            np.cumsum(counts, out=starts[1:])
        return MaskCount(chunk, starts, int(starts[-1]), n)

    def mask_gather(self, count, mask, plan, src, out):
        ik = _kernel_module("index_kernels")
        if count.total == 0 or plan.nq == 0:
            return
        fn = ik.mask_gather_par if len(count.starts) > 2 else ik.mask_gather
        mshape, mstrides, post_shape, post_strides = plan.arrays
        fn(_movable(mask[0]), mask[1], count.n, count.chunk, count.starts, mshape,
           mstrides, _movable(src[0]), src[1], plan.qstride, plan.nq, post_shape,
           post_strides, _movable(out[0]), out[1])

    def mask_scatter(self, count, mask, plan, dst, value):
        ik = _kernel_module("index_kernels")
        if count.total == 0 or plan.nq == 0:
            return
        dbuf = _movable(dst[0])
        vals = _value_args(dbuf, value, dst[0].dtype)
        fn = ik.mask_scatter_par if len(count.starts) > 2 else ik.mask_scatter
        mshape, mstrides, post_shape, post_strides = plan.arrays
        fn(_movable(mask[0]), mask[1], count.n, count.chunk, count.starts, mshape,
           mstrides, dbuf, dst[1], plan.qstride, plan.nq, post_shape, post_strides, *vals)

    def mask_coordinates(self, count, mask, shape, out):
        ik = _kernel_module("index_kernels")
        if count.total == 0 or not shape:  # a 0-d mask's coordinates have no columns
            return
        fn = ik.mask_coords_par if len(count.starts) > 2 else ik.mask_coords
        fn(_movable(mask[0]), mask[1], count.n, count.chunk, count.starts,
           np.array(shape or (1,), np.int64), out[0], out[1])

    # ---- index-dependent fills and random draws --------------------------------------------
    def arange(self, out, n, start, step):
        fk = _kernel_module("fill_kernels")
        if n:
            kt = out[0].dtype.type
            fill = fk.arange_serial if _FORKED else fk.arange
            fill(out[0][out[1]:], n, kt(start), kt(step))

    def arange_as_pytorch_rounds(self, out, n, start, step):
        # PyTorch's vectorised CPU fill, so that the same values come out (a plain
        # start + i * step differs from it in the last bit for a fifth of float32s)
        fk = _kernel_module("fill_kernels")
        if n:
            y = out[0][out[1]:]
            width = _TORCH_VECTOR_BYTES // y.dtype.itemsize
            chunk = n
            if n > _TORCH_ARANGE_GRAIN and team.requested() > 1:  # the user's count, as sums
                tasks = min(team.requested(), -(-n // _TORCH_ARANGE_GRAIN))
                chunk = -(-n // tasks)
            fill = fk.arange_vectorised_serial if _FORKED else fk.arange_vectorised
            fill(y, n, float(start), float(step), width, chunk)
        return True

    def linspace(self, out, n, start, end, step):
        fk = _kernel_module("fill_kernels")
        if n:
            fill = fk.linspace_serial if _FORKED else fk.linspace
            fill(out[0][out[1]:], n, float(start), float(end), float(step))

    def random_uniform(self, out, n, seed, counter, low, high):
        rk = _kernel_module("random_kernels")
        dt = out[0].dtype
        bits = 53 if dt == np.float64 else 24
        # low + (high - low) * u can round up to high in the output's precision: draws
        # stop at the largest value below high, so the interval stays half-open
        top = float(np.nextafter(dt.type(high), dt.type(-np.inf))) if high > low else float(low)
        rk.uniform(out[0], out[1], n, seed, counter, bits, float(low), float(high), top)

    def random_normal(self, out, n, seed, counter, mean, std):
        rk = _kernel_module("random_kernels")
        rk.normal(out[0], out[1], n, seed, counter, float(mean), float(std))

    def random_integers(self, out, n, seed, counter, low, span):
        rk = _kernel_module("random_kernels")
        rk.randint(_movable(out[0]) if out[0].dtype == _BOOL else out[0], out[1], n, seed,
                   counter, np.int64(low), np.uint64(span))

    def random_bernoulli(self, out, n, seed, counter, p):
        rk = _kernel_module("random_kernels")
        if type(p) is tuple:
            pbuf, poff, pstep = p[0], p[1], 1
        else:
            pbuf, poff, pstep = np.full(1, float(p)), 0, 0  # a parameter array, read-only
        rk.bernoulli(out[0], out[1], n, seed, counter, pbuf, np.int64(poff), np.int64(pstep))

    def randperm(self, out, n, seed, counter):
        rk = _kernel_module("random_kernels")
        rk.randperm(out[0][out[1]:], n, seed, counter)

    def multinomial(self, probs, nrows, ncat, out, nsamples, replacement, seed, counter):
        rk = _kernel_module("random_kernels")
        rk.multinomial(out[0][out[1]:], probs[0][probs[1]:], nrows, ncat, nsamples,
                       bool(replacement), seed, counter)

    # ---- PyTorch's CPU generator ------------------------------------------------------------
    # Not part of the device interface: a CPU Generator owns a host Mersenne Twister
    # (`tw`: state, cursor, cache; see mt19937_kernels.py) and draws from it into
    # contiguous operands as PyTorch's CPU kernels do, value for value.
    def twister_uniform(self, tw, out, n, low, high, bits):
        mk = _kernel_module("mt19937_kernels")
        mk.uniform(tw.state, tw.cursor, out[0][out[1]:], n, float(low), float(high), bits)

    def twister_normal(self, tw, out, n, mean, std, bits, in_blocks):
        mk = _kernel_module("mt19937_kernels")
        y = out[0][out[1]:]
        if in_blocks:
            mk.normal_fill(tw.state, tw.cursor, y, n, float(mean), float(std), bits)
        else:
            mk.normal_each(tw.state, tw.cursor, tw.cache, y, n, float(mean), float(std))

    def twister_integers(self, tw, out, n, low, span, wide):
        mk = _kernel_module("mt19937_kernels")
        y = out[0][out[1]:]
        mk.integers(tw.state, tw.cursor, _movable(y) if y.dtype == _BOOL else y, n,
                    np.int64(low), np.uint64(span), bool(wide))

    def twister_bernoulli(self, tw, out, n, p, bits):
        mk = _kernel_module("mt19937_kernels")
        y = out[0][out[1]:]
        y = _movable(y) if y.dtype == _BOOL else y
        if type(p) is tuple:
            mk.bernoulli_tensor(tw.state, tw.cursor, y, n, p[0][p[1]:], bits)
        else:
            mk.bernoulli_scalar(tw.state, tw.cursor, y, n, float(p))

    def twister_exponential(self, tw, out, n, lambd):
        mk = _kernel_module("mt19937_kernels")
        mk.exponential(tw.state, tw.cursor, out[0][out[1]:], n, float(lambd))

    def twister_randperm(self, tw, out, n):
        mk = _kernel_module("mt19937_kernels")
        mk.randperm(tw.state, tw.cursor, out[0][out[1]:], n)

    def twister_multinomial(self, tw, probs, nrows, ncat, out, nsamples):
        mk = _kernel_module("mt19937_kernels")
        mk.multinomial_cdf(tw.state, tw.cursor, out[0][out[1]:], probs[0][probs[1]:],
                           nrows, ncat, nsamples)

    # ---- LAPACK-class linear algebra --------------------------------------------------------
    @staticmethod
    def _lk():
        linalg_kernels = _kernel_module("linalg_kernels")
        return linalg_kernels

    def linalg_inv(self, a, nb, n, out):
        info = np.zeros(nb, np.int64)
        if n and nb:
            self._lk().inv(_span(a), nb, n, _span(out), info)
        return info

    def linalg_solve(self, a, b, nb, n, k, out):
        info = np.zeros(nb, np.int64)
        if n and nb and k:
            self._lk().solve(_span(a), _span(b), nb, n, k, _span(out), info)
        return info

    def linalg_det(self, a, nb, n, out):
        if not nb:
            return
        if n:
            self._lk().det(_span(a), nb, n, _span(out))
        else:
            _span(out)[:nb] = 1  # the empty product

    def linalg_slogdet(self, a, nb, n, sign, logabs):
        if not nb:
            return
        if n:
            self._lk().slogdet(_span(a), nb, n, _span(sign), _span(logabs))
        else:
            _span(sign)[:nb] = 1
            _span(logabs)[:nb] = 0

    def linalg_lstsq(self, a, b, nb, m, n, k, out, rank, rcond):
        if not nb:
            return
        if m and n and k:
            self._lk().lstsq(_span(a), _span(b), nb, m, n, k, _span(out), _span(rank),
                             float(rcond))
        else:
            _span(out)[:nb * n * k] = 0
            _span(rank)[:nb] = 0 if not (m and n) else min(m, n)

    def linalg_eig(self, a, nb, n, w, v):
        if n and nb:
            fn = self._lk().eig if a[0].dtype.kind == "c" else self._lk().eig_real
            fn(_span(a), nb, n, _span(w), _span(v))

    def linalg_eigvals(self, a, nb, n, w):
        if n and nb:
            if a[0].dtype.kind == "c":
                self._lk().eigvals(_span(a), nb, n, _span(w))
            else:  # a real matrix may have complex eigenvalues: the real geev path
                vectors = np.empty(nb * n * n, w[0].dtype)
                self._lk().eig_real(_span(a), nb, n, _span(w), vectors)

    def linalg_eigh(self, a, nb, n, w, v):
        if n and nb:
            self._lk().eigh(_span(a), nb, n, _span(w), _span(v))

    def linalg_cholesky(self, a, nb, n, out):
        info = np.zeros(nb, np.int64)
        if n and nb:
            self._lk().cholesky(_span(a), nb, n, _span(out), info)
        return info

    def linalg_qr(self, a, nb, m, n, q, r, complete):
        if nb and m and n:
            # only a tall matrix has a complete Q larger than the reduced one
            fn = self._lk().qr_complete if complete and m > n else self._lk().qr
            fn(_span(a), nb, m, n, _span(q), _span(r))

    def linalg_svd(self, a, nb, m, n, u, s, vh, full_matrices):
        if nb and m and n:
            self._lk().svd(_span(a), nb, m, n, _span(u), _span(s), _span(vh),
                           bool(full_matrices))

    def linalg_lu_factor(self, a, nb, m, n, lu, piv):
        info = np.zeros(nb, np.int64)
        if nb and m and n:
            self._lk().lu_factor(_span(a), nb, m, n, _span(lu), _span(piv), info)
        return info

    def linalg_solve_triangular(self, a, b, nb, n, k, upper, unitriangular, out):
        if nb and n and k:
            self._lk().solve_triangular(_span(a), _span(b), nb, n, k, bool(upper),
                                        bool(unitriangular), _span(out))

    def linalg_lu_solve(self, lu, piv, b, nb, n, npiv, k, trans, out):
        if nb and n and k:
            self._lk().lu_solve(_span(lu), _span(piv), _span(b), nb, n, npiv, k, int(trans),
                                _span(out))

    def linalg_first_zero_pivot(self, a, n):
        return int(self._lk().first_zero_pivot(_span(a)[:n * n], n))

    def linalg_first_bad_minor(self, a, n):
        return int(self._lk().first_bad_minor(_span(a)[:n * n], n))

    # ---- sorting and searching --------------------------------------------------------
    @staticmethod
    def argsort_rows(x, row_stride, elem_stride, nrows, n, descending, out):
        """Stable argsort of nrows rows of n elements each.

        x: (buffer, offset) of an int64, float32 or float64 flat buffer; row r starts at
        offset + r * row_stride and its elements are elem_stride apart (in elements).
        out: (buffer, offset) of a contiguous int64 buffer of nrows * n positions, row
        after row; position i of row r receives the index (0 .. n-1) of the element
        that sorts to place i.  Equal elements keep their order; NaN sorts after every
        number (last ascending, first with descending=True), as in torch.
        """
        sk = _kernel_module("sort_kernels")
        if nrows * n == 0:
            return
        fn = sk.argsort_rows_par if nrows > 1 and nrows * n >= GRAIN else sk.argsort_rows
        fn(x[0], x[1], row_stride, elem_stride, nrows, n, bool(descending), out[0], out[1])

    @staticmethod
    def searchsorted_rows(seq, seq_row_stride, m, values, values_row_stride, nv, nrows,
                          right, out):
        """Binary search of nv values per row in nrows sorted rows of m elements.

        seq: (buffer, offset), row r's m sorted elements contiguous from offset +
        r * seq_row_stride (0 for one sequence shared by every row).  values:
        (buffer, offset), row r's nv values contiguous from offset + r *
        values_row_stride.  Both buffers have one dtype (int64, float32 or float64).
        out: (buffer, offset) of a contiguous int64 buffer of nrows * nv results: the
        insertion position of each value (the first one whose element is not less
        than it, or with right=True greater than it); a NaN value goes after every
        element, NaNs included, as in torch.
        Assumes each row is sorted in that order.
        """
        sk = _kernel_module("sort_kernels")
        if nrows * nv == 0:
            return
        fn = sk.searchsorted_rows_par if nrows > 1 and nrows * nv >= GRAIN else sk.searchsorted_rows
        fn(seq[0], seq[1], seq_row_stride, m, values[0], values[1], values_row_stride, nv, nrows,
           bool(right), out[0], out[1])


    # ---- neural-network primitives ----------------------------------------------------------
    # One work item is an (n, c) plane (a line for softmax); the serial twin runs below
    # GRAIN elements of work or when there is a single item.
    def im2col(self, plan, x, out):
        conv_columns = _kernel_module("conv_columns")
        if plan.ncols == 0:
            return
        conv_columns.im2col(self, plan, x, out)

    def col2im(self, plan, cols, out):
        if plan.n * plan.c * plan.h * plan.w == 0:
            return
        if plan.ncols == 0:  # no window: the gradient is zero
            self.fill(_image_plan(plan), out, 0)
            return
        conv_columns = _kernel_module("conv_columns")
        conv_columns.col2im(self, plan, cols, out, serial=_FORKED)

    @staticmethod
    def _pool_parallel(plan):
        return plan.n * plan.c > 1 and plan.n * plan.c * max(plan.h * plan.w, plan.oh * plan.ow) >= GRAIN

    def max_pool(self, plan, x, out, indices):
        pk = _kernel_module("pool_kernels")
        if plan.nout == 0:
            return
        fh, ch, _, fw, cw, _ = plan.tables
        fn = pk.max_pool_par if self._pool_parallel(plan) else pk.max_pool
        fn(x[0], x[1], plan.x_strides, plan.geometry, fh, ch, fw, cw, out[0], out[1],
           plan.y_strides, indices[0], indices[1], pk.lowest_value(x[0].dtype))

    def max_pool_backward(self, plan, grad, indices, out):
        pk = _kernel_module("pool_kernels")
        if plan.n * plan.c * plan.h * plan.w == 0:
            return
        fn = pk.max_pool_backward_par if self._pool_parallel(plan) else pk.max_pool_backward
        fn(grad[0], grad[1], plan.y_strides, indices[0], indices[1], plan.geometry, out[0],
           out[1], plan.x_strides)

    def avg_pool(self, plan, x, out):
        pk = _kernel_module("pool_kernels")
        if plan.nout == 0:
            return
        fn = pk.avg_pool_par if self._pool_parallel(plan) else pk.avg_pool
        fn(x[0], x[1], plan.x_strides, plan.geometry, *plan.tables, int(plan.divisor), out[0],
           out[1], plan.y_strides, out[0].dtype.kind != "f")

    def avg_pool_backward(self, plan, grad, out):
        pk = _kernel_module("pool_kernels")
        if plan.n * plan.c * plan.h * plan.w == 0:
            return
        fn = pk.avg_pool_backward_par if self._pool_parallel(plan) else pk.avg_pool_backward
        fn(grad[0], grad[1], plan.y_strides, plan.geometry, *plan.tables, int(plan.divisor),
           out[0], out[1], plan.x_strides)

    def softmax(self, plan, x, out, log):
        sk = _kernel_module("softmax_kernels")
        if plan.numel == 0:
            return
        par = plan.numel >= GRAIN and plan.outer * plan.inner > 1
        if plan.inner == 1:
            fn = sk.rows_par if par else sk.rows
            fn(x[0], x[1], out[0], out[1], plan.outer, plan.n, bool(log))
        else:
            fn = sk.blocks_par if par else sk.blocks
            fn(x[0], x[1], out[0], out[1], plan.outer, plan.n, plan.inner, bool(log))

    def softmax_backward(self, plan, grad, result, out, log):
        sk = _kernel_module("softmax_kernels")
        if plan.numel == 0:
            return
        par = plan.numel >= GRAIN and plan.outer * plan.inner > 1
        if plan.inner == 1:
            fn = sk.rows_backward_par if par else sk.rows_backward
            fn(grad[0], grad[1], result[0], result[1], out[0], out[1], plan.outer, plan.n,
               bool(log))
        else:
            fn = sk.blocks_backward_par if par else sk.blocks_backward
            fn(grad[0], grad[1], result[0], result[1], out[0], out[1], plan.outer, plan.n,
               plan.inner, bool(log))

    # ---- losses ---------------------------------------------------------------------------
    def nll_loss(self, x, target, weight, n, c, ignore_index, reduction, out, total_weight):
        lk = _kernel_module("loss_kernels")
        if n == 0 and reduction == "none":
            return None
        w = weight if weight is not None else x
        if reduction == "none":
            bad = lk.nll_none(x[0], x[1], target[0], target[1], w[0], w[1], weight is not None,
                              n, c, ignore_index, out[0], out[1])
        else:
            bad = lk.nll_sum(x[0], x[1], target[0], target[1], w[0], w[1], weight is not None,
                             n, c, ignore_index, reduction == "mean", out[0], out[1],
                             total_weight[0], total_weight[1])
        return None if bad < 0 else int(target[0][target[1] + bad])

    def nll_loss_backward(self, grad, target, weight, n, c, ignore_index, reduction,
                          total_weight, out):
        lk = _kernel_module("loss_kernels")
        if n * c == 0:
            return
        w = weight if weight is not None else out
        tw = total_weight if total_weight is not None else out
        lk.nll_backward(grad[0], grad[1], reduction == "none", target[0], target[1], w[0], w[1],
                        weight is not None, n, c, ignore_index, reduction == "mean", tw[0], tw[1],
                        out[0], out[1])


# ---- helpers ------------------------------------------------------------------------------
# PyTorch's ScalarType names, for the error a dtype without a kernel raises
_SCALAR_TYPE = {"bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short",
                "int32": "Int", "int64": "Long", "float16": "Half", "float32": "Float",
                "float64": "Double", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _reraise_typing_error(e, op, np_dtype):
    """A kernel Numba cannot compile for these types (a dtype an op has no kernel for)
    becomes PyTorch's NotImplementedError; no Numba exception reaches a user."""
    if type(e).__module__.startswith("numba"):
        name = _SCALAR_TYPE.get(np.dtype(np_dtype).name, str(np_dtype))
        raise NotImplementedError(f"\"{op}_cpu\" not implemented for '{name}'") from None
    raise e

def _threads():
    if _FORKED:
        return 1
    import numba
    return numba.get_num_threads()


# The vector width of PyTorch's CPU kernels that numtensor reproduces (arange, sums):
# 32 bytes, on AVX2 machines and, as measured against PyTorch 2.13 on an AVX-512 one
# (capability "AVX512"), on AVX-512 ones too
_TORCH_VECTOR_BYTES = 32
# Sums of fewer elements add in PyTorch's order (the losses and statistics that programs
# print); larger ones take the float64 kernels, which are about twice as fast there.
# Sums with several outputs keep that order to a lower limit: each short run pays the
# cascade's bookkeeping (sum(dim=1) of 10000x100 took 2.4x the float64 kernels' time)
_TORCH_ORDER_LIMIT = 2 ** 20
_TORCH_ORDER_ROWS_LIMIT = 2 ** 17
# (op, reduce plan, x's dtype, out's dtype) -> CpuBackend._fixed_call's answer (working
# out the kernel and slicing the plan's arrays again cost about a microsecond of a small
# row sum)
_fixed_calls = {}


def _float_products(mk, plan, args, dtype, accumulate):
    """Run gemm's products of the plan (args: gemm's arguments) on the kernel that suits
    them (see _work_blocks, _packed_width and _own_products); False if a matrix lies
    outside its buffer."""
    if not _blas_on_one_thread:
        _put_blas_on_one_thread()
    if (plan.m == 1 or plan.n == 1) and not _FORKED and \
            plan.batch * plan.m * plan.n * plan.k >= GEMV_SPLIT_FROM:
        return _vector_products(mk, plan, args)
    if plan.batch * plan.m * plan.n * plan.k < GRAIN:  # serial: no team to choose
        blocks = 0
    else:
        team.update()
        blocks = _work_blocks(plan)
    blas_threads = _kernel_module("blas_threads")
    width = _packed_width(plan, dtype) if blocks in (0, 1) else 0
    if blocks >= 0 and dtype == _F32_DTYPE:
        parts = _own_parts(plan, width, blocks)
        if parts:  # numtensor's own kernel (_own_products)
            sk = _kernel_module("sgemm_kernels")
            own = _own_products(plan, args, accumulate)
            inside = sk.sgemm_par(*own, parts, _threads())
            if inside:
                _keep_own_batch(sk, plan, own, accumulate, parts > 1)
            return inside
    if width:  # B in packed blocks of columns (B is not transposed)
        packed = args[:2] + args[3:] + (width,)
        if blocks == 0:
            return mk.gemm_packed(*packed)
        with blas_threads.single_threaded():
            return mk.gemm_packed_par(*packed, _threads())
    if blocks == 0 and _borrows_parallel(mk.gemm, mk.gemm_par):
        blocks = 1  # the products one per work item: the serial order, one thread
    if blocks > 0:
        with blas_threads.single_threaded():
            return mk.gemm_par(*args, blocks, _by_columns(plan))
    if blocks < 0:  # too short to split: the BLAS's own pool, for this call
        with blas_threads.using_threads(-blocks):
            return mk.gemm(*args)
    return mk.gemm(*args)


def _own_products(plan, args, accumulate):
    """sgemm_kernels' arguments for the products of gemm's arguments args: float32
    buffers (not bytes), no BLAS constants.

    numtensor's own float32 kernel takes the batches that OpenBLAS would run one product
    per thread in packed blocks of columns (_packed_width: products just too big for its
    small-matrix kernels, B not transposed), in the shapes it takes (sgemm_kernels.takes):
    packing each product once, a register-blocked kernel near the core's peak, and the
    next product's operands brought into L2 while one computes beat the BLAS's calls per
    block (float32 bmm (32,128,128), alternating runs: 1.26-1.35x PyTorch's time ->
    1.13-1.19x).  It also takes mid-size lone products in any layout of A and B, split
    over the threads a block of columns each (_own_parts; the same compiled kernel):
    the BLAS split them into calls that each packed the whole of the shared operand."""
    f32 = _F32_DTYPE
    return (plan.layout_a == "t", plan.layout_b == "t", args[3].view(f32), args[4],
            args[5].view(f32), args[6], args[7].view(f32), args[8], plan.m, plan.k, plan.n,
            accumulate)


def _own_parts(plan, width, blocks):
    """In how many parts of its columns each product of the plan runs on numtensor's own
    kernel (sgemm_kernels.sgemm_par), or 0 to leave it to the BLAS: a batch shared out a
    product per thread (blocks 1) that the BLAS would run in packed blocks of columns
    (width) or with B transposed (an attention's q @ k.transpose(1, 2): (32,128,64,128)
    385 -> 295 us, PyTorch 248), whole (1); a lone product it splits (_own_split), a
    part a thread.  None on a core without AVX-512 (sgemm_kernels.runs_natively)."""
    if blocks == 1 and (width or plan.layout_b == "t"):
        sk = _kernel_module("sgemm_kernels")  # (batches measured in whole panels only)
        return 1 if sk.runs_natively() and sk.takes(plan.m, plan.k, plan.n) and \
            plan.n % sk.NR == 0 else 0
    threads = _threads()
    return threads if _own_split(plan, threads) else 0


def _own_split(plan, threads):
    """Whether numtensor's own kernel takes the plan's products split over `threads`
    threads: a lone product of OWN_SPLIT_FROM to OWN_SPLIT_UP_TO multiply-adds, in a
    shape it takes, with a panel of columns for each thread, and a last partial panel
    (which computes NR columns) at most a sixteenth more than C has: 784 columns, a
    weight's gradient in an MNIST model, 2% more; 100 columns took 28% more, and longer
    than the BLAS.  Only on a core that runs the kernel natively (sgemm_kernels.
    runs_natively): on others the BLAS is faster."""
    m, k, n = plan.m, plan.k, plan.n
    if plan.batch != 1 or threads < 2 or not OWN_SPLIT_FROM <= m * k * n <= OWN_SPLIT_UP_TO:
        return False
    sk = _kernel_module("sgemm_kernels")
    if not sk.runs_natively():
        return False
    panels = sk.panels(n)
    return sk.takes(m, k, n) and panels >= threads and panels * sk.NR * 16 <= n * 17


def _keep_own_batch(sk, plan, own, accumulate, split):
    """After products on numtensor's own kernel, keep its call for the plan (as
    _keep_serial_product keeps serial ones): later products of the geometry go straight
    to the kernel while the team still shares them out as it did (one product a thread,
    or, split, a part of the lone product a thread), and decline (False: the general
    path chooses) otherwise.  A bmm's Python path runs after its kernel has flushed the
    caches, where each step costs several times more: the choosing and argument building
    came to about 20 us of a (32,128,128) bmm."""
    a_t, b_t, _, a_offs, _, b_offs, _, c_offs, m, k, n, _ = own
    batch = plan.batch
    f32 = _F32_DTYPE

    def run(a, b, out):
        team.update()
        threads = _threads()
        if split:
            if not _own_split(plan, threads):
                return False
            parts = threads
        elif threads < 2 or not (batch % threads == 0 or batch >= 4 * threads):
            return False
        else:
            parts = 1
        if not sk.sgemm_par(a_t, b_t, a.view(f32), a_offs, b.view(f32), b_offs,
                            out.view(f32), c_offs, m, k, n, accumulate, parts, threads):
            _outside_buffer()
        return True
    if len(_kept_products) > 1024:  # geometries seen are few in practice; stay bounded
        _kept_products.clear()
    _kept_products[id(plan), f32, accumulate] = (plan, run)


def _outside_buffer():
    raise RuntimeError("matmul: a matrix of the plan lies outside its buffer")


# (id(plan), dtype, accumulate) -> (plan, run(a, b, out)) for the float products that
# always run on the calling thread (_keep_serial_product) and the batches of numtensor's
# own kernel (_keep_own_batch)
_kept_products = {}


def _keep_serial_product(mk, plan, args, dtype, accumulate):
    """After a float product: when the plan's products always take the same serial
    kernel (too small to share out whatever the thread count, not matrix-vector products
    shared out, the kernel compiled), keep a call of that kernel with the plan's
    constant arguments in place, so a small product skips choosing it again (a 64 x 64
    product's choice and argument building cost about a third of its time)."""
    work = plan.batch * plan.m * plan.n * plan.k
    if not (work < GRAIN or (plan.batch < 2 and work < SPLIT_FROM)) or \
            ((plan.m == 1 or plan.n == 1) and work >= GEMV_SPLIT_FROM):
        return
    width = _packed_width(plan, dtype)
    kernel = mk.gemm_packed if width else mk.gemm
    if not kernel.overloads:  # (a first call may have borrowed the parallel kernel)
        return
    kind, a_t, b_t = args[:3]
    a_offs, b_offs, c_offs = args[4], args[6], args[8]
    tail = args[9:] + ((width,) if width else ())
    byte = _BYTE

    if width:
        def run(a, b, out):
            if not kernel(kind, a_t, a.view(byte), a_offs, b.view(byte), b_offs,
                          out.view(byte), c_offs, *tail):
                _outside_buffer()
    else:
        def run(a, b, out):
            if not kernel(kind, a_t, b_t, a.view(byte), a_offs, b.view(byte), b_offs,
                          out.view(byte), c_offs, *tail):
                _outside_buffer()
    if dtype == _F32_DTYPE and _own_split(plan, 2):
        serial = run

        def run(a, b, out):  # (declines while numtensor's own kernel splits it)
            return False if _own_split(plan, _threads()) else serial(a, b, out)
    if len(_kept_products) > 1024:  # geometries seen are few in practice; stay bounded
        _kept_products.clear()
    _kept_products[id(plan), dtype, accumulate] = (plan, run)


# A product with one row or one column of C of this many multiply-adds or more runs as
# the BLAS's matrix-vector products shared out over the threads: it reads its matrix
# once, at the memory's speed, which two cores double, and gemm took 2-4x as long
# ((512 x 4096) @ x: 578 us for gemm, 304 us for gemv on one thread; PyTorch 145 us on
# two).  Smaller ones stay with gemm, as fast there (within 10% either way for 20K to
# 200K multiply-adds), so that they compile no kernel more.
GEMV_SPLIT_FROM = 1 << 19


def _vector_products(mk, plan, args):
    """Products with one row or one column of C (plan.m or plan.n is 1) as matrix-vector
    products, in one block of C's elements per thread for a lone product (or few), one
    whole product per thread for a batch; False if a matrix lies outside its buffer."""
    team.update()
    threads = _threads()
    blas_threads = _kernel_module("blas_threads")
    if not blas_threads.available():
        return mk.gemm(*args)  # (the BLAS's own pool: its thread count is not ours)
    length = plan.m * plan.n  # C's elements per product
    blocks = threads if plan.batch < threads and length >= 16 * threads else 1
    with blas_threads.single_threaded():
        return mk.gemv_par(*args, blocks)


_blas_on_one_thread = []  # [True] once the first float product has put it there
_BLAS_INT_LIMIT = 2 ** 31  # SciPy's BLAS takes 32-bit integers
_gemm_constants = {}  # (dtype, accumulate) -> the constant arguments of its gemm calls
_BYTE = np.dtype(np.uint8)


def _make_gemm_constants(dtype, accumulate):
    consts = _kernel_module("matmul_kernels").gemm_constants(dtype, accumulate)
    _gemm_constants[dtype, accumulate] = consts
    return consts


def _put_blas_on_one_thread():
    blas_threads = _kernel_module("blas_threads")
    blas_threads.keep_one_thread()
    _blas_on_one_thread.append(True)


# A lone product of fewer multiply-adds than this runs on the calling thread: waking
# Numba's threads (asleep after a long gap: see _start_threads_with_short_spin) costs
# more than the split saves.  Measured here, one thread against two: 2M (128x512 @
# 512x32) 74 vs 110 us, 4M about even, 8M (128x512 @ 512x128) 193 vs 161 us
SPLIT_FROM = 1 << 22
# The lone float32 products numtensor's own kernel takes, split over the threads
# (_own_parts): from about a 64 x 128 @ 128 x 128 product, where two threads beat one,
# to products whose operands no longer fit the caches, which the BLAS's cache blocking
# suits better.  Measured here, 2 threads, whole matmul calls in us, own kernel against
# the BLAS (PyTorch): 128 x 128 @ 128 x 128 32 vs 41 (21); 128 x 784 @ 784 x 256, B
# transposed as in a Linear layer, 232 vs 285 (217); 256^3 156 vs 201 (136); 512^3
# about even (1200, 1000)
OWN_SPLIT_FROM = 1 << 20
OWN_SPLIT_UP_TO = 1 << 26


def _work_blocks(plan):
    """How the float products run: the blocks per product of the work shared out over
    Numba's threads with the BLAS on one thread (matmul_kernels: gemm_par); 0, one
    after another on the calling thread; or -threads, one after another on the BLAS's
    own pool woken for the call (a product too small to split).

    The BLAS's own thread pool is never used: blas_threads.keep_one_thread() puts it on
    one thread at the first product, and every product big enough for that pool is
    shared out here instead.  After each call the pool's threads spin for a while and
    delay the parallel kernels that follow, and Numba's idle threads delay it
    (measured here against the BLAS's pool: the lecture's convnet step 48-53 -> 37-39
    ms alone and 90-97 -> 35-38 ms with PyTorch imported, whose OpenMP runtime Numba
    then shares; the MLP step 22-26 -> 3.1-3.9 ms with PyTorch imported, 3.6-4.4 ->
    4.2-4.7 ms alone).  A batch goes one whole product per thread when every thread
    gets the same number of products, or so many that an odd one out matters little
    (measured from (32,32,32) to (8,512,512)); otherwise a product of SPLIT_FROM
    multiply-adds or more is split into one block per thread, of rows or of columns
    (_by_columns).  A product too small for that (fewer than 8 rows and
    columns a thread) wakes the BLAS's pool for its call, and so still delays the
    kernels that follow."""
    work = plan.batch * plan.m * plan.n * plan.k
    if work < GRAIN or (plan.batch < 2 and work < SPLIT_FROM):
        return 0  # (before asking Numba for its thread count, which takes a lock)
    threads = _threads()
    if threads < 2:
        return 0
    if plan.batch >= threads and (plan.batch % threads == 0 or plan.batch >= 4 * threads):
        blocks = 1
    elif work < SPLIT_FROM:
        return 0
    elif max(plan.m, plan.n) >= 8 * threads:
        blocks = threads
    else:
        blocks = -threads
    blas_threads = _kernel_module("blas_threads")
    return blocks if blas_threads.available() else 0


# _packed_width's choices: the widths of a block of columns, widest first (multiples of
# a 64-byte vector), for the dtypes whose products OpenBLAS has small kernels for
_PACK_WIDTHS = {np.dtype(np.float32): (64, 32, 16), np.dtype(np.float64): (32, 16)}


def _packed_width(plan, dtype):
    """The width of the blocks of columns in which each product of the plan runs through
    the BLAS's small-matrix kernels (matmul_kernels._gemm_packed), or 0 to run each
    product whole.

    On AVX-512 cores OpenBLAS multiplies matrices of up to 100^3 multiply-adds without
    packing them first, which is faster at those sizes (measured here: a float32
    32 x 128 @ 128 x 128 block 6.0 us, 24 us for its 128 x 128 product against 32 us for
    one call on that product).  It then reads our B (its op(A), column-major) in place,
    and is fast only when a block's columns of B lie side by side (7.6 us for the same
    block read in place, a row of 128 apart).  So a product just too big for
    those kernels goes as blocks of columns small enough for them, each block's
    columns of B copied side by side first.  Measured here on whole batches (2
    threads, us, before -> after; PyTorch): float32 bmm (32,128,128) 612 -> 494 (417),
    (32,160,160) 1052 -> 895 (788), (16,64,64)@(64,512) 370 -> 210 (213); float64
    (32,128,128) 1182 -> 888 (856).  Only for a B that is not transposed (the kernels'
    transposed-A case, as OpenBLAS sees our B, permits only tiny products)."""
    depth = plan.m * plan.k  # multiply-adds per column of C
    blas_threads = _kernel_module("blas_threads")
    if depth * plan.n <= blas_threads.SMALL_PRODUCT:
        return 0  # small enough whole
    widths = _PACK_WIDTHS.get(dtype)
    if widths is None or plan.layout_b == "t" or not blas_threads.has_small_kernels():
        return 0
    for width in widths:
        if width * depth <= blas_threads.SMALL_PRODUCT:
            return width
    return 0


def _by_columns(plan):
    """Whether gemm_par splits a product into blocks of columns rather than of rows: when
    C is wider than it is tall, unless A arrives transposed.  Each call packs the whole
    of the operand that is not split, so splitting the longer side packs less (64x800 @
    800x1600 took 3.8 ms by rows and 1.9 ms by columns here); but with a transposed A
    (a weight's gradient g.t() @ x) rows measured faster even so (256x128 @ 128x784:
    0.31 ms by rows, 0.36 ms by columns)."""
    return plan.n > plan.m and plan.layout_a != "t"


# the cols reduction schedule (reduction_kernels._cols).  Measured here: a work item
# that reads whole rows streams fastest (blocks of a 3000-wide float32 row, or of a
# 512x512 plane, were 2-4x slower: each partial row restarts the prefetcher), and a
# partial row of up to a few MB still streams well from L2.  So narrow rows are
# spread over the threads by chunks of reduced rows, wide rows by column blocks.
_WIDE = 16384          # elements in a row above which threads split the columns
_ROWS_PER_CHUNK = 256  # a chunk of reduced rows is at least this long
_MAX_CHUNKS = 8
_FEW_OUTER = 16        # with this many outer work items or more, rows are not chunked
_COL_LINE = 16         # column blocks are whole multiples of this many elements


def _entry_call(kernel):
    """call(args, plain): kernel(*args), through its compiled entry once a call on plain
    buffers (TypedStorage.plain: of the types that call compiled) has found it; Numba's
    dispatcher types every argument again on each call.  The routes kept per plan or
    dtype call their kernels so."""
    entry = None

    def call(args, plain):
        nonlocal entry
        if plain and entry is not None:
            entry(*args)
            return
        kernel(*args)
        if plain:
            compiled = kernel.overloads.get(tuple(kernel.typeof_pyval(a) for a in args))
            entry = compiled.entry_point if compiled is not None else None
    return call


def _column_blocking(plan, threads):
    """(block, nchunk) for the cols schedule.  nchunk changes each output's order of
    additions, so it comes from the shape alone (results never depend on the number
    of threads); the column block does not, so it follows the threads."""
    inner = plan.kshape[-1]
    nouter = plan.nout // inner
    nchunk = 1
    if inner < _WIDE and nouter < _FEW_OUTER:
        most = min(_MAX_CHUNKS, plan.nred // _ROWS_PER_CHUNK)
        while nchunk * 2 <= most:  # a power of two divides evenly among the threads
            nchunk *= 2
    block = inner
    if nouter * nchunk < threads:
        split = -(-threads // (nouter * nchunk))
        block = -(-inner // split)
        block = min(inner, -(-block // _COL_LINE) * _COL_LINE)
    return block, nchunk


def _image_plan(conv_plan):
    """An element-wise plan over a ConvPlan's image operand (for filling it)."""
    from .. import plan
    p = conv_plan
    return plan.elementwise((p.n, p.c, p.h, p.w), (tuple(int(v) for v in p.x_strides),))


def _span(operand):
    """A contiguous operand's elements from its offset on (a view, no copy)."""
    buf, off = operand
    return buf[off:] if off else buf


_dummies = {}


def _dummy(np_dtype):
    """A shared placeholder values array: kernels that take either a values array or a
    scalar argument are typed with both (the scalar is what they read)."""
    d = _dummies.get(np_dtype)
    if d is None:
        d = _dummies[np_dtype] = np.zeros(1, np_dtype)
    return d


def _accumulable(buf):
    """buf as an accumulating kernel sees it: float16 as its bits (added in float32 by
    the kernel), bool as bool (saturating), the rest as is."""
    return buf.view(np.uint16) if buf.dtype == _F16 else buf


def _storage_scalar(value, np_dtype):
    """A Python number as the element bits a moving/accumulating kernel stores in a
    buffer of np_dtype (float16 as its uint16 pattern, bool as 0/1)."""
    if np_dtype == np.uint16:  # a float16 buffer seen as its bit patterns
        with np.errstate(over="ignore"):  # beyond float16's range: inf, as PyTorch stores it
            return np.array(value, dtype=np.float16).view(np.uint16)[()]
    return _scalar(value, np_dtype.type)


def _value_args(dst_buf, value, dst_dtype):
    """(values, offset, scalar, use_scalar) for writing value into dst_buf, which is
    dst's buffer in kernel form (movable or accumulable).  value: an operand of dst's
    dtype (viewed the same way) or a Python scalar."""
    if type(value) is tuple:
        vbuf = value[0]
        if vbuf.dtype != dst_buf.dtype:
            vbuf = vbuf.view(dst_buf.dtype)
        return vbuf, value[1], dst_buf.dtype.type(0), False
    if dst_dtype == _BOOL:
        value = bool(value)
    return _dummy(dst_buf.dtype), 0, _storage_scalar(value, dst_buf.dtype), True

def _guard_numba_errors(cls, names):
    """Wrap the methods `names` so that a Numba error becomes PyTorch's NotImplementedError
    (the element-wise primitives and reduce handle it inline, on their hot path)."""
    import functools

    def guarded(fn, name):
        @functools.wraps(fn)
        def method(self, *args, **kwargs):
            try:
                return fn(self, *args, **kwargs)
            except Exception as e:
                dtype = next((a[0].dtype for a in args if type(a) is tuple and len(a) == 2
                              and hasattr(a[0], "dtype")), np.dtype(np.float64))
                _reraise_typing_error(e, name, dtype)
        return method
    for name in names:
        fn = cls.__dict__[name]
        setattr(cls, name, staticmethod(guarded(fn.__func__, name)) if isinstance(fn, staticmethod)
                else guarded(fn, name))


_guard_numba_errors(CpuBackend, (
    "arg_reduce", "scan", "index_offsets", "gather", "scatter", "gather_dim", "scatter_dim",
    "mask_count", "mask_gather", "mask_scatter", "mask_coordinates", "argsort_rows",
    "searchsorted_rows"))
cpu_backend = CpuBackend()
