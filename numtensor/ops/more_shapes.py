"""Shape and index ops built from other numtensor ops: tensor_split (and hsplit, vsplit,
dsplit), take, take_along_dim, atleast_1d/2d/3d, column_stack, dstack, row_stack, kron,
tensordot, tril_indices, triu_indices, rot90, index_fill, index_copy, block_diag, vander.

Everything here composes views, cat, gather, indexing, masked_fill, mm ..., which run
on every backend and record their own gradients; the in-place forms write through
inplace.apply_inplace or setitem.  Plain Python only handles shapes, dims and index
lists given as Python ints.
"""
import operator
import warnings

from .. import _alloc, _dtype
from .._device import as_device
from .._layout import check_layout, strided
from .._tensor import Tensor
from ..autograd.derivatives import composite
from ..autograd.graph import is_grad_enabled
from .._backends.plan import broadcast_shapes, output_order
from . import advanced_indexing, elementwise as ew, joining, reductions, views
from ._common import (check_no_internal_overlap, is_contiguous, require_tensor,
                      scalar_type_name, wrap_dim)
from .copy import clone, contiguous
from .inplace import apply_inplace
from .linalg_ops import mm
from .out_args import castable, check_grad, exact, finish
from .._type_names import python_type_name


def _index(value, fname, argname, position):
    """An int argument, with PyTorch's TypeError for anything else (floats, bools ...)."""
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise TypeError(f"{fname}(): argument '{argname}' (position {position}) must be int, "
                        f"not {type(value).__name__}")
    return operator.index(value)


def _first_outside(index, lo, hi):
    """The first value of index (row-major) outside [lo, hi), or None: for error texts."""
    flat = views.reshape(index.detach(), (-1,))
    bad = flat[(flat < lo) | (flat >= hi)]
    return bad[0].item() if bad.numel() else None


# ---- tensor_split / hsplit / vsplit / dsplit ----------------------------------------------
def _is_int(v):
    return hasattr(v, "__index__") and not isinstance(v, bool)


# the kinds of split argument PyTorch's overloads take, by their keyword names (a list
# of indices may hold 0-d integer tensors; a tensor on its own is the tensor overload)
_SPLIT_KINDS = {
    "sections": lambda v: _is_int(v) and not isinstance(v, Tensor),
    "indices": lambda v: isinstance(v, (list, tuple)) and all(_is_int(i) for i in v),
    "tensor_indices_or_sections": lambda v: isinstance(v, Tensor),
}


def _split_arg(fname, positional, **named):
    """The one split argument (an int, a list of ints or, for tensor_split, a tensor),
    whether passed by position or under the keyword of its overload."""
    given = {k: v for k, v in named.items() if v is not None}
    if positional is not None:
        given["positional"] = positional
    if len(given) == 1:
        (name, value), = given.items()
        kinds = list(named) if name == "positional" else [name]
        if any(_SPLIT_KINDS[kind](value) for kind in kinds):
            if isinstance(value, (list, tuple)):
                return [operator.index(i) for i in value]
            return value if isinstance(value, Tensor) else operator.index(value)
    got = ", ".join(type(v).__name__ if k == "positional" else f"{k}={type(v).__name__}"
                    for k, v in given.items())
    raise TypeError(f"{fname}() received an invalid combination of arguments - got (Tensor"
                    f"{', ' if got else ''}{got}), but expected one of: "
                    + ", ".join(f"({kind})" for kind in named))


def _from_index_tensor(t):
    """tensor_split's tensor argument: a 0-d tensor is a number of sections, a 1-d one
    a list of indices (read on the host, as PyTorch does)."""
    if t.device.type != "cpu":
        raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to be on cpu, but "
                           f"it's on {t.device}")
    if t.dtype is not _dtype.int64:
        raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to have dtype of "
                           f"long, but got {scalar_type_name(t.dtype)}")
    if t.ndim > 1:
        raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to be a "
                           f"zero-dimensional or one-dimensional tensor, but got a tensor with "
                           f"{t.ndim} dims")
    return t.item() if t.ndim == 0 else t.tolist()


def _clamped(i, size):
    """A split index as slicing reads it: negative counts from the end, then clamped."""
    if i < 0:
        i += size
    return min(max(i, 0), size)


