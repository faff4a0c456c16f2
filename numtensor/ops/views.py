"""View ops: new shape/strides/offset over the same storage, never a copy.

Each records a gradient that maps the view's gradient back to the input's shape.
"""
import math
import operator

from .. import _alloc, _dtype
from .._size import parse_size
from .._tensor import Tensor, make_tensor
from ..autograd.derivatives import attach, derivative
from .._backends.plan import contiguous_strides
from ._common import is_contiguous, shape_str, wrap_dim
from .view_dtype import is_dtype, view_as_dtype


def make_view(x, shape, strides, offset=None):
    """A tensor sharing x's storage; _base points at the tensor that owns the memory."""
    v = make_tensor(x._storage, x._offset if offset is None else offset, tuple(shape), tuple(strides))
    v._base = x if x._base is None else x._base
    return v


def _infer_size(shape, numel):
    shape = list(shape)
    infer = None
    known = 1
    for i, s in enumerate(shape):
        if s == -1:
            if infer is not None:
                raise RuntimeError("only one dimension can be inferred")
            infer = i
        elif s < 0:
            raise RuntimeError(f"invalid shape dimension {s}")
        else:
            known *= s
    if infer is not None:
        if known == 0 or numel % known != 0:
            raise RuntimeError(f"shape '{shape_str(shape)}' is invalid for input of size {numel}")
        shape[infer] = numel // known
    elif known != numel:
        raise RuntimeError(f"shape '{shape_str(shape)}' is invalid for input of size {numel}")
    return tuple(shape)


def _view_strides(old_shape, old_strides, new_shape):
    """Strides giving new_shape over the same memory, or None if impossible.

    Groups of old dims that are contiguous with each other can be split/merged freely
    (PyTorch's computeStride).
    """
    if not old_shape:
        return contiguous_strides(new_shape)
    numel = 1
    for s in old_shape:
        numel *= s
    if numel == 0:  # torch keeps the strides of an empty tensor viewed at its own shape
        return tuple(old_strides) if tuple(old_shape) == tuple(new_shape) else contiguous_strides(new_shape)
    new_strides = [0] * len(new_shape)
    view_d = len(new_shape) - 1
    chunk_base_stride = old_strides[-1]
    tensor_numel = 1
    view_numel = 1
    for tensor_d in range(len(old_shape) - 1, -1, -1):
        tensor_numel *= old_shape[tensor_d]
        if tensor_d == 0 or (old_shape[tensor_d - 1] != 1 and
                             old_strides[tensor_d - 1] != tensor_numel * chunk_base_stride):
            while view_d >= 0 and (view_numel < tensor_numel or new_shape[view_d] == 1):
                new_strides[view_d] = view_numel * chunk_base_stride
                view_numel *= new_shape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if tensor_d > 0:
                chunk_base_stride = old_strides[tensor_d - 1]
                tensor_numel = 1
                view_numel = 1
    if view_d != -1:
        return None
    return tuple(new_strides)


def _require_shape(name, shape):
    if not shape:
        raise TypeError(f"{name}() missing 1 required positional arguments: \"shape\"")


def view(x, *shape, dtype=None):
    if dtype is not None and not shape:
        shape = (dtype,)
    if len(shape) == 1 and is_dtype(shape[0]):
        return view_as_dtype(x, shape[0])  # reinterpret the bits
    _require_shape("view", shape)
    if len(shape) == 1 and not isinstance(shape[0], (list, tuple)) and not hasattr(shape[0], "__index__"):
        raise TypeError(f"view(): argument 'size' must be tuple of ints, but found {type(shape[0]).__name__}")
    shape = _infer_size(parse_size(shape), x.numel())
    strides = _view_strides(x._shape, x._strides, shape)
    if strides is None:
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
    out = make_view(x, shape, strides)
    if x.requires_grad:
        attach(_view_backward, out, (x,), shape=x._shape)
    return out


def _reshape_backward(ctx, g):
    return (reshape(g, ctx.shape),)


