"""Element-wise ops against real torch: dtypes, broadcasting, views, in-place forms."""
import numpy as np
import pytest

import numtensor as nt
from core_helpers import check, check_raises, rand_array

import torch  # noqa: E402  (required: CI fails without the oracle)

# the full op x dtype matrix runs on a representative set (CI compiles kernels from a
# cold cache); float64 and int32 get their own, smaller tests below
DTYPES = ["float32", "int64", "uint8", "bool"]
FLOATS = ["float32", "float64"]

# operand layouts: each turns a base array into the operand a test uses
LAYOUTS = {
    "contiguous": lambda lib, t: t,
    "permuted": lambda lib, t: t.permute(2, 0, 1),
    "stepped": lambda lib, t: t[:, ::2, 1:],
    "expanded": lambda lib, t: t[:, :1, :].expand(-1, 3, -1),
    "transposed": lambda lib, t: t.transpose(0, 2),
}
BASE_SHAPES = {"contiguous": (2, 3, 4), "permuted": (3, 4, 2), "stepped": (2, 6, 5),
               "expanded": (2, 1, 4), "transposed": (4, 3, 2)}


def arrays(seed, dtype, *shapes, nonzero=False):
    rng = np.random.default_rng(seed)
    out = []
    for shape in shapes:
        a = rand_array(rng, shape, dtype)
        if nonzero and a.dtype != np.bool_:
            a[a == 0] = 1
        out.append(a)
    return out


