"""From op arguments to one backend call: dtype casts, broadcasting, output layout.

run_elementwise is the single road every element-wise op takes to a backend:
  1. tensor operands move to the compute dtype (a copy only when a tensor differs);
     Python numbers stay Python numbers: the backend passes them to the kernel;
  2. shapes broadcast; a fresh output takes the inputs' memory order (PyTorch's rule);
  3. the planner canonicalises the problem (cached: repeated shapes skip it);
  4. the backend's map / zip / where runs it.
Device policy (float16 computed in float32 on the CPU) is the backend's business.
"""
import math

from .._alloc import empty
from .._backends import backend_for, plan, scalar_ops
from .._backends.plan import (broadcast_shapes, broadcast_strides, dense_strides,
                              output_order, strides_for_order)
from .._storage import TypedStorage
from .._tensor import Tensor, make_tensor, operand
from ._common import is_contiguous, is_non_overlapping_and_dense, same_device


def cast(t, dtype):
    """t converted to dtype (a new tensor in t's memory order; t itself if equal)."""
    if t.dtype is dtype:
        return t
    op = _conversions.get((t.dtype, dtype)) or _conversion(t.dtype, dtype)
    res = dense_fast_path(op, (t,), t.dtype, dtype, ())  # a contiguous t: its kernel directly
    if res is not None:
        return res
    # like torch's empty_like: a dense tensor's strides are kept exactly
    strides = t._strides if is_non_overlapping_and_dense(t) else _fresh_strides(t._shape, [t._strides])
    out = empty(t._shape, dtype, t.device, strides)
    copy_into(out, t)
    return out


_conversions = {}  # (source dtype, target dtype) -> the element op that converts


def _conversion(src, dst):
    op = _conversions[src, dst] = scalar_ops.conversion(src.np, dst.np)
    return op


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
    sst = src._strides if src._shape == shape else broadcast_strides(src._shape, src._strides, shape)
    p = plan.elementwise(shape, (sst, dst._strides))
    backend_for(dst.device).copy(p, operand(src),
                                 operand(dst))


def _launch(backend, op, p, operands, out, params):
    if len(operands) == 1:
        backend.map(op, p, operands[0], out, params)
    elif len(operands) == 2:
        backend.zip(op, p, operands[0], operands[1], out, params)
    else:
        backend.where(p, *operands, out)


_routes = {}  # (op, codes, compute dtype, out dtype, device type) -> backend route
# the layout codes of dense_route (see Backend.dense_route), as shared constants
_UNARY, _BOTH_WALKED, _SECOND_SPREAD, _FIRST_SPREAD, _NUMBER_SECOND = \
    (1,), (1, 1), (1, 0), (0, 1), (1, None)
_NUMBER_TYPES = (int, float, bool)


_geometry = {}  # shape -> (row-major strides, element count): the fast paths' dense layout


def _dense_geometry(shape):
    geometry = _geometry.get(shape)
    if geometry is None:
        if len(_geometry) > 4096:  # shapes seen are few in practice; keep it bounded
            _geometry.clear()
        geometry = _geometry[shape] = (dense_strides(shape), math.prod(shape))
    return geometry


def dense_fast_path(op, args, compute_dtype, out_dtype, params):
    """Tensors of the compute dtype and one shape, each dense or one value broadcast over
    the shape (every stride 0: the expanded gradient of a reduction; not all of them), or
    a dense tensor and a Python number: straight to a backend route prepared once per
    (op, layout codes, dtypes), skipping broadcasting, casts and planning.  None when the
    arguments are not of that kind.  Every line here runs on every small op.  add and mul,
    whose element ops have no complex variant, call it before run_elementwise (a call
    less: 6-9% of a 10-element add)."""
    a = args[0]
    if type(a) is not Tensor:
        return None
    storage = a._storage
    if storage.dtype is not compute_dtype:
        return None
    shape = a._shape
    dense, n = _geometry.get(shape) or _dense_geometry(shape)
    dev = storage.device
    if len(args) == 1:
        if a._strides != dense:
            return None
        codes = _UNARY
        inputs = ((storage._buf, a._offset),)
        plain = storage.plain
    else:
        b = args[1]
        if type(b) is Tensor:
            other = b._storage
            if other.dtype is not compute_dtype or b._shape != shape or (
                    other.device is not dev and other.device != dev):
                return None
            if a._strides == dense:
                if b._strides == dense:
                    codes = _BOTH_WALKED
                elif shape and not any(b._strides):
                    codes = _SECOND_SPREAD
                else:
                    return None
            elif shape and not any(a._strides) and b._strides == dense:
                codes = _FIRST_SPREAD
            else:
                return None
            inputs = ((storage._buf, a._offset), (other._buf, b._offset))
            plain = storage.plain and other.plain
        elif type(b) in _NUMBER_TYPES and a._strides == dense:
            codes = _NUMBER_SECOND
            inputs = ((storage._buf, a._offset), b)
            plain = storage.plain
        else:
            return None
    route = _routes.get((op, codes, compute_dtype, out_dtype, dev.type)) or \
        _route(op, codes, compute_dtype, out_dtype, dev)
    buf = route(inputs, None, n, params, plain)
    return make_tensor(TypedStorage(buf, out_dtype, dev, True), 0, shape, dense)


