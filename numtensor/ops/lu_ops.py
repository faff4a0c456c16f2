"""LU factorisation and triangular solves: linalg.lu_factor(_ex), lu, lu_solve,
solve_triangular, the *_ex forms of inv, solve and cholesky, cond, tensorinv,
tensorsolve, diagonal and matrix_exp, and the older torch.lu, lu_unpack, lu_solve and
triangular_solve.

The checks, broadcasting and gradients live here; the work is three backend primitives
(linalg_lu_factor: getrf, linalg_solve_triangular, linalg_lu_solve: getrs), each run
over a whole batch of contiguous matrices as in decompositions.py.  Pivots are int32
and 1-based, as LAPACK's.  linalg.inv_ex and solve_ex factor with getrf and solve with
getrs, as PyTorch does, so a singular matrix gives PyTorch's inf/nan and info.
"""
import math
import numpy as np

from .. import _dtype, return_types
from .._tensor import Tensor
from ..autograd.derivatives import attach, derivative
from .._backends.plan import broadcast_shapes
from ._common import empty, scalar_type_name
from .dispatch import cast
from . import views
from .decompositions import (_LinAlgError, _batch_prefix, _check_tensor, _dense, _op, _lapack,
                             _mT, _mH, _mm, _out, _triangle_masks, _inv_backward,
                             _solve_backward, _cholesky_backward, solve_operands)


# ---- helpers ------------------------------------------------------------------------
def _check_lapack_dtype(x, kernel):
    """PyTorch's CPU dispatch message for a dtype its LAPACK kernel does not take."""
    if x.dtype.category < 2 or x.dtype is _dtype.float16:
        raise NotImplementedError(f'"{kernel}" not implemented for '
                                  f"'{scalar_type_name(x.dtype)}'")


def _check_square(A, name):
    if A._shape[-1] != A._shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are "
                           f"{A._shape[-2]} by {A._shape[-1]} matrices")


def _check_at_least_2d(x, name, arg):
    if x.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor {arg} must have at least 2 dimensions.")


def _int_tensor(info, shape, device):
    """A host int64 info array as an int32 tensor of the batch shape on device."""
    from .._from_data import from_numpy
    t = from_numpy(np.ascontiguousarray(info, dtype=np.int32).reshape(shape))
    return t if device == t.device else t.to(device)


def _tril(x, k=0):
    from .tensor_algebra import tril
    return tril(x, k)


def _triu(x, k=0):
    from .tensor_algebra import triu
    return triu(x, k)


def _eye(m, n, dtype, device):
    from .._alloc import eye
    return eye(m, n, dtype, device)


# ---- triangular solves --------------------------------------------------------------
def _tri(A, B, upper, unit):
    """T^-1 B (no autograd), T a triangle of A; batches broadcast."""
    n, k = A._shape[-1], B._shape[-1]
    batch = broadcast_shapes(A._shape[:-2], B._shape[:-2])
    X = empty(batch + (n, k), A.dtype, A.device)
    _lapack(A).linalg_solve_triangular(
        _dense(views.expand(A.detach(), batch + (n, n))),
        _dense(views.expand(B.detach(), batch + (n, k))),
        math.prod(batch), n, k, bool(upper), bool(unit), _op(X))
    return X


def solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):
    _check_tensor(A, "linalg_solve_triangular", "input")
    _check_tensor(B, "linalg_solve_triangular", "B")
    _check_at_least_2d(A, "linalg.solve_triangular", "A")
    _check_at_least_2d(B, "linalg.solve_triangular", "B")
    _check_square(A, "linalg.solve_triangular")
    n = A._shape[-1]
    rows, cols = B._shape[-2:]
    if (rows if left else cols) != n:
        raise RuntimeError(f"linalg.solve_triangular: Incompatible shapes of A and B for the "
                           f"equation {'AX = B' if left else 'XA = B'} ({n}x{n} and "
                           f"{rows}x{cols})")
    if A.dtype is not B.dtype:
        dt = _dtype.promote_types(A.dtype, B.dtype)
        A, B = cast(A, dt), cast(B, dt)
    _check_lapack_dtype(A, "triangular_solve_cpu")
    if left:
        X = _tri(A, B, upper, unitriangular)
    else:  # X A = B  <=>  A^T X^T = B^T
        X = _mT(_tri(_mT(A), _mT(B), not upper, unitriangular))
    attach(_solve_triangular_backward, X, (A, B), upper=bool(upper), left=bool(left),
           unit=bool(unitriangular))
    return _out(X, out)


