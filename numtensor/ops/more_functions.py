"""More of PyTorch's top-level functions, each composed from numtensor ops that exist
already (views, index_select, searchsorted, mm/bmm, the linalg decompositions, sort ...),
so they run on every backend and autograd differentiates them through those ops.

Group 1: repeat_interleave, ravel, addmv, addr, baddbmm, addbmm, vdot, chain_matmul,
matrix_power, logdet, slogdet and the legacy svd, qr, cholesky and pinverse.
Group 2: quantile, nanquantile, mode, logcumsumexp, combinations, unravel_index,
diagflat, trapezoid/trapz, cumulative_trapezoid, renorm, polar, complex, angle.
"""
import builtins
import itertools
import math
import numbers
import operator
import warnings

import numtensor as nt  # the package itself: read only when a function runs

from ..autograd.derivatives import composite
from .. import return_types
from .._tensor import Tensor
from .._backends.plan import broadcast_shapes
from ._common import scalar_type_name, wrap_dim
from .linalg_ops import _NO_OUT_DTYPE, _refuse_out_dtype
from .more_math import _into, _require_tensor  # out= and argument checks, shared
from .out_args import castable, check_grad, exact, finish
from .._type_names import python_type_name
from ..amp.autocast_mode import lower_precision

_slogdet_tuple = return_types._make("slogdet", ["sign", "logabsdet"])
_svd_tuple = return_types._make("svd", ["U", "S", "V"])
_qr_tuple = return_types._make("qr", ["Q", "R"])
_mode_tuple = return_types.mode


# ---- shared helpers ------------------------------------------------------------------
def _int_arg(fname, argname, position, value):
    if isinstance(value, bool) or not hasattr(value, "__index__") or isinstance(value, Tensor):
        raise TypeError(f"{fname}(): argument '{argname}' (position {position}) must be int, "
                        f"not {type(value).__name__}")
    return operator.index(value)


def _shape_str(shape):
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _expand_to(fname, t, shape):
    """t expanded to shape, with PyTorch's error when it does not broadcast to it."""
    if tuple(t.shape) == tuple(shape):
        return t
    ok = t.ndim <= len(shape) and all(
        a == b or a == 1 for a, b in zip(reversed(tuple(t.shape)), reversed(tuple(shape))))
    if not ok:
        for i, (a, b) in enumerate(zip(reversed(tuple(t.shape)), reversed(tuple(shape)))):
            if a != b and a != 1:
                dim = len(shape) - 1 - i
                raise RuntimeError(
                    f"The expanded size of the tensor ({b}) must match the existing size ({a}) "
                    f"at non-singleton dimension {dim}.  Target sizes: {_shape_str(shape)}.  "
                    f"Tensor sizes: {_shape_str(t.shape)}")
        raise RuntimeError(f"expand: the number of sizes provided ({len(shape)}) must be "
                           f"greater or equal to the number of dimensions in the tensor "
                           f"({t.ndim})")
    return t.expand(tuple(shape))


def _scaled_sum(fname, input, product, beta, alpha):
    """beta * input + alpha * product, input broadcast to product's shape; beta == 0
    ignores input (its NaN and inf included), as PyTorch does."""
    _check_beta_alpha(fname, product.dtype, beta, alpha)
    res = product if alpha == 1 else product * alpha
    if beta == 0:
        _expand_to(fname, input, product.shape)
        return res if res is not product else product.clone()
    inp = _expand_to(fname, input, product.shape)
    if beta != 1:
        inp = inp * beta
    return nt.add(inp, res)


def _check_beta_alpha(fname, dt, beta, alpha):
    if dt.category < 2:  # integer and bool results take integer factors only
        for name, v in (("beta", beta), ("alpha", alpha)):
            if isinstance(v, (float, builtins.complex)):
                raise RuntimeError(f"For integral input tensors, argument {name} must not be "
                                   f"a floating point number.")


def _same_dtypes(fname, *ts):
    if any(t.dtype is not ts[0].dtype for t in ts):
        names = ", ".join(scalar_type_name(t.dtype) for t in ts[:-1])
        raise RuntimeError(f"{fname} input tensors must have the same dtype, but got {names}, "
                           f"and {scalar_type_name(ts[-1].dtype)}")


