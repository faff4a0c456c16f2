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


def test_legacy_tensor_constructor():
    import numpy as np
    import pytest
    assert torch.Tensor(2, 3).shape == (2, 3) and torch.Tensor(2, 3).dtype is torch.float32
    assert torch.Tensor([1, 2]).tolist() == [1.0, 2.0]
    assert torch.Tensor([1, 2]).dtype is torch.float32
    assert torch.Tensor().shape == (0,)
    assert torch.Tensor(torch.Size([4])).shape == (4,)
    assert torch.Tensor(np.array([1, 2])).dtype is torch.float32
    x = torch.arange(3)
    alias = torch.Tensor(x)
    assert alias.data_ptr() == x.data_ptr() and alias.dtype is torch.int64
    with pytest.raises(TypeError):
        torch.Tensor("a")
    with pytest.raises(TypeError):
        torch.Tensor(2.5)

    class Sub(torch.Tensor):
        pass
    assert type(Sub(torch.ones(2))) is Sub
