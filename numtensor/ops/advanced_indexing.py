"""Advanced indexing (integer tensors, lists, bool masks): gathers and scatters.

A key is split in two (as NumPy and PyTorch do):
  1. its basic part (ints, slices, None, ...) is applied first as a view `v`; every
     advanced item is replaced by full slices there, so its dims survive in `v`;
  2. the advanced items (integer index arrays and masks, the latter turned into one
     coordinate array per mask dim) broadcast together to a shape B, and
     result = v.shape[:first] + B + v.shape[last+1:]   when they are adjacent in v,
              B + the other dims of v                   when something separates them.

A backend kernel turns the index tensors into one int64 tensor of element offsets on
the tensor's own device (checking the bounds as it goes); the backend's gather/scatter
kernels then move the data.  A key holding a single mask on the
leading dims takes the fused mask kernels (no coordinate arrays at all).

Repeated indices in a write: the last write wins (the kernels never split the index
positions across threads, so this holds serial or parallel, like PyTorch's CPU);
index_put_(..., accumulate=True) adds them up instead.

Gradients: getitem records IndexBackward0 (grad scattered back with accumulate);
setitem on tensors that take part in autograd builds the new value out of place
(IndexPutBackward0) and goes through inplace.write, which rewrites the history.
"""
import numbers

import numpy as np

from .. import _dtype
from .._tensor import Tensor, make_tensor, operand
from ..autograd.grad_mode import is_grad_enabled
from ..autograd.derivatives import attach, derivative
from ..autograd.graph import needs_grad
from .._backends import backend_for, plan
from .._backends.plan import broadcast_shapes, broadcast_strides, contiguous_strides
from ._common import empty, is_contiguous, scalar_type_name, setitem_scalar, shape_str
from .conversion import to
from .copy import clone, contiguous_copy
from .dispatch import copy_into
from .indexing import basic_view
from .inplace import check_leaf, write
from .views import detach, select


class _Plan:
    """Where indexed elements live: a view of x, the backend geometry (an IndexPlan over
    the offsets tensor, or a MaskPlan for a fused mask) and the result's shape."""
    __slots__ = ("view", "shape", "offsets", "geometry", "mask")


def _is_int(k):
    return isinstance(k, (numbers.Integral, np.integer)) and not isinstance(k, (bool, np.bool_))


# ---- step 1: classify the key ------------------------------------------------------
def _as_index_tensor(k, device):
    """A list / array / tensor index -> Tensor (int64 or bool), with PyTorch's checks."""
    from .._from_data import from_data
    if isinstance(k, Tensor):
        t = k
    else:
        t = from_data(k, None if isinstance(k, np.ndarray) or len(k) else _dtype.int64, device)
    if t.dtype is _dtype.uint8:
            t = to(t, _dtype.bool_)
    if t.dtype.category != 1 and t.dtype is not _dtype.bool_:
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    return t


def _untuple_list(key):
    """x[[i, j]] where the list holds sequences/slices is the tuple x[i, j] (PyTorch)."""
    if len(key) == 1 and isinstance(key[0], list) and any(
            isinstance(e, (list, tuple, Tensor, slice)) or e is None or e is Ellipsis
            for e in key[0]):
        return tuple(key[0])
    return key


def _classify(x, k):
    """(kind, value): kind is basic (int, slice, None, ...), index (an integer tensor),
    mask (a bool tensor) or bool (a scalar bool: a new dim of size 1 or 0)."""
    if k is None or k is Ellipsis or isinstance(k, slice) or _is_int(k):
        return "basic", k
    if isinstance(k, (bool, np.bool_)) or (isinstance(k, Tensor) and k.ndim == 0
                                           and k.dtype is _dtype.bool_):
        from .._from_data import from_data
        return "bool", from_data([bool(k)], _dtype.bool_, x.device)
    t = _as_index_tensor(k, x.device)
    if t.device != x.device:
        if t.device.type != "cpu":
            raise RuntimeError("indices should be either on cpu or on the same device as the "
                               f"indexed tensor ({x.device})")
        t = t.to(x.device)  # as PyTorch: CPU indices are copied to the indexed tensor's device
    return ("mask" if t.dtype is _dtype.bool_ else "index"), t


def _dims_used(kind, k):
    if kind == "basic":
        return 0 if k is None or k is Ellipsis else 1
    if kind == "mask":
        return k.ndim
    return 1 if kind == "index" else 0  # a scalar bool adds its own dim