# ---- repeat_interleave / ravel ---------------------------------------------------------
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Each element (or each slice along dim) repeated `repeats` times in place; with only
    a tensor of counts, the indices 0, 1, ... each repeated by its count."""
    if repeats is None:  # the repeat_interleave(repeats) overload
        _require_tensor("repeat_interleave", "repeats", 1, input)
        counts = input
        _check_counts(counts)
        index = nt.arange(counts.numel(), dtype=counts.dtype, device=counts.device)
        return repeat_interleave(index, counts, 0, output_size=output_size)
    _require_tensor("repeat_interleave", "input", 1, input)
    if isinstance(repeats, float) or isinstance(repeats, bool) or not (
            isinstance(repeats, Tensor) or hasattr(repeats, "__index__")):
        raise TypeError(f"repeat_interleave(): argument 'repeats' (position 2) must be "
                        f"Tensor, not {type(repeats).__name__}")
    x = input
    if dim is None:
        x, d = x.reshape(-1), 0
    else:
        d = wrap_dim(_int_arg("repeat_interleave", "dim", 3, dim), x.ndim)
        if x.ndim == 0:
            x = x.reshape(1)
    n = x.shape[d]
    if isinstance(repeats, Tensor):
        _check_counts(repeats)
        if repeats.ndim == 0 or repeats.numel() == 1:
            repeats = int(repeats.reshape(-1)[0].item()) if repeats.numel() else repeats
    if not isinstance(repeats, Tensor):
        r = operator.index(repeats)
        if r < 0:
            raise RuntimeError("Repeats must be non-negative")
        total = n * r
        if output_size is not None and output_size != total:
            raise RuntimeError(f"repeat_interleave: Invalid output_size, expected {total} but "
                               f"got {output_size}")
        shape = tuple(x.shape)
        wide = x.unsqueeze(d + 1).expand(shape[:d + 1] + (r,) + shape[d + 1:])
        return wide.reshape(shape[:d] + (total,) + shape[d + 1:])
    if repeats.shape[0] != n:
        raise RuntimeError(f"repeats must have the same size as input along dim, but got "
                           f"repeats.size(0) = {repeats.shape[0]} and input.size({d}) = {n}")
    if repeats.numel() and bool((repeats < 0).any()):
        raise RuntimeError("repeats can not be negative")
    ends = nt.cumsum(repeats.to(nt.int64), 0)
    total = int(ends[-1].item()) if n else 0
    if output_size is not None and output_size != total:
        raise RuntimeError("allocated size does not match required size")
    positions = nt.arange(total, dtype=nt.int64, device=x.device)
    index = nt.searchsorted(ends, positions, right=True)
    return nt.index_select(x, d, index)


def _check_counts(counts):
    if counts.dtype.category >= 2 or counts.dtype is nt.bool:
        raise NotImplementedError(f"\"repeat_interleave_cpu\" not implemented for "
                                  f"'{scalar_type_name(counts.dtype)}'")
    if counts.ndim > 1:
        raise RuntimeError("repeats must be 0-dim or 1-dim tensor")


def _repeat_interleave_method(self, repeats, dim=None, *, output_size=None):
    return repeat_interleave(self, repeats, dim, output_size=output_size)


def ravel(input):
    """input flattened to 1-d: a view when the layout allows, a copy otherwise."""
    _require_tensor("ravel", "input", 1, input)
    return input.reshape(-1)


def _ravel_method(self):
    return ravel(self)


# ---- products with a bias: addmv, addr, baddbmm, addbmm ------------------------------------
def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * (mat @ vec)."""
    if out is not None:
        return _into("addmv", out, exact, addmv, input, mat, vec, beta=beta, alpha=alpha)
    for i, (name, t) in enumerate((("input", input), ("mat", mat), ("vec", vec))):
        _require_tensor("addmv", name, i + 1, t)
    if mat.ndim != 2 or vec.ndim != 1 or input.ndim > 1 or (
            input.ndim == 1 and input.shape[0] not in (1, mat.shape[0])) or \
            mat.shape[1] != vec.shape[0]:
        dims = "x".join(str(s) for s in mat.shape)
        raise RuntimeError(f"size mismatch, got input ({', '.join(map(str, input.shape))}), "
                           f"mat ({dims}), vec ({', '.join(map(str, vec.shape))})")
    _same_dtypes("addmv", input, mat, vec)
    return _addmv(input, mat, vec, beta, alpha)


@composite("AddmvBackward0", inputs=("input", "mat", "vec"))
def _addmv(input, mat, vec, beta, alpha):
    return _scaled_sum("addmv", input, nt.mv(mat, vec), beta, alpha)


def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * outer(vec1, vec2)."""
    if out is not None:
        return _into("addr", out, castable, addr, input, vec1, vec2, beta=beta, alpha=alpha)
    for i, (name, t) in enumerate((("input", input), ("vec1", vec1), ("vec2", vec2))):
        _require_tensor("addr", name, i + 1, t)
    if vec1.ndim != 1 or vec2.ndim != 1:
        raise RuntimeError(f"addr: Expected 1-D argument vec1, but got {vec1.ndim}-D"
                           if vec1.ndim != 1 else
                           f"addr: Expected 1-D argument vec2, but got {vec2.ndim}-D")
    return _addr(input, vec1, vec2, beta, alpha)


@composite("AddrBackward0", inputs=("input", "vec1", "vec2"))
def _addr(input, vec1, vec2, beta, alpha):
    return _scaled_sum("addr", input, nt.outer(vec1, vec2), beta, alpha)


def _check_batches(fname, b1, b2):
    if b1.ndim != 3:
        raise RuntimeError(f"batch1 must be a 3D tensor")
    if b2.ndim != 3:
        raise RuntimeError(f"batch2 must be a 3D tensor")


def baddbmm(input, batch1, batch2, out_dtype=_NO_OUT_DTYPE, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * (batch1 @ batch2), matrix by matrix (out_dtype, as on
    PyTorch's CPU build, has no kernel)."""
    input, batch1, batch2 = lower_precision(input, batch1, batch2)  # (autocast)
    if out_dtype is not _NO_OUT_DTYPE:
        _refuse_out_dtype("baddbmm", input, batch1, out_dtype, out)
    if out is not None:
        return _into("baddbmm", out, exact, baddbmm, input, batch1, batch2, beta=beta,
                     alpha=alpha)
    for i, (name, t) in enumerate((("input", input), ("batch1", batch1), ("batch2", batch2))):
        _require_tensor("baddbmm", name, i + 1, t)
    _check_batches("baddbmm", batch1, batch2)
    return _baddbmm(input, batch1, batch2, beta, alpha)


