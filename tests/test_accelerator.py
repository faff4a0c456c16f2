"""numtensor.accelerator without a device answers as PyTorch's CPU build does: the
device choice of PyTorch's tutorials falls back to "cpu", and the calls that need a
device raise its RuntimeError.  (With a device: tests/cuda/test_devices.py.)"""
import pytest

import numtensor as nt
import torch

pytestmark = pytest.mark.skipif(nt.cuda.is_available() or torch.accelerator.is_available(),
                                reason="a device is there: tests/cuda covers this")


def test_the_tutorials_device_choice_falls_back_to_cpu():
    for lib in (nt, torch):
        device = (lib.accelerator.current_accelerator().type if lib.accelerator.is_available()
                  else "cpu")
        assert device == "cpu"
    x = nt.ones(2).to(nt.accelerator.current_accelerator() or "cpu")
    assert x.device.type == "cpu"


def test_answers_as_pytorchs_cpu_build():
    for name, args in [("is_available", ()), ("current_accelerator", ()),
                       ("current_accelerator", (True,)), ("device_count", ())]:
        assert getattr(nt.accelerator, name)(*args) == getattr(torch.accelerator, name)(*args)
    with nt.accelerator.device_index(None), torch.accelerator.device_index(None):
        pass


@pytest.mark.parametrize("call", [
    lambda a: a.current_device_index(), lambda a: a.set_device_index(0), lambda a: a.synchronize(),
    lambda a: a.memory_allocated(), lambda a: a.max_memory_allocated(),
    lambda a: a.memory_reserved(), lambda a: a.empty_cache(),
    lambda a: a.device_index(0).__enter__()])
def test_calls_that_need_a_device_raise_pytorchs_error(call):
    with pytest.raises(RuntimeError) as theirs:
        call(torch.accelerator)
    with pytest.raises(RuntimeError) as ours:
        call(nt.accelerator)
    assert str(ours.value) == str(theirs.value)


def test_deprecated_aliases_warn_as_pytorchs():
    for lib in (torch, nt):
        for call in (lambda: lib.accelerator.current_device_idx(),
                     lambda: lib.accelerator.set_device_idx(0)):
            with pytest.warns(FutureWarning, match="instead"), pytest.raises(RuntimeError):
                call()


def test_arguments_are_strict():
    with pytest.raises(TypeError):
        nt.accelerator.current_accelerator(check_available=1)
    with pytest.raises(TypeError):
        nt.accelerator.current_accelerator(check=True)
    with pytest.raises(TypeError):  # positional-only, as in PyTorch
        nt.accelerator.synchronize(device=None)
    with pytest.raises(TypeError):
        torch.accelerator.synchronize(device=None)


@pytest.mark.parametrize("name", nt.accelerator.__all__)
def test_parameters_are_pytorchs(name):
    import inspect

    def params(fn):
        return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()]
    assert params(getattr(nt.accelerator, name)) == params(getattr(torch.accelerator, name))
