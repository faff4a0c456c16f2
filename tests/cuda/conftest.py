"""tests/cuda runs in two processes (tests/run.sh):

* the main test process (no simulator, usually no GPU) runs only test_ptx.py, which
  compiles every kernel to PTX with NVIDIA's compiler and needs no device;
* a second process with NUMBA_ENABLE_CUDASIM=1 (or any process on a machine with a
  GPU) runs the device tests, which execute the kernels and compare with the CPU.

Each process leaves out the files that belong to the other, so neither skips them.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))  # ptx_check, cuda_helpers


def pytest_configure(config):
    # the simulator computes with NumPy scalars, which warn where a GPU silently
    # wraps an integer or returns inf/NaN
    for text in ("overflow encountered", "invalid value encountered", "divide by zero encountered"):
        config.addinivalue_line("filterwarnings", f"ignore:{text}:RuntimeWarning")
    if _simulator():
        # the simulator polls its threads at every __syncthreads(), holding the GIL
        # between switches: a short switch interval makes block-wide kernels 5-8x faster
        sys.setswitchinterval(5e-5)


def _simulator():
    return os.environ.get("NUMBA_ENABLE_CUDASIM") == "1"


def _device():
    try:
        from numba import cuda
        return bool(cuda.is_available())
    except Exception:
        return False


def pytest_ignore_collect(collection_path, config):
    name = collection_path.name
    if not (name.startswith("test_") and name.endswith(".py")):
        return None
    if name == "test_ptx.py":
        return True if _simulator() else None   # the simulator has no compiler
    return None if _device() else True          # the device tests need a device
