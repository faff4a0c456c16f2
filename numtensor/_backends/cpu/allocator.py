"""Reuse of large freed buffers.

A fresh 40 MB result costs more in page faults than the add that fills it, and on a
busy machine the kernel's huge-page faults stall for tens of milliseconds.  So big
buffers (>= 1 MiB) come from a small pool: when the last reference to a buffer
goes, its raw memory returns to the pool, unless a NumPy view of it is still alive
(such a view keeps the raw block referenced, which we can see in its refcount).
The pool holds at most POOL_LIMIT bytes; beyond that, memory goes back to the OS.
"""
import sys
import threading
import weakref

import numpy as np

from .guard import guard_bytes

MIN_BYTES = 1 << 20
POOL_LIMIT = 256 << 20

_GUARD = guard_bytes()  # > 0 only in the guard-bytes test mode (see guard.py)
_lock = threading.Lock()
_free = {}      # nbytes -> [raw uint8 blocks]
_held = [0]


def _release(raw):
    """Finalizer of a typed buffer: keep its raw block if nothing else can see it."""
    # references here: the finalizer's argument tuple, this frame, getrefcount's argument
    if sys.getrefcount(raw) > _BASELINE:
        return
    with _lock:
        if _held[0] + raw.nbytes > POOL_LIMIT:
            return
        _free.setdefault(raw.nbytes, []).append(raw)
        _held[0] += raw.nbytes


np_empty = np.empty


def empty(n, np_dtype):
    dt = np_dtype if isinstance(np_dtype, np.dtype) else np.dtype(np_dtype)
    if _GUARD:  # test mode: guard bytes around every buffer, no pooling
        from .guard import guarded_empty
        return guarded_empty(n, dt, _GUARD)
    nbytes = n * dt.itemsize
    if nbytes < MIN_BYTES:  # the common case first: a small buffer straight from NumPy
        return np_empty(n, dt)
    with _lock:
        blocks = _free.get(nbytes)
        raw = blocks.pop() if blocks else None
        if raw is not None:
            _held[0] -= nbytes
    if raw is None:
        raw = np.empty(nbytes, dtype=np.uint8)
    buf = raw.view(dt)
    weakref.finalize(buf, _release, raw)
    return buf


def zeroed(n, np_dtype):
    """A small buffer of zero bytes straight from the C allocator (calloc), which costs
    less than running a fill kernel over it; None for the pooled sizes and test mode."""
    dt = np_dtype if isinstance(np_dtype, np.dtype) else np.dtype(np_dtype)
    if _GUARD or n * dt.itemsize >= MIN_BYTES:
        return None
    return np.zeros(n, dtype=dt)


def pooled_bytes():
    return _held[0]


def clear():
    with _lock:
        _free.clear()
        _held[0] = 0


def _measure_baseline():
    """The refcount _release sees for a raw block that nothing else references."""
    seen = []

    def probe(raw):
        seen.append(sys.getrefcount(raw))

    raw = np.empty(8, np.uint8)
    buf = raw.view(np.float64)
    weakref.finalize(buf, probe, raw)
    del raw
    del buf
    return seen[0]


_BASELINE = _measure_baseline()
