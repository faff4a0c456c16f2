"""Three more random in-place fills and some linear-algebra / special extras.

cauchy_, log_normal_ and geometric_ compose numtensor's uniform_/normal_ draws with
the transformation PyTorch's CPU kernels apply.  Those kernels draw one double per
element, serially, in the order of self's memory, whatever self's dtype:
  cauchy_     median + sigma * tan(pi * (u - 1/2)),  u a 53-bit uniform double
  log_normal_ exp(mean + std * z),  z a one-at-a-time Box-Muller normal in double
              (the path that keeps the pair's second value cached in the generator)
  geometric_  ceil(log(u) / log1p(-p))
so drawing the doubles into a float64 buffer with numtensor's CPU twister and
transforming them gives PyTorch's numbers for the same seed.  (A double cast to half
precision is rounded once here; PyTorch goes through float first, which can differ
in the last bit of a float16/bfloat16 result.)

matrix_exp is scaling and squaring with a Pade approximant (Higham 2005), cholesky_solve
and cholesky_inverse solve with the product L L^H, mvlgamma sums lgamma: all composed
from numtensor ops, so autograd differentiates them through those ops.
"""
import math
import operator

import numtensor as nt  # the package itself: read only when a function runs

from .. import _dtype, _random
from .._backends.plan import broadcast_shapes
from .._tensor import Tensor
from ..autograd.derivatives import composite
from ..autograd.grad_mode import no_grad
from ._common import scalar_type_name
from .inplace import apply_inplace, check_leaf, write
from .more_functions import _check_square
from .more_math import _into, _require_tensor
from .out_args import CPP_TYPE_NAME, castable, check_grad, finish


# ---- random fills ------------------------------------------------------------------------
def _float_draws(self, kind, generator, *params):
    """self.numel() float64 draws, made as PyTorch's serial CPU kernels make them."""
    n = self.numel()
    if kind == "normal":
        # a strided buffer takes the one-at-a-time Box-Muller path of PyTorch's kernel
        buf = nt.empty(2 * n, dtype=_dtype.float64, device=self.device)[::2]
        return _random.normal_(buf, *params, generator=generator)
    buf = nt.empty(n, dtype=_dtype.float64, device=self.device)
    return _random.uniform_(buf, 0.0, 1.0, generator=generator)


def _store(self, values, node):
    """Write flat values into self in memory order (how PyTorch's kernels walk self);
    self's history becomes `node`, through which no gradient flows (as in PyTorch)."""
    if self.is_contiguous():
        value = values.reshape(self.shape)
    else:  # laid out along self's dims by decreasing stride, then viewed in self's order
        order = sorted(range(self.ndim), key=lambda d: -self.stride(d))
        value = values.reshape([self.shape[d] for d in order])
        value = value.permute([order.index(d) for d in range(self.ndim)])
    write(self, value.to(self.dtype), node)
    return self


def _fill_with(self, fname, generator, kind, params, transform):
    _random._check_generator(generator, fname)
    check_leaf(self)
    if self.numel() == 0:
        return self
    u = _float_draws(self, kind, generator, *params)
    node = "".join(w.capitalize() for w in fname.rstrip("_").split("_")) + "Backward0"
    with no_grad():
        values = transform(u)
    return _store(self, values, node)


def _not_float(self, what):
    raise RuntimeError(f"{what} distribution is a continuous probability distribution. dtype "
                       f"must be a floating point but you specified "
                       f"{CPP_TYPE_NAME.get(self.dtype.name, self.dtype.name)}")


def cauchy_(self, median=0, sigma=1, *, generator=None):
    """Fills self with draws from the Cauchy distribution of this median and scale."""
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={float(sigma):g}")
    if self.dtype.category != 2:
        _not_float(self, "Cauchy")
    median, sigma = float(median), float(sigma)
    return _fill_with(self, "cauchy_", generator, "uniform", (),
                      lambda u: nt.tan((u - 0.5) * math.pi) * sigma + median)


def log_normal_(self, mean=1, std=2, *, generator=None):
    """Fills self with exp(N(mean, std**2)) draws."""
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={float(std):g}")
    if self.dtype.category != 2:
        raise NotImplementedError(
            f"\"log_normal_cpu\" not implemented for '{scalar_type_name(self.dtype)}'")
    return _fill_with(self, "log_normal_", generator, "normal", (float(mean), float(std)),
                      nt.exp)


def geometric_(self, p, *, generator=None):
    """Fills self with the number of Bernoulli(p) trials up to the first success."""
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={float(p):g}")
    if self.dtype is _dtype.bool_ or self.dtype.category == 3:
        raise NotImplementedError(
            f"\"geometric_cpu\" not implemented for '{scalar_type_name(self.dtype)}'")
    scale = math.log1p(-float(p))
    return _fill_with(self, "geometric_", generator, "uniform", (),
                      lambda u: nt.ceil(nt.log(u) / scale))