@composite("BaddbmmBackward0", inputs=("input", "batch1", "batch2"))
def _baddbmm(input, batch1, batch2, beta, alpha):
    return _scaled_sum("baddbmm", input, nt.bmm(batch1, batch2), beta, alpha)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * the sum over the batch of batch1[i] @ batch2[i]."""
    if out is not None:
        return _into("addbmm", out, exact, addbmm, input, batch1, batch2, beta=beta,
                     alpha=alpha)
    for i, (name, t) in enumerate((("input", input), ("batch1", batch1), ("batch2", batch2))):
        _require_tensor("addbmm", name, i + 1, t)
    _check_batches("addbmm", batch1, batch2)
    b, n, k = batch1.shape
    if batch2.shape[0] != b or batch2.shape[1] != k:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{b}, {k}] but got: [{batch2.shape[0]}, {batch2.shape[1]}].")
    return _addbmm(input, batch1, batch2, beta, alpha)


@composite("AddbmmBackward0", inputs=("input", "batch1", "batch2"))
def _addbmm(input, batch1, batch2, beta, alpha):
    b, n, k = batch1.shape
    # the batch joined into the contraction: [n, b*k] @ [b*k, p]
    left = batch1.permute(1, 0, 2).reshape(n, b * k)
    right = batch2.reshape(b * k, batch2.shape[2])
    return _scaled_sum("addbmm", input, nt.mm(left, right), beta, alpha)


def vdot(input, other, *, out=None):
    """The dot product of two 1-d tensors, the first conjugated."""
    if out is not None:
        return _into("vdot", out, exact, vdot, input, other)
    _require_tensor("vdot", "input", 1, input)
    _require_tensor("vdot", "other", 2, other)
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {other.ndim}D "
                           f"tensors")
    if input.dtype is not other.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found "
                           f"{scalar_type_name(input.dtype)} and "
                           f"{scalar_type_name(other.dtype)}")
    if input.shape[0] != other.shape[0]:
        n, m = input.shape[0], other.shape[0]
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to "
                           f"have the same number of elements, but got {n} and {m} elements "
                           f"respectively")
    if input.dtype.category == 3:
        return nt.sum(nt.mul(input.conj(), other))
    return nt.dot(input, other)


# ---- chains and powers -----------------------------------------------------------------
def chain_matmul(*matrices, out=None):
    """The product of the given 2-d matrices, left to right (deprecated in PyTorch)."""
    warnings.warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch "
                  "release. Use torch.linalg.multi_dot instead, which accepts a list of two or "
                  "more tensors rather than multiple parameters.", UserWarning, stacklevel=2)
    if out is not None:
        return _into("chain_matmul", out, exact, _chain, *matrices)
    return _chain(*matrices)


def _chain(*matrices):
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for i, m in enumerate(matrices):
        if not isinstance(m, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{python_type_name(m)}")
        if m.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {m.ndim}, expected 2 instead.")
    if len(matrices) == 1:
        return matrices[0].clone()
    res = matrices[0]
    for m in matrices[1:]:
        res = nt.mm(res, m)
    return res


def matrix_power(input, n, *, out=None):
    """input multiplied by itself n times (n < 0: the inverse's power, n == 0: identity)."""
    if out is not None:
        return _into("matrix_power", out, exact, matrix_power, input, n)
    _require_tensor("matrix_power", "input", 1, input)
    n = _int_arg("matrix_power", "n", 2, n)
    return nt.linalg.matrix_power(input, n)


def _matrix_power_method(self, n):
    return matrix_power(self, n)


# ---- determinants ------------------------------------------------------------------------
def _check_square(fname, A):
    if A.ndim < 2:
        raise RuntimeError(f"{fname}: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{fname}: A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")


def logdet(input):
    """log(det(input)): NaN where a real determinant is negative, -inf where it is 0."""
    _require_tensor("logdet", "input", 1, input)
    _check_square("logdet", input)
    sign, logabs = nt.linalg.slogdet(input)
    if input.dtype.category == 3:
        return nt.add(nt.log(sign), logabs)
    return nt.where(sign < 0, nt.full((), math.nan, dtype=logabs.dtype, device=logabs.device),
                    logabs)


def slogdet(input, *, out=None):
    """(sign, log|det|) of each square matrix, as torch.return_types.slogdet."""
    if out is not None:
        check_grad("slogdet", out[0], input)
        check_grad("slogdet", out[1], input)
        sign, logabs = slogdet(input)
        finish("slogdet", sign, out[0], (input,), exact)
        finish("slogdet", logabs, out[1], (input,), exact)
        return _slogdet_tuple(out[0], out[1])
    _require_tensor("slogdet", "input", 1, input)
    _check_square("linalg.slogdet", input)
    sign, logabs = nt.linalg.slogdet(input)
    return _slogdet_tuple(sign, logabs)


def _logdet_method(self):
    return logdet(self)


def _slogdet_method(self):
    return slogdet(self)


# ---- the legacy decompositions -----------------------------------------------------------
def svd(input, some=True, compute_uv=True, *, out=None):
    """input = U diag(S) V^H (V, not V^H); some=False gives square U and V; with
    compute_uv=False only S is computed and U, V are zero matrices."""
    if out is not None:
        res = svd(input, some, compute_uv)
        for o in out:
            check_grad("svd", o, input)
        for r, o in zip(res, out):
            finish("svd", r, o, (input,), exact)
        return _svd_tuple(*out)
    _require_tensor("svd", "input", 1, input)
    if input.ndim < 2:
        raise RuntimeError(f"linalg.svd: The input tensor A must have at least 2 dimensions.")
    m, n = input.shape[-2:]
    batch = tuple(input.shape[:-2])
    if not compute_uv:
        S = nt.linalg.svdvals(input)
        U = nt.zeros(batch + (m, m), dtype=input.dtype, device=input.device)
        V = nt.zeros(batch + (n, n), dtype=input.dtype, device=input.device)
        return _svd_tuple(U, S, V)
    U, S, Vh = nt.linalg.svd(input, full_matrices=not some)
    return _svd_tuple(U, S, Vh.mH)


def _svd_method(self, some=True, compute_uv=True):
    return svd(self, some, compute_uv)


def qr(input, some=True, *, out=None):
    """Q R of each matrix: reduced when some is True, complete otherwise."""
    warnings.warn("torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a "
                  "future PyTorch release.\nThe boolean parameter 'some' has been replaced "
                  "with a string parameter 'mode'.\nQ, R = torch.qr(A, some)\nshould be "
                  "replaced with\nQ, R = torch.linalg.qr(A, 'reduced' if some else "
                  "'complete')", UserWarning, stacklevel=2)
    if out is not None:
        res = _qr(input, some)
        for o in out:
            check_grad("qr", o, input)
        for r, o in zip(res, out):
            finish("qr", r, o, (input,), exact)
        return _qr_tuple(*out)
    return _qr(input, some)


def _qr(input, some):
    _require_tensor("qr", "input", 1, input)
    Q, R = nt.linalg.qr(input, "reduced" if some else "complete")
    return _qr_tuple(Q, R)


def _qr_method(self, some=True):
    return qr(self, some)


_CHOLESKY_WARNING = (
    "torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in a "
    "future PyTorch release.\nL = torch.cholesky(A)\nshould be replaced with\nL = "
    "torch.linalg.cholesky(A)\nand\nU = torch.cholesky(A, upper=True)\nshould be replaced "
    "with\nU = torch.linalg.cholesky(A).mH\nThis transform will produce equivalent results "
    "for all valid (symmetric positive definite) inputs.")


def cholesky(input, upper=False, *, out=None):
    """The Cholesky factor of each positive-definite matrix: lower L (A = L L^H), or the
    upper U = L^H with upper=True."""
    warnings.warn(_CHOLESKY_WARNING, UserWarning, stacklevel=2)
    if out is not None:
        return _into("cholesky", out, exact, _cholesky, input, upper)
    return _cholesky(input, upper)


def _cholesky(input, upper):
    _require_tensor("cholesky", "input", 1, input)
    try:
        L = nt.linalg.cholesky(input)
    except RuntimeError as e:
        text = str(e)
        if text.startswith("linalg.cholesky:"):
            raise type(e)("cholesky:" + text[len("linalg.cholesky:"):]) from None
        raise
    return L.mH if upper else L


def _cholesky_method(self, upper=False):
    return cholesky(self, upper)


def pinverse(input, rcond=1e-15):
    """The Moore-Penrose pseudo-inverse; singular values below rcond times the largest
    count as zero."""
    _require_tensor("pinverse", "input", 1, input)
    return nt.linalg.pinv(input, rtol=rcond)


def _pinverse_method(self, rcond=1e-15):
    return pinverse(self, rcond)


# ---- quantile / nanquantile ----------------------------------------------------------------
_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """The q-th quantiles of input (flattened when dim is None), interpolated between the
    two nearest sorted values; a NaN in a slice makes its quantiles NaN."""
    if out is not None:
        return _into("quantile", out, exact, _quantile, "quantile", input, q, dim, keepdim,
                     interpolation, False)
    return _quantile("quantile", input, q, dim, keepdim, interpolation, False)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """quantile() over the values that are not NaN (NaN where a slice has none)."""
    if out is not None:
        return _into("nanquantile", out, exact, _quantile, "nanquantile", input, q, dim,
                     keepdim, interpolation, True)
    return _quantile("nanquantile", input, q, dim, keepdim, interpolation, True)


def _quantile(fname, x, q, dim, keepdim, interpolation, ignore_nan):
    _require_tensor(fname, "input", 1, x)
    if x.numel() == 0:
        raise RuntimeError(f"{fname}() input tensor must be non-empty")
    if isinstance(q, Tensor) and q.ndim > 1:
        raise RuntimeError(f"{fname}() q must be a scalar or 1D tensor")
    if x.dtype not in (nt.float32, nt.float64):
        raise RuntimeError(f"{fname}() input tensor must be either float or double dtype")
    if isinstance(q, Tensor) and q.dtype is not x.dtype:
        raise RuntimeError(f"{fname}() q tensor must be same dtype as the input tensor")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"{fname}() interpolation must be one of linear, lower, higher, "
                           f"midpoint or nearest. Got {interpolation}")
    scalar_q = not isinstance(q, Tensor)
    if scalar_q:
        if not 0 <= q <= 1:
            raise RuntimeError(f"{fname}() q must be in the range [0, 1] but got {q}")
        qt = nt.full((1,), float(q), dtype=x.dtype, device=x.device)
    else:
        qt = q.detach().reshape(-1)
        if qt.numel() and not bool(((qt >= 0) & (qt <= 1)).all()):
            raise RuntimeError(f"{fname}() q values must be in the range [0, 1]")
    nd = x.ndim
    if dim is None:
        xs = x.reshape(-1)
    else:
        d = wrap_dim(_int_arg(fname, "dim", 3, dim), max(nd, 1))
        xs = x.reshape(1) if nd == 0 else x.movedim(d, -1)
    s = nt.sort(xs, -1)[0]
    n = s.shape[-1]
    if ignore_nan:
        k = nt.sum(~nt.isnan(s), -1, keepdim=True).to(x.dtype)
        last = nt.clamp(k - 1, min=0)
    else:
        last = nt.full(tuple(s.shape[:-1]) + (1,), n - 1, dtype=x.dtype, device=x.device)
    qb = qt.reshape((1,) * (s.ndim - 1) + (-1,))
    rank = qb * last
    if not ignore_nan:  # NaN sorts last: point every quantile of such a slice at it
        rank = nt.where(nt.isnan(s[..., -1:]), last, rank)
    if interpolation == "lower":
        rank = nt.floor(rank)
    elif interpolation == "higher":
        rank = nt.ceil(rank)
    elif interpolation == "nearest":
        rank = nt.round(rank)
    lo_i = nt.floor(rank).to(nt.int64)
    hi_i = nt.ceil(rank).to(nt.int64)
    lo = nt.gather(s, -1, lo_i)
    if interpolation in ("lower", "higher", "nearest"):
        res = lo
    else:
        hi = nt.gather(s, -1, hi_i)
        w = 0.5 if interpolation == "midpoint" else rank - lo_i.to(x.dtype)
        res = nt.lerp(lo, hi, w if isinstance(w, Tensor) else
                      nt.full((), w, dtype=x.dtype, device=x.device))
    res = res.movedim(-1, 0)  # q's dim first
    if keepdim:
        if dim is None:
            res = res.reshape((res.shape[0],) + (1,) * nd)
        elif nd:
            res = res.unsqueeze(d + 1)
    return res[0] if scalar_q else res


