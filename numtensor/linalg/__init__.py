"""numtensor.linalg: PyTorch's torch.linalg (import numtensor as torch; torch.linalg.inv ...).

Old names used in lectures map onto this module:
  torch.gels(B, A)   ->  torch.linalg.lstsq(A, B).solution   (note the swapped arguments;
                         gels returned an (max(m, n), k) tensor whose first n rows are the
                         solution, lstsq returns the (n, k) solution itself)
  torch.eig(A)       ->  torch.linalg.eig(A) (complex eigenvalues and eigenvectors), or
                         torch.linalg.eigvals(A) for the eigenvalues only
  torch.symeig(A)    ->  torch.linalg.eigh(A)
  torch.inverse(A)   ->  torch.linalg.inv(A) (torch.inverse still exists)

The LAPACK-backed ops live in numtensor/ops/decompositions.py; the norms below are
composed from public tensor ops.
"""
from .._tensor import Tensor
from ..ops.decompositions import (LinAlgError, inv, solve, lstsq, det, slogdet, eig,  # noqa: F401
                                  eigvals, eigh, eigvalsh, cholesky, qr, svd, svdvals)
from ..ops.linalg_ops import matmul  # noqa: F401
from ..ops import reductions as _red
from ..ops import elementwise as _ew
from ..ops import views as _views
from .._type_names import python_type_name

_INF = float("inf")


def vecdot(x, y, *, dim=-1):
    return _red.sum(_ew.mul(x, y), dim)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    if isinstance(ord, str):
        raise TypeError(f"linalg_vector_norm(): argument 'ord' must be Number, not str")
    if dtype is not None:
        x = x.to(dtype)
    return _red.norm(x, ord, dim, keepdim)


def _check_matrices(A, name):
    """A must be a tensor of (a batch of) matrices; PyTorch's errors otherwise."""
    if not isinstance(A, Tensor):
        raise TypeError(f"linalg_{name}(): argument 'input' (position 1) must be Tensor, "
                        f"not {python_type_name(A)}")
    if A.ndim < 2:
        raise RuntimeError(f"linalg.{name}: The input tensor A must have at least 2 "
                           "dimensions.")


def _matrix_dims(A, dim):
    nd = A.ndim
    d0, d1 = (d % nd if nd else d for d in dim)
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, {dim[1]})")
    return d0, d1


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    _check_matrices(A, "matrix_norm")
    if dtype is not None:
        A = A.to(dtype)
    d0, d1 = _matrix_dims(A, dim)
    if ord == "fro":
        return _red.norm(A, 2, (d0, d1), keepdim)
    if ord in ("nuc", 2, -2):
        # singular values: move the two dims last, reduce them, restore kept dims
        sv = svdvals(_views.movedim(A, (d0, d1), (-2, -1)))
        if ord == "nuc":
            out = _red.sum(sv, -1)
        else:
            out = _red.amax(sv, -1) if ord == 2 else _red.amin(sv, -1)
        if keepdim:
            for d in sorted((d0, d1)):
                out = _views.unsqueeze(out, d)
        return out
    if ord in (1, -1, _INF, -_INF):
        # 1: max column sum; inf: max row sum
        summed, other = (d0, d1) if ord in (1, -1) else (d1, d0)
        sums = _red.sum(_ew.abs(A), summed, keepdim=True)
        out = _red.amax(sums, other, keepdim=True) if ord > 0 else _red.amin(sums, other,
                                                                            keepdim=True)
        return out if keepdim else _views.squeeze(out, sorted((d0, d1)))
    raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    if dim is not None and not isinstance(dim, (tuple, list)):
        dim = (dim,)
    if dim is None:
        if ord is None:
            return vector_norm(A, 2, None, keepdim, dtype=dtype)
        if isinstance(ord, str) and A.ndim < 2:
            return matrix_norm(A, ord)
        if A.ndim not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input "
                               f"must be 1D or 2D. Got {A.ndim}D.")
        dim = tuple(range(A.ndim))
    if len(dim) == 1:
        return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)
    if len(dim) == 2:
        return matrix_norm(A, "fro" if ord is None else ord, tuple(dim), keepdim, dtype=dtype)
    raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. "
                       f"Got {list(dim)}")


def matrix_rank(A, *, tol=None, hermitian=False):
    import numpy as np
    sv = svdvals(A)
    m, n = A._shape[-2:]
    if tol is None:
        eps = float(np.finfo(A.dtype.to_real().np).eps)
        thresh = _ew.mul(_red.amax(sv, -1, keepdim=True), eps * max(m, n))
    else:
        thresh = tol
    return _red.sum(_ew.gt(sv, thresh), -1)


def pinv(A, *, atol=None, rtol=None, hermitian=False):
    """Moore-Penrose pseudo-inverse from the SVD: singular values at or below
    max(atol, rtol * largest) count as zero (rtol defaults to eps * max(m, n))."""
    import numpy as np
    U, S, Vh = svd(A, full_matrices=False)
    m, n = A.shape[-2:]
    if rtol is None:
        rtol = 0.0 if atol is not None and atol > 0 else \
            float(np.finfo(A.dtype.to_real().np).eps) * max(m, n)
    cutoff = _ew.mul(_red.amax(S, -1, keepdim=True), rtol)
    if atol:
        cutoff = _ew.clamp(cutoff, min=atol)
    keep = _ew.gt(S, cutoff)
    s_inv = _ew.where(keep, _ew.reciprocal(_ew.where(keep, S, 1.0)), 0.0)
    return matmul(_ew.mul(Vh.mT, _views.unsqueeze(s_inv, -2)), U.mT)


def matrix_power(A, n):
    """A @ A @ ... (n times) by repeated squaring; n < 0 inverts first, n == 0 is I."""
    _check_matrices(A, "matrix_power")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, but "
                           f"they are {A.shape[-2]} by {A.shape[-1]} matrices")
    if n == 0:
        from .._alloc import eye
        n_ = A.shape[-1]
        return eye(n_, n_, A.dtype, A.device).expand(A.shape).clone()
    if n < 0:
        A, n = inv(A), -n
    result, square = None, A
    while n:
        if n & 1:
            result = square if result is None else matmul(result, square)
        n >>= 1
        if n:
            square = matmul(square, square)
    return result


def multi_dot(tensors):
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    out = tensors[0]
    for t in tensors[1:]:
        out = matmul(out, t)
    return out


def cross(input, other, *, dim=-1, out=None):
    """The cross product of 3-vectors along dim (the last by default), broadcasting."""
    from ..ops.tensor_algebra import cross as _cross
    return _cross(input, other, dim, out=out)


# The LU and triangular-solve family lives in ops/lu_ops.py, imported on first use (it is
# rarely needed, and importing it with numtensor cost a fresh import several ms)
_LU_NAMES = ("solve_triangular", "lu_factor", "lu_factor_ex", "lu", "lu_solve", "cond",
             "matrix_exp", "cholesky_ex", "inv_ex", "solve_ex", "tensorinv", "tensorsolve",
             "diagonal")


def __getattr__(name):
    if name in _LU_NAMES:
        from ..ops import lu_ops
        value = getattr(lu_ops, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'numtensor.linalg' has no attribute '{name}'")


def __dir__():
    return sorted(set(globals()) | set(_LU_NAMES))
