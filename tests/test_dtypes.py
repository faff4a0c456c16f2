"""dtypes, devices, type promotion and conversions, against real torch."""
import itertools

import numpy as np
import pytest

import numtensor as nt
from core_helpers import check, check_raises

import torch  # noqa: E402  (required: CI fails without the oracle)

NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64",
         "complex64", "complex128"]
ALIASES = ["half", "float", "double", "short", "int", "long", "cfloat", "cdouble"]
# the dtypes the ops tests run on (compiling kernels for all pairs would be slow)
OP_DTYPES = ["bool", "uint8", "int32", "int64", "float32", "float64"]


def nt_dt(name):
    return getattr(nt, name)


def torch_dt(name):
    return getattr(torch, name)


# ---- dtype objects ------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES + ALIASES)
def test_dtype_names_and_aliases(name):
    assert str(nt_dt(name)) == str(torch_dt(name))
    assert repr(nt_dt(name)) == repr(torch_dt(name))
    assert nt_dt(name).is_floating_point == torch_dt(name).is_floating_point
    assert nt_dt(name).is_complex == torch_dt(name).is_complex
    assert nt_dt(name).itemsize == torch_dt(name).itemsize


def test_aliases_are_the_same_object():
    assert nt.float is nt.float32 and nt.double is nt.float64 and nt.half is nt.float16
    assert nt.long is nt.int64 and nt.int is nt.int32 and nt.short is nt.int16
    assert nt.cfloat is nt.complex64 and nt.cdouble is nt.complex128
    assert nt.float32 == nt.float and nt.float32 != nt.float64
    assert nt.get_default_dtype() is nt.float32


@pytest.mark.parametrize("name", NAMES)
def test_tensor_type_strings(name):
    assert nt.zeros(2, dtype=nt_dt(name)).type() == torch.zeros(2, dtype=torch_dt(name)).type()
    assert nt.zeros(2, dtype=nt_dt(name)).dtype is nt_dt(name)


def test_type_with_dtype_converts():
    x = nt.tensor([1.7, -2.7])
    y = x.type(nt.int64)
    assert y.dtype is nt.int64 and y.tolist() == [1, -2]
    assert x.type(nt.float32) is x


# ---- promotion ----------------------------------------------------------------------
@pytest.mark.parametrize("a,b", list(itertools.product(NAMES, NAMES)))
def test_promote_types_all_pairs(a, b):
    assert str(nt.promote_types(nt_dt(a), nt_dt(b))) == str(torch.promote_types(torch_dt(a), torch_dt(b)))


def _needs_complex32(a, b):
    # torch promotes half with a lower-priority complex to complex32, a dtype numtensor
    # does not have (not part of the design's dtype list)
    return {a, b} & {"float16"} and {a, b} & {"complex64", "complex128"}


@pytest.mark.parametrize("a,b", [p for p in itertools.product(NAMES, NAMES)
                                 if not _needs_complex32(*p)])
def test_result_type_dimensioned_and_0d(a, b):
    for sa, sb in [((2,), (2,)), ((), (2,)), ((2,), ()), ((), ())]:
        want = torch.result_type(torch.zeros(sa, dtype=torch_dt(a)), torch.zeros(sb, dtype=torch_dt(b)))
        got = nt.result_type(nt.zeros(sa, dtype=nt_dt(a)), nt.zeros(sb, dtype=nt_dt(b)))
        assert str(got) == str(want), (a, sa, b, sb)


SCALARS = [True, 3, -2, 2.5, 1 + 2j]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("scalar", SCALARS, ids=repr)
def test_result_type_with_python_scalar(name, scalar):
    if name == "float16" and isinstance(scalar, complex):
        pytest.skip("torch gives complex32, a dtype numtensor does not have")
    for shape in [(2,), ()]:
        t, n = torch.zeros(shape, dtype=torch_dt(name)), nt.zeros(shape, dtype=nt_dt(name))
        assert str(nt.result_type(n, scalar)) == str(torch.result_type(t, scalar))
        assert str(nt.result_type(scalar, n)) == str(torch.result_type(scalar, t))