_sum_routes = {}  # (dtype, device type) -> the backend's whole_sum_route
_SUMMED_AS_IS = None  # the dtypes whole_sum takes: float32, float64 (set on first use)


def whole_sum(x):
    """sum() of every element of a dense float32 or float64 tensor, straight to a backend
    route prepared once per dtype and device (the general reduction's checks, planning
    and kernel dispatch were most of a small sum's time); None when x is not of that
    kind."""
    if type(x) is not Tensor:
        return None
    storage = x._storage
    dt = storage.dtype
    if dt not in (_SUMMED_AS_IS or _summed_as_is()):
        return None
    dense, n = _geometry.get(x._shape) or _dense_geometry(x._shape)
    if x._strides != dense or not n:
        return None
    dev = storage.device
    route = _sum_routes.get((dt, dev.type)) or _sum_route(dt, dev)
    buf = route(storage._buf, x._offset, n, storage.plain)
    return make_tensor(TypedStorage(buf, dt, dev, True), 0, (), ())


def _summed_as_is():
    global _SUMMED_AS_IS
    from .. import _dtype
    _SUMMED_AS_IS = (_dtype.float32, _dtype.float64)
    return _SUMMED_AS_IS


def _sum_route(dt, dev):
    route = _sum_routes[(dt, dev.type)] = backend_for(dev).whole_sum_route(dt.np)
    return route


def _route(op, codes, compute_dtype, out_dtype, dev):
    route = _routes[(op, codes, compute_dtype, out_dtype, dev.type)] = \
        backend_for(dev).dense_route(op, codes, compute_dtype.np, out_dtype.np)
    return route


def run_into_self(op, args, compute_dtype, out, params=()):
    """out[...] = op(args) for an in-place op (out is args[0]) when out and every other
    tensor operand are dense, of out's shape (or of its last dims: _into_self_by_rows),
    dtype and device, and no operand aliases out at another offset; the other operands
    may be Python numbers.  Straight to the backend, as dense_fast_path does for fresh
    results.  Returns whether it ran."""
    storage = out._storage
    if storage.dtype is not compute_dtype or len(args) > 2:
        return False
    if compute_dtype.is_complex:  # as run_elementwise: x.div_(0) is inf/nan, no exception
        op = scalar_ops.complex_variant(op)
    shape = out._shape
    dense, n = _geometry.get(shape) or _dense_geometry(shape)
    if out._strides != dense:
        return False
    dev = storage.device
    plain = storage.plain
    if len(args) == 1:
        codes = _UNARY
        inputs = ((storage._buf, out._offset),)
    else:
        b = args[1]
        if type(b) is Tensor or isinstance(b, Tensor):  # Parameters too
            s = b._storage
            if s.dtype is not compute_dtype or (s.device is not dev and s.device != dev):
                return False
            if b._shape != shape:
                return _into_self_by_rows(op, out, b, params)
            if b._strides != dense:
                return False
            if s is storage and b._offset != out._offset:
                return False
            codes = _BOTH_WALKED
            inputs = ((storage._buf, out._offset), (s._buf, b._offset))
            plain = plain and s.plain
        elif type(b) in _NUMBER_TYPES:
            codes = _NUMBER_SECOND
            inputs = ((storage._buf, out._offset), b)
        else:
            return False
    route = _routes.get((op, codes, compute_dtype, compute_dtype, dev.type)) or \
        _route(op, codes, compute_dtype, compute_dtype, dev)
    route(inputs, inputs[0], n, params, plain)
    return True


def _into_self_by_rows(op, out, b, params):
    """out[...] = op(out, b) where b is dense and of the shape of out's last dims, repeated
    over the leading ones (a Linear layer adding its bias to the product), straight to
    the backend's zip with a plan over (rows, row length).  Returns whether it ran."""
    row = b._shape
    if not row or len(row) >= len(out._shape) or out._shape[-len(row):] != row or \
            b._strides != dense_strides(row) or b._storage is out._storage:
        return False
    inner = math.prod(row)
    if inner == 0:
        return True  # nothing to write
    rows = math.prod(out._shape) // inner
    p = plan.elementwise((rows, inner), ((inner, 1), (0, 1), (inner, 1)))
    target = (out._storage._buf, out._offset)
    backend_for(out._storage.device).zip(op, p, target, (b._storage._buf, b._offset), target,
                                         params)
    return True


def _cpu_scalars_as_numbers(args):
    """As PyTorch: a 0-d CPU tensor may join tensors of another device in an element-wise
    op; it takes part as a number (dtypes were decided by the caller already)."""
    devices = {a.device for a in args if isinstance(a, Tensor)}
    if len(devices) < 2:
        return args
    return tuple(a.item() if isinstance(a, Tensor) and a.ndim == 0 and a.device.type == "cpu"
                 and any(d.type != "cpu" for d in devices) else a for a in args)