def _split(x, value, dim):
    """tensor_split of x (at least 1-d) by an int or a list of ints: slices of x."""
    d = wrap_dim(dim, x.ndim)
    size = x._shape[d]
    if isinstance(value, int):
        if value <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {value}")
        q, r = divmod(size, value)
        sizes = [q + (i < r) for i in range(value)]
        bounds = [sum(sizes[:i]) for i in range(value + 1)]
    else:
        bounds = [0] + list(value) + [size]
    pieces, start = [], 0
    for end in bounds[1:]:
        lo = _clamped(start, size)
        hi = max(lo, _clamped(end, size))
        pieces.append(views._slice(x, d, lo, hi, 1))
        start = end
    return tuple(pieces)


def tensor_split(input, indices_or_sections=None, dim=0, *, sections=None, indices=None,
                 tensor_indices_or_sections=None):
    """Splits input along dim into views: into `sections` near-equal parts, or at `indices`."""
    value = _split_arg("tensor_split", indices_or_sections, sections=sections, indices=indices,
                       tensor_indices_or_sections=tensor_indices_or_sections)
    require_tensor("tensor_split", "input", 1, input)
    if isinstance(value, Tensor):
        value = _from_index_tensor(value)
    if input.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a "
                           "tensor with 0 dims")
    return _split(input, value, dim)


def _directional_split(fname, x, value, min_dims, dim):
    """hsplit / vsplit / dsplit: tensor_split along a fixed dim, whose size an int of
    sections must divide."""
    if x.ndim < min_dims:
        raise RuntimeError(f"torch.{fname} requires a tensor with at least {min_dims} dimension, "
                           f"but got a tensor with {x.ndim} dimensions!")
    if isinstance(value, int) and (value == 0 or x._shape[dim] % value):
        raise RuntimeError(f"torch.{fname} attempted to split along dimension {dim}, but the "
                           f"size of the dimension {x._shape[dim]} is not divisible by the "
                           f"split_size {value}!")
    return _split(x, value, dim)


def hsplit(input, indices_or_sections=None, *, sections=None, indices=None):
    """Splits input column-wise (dim 1, or dim 0 of a 1-d tensor) into views."""
    value = _split_arg("hsplit", indices_or_sections, sections=sections, indices=indices)
    require_tensor("hsplit", "input", 1, input)
    return _directional_split("hsplit", input, value, 1, 0 if input.ndim == 1 else 1)


def vsplit(input, indices_or_sections=None, *, sections=None, indices=None):
    """Splits input row-wise (dim 0) into views."""
    value = _split_arg("vsplit", indices_or_sections, sections=sections, indices=indices)
    require_tensor("vsplit", "input", 1, input)
    return _directional_split("vsplit", input, value, 2, 0)


def dsplit(input, indices_or_sections=None, *, sections=None, indices=None):
    """Splits input depth-wise (dim 2) into views."""
    value = _split_arg("dsplit", indices_or_sections, sections=sections, indices=indices)
    require_tensor("dsplit", "input", 1, input)
    return _directional_split("dsplit", input, value, 3, 2)


def tensor_split_method(self, indices_or_sections=None, dim=0, *, sections=None, indices=None,
                        tensor_indices_or_sections=None):
    """See torch.tensor_split."""
    return tensor_split(self, indices_or_sections, dim, sections=sections, indices=indices,
                        tensor_indices_or_sections=tensor_indices_or_sections)


def _split_method(fn):
    def method(self, split_size_or_sections=None, *, sections=None, indices=None):
        return fn(self, split_size_or_sections, sections=sections, indices=indices)
    method.__name__ = method.__qualname__ = fn.__name__
    method.__doc__ = f"See torch.{fn.__name__}."
    return method


# ---- take / take_along_dim ------------------------------------------------------------------
def _same_dtype_as_self(want, got, fname):
    if got is not want:
        raise RuntimeError(f"take(): self and out expected to have the same dtype, but got "
                           f"self.dtype = {scalar_type_name(want)} and out.dtype = "
                           f"{scalar_type_name(got)}")