PROMOTION_OPS = {
    "add": lambda x, y: x + y, "sub": lambda x, y: x - y, "mul": lambda x, y: x * y,
    "truediv": lambda x, y: x / y, "eq": lambda x, y: x == y, "lt": lambda x, y: x < y,
    "maximum": lambda x, y: x.maximum(y) if hasattr(x, "maximum") else None,
}


@pytest.mark.parametrize("a,b", [p for p in itertools.product(NAMES, NAMES)
                                 if not _needs_complex32(*p)])
def test_op_dtypes_all_pairs(a, b):
    """The real operators over every dtype pair, dimensioned and 0-d operands.  Empty
    tensors keep this cheap: an op on zero elements compiles no kernel."""
    for sa, sb in [((0,), (0,)), ((), (0,)), ((0,), ())]:
        for name, op in PROMOTION_OPS.items():
            x, y = torch.zeros(sa, dtype=torch_dt(a)), torch.zeros(sb, dtype=torch_dt(b))
            try:
                want = op(x, y)
            except Exception as e:
                with pytest.raises(type(e)):
                    op(nt.zeros(sa, dtype=nt_dt(a)), nt.zeros(sb, dtype=nt_dt(b)))
                continue
            got = op(nt.zeros(sa, dtype=nt_dt(a)), nt.zeros(sb, dtype=nt_dt(b)))
            assert str(got.dtype) == str(want.dtype), (name, a, sa, b, sb)
            assert tuple(got.shape) == tuple(want.shape)


@pytest.mark.parametrize("name", NAMES)
def test_op_dtypes_with_python_scalars(name):
    for scalar in SCALARS + [np.float64(1.5), np.int64(2)]:
        if name == "float16" and isinstance(scalar, complex):
            continue  # complex32 in torch
        for op_name, op in PROMOTION_OPS.items():
            if op_name == "maximum":
                continue
            for flip in (False, True):
                x = torch.zeros(0, dtype=torch_dt(name))
                f = (lambda t: op(scalar, t)) if flip else (lambda t: op(t, scalar))
                try:
                    want = f(x)
                except Exception as e:
                    with pytest.raises(type(e)):
                        f(nt.zeros(0, dtype=nt_dt(name)))
                    continue
                got = f(nt.zeros(0, dtype=nt_dt(name)))
                assert str(got.dtype) == str(want.dtype), (op_name, name, scalar, flip)


@pytest.mark.parametrize("a,b", list(itertools.product(OP_DTYPES, OP_DTYPES)))
def test_binary_op_result_dtypes(a, b):
    x = np.array([1, 0, 1]).astype(a)
    y = np.array([1, 1, 0]).astype(b)
    for op in [lambda lib, p, q: p + q, lambda lib, p, q: p * q, lambda lib, p, q: p / q,
               lambda lib, p, q: p > q, lambda lib, p, q: lib.maximum(p, q),
               lambda lib, p, q: p[0] + q, lambda lib, p, q: p + q[0]]:
        check(op, x, y)


@pytest.mark.parametrize("name", OP_DTYPES)
@pytest.mark.parametrize("scalar", [True, 3, 2.5, -1], ids=repr)
def test_tensor_scalar_op_dtypes(name, scalar):
    x = np.array([0, 1, 1]).astype(name)
    check(lambda lib, t: t + scalar, x)
    check(lambda lib, t: scalar * t, x)
    check(lambda lib, t: t / scalar if scalar else t, x)
    check(lambda lib, t: t[0] + scalar, x)


