"""Smaller Tensor methods PyTorch has and numtensor lacked: predicates and metadata
(is_nonzero, is_same_size, is_set_to, dim_order, the device predicates ...), shape
helpers (narrow_copy, split_with_sizes, the unsafe_* splits, sum_to_size, adjoint,
new_empty_strided), the in-place twins addbmm_, addmv_, addr_, baddbmm_ and renorm_,
fill_diagonal_, resize_ and resize_as_, and the cfloat / cdouble casts.

Everything is composed from existing ops, so gradients follow from theirs; the few ops
PyTorch records under their own node (NarrowCopyBackward0, UnsafeSplitBackward0 ...)
attach that name with a backward written in the same ops.

The attributes among them (output_nr, is_meta, is_sparse ...) are properties installed
with the others in numtensor/_methods.py.
"""
import weakref

from .. import _alloc, _dtype
from .._layout import channels_last, channels_last_3d, contiguous_format, preserve_format
from .._size import parse_size
from ..autograd.derivatives import attach, derivative
from ..autograd.grad_mode import no_grad
from .._backends.plan import contiguous_strides
from . import joining, more_functions as mf, views
from ._common import require_tensor as _require_tensor, shape_str, wrap_dim
from .copy import contiguous_copy
from .inplace import apply_inplace
from .out_args import check_grad, exact, finish
from .shape_args import varargs_or_keyword


# ---- predicates and metadata ------------------------------------------------------------
def is_nonzero(input):
    """True if the one-element tensor input is not zero."""
    n = input.numel()
    if n == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if n > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input.item())


def is_same_size(input, other):
    """True if input and other have the same shape."""
    _require_tensor("is_same_size", "other", 1, other)
    return tuple(input._shape) == tuple(other._shape)


def is_inference(input):
    """True for an inference tensor (numtensor makes none)."""
    # numtensor's inference_mode is no_grad: it never makes inference tensors
    return False


def is_neg(input):
    """True for a lazily negated view (numtensor makes none)."""
    # numtensor has no lazy negation views
    return False


def resolve_neg(input):
    """input with any lazy negation applied: input itself here."""
    return input


def is_set_to(self, tensor):
    _require_tensor("is_set_to", "tensor", 1, tensor)
    return (self._storage is tensor._storage and self._offset == tensor._offset
            and tuple(self._shape) == tuple(tensor._shape)
            and tuple(self._strides) == tuple(tensor._strides))


# storages moved to "shared memory": CPU memory here is already shareable between the
# threads that can see it, so share_memory_ only records the request, as is_shared reads it
_SHARED = weakref.WeakSet()


def is_shared(self):
    return self._storage in _SHARED


def share_memory_(self):
    _SHARED.add(self._storage)
    return self


def is_pinned(self, device=None):
    return False


def _format_strides(shape, fmt):
    """The strides a tensor of shape has in memory format fmt (channels_last: the channel
    dim innermost), or None where fmt does not apply to that rank."""
    if fmt in (None, contiguous_format):
        return contiguous_strides(shape)
    rank = {channels_last: 4, channels_last_3d: 5}.get(fmt)
    if rank != len(shape):
        return None
    order = (0,) + tuple(range(2, rank)) + (1,)  # outermost first
    strides, step = [0] * rank, 1
    for d in reversed(order):
        strides[d] = step
        step *= max(shape[d], 1)
    return tuple(strides)


def _is_in_format(t, fmt):
    want = _format_strides(t._shape, fmt)
    return want is not None and all(n == 1 or s == w for n, s, w in
                                    zip(t._shape, t._strides, want))


def _should_swap(shape, strides, a, b):
    """PyTorch's comparison for ordering dims a and b by stride (prims_common)."""
    def ge(x, y):
        return y == 0 or (x != 0 and (x >= y or x % y == 0))
    sa, sb = strides[a], strides[b]
    if sa == 0 or sb == 0:
        return 0
    if sa == sb:
        return 0 if ge(shape[b], shape[a]) else 1
    if ge(sb, sa):
        return -1
    return 1 if ge(sa, sb) else 0