def _split_key(x, key):
    """-> (basic key with advanced items as full slices, [(dim in view, kind, tensor)])."""
    items = [_classify(x, k) for k in _untuple_list(key)]
    if sum(1 for _, k in items if k is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    consumed = sum(_dims_used(kind, k) for kind, k in items)
    if consumed > x.ndim:
        raise IndexError(f"too many indices for tensor of dimension {x.ndim}")
    basic, advanced = [], []
    vdim = 0  # the dim of the view that the next item addresses
    for kind, k in items:
        if kind == "basic":
            if k is Ellipsis:
                basic.extend([slice(None)] * (x.ndim - consumed))
                vdim += x.ndim - consumed
            else:
                basic.append(k)
                vdim += 0 if _is_int(k) else 1
        elif kind == "bool":  # a new dim of size 1, masked by [True] or [False]
            basic.append(None)
            advanced.append((vdim, "mask", k))
            vdim += 1
        else:
            advanced.append((vdim, kind, k))
            n = _dims_used(kind, k)
            basic.extend([slice(None)] * n)
            vdim += n
    return tuple(basic), advanced


# ---- step 2: offsets ---------------------------------------------------------------
def _check_mask(mask, v, d):
    for j, n in enumerate(mask._shape):
        if d + j >= v.ndim or v._shape[d + j] != n:
            raise IndexError(
                f"The shape of the mask {shape_str(mask._shape)} at index {j} does not match the "
                f"shape of the indexed tensor {shape_str(v._shape)} at index {d + j}")


def _flat_mask(mask):
    """(buffer, offset) of a contiguous bool copy of mask (kernels read it flat)."""
    if not is_contiguous(mask):
        mask = contiguous_copy(mask)
    return operand(mask)


def mask_coordinates(mask):
    """An int64 (count, mask.ndim) tensor: row k holds the coordinates of the k-th true
    element of mask, row-major (what nonzero returns).  Counting is the one host sync."""
    be = backend_for(mask.device)
    flat = _flat_mask(mask)
    count = be.mask_count(flat, mask.numel())
    coords = empty((count.total, mask.ndim), _dtype.int64, mask.device)
    be.mask_coordinates(count, flat, tuple(mask._shape), operand(coords))
    return coords


def _index_offsets(v, dims, indices):
    """An int64 device tensor of the broadcast index shape: the element offset in v of
    every advanced-index position (the sum over index tensors of index * stride),
    computed and bounds-checked by a backend kernel."""
    be = backend_for(v.device)
    shapes = [t._shape for t in indices]
    try:
        bshape = broadcast_shapes(*shapes) if len(shapes) > 1 else tuple(shapes[0])
    except RuntimeError:
        raise IndexError("shape mismatch: indexing tensors could not be broadcast together "
                         "with shapes " + ", ".join(shape_str(s) for s in shapes)) from None
    offsets = empty(bshape, _dtype.int64, v.device)
    dense = contiguous_strides(bshape)
    for i, (d, t) in enumerate(zip(dims, indices)):
        if t.device != v.device:
            raise RuntimeError("indices should be either on cpu or on the same device as the "
                               f"indexed tensor ({v.device})")
        st = broadcast_strides(t._shape, t._strides, bshape)
        bad = be.index_offsets(plan.elementwise(bshape, (st, dense)),
                               operand(t), v._shape[d], v._strides[d],
                               operand(offsets), i > 0)
        if bad is not None:
            # PyTorch moves the indexed dims to the front before checking: its error
            # names the dim's position among them
            raise IndexError(f"index {bad} is out of bounds for dimension {i} with size "
                             f"{v._shape[d]}")
    return offsets


def _plan(x, key, fused_mask=True):
    """Validate key against x and return the _Plan (indices are read on x's device)."""
    basic, advanced = _split_key(x, key)
    v = basic_view(detach(x), basic)
    for d, kind, t in advanced:
        if kind == "mask":
            _check_mask(t, v, d)
    p = _Plan()
    p.view = v
    p.mask = None
    if fused_mask and len(advanced) == 1 and advanced[0][1] == "mask" and advanced[0][0] == 0:
        # fused mask path: rows are the true elements of the mask
        mask = advanced[0][2]
        k = mask.ndim
        p.mask = mask
        p.geometry = plan.mask(tuple(mask._shape), tuple(v._strides[:k]), tuple(v._shape[k:]),
                               tuple(v._strides[k:]))
        return p
    dims, indices = [], []
    for d, kind, t in advanced:
        if kind == "mask":
            coords = mask_coordinates(t)
            for j in range(t.ndim):  # PyTorch lists one index per mask dim
                dims.append(d + j)
                indices.append(select(coords, 1, j))
        else:
            dims.append(d)
            indices.append(t)
    p.offsets = _index_offsets(v, dims, indices)
    bshape = p.offsets._shape
    adjacent = max(dims) - min(dims) + 1 == len(dims) and len(set(dims)) == len(dims)
    rest = [d for d in range(v.ndim) if d not in dims]
    if adjacent:
        pre_dims = [d for d in rest if d < min(dims)]
        post_dims = [d for d in rest if d > max(dims)]
    else:
        pre_dims, post_dims = [], rest
    p.geometry = plan.index(tuple(v._shape[d] for d in pre_dims),
                            tuple(v._strides[d] for d in pre_dims), p.offsets.numel(),
                            tuple(v._shape[d] for d in post_dims),
                            tuple(v._strides[d] for d in post_dims))
    p.shape = (tuple(v._shape[d] for d in pre_dims) + tuple(bshape) +
               tuple(v._shape[d] for d in post_dims))
    return p


# ---- getitem -----------------------------------------------------------------------
def gather_plan(x, p):
    """A new tensor with the elements of x that plan p selects (no autograd)."""
    be = backend_for(x.device)
    v = p.view
    src = operand(v)
    if p.mask is not None:
        flat = _flat_mask(p.mask)
        count = be.mask_count(flat, p.mask.numel())
        out = empty((count.total,) + tuple(v._shape[p.mask.ndim:]), x.dtype, x.device)
        be.mask_gather(count, flat, p.geometry, src, operand(out))
        return out
    out = empty(p.shape, x.dtype, x.device)
    be.gather(p.geometry, src, operand(p.offsets),
              operand(out))
    return out


def getitem(x, key):
    out = gather_plan(x, _plan(x, key))
    if needs_grad(x):
        _keys_checked(attach(_index_backward, out, (x,), shape=x._shape, key=key), key)
    return out


def _keys_checked(out, key):
    """PyTorch saves an index's tensors: changed in place before backward, they raise."""
    node = out.grad_fn
    if node is not None:
        node.keep_versioned([k for k in key if isinstance(k, Tensor)])


def index_rows(x, index):
    """x[index] for one int64 index tensor of at least one dim on x's device (x has at
    least one dim): whole rows of x along dim 0, the commonest advanced key (a batch of
    samples, an embedding lookup), without the general path's key splitting and view
    (x[idx] of 100 elements took three times as long through them)."""
    out = gather_along(x, 0, index, _out_of_bounds)
    if x._requires_grad and is_grad_enabled():
        _keys_checked(attach(_index_backward, out, (x,), shape=x._shape, key=(index,)),
                      (index,))
    return out


def mask_rows(x, mask):
    """x[mask] for one bool mask of at least one dim on x's device (x has at least as
    many dims): the fused mask path of _plan and gather_plan, without the general
    path's key splitting and view."""
    _check_mask(mask, x, 0)
    k = len(mask._shape)
    p = _Plan()
    p.view, p.mask = x, mask
    p.geometry = plan.mask(mask._shape, x._strides[:k], x._shape[k:], x._strides[k:])
    out = gather_plan(x, p)
    if x._requires_grad and is_grad_enabled():
        _keys_checked(attach(_index_backward, out, (x,), shape=x._shape, key=(mask,)),
                      (mask,))
    return out


def _out_of_bounds(bad, size):
    raise IndexError(f"index {bad} is out of bounds for dimension 0 with size {size}")


def gather_along(x, dim, index, out_of_range, wrap=True):
    """The elements of x at `index` along dim (an integer tensor on x's device), shaped
    x.shape[:dim] + index.shape + x.shape[dim + 1:]: _plan's geometry for a key whose
    one advanced item is index at dim, worked out directly.  No autograd.  Negative
    indices count from the end (wrap=False: they are out of range); the first index out
    of range goes to out_of_range(value, size), which raises the op's error."""
    device = x._storage.device
    be = backend_for(device)
    shape = index._shape
    offsets = empty(shape, _dtype.int64, device)
    size = x._shape[dim]
    bad = be.index_offsets(plan.elementwise(shape, (index._strides, contiguous_strides(shape))),
                           operand(index), size, x._strides[dim], operand(offsets), False, wrap)
    if bad is not None:
        out_of_range(bad, size)
    pre, post = x._shape[:dim], x._shape[dim + 1:]
    out = empty(pre + shape + post, x.dtype, device)
    be.gather(plan.index(pre, x._strides[:dim], offsets.numel(), post, x._strides[dim + 1:]),
              operand(x), operand(offsets), operand(out))
    return out


@derivative("IndexBackward0")
def _index_backward(ctx, g):
    from .._alloc import zeros
    gx = zeros(ctx.shape, g.dtype, g.device)
    index_put_(gx, ctx.key, g, accumulate=True)
    return (gx,)


# ---- setitem / index_put -----------------------------------------------------------
def _value_operand(x, value, shape):
    """value as the backend takes it: a Python number (converted to x's dtype by the
    kernel) or a contiguous operand of x's dtype holding value broadcast to shape."""
    if not isinstance(value, Tensor):
        if isinstance(value, (numbers.Number, np.generic)):
            return value.item() if isinstance(value, np.generic) else value
        from .._from_data import from_data
        value = from_data(value, None, x.device)
    if value.device != x.device:
        raise RuntimeError("Expected all tensors to be on the same device, but found at least two "
                           f"devices, {x.device} and {value.device}!")
    vshape = tuple(value._shape)
    while len(vshape) > len(shape) and vshape[0] == 1:
        vshape = vshape[1:]
    ok = len(vshape) <= len(shape) and all(
        a == b or a == 1 for a, b in zip(reversed(vshape), reversed(shape)))
    if not ok:
        raise RuntimeError(f"shape mismatch: value tensor of shape {shape_str(value._shape)} "
                           f"cannot be broadcast to indexing result of shape {shape_str(shape)}")
    if vshape != tuple(value._shape):
        value = make_tensor(value._storage, value._offset, vshape,
                            value._strides[len(value._shape) - len(vshape):])
    full = empty(shape, x.dtype, x.device)
    copy_into(full, value)  # broadcast + cast in one strided copy (also breaks aliasing)
    return operand(full)


def scatter_plan(x, p, value, accumulate=False):
    """Write value into the elements of x that plan p selects (no autograd).
    A plan with a fused mask only sets (make accumulating plans with fused_mask=False)."""
    be = backend_for(x.device)
    v = p.view
    dst = operand(v)
    if p.mask is not None:
        flat = _flat_mask(p.mask)
        count = be.mask_count(flat, p.mask.numel())
        shape = (count.total,) + tuple(v._shape[p.mask.ndim:])
        be.mask_scatter(count, flat, p.geometry, dst, _value_operand(x, value, shape))
        return
    val = _value_operand(x, value, p.shape)
    if accumulate and not isinstance(val, tuple):  # accumulating kernels read a values array
        val = _value_operand(x, _full_value(x, val, p.shape), p.shape)
    be.scatter(p.geometry, dst, operand(p.offsets), val, accumulate)


def _full_value(x, value, shape):
    from .._alloc import full
    return full(shape, value, x.dtype, x.device)


def setitem(x, key, value):
    _index_put(x, key, value, accumulate=False)


def index_put_(x, indices, values, accumulate=False):
    if not isinstance(indices, (tuple, list)):
        raise TypeError("index_put_(): argument 'indices' must be tuple of Tensors")
    return _index_put(x, tuple(indices), values, accumulate)


def index_put(x, indices, values, accumulate=False):
    return index_put_(clone(x), indices, values, accumulate)


def _check_value_dtype(x, key, value):
    """PyTorch 2.x: a tensor value must have x's dtype, except a 0-d value under a boolean
    mask (that path is a masked fill, which casts)."""
    if not isinstance(value, Tensor) or value.dtype is x.dtype:
        return
    keys = key if isinstance(key, tuple) else (key,)
    if value.ndim == 0 and any(isinstance(k, Tensor) and k.dtype in (_dtype.bool_, _dtype.uint8)
                               for k in keys):
        return
    raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                       f"{scalar_type_name(x.dtype)} for the destination and "
                       f"{scalar_type_name(value.dtype)} for the source.")