_view_backward = derivative("ViewBackward0")(_reshape_backward)
_unsafe_view_backward = derivative("UnsafeViewBackward0")(_reshape_backward)
_reshape_alias_backward = derivative("ReshapeAliasBackward0")(_reshape_backward)
_squeeze_backward = derivative("SqueezeBackward0")(_reshape_backward)


def reshape(input, *shape):
    x = input  # torch's parameter name, short local
    _require_shape("reshape", shape)
    shape = _infer_size(parse_size(shape), x.numel())
    strides = _view_strides(x._shape, x._strides, shape)
    if strides is not None:
        out = make_view(x, shape, strides)
        # torch names a reshape that views a non-contiguous tensor _reshape_alias
        d = _view_backward if is_contiguous(x) else _reshape_alias_backward
    else:
        from .copy import contiguous_copy
        out = contiguous_copy(x)
        out = make_tensor(out._storage, 0, shape, contiguous_strides(shape))
        d = _unsafe_view_backward
    if x.requires_grad:
        attach(d, out, (x,), shape=x._shape)
    return out


def view_as(x, other):
    return view(x, other._shape)


def reshape_as(x, other):
    return reshape(x, other._shape)


def flatten(input, start_dim=0, end_dim=-1):
    x = input  # torch's parameter name, short local
    nd = x.ndim
    s = wrap_dim(start_dim, nd)
    e = wrap_dim(end_dim, nd)
    if nd == 0:
        return reshape(x, 1)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return x
    n = 1
    for d in range(s, e + 1):
        n *= x._shape[d]
    return reshape(x, x._shape[:s] + (n,) + x._shape[e + 1:])


def unflatten(input, dim, sizes):
    x = input  # torch's parameter name, short local
    d = wrap_dim(dim, x.ndim)
    sizes = _infer_size(tuple(sizes), x._shape[d])
    return view(x, x._shape[:d] + sizes + x._shape[d + 1:])


def permute(input, *dims):
    x = input  # torch's parameter name, short local
    dims = parse_size(dims, "dims")
    nd = x.ndim
    if len(dims) != nd:
        raise RuntimeError(
            f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
            f"length of the desired ordering of dimensions i.e. input.dim() = {nd} is not equal "
            f"to len(dims) = {len(dims)}")
    dims = tuple(wrap_dim(d, nd) for d in dims)
    if len(set(dims)) != nd:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    out = make_view(x, [x._shape[d] for d in dims], [x._strides[d] for d in dims])
    if x.requires_grad:
        inv = [0] * nd
        for i, d in enumerate(dims):
            inv[d] = i
        attach(_permute_backward, out, (x,), inverse=inv)
    return out


@derivative("PermuteBackward0")
def _permute_backward(ctx, g):
    return (permute(g, ctx.inverse),)


def transpose(input, dim0, dim1):
    return _transposed(input, dim0, dim1, "TransposeBackward0")


def _transposed(x, dim0, dim1, node_name):
    nd = x.ndim
    d0, d1 = wrap_dim(dim0, nd), wrap_dim(dim1, nd)
    if nd == 0:
        return alias(x, node_name)
    shape, strides = list(x._shape), list(x._strides)
    shape[d0], shape[d1] = shape[d1], shape[d0]
    strides[d0], strides[d1] = strides[d1], strides[d0]
    out = make_view(x, shape, strides)
    if x.requires_grad:
        attach(_transpose_backward, out, (x,), node_name, dims=(d0, d1))
    return out


@derivative("TransposeBackward0")
def _transpose_backward(ctx, g):
    return (transpose(g, *ctx.dims),)


swapdims = transpose


def swapaxes(input, axis0, axis1):
    """transpose under NumPy's parameter names, as torch.swapaxes takes them."""
    return transpose(input, axis0, axis1)


def t(input):
    return _t_view(input, "t", "TBackward0")


def _t_view(x, fname, node_name):
    if x.ndim > 2:
        raise RuntimeError(f"{fname}() expects a tensor with <= 2 dimensions, but self is "
                           f"{x.ndim}D")
    if x.ndim < 2:
        return alias(x, node_name)
    out = make_view(x, x._shape[::-1], x._strides[::-1])
    if x.requires_grad:
        attach(_t_backward, out, (x,), node_name)
    return out