@derivative("LinalgSolveTriangularBackward0", inputs=("A", "B"), saves=("A", "result"))
def _solve_triangular_backward(ctx, g):
    A, X, upper, left, unit = ctx.A, ctx.result, ctx.upper, ctx.left, ctx.unit
    need = ctx.needs_input_grad
    gB = solve_triangular(_mH(A), g, upper=not upper, left=left, unitriangular=unit)
    gA = None
    if need[0]:
        gA = -(_mm(gB, _mH(X)) if left else _mm(_mH(X), gB))
        off = 1 if unit else 0
        gA = _triu(gA, off) if upper else _tril(gA, -off)
    return gA, (gB if need[1] else None)


def triangular_solve(input, A, upper=True, transpose=False, unitriangular=False, *, out=None):
    """torch.triangular_solve(b, A): (solution, cloned_coefficient); the older form of
    linalg.solve_triangular(A, b), with b first."""
    b = input
    _check_tensor(b, "triangular_solve", "input")
    _check_tensor(A, "triangular_solve", "A")
    if b.ndim < 2:
        raise RuntimeError(f"torch.triangular_solve: The input tensor b must have at least 2 "
                           f"dimensions.")
    if A.ndim < 2:
        raise RuntimeError(f"torch.triangular_solve: The input tensor A must have at least 2 "
                           f"dimensions.")
    if b.dtype is not A.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type "
                           f"{scalar_type_name(b.dtype)} and A of type "
                           f"{scalar_type_name(A.dtype)} instead.")
    coefficient = _mT(A) if transpose else A
    X = solve_triangular(coefficient, b, upper=bool(upper) != bool(transpose),
                         unitriangular=unitriangular)
    res = return_types.triangular_solve(X, A.clone())
    if out is not None:
        _out(X, out[0])
        _out(res[1], out[1])
        return return_types.triangular_solve(out[0], out[1])
    return res


def _triangular_solve_method(self, A, upper=True, transpose=False, unitriangular=False):
    return triangular_solve(self, A, upper, transpose, unitriangular)


# ---- LU factorisation ---------------------------------------------------------------
_LU_ZERO = ("U[{i},{i}] is zero and using it on lu_solve would result in a division by "
            "zero. If you still want to perform the factorization, consider calling "
            "linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")


def _factor(A, pivot, name, check_errors, err_name=None):
    """(LU, pivots, info) of A without autograd; raises for an exactly singular U when
    check_errors (named err_name)."""
    _check_tensor(A, name.replace(".", "_"), "A")
    if A.ndim < 2:
        raise RuntimeError(f"torch.lu_factor: Expected tensor with 2 or more dimensions. Got "
                           f"size: {list(A._shape)} instead")
    _check_lapack_dtype(A, "lu_cpu")
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the "
                           "CPU")
    m, n = A._shape[-2:]
    batch = A._shape[:-2]
    LU = empty(A._shape, A.dtype, A.device)
    piv = empty(batch + (min(m, n),), _dtype.int32, A.device)
    info = _lapack(A).linalg_lu_factor(_dense(A.detach()), math.prod(batch), m, n, _op(LU),
                                       _op(piv))
    if check_errors:
        bad = np.flatnonzero(info)
        if bad.size:
            i = int(bad[0])
            raise RuntimeError(f"{err_name or name}: {_batch_prefix(bool(batch), i)}"
                               + _LU_ZERO.format(i=int(info[i])))
    return LU, piv, info


