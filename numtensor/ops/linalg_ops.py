"""The matrix-product family: matmul (@), mm, mv, bmm, dot, outer/ger, inner.

Every product goes through one raw routine, _product, which hands a broadcast batch of
(m, k) @ (k, n) products to the backend's matmul kernel: BLAS for float and complex,
a blocked Numba loop for integers (BLAS has none), float16 computed in float32.
Broadcast batch dims cost no copy (each batch element is addressed by its offset),
and transposed operands (x.t()) reach BLAS as transposes, not copies.

Checks and error texts follow PyTorch op by op (mm's "mat1 and mat2 shapes cannot be
multiplied (2x3 and 2x3)", dot's "inconsistent tensor size ...", ...), and matmul
dispatches on the ranks exactly as PyTorch does, so its errors are those of the op it
becomes.  Gradients are recorded under PyTorch's node names (MmBackward0 ...).
"""
import math
import numpy as np

from .. import _dtype
from .._tensor import Tensor, make_tensor, buffer
from ..autograd.derivatives import attach, derivative
from .._backends import backend_for, plan
from .._backends.plan import broadcast_shapes, broadcast_strides, contiguous_strides, matrix_layout
from ._common import empty, same_device, scalar_type_name
from .copy import contiguous_copy
from .dispatch import cast, copy_into
from . import views
from .._type_names import python_type_name
from ..amp.autocast_mode import lower_precision

# C++ type names that PyTorch's mm/matmul dtype errors print
_CPP_TYPE = {
    "bool": "bool", "uint8": "unsigned char", "int8": "signed char", "int16": "short int",
    "int32": "int", "int64": "long int", "float16": "c10::Half", "float32": "float",
    "float64": "double", "complex64": "c10::complex<float>",
    "complex128": "c10::complex<double>",
}


# ---- the raw product (no checks, no autograd) -------------------------------------
def _kernel_ready(x, rows_only):
    """x itself if the kernel can read its matrices in place, else a contiguous copy.

    Float kernels (BLAS) need each matrix row-major or transposed row-major; the integer
    kernel reads A with any strides and only needs unit-stride rows in B (rows_only)."""
    r, c = x._shape[-2:]
    rs, cs = x._strides[-2:]
    if rows_only:
        ok = cs == 1 or c == 1
    else:
        ok = matrix_layout(r, c, rs, cs) is not None
    return x if ok else contiguous_copy(x)


def _product(a, b, batch_shape, into=None):
    """(*, m, k) @ (*, k, n) -> (*batch_shape, m, n); both batches broadcast to it.
    into: a fresh contiguous float tensor of that shape and a's dtype, computed in
    that dtype, to which the product is added (and returned)."""
    res = _in_place_product(a, b, batch_shape, into)
    if res is not None:
        return res
    m, k = a._shape[-2:]
    n = b._shape[-1]
    dtype = a.dtype
    be = backend_for(a.device)
    kdtype = be.compute_dtype("matmul", dtype)
    a, b = cast(a, kdtype), cast(b, kdtype)
    integer = kdtype.category < 2
    if not integer:
        a = _kernel_ready(a, False)
    b = _kernel_ready(b, integer)
    batch_shape = tuple(batch_shape)
    out = empty(batch_shape + (m, n), kdtype, a.device) if into is None else into
    p = _plan(a, b, batch_shape)
    be.matmul(p, buffer(a), buffer(b), buffer(out), accumulate=into is not None)
    return cast(out, dtype) if dtype is not kdtype else out


def _plan(a, b, batch_shape):
    """The backend's plan of the products of a and b (read in place) over batch_shape."""
    def batch_strides(x):
        return broadcast_strides(x._shape[:-2], x._strides[:-2], batch_shape) if batch_shape else ()

    m, k = a._shape[-2:]
    return plan.matmul(batch_shape, m, k, b._shape[-1],
                       a._offset, batch_strides(a), a._strides[-2], a._strides[-1],
                       b._offset, batch_strides(b), b._strides[-2], b._strides[-1])


