"""LAPACK-backed linear algebra: inv, solve, lstsq, det, slogdet, eig, eigh, cholesky, qr, svd.

Each op checks its input with PyTorch's wording, copies the batch of matrices into one
contiguous buffer of the compute dtype, runs one backend kernel over the whole batch
(_backends/cpu/linalg_kernels.py) and wraps the results.  Failures come back per batch
element and are raised as LinAlgError (a RuntimeError) worded like PyTorch's.

Gradients are recorded for inv, solve, det (singular matrices included), slogdet, eigh
and cholesky.  eig, qr, svd and lstsq record a node whose backward raises
NotImplementedError, so a gradient through them fails loudly instead of silently going
missing.
"""
import math
import numpy as np

from .. import _dtype, return_types
from .._tensor import Tensor, operand
from ..autograd.derivatives import attach, derivative
from .._backends import backend_for
from .._backends.plan import broadcast_shapes
from ._common import empty, is_contiguous, scalar_type_name
from .copy import contiguous_copy
from .dispatch import cast
from . import views


class _LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a matrix the operation cannot handle (singular, not PD)."""


LinAlgError = _LinAlgError
_LinAlgError.__module__ = "numtensor.linalg"  # where users find it


# ---- argument checks ----------------------------------------------------------------
def _check_tensor(x, fname, arg="A"):
    if not isinstance(x, Tensor):
        raise TypeError(f"{fname}(): argument '{arg}' (position 1) must be Tensor, "
                        f"not {type(x).__name__}")


def _check_float(x, name):
    if x.dtype.category < 2:
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. "
                           f"Got {scalar_type_name(x.dtype)}")
    if x.dtype is _dtype.float16:
        raise RuntimeError(f"{name}: Low precision dtypes not supported. Got Half")


def _check_matrix(A, name, square=True):
    _check_tensor(A, name.replace(".", "_"))
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if square and A._shape[-1] != A._shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are "
                           f"{A._shape[-2]} by {A._shape[-1]} matrices")
    _check_float(A, name)



# ---- buffers ------------------------------------------------------------------------
def _dense(x):
    """An operand of x's matrices, contiguous (a copy unless x already is contiguous);
    the kernels read the batch as one flat run."""
    if not is_contiguous(x):
        x = contiguous_copy(x)
    return operand(x)


_op = operand


def _lapack(A):
    return backend_for(A.device)


def _batch_prefix(batched, i):
    return f"(Batch element {i}): " if batched else ""


def _mT(x):
    return views.transpose(x, -2, -1)


def _triangle_masks(n, device):
    """(lower-or-diagonal, diagonal) boolean masks of an n x n matrix."""
    from .._alloc import arange
    from .elementwise import eq, ge
    i = arange(n, _dtype.int64, device)
    rows, cols = views.unsqueeze(i, -1), views.unsqueeze(i, 0)
    return ge(rows, cols), eq(rows, cols)


def _missing_derivative(name):
    """A backward that says plainly that this derivative is missing, so a gradient
    through the op can never be silently absent."""
    @derivative(name.title().replace("_", "") + "Backward0", inputs=("A", "B"))
    def backward(ctx, *grads):
        raise NotImplementedError(f"the derivative for '{name}' is not implemented in numtensor")
    return backward


_MISSING = {name: _missing_derivative(name)
            for name in ("linalg_lstsq", "linalg_eig", "linalg_qr", "linalg_svd")}


def _no_derivative(name, outputs, inputs):
    attach(_MISSING[name], outputs, inputs)


# ---- inverse, solve, determinants ---------------------------------------------------
def _raise_first_failure(info, name, batched, explain):
    """LinAlgError for the first batch element a kernel flagged in `info`;
    explain(i) words why element i failed."""
    bad = np.flatnonzero(info)
    if bad.size:
        i = int(bad[0])
        raise _LinAlgError(f"{name}: {_batch_prefix(batched, i)}{explain(i)}")


def _per_matrix(A, kind, name, explain):
    """A fresh tensor of A's shape holding the fallible kernel `kind` (inv, cholesky)
    applied to each n x n matrix of A.  A failure raises LinAlgError naming the first
    failing batch element; explain(matrix, n) words why, from that matrix's values."""
    n = A._shape[-1]
    nb = math.prod(A._shape[:-2])
    a = _dense(A)
    res = empty(A._shape, A.dtype, A.device)
    info = getattr(_lapack(A), "linalg_" + kind)(a, nb, n, _op(res))
    _raise_first_failure(info, name, A.ndim > 2,
                         lambda i: explain((a[0], a[1] + i * n * n), n))
    return res


