"""Helpers for the nn/optim tests: the same model in numtensor and in torch, with the same
weights, and comparisons of their tensors."""
import numpy as np
import pytest

import numtensor as nt

import torch  # noqa: E402  (the oracle: required)


def arr(x):
    """A NumPy copy of a numtensor or torch tensor (None stays None)."""
    if x is None:
        return None
    return np.array(x.detach().numpy(), copy=True)


def pair(array, requires_grad=False, dtype=None):
    """The same values as a numtensor tensor and a torch tensor."""
    a = np.array(array, dtype=dtype or np.float32, copy=True)
    n, t = nt.from_numpy(a.copy()), torch.from_numpy(a.copy())
    if requires_grad:
        n.requires_grad_(True)
        t.requires_grad_(True)
    return n, t


def randn(*shape, seed=0, dtype=np.float32):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def copy_weights(nt_module, torch_module):
    """Give nt_module torch_module's parameter and buffer values (same names)."""
    want = torch_module.state_dict()
    with nt.no_grad():
        for name, value in nt_module.state_dict(keep_vars=True).items():
            value.copy_(nt.from_numpy(want[name].detach().numpy().copy()))


def assert_close(got, want, atol=1e-6, rtol=1e-5, msg=""):
    """Two tensors (of either library) with the same shape and values."""
    if want is None:
        assert got is None, msg
        return
    assert got is not None, msg
    assert tuple(got.shape) == tuple(want.shape), (tuple(got.shape), tuple(want.shape), msg)
    np.testing.assert_allclose(arr(got), arr(want), atol=atol, rtol=rtol, err_msg=msg)


def assert_grads_close(nt_module, torch_module, atol=1e-5, rtol=1e-4):
    got = dict(nt_module.named_parameters())
    for name, p in torch_module.named_parameters():
        assert_close(got[name].grad, p.grad, atol, rtol, msg=f"grad of {name}")


def raises_like(fn_nt, fn_torch):
    """Both raise: the same exception type and message.  Returns the message."""
    with pytest.raises(Exception) as want:
        fn_torch()
    with pytest.raises(want.type) as got:
        fn_nt()
    assert str(got.value) == str(want.value), (str(got.value), str(want.value))
    return str(got.value)


def leaves(lib, arrays, layout="contiguous", dtype=np.float32, requires_grad=True):
    """Tensors of lib holding the arrays, laid out as `layout` says (contiguous,
    transposed: reversed dim order in memory, sliced: every other element)."""
    out = []
    for a in arrays:
        a = np.asarray(a, dtype=dtype)
        if layout == "transposed" and a.ndim >= 2:
            dims = tuple(range(a.ndim - 1, -1, -1))
            t = lib.tensor(np.ascontiguousarray(a.transpose(dims))).permute(*dims).detach()
        elif layout == "sliced" and a.ndim >= 1:
            wide = np.zeros(a.shape[:-1] + (2 * a.shape[-1],), dtype=dtype)
            wide[..., ::2] = a
            t = lib.tensor(wide)[..., ::2].detach()
        else:
            t = lib.tensor(a)
        out.append(t.requires_grad_(requires_grad and a.dtype.kind == "f"))
    return out


def compare(fn, arrays, layout="contiguous", dtype=np.float32, atol=1e-6, rtol=1e-5,
            grad_atol=None, grad_rtol=None, seed=3):
    """fn(lib, *tensors) on both libraries: same output, and the same gradients of every
    floating-point input for one random output gradient."""
    results = []
    for lib in (nt, torch):
        xs = leaves(lib, arrays, layout, dtype)
        out = fn(lib, *xs)
        g = np.random.default_rng(seed).standard_normal(tuple(out.shape)).astype(
            arr(out).dtype)
        if out.requires_grad:
            out.backward(lib.tensor(g))
        results.append((arr(out), [arr(x.grad) if x.requires_grad else None for x in xs]))
    (got, got_grads), (want, want_grads) = results
    np.testing.assert_allclose(got, want, atol=atol, rtol=rtol, err_msg="output")
    for i, (g, w) in enumerate(zip(got_grads, want_grads)):
        if w is None:
            continue
        assert g is not None, f"input {i}: no gradient"
        np.testing.assert_allclose(g, w, atol=grad_atol or atol * 10, rtol=grad_rtol or rtol * 10,
                                   err_msg=f"gradient of input {i}")


def gradcheck(fn, arrays, **kwargs):
    """numtensor's gradcheck on float64 leaves made from the arrays."""
    xs = [nt.tensor(np.asarray(a, dtype=np.float64), requires_grad=True) for a in arrays]
    kwargs.setdefault("eps", 1e-6)
    kwargs.setdefault("atol", 1e-5)
    kwargs.setdefault("rtol", 1e-3)
    assert nt.autograd.gradcheck(fn, xs, **kwargs)
