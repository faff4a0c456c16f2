"""LAPACK-backed linear algebra: inv, solve, lstsq, det, slogdet, eig, eigh, cholesky, qr, svd.

Each op checks its input with PyTorch's wording, copies the batch of matrices into one
contiguous buffer of the compute dtype, runs one backend kernel over the whole batch
(_backends/cpu/linalg_kernels.py) and wraps the results.  Failures come back per batch
element and are raised as LinAlgError (a RuntimeError) worded like PyTorch's.

Every op has a gradient in the registry, next to its forward: inv, solve, det (singular
matrices included), slogdet, eigh, cholesky, eig, qr, svd (real singular vectors; complex
singular values) and lstsq (through the pseudo-inverse).
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
from .._type_names import python_type_name


class _LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a matrix the operation cannot handle (singular, not PD)."""


LinAlgError = _LinAlgError
_LinAlgError.__module__ = "numtensor.linalg"  # where users find it


# ---- argument checks ----------------------------------------------------------------
def _check_tensor(x, fname, arg="A"):
    if not isinstance(x, Tensor):
        raise TypeError(f"{fname}(): argument '{arg}' (position 1) must be Tensor, "
                        f"not {python_type_name(x)}")


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


def _mH(x):
    return views.mH(x)


def _mm(a, b):
    from .linalg_ops import matmul
    return matmul(a, b)


def _triangle_masks(n, device):
    """(lower-or-diagonal, diagonal) boolean masks of an n x n matrix."""
    from .._alloc import arange
    from .elementwise import eq, ge
    i = arange(n, _dtype.int64, device)
    rows, cols = views.unsqueeze(i, -1), views.unsqueeze(i, 0)
    return ge(rows, cols), eq(rows, cols)


# ---- inverse, solve, determinants ---------------------------------------------------
def _raise_first_failure(info, name, batched, explain):
    """LinAlgError for the first batch element a kernel flagged in `info`;
    explain(i) words why element i failed."""
    bad = np.flatnonzero(info)
    if bad.size:
        i = int(bad[0])
        raise _LinAlgError(f"{name}: {_batch_prefix(batched, i)}{explain(i)}")


def _per_matrix(A, kind, name, explain):
    """A fresh tensor of A's shape holding the fallible kernel `kind` (cholesky)
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
    # PyTorch inverts by solving A X = I (getrf + getrs), not with getri: the solve kernel
    # gives its rounding and its signed zeros (inv([[2., 0.], [0., 4.]]) has +0. off the
    # diagonal, where getri's answer has -0.)
    n = A._shape[-1]
    batch = A._shape[:-2]
    a = _dense(A)
    _, identity = _triangle_masks(n, A.device)
    eyes = _dense(views.expand(cast(identity, A.dtype), batch + (n, n)))
    res = empty(A._shape, A.dtype, A.device)
    info = _lapack(A).linalg_solve(a, eyes, math.prod(batch), n, n, _op(res))
    _raise_first_failure(info, "linalg.inv", A.ndim > 2,
                         lambda i: explain((a[0], a[1] + i * n * n), n))
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


def solve_operands(A, B):
    """linalg.solve's checks of A X = B: (n, whether B is a vector (or a batch of them),
    B as matrices)."""
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
    return n, vector, B2


def solve(A, B, *, left=True, out=None):
    _check_matrix(A, "linalg.solve")
    _check_tensor(B, "linalg_solve", "B")
    if not left:
        # X A = B  <=>  A^T X^T = B^T
        return _out(_mT(solve(_mT(A), _mT(B))), out)
    n, vector, B2 = solve_operands(A, B)
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


def torch_det(input):
    """torch.det: linalg.det under torch's parameter name input, and without out=."""
    return det(input)


torch_det.__name__ = torch_det.__qualname__ = "det"


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
    attach(_lstsq_backward, X, (A, B), vector=vector)
    return return_types.linalg_lstsq(X, residuals, rank, singular_values)


