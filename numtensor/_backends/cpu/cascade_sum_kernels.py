"""Float sums over contiguous runs, added in the order PyTorch's CPU sum adds them, so that
sum(), sum(dim=-1) and mean() give PyTorch's float32/float64 values bit for bit.

PyTorch sums a contiguous run of n elements in the dtype itself, with vectors of
`lanes` elements (32 bytes: 8 float32s, 4 float64s) and four vector accumulators:
  * the run is read as rows of 4 vectors (`cols` = 4 * lanes consecutive elements);
    each of the cols columns is summed down the rows in a cascade of four levels (level
    0 takes 2**p rows, then folds into level 1, which folds into level 2 every 2**p
    folds, and so on; p = max(4, ceil(log2(rows)) // 4)), and the levels are added at
    the end;
  * vectors left after the last full row go into the first accumulator, the four
    accumulators are added lane by lane;
  * elements left after the last full vector are added one by one from zero, then the
    lanes one by one.
A run shorter than one vector, or one at a stride, is the same cascade with scalars
(cols = 4, lanes = 1).  An output that sums several runs (the reduced dims do not
coalesce into one) adds their sums to zero one by one.  A full sum from 32768 elements on
is split into one chunk of the flat range per thread (PyTorch's grain; a chunk may
start or end inside a run); the chunks' sums are then summed as a run of their own.
The order of additions being the point, nothing here may be reassociated (no fastmath).
Helpers are called with np.int64(k), not a bare constant k: Numba types a bare constant
argument as a literal and compiles the helper once more for each (a whole sum compiled
for 15 s instead of 8).

Speed: the level-0 stretches of a contiguous run (most of a sum's time) are added by
_rows_in_registers helpers, one local variable per column, so that the partial sums stay
in registers (an accumulator array is loaded and stored again on every row: Numba's
arrays may alias, so LLVM must assume they do) with unsigned indices (a signed index
makes every load check for a negative index, and the loads become gathers).  LLVM's SLP
vectorizer packs those columns into vector registers; Numba leaves it off by default,
so the kernels here compile with it on (with_slp_vectorizer).  Lane by lane, the
additions and their order are the same: the values do not change.
"""
import numpy as np
from numba import njit, prange, uint64
from numba.extending import overload
from .jit_options import NO_PYTHON_ENTRY, with_slp_vectorizer

OPTS = dict(cache=True, nogil=True)
HELPER = dict(OPTS, **NO_PYTHON_ENTRY)  # helpers called only from kernels

TORCH_GRAIN = 32768
_LEVELS = 4


@njit(inline="always", **OPTS)
def ceil_log2(x):
    if x <= 2:
        return 1
    bits = 0
    v = x - 1
    while v:
        v >>= 1
        bits += 1
    return bits


def _rows_in_registers(cols, strided):
    """A helper that sets level0[:cols] to the column sums of `rows` rows of `cols`
    consecutive elements of x from `start` (strided: elements `stride` apart), each
    column summed down the rows in order, from zero.  One local variable per column
    keeps the sums in registers (see the module docstring); the source is spelled out
    for a given cols because Numba has no fixed-size vector type."""
    sums = [f"s{c}" for c in range(cols)]
    step = "uint64(stride)" if strided else "uint64(1)"
    src = [f"def rows_in_registers(x, start, {'stride, ' if strided else ''}rows, level0):",
           f"    step = {step}",
           f"    row = uint64({cols}) * step",
           "    q = uint64(start)",
           "    level0[0] = 0",
           "    zero = level0[0]"]
    src += [f"    {s} = zero" for s in sums]
    src += ["    for _ in range(rows):"]
    src += [f"        {s} += x[q + uint64({c}) * step]" for c, s in enumerate(sums)]
    src += ["        q += row"]
    src += [f"    level0[{c}] = {s}" for c, s in enumerate(sums)]
    return _compiled(src, "rows_in_registers")


def _compiled(lines, name):
    """The function `name` defined by the source lines (built from integers only), as a
    Python function for the overloads below: Numba compiles it into each kernel that
    calls it, and that kernel's cache keeps it (exec'd code has no file of its own)."""
    namespace = {"uint64": uint64}
    exec("\n".join(lines), namespace)
    return namespace[name]