def inv(A, *, out=None):
    _check_matrix(A, "linalg.inv")

    def explain(matrix, n):
        pivot = _lapack(A).linalg_first_zero_pivot(matrix, n) or n
        return (f"The diagonal element {pivot} is zero, the inversion could not be "
                "completed because the input matrix is singular.")
    res = _per_matrix(A, "inv", "linalg.inv", explain)
    attach(_inv_backward, res, (A,))
    return _out(res, out)


@derivative("LinalgInvExBackward0", inputs=("A",), saves=("result",))
def _inv_backward(ctx, g):
    from .linalg_ops import matmul
    from .elementwise import neg
    r = _mT(ctx.result)
    return (neg(matmul(matmul(r, g), r)),)


def inverse(input, *, out=None):
    return inv(input, out=out)


def solve(A, B, *, left=True, out=None):
    _check_matrix(A, "linalg.solve")
    _check_tensor(B, "linalg_solve", "B")
    if not left:
        # X A = B  <=>  A^T X^T = B^T
        return _out(_mT(solve(_mT(A), _mT(B))), out)
    if A.dtype is not B.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A "
                           f"of type {scalar_type_name(A.dtype)} and B of type "
                           f"{scalar_type_name(B.dtype)} instead")
    n = A._shape[-1]
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and B._shape == A._shape[:-1])
    B2 = views.unsqueeze(B, -1) if vector else B
    if B2.ndim < 2 or B2._shape[-2] != n:
        rows, cols = (B2._shape[-2], B2._shape[-1]) if B2.ndim >= 2 else (B2._shape[0], 1)
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation "
                           f"AX = B ({n}x{n} and {rows}x{cols})")
    k = B2._shape[-1]
    batch = broadcast_shapes(A._shape[:-2], B2._shape[:-2])
    nb = math.prod(batch)
    a = _dense(views.expand(A.detach(), batch + (n, n)))
    b = _dense(views.expand(B2.detach(), batch + (n, k)))
    X2 = empty(batch + (n, k), A.dtype, A.device)
    info = _lapack(A).linalg_solve(a, b, nb, n, k, _op(X2))
    _raise_first_failure(info, "torch.linalg.solve", bool(batch),
                         lambda i: "The solver failed because the input matrix is singular.")
    X = views.squeeze(X2, -1) if vector else X2
    attach(_solve_backward, X, (A, B), solution=X2, vector=vector)
    return _out(X, out)


@derivative("LinalgSolveExBackward0", inputs=("A", "B"), saves=("A", "solution"))
def _solve_backward(ctx, g):
    from .linalg_ops import matmul
    from .elementwise import neg
    need, vector = ctx.needs_input_grad, ctx.vector
    g2 = views.unsqueeze(g, -1) if vector else g
    gB = solve(_mT(ctx.A), g2)
    gA = neg(matmul(gB, _mT(ctx.solution))) if need[0] else None
    return gA, ((views.squeeze(gB, -1) if vector else gB) if need[1] else None)


def det(A, *, out=None):
    _check_matrix(A, "linalg.det")
    n = A._shape[-1]
    batch = A._shape[:-2]
    nb = math.prod(batch)
    res = empty(batch, A.dtype, A.device)
    _lapack(A).linalg_det(_dense(A), nb, n, _op(res))
    attach(_det_backward, res, (A,))
    return _out(res, out)


@derivative("LinalgDetBackward0", inputs=("A",), saves=("A", "result"))
def _det_backward(ctx, g):
    # d det(A) = det(A) tr(A^-1 dA): the gradient is g det(A) A^-T where A is invertible.
    # A matrix whose det is exactly 0 gets PyTorch's answers: zeros in a plain backward,
    # the cofactor matrix (from the SVD) under create_graph.
    from ..autograd.grad_mode import is_grad_enabled
    from .elementwise import eq, mul, where
    A, res = ctx.A, ctx.result
    singular = _per_matrix_scalar(eq(res.detach(), 0))
    if not bool(singular.any()):  # one host read: PyTorch's CPU formula branches the same way
        return (mul(_per_matrix_scalar(mul(g, res)), _mT(inv(A))),)
    _, identity = _triangle_masks(A._shape[-1], A.device)
    invertible = where(singular, cast(identity, A.dtype), A)  # inv(I) stands in
    grad = mul(_per_matrix_scalar(mul(g, res)), _mT(inv(invertible)))  # 0 where singular
    if is_grad_enabled():
        grad = where(singular, mul(_per_matrix_scalar(g), _cofactors(A)), grad)
    return (grad,)