@derivative("LinalgLstsqBackward0", inputs=("A", "B"), saves=("A", "B", "result"))
def _lstsq_backward(ctx, gX):
    """X = pinv(A) B.  With P = pinv(A) and gP = gX B^H, the pseudo-inverse's derivative
    (Golub and Pereyra) gives gA = -P^H gP P^H + (I - A P) gP^H P P^H + P^H P gP^H (I - P A),
    and gB = P^H gX."""
    from ..linalg import pinv
    A, B = ctx.A, ctx.B
    if ctx.vector:
        gX, B = views.unsqueeze(gX, -1), views.unsqueeze(B, -1)
    P = pinv(A)
    need = ctx.needs_input_grad
    gB = _mm(_mH(P), gX) if need[1] else None
    gA = None
    if need[0]:
        PH = _mH(P)
        gPH = _mm(B, _mH(gX))  # (gX B^H)^H
        gA = -_mm(_mm(PH, _mH(gPH)), PH)
        gA = gA + _mm(gPH - _mm(_mm(A, P), gPH), _mm(P, PH))
        gA = gA + _mm(_mm(PH, P), gPH - _mm(gPH, _mm(P, A)))
    if ctx.vector and gB is not None:
        gB = views.squeeze(gB, -1)
    return gA, gB


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
    attach(_eig_backward, (w, v), (A,), real_input=not A.dtype.is_complex)
    return return_types.linalg_eig(w, v)


@derivative("LinalgEigBackward0", inputs=("A",), saves=("result0", "result1"),
            complex_aware=True)
def _eig_backward(ctx, gL, gV):
    """A = V diag(L) V^-1 with unit-norm columns of V:
    gA = V^-H (diag(gL) + (V^H gV - V^H V diag(re(diag(V^H gV)))) / conj(L_j - L_i)) V^H,
    the off-diagonal quotient only.  The result is real for a real input.  A loss that
    depends on each eigenvector's phase is ill-defined, and raises as in PyTorch."""
    from .elementwise import conj, div, mul, sub, where
    from .complex_views import imag, real
    from .tensor_algebra import diag_embed, diagonal
    L, V = ctx.result0, ctx.result1
    n = V._shape[-1]
    _, diag = _triangle_masks(n, V.device)
    VH = _mH(V)
    inner = None
    if gV is not None:
        VhgV = _mm(VH, gV)
        phase = imag(diagonal(VhgV, 0, -2, -1))
        if bool((phase.abs() > 1e-2 * (1 + real(diagonal(VhgV, 0, -2, -1)).abs())).any()):
            raise RuntimeError(
                "linalg_eig_backward: The eigenvectors in the complex case are specified up to "
                "multiplication by e^{i phi}. The specified loss function depends on this "
                "quantity, so it is ill-defined.")
        correction = mul(_mm(VH, V), views.unsqueeze(real(diagonal(VhgV, 0, -2, -1)), -2))
        gaps = conj(sub(views.unsqueeze(L, -2), views.unsqueeze(L, -1)))  # conj(L_j - L_i)
        inner = where(diag, 0.0, div(sub(VhgV, correction), where(diag, 1.0, gaps)))
    if gL is not None:
        scaled = diag_embed(gL)
        inner = scaled if inner is None else inner + scaled
    gA = solve(VH, _mm(inner, VH))
    return (real(gA) if ctx.real_input else gA,)


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
    attach(_qr_backward, (Q, R), (A,), mode=mode, wide=m < n)
    return return_types.linalg_qr(Q, R)


@derivative("LinalgQrBackward0", inputs=("A",), saves=("A", "result0", "result1"),
            complex_aware=True)
def _qr_backward(ctx, gQ, gR):
    """Reduced QR, A = QR.  For m >= n: with M = R gR^H - gQ^H Q,
    gA = (gQ + Q copyltu(M)) R^-H, copyltu(M) being M's lower triangle reflected to the
    upper one (a Hermitian matrix).  A wide A = Q [X | Y] takes the square case for X with
    gQ + Y gR_Y^H in place of gQ, and gY = Q gR_Y."""
    from .elementwise import where
    if ctx.mode == "r":
        raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when "
                           "mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to "
                           "differentiate through linalg.qr.")
    A, Q, R = ctx.A, ctx.result0, ctx.result1
    m, n = A._shape[-2:]
    if ctx.mode == "complete" and m > n:
        raise NotImplementedError("The QR decomposition is not differentiable when mode='complete' "
                                  "and nrows > ncols.")
    from .. import _alloc
    if gQ is None:
        gQ = _alloc.zeros(Q._shape, Q.dtype, Q.device)
    if gR is None:
        gR = _alloc.zeros(R._shape, R.dtype, R.device)
    k = min(m, n)

    def square_case(gQ_, R_, gR_):
        M = _mm(R_, _mH(gR_)) - _mm(_mH(gQ_), Q)
        lower, diag = _triangle_masks(k, A.device)
        low = where(lower, where(diag, 0.0, M), 0.0)
        sym = low + _mH(low) + where(diag, M, 0.0)
        # B R^-H = X  <=>  R X^H = B^H
        return _mH(solve(R_, _mH(gQ_ + _mm(Q, sym))))
    if m >= n:
        return (square_case(gQ, R, gR),)
    X_R, Y_R = views.narrow(R, -1, 0, k), views.narrow(R, -1, k, n - k)
    gX_R, gY_R = views.narrow(gR, -1, 0, k), views.narrow(gR, -1, k, n - k)
    Y = views.narrow(A, -1, k, n - k)
    gX = square_case(gQ + _mm(Y, _mH(gY_R)), X_R, gX_R)
    from .joining import cat
    return (cat([gX, _mm(Q, gY_R)], -1),)


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
    attach(_svd_backward, (U, S, Vh), (A,), full_matrices=full_matrices)
    return return_types.linalg_svd(U, S, Vh)


