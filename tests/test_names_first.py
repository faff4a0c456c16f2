"""The PyTorch names a new user types first (issue 15): legacy tensor types, Variable,
default device, torch.random, sorting and searching, diagonals and triangles, einsum,
grids, print options, threads, __version__ and docstrings.

Differential against torch: the same lambda runs on both libraries, on random values,
on non-contiguous views and every dtype where it matters; gradients are compared with
torch's and checked numerically (float64).
"""
import inspect
import warnings

import numpy as np
import pytest

import numtensor as nt
from numtensor.autograd import gradcheck
import torch  # noqa: E402  (required: CI fails without the oracle)

from autograd_helpers import assert_grads_match_torch

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]


def make(lib, arr, layout="contiguous"):
    """arr as a tensor of lib, contiguous, transposed (a permuted view) or stepped."""
    arr = np.asarray(arr)
    if layout == "transposed" and arr.ndim >= 2:
        t = lib.from_numpy(np.ascontiguousarray(arr.T).copy()).t() if arr.ndim == 2 else \
            lib.from_numpy(np.ascontiguousarray(np.moveaxis(arr, -1, 0)).copy()).movedim(0, -1)
    elif layout == "stepped" and arr.ndim >= 1:
        wide = np.zeros(arr.shape[:-1] + (2 * arr.shape[-1],), dtype=arr.dtype)
        wide[..., ::2] = arr
        t = lib.from_numpy(wide)[..., ::2]
    else:
        t = lib.from_numpy(arr.copy())
    assert tuple(t.shape) == arr.shape
    return t


def outcome(value):
    """Comparable form of a result: tensors as (dtype, shape, values), tuples element-wise."""
    if isinstance(value, (tuple, list)):
        return tuple(outcome(v) for v in value)
    if hasattr(value, "detach") and hasattr(value, "dtype"):
        arr = value.detach().cpu().numpy() if hasattr(value, "cpu") else value.numpy()
        return (str(value.dtype), tuple(value.shape), arr.tolist())
    return value


def same(fn, *arrays, layout="contiguous"):
    """fn(lib, *tensors) gives the same result (or exception type) on both libraries."""
    results = []
    for lib in (torch, nt):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                results.append(outcome(fn(lib, *[make(lib, a, layout) for a in arrays])))
            except Exception as e:  # noqa: BLE001 - the type is what is compared
                results.append(("raises", type(e).__name__))
    want, got = results
    assert _equal(got, want), f"numtensor {got} != torch {want}"