def _per_matrix_scalar(x):
    """x of shape batch (one number per matrix) as batch + (1, 1), to broadcast against
    the matrices."""
    return views.unsqueeze(views.unsqueeze(x, -1), -1)


def _cofactors(A):
    """The cofactor matrix det(A) A^-T of real square matrices, singular ones included:
    with A = U diag(s) Vh it is det(U) det(Vh) U diag(prod of the other s) Vh."""
    if A.dtype.is_complex:
        raise NotImplementedError("det's create_graph gradient at a singular complex "
                                  "matrix is not implemented in numtensor")
    from .linalg_ops import matmul
    from .elementwise import mul, where
    from .reductions import prod
    U, S, Vh = svd(A)
    _, diag = _triangle_masks(A._shape[-1], A.device)
    others = prod(where(diag, 1.0, views.unsqueeze(S, -2)), -1)  # s_i left out of row i
    sign = mul(det(U.detach()), det(Vh.detach()))  # +-1: U and Vh are orthogonal
    return mul(_per_matrix_scalar(sign), matmul(mul(U, views.unsqueeze(others, -2)), Vh))


def slogdet(A, *, out=None):
    _check_matrix(A, "linalg.slogdet")
    n = A._shape[-1]
    batch = A._shape[:-2]
    nb = math.prod(batch)
    sign = empty(batch, A.dtype, A.device)
    logabs = empty(batch, A.dtype.to_real(), A.device)
    _lapack(A).linalg_slogdet(_dense(A), nb, n, _op(sign), _op(logabs))
    # the sign is piecewise constant: only logabsdet gets history (None skips an output)
    attach(_slogdet_backward, (None, logabs), (A,))
    return return_types.linalg_slogdet(sign, logabs)


@derivative("LinalgSlogdetBackward0", inputs=("A",), saves=("A",))
def _slogdet_backward(ctx, g_sign, g_logabs):
    if g_logabs is None:
        return (None,)
    from .elementwise import mul
    scale = views.unsqueeze(views.unsqueeze(g_logabs, -1), -1)
    return (mul(scale, _mT(inv(ctx.A))),)


# ---- least squares ------------------------------------------------------------------
_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


def lstsq(A, B, rcond=None, *, driver=None):
    """min ||A X - B||: the solution PyTorch's CPU default driver 'gelsy' returns.

    With 'gelsy' (the default) residuals and singular_values are empty, as in PyTorch;
    'gelsd'/'gelss' also fill them (residuals when m > n and every matrix has full rank).
    """
    _check_tensor(A, "linalg_lstsq", "input")
    _check_tensor(B, "linalg_lstsq", "other")
    if A.ndim < 2:
        raise RuntimeError("torch.linalg.lstsq: input must have at least 2 dimensions.")
    if B.ndim < 1:
        raise RuntimeError("torch.linalg.lstsq: other must have at least 1 dimension.")
    if not (A.ndim >= B.ndim and A.ndim - B.ndim <= 1):
        raise RuntimeError("torch.linalg.lstsq: input.dim() must be greater or equal to "
                           "other.dim() and (input.dim() - other.dim()) <= 1")
    if A.dtype.category < 2 or B.dtype.category < 2:
        raise RuntimeError("This function doesn't handle types other than float and double")
    if A.dtype is not B.dtype:
        raise RuntimeError(f"torch.linalg.lstsq: Expected input and other to have the same "
                           f"dtype, but got input's dtype {scalar_type_name(A.dtype)} and "
                           f"other's dtype {scalar_type_name(B.dtype)}")
    driver = driver or "gelsy"
    if driver not in _DRIVERS:
        raise RuntimeError(f"torch.linalg.lstsq: parameter `driver` should be one of "
                           f"{_DRIVERS}")
    vector = A.ndim - 1 == B.ndim
    B2 = views.unsqueeze(B, -1) if vector else B
    m, n = A._shape[-2:]
    batch = broadcast_shapes(A._shape[:-2], B2._shape[:-2])
    if B2._shape[-2] != m:
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    k = B2._shape[-1]
    nb = math.prod(batch)
    if rcond is None:
        rcond = float(np.finfo(A.dtype.to_real().np).eps) * max(m, n)
    X2 = empty(batch + (n, k), A.dtype, A.device)
    rank = empty(batch, _dtype.int64, A.device)
    a = _dense(views.expand(A.detach(), batch + (m, n)))
    b = _dense(views.expand(B2.detach(), batch + (m, k)))
    _lapack(A).linalg_lstsq(a, b, nb, m, n, k, _op(X2), _op(rank), float(rcond))
    X = views.squeeze(X2, -1) if vector else X2
    real = A.dtype.to_real()
    residuals = empty((0,), real, A.device)
    singular_values = empty((0,), real, A.device)
    if driver in ("gelsd", "gelss"):
        singular_values = svdvals(views.expand(A.detach(), batch + (m, n)))
    if driver != "gelsy" and m > n and bool((rank == n).all()):
        from .linalg_ops import matmul
        from .reductions import sum as sum_
        from .elementwise import abs as abs_
        r = abs_(matmul(views.expand(A.detach(), batch + (m, n)), X2) - B2.detach())
        residuals = sum_(r * r, -2)
        if vector:
            residuals = views.squeeze(residuals, -1)
    if driver == "gels":
        rank = empty((0,), _dtype.int64, A.device)
    _no_derivative("linalg_lstsq", X, (A, B))
    return return_types.linalg_lstsq(X, residuals, rank, singular_values)


