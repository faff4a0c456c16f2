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
"""
import numpy as np
from numba import njit, prange
from .jit_options import NO_PYTHON_ENTRY

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
        level0[:] = 0
        if stride == 1:  # one slice per stretch: a slice per row cost more than its adds
            block = x[base + i * cols:base + (i + stretch) * cols]
            for r in range(stretch):
                q = r * cols
                for c in range(cols):
                    level0[c] += block[q + c]
        else:
            for r in range(i, i + stretch):
                q = base + r * cols * stride
                for c in range(cols):
                    level0[c] += x[q + c * stride]
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
        for o in range(lo, hi):
            y[oy + o * ky[0]] = run_sum(x, ox + o * kx[0], n, stride, lanes, acc)
        return
    for o in range(lo, hi):
        y[_start(o, kshape, ky, oy)] = _output_sum(x, _start(o, kshape, kx, ox), outer_shape,
                                                  outer_x, nruns, n, stride, lanes, acc)


@njit(**OPTS)
def rows(kshape, kx, ky, outer_shape, outer_x, x, ox, n, stride, y, oy, lanes, nout, nruns):
    """y at each kept position = the sum of its runs of x."""
    acc = np.empty((_LEVELS, 4 * lanes), x.dtype)
    _outputs(np.int64(0), nout, kshape, kx, ky, outer_shape, outer_x, x, ox, n, stride, y, oy,
             lanes, nruns, acc)


@njit(parallel=True, **OPTS)
def rows_par(kshape, kx, ky, outer_shape, outer_x, x, ox, n, stride, y, oy, lanes, nout, nruns):
    nchunk = min(nout, 256)
    for c in prange(nchunk):
        acc = np.empty((_LEVELS, 4 * lanes), x.dtype)
        _outputs(c * nout // nchunk, (c + 1) * nout // nchunk, kshape, kx, ky, outer_shape,
                 outer_x, x, ox, n, stride, y, oy, lanes, nruns, acc)


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
    for t in prange(k):
        acc = np.empty((_LEVELS, 4 * lanes), x.dtype)
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
