"""numtensor.distributions: probability distributions with sampling, log-densities and
argument validation (PyTorch's API)."""
from . import constraints  # noqa: F401
from .distribution import Distribution  # noqa: F401
from .bernoulli import Bernoulli  # noqa: F401
from .beta import Beta, Dirichlet  # noqa: F401
from .binomial import Binomial  # noqa: F401
from .categorical import Categorical  # noqa: F401
from .cauchy import Cauchy  # noqa: F401
from .chi2 import Chi2  # noqa: F401
from .exponential import Exponential  # noqa: F401
from .gamma import Gamma  # noqa: F401
from .geometric import Geometric  # noqa: F401
from .gumbel import Gumbel  # noqa: F401
from .half_normal import HalfNormal  # noqa: F401
from .independent import Independent  # noqa: F401
from .laplace import Laplace  # noqa: F401
from .log_normal import LogNormal  # noqa: F401
from .multinomial import Multinomial  # noqa: F401
from .multivariate_normal import MultivariateNormal  # noqa: F401
from .normal import Normal  # noqa: F401
from .one_hot_categorical import OneHotCategorical, OneHotCategoricalStraightThrough  # noqa: F401
from .poisson import Poisson  # noqa: F401
from .studentT import StudentT  # noqa: F401
from .transformed_distribution import TransformedDistribution  # noqa: F401
from . import transforms  # noqa: F401
from .transforms import (AbsTransform, AffineTransform, ComposeTransform,  # noqa: F401
                         ExpTransform, PowerTransform, SigmoidTransform,
                         SoftmaxTransform, TanhTransform, Transform,
                         identity_transform)
from .uniform import Uniform  # noqa: F401
from . import kl  # noqa: F401
from .kl import kl_divergence, register_kl  # noqa: F401

__all__ = ["Distribution", "Bernoulli", "Beta", "Binomial", "Categorical", "Cauchy", "Chi2",
           "Dirichlet", "Exponential", "Gamma", "Geometric", "Gumbel", "HalfNormal",
           "Independent", "Laplace", "LogNormal", "Multinomial", "MultivariateNormal",
           "Normal", "OneHotCategorical", "OneHotCategoricalStraightThrough", "Poisson",
           "StudentT", "TransformedDistribution", "Uniform", "constraints",
           "kl_divergence", "register_kl",
           "AbsTransform", "AffineTransform", "ComposeTransform", "ExpTransform",
           "PowerTransform", "SigmoidTransform", "SoftmaxTransform", "TanhTransform",
           "Transform", "identity_transform"]