def take(input, index, *, out=None):
    """The elements of input, read as a 1-d tensor, at index (the result has index's shape)."""
    if out is not None:
        check_grad("take", out, input)
        return finish("take", take(input, index), out, (input,), _same_dtype_as_self)
    require_tensor("take", "input", 1, input)
    require_tensor("take", "index", 2, index)
    if index.dtype is not _dtype.int64:
        raise RuntimeError(f"take(): Expected a long tensor for index, but got "
                           f"{scalar_type_name(index.dtype)}")
    n = input.numel()
    if n == 0 and index.numel():
        raise IndexError("take(): tried to take from an empty tensor")
    try:
        return _take(input, index)
    except IndexError:
        bad = _first_outside(index, -n, n)
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} "
                         f"elements.") from None


@composite("TakeBackward0", inputs=("input",))
def _take(input, index):
    flat = views.reshape(input, (-1,))
    # an advanced index always copies (a 0-d index must not give a view)
    res = advanced_indexing.getitem(flat, (views.reshape(index, (-1,)),))
    return views.reshape(res, index._shape)


def take_method(self, index):
    """See torch.take."""
    return take(self, index)


def _checked_indices(indices, dim):
    """take_along_dim's indices as int64: along a dim they must be int64 already; the
    flattened form (dim=None) is a gather, which also takes int32."""
    require_tensor("take_along_dim", "indices", 2, indices)
    if indices.dtype is _dtype.int64:
        return indices
    if dim is not None:
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{scalar_type_name(indices.dtype)}")
    if indices.dtype is not _dtype.int32:
        raise RuntimeError("gather(): Expected dtype int32/int64 for index")
    return indices.to(_dtype.int64)


def _gather_modulo(x, d, index):
    """gather, with the indices taken modulo the size of dim d (as PyTorch's take_along_dim
    along a dim reads them: -1 is the last element, size + 1 the second)."""
    try:
        return joining.gather(x, d, index)
    except joining.IndexOutOfBounds:
        if not x._shape[d]:
            raise
    return joining.gather(x, d, ew.remainder(index, x._shape[d]))


def take_along_dim(input, indices, dim=None, *, out=None):
    """Values of input at indices along dim (input and indices broadcast on the other dims)."""
    if out is not None:
        check_grad("take_along_dim", out, input)
        return finish("take_along_dim", take_along_dim(input, indices, dim), out, (input,),
                      exact)
    require_tensor("take_along_dim", "input", 1, input)
    indices = _checked_indices(indices, dim)
    if dim is None:
        return joining.gather(views.reshape(input, (-1,)), 0, views.reshape(indices, (-1,)))
    if input.ndim != indices.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same "
                           f"number of dimensions, but got {input.ndim} dimensions for input, and "
                           f"{indices.ndim} dimensions for indices")
    if input.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    d = wrap_dim(dim, input.ndim)
    index_shape = broadcast_shapes(_with_size(input._shape, d, indices._shape[d]), indices._shape)
    input_shape = broadcast_shapes(_with_size(indices._shape, d, input._shape[d]), input._shape)
    return _gather_modulo(_expanded(input, input_shape), d, _expanded(indices, index_shape))


def _with_size(shape, d, n):
    shape = list(shape)
    shape[d] = n
    return tuple(shape)


def _expanded(x, shape):
    return x if tuple(x._shape) == tuple(shape) else views.expand(x, shape)


def take_along_dim_method(self, indices, dim=None):
    """See torch.take_along_dim."""
    return take_along_dim(self, indices, dim)


# ---- atleast_1d / 2d / 3d -------------------------------------------------------------------
def _at_least(fname, grow, tensors):
    """PyTorch's variadic rule: one tensor gives a tensor; several, or one sequence, a tuple."""
    if len(tensors) == 1:
        tensors = tensors[0]
        if isinstance(tensors, Tensor):
            return grow(tensors)
        if not isinstance(tensors, (list, tuple)):
            raise TypeError(f"{fname}() received an invalid combination of arguments - got "
                            f"({type(tensors).__name__}), but expected one of: (Tensor input) "
                            f"or (tuple of Tensors tensors)")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{python_type_name(t)}")
    return tuple(grow(t) for t in tensors)


def _grow_1d(x):
    return views.reshape(x, (1,)) if x.ndim == 0 else x


def _grow_2d(x):
    if x.ndim == 0:
        return views.reshape(x, (1, 1))
    return views.unsqueeze(x, 0) if x.ndim == 1 else x