def _dim_perm(t, ambiguity_check):
    """PyTorch's logical-to-physical permutation (outermost dim first) and whether it
    is ambiguous."""
    n, shape, strides = t.ndim, t._shape, t._strides
    if n <= 1:
        return list(range(n)), False
    contiguous, cl = _is_in_format(t, contiguous_format), _is_in_format(t, channels_last)
    if contiguous and not cl:
        return list(range(n)), False
    if cl and not contiguous:
        return [0, *range(2, n), 1], False
    perm = list(reversed(range(n)))
    for i in range(1, n):  # insertion sort that tolerates ties
        d1 = i
        for d0 in reversed(range(i)):
            c = _should_swap(shape, strides, perm[d0], perm[d1])
            if c > 0:
                perm[d0], perm[d1] = perm[d1], perm[d0]
                d1 = d0
            elif c < 0:
                break
    ambiguous = bool(ambiguity_check) and any(
        _should_swap(shape, strides, perm[i], perm[i + 1]) != -1 for i in range(n - 1))
    return list(reversed(perm)), ambiguous


def dim_order(self, *, ambiguity_check=False):
    from .._layout import memory_format
    if not isinstance(ambiguity_check, bool) and not (
            isinstance(ambiguity_check, list)
            and all(isinstance(f, memory_format) for f in ambiguity_check)):
        raise TypeError("The ambiguity_check argument must be a bool or a list of memory "
                        "formats.")
    formats = ambiguity_check if isinstance(ambiguity_check, list) else []
    check = ambiguity_check if isinstance(ambiguity_check, bool) else True
    several = (any(a == b for a, b in zip(self._strides, self._strides[1:]))
               or 1 in self._shape)
    if check and several and sum(_is_in_format(self, f) for f in formats) != 1:
        raise RuntimeError("The tensor does not have unique dim order, or cannot map to "
                           "exact one of the given memory formats.")
    perm, ambiguous = _dim_perm(self, ambiguity_check)
    if ambiguous:
        raise RuntimeError("The tensor does not have unique dim order.")
    return tuple(perm)


# ---- shape helpers ----------------------------------------------------------------------
@derivative("NarrowCopyBackward0")
def _narrow_copy_backward(ctx, g):
    d, start = ctx.where
    zeros = _alloc.zeros(ctx.shape, g.dtype, g.device)
    return (mf.slice_scatter(zeros, g, d, start, start + g._shape[d]),)


def narrow_copy(input, dim, start, length, *, out=None):
    """A contiguous copy of input.narrow(dim, start, length)."""
    _require_tensor("narrow_copy", "input", 1, input)
    if out is not None:
        check_grad("narrow_copy", out, input)
        return finish("narrow_copy", narrow_copy(input, dim, start, length), out, (input,),
                      exact)
    d = wrap_dim(dim, input.ndim)
    with no_grad():
        result = contiguous_copy(views.narrow(input.detach(), d, start, length))
    start = start.item() if hasattr(start, "item") else start
    attach(_narrow_copy_backward, result, (input,), shape=input._shape,
           where=(d, start + input._shape[d] if start < 0 else start))
    return result


def _narrow_copy_method(self, dim, start, length):
    return narrow_copy(self, dim, start, length)


def _split_sizes(fname, split_sizes):
    if not isinstance(split_sizes, (list, tuple)):
        raise TypeError(f"{fname}(): argument 'split_sizes' (position 1) must be tuple of "
                        f"ints, not {type(split_sizes).__name__}")
    return list(parse_size((split_sizes,), "split_sizes"))


def split_with_sizes(input, split_sizes, dim=0):
    """Views of input along dim with the given sizes."""
    _require_tensor("split_with_sizes", "input", 1, input)
    return joining.split(input, _split_sizes("split_with_sizes", split_sizes), dim)


def _split_with_sizes_method(self, split_sizes, dim=0):
    return split_with_sizes(self, split_sizes, dim)


def _unsafe(pieces, x, dim, node_name):
    """The pieces of a split as PyTorch's unsafe_* ops give them: the same memory, but not
    views for autograd (an in-place op on one is not checked), under node_name."""
    pieces = tuple(pieces)
    for p in pieces:
        p._base = None
    d = wrap_dim(dim, x.ndim)
    attach(joining._SPLIT["SplitBackward0"], pieces, (x,), node_name=node_name,
           shape=x._shape, dim=d, sizes=tuple(p._shape[d] for p in pieces))
    return pieces


def _split_size(split_size, position):
    # unlike split, PyTorch's unsafe_split takes one int only
    if isinstance(split_size, bool) or not hasattr(split_size, "__index__"):
        raise TypeError(f"unsafe_split(): argument 'split_size' (position {position}) must "
                        f"be int, not {type(split_size).__name__}")
    return int(split_size)


def unsafe_split(tensor, split_size_or_sections, dim=0):
    """split(tensor, split_size, dim) whose pieces autograd does not treat as views."""
    _require_tensor("unsafe_split", "tensor", 1, tensor)
    step = _split_size(split_size_or_sections, 2)
    pieces = joining.split(tensor.detach(), step, dim)
    return _unsafe(pieces, tensor, dim, "UnsafeSplitBackward0")


