"""Creation fills that depend on the element index (arange, linspace)."""
from numba import njit, prange

OPTS = dict(cache=True, nogil=True)


@njit(parallel=True, **OPTS)
def arange(y, n, start, step):
    for i in prange(n):
        y[i] = start + i * step


@njit(parallel=True, **OPTS)
def linspace(y, n, start, end, step):
    # PyTorch's symmetric formula: the first half counts up from start, the second
    # half down from end, so both ends are exact
    half = n // 2
    for i in prange(n):
        if i < half:
            y[i] = start + step * i
        else:
            y[i] = end - step * (n - 1 - i)