def _grow_3d(x):
    if x.ndim == 0:
        return views.reshape(x, (1, 1, 1))
    if x.ndim == 1:
        return views.unsqueeze(views.unsqueeze(x, 0), -1)
    return views.unsqueeze(x, -1) if x.ndim == 2 else x


def atleast_1d(*tensors):
    """Each tensor viewed with at least 1 dimension."""
    return _at_least("atleast_1d", _grow_1d, tensors)


def atleast_2d(*tensors):
    """Each tensor viewed with at least 2 dimensions."""
    return _at_least("atleast_2d", _grow_2d, tensors)


def atleast_3d(*tensors):
    """Each tensor viewed with at least 3 dimensions."""
    return _at_least("atleast_3d", _grow_3d, tensors)


# ---- column_stack / dstack / row_stack ----------------------------------------------------
def _nonempty_list(tensors, fname):
    if isinstance(tensors, (list, tuple)) and not tensors:
        raise RuntimeError(f"{fname} expects a non-empty TensorList")
    return joining._tensor_list(tensors, fname)


def column_stack(tensors, *, out=None):
    """Stacks tensors as columns: 0-d and 1-d tensors become columns, then hstack."""
    tensors = _nonempty_list(tensors, "column_stack")
    cols = [views.reshape(t, (t.numel(), 1)) if t.ndim <= 1 else t for t in tensors]
    return joining.hstack(cols, out=out)


def dstack(tensors, *, out=None):
    """Stacks tensors depth-wise (along dim 2, after atleast_3d)."""
    tensors = _nonempty_list(tensors, "dstack")
    return joining.cat([_grow_3d(t) for t in tensors], 2, out=out)


def row_stack(tensors, *, out=None):
    """Alias of torch.vstack."""
    tensors = _nonempty_list(tensors, "vstack")
    return joining.vstack(tensors, out=out)


# ---- kron / tensordot ---------------------------------------------------------------------
def kron(input, other, *, out=None):
    """The Kronecker product of input and other."""
    require_tensor("kron", "input", 1, input)
    require_tensor("kron", "other", 2, other)
    if out is not None:
        check_grad("mul", out, input, other)
        return finish("kron", kron(input, other), out, (input, other), castable)
    nd = max(input.ndim, other.ndim)
    a_shape = (1,) * (nd - input.ndim) + tuple(input._shape)
    b_shape = (1,) * (nd - other.ndim) + tuple(other._shape)
    # a as (a0, 1, a1, 1, ...) times b as (1, b0, 1, b1, ...): the product's (a_i, b_i)
    # pairs then merge into dims of size a_i * b_i
    a = views.reshape(input, tuple(s for n in a_shape for s in (n, 1)))
    b = views.reshape(other, tuple(s for n in b_shape for s in (1, n)))
    prod = ew.mul(a, b)
    shape = tuple(m * n for m, n in zip(a_shape, b_shape))
    if prod.requires_grad and is_contiguous(prod):  # PyTorch's node: _unsafe_view
        from .linalg_ops import _unsafe_view
        return _unsafe_view(prod, shape)
    return views.reshape(prod, shape)


def kron_method(self, other):
    """See torch.kron."""
    return kron(self, other)


def _tensordot_dims(a, b, dims):
    """torch.tensordot's dims argument as two lists of dims (the Python part of torch's
    tensordot, with its errors)."""
    if isinstance(dims, bool) or not isinstance(dims, (tuple, list, Tensor, int)):
        raise RuntimeError(f"tensordot expects dims to be int or tuple[list[int], list[int]] or "
                           f"list[list[int]] containing two lists, but got dims={dims}")
    if isinstance(dims, Tensor):
        if dims.numel() > 1:
            if dims._shape[0] != 2:
                raise AssertionError(f"dims tensor must have size 2 in first dimension, got "
                                     f"{dims._shape[0]}")
            return dims[0].tolist(), dims[1].tolist()
        count = int(dims.item())
        if count < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        return list(range(-count, 0)), list(range(count))
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(a.ndim, b.ndim):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        return list(range(-dims, 0)), list(range(dims))
    dims_a, dims_b = dims
    return dims_a, dims_b


def _dim_list(dims, argname, position):
    if not isinstance(dims, (list, tuple)):
        raise TypeError(f"tensordot(): argument '{argname}' (position {position}) must be tuple "
                        f"of ints, not {type(dims).__name__}")
    return [_index(d, "tensordot", argname, position) for d in dims]