def test_promotion_rules_from_the_design():
    # uint8 + int scalar stays uint8 and wraps
    check(lambda lib, t: t + 10, np.array([250, 3], np.uint8))
    check(lambda lib, t: t * 300, np.array([1, 2], np.uint8))
    # bool + bool stays bool (logical or)
    check(lambda lib, a, b: a + b, np.array([True, False, False]), np.array([True, True, False]))
    # int / int -> float32
    check(lambda lib, a, b: a / b, np.array([1, 7]), np.array([2, 2]))
    # int tensor + float scalar -> float32, even for int64
    check(lambda lib, t: t + 0.5, np.array([1, 2], np.int64))
    # a 0-d float tensor lifts an int tensor only to the default float
    check(lambda lib, a, b: a + b, np.array([1, 2], np.int64), np.array(0.5, np.float64))
    # a 0-d int64 does not widen an int8 tensor
    check(lambda lib, a, b: a + b, np.array([1, 2], np.int8), np.array(100, np.int64))


# ---- conversions --------------------------------------------------------------------
@pytest.mark.parametrize("method", ["float", "double", "long", "int", "half", "bool", "short",
                                    "byte", "char"])
@pytest.mark.parametrize("src", ["float32", "int64", "bool"])
def test_conversion_methods(method, src):
    x = np.array([0, 1.75, -2.5, 3]).astype(src) if src != "bool" else np.array([True, False])
    if src == "float32" and method in ("byte",):
        x = np.abs(x)
    check(lambda lib, t: getattr(t, method)(), x)


def test_float_to_int_truncates_toward_zero():
    check(lambda lib, t: t.long(), np.array([-2.7, -0.5, 0.5, 2.7, 3.0], np.float32))
    check(lambda lib, t: t.to(lib.int32), np.array([-2.7, -1.2, 1.9], np.float64))
    check(lambda lib, t: t.int(), np.array([[-1.5, 1.5], [7.99, -7.99]], np.float32).T)


@pytest.mark.parametrize("fn", [
    lambda lib, t: t.to(lib.float64),
    lambda lib, t: t.to("cpu"),
    lambda lib, t: t.to(lib.device("cpu")),
    lambda lib, t: t.to(device="cpu", dtype=lib.int16),
    lambda lib, t: t.to("cpu", lib.float16),
    lambda lib, t: t.to(lib.zeros(1, dtype=lib.int64)),
    lambda lib, t: t.to(dtype=lib.bool),
    lambda lib, t: t.t().to(lib.float64),
    lambda lib, t: t.cpu(),
    lambda lib, t: t.type_as(lib.zeros(1, dtype=lib.int64)),
])
def test_to(fn):
    check(fn, np.array([[0.5, -1.5, 2.0], [0, 3, 4]], np.float32), strides=True)


def test_to_returns_self_when_nothing_changes():
    x = nt.zeros(3)
    for y in (x.to(nt.float32), x.to("cpu"), x.to(x), x.float(), x.to(device=nt.device("cpu")),
              x.cpu(), x.to(nt.float32, copy=False)):
        assert y is x
    c = x.to(nt.float32, copy=True)
    assert c is not x and c.data_ptr() != x.data_ptr()
    assert x.long() is not x


def test_conversion_copies_do_not_alias():
    x = nt.tensor([1.5, 2.5])
    y = x.double()
    y[0] = 10
    assert x[0].item() == 1.5


# ---- devices ------------------------------------------------------------------------
@pytest.mark.parametrize("args", [("cpu",), ("cuda",), ("cuda:1",), ("cuda", 0), ("cuda", 3),
                                  ("cpu", 0)])
def test_device_repr_and_str(args):
    d, td = nt.device(*args), torch.device(*args)
    assert repr(d) == repr(td)
    assert str(d) == str(td)
    assert d.type == td.type and d.index == td.index
    assert d == nt.device(*args) and hash(d) == hash(nt.device(*args))


def test_device_equality_and_errors():
    assert nt.device("cuda:0") == nt.device("cuda", 0)
    assert nt.device("cuda") != nt.device("cuda", 0)
    assert nt.device("cpu") != nt.device("cuda")
    check_raises(lambda lib: lib.device("tpu"))
    check_raises(lambda lib: lib.device("cuda:x"))
    check_raises(lambda lib: lib.device("cuda:0", 1))
    check_raises(lambda lib: lib.device(3.5))


