"""numtensor.ops.bit_math against PyTorch: shifts (functions, methods, operators),
arctan2, ldexp, nextafter, gcd, lcm, torch.hardshrink and torch.prelu."""
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch

import numtensor as nt
from nn_helpers import raises_like

INTS = ["uint8", "int8", "int16", "int32", "int64"]
FLOATS = ["float16", "float32", "float64"]
rng = np.random.default_rng(0)


def nt_(t):
    return nt.tensor(t.numpy())


def same(ours, theirs):
    assert str(ours.dtype) == str(theirs.dtype), (ours.dtype, theirs.dtype)
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def ints(dt, shape, lo=-100, hi=100):
    lo = max(lo, 0) if dt == "uint8" else lo
    return torch.from_numpy(rng.integers(lo, hi, shape)).to(getattr(torch, dt))


def floats(dt, shape):
    return torch.from_numpy(rng.standard_normal(shape)).to(getattr(torch, dt))


# ---- shifts -------------------------------------------------------------------------------
@pytest.mark.parametrize("dt", INTS)
@pytest.mark.parametrize("name", ["bitwise_left_shift", "bitwise_right_shift"])
def test_shifts_with_every_count_broadcast_and_strided(dt, name):
    bits = torch.iinfo(getattr(torch, dt)).bits
    a = ints(dt, (4, 6))
    b = ints(dt, (6, 1), -3, bits + 4).t()  # non-contiguous, broadcast against a
    same(getattr(nt, name)(nt_(a), nt_(b).t().contiguous().t()), getattr(torch, name)(a, b))
    same(getattr(nt_(a), name)(3), getattr(a, name)(3))
    same(getattr(nt, name)(5, nt_(b)), getattr(torch, name)(5, b))


def test_shift_operators_and_mixed_dtypes():
    a, b = ints("int16", (5,)), ints("int8", (5,), 0, 20)
    x, y = nt_(a), nt_(b)
    same(x << y, a << b)
    same(x >> y, a >> b)
    same(x << 2, a << 2)
    same(3 << x, 3 << a)
    same(-300 >> y, -300 >> b)
    same(nt.tensor([True, False]) << 1, torch.tensor([True, False]) << 1)
    same(nt.tensor([-5, -1]) >> nt.tensor([100, -2]), torch.tensor([-5, -1]) >> torch.tensor([100, -2]))
    big = torch.tensor([1, 3], dtype=torch.int64)
    same(nt_(big) << 63, big << 63)


def test_shifts_in_place_and_out():
    a, b = ints("int8", (3, 4)), ints("int64", (4,), 0, 9)
    x, t = nt_(a), a.clone()
    x <<= nt_(b)
    t <<= b
    same(x, t)
    x >>= 1
    t >>= 1
    same(x, t)
    same(nt_(a).bitwise_left_shift_(nt_(b)), a.clone().bitwise_left_shift_(b))
    same(nt_(a).bitwise_right_shift_(2), a.clone().bitwise_right_shift_(2))
    out, tout = nt.empty(3, 4, dtype=nt.int64), torch.empty(3, 4, dtype=torch.int64)
    r = nt.bitwise_left_shift(nt_(a), nt_(b), out=out)
    assert r is out
    same(out, torch.bitwise_left_shift(a, b, out=tout))


def test_shift_errors():
    f = torch.tensor([1.0, 2.0])
    raises_like(lambda: nt_(f) << 1, lambda: f << 1)
    raises_like(lambda: nt.bitwise_right_shift(nt_(f), 1), lambda: torch.bitwise_right_shift(f, 1))
    bools = torch.tensor([True])
    raises_like(lambda: nt_(bools) << nt_(bools), lambda: bools << bools)
    i = torch.tensor([1, 2])
    raises_like(lambda: nt_(i) << 1.5, lambda: i << 1.5)
    i8 = torch.tensor([1, 2], dtype=torch.int8)
    raises_like(lambda: nt_(i8).bitwise_left_shift_(1.5), lambda: i8.clone().bitwise_left_shift_(1.5))
    with pytest.raises(TypeError):
        nt.bitwise_left_shift(nt_(i), 1, foo=2)


