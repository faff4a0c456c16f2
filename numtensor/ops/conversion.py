"""Conversions: dtype/device moves, NumPy interop, Python numbers and lists."""
import numpy as np

from .. import _dtype
from .._device import as_device, device as device_cls
from .._layout import channels_last, channels_last_3d, memory_format, preserve_format
from .._tensor import Tensor, buffer
from ..autograd.derivatives import attach, derivative
from ._common import from_buffer, is_contiguous, warn_if_complex_to_real
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
    # the one element, whatever the strides: no strided NumPy view to build
    return backend_for(t.device).to_host(buffer(t), t._offset, 1)[0].item()


_warned_scalar_of_grad_tensor = False


def warn_scalar_of_grad_tensor():
    """float() of a tensor that requires grad: PyTorch's warning, once per process, as
    PyTorch gives it (and not under no_grad)."""
    global _warned_scalar_of_grad_tensor
    from ..autograd.grad_mode import is_grad_enabled
    if _warned_scalar_of_grad_tensor or not is_grad_enabled():
        return
    _warned_scalar_of_grad_tensor = True
    import warnings
    warnings.warn("Converting a tensor with requires_grad=True to a scalar may lead to unexpected "
                  "behavior.\nConsider using tensor.detach() first.", UserWarning, stacklevel=3)


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


_ABSENT = object()  # tells "not given" from an explicit None in to()'s keywords

_TO_OVERLOADS = (
    " * (torch.device device = None, torch.dtype dtype = None, bool non_blocking = False, "
    "bool copy = False, *, torch.memory_format memory_format = None)\n"
    " * (torch.dtype dtype, bool non_blocking = False, bool copy = False, *, "
    "torch.memory_format memory_format = None)\n"
    " * (Tensor tensor, bool non_blocking = False, bool copy = False, *, "
    "torch.memory_format memory_format = None)\n")


def _type_word(v):
    if isinstance(v, Tensor):
        return "Tensor"
    if isinstance(v, (_dtype.dtype, device_cls, memory_format)):
        return f"torch.{type(v).__name__}"
    return type(v).__name__


def _bad_to_call(args, kwargs):
    got = ", ".join([_type_word(a) for a in args] +
                    [f"{k}={_type_word(v)}" for k, v in kwargs.items()])
    if kwargs and not args:
        got += ", "
    return TypeError(f"to() received an invalid combination of arguments - got ({got}), but "
                     f"expected one of:\n{_TO_OVERLOADS}")


def _is_dtype_like(v):
    # torch also takes Python's float, int, bool and complex as dtypes
    return isinstance(v, _dtype.dtype) or v in (float, int, bool, complex)


def _resolve_to(args, kwargs):
    """(device, dtype, copy, memory_format) from to()'s arguments, by PyTorch's three
    overloads: to(device=None, dtype=None, non_blocking, copy), to(dtype, non_blocking,
    copy), to(tensor, non_blocking, copy), each with a keyword-only memory_format."""
    given = {k: v for k, v in kwargs.items() if v is not _ABSENT}
    first = args[0] if args else given.get("tensor", _ABSENT)
    if _is_dtype_like(first) or isinstance(first, Tensor):
        names = ("dtype" if args and not isinstance(first, Tensor) else "tensor",
                 "non_blocking", "copy")
        if "device" in given or ("dtype" in given) or ("tensor" in given and args):
            raise _bad_to_call(args, given)
    else:
        names = ("device", "dtype", "non_blocking", "copy")
        if "tensor" in given:
            raise _bad_to_call(args, given)
    if len(args) > len(names):
        raise _bad_to_call(args, given)
    values = dict(zip(names, args))
    for k, v in given.items():
        if k in values:
            raise _bad_to_call(args, given)
        values[k] = v
    dtype, dev = values.get("dtype"), values.get("device")
    if "tensor" in values:
        dtype, dev = values["tensor"].dtype, values["tensor"].device
    flags_ok = all(isinstance(values.get(k, False), bool) for k in ("non_blocking", "copy"))
    fmt = values.get("memory_format")
    if not flags_ok or (dtype is not None and not _is_dtype_like(dtype)) or (
            dev is not None and not isinstance(dev, (str, device_cls, int))) or isinstance(
            dev, bool) or (fmt is not None and not isinstance(fmt, memory_format)):
        raise _bad_to_call(args, given)
    if dtype is not None:
        dtype = _dtype.as_dtype(dtype)
    return dev, dtype, values.get("copy", False), fmt


def to(self, *args, device=_ABSENT, dtype=_ABSENT, non_blocking=_ABSENT, copy=_ABSENT,
       memory_format=_ABSENT, tensor=_ABSENT):
    dev, dtype, copy, fmt = _resolve_to(args, dict(
        device=device, dtype=dtype, non_blocking=non_blocking, copy=copy,
        memory_format=memory_format, tensor=tensor))
    t = self
    dtype = t.dtype if dtype is None else dtype
    dev = t.device if dev is None else as_device(dev)
    if fmt is channels_last and t.ndim != 4 or fmt is channels_last_3d and t.ndim != 5:
        raise RuntimeError(f"required rank {4 if fmt is channels_last else 5} tensor to use "
                           f"{fmt._name} format")
    # as in PyTorch, the memory format only shapes a copy made anyway, except channels_last
    restride = fmt is channels_last or fmt is channels_last_3d
    if dtype is t.dtype and dev == t.device and not copy and not restride:
        return t
    out = t
    if dev != t.device:
        out = _move(out, dev)
    if dtype is not out.dtype:
        warn_if_complex_to_real(out.dtype, dtype)
        if fmt is None or fmt is preserve_format:
            out = cast(out, dtype)
        else:  # converted straight into the layout asked for
            from .._layout import dense_strides
            from ._common import empty
            from .dispatch import copy_into
            src, out = out, empty(out._shape, dtype, out.device, dense_strides(out._shape, fmt))
            copy_into(out, src)
    elif out is t:  # a copy on the same device, laid out as memory_format asks
        from .._creation import like_layout
        from ._common import empty
        from .dispatch import copy_into
        out = like_layout(empty(t._shape, t.dtype, t.device), t, fmt)
        copy_into(out, t)
    return _recorded(t, out, dtype)


def _recorded(t, out, dtype):
    """out, the copy to(dtype) made of t, with ToCopyBackward0 when a gradient flows."""
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


def cpu(self, *, memory_format=preserve_format):
    return to(self, "cpu", memory_format=memory_format)


def cuda(self, device=None, non_blocking=False, *, memory_format=preserve_format):
    t = self
    return to(t, device_cls("cuda", 0) if device is None else as_device(device if not isinstance(device, int) else device_cls("cuda", device)),
              non_blocking=non_blocking, memory_format=memory_format)


def _conversion(dt):
    def fn(t, memory_format=preserve_format):
        if memory_format is not preserve_format:
            return to(t, dt, memory_format=memory_format)
        # to(dt) without its argument parsing (a third of a small x.float())
        if t.dtype is dt:
            return t
        warn_if_complex_to_real(t.dtype, dt)
        return _recorded(t, cast(t, dt), dt)
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