def lu_factor_ex(A, *, pivot=True, check_errors=False, out=None):
    LU, piv, info = _factor(A, pivot, "linalg.lu_factor_ex", check_errors,
                            "torch.linalg.lu_factor_ex")
    attach(_lu_factor_backward, (LU, None, None), (A,), pivots=piv)
    res = return_types.linalg_lu_factor_ex(LU, piv, _int_tensor(info, A._shape[:-2], A.device))
    return _out_tuple(res, out, return_types.linalg_lu_factor_ex)


def lu_factor(A, *, pivot=True, out=None):
    LU, piv, _ = _factor(A, pivot, "linalg.lu_factor", True, "torch.linalg.lu_factor")
    attach(_lu_factor_backward, (LU, None), (A,), pivots=piv)
    return _out_tuple(return_types.linalg_lu_factor(LU, piv), out, return_types.linalg_lu_factor)


def _out_tuple(res, out, kind):
    if out is None:
        return res
    return kind(*(_out(r, o) for r, o in zip(res, out)))


def _unpack_data(LU):
    """(L, U) of a packed LU (m x n, k = min(m, n)): L is m x k with a unit diagonal,
    U is k x n; differentiable in LU."""
    m, n = LU._shape[-2:]
    k = min(m, n)
    L = _tril(views.narrow(LU, -1, 0, k), -1) + _eye(m, k, LU.dtype, LU.device)
    U = _triu(views.narrow(LU, -2, 0, k))
    return L, U


def _permutation(piv, m, dtype, device):
    """The m x m permutation matrices P (A = P L U) of pivots (batch + (k,)): getrs with
    L = U = I solves P^T X = I."""
    batch = piv._shape[:-1]
    nb = math.prod(batch)
    npiv = piv._shape[-1]
    eyes = _dense(views.expand(_eye(m, m, dtype, device), batch + (m, m)))
    P = empty(batch + (m, m), dtype, device)
    from .._backends import backend_for
    backend_for(device).linalg_lu_solve(eyes, _dense(piv), eyes, nb, m, npiv, m, 1, _op(P))
    return P


def _check_pivots(piv, name):
    if not isinstance(piv, Tensor) or piv.dtype is not _dtype.int32:
        raise RuntimeError(f"{name}: pivots should be a Tensor of scalar type torch.int32")


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True, *, out=None):
    """(P, L, U) from lu_factor's packed LU and 1-based pivots, with A = P @ L @ U."""
    _check_tensor(LU_data, "lu_unpack", "LU_data")
    _check_tensor(LU_pivots, "lu_unpack", "LU_pivots")
    if LU_data.ndim < 2:
        raise RuntimeError("torch.lu_unpack: Expected tensor with 2 or more dimensions. Got "
                           f"size: {list(LU_data._shape)} instead")
    m, n = LU_data._shape[-2:]
    k = min(m, n)
    if LU_pivots.dtype is not _dtype.int32:
        raise RuntimeError("torch.lu_unpack: LU_pivots is expected to be a contiguous tensor "
                           f"of torch.int32 dtype. Note: this function is intended to be used "
                           f"with the output produced by torch.linalg.lu_factor")
    if LU_pivots._shape[-1:] != (k,) or LU_pivots._shape[:-1] != LU_data._shape[:-2]:
        raise RuntimeError("torch.lu_unpack: Expected LU_pivots.size(-1) == min(LU.size(-1), "
                           f"LU.size(-2)), but got {LU_pivots._shape[-1] if LU_pivots.ndim else 0}"
                           f" != {k}")
    nothing = empty((0,), LU_data.dtype, LU_data.device)
    L, U = _unpack_data(LU_data) if unpack_data else (nothing, nothing)
    P = _permutation(LU_pivots, m, LU_data.dtype, LU_data.device) if unpack_pivots else nothing
    return _out_tuple(return_types.lu_unpack(P, L, U), out, return_types.lu_unpack)


