"""Joining, splitting and index-driven ops: cat, stack, split, chunk, unbind,
index_select, repeat, tile, flip, masked_fill, gather, scatter, index_add_, nonzero.

Copies are strided copies into views of one fresh output (cat, stack, repeat, flip);
index-driven ops hand their index tensor to the backend's gather/scatter kernels, which
read it on the tensor's device (see advanced_indexing.py for the layout).
Pieces of split/chunk/unbind are views.  Every differentiable op records its
backward here, written with tensor ops.
"""
from .. import _dtype
from .._size import parse_size
from .._tensor import Tensor, operand, buffer
from .. import _alloc
from ..autograd.derivatives import attach, composite, derivative
from ..autograd.graph import needs_grad
from .._backends import backend_for, plan
from ._common import empty, is_contiguous, same_device, scalar_type_name, shape_str, wrap_dim
from .advanced_indexing import _plan, gather_along, gather_plan
from .dispatch import cast, copy_into
from .views import make_view, _slice, select
from .._type_names import python_type_name


def _tensor_list(tensors, fname):
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{fname}(): argument 'tensors' (position 1) must be tuple of Tensors, "
                        f"not {type(tensors).__name__}")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{python_type_name(t)}")
    if not tensors:
        raise RuntimeError(f"{fname}(): expected a non-empty list of Tensors")
    return list(tensors)


def _promoted(tensors):
    dt = tensors[0].dtype
    for t in tensors[1:]:
        dt = _dtype.promote_types(dt, t.dtype)
    return dt


def _finish_out(res, out):
    if out is None:
        return res
    from .copy import resize_and_copy_out
    return resize_and_copy_out(out, res)


# ---- cat / stack -------------------------------------------------------------------
def cat(tensors, dim=0, *, out=None, axis=None):
    if axis is not None:
        dim = axis
    tensors = _tensor_list(tensors, "cat")
    same_device(*tensors)
    dt = _promoted(tensors)
    # legacy rule: 1-D empty tensors are skipped whatever the other shapes
    parts = [t for t in tensors if not (t.ndim == 1 and t._shape[0] == 0)]
    if not parts:
        res = empty((0,), dt, tensors[0].device)
        attach(_cat_backward, res, tuple(tensors), dim=0, bounds=[None] * len(tensors))
        return _finish_out(res, out)
    ref = parts[0]
    if ref.ndim == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    d = wrap_dim(dim, ref.ndim)
    for i, t in enumerate(tensors):
        if t.ndim == 1 and t._shape[0] == 0:
            continue
        if t.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
        if t.ndim != ref.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {ref.ndim} "
                               f"and {t.ndim}")
        for j in range(ref.ndim):
            if j != d and t._shape[j] != ref._shape[j]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size "
                    f"{ref._shape[j]} but got size {t._shape[j]} for tensor number {i} in the list.")
    shape = list(ref._shape)
    shape[d] = sum(t._shape[d] for t in parts)
    res = empty(shape, dt, ref.device)
    start = 0
    bounds = []  # per input: (start, size) along d, None for a skipped empty 1-D tensor
    for t in tensors:
        if t.ndim == 1 and t._shape[0] == 0:
            bounds.append(None)
            continue
        n = t._shape[d]
        if n:
            copy_into(_slice(res, d, start, start + n, 1), t)
        bounds.append((start, n))
        start += n
    attach(_cat_backward, res, tuple(tensors), dim=d, bounds=bounds)
    return _finish_out(res, out)


@derivative("CatBackward0", inputs=("tensors",))
def _cat_backward(ctx, g):
    return tuple(_slice(g, ctx.dim, b[0], b[0] + b[1], 1) if b is not None
                 else empty((0,), g.dtype, g.device) for b in ctx.bounds)


concat = concatenate = cat


def stack(tensors, dim=0, *, out=None):
    return _finish_out(stack_as(tensors, dim, "StackBackward0"), out)