def _equal(a, b):
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
        return all(_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (a != a and b != b) or abs(a - b) <= 1e-5 * max(1.0, abs(b))
    return a == b


def rng(seed=0):
    return np.random.default_rng(seed)


def values(dtype, shape, seed=0, distinct=False):
    """Random values of a dtype; distinct: no ties (so sort indices are unique)."""
    g = rng(seed)
    n = int(np.prod(shape))
    if distinct:
        base = g.permutation(n) - (n // 2 if dtype not in ("uint8", "bool") else 0)
        if dtype in ("float16", "float32", "float64"):
            return (base / 4.0).astype(dtype).reshape(shape)
        return base.astype(dtype).reshape(shape)
    if dtype == "bool":
        return g.random(shape) < 0.5
    if dtype.startswith("float"):
        return g.integers(-4, 5, shape).astype(dtype) / 2
    lo = 0 if dtype == "uint8" else -5
    return g.integers(lo, 6, shape).astype(dtype)


# ---- legacy types, Variable, default device, version -----------------------------------
LEGACY = ["FloatTensor", "DoubleTensor", "HalfTensor", "ByteTensor", "CharTensor", "ShortTensor",
          "IntTensor", "LongTensor", "BoolTensor"]


@pytest.mark.parametrize("name", LEGACY)
@pytest.mark.parametrize("args", [([1.7, -1, 0],), (2, 3), (), ([[1, 2], [3, 4]],),
                                  (np.array([1.5, 2.5]),), ("a",), (2.5,)], ids=repr)
def test_legacy_tensor_types(name, args):
    def fn(lib):
        t = getattr(lib, name)(*args)
        return (str(t.dtype), tuple(t.shape), t.tolist() if len(args) == 1 else None,
                type(t) is lib.Tensor)
    same(fn)


@pytest.mark.parametrize("name", LEGACY)
@pytest.mark.parametrize("dtype", DTYPES)
def test_legacy_isinstance(name, dtype):
    same(lambda lib: isinstance(lib.zeros(2, dtype=getattr(lib, dtype)), getattr(lib, name)))


def test_legacy_types_print_and_convert():
    assert repr(nt.FloatTensor) == repr(torch.FloatTensor) == "<class 'torch.FloatTensor'>"
    assert nt.LongTensor.dtype is nt.int64
    same(lambda lib: lib.ones(2).type(lib.LongTensor))
    same(lambda lib: lib.FloatTensor(lib.ones(2)))
    same(lambda lib: lib.FloatTensor(lib.ones(2, dtype=lib.int64)))


def test_variable():
    from numtensor.autograd import Variable
    t = nt.ones(2)
    v = Variable(t, requires_grad=True)
    assert type(v) is nt.Tensor and v.requires_grad and v.is_leaf
    assert v.data_ptr() == t.data_ptr() and not t.requires_grad
    assert isinstance(nt.ones(1), Variable)
    (v * 2).sum().backward()
    assert v.grad.tolist() == [2.0, 2.0]
    assert Variable().shape == (0,)
    with pytest.warns(UserWarning, match="volatile"):
        Variable(t, volatile=True)
    with pytest.raises(TypeError):
        Variable([1, 2])
    tv = torch.autograd.Variable(torch.ones(2), requires_grad=True)
    assert repr(v) == repr(tv)


def test_default_device():
    assert nt.get_default_device() == nt.device("cpu")
    assert repr(nt.get_default_device()) == repr(torch.get_default_device())
    try:
        nt.set_default_device("cuda")
        assert nt.get_default_device() == nt.device("cuda", 0)
        if not nt.cuda.is_available():
            with pytest.raises((RuntimeError, AssertionError)):
                nt.zeros(2)
        nt.set_default_device("cpu")
        assert nt.zeros(2).device == nt.device("cpu")
    finally:
        nt.set_default_device(None)
    assert nt.get_default_device() == nt.device("cpu")


def test_default_dtype_exists_and_works():
    try:
        nt.set_default_dtype(nt.float64)
        assert nt.tensor([1.0]).dtype is nt.float64 and nt.get_default_dtype() is nt.float64
        with pytest.raises(TypeError):
            nt.set_default_dtype(nt.int64)
    finally:
        nt.set_default_dtype(nt.float32)


def test_version_says_what_it_is_and_parses():
    from packaging.version import Version
    assert isinstance(nt.__version__, str) and "numtensor" in nt.__version__
    v = Version(nt.__version__)
    assert v.local == "numtensor"
    import tomllib
    with open(inspect.getfile(nt).replace("numtensor/__init__.py", "pyproject.toml"), "rb") as f:
        assert v.public == tomllib.load(f)["project"]["version"]


def test_every_public_function_has_a_docstring():
    missing = [n for n in dir(nt) if not n.startswith("_") and callable(getattr(nt, n))
               and not inspect.isclass(getattr(nt, n)) and not (getattr(nt, n).__doc__ or "").strip()]
    assert not missing, missing
    import pydoc
    assert "filled with 1" in pydoc.render_doc(nt.ones)


# ---- torch.random and Generator ---------------------------------------------------------
def test_random_module():
    nt.random.manual_seed(3)
    a = nt.rand(4)
    nt.manual_seed(3)
    assert nt.rand(4).tolist() == a.tolist()
    assert nt.random.initial_seed() == 3
    state = nt.random.get_rng_state()
    b = nt.randn(3)
    nt.random.set_rng_state(state)
    assert nt.randn(3).tolist() == b.tolist()
    with nt.random.fork_rng():
        inside = nt.rand(2)
    assert nt.rand(2).tolist() == inside.tolist()
    s = nt.random.seed()
    assert nt.random.initial_seed() == s
    for name in ("manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state", "fork_rng"):
        assert hasattr(torch.random, name) and hasattr(nt.random, name)


def test_generator():
    g = nt.Generator()
    assert g.manual_seed(5) is g and g.initial_seed() == 5
    x = nt.rand(3, generator=g)
    g.set_state(nt.Generator().manual_seed(5).get_state())
    assert nt.rand(3, generator=g).tolist() == x.tolist()
    assert g.device == nt.device("cpu")
    for name in ("manual_seed", "seed", "initial_seed", "get_state", "set_state", "device"):
        assert hasattr(torch.Generator(), name) and hasattr(g, name)


# ---- sorting --------------------------------------------------------------------------
LAYOUTS = ["contiguous", "transposed", "stepped"]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dim", [0, -1])
@pytest.mark.parametrize("descending", [False, True])
def test_sort_distinct(dtype, layout, dim, descending):
    shape = (2, 1) if dtype == "bool" else (4, 5)
    a = values(dtype, shape, distinct=dtype != "bool")
    same(lambda lib, x: lib.sort(x, dim=dim, descending=descending), a, layout=layout)
    same(lambda lib, x: x.argsort(dim, descending), a, layout=layout)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("descending", [False, True])
def test_sort_stable_with_ties(dtype, descending):
    a = values(dtype, (3, 40), seed=1)
    same(lambda lib, x: lib.sort(x, descending=descending, stable=True), a)
    same(lambda lib, x: lib.argsort(x, dim=0, descending=descending, stable=True), a)


@pytest.mark.parametrize("descending", [False, True])
def test_sort_nan_order(descending):
    a = np.array([[3.0, np.nan, 1.0, np.nan, -np.inf, np.inf, 2.0]])
    same(lambda lib, x: lib.sort(x, descending=descending, stable=True), a)
    same(lambda lib, x: lib.sort(x.float(), descending=descending, stable=True), a)


@pytest.mark.parametrize("shape", [(), (0,), (1,), (3, 0), (2, 1, 3)])
def test_sort_shapes(shape):
    a = values("float32", shape, distinct=True) if np.prod(shape) else np.zeros(shape, "float32")
    same(lambda lib, x: lib.sort(x), a)
    same(lambda lib, x: lib.msort(x), a)
    same(lambda lib, x: x.sort(dim=0), a)


def test_sort_errors_and_out():
    same(lambda lib: lib.sort(lib.ones(2, dtype=lib.complex64)))
    same(lambda lib: lib.sort(lib.ones(2), dim=2))
    same(lambda lib: lib.topk(lib.ones(2), 3))
    same(lambda lib: lib.kthvalue(lib.ones(3), 4))
    same(lambda lib: lib.kthvalue(lib.ones(3), 0))
    v, i = nt.empty(0), nt.empty(0, dtype=nt.int64)
    r = nt.sort(nt.tensor([2.0, 1.0]), out=(v, i))
    assert r.values is v and v.tolist() == [1.0, 2.0] and i.tolist() == [1, 0]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", ["int32", "int64", "float32", "float64", "uint8"])
def test_topk_kthvalue(layout, dtype):
    a = values(dtype, (4, 6), distinct=True)
    for k in (1, 3, 6):
        same(lambda lib, x: lib.topk(x, k), a, layout=layout)
        same(lambda lib, x: x.topk(k, dim=0, largest=False), a[:, :4], layout=layout)
    for k in (1, 4):
        same(lambda lib, x: lib.kthvalue(x, k, dim=0), a, layout=layout)
        same(lambda lib, x: x.kthvalue(k, 0, True), a, layout=layout)
    same(lambda lib, x: lib.topk(x, 1), np.float32(3.0))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("flags", [(False, False), (True, False), (False, True), (True, True)])
def test_unique(dtype, flags):
    inv, cnt = flags
    a = values(dtype, (4, 6), seed=2)
    same(lambda lib, x: lib.unique(x, return_inverse=inv, return_counts=cnt), a, layout="transposed")
    same(lambda lib, x: x.unique(sorted=True, return_inverse=inv, return_counts=cnt), a)
    same(lambda lib, x: lib.unique_consecutive(x, return_inverse=inv, return_counts=cnt), a)
    rows = np.repeat(values(dtype, (3, 2), seed=3), [2, 1, 3], axis=0)[[0, 3, 1, 5, 2, 4]]
    for dim in (0, 1):
        same(lambda lib, x: lib.unique(x, dim=dim, return_inverse=inv, return_counts=cnt), rows)
        same(lambda lib, x: lib.unique_consecutive(x, dim=dim, return_inverse=inv,
                                                   return_counts=cnt), rows)


def test_unique_nan_and_empty():
    same(lambda lib, x: lib.unique(x, return_counts=True), np.array([np.nan, 1.0, np.nan, 1.0]))
    same(lambda lib, x: lib.unique(x, return_inverse=True, return_counts=True), np.zeros(0))


@pytest.mark.parametrize("right", [False, True])
@pytest.mark.parametrize("dtypes", [("int64", "int64"), ("float32", "float32"),
                                    ("float64", "float32"), ("int32", "float64")])
def test_searchsorted_bucketize(right, dtypes):
    seq = np.sort(values(dtypes[0], (3, 7), seed=4), axis=1)
    vals = values(dtypes[1], (3, 5), seed=5)
    same(lambda lib, s, v: lib.searchsorted(s, v, right=right), seq, vals)
    same(lambda lib, s, v: lib.searchsorted(s[0], v, side="right" if right else "left"), seq, vals)
    same(lambda lib, s, v: lib.searchsorted(s[1], 2, right=right), seq, vals)
    same(lambda lib, s, v: lib.bucketize(v, s[0], right=right, out_int32=True), seq, vals)
    same(lambda lib, s, v: lib.searchsorted(s, v[:2]), seq, vals)
    order = rng(6).permutation(7)
    same(lambda lib, s: lib.searchsorted(s, lib.tensor([0.5, 3.0]).to(s.dtype),
                                         sorter=lib.argsort(s)), seq[0][order])
    same(lambda lib, s: lib.searchsorted(s, lib.tensor([np.nan, 1.0]), right=right),
         np.array([0.0, 1.0, np.nan]))


def test_bincount_histc():
    a = values("int64", (20,), seed=7) + 5
    w = values("float32", (20,), seed=8)
    same(lambda lib, x: lib.bincount(x), a)
    same(lambda lib, x: x.bincount(minlength=15), a)
    same(lambda lib, x, y: lib.bincount(x, weights=y), a, w)
    same(lambda lib, x, y: lib.bincount(x, y.double()), a, w)
    same(lambda lib, x, y: lib.bincount(x, y.long()), a, w)
    same(lambda lib, x: lib.bincount(x - 6), a)
    same(lambda lib, x: lib.bincount(x.float()), a)
    same(lambda lib, x: lib.bincount(x[:0]), a)
    f = values("float32", (30,), seed=9) * 3
    same(lambda lib, x: lib.histc(x), f)
    same(lambda lib, x: lib.histc(x, bins=7, min=-2, max=3), f)
    same(lambda lib, x: x.histc(bins=5), f.astype("float64"))
    same(lambda lib, x: lib.histc(x[:0], bins=3), f)
    same(lambda lib, x: lib.histc(x.long()), f)
    same(lambda lib: lib.histc(lib.tensor([2.0, 2.0]), bins=4))


# ---- diagonals, triangles, einsum, grids ------------------------------------------------
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", ["bool", "int32", "float16", "float64"])
def test_diagonals_and_triangles(layout, dtype):
    a = values(dtype, (4, 5), seed=10)
    b3 = values(dtype, (2, 3, 4), seed=11)
    for k in (-5, -1, 0, 2, 6):
        same(lambda lib, x: lib.diagonal(x, k), a, layout=layout)
        same(lambda lib, x: lib.diag(x, k), a, layout=layout)
        same(lambda lib, x: lib.diag(x[0], k), a, layout=layout)
        same(lambda lib, x: lib.tril(x, k), b3, layout=layout)
        same(lambda lib, x: x.triu(k), b3, layout=layout)
        same(lambda lib, x: lib.diag_embed(x, k), b3, layout=layout)
    same(lambda lib, x: x.diagonal(1, 0, 2), b3, layout=layout)
    same(lambda lib, x: lib.diag_embed(x, 1, 0, 2), b3, layout=layout)
    same(lambda lib, x: lib.trace(x), a, layout=layout)
    same(lambda lib, x: x.clone().tril_(1), a, layout=layout)
    same(lambda lib, x: x.clone().triu_(-1), a, layout=layout)


def test_diagonal_is_a_view_and_errors():
    x = nt.zeros(3, 3)
    x.diagonal().fill_(1)
    assert x.tolist() == nt.eye(3).tolist()
    for fn in [lambda lib: lib.diagonal(lib.ones(2, 2), 0, 0, 0), lambda lib: lib.tril(lib.ones(2)),
               lambda lib: lib.trace(lib.ones(2)), lambda lib: lib.diag(lib.ones(2, 2, 2)),
               lambda lib: lib.cross(lib.ones(2), lib.ones(2)),
               lambda lib: lib.cross(lib.ones(2), lib.ones(2), dim=0),
               lambda lib: lib.meshgrid(lib.ones(2, 2), indexing="ij"),
               lambda lib: lib.meshgrid(lib.ones(2), indexing="yx"),
               lambda lib: lib.einsum("ii", lib.ones(2, 3)),
               lambda lib: lib.einsum("ij,jk", lib.ones(2, 3), lib.ones(4, 2)),
               lambda lib: lib.einsum("ij", lib.ones(2)),
               lambda lib: lib.einsum("ij,jk->ik", lib.ones(2, 2))]:
        same(fn)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_cross(layout):
    a, b = values("float64", (4, 3), seed=12), values("float64", (4, 3), seed=13)
    same(lambda lib, x, y: lib.cross(x, y, dim=1), a, b, layout=layout)
    same(lambda lib, x, y: lib.cross(x, y), a, b, layout=layout)
    same(lambda lib, x, y: x.cross(y[:1], dim=-1), a, b, layout=layout)
    same(lambda lib, x, y: lib.linalg.cross(x, y), a, b, layout=layout)
    same(lambda lib, x, y: lib.cross(x.long(), y.long(), dim=1), a * 3, b * 3, layout=layout)


EINSUM = ["ij,jk->ik", "ij,jk", "ij->ji", "ii->i", "ii", "ij->", "bij,bjk->bik", "i,i->",
          "i,j->ij", "...ij,...jk->...ik", "bi,bi->b", "ijk->kji", "ij,ij,ij->i", "ab,cd->abcd",
          "ii->", "i,i,i", "...j->...", "iij->j"]
EINSUM_SHAPES = {"ij,jk->ik": [(2, 3), (3, 4)], "ij,jk": [(2, 3), (3, 4)], "ij->ji": [(2, 3)],
                 "ii->i": [(3, 3)], "ii": [(3, 3)], "ij->": [(2, 3)],
                 "bij,bjk->bik": [(2, 3, 4), (2, 4, 5)], "i,i->": [(4,), (4,)],
                 "i,j->ij": [(3,), (2,)], "...ij,...jk->...ik": [(2, 1, 2, 3), (4, 3, 2)],
                 "bi,bi->b": [(3, 4), (1, 4)], "ijk->kji": [(2, 3, 4)],
                 "ij,ij,ij->i": [(2, 3), (2, 3), (2, 3)], "ab,cd->abcd": [(2, 1), (1, 3)],
                 "ii->": [(4, 4)], "i,i,i": [(3,), (3,), (3,)], "...j->...": [(2, 3, 4)],
                 "iij->j": [(2, 2, 3)]}


@pytest.mark.parametrize("eq", EINSUM)
@pytest.mark.parametrize("layout", ["contiguous", "transposed"])
def test_einsum(eq, layout):
    arrays = [values("float64", s, seed=20 + i) for i, s in enumerate(EINSUM_SHAPES[eq])]
    same(lambda lib, *xs: lib.einsum(eq, *xs), *arrays, layout=layout)
    same(lambda lib, *xs: lib.einsum(eq, list(xs)), *arrays, layout=layout)
    same(lambda lib, *xs: lib.einsum(eq, *[x.long() for x in xs]), *arrays, layout=layout)


@pytest.mark.parametrize("indexing", ["ij", "xy"])
def test_meshgrid_cartesian_prod(indexing):
    a, b, c = np.arange(3), np.arange(4) * 1.5, np.array([7])
    same(lambda lib, x, y: lib.meshgrid(x, y, indexing=indexing), a, b)
    same(lambda lib, x, y, z: lib.meshgrid([x, y, z], indexing=indexing), a, b, c)
    same(lambda lib, x: lib.meshgrid(x, indexing=indexing), a)
    same(lambda lib, x, y: lib.meshgrid(x[0], y, indexing=indexing), a, b)
    same(lambda lib, x, y: lib.cartesian_prod(x, y), a, a + 1)
    same(lambda lib, x, y, z: lib.cartesian_prod(x, y, z), a, a, c)
    same(lambda lib, x: lib.cartesian_prod(x), a)
    with pytest.warns(UserWarning, match="indexing argument"):
        nt.meshgrid(nt.ones(2), nt.ones(3))


def test_allclose_isclose_clone():
    a = values("float64", (3, 4), seed=30)
    b = a + 1e-9
    same(lambda lib, x, y: lib.allclose(x, y), a, b)
    same(lambda lib, x, y: lib.isclose(x, y, rtol=0, atol=1e-12), a, b)
    same(lambda lib, x, y: x.isclose(y), a, b)
    same(lambda lib, x, y: x.allclose(y + 1), a, b)
    same(lambda lib, x: lib.clone(x).stride(), a, layout="transposed")
    same(lambda lib, x: x.clone(), a, layout="stepped")


# ---- gradients ---------------------------------------------------------------------------
GRAD_CASES = {
    "sort": (lambda T, x: T.sort(x, dim=1).values, [(3, 4)]),
    "sort_desc": (lambda T, x: x.sort(0, descending=True)[0], [(3, 4)]),
    "topk": (lambda T, x: T.topk(x, 2).values, [(3, 4)]),
    "kthvalue": (lambda T, x: T.kthvalue(x, 2, dim=0).values, [(3, 4)]),
    "msort": (lambda T, x: T.msort(x), [(3, 4)]),
    "tril": (lambda T, x: T.tril(x, -1), [(2, 3, 4)]),
    "triu": (lambda T, x: x.triu(1), [(3, 4)]),
    "diag_vec": (lambda T, x: T.diag(x, 1), [(3,)]),
    "diag_mat": (lambda T, x: T.diag(x, -1), [(3, 4)]),
    "diagonal": (lambda T, x: T.diagonal(x, 1, 0, 2), [(3, 2, 4)]),
    "diag_embed": (lambda T, x: T.diag_embed(x, -1, 0, 2), [(3, 2)]),
    "trace": (lambda T, x: T.trace(x), [(3, 4)]),
    "einsum_mm": (lambda T, x, y: T.einsum("ij,jk->ik", x, y), [(2, 3), (3, 4)]),
    "einsum_diag": (lambda T, x: T.einsum("ii->i", x), [(3, 3)]),
    "einsum_batch": (lambda T, x, y: T.einsum("bij,bj->bi", x, y), [(2, 3, 4), (2, 4)]),
    "einsum_three": (lambda T, x, y, z: T.einsum("i,ij,j->", x, y, z), [(3,), (3, 4), (4,)]),
    "cross": (lambda T, x, y: T.cross(x, y, dim=1), [(4, 3), (4, 3)]),
    "cross_bcast": (lambda T, x, y: T.linalg.cross(x, y), [(4, 3), (1, 3)]),
}


@pytest.mark.parametrize("name", sorted(GRAD_CASES))
@pytest.mark.parametrize("layout", ["contiguous", "transposed", "sliced"])
def test_gradients_match_torch(name, layout):
    fn, shapes = GRAD_CASES[name]
    g = rng(40)
    arrays = [g.permutation(int(np.prod(s))).reshape(s) / 3.0 - 1.0 for s in shapes]  # no ties
    assert_grads_match_torch(torch, fn, arrays, layout, check_name=not name.startswith("einsum"))


@pytest.mark.parametrize("name", sorted(GRAD_CASES))
def test_gradcheck(name):
    fn, shapes = GRAD_CASES[name]
    g = rng(41)
    inputs = [nt.tensor(g.permutation(int(np.prod(s))).reshape(s) / 3.0 - 1.0,
                        dtype=nt.float64, requires_grad=True) for s in shapes]
    assert gradcheck(lambda *xs: fn(nt, *xs), inputs)


# ---- print options, threads -------------------------------------------------------------
PRINT_OPTIONS = [dict(precision=2), dict(precision=6, sci_mode=True), dict(threshold=5),
                 dict(threshold=5, edgeitems=1), dict(linewidth=30), dict(sci_mode=False),
                 dict(profile="short"), dict(profile="full"), dict(profile="nonsense")]


@pytest.mark.parametrize("opts", PRINT_OPTIONS, ids=repr)
def test_set_printoptions(opts):
    arr = np.linspace(-3, 3, 60).reshape(6, 10).astype("float32") ** 3 / 7
    try:
        for lib in (torch, nt):
            lib.set_printoptions(**opts)
        for a in (arr, arr[0], arr.astype("int64"), np.array(1e-6, "float32")):
            assert repr(nt.from_numpy(a.copy())) == repr(torch.from_numpy(a.copy()))
        assert nt._tensor_str.get_printoptions() == torch._tensor_str.get_printoptions()
    finally:
        for lib in (torch, nt):
            lib.set_printoptions(profile="default")
    assert nt._tensor_str.get_printoptions() == torch._tensor_str.get_printoptions()


def test_printoptions_context():
    with nt._tensor_str.printoptions(precision=1):
        assert repr(nt.tensor([1.25])) == "tensor([1.2])"
    assert repr(nt.tensor([1.25])) == "tensor([1.2500])"


def test_num_threads():
    n = nt.get_num_threads()
    assert isinstance(n, int) and n >= 1
    try:
        nt.set_num_threads(1)
        assert nt.get_num_threads() == 1
        assert (nt.ones(100000) * 2).sum().item() == 200000
    finally:
        nt.set_num_threads(n)
    with pytest.raises(RuntimeError):
        nt.set_num_threads(0)
    with pytest.raises(TypeError):
        nt.set_num_threads("2")


def test_sorting_dtype_errors():
    for fn in [lambda lib: lib.searchsorted(lib.tensor([True]), lib.tensor([True])),
               lambda lib: lib.bucketize(lib.tensor([1]), lib.tensor([True])),
               lambda lib: lib.searchsorted(lib.tensor([1, 2]), lib.tensor([True])),
               lambda lib: lib.searchsorted(lib.tensor([1.0], dtype=lib.float16),
                                            lib.tensor([1.0], dtype=lib.float16)),
               lambda lib: lib.unique(lib.tensor([1j])),
               lambda lib: lib.unique(lib.tensor([1j]), dim=0),
               lambda lib: lib.unique_consecutive(lib.tensor([1j])),
               lambda lib: lib.unique(lib.tensor([True, False, True]), return_counts=True),
               lambda lib: lib.topk(lib.tensor([True, False]), 1),
               lambda lib: lib.topk(lib.tensor([1j]), 1),
               lambda lib: lib.kthvalue(lib.tensor([True, False]), 1),
               lambda lib: lib.argsort(lib.tensor([1j])),
               lambda lib: lib.msort(lib.tensor([1j]))]:
        same(fn)


def test_topk_zero_gradient():
    x = nt.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=nt.float64, requires_grad=True)
    out = nt.topk(x, 0, dim=0).values
    assert out.shape == (0, 2)
    out.sum().backward()
    assert x.grad.tolist() == [[0.0, 0.0], [0.0, 0.0]]
