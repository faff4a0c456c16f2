"""Derives the polynomial coefficients of fastmath.py (a tool, never imported by numtensor).

    python -m numtensor._backends.cpu.fastmath_fit

Each polynomial is a minimax fit of the *relative* error of the function it serves,
found as a linear program on a dense Chebyshev grid of the reduced interval
(minimise t subject to |w(x) * (g(x) - sum c_k x^k)| <= t).  The coefficients are then
rounded to float32 one at a time, lowest order first, each time refitting the ones not
yet rounded, so that the rounding of one is absorbed by the others.  The printed error
is that of the float32 coefficients in exact arithmetic, in units of 2^-24 relative
(half a float32 ulp at worst); the evaluation in float32 adds its own rounding, which
tests/test_fastmath_accuracy.py measures over every input.
"""
import math

import numpy as np
from scipy.optimize import linprog

_GRID = 4000
_ULP = 2.0 ** -24


def _grid(lo, hi):
    k = np.arange(_GRID)
    x = (lo + hi) / 2 + (hi - lo) / 2 * np.cos(np.pi * (k + 0.5) / _GRID)
    return x[x != 0]


def _solve(phi, g, w, fixed):
    """Minimax coefficients with those in `fixed` (index -> value) held; returns (c, t)."""
    free = [k for k in range(phi.shape[1]) if k not in fixed]
    target = g - sum(phi[:, k] * v for k, v in fixed.items())
    a = w[:, None] * phi[:, free]
    ones = np.ones((len(g), 1))
    a_ub = np.vstack([np.hstack([-a, -ones]), np.hstack([a, -ones])])
    b_ub = np.concatenate([-w * target, w * target])
    cost = np.zeros(len(free) + 1)
    cost[-1] = 1.0
    res = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=[(None, None)] * (len(free) + 1),
                  method="highs")
    if not res.success:
        raise RuntimeError(res.message)
    c = np.zeros(phi.shape[1])
    for k, v in fixed.items():
        c[k] = v
    c[free] = res.x[:-1]
    return c, res.x[-1]


def fit(g, weight, powers, lo, hi):
    """float32 coefficients c_k of sum c_k x^powers[k] ~ g on [lo, hi] (weighted minimax)
    and the error bound in units of 2^-24."""
    x = _grid(lo, hi)
    phi = np.stack([x ** p for p in powers], axis=1)
    w = weight(x) / _ULP              # scaled so that the solver works in ulps
    fixed = {}
    for k in range(len(powers)):
        c, _ = _solve(phi, g(x), w, fixed)
        fixed[k] = float(np.float32(c[k]))
    c = np.array([fixed[k] for k in range(len(powers))])
    err = np.max(np.abs(w * (g(x) - phi @ c)))
    return c, err


def exp_coefficients():
    """exp(r) = 1 + r + r^2 * Q(r), |r| <= ln2/2 (a little wider: n comes from a rounded product)."""
    h = math.log(2) / 2 * 1.001
    return fit(lambda r: (np.expm1(r) - r) / r ** 2, lambda r: r ** 2 / np.exp(r),
               range(5), -h, h)


def log_coefficients():
    """log(1 + f) = f + f^2 * L(f), f in [sqrt(1/2) - 1, sqrt(2) - 1]."""
    return fit(lambda f: (np.log1p(f) - f) / f ** 2, lambda f: f ** 2 / np.abs(np.log1p(f)),
               range(9), math.sqrt(0.5) - 1, math.sqrt(2) - 1)


def tanh_coefficients(small=0.625):
    """tanh(x) = x + x^3 * T(x^2), 0 < x <= small."""
    return fit(lambda x: (np.tanh(x) - x) / x ** 3, lambda x: x ** 3 / np.tanh(x),
               [2 * k for k in range(5)], 0.0, small)


def main():
    for name, (c, err) in [("_EXP_Q", exp_coefficients()), ("_L", log_coefficients()),
                           ("_T", tanh_coefficients())]:
        print(f"# {name}*: max error {err:.3g} x 2^-24 relative")
        for k, v in enumerate(c):
            print(f"{name}{k} = _F({float(np.float32(v))!r})")


if __name__ == "__main__":
    main()