def stack_as(tensors, dim, node_name):
    """stack, its node named node_name: where PyTorch runs a fused op whose output is the
    stacked steps (an LSTM layer's, MkldnnRnnLayerBackward0)."""
    tensors = _tensor_list(tensors, "stack")
    same_device(*tensors)
    shape0 = tensors[0]._shape
    for i, t in enumerate(tensors):
        if t._shape != shape0:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"{shape_str(shape0)} at entry 0 and {shape_str(t._shape)} at "
                               f"entry {i}")
    d = wrap_dim(dim, len(shape0) + 1)
    dt = _promoted(tensors)
    shape = list(shape0)
    shape.insert(d, len(tensors))
    res = empty(shape, dt, tensors[0].device)
    for i, t in enumerate(tensors):
        copy_into(select(res, d, i), t)
    return attach(_stack_backward, res, tuple(tensors), node_name, dim=d, count=len(tensors))


@derivative("StackBackward0", inputs=("tensors",))
def _stack_backward(ctx, g):
    return tuple(select(g, ctx.dim, i) for i in range(ctx.count))


def hstack(tensors, *, out=None):
    tensors = [t if t.ndim > 0 else t.reshape(1) for t in _tensor_list(tensors, "hstack")]
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1, out=out)


def vstack(tensors, *, out=None):
    tensors = [t if t.ndim > 1 else t.reshape(1, -1) for t in _tensor_list(tensors, "vstack")]
    return cat(tensors, 0, out=out)


# ---- split / chunk / unbind (views) -------------------------------------------------
def _pieces(x, d, sizes, name):
    """Views of x along d with the given sizes, under one multi-output node."""
    pieces, start = [], 0
    for n in sizes:
        shape, strides = list(x._shape), list(x._strides)
        shape[d] = n
        pieces.append(make_view(x, shape, strides, x._offset + start * x._strides[d]))
        start += n
    if needs_grad(x):
        attach(_SPLIT[name], tuple(pieces), (x,), shape=x._shape, dim=d, sizes=tuple(sizes))
    return tuple(pieces)


def _split_backward(ctx, *grads):
    parts = []
    for g, n in zip(grads, ctx.sizes):
        if g is None:  # a piece that received no gradient contributes zeros
            s = list(ctx.shape)
            s[ctx.dim] = n
            g = _alloc.zeros(s, _grad_dtype(grads), _grad_device(grads))
        parts.append(g)
    return (cat(parts, ctx.dim),)


def _grad_dtype(grads):
    return next(g.dtype for g in grads if g is not None)


def _grad_device(grads):
    return next(g.device for g in grads if g is not None)


_SPLIT = {name: derivative(name)(_split_backward)
          for name in ("SplitBackward0", "SplitWithSizesBackward0")}


def split(tensor, split_size_or_sections, dim=0):
    x = tensor  # torch's parameter name, short local
    if x.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = wrap_dim(dim, x.ndim)
    size = x._shape[d]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != size or any(s < 0 for s in sizes):
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's "
                f"size at dimension {d}), but got split_sizes={shape_str(sizes)}")
        return _pieces(x, d, sizes, "SplitWithSizesBackward0")
    step = int(split_size_or_sections)
    if step < 0 or (step == 0 and size != 0):
        raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension "
                           f"size of {size}")
    # at least one piece, even of an empty dim
    sizes = ([min(step, size - s) for s in range(0, size, step)] if step else []) or [0]
    return _pieces(x, d, sizes, "SplitBackward0")