@derivative("TBackward0")
def _t_backward(ctx, g):
    return (t(g),)


@derivative("AliasBackward0")
def _alias_backward(ctx, g):
    return (g,)


def alias(x, name="AliasBackward0"):
    out = make_view(x, x._shape, x._strides)
    if x.requires_grad:
        attach(_alias_backward, out, (x,), node_name=name)
    return out


def matrix_T(x):
    if x.ndim != 2:  # PyTorch still reverses the dims, warning once per process
        from .._global_switches import warn_once
        warn_once(_T_OF_0D if x.ndim == 0 else _T_OF_ND)
    if x.ndim < 2:
        return t(x)
    return permute(x, list(range(x.ndim))[::-1])


_T_OF_0D = "Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases."
_T_OF_ND = ("The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
            "deprecated and it will throw an error in a future release. Consider `x.mT` to "
            "transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` "
            "to reverse the dimensions of a tensor.")


def mH(x):
    """The conjugate transpose of the last two dims (x.mT for real tensors)."""
    from .elementwise import conj
    return conj(mT(x))


def matrix_H(x):
    if x.ndim != 2:
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got "
                           f"{x.ndim}-D tensor.")
    return mH(x)


def mT(x):
    if x.ndim == 0:  # PyTorch still accepts it, with a warning
        import warnings
        warnings.warn("Tensor.mT is deprecated on 0-D tensors. This function is the identity "
                      "in these cases.", UserWarning, stacklevel=2)
        return alias(x)
    if x.ndim < 2:
        raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. "
                           f"Got {x.ndim}-D tensor.")
    return transpose(x, -2, -1)


def expand(x, *sizes):
    sizes = parse_size(sizes)
    nd = len(sizes)
    if nd < x.ndim:
        raise RuntimeError(
            f"expand({x.type()}{{{shape_str(x._shape)}}}, size={shape_str(sizes)}): the number of "
            f"sizes provided ({nd}) must be greater or equal to the number of dimensions in the "
            f"tensor ({x.ndim})")
    off = nd - x.ndim
    shape, strides = [], []
    for i, s in enumerate(sizes):
        if i < off:
            if s < 0:
                raise RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed in a "
                                   "leading, non-existing dimension 0")
            shape.append(s)
            strides.append(0)
            continue
        cur, st = x._shape[i - off], x._strides[i - off]
        if s == -1:
            s = cur
        elif s < 0:
            raise RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed")
        if cur == s:
            shape.append(s)
            strides.append(st)
        elif cur == 1:
            shape.append(s)
            strides.append(0)
        else:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                f"non-singleton dimension {i}.  Target sizes: {shape_str(sizes)}.  Tensor sizes: "
                f"{shape_str(x._shape)}")
    for i in range(off - 1, -1, -1):
        # a new leading dim of size 1 gets the stride it would have in a dense layout
        if shape[i] == 1:
            strides[i] = shape[i + 1] * strides[i + 1] if i + 1 < nd else 0
    out = make_view(x, shape, strides)
    if x.requires_grad:
        attach(_expand_backward, out, (x,), shape=x._shape)
    return out


@derivative("ExpandBackward0")
def _expand_backward(ctx, g):
    from .reductions import sum_to_shape
    return (sum_to_shape(g, ctx.shape),)


def expand_as(x, other):
    return expand(x, other._shape)


def broadcast_to(input, shape):
    x = input  # torch's parameter name, short local
    return expand(x, shape)


def broadcast_tensors(*tensors):
    """The tensors expanded to their common broadcast shape (views, as PyTorch's)."""
    from .._backends.plan import broadcast_shapes
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"broadcast_tensors(): argument 'tensors' (position 1) must be tuple "
                            f"of Tensors, but found element of type {type(t).__name__} at pos {i}")
    shape = broadcast_shapes(*(t._shape for t in tensors))
    return tuple(expand(t, shape) for t in tensors)