def _quantile_method(self, q, dim=None, keepdim=False, *, interpolation="linear"):
    return quantile(self, q, dim, keepdim, interpolation=interpolation)


def _nanquantile_method(self, q, dim=None, keepdim=False, *, interpolation="linear"):
    return nanquantile(self, q, dim, keepdim, interpolation=interpolation)


# ---- mode ----------------------------------------------------------------------------------
def mode(input, dim=-1, keepdim=False, *, out=None):
    """The most frequent value along dim (the smallest of equally frequent ones) and the
    last index where it occurs."""
    if out is not None:
        vals, idx = mode(input, dim, keepdim)
        check_grad("mode", out[0], input)
        finish("mode", vals, out[0], (input,), exact)
        finish("mode", idx, out[1], (input,), exact)
        return _mode_tuple(out[0], out[1])
    _require_tensor("mode", "input", 1, input)
    x = input
    nd = x.ndim
    d = wrap_dim(_int_arg("mode", "dim", 2, dim), max(nd, 1))
    xs = x.reshape(1) if nd == 0 else x.movedim(d, -1)
    if xs.shape[-1] == 0:
        raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size.")
    s = nt.sort(xs.detach(), -1)[0]
    counts = nt.sum(s.unsqueeze(-1) == s.unsqueeze(-2), -1)
    best = nt.argmax(counts, -1, keepdim=True)  # the first (smallest) of the most frequent
    value = nt.gather(s, -1, best)
    n = xs.shape[-1]
    positions = nt.arange(n, device=x.device).expand(tuple(xs.shape))
    # where the value occurs (a NaN mode, of a slice of NaNs, matches the NaNs)
    found = (xs.detach() == value) | (nt.isnan(xs.detach()) & nt.isnan(value))
    idx = nt.amax(nt.where(found, positions, -1), -1, keepdim=True)
    vals = _mode_values(x, idx, d, keepdim)
    if nd == 0:
        return _mode_tuple(vals, idx.reshape(()))
    idx = idx.movedim(-1, d)
    if not keepdim:
        idx = idx.squeeze(d)
    return _mode_tuple(vals, idx)