# ---- matrix_exp -------------------------------------------------------------------------
# Pade coefficients and the 1-norm up to which each is accurate to the dtype's precision
# (Higham, "The scaling and squaring method for the matrix exponential revisited")
_PADE7 = (17297280.0, 8648640.0, 1995840.0, 277200.0, 25200.0, 1512.0, 56.0, 1.0)
_PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0,
           1187353796428800.0, 129060195264000.0, 10559470521600.0, 670442572800.0,
           33522128640.0, 1323241920.0, 40840800.0, 960960.0, 16380.0, 182.0, 1.0)
_THETA7_SINGLE, _THETA13_DOUBLE = 3.925724783138660, 5.371920351148152


def _pade(A, b):
    """(U, V): the odd and even parts of the Pade approximant's numerator."""
    eye = nt.eye(A.shape[-1], dtype=A.dtype, device=A.device)
    A2 = A @ A
    A4 = A2 @ A2
    A6 = A4 @ A2
    if len(b) == 8:
        U = A @ (A6 * b[7] + A4 * b[5] + A2 * b[3] + eye * b[1])
        V = A6 * b[6] + A4 * b[4] + A2 * b[2] + eye * b[0]
        return U, V
    U = A @ (A6 @ (A6 * b[13] + A4 * b[11] + A2 * b[9]) + A6 * b[7] + A4 * b[5] + A2 * b[3]
             + eye * b[1])
    V = A6 @ (A6 * b[12] + A4 * b[10] + A2 * b[8]) + A6 * b[6] + A4 * b[4] + A2 * b[2] + eye * b[0]
    return U, V


def matrix_exp(input):
    """exp(A) = sum of A^k / k! for each square matrix: every matrix is scaled by 2^-s
    into the range of a Pade approximant, which is then squared s times."""
    _require_tensor("matrix_exp", "input", 1, input)
    _check_square("linalg.matrix_exp", input)
    if input.dtype.category < 2:
        raise RuntimeError("linalg.matrix_exp: Expected a floating point or complex tensor as "
                           f"input. Got {scalar_type_name(input.dtype)}")
    if input.numel() == 0:
        return input.clone()
    double = input.dtype in (_dtype.float64, _dtype.complex128)
    coeffs, theta = (_PADE13, _THETA13_DOUBLE) if double else (_PADE7, _THETA7_SINGLE)
    with no_grad():  # the number of squarings depends on the norm, not differentiably
        norm = input.abs().sum(-2).amax(-1).to(_dtype.float64)
        s = nt.clamp(nt.ceil(nt.log2(norm / theta)), min=0)
        steps = int(s.max().item())
        scale = nt.pow(2.0, -s).to(input.abs().dtype)[..., None, None]
    U, V = _pade(input * scale, coeffs)
    X = nt.linalg.solve(V - U, V + U)
    for k in range(steps):  # square only the matrices that still need it
        X = nt.where((s > k)[..., None, None], X @ X, X)
    return X


def _matrix_exp_method(self):
    return matrix_exp(self)


# ---- Cholesky solves --------------------------------------------------------------------
def _gram(L, upper):
    """A = L L^H (or U^H U): the matrix whose Cholesky factor L is."""
    return L.mH @ L if upper else L @ L.mH


def _check_cholesky_solve(B, L):
    if B.ndim < 2:
        raise RuntimeError(f"b should have at least 2 dimensions, but has {B.ndim} dimensions "
                           f"instead")
    if L.ndim < 2:
        raise RuntimeError(f"u should have at least 2 dimensions, but has {L.ndim} dimensions "
                           f"instead")
    if B.dtype is not L.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type "
                           f"{scalar_type_name(B.dtype)} and A of type "
                           f"{scalar_type_name(L.dtype)} instead.")
    if L.shape[-1] != L.shape[-2]:
        raise RuntimeError(f"A must be batches of square matrices, but they are "
                           f"{L.shape[-2]} by {L.shape[-1]} matrices")
    if L.shape[-1] != B.shape[-2]:
        raise RuntimeError(f"Incompatible matrix sizes for cholesky_solve: each A matrix is "
                           f"{L.shape[-1]} by {L.shape[-1]} but each b matrix is "
                           f"{B.shape[-2]} by {B.shape[-1]}")
    batch = tuple(broadcast_shapes(tuple(B.shape[:-2]), tuple(L.shape[:-2])))
    if B.dtype.category < 2:
        raise NotImplementedError(
            f"\"cholesky_solve_cpu\" not implemented for '{scalar_type_name(B.dtype)}'")
    return batch


def cholesky_solve(input, input2, upper=False, *, out=None):
    """X with A X = B, A = L L^H given its Cholesky factor L (input2), B = input."""
    if out is not None:
        return _into("cholesky_solve", out, castable, cholesky_solve, input, input2, upper)
    _require_tensor("cholesky_solve", "input", 1, input)
    _require_tensor("cholesky_solve", "input2", 2, input2)
    batch = _check_cholesky_solve(input, input2)
    # both expanded to the common batch, so that solve reads B as matrices, not vectors
    A = _gram(input2, upper).expand(batch + tuple(input2.shape[-2:]))
    return nt.linalg.solve(A, input.expand(batch + tuple(input.shape[-2:])))