def narrow(input, dim, start, length):
    x = input  # torch's parameter name, short local
    d = wrap_dim(dim, x.ndim)
    if hasattr(start, "item"):
        start = start.item()
    size = x._shape[d]
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    if start < 0:
        start += size
    if length < 0 or start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return _slice(x, d, start, start + length, 1)


def _slice(x, d, start, stop, step):
    shape, strides = list(x._shape), list(x._strides)
    n = max(0, (stop - start + step - 1) // step)
    shape[d] = n
    strides[d] = x._strides[d] * step
    out = make_view(x, shape, strides, x._offset + start * x._strides[d])
    if x.requires_grad:
        attach(_slice_backward, out, (x,), shape=x._shape, where=(d, start, stop, step))
    return out


@derivative("SliceBackward0")
def _slice_backward(ctx, g):
    gi = _alloc.zeros(ctx.shape, g.dtype, g.device)
    _slice(gi, *ctx.where).copy_(g)
    return (gi,)


def select(input, dim, index):
    x = input  # torch's parameter name, short local
    d = wrap_dim(dim, x.ndim)
    index = operator.index(index)
    size = x._shape[d]
    if not -size <= index < size:
        raise IndexError(f"index {index} is out of bounds for dimension {d} with size {size}")
    if index < 0:
        index += size
    out = make_view(x, x._shape[:d] + x._shape[d + 1:], x._strides[:d] + x._strides[d + 1:],
                    x._offset + index * x._strides[d])
    if x.requires_grad:
        attach(_select_backward, out, (x,), shape=x._shape, where=(d, index))
    return out


@derivative("SelectBackward0")
def _select_backward(ctx, g):
    gi = _alloc.zeros(ctx.shape, g.dtype, g.device)
    select(gi, *ctx.where).copy_(g)
    return (gi,)


def squeeze(input, dim=None):
    # PyTorch's nodes: SqueezeBackward0 (all dims), 1 (one dim), 2 (a tuple of dims)
    return _squeezed(input, dim, 0)


def _squeezed(x, dim, first_node):
    """squeeze's view; its node is SqueezeBackward<first_node + 0, 1 or 2> by the kind of
    dim (squeeze_'s are 3, 4 and 5)."""
    if dim is None:
        dims = [i for i, s in enumerate(x._shape) if s == 1]
    else:
        dims = [wrap_dim(d, x.ndim) for d in (dim if isinstance(dim, (list, tuple)) else (dim,))]
        dims = [d for d in dims if x.ndim and x._shape[d] == 1]  # a 0-d tensor accepts dim 0
    keep = [i for i in range(x.ndim) if i not in dims]
    out = make_view(x, [x._shape[i] for i in keep], [x._strides[i] for i in keep])
    if x.requires_grad:
        kind = 0 if dim is None else 2 if isinstance(dim, (list, tuple)) else 1
        attach(_squeeze_backward, out, (x,), f"SqueezeBackward{first_node + kind}",
               shape=x._shape)
    return out


def unsqueeze(input, dim):
    return _unsqueezed(input, dim, "UnsqueezeBackward0")


def _unsqueezed(x, dim, node_name):
    d = wrap_dim(dim, x.ndim + 1)
    shape, strides = list(x._shape), list(x._strides)
    st = shape[d] * strides[d] if d < len(shape) else 1
    shape.insert(d, 1)
    strides.insert(d, st)
    out = make_view(x, shape, strides)
    if x.requires_grad:
        attach(_unsqueeze_backward, out, (x,), node_name, dim=d)
    return out


@derivative("UnsqueezeBackward0")
def _unsqueeze_backward(ctx, g):
    return (squeeze(g, ctx.dim),)


def as_strided(input, size, stride, storage_offset=None):
    return _strided_view(input, size, stride, storage_offset, "AsStridedBackward0")


def _strided_view(x, size, stride, storage_offset, node_name):
    size, stride = tuple(size), tuple(stride)
    off = x._offset if storage_offset is None else storage_offset
    _check_in_storage(x._storage, off, size, stride)
    out = make_view(x, size, stride, off)
    if x.requires_grad:
        attach(_as_strided_backward, out, (x,), node_name, storage_size=len(x._storage),
               input_geometry=(x._offset, x._shape, x._strides), view_geometry=(off, size, stride))
    return out


@derivative("AsStridedBackward0")
def _as_strided_backward(ctx, g):
    """Each element of the input gets the sum of the gradients of the view elements
    that read it: laid out over a storage-sized scratch, where a view that reads an
    element several times (overlapping windows) adds up through an accumulating scatter."""
    from .advanced_indexing import index_put_
    scratch = _alloc.zeros((ctx.storage_size,), g.dtype, g.device)
    off, size, stride = ctx.view_geometry
    region = make_tensor(scratch._storage, off, size, stride)
    if _overlaps_itself(region):
        positions = _alloc.arange_(_alloc.empty((ctx.storage_size,), _dtype.int64, g.device), 0, 1)
        where = make_tensor(positions._storage, off, size, stride)
        index_put_(scratch, (reshape(where, -1),), reshape(g, -1), accumulate=True)
    else:
        region.add_(g)
    return (make_tensor(scratch._storage, *ctx.input_geometry).clone(),)


def _overlaps_itself(t):
    """Whether two elements of t share memory (a dim that cannot fit between the
    smaller-stride dims' extent), judged by sorting dims by stride."""
    extent = 0
    for n, s in sorted(((n, s) for n, s in zip(t._shape, t._strides) if n > 1), key=lambda p: p[1]):
        if s <= extent:
            return True
        extent += (n - 1) * s
    return False


def _check_in_storage(storage, offset, size, stride):
    if any(s < 0 for s in size):
        raise RuntimeError("as_strided: negative size")
    if any(s == 0 for s in size):
        return
    last = offset + sum((n - 1) * s for n, s in zip(size, stride))
    if offset < 0 or last >= len(storage):
        raise RuntimeError(
            f"setStorage: sizes {shape_str(size)}, strides {shape_str(stride)}, storage offset "
            f"{offset}, and itemsize {storage.dtype.itemsize} requiring a storage size of "
            f"{(last + 1) * storage.dtype.itemsize} are out of bounds for storage of size "
            f"{len(storage) * storage.dtype.itemsize}")


def set_data(x, value):
    """x.data = value: x now views value's memory, shape and dtype (its autograd flags
    stay), as PyTorch's data setter does."""
    if not isinstance(value, Tensor):
        raise TypeError(f"Variable data has to be a tensor, but got {type(value).__name__}")
    x._storage, x._offset, x._shape, x._strides = value._storage, value._offset, value._shape, \
        value._strides
    x._base = value._base
    x._history_version = x._storage._version


def set_(x, source=None, storage_offset=0, size=None, stride=None):
    """Point x at another storage (or another tensor's storage) with the given geometry."""
    from .._storage import TypedStorage
    if source is None:
        from ._common import empty
        fresh = empty((0,), x.dtype, x.device)
        x._storage, x._offset, x._shape, x._strides = fresh._storage, 0, (0,), (1,)
        return x
    if isinstance(source, Tensor):
        storage = source._storage
        if size is None:
            storage_offset, size, stride = source._offset, source._shape, source._strides
    elif isinstance(source, TypedStorage):
        storage = source
        if size is None:
            size = (len(storage),)
    else:
        raise TypeError(f"set_(): argument 'source' must be Storage or Tensor, not {type(source).__name__}")
    if storage.dtype is not x.dtype:
        from ._common import scalar_type_name
        raise RuntimeError(
            f"Expected a Storage of type {x.dtype.name.replace('float32', 'float')} or an "
            f"UntypedStorage, but got type {scalar_type_name(storage.dtype)} for argument 1 'storage'")
    size = tuple(size)
    stride = contiguous_strides(size) if stride is None else tuple(stride)
    _check_in_storage(storage, storage_offset, size, stride)
    x._storage, x._offset, x._shape, x._strides = storage, storage_offset, size, stride
    x._base = None
    return x


# ---- in-place view ops: x itself takes the view's geometry ------------------------------
def _become(x, view):
    """x takes view's geometry, and its history when it has one (the view's node, under
    PyTorch's name for the in-place form, has x's old history as its input).  The
    memory is untouched: no version bump, and a view stays a view of its base."""
    x._shape, x._strides, x._offset = view._shape, view._strides, view._offset
    if view.grad_fn is not None:
        x.grad_fn, x._output_nr, x._requires_grad = view.grad_fn, view._output_nr, True
        x._history_version = x._storage._version
    return x


def _in_place_view(x):
    """PyTorch's check before an in-place op: not on a leaf that requires grad."""
    from .inplace import check_leaf
    check_leaf(x)
    return x


def transpose_(x, dim0, dim1):
    """In-place transpose: x itself gets the swapped geometry and is returned."""
    return _become(x, _transposed(_in_place_view(x), dim0, dim1, "TransposeBackward1"))


def t_(x):
    return _become(x, _t_view(_in_place_view(x), "t_", "TBackward1"))


def squeeze_(x, dim=None):
    return _become(x, _squeezed(_in_place_view(x), dim, 3))


def unsqueeze_(x, dim):
    return _become(x, _unsqueezed(_in_place_view(x), dim, "UnsqueezeBackward1"))


def as_strided_(x, size, stride, storage_offset=None):
    return _become(x, _strided_view(_in_place_view(x), size, stride, storage_offset,
                                    "AsStridedBackward1"))


def detach(x):
    # shares x's memory (and version counter) but starts a new history: it is a root,
    # so in-place writes to it never rewrite x's graph
    return make_tensor(x._storage, x._offset, x._shape, x._strides)


def detach_(x):
    x.grad_fn = None
    x._requires_grad = False
    return x


def is_contiguous_(x, memory_format=None):
    return is_contiguous(x)


def unfold(x, dimension, size, step):
    d = wrap_dim(dimension, x.ndim)
    # a 0-d tensor unfolds as one element along a dim of size 1
    shape, strides = (list(x._shape), list(x._strides)) if x.ndim else ([1], [1])
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    if size > shape[d]:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {shape[d]} but size "
                           f"is {size}")
    inner = strides[d]
    shape[d] = (shape[d] - size) // step + 1
    strides[d] *= step
    if x.ndim == 0:  # then the window is the only dim
        shape, strides = [], []
    out = make_view(x, shape + [size], strides + [inner])
    if x.requires_grad:
        attach(_unfold_backward, out, (x,), shape=x._shape, dim=d, size=size, step=step)
    return out