@composite("ModeBackward0", inputs=("input",))
def _mode_values(input, idx, d, keepdim):
    """mode's values (idx: the chosen positions, along the last dim of input moved so),
    as one node, named as PyTorch's."""
    x = input
    if x.ndim == 0:
        return nt.gather(x.reshape(1), -1, idx).reshape(())
    vals = nt.gather(x.movedim(d, -1), -1, idx).movedim(-1, d)
    return vals if keepdim else vals.squeeze(d)


def _mode_method(self, dim=-1, keepdim=False):
    return mode(self, dim, keepdim)


# ---- logcumsumexp --------------------------------------------------------------------------
def logcumsumexp(input, dim, *, out=None):
    """log(cumsum(exp(input), dim)), computed without overflow (a log-add-exp scan)."""
    if out is not None:
        return _into("logcumsumexp", out, exact, logcumsumexp, input, dim)
    _require_tensor("logcumsumexp", "input", 1, input)
    if input.dtype.category < 2:
        raise NotImplementedError(f"\"logcumsumexp_out_cpu\" not implemented for "
                           f"'{scalar_type_name(input.dtype)}'")
    d = wrap_dim(_int_arg("logcumsumexp", "dim", 2, dim), max(input.ndim, 1))
    return _logcumsumexp(input, d)