_product_plans = {}   # (batch shape, geometry of a, of b) -> (plan, output shape)
_in_place_dtypes = {}  # (device type, dtype) -> whether the backend multiplies it as is


def _multiplied_as_is(device, dtype):
    """Whether the backend multiplies float or complex matrices of dtype in dtype itself
    (float16 is computed in float32), and so can add a product to its output."""
    direct = _in_place_dtypes.get((device.type, dtype))
    if direct is None:
        direct = _in_place_dtypes[(device.type, dtype)] = (
            (dtype.is_floating_point or dtype.is_complex)
            and backend_for(device).compute_dtype("matmul", dtype) is dtype)
    return direct


def _in_place_product(a, b, batch_shape, into=None):
    """a @ b over batch_shape (added to `into`, when given) for operands of one float
    dtype that the backend multiplies in that dtype and reads in place (each matrix
    row-major, or the transpose of row-major): a Linear layer's products and their
    gradients, bmm, the convolutions' products.  The plan is kept per geometry, so a
    call only allocates and runs the kernel (a 4 x 4 product took 5.4 us in the general
    path, most of it converting, checking and planning what had not changed; a bmm's
    Python path runs after its kernel has flushed the caches, where each step costs
    several times more).  None when the arguments are not of that kind."""
    sa, sb = a._storage, b._storage
    dtype, dev = sa.dtype, sa.device
    if sb.dtype is not dtype or sb.device is not dev or not _multiplied_as_is(dev, dtype):
        return None
    key = (batch_shape, a._shape, a._strides, a._offset, b._shape, b._strides, b._offset)
    known = _product_plans.get(key)
    if known is None:
        m, k = a._shape[-2:]
        n = b._shape[-1]
        if matrix_layout(m, k, *a._strides[-2:]) is None or \
                matrix_layout(k, n, *b._strides[-2:]) is None:
            return None  # a copy first: the general path
        if len(_product_plans) > 1024:  # geometries seen are few in practice; stay bounded
            _product_plans.clear()
        batch = tuple(batch_shape)
        known = _product_plans[key] = (_plan(a, b, batch), batch + (m, n))
    p, shape = known
    out = empty(shape, dtype, dev) if into is None else into
    backend_for(dev).matmul(p, sa._buf, sb._buf, out._storage._buf, accumulate=into is not None)
    return out


def _accumulates(x):
    """Whether a product in x's dtype can be added to its output by the backend: float
    and complex dtypes computed in themselves (float16 is computed in float32)."""
    return _multiplied_as_is(x._storage.device, x._storage.dtype)


def _as_row(v):
    """A vector as a 1 x k matrix view (same memory), for the product routine."""
    return views.make_view(v, (1,) + v._shape, (0,) + v._strides)


def _as_column(v):
    """A vector as a k x 1 matrix view (same memory), for the product routine."""
    return views.make_view(v, v._shape + (1,), v._strides + (1,))


def _raw_view(x, shape):
    """A view of a contiguous tensor with a new shape (no autograd record)."""
    return make_tensor(x._storage, x._offset, tuple(shape), contiguous_strides(shape))


# ---- checks shared by the ops -----------------------------------------------------
def _check_pair(name, first, a, second, b):
    """_check_tensors for two arguments named first and second, the common case (two
    tensors on one device object) answered without building its keywords."""
    if isinstance(a, Tensor) and isinstance(b, Tensor) and a._storage.device is b._storage.device:
        return
    _check_tensors(name, **{first: a, second: b})


def _check_tensors(name, **args):
    """TypeError for a non-tensor argument, worded like PyTorch's argument parser."""
    for i, (arg, x) in enumerate(args.items()):
        if not isinstance(x, Tensor):
            raise TypeError(f"{name}(): argument '{arg}' (position {i + 1}) must be Tensor, "
                            f"not {python_type_name(x)}")
    same_device(*args.values())