def unsafe_split_with_sizes(input, split_sizes, dim=0):
    """split_with_sizes whose pieces autograd does not treat as views."""
    _require_tensor("unsafe_split_with_sizes", "input", 1, input)
    sizes = _split_sizes("unsafe_split_with_sizes", split_sizes)
    pieces = joining.split(input.detach(), sizes, dim)
    return _unsafe(pieces, input, dim, "UnsafeSplitWithSizesBackward0")


def unsafe_chunk(input, chunks, dim=0):
    """chunk whose pieces autograd does not treat as views."""
    _require_tensor("unsafe_chunk", "input", 1, input)
    pieces = joining.chunk(input.detach(), chunks, dim)
    return _unsafe(pieces, input, dim, "UnsafeSplitBackward0")


def _unsafe_split_method(self, split_size, dim=0):
    return unsafe_split(self, _split_size(split_size, 1), dim)


def _unsafe_split_with_sizes_method(self, split_sizes, dim=0):
    return unsafe_split_with_sizes(self, split_sizes, dim)


def _unsafe_chunk_method(self, chunks, dim=0):
    return unsafe_chunk(self, chunks, dim)


def sum_to_size(self, *args, size=None):
    """self summed down to size, which self must expand from (PyTorch's sum_to)."""
    shape = tuple(varargs_or_keyword("sum_to_size", "size", args, size))
    have = tuple(self._shape)
    lead = len(have) - len(shape)
    if lead < 0 or any(s != n and s != 1 for s, n in zip(shape, have[lead:])):
        raise RuntimeError(f"size {{{shape_str(shape)}}} is not expandable to size "
                           f"{{{shape_str(have)}}}.")
    dims = list(range(lead)) + [i for i in range(lead, len(have))
                                if shape[i - lead] == 1 and have[i] != 1]
    out = self.sum(dims, keepdim=True) if dims else self
    return out.view(shape) if lead else out


def adjoint(input):
    """The conjugate transpose of the last two dims, as a view."""
    if input.ndim < 2:
        raise RuntimeError(f"tensor.adjoint() is only supported on matrices or batches of "
                           f"matrices. Got {input.ndim}-D tensor.")
    return views.mH(input)


def _adjoint_method(self):
    return adjoint(self)


def new_empty_strided(self, size, stride, *, dtype=None, layout=None, device=None,
                      pin_memory=False, requires_grad=False):
    from .._creation import empty_strided
    return empty_strided(size, stride, dtype=self.dtype if dtype is None else dtype,
                         layout=layout, device=self.device if device is None else device,
                         requires_grad=requires_grad, pin_memory=pin_memory)


# ---- in-place twins ---------------------------------------------------------------------
def addbmm_(self, batch1, batch2, *, beta=1, alpha=1):
    return apply_inplace(self, lambda cur: mf.addbmm(cur, batch1, batch2, beta=beta,
                                                     alpha=alpha), (batch1, batch2))


def addmv_(input, mat, vec, *, beta=1, alpha=1):
    """In place: input = beta * input + alpha * (mat @ vec)."""
    return apply_inplace(input, lambda cur: mf.addmv(cur, mat, vec, beta=beta, alpha=alpha),
                         (mat, vec))


def addr_(self, vec1, vec2, *, beta=1, alpha=1):
    return apply_inplace(self, lambda cur: mf.addr(cur, vec1, vec2, beta=beta, alpha=alpha),
                         (vec1, vec2))


def baddbmm_(self, batch1, batch2, *, beta=1, alpha=1):
    return apply_inplace(self, lambda cur: mf.baddbmm(cur, batch1, batch2, beta=beta,
                                                      alpha=alpha), (batch1, batch2))


def renorm_(self, p, dim, maxnorm):
    return apply_inplace(self, lambda cur: mf.renorm(cur, p, dim, maxnorm))


# ---- fill_diagonal_, resize_, resize_as_ ------------------------------------------------
def fill_diagonal_(self, fill_value, wrap=False):
    """PyTorch's fill_diagonal_: the main diagonal of an n-D tensor with equal dims, and
    with wrap a tall matrix's diagonal restarting every width + 1 rows.  It fills strided
    views, so history and the leaf check are those of an in-place op on a view."""
    n = self.ndim
    if n < 2:
        raise RuntimeError("dimensions must larger than 1")
    height, width = self._shape[0], self._shape[1]
    if n > 2 and any(s != height for s in self._shape):
        raise RuntimeError("all dimensions of input must be of equal length")
    step = sum(self._strides)
    size = min(self._shape)
    if wrap and n == 2 and height > width + 1:
        count = (self.numel() + width) // (width + 1) - size
        offset = self._offset + self._strides[0] * (width + 1)
        views.as_strided(self, (count,), (step,), offset).fill_(fill_value)
    views.as_strided(self, (size,), (step,), self._offset).fill_(fill_value)
    return self


