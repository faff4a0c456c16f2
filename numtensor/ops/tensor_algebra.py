"""Diagonals, triangles and index algebra: diagonal, diag, diag_embed, tril, triu, trace,
cross, einsum, meshgrid and cartesian_prod.

All are composed from views and public ops; where torch's gradient has its own name
(DiagonalBackward0, TrilBackward0, ...) the forward runs without recording and the
gradient is recorded once, written with the same public ops.
"""
import warnings

from .. import _dtype
from ..autograd.grad_mode import no_grad
from ..autograd.derivatives import attach, derivative
from ._common import scalar_type_name, wrap_dim
from .views import make_view
from .._type_names import python_type_name


# ---- diagonals -------------------------------------------------------------------------
def _diagonal_view(x, offset, dim1, dim2):
    d1, d2 = wrap_dim(dim1, x.ndim), wrap_dim(dim2, x.ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    n1, n2 = x._shape[d1], x._shape[d2]
    if offset >= 0:
        length = max(0, min(n1, n2 - offset))
        start = x._offset + offset * x._strides[d2] if length else x._offset
    else:
        length = max(0, min(n1 + offset, n2))
        start = x._offset - offset * x._strides[d1] if length else x._offset
    keep = [i for i in range(x.ndim) if i not in (d1, d2)]
    shape = [x._shape[i] for i in keep] + [length]
    strides = [x._strides[i] for i in keep] + [x._strides[d1] + x._strides[d2]]
    return make_view(x, shape, strides, start)


def diagonal(input, offset=0, dim1=0, dim2=1):
    """A view of the diagonal (offset above it if > 0, below if < 0) of the dim1 x dim2
    matrices of input, as the last dim."""
    out = _diagonal_view(input, offset, dim1, dim2)
    return attach(_diagonal_backward, out, (input,), shape=input._shape, where=(offset, dim1, dim2))


def _diagonal_grad(ctx, g):
    from .._alloc import zeros
    grad = zeros(ctx.shape, g.dtype, g.device)
    _diagonal_view(grad, *ctx.where).copy_(g)
    return (grad,)


_diagonal_backward = derivative("DiagonalBackward0")(_diagonal_grad)
_diagonal_copy_backward = derivative("DiagonalBackward0_copy")(_diagonal_grad)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Tensors whose (dim1, dim2) diagonals at offset hold input's last dim; zeros elsewhere."""
    from .._alloc import zeros
    ndim = input.ndim + 1
    d1, d2 = wrap_dim(dim1, ndim), wrap_dim(dim2, ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    n = (input._shape[-1] if input.ndim else 1) + abs(offset)
    rest = list(input._shape[:-1])
    shape = []
    for i in range(ndim):
        shape.append(n if i in (d1, d2) else rest.pop(0))
    with no_grad():
        out = zeros(shape, input.dtype, input.device)
        _diagonal_view(out, offset, d1, d2).copy_(input)
    return attach(_diag_embed_backward, out, (input,), where=(offset, d1, d2))


@derivative("DiagEmbedBackward0")
def _diag_embed_backward(ctx, g):
    return (diagonal(g, *ctx.where),)


def diag(input, diagonal=0, *, out=None):
    """A 1-D input as the diagonal of a square matrix, or a 2-D input's diagonal as 1-D."""
    from .copy import write_out
    if input.ndim == 1:
        result = diag_embed(input, diagonal, 0, 1)
    elif input.ndim == 2:
        with no_grad():
            result = _diagonal_view(input, diagonal, 0, 1).clone()
        result = attach(_diagonal_copy_backward, result, (input,), shape=input._shape,
                        where=(diagonal, 0, 1))
    else:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")
    return write_out(result, out)


def trace(input):
    """The sum of a matrix's diagonal."""
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    if input.dtype is _dtype.bool_:
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    with no_grad():
        result = _diagonal_view(input, 0, 0, 1).sum()
    return attach(_trace_backward, result, (input,), shape=input._shape)


@derivative("TraceBackward0")
def _trace_backward(ctx, g):
    from .._alloc import zeros
    grad = zeros(ctx.shape, g.dtype, g.device)
    _diagonal_view(grad, 0, 0, 1).copy_(g.expand(min(ctx.shape)))
    return (grad,)


# ---- triangles ----------------------------------------------------------------------
def _triangle_mask(x, k, lower):
    """bool (rows, cols) mask of the kept part: col - row <= k (lower) or >= k (upper)."""
    from .._alloc import arange
    rows = arange(x._shape[-2], _dtype.int64, x.device).unsqueeze(-1)
    cols = arange(x._shape[-1], _dtype.int64, x.device)
    return (cols - rows <= k) if lower else (cols - rows >= k)


def _triangle(input, k, lower, out):
    from .._alloc import zeros
    from .copy import write_out
    from .elementwise import where
    name = "tril" if lower else "triu"
    if input.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
    with no_grad():
        result = where(_triangle_mask(input, k, lower), input,
                       zeros((), input.dtype, input.device))
    result = attach(_tril_backward if lower else _triu_backward, result, (input,), k=k,
                    lower=lower)
    return write_out(result, out)


def _triangle_backward(ctx, g):
    return (_triangle(g, ctx.k, ctx.lower, None),)


_tril_backward = derivative("TrilBackward0")(_triangle_backward)
_triu_backward = derivative("TriuBackward0")(_triangle_backward)


def tril(input, diagonal=0, *, out=None):
    """The lower triangle (on and below the diagonal-th diagonal) of the last two dims."""
    return _triangle(input, diagonal, True, out)


def triu(input, diagonal=0, *, out=None):
    """The upper triangle (on and above the diagonal-th diagonal) of the last two dims."""
    return _triangle(input, diagonal, False, out)


def tril_(self, diagonal=0):
    """In-place tril."""
    if self.ndim < 2:
        raise RuntimeError("tril: input tensor must have at least 2 dimensions")
    return self.masked_fill_(~_triangle_mask(self, diagonal, True), 0)


def triu_(self, diagonal=0):
    """In-place triu."""
    if self.ndim < 2:
        raise RuntimeError("triu: input tensor must have at least 2 dimensions")
    return self.masked_fill_(~_triangle_mask(self, diagonal, False), 0)


# ---- cross product -------------------------------------------------------------------
def _cross_values(a, b, d):
    from .joining import stack
    a0, a1, a2 = (a.select(d, i) for i in range(3))
    b0, b1, b2 = (b.select(d, i) for i in range(3))
    return stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], dim=d)