def run_elementwise(op, args, compute_dtype, out_dtype, out=None, params=(), in_dtypes=None,
                    fast_path_tried=False):
    """Apply element op `op` to args (tensors or Python scalars).

    Every tensor moves to compute_dtype unless in_dtypes gives its own (where's bool
    condition).  out: an existing tensor to write into; it must have the broadcast
    shape.  params: the op's scalar parameters (clamp's bounds, add's alpha).
    fast_path_tried: the caller ran dense_fast_path on these arguments already (and got
    None).  Returns the output tensor.
    """
    if compute_dtype is not None and compute_dtype.is_complex:
        op = scalar_ops.complex_variant(op)  # cmath instead of math (exp, log, sin, ...)
    key = None
    if out is None and in_dtypes is None:
        if not fast_path_tried:
            res = dense_fast_path(op, args, compute_dtype, out_dtype, params)
            if res is not None:
                return res
        key = _geometry_key(op, args, compute_dtype, out_dtype)
        if key is not None:
            known = _planned.get(key)
            if known is not None:  # this geometry's broadcasting and planning, done before
                shape, strides, route, device = known
                inputs, plain = _operands(args)
                buf = route(inputs, None, params, plain)
                return make_tensor(TypedStorage(buf, out_dtype, device, True), 0, shape, strides)
    args = _cpu_scalars_as_numbers(args)
    device = same_device(*args)
    if not any(isinstance(a, Tensor) for a in args):  # torch.add(1, 2): a 0-d operand
        from .._alloc import full
        args = (full((), args[0], compute_dtype, device),) + tuple(args[1:])
    wants = [compute_dtype] * len(args) if in_dtypes is None else \
        [compute_dtype if d is None else d for d in in_dtypes]
    tensors = []
    for a, want in zip(args, wants):
        if isinstance(a, Tensor):
            tensors.append(a if a.dtype is want else cast(a, want))
    shapes = [t._shape for t in tensors]
    if len(shapes) == 1 or (len(shapes) == 2 and shapes[0] == shapes[1]):
        shape = shapes[0]
    else:
        shape = broadcast_shapes(*shapes)
    strides = tuple(t._strides if t._shape == shape else broadcast_strides(t._shape, t._strides, shape)
                    for t in tensors)
    if out is None:
        fresh = _shared_dense_layout(args, tensors, shape)
        if fresh is None and len(shape) > 1 and not all(
                is_contiguous(t) and t._shape == shape for t in tensors):
            fresh = strides_for_order(shape, output_order(shape, strides))
        out = empty(shape, out_dtype, device, fresh)
    operands, it = [], iter(tensors)
    for a in args:
        if isinstance(a, Tensor):
            t = next(it)
            operands.append(operand(t))
        else:
            operands.append(a)
    p = plan.elementwise(shape, strides + (out._strides,))
    if key is not None:
        if len(_planned) > 4096:  # geometries seen are few in practice; keep it bounded
            _planned.clear()
        route = backend_for(device).strided_route(
            op, p, tuple(1 if isinstance(a, Tensor) else None for a in args),
            compute_dtype.np, out_dtype.np)
        _planned[key] = (shape, out._strides, route, device)
        inputs, plain = _operands(args)
        route(inputs, operand(out), params, plain)
        return out
    _launch(backend_for(device), op, p, operands, operand(out), params)
    return out


# _geometry_key -> (shape, the output's strides, the backend's strided_route, device)
_planned = {}


def _operands(args):
    """(inputs, plain) for a strided route: each tensor as its operand, numbers as they
    are; plain: every tensor's buffer is one the backend allocated."""
    inputs, plain = [], True
    for a in args:
        if isinstance(a, Tensor):
            storage = a._storage
            inputs.append((storage._buf, a._offset))
            plain = plain and storage.plain
        else:
            inputs.append(a)
    return inputs, plain


def _geometry_key(op, args, compute_dtype, out_dtype):
    """What decides a fresh-output element-wise op's shape, output layout and plan, when
    one or two operands (tensors already in the compute dtype, on one device, or Python
    numbers) take part; None otherwise (casts, three operands, mixed devices: the full
    path every time).  Broadcasting and strided operands miss dense_fast_path and cost several
    microseconds of Python each call (a (1, 100) + (100,) add: 12 us)."""
    if len(args) > 2:
        return None
    key = [op, compute_dtype, out_dtype]
    device = None
    for a in args:
        if isinstance(a, Tensor):
            storage = a._storage
            if storage.dtype is not compute_dtype or (device is not None and
                                                      storage.device is not device):
                return None
            device = storage.device
            key += (a._shape, a._strides)
        elif type(a) in _NUMBER_TYPES:
            key += (None, type(a))
        else:
            return None
    if device is None:
        return None
    key.append(device)
    return tuple(key)