@composite("LogcumsumexpBackward0", inputs=("input",))
def _logcumsumexp(input, d):
    if input.ndim == 0:
        return input.clone()
    y = input
    n = y.shape[d]
    shift = 1
    while shift < n:  # Hillis-Steele: after each step, y[i] covers 2*shift inputs
        head = y.narrow(d, 0, shift)
        tail = nt.logaddexp(y.narrow(d, shift, n - shift), y.narrow(d, 0, n - shift))
        y = nt.cat([head, tail], d)
        shift *= 2
    return y if y is not input else input.clone()


def _logcumsumexp_method(self, dim):
    return logcumsumexp(self, dim)


# ---- combinations / unravel_index / diagflat -----------------------------------------------
def combinations(input, r=2, with_replacement=False):
    """The r-length combinations of a 1-d tensor's elements, as rows (itertools order)."""
    _require_tensor("combinations", "input", 1, input)
    r = _int_arg("combinations", "r", 2, r)
    if input.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {_shape_str(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return nt.empty((0,), dtype=input.dtype, device=input.device)
    pick = itertools.combinations_with_replacement if with_replacement \
        else itertools.combinations
    rows = [i for combo in pick(range(input.shape[0]), r) for i in combo]
    index = nt.tensor(rows, dtype=nt.int64, device=input.device)
    return nt.index_select(input, 0, index).reshape(-1, r)


def unravel_index(indices, shape):
    """Flat indices into a tensor of the given shape turned into one coordinate tensor
    per dimension."""
    if not isinstance(indices, Tensor):
        raise TypeError(f"expected 'indices' to be integer dtype, but got "
                        f"{type(indices).__name__}")
    if indices.dtype.category >= 2 or indices.dtype is nt.bool:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    if isinstance(shape, numbers.Integral):
        shape = (shape,)
    shape = tuple(operator.index(s) for s in shape)
    if any(s < 0 for s in shape):
        raise ValueError("'shape' cannot have negative values, but got " + str(shape))
    idx = indices.to(nt.int64)
    coords = []
    for size in reversed(shape):
        coords.append(nt.remainder(idx, size) if size else idx * 0)
        idx = nt.div(idx, size, rounding_mode="floor") if size else idx
    return tuple(reversed(coords))


def diagflat(input, offset=0):
    """A 2-d matrix with input's elements (flattened) on diagonal offset."""
    _require_tensor("diagflat", "input", 1, input)
    return nt.diag(input.reshape(-1), _int_arg("diagflat", "offset", 2, offset))


def _diagflat_method(self, offset=0):
    return diagflat(self, offset)


# ---- trapezoid / trapz / cumulative_trapezoid ------------------------------------------
def _trapezoid_parts(fname, y, x, dx, dim):
    """The spacing (number or tensor) and the averaged neighbours along dim."""
    _require_tensor(fname, "y", 1, y)
    if x is not None and dx is not None:
        raise TypeError(f"{fname}() received an invalid combination of arguments - "
                        f"got both x and dx")
    d = wrap_dim(_int_arg(fname, "dim", 3, dim), max(y.ndim, 1))
    n = y.shape[d] if y.ndim else 1
    if x is not None:
        _require_tensor(fname, "x", 2, x)
        if x.ndim == 1:
            if x.shape[0] != n:
                raise RuntimeError(f"{fname}: There must be one `x` value for each sample "
                                   f"point")
            spacing = nt.diff(x).reshape((-1,) + (1,) * (y.ndim - 1 - d))
        else:
            spacing = nt.diff(x, dim=d if x.ndim == y.ndim else -1)
    else:
        spacing = 1 if dx is None else dx
    if n == 0:
        return spacing, d, None
    y_dt = y if y.dtype.category >= 2 else y.to(nt.get_default_dtype()) \
        if not isinstance(spacing, Tensor) else y
    mean = (y_dt.narrow(d, 1, n - 1) + y_dt.narrow(d, 0, n - 1)) / 2
    return spacing, d, mean


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """The trapezoid rule integral of y along dim, spaced by x's differences or dx."""
    spacing, d, mean = _trapezoid_parts("trapezoid", y, x, dx, dim)
    if mean is None:
        shape = tuple(y.shape[:d]) + tuple(y.shape[d + 1:])
        dt = y.dtype if y.dtype.category >= 2 else nt.get_default_dtype()
        return nt.zeros(shape, dtype=dt, device=y.device)
    return nt.sum(mean * spacing, d)


def trapz(y, x=None, *, dx=None, dim=-1):
    """trapezoid() under its older name."""
    if x is not None and not isinstance(x, Tensor):
        raise TypeError(f"trapz(): argument 'x' (position 2) must be Tensor, not "
                        f"{python_type_name(x)}")
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """The running trapezoid rule integral of y along dim (one element fewer)."""
    spacing, d, mean = _trapezoid_parts("cumulative_trapezoid", y, x, dx, dim)
    if mean is None:
        dt = y.dtype if y.dtype.category >= 2 else nt.get_default_dtype()
        return nt.zeros(tuple(y.shape), dtype=dt, device=y.device)
    return nt.cumsum(mean * spacing, d)


# ---- renorm ------------------------------------------------------------------------------
def renorm(input, p, dim, maxnorm, *, out=None):
    """Each slice input.select(dim, i) whose p-norm exceeds maxnorm scaled down to it."""
    if out is not None:
        return _into("renorm", out, exact, renorm, input, p, dim, maxnorm)
    _require_tensor("renorm", "input", 1, input)
    if not p > 0:
        raise RuntimeError(f"renorm: non-positive-norm not supported")
    if input.ndim <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.ndim} "
                           f"dimensions")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    d = wrap_dim(_int_arg("renorm", "dim", 3, dim), input.ndim)
    return _renorm(input, p, d, maxnorm)


