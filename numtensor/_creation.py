"""Creation ops: tensor(), from_numpy and the factory functions (zeros, arange, ...).

Nested Python data is parsed on the host (shape, dtype inference, ragged checks);
the values then live in a NumPy buffer on the CPU or move to the target device.
"""
import math
import numbers

import numpy as np

from . import _dtype
from ._device import as_device
from ._size import parse_size
from ._layout import check_layout, check_pin_memory, dense_strides, preserve_format
from . import _alloc
from ._tensor import Tensor
from ._backends import backend_for
from ._from_data import from_data, from_numpy as _from_numpy, warn_if_read_only
from .ops._common import empty as _empty, from_buffer, scalar_for_dtype
from .ops.copy import write_out  # noqa: F401  (out= handling, shared with the ops)
from ._type_names import python_type_name


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


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """Constructs a tensor with no autograd history by copying data."""
    check_pin_memory(pin_memory)
    dt, dev = _resolve(dtype, device)
    if isinstance(data, Tensor):
        import warnings
        warnings.warn("To copy construct from a tensor, it is recommended to use "
                      "sourceTensor.detach().clone() or sourceTensor.detach().clone()."
                      "requires_grad_(True), rather than torch.tensor(sourceTensor).", UserWarning,
                      stacklevel=2)
        out = data.detach().to(dtype=dt or data.dtype, device=dev, copy=True)
        return _finish(out, requires_grad)
    out = from_data(data, dt, dev)
    return _finish(out, requires_grad)


def as_tensor(data, *, dtype=None, device=None):
    """Converts data into a tensor, sharing memory with a tensor or NumPy array where it can."""
    warn_if_read_only(data)
    return _as_tensor(data, dtype, device)


def _as_tensor(data, dtype, device):
    if isinstance(data, Tensor):
        return data.to(dtype=dtype, device=device) if (dtype or device) else data
    if isinstance(data, np.ndarray) and dtype is None and device is None:
        return _from_numpy(data)
    return tensor(data, dtype=dtype, device=device)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    """Converts obj to a tensor; copy=True always copies, copy=False never does."""
    out = _as_tensor(obj, dtype, device)
    shares = isinstance(obj, (Tensor, np.ndarray)) and out.data_ptr() == (
        obj.data_ptr() if isinstance(obj, Tensor) else obj.__array_interface__["data"][0])
    if shares:  # (a converted copy is the tensor's own, and writable)
        warn_if_read_only(obj)
    if copy and shares:
        out = out.clone()
    elif copy is False and not shares:
        raise ValueError("Can't perform a no-copy conversion: a copy is needed")
    if requires_grad:
        out = out.detach().requires_grad_(True) if out is obj else out.requires_grad_(True)
    return out


def from_numpy(arr, /):
    """Creates a tensor that shares memory with the NumPy array arr."""
    warn_if_read_only(arr)
    return _from_numpy(arr)


# ---- factories --------------------------------------------------------------------
# Every factory takes exactly torch's parameters.  The shape comes either as varargs
# (zeros(2, 3), zeros((2, 3))) or as the keyword size= (zeros(size=(2, 3))).
def _shape_from(fname, sizes, size):
    if size is not None:
        if sizes:
            raise TypeError(f"{fname}() received an invalid combination of arguments - got "
                            f"both positional sizes and size=")
        sizes = (size,)
    if not sizes:
        raise TypeError(f'{fname}() missing 1 required positional arguments: "size"')
    if len(sizes) == 1 and not isinstance(sizes[0], (list, tuple)) and \
            not hasattr(sizes[0], "__index__"):
        raise TypeError(f"{fname}(): argument 'size' (position 1) must be tuple of ints, not "
                        f"{type(sizes[0]).__name__}")
    shape = parse_size(sizes)
    if any(s < 0 for s in shape):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(shape)}: "
                           f"[{', '.join(map(str, shape))}]")
    return shape


def _dtype_name(dt):
    return dt._tensor_type.replace("Tensor", "")  # torch's scalar-type name: Long, Float, ...


def _check_common(out, dtype, layout, pin_memory, fname):
    """Checks shared by the factories; returns the dtype to create (out's when given)."""
    check_layout(layout)
    check_pin_memory(pin_memory)
    if out is None:
        return dtype
    if not isinstance(out, Tensor):
        raise TypeError(f"{fname}(): argument 'out' must be Tensor, not {python_type_name(out)}")
    if dtype is not None and _dtype.as_dtype(dtype) is not out.dtype:
        raise RuntimeError(f"dtype {_dtype_name(_dtype.as_dtype(dtype))} "
                           f"does not match dtype of out parameter ({_dtype_name(out.dtype)})")
    return out.dtype