def _no_bool(kernel, *xs):
    for x in xs:
        if x.dtype is _dtype.bool_:
            raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def _mm_dtype_check(a, b):
    if a.dtype is not b.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{_CPP_TYPE[a.dtype.name]} != {_CPP_TYPE[b.dtype.name]}")


def _mm_shape_check(a_rows, a_cols, b_rows, b_cols):
    if a_cols != b_rows:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied "
                           f"({a_rows}x{a_cols} and {b_rows}x{b_cols})")


def _mv_checks(mat, vec):
    if vec.dtype is not mat.dtype:
        n = scalar_type_name
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got "
                           f"{n(vec.dtype)}, {n(mat.dtype)}, and {n(vec.dtype)}")
    if mat._shape[1] != vec._shape[0]:
        raise RuntimeError(f"size mismatch, got input ({mat._shape[0]}), mat "
                           f"({mat._shape[0]}x{mat._shape[1]}), vec ({vec._shape[0]})")


# ---- the ops ------------------------------------------------------------------------
_NO_OUT_DTYPE = object()  # out_dtype not given (None is not a dtype: torch refuses it)


def _refuse_out_dtype(name, input, mat2, out_dtype, out):
    """mm/bmm(..., out_dtype): PyTorch 2.13 declares the overload, but its CPU build has no
    kernel for it (NotImplementedError); numtensor has none on any device either."""
    from .. import _dtype
    if not isinstance(out_dtype, _dtype.dtype):
        raise TypeError(f"{name}() received an invalid combination of arguments - got (Tensor, "
                        f"Tensor, out_dtype={type(out_dtype).__name__}), but expected one of:\n"
                        f" * (Tensor input, Tensor mat2, *, Tensor out = None)\n"
                        f" * (Tensor input, Tensor mat2, torch.dtype out_dtype, *, Tensor out = None)\n")
    overload = "dtype_out" if out is not None else "dtype"
    device = getattr(getattr(input, "device", None), "type", "cpu").upper()
    raise NotImplementedError(f"Could not run 'aten::{name}.{overload}' with arguments from the "
                              f"'{device}' backend.")


def mm(input, mat2, out_dtype=_NO_OUT_DTYPE, *, out=None):
    input, mat2 = lower_precision(input, mat2)  # (autocast)
    if out_dtype is not _NO_OUT_DTYPE:
        _refuse_out_dtype("mm", input, mat2, out_dtype, out)
    _check_pair("mm", "input", input, "mat2", mat2)
    return _finish(_mm(input, mat2), out)


def _mm(input, mat2):
    """mm of two tensors on one device, after the checks of their types."""
    if len(input._shape) != 2:
        raise RuntimeError("self must be a matrix")
    if len(mat2._shape) != 2:
        raise RuntimeError("mat2 must be a matrix")
    (m, k), (k2, n) = input._shape, mat2._shape
    if k != k2:
        _mm_shape_check(m, k, k2, n)
    dtype = input._storage.dtype
    if mat2._storage.dtype is not dtype:
        _mm_dtype_check(input, mat2)
    if dtype is _dtype.bool_ and m * k and k * n:  # PyTorch refuses bool only with work
        _no_bool("addmm_impl_cpu_", input)
    res = _product(input, mat2, ())
    if input._requires_grad or mat2._requires_grad:
        attach(_mm_backward, res, (input, mat2), a_column_major=_column_major(input),
               b_column_major=_column_major(mat2))
    return res


@derivative("MmBackward0", inputs=("self", "mat2"), saves={"self": ("mat2",), "mat2": ("self",)})
def _mm_backward(ctx, g):
    # Each gradient is laid out like its input, as PyTorch does: the gradient of a
    # transposed matrix (W.t() in linear) is computed transposed, so that W.grad comes
    # out contiguous and the optimizer's update runs on one contiguous run.
    need = ctx.needs_input_grad
    a, b = ctx.self, ctx.mat2
    grad_a = grad_b = None
    if need[0]:
        grad_a = views.t(mm(b, views.t(g))) if ctx.a_column_major else mm(g, views.t(b))
    if need[1]:
        grad_b = views.t(mm(views.t(g), a)) if ctx.b_column_major else mm(views.t(a), g)
    return grad_a, grad_b


