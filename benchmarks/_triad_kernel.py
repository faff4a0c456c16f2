"""The STREAM triad a = b + s*c, compiled by Numba and run on all of its threads.

A module of its own so that Numba can cache it (cache=True needs a module-level
function) and so that nothing imports Numba before the thread count is set.
"""
# numtensor's CPU backend starts Numba's threads (with its wait policy) when it loads:
# load it before this module's kernels can start them otherwise
import numtensor._backends.cpu  # noqa: F401,E402
from numba import njit, prange  # noqa: E402


@njit(parallel=True, cache=True)
def fill(a, value):
    # each thread first-touches the pages it will later stream through
    for i in prange(a.size):
        a[i] = value


@njit(parallel=True, fastmath=True, cache=True)
def triad(a, b, c, s):
    for i in prange(a.size):
        a[i] = b[i] + s * c[i]