def _cholesky_solve_method(self, input2, upper=False):
    return cholesky_solve(self, input2, upper)


def _check_nonsingular(L):
    """PyTorch's error for a factor with a zero on its diagonal (a singular A)."""
    with no_grad():
        zero = nt.diagonal(L, 0, -2, -1) == 0
        if not zero.any().item():
            return
        flat = zero.reshape(-1, L.shape[-1])
        row = int(nt.argmax(flat.any(-1).to(_dtype.int64)).item())
        col = int(nt.argmax(flat[row].to(_dtype.int64)).item()) + 1
    where = f"(Batch element {row}): " if L.ndim > 2 else ""
    raise nt.linalg.LinAlgError(
        f"cholesky_inverse: {where}The diagonal element {col} is zero, the inversion could "
        f"not be completed because the input matrix is singular.")


def cholesky_inverse(input, upper=False, *, out=None):
    """The inverse of A = L L^H (U^H U when upper) given its Cholesky factor."""
    if out is not None:
        return _into("cholesky_inverse", out, castable, cholesky_inverse, input, upper)
    _require_tensor("cholesky_inverse", "input", 1, input)
    _check_square("cholesky_inverse", input)
    if input.dtype.category < 2:
        raise NotImplementedError(
            f"\"cholesky_inverse_out_cpu\" not implemented for '{scalar_type_name(input.dtype)}'")
    if input.numel() == 0:
        return input.clone()
    _check_nonsingular(input)
    return nt.linalg.inv(_gram(input, upper))


def _cholesky_inverse_method(self, upper=False):
    return cholesky_inverse(self, upper)


# ---- mvlgamma ---------------------------------------------------------------------------
def _p_arg(p, position, fname="mvlgamma"):
    if isinstance(p, bool) or isinstance(p, Tensor) or not hasattr(p, "__index__"):
        raise TypeError(f"{fname}(): argument 'p' (position {position}) must be int, not "
                        f"{type(p).__name__}")
    return operator.index(p)


def _check_mvlgamma(input, p):
    if input.dtype is _dtype.bool_:
        raise RuntimeError("The input tensor may not be a boolean tensor.")
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")


def mvlgamma(input, p, *, out=None):
    """The multivariate log-gamma of dimension p: sum over j < p of lgamma(x - j/2) plus
    p(p-1)/4 log(pi).  Like PyTorch, no error where x <= (p-1)/2 (lgamma gives inf/nan
    terms there)."""
    if out is not None:
        _require_tensor("mvlgamma", "out", 3, out)
        result = mvlgamma(input, p)
        check_grad("mvlgamma", out, input)
        if not _dtype.can_cast(result.dtype, out.dtype):
            name = scalar_type_name(result.dtype)
            raise RuntimeError(f"mvlgamma: result type {name} can't be cast to the desired "
                               f"output type {name}")
        return finish("mvlgamma", result, out, (input,), castable)
    _require_tensor("mvlgamma", "input", 1, input)
    p = _p_arg(p, 2)
    _check_mvlgamma(input, p)
    return _mvlgamma(input, p)


@composite("MvlgammaBackward0", inputs=("input",))
def _mvlgamma(input, p):
    x = input if input.dtype.category >= 2 else input.to(_dtype.get_default_dtype())
    offsets = nt.arange(p, dtype=x.dtype, device=x.device) * -0.5
    terms = nt.lgamma(x.unsqueeze(-1) + offsets)
    return terms.sum(-1) + p * (p - 1) * math.log(math.pi) / 4


def _mvlgamma_method(self, p):
    p = _p_arg(p, 1)
    return mvlgamma(self, p)


def mvlgamma_(self, p):
    """In-place mvlgamma."""
    p = _p_arg(p, 1, "mvlgamma_")
    _check_mvlgamma(self, p)
    if self.dtype.category < 2:
        raise RuntimeError(f"mvlgamma: result type {scalar_type_name(self.dtype)} can't be cast "
                           f"to the desired output type "
                           f"{scalar_type_name(_dtype.get_default_dtype())}")
    return apply_inplace(self, lambda cur: mvlgamma(cur, p))


for _fn, _name in ((_matrix_exp_method, "matrix_exp"), (_cholesky_solve_method, "cholesky_solve"),
                   (_cholesky_inverse_method, "cholesky_inverse"), (_mvlgamma_method, "mvlgamma")):
    _fn.__name__ = _fn.__qualname__ = _name
    _fn.__doc__ = f"See torch.{_name}()."

# torch.<name>
FUNCTIONS = {"matrix_exp": matrix_exp, "cholesky_solve": cholesky_solve,
             "cholesky_inverse": cholesky_inverse, "mvlgamma": mvlgamma}

# Tensor.<name>
METHODS = {"cauchy_": cauchy_, "log_normal_": log_normal_, "geometric_": geometric_,
           "matrix_exp": _matrix_exp_method, "cholesky_solve": _cholesky_solve_method,
           "cholesky_inverse": _cholesky_inverse_method, "mvlgamma": _mvlgamma_method,
           "mvlgamma_": mvlgamma_}
