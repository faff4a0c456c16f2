import pytest
import torch  # noqa: E402  (required: CI fails without the oracle)

import time
import warnings
import zlib

import numpy as np

from numtensor import _printing
from numtensor._printing import format_array, format_scalar_column

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64",
          "float16", "float32", "float64", "complex64", "complex128"]
FLOATS = ["float16", "float32", "float64"]
COMPLEX = ["complex64", "complex128"]


def as_np(values, name):
    """NumPy array of `values` in the dtype `name` (complex built from reals)."""
    with np.errstate(over="ignore"):  # float16 overflow to inf is intended
        return np.asarray(values).astype(np.dtype(name))


def oracle(arr, name):
    # copy(): from_numpy needs a writable, contiguous array (0-d arrays stay 0-d)
    return repr(torch.from_numpy(np.array(arr, copy=True)).to(getattr(torch, name)))


def check(values, name, suffixes=()):
    arr = as_np(values, name)
    expected = oracle(arr, name)
    assert format_array(arr, name, list(suffixes)) == expected


@pytest.fixture
def restore_options():
    yield
    torch.set_printoptions(profile="default")
    torch.set_printoptions(sci_mode=None)
    _printing.set_printoptions(profile="default")
    _printing.set_printoptions(sci_mode=None)


# ---------------------------------------------------------------------------
# basic shapes and dtypes
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", DTYPES)
@pytest.mark.parametrize("shape", [(), (1,), (5,), (2, 3), (2, 3, 4), (2, 1, 2, 3),
                                   (1, 1, 1, 1, 2)])
def test_every_dtype_and_rank(name, shape):
    rng = np.random.default_rng(zlib.crc32(repr((name, shape)).encode()))
    values = rng.integers(-5, 6, size=shape)
    if name in FLOATS + COMPLEX:
        values = rng.normal(size=shape) * 3
    if name in COMPLEX:
        values = values + 1j * rng.normal(size=shape)
    if name == "bool":
        values = values > 0
    if name == "uint8":
        values = np.abs(values)
    check(values, name)


@pytest.mark.parametrize("name", DTYPES)
@pytest.mark.parametrize("shape", [(0,), (2, 0), (0, 3), (0, 2, 3), (3, 0, 1)])
def test_empty(name, shape):
    check(np.zeros(shape), name)


@pytest.mark.parametrize("value,name", [
    (3.5, "float32"), (7, "int64"), (7, "int32"), (-0.0, "float32"), (0.0, "float64"),
    (1e-8, "float32"), (1e10, "float64"), (np.nan, "float32"), (-np.inf, "float16"),
    (True, "bool"), (False, "bool"), (1 + 2j, "complex64"), (-1.5 - 0.25j, "complex128"),
    (2 ** 62, "int64"), (-128, "int8"), (255, "uint8"), (12345.678, "float16"),
])
def test_zero_dim(value, name):
    check(np.array(value), name)


# ---------------------------------------------------------------------------
# number formatting rules
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", FLOATS)
@pytest.mark.parametrize("values", [
    [0.0, 1.0, 2.0],
    [1.0, -2.0, 300.0],
    [0.5, 1.25, -3.125],
    [1e-8, 1.0],
    [1e-5, 2e-5],
    [1.0, 1000.0],
    [1.0, 1001.0],
    [1.0, 1e9],
    [123456789.0, 1.0],
    [1e8, 2e8],
    [0.001, 1.0],
    [0.0001, 0.5],
    [0.00009, 0.5],
    [np.nan, 1.0, -np.inf],
    [np.nan, np.nan],
    [np.inf, -np.inf, 0.0],
    [np.nan, 1.5, np.inf, -2.25],
    [np.nan, 1e-6, np.inf],
    [-0.0, 0.0, 1.0],
    [-0.0, 0.5],
    [-0.0, -0.0],
    [0.0, 0.0, 0.0],
    [-1.0, -2.0, -3.5],
    [1e20, -1e20, 3.0],
    [65504.0, -65504.0],
    [0.1, 0.2, 0.3],
    [12345.6789, 0.001],
])
def test_float_rules(name, values):
    check(values, name)