def cross(input, other, dim=None, *, out=None):
    """The cross product of 3-vectors along dim (broadcasting input and other)."""
    from .. import broadcast_shapes
    from .copy import write_out
    if input.ndim != other.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    shape = tuple(broadcast_shapes(input._shape, other._shape))
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\n"
                      "Please either pass the dim explicitly or simply use torch.linalg.cross.\n"
                      "The default value of dim will change to agree with that of linalg.cross "
                      "in a future release.", UserWarning, stacklevel=2)
        sizes3 = [i for i, s in enumerate(shape) if s == 3]
        if not sizes3:
            raise RuntimeError("no dimension of size 3 in input")
        d = sizes3[0]
    else:
        d = wrap_dim(dim, len(shape))
    if input._shape[d] != 3 or other._shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim if dim is not None else d} "
                           f"must have length 3. Got {input._shape[d]} and {other._shape[d]}")
    with no_grad():
        result = _cross_values(input.expand(shape), other.expand(shape), d)
    result = attach(_cross_backward, result, (input, other), dim=d)
    return write_out(result, out)


@derivative("LinalgCrossBackward0", inputs=("self", "other"),
            saves={"self": ("other",), "other": ("self",)})
def _cross_backward(ctx, g):
    need, d = ctx.needs_input_grad, ctx.dim
    return (cross(ctx.other.expand(g._shape), g, d) if need[0] else None,
            cross(g, ctx.self.expand(g._shape), d) if need[1] else None)


# ---- grids ---------------------------------------------------------------------------
def _tensor_args(tensors, fname):
    from .._tensor import Tensor
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    for t in tensors:
        if not isinstance(t, Tensor):
            raise TypeError(f"{fname}(): expected Tensor as element, but got "
                            f"{python_type_name(t)}")
    return tensors