def test_tensor_device_attributes():
    x = nt.zeros(2)
    assert x.device == nt.device("cpu")
    assert repr(x.device) == repr(torch.zeros(2).device)
    assert x.is_cuda is False
    assert isinstance(nt.cuda.is_available(), bool)
    assert nt.zeros(2, device="cpu").device.type == "cpu"
    assert nt.zeros(2, device=nt.device("cpu")).device == nt.device("cpu")
    # like torch, a device is never equal to a string
    assert (nt.device("cpu") == "cpu") is (torch.device("cpu") == "cpu") is False


def test_cuda_unavailable_raises():
    if nt.cuda.is_available():
        pytest.skip("a CUDA device (or the simulator) is available")
    with pytest.raises((RuntimeError, AssertionError)):
        nt.zeros(2).cuda()
    with pytest.raises((RuntimeError, AssertionError)):
        nt.zeros(2).to("cuda")


UNARY_OPS = ["neg", "abs", "exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "sign",
             "square", "floor", "ceil", "round", "trunc", "logical_not", "bitwise_not",
             "reciprocal", "isnan", "float", "long", "bool", "half"]
REDUCTIONS = {
    "sum": lambda t: t.sum(0), "mean": lambda t: t.mean(0), "prod": lambda t: t.prod(0),
    "amax": lambda t: t.amax(0), "max": lambda t: t.max(0), "argmax": lambda t: t.argmax(0),
    "std": lambda t: t.std(0), "norm": lambda t: t.norm(dim=0), "cumsum": lambda t: t.cumsum(0),
    "all": lambda t: t.all(0), "any": lambda t: t.any(0), "logsumexp": lambda t: t.logsumexp(0),
    "sum_float64": lambda t: t.sum(0, dtype=torch.float64 if isinstance(t, torch.Tensor)
                                   else nt.float64),
}


def _same_outcome(fn, name):
    """fn on an empty tensor of dtype `name` in both libraries: same dtype(s) or error type."""
    try:
        want = fn(torch.zeros(2, 0, dtype=torch_dt(name)))
    except Exception as e:
        with pytest.raises(type(e)):
            fn(nt.zeros(2, 0, dtype=nt_dt(name)))
        return
    got = fn(nt.zeros(2, 0, dtype=nt_dt(name)))
    for g, w in zip(got if isinstance(got, tuple) else (got,),
                    want if isinstance(want, tuple) else (want,)):
        assert str(g.dtype) == str(w.dtype) and tuple(g.shape) == tuple(w.shape)


@pytest.mark.parametrize("name", NAMES)
def test_unary_op_dtypes_and_refusals(name):
    """Result dtype (ints -> float32 for exp ...) or torch's error, for every dtype (on
    empty tensors, so no kernel is compiled)."""
    for op in UNARY_OPS:
        _same_outcome(lambda t: getattr(t, op)(), name)
    _same_outcome(lambda t: ~t, name)
    _same_outcome(lambda t: -t, name)


@pytest.mark.parametrize("name", NAMES)
def test_reduction_dtypes_and_refusals(name):
    for fn in REDUCTIONS.values():
        _same_outcome(fn, name)


def test_default_dtype_float64():
    """set_default_dtype(float64) changes inferred floats, factories and promotion."""
    def probe(lib):
        x = lib.tensor([1, 2])
        return [lib.tensor([1.5]).dtype, lib.zeros(2).dtype, lib.arange(2.).dtype,
                lib.linspace(0, 1, 3).dtype, lib.rand(2).dtype, (x + 0.5).dtype, (x / 2).dtype,
                lib.full((2,), 1.5).dtype, lib.tensor(2.5).dtype, x.exp().dtype,
                lib.get_default_dtype()]
    results = {}
    for lib in (nt, torch):
        lib.set_default_dtype(lib.float64)
        try:
            results[lib] = [str(d) for d in probe(lib)]
        finally:
            lib.set_default_dtype(lib.float32)
    assert results[nt] == results[torch]
    assert results[nt][0] == "torch.float64"
    check_raises(lambda lib: lib.set_default_dtype(lib.int64))
    assert nt.get_default_dtype() is nt.float32