def lu(A, *, pivot=True, out=None):
    """linalg.lu: A = P L U, P m x m, L m x k (unit diagonal), U k x n."""
    LU, piv, _ = _factor(A, pivot, "linalg.lu", False)
    attach(_lu_factor_backward, (LU, None), (A,), pivots=piv)
    L, U = _unpack_data(LU)
    P = _permutation(piv, A._shape[-2], A.dtype, A.device)
    return _out_tuple(return_types.linalg_lu(P, L, U), out, return_types.linalg_lu)


@derivative("LinalgLuFactorExBackward0", inputs=("A",), saves=("result0", "pivots"),
            complex_aware=True)
def _lu_factor_backward(ctx, gLU, *unused):
    """PyTorch's linalg_lu_backward on the packed factors: gL = tril(gLU, -1) (m x k),
    gU = triu(gLU) (k x n), for square, wide and tall A."""
    from .joining import cat
    LU = ctx.result0
    m, n = LU._shape[-2:]
    k = min(m, n)
    L, U = _unpack_data(LU)
    P = _permutation(ctx.pivots, m, LU.dtype, LU.device)
    gL = _tril(views.narrow(gLU, -1, 0, k), -1)
    gU = _triu(views.narrow(gLU, -2, 0, k))
    LH, UH = _mH(L), _mH(U)
    if m == n:
        gA = _tril(_mm(LH, gL), -1) + _triu(_mm(gU, UH))
        gA = solve_triangular(UH, gA, upper=False, left=False)
        gA = solve_triangular(LH, gA, upper=True, unitriangular=True)
    elif m < n:  # wide
        U1 = views.narrow(U, -1, 0, k)
        gA = _mm(LH, gL) - _mm(gU, UH)
        gA = solve_triangular(_mH(U1), _tril(gA, -1), upper=False, left=False)
        gA = cat([gA + _triu(views.narrow(gU, -1, 0, k)), views.narrow(gU, -1, k, n - k)], -1)
        gA = solve_triangular(LH, gA, upper=True, unitriangular=True)
    else:  # tall
        L1 = views.narrow(L, -2, 0, k)
        gA = _mm(gU, UH) - _mm(LH, gL)
        gA = solve_triangular(_mH(L1), _triu(gA), upper=True, unitriangular=True)
        gA = cat([gA + _tril(views.narrow(gL, -2, 0, k), -1), views.narrow(gL, -2, k, m - k)], -2)
        gA = solve_triangular(UH, gA, upper=False, left=False)
    return (_mm(P, gA),)


def torch_lu(A, pivot=True, get_infos=False, out=None):
    """torch.lu (torch/functional.py): (LU, pivots) or (LU, pivots, infos)."""
    res = lu_factor_ex(A, pivot=pivot, check_errors=not get_infos)
    if out is not None:
        got = tuple(_out(r, o) for r, o in zip(res, out))
        return got if get_infos else got[:2]
    return tuple(res) if get_infos else (res[0], res[1])


torch_lu.__name__ = torch_lu.__qualname__ = "lu"


def _lu_method(self, pivot=True, get_infos=False):
    return torch_lu(self, pivot, get_infos)


# ---- solving with an LU factorisation -----------------------------------------------
def _getrs(LU, piv, B, trans):
    """op(A)^-1 B (no autograd) for A = P L U given as (LU, piv); batches broadcast."""
    n, k = LU._shape[-1], B._shape[-1]
    batch = broadcast_shapes(LU._shape[:-2], B._shape[:-2])
    X = empty(batch + (n, k), B.dtype, B.device)
    _lapack(LU).linalg_lu_solve(
        _dense(views.expand(LU.detach(), batch + (n, n))),
        _dense(views.expand(piv, batch + (n,))),
        _dense(views.expand(B.detach(), batch + (n, k))),
        math.prod(batch), n, n, k, trans, _op(X))
    return X