def chunk(input, chunks, dim=0):
    x = input  # torch's parameter name, short local
    if x.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    d = wrap_dim(dim, x.ndim)
    size = x._shape[d]
    step = max(1, -(-size // chunks))
    if size == 0:  # PyTorch gives `chunks` empty pieces
        return split(x, [0] * chunks, d)
    return split(x, step, d)


def unbind(input, dim=0):
    x = input  # torch's parameter name, short local
    if x.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    d = wrap_dim(dim, x.ndim)
    pieces = tuple(select(x.detach(), d, i) for i in range(x._shape[d]))
    for p in pieces:
        p._base = x if x._base is None else x._base
    if needs_grad(x):
        attach(_unbind_backward, pieces, (x,), piece_shape=pieces[0]._shape if pieces else (),
               dim=d)
    return pieces


@derivative("UnbindBackward0")
def _unbind_backward(ctx, *grads):
    gs = [g if g is not None else _alloc.zeros(ctx.piece_shape, _grad_dtype(grads), _grad_device(grads))
          for g in grads]
    return (stack(gs, ctx.dim),)


# ---- torch.gather / torch.scatter along one dim ------------------------------------------
def _check_index_dtype(index, fname):
    if not isinstance(index, Tensor):
        raise TypeError(f"{fname}(): argument 'index' must be Tensor, not {python_type_name(index)}")
    if index.dtype is not _dtype.int64:
        raise RuntimeError(f"{fname}(): Expected dtype int64 for index")


def _check_dim_index(x, d, index, fname):
    """PyTorch's shape checks of gather/scatter's index against self."""
    if index.ndim != x.ndim and not (index.ndim <= 1 and x.ndim <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as "
                           f"{'input' if fname == 'gather' else 'self'} tensor")
    ishape = index._shape if index.ndim else (1,)
    xshape = x._shape if x.ndim else (1,)
    for j in range(len(ishape)):
        if j != d and ishape[j] > xshape[j]:
            raise RuntimeError(
                f"Size does not match at dimension {j} expected index {shape_str(index._shape)} "
                f"to be no larger than self "
                f"{shape_str(x._shape)} apart from dimension {d}")


def _dim_plan(x, d, index, other):
    """The DimIndexPlan of walking index's positions in x (and in `other`, the values
    read or the output written, which has index's positions too)."""
    def st(t):
        return t._strides if t.ndim else (1,)
    shape = index._shape if index.ndim else (1,)
    size = x._shape[d] if x.ndim else 1
    return plan.dim_index(tuple(shape), d, size, tuple(st(x)), tuple(st(index)),
                          tuple(st(other)) if isinstance(other, Tensor) else (0,) * len(shape))


class IndexOutOfBounds(RuntimeError):
    """gather/scatter's error for an index outside [0, size); .index is the first bad
    value in row-major order (nll_loss reports it as PyTorch's "Target ... is out of
    bounds")."""

    def __init__(self, index, dim, size):
        super().__init__(f"index {index} is out of bounds for dimension {dim} with size {size}")
        self.index = index


def _bad_index(bad, d, size):
    if bad is not None:
        raise IndexOutOfBounds(bad, d, size)


# ---- gather / scatter -----------------------------------------------------------------
def gather(input, dim, index, *, sparse_grad=False, out=None):
    x = input  # torch's parameter name, short local
    _check_index_dtype(index, "gather")
    same_device(x, index)
    d = wrap_dim(dim, x.ndim)
    _check_dim_index(x, d, index, "gather")
    res = empty(index._shape, x.dtype, x.device)
    p = _dim_plan(x, d, index, res)
    bad = backend_for(x.device).gather_dim(p, operand(x),
                                           operand(index),
                                           operand(res))
    _bad_index(bad, d, p.size)
    attach(_gather_backward, res, (x,), index=index, shape=x._shape, dim=d)
    return _finish_out(res, out)


@derivative("GatherBackward0", saves=("index",))
def _gather_backward(ctx, g):
    return (scatter_add(_alloc.zeros(ctx.shape, g.dtype, g.device), ctx.dim, ctx.index, g),)


def _src_grad(g, d, index, src_shape):
    """Gradient for scatter's src: g at the index positions, zero where src is larger."""
    part = gather(g, d, index)
    if tuple(part._shape) == tuple(src_shape):
        return part
    full = _alloc.zeros(src_shape, g.dtype, g.device)
    region = full
    for j, n in enumerate(part._shape):
        region = _slice(region, j, 0, n, 1)
    copy_into(region, part)
    return full


def _scatter_into(self, dim, index, src, accumulate, fname):
    from ._common import check_no_internal_overlap
    from .inplace import check_leaf
    check_no_internal_overlap(self)
    _check_index_dtype(index, fname)
    same_device(self, index, src)
    if isinstance(src, Tensor) and src.dtype is not self.dtype:
        raise RuntimeError(f"{fname}(): Expected self.dtype to be equal to src.dtype")
    d = wrap_dim(dim, self.ndim)
    if index.ndim == self.ndim:
        too_big = any(index._shape[j] > self._shape[j] for j in range(index.ndim) if j != d)
        if isinstance(src, Tensor):
            too_big |= src.ndim == index.ndim and any(
                a > b for a, b in zip(index._shape, src._shape))
        if too_big:
            raise RuntimeError(
                f"Expected index {shape_str(index._shape)} to be no larger than self "
                f"{shape_str(self._shape)} apart from dimension {d}" +
                (f" and to be no larger size than src {shape_str(src._shape)}"
                 if isinstance(src, Tensor) else ""))
    _check_dim_index(self, d, index, fname)
    check_leaf(self)
    p = _dim_plan(self, d, index, src)
    if isinstance(src, Tensor):
        if src._storage is self._storage:  # read everything before anything is written
            from .copy import contiguous_copy
            src = contiguous_copy(src)
        value = operand(src)
    else:
        from ._common import scalar_for_dtype
        value = scalar_for_dtype(src, self.dtype)
    bad = backend_for(self.device).scatter_dim(p, operand(self),
                                               operand(index), value,
                                               accumulate)
    _bad_index(bad, d, p.size)
    self._storage._version += 1
    return self


def scatter(input, dim, index, src=None, value=None, *, reduce=None):
    x = input  # torch's parameter name, short local
    from .copy import clone
    if src is None:
        src = value
    if reduce is not None:
        return _scatter_reducing(x, dim, index, src, reduce)
    res = clone(x.detach())
    _scatter_into(res, dim, index, src, False, "scatter")
    src_t = src if isinstance(src, Tensor) else None
    attach(_scatter_backward if src_t is not None else _scatter_value_backward, res, (x, src_t),
           index=index, dim=wrap_dim(dim, x.ndim), src_shape=src_t._shape if src_t is not None else None)
    return res


def _scatter_reducing(x, dim, index, src, reduce):
    """scatter(..., reduce="add" or "multiply"): scatter_reduce's sum or product with
    input's values included, a number src standing for a tensor of index's shape."""
    from .scatter_reduce import scatter_reduce
    if reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    if isinstance(src, Tensor):
        import warnings
        warnings.warn("The reduce argument of torch.scatter with Tensor src is deprecated and "
                      "will be removed in a future PyTorch release. Use torch.scatter_reduce "
                      "instead for more reduction options.", UserWarning, stacklevel=4)
    else:
        from .._alloc import full
        src = full(index._shape, src, x.dtype, x.device)
    return scatter_reduce(x, dim, index, src, "sum" if reduce == "add" else "prod")


def _scatter_grads(ctx, g):
    need = ctx.needs_input_grad
    return (scatter(g, ctx.dim, ctx.index, 0.0) if need[0] else None,
            _src_grad(g, ctx.dim, ctx.index, ctx.src_shape) if need[1] else None)


_scatter_backward = derivative("ScatterBackward0", inputs=("self", "src"),
                               saves=("index",))(_scatter_grads)
_scatter_value_backward = derivative("ScatterBackward1", inputs=("self", "src"),
                                     saves=("index",))(_scatter_grads)


def scatter_add(input, dim, index, src):
    x = input  # torch's parameter name, short local
    from .copy import clone
    res = clone(x.detach())
    _scatter_into(res, dim, index, src, True, "scatter_add")
    attach(_scatter_add_backward, res, (x, src), index=index, dim=wrap_dim(dim, x.ndim),
           src_shape=src._shape)
    return res


@derivative("ScatterAddBackward0", inputs=("self", "src"), saves=("index",))
def _scatter_add_backward(ctx, g):
    need = ctx.needs_input_grad
    return (g if need[0] else None), (_src_grad(g, ctx.dim, ctx.index, ctx.src_shape) if need[1] else None)


def _inplace_via(self, compute, direct):
    """In-place form: write directly without autograd, else rewrite history."""
    from ..autograd.grad_mode import is_grad_enabled
    from .inplace import apply_inplace
    base = self._base
    if is_grad_enabled() and (self.requires_grad or (base is not None and base.requires_grad)
                              or compute.needs_grad):
        return apply_inplace(self, lambda s: compute(s))
    direct()
    return self


class _Compute:
    def __init__(self, fn, *tensors):
        self.fn = fn
        self.needs_grad = needs_grad(*[t for t in tensors if isinstance(t, Tensor)])

    def __call__(self, s):
        return self.fn(s)


def scatter_(self, dim, index, src=None, value=None, *, reduce=None):
    if src is None:
        src = value
    if reduce is None:
        direct = lambda: _scatter_into(self, dim, index, src, False, "scatter_")  # noqa: E731
    else:  # no kernel of its own: the reducing scatter's values, copied in
        from .copy import copy_
        direct = lambda: copy_(self, _scatter_reducing(  # noqa: E731
            self.detach(), dim, index, src, reduce))
    return _inplace_via(self, _Compute(lambda s: scatter(s, dim, index, src, reduce=reduce), src),
                        direct)


def scatter_add_(self, dim, index, src):
    return _inplace_via(self, _Compute(lambda s: scatter_add(s, dim, index, src), src),
                        lambda: _scatter_into(self, dim, index, src, True, "scatter_add_"))


# ---- index_select / index_add ----------------------------------------------------------
def _check_vector_index(index, fname):
    if not isinstance(index, Tensor):
        raise TypeError(f"{fname}(): argument 'index' (position 2) must be Tensor, not "
                        f"{python_type_name(index)}")
    if index.dtype not in (_dtype.int64, _dtype.int32):
        raise RuntimeError(f"{fname}(): Expected dtype int32/int64 for index")
    if index.ndim > 1:
        raise IndexError(f"{fname}(): Index is supposed to be a vector")


def index_select(input, dim, index, *, out=None):
    x = input  # torch's parameter name, short local
    _check_vector_index(index, "index_select")
    d = wrap_dim(dim, x.ndim)
    if x.ndim > 1 and x._shape[d] == 0 and index.numel():
        raise RuntimeError("index_select(): self indexing axis dim should be positive")
    idx = index.reshape(-1) if index.ndim == 0 else index
    xx = x.reshape(1) if x.ndim == 0 else x
    if idx._storage.device is x._storage.device:
        res = gather_along(xx, d, idx, _index_select_range(x.ndim, d), wrap=False)
    else:  # an index on another device: the general path's checks and messages
        try:
            res = gather_plan(xx, _plan(xx, (slice(None),) * d + (idx,)))
        except IndexError:
            raise IndexError("index out of range in self") from None
    if x.ndim == 0:
        res = res.reshape(())
    if x._requires_grad:  # (attach's own test, before its keywords are built)
        attach(_index_select_backward, res, (x,), index=index, shape=x._shape, dim=d)
    return _finish_out(res, out)


def _index_select_range(ndim, dim):
    """The error of an index out of range (negative ones included), as PyTorch's CPU
    index_select words it: its kernel for dim 1 of a tensor of two dims or more has
    its own message."""
    def out_of_range(bad, size):
        if ndim > 1 and dim == 1:
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} axis_dim={size}")
        raise IndexError("index out of range in self")
    return out_of_range


@derivative("IndexSelectBackward0", saves=("index",))
def _index_select_backward(ctx, g):
    return (index_add(_alloc.zeros(ctx.shape, g.dtype, g.device), ctx.dim, ctx.index, g),)


def _index_add_direct(self, d, index, source, alpha):
    from .advanced_indexing import _plan, scatter_plan
    if self.numel() == 0 and self.ndim > 1:  # nothing to add to (PyTorch checks no index then)
        return
    idx = index.reshape(-1)
    key = (slice(None),) * d + (idx,) if self.ndim else (idx,)
    target = self if self.ndim else self.reshape(1)
    try:
        key_plan = _plan(target, key, fused_mask=False)
    except IndexError:
        raise IndexError("index out of range in self") from None
    if alpha != 1:
        from .elementwise import mul
        source = mul(source, alpha)
    scatter_plan(target, key_plan, source.reshape(key_plan.shape), accumulate=True)
    self._storage._version += 1


def _check_index_add(self, dim, index, source):
    _check_vector_index(index, "index_add_")
    d = wrap_dim(dim, self.ndim)
    expect = list(self._shape)
    if expect:
        expect[d] = index.numel()
        if source.ndim and source._shape[d] != index.numel():
            raise RuntimeError(f"index_add_(): Number of indices ({index.numel()}) should be "
                               f"equal to source.size(dim): ({source._shape[d]}), for dim: {d}")
    if tuple(source._shape if source.ndim else (1,) * bool(expect)) != tuple(expect) and \
            source.numel() != 1:
        raise RuntimeError(f"source tensor shape must match self tensor shape, excluding the "
                           f"specified dimension. Got self.shape = {shape_str(self._shape)} "
                           f"source.shape = {shape_str(source._shape)}")
    if source.dtype is not self.dtype:
        raise RuntimeError(f"index_add_(): self ({scalar_type_name(self.dtype)}) and source "
                           f"({scalar_type_name(source.dtype)}) must have the same scalar type")
    return d


def index_add(input, dim, index, source, *, alpha=1, out=None):
    x = input  # torch's parameter name, short local
    if out is not None:
        from .out_args import check_grad, exact, finish
        check_grad("index_add", out, x, source)
        return finish("index_add", index_add(x, dim, index, source, alpha=alpha), out, (x,), exact)
    from .copy import clone
    d = _check_index_add(x, dim, index, source)
    res = clone(x.detach())
    _index_add_direct(res, d, index, source, alpha)
    attach(_index_add_backward, res, (x, source), index=index, dim=d, alpha=alpha)
    return res


@derivative("IndexAddBackward0", inputs=("self", "source"), saves=("index",))
def _index_add_backward(ctx, g):
    need = ctx.needs_input_grad
    gs = index_select(g, ctx.dim, ctx.index) if need[1] else None
    return (g if need[0] else None), (gs if gs is None or ctx.alpha == 1 else gs * ctx.alpha)


def index_add_(self, dim, index, source, *, alpha=1):
    from ._common import check_no_internal_overlap
    check_no_internal_overlap(self)
    d = _check_index_add(self, dim, index, source)
    from .inplace import check_leaf
    check_leaf(self)
    return _inplace_via(self, _Compute(lambda s: index_add(s, d, index, source, alpha=alpha),
                                       source),
                        lambda: _index_add_direct(self, d, index, source, alpha))


# ---- repeat / tile / flip ---------------------------------------------------------------
def repeat(x, *sizes):
    sizes = parse_size(sizes, "repeats")
    if len(sizes) < x.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number "
                           "of dimensions of tensor")
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(sizes)}: "
                           f"{shape_str(sizes)}")
    lead = len(sizes) - x.ndim
    in_shape = (1,) * lead + tuple(x._shape)
    in_strides = (0,) * lead + tuple(x._strides)
    shape = tuple(r * n for r, n in zip(sizes, in_shape))
    res = empty(shape, x.dtype, x.device)
    if res.numel():
        # res seen as (r0, n0, r1, n1, ...); x broadcast along every r_i (stride 0)
        pair_shape, dst_strides, src_strides = [], [], []
        for r, n, st, dst in zip(sizes, in_shape, in_strides, res._strides):
            pair_shape += [r, n]
            dst_strides += [dst * n, dst]
            src_strides += [0, st]
        p = plan.elementwise(tuple(pair_shape), (tuple(src_strides), tuple(dst_strides)))
        backend_for(x.device).copy(p, operand(x), operand(res))
    if needs_grad(x):
        pairs = []
        for r, n in zip(sizes, in_shape):
            pairs += [r, n]
        attach(_repeat_backward, res, (x,), pairs=tuple(pairs), shape=x._shape)
    return res