@derivative("UnfoldBackward0")
def _unfold_backward(ctx, g):
    """Windows may overlap: every input element gets the sum over the windows that hold it
    (the unfold view of a zero tensor, accumulated into)."""
    from .advanced_indexing import index_put_
    n = math.prod(ctx.shape)
    positions = _alloc.arange_(_alloc.empty((n,), _dtype.int64, g.device), 0, 1)
    windows = unfold(reshape(positions, ctx.shape), ctx.dim, ctx.size, ctx.step)
    gi = _alloc.zeros((n,), g.dtype, g.device)
    index_put_(gi, (reshape(windows, -1),), reshape(g, -1), accumulate=True)
    return (reshape(gi, ctx.shape),)


def movedim(input, source, destination):
    x = input  # torch's parameter name, short local
    nd = x.ndim
    src = [wrap_dim(s, nd) for s in (source if isinstance(source, (list, tuple)) else [source])]
    dst = [wrap_dim(s, nd) for s in (destination if isinstance(destination, (list, tuple)) else [destination])]
    if nd == 0:  # dims 0 / -1 of a 0-d tensor: nothing moves
        return alias(x, "AliasBackward0")
    order = [None] * nd
    for s, d in zip(src, dst):
        order[d] = s
    rest = iter([i for i in range(nd) if i not in src])
    order = [o if o is not None else next(rest) for o in order]
    return permute(x, order)


moveaxis = movedim
