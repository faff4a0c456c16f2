"""Conversions: dtype/device moves, NumPy interop, Python numbers and lists."""
import numpy as np

from .. import _dtype
from .._device import as_device, device as device_cls
from .._tensor import Tensor, buffer
from ..autograd.derivatives import attach, derivative
from ._common import from_buffer, is_contiguous
from .dispatch import cast
from .._backends import backend_for


def host_values(t):
    """A NumPy array with t's values: a view on the CPU; from other devices a copy of
    only the span of memory t covers (one transfer, a sync, as in PyTorch)."""
    count = 1 + sum((n - 1) * s for n, s in zip(t._shape, t._strides)) if t.numel() else 0
    span = backend_for(t.device).to_host(buffer(t), t._offset, count)
    item = span.itemsize
    return np.lib.stride_tricks.as_strided(
        span, shape=t._shape, strides=tuple(s * item for s in t._strides), writeable=True)


def numpy(t, force=False):
    if t.requires_grad and not force:
        raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                           "tensor.detach().numpy() instead.")
    if t.device.type != "cpu":
        if not force:
            raise TypeError(f"can't convert {t.device.type}:{t.device.index} device type tensor to "
                            "numpy. Use Tensor.cpu() to copy the tensor to host memory first.")
        return host_values(t).copy()
    return host_values(t)


def to_python_list(t):
    return host_values(t).tolist()


def item(t):
    if t.numel() != 1:
        raise RuntimeError(f"a Tensor with {t.numel()} elements cannot be converted to Scalar")
    return host_values(t).reshape(()).item()


def to_python_number(t, kind):
    if t.numel() != 1:
        raise ValueError("only one element tensors can be converted to Python scalars")
    return item(t)


def to_python_index(t):
    if t.numel() != 1 or t.dtype.category != 1:
        raise TypeError("only integer tensors of a single element can be converted to an index")
    return item(t)


def to_python_bool(t):
    if t.numel() != 1:
        raise RuntimeError(f"Boolean value of Tensor with more than one value is ambiguous")
    return bool(item(t))


def _parse_to_args(args, kwargs):
    dtype = kwargs.pop("dtype", None)
    dev = kwargs.pop("device", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    for a in args:
        if isinstance(a, _dtype.dtype):
            dtype = a
        elif isinstance(a, (str, device_cls, int)) and not isinstance(a, bool):
            dev = a
        elif isinstance(a, Tensor):
            dtype, dev = a.dtype, a.device
        elif isinstance(a, bool):
            continue
        elif a is not None:
            dtype = _dtype.as_dtype(a)
    return dtype, dev, copy


def to(t, *args, **kwargs):
    dtype, dev, copy = _parse_to_args(args, dict(kwargs))
    dtype = t.dtype if dtype is None else _dtype.as_dtype(dtype)
    dev = t.device if dev is None else as_device(dev)
    if dtype is t.dtype and dev == t.device and not copy:
        return t
    out = t
    if dev != t.device:
        out = _move(out, dev)
    if dtype is not out.dtype:
        out = cast(out, dtype)
    elif copy and out is t:
        from .copy import contiguous_copy
        out = contiguous_copy(t)
    if t.requires_grad and (dtype.is_floating_point or dtype.is_complex):
        attach(_to_copy_backward, out, (t,), dtype=t.dtype, device=t.device)
    return out


@derivative("ToCopyBackward0")
def _to_copy_backward(ctx, g):
    return (to(g, dtype=ctx.dtype, device=ctx.device),)


def _move(t, dev):
    src = t if is_contiguous(t) else t.contiguous()
    host = backend_for(src.device).to_host(buffer(src), src._offset, src.numel())
    buf = backend_for(dev).from_host(np.ascontiguousarray(host))
    return from_buffer(buf, t.dtype, dev, t._shape)


def cpu(t):
    return to(t, "cpu")


def cuda(t, device=None):
    return to(t, device_cls("cuda", 0) if device is None else as_device(device if not isinstance(device, int) else device_cls("cuda", device)))


def _conversion(dt):
    def fn(t, memory_format=None):
        return to(t, dt)
    fn.__name__ = dt.name
    return fn


float_ = _conversion(_dtype.float32)
double = _conversion(_dtype.float64)
half = _conversion(_dtype.float16)
long = _conversion(_dtype.int64)
int_ = _conversion(_dtype.int32)
short = _conversion(_dtype.int16)
char = _conversion(_dtype.int8)
byte = _conversion(_dtype.uint8)
bool_ = _conversion(_dtype.bool_)


def rebuild_tensor(arr, requires_grad, device):
    from .._from_data import from_numpy
    t = from_numpy(arr)
    if device != "cpu":
        t = to(t, device)
    t.requires_grad = requires_grad
    return t


def type_as(t, other):
    return to(t, other.dtype)