def _resize(self, shape, fmt):
    if self._requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    if any(s < 0 for s in shape):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(shape)}: "
                           f"{shape_str(shape)}")
    if fmt is preserve_format:
        raise RuntimeError("Unsupported memory format. Please use torch.contiguous_format or "
                           "torch.channels_last or torch.channels_last_3d")
    if tuple(self._shape) == shape and fmt in (None, contiguous_format):
        return self  # PyTorch leaves the geometry (strides too) as it is
    strides = _format_strides(shape, fmt)
    if strides is None:
        rank = 4 if fmt is channels_last else 5
        raise RuntimeError(f"required rank {rank} tensor to use "
                           f"{'channels_last' if rank == 4 else 'channels_last_3d'} format")
    numel = 1
    for s in shape:
        numel *= s
    need = self._offset + numel
    storage = self._storage
    if need > len(storage):
        # grow the storage itself (every tensor on it sees the new memory), keeping the
        # old elements at the front; the rest is uninitialised
        old = len(storage)
        grown = _alloc.empty((need,), storage.dtype, storage.device)
        if old:
            grown[:old].copy_(views.as_strided(self.detach(), (old,), (1,), 0))
        storage._buf, storage.plain = grown._storage._buf, grown._storage.plain
    self._shape, self._strides = shape, strides
    storage._version += 1
    return self


def resize_(self, *sizes, memory_format=None):
    return _resize(self, parse_size(sizes), memory_format)


def resize_as_(input, the_template, memory_format=None):
    """input resized in place to the_template's shape."""
    _require_tensor("resize_as_", "the_template", 1, the_template)
    fmt = memory_format
    if fmt is preserve_format:  # the template's own layout, as PyTorch suggests it
        fmt = next((f for f in (channels_last, channels_last_3d)
                    if the_template.ndim == (4 if f is channels_last else 5)
                    and _is_in_format(the_template, f)
                    and not _is_in_format(the_template, contiguous_format)),
                   contiguous_format)
    return _resize(input, tuple(the_template._shape), fmt)


# ---- complex casts ----------------------------------------------------------------------
def _cfloat_method(self, *, memory_format=preserve_format):
    return self.to(_dtype.complex64, memory_format=memory_format)


def _cdouble_method(self, *, memory_format=preserve_format):
    return self.to(_dtype.complex128, memory_format=memory_format)


# torch.<name>
FUNCTIONS = {"is_nonzero": is_nonzero, "is_same_size": is_same_size, "is_inference": is_inference, "is_neg": is_neg,
             "resolve_neg": resolve_neg, "narrow_copy": narrow_copy,
             "split_with_sizes": split_with_sizes, "unsafe_split": unsafe_split,
             "unsafe_split_with_sizes": unsafe_split_with_sizes,
             "unsafe_chunk": unsafe_chunk, "adjoint": adjoint, "addmv_": addmv_,
             "resize_as_": resize_as_}

# Tensor.<name>
METHODS = {"is_nonzero": is_nonzero, "is_same_size": is_same_size,
           "is_inference": is_inference, "is_neg": is_neg, "resolve_neg": resolve_neg,
           "is_set_to": is_set_to, "is_shared": is_shared, "share_memory_": share_memory_,
           "is_pinned": is_pinned, "dim_order": dim_order,
           "narrow_copy": _narrow_copy_method, "split_with_sizes": _split_with_sizes_method,
           "unsafe_split": _unsafe_split_method,
           "unsafe_split_with_sizes": _unsafe_split_with_sizes_method,
           "unsafe_chunk": _unsafe_chunk_method, "sum_to_size": sum_to_size,
           "adjoint": _adjoint_method, "new_empty_strided": new_empty_strided,
           "addbmm_": addbmm_, "addmv_": addmv_, "addr_": addr_, "baddbmm_": baddbmm_,
           "renorm_": renorm_, "fill_diagonal_": fill_diagonal_, "resize_": resize_,
           "resize_as_": resize_as_, "cfloat": _cfloat_method, "cdouble": _cdouble_method}