def _lu_solve_raw(LU, piv, B, left, adjoint):
    if left:
        return _getrs(LU, piv, B, 2 if adjoint else 0)
    if not adjoint:  # X A = B  <=>  A^T X^T = B^T
        return _mT(_getrs(LU, piv, _mT(B), 1))
    return _mH(_getrs(LU, piv, _mH(B), 0))  # X A^H = B  <=>  A X^H = B^H


def lu_solve(LU, pivots, B, *, left=True, adjoint=False, out=None):
    _check_tensor(LU, "linalg_lu_solve", "LU")
    _check_tensor(pivots, "linalg_lu_solve", "pivots")
    _check_tensor(B, "linalg_lu_solve", "B")
    _check_at_least_2d(LU, "linalg.lu_solve", "LU")
    _check_at_least_2d(B, "linalg.lu_solve", "B")
    _check_square(LU, "torch.linalg.lu_solve")
    n = LU._shape[-1]
    rows, cols = B._shape[-2:]
    if (rows if left else cols) != n:
        eq = ("A^HX = B" if adjoint else "AX = B") if left else \
             ("XA^H = B" if adjoint else "XA = B")
        raise RuntimeError(f"linalg.lu_solve: Incompatible shapes of A and B for the equation "
                           f"{eq} ({n}x{n} and {rows}x{cols})")
    _check_pivots(pivots, "linalg.lu_solve")
    if pivots.ndim < 1 or pivots._shape[-1] != n:
        raise RuntimeError("linalg.lu_solve: Number of pivots per batch should be same as the "
                           "dimension of the matrix")
    if pivots._shape[:-1] != LU._shape[:-2]:
        raise RuntimeError("linalg.lu_solve: Expected LU.shape[:-2] == pivots.shape[:-1], but "
                           f"got {list(LU._shape[:-2])} and {list(pivots._shape[:-1])}")
    if LU.dtype is not B.dtype:
        raise RuntimeError(f"linalg.lu_solve: Expected LU and B to have the same dtype, but found "
                           f"LU of type {scalar_type_name(LU.dtype)} and B of type "
                           f"{scalar_type_name(B.dtype)} instead")
    _check_lapack_dtype(LU, "lu_solve_cpu")
    X = _lu_solve_raw(LU, pivots, B, left, adjoint)
    attach(_lu_solve_backward, X, (LU, None, B), pivots=pivots, left=bool(left),
           adjoint=bool(adjoint))
    return _out(X, out)


@derivative("LinalgLuSolveBackward0", inputs=("LU", "pivots", "B"),
            saves=("LU", "pivots", "result"), complex_aware=True)
def _lu_solve_backward(ctx, g):
    """op(A) X = B (left) or X op(A) = B, A = P L U: gB solves the adjoint system, and
    gA (below) goes back to the packed factors through dA = P (dL U + L dU):
    gL = tril(P^T gA U^H, -1), gU = triu(L^H P^T gA)."""
    LU, piv, X, left, adjoint = ctx.LU, ctx.pivots, ctx.result, ctx.left, ctx.adjoint
    need = ctx.needs_input_grad
    gB = lu_solve(LU, piv, g, left=left, adjoint=not adjoint)
    gLU = None
    if need[0]:
        if left:
            gA = -(_mm(X, _mH(gB)) if adjoint else _mm(gB, _mH(X)))
        else:
            gA = -(_mm(_mH(gB), X) if adjoint else _mm(_mH(X), gB))
        L, U = _unpack_data(LU)
        P = _permutation(piv, LU._shape[-1], LU.dtype, LU.device)
        PtgA = _mm(_mT(P), gA)
        gLU = _tril(_mm(PtgA, _mH(U)), -1) + _triu(_mm(_mH(L), PtgA))
    return gLU, None, (gB if need[2] else None)


def torch_lu_solve(input, LU_data, LU_pivots, *, out=None):
    """torch.lu_solve(b, LU_data, LU_pivots): linalg.lu_solve(LU_data, LU_pivots, b)."""
    return lu_solve(LU_data, LU_pivots, input, out=out)