@pytest.mark.parametrize("name", COMPLEX)
@pytest.mark.parametrize("values", [
    [1 + 2j, 3 - 1j],
    [0.5 + 0.25j, -1.5 - 2j],
    [1e-8 + 1j, 1 + 0j],
    [complex(0.0, -0.0), complex(-0.0, 0.0)],
    [complex(np.nan, 1), complex(1, np.inf), complex(-np.inf, -np.nan)],
    [1e10 + 1e-3j, 2j],
    [0j, 0j],
])
def test_complex_rules(name, values):
    check(values, name)


@pytest.mark.parametrize("name", ["int8", "int16", "int32", "int64", "uint8"])
def test_integers(name):
    info = np.iinfo(np.dtype(name))
    check([info.min, 0, info.max], name)
    check(np.arange(-20, 20).clip(info.min, info.max).reshape(4, 10), name)


def test_large_ints():
    check([2 ** 63 - 1, -2 ** 63, 0, 5], "int64")
    check(np.arange(50) * 10 ** 15, "int64")


def test_bools():
    check([True, False, True], "bool")
    check([[True], [False]], "bool")
    check(np.array([True] * 30), "bool")
    check(np.ones((2, 2, 2), dtype=bool), "bool")


# ---------------------------------------------------------------------------
# wrapping, blocks and summarisation
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", DTYPES)
def test_long_rows_wrap(name):
    rng = np.random.default_rng(1)
    values = rng.normal(size=100) * 50
    if name in COMPLEX:
        values = values + 1j * rng.normal(size=100)
    if name == "bool":
        values = values > 0
    if name == "uint8":
        values = np.abs(values)
    check(values, name)
    check(values.reshape(4, 25), name)
    check(values.reshape(2, 2, 25), name)


@pytest.mark.parametrize("shape", [(2000,), (1001,), (40, 40), (3, 500, 3), (7, 7, 7, 7),
                                   (2, 2, 300), (1, 1001), (6, 200), (7, 200), (1000, 2),
                                   (3, 3, 3, 3, 3, 3, 3)])
@pytest.mark.parametrize("name", ["float32", "int64", "bool", "complex128", "float16"])
def test_summarised(shape, name):
    rng = np.random.default_rng(7)
    values = rng.normal(size=shape) * 10
    if name in COMPLEX:
        values = values - 1j * rng.normal(size=shape)
    if name == "bool":
        values = values > 0
    check(values, name)


def test_exactly_threshold_not_summarised():
    check(np.arange(1000, dtype=np.float32), "float32")
    check(np.arange(1000).reshape(10, 100), "int64")


def test_summary_chooses_format_from_shown_values_only():
    # the hidden middle value would force scientific notation if it were looked at
    values = np.ones(2000)
    values[1000] = 1e12
    check(values, "float32")
    values[1] = 1e12
    check(values, "float32")


@pytest.mark.parametrize("rank", [3, 4, 5, 6])
def test_blank_lines_grow_with_rank(rank):
    check(np.arange(2 ** rank).reshape((2,) * rank), "int64")
    check(np.arange(2 ** rank).reshape((2,) * rank) / 3, "float64")


def test_big_array_is_fast():
    arr = np.random.default_rng(0).normal(size=10 ** 7).astype(np.float32)
    start = time.perf_counter()
    text = format_array(arr, "float32", [])
    elapsed = time.perf_counter() - start
    assert text == oracle(arr, "float32")
    assert elapsed < 0.1
    start = time.perf_counter()
    format_array(arr.reshape(1000, 100, 100), "float32", [])
    assert time.perf_counter() - start < 0.1


# ---------------------------------------------------------------------------
# suffixes
# ---------------------------------------------------------------------------

