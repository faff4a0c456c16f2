"""Launches: every launch runs with the grid and block it asks for, and the threads of
a block share its shared arrays; both on a GPU and in Numba's simulator, whose own
behaviour launch.py works around:

* the simulator configures a kernel by setting the grid and block on the kernel object
  itself (kernel[blocks, threads] returns the kernel), so a launcher kept from an
  earlier launch would run with whatever geometry the kernel was configured with last;
* the simulator makes a block's shared array without a lock (see the test below)."""
import time

import numpy as np
from numba import cuda

from numtensor._backends.cuda import launch


@cuda.jit
def _geometry(out):
    if cuda.grid(1) == 0:
        out[0] = cuda.gridDim.x
        out[1] = cuda.blockDim.x


def _launched_with(blocks, threads):
    out = cuda.to_device(np.zeros(2, np.int64))
    launch.run(_geometry, blocks, threads, out)
    return tuple(out.copy_to_host())


def test_each_launch_runs_with_its_own_geometry():
    assert _launched_with(2, 4) == (2, 4)
    assert _launched_with(1, 8) == (1, 8)
    assert _launched_with(2, 4) == (2, 4)   # the geometry of the launch, not of the last one
    assert _launched_with(3, 2) == (3, 2)
    assert _launched_with(1, 8) == (1, 8)


@cuda.jit
def _neighbours(out):
    sh = cuda.shared.array(8, np.int64)
    t = cuda.threadIdx.x
    sh[t] = 100 * cuda.blockIdx.x + t
    cuda.syncthreads()
    out[cuda.blockIdx.x * cuda.blockDim.x + t] = sh[(t + 1) % cuda.blockDim.x]


def test_the_threads_of_a_block_share_one_shared_array(monkeypatch):
    """Every thread of a block reads what its neighbour wrote to the block's shared array.

    The simulator makes a block's shared array when its threads first reach
    cuda.shared.array; threads that get there together must not each make their own
    (each would then read uninitialised memory where its neighbours' values belong:
    the wrong reduction sums and mask positions this caused).  A slow allocation here
    makes the threads overlap there every time."""
    if launch.SIMULATOR:
        real_empty = np.empty

        def slow_empty(*args, **kwargs):
            time.sleep(0.002)  # lets the block's other threads run meanwhile
            return real_empty(*args, **kwargs)

        monkeypatch.setattr(np, "empty", slow_empty)
    out = cuda.to_device(np.zeros(16, np.int64))
    launch.run(_neighbours, 2, 8, out)
    got = out.copy_to_host()
    monkeypatch.undo()
    want = np.array([100 * b + (t + 1) % 8 for b in range(2) for t in range(8)])
    np.testing.assert_array_equal(got, want)