@derivative("RepeatBackward0")
def _repeat_backward(ctx, g):
    from .reductions import sum as red_sum
    from .views import reshape
    gs = red_sum(reshape(g, ctx.pairs), tuple(range(0, len(ctx.pairs), 2)))
    return (reshape(gs, ctx.shape),)


def tile(input, *dims):
    x = input  # torch's parameter name, short local
    dims = parse_size(dims, "dims")
    if len(dims) < x.ndim:
        dims = (1,) * (x.ndim - len(dims)) + tuple(dims)
    return repeat(x, dims)


def flip(input, *dims):
    x = input  # torch's parameter name, short local
    dims = parse_size(dims, "dims") if dims else ()
    ds = [wrap_dim(d, x.ndim) for d in dims]
    if x.ndim == 0:
        ds = []  # flip(0) of a 0-d tensor: a copy
    if len(set(ds)) != len(ds):
        raise RuntimeError(f"dims has duplicates, original flip dims size={len(ds)}, but unique "
                           f"flip dims size={len(set(ds))}")
    res = empty(x._shape, x.dtype, x.device)
    if res.numel():
        # read x through a view that walks the flipped dims backwards
        offset, strides = x._offset, list(x._strides)
        for d in ds:
            offset += (x._shape[d] - 1) * strides[d]
            strides[d] = -strides[d]
        p = plan.elementwise(tuple(x._shape), (tuple(strides), res._strides))
        backend_for(x.device).copy(p, (buffer(x), offset), operand(res))
    attach(_flip_backward, res, (x,), dims=ds)
    return res