@composite("RenormBackward0", inputs=("input",))
def _renorm(input, p, d, maxnorm):
    others = tuple(i for i in range(input.ndim) if i != d)
    norm = nt.linalg.vector_norm(input, p, others, keepdim=True)
    factor = nt.where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0)
    return input * factor


def _renorm_method(self, p, dim, maxnorm):
    return renorm(self, p, dim, maxnorm)


# ---- complex construction ----------------------------------------------------------------
def _check_float_pair(fname, first, second):
    """complex() and polar(): two tensors, both float32 or both float64 (PyTorch's errors)."""
    (n1, a), (n2, b) = first, second
    _require_tensor(fname, n1, 1, a)
    _require_tensor(fname, n2, 2, b)
    if a.dtype not in (nt.float32, nt.float64) or b.dtype not in (nt.float32, nt.float64):
        raise RuntimeError("Expected both inputs to be Half, Float or Double tensors but got "
                           f"{scalar_type_name(a.dtype)} and {scalar_type_name(b.dtype)}")
    if a.dtype is not b.dtype:
        raise RuntimeError(f"Expected object of scalar type {scalar_type_name(a.dtype)} but "
                           f"got scalar type {scalar_type_name(b.dtype)} for second argument")


def complex(real, imag, *, out=None):
    """The complex tensor real + i * imag (both float32 or both float64)."""
    if out is not None:
        return _into("complex", out, exact, complex, real, imag)
    _check_float_pair("complex", ("real", real), ("imag", imag))
    shape = broadcast_shapes(tuple(real.shape), tuple(imag.shape))
    pair = nt.stack([real.expand(shape), imag.expand(shape)], -1)
    return nt.view_as_complex(pair)


def polar(abs, angle, *, out=None):
    """The complex tensor abs * (cos(angle) + i sin(angle))."""
    if out is not None:
        return _into("polar", out, exact, polar, abs, angle)
    _check_float_pair("polar", ("abs", abs), ("angle", angle))
    return complex(abs * nt.cos(angle), abs * nt.sin(angle))


def angle(input, *, out=None):
    """The argument of each element: atan2(imag, real) for complex input, pi for
    negative and 0 for other real values (NaN stays NaN)."""
    if out is not None:
        return _into("angle", out, castable, angle, input)
    _require_tensor("angle", "input", 1, input)
    if input.dtype.category == 3:
        return nt.atan2(input.imag, input.real)
    dt = input.dtype if input.dtype.category == 2 else nt.get_default_dtype()
    x = input if input.dtype is dt else input.to(dt)
    res = nt.where(x < 0, nt.full((), math.pi, dtype=dt, device=x.device), x * 0)
    return nt.where(nt.isnan(x), x, res)


def _angle_method(self):
    return angle(self)


def _addmv_method(self, mat, vec, *, beta=1, alpha=1):
    return addmv(self, mat, vec, beta=beta, alpha=alpha)


def _addr_method(self, vec1, vec2, *, beta=1, alpha=1):
    return addr(self, vec1, vec2, beta=beta, alpha=alpha)


def _baddbmm_method(self, batch1, batch2, *, beta=1, alpha=1):
    return baddbmm(self, batch1, batch2, beta=beta, alpha=alpha)


def _addbmm_method(self, batch1, batch2, *, beta=1, alpha=1):
    return addbmm(self, batch1, batch2, beta=beta, alpha=alpha)


def _vdot_method(self, other):
    return vdot(self, other)


METHODS = {
    "addmv": _addmv_method, "addr": _addr_method, "baddbmm": _baddbmm_method,
    "addbmm": _addbmm_method, "vdot": _vdot_method,
    "repeat_interleave": _repeat_interleave_method, "ravel": _ravel_method,
    "matrix_power": _matrix_power_method, "logdet": _logdet_method,
    "slogdet": _slogdet_method, "svd": _svd_method, "qr": _qr_method,
    "cholesky": _cholesky_method, "pinverse": _pinverse_method,
    "quantile": _quantile_method, "nanquantile": _nanquantile_method, "mode": _mode_method,
    "logcumsumexp": _logcumsumexp_method, "diagflat": _diagflat_method,
    "renorm": _renorm_method, "angle": _angle_method,
}

FUNCTIONS = {
    "repeat_interleave": repeat_interleave, "ravel": ravel, "addmv": addmv, "addr": addr,
    "baddbmm": baddbmm, "addbmm": addbmm, "vdot": vdot, "chain_matmul": chain_matmul,
    "matrix_power": matrix_power, "logdet": logdet, "slogdet": slogdet, "svd": svd,
    "qr": qr, "cholesky": cholesky, "pinverse": pinverse,
    "quantile": quantile, "nanquantile": nanquantile, "mode": mode,
    "logcumsumexp": logcumsumexp, "combinations": combinations,
    "unravel_index": unravel_index, "diagflat": diagflat, "trapezoid": trapezoid,
    "trapz": trapz, "cumulative_trapezoid": cumulative_trapezoid, "renorm": renorm,
    "polar": polar, "complex": complex, "angle": angle,
}
for _name, _fn in METHODS.items():
    if _fn.__name__.startswith("_"):
        _fn.__name__ = _fn.__qualname__ = _name
        _fn.__doc__ = f"See torch.{_name}()."


