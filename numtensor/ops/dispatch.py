"""From op arguments to one kernel call: dtype casts, broadcasting, output layout.

run_elementwise is the single road every element-wise op takes to a backend:
  1. the operands move to the compute dtype (a copy only when a tensor differs);
  2. Python scalars become one-element buffers (broadcast with stride 0);
  3. shapes broadcast; a fresh output takes the inputs' memory order;
  4. float16, which Numba cannot compute in, runs in float32 and is rounded back.
"""
import functools

import numpy as np

from .. import _dtype
from .._backends import backend_for, scalar_ops
from .._backends.plan import (broadcast_shapes, broadcast_strides, output_order,
                             strides_for_order)
from ._common import empty, is_contiguous, is_non_overlapping_and_dense, operand, same_device
from .._storage import TypedStorage
from .._tensor import Tensor, make_tensor
from .._backends.plan import contiguous_strides


def _kernel_dtype(dt):
    return _dtype.float32 if dt is _dtype.float16 else dt


def cast(t, dtype):
    """t converted to dtype (a new tensor in t's memory order; t itself if equal)."""
    if t.dtype is dtype:
        return t
    # like torch's empty_like: a dense tensor's strides are kept exactly
    strides = t._strides if is_non_overlapping_and_dense(t) else _fresh_strides(t._shape, [t._strides])
    out = empty(t._shape, dtype, t.device, strides)
    copy_into(out, t)
    return out


def _shared_dense_layout(args, tensors, shape):
    """torch's rule when the full-shape operands share one dense layout: the output keeps
    it exactly (size-1 dims' strides included) unless it is plain contiguous and no
    scalar (Python number or 0-d tensor) takes part, which gives contiguous strides."""
    full = [t for t in tensors if t._shape == shape]
    if not full or not shape or any(t._shape != shape and t._shape for t in tensors):
        return None
    first = full[0]
    if not is_non_overlapping_and_dense(first) or any(t._strides != first._strides for t in full):
        return None
    has_scalar = len(full) < len(args)
    return first._strides if has_scalar or not is_contiguous(first) else None


def _fresh_strides(shape, strides_list):
    if len(shape) <= 1:
        return None
    return strides_for_order(shape, output_order(shape, strides_list))


def copy_into(dst, src):
    """dst[...] = src with broadcasting and dtype cast (the strided copy primitive)."""
    shape = dst._shape
    sst = broadcast_strides(src._shape, src._strides, shape)
    backend_for(dst.device).elementwise(
        "identity", shape, [(src._storage._buf, src._offset, sst)], operand(dst))


def scalar_buffer(value, dtype, device):
    arr = np.array([value]).astype(_kernel_dtype(dtype).np) if not isinstance(value, np.ndarray) \
        else value.astype(_kernel_dtype(dtype).np)
    return backend_for(device).from_host(arr)


@functools.lru_cache(maxsize=1024)
def _dense_strides(shape):
    return contiguous_strides(shape)


def _broadcast_scalar(t):
    """t is one element seen at every index (all strides 0)."""
    return bool(t._shape) and not any(t._strides)


def _fast_path(op, args, compute_dtype, out_dtype, p0, p1):
    """Same-shape contiguous tensors of the compute dtype: straight to the flat kernel.

    Small ops are dominated by Python overhead, so this path skips broadcasting,
    layout planning and casts when none of them can apply.
    """
    a = args[0]
    if type(a) is not Tensor or a.dtype is not compute_dtype or compute_dtype is _dtype.float16:
        return None
    shape = a._shape
    strides = _dense_strides(shape)
    dev = a._storage.device
    scalar_pos = None
    if len(args) == 2 and type(args[1]) is not Tensor:
        # tensor (op) Python number: the number becomes a one-element buffer read at offset 0
        if a._strides != strides or not isinstance(args[1], (int, float, bool)):
            return None
        ins = ((a._storage._buf, a._offset), (scalar_buffer(args[1], compute_dtype, dev), 0))
        scalar_pos = 1
    elif len(args) == 2:
        b = args[1]
        bdev = b._storage.device
        if b.dtype is not compute_dtype or b._shape != shape or (bdev is not dev and bdev != dev):
            return None
        # dense operands, or one of them a single value broadcast over the shape (the
        # expanded gradient of a reduction): the flat kernel reads that one at its offset
        if a._strides != strides:
            if b._strides != strides or not _broadcast_scalar(a):
                return None
            scalar_pos = 0
        elif b._strides != strides:
            if not _broadcast_scalar(b):
                return None
            scalar_pos = 1
        ins = ((a._storage._buf, a._offset), (b._storage._buf, b._offset))
    elif a._strides != strides:
        return None
    else:
        ins = ((a._storage._buf, a._offset),)
    if out_dtype is _dtype.float16:
        return None
    n = 1
    for s in shape:
        n *= s
    backend = backend_for(dev)
    buf = backend.empty(n, out_dtype.np)
    tp = compute_dtype.np.type
    backend.elementwise_flat(op, n, ins, buf, tp(p0), tp(p1), scalar_pos)
    return make_tensor(TypedStorage(buf, out_dtype, dev), 0, shape, strides)


def run_elementwise(op, args, compute_dtype, out_dtype, out=None, p0=0, p1=0, in_dtypes=None):
    """Apply element op `op` to args (tensors or Python scalars).

    Every input moves to compute_dtype unless in_dtypes gives its own (where's bool
    condition).  out: an existing tensor to write into; it must have the broadcast
    shape.  Returns the output tensor.
    """
    if compute_dtype is not None and compute_dtype.is_complex:
        op = scalar_ops.complex_variant(op)  # cmath instead of math (exp, log, sin, ...)
    if out is None and in_dtypes is None and len(args) <= 2:
        res = _fast_path(op, args, compute_dtype, out_dtype, p0, p1)
        if res is not None:
            return res
    device = same_device(*args)
    kdt = _kernel_dtype(compute_dtype)
    in_kdts = [kdt] * len(args) if in_dtypes is None else \
        [kdt if d is None else _kernel_dtype(d) for d in in_dtypes]
    shapes, strides, tensors = [], [], []
    for a, want in zip(args, in_kdts):
        if isinstance(a, Tensor):
            if a.dtype is not want:
                a = cast(a, want)
            tensors.append(a)
            shapes.append(a._shape)
            strides.append(a._strides)
    if len(shapes) == 1:
        shape = shapes[0]
    elif len(shapes) == 2 and shapes[0] == shapes[1]:
        shape = shapes[0]
    else:
        shape = broadcast_shapes(*shapes)
    operands, it = [], iter(tensors)
    for a, want in zip(args, in_kdts):
        if isinstance(a, Tensor):
            t = next(it)
            st = t._strides if t._shape == shape else broadcast_strides(t._shape, t._strides, shape)
            operands.append((t._storage._buf, t._offset, st))
        else:
            operands.append((scalar_buffer(a, want, device), 0, (0,) * len(shape)))
    if out is None:
        fresh = _shared_dense_layout(args, tensors, shape)
        if fresh is None and len(shape) > 1 and not all(
                is_contiguous(t) and t._shape == shape for t in tensors):
            fresh = strides_for_order(shape, output_order(shape, [o[2] for o in operands]))
        result = empty(shape, out_dtype, device, fresh)
    else:
        result = out
    target = result
    if out_dtype is _dtype.float16:
        target = empty(shape, _dtype.float32, device, result._strides)
    tp = kdt.np.type
    backend_for(device).elementwise(op, shape, operands, operand(target), tp(p0), tp(p1))
    if target is not result:
        copy_into(result, target)
    return result