def _short_run_in_registers(lanes):
    """A helper returning the sum of a run of n contiguous elements of x from `start`
    that has at most 16 rows of 4 vectors (the cascade is then one level-0 stretch),
    all of run_sum's steps with the partial sums in registers: the rows, the vectors
    left after them (into the first accumulator), the four accumulators lane by lane,
    then the elements left and the lanes added to `zero` one by one.  The sums of the
    short rows of sum(dim=-1) and of small losses take this road."""
    cols = 4 * lanes
    sums = [f"s{c}" for c in range(cols)]
    src = ["def short_run(x, start, n, zero):",
           "    q = uint64(start)",
           f"    nvec = uint64(n) // uint64({lanes})",
           "    rows = nvec // uint64(4)"]
    src += [f"    {s} = zero" for s in sums]
    src += ["    for _ in range(rows):"]
    src += [f"        {s} += x[q + uint64({c})]" for c, s in enumerate(sums)]
    src += [f"        q += uint64({cols})",
            "    left = nvec - rows * uint64(4)"]
    for v in range(3):  # at most 3 vectors after the rows
        src += [f"    if left > uint64({v}):"]
        src += [f"        {sums[lane]} += x[q + uint64({lane})]" for lane in range(lanes)]
        src += [f"        q += uint64({lanes})"]
    src += [f"    {sums[lane]} += {sums[k * lanes + lane]}"
            for k in range(1, 4) for lane in range(lanes)]
    src += ["    total = zero",
            f"    for i in range(nvec * uint64({lanes}), uint64(n)):",
            "        total += x[uint64(start) + i]"]
    src += [f"    total += {sums[lane]}" for lane in range(lanes)]
    src += ["    return total"]
    return _compiled(src, "short_run")


# by x's item size: 4 vectors of 8 float32s or of 4 float64s (32-byte vectors)
_VECTOR_ROWS = {4: _rows_in_registers(32, strided=False), 8: _rows_in_registers(16, strided=False)}
_SHORT_RUNS = {4: _short_run_in_registers(8), 8: _short_run_in_registers(4)}
_scalar_rows = njit(nogil=True, **NO_PYTHON_ENTRY)(_rows_in_registers(4, strided=True))


def _vector_rows(x, start, rows, level0):
    """_rows_in_registers for x's dtype (see the overload)."""


def _short_run(x, start, n, zero):
    """_short_run_in_registers for x's dtype (see the overload)."""


