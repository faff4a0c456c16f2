"""Backend conformance: arange / linspace, the counter-based random draws, compute_dtype.

Part of the backend conformance suite (see backend_helpers.py): every test runs once per
backend present, and CI runs the suite again with NUMBA_ENABLE_CUDASIM=1 for the CUDA
backend under Numba's simulator.  Random draws are checked for what base.Backend
promises: element i of a draw depends only on (seed, counter + i) -- so the same values
on every device and thread count, and draws that overlap in counters agree -- plus
ranges, permutations and loose statistics (five standard errors).
"""
import numpy as np
import pytest

from backend_helpers import (ALL_DTYPES, BACKENDS, BOOL, F16, F32, F64, I8, I16, I32, I64, U8, dtype_id,
                             is_cpu, large, make_out, nt_dtype, place, require_compute_dtype,
                             same_bits)

SEED = 20240229


def _draw(backend, method, n, dtype, *args, counter=1000, seed=SEED):
    """n draws into a fresh contiguous operand at an offset; checks nothing else changed."""
    out = make_out(backend, (n,), dtype, "offset")
    getattr(backend, method)(out.op, n, seed, counter, *args)
    host = out.host()
    inside = np.zeros(len(host), bool)
    inside[out.offset:out.offset + n] = True
    assert same_bits(host[~inside], out.initial[~inside]), f"{method} wrote outside its {n} elements"
    return host[inside]


def _within(sample_mean, mean, std, n):
    return abs(sample_mean - mean) < 5 * std / np.sqrt(n)


def _check_stream(backend, method, dtype, *args):
    """Determinism, counter addressing and seed/counter sensitivity of one method.
    `step` counters per element (normal uses two)."""
    step = 2 if method == "random_normal" else 1
    a = _draw(backend, method, 64, dtype, *args)
    assert same_bits(a, _draw(backend, method, 64, dtype, *args)), "not deterministic"
    tail = _draw(backend, method, 61, dtype, *args, counter=1000 + 3 * step)
    assert same_bits(a[3:], tail), "element i must depend only on counter + i"
    assert not np.array_equal(a, _draw(backend, method, 64, dtype, *args, counter=1000 + 64 * step))
    assert not np.array_equal(a, _draw(backend, method, 64, dtype, *args, seed=SEED + 1))
    assert _draw(backend, method, 0, dtype, *args).size == 0
    return a


# ---- uniform, normal ---------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [F16, F32, F64], ids=dtype_id)
def test_random_uniform(backend, dtype):
    require_compute_dtype(backend, "random", dtype)
    _check_stream(backend, "random_uniform", dtype, -2.0, 3.0)
    n = 4000
    x = _draw(backend, "random_uniform", n, dtype, -2.0, 3.0).astype(F64)
    assert x.min() >= -2.0 and x.max() < 3.0
    assert _within(x.mean(), 0.5, 5 / np.sqrt(12), n)
    assert abs(x.std() - 5 / np.sqrt(12)) < 0.1
    assert len(np.unique(x)) > n * 0.99  # float32 and float64 draws do not collide


def test_random_uniform_float32_stays_below_high(backend):
    x = _draw(backend, "random_uniform", 3, F32, 1.0, 2.0, counter=1869152, seed=0)
    assert x.max() < 2.0, x


@pytest.mark.parametrize("dtype", [F32, F64], ids=dtype_id)
def test_random_normal(backend, dtype):
    require_compute_dtype(backend, "random", dtype)
    _check_stream(backend, "random_normal", dtype, 1.5, 2.0)
    n = 4000
    x = _draw(backend, "random_normal", n, dtype, 1.5, 2.0).astype(F64)
    assert np.all(np.isfinite(x))
    assert _within(x.mean(), 1.5, 2.0, n)
    assert abs(x.std() - 2.0) < 0.15
    assert abs(np.mean(np.abs(x - 1.5) < 2.0) - 0.6827) < 0.04  # one sigma


# ---- integers, bernoulli ---------------------------------------------------------------------------
INTEGER_CASES = [(I64, -5, 10), (I32, -1000, 2000), (I16, -7, 3), (I8, -128, 256), (U8, 3, 250),
                 (BOOL, 0, 2), (F32, -4, 9), (F64, 0, 2 ** 24 + 1)]


@pytest.mark.parametrize("dtype,low,span", INTEGER_CASES, ids=dtype_id)
def test_random_integers(backend, dtype, low, span):
    _check_stream(backend, "random_integers", dtype, low, span)
    n = 3000
    x = _draw(backend, "random_integers", n, dtype, low, span).astype(np.int64)
    assert x.min() >= low and x.max() < low + span
    if span <= 20:
        assert set(np.unique(x)) == set(range(low, low + span))  # every value comes up
    assert _within(x.mean(), low + (span - 1) / 2, span / np.sqrt(12), n)


