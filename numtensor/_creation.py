"""Creation ops: tensor(), from_numpy and the factory functions (zeros, arange, ...).

Nested Python data is parsed on the host (shape, dtype inference, ragged checks);
the values then live in a NumPy buffer on the CPU or move to the target device.
"""
import math
import numbers

import numpy as np

from . import _dtype
from ._device import CPU, as_device
from ._size import parse_size
from . import _alloc
from ._tensor import Tensor
from ._backends import backend_for
from .ops._common import empty as _empty, from_buffer


def _finish(t, requires_grad):
    if t._base is None and t._offset == 0:
        # a fresh tensor starts at version 0, as in torch: filling it is not a user's write
        t._storage._version = 0
    if requires_grad:
        from .ops.autograd_ops import requires_grad_on_creation
        requires_grad_on_creation(t)
    return t


def _resolve(dtype, device):
    return (None if dtype is None else _dtype.as_dtype(dtype)), as_device(device)


# ---- tensor(data) ----------------------------------------------------------------
def _infer(data, shape, flat, depth=0):
    """Walk nested sequences: record the shape, collect leaves, check raggedness.

    The shape is complete once the first leaf is reached; after that a sequence
    where a number belongs, or a number where a sequence belongs, is a TypeError
    (torch's wording), and a sequence of the wrong length a ValueError.
    """
    complete = bool(flat)
    if isinstance(data, Tensor):
        if depth == len(shape) and not complete:
            shape.extend(data._shape)
        elif tuple(shape[depth:]) != tuple(data._shape):
            raise ValueError(f"expected sequence of length {shape[depth]} at dim {depth} "
                             f"(got {data._shape[0] if data._shape else 0})")
        flat.append(data)
        return
    if isinstance(data, np.ndarray):
        _infer(data.tolist() if data.ndim else data.item(), shape, flat, depth)
        return
    if isinstance(data, (list, tuple)):
        n = len(data)
        if depth == len(shape):
            if complete:
                raise TypeError(f"'{type(data).__name__}' object cannot be interpreted as an integer")
            shape.append(n)
        elif shape[depth] != n:
            raise ValueError(f"expected sequence of length {shape[depth]} at dim {depth} (got {n})")
        for item in data:
            _infer(item, shape, flat, depth + 1)
        return
    if isinstance(data, (numbers.Number, np.generic)):
        if depth != len(shape):
            raise TypeError("not a sequence")
        flat.append(data)
        return
    if isinstance(data, str):
        if depth and not complete:
            raise ValueError(f"too many dimensions '{type(data).__name__}'")
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    if hasattr(data, "__len__") and hasattr(data, "__getitem__") and not isinstance(data, dict):
        _infer(list(data), shape, flat, depth)
        return
    raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")


def _leaf_dtype(flat):
    """The widest dtype among the leaves: the highest category, then the largest size."""
    if not flat:  # no values at all (tensor([])): the default float, like torch
        return _dtype.get_default_dtype()
    best = _dtype.bool_
    for v in flat:
        if isinstance(v, Tensor):
            d = v.dtype
        elif isinstance(v, np.generic):
            d = _dtype.from_numpy_dtype(v.dtype)
        else:
            d = _dtype.scalar_dtype(v)
        if d.category > best.category or (d.category == best.category and d.itemsize > best.itemsize):
            best = d
    return best


def tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False):
    dt, dev = _resolve(dtype, device)
    if isinstance(data, Tensor):
        import warnings
        warnings.warn("To copy construct from a tensor, it is recommended to use "
                      "sourceTensor.clone().detach() or sourceTensor.clone().detach()."
                      "requires_grad_(True), rather than torch.tensor(sourceTensor).", UserWarning,
                      stacklevel=2)
        out = data.detach().to(dtype=dt or data.dtype, device=dev, copy=True)
        return _finish(out, requires_grad)
    if isinstance(data, np.ndarray):
        arr = data
        inferred = _dtype.from_numpy_dtype(arr.dtype)
    else:
        shape, flat = [], []
        _infer(data, shape, flat)
        inferred = _leaf_dtype(flat)
        values = [v.item() if isinstance(v, Tensor) and v.numel() == 1 else
                  (v.tolist() if isinstance(v, Tensor) else v) for v in flat]
        try:
            arr = np.array(values, dtype=(dt or inferred).np if not any(isinstance(v, Tensor) and v.ndim for v in flat) else None)
        except (OverflowError, ValueError):  # out of range, or nan/inf into an integer
            arr = _wrap_negative_ints(values, dt or inferred)
        arr = arr.reshape(shape)
    target = dt or inferred
    arr = np.ascontiguousarray(arr, dtype=target.np).reshape(-1)
    buf = backend_for(dev).from_host(arr.copy() if arr.base is not None or arr is data else arr)
    out = from_buffer(buf, target, dev, np.shape(data) if isinstance(data, np.ndarray) else tuple(shape))
    return _finish(out, requires_grad)