@pytest.mark.parametrize("src", ["float16", "float32", "float64"])
@pytest.mark.parametrize("dst", ["int8", "int16", "uint8"])
def test_float_to_narrow_integer_wraps_like_torch(src, dst):
    """Beyond the target's range PyTorch's cast goes through int32 and wraps; a direct
    vectorised conversion would saturate instead."""
    big = 60000.5 if src == "float16" else 3e9
    x = np.array([40000.0, -40000.0, 60000.5, -1.5, 300.7, -big, 32766.5, 127.9, -128.9],
                 dtype=src)
    got = nt.from_numpy(x).to(getattr(nt, dst)).numpy()
    want = torch.from_numpy(x).to(getattr(torch, dst)).numpy()
    np.testing.assert_array_equal(got, want)


def test_float16_conversions_are_exact_both_ways():
    """Every float16 bit pattern widens exactly; float32 values (a dense sample of bit
    patterns, subnormals and overflow included) round to nearest even, as NumPy and
    PyTorch do."""
    bits = np.arange(2 ** 16, dtype=np.uint16)
    wide = nt.from_numpy(bits.view(np.float16)).float().numpy()
    want = bits.view(np.float16).astype(np.float32)
    same = (wide.view(np.uint32) == want.view(np.uint32)) | (np.isnan(wide) & np.isnan(want))
    assert same.all()
    sample = np.random.default_rng(0).integers(0, 2 ** 32, 2_000_000, dtype=np.uint64)
    x = sample.astype(np.uint32).view(np.float32)
    x = x[~np.isnan(x)]
    with np.errstate(over="ignore"):
        want = x.astype(np.float16)
    got = nt.from_numpy(x).half().numpy()
    np.testing.assert_array_equal(got.view(np.uint16), want.view(np.uint16))
    doubles = np.random.default_rng(1).standard_normal(100_000) * 3e4
    np.testing.assert_array_equal(nt.from_numpy(doubles).half().numpy().view(np.uint16),
                                  torch.from_numpy(doubles).half().numpy().view(np.uint16))


_ALL = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64",
        "complex64", "complex128"]


@pytest.mark.parametrize("dst", _ALL)
@pytest.mark.parametrize("src", _ALL)
def test_every_conversion_pair_contiguous_and_strided(src, dst):
    # a contiguous tensor converts through its kernel directly (dispatch.cast's fast path),
    # a transposed one through the strided copy: both as PyTorch, values and layout
    import warnings
    values = np.array([[0, 1, 2, 3], [7, 100, 5, 1]], np.float64)
    if np.dtype(src).kind in "fc":
        values = values + np.array([0.25, 0.5, 0, 0.75])
    if np.dtype(src).kind in "fci" and np.dtype(dst).kind in "fci":
        values[1, ::2] *= -1  # negatives where both sides have them
    if np.dtype(src).kind == "c":
        values = values + 1j * values[::-1]
    x = values.astype(src) if src != "bool" else values > 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # complex to real: PyTorch's warning, tested apart
        for layout in (lambda t: t, lambda t: t.t()):
            a, b = layout(nt.from_numpy(x.copy())), layout(torch.from_numpy(x.copy()))
            got, want = a.to(getattr(nt, dst)), b.to(getattr(torch, dst))
            assert str(got.dtype) == str(want.dtype) and got.stride() == want.stride()
            np.testing.assert_array_equal(got.numpy(), want.numpy())
            if src != dst and np.dtype(src).kind in "fc" and np.dtype(dst).kind in "fc":
                g = a.detach().requires_grad_().to(getattr(nt, dst))
                assert g.grad_fn.name() == "ToCopyBackward0"


def test_complex_to_real_warns_once_as_pytorch():
    import warnings
    from numtensor.ops import _common
    _common._warned_complex_to_real.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        x = nt.tensor([1 + 2j])
        assert x.float().tolist() == [1.0]
        x.to(nt.float64)
        nt.zeros(1).copy_(x)
    assert [str(w.message) for w in caught] == [
        "Casting complex values to real discards the imaginary part"]
