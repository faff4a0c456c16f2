"""numtensor.distributions: probability distributions with sampling, log-densities and
argument validation (PyTorch's API)."""
from . import constraints  # noqa: F401
from .distribution import Distribution  # noqa: F401
from .bernoulli import Bernoulli  # noqa: F401
from .categorical import Categorical  # noqa: F401
from .multinomial import Multinomial  # noqa: F401
from .normal import Normal  # noqa: F401
from .uniform import Uniform  # noqa: F401

__all__ = ["Distribution", "Bernoulli", "Categorical", "Multinomial", "Normal", "Uniform",
           "constraints"]
