"""Advanced indexing (integer tensors, lists, masks) against PyTorch: x[key] and x[key] = v.

Each key is written once with NumPy arrays standing for index tensors; `_key` turns
them into numtensor or torch tensors, so the same key runs on both libraries.
Inputs come contiguous and as permuted (non-contiguous) views.
"""
import re

import numpy as np
import pytest

import numtensor as nt

import torch  # noqa: E402  (required: CI fails without the oracle)

I = np.array  # an index tensor in a key spec


def _key(lib, spec):
    def conv(k):
        if isinstance(k, np.ndarray):
            return lib.from_numpy(k.copy())
        return k
    if isinstance(spec, tuple):
        return tuple(conv(k) for k in spec)
    return conv(spec)


def _pair(shape, permuted, dtype=np.float32, seed=0):
    """The same values as a numtensor and a torch tensor (permuted: a transposed view)."""
    rng = np.random.default_rng(seed)
    if permuted:
        base = rng.standard_normal(shape[::-1]).astype(dtype)
        order = list(range(len(shape)))[::-1]
        return (nt.from_numpy(base.copy()).permute(order),
                torch.from_numpy(base.copy()).permute(order))
    base = rng.standard_normal(shape).astype(dtype)
    return nt.from_numpy(base.copy()), torch.from_numpy(base.copy())


def _same(got, want):
    assert isinstance(got, nt.Tensor)
    assert tuple(got.shape) == tuple(want.shape), (tuple(got.shape), tuple(want.shape))
    assert str(got.dtype) == str(want.dtype)
    np.testing.assert_array_equal(got.numpy(), want.detach().numpy())


X3 = np.array([[[True, False, True, True, False, False]] * 5,
               [[False] * 6] * 5, [[True] * 6] * 5, [[False, True] * 3] * 5])
M0 = np.array([True, False, True, True])           # mask over dim 0 (size 4)
M01 = np.arange(20).reshape(4, 5) % 3 == 0         # mask over dims 0, 1
M1 = np.array([False, True, True, False, True])    # mask over dim 1 (size 5)

GET_KEYS = [
    I([0, 2, -1]),
    [0, 2, 1],
    [3],
    [],
    I([[0, 1], [2, -3]]),
    (I([0, 1]), I([2, 3])),
    (I([0, 1]), I([2, 3]), I([5, -6])),
    (slice(None), I([1, 0])),
    (slice(None), slice(None), I([[1], [0]])),
    (I([0, 1]), slice(None), I([1, 2])),            # separated: result dims move to the front
    (I([[0], [3]]), slice(1, 4), I([1, 2, 0])),       # separated + broadcast
    (0, slice(None), I([0, 1])),                   # int mixed in
    (slice(None), 1, I([0, 5, 3])),
    (I([[0], [1]]), I([0, 2, 1])),                 # broadcasting index tensors
    (slice(None, None, 2), I([1, 1, 0])),          # slice with a step
    (slice(1, None, 2), I([4]), slice(None, None, 3)),
    (None, I([1, 0])),
    (I([1, 0]), None),
    (Ellipsis, I([0, 1])),
    (I([1, 0]), Ellipsis, None),
    (None, I([0, 1]), None, I([1, 2])),            # separated by None
    M0,
    M01,
    X3,
    (slice(None), M1),
    (M0, slice(None), I([1, 4, 0])),               # mask (3 true) with an index tensor
    (M0, I([0, 1, 2])),
    (I([1, 3]), np.eye(5, 6, dtype=bool) & (np.arange(5) % 3 == 1)[:, None]),
    True,
    (Ellipsis, False),
    (1, I([True, False, True, False, True])),
]


@pytest.mark.parametrize("permuted", [False, True])
@pytest.mark.parametrize("spec", GET_KEYS, ids=[str(i) for i in range(len(GET_KEYS))])
def test_getitem_matches_torch(spec, permuted):
    a, b = _pair((4, 5, 6), permuted)
    got = a[_key(nt, spec)]
    want = b[_key(torch, spec)]
    _same(got, want)
    if got.numel():  # a gather is a copy
        got.view(-1)[0] = 1234.0
        assert not (a == 1234.0).any().item()