@derivative("FlipBackward0")
def _flip_backward(ctx, g):
    return (flip(g, ctx.dims),)


def fliplr(input):
    x = input  # torch's parameter name, short local
    return flip(x, 1)


def flipud(input):
    x = input  # torch's parameter name, short local
    return flip(x, 0)


def _int_or_ints(value, argname, position):
    """roll's shifts and dims: one int or a sequence of ints, as a tuple."""
    if isinstance(value, bool) or not isinstance(value, (list, tuple)) and not hasattr(value, "__index__"):
        raise TypeError(f"roll(): argument '{argname}' (position {position}) must be tuple of "
                        f"ints, not {type(value).__name__}")
    if hasattr(value, "__index__"):
        return (int(value.__index__()),)
    from .shape_args import int_sequence
    return int_sequence(value, "roll", argname, position)


def roll(input, shifts, dims=None):
    """Elements shifted along dims, wrapping around (the flattened tensor without dims)."""
    x = input  # torch's parameter name, short local
    shifts = _int_or_ints(shifts, "shifts", 2)
    if dims is not None:
        dims = _int_or_ints(dims, "dims", 3)
    if len(shifts) != (1 if dims is None else len(dims)):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                           f"dims:{0 if dims is None else len(dims)}")
    if dims is not None:
        dims = tuple(wrap_dim(d, x.ndim) for d in dims)
    from ..autograd.grad_mode import no_grad
    with no_grad():
        out = _rolled(x, shifts, dims)
    attach(_roll_backward, out, (x,), shifts=shifts, dims=dims)
    return out


