"""Backend conformance: which backends the suite runs on.

backend_helpers.BACKENDS always lists the CPU backend and adds the CUDA backend by itself
once numtensor._backends.cuda.cuda_backend() returns one and numba.cuda sees a device
(CI runs the suite with NUMBA_ENABLE_CUDASIM=1 for the simulator).  These tests stand in
a fake CUDA backend to show that the discovery picks it up, leaves an unimplemented one
out, and does not hide one that fails to start.
"""
import pytest

import backend_helpers
from backend_helpers import BACKENDS, discover_backends
from numtensor._backends import cuda as nt_cuda
from numtensor._backends.base import Backend
from numtensor._backends.cpu import cpu_backend


def test_the_cpu_backend_is_always_listed_first():
    assert BACKENDS[0] is cpu_backend
    assert all(isinstance(b, Backend) for b in BACKENDS)
    assert len({b.name for b in BACKENDS}) == len(BACKENDS)


def _device(monkeypatch, available):
    from numba import cuda
    monkeypatch.setattr(cuda, "is_available", lambda: available)


def test_a_working_cuda_backend_is_picked_up(monkeypatch):
    fake = object()
    _device(monkeypatch, True)
    monkeypatch.setattr(nt_cuda, "cuda_backend", lambda: fake)
    assert discover_backends() == [cpu_backend, fake]


def test_an_unimplemented_cuda_backend_is_left_out(monkeypatch):
    _device(monkeypatch, True)

    def unimplemented():
        raise NotImplementedError("not yet")
    monkeypatch.setattr(nt_cuda, "cuda_backend", unimplemented)
    assert discover_backends() == [cpu_backend]


def test_without_a_device_cuda_is_not_asked(monkeypatch):
    _device(monkeypatch, False)

    def must_not_run():
        raise AssertionError("cuda_backend() called without a device")
    monkeypatch.setattr(nt_cuda, "cuda_backend", must_not_run)
    assert discover_backends() == [cpu_backend]


def test_a_cuda_backend_that_fails_to_start_is_an_error(monkeypatch):
    _device(monkeypatch, True)

    def broken():
        raise RuntimeError("driver mismatch")
    monkeypatch.setattr(nt_cuda, "cuda_backend", broken)
    with pytest.raises(RuntimeError, match="driver mismatch"):
        backend_helpers.discover_backends()