# chosen when a kernel is typed, so that a float32 kernel compiles the float32 helper
# only (a choice at run time compiled both: 2 s more for the first sum on a cold cache)
@overload(_vector_rows, jit_options=dict(nogil=True))
def _vector_rows_typed(x, start, rows, level0):
    return _VECTOR_ROWS[x.dtype.bitwidth // 8]


@overload(_short_run, jit_options=dict(nogil=True))
def _short_run_typed(x, start, n, zero):
    return _SHORT_RUNS[x.dtype.bitwidth // 8]


@njit(**HELPER)
def _short_scalar_run(x, start, stride, n, zero):
    """run_sum's road for a run of scalars (shorter than a vector, or at a stride) of at
    most 16 rows of 4, where the cascade is one level-0 stretch: the four column sums,
    the elements left into the first, then the four added, all in registers."""
    step = uint64(stride)
    q = uint64(start)
    rows = uint64(n) // uint64(4)
    s0 = s1 = s2 = s3 = zero
    for _ in range(rows):
        s0 += x[q]
        s1 += x[q + step]
        s2 += x[q + uint64(2) * step]
        s3 += x[q + uint64(3) * step]
        q += uint64(4) * step
    for _ in range(uint64(n) - rows * uint64(4)):
        s0 += x[q]
        q += step
    return zero + (((s0 + s1) + s2) + s3)


@njit(**HELPER)
def _column_sums(x, base, stride, nrows, cols, acc):
    """acc[0, :cols] = the cascaded column sums of the nrows x cols block of elements
    x[base + (r * cols + c) * stride].  Each column is its own chain of additions, so
    the loops may run across a row (which vectorises when stride is 1) as long as each
    column takes its rows in order.  A level is zeroed when it is first folded into,
    and levels that never received a fold are not added at the end (adding an exact
    zero changes no value: no partial sum here is ever -0.0)."""
    level_power = max(4, ceil_log2(nrows) // _LEVELS)
    level_step = 1 << level_power
    level_mask = level_step - 1
    level0 = acc[0, :cols]
    used = 0  # the highest level that holds a fold
    i = 0
    while True:
        stretch = min(level_step, nrows - i)
        if cols == 4:  # scalars: a short run or one at a stride
            _scalar_rows(x, base + i * cols * stride, stride, stretch, level0)
        else:  # 4 vectors, stride 1
            _vector_rows(x, base + i * cols, stretch, level0)
        i += stretch
        if stretch < level_step:
            break
        for j in range(1, _LEVELS):  # fold level j-1 into j while i is a multiple of
            if j > used:             # step**j; level 0 restarts from zero anyway
                acc[j, :cols] = 0
                used = j
            for c in range(cols):
                acc[j, c] += acc[j - 1, c]
            if j > 1:
                acc[j - 1, :cols] = 0
            if i & (level_mask << (j * level_power)):
                break
    for j in range(1, used + 1):
        for c in range(cols):
            level0[c] += acc[j, c]


@njit(**OPTS)
def run_sum(x, base, n, stride, lanes, acc):
    """The sum of the n elements x[base + i * stride] in x's dtype, in PyTorch's order.
    acc: scratch of shape (4, 4 * lanes) in x's dtype."""
    # every result is stored by adding it to a zeroed output, as PyTorch stores it
    scalars = n < lanes or stride != 1  # then rows of 4 scalars, else of 4 vectors
    cols = np.int64(4) if scalars else 4 * lanes
    nvec = n if scalars else n // lanes
    rows = nvec // 4
    if rows <= 16:  # one level-0 stretch: all of it in registers
        acc[3, 0] = 0
        if scalars:
            return _short_scalar_run(x, base, stride, n, acc[3, 0])
        return _short_run(x, base, n, acc[3, 0])
    _column_sums(x, base, stride, rows, cols, acc)
    if scalars:  # the rest into the first column, then the four summed
        s0 = acc[0, 0]
        for i in range(rows * 4, n):
            s0 += x[base + i * stride]
        acc[3, 0] = 0
        return acc[3, 0] + (((s0 + acc[0, 1]) + acc[0, 2]) + acc[0, 3])
    a0 = acc[0]
    for v in range(rows * 4, nvec):  # leftover vectors into the first accumulator
        b = base + v * lanes
        for lane in range(lanes):
            a0[lane] += x[b + lane]
    for k in range(1, 4):
        for lane in range(lanes):
            a0[lane] += a0[k * lanes + lane]
    acc[3, 0] = 0
    total = acc[3, 0]
    for i in range(nvec * lanes, n):
        total += x[base + i]
    for lane in range(lanes):
        total += a0[lane]
    return total


@njit(**HELPER)
def _start(o, shape, strides, origin):
    """The offset of flat index o of a row-major (shape, strides) index space."""
    at = origin
    rem = o
    for d in range(shape.size - 1, -1, -1):
        i_d = rem % shape[d]
        rem //= shape[d]
        at += i_d * strides[d]
    return at


@njit(**HELPER)
def _output_sum(x, bx, outer_shape, outer_x, nruns, n, stride, lanes, acc):
    """The sum of one output: its runs (an outer reduced index space of nruns, each a run
    of n at `stride`) added to zero in order."""
    first = _start(np.int64(0), outer_shape, outer_x, bx)
    total = run_sum(x, first, n, stride, lanes, acc)
    for r in range(1, nruns):
        total += run_sum(x, _start(r, outer_shape, outer_x, bx), n, stride, lanes, acc)
    return total


@with_slp_vectorizer
@njit(**OPTS)
def one_run(x, ox, n, stride, y, oy, lanes):
    """y[oy] = the sum of one run (a whole sum below the threads' split): the small
    sums of losses, with few arguments to type at the call."""
    acc = np.empty((_LEVELS, 4 * lanes), x.dtype)
    y[oy] = run_sum(x, ox, n, stride, lanes, acc)


@njit(**HELPER)
def _outputs(lo, hi, kshape, kx, ky, outer_shape, outer_x, x, ox, n, stride, y, oy, lanes,
             nruns, acc):
    """Outputs lo..hi-1 (in the order of the kept index space) = the sums of their runs.
    One kept dim with one run per output (sum(dim=-1) of a matrix) steps its offsets
    instead of recomputing them: that costs more than a short run's sum."""
    if kshape.size == 1 and nruns == 1:
        # short contiguous rows straight to the register helper: a call of run_sum per
        # row cost more than the row's sum (measured: 36 against 15 ns a row of 100)
        acc[3, 0] = 0
        zero = acc[3, 0]
        if stride == 1 and lanes <= n and n // lanes // 4 <= 16:
            for o in range(lo, hi):
                y[oy + o * ky[0]] = _short_run(x, ox + o * kx[0], n, zero)
        elif (stride != 1 or n < lanes) and n // 4 <= 16:
            for o in range(lo, hi):
                y[oy + o * ky[0]] = _short_scalar_run(x, ox + o * kx[0], stride, n, zero)
        else:
            for o in range(lo, hi):
                y[oy + o * ky[0]] = run_sum(x, ox + o * kx[0], n, stride, lanes, acc)
        return
    for o in range(lo, hi):
        y[_start(o, kshape, ky, oy)] = _output_sum(x, _start(o, kshape, kx, ox), outer_shape,
                                                  outer_x, nruns, n, stride, lanes, acc)


@njit(**HELPER)
def _scratch_per_thread(k, lanes, x):
    """k scratches of shape (4, 4 * lanes) in x's dtype, scratch[i, :4], in one
    allocation (one per chunk cost as much as the sums of a chunk of short rows), each
    a spare row of 4 * lanes elements (128 bytes) from the next, so that no cache line
    holds partial sums of two threads."""
    return np.empty((k, _LEVELS + 1, 4 * lanes), x.dtype)


@with_slp_vectorizer
@njit(**OPTS)
def rows(kshape, kx, ky, outer_shape, outer_x, x, ox, n, stride, y, oy, lanes, nout, nruns):
    """y at each kept position = the sum of its runs of x."""
    acc = np.empty((_LEVELS, 4 * lanes), x.dtype)
    _outputs(np.int64(0), nout, kshape, kx, ky, outer_shape, outer_x, x, ox, n, stride, y, oy,
             lanes, nruns, acc)


@with_slp_vectorizer
@njit(parallel=True, **OPTS)
def rows_par(kshape, kx, ky, outer_shape, outer_x, x, ox, n, stride, y, oy, lanes, nout, nruns):
    nchunk = min(nout, 256)
    scratch = _scratch_per_thread(nchunk, lanes, x)
    for c in prange(nchunk):
        _outputs(c * nout // nchunk, (c + 1) * nout // nchunk, kshape, kx, ky, outer_shape,
                 outer_x, x, ox, n, stride, y, oy, lanes, nruns, scratch[c, :_LEVELS])


@with_slp_vectorizer
@njit(parallel=True, **OPTS)
def all_chunked(outer_shape, outer_x, x, ox, n, stride, y, oy, lanes, nruns, nthreads):
    """One sum of nruns * n >= 32768 elements as PyTorch splits it among nthreads: the
    flat range in k = min(nthreads, ceil(total / 32768)) chunks of ceil(total / k), one
    per thread, each the sum of its (partial) runs; then the chunks' sums, with zeros
    for idle threads, summed as a run."""
    total = nruns * n
    k = min(nthreads, (total + TORCH_GRAIN - 1) // TORCH_GRAIN)
    chunk = (total + k - 1) // k
    partial = np.zeros(nthreads, x.dtype)
    scratch = _scratch_per_thread(k, lanes, x)
    for t in prange(k):
        acc = scratch[t, :_LEVELS]
        b = t * chunk
        e = min(total, b + chunk)
        part = partial[t]
        while b < e:
            r = b // n
            stop = min(e, (r + 1) * n)
            base = _start(r, outer_shape, outer_x, ox) + (b - r * n) * stride
            part += run_sum(x, base, stop - b, stride, lanes, acc)
            b = stop
        partial[t] = part
    acc = np.empty((_LEVELS, 4 * lanes), x.dtype)
    y[oy] = run_sum(partial, np.int64(0), nthreads, np.int64(1), lanes, acc)
