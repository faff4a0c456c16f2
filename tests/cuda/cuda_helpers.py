"""Helpers of the CUDA device tests: run the same code on CPU and CUDA tensors and
compare (the CPU backend is the reference; it is itself tested against PyTorch)."""
import numpy as np

import numtensor as nt

CUDA = nt.device("cuda", 0)


def rng(seed=0):
    return np.random.default_rng(seed)


def pair(array, dtype=None, requires_grad=False):
    """(cpu tensor, cuda tensor) holding the same values."""
    cpu = nt.tensor(array, dtype=dtype)
    cuda = cpu.to("cuda")
    if requires_grad:
        cpu.requires_grad_()
        cuda.requires_grad_()
    return cpu, cuda


def views(array, dtype=None):
    """(cpu, cuda) pairs of a tensor and of non-contiguous views of it (a transpose,
    a strided slice), for a 2-D array."""
    cpu, cuda = pair(array, dtype)
    yield cpu, cuda
    yield cpu.t(), cuda.t()
    yield cpu[::2, 1:], cuda[::2, 1:]


def assert_same(got, want, rtol=0.0, atol=0.0):
    """got (on CUDA) equals want (on the CPU): device, dtype, shape, strides of fresh
    results aside, and values (exactly, or within the tolerances)."""
    if isinstance(want, (tuple, list)):
        assert type(got) is type(want) or isinstance(got, tuple), (type(got), type(want))
        assert len(got) == len(want)
        for g, w in zip(got, want):
            assert_same(g, w, rtol, atol)
        return
    if not isinstance(want, nt.Tensor):
        assert got == want or (rtol and np.isclose(got, want, rtol=rtol, atol=atol)), (got, want)
        return
    assert isinstance(got, nt.Tensor), type(got)
    assert got.device == CUDA, got.device
    assert want.device == nt.device("cpu")
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    assert tuple(got.shape) == tuple(want.shape), (got.shape, want.shape)
    g, w = got.detach().cpu().numpy(), want.detach().numpy()
    if rtol or atol:
        np.testing.assert_allclose(g.astype(np.complex128 if g.dtype.kind == "c" else np.float64),
                                   w, rtol=rtol, atol=atol, equal_nan=True)
    else:
        np.testing.assert_array_equal(g, w)


def check(fn, *arrays, dtype=None, rtol=0.0, atol=0.0):
    """fn on CPU tensors and on CUDA tensors made from arrays agree."""
    cpus, cudas = zip(*(pair(a, dtype) for a in arrays))
    assert_same(fn(*cudas), fn(*cpus), rtol, atol)
