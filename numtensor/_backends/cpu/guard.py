"""Guard bytes around every CPU buffer, to prove that no kernel writes out of bounds.

With NUMTENSOR_GUARD_BYTES=<n> in the environment (a test mode; CI runs the indexing,
scatter, in-place and float16 tests under it), every buffer the allocator makes sits
between two runs of n bytes holding a known pattern, and every backend primitive is
followed by a check of all live buffers' guards: a kernel that writes one element
past either end fails the op that did it, with a BufferOverrunError naming the
primitive.  Off (the default), nothing here runs.
"""
import os
import weakref

import numpy as np

PATTERN = 0xA5


def guard_bytes():
    try:
        return max(0, int(os.environ.get("NUMTENSOR_GUARD_BYTES", "0") or 0))
    except ValueError:
        return 0


class BufferOverrunError(RuntimeError):
    """A kernel wrote into the guard bytes around a buffer."""


_live = {}  # id(raw block) -> (weak reference to the typed buffer, raw block)


def guarded_empty(n, dt, guard):
    """A typed buffer of n elements inside a raw block with `guard` pattern bytes on
    each side (the leading guard rounded up to the element alignment)."""
    lead = -(-guard // dt.itemsize) * dt.itemsize
    raw = np.empty(lead + n * dt.itemsize + guard, dtype=np.uint8)
    raw[:lead] = PATTERN
    raw[lead + n * dt.itemsize:] = PATTERN
    buf = raw[lead:lead + n * dt.itemsize].view(dt)
    _live[id(raw)] = (weakref.ref(buf), raw, lead, n * dt.itemsize)
    return buf


def check(after):
    """Every live guarded buffer still has intact guards; forget the dead ones."""
    for key, (ref, raw, lead, nbytes) in list(_live.items()):
        if not (np.all(raw[:lead] == PATTERN) and np.all(raw[lead + nbytes:] == PATTERN)):
            del _live[key]
            raise BufferOverrunError(f"{after} wrote outside a buffer of {nbytes} bytes")
        if ref() is None:
            del _live[key]


class GuardedBackend:
    """A backend whose every primitive is followed by a guard check."""

    def __init__(self, backend):
        self._backend = backend

    def __getattr__(self, name):
        attr = getattr(self._backend, name)
        if not callable(attr) or name.startswith("_"):
            return attr

        def checked(*args, **kwargs):
            result = attr(*args, **kwargs)
            check(f"{self._backend.name} backend primitive '{name}'")
            if name == "dense_route":  # a prepared primitive: each of its runs is checked
                return GuardedBackend._checked_route(result, name)
            return result
        return checked

    @staticmethod
    def _checked_route(route, name):
        def checked_route(*args):
            result = route(*args)
            check(f"a route from the backend primitive '{name}'")
            return result
        return checked_route