# ---- binary arithmetic -------------------------------------------------------------
BINARY = {
    "add": lambda lib, a, b: a + b,
    "sub": lambda lib, a, b: a - b,
    "mul": lambda lib, a, b: a * b,
    "truediv": lambda lib, a, b: a / b,
    "floordiv": lambda lib, a, b: a // b,
    "mod": lambda lib, a, b: a % b,
    "pow": lambda lib, a, b: a.abs() ** b if a.dtype.is_floating_point else a ** b.abs(),
    "eq": lambda lib, a, b: a == b,
    "ne": lambda lib, a, b: a != b,
    "lt": lambda lib, a, b: a < b,
    "le": lambda lib, a, b: a <= b,
    "gt": lambda lib, a, b: a > b,
    "ge": lambda lib, a, b: a >= b,
    "maximum": lambda lib, a, b: lib.maximum(a, b),
    "minimum": lambda lib, a, b: lib.minimum(a, b),
    "add_fn_alpha": lambda lib, a, b: lib.add(a, b, alpha=2),
    "sub_method": lambda lib, a, b: a.sub(b),
    "mul_fn": lambda lib, a, b: lib.mul(a, b),
    "div_fn": lambda lib, a, b: lib.div(a, b),
    "div_method": lambda lib, a, b: a.div(b),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", list(BINARY))
def test_binary_ops_match_torch(op, dtype):
    fn = BINARY[op]
    if dtype == "bool" and op in ("sub", "pow", "floordiv", "mod"):
        a, b = arrays(1, dtype, (3, 4), (3, 4))
        check(fn, a, b)  # torch refuses: same exception type
        return
    nonzero = op in ("floordiv", "mod", "truediv", "div_fn", "div_method")
    a, b = arrays(hash(op) % 1000, dtype, (3, 4), (3, 4), nonzero=nonzero)
    if op == "pow" and dtype not in FLOATS:
        b = b % 3 if dtype != "bool" else b
    check(fn, a, b)


@pytest.mark.parametrize("layout_a", list(LAYOUTS))
@pytest.mark.parametrize("layout_b", ["contiguous", "stepped", "expanded"])
@pytest.mark.parametrize("dtype", ["float32", "int64"])
def test_binary_on_views(layout_a, layout_b, dtype):
    a, b = arrays(7, dtype, BASE_SHAPES[layout_a], BASE_SHAPES[layout_b], nonzero=True)
    fa, fb = LAYOUTS[layout_a], LAYOUTS[layout_b]
    # every layout is a (2, 3, 4) view: the kernels walk two different stride patterns
    for op in ("add", "mul", "sub", "floordiv", "lt"):
        check(lambda lib, x, y: BINARY[op](lib, fa(lib, x), fb(lib, y)), a, b)
        check(lambda lib, x, y: BINARY[op](lib, fa(lib, x)[:, 1:], fb(lib, y)[:1, :, ::2]), a, b)
    check(lambda lib, x, y: BINARY["mul"](lib, fa(lib, x), 2) + 1, a, b, strides=True)


@pytest.mark.parametrize("shapes", [
    ((3, 4), (4,)), ((3, 1), (1, 4)), ((2, 1, 4), (3, 1)), ((), (3,)), ((3,), ()), ((), ()),
    ((1,), (5, 1)), ((2, 3, 4), (2, 1, 1)), ((0, 3), (3,)), ((4, 1), (4, 0)),
])
@pytest.mark.parametrize("dtype", ["float32", "int64"])
def test_broadcasting(shapes, dtype):
    a, b = arrays(3, dtype, *shapes, nonzero=True)
    for op in ("add", "sub", "mul", "truediv", "floordiv", "mod", "maximum", "ge"):
        check(BINARY[op], a, b)
        check(lambda lib, x, y: BINARY[op](lib, y, x), a, b)


def test_random_shapes_against_torch():
    rng = np.random.default_rng(0)
    for trial in range(25):
        nd = int(rng.integers(0, 4))
        shape = tuple(int(s) for s in rng.integers(1, 5, nd))
        other = tuple(s if rng.random() < 0.6 else 1 for s in shape)[int(rng.integers(0, nd + 1)):]
        dtype = ["float32", "float64", "int64"][trial % 3]
        a, b = rand_array(rng, shape, dtype), rand_array(rng, other, dtype)
        b[b == 0] = 2
        for op in ("add", "mul", "truediv", "mod", "gt", "maximum"):
            check(BINARY[op], a, b)
            check(BINARY[op], b, a)


def test_broadcast_error_text():
    check_raises(lambda lib: lib.zeros(2, 2) + lib.zeros(2, 3),
                 match="The size of tensor a (2) must match the size of tensor b (3) at "
                       "non-singleton dimension 1")
    check_raises(lambda lib: lib.zeros(4) * lib.zeros(3, 2),
                 match="The size of tensor a (4) must match the size of tensor b (2) at "
                       "non-singleton dimension 1")


# ---- scalars ----------------------------------------------------------------------
SCALARS = [2, -3, 0.5, True, 2.0]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("scalar", SCALARS, ids=repr)
def test_scalar_operands_and_reflected(dtype, scalar):
    a, = arrays(5, dtype, (2, 3), nonzero=True)
    ops = [lambda lib, t: t + scalar, lambda lib, t: scalar + t, lambda lib, t: t * scalar,
           lambda lib, t: scalar * t, lambda lib, t: t / scalar, lambda lib, t: scalar / t,
           lambda lib, t: t - scalar, lambda lib, t: scalar - t, lambda lib, t: t > scalar,
           lambda lib, t: scalar == t, lambda lib, t: t // scalar, lambda lib, t: scalar // t,
           lambda lib, t: t % scalar, lambda lib, t: scalar % t]
    if dtype in FLOATS:
        ops += [lambda lib, t: t.abs() ** scalar, lambda lib, t: abs(scalar) ** t]
    for fn in ops:
        check(fn, a)


@pytest.mark.parametrize("dtype", ["float64", "int32"])
def test_other_dtypes(dtype):
    a, b = arrays(29, dtype, (3, 4), (4,), nonzero=True)
    for op in ("add", "sub", "mul", "truediv", "floordiv", "lt", "maximum"):
        check(BINARY[op], a, b)
    for op in ("neg", "abs", "exp", "sqrt", "sigmoid", "relu", "clamp"):
        check(UNARY[op], a)
    check(lambda lib, t: t * 2 + 1, a)
    check(lambda lib, t: 1.5 / t, a)
    check(lambda lib, x, y: x.add_(y), a, b)


def test_uint8_wraps():
    check(lambda lib, t: t + 10, np.array([250, 5], np.uint8))
    check(lambda lib, t: t - 10, np.array([5, 250], np.uint8))
    check(lambda lib, t: t * 2, np.array([200, 3], np.uint8))


def test_integer_division_rules():
    a, b = np.array([7, -7, 7, -7]), np.array([2, 2, -2, -2])
    check(lambda lib, x, y: x // y, a, b)
    check(lambda lib, x, y: x % y, a, b)
    check(lambda lib, x, y: x / y, a, b)
    check(lambda lib, x, y: lib.div(x, y, rounding_mode="floor"), a, b)
    check(lambda lib, x, y: lib.div(x, y, rounding_mode="trunc"), a, b)
    check(lambda lib, x, y: x.float() % y, a, b)
    check(lambda lib, x, y: x.float() // y, a, b)
    check(lambda lib, x: x // 0, a)
    check(lambda lib, x: x.float() / 0, a)
    check(lambda lib, x: x ** 2, a)
    check_raises(lambda lib: lib.tensor([2, 3]) ** -1)


def test_string_operand_is_a_type_error():
    for fn in (lambda lib: lib.zeros(2) + "a", lambda lib: "a" * lib.zeros(2),
               lambda lib: lib.zeros(2) < "a", lambda lib: lib.add(lib.zeros(2), "a"),
               lambda lib: lib.zeros(2) + [1, 2]):
        check_raises(fn)


def test_add_alpha():
    a, b = arrays(9, "float32", (3,), (3,))
    check(lambda lib, x, y: lib.add(x, y, alpha=0.5), a, b)
    check(lambda lib, x, y: x.add(y, alpha=-2), a, b)
    check(lambda lib, x, y: lib.sub(x, y, alpha=3), a, b)
    check(lambda lib, x, y: x.sub(2, alpha=3), a, b)
    i, j = arrays(9, "int64", (3,), (3,))
    check(lambda lib, x, y: lib.add(x, y, alpha=3), i, j)
    check_raises(lambda lib: lib.add(lib.tensor([1]), lib.tensor([2]), alpha=0.5))


# ---- unary ------------------------------------------------------------------------
UNARY = {
    "neg": lambda lib, t: -t, "neg_fn": lambda lib, t: lib.neg(t),
    "abs": lambda lib, t: t.abs(), "abs_builtin": lambda lib, t: abs(t),
    "exp": lambda lib, t: t.exp(), "log": lambda lib, t: lib.log(t.abs() + 1),
    "sqrt": lambda lib, t: t.abs().sqrt(), "sin": lambda lib, t: lib.sin(t),
    "cos": lambda lib, t: t.cos(), "tanh": lambda lib, t: lib.tanh(t),
    "sigmoid": lambda lib, t: t.sigmoid(), "sigmoid_fn": lambda lib, t: lib.sigmoid(t),
    "relu": lambda lib, t: lib.relu(t), "relu_method": lambda lib, t: t.relu(),
    "clamp": lambda lib, t: t.clamp(-1, 2), "clamp_min": lambda lib, t: t.clamp(min=0),
    "clamp_max": lambda lib, t: lib.clamp(t, max=1), "clip": lambda lib, t: t.clip(0, 1),
    "pow_fn": lambda lib, t: lib.pow(t, 2), "pow_method": lambda lib, t: t.pow(3),
    "sign": lambda lib, t: t.sign(), "square": lambda lib, t: t.square(),
    "floor": lambda lib, t: t.floor(), "ceil": lambda lib, t: t.ceil(),
    "round": lambda lib, t: t.round(), "trunc": lambda lib, t: t.trunc(),
    "not": lambda lib, t: ~(t > 0), "log_neg": lambda lib, t: t.log(),
    "sqrt_neg": lambda lib, t: t.sqrt(),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", list(UNARY))
def test_unary_ops(op, dtype):
    a, = arrays(11, dtype, (3, 5))
    if dtype in FLOATS:
        a[0, :3] = [0.5, -0.5, 1.5]  # ties for round
    check(UNARY[op], a)


@pytest.mark.parametrize("op", ["exp", "sigmoid", "relu", "abs", "neg", "clamp", "tanh", "sqrt"])
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_unary_on_views_keeps_layout(op, layout):
    a, = arrays(13, "float32", BASE_SHAPES[layout])
    check(lambda lib, t: UNARY[op](lib, LAYOUTS[layout](lib, t)), a, strides=True)


def test_unary_0d():
    for op in UNARY:
        check(UNARY[op], np.array(0.7, np.float32))
        check(UNARY[op], np.array(-2, np.int64))


def test_clamp_with_tensors_and_errors():
    a, lo, hi = arrays(15, "float32", (3, 4), (4,), (3, 1))
    check(lambda lib, x, l, h: lib.clamp(x, l, h), a, lo, hi + 3)
    check(lambda lib, x, l, h: x.clamp(min=l), a, lo, hi)
    check_raises(lambda lib: lib.zeros(2).clamp())
    check(lambda lib, x: x.clamp(0.5, 1.5), np.array([0, 1, 2]))  # int + float bounds -> float


def test_where():
    c, x, y = arrays(17, "float32", (3, 4), (3, 4), (4,))
    check(lambda lib, c, x, y: lib.where(c > 0, x, y), c, x, y)
    check(lambda lib, c, x, y: lib.where(c > 0, x, 0.0), c, x, y)
    check(lambda lib, c, x, y: lib.where(c > 0, 1, y), c, x, y)
    check(lambda lib, c, x, y: lib.where(c > 0, x.long(), y.double()), c, x, y)
    check(lambda lib, c, x, y: x.where(c > 0, y), c, x, y)
    check_raises(lambda lib: lib.where(lib.ones(2), lib.ones(2), lib.zeros(2)))


def test_comparison_results_are_bool():
    a, b = arrays(19, "int64", (4,), (4,))
    for op in ("eq", "ne", "lt", "le", "gt", "ge"):
        r = BINARY[op](nt, nt.from_numpy(a), nt.from_numpy(b))
        assert r.dtype is nt.bool
    check(lambda lib, x: x == 2.5, a.astype(np.float32))
    check(lambda lib, x, y: lib.eq(x, y), a, b)
    check(lambda lib, x, y: x.gt(y), a, b)
    check(lambda lib, x, y: (x > 0) & (y > 0), a, b)
    check(lambda lib, x, y: (x > 0) | (y > 0), a, b)
    check(lambda lib, x, y: (x > 0) ^ (y > 0), a, b)
    check(lambda lib, x, y: x & y, a, b)


# ---- in-place ----------------------------------------------------------------------
INPLACE = {
    "add_": lambda lib, t, o: t.add_(o), "sub_": lambda lib, t, o: t.sub_(o),
    "mul_": lambda lib, t, o: t.mul_(o), "div_": lambda lib, t, o: t.div_(o),
    "add_alpha": lambda lib, t, o: t.add_(o, alpha=2),
    "copy_": lambda lib, t, o: t.copy_(o), "clamp_": lambda lib, t, o: t.clamp_(-0.5, 0.5),
    "fill_": lambda lib, t, o: t.fill_(1.5), "fill_tensor": lambda lib, t, o: t.fill_(o[0, 0]),
    "zero_": lambda lib, t, o: t.zero_(),
}


@pytest.mark.parametrize("op", list(INPLACE))
@pytest.mark.parametrize("layout", ["contiguous", "permuted", "stepped"])
def test_inplace_returns_self_and_writes_through(op, layout):
    a, = arrays(21, "float32", BASE_SHAPES[layout])
    outs = {}
    for lib in (nt, torch):
        base = lib.from_numpy(a.copy())
        t = LAYOUTS[layout](lib, base)
        o = lib.from_numpy(np.ascontiguousarray(a.copy()[..., :1]).reshape(-1)[:1].reshape(1, 1) + 1)
        ptr = t.data_ptr()
        r = INPLACE[op](lib, t, o)
        assert r is t and t.data_ptr() == ptr
        outs[lib] = base.numpy()
    np.testing.assert_allclose(outs[nt], outs[torch], rtol=1e-6)


def test_augmented_assignment_keeps_identity_and_storage():
    for op in ("+=", "-=", "*=", "/="):
        results = []
        for lib in (nt, torch):
            x = lib.arange(6.).view(2, 3)
            y = lib.tensor([1., 2., 4.])
            x0, ptr = x, x.data_ptr()
            view = x[1]
            exec(f"x {op} y", {}, {"x": x, "y": y})
            loc = {"x": x, "y": y}
            exec(f"x {op} y", {}, loc)
            assert loc["x"] is x0 and loc["x"].data_ptr() == ptr
            results.append((x.numpy().copy(), view.numpy().copy()))
        np.testing.assert_allclose(results[0][0], results[1][0])
        np.testing.assert_allclose(results[0][1], results[1][1])


def test_slice_assignment_from_expression():
    def fn(lib, x, y):
        z = lib.zeros(3, 4)
        ptr = z.data_ptr()
        z[:] = x * y + 1
        assert z.data_ptr() == ptr
        z[1:, ::2] = x[1:, ::2] - 5
        return z
    a, b = arrays(23, "float32", (3, 4), (4,))
    check(fn, a, b)


def test_inplace_dtype_rules():
    # a float result cannot be written into an int tensor
    check_raises(lambda lib: lib.tensor([1, 2]).add_(0.5),
                 match="result type Float can't be cast to the desired output type Long")
    check_raises(lambda lib: lib.tensor([1, 2]).div_(2))
    check_raises(lambda lib: lib.tensor([1, 2]).mul_(lib.tensor([1.5, 2.0])))

    def iadd(lib):
        x = lib.tensor([1, 2])
        x += 1.5
        return x
    check_raises(iadd)
    # an int result into a float tensor is fine; into uint8 it wraps
    check(lambda lib, t: t.add_(lib.tensor([1, 2])), np.array([0.5, 0.5], np.float32))
    check(lambda lib, t: t.mul_(100), np.array([3, 4], np.uint8))
    # a broadcast that would grow self is an error
    check_raises(lambda lib: lib.zeros(3).add_(lib.ones(2, 3)))
    check(lambda lib, t: t.add_(lib.ones(3)), np.zeros((2, 3), np.float32))
    check_raises(lambda lib: lib.zeros(3).add_("a"))


def test_copy_casts_and_broadcasts():
    check(lambda lib, t: lib.zeros(2, 3, dtype=lib.int64).copy_(t), np.array([1.7, -1.7, 2.2], np.float32))
    check(lambda lib, t: lib.zeros(3, 2).t().copy_(t), np.arange(3.))
    check(lambda lib, t: lib.zeros(2, dtype=lib.bool).copy_(t), np.array([0.0, 3.0]))
    check_raises(lambda lib: lib.zeros(2).copy_(lib.zeros(3)))


def test_overlapping_copy_uses_the_old_values():
    check(lambda lib, t: (t[1:].copy_(t[:-1]), t)[1], np.arange(6.))
    check(lambda lib, t: (t.copy_(t.t()), t)[1], np.arange(9.).reshape(3, 3))


@pytest.mark.parametrize("n", [7, 140000])  # below and above the parallel grain
@pytest.mark.parametrize("dtype", ["float32", "float16", "int64"])
def test_unary_ops_of_one_broadcast_element(n, dtype):
    # an expanded single element (mean's backward divides one) runs a flat kernel that
    # reads the element once: results must equal PyTorch's on every position
    value = {"float32": 2.5, "float16": -1.25, "int64": 7}[dtype]
    ours = nt.tensor([value], dtype=getattr(nt, dtype)).expand(n)
    theirs = torch.tensor([value], dtype=getattr(torch, dtype)).expand(n)
    for fn in (lambda x: x / 3, lambda x: -x, lambda x: x.abs(), lambda x: x.double(),
               lambda x: x * 2):
        r, q = fn(ours), fn(theirs)
        assert str(r.dtype) == str(q.dtype) and tuple(r.shape) == tuple(q.shape)
        np.testing.assert_array_equal(r.numpy(), q.numpy())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_pow_by_small_exponents_gives_pytorchs_bits(dtype):
    """x ** 2, 3, -2, -0.5 and -1 as PyTorch's CPU kernels compute them (products,
    rsqrt, reciprocal: exactly, not through pow), and their gradients grouped as PyTorch
    groups them, grad * (n * x ** (n - 1)): the same bits.  (The gradients of -2 and
    -0.5 need x ** -3 and x ** -1.5, a general pow, which PyTorch computes with SLEEF in
    its vector lanes: those are compared by value only.)"""
    rng = np.random.default_rng(5)
    a = (rng.uniform(0.1, 3.0, 2000) * rng.choice([-1, 1], 2000)).astype(dtype)
    for e in (2, 3, -2, -0.5, -1, 2.0, 3.0):
        base = np.abs(a) if e == -0.5 else a
        got, want = [], []
        for lib, out in ((nt, got), (torch, want)):
            x = lib.tensor(base, requires_grad=True)
            y = x ** e
            (y * lib.tensor(base[::-1].copy())).sum().backward()
            out += [y.detach().numpy(), x.grad.numpy()]
        assert np.array_equal(got[0], want[0]), (e, np.flatnonzero(got[0] != want[0])[:5])
        if e in (-2, -0.5):
            np.testing.assert_allclose(got[1], want[1], rtol=4 * np.finfo(dtype).eps)
        else:
            assert np.array_equal(got[1], want[1]), (e, np.flatnonzero(got[1] != want[1])[:5])


def test_dense_inplace_ops_take_the_short_path_and_keep_pytorchs_rules():
    """add_/sub_/mul_/div_ on dense tensors of one dtype write straight into self; every
    other case keeps PyTorch's checks and errors (each case against PyTorch)."""
    def update(lib):
        p = lib.nn.Parameter(lib.ones(3, 2))
        with lib.no_grad():
            p.add_(lib.full((3, 2), 0.5), alpha=-0.1)
            p.mul_(2.0)
            p.sub_(p, alpha=0.5)
            p.div_(4)
            v = p._version
        return p.detach(), v
    check(lambda lib: update(lib)[0])
    assert update(nt)[1] == update(torch)[1]
    for f in (lambda lib: lib.arange(6.).reshape(2, 3).t().add_(lib.ones(3, 2)),
              lambda lib: lib.arange(6.).reshape(2, 3).mul_(lib.ones(3)),
              lambda lib: (lambda a: a.add_(a))(lib.arange(6.)),
              lambda lib: lib.arange(6).add_(lib.arange(6), alpha=2),
              lambda lib: lib.arange(6.).half().mul_(lib.arange(6.).half()),
              lambda lib: lib.tensor(3.0).add_(lib.tensor(2.0)),
              lambda lib: lib.ones(0).add_(lib.ones(0))):
        check(f)
    for f in (lambda lib: (lambda a: a[1:].add_(a[:-1]))(lib.arange(6.)),
              lambda lib: lib.ones(1, 3).expand(2, 3).add_(lib.ones(2, 3)),
              lambda lib: lib.ones(3, requires_grad=True).add_(1.0),
              lambda lib: lib.arange(6).div_(2),
              lambda lib: lib.arange(6).add_(1.5),
              lambda lib: lib.arange(6).add_(lib.arange(6), alpha=0.5),
              lambda lib: lib.ones(3, dtype=lib.bool).sub_(lib.ones(3, dtype=lib.bool)),
              lambda lib: lib.ones(3).add_(lib.ones(3, dtype=lib.float64)).add_("a")):
        check_raises(f)


def test_inplace_ops_with_a_row_repeated_over_the_leading_dims():
    """self op= other where other has the shape of self's last dims (a bias added to a
    product) writes straight into self: every op, dtypes, a self at an offset, rows of
    one element and of several dims, empty rows, the parallel twin; other aliasing self, broadcast
    along a middle dim, or a non-contiguous row take the checked path."""
    rng = np.random.default_rng(4)
    base = rng.standard_normal((6, 40, 50))
    row = rng.standard_normal(50) + 3
    plane = rng.standard_normal((40, 50)) + 3
    for dtype in ("float32", "float64", "float16", "int64"):
        for op in ("add_", "sub_", "mul_", "div_"):
            if op == "div_" and dtype == "int64":
                continue
            for other, sl in ((row, np.s_[1:]), (plane, np.s_[:]), (row[:1], np.s_[2, :, :1])):
                check(lambda lib: getattr(lib.tensor(base, dtype=getattr(lib, dtype))[sl],
                                          op)(lib.tensor(other, dtype=getattr(lib, dtype))))
    big = rng.standard_normal((700, 300))
    check(lambda lib: lib.tensor(big).add_(lib.tensor(row[:1].repeat(300))))  # parallel
    check(lambda lib: (lambda a: a.add_(a[0]))(lib.tensor(base[0])))          # aliases self
    check(lambda lib: lib.tensor(base).add_(lib.tensor(plane[:1, None, :1])))  # middle dim
    check(lambda lib: lib.tensor(base).mul_(lib.tensor(plane).t().t()[:, ::1]))
    check(lambda lib: lib.tensor(base[0]).mul_(lib.tensor(plane[0, ::2].repeat(2))[::2]))
    check(lambda lib: lib.zeros((3, 2, 0)).mul_(lib.zeros((2, 0))))             # empty rows
    check(lambda lib: lib.zeros((4, 0), dtype=lib.float64).div_(lib.zeros(0, dtype=lib.float64)))


def test_float16_with_a_python_number_rounds_it_as_torch_does():
    """PyTorch rounds a Python number operand of a float16 op to float16 first (its
    wrapped number), but mul, div and floor division read the number in float32:
    0.96 * 4.12 is rounded once, not computed as 0.96 * 4.121 (4.12 in float16)."""
    x = np.concatenate([np.float16([0.9599609375, 4.2890625, -0.75]),
                        (np.random.default_rng(3).standard_normal(3000) * 3).astype(np.float16)])
    ops = [lambda a, s: a * s, lambda a, s: s * a, lambda a, s: a / s, lambda a, s: s / a,
           lambda a, s: a // s, lambda a, s: a + s, lambda a, s: a - s, lambda a, s: a % s,
           lambda a, s: a.clone().mul_(s), lambda a, s: a.clone().div_(s),
           lambda a, s: a.abs() ** s]
    for s in (4.12, 0.1, 3.3333):
        for i, op in enumerate(ops):
            ours = op(nt.tensor(x), s).numpy()
            theirs = op(torch.tensor(x), s).numpy()
            np.testing.assert_array_equal(ours, theirs, err_msg=f"op {i}, number {s}")


def test_repeated_geometries_take_their_planned_layout_and_give_pytorchs_results():
    """Element-wise ops off the dense fast path (broadcast, strided, transposed operands,
    numbers) keep each geometry's broadcasting and planning for its next call: the
    second and third calls, on new values, give PyTorch's values, shape and strides."""
    from numtensor.ops import dispatch
    rng = np.random.default_rng(21)
    cases = [
        (lambda m, a, b: a + b, [(1, 100), (100,)]),
        (lambda m, a, b: a * b, [(4, 1, 5), (3, 1)]),
        (lambda m, a, b: a - b, [(6, 5), (6, 5)], "t"),        # transposed: kept layout
        (lambda m, a, b: m.maximum(a, b), [(7, 8), (8,)], "t"),
        (lambda m, a, b: a[::2] / b, [(10, 3), (3,)]),          # strided
        (lambda m, a: a[:, ::3] * 2, [(4, 9)]),                 # strided and a number
        (lambda m, a: a.t() + 1.5, [(5, 6)]),
        (lambda m, a: m.exp(a[::2]), [(12,)]),
        (lambda m, a: a.t() > 0.5, [(3, 4)]),                   # bool output
    ]
    for case in cases:
        fn, shapes = case[0], case[1]
        transposed = len(case) > 2
        for call in range(3):
            arrays = [rng.standard_normal(s).astype(np.float32) for s in shapes]
            if transposed:
                arrays = [np.ascontiguousarray(x.T).T if x.ndim == 2 else x for x in arrays]
            ours = fn(nt, *[nt.from_numpy(x.copy()) if not transposed else
                            nt.from_numpy(np.ascontiguousarray(x.T)).t() if x.ndim == 2 else
                            nt.from_numpy(x.copy()) for x in arrays])
            theirs = fn(torch, *[torch.from_numpy(x.copy()) if not transposed else
                                 torch.from_numpy(np.ascontiguousarray(x.T)).t() if x.ndim == 2
                                 else torch.from_numpy(x.copy()) for x in arrays])
            assert tuple(ours.shape) == tuple(theirs.shape), (shapes, call)
            assert ours.stride() == theirs.stride(), (shapes, call)
            np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)
    assert dispatch._planned  # the geometries were kept