def test_shift_operators_load_lazily_in_a_fresh_process():
    code = textwrap.dedent("""
        import numtensor as torch
        t = torch.tensor([1, 2])
        print((t << 1).tolist(), (t >> 1).tolist(), (4 << t).tolist(), (8 >> t).tolist())
        t <<= 2
        print(t.tolist())
        u = torch.tensor([8])
        u >>= 1
        print(u.tolist())
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:3] == ["[2, 4] [0, 1] [8, 16] [4, 2]", "[4, 8]", "[4]"]


# ---- arctan2 ----------------------------------------------------------------------------------
def test_arctan2_is_atan2():
    a, b = floats("float32", (3, 4)), floats("float64", (4,))
    same(nt.arctan2(nt_(a), nt_(b)), torch.arctan2(a, b))
    same(nt_(a).arctan2(nt_(b)), a.arctan2(b))
    x, t = nt_(a), a.clone()
    x.arctan2_(nt_(b.float()))
    t.arctan2_(b.float())
    np.testing.assert_allclose(x.numpy(), t.numpy(), rtol=1e-6)
    i = torch.tensor([1, 2])
    np.testing.assert_allclose(nt.arctan2(nt_(i), nt_(i + 1)).numpy(), torch.arctan2(i, i + 1).numpy(),
                               rtol=1e-6)
    raises_like(lambda: nt.arctan2(nt_(a), 1), lambda: torch.arctan2(a, 1))
    out = nt.empty(0)
    assert nt.arctan2(nt_(a), nt_(b.float()), out=out) is out


# ---- ldexp -----------------------------------------------------------------------------------
@pytest.mark.parametrize("da,db", [("float32", "int64"), ("int64", "int64"), ("float16", "int64"),
                                   ("float64", "int32"), ("float32", "float32"),
                                   ("int8", "float16"), ("float32", "int8")])
def test_ldexp_dtypes_and_values(da, db):
    a = floats(da, (3, 4)) if da in FLOATS else ints(da, (3, 4), -5, 5)
    b = floats(db, (4,)) * 3 if db in FLOATS else ints(db, (4,), -10, 10)
    ours, theirs = nt.ldexp(nt_(a), nt_(b)), torch.ldexp(a, b)
    assert str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_allclose(ours.numpy().astype(float), theirs.numpy().astype(float),
                               rtol=1e-3 if "float16" in (da, db) else 1e-6)


def test_ldexp_forms_errors_and_gradient():
    a, b = floats("float32", (2, 3)), ints("int64", (3,), -4, 4)
    same(nt_(a).ldexp(nt_(b)), a.ldexp(b))
    same(nt_(a.t()).ldexp(nt_(b[:2])), a.t().ldexp(b[:2]))
    same(nt_(a).ldexp_(nt_(b)), a.clone().ldexp_(b))
    same(nt.ldexp_(nt_(a), nt_(b)), torch.ldexp_(a.clone(), b))
    # (torch 2.13 trips an internal assert on a float64 out= for float32 operands)
    out = nt.empty(0)
    assert nt.ldexp(nt_(a), nt_(b), out=out) is out
    same(out, torch.ldexp(a, b, out=torch.empty(0)))
    raises_like(lambda: nt.ldexp(nt_(a), 2), lambda: torch.ldexp(a, 2))
    i = torch.tensor([1, 2])
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type Long"):
        nt_(i).ldexp_(nt_(i))
    x = nt.tensor(rng.standard_normal((2, 3)), requires_grad=True)
    y = nt.tensor(rng.standard_normal((3,)), requires_grad=True)
    assert nt.autograd.gradcheck(nt.ldexp, (x, y))
    assert nt.autograd.gradcheck(lambda x: nt.ldexp(x, nt.tensor([1, -2, 3])), (x,))


# ---- nextafter ----------------------------------------------------------------------------
@pytest.mark.parametrize("dt", FLOATS)
def test_nextafter_matches_torch_bit_for_bit(dt):
    special = [0.0, -0.0, 1.0, -1.0, float("inf"), float("-inf"), float("nan"), 1e-30, -2.5]
    values = torch.tensor(special, dtype=torch.float64)
    a, b = values.to(getattr(torch, dt)), values.to(getattr(torch, dt))
    grid_a, grid_b = a.reshape(-1, 1).expand(9, 9), b.reshape(1, -1).expand(9, 9)
    same(nt.nextafter(nt_(a).reshape(-1, 1), nt_(b).reshape(1, -1)), torch.nextafter(grid_a, grid_b))
    r = floats(dt, (5, 4))
    same(nt_(r).t().nextafter(nt_(r[0])[:, None]), r.t().nextafter(r[0][:, None]))


def test_nextafter_promotion_in_place_out_and_errors():
    a, b = floats("float32", (4,)), floats("float64", (4,))
    same(nt.nextafter(nt_(a), nt_(b)), torch.nextafter(a, b))
    same(nt.nextafter(nt_(a), nt.tensor([1, -1, 0, 2])), torch.nextafter(a, torch.tensor([1, -1, 0, 2])))
    same(nt_(a).nextafter_(nt_(b)), a.clone().nextafter_(b))
    out = nt.empty(4, dtype=nt.float64)
    assert nt.nextafter(nt_(a), nt_(b), out=out) is out
    same(out, torch.nextafter(a, b, out=torch.empty(4, dtype=torch.float64)))
    i = torch.tensor([1, 2])
    raises_like(lambda: nt.nextafter(nt_(i), nt_(i)), lambda: torch.nextafter(i, i))
    raises_like(lambda: nt.nextafter(nt_(a), 1.0), lambda: torch.nextafter(a, 1.0))


# ---- gcd and lcm -------------------------------------------------------------------------------
@pytest.mark.parametrize("dt", INTS)
@pytest.mark.parametrize("name", ["gcd", "lcm"])
def test_gcd_lcm_every_integer_dtype(dt, name):
    a, b = ints(dt, (3, 5)), ints(dt, (5, 3)).t()  # b non-contiguous
    a[0, :2] = 0
    b[0, 0] = 0
    same(getattr(nt, name)(nt_(a), nt_(b.contiguous()).t().contiguous().t()), getattr(torch, name)(a, b))
    same(getattr(nt_(a), name)(nt_(b[0])), getattr(a, name)(b[0]))


def test_gcd_lcm_edges_promotion_in_place_out_and_errors():
    a = torch.tensor([12, -18, 0, 0, 7, -2 ** 63])
    b = torch.tensor([18, 12, 5, 0, -3, 6])
    same(nt.gcd(nt_(a), nt_(b)), torch.gcd(a, b))
    same(nt.lcm(nt_(a[:5]), nt_(b[:5])), torch.lcm(a[:5], b[:5]))
    i8, i32 = torch.tensor([100, 4], dtype=torch.int8), torch.tensor([3, 6], dtype=torch.int32)
    same(nt.lcm(nt_(i8), nt_(i8 - 97)), torch.lcm(i8, i8 - 97))  # wraps as torch's int8 does
    same(nt.gcd(nt_(i8), nt_(i32)), torch.gcd(i8, i32))
    same(nt_(i8).gcd_(nt_(i32)), i8.clone().gcd_(i32))
    same(nt_(i8).lcm_(nt_(i32)), i8.clone().lcm_(i32))
    same(nt.gcd_(nt_(i32), nt_(i8)), torch.gcd_(i32.clone(), i8))
    same(nt.lcm_(nt_(i32), nt_(i8)), torch.lcm_(i32.clone(), i8))
    out = nt.empty(2, dtype=nt.int64)
    assert nt.gcd(nt_(i8), nt_(i32), out=out) is out
    same(out, torch.gcd(i8, i32, out=torch.empty(2, dtype=torch.int64)))
    f, bools = torch.tensor([1.0]), torch.tensor([True])
    for name in ("gcd", "lcm"):
        raises_like(lambda: getattr(nt, name)(nt_(f), nt_(f)), lambda: getattr(torch, name)(f, f))
        raises_like(lambda: getattr(nt, name)(nt_(bools), nt_(bools)),
                    lambda: getattr(torch, name)(bools, bools))
        raises_like(lambda: getattr(nt, name)(nt_(i8), 6), lambda: getattr(torch, name)(i8, 6))


# ---- hardshrink and prelu -------------------------------------------------------------------
def test_hardshrink_and_prelu_top_level_and_methods():
    a = floats("float32", (2, 3, 4))
    same(nt.hardshrink(nt_(a)), torch.hardshrink(a))
    same(nt.hardshrink(nt_(a), lambd=0.3), torch.hardshrink(a, lambd=0.3))
    same(nt_(a).hardshrink(0.8), a.hardshrink(0.8))
    w = torch.tensor([0.25, -0.5, 2.0])
    same(nt.prelu(nt_(a), nt_(w)), torch.prelu(a, w))
    same(nt_(a).prelu(nt.tensor([0.1])), a.prelu(torch.tensor([0.1])))
    i = torch.tensor([1, 2])
    raises_like(lambda: nt.hardshrink(nt_(i)), lambda: torch.hardshrink(i))
    raises_like(lambda: nt.prelu(nt_(a), nt.tensor([1.0, 2.0])), lambda: torch.prelu(a, torch.tensor([1.0, 2.0])))
    x = nt.tensor(rng.standard_normal((2, 3, 4)), requires_grad=True)
    wx = nt.tensor([0.25, -0.5, 2.0], dtype=nt.float64, requires_grad=True)
    assert nt.autograd.gradcheck(nt.prelu, (x, wx))
    assert nt.autograd.gradcheck(lambda t: nt.hardshrink(t, 0.3), (x,))


def test_tables_name_torch_functions_and_methods():
    from numtensor.ops import bit_math
    for name in bit_math.FUNCTIONS:
        assert hasattr(torch, name), name
    for name in bit_math.METHODS:
        assert hasattr(torch.Tensor, name), name
    assert nt.ldexp is bit_math.ldexp and nt.Tensor.gcd_ is bit_math.gcd_