def meshgrid(*tensors, indexing=None):
    """Coordinate grids: output i varies along dim i with the values of tensors[i]
    (indexing='ij'); 'xy' swaps the first two dims, as NumPy's meshgrid does."""
    tensors = _tensor_args(tensors, "meshgrid")
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the "
                      "indexing argument.", UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but "
                           f"received: {indexing}")
    if not tensors:
        raise RuntimeError("torch.meshgrid expects a non-empty TensorList")
    for t in tensors:
        if t.dtype is not tensors[0].dtype:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype")
        if t.ndim > 1:
            raise RuntimeError("torch.meshgrid: Expected 0D or 1D tensor in the tensor list but "
                               f"got a {t.ndim}D tensor")
    flat = [t.reshape(-1) for t in tensors]
    swap = indexing == "xy" and len(flat) >= 2
    if swap:
        flat[0], flat[1] = flat[1], flat[0]
    shape = [t._shape[0] for t in flat]
    grids = []
    for i, t in enumerate(flat):
        view = [1] * len(flat)
        view[i] = shape[i]
        grids.append(t.reshape(view).expand(shape))
    if swap:  # the grids of (y, x, ...): give them back in the order of the inputs
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def cartesian_prod(*tensors):
    """Every combination of one element from each 1-D tensor, one per row."""
    from .joining import stack
    tensors = _tensor_args(tensors, "cartesian_prod")
    for t in tensors:
        if t.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t._shape)}")
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([g.reshape(-1) for g in grids], dim=1)


