"""Creation fills that depend on the element index (arange, linspace).

Each fill is parallel; its serial twin (same loop, `range`) runs only in a forked child,
where GNU OpenMP cannot run a parallel region (see the backend's _serial_after_fork)."""
from numba import njit, prange

OPTS = dict(cache=True, nogil=True)


@njit(parallel=True, **OPTS)
def arange(y, n, start, step):
    for i in prange(n):
        y[i] = start + i * step


@njit(**OPTS)
def arange_serial(y, n, start, step):
    for i in range(n):
        y[i] = start + i * step


@njit(inline="always", **OPTS)
def _split(a):
    # Veltkamp: a = hi + lo with both halves holding 26 bits
    t = 134217729.0 * a
    hi = t - (t - a)
    return hi, a - hi


@njit(inline="always", **OPTS)
def _fma(a, b, c):
    """a * b + c rounded once, as PyTorch's vectorised kernels compute it (error-free
    product and sum, since Numba exposes no fused multiply-add)."""
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    perr = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    s = p + c
    bb = s - p
    serr = (p - (s - bb)) + (c - bb)
    return s + (serr + perr)


@njit(inline="always", **OPTS)
def _linspace_at(y, i, n, start, end, step):
    # PyTorch's symmetric formula: the first half counts up from start, the second
    # half down from end, so both ends are exact
    if i < n // 2:
        y[i] = _fma(step, float(i), start)
    else:
        y[i] = _fma(-step, float(n - 1 - i), end)


@njit(parallel=True, **OPTS)
def linspace(y, n, start, end, step):
    for i in prange(n):
        _linspace_at(y, i, n, start, end, step)


@njit(**OPTS)
def linspace_serial(y, n, start, end, step):
    for i in range(n):
        _linspace_at(y, i, n, start, end, step)


@njit(inline="always", **OPTS)
def _arange_chunk(y, b, e, start, step, width):
    vec_end = b + ((e - b) // (2 * width)) * (2 * width)
    for c in range(b, vec_end, width):
        y[c] = _fma(step, float(c), start)  # the vector's base, rounded to y's dtype
        base = float(y[c])
        for j in range(1, width):
            y[c + j] = _fma(float(j), step, base)
    for i in range(vec_end, e):
        y[i] = _fma(step, float(i), start)


@njit(parallel=True, **OPTS)
def arange_vectorised(y, n, start, step, width, chunk):
    """PyTorch's CPU arange for float32/float64 outputs, value for value.  PyTorch splits
    [0, n) into chunks (one per thread) and fills each with `width`-lane vectors, in
    pairs: a vector at index c holds base + j * step for its lanes j, where base is
    start + step * c rounded to the output's dtype; what the pairs leave at a chunk's
    end gets start + step * i.  All in float64, each multiply-add rounded once."""
    nchunk = (n + chunk - 1) // chunk
    for k in prange(nchunk):
        _arange_chunk(y, k * chunk, min(n, (k + 1) * chunk), start, step, width)


@njit(**OPTS)
def arange_vectorised_serial(y, n, start, step, width, chunk):
    for k in range((n + chunk - 1) // chunk):
        _arange_chunk(y, k * chunk, min(n, (k + 1) * chunk), start, step, width)
