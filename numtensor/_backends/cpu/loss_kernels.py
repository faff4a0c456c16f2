"""The negative log-likelihood loss and its gradient (see Backend.nll_loss).

x is a contiguous (n, c) block of log-probabilities, target n class indices.  A sum
(reduction 'sum' or 'mean') adds the rows in PyTorch's order, so that a printed loss
matches PyTorch's digit for digit: eight levels of partial sums, level 0 taking the
rows one by one and, after row b is added (b counted over all rows, ignored ones too),
level j folding into level j + 1 while b is a multiple of 2**(p * (j + 1)),
p = max(4, ceil(log2(n)) // 8); an ignored row is skipped before its fold.  The levels
are then added from zero, first to last.  Serial: a classifier's batch is a few
hundred rows, less work than waking the threads.
"""
import numpy as np
from numba import njit
from .jit_options import NO_PYTHON_ENTRY

from .cascade_sum_kernels import ceil_log2  # PyTorch's CeilLog2

OPTS = dict(cache=True, nogil=True, error_model="numpy")  # 0 / 0 is NaN, as in PyTorch
HELPER = dict(OPTS, **NO_PYTHON_ENTRY)  # helpers called only from kernels
_LEVELS = 8


@njit(**HELPER)
def _first_bad(t, to, n, c, ignore_index):
    """The first row whose target is outside [0, c) and not ignore_index, or -1."""
    for i in range(n):
        k = t[to + i]
        if k != ignore_index and (k < 0 or k >= c):
            return i
    return -1


@njit(**OPTS)
def nll_none(x, xo, t, to, w, wo, weighted, n, c, ignore_index, out, oo):
    """out[i] = -x[i, t[i]] * w[t[i]] (0 for an ignored row).  Returns _first_bad."""
    bad = _first_bad(t, to, n, c, ignore_index)
    if bad >= 0:
        return bad
    for i in range(n):
        k = t[to + i]
        if k == ignore_index:
            out[oo + i] = 0
        elif weighted:
            out[oo + i] = -x[xo + i * c + k] * w[wo + k]
        else:
            out[oo + i] = -x[xo + i * c + k]
    return -1


@njit(**OPTS)
def nll_sum(x, xo, t, to, w, wo, weighted, n, c, ignore_index, mean, out, oo, total, tot_o):
    """out[oo] = the sum (mean: over the total weight) of the rows' losses, in PyTorch's
    order; total[tot_o] = the total weight.  Returns _first_bad."""
    bad = _first_bad(t, to, n, c, ignore_index)
    if bad >= 0:
        return bad
    power = max(4, ceil_log2(n) // _LEVELS)
    mask = (1 << power) - 1
    losses = np.zeros(_LEVELS, out.dtype)
    weights = np.zeros(_LEVELS, out.dtype)
    ignored = 0
    for b in range(n):
        k = t[to + b]
        if k == ignore_index:
            ignored += 1
            continue
        v = x[xo + b * c + k]
        if weighted:
            wk = w[wo + k]
            weights[0] += wk
            losses[0] -= v * wk
        else:
            losses[0] -= v
        j = 0
        while j + 1 < _LEVELS and (b & (mask << (j * power))) == 0:
            weights[j + 1] += weights[j]
            losses[j + 1] += losses[j]
            weights[j] = 0
            losses[j] = 0
            j += 1
    loss = out.dtype.type(0)
    weight = out.dtype.type(0)
    for j in range(_LEVELS):
        loss += losses[j]
        weight += weights[j]
    if not weighted:
        weight = out.dtype.type(n - ignored)
    if mean:
        loss /= weight
    out[oo] = loss
    total[tot_o] = weight
    return -1


@njit(**OPTS)
def nll_backward(g, go, per_row, t, to, w, wo, weighted, n, c, ignore_index, mean, total,
                 tot_o, out, oo):
    """out (n x c) = 0 but out[i, t[i]] = w[t[i]] * -g, with g = g[go + i] (per_row) or
    g[go] (divided by the total weight for a mean).  A target out of range (the forward
    refused those) writes nothing."""
    out[oo:oo + n * c] = 0
    scale = -(g[go] / total[tot_o]) if mean else -g[go]
    for i in range(n):
        k = t[to + i]
        if k == ignore_index or k < 0 or k >= c:
            continue
        v = -g[go + i] if per_row else scale
        out[oo + i * c + k] = w[wo + k] * v if weighted else v