@pytest.mark.parametrize("dtype", [np.float64, np.int64, np.bool_])
def test_getitem_dtypes(dtype):
    a, b = _pair((4, 5), False, dtype=np.float64)
    a, b = a.to(getattr(nt, np.dtype(dtype).name if dtype is not np.bool_ else "bool")), \
        b.to(getattr(torch, np.dtype(dtype).name if dtype is not np.bool_ else "bool"))
    for spec in (I([3, 0, 0]), (I([0, 1]), I([4, 4])), M01, (slice(None), I([1, -1]))):
        _same(a[_key(nt, spec)], b[_key(torch, spec)])


def test_float16_gather():
    a = nt.arange(12, dtype=nt.float16).reshape(3, 4)
    b = torch.arange(12, dtype=torch.float16).reshape(3, 4)
    _same(a[[2, 0]], b[[2, 0]])
    _same(a[a > 5], b[b > 5])


def test_basic_indexing_stays_a_view():
    a = nt.arange(12.).reshape(3, 4)
    v = a[1:, ::2]
    v[0, 0] = -1
    assert a[1, 0].item() == -1
    assert a[:, None].data_ptr() == a.data_ptr()


def test_random_shapes_and_indices():
    rng = np.random.default_rng(1234)
    for trial in range(25):
        nd = int(rng.integers(1, 5))
        shape = tuple(int(s) for s in rng.integers(1, 5, nd))
        a, b = _pair(shape, bool(trial % 2), seed=trial)
        n_idx = int(rng.integers(1, nd + 1))
        dims = sorted(rng.choice(nd, n_idx, replace=False).tolist())
        bshape = tuple(int(s) for s in rng.integers(1, 4, int(rng.integers(1, 3))))
        spec = []
        for d in range(nd):
            if d in dims:
                spec.append(rng.integers(-shape[d], shape[d], bshape))
            else:
                spec.append(slice(None) if rng.random() < 0.7 else slice(0, None, 2))
        spec = tuple(spec)
        _same(a[_key(nt, spec)], b[_key(torch, spec)])
        value = rng.standard_normal(b[_key(torch, spec)].shape).astype(np.float32)
        a[_key(nt, spec)] = nt.from_numpy(value.copy())
        b[_key(torch, spec)] = torch.from_numpy(value.copy())
        _same(a, b)


# ---- setitem ----------------------------------------------------------------------
SET_KEYS = [
    I([0, 2, -1]),
    [1, 3],
    (I([0, 1]), I([2, 3])),
    (slice(None), I([1, 0])),
    (I([0, 1]), slice(None), I([1, 2])),
    (I([[0], [3]]), slice(1, 4), I([1, 2, 0])),
    (0, slice(None), I([0, 1])),
    (slice(None, None, 2), I([1, 4, 0])),
    (None, I([1, 0])),
    (Ellipsis, I([0, 5])),
    M0,
    M01,
    X3,
    (slice(None), M1),
    (M0, slice(None), I([1, 4, 0])),
]


def _values(shape, kind):
    rng = np.random.default_rng(7)
    if kind == "scalar":
        return 3.5, 3.5
    if kind == "full":
        v = rng.standard_normal(shape).astype(np.float32)
    elif kind == "last-dim":
        v = rng.standard_normal(shape[-1:]).astype(np.float32)
    else:  # one element, broadcast
        v = np.array([2.0], np.float32)
    return nt.from_numpy(v.copy()), torch.from_numpy(v.copy())


@pytest.mark.parametrize("permuted", [False, True])
@pytest.mark.parametrize("kind", ["scalar", "full", "last-dim", "one"])
@pytest.mark.parametrize("spec", SET_KEYS, ids=[str(i) for i in range(len(SET_KEYS))])
def test_setitem_matches_torch(spec, kind, permuted):
    a, b = _pair((4, 5, 6), permuted)
    shape = tuple(b[_key(torch, spec)].shape)
    if kind == "last-dim" and not shape:
        pytest.skip("0-d result")
    va, vb = _values(shape, kind)
    a[_key(nt, spec)] = va
    b[_key(torch, spec)] = vb
    _same(a, b)


def test_setitem_through_view_of_view_lands_in_base():
    base_a = nt.zeros(4, 6)
    base_b = torch.zeros(4, 6)
    for base, lib in ((base_a, nt), (base_b, torch)):
        v = base.t()[1:5:2]        # a view of a view, non-contiguous
        v[lib.tensor([1, 0]), lib.tensor([3, 2])] = lib.tensor([7.0, 8.0])
        v[v == 0] = -1.0
    _same(base_a, base_b)