def _contract(a, b, dims_a, dims_b):
    """a and b with their paired dims summed over (a size-1 dim against any size is
    summed on its own first), as (a's other dims, contracted) and (contracted, b's other
    dims) matrices."""
    size = 1
    for da, db in zip(dims_a, dims_b):
        sa, sb = a._shape[wrap_dim(da, a.ndim)], b._shape[wrap_dim(db, b.ndim)]
        if sb == 1:
            a = reductions.sum(a, da, True, dtype=a.dtype)
        elif sa == 1:
            b = reductions.sum(b, db, True, dtype=b.dtype)
        elif sa != sb:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {sa} "
                               f"in dim {da} and second has size {sb} in dim {db}")
        else:
            size *= sa
    return a, b, size


def _distinct(dims, ndim):
    wrapped = [wrap_dim(d, ndim) for d in dims]
    for d in wrapped:
        if wrapped.count(d) > 1:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return wrapped


def _tensordot_out_rule(want, got, fname):
    if got is not want:
        raise RuntimeError(f"tensordot: Expected the output tensor to have dtype "
                           f"{scalar_type_name(want)}, but got an output tensor with dtype "
                           f"{scalar_type_name(got)}")


def tensordot(a, b, dims=2, out=None):
    """Contracts a and b over dims: the last `dims` dims of a with the first of b, or the
    two given lists of dims."""
    require_tensor("tensordot", "a", 1, a)
    require_tensor("tensordot", "b", 2, b)
    dims_a, dims_b = _tensordot_dims(a, b, dims)
    dims_a, dims_b = _dim_list(dims_a, "dims_self", 3), _dim_list(dims_b, "dims_other", 4)
    if out is not None:
        return finish("tensordot", tensordot(a, b, (dims_a, dims_b)), out, (a, b),
                      _tensordot_out_rule)
    if len(dims_a) != len(dims_b):
        raise RuntimeError("both dimension lists should have same length")
    if a.dtype is not b.dtype:
        raise RuntimeError("both inputs should have same dtype")
    ta, tb, size = _contract(a, b, dims_a, dims_b)
    dims_a, dims_b = _distinct(dims_a, a.ndim), _distinct(dims_b, b.ndim)
    free_a = [d for d in range(a.ndim) if d not in dims_a]
    free_b = [d for d in range(b.ndim) if d not in dims_b]
    shape = [ta._shape[d] for d in free_a] + [tb._shape[d] for d in free_b]
    rows = views.reshape(views.permute(ta, free_a + dims_a), (_prod(shape[:len(free_a)]), size))
    cols = views.reshape(views.permute(tb, dims_b + free_b), (size, _prod(shape[len(free_a):])))
    return views.reshape(mm(rows, cols), shape)


def _prod(sizes):
    n = 1
    for s in sizes:
        n *= s
    return n


# ---- tril_indices / triu_indices ------------------------------------------------------------
def _triangle_indices(fname, row, col, offset, dtype, device, layout, lower):
    row, col = _index(row, fname, "row", 1), _index(col, fname, "col", 2)
    offset = _index(offset, fname, "offset", 3)
    check_layout(layout)
    dtype = _dtype.int64 if dtype is None else _dtype.as_dtype(dtype)
    if row < 0:
        raise RuntimeError(f"row must be non-negative, got{row}")
    if col < 0:
        raise RuntimeError(f"col must be non-negative, got{col}")
    if dtype not in (_dtype.int64, _dtype.int32):
        raise NotImplementedError(f"\"{fname}\" not implemented for '{scalar_type_name(dtype)}'")
    dev = as_device(device)
    rows = views.unsqueeze(_alloc.arange(row, _dtype.int64, dev), 1)
    cols = _alloc.arange(col, _dtype.int64, dev)
    diff = ew.sub(cols, rows)  # column - row, per element of the row x col matrix
    mask = ew.le(diff, offset) if lower else ew.ge(diff, offset)
    # nonzero lists the coordinates in row-major order, the order PyTorch gives
    rows, cols = joining.nonzero(mask, as_tuple=True)
    return joining.stack([rows, cols]).to(dtype)


def tril_indices(row, col, offset=0, *, dtype=_dtype.int64, device=None, layout=strided):
    """The coordinates (a 2 x N tensor) of the lower triangle of a row x col matrix."""
    return _triangle_indices("tril_indices", row, col, offset, dtype, device, layout, True)