def _rolled(x, shifts, dims):
    """roll without autograd: the last `shift` elements of each dim move to its front.
    The result is a fresh contiguous tensor, as PyTorch's."""
    from .views import reshape
    if dims is None:
        return reshape(_rolled(reshape(x, (-1,)), shifts, (0,)), x._shape)
    out = x
    for shift, d in zip(shifts, dims):
        size = out._shape[d]
        shift = shift % size if size else 0
        if shift:
            out = cat([_slice(out, d, size - shift, size, 1), _slice(out, d, 0, size - shift, 1)], d)
    if out is x or not is_contiguous(out):
        fresh = empty(x._shape, x.dtype, x.device)
        copy_into(fresh, out)
        out = fresh
    return out


@derivative("RollBackward0")
def _roll_backward(ctx, g):
    return (roll(g, tuple(-s for s in ctx.shifts), ctx.dims),)


# ---- masks ----------------------------------------------------------------------------------
def _check_mask(mask, fname):
    if not isinstance(mask, Tensor):
        raise TypeError(f"{fname}(): argument 'mask' (position 1) must be Tensor, not "
                        f"{python_type_name(mask)}")
    if mask.dtype is not _dtype.bool_:
        raise RuntimeError(f"{fname} only supports boolean masks, but got mask with dtype "
                           f"{mask.dtype.name.replace('float32', 'float')}")


