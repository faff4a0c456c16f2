"""Derives the polynomial coefficients of fastmath.py (a tool, never imported by numtensor).

    python -m numtensor._backends.cpu.fastmath_fit

fastmath evaluates its polynomials in float64, and they must be accurate far beyond
float32 (to about 2^-50 relative) for the float32 results to come out correctly
rounded.  Each polynomial is a minimax fit of the *relative* error of the function it
serves, found by Lawson's iteration: weighted least squares on a dense Chebyshev grid
of the reduced interval, re-weighting each point by its error until the error
equioscillates.  The targets are computed with mpmath at 60 digits, and the least
squares work on the interval scaled to [-1, 1], so nothing is lost to cancellation or
conditioning.  The printed error is max |relative error| over a finer grid.
"""
import math

import mpmath
import numpy as np

mpmath.mp.dps = 60
_GRID = 3000
_ITERATIONS = 60


def _chebyshev_grid(lo, hi, n):
    k = np.arange(n)
    return (lo + hi) / 2 + (hi - lo) / 2 * np.cos(np.pi * (k + 0.5) / n)


def fit(g, scale, degree, lo, hi):
    """Coefficients c_0..c_degree (of x^k) with sum c_k x^k ~ g(x) on [lo, hi], minimising
    max |scale(x) * (g(x) - sum c_k x^k)|: scale turns an error in g into a relative
    error of the function served.  g and scale take and return mpmath numbers."""
    x = _chebyshev_grid(lo, hi, _GRID)
    gx = np.array([float(g(mpmath.mpf(v))) for v in x])
    sx = np.array([abs(float(scale(mpmath.mpf(v)))) for v in x])
    mid, half = (lo + hi) / 2, (hi - lo) / 2
    t = (x - mid) / half
    basis = np.polynomial.chebyshev.chebvander(t, degree)
    w = np.ones_like(x)
    for _ in range(_ITERATIONS):
        a = basis * (sx * np.sqrt(w))[:, None]
        b = gx * sx * np.sqrt(w)
        cheb, *_ = np.linalg.lstsq(a, b, rcond=None)
        err = np.abs(sx * (gx - basis @ cheb))
        w = w * err
        w /= w.sum()
    # Chebyshev series in t = (x - mid) / half  ->  power series in x
    poly_t = np.polynomial.chebyshev.cheb2poly(cheb)
    poly_x = np.polynomial.polynomial.Polynomial(poly_t, domain=[lo, hi],
                                                 window=[-1, 1]).convert().coef
    poly_x = np.pad(poly_x, (0, degree + 1 - len(poly_x)))
    return poly_x, _max_error(g, scale, poly_x, lo, hi)


def _max_error(g, scale, coeffs, lo, hi):
    worst = 0.0
    for v in np.linspace(lo, hi, 2001):
        if v == 0:
            continue
        v = mpmath.mpf(float(v))
        p = mpmath.mpf(0)
        for c in reversed(coeffs):
            p = p * v + mpmath.mpf(float(c))
        worst = max(worst, abs(float(scale(v) * (g(v) - p))))
    return worst


def exp_coefficients():
    """exp(r) = 1 + r + r^2 * Q(r), |r| <= ln2/2 (a little wider: n comes from a rounded product).
    The relative error of exp(r) is r^2 / exp(r) times Q's error."""
    h = math.log(2) / 2 * 1.0001
    return fit(lambda r: (mpmath.expm1(r) - r) / r ** 2, lambda r: r ** 2 / mpmath.exp(r),
               8, -h, h)


def log_coefficients():
    """log(1 + f) = 2s + s * z * P(z) with s = f / (2 + f), z = s^2, for f in
    [sqrt(1/2) - 1, sqrt(2) - 1] (so |s| <= 3 - 2 sqrt(2)).  Relative to log(1 + f),
    about 2s, P's error counts z / 2 times."""
    zmax = (3 - 2 * math.sqrt(2)) ** 2 * 1.0001

    def p(z):
        s = mpmath.sqrt(z)
        return (2 * mpmath.atanh(s) - 2 * s) / (s * z)
    return fit(p, lambda z: z / 2, 5, 0.0, zmax)


def main():
    for name, (c, err) in [("_EXP_Q", exp_coefficients()), ("_LOG_P", log_coefficients())]:
        print(f"# {name}: max relative error {err:.3g} = 2^{math.log2(err):.1f}")
        print(f"{name} = ({', '.join(repr(float(v)) for v in c)})")


if __name__ == "__main__":
    main()