def triu_indices(row, col, offset=0, *, dtype=_dtype.int64, device=None, layout=strided):
    """The coordinates (a 2 x N tensor) of the upper triangle of a row x col matrix."""
    return _triangle_indices("triu_indices", row, col, offset, dtype, device, layout, False)


# ---- rot90 ----------------------------------------------------------------------------------
def _flip_keeping_layout(x, dims):
    """flip(x, dims) laid out in memory as PyTorch lays it out: in x's own dim order
    (flip writes a contiguous result, so flip x seen in that order, then view it back)."""
    order = list(output_order(x._shape, [x._strides]))
    if order == list(range(x.ndim)):
        return joining.flip(x, *dims)
    flipped = joining.flip(views.permute(x, order), *(order.index(d) for d in dims))
    return views.permute(flipped, [order.index(d) for d in range(x.ndim)])


def rot90(input, k=1, dims=(0, 1)):
    """Rotates input by 90 degrees k times, from the first towards the second of dims."""
    require_tensor("rot90", "input", 1, input)
    k = _index(k, "rot90", "k", 2)
    if not isinstance(dims, (list, tuple)):
        raise TypeError(f"rot90(): argument 'dims' (position 3) must be tuple of ints, not "
                        f"{type(dims).__name__}")
    nd = input.ndim
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if nd < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {nd}")
    d0, d1 = (_index(d, "rot90", "dims", 3) for d in dims)
    w0, w1 = wrap_dim(d0, nd), wrap_dim(d1, nd)
    if w0 == w1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and "
                           f"dim1 = {d1}")
    return _rot90(input, k % 4, w0, w1)


@composite("Rot90Backward0", inputs=("input",))
def _rot90(input, k, w0, w1):
    # PyTorch's recipe (and so its strides): flip, then transpose the flipped copy
    if k == 1:
        return views.transpose(_flip_keeping_layout(input, (w1,)), w0, w1)
    if k == 2:
        return _flip_keeping_layout(input, (w0, w1))
    if k == 3:
        return views.transpose(_flip_keeping_layout(input, (w0,)), w0, w1)
    return clone(input) if is_contiguous(input) else contiguous(input)


def rot90_method(self, k=1, dims=(0, 1)):
    """See torch.rot90."""
    return rot90(self, k, dims)


# ---- index_fill ---------------------------------------------------------------------------
def _dim_mask(x, d, index):
    """A bool tensor broadcastable to x: True at the positions index picks along dim d."""
    size = x._shape[d] if x.ndim else 1
    mask = _alloc.zeros((size,), _dtype.bool_, x.device)
    try:
        mask[views.reshape(index, (-1,))] = True
    except IndexError:
        bad = _first_outside(index, -size, size)
        raise IndexError(f"index {bad} is out of bounds for dimension {d} with size "
                         f"{size}") from None
    return views.reshape(mask, _with_size((1,) * x.ndim, d, size) if x.ndim else ())


def index_fill(input, dim, index, value):
    """A copy of input with value written at index along dim."""
    require_tensor("index_fill", "input", 1, input)
    require_tensor("index_fill", "index", 3, index)
    if index.dtype is not _dtype.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    if isinstance(value, Tensor) and value.ndim:
        raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got "
                           f"tensor with {value.ndim} dimension(s).")
    if isinstance(value, complex) and not input.dtype.is_complex:
        raise RuntimeError("index_fill_(): Converting complex Scalar to non-complex type is not "
                           "supported")
    d = wrap_dim(dim, input.ndim)
    if index.ndim > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    mask = _dim_mask(input, d, index)
    if isinstance(value, Tensor):
        return _index_fill_tensor(input, mask, value)
    return _index_fill(input, mask, value)


def _index_fill_compute(input, mask, value):
    return joining.masked_fill(input, mask, value)


# one node, named as PyTorch's (a tensor value is an input of the node too)
_index_fill = composite("IndexFillBackward0", inputs=("input",))(_index_fill_compute)
_index_fill_tensor = composite("IndexFillBackward1", inputs=("input", "value"))(
    _index_fill_compute)


def index_fill_method(self, dim, index, value):
    """See torch.index_fill."""
    return index_fill(self, dim, index, value)


