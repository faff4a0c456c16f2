"""Advanced indexing (integer tensors, lists, bool masks): gathers and scatters.

A key is split in two (as NumPy and PyTorch do):
  1. its basic part (ints, slices, None, ...) is applied first as a view `v`; every
     advanced item is replaced by full slices there, so its dims survive in `v`;
  2. the advanced items (integer index arrays and masks, the latter turned into one
     coordinate array per mask dim) broadcast together to a shape B, and
     result = v.shape[:first] + B + v.shape[last+1:]   when they are adjacent in v,
              B + the other dims of v                   when something separates them.

The host turns the indices into int64 offset tables (index arithmetic only); the
backend's gather/scatter kernels move the data.  A key holding a single mask on the
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
from .._tensor import Tensor, make_tensor
from ..autograd.grad_mode import is_grad_enabled
from ..autograd.graph import record, needs_grad
from .._backends import backend_for
from .._backends.plan import coalesce, contiguous_strides
from ._common import empty, is_contiguous, shape_str
from .conversion import host_values, item, to
from .copy import clone, contiguous_copy
from .dispatch import copy_into, scalar_buffer
from .indexing import basic_view
from .inplace import check_leaf, write
from .views import detach


class _Plan:
    """Where indexed elements live: a view's geometry plus offset tables."""
    __slots__ = ("view", "shape", "pre", "idx", "post", "qstride", "nq", "mask")


def _is_int(k):
    return isinstance(k, (numbers.Integral, np.integer)) and not isinstance(k, (bool, np.bool_))


# ---- step 1: classify the key ------------------------------------------------------
def _as_index_tensor(k, device):
    """A list / array / tensor index -> Tensor (int64 or bool), with PyTorch's checks."""
    from .._creation import tensor
    if isinstance(k, Tensor):
        t = k
    elif isinstance(k, np.ndarray):
        t = tensor(k)
    else:
        t = tensor(k) if len(k) else tensor([], dtype=_dtype.int64)
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
        from .._creation import tensor
        return "bool", tensor([bool(k)])
    t = _as_index_tensor(k, x.device)
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
def _host(t):
    return host_values(t)


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
    return mask._storage._buf, mask._offset


def _mask_coordinates(mask):
    """(flat int64 backend buffer, count): row k holds the coordinates of the k-th true
    element of mask, row-major (what nonzero returns)."""
    be = backend_for(mask.device)
    flat = _flat_mask(mask)
    n = mask.numel()
    plan = be.mask_plan(flat, n)
    coords = be.empty(plan[2] * mask.ndim, np.int64)
    be.mask_pass(2, flat, n, plan, mask._shape, contiguous_strides(mask._shape),
                 (coords, 0), np.empty(0, np.int64), 0, 1, (coords, 0))
    return coords, plan[2]


def _index_array(t, size, dim):
    """int64 host array of t's values, checked against size (negatives wrap)."""
    a = _host(t)
    if a.dtype != np.int64:
        a = a.astype(np.int64)
    if a.size:
        lo, hi = a.min(), a.max()
        if lo < -size or hi >= size:
            bad = a.reshape(-1)[np.flatnonzero((a.reshape(-1) < -size) | (a.reshape(-1) >= size))[0]]
            raise IndexError(f"index {bad} is out of bounds for dimension {dim} with size {size}")
        if lo < 0:
            a = np.where(a < 0, a + size, a)
    return a


# shared tables, never written (left writeable: Numba compiles read-only arrays apart)
_NO_TABLE = np.empty(0, np.int64)
_ZERO_TABLE = np.zeros(1, np.int64)


def _offsets_table(shape, strides):
    """int64 offsets of every element of (shape, strides), row-major."""
    if not shape:
        return _ZERO_TABLE
    off = _ZERO_TABLE
    for n, s in zip(shape, strides):
        off = (off[:, None] + np.arange(n, dtype=np.int64) * s).reshape(-1)
    return off


def _cols(shape, strides):
    """(post table, qstride, nq) for the trailing dims: a stride when they merge."""
    nq = 1
    for n in shape:
        nq *= n
    cshape, (cst,) = coalesce(tuple(shape), [tuple(strides)]) if shape else ((), [()])
    cshape = tuple(cshape)
    if len(cshape) == 0 or nq == 1:
        return _NO_TABLE, 0, nq
    if len(cshape) == 1:
        return _NO_TABLE, int(cst[0]), nq
    return _offsets_table(cshape, cst), 0, nq


def _plan(x, key, fused_mask=True):
    """Validate key against x and return the _Plan (no data is touched)."""
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
        p.post, p.qstride, p.nq = _cols(v._shape[k:], v._strides[k:])
        p.pre = p.idx = None
        return p
    dims, arrays, shapes = [], [], []
    for d, kind, t in advanced:
        if kind == "mask":
            coords, count = _mask_coordinates(t)
            coords = backend_for(t.device).to_host(coords).reshape(count, t.ndim)
            for j in range(t.ndim):
                dims.append(d + j)
                arrays.append(coords[:, j])
                shapes.append((count,))  # PyTorch lists one shape per mask dim
        else:
            # PyTorch moves the indexed dims to the front before checking: its error
            # names the dim's position among them
            arrays.append(_index_array(t, v._shape[d], len(dims)))
            dims.append(d)
            shapes.append(arrays[-1].shape)
    if len(arrays) == 1:  # the common case, without broadcasting machinery
        bshape = arrays[0].shape
        st = v._strides[dims[0]]
        idx = arrays[0] if st == 1 else arrays[0] * st
    else:
        try:
            bshape = np.broadcast_shapes(*shapes)
        except ValueError:
            raise IndexError("shape mismatch: indexing tensors could not be broadcast together "
                             "with shapes " + ", ".join(shape_str(s) for s in shapes)) from None
        idx = np.zeros(bshape, np.int64)
        for d, a in zip(dims, arrays):
            idx += a * v._strides[d]
    p.idx = np.ascontiguousarray(idx).reshape(-1)
    adjacent = max(dims) - min(dims) + 1 == len(dims) and len(set(dims)) == len(dims)
    rest = [d for d in range(v.ndim) if d not in dims]
    if adjacent:
        pre_dims = [d for d in rest if d < min(dims)]
        post_dims = [d for d in rest if d > max(dims)]
    else:
        pre_dims, post_dims = [], rest
    p.pre = _offsets_table([v._shape[d] for d in pre_dims], [v._strides[d] for d in pre_dims])
    p.post, p.qstride, p.nq = _cols([v._shape[d] for d in post_dims],
                                    [v._strides[d] for d in post_dims])
    p.shape = (tuple(v._shape[d] for d in pre_dims) + tuple(bshape) +
               tuple(v._shape[d] for d in post_dims))
    return p