# ---- eigen-decompositions -----------------------------------------------------------
def _complex_of(dt):
    return _dtype.complex128 if dt in (_dtype.float64, _dtype.complex128) else _dtype.complex64


def eig(A, *, out=None):
    """Eigenvalues and right eigenvectors, complex (complex64 for float32 input)."""
    _check_matrix(A, "linalg.eig")
    n = A._shape[-1]
    batch = A._shape[:-2]
    cdt = _complex_of(A.dtype)
    w = empty(batch + (n,), cdt, A.device)
    v = empty(A._shape, cdt, A.device)
    nb = math.prod(batch)
    _lapack(A).linalg_eig(_dense(A), nb, n, _op(w), _op(v))
    _no_derivative("linalg_eig", (w, v), (A,))
    return return_types.linalg_eig(w, v)


def eigvals(A, *, out=None):
    _check_matrix(A, "linalg.eigvals")
    n = A._shape[-1]
    batch = A._shape[:-2]
    cdt = _complex_of(A.dtype)
    if not A.dtype.is_complex:
        return eig(A).eigenvalues
    w = empty(batch + (n,), cdt, A.device)
    nb = math.prod(batch)
    _lapack(A).linalg_eigvals(_dense(A), nb, n, _op(w))
    return w


def _check_uplo(UPLO, name):
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"{name}: Expected UPLO argument to be 'L' or 'U', but got {UPLO}")


def eigh(A, UPLO="L", *, out=None):
    """Ascending real eigenvalues and orthonormal eigenvectors of a symmetric matrix."""
    _check_matrix(A, "linalg.eigh")
    _check_uplo(UPLO, "linalg.eigh")
    if UPLO == "U" and A.dtype.is_complex:
        raise NotImplementedError("linalg.eigh: UPLO='U' is supported for real matrices only")
    n = A._shape[-1]
    batch = A._shape[:-2]
    src = A.detach() if UPLO == "L" else _mT(A.detach())  # the upper triangle, transposed
    w = empty(batch + (n,), A.dtype.to_real(), A.device)
    v = empty(A._shape, A.dtype, A.device)
    nb = math.prod(batch)
    _lapack(A).linalg_eigh(_dense(src), nb, n, _op(w), _op(v))
    attach(_eigh_backward, (w, v), (A,))
    return return_types.linalg_eigh(w, v)