def index_fill_(self, dim, index, value):
    """Writes value at index along dim of self, in place."""
    if any(s == 0 and n > 1 for n, s in zip(self._shape, self._strides)):
        warnings.warn("Use of index_fill_ on expanded tensors is deprecated. Please clone() the "
                      "tensor before performing this operation. This also applies to advanced "
                      "indexing e.g. tensor[mask] = scalar", UserWarning, stacklevel=2)
    others = (value,) if isinstance(value, Tensor) else ()
    return apply_inplace(self, lambda cur: index_fill(cur, dim, index, value), others)


# ---- index_copy ---------------------------------------------------------------------------
def _sliced_shape(shape, d):
    return [n for i, n in enumerate(shape) if i != d]


def _check_index_copy(x, d, index, source):
    """PyTorch's checks of index_copy_, in its order."""
    require_tensor("index_copy", "index", 3, index)
    require_tensor("index_copy", "source", 4, source)
    if index.ndim > 1:
        raise IndexError(f"index_copy_(): Index should have dimension 1 or 0 (got {index.ndim})")
    count = index.numel()
    if source.ndim == 0 and count != 1:
        raise IndexError(f"index_copy_(): When source is scalar, index should have one element "
                         f"(got {count})")
    if source.ndim != x.ndim and source.ndim and x.ndim:
        raise IndexError(f"index_copy_(): When source and destination are not scalars, their "
                         f"dimensionality must match. Source dimensionality ({source.ndim}), "
                         f"destination dimensionality ({x.ndim})")
    if index.dtype is not _dtype.int64:
        raise RuntimeError(f"index_copy_(): Expected a long tensor for index, but got "
                           f"{scalar_type_name(index.dtype)}")
    if source.dtype is not x.dtype:
        raise RuntimeError(f"index_copy_(): self and source expected to have the same dtype, but "
                           f"got (self) {scalar_type_name(x.dtype)} and (source) "
                           f"{scalar_type_name(source.dtype)}")
    want, got = _sliced_shape(x._shape, d), _sliced_shape(source._shape, d)
    if want != got:
        raise RuntimeError(f"index_copy_(): Source/destination tensor must have same slice "
                           f"shapes. Destination slice shape: {' '.join(map(str, want))} at "
                           f"dimension {d} and source slice shape: {' '.join(map(str, got))} "
                           f"at dimension 0.")
    if source.ndim and count != source._shape[d]:
        raise IndexError(f"index_copy_(): Number of indices ({count}) should be equal to "
                         f"source.size(dim) ({source._shape[d]})")
    size = x._shape[d] if x.ndim else 1
    bad = _first_outside(index, 0, size) if count else None
    if bad is not None:
        raise IndexError(f"index_copy_(): index {bad} is out of bounds for dimension {d} with "
                         f"size {size}")


def _copy_rows(target, d, index, source):
    """target's slices index along d = source's slices (target is written in place)."""
    if target.ndim == 0:
        target = views.reshape(target, (1,))
    idx = views.reshape(index, (-1,))
    region = _with_size(target._shape, d, idx._shape[0])
    value = source if tuple(source._shape) == region else views.reshape(source, region)
    target[(slice(None),) * d + (idx,)] = value


def index_copy(input, dim, index, source, *, out=None):
    """A copy of input whose slices index along dim are source's slices."""
    if out is not None:
        check_grad("index_copy", out, input, source)
        return finish("index_copy", index_copy(input, dim, index, source), out, (input,), exact)
    require_tensor("index_copy", "input", 1, input)
    d = wrap_dim(dim, input.ndim)
    _check_index_copy(input, d, index, source)
    return _index_copy(input, d, index, source)


@composite("IndexCopyBackward0", inputs=("input", "source"))
def _index_copy(input, d, index, source):
    res = clone(input)
    _copy_rows(res, d, index, source)
    return res


def index_copy_method(self, dim, index, source):
    """See torch.index_copy."""
    return index_copy(self, dim, index, source)


def index_copy_(self, dim, index, source):
    """Copies source's slices into the slices index along dim of self, in place."""
    d = wrap_dim(dim, self.ndim)
    _check_index_copy(self, d, index, source)
    check_no_internal_overlap(self)
    if is_grad_enabled() and (self._requires_grad or source._requires_grad):
        # one IndexCopyBackward0 node, as PyTorch's in-place op has
        return apply_inplace(self, lambda cur: _index_copy(cur, d, index, source), (source,))
    _copy_rows(self, d, index, source)
    return self