def empty(*sizes, size=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False, memory_format=None):
    """Returns an uninitialised tensor of the given size."""
    dtype = _check_common(out, dtype, layout, pin_memory, "empty")
    shape = _shape_from("empty", sizes, size)
    dt, dev = _resolve(dtype, device)
    t = _empty(shape, dt or _dtype.get_default_dtype(), dev)
    if memory_format is not None:
        t._strides = dense_strides(shape, memory_format)
    return _finish(write_out(t, out), requires_grad)


def _filled(fname, value, sizes, size, out, dtype, layout, device, requires_grad):
    dtype = _check_common(out, dtype, layout, False, fname)
    shape = _shape_from(fname, sizes, size)
    dt, dev = _resolve(dtype, device)
    dt = dt or _dtype.get_default_dtype()
    t = _alloc.full(shape, scalar_for_dtype(value, dt), dt, dev)
    return _finish(write_out(t, out), requires_grad)


def zeros(*sizes, size=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False):
    """Returns a tensor filled with 0 of the given size."""
    check_pin_memory(pin_memory)
    return _filled("zeros", 0, sizes, size, out, dtype, layout, device, requires_grad)


def ones(*sizes, size=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False):
    """Returns a tensor filled with 1 of the given size."""
    check_pin_memory(pin_memory)
    return _filled("ones", 1, sizes, size, out, dtype, layout, device, requires_grad)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False):
    """Returns a tensor of the given size filled with fill_value (its dtype by default)."""
    dtype = _check_common(out, dtype, layout, pin_memory, "full")
    if dtype is None:
        if isinstance(fill_value, Tensor):
            fill_value = fill_value.item()
        dtype = _dtype.scalar_dtype(fill_value)
    if not isinstance(size, (list, tuple)):
        raise TypeError(f"full(): argument 'size' (position 1) must be tuple of ints, not "
                        f"{type(size).__name__}")
    t = empty(parse_size((size,)), dtype=dtype, device=device)
    t.fill_(fill_value)
    return _finish(write_out(t, out), requires_grad)


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


def like_layout(out, like, memory_format):
    """A fresh dense `out` restrided as memory_format asks (preserve_format: like's)."""
    if memory_format is None or memory_format is preserve_format:
        return preserve_layout(out, like)
    out._strides = dense_strides(out._shape, memory_format)
    return out


def check_like_input(input, fname):
    if not isinstance(input, Tensor):
        raise TypeError(f"{fname}(): argument 'input' (position 1) must be Tensor, not "
                        f"{python_type_name(input)}")


def _like(fname, value):
    def like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False, memory_format=None):
        check_like_input(input, fname)
        check_layout(layout)
        check_pin_memory(pin_memory)
        out = _empty(input._shape, _dtype.as_dtype(dtype) if dtype is not None else input.dtype,
                     as_device(device) if device is not None else input.device)
        if value is not None:
            out.fill_(value)
        return _finish(like_layout(out, input, memory_format), requires_grad)
    like.__name__ = like.__qualname__ = fname
    like.__doc__ = (f"Returns a tensor of input's size (and dtype, device and layout unless "
                    f"given) {'uninitialised' if value is None else f'filled with {value}'}.")
    return like


zeros_like = _like("zeros_like", 0)
ones_like = _like("ones_like", 1)
empty_like = _like("empty_like", None)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              pin_memory=False, memory_format=None):
    """Returns a tensor of input's size (and dtype and device unless given) filled with fill_value."""
    check_like_input(input, "full_like")
    out = full(input._shape, fill_value, dtype=dtype or input.dtype, layout=layout,
               device=device or input.device, pin_memory=pin_memory)
    return _finish(like_layout(out, input, memory_format), requires_grad)


# ---- Tensor.new_*: a fresh tensor with self's dtype and device unless told otherwise ----
def _new_kwargs(self, dtype, device):
    return {"dtype": self.dtype if dtype is None else dtype,
            "device": self.device if device is None else device}


def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, layout=None,
               pin_memory=False):
    """Returns a new tensor holding a copy of data, with self's dtype and device by default."""
    check_layout(layout)
    return tensor(data, requires_grad=requires_grad, pin_memory=pin_memory,
                  **_new_kwargs(self, dtype, device))


def new_empty(self, *sizes, size=None, dtype=None, device=None, requires_grad=False,
              layout=None, pin_memory=False):
    """Returns an uninitialised tensor of the given size, with self's dtype and device by default."""
    shape = _shape_from("new_empty", sizes, size)
    return empty(shape, requires_grad=requires_grad, layout=layout, pin_memory=pin_memory,
                 **_new_kwargs(self, dtype, device))


def new_zeros(self, *sizes, size=None, dtype=None, device=None, requires_grad=False,
              layout=None, pin_memory=False):
    """Returns a tensor of zeros of the given size, with self's dtype and device by default."""
    shape = _shape_from("new_zeros", sizes, size)
    return zeros(shape, requires_grad=requires_grad, layout=layout, pin_memory=pin_memory,
                 **_new_kwargs(self, dtype, device))