def test_index_put_value_dtype_rules_follow_torch():
    """PyTorch 2.x refuses a tensor value of another dtype in an index put (a 0-d value
    under a boolean mask is a masked fill and casts); Python numbers always convert."""
    for lib in (nt, torch):
        a = lib.zeros(3, 4)
        with pytest.raises(RuntimeError, match="Index put requires the source and destination "
                                               "dtypes match, got Float for the destination and "
                                               "Long for the source"):
            a[[0, 2], [1, 1]] = lib.tensor([5, 6])
        with pytest.raises(RuntimeError, match="dtypes match"):
            a[lib.tensor([1])] = lib.tensor([1.25, 2, 3, 4], dtype=lib.float64)
        assert a.abs().sum().item() == 0  # nothing was written
        a[lib.tensor([True, False, True])] = lib.tensor(2)  # masked fill: casts
        assert a.sum().item() == 16
    c = nt.zeros(4, dtype=nt.int64)
    c[[1, 2]] = 2.7   # a Python float into an int tensor truncates, as in torch
    d = torch.zeros(4, dtype=torch.int64)
    d[[1, 2]] = 2.7
    _same(c, d)


def test_repeated_indices_last_write_wins():
    a, b = nt.zeros(5), torch.zeros(5)
    a[[0, 0, 0, 2]] = nt.tensor([1.0, 2.0, 3.0, 4.0])
    b[[0, 0, 0, 2]] = torch.tensor([1.0, 2.0, 3.0, 4.0])
    _same(a, b)
    a2, b2 = nt.zeros(3, 4), torch.zeros(3, 4)
    a2[[1, 1]] = nt.arange(8.).reshape(2, 4)
    b2[[1, 1]] = torch.arange(8.).reshape(2, 4)
    _same(a2, b2)


def test_index_put_accumulate():
    a, b = nt.zeros(5), torch.zeros(5)
    idx = [0, 0, 3, 0]
    a.index_put_((nt.tensor(idx),), nt.tensor([1.0, 2.0, 3.0, 4.0]), accumulate=True)
    b.index_put_((torch.tensor(idx),), torch.tensor([1.0, 2.0, 3.0, 4.0]), accumulate=True)
    _same(a, b)
    a2, b2 = nt.ones(3, 2), torch.ones(3, 2)
    a2.index_put_((nt.tensor([2, 2]), nt.tensor([1, 1])), nt.tensor(5.0), accumulate=True)
    b2.index_put_((torch.tensor([2, 2]), torch.tensor([1, 1])), torch.tensor(5.0), accumulate=True)
    _same(a2, b2)
    m = nt.tensor([True, False, True])
    a2.index_put_((m,), nt.tensor([1.0, 2.0]), accumulate=True)
    b2.index_put_((torch.tensor([True, False, True]),), torch.tensor([1.0, 2.0]), accumulate=True)
    _same(a2, b2)
    _same(nt.index_put(nt.zeros(3), (nt.tensor([1]),), nt.tensor(2.0)),
          torch.index_put(torch.zeros(3), (torch.tensor([1]),), torch.tensor(2.0)))


# ---- errors -------------------------------------------------------------------------
ERRORS = [
    (I([5]), IndexError, "index 5 is out of bounds for dimension 0 with size 4"),
    (I([-5]), IndexError, "index -5 is out of bounds for dimension 0 with size 4"),
    ((0, 0, I([1, 6])), IndexError, "index 6 is out of bounds for dimension 0 with size 6"),
    ((slice(None), I([9])), IndexError, "index 9 is out of bounds for dimension 0 with size 5"),
    ((I([0]), slice(None), I([9])), IndexError, "index 9 is out of bounds for dimension 1 with "
                                                "size 6"),
    ((M0, I([9])), IndexError, "index 9 is out of bounds for dimension 1 with size 5"),
    ((I([0]), I([0]), I([0]), I([0])), IndexError, "too many indices for tensor of dimension 3"),
    ((0, 0, 0, I([0])), IndexError, "too many indices for tensor of dimension 3"),
    (np.ones(3, bool), IndexError, "The shape of the mask [3] at index 0 does not match the "
                                   "shape of the indexed tensor [4, 5, 6] at index 0"),
    (np.ones((4, 4), bool), IndexError, "The shape of the mask [4, 4] at index 1 does not match "
                                        "the shape of the indexed tensor [4, 5, 6] at index 1"),
    ((slice(None), np.ones(6, bool)), IndexError, "The shape of the mask [6] at index 0 does "
                                                  "not match the shape of the indexed tensor "
                                                  "[4, 5, 6] at index 1"),
    (np.array([1.0]), IndexError, "tensors used as indices must be long, int, byte or bool "
                                  "tensors"),
    ((I([0, 1]), I([0, 1, 2])), IndexError, "shape mismatch: indexing tensors could not be "
                                            "broadcast together with shapes [2], [3]"),
    ((I([0, 1]), np.ones((5, 6), bool)), IndexError, "shape mismatch: indexing tensors could not "
                                                     "be broadcast together with shapes [2], [30], [30]"),
]