@pytest.mark.parametrize("dtype", [F32, F64, BOOL], ids=dtype_id)
def test_random_bernoulli(backend, dtype):
    _check_stream(backend, "random_bernoulli", dtype, 0.5)
    n = 4000
    assert not np.any(_draw(backend, "random_bernoulli", n, dtype, 0.0))
    assert np.all(_draw(backend, "random_bernoulli", n, dtype, 1.0) == 1)
    x = _draw(backend, "random_bernoulli", n, dtype, 0.3).astype(F64)
    assert set(np.unique(x)) <= {0.0, 1.0}
    assert _within(x.mean(), 0.3, np.sqrt(0.21), n)
    # a probability per element, from a float64 operand
    p = np.tile([0.0, 1.0, 0.5, 0.0, 1.0], n // 5)
    po = place(backend, p, "offset")
    y = _draw(backend, "random_bernoulli", n, dtype, po.op).astype(F64)
    assert np.all(y[p == 0] == 0) and np.all(y[p == 1] == 1)
    assert _within(y[p == 0.5].mean(), 0.5, 0.5, n // 5)


# ---- randperm, multinomial ------------------------------------------------------------------------
def _randperm(backend, n, counter, seed=SEED):
    out = make_out(backend, (n,), I64, "offset")
    backend.randperm(out.op, n, seed, counter)
    host = out.host()
    assert same_bits(host[:out.offset], out.initial[:out.offset])
    assert same_bits(host[out.offset + n:], out.initial[out.offset + n:])
    return host[out.offset:out.offset + n]


def test_randperm(backend):
    for n in (0, 1, 2, 50):
        perm = _randperm(backend, n, 77)
        assert sorted(perm.tolist()) == list(range(n))
        assert same_bits(perm, _randperm(backend, n, 77))
    assert not np.array_equal(_randperm(backend, 50, 77), _randperm(backend, 50, 78))
    assert not np.array_equal(_randperm(backend, 50, 77), _randperm(backend, 50, 77, SEED + 1))
    # every position takes many values across draws: no element stays put
    draws = np.array([_randperm(backend, 8, c) for c in range(0, 400, 8)])
    assert all(len(set(draws[:, i])) >= 6 for i in range(8))


def _multinomial(backend, probs, nsamples, replacement, counter=5, seed=SEED):
    nrows, ncat = probs.shape
    po = place(backend, probs.reshape(-1), "offset")
    out = make_out(backend, (nrows, nsamples), I64, "offset")
    backend.multinomial(po.op, nrows, ncat, out.op, nsamples, replacement, seed, counter)
    return out.logical()


def test_multinomial(backend):
    probs = np.array([[0.1, 0.0, 0.4, 0.5, 0.0],
                      [1.0, 1.0, 1.0, 1.0, 0.0],    # unnormalised weights
                      [0.0, 0.0, 0.0, 3.0, 0.0]])
    n = 3000
    x = _multinomial(backend, probs, n, True)
    assert np.array_equal(x, _multinomial(backend, probs, n, True))
    assert not np.array_equal(x, _multinomial(backend, probs, n, True, counter=6))
    for r in range(3):
        p = probs[r] / probs[r].sum()
        counts = np.bincount(x[r], minlength=5)
        assert np.all(counts[p == 0] == 0), (r, counts)
        assert np.all(np.abs(counts - n * p) <= 5 * np.sqrt(n * p * (1 - p)) + 1), (r, counts)
    # without replacement: distinct categories, never a zero-weight one
    y = _multinomial(backend, probs[:2], 3, False)
    for r in range(2):
        assert len(set(y[r])) == 3 and np.all(probs[r][y[r]] > 0)
    z = _multinomial(backend, probs[1:2], 4, False)
    assert sorted(z[0].tolist()) == [0, 1, 2, 3]


def test_random_draws_above_the_grain_match_small_draws(backend):
    """Thread count does not matter: a large draw is the same stream as small ones."""
    n = 2 * large(backend) + 11
    for method, dtype, args, step in [("random_uniform", F32, (0.0, 1.0), 1),
                                      ("random_normal", F64, (0.0, 1.0), 2),
                                      ("random_integers", I64, (-3, 100), 1),
                                      ("random_bernoulli", BOOL, (0.25,), 1)]:
        big = _draw(backend, method, n, dtype, *args)
        for k in (0, 40000, n - 10):
            small = _draw(backend, method, 10, dtype, *args, counter=1000 + k * step)
            assert same_bits(big[k:k + 10], small), (method, k)


@pytest.mark.skipif(len(BACKENDS) < 2, reason="only the CPU backend is present")
def test_random_streams_are_the_cpu_streams(backend):
    """base.Backend: 'the same values on every device and thread count'."""
    if is_cpu(backend):
        pytest.skip("the CPU backend is the reference")
    from numtensor._backends.cpu import cpu_backend
    for method, dtype, args in [("random_uniform", F32, (-1.0, 1.0)),
                                ("random_uniform", F64, (0.0, 1.0)),
                                ("random_integers", I64, (-3, 100)),
                                ("random_bernoulli", F32, (0.25,))]:
        assert same_bits(_draw(backend, method, 50, dtype, *args),
                         _draw(cpu_backend, method, 50, dtype, *args)), method
    np.testing.assert_allclose(_draw(backend, "random_normal", 50, F64, 0.0, 1.0),
                               _draw(cpu_backend, "random_normal", 50, F64, 0.0, 1.0), rtol=1e-12)
    assert np.array_equal(_randperm(backend, 30, 9), _randperm(cpu_backend, 30, 9))
    probs = np.array([[0.2, 0.3, 0.5]])
    assert np.array_equal(_multinomial(backend, probs, 20, True),
                          _multinomial(cpu_backend, probs, 20, True))


# ---- arange, linspace --------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype,start,step", [(I64, -3, 2), (I64, 10, -7), (F64, 0.5, 0.1),
                                              (F64, 1e16, -3.3)], ids=dtype_id)
