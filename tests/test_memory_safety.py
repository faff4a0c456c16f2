"""Memory safety and silent corruption: each case found by running PyTorch code or by
differential testing, pinned by a test.  tests/run.sh also runs the indexing, scatter,
in-place and float16 tests with guard bytes around every buffer
(NUMTENSOR_GUARD_BYTES), which turns an out-of-bounds write into a failure."""
import os
import subprocess
import sys

import numpy as np
import pytest

import numtensor as nt

import torch  # noqa: E402  (the oracle: required)


def _both(fn):
    return fn(nt), fn(torch)


def _same(a, b):
    np.testing.assert_array_equal(np.asarray(a.tolist(), dtype=object), np.asarray(b.tolist(), dtype=object))


def test_float16_inplace_on_a_strided_view():
    # wrote past a float32 scratch buffer allocated with the view's strides
    def run(lib):
        x = lib.zeros(64, 64, dtype=lib.float16)
        x[:, ::8].add_(1)
        return x
    _same(*_both(run))


def test_float16_inplace_division_of_a_sliced_view():
    def run(lib):
        b = lib.arange(20.0).reshape(4, 5).to(lib.float16)
        b[1::2, 1:].div_(5)
        return b
    _same(*_both(run))


def test_scatter_with_an_empty_index_touches_nothing():
    def run(lib):
        return lib.zeros(2).scatter_(0, lib.tensor([], dtype=lib.long), lib.zeros(0))
    _same(*_both(run))


@pytest.mark.parametrize("write", ["index_put", "masked_fill", "scatter_value", "index_fill"])
def test_float16_values_are_written_as_values_not_bits(write):
    def run(lib):
        x = lib.zeros(3, dtype=lib.float16)
        if write == "index_put":
            x[lib.tensor([0])] = 7
        elif write == "masked_fill":
            x.masked_fill_(lib.tensor([True, False, True]), 2.5)
        elif write == "scatter_value":
            x = x.scatter(0, lib.tensor([1]), 3.5)
        else:
            x[lib.tensor([True, False, False])] = -1.25
        return x
    _same(*_both(run))


@pytest.mark.parametrize("dtype", ["float16", "bool", "int64", "float32"])
def test_accumulating_index_put_for_every_dtype(dtype):
    def run(lib):
        dt = getattr(lib, dtype)
        x = lib.zeros(4, dtype=dt)
        v = lib.tensor([1, 1, 1], dtype=dt)
        return x.index_put_((lib.tensor([0, 0, 2]),), v, accumulate=True)
    _same(*_both(run))


def test_a_bad_scatter_index_leaves_the_tensor_unchanged():
    x = nt.zeros(4)
    with pytest.raises(RuntimeError, match="out of bounds"):
        x.scatter_(0, nt.tensor([1, 9]), nt.ones(2))
    assert x.tolist() == [0.0] * 4


def test_guard_bytes_catch_an_out_of_bounds_write():
    """The test mode itself: a primitive asked to fill one element too many fails."""
    code = ("import numtensor as nt\n"
            "from numtensor._backends import backend_for, plan\n"
            "t = nt.zeros(4)\n"
            "be = backend_for(t.device)\n"
            "try:\n"
            "    be.fill(plan.contiguous_elementwise(5, 0), (t._storage._buf, 0), 1.0)\n"
            "except RuntimeError as e:\n"
            "    print(type(e).__name__)\n")
    env = dict(os.environ, NUMTENSOR_GUARD_BYTES="64")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert out.stdout.strip() == "BufferOverrunError", out.stderr


@pytest.mark.parametrize("kind", ["readonly", "unaligned"])
def test_small_ops_on_shared_numpy_memory_take_the_checked_call(kind):
    # the small-op fast path calls compiled kernels without Numba's argument typing only
    # for buffers numtensor allocated; memory shared with NumPy may be read-only or
    # unaligned, a different compiled signature, so it must go through the dispatcher
    a = np.arange(1, 11, dtype=np.float32)
    if kind == "readonly":
        a.setflags(write=False)
    else:
        raw = np.zeros(4 * 10 + 1, dtype=np.uint8)
        a = np.frombuffer(raw.data, dtype=np.float32, count=10, offset=1)
        a[...] = np.arange(1, 11, dtype=np.float32)
        assert not a.flags.aligned
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch's "not writable" warning
        x = nt.from_numpy(a)
    assert not x._storage.plain
    y = nt.arange(1, 11, dtype=nt.float32)
    for _ in range(3):  # later calls too, after the plain path has learnt its entry
        np.testing.assert_array_equal((y + y).numpy(), 2 * np.arange(1, 11))
        np.testing.assert_array_equal((x + y).numpy(), 2 * np.arange(1, 11))
        np.testing.assert_array_equal((y * x).numpy(), np.arange(1, 11) ** 2)
        np.testing.assert_array_equal((x * 2.0).numpy(), 2 * np.arange(1, 11))
        np.testing.assert_array_equal(x.exp().numpy(), y.exp().numpy())