@pytest.mark.parametrize("spec,exc,msg", ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_getitem_errors(spec, exc, msg):
    a, b = _pair((4, 5, 6), False)
    with pytest.raises(exc) as want:
        b[_key(torch, spec)]
    with pytest.raises(exc) as got:
        a[_key(nt, spec)]
    assert str(got.value) == msg == str(want.value)


@pytest.mark.parametrize("spec,exc,msg", ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_failed_setitem_leaves_tensor_unchanged(spec, exc, msg):
    a, _ = _pair((4, 5, 6), False)
    before = a.clone()
    with pytest.raises(exc, match=None) as got:
        a[_key(nt, spec)] = 1.0
    assert str(got.value) == msg
    assert nt.equal(a, before)


def test_setitem_value_shape_mismatch():
    a, b = nt.zeros(3, 4), torch.zeros(3, 4)
    with pytest.raises(RuntimeError) as want:
        b[[0, 1]] = torch.ones(2, 4, 2)
    with pytest.raises(RuntimeError) as got:
        a[[0, 1]] = nt.ones(2, 4, 2)
    assert str(got.value) == str(want.value)
    assert nt.equal(a, nt.zeros(3, 4))
    a[[0, 1]] = nt.ones(1, 1, 4)   # extra leading 1s are fine
    assert a.sum().item() == 8


def test_setitem_on_leaf_requiring_grad_raises():
    x = nt.zeros(4, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        x[[0]] = 1.0


# ---- gradients ------------------------------------------------------------------------
GRAD_KEYS = [
    I([0, 2, 0, 0]),                               # repeated rows accumulate
    (I([0, 1]), slice(None), I([1, 1])),
    (slice(None), I([[2, 2], [0, 1]])),
    M0,
    (slice(None), M1),
    (None, I([1, 0]), Ellipsis),
]


@pytest.mark.parametrize("spec", GRAD_KEYS, ids=[str(i) for i in range(len(GRAD_KEYS))])
def test_getitem_gradient(spec):
    data = np.random.default_rng(3).standard_normal((4, 5, 3))
    x = nt.from_numpy(data.copy()).requires_grad_()
    assert nt.autograd.gradcheck(lambda t: t[_key(nt, spec)], (x,))
    y = x[_key(nt, spec)]
    assert y.grad_fn.name() == "IndexBackward0"
    w = np.random.default_rng(4).standard_normal(tuple(y.shape))
    (y * nt.from_numpy(w)).sum().backward()
    xt = torch.from_numpy(data.copy()).requires_grad_()
    (xt[_key(torch, spec)] * torch.from_numpy(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), atol=1e-12)


def test_getitem_gradient_through_permuted_input():
    data = np.random.default_rng(5).standard_normal((3, 4))
    x = nt.from_numpy(data.copy()).requires_grad_()
    xt = torch.from_numpy(data.copy()).requires_grad_()
    (x.t()[[1, 1, 3]] * 2).sum().backward()
    (xt.t()[[1, 1, 3]] * 2).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy())


@pytest.mark.parametrize("spec", [I([0, 2, 2]), (I([0, 1, 3]), I([1, 1, 2])), M0])
def test_setitem_gradient_on_non_leaf(spec):
    data = np.random.default_rng(6).standard_normal((4, 3))
    results = []
    for lib in (nt, torch):
        x = lib.from_numpy(data.copy()).requires_grad_()
        v = lib.from_numpy(np.array([1.5, -2.0, 0.5])).requires_grad_()
        y = x * 2
        y[_key(lib, spec)] = v * 3
        w = lib.from_numpy(np.arange(12.0).reshape(4, 3))
        (y * w).sum().backward()
        results.append((y.detach().numpy().copy(), x.grad.numpy(), v.grad.numpy()))
    for got, want in zip(*results):
        np.testing.assert_allclose(got, want)

    if isinstance(spec, np.ndarray) and spec.dtype != bool:
        return  # repeated rows: torch's gradient (which we match above) is not d(out)/dv
    def f(x, v):
        y = x * 1
        y[_key(nt, spec)] = v
        return y
    x = nt.from_numpy(data.copy()).requires_grad_()
    v = nt.from_numpy(np.array([1.5, -2.0, 0.5])).requires_grad_()
    assert nt.autograd.gradcheck(f, (x, v))


def test_setitem_gradient_on_view_of_non_leaf():
    data = np.random.default_rng(8).standard_normal((3, 4))
    grads = []
    for lib in (nt, torch):
        x = lib.from_numpy(data.copy()).requires_grad_()
        y = x + 0
        y[1:][lib.tensor([0, 1]), lib.tensor([2, 3])] = 0.0
        (y * y).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1])