torch_lu_solve.__name__ = torch_lu_solve.__qualname__ = "lu_solve"


def _lu_solve_method(self, LU_data, LU_pivots):
    return torch_lu_solve(self, LU_data, LU_pivots)


# ---- the *_ex forms -----------------------------------------------------------------
def _check_square_float(A, name):
    _check_tensor(A, name.replace(".", "_"), "A")
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    _check_square(A, name)
    if A.dtype.category < 2:
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. "
                           f"Got {scalar_type_name(A.dtype)}")
    if A.dtype is _dtype.float16:
        raise RuntimeError(f"{name}: Low precision dtypes not supported. Got "
                           f"{scalar_type_name(A.dtype)}")


def inv_ex(A, *, check_errors=False, out=None):
    _check_square_float(A, "linalg.inv")
    n = A._shape[-1]
    batch = A._shape[:-2]
    LU, piv, info = _factor(A, True, "linalg.inv_ex", False)
    if check_errors:
        bad = np.flatnonzero(info)
        if bad.size:
            i = int(bad[0])
            raise _LinAlgError(f"linalg.inv_ex: {_batch_prefix(bool(batch), i)}The diagonal "
                               f"element {int(info[i])} is zero, the inversion could not be "
                               f"completed because the input matrix is singular.")
    eyes = views.expand(_eye(n, n, A.dtype, A.device), batch + (n, n))
    res = _getrs(LU, piv, eyes, 0)
    attach(_inv_backward, res, (A,))
    return _out_tuple(return_types.linalg_inv_ex(res, _int_tensor(info, batch, A.device)), out,
                      return_types.linalg_inv_ex)


def solve_ex(A, B, *, left=True, check_errors=False, out=None):
    _check_square_float(A, "linalg.solve")
    _check_tensor(B, "linalg_solve_ex", "B")
    if not left:  # X A = B  <=>  A^T X^T = B^T
        res, info = solve_ex(_mT(A), _mT(B), check_errors=check_errors)
        return _out_tuple(return_types.linalg_solve_ex(_mT(res), info), out,
                          return_types.linalg_solve_ex)
    n, vector, B2 = solve_operands(A, B)
    batch = broadcast_shapes(A._shape[:-2], B2._shape[:-2])
    LU, piv, info = _factor(views.expand(A.detach(), batch + (n, n)), True, "linalg.solve_ex",
                            False)
    if check_errors and np.any(info):
        i = int(np.flatnonzero(info)[0])
        raise _LinAlgError(f"torch.linalg.solve_ex: {_batch_prefix(bool(batch), i)}The solver "
                           f"failed because the input matrix is singular.")
    X2 = _getrs(LU, piv, B2, 0)
    X = views.squeeze(X2, -1) if vector else X2
    attach(_solve_backward, X, (A, B), solution=X2, vector=vector)
    return _out_tuple(return_types.linalg_solve_ex(X, _int_tensor(info, batch, A.device)), out,
                      return_types.linalg_solve_ex)


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    _check_square_float(A, "linalg.cholesky")
    n = A._shape[-1]
    batch = A._shape[:-2]
    from .._alloc import zeros
    L = zeros(A._shape, A.dtype, A.device)  # a failed matrix's factor stays zero
    a = _dense(A.detach())
    info = _lapack(A).linalg_cholesky(a, math.prod(batch), n, _op(L))
    orders = np.zeros(len(info), np.int64)
    for i in np.flatnonzero(info):  # the failing matrices only: potrf's info for each
        orders[i] = _lapack(A).linalg_first_bad_minor((a[0], a[1] + int(i) * n * n), n) or n
    if check_errors and orders.any():
        i = int(np.flatnonzero(orders)[0])
        raise _LinAlgError(f"linalg.cholesky_ex: {_batch_prefix(bool(batch), i)}The "
                           f"factorization could not be completed because the input is not "
                           f"positive-definite (the leading minor of order {int(orders[i])} is "
                           f"not positive-definite).")
    attach(_cholesky_backward, L, (A,))
    res = _mT(L) if upper else L
    if upper and A.dtype.is_complex:
        res = _mH(L)
    return _out_tuple(return_types.linalg_cholesky_ex(res, _int_tensor(orders, batch, A.device)),
                      out, return_types.linalg_cholesky_ex)