def masked_fill(x, mask, value):
    from .elementwise import where
    _check_mask(mask, "masked_fill_")
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value.ndim} dimension(s).")
        v = value if value.dtype is x.dtype else cast(value, x.dtype)
    else:  # a Python number is cast to x's dtype (a float fill truncates in an int tensor)
        from ._common import scalar_for_dtype
        v = scalar_for_dtype(value, x.dtype)
    from ..autograd.grad_mode import no_grad
    with no_grad():
        res = where(mask, v, x) if isinstance(v, Tensor) else _where_scalar(mask, v, x)
    if res.dtype is not x.dtype:
        res = cast(res, x.dtype)
    if isinstance(value, Tensor):  # PyTorch's two overloads record two node kinds
        attach(_masked_fill_tensor_backward, res, (x, value), mask=mask)
    else:
        attach(_masked_fill_number_backward, res, (x,), mask=mask)
    return res


@derivative("MaskedFillBackward0", inputs=("self",), saves=("mask",))
def _masked_fill_number_backward(ctx, g):
    from .elementwise import where
    return (where(ctx.mask, 0.0, g),)


@derivative("MaskedFillBackward1", inputs=("self", "value"), saves=("mask",))
def _masked_fill_tensor_backward(ctx, g):
    from .elementwise import where
    from .reductions import sum as red_sum
    need, mask = ctx.needs_input_grad, ctx.mask
    return (where(mask, 0.0, g) if need[0] else None), (red_sum(where(mask, g, 0.0)) if need[1] else None)


