"""torch.backends is PyTorch's public namespace, not numtensor's kernel package."""
import sys

import numtensor as torch


def test_mps_and_cudnn_answer_truthfully():
    assert torch.backends.mps.is_available() is False
    assert torch.backends.mps.is_built() is False
    assert torch.backends.cudnn.is_available() is False


def test_cudnn_flags_are_settable():
    old = torch.backends.cudnn.benchmark, torch.backends.cudnn.deterministic
    try:
        torch.backends.cudnn.benchmark = True
        torch.backends.cudnn.deterministic = True
        assert torch.backends.cudnn.benchmark is True
        assert torch.backends.cudnn.deterministic is True
    finally:
        torch.backends.cudnn.benchmark, torch.backends.cudnn.deterministic = old


def test_cpu_capability_is_a_known_name():
    assert torch.backends.cpu.get_cpu_capability() in ("AVX512", "AVX2", "DEFAULT")


def test_kernel_package_is_private():
    assert not hasattr(torch.backends, "backend_for")
    assert not hasattr(torch.backends, "plan")
    assert "numtensor._backends" in sys.modules or hasattr(torch, "_backends")