@derivative("LinalgEighBackward0", inputs=("A",), saves=("result0", "result1"))
def _eigh_backward(ctx, gL, gV):
    # A = V diag(L) V^T: gA = V (diag(gL) + skew(V^T gV) / (L_j - L_i)) V^T
    from .linalg_ops import matmul
    from .elementwise import mul, sub, div, where
    w, v = ctx.result0, ctx.result1
    _, diag = _triangle_masks(v._shape[-1], v.device)
    inner = None
    if gV is not None:
        vtgv = matmul(_mT(v), gV)
        skew = mul(sub(vtgv, _mT(vtgv)), 0.5)
        gaps = sub(views.unsqueeze(w, -2), views.unsqueeze(w, -1))
        inner = where(diag, 0.0, div(skew, where(diag, 1.0, gaps)))
    if gL is not None:
        scaled = mul(views.unsqueeze(gL, -1), diag)
        inner = scaled if inner is None else inner + scaled
    return (matmul(matmul(v, inner), _mT(v)),)


def eigvalsh(A, UPLO="L", *, out=None):
    _check_matrix(A, "linalg.eigh")  # PyTorch words eigvalsh's errors as eigh's
    _check_uplo(UPLO, "linalg.eigh")
    return eigh(A, UPLO).eigenvalues


# ---- factorisations -----------------------------------------------------------------
def cholesky(A, *, upper=False, out=None):
    _check_matrix(A, "linalg.cholesky")

    def explain(matrix, n):
        order = _lapack(A).linalg_first_bad_minor(matrix, n) or n
        return (f"The factorization could not be completed because the input is not "
                f"positive-definite (the leading minor of order {order} is not "
                f"positive-definite).")
    L = _per_matrix(A, "cholesky", "linalg.cholesky", explain)
    attach(_cholesky_backward, L, (A,))
    return views.transpose(L, -2, -1) if upper else L


@derivative("LinalgCholeskyExBackward0", inputs=("A",), saves=("result",))
def _cholesky_backward(ctx, gL):
    # gA = sym(L^-T Phi(L^T gL) L^-1), Phi: lower triangle with the diagonal halved
    from .linalg_ops import matmul
    from .elementwise import mul, where
    L = ctx.result
    lower, diag = _triangle_masks(L._shape[-1], L.device)
    phi = matmul(_mT(L), gL)
    phi = where(lower, where(diag, mul(phi, 0.5), phi), 0.0)
    Linv = inv(L)
    gA = matmul(matmul(_mT(Linv), phi), Linv)
    return (mul(gA + _mT(gA), 0.5),)


def qr(A, mode="reduced", *, out=None):
    _check_matrix(A, "linalg.qr", square=False)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           "'reduced' (default), 'r', or 'complete'")
    m, n = A._shape[-2:]
    batch = A._shape[:-2]
    # Q is m x k and R is k x n: k = min(m, n), except that a complete Q is square
    complete = mode == "complete" and m > n
    k = m if complete else min(m, n)
    Q = empty(batch + (m, k), A.dtype, A.device)
    R = empty(batch + (k, n), A.dtype, A.device)
    nb = math.prod(batch)
    if nb and m and n:
        _lapack(A).linalg_qr(_dense(A), nb, m, n, _op(Q), _op(R), complete)
    elif nb and complete:  # n == 0: Q = I, R is empty
        from .._alloc import eye
        Q = contiguous_copy(views.expand(eye(m, m, A.dtype, A.device), Q._shape))
    if mode == "r":
        Q = empty((0,), A.dtype, A.device)
    _no_derivative("linalg_qr", (Q, R), (A,))
    return return_types.linalg_qr(Q, R)


def svd(A, full_matrices=True, *, driver=None, out=None):
    _check_matrix(A, "linalg.svd", square=False)
    m, n = A._shape[-2:]
    batch = A._shape[:-2]
    p = min(m, n)
    ur, vr = (m, n) if full_matrices else (p, p)
    U = empty(batch + (m, ur), A.dtype, A.device)
    S = empty(batch + (p,), A.dtype.to_real(), A.device)
    Vh = empty(batch + (vr, n), A.dtype, A.device)
    nb = math.prod(batch)
    _lapack(A).linalg_svd(_dense(A), nb, m, n, _op(U), _op(S), _op(Vh), full_matrices)
    _no_derivative("linalg_svd", (U, S, Vh), (A,))
    return return_types.linalg_svd(U, S, Vh)


def svdvals(A, *, driver=None, out=None):
    _check_matrix(A, "linalg.svdvals", square=False)
    return svd(A, full_matrices=False).S


def _out(res, out):
    if out is None:
        return res
    from .copy import resize_and_copy_out
    return resize_and_copy_out(out, res)
