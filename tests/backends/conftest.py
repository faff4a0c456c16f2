"""The `backend` fixture: every conformance test runs once per backend present
(backend_helpers.BACKENDS: the CPU backend, plus CUDA when it exists and a device or
NUMBA_ENABLE_CUDASIM=1 is there)."""
import pytest

from backend_helpers import BACKENDS


@pytest.fixture(params=BACKENDS, ids=[b.name for b in BACKENDS])
def backend(request):
    return request.param


def pytest_configure(config):
    import os
    import sys
    if os.environ.get("NUMBA_ENABLE_CUDASIM") == "1":
        # the simulator polls its threads at every __syncthreads(), holding the GIL
        # between switches: a short switch interval makes block-wide kernels several
        # times faster (tests/cuda/conftest.py does the same)
        sys.setswitchinterval(5e-5)