def _mask_geometry(p):
    """Mask dims of the view, merged where both the mask and the view allow."""
    mask, v = p.mask, p.view
    k = mask.ndim
    if k == 0:
        return (), ()
    cshape, (_, vst) = coalesce(tuple(v._shape[:k]), [contiguous_strides(mask._shape),
                                                      tuple(v._strides[:k])])
    return tuple(cshape), tuple(vst)


# ---- getitem -----------------------------------------------------------------------
def gather_plan(x, p):
    """A new tensor with the elements of x that plan p selects (no autograd)."""
    be = backend_for(x.device)
    v = p.view
    src = (v._storage._buf, v._offset)
    if p.mask is not None:
        flat = _flat_mask(p.mask)
        n = p.mask.numel()
        mplan = be.mask_plan(flat, n)
        out = empty((mplan[2],) + tuple(v._shape[p.mask.ndim:]), x.dtype, x.device)
        mshape, mstrides = _mask_geometry(p)
        be.mask_pass(0, flat, n, mplan, mshape, mstrides, src, p.post, p.qstride, p.nq,
                     (out._storage._buf, 0))
        return out
    out = empty(p.shape, x.dtype, x.device)
    be.gather(src, p.pre, p.idx, p.post, p.qstride, p.nq, (out._storage._buf, 0))
    return out


def getitem(x, key):
    out = gather_plan(x, _plan(x, key))
    if needs_grad(x):
        shape = x._shape

        def backward(g):
            from .._creation import zeros
            gx = zeros(shape, dtype=g.dtype, device=g.device)
            index_put_(gx, key, g, accumulate=True)
            return (gx,)
        record("IndexBackward0", out, (x,), backward)
    return out


# ---- setitem / index_put -----------------------------------------------------------
def _value_operand(x, value, shape, accumulate):
    """value as (buffer, offset, step) in x's dtype: a scalar (step 0) or a contiguous
    tensor of the indexed shape (step 1)."""
    if not isinstance(value, Tensor):
        if isinstance(value, (numbers.Number, np.generic)):
            return (scalar_buffer(value, x.dtype, x.device), 0), 0
        from .._creation import tensor
        value = tensor(value, device=x.device)
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
    if value.numel() == 1 and not accumulate:
        return (scalar_buffer(item(value), x.dtype, x.device), 0), 0
    if vshape != tuple(value._shape):
        value = make_tensor(value._storage, value._offset, vshape,
                       value._strides[len(value._shape) - len(vshape):])
    full = empty(shape, x.dtype, x.device)
    copy_into(full, value)  # broadcast + cast in one strided copy (also breaks aliasing)
    return (full._storage._buf, 0), 1


def scatter_plan(x, p, value, accumulate=False):
    """Write value into the elements of x that plan p selects (no autograd).
    A plan with a fused mask only sets (make accumulating plans with fused_mask=False)."""
    be = backend_for(x.device)
    v = p.view
    dst = (v._storage._buf, v._offset)
    if p.mask is not None:
        flat = _flat_mask(p.mask)
        n = p.mask.numel()
        mplan = be.mask_plan(flat, n)
        shape = (mplan[2],) + tuple(v._shape[p.mask.ndim:])
        val, step = _value_operand(x, value, shape, False)
        mshape, mstrides = _mask_geometry(p)
        be.mask_pass(1, flat, n, mplan, mshape, mstrides, dst, p.post, p.qstride, p.nq, val, step)
        return
    val, step = _value_operand(x, value, p.shape, accumulate)
    be.scatter(dst, p.pre, p.idx, p.post, p.qstride, p.nq, val, step, accumulate)


def setitem(x, key, value):
    _index_put(x, key, value, accumulate=False)


def index_put_(x, indices, values, accumulate=False):
    if not isinstance(indices, (tuple, list)):
        raise TypeError("index_put_(): argument 'indices' must be tuple of Tensors")
    return _index_put(x, tuple(indices), values, accumulate)


def index_put(x, indices, values, accumulate=False):
    return index_put_(clone(x), indices, values, accumulate)


def _index_put(x, key, value, accumulate):
    check_leaf(x)
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
    if x.requires_grad or (value_t is not None and value_t.requires_grad):
        src = x if x.requires_grad else None

        def backward(g):
            gx = None
            if src is not None:
                gx = g if accumulate else index_put_(clone(g), key, 0)
            gv = None
            if value_t is not None and value_t.requires_grad:
                gv = getitem(g, key)
            return gx, gv
        record("IndexPutBackward0", new, (x, value_t), backward)
    write(x, new)
    return x