def addmm(input, mat1, mat2, out_dtype=_NO_OUT_DTYPE, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * (mat1 @ mat2), input broadcast to the product's shape (a
    Linear layer's bias); one node, AddmmBackward0, as in PyTorch."""
    input, mat1, mat2 = lower_precision(input, mat1, mat2)  # (autocast)
    if out_dtype is not _NO_OUT_DTYPE:
        _refuse_out_dtype("addmm", input, mat1, out_dtype, out)
    if not (isinstance(input, Tensor) and isinstance(mat1, Tensor) and isinstance(mat2, Tensor)
            and input._storage.device is mat1._storage.device is mat2._storage.device):
        _check_tensors("addmm", input=input, mat1=mat1, mat2=mat2)
    if len(mat1._shape) != 2:
        raise RuntimeError("mat1 must be a matrix, got " f"{mat1.ndim}-D tensor")
    if len(mat2._shape) != 2:
        raise RuntimeError("mat2 must be a matrix, got " f"{mat2.ndim}-D tensor")
    _mm_shape_check(*mat1._shape, *mat2._shape)
    dtype = mat1._storage.dtype
    if mat2._storage.dtype is not dtype:
        _mm_dtype_check(mat1, mat2)
    if input._storage.dtype is not dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got "
                           f"{scalar_type_name(input.dtype)} and {scalar_type_name(mat2.dtype)}")
    _no_bool("addmm_impl_cpu_", mat1)
    shape = (mat1._shape[0], mat2._shape[1])
    if input._shape == shape[1:] or input._shape == shape:  # a bias row, or a full matrix
        fits = True
    else:
        try:
            fits = len(input._shape) <= 2 and broadcast_shapes(tuple(input._shape), shape) == shape
        except RuntimeError:
            fits = False
    if not fits:
        raise RuntimeError(
            f"The expanded size of the tensor ({shape[-1]}) must match the existing size "
            f"({input._shape[-1] if input._shape else 1}) at non-singleton dimension "
            f"{len(shape) - 1}.  Target sizes: [{shape[0]}, {shape[1]}].  Tensor sizes: "
            f"[{', '.join(map(str, input._shape))}]")
    from ..autograd.grad_mode import no_grad
    if alpha == 1 and beta == 1 and _accumulates(mat1):
        # as PyTorch: the result starts as a copy of input, and BLAS adds the product
        res = empty(shape, mat1.dtype, mat1.device)
        copy_into(res, input)  # broadcast
        _product(mat1, mat2, (), into=res)
    else:
        res = _product(mat1, mat2, ())  # a fresh tensor with no history: scaled in place
        with no_grad():
            if alpha != 1:
                res.mul_(alpha)
            if beta != 0:
                res.add_(input, alpha=beta)
    if input._requires_grad or mat1._requires_grad or mat2._requires_grad:
        attach(_addmm_backward, res, (input, mat1, mat2), a_column_major=_column_major(mat1),
               b_column_major=_column_major(mat2), alpha=alpha, beta=beta,
               row_bias=_row_bias_shape(input, mat1, mat2))
    return _finish(res, out)


@derivative("AddmmBackward0", inputs=("self", "mat1", "mat2"),
            saves={"mat1": ("mat2",), "mat2": ("mat1",)})
