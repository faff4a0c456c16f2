"""The `backend` fixture: every conformance test runs once per backend present
(backend_helpers.BACKENDS: the CPU backend, plus CUDA when it exists and a device or
NUMBA_ENABLE_CUDASIM=1 is there)."""
import pytest

from backend_helpers import BACKENDS


@pytest.fixture(params=BACKENDS, ids=[b.name for b in BACKENDS])
def backend(request):
    return request.param