def _wrap_negative_ints(values, target):
    """torch lets small negative ints wrap into an unsigned dtype (-1 -> 255); any
    other value out of the dtype's range is an error."""
    if target is _dtype.uint8 and all(isinstance(v, (int, np.integer)) and -255 <= v <= 255
                                      for v in values):
        return np.array(values, dtype=np.int64).astype(np.uint8)
    if any(isinstance(v, int) and not -2 ** 63 <= v < 2 ** 63 for v in values):
        raise ValueError("Overflow when unpacking long long")  # torch's text for a huge int
    raise RuntimeError(f"value cannot be converted to type {target.name} without overflow")


def as_tensor(data, dtype=None, device=None):
    if isinstance(data, Tensor):
        return data.to(dtype=dtype, device=device) if (dtype or device) else data
    if isinstance(data, np.ndarray) and dtype is None and device is None:
        return from_numpy(data)
    return tensor(data, dtype=dtype, device=device)


asarray = as_tensor


def from_numpy(arr):
    if not isinstance(arr, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(arr).__name__})")
    dt = _dtype.from_numpy_dtype(arr.dtype)
    item = arr.itemsize
    if any(s < 0 for s in arr.strides):
        raise ValueError("At least one stride in the given numpy array is negative, and tensors "
                         "with negative strides are not currently supported. (You can probably "
                         "work around this by making a copy of your array  with array.copy().) ")
    if any(s % item for s in arr.strides):
        raise ValueError("given numpy array strides not a multiple of the element byte size. "
                         "Copy the numpy array to reallocate the memory.")
    if arr.dtype.byteorder not in "=|":
        raise TypeError("can't convert a non-native byte order numpy array")
    strides = tuple(s // item for s in arr.strides)
    if arr.size == 0:
        flat = np.empty(0, dtype=arr.dtype)
    else:
        span = 1 + sum((n - 1) * s for n, s in zip(arr.shape, strides))
        flat = np.lib.stride_tricks.as_strided(arr, shape=(span,), strides=(item,))
    return from_buffer(flat, dt, CPU, arr.shape, strides)


# ---- factories --------------------------------------------------------------------
def empty(*size, dtype=None, device=None, requires_grad=False, out=None, **_):
    dt, dev = _resolve(dtype, device)
    shape = parse_size(size)
    if any(s < 0 for s in shape):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(shape)}: "
                           f"[{', '.join(map(str, shape))}]")
    return _finish(_empty(shape, dt or _dtype.get_default_dtype(), dev), requires_grad)


def full(size, fill_value, *, dtype=None, device=None, requires_grad=False, **_):
    if dtype is None:
        if isinstance(fill_value, Tensor):
            fill_value = fill_value.item()
        dtype = _dtype.scalar_dtype(fill_value)
    if not isinstance(size, (list, tuple)):
        raise TypeError(f"full(): argument 'size' (position 1) must be tuple of ints, not "
                        f"{type(size).__name__}")
    t = empty(*parse_size((size,)), dtype=dtype, device=device)
    t.fill_(fill_value)
    return _finish(t, requires_grad)


def zeros(*size, dtype=None, device=None, requires_grad=False, **_):
    return _finish(empty(*size, dtype=dtype, device=device).fill_(0), requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False, **_):
    return _finish(empty(*size, dtype=dtype, device=device).fill_(1), requires_grad)


def preserve_layout(out, like):
    """Give out (fresh and dense, like's shape) like's memory layout, as torch's *_like
    functions do: a dense tensor's strides are kept, others get dense strides in the
    same dim order.  The values are uniform or random, so restriding moves nothing."""
    from ._backends.plan import output_order, strides_for_order
    from .ops._common import is_non_overlapping_and_dense
    if is_non_overlapping_and_dense(like):
        out._strides = tuple(like._strides)
    else:
        out._strides = strides_for_order(like._shape, output_order(like._shape, [like._strides]))
    return out


def _like(fn):
    def like(t, *args, dtype=None, device=None, requires_grad=False, memory_format=None, **kw):
        out = fn(t._shape, *args, dtype=dtype or t.dtype, device=device or t.device,
                 requires_grad=requires_grad, **kw)
        return preserve_layout(out, t) if memory_format is None else out
    like.__name__ = fn.__name__ + "_like"
    return like