def _addmm_backward(ctx, g):
    need = ctx.needs_input_grad
    grad_in = None
    if need[0]:
        grad_in = g if ctx.beta == 1 else g * ctx.beta  # the engine sums it to input's shape
        if ctx.row_bias:
            grad_in = _column_sums(grad_in, ctx.row_bias)
    if need[1] or need[2]:
        gs = g if ctx.alpha == 1 else g * ctx.alpha
        # laid out like their inputs, as in mm's backward (W.grad of a Linear is contiguous)
        a, b = ctx.mat1, ctx.mat2
        grad_a = grad_b = None
        if need[1]:
            grad_a = views.t(mm(b, views.t(gs))) if ctx.a_column_major else mm(gs, views.t(b))
        if need[2]:
            grad_b = views.t(mm(views.t(gs), a)) if ctx.b_column_major else mm(views.t(a), gs)
        return grad_in, grad_a, grad_b
    return grad_in, None, None


def _row_bias_shape(input, mat1, mat2):
    """input's shape when it is one full row broadcast down the product (a Linear layer's
    bias, (n,) or (1, n)) in a dtype whose products the backend adds up, else None."""
    shape = tuple(input._shape)
    full_row = len(shape) == 1 or len(shape) == 2 and shape[0] == 1
    if not full_row or shape[-1] != mat2._shape[1] or not _accumulates(mat1):
        return None
    return shape


def _column_sums(g, shape):
    """g (m, n) summed over its rows, in `shape` ((n,) or (1, n)), as a product with a row
    of ones: a product kernel every training step has compiled already, where a sum over
    dim 0 would compile one more parallel kernel on a cold cache (about 0.8 s)."""
    ones = empty((1, g._shape[0]), g.dtype, g.device).fill_(1)
    return mm(ones, g).view(shape)


def _column_major(x):
    """True for a column-major matrix (x.t() of a row-major one), by PyTorch's test."""
    return x._strides[0] == 1 and x._strides[1] == x._shape[0]


def mv(input, vec, *, out=None):
    _check_tensors("mv", input=input, vec=vec)
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input.ndim}, {vec.ndim}")
    _mv_checks(input, vec)
    if input.numel() and vec.numel():
        _no_bool("addmv_impl_cpu", input)
    res = _raw_view(_product(input, _as_column(vec), ()), (input._shape[0],))
    attach(_mv_backward, res, (input, vec))
    return _finish(res, out)


@derivative("MvBackward0", inputs=("self", "vec"), saves={"self": ("vec",), "vec": ("self",)})
def _mv_backward(ctx, g):
    need = ctx.needs_input_grad
    return (outer(g, ctx.vec) if need[0] else None,
            mv(views.t(ctx.self), g) if need[1] else None)


def dot(input, tensor, *, out=None):
    other = tensor  # torch's parameter name, short local
    _check_tensors("dot", input=input, tensor=other)
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors")
    if input._shape[0] != other._shape[0]:
        a, b = input._shape[0], other._shape[0]
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{a}] and src [{b}] to "
                           f"have the same number of elements, but got {a} and {b} elements "
                           f"respectively")
    if input.dtype is not other.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found "
                           f"{scalar_type_name(input.dtype)} and {scalar_type_name(other.dtype)}")
    _no_bool("dot", input)
    res = _raw_view(_product(_as_row(input), _as_column(other), ()), ())
    attach(_dot_backward, res, (input, other))
    return _finish(res, out)


@derivative("DotBackward0", inputs=("self", "other"), saves={"self": ("other",), "other": ("self",)})
def _dot_backward(ctx, g):
    from .elementwise import mul
    need = ctx.needs_input_grad
    return (mul(g, ctx.other) if need[0] else None), (mul(g, ctx.self) if need[1] else None)


def bmm(input, mat2, out_dtype=_NO_OUT_DTYPE, *, out=None):
    input, mat2 = lower_precision(input, mat2)  # (autocast)
    if out_dtype is not _NO_OUT_DTYPE:
        _refuse_out_dtype("bmm", input, mat2, out_dtype, out)
    _check_tensors("bmm", input=input, mat2=mat2)
    if input.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    _bmm_checks(input, mat2, input._shape[0], strict_batch=True)
    res = _product(input, mat2, (input._shape[0],))
    attach(_bmm_backward, res, (input, mat2))
    return _finish(res, out)