def _where_scalar(mask, value, x):
    from .dispatch import run_elementwise
    return run_elementwise("where", (mask, value, x), x.dtype, x.dtype,
                           in_dtypes=(_dtype.bool_, x.dtype, x.dtype))


def masked_fill_(self, mask, value):
    _check_mask(mask, "masked_fill_")
    if not isinstance(value, Tensor):
        from ._common import scalar_for_dtype
        scalar_for_dtype(value, self.dtype)  # an out-of-range number is an error, as in PyTorch
    from .advanced_indexing import setitem

    def direct():
        from .inplace import check_leaf
        from .views import expand
        check_leaf(self)
        m = expand(mask, self._shape) if tuple(mask._shape) != tuple(self._shape) else mask
        setitem(self, (m,), value.item() if isinstance(value, Tensor) else value)
    return _inplace_via(self, _Compute(lambda s: masked_fill(s, mask, value), value), direct)


def masked_select(input, mask, *, out=None):
    x = input  # torch's parameter name, short local
    if out is not None:
        from .out_args import check_grad, finish, same_scalar_type
        check_grad("masked_select", out, x)
        return finish("masked_select", masked_select(x, mask), out, (x,), same_scalar_type)
    _check_mask(mask, "masked_select")
    return _masked_select(x, mask)


@composite("MaskedSelectBackward0", inputs=("x",))
def _masked_select(x, mask):
    """x's elements where mask (both broadcast) is True, as a 1-D tensor; one node, as
    PyTorch records it."""
    from .advanced_indexing import getitem
    from .._backends.plan import broadcast_shapes
    from .views import expand
    shape = broadcast_shapes(x._shape, mask._shape)
    xx = x if tuple(x._shape) == shape else expand(x, shape)
    mm = mask if tuple(mask._shape) == shape else expand(mask, shape)
    return getitem(xx, (mm,))


# ---- nonzero ------------------------------------------------------------------------------
def nonzero(input, *, as_tuple=False, out=None):
    x = input  # torch's parameter name, short local
    from .advanced_indexing import mask_coordinates
    from .elementwise import ne
    from .._from_data import from_data
    mask = x if x.dtype is _dtype.bool_ else ne(x.detach(), 0)
    if x.ndim == 0:
        hit = bool(mask.item())
        if as_tuple:
            return (from_data([0] if hit else [], _dtype.int64, x.device),)
        return _finish_out(empty((1 if hit else 0, 0), _dtype.int64, x.device), out)
    res = mask_coordinates(mask)
    if as_tuple:
        return tuple(res[:, j] for j in range(x.ndim))
    return _finish_out(res, out)


def argwhere(input):
    x = input  # torch's parameter name, short local
    return nonzero(x)