def _index_put(x, key, value, accumulate):
    check_leaf(x)
    _check_value_dtype(x, key, value)
    if not isinstance(value, Tensor):  # t[idx] = 256 into uint8 is an error, as in PyTorch
        value = setitem_scalar(value, x.dtype)
    p = _plan(x, key, fused_mask=not accumulate)
    base = x._base
    tracked = is_grad_enabled() and (
        x.requires_grad or (isinstance(value, Tensor) and value.requires_grad)
        or (base is not None and base.requires_grad))
    if not tracked:
        scatter_plan(x, p, value, accumulate)
        x._storage._version += 1
        return x
    # autograd: build the new value out of place, then write it (history is rewritten)
    new = contiguous_copy(x)
    scatter_plan(new, _plan(new, key, fused_mask=not accumulate), value, accumulate)
    value_t = value if isinstance(value, Tensor) else None
    attach(_index_put_backward, new, (x, value_t), key=key, accumulate=accumulate)
    write(x, new)
    return x


@derivative("IndexPutBackward0", inputs=("self", "values"))
def _index_put_backward(ctx, g):
    need = ctx.needs_input_grad
    gx = (g if ctx.accumulate else index_put_(clone(g), ctx.key, 0)) if need[0] else None
    return gx, (getitem(g, ctx.key) if need[1] else None)