@derivative("BmmBackward0", inputs=("self", "mat2"), saves={"self": ("mat2",), "mat2": ("self",)})
def _bmm_backward(ctx, g):
    need = ctx.needs_input_grad
    return (bmm(g, views.transpose(ctx.mat2, 1, 2)) if need[0] else None,
            bmm(views.transpose(ctx.self, 1, 2), g) if need[1] else None)


def _bmm_dtype_check(a, b):
    if a.dtype is not b.dtype:
        raise RuntimeError(f"expected scalar type {scalar_type_name(a.dtype)} but found "
                           f"{scalar_type_name(b.dtype)}")


def _bmm_checks(a, b, batch, strict_batch=False):
    """PyTorch's bmm errors (batch: the batch size bmm sees; matmul has broadcast it)."""
    _bmm_dtype_check(a, b)
    k = a._shape[-1]
    if b._shape[-2] != k or (strict_batch and b._shape[0] != batch):
        got = b._shape[0] if strict_batch else batch
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{batch}, {k}] but got: [{got}, {b._shape[-2]}].")
    if a.numel() and b.numel():
        _no_bool("bmm", a)


def matmul(input, other, *, out=None):
    """PyTorch's rank rules: dot, mv, mm, folded mm/mv, or a broadcast batched product."""
    input, other = lower_precision(input, other)  # (autocast)
    _check_pair("matmul", "input", input, "other", other)
    da, db = len(input._shape), len(other._shape)
    if da == 0 or db == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{da}D and {db}D")
    if da == 1 and db == 1:
        res = dot(input, other)
    elif da == 2 and db == 1:
        res = mv(input, other)
    elif da == 1 and db == 2:
        row = mm(views.unsqueeze(input, 0), other)
        res = _raw_view(row, row._shape[1:])
        attach(_squeeze_row_backward, res, (row,))
    elif da == 2 and db == 2:
        res = _mm(input, other)
    elif _should_fold(input, other, out is not None):
        res = _folded_matmul(input, other)
    else:
        res = _batched_matmul(input, other)
    return _finish(res, out)


def matmul_operator(self, other):
    """self @ other: a NumPy array on the right is converted, as PyTorch does; any other
    non-tensor gives Python's "unsupported operand type(s) for @" TypeError."""
    if isinstance(other, np.ndarray):
        from .._from_data import from_numpy
        other = from_numpy(other)
    elif not isinstance(other, Tensor):
        return NotImplemented
    return matmul(self, other)


def rmatmul_operator(self, other):
    """other @ self where other is not a tensor: unsupported, as in PyTorch."""
    if not isinstance(other, Tensor):
        return NotImplemented
    return matmul(other, self)


def _should_fold(a, b, has_out):
    """PyTorch's rule for computing a batched product as one mm/mv: the larger operand
    (b^T when b is larger) must be >= 3-D and the other <= 2-D, and either the smaller
    one requires grad or folding the batch dims into rows needs no copy."""
    a_larger = a.ndim >= b.ndim
    big_shape = a._shape if a_larger else b._shape[:-2] + (b._shape[-1], b._shape[-2])
    big_strides = a._strides if a_larger else b._strides[:-2] + (b._strides[-1], b._strides[-2])
    small = b if a_larger else a
    if not (len(big_shape) >= 3 and small.ndim <= 2) or has_out:
        return False
    if small.requires_grad:
        return True
    if a.ndim == 2:  # the folded result would need a transposing copy
        return False
    if math.prod(big_shape) == 0:
        return True
    return all(big_strides[i] == big_strides[i + 1] * big_shape[i + 1]
               for i in range(len(big_shape) - 2))