# ---- block_diag / vander --------------------------------------------------------------------
def _as_block(t):
    """block_diag's 2-d form of a tensor: a 0-d one is 1 x 1, a 1-d one a single row."""
    return views.reshape(t, (1,) * (2 - t.ndim) + tuple(t._shape)) if t.ndim < 2 else t


def block_diag(*tensors):
    """The block diagonal matrix of the given tensors (0-d and 1-d ones count as rows)."""
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{python_type_name(t)}")
    if not tensors:
        return _alloc.zeros((1, 0), _dtype.get_default_dtype())
    for i, t in enumerate(tensors):
        if t.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer "
                               f"dimensions. Input {i} has {t.ndim} dimensions")
    if is_grad_enabled() and any(t.requires_grad for t in tensors):
        return _block_diag_node(len(tensors))(*tensors)
    return _block_diag(*tensors)


_BLOCK_DIAG_NODES = {}  # number of tensors -> block_diag recorded as one node


def _block_diag_node(n):
    """_block_diag as PyTorch's BlockDiagBackward0: an edge per tensor, (None, 0) for one
    that does not require grad."""
    node = _BLOCK_DIAG_NODES.get(n)
    if node is None:
        import inspect
        names = tuple(f"tensor{i}" for i in range(n))

        def block_diag_of(*tensors):
            return _block_diag(*tensors)
        block_diag_of.__signature__ = inspect.Signature(
            [inspect.Parameter(name, inspect.Parameter.POSITIONAL_ONLY) for name in names])
        node = _BLOCK_DIAG_NODES[n] = composite("BlockDiagBackward0", inputs=names)(block_diag_of)
    return node


def _block_diag(*tensors):
    dt = _dtype.result_type(*tensors)
    blocks = [_as_block(t) for t in tensors]
    rows = sum(b._shape[0] for b in blocks)
    cols = sum(b._shape[1] for b in blocks)
    res = _alloc.zeros((rows, cols), dt, tensors[0].device)
    r = c = 0
    for b in blocks:
        h, w = b._shape
        if h and w:
            res[r:r + h, c:c + w] = b if b.dtype is dt else b.to(dt)
        r, c = r + h, c + w
    return res


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of the 1-d tensor x: columns x**(N-1), ..., x**0 (or
    increasing powers)."""
    require_tensor("vander", "x", 1, x)
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x._shape[0] if N is None else _index(N, "vander", "N", 2)
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    # integer and bool x give int64 (PyTorch builds the powers with cumprod)
    dt = _dtype.promote_types(x.dtype, _dtype.int64)
    columns = [_alloc.ones((x._shape[0], min(n, 1)), dt, x.device)]
    if n > 1:
        col = views.unsqueeze(x if x.dtype is dt else x.to(dt), 1)
        powers = views.expand(col, (x._shape[0], n - 1))
        columns.append(reductions.cumprod(powers, 1))
    res = joining.cat(columns, 1)
    return res if increasing else joining.flip(res, 1)


FUNCTIONS = {  # torch.<name>
    "tensor_split": tensor_split, "hsplit": hsplit, "vsplit": vsplit, "dsplit": dsplit,
    "take": take, "take_along_dim": take_along_dim,
    "atleast_1d": atleast_1d, "atleast_2d": atleast_2d, "atleast_3d": atleast_3d,
    "column_stack": column_stack, "dstack": dstack, "row_stack": row_stack,
    "kron": kron, "tensordot": tensordot,
    "tril_indices": tril_indices, "triu_indices": triu_indices, "rot90": rot90,
    "index_fill": index_fill, "index_copy": index_copy,
    "block_diag": block_diag, "vander": vander,
}

METHODS = {  # Tensor.<name>
    "tensor_split": tensor_split_method, "hsplit": _split_method(hsplit),
    "vsplit": _split_method(vsplit), "dsplit": _split_method(dsplit),
    "take": take_method, "take_along_dim": take_along_dim_method, "kron": kron_method,
    "rot90": rot90_method, "index_fill": index_fill_method, "index_fill_": index_fill_,
    "index_copy": index_copy_method, "index_copy_": index_copy_,
}