def grad_suffixes(t):
    if t.grad_fn is not None:
        return [f"grad_fn=<{type(t.grad_fn).__name__}>"]
    if t.requires_grad:
        return ["requires_grad=True"]
    return []


@pytest.mark.parametrize("name", ["float16", "float32", "float64", "complex64", "complex128"])
@pytest.mark.parametrize("shape", [(), (3,), (16,), (30,), (2, 3), (3, 9), (2, 2, 2), (0,),
                                   (2, 0), (2000,), (30, 40)])
def test_requires_grad_and_grad_fn(name, shape):
    rng = np.random.default_rng(3)
    values = rng.normal(size=shape)
    if name in COMPLEX:
        values = values + 1j * rng.normal(size=shape)
    leaf = torch.tensor(values).to(getattr(torch, name)).requires_grad_()
    for t in (leaf, leaf * 2, leaf + 1, leaf.sum() if leaf.numel() else leaf.neg()):
        arr = t.detach().numpy()
        assert format_array(arr, name, grad_suffixes(t)) == repr(t)


def test_suffix_wraps_when_last_line_is_long():
    # rows whose last line is close to the width push the suffix onto its own line
    for n in range(1, 40):
        values = np.linspace(-1, 1, n)
        for name in ["float32", "float64"]:
            t = torch.tensor(values, dtype=getattr(torch, name), requires_grad=True)
            arr = t.detach().numpy()
            assert format_array(arr, name, grad_suffixes(t)) == repr(t)
            y = t * 3
            assert format_array(y.detach().numpy(), name, grad_suffixes(y)) == repr(y)


def test_long_custom_suffix():
    t = torch.arange(9.0).reshape(3, 3)
    expected = repr(t)[:-1] + ",\n       " + "x" * 75 + ")"
    assert format_array(t.numpy(), "float32", ["x" * 75]) == expected


def test_device_suffix_comes_before_dtype():
    arr = np.array([1.0, 2.0])
    text = format_array(arr, "float64", ["requires_grad=True"], "device='cuda:0'")
    assert text == "tensor([1., 2.], device='cuda:0', dtype=torch.float64, requires_grad=True)"
    assert format_array(np.zeros(0), "int64", [], "device='cuda:0'") == \
        "tensor([], device='cuda:0', dtype=torch.int64)"


# ---------------------------------------------------------------------------
# randomized comparison
# ---------------------------------------------------------------------------

def random_values(rng, shape, name):
    scale = 10.0 ** rng.uniform(-10, 10)
    kind = rng.integers(0, 5)
    if kind == 0:
        values = rng.normal(size=shape) * scale
    elif kind == 1:
        values = np.round(rng.normal(size=shape) * rng.choice([1, 10, 1000, 1e6]))
    elif kind == 2:
        values = rng.uniform(size=shape) * scale * rng.choice([1, -1])
    elif kind == 3:
        values = rng.normal(size=shape) * 10.0 ** rng.integers(-6, 6, size=shape)
    else:
        values = rng.integers(-3, 4, size=shape).astype(float)
    if rng.uniform() < 0.3 and values.size:
        flat = values.reshape(-1)
        picks = rng.integers(0, flat.size, size=rng.integers(1, 4))
        flat[picks] = rng.choice([np.nan, np.inf, -np.inf, 0.0, -0.0], size=picks.size)
    if name in COMPLEX:
        values = values + 1j * random_values(rng, shape, "float64")
    elif name == "bool":
        values = values > 0
    elif name not in FLOATS:
        info = np.iinfo(np.dtype(name))
        values = np.nan_to_num(values, nan=0, posinf=info.max, neginf=info.min)
        values = np.clip(values, info.min, info.max).astype(np.dtype(name))
    elif name == "float16":
        values = np.clip(values, -6e4, 6e4)
    return values


def random_shape(rng):
    ndim = int(rng.integers(0, 5))
    if rng.uniform() < 0.2:
        sizes = rng.integers(0, 40, size=ndim)
    else:
        sizes = rng.integers(1, 8, size=ndim)
    if rng.uniform() < 0.1 and ndim:
        sizes[rng.integers(0, ndim)] = rng.integers(500, 2500)
    return tuple(int(s) for s in sizes)