# ---- Group 3: select_scatter, slice_scatter, masked_scatter ----------------------------
# Each result is a clone of input with part of it overwritten through an indexing
# assignment (recorded as CopySlices) or a where(), so autograd reaches input and src.

def _overwrite_view(fname, input, src, key):
    """A clone of input whose input[key] view is replaced by src (cast to input's dtype)."""
    _require_tensor(fname, "input", 1, input)
    _require_tensor(fname, "src", 2, src)
    return _OVERWRITE[fname](input, src, key)


def _overwrite(input, src, key):
    res = input.clone()
    view_shape = res[key].shape
    if tuple(src.shape) != tuple(view_shape):
        raise RuntimeError("expected src to have a size equal to the slice of self. src size = "
                           f"{list(src.shape)}, slice size = {list(view_shape)}")
    res[key] = src
    return res


_OVERWRITE = {fname: composite(node, inputs=("input", "src"))(_overwrite)
              for fname, node in (("select_scatter", "SelectScatterBackward0"),
                                  ("slice_scatter", "SliceScatterBackward0"))}


def select_scatter(input, src, dim, index):
    """A copy of input whose slice at `index` along dim is replaced by src."""
    _require_tensor("select_scatter", "input", 1, input)
    d = wrap_dim(dim, input.ndim)
    index = _int_arg("select_scatter", "index", 4, index)
    size = input.shape[d]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {d}")
    return _overwrite_view("select_scatter", input, src, (slice(None),) * d + (index,))


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    """A copy of input whose slice start:end:step along dim is replaced by src."""
    _require_tensor("slice_scatter", "input", 1, input)
    d = wrap_dim(dim, input.ndim)
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    return _overwrite_view("slice_scatter", input, src,
                           (slice(None),) * d + (slice(start, end, step),))


def masked_scatter(input, mask, source):
    """A copy of input (broadcast with mask) where the True positions of mask take the
    elements of source one after another, in row-major order."""
    _require_tensor("masked_scatter", "input", 1, input)
    _require_tensor("masked_scatter", "mask", 2, mask)
    _require_tensor("masked_scatter", "source", 3, source)
    shape = broadcast_shapes(tuple(mask.shape), tuple(input.shape))  # torch's order
    return _masked_scatter_node(input, mask, source, shape)


@composite("MaskedScatterBackward0", inputs=("input", "source"))
def _masked_scatter_node(input, mask, source, shape):
    """masked_scatter as one node, named as PyTorch's, with input and source its inputs."""
    return _masked_scatter(input.expand(shape), mask.expand(shape), source)


def _masked_scatter(x, m, source):
    """masked_scatter with x and m already of one shape."""
    if source.dtype != x.dtype:
        raise RuntimeError("masked_scatter: expected self and source to have same dtypes but "
                           f"got{scalar_type_name(x.dtype)} and "
                           f"{scalar_type_name(source.dtype)}")
    if m.dtype != nt.bool:
        raise RuntimeError("masked_scatter_ only supports boolean masks, but got mask with "
                           f"dtype {scalar_type_name(m.dtype)}")
    flat = m.reshape(-1)
    count = int(flat.sum().item()) if flat.numel() else 0
    if count > source.numel():
        raise RuntimeError("Number of elements of source < number of ones in mask")
    if count == 0:  # nothing taken from source (which may even be empty)
        return x.clone()
    pos = (nt.cumsum(flat, 0) - 1).clamp(min=0)  # the source element each position reads
    taken = nt.take(source, pos).reshape(x.shape)
    return nt.where(m, taken, x)


def _select_scatter_method(self, src, dim, index):
    return select_scatter(self, src, dim, index)


def _slice_scatter_method(self, src, dim=0, start=None, end=None, step=1):
    return slice_scatter(self, src, dim, start, end, step)


def _masked_scatter_method(self, mask, source):
    return masked_scatter(self, mask, source)


def _masked_scatter__method(self, mask, source):
    _require_tensor("masked_scatter_", "mask", 1, mask)
    _require_tensor("masked_scatter_", "source", 2, source)
    m = mask.expand(self.shape)  # the mask must broadcast to self's own shape
    if source.dtype != self.dtype or m.dtype != nt.bool:
        _masked_scatter(self, m, source)  # raises PyTorch's error
    return self.copy_(_masked_scatter_node(self, m, source, tuple(self.shape)))


_masked_scatter__method.__name__ = _masked_scatter__method.__qualname__ = "masked_scatter_"
_masked_scatter__method.__doc__ = "In-place version of masked_scatter()."
for _name, _fn in {"select_scatter": _select_scatter_method,
                   "slice_scatter": _slice_scatter_method,
                   "masked_scatter": _masked_scatter_method,
                   "masked_scatter_": _masked_scatter__method}.items():
    METHODS[_name] = _fn
    if _fn.__name__.startswith("_"):
        _fn.__name__ = _fn.__qualname__ = _name
        _fn.__doc__ = f"See torch.{_name}()."
FUNCTIONS.update(select_scatter=select_scatter, slice_scatter=slice_scatter,
                 masked_scatter=masked_scatter)