def new_ones(self, *sizes, size=None, dtype=None, device=None, requires_grad=False,
             layout=None, pin_memory=False):
    """Returns a tensor of ones of the given size, with self's dtype and device by default."""
    shape = _shape_from("new_ones", sizes, size)
    return ones(shape, requires_grad=requires_grad, layout=layout, pin_memory=pin_memory,
                **_new_kwargs(self, dtype, device))


def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False,
             layout=None, pin_memory=False):
    """Returns a tensor of the given size filled with fill_value, with self's dtype and device by default."""
    return full(size, fill_value, requires_grad=requires_grad, layout=layout,
                pin_memory=pin_memory, **_new_kwargs(self, dtype, device))


def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False,
                  pin_memory=False):
    """Returns an uninitialised tensor with the given size and strides."""
    _check_common(None, dtype, layout, pin_memory, "empty_strided")
    dt, dev = _resolve(dtype, device)
    size, stride = tuple(size), tuple(stride)
    if len(size) != len(stride):
        raise RuntimeError(f"dimensionality of sizes ({len(size)}) must match dimensionality of "
                           f"strides ({len(stride)})")
    span = 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0
    buf = backend_for(dev).allocate(span, (dt or _dtype.get_default_dtype()).np)
    return _finish(from_buffer(buf, dt or _dtype.get_default_dtype(), dev, size, stride), requires_grad)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
        pin_memory=False):
    """Returns a 2-D tensor with ones on the diagonal and zeros elsewhere."""
    dtype = _check_common(out, dtype, layout, pin_memory, "eye")
    m = n if m is None else m
    if n < 0 or m < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}" if n < 0 else
                           f"m must be greater or equal to 0, got {m}")
    t = zeros(n, m, dtype=dtype, device=device)
    k = min(n, m)
    if k:
        from .ops.views import as_strided
        as_strided(t, (k,), (m + 1,), 0).fill_(1)
    return _finish(write_out(t, out), requires_grad)


def _number(v, name, fname="arange"):
    if isinstance(v, Tensor):
        v = v.item()
    if isinstance(v, bool) or not isinstance(v, (numbers.Number, np.generic)):
        raise TypeError(f"{fname}(): argument '{name}' must be Number, not {type(v).__name__}")
    return v


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False, pin_memory=False):
    """Returns a 1-D tensor of values from start to end (exclusive) in steps of step."""
    dtype = _check_common(out, dtype, layout, pin_memory, "arange")
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
    t = _empty((n,), dt, dev)
    if n:
        ints = all(isinstance(v, (int, np.integer)) for v in (start, step))
        _alloc.arange_(t, *((int(start), int(step)) if ints else (float(start), float(step))))
    return _finish(write_out(t, out), requires_grad)


def range_(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False):
    """Deprecated: values from start to end inclusive (use arange)."""
    import warnings
    warnings.warn("torch.range is deprecated and will be removed in a future release because its "
                  "behavior is inconsistent with Python's range builtin. Instead, use torch.arange, "
                  "which produces values in [start, end).", UserWarning, stacklevel=2)
    if end is None:
        start, end = 0, start
    n = int((end - start) // step) + 1
    t = arange(start, start + n * step, step, dtype=dtype or _dtype.get_default_dtype(),
               layout=layout, device=device)
    return _finish(write_out(t, out), requires_grad)


range_.__name__ = range_.__qualname__ = "range"


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False):
    """Returns a 1-D tensor of steps values evenly spaced from start to end."""
    dtype = _check_common(out, dtype, layout, pin_memory, "linspace")
    start, end = _number(start, "start", "linspace"), _number(end, "end", "linspace")
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dt, dev = _resolve(dtype or _dtype.get_default_dtype(), device)
    t = _empty((steps,), dt, dev)
    if steps == 1:
        t.fill_(start)
    elif steps > 1:
        if dt in (_dtype.float32, _dtype.float16):
            # torch computes a float32 linspace in float32: the same rounded step
            start, end = np.float32(start), np.float32(end)
            step = (end - start) / np.float32(steps - 1)
        else:
            step = (end - start) / (steps - 1)
        _alloc.linspace_(t, float(start), float(end), float(step))
    return _finish(write_out(t, out), requires_grad)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False):
    """Returns a 1-D tensor of steps values base ** x for x evenly spaced from start to end."""
    from .ops import elementwise as ew
    dtype = _check_common(out, dtype, layout, pin_memory, "logspace")
    lin = linspace(start, end, steps, dtype=_dtype.float64)
    t = ew.pow(base, lin).to(dtype=dtype or _dtype.get_default_dtype(), device=device)
    return _finish(write_out(t, out), requires_grad)