def _folded_matmul(a, b):
    """The batch of the larger operand folded into the rows of one mm (or mv)."""
    transpose = b.ndim > a.ndim  # then compute (b^T @ a^T)^T
    big = views.transpose(b, -1, -2) if transpose else a
    small = (views.t(a) if a.ndim == 2 else a) if transpose else b
    rows = math.prod(big._shape[:-1])
    folded = views.reshape(big, (rows, big._shape[-1]))
    if small.ndim == 2:
        res = _unsafe_view(mm(folded, small), big._shape[:-1] + (small._shape[1],))
        if transpose:
            from .copy import contiguous
            res = contiguous(views.transpose(res, -1, -2))
        return res
    return _unsafe_view(mv(folded, small), big._shape[:-1])


@derivative("SqueezeBackward4")
def _squeeze_row_backward(ctx, g):
    return (views.unsqueeze(g, 0),)


def _unsafe_view(x, shape):
    res = _raw_view(x, shape)
    attach(views._unsafe_view_backward, res, (x,), shape=x._shape)
    return res


def _batched_matmul(a, b):
    """Both operands at least 1-D, one at least 3-D: broadcast the batch dims."""
    a_vec, b_vec = a.ndim == 1, b.ndim == 1
    a2 = _as_row(a) if a_vec else a
    b2 = _as_column(b) if b_vec else b
    batch = broadcast_shapes(a2._shape[:-2], b2._shape[:-2])
    _bmm_checks(a2, b2, math.prod(batch))
    res = _product(a2, b2, batch)
    shape = batch + (() if a_vec else (a2._shape[-2],)) + (() if b_vec else (b2._shape[-1],))
    res = _raw_view(res, shape)
    attach(_batched_matmul_backward, res, (a, b), node_name="UnsafeViewBackward0", a_vec=a_vec,
           b_vec=b_vec)
    return res


@derivative("BatchedMatmulBackward", inputs=("self", "other"),
            saves={"self": ("other",), "other": ("self",)})
def _batched_matmul_backward(ctx, g):
    # restore the unit dims of 1-D operands; the engine sums broadcast batch dims away
    a, b, need = ctx.self, ctx.other, ctx.needs_input_grad
    a_vec, b_vec = ctx.a_vec, ctx.b_vec
    g2 = views.unsqueeze(g, -1) if b_vec else g
    g2 = views.unsqueeze(g2, -2) if a_vec else g2
    ga = gb = None
    if need[0]:
        b2 = _as_column(b) if b_vec else b
        ga = matmul(g2, views.transpose(b2, -1, -2))
        if a_vec:
            ga = views.squeeze(ga, -2)
    if need[1]:
        a2 = _as_row(a) if a_vec else a
        gb = matmul(views.transpose(a2, -1, -2), g2)
        if b_vec:
            gb = views.squeeze(gb, -1)
    return ga, gb


def outer(input, vec2, *, out=None):
    _check_tensors("outer", input=input, vec2=vec2)
    for name, x in (("self", input), ("vec2", vec2)):
        if x.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {x.ndim}-D")
    from .elementwise import mul
    return _finish(mul(views.reshape(input, (-1, 1)), vec2), out)


ger = outer


def inner(input, other, *, out=None):
    _check_tensors("inner", input=input, other=other)
    from .elementwise import mul
    if input.ndim == 0 or other.ndim == 0:
        return _finish(mul(input, other), out)
    k = input._shape[-1]
    if other._shape[-1] != k:
        from ._common import shape_str
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but "
                           f"got shapes {shape_str(input._shape)} and {shape_str(other._shape)}")
    # (the row counts spelled out: -1 cannot be inferred when k is 0)
    rows = views.reshape(input, (_count(input._shape[:-1]), k))
    cols = views.reshape(other, (_count(other._shape[:-1]), k))
    res = mm(rows, views.t(cols))
    return _finish(views.reshape(res, input._shape[:-1] + other._shape[:-1]), out)


def _count(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def _finish(res, out):
    if out is None:
        return res
    from .copy import resize_and_copy_out
    return resize_and_copy_out(out, res)