@derivative("LinalgSvdBackward0", inputs=("A",), saves=("result0", "result1", "result2"),
            complex_aware=True)
def _svd_backward(ctx, gU, gS, gVh):
    """A = U diag(S) Vh (the reduced part of a full SVD).  With E_ij = S_j^2 - S_i^2 and
    skew(X) = X - X^H:  core = (skew(U^H gU) S_j + S_i skew(Vh gVh^H)) / E  (off the
    diagonal) + diag(gS), and gA = U core Vh, plus (I - U U^H) gU S^-1 Vh for a tall A
    and U S^-1 gVh (I - Vh^H Vh) for a wide one."""
    from .elementwise import div, mul, where
    from .tensor_algebra import diag_embed
    U, S, Vh = ctx.result0, ctx.result1, ctx.result2
    m, n = U._shape[-2], Vh._shape[-1]
    k = S._shape[-1]
    if ctx.full_matrices and (U._shape[-1] != k or Vh._shape[-2] != k):
        U, Vh = views.narrow(U, -1, 0, k), views.narrow(Vh, -2, 0, k)
        gU = None if gU is None else views.narrow(gU, -1, 0, k)
        gVh = None if gVh is None else views.narrow(gVh, -2, 0, k)
    if gU is None and gVh is None:  # only the singular values matter: U diag(gS) Vh
        return (_mm(mul(U, views.unsqueeze(gS, -2)), Vh),)
    if U.dtype.is_complex:
        raise NotImplementedError("the derivative of linalg.svd with respect to the singular "
                                  "vectors of a complex matrix is not implemented in numtensor")
    S_row, S_col = views.unsqueeze(S, -2), views.unsqueeze(S, -1)
    _, diag = _triangle_masks(k, S.device)
    gaps = where(diag, 1.0, mul(S_row, S_row) - mul(S_col, S_col))
    core = None
    if gU is not None:
        UhgU = _mm(_mH(U), gU)
        core = mul(UhgU - _mH(UhgU), S_row)
    if gVh is not None:
        VhgV = _mm(Vh, _mH(gVh))
        term = mul(S_col, VhgV - _mH(VhgV))
        core = term if core is None else core + term
    core = where(diag, 0.0, div(core, gaps))
    if gS is not None:
        core = core + diag_embed(gS)
    if m > n and gU is not None:
        gUS = div(gU, S_row)
        left = _mm(U, core) + gUS - _mm(U, _mm(_mH(U), gUS))
        return (_mm(left, Vh),)
    if m < n and gVh is not None:
        SgVh = div(gVh, S_col)
        right = _mm(core, Vh) + SgVh - _mm(_mm(SgVh, _mH(Vh)), Vh)
        return (_mm(U, right),)
    return (_mm(U, _mm(core, Vh)),)


def svdvals(A, *, driver=None, out=None):
    _check_matrix(A, "linalg.svdvals", square=False)
    from ..autograd.grad_mode import no_grad
    with no_grad():
        U, S, Vh = svd(A, full_matrices=False)
    return attach(_svdvals_backward, S, (A,), U=U, Vh=Vh)


@derivative("LinalgSvdBackward0", inputs=("A",), saves=("U", "Vh"),
            complex_aware=True)
def _svdvals_backward(ctx, gS):
    from .elementwise import mul
    return (_mm(mul(ctx.U, views.unsqueeze(gS, -2)), ctx.Vh),)


def _out(res, out):
    if out is None:
        return res
    from .copy import resize_and_copy_out
    return resize_and_copy_out(out, res)
