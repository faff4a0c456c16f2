"""Fresh tensors on any device, below the ops layer: empty, filled, index-dependent fills.

Everything that makes a tensor from nothing goes through here (the creation functions
only parse PyTorch's arguments; ops allocate their outputs here), and every fill is a
backend primitive, so no host buffer is ever made and copied over.
"""
import math
from math import prod

from . import _dtype
from ._backends import backend_for, plan
from ._device import CPU
from ._storage import TypedStorage
from ._tensor import make_tensor, operand

contiguous_strides = plan.contiguous_strides
dense_strides = plan.dense_strides


def empty(shape, dtype, device=CPU, strides=None):
    """A fresh tensor; contiguous unless strides (dense, any order) are given."""
    shape = tuple(shape)
    buf = (_cpu_allocate if device is CPU else backend_for(device).allocate)(prod(shape), dtype.np)
    return make_tensor(TypedStorage(buf, dtype, device, True), 0, shape,
                       dense_strides(shape) if strides is None else tuple(strides))


def _cpu_allocate(n, np_dtype):
    """The CPU backend's allocate, looked up once (every op's output comes through here)."""
    global _cpu_allocate
    _cpu_allocate = backend_for(CPU).allocate
    return _cpu_allocate(n, np_dtype)


def from_buffer(buf, dtype, device, shape, strides=None, offset=0):
    """A tensor over an existing backend buffer."""
    return make_tensor(TypedStorage(buf, dtype, device), offset, tuple(shape),
                       contiguous_strides(shape) if strides is None else tuple(strides))


def fill_(t, value):
    """t[...] = value (a Python number already valid for t's dtype); no autograd."""
    if t.numel():
        p = plan.elementwise(t._shape, (t._strides,))
        backend_for(t.device).fill(p, operand(t), value)
    return t


def full(shape, value, dtype, device=CPU):
    if _zero_bits(value):
        return zeros(shape, dtype, device)
    return fill_(empty(shape, dtype, device), value)


def _zero_bits(value):
    """Whether value is stored as zero bytes in every dtype (-0.0 is not)."""
    kind = type(value)
    if kind is int or kind is bool:
        return not value
    return kind is float and value == 0 and math.copysign(1.0, value) > 0


def zeros(shape, dtype, device=CPU):
    shape = tuple(shape)
    n = 1
    for s in shape:
        n *= s
    buf = backend_for(device).allocate_zeroed(n, dtype.np)
    return make_tensor(TypedStorage(buf, dtype, device, True), 0, shape, dense_strides(shape))


def ones(shape, dtype, device=CPU):
    return full(shape, 1, dtype, device)


def arange_(out, start, step):
    """out[i] = start + i * step (out contiguous and 1-D), computed in float64 or int64 as
    PyTorch does, then converted to out's dtype; float32 and float64 rounded as PyTorch's
    kernels for the device round them, where the backend offers that."""
    be = backend_for(out.device)
    if out.dtype in (_dtype.float32, _dtype.float64) and be.arange_as_pytorch_rounds(
            operand(out), out.numel(), float(start), float(step)):
        return out
    integral = out.dtype.category < 2 and all(isinstance(v, int) for v in (start, step))
    work_dt = _dtype.int64 if integral else _dtype.float64
    work = out if out.dtype is work_dt else empty(out._shape, work_dt, out.device)
    be.arange(operand(work), out.numel(), start, step)
    if work is not out:
        _copy(work, out)
    return out


def linspace_(out, start, end, step):
    be = backend_for(out.device)
    work = out if out.dtype is _dtype.float64 else empty(out._shape, _dtype.float64, out.device)
    be.linspace(operand(work), out.numel(), start, end, step)
    if work is not out:
        _copy(work, out)
    return out


def _copy(src, dst):
    """dst = src for two contiguous tensors of the same shape (with dtype conversion)."""
    p = plan.contiguous_elementwise(dst.numel(), 1)
    backend_for(dst.device).copy(p, operand(src),
                                 operand(dst))


def arange(n, dtype, device=CPU):
    """0, 1, ..., n - 1 as a fresh tensor of dtype."""
    return arange_(empty((n,), dtype, device), 0, 1)


def eye(n, m, dtype, device=CPU):
    """An n x m tensor with ones on its main diagonal (a fill of a strided view)."""
    out = zeros((n, m), dtype, device)
    k = min(n, m)
    if k:
        fill_(make_tensor(out._storage, 0, (k,), (m + 1,)), 1)
    return out
