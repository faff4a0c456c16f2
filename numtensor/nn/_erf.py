"""erfc composed from tensor ops (exact GELU and Normal.cdf need it; numtensor has no
erf kernel yet).  Autograd differentiates the composition, to every order.

For z >= 0 we write erfc(z) = u * exp(P(y) - z**2) with u = 2 / (2 + z) and
y = 2u - 1 = (2 - z) / (2 + z) in (-1, 1]: the factor exp(-z**2) carries the fast decay
and P is a smooth, slowly varying polynomial, fitted once (see fit_coefficients) to
log(erfcx(z)) - log(u).  Maximum relative error of erfc on [0, inf): 3e-15 with the
degree-24 fit (used for float64), 6e-9 with the degree-12 fit (float32/float16, whose
rounding is 6e-8).  Negative arguments use erfc(-z) = 2 - erfc(z).  The polynomial is
evaluated in float64 whatever the input dtype, then cast back.
"""

# P's coefficients in powers of y, lowest first (fit_coefficients(12) and (24)).
_COEFFS_12 = (
    -0.6717940851505114, 0.6726431547772962, 0.047343417419463185, -0.04689364062417946,
    -0.009874533563633514, 0.008808825780323666, 0.0017706596164066195,
    -0.0022887662952270882, -0.00018276820851011386, 0.0005737675460012031,
    -3.212739583271142e-05, -8.728427980385775e-05, 1.3376457488593399e-05)
_COEFFS_24 = (
    -0.6717940840566916, 0.6726432239776567, 0.04734330684182867, -0.04689561023119745,
    -0.009872689362828771, 0.008824938557410091, 0.0017589334908172658,
    -0.0023458125031695265, -0.00014624618948127892, 0.0006736787896782458,
    -9.373920593878368e-05, -0.00017430268063641722, 7.141813431490617e-05,
    3.174305581277446e-05, -3.023611478765508e-05, 1.4667609328612424e-07,
    8.657387493320075e-06, -2.9711966737127424e-06, -1.4018902387694638e-06,
    1.2888933768406058e-06, -4.773490402178001e-08, -2.917949241291064e-07,
    8.026553663853917e-08, 3.019889668541978e-08, -1.3307444466857334e-08)


def fit_coefficients(degree):
    """Refit P (needs SciPy; used offline and by the tests, never at run time)."""
    import numpy as np
    from numpy.polynomial import chebyshev
    from scipy.special import erfcx
    u = np.cos(np.linspace(0, np.pi, 4001)) * 0.5 + 0.5  # Chebyshev nodes on [0, 1]
    u = u[u > 1e-9]
    z = 2 / u - 2
    target = np.log(erfcx(z)) - np.log(u)
    return chebyshev.cheb2poly(chebyshev.chebfit(2 * u - 1, target, degree))


def erfc(x):
    """The complementary error function of a floating-point tensor."""
    from .. import float64, where
    coeffs = _COEFFS_24 if x.dtype is float64 else _COEFFS_12
    xd = x.to(float64)
    nonneg = xd >= 0
    z = where(nonneg, xd, -xd)  # |x| with slope +1 at 0 (abs has slope 0 there)
    u = 2.0 / (z + 2.0)
    y = u * 2.0 - 1.0
    poly = y * coeffs[-1] + coeffs[-2]
    for c in reversed(coeffs[:-2]):
        poly = poly * y + c
    tail = u * (poly - z * z).exp()
    return where(nonneg, tail, 2.0 - tail).to(x.dtype)