def test_arange(backend, dtype, start, step):
    for n in (0, 1, 13):
        out = make_out(backend, (n,), dtype, "offset")
        backend.arange(out.op, n, start, step)
        expected = np.asarray(start, dtype) + np.arange(n, dtype=dtype) * np.asarray(step, dtype)
        host = out.host()
        assert same_bits(host[out.offset:out.offset + n], expected)
        assert same_bits(host[out.offset + n:], out.initial[out.offset + n:])


def test_arange_above_the_grain(backend):
    n = large(backend) * 2
    out = make_out(backend, (n,), F64)
    backend.arange(out.op, n, -1.25, 0.001)
    assert same_bits(out.logical(), -1.25 + np.arange(n, dtype=F64) * 0.001)


@pytest.mark.parametrize("start,end,n", [(0.0, 1.0, 5), (-3.3, 7.1, 11), (1e10, 1e10 + 1, 4),
                                         (5.0, -5.0, 2), (0.1, 0.7, 1000), (-1.0, 1.0, 70001)])
def test_linspace_hits_both_ends_exactly(backend, start, end, n):
    if n > 1000:
        large(backend)
    step = (end - start) / (n - 1)
    out = make_out(backend, (n,), F64, "offset")
    backend.linspace(out.op, n, start, end, step)
    got = out.logical()
    assert got[0] == start and got[-1] == end
    np.testing.assert_allclose(got, np.linspace(start, end, n), rtol=1e-15, atol=4e-16 * abs(end - start))
    half = n // 2
    # the first half counts up from start, the second down from end: each within an
    # ulp of its operands (whether or not the product and sum are fused)
    up = np.arange(half) * step
    down = np.arange(n - half)[::-1] * step
    np.testing.assert_allclose(got[:half], start + up, rtol=0,
                               atol=2 ** -52 * (abs(start) + np.abs(up)).max() + 1e-300)
    np.testing.assert_allclose(got[half:], end - down, rtol=0,
                               atol=2 ** -52 * (abs(end) + np.abs(down)).max() + 1e-300)
    host = out.host()
    assert same_bits(host[out.offset + n:], out.initial[out.offset + n:])


# ---- compute_dtype -------------------------------------------------------------------------------------
PRIMITIVES = ("matmul", "reduce", "scan", "arg_reduce", "linalg", "random", "sequence")


@pytest.mark.parametrize("primitive", PRIMITIVES)
def test_compute_dtype(backend, primitive):
    """float16 may be computed in float32 (the CPU backend always does: Numba has no
    float16 arithmetic); every other dtype is computed as itself."""
    half = backend.compute_dtype(primitive, nt_dtype(F16))
    assert half in (nt_dtype(F16), nt_dtype(F32))
    if is_cpu(backend):
        assert half is nt_dtype(F32)
    for dt in ALL_DTYPES:
        if dt != F16:
            assert backend.compute_dtype(primitive, nt_dtype(dt)) is nt_dtype(dt), dt