zeros_like = _like(zeros)
ones_like = _like(ones)
empty_like = _like(empty)


def full_like(t, fill_value, *, dtype=None, device=None, requires_grad=False, **_):
    return preserve_layout(full(t._shape, fill_value, dtype=dtype or t.dtype,
                                device=device or t.device, requires_grad=requires_grad), t)


# ---- Tensor.new_*: a fresh tensor with self's dtype and device unless told otherwise ----
def _new_kwargs(self, dtype, device):
    return {"dtype": self.dtype if dtype is None else dtype,
            "device": self.device if device is None else device}


def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
    return tensor(data, requires_grad=requires_grad, **_new_kwargs(self, dtype, device))


def new_empty(self, *size, dtype=None, device=None, requires_grad=False, **_):
    return empty(*size, requires_grad=requires_grad, **_new_kwargs(self, dtype, device))


def new_zeros(self, *size, dtype=None, device=None, requires_grad=False, **_):
    return zeros(*size, requires_grad=requires_grad, **_new_kwargs(self, dtype, device))


def new_ones(self, *size, dtype=None, device=None, requires_grad=False, **_):
    return ones(*size, requires_grad=requires_grad, **_new_kwargs(self, dtype, device))


def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False, **_):
    return full(size, fill_value, requires_grad=requires_grad, **_new_kwargs(self, dtype, device))


def empty_strided(size, stride, *, dtype=None, device=None, requires_grad=False, **_):
    dt, dev = _resolve(dtype, device)
    size, stride = tuple(size), tuple(stride)
    span = 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0
    buf = backend_for(dev).allocate(span, (dt or _dtype.get_default_dtype()).np)
    return _finish(from_buffer(buf, dt or _dtype.get_default_dtype(), dev, size, stride), requires_grad)


def eye(n, m=None, *, dtype=None, device=None, requires_grad=False, **_):
    m = n if m is None else m
    t = zeros(n, m, dtype=dtype, device=device)
    k = min(n, m)
    if k:
        from .ops.views import as_strided
        as_strided(t, (k,), (m + 1,), 0).fill_(1)
    return _finish(t, requires_grad)


def _number(v, name):
    if isinstance(v, Tensor):
        v = v.item()
    if isinstance(v, bool) or not isinstance(v, (numbers.Number, np.generic)):
        raise TypeError(f"arange(): argument '{name}' must be Number, not {type(v).__name__}")
    return v


def arange(start=0, end=None, step=1, *, dtype=None, device=None, requires_grad=False, **_):
    if end is None:
        start, end = 0, start
    start, end, step = _number(start, "start"), _number(end, "end"), _number(step, "step")
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    if dtype is None:
        all_int = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = _dtype.int64 if all_int else _dtype.get_default_dtype()
    dt, dev = _resolve(dtype, device)
    if dt is _dtype.bool_:
        raise NotImplementedError("\"arange_cpu\" not implemented for 'Bool'")
    n = int(math.ceil((end - start) / step))
    out = _empty((n,), dt, dev)
    if n:
        ints = all(isinstance(v, (int, np.integer)) for v in (start, step))
        _alloc.arange_(out, *((int(start), int(step)) if ints else (float(start), float(step))))
    return _finish(out, requires_grad)


def range_(start=0, end=None, step=1, *, dtype=None, device=None, **_):
    n = int((end - start) // step) + 1
    return arange(start, start + n * step, step, dtype=dtype or _dtype.get_default_dtype(), device=device)


def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False, **_):
    start, end = _number(start, "start"), _number(end, "end")
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dt, dev = _resolve(dtype or _dtype.get_default_dtype(), device)
    out = _empty((steps,), dt, dev)
    if steps == 1:
        out.fill_(start)
    elif steps > 1:
        if dt in (_dtype.float32, _dtype.float16):
            # torch computes a float32 linspace in float32: the same rounded step
            start, end = np.float32(start), np.float32(end)
            step = (end - start) / np.float32(steps - 1)
        else:
            step = (end - start) / (steps - 1)
        _alloc.linspace_(out, float(start), float(end), float(step))
    return _finish(out, requires_grad)


def logspace(start, end, steps, base=10.0, *, dtype=None, device=None, **_):
    from .ops import elementwise as ew
    lin = linspace(start, end, steps, dtype=_dtype.float64)
    return ew.pow(base, lin).to(dtype or _dtype.get_default_dtype())