# ---- lecture snippets ----------------------------------------------------------------
def test_lecture_snippets_print_like_torch():
    for lib in (nt, torch):
        a = lib.arange(4)
        c = lib.arange(6).reshape(2, 3)
        x = lib.arange(12.0).reshape(3, 4)
        x[:, 1:3] = -1
        X = lib.arange(12, dtype=lib.float32).reshape((3, 4))
        X[1, 2] = 17
        r1 = (X[-1], X[1:3])
        X[:2, :] = 12
        n, y = 4, lib.tensor([2, 0, 1, 2])
        onehot = lib.zeros(n, 3)
        onehot[lib.arange(n), y] = 1
        out = [repr(a[None]), repr(a[:, None]), repr(c[:, 0]), repr(x), repr(r1), repr(X),
               repr(onehot)]
        if lib is nt:
            got = out
        else:
            want = out
    assert got == want


def test_parallel_kernels_match_numpy():
    """Above the grain size (32768 elements) the parallel twins run: check them once."""
    rng = np.random.default_rng(11)
    x = rng.standard_normal((700, 64)).astype(np.float32)
    idx = rng.integers(-700, 700, 900)
    t = nt.from_numpy(x.copy())
    np.testing.assert_array_equal(t[nt.from_numpy(idx)].numpy(), x[idx])
    np.testing.assert_array_equal(t.t()[:, nt.from_numpy(idx)].numpy(), x.T[:, idx])
    np.testing.assert_array_equal(t[t > 0].numpy(), x[x > 0])
    np.testing.assert_array_equal(t.t()[t.t() > 0.5].numpy(), x.T[x.T > 0.5])
    np.testing.assert_array_equal(nt.nonzero(t > 1).numpy(), np.argwhere(x > 1))
    # writes: masked fill, row scatter with repeats (last wins), accumulation
    t[t < 0] = 0.0
    y = x.copy()
    y[y < 0] = 0.0
    np.testing.assert_array_equal(t.numpy(), y)
    rows = np.array([5, 9, 5, 600] * 200)
    vals = rng.standard_normal((800, 64)).astype(np.float32)
    t[nt.from_numpy(rows)] = nt.from_numpy(vals)
    y[rows] = vals  # NumPy's assignment also keeps the last of repeated rows
    np.testing.assert_array_equal(t.numpy(), y)
    acc = nt.zeros(700, 64).index_put_((nt.from_numpy(rows),), nt.from_numpy(vals),
                                       accumulate=True)
    want = np.zeros((700, 64), np.float32)
    np.add.at(want, rows, vals)
    np.testing.assert_allclose(acc.numpy(), want, rtol=1e-5, atol=1e-5)


def test_setitem_value_requiring_grad_makes_history():
    names = []
    for lib in (nt, torch):
        y = lib.zeros(4, dtype=lib.float64)
        v = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        y[lib.tensor([3, 1])] = v
        (y * lib.arange(4, dtype=lib.float64)).sum().backward()
        names.append((y.grad_fn.name(), v.grad.tolist()))
    assert names[0] == names[1]


def test_index_forms_int32_numpy_and_augmented_assignment():
    a, b = _pair((4, 5), False)
    for key_a, key_b in [(nt.tensor([3, 1], dtype=nt.int32), torch.tensor([3, 1], dtype=torch.int32)),
                         (np.array([0, 0, 2]), np.array([0, 0, 2]))]:
        _same(a[key_a], b[key_b])
        a[key_a] += 1
        b[key_b] += 1
        _same(a, b)