# ---- cond, tensorinv, tensorsolve, diagonal, matrix_exp ------------------------------
_INF = float("inf")
_COND_NORMS = (None, 2, -2, 1, -1, _INF, -_INF, "fro", "nuc")


def cond(A, p=None, *, out=None):
    _check_tensor(A, "linalg_cond", "A")
    valid = p in ("fro", "nuc") if isinstance(p, str) else \
        (p is None or (isinstance(p, (int, float)) and p in (2, -2, 1, -1, _INF, -_INF)))
    if not valid:
        raise RuntimeError(f"linalg.cond got an invalid norm type: {p}")
    from ..linalg import matrix_norm, svdvals
    from .elementwise import div, where
    if p in (None, 2, -2):
        if A.ndim < 2:
            raise RuntimeError("linalg.cond: The input tensor A must have at least 2 "
                               "dimensions.")
        if A.dtype.category < 2:
            raise RuntimeError(f"linalg.svd: Expected a floating point or complex tensor as "
                               f"input. Got {scalar_type_name(A.dtype)}")
        from .reductions import amax, amin
        S = svdvals(A)
        big, small = amax(S, -1), amin(S, -1)
        res = div(small, big) if p == -2 else div(big, small)
        return _out(res, out)
    if A.ndim < 2:
        raise RuntimeError("linalg.cond: The input tensor A must have at least 2 dimensions.")
    _check_square(A, f"linalg.cond(ord={p})")
    Ainv, info = inv_ex(A)
    res = matrix_norm(A, p) * matrix_norm(Ainv, p)
    from .elementwise import ne
    singular = ne(info, 0)
    res = where(singular, _INF, res)
    return _out(res, out)


def tensorinv(A, ind=2, *, out=None):
    _check_tensor(A, "linalg_tensorinv", "A")
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    outer, inner = A._shape[:ind], A._shape[ind:]
    po, pi = math.prod(outer), math.prod(inner)
    if po != pi:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {pi} != {po}")
    from .decompositions import inv
    res = views.reshape(inv(views.reshape(A, (po, pi))), inner + outer)
    return _out(res, out)


def tensorsolve(A, B, dims=None, *, out=None):
    _check_tensor(A, "linalg_tensorsolve", "A")
    _check_tensor(B, "linalg_tensorsolve", "B")
    if dims is not None:
        dims = [d % A.ndim for d in dims]
        A = views.movedim(A, tuple(dims), tuple(range(A.ndim - len(dims), A.ndim)))
    res_shape = A._shape[B.ndim:]
    from .decompositions import solve
    p = math.prod(res_shape)
    A2 = views.reshape(A, (math.prod(B._shape), p))
    res = views.reshape(solve(A2, views.reshape(B, (-1,))), res_shape)
    return _out(res, out)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    from .tensor_algebra import diagonal as _diagonal
    return _diagonal(A, offset, dim1, dim2)


def matrix_exp(A):
    from .more_draws_and_linalg import matrix_exp as _matrix_exp
    return _matrix_exp(A)


# ---- torch.<name> and Tensor.<name> (loaded lazily, see _lazy_ops.py) ---------------
FUNCTIONS = {"triangular_solve": triangular_solve, "lu_unpack": lu_unpack,
             "lu_solve": torch_lu_solve, "lu": torch_lu}
METHODS = {"triangular_solve": _triangular_solve_method, "lu_solve": _lu_solve_method,
           "lu": _lu_method}
for _name, _fn in METHODS.items():
    _fn.__name__ = _fn.__qualname__ = _name
    _fn.__doc__ = f"See torch.{_name}()."
