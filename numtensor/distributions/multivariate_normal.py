"""MultivariateNormal(loc, covariance_matrix | precision_matrix | scale_tril).

Everything goes through the lower Cholesky factor L of the covariance (numtensor.linalg
.cholesky); the triangular solves are numtensor.linalg.solve with L (numtensor has no
solve_triangular), which is exact for a triangular system up to rounding."""
import math

from .._size import Size
from . import constraints
from .distribution import Distribution
from .utils import lazy_property


class _Symmetric(constraints.Constraint):
    event_dim = 2

    def check(self, value):
        from .. import isclose
        return isclose(value, value.mT, atol=1e-6).all(-2).all(-1)


class _PositiveDefinite(_Symmetric):
    """Symmetric with positive eigenvalues (PyTorch tests this with a Cholesky)."""

    def check(self, value):
        from .. import linalg
        symmetric = super().check(value)
        if not bool(symmetric.all()):
            return symmetric
        return linalg.eigvalsh(value)[..., 0] > 0


class _LowerCholesky(constraints.Constraint):
    """Lower triangular with a positive diagonal."""

    event_dim = 2

    def check(self, value):
        lower = (value.tril() == value).reshape(tuple(value.shape[:-2]) + (-1,)).min(-1)[0]
        positive_diagonal = (value.diagonal(dim1=-2, dim2=-1) > 0).min(-1)[0]
        return lower & positive_diagonal


positive_definite = _PositiveDefinite()
lower_cholesky = _LowerCholesky()


def _batch_mv(bmat, bvec):
    """Matrix times vector over broadcast batch dims."""
    return bmat.matmul(bvec.unsqueeze(-1)).squeeze(-1)


def _solve_lower(L, B):
    """L^-1 B for lower triangular L, batch dims broadcast.  Only L's lower triangle is
    read, so L's gradient is lower triangular (as from solve_triangular)."""
    from .. import linalg
    return linalg.solve(L.tril(), B)


def _batch_mahalanobis(bL, bx):
    """|L^-1 x|^2 over the last dim of bx.  bx's leading batch dims beyond L's become
    right-hand-side columns of one solve per matrix of L."""
    from .. import broadcast_shapes
    n = bx.shape[-1]
    batch = tuple(broadcast_shapes(bx.shape[:-1], bL.shape[:-2]))
    l_dims = bL.dim() - 2
    outer = batch[:len(batch) - l_dims]
    inner = batch[len(batch) - l_dims:]
    x = bx.expand(batch + (n,)).reshape((-1,) + inner + (n,))  # (columns, *inner, n)
    x = x.movedim(0, -1)  # (*inner, n, columns)
    L = bL.expand(inner + (n, n))
    m = _solve_lower(L, x).pow(2).sum(-2)  # (*inner, columns)
    return m.movedim(-1, 0).reshape(outer + inner)


def _precision_to_scale_tril(P):
    """The lower Cholesky factor of P^-1, from the Cholesky factor of P flipped."""
    from .. import eye, linalg
    Lf = linalg.cholesky(P.flip((-2, -1)))
    L_inv = Lf.flip((-2, -1)).transpose(-2, -1)
    identity = eye(P.shape[-1], dtype=P.dtype, device=P.device)
    return _solve_lower(L_inv, identity.expand(L_inv.shape))


class MultivariateNormal(Distribution):
    arg_constraints = {"loc": constraints.real_vector,
                       "covariance_matrix": positive_definite,
                       "precision_matrix": positive_definite,
                       "scale_tril": lower_cholesky}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc, covariance_matrix=None, precision_matrix=None, scale_tril=None,
                 validate_args=None):
        from .. import broadcast_shapes, linalg
        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        if (covariance_matrix is not None) + (scale_tril is not None) + \
                (precision_matrix is not None) != 1:
            raise ValueError("Exactly one of covariance_matrix or precision_matrix or "
                             "scale_tril may be specified.")
        given = [(name, m) for name, m in (("scale_tril", scale_tril),
                                           ("covariance_matrix", covariance_matrix),
                                           ("precision_matrix", precision_matrix))
                 if m is not None]
        name, matrix = given[0]
        if matrix.dim() < 2:
            raise ValueError(f"{name}{' matrix' if name == 'scale_tril' else ''} must be at "
                             "least two-dimensional, with optional leading batch dimensions")
        batch_shape = Size(broadcast_shapes(matrix.shape[:-2], loc.shape[:-1]))
        setattr(self, name, matrix.expand(tuple(batch_shape) + (-1, -1)))
        self.loc = loc.expand(tuple(batch_shape) + (-1,))
        super().__init__(batch_shape, self.loc.shape[-1:], validate_args=validate_args)
        if scale_tril is not None:
            self._unbroadcasted_scale_tril = scale_tril
        elif covariance_matrix is not None:
            self._unbroadcasted_scale_tril = linalg.cholesky(covariance_matrix)
        else:
            self._unbroadcasted_scale_tril = _precision_to_scale_tril(precision_matrix)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(MultivariateNormal, _instance)
        batch_shape = Size(batch_shape)
        loc_shape = batch_shape + self.event_shape
        cov_shape = batch_shape + self.event_shape + self.event_shape
        new.loc = self.loc.expand(loc_shape)
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril
        for name in ("covariance_matrix", "scale_tril", "precision_matrix"):
            if name in self.__dict__:
                setattr(new, name, self.__dict__[name].expand(cov_shape))
        return self._expanded(new, batch_shape)

    def _matrix_shape(self):
        return self._batch_shape + self._event_shape + self._event_shape

    @lazy_property
    def scale_tril(self):
        return self._unbroadcasted_scale_tril.expand(self._matrix_shape())

    @lazy_property
    def covariance_matrix(self):
        L = self._unbroadcasted_scale_tril
        return L.matmul(L.mT).expand(self._matrix_shape())

    @lazy_property
    def precision_matrix(self):
        from .. import eye
        L = self._unbroadcasted_scale_tril
        L_inv = _solve_lower(L, eye(L.shape[-1], dtype=L.dtype, device=L.device).expand(L.shape))
        return L_inv.mT.matmul(L_inv).expand(self._matrix_shape())

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        return self._unbroadcasted_scale_tril.pow(2).sum(-1).expand(
            self._batch_shape + self._event_shape)

    def rsample(self, sample_shape=Size()):
        """loc + L eps with eps ~ N(0, I): differentiable in loc and the matrix."""
        shape = self._extended_shape(sample_shape)
        eps = self.loc.new_empty(shape).normal_()
        return self.loc + _batch_mv(self._unbroadcasted_scale_tril, eps)

    def _half_log_det(self):
        return self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        M = _batch_mahalanobis(self._unbroadcasted_scale_tril, value - self.loc)
        return -0.5 * (self._event_shape[0] * math.log(2 * math.pi) + M) - self._half_log_det()

    def entropy(self):
        H = 0.5 * self._event_shape[0] * (1.0 + math.log(2 * math.pi)) + self._half_log_det()
        return H if len(self._batch_shape) == 0 else H.expand(self._batch_shape)