@pytest.mark.parametrize("key,msg", [
    (0, "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` "
        "in C++ to convert a 0-dim tensor to a number"),
    (np.int64(0), "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                  "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number"),
    (slice(None), "slice() cannot be applied to a 0-dim tensor."),
    ((0,), "too many indices for tensor of dimension 0"),
    ((slice(None),), "too many indices for tensor of dimension 0"),
])
def test_zero_dim_index_errors_match_torch(key, msg):
    for lib in (nt, torch):
        x = lib.tensor(1.5)
        with pytest.raises(IndexError) as got:
            x[key]
        assert str(got.value) == msg
        with pytest.raises(IndexError) as got:
            x[key] = 2.0
        assert str(got.value) == msg
        assert x.item() == 1.5


@pytest.mark.parametrize("permuted", [False, True])
@pytest.mark.parametrize("key", [0, 3, -1, -4, slice(1, 3), slice(None), slice(None, None, 2),
                                 slice(-3, None), slice(5, 1), slice(2, 100, 3), slice(-100, 2)])
def test_int_and_slice_keys_are_views_with_torch_values_and_gradients(key, permuted):
    a, b = _pair((4, 5, 6), permuted)
    got, want = a[key], b[key]
    _same(got, want)
    assert (got.storage_offset(), got.stride()) == (want.storage_offset(), want.stride())
    if got.numel():  # a view: writes land in a
        got[(0,) * got.ndim] = 1234.0
        assert (a == 1234.0).sum().item() == 1
    a.requires_grad_(True)
    b.requires_grad_(True)
    (a[key] * 2).sum().backward()
    (b[key] * 2).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())
    for exc_key in (4, -5):
        with pytest.raises(IndexError, match=f"index {exc_key} is out of bounds for dimension 0 "
                                             "with size 4"):
            a[exc_key]
    with pytest.raises(ValueError, match="step must be greater than zero"):
        a[::-1]


def _layouts(lib, arr):
    """The array as a contiguous tensor, a transposed view and a stepped slice."""
    t = lib.from_numpy(arr.copy())
    return {"contiguous": t, "transposed": lib.from_numpy(np.ascontiguousarray(
        np.swapaxes(arr, 0, -1)).copy()).transpose(0, -1), "stepped": lib.from_numpy(
        np.repeat(arr, 2, axis=0).copy())[::2]}


@pytest.mark.parametrize("layout", ["contiguous", "transposed", "stepped"])
def test_one_index_or_mask_tensor_keys_match_torch(layout):
    """x[idx] (int64, any shape, negative entries, repeats, empty) and x[mask] (bool, of
    the leading dims, contiguous or not) take their own short paths: values, shapes,
    gradients, node names and errors as PyTorch's."""
    rng = np.random.default_rng(3)
    for shape in [(7,), (5, 3), (4, 3, 2)]:
        arr = rng.standard_normal(shape).astype(np.float32)
        ours, theirs = _layouts(nt, arr)[layout], _layouts(torch, arr)[layout]
        n = shape[0]
        for idx in [rng.integers(-n, n, 6), rng.integers(0, n, (2, 3)), np.array([n - 1]),
                    np.zeros(0, np.int64)]:
            got, want = ours[nt.from_numpy(idx.copy())], theirs[torch.from_numpy(idx.copy())]
            assert tuple(got.shape) == tuple(want.shape)
            np.testing.assert_array_equal(got.numpy(), want.numpy())
        for k in range(1, len(shape) + 1):
            mask = rng.random(shape[:k]) > 0.4
            for m_nt, m_t in [(nt.from_numpy(mask.copy()), torch.from_numpy(mask.copy()))] + (
                    [(nt.from_numpy(mask.T.copy()).t(), torch.from_numpy(mask.T.copy()).t())]
                    if k == 2 else []):  # a transposed (non-contiguous) mask
                got, want = ours[m_nt], theirs[m_t]
                assert tuple(got.shape) == tuple(want.shape)
                np.testing.assert_array_equal(got.numpy(), want.numpy())
        # gradients: repeated rows add up
        for key in [np.array([0, n - 1, 0, -1]), rng.random(shape[:1]) > 0.5]:
            xs = [L.from_numpy(arr.copy()).requires_grad_() for L in (nt, torch)]
            ys = [x[L.from_numpy(key.copy())] for x, L in zip(xs, (nt, torch))]
            assert ys[0].grad_fn.name() == ys[1].grad_fn.name() == "IndexBackward0"
            for y, L in zip(ys, (nt, torch)):
                (y * L.arange(y.numel(), dtype=y.dtype).reshape(y.shape)).sum().backward()
            np.testing.assert_array_equal(xs[0].grad.numpy(), xs[1].grad.numpy())
    # errors, as PyTorch words them
    for lib in (nt, torch):
        with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 0 with size 5"):
            lib.zeros(5, 2)[lib.tensor([0, 5])]
        with pytest.raises(IndexError, match=r"index -6 is out of bounds for dimension 0 with size 5"):
            lib.zeros(5)[lib.tensor([-6])]
        with pytest.raises(IndexError, match=r"The shape of the mask \[4\] at index 0 does not "
                                             r"match the shape of the indexed tensor \[5, 2\]"):
            lib.zeros(5, 2)[lib.ones(4, dtype=lib.bool)]