# ---- einsum --------------------------------------------------------------------------
def _parse_einsum(equation, operands):
    """Letters of each operand (ellipsis dims as extra symbols) and of the output."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(operands):
        raise RuntimeError(f"einsum(): more operands were provided than specified in the "
                           f"equation" if len(operands) > len(terms) else
                           "einsum(): fewer operands were provided than specified in the equation")
    ell_rank = 0
    for term, op in zip(terms, operands):
        if "..." in term:
            ell_rank = max(ell_rank, op.ndim - (len(term) - 3))
    ell = [chr(0x100 + i) for i in range(ell_rank)]  # symbols no equation can contain
    subs = []
    for i, (term, op) in enumerate(zip(terms, operands)):
        for ch in term.replace("...", ""):
            if not ch.isalpha():
                raise RuntimeError(f"einsum(): invalid subscript given at index "
                                   f"{eq.index(ch)} in the equation string, subscripts must be "
                                   f"in [a-zA-Z]")
        if "..." in term:
            pre, post = term.split("...")
            k = op.ndim - len(pre) - len(post)
            letters = list(pre) + ell[ell_rank - k:] + list(post)
        else:
            letters = list(term)
        if len(letters) != op.ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation "
                               f"({len(letters)}) does not match the number of dimensions "
                               f"({op.ndim}) for operand {i}"
                               + ("" if "..." in term else " and no ellipsis was given"))
        subs.append(letters)
    if arrow:
        out = []
        if "..." in rhs:
            pre, post = rhs.split("...")
            out = list(pre) + ell + list(post)
        else:
            out = list(rhs)
        for ch in out:
            if not any(ch in s for s in subs):
                raise RuntimeError(f"einsum(): output subscript {ch} does not appear in the "
                                   f"equation for any input operand")
    else:  # implicit output: the ellipsis dims, then letters seen once, alphabetically
        counts = {}
        for s in subs:
            for ch in s:
                counts[ch] = counts.get(ch, 0) + 1
        out = ell + sorted(ch for ch, c in counts.items() if c == 1 and ch not in ell)
    return subs, out


def _take_diagonals(op, letters, index):
    """A repeated letter within one operand means its diagonal."""
    letters = list(letters)
    while True:
        seen = {}
        for i, ch in enumerate(letters):
            if ch in seen:
                j = seen[ch]
                if op._shape[i] != op._shape[j]:
                    raise RuntimeError(f"einsum(): subscript {ch} is repeated for operand {index} but "
                                       f"the sizes don't match, {op._shape[i]} != "
                                       f"{op._shape[j]}")
                op = diagonal(op, 0, j, i)
                letters = [c for k, c in enumerate(letters) if k not in (i, j)] + [ch]
                break
            seen[ch] = i
        else:
            return op, letters


def _sum_out(op, letters, keep):
    """Sum the dims whose letters are not in keep."""
    drop = [i for i, ch in enumerate(letters) if ch not in keep]
    if drop:
        op = op.sum(dim=drop)
        letters = [ch for i, ch in enumerate(letters) if i not in drop]
    return op, letters


def _contract(a, la, b, lb, keep):
    """a (letters la) times b (letters lb), summing the shared letters not in keep,
    as one batched matrix product."""
    from .linalg_ops import matmul
    batch = [c for c in la if c in lb and c in keep]
    summed = [c for c in la if c in lb and c not in keep]
    left = [c for c in la if c not in lb]
    right = [c for c in lb if c not in la]
    size = {}
    for op, letters in ((a, la), (b, lb)):
        for ch, n in zip(letters, op._shape):
            if size.get(ch, 1) == 1:  # a size-1 dim takes the other's size (0 included)
                size[ch] = n

    def arrange(op, letters, order):
        op = op.permute([letters.index(c) for c in order])
        return op.expand([size[c] for c in order])  # a size-1 dim broadcasts
    nb = 1
    for c in batch:
        nb *= size[c]
    nl, nr, ns = (1, 1, 1)
    for c in left:
        nl *= size[c]
    for c in right:
        nr *= size[c]
    for c in summed:
        ns *= size[c]
    if a.dtype is not b.dtype:
        if summed:  # PyTorch's batched product takes one dtype; a broadcast product promotes
            raise RuntimeError(f"expected scalar type {scalar_type_name(a.dtype)} but found "
                               f"{scalar_type_name(b.dtype)}")
        dt = _dtype.promote_types(a.dtype, b.dtype)
        a, b = a.to(dt), b.to(dt)
    am = arrange(a, la, batch + left + summed).reshape(nb, nl, ns)
    bm = arrange(b, lb, batch + summed + right).reshape(nb, ns, nr)
    res = matmul(am, bm).reshape([size[c] for c in batch + left + right])
    return res, batch + left + right


def einsum(equation, /, *operands):
    """Sums of products of operands' elements, as the equation's subscripts say
    ('ij,jk->ik' is a matrix product; repeated letters in one operand take a diagonal)."""
    from .._tensor import Tensor
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands:
        raise RuntimeError("einsum(): must provide at least one operand")
    for op in operands:
        if not isinstance(op, Tensor):
            raise TypeError(f"einsum(): argument 'operands' must be tuple of Tensors, not "
                            f"{type(op).__name__}")
    subs, out = _parse_einsum(equation, operands)
    work = []
    seen = {}
    for i, (op, letters) in enumerate(zip(operands, subs)):
        op, letters = _take_diagonals(op, letters, i)
        for ch, n in zip(letters, op._shape):
            if ch in seen and n != 1 and seen[ch] != 1 and seen[ch] != n:
                raise RuntimeError(f"einsum(): subscript {ch} has size {n} for operand {i} which "
                                   f"does not broadcast with previously seen size {seen[ch]}")
            seen[ch] = n if ch not in seen or seen[ch] == 1 else seen[ch]
        work.append((op, letters))
    # letters needed later: the output's and those of operands still to come
    acc, la = work[0]
    rest = [letters for _, letters in work[1:]]
    acc, la = _sum_out(acc, la, set(out).union(*rest))
    for k, (op, lb) in enumerate(work[1:]):
        keep = set(out).union(*rest[k + 1:])
        op, lb = _sum_out(op, lb, keep | set(la))
        acc, la = _contract(acc, la, op, lb, keep)
    acc, la = _sum_out(acc, la, set(out))
    return acc.permute([la.index(c) for c in out]) if out else acc.reshape(())


# ---- the Tensor method forms: self is the input, and no out= ----------------------------
def diag_method(self, diagonal=0):
    """A vector as a diagonal matrix, or a matrix's diagonal (see torch.diag)."""
    return diag(self, diagonal)


def tril_method(self, diagonal=0):
    """The lower triangle of self's last two dims."""
    return tril(self, diagonal)


def triu_method(self, diagonal=0):
    """The upper triangle of self's last two dims."""
    return triu(self, diagonal)


def cross_method(self, other, dim=None):
    """The cross product of self and other along dim."""
    return cross(self, other, dim)