@pytest.mark.parametrize("seed", range(200))
def test_random(seed):
    rng = np.random.default_rng(seed)
    name = DTYPES[seed % len(DTYPES)]
    shape = random_shape(rng)
    with np.errstate(all="ignore"):
        check(random_values(rng, shape, name), name)


@pytest.mark.parametrize("seed", range(40))
def test_random_with_grad(seed):
    rng = np.random.default_rng(1000 + seed)
    name = ["float32", "float64", "complex64"][seed % 3]
    shape = random_shape(rng)
    with np.errstate(all="ignore"):
        values = random_values(rng, shape, name)
    leaf = torch.from_numpy(np.array(values, copy=True)).to(getattr(torch, name))
    leaf.requires_grad_()
    t = leaf if seed % 2 else leaf * 2
    assert format_array(t.detach().numpy(), name, grad_suffixes(t)) == repr(t)


# ---------------------------------------------------------------------------
# print options
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("options", [
    dict(precision=2), dict(precision=8), dict(threshold=10), dict(edgeitems=1),
    dict(edgeitems=5, threshold=20), dict(linewidth=40), dict(linewidth=120),
    dict(sci_mode=True), dict(sci_mode=False), dict(profile="short"), dict(profile="full"),
    dict(threshold=5, edgeitems=0),
])
def test_printoptions(options, restore_options):
    torch.set_printoptions(**options)
    _printing.set_printoptions(**options)
    rng = np.random.default_rng(5)
    cases = [
        (rng.normal(size=(30,)), "float32"),
        (rng.normal(size=(4, 9)) * 1e5, "float64"),
        (np.arange(200).reshape(10, 20), "int64"),
        (np.array(1.5), "float32"),
        (rng.normal(size=(3, 4, 5)), "complex128"),
        (np.array([1e-6, 1.0, np.nan]), "float32"),
        (np.arange(3000.0), "float32"),
        (np.array([1.0, -20.0]), "float32"),
        (np.array([1.0, 1e9]), "float64"),
        (np.array([1.5, 1e9]), "float64"),
        (np.zeros(3), "float32"),
        (np.array([np.nan, np.inf]), "float32"),
    ]
    for values, name in cases:
        check(values, name)


# ---------------------------------------------------------------------------
# storage body
# ---------------------------------------------------------------------------

def storage_body(t):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text = repr(t.storage())
    return text.rsplit("\n", 1)[0]


class _NamedDtype:
    def __init__(self, name):
        self.name = name


@pytest.mark.parametrize("t", [
    torch.zeros(3), torch.arange(5), torch.tensor([1.5, 2.25]), torch.tensor([True, False]),
    torch.tensor([0.1, -1e-8, 1e20, float("nan"), float("-inf")]),
    torch.tensor([0.1, 65504.0], dtype=torch.float16),
    torch.tensor([0.1, 1 / 3], dtype=torch.float64),
    torch.tensor([1 + 2j, -0.5 - 1j]), torch.tensor([1 + 2j], dtype=torch.complex128),
    torch.tensor([-128, 127], dtype=torch.int8), torch.tensor([255, 0], dtype=torch.uint8),
    torch.tensor([[1, 2], [3, 4]], dtype=torch.int32),
    torch.tensor([-3, 7], dtype=torch.int16),
], ids=lambda t: str(t.dtype))
def test_scalar_column(t):
    name = str(t.dtype).replace("torch.", "")
    values = t.numpy()
    expected = storage_body(t)
    assert format_scalar_column(values, name) == expected
    assert format_scalar_column(values, _NamedDtype(name)) == expected


def test_scalar_column_empty():
    assert format_scalar_column(np.zeros(0, dtype=np.float32), "float32") == ""
    assert format_scalar_column(np.zeros(0, dtype=np.int64), _NamedDtype("int64")) == ""