@pytest.mark.parametrize("layout", ["contiguous", "transposed", "stepped"])
def test_index_select_along_every_dim_matches_torch(layout):
    """index_select's own path: values, and its errors (negative indices refused)."""
    rng = np.random.default_rng(4)
    arr = rng.standard_normal((4, 5, 3)).astype(np.float64)
    ours, theirs = _layouts(nt, arr)[layout], _layouts(torch, arr)[layout]
    for dim in range(-3, 3):
        size = arr.shape[dim]
        for idx in [rng.integers(0, size, 7), np.array([size - 1]), np.zeros(0, np.int64)]:
            got = nt.index_select(ours, dim, nt.from_numpy(idx.copy()))
            want = torch.index_select(theirs, dim, torch.from_numpy(idx.copy()))
            assert tuple(got.shape) == tuple(want.shape)
            np.testing.assert_array_equal(got.numpy(), want.numpy())
        # negative indices are out of range here; dim 1 has its own message in PyTorch
        for bad in ([size], [-1], [0, size + 4, -3]):
            raised = []
            for lib, x in ((nt, ours), (torch, theirs)):
                with pytest.raises((IndexError, RuntimeError)) as info:
                    lib.index_select(x, dim, lib.tensor(bad))
                raised.append((type(info.value), str(info.value)))
            assert raised[0] == raised[1]
    for lib in (nt, torch):  # a 0-d input
        assert lib.index_select(lib.tensor(2.5), 0, lib.tensor([0])).item() == 2.5
        with pytest.raises(IndexError, match="index out of range in self"):
            lib.index_select(lib.tensor(2.5), 0, lib.tensor([-1]))


def test_tuples_of_ints_and_slices_against_pytorch():
    # x[:, 0], x[i, j], x[1:, ::2]: keys of Python ints and plain slices take a short
    # path to the view (indexing._plain_items); values, strides, offsets, aliasing,
    # gradients and out-of-range errors as PyTorch's, on contiguous and permuted inputs
    rng = np.random.default_rng(77)
    for trial in range(200):
        nd = int(rng.integers(1, 5))
        shape = tuple(int(s) for s in rng.integers(1, 6, nd))
        a, b = _pair(shape, bool(trial % 2), seed=trial)
        key = []
        for d in range(int(rng.integers(0, nd + 1))):
            if rng.random() < 0.5:
                key.append(int(rng.integers(-shape[d] - 1, shape[d] + 1)))  # some out of range
            else:
                lo, hi = (None if rng.random() < 0.3 else int(rng.integers(-6, 7)) for _ in range(2))
                key.append(slice(lo, hi, None if rng.random() < 0.5 else int(rng.integers(1, 4))))
        key = tuple(key)
        try:
            want = b[key]
        except IndexError as e:
            with pytest.raises(IndexError, match=re.escape(str(e))):
                a[key]
            continue
        got = a[key]
        _same(got, want)
        assert got.stride() == want.stride() and got.storage_offset() == want.storage_offset()
        assert got._storage is a._storage and got is not a  # a view, never a copy or x itself
        leaf_a = a.detach().requires_grad_()
        leaf_b = b.detach().requires_grad_()
        leaf_a[key].sum().backward()
        leaf_b[key].sum().backward()
        _same(leaf_a.grad, leaf_b.grad)
